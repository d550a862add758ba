//! `watchfloor export` and the server's export endpoints (`watchfloor
//! serve`) place every event at the same point, catalogue sites included:
//! both run on one database and their GeoJSON and CSV are compared.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};

use common::{json, ok, wf};
use serde_json::Value;

/// A document with an event at a catalogue site that names no gazetteer
/// place (the Tsel camp), one at a town and one known only by country.
const DOCUMENT: &str = r#"{"title": "Belarus notes", "published": "2023-08-01", "text": "In July 2023 Wagner fighters arrived at the Tsel field camp.\n\nOn 10 September 2021 Russia deployed troops to Baranovichi for the Zapad exercise.\n\nIn April 2022 Russian troops arrived in Belarus for joint training with the Belarusian army.\n"}"#;

/// `watchfloor serve` on a free loopback port, killed when dropped.
struct Served {
    child: Child,
    addr: String,
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server and reads its address and first admin token from
/// the sign-in URL it prints.
fn serve(db: &Path) -> Served {
    let mut c = wf(db);
    c.args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut served = Served {
        child,
        addr: String::new(),
        token: String::new(),
    };
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if let Some((_, rest)) = line.split_once("http://") {
            if let Some((addr, token)) = rest.trim().split_once("/?token=") {
                served.addr = addr.to_string();
                served.token = token.to_string();
                return served;
            }
        }
    }
    panic!("serve printed no sign-in URL");
}

impl Served {
    /// GET `path` with the admin token: the body of a 200 answer.
    fn get(&self, path: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).expect("connects");
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            self.addr, self.token
        )
        .expect("request sent");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("answer read");
        let (head, body) = answer.split_once("\r\n\r\n").expect("head and body");
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        assert!(
            !head.to_ascii_lowercase().contains("chunked"),
            "{path}: expected a sized body: {head}"
        );
        body.to_string()
    }
}

/// Evidence sentence → (latitude, longitude, geo_precision) text of each
/// CSV row.
fn csv_points(text: &str) -> BTreeMap<String, (String, String, String)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records()
        .map(|row| {
            let row = row.expect("a CSV row");
            (
                row[13].to_string(),
                (row[9].to_string(), row[10].to_string(), row[11].to_string()),
            )
        })
        .collect()
}

#[test]
fn command_line_and_server_exports_put_each_event_at_the_same_point() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("w.db");
    let doc = tmp.path().join("notes.jsonl");
    std::fs::write(&doc, format!("{DOCUMENT}\n")).expect("document written");
    ok(&db, &["ingest", doc.to_str().expect("utf-8 path")]);
    ok(&db, &["extract"]);

    let cli = json(&db, &["export", "geojson"]);
    let cli_csv = csv_points(&ok(&db, &["export", "csv"]));
    let server = serve(&db);
    let geojson: Value =
        serde_json::from_str(&server.get("/api/export/events.geojson")).expect("server GeoJSON");
    let server_csv = csv_points(&server.get("/api/export/events.csv"));
    drop(server);

    // Event ID → (geometry, located_by, geo_precision), from each side.
    let cli_events: BTreeMap<i64, (Value, Value, Value)> = cli["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["kind"] == "event")
        .map(|f| {
            let p = &f["properties"];
            let id = p["event"].as_i64().expect("event ID");
            let how = (f["geometry"].clone(), p["located_by"].clone());
            (id, (how.0, how.1, p["geo_precision"].clone()))
        })
        .collect();
    let server_events: BTreeMap<i64, (Value, Value, Value)> = geojson["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let id = f["id"].as_i64().expect("event ID");
            let how = (f["geometry"].clone(), p["located_by"].clone());
            (id, (how.0, how.1, p["geo_precision"].clone()))
        })
        .collect();
    assert_eq!(cli_events.len(), 3, "{cli}");
    assert_eq!(server_events, cli_events);
    assert_eq!(server_csv, cli_csv);

    // The fixture covers all three ways of placing an event, and the site
    // is where the catalogue says.
    let ways: Vec<&str> = cli_events
        .values()
        .filter_map(|(_, by, _)| by.as_str())
        .collect();
    for way in ["site", "place", "capital"] {
        assert!(ways.contains(&way), "{way} missing: {ways:?}");
    }
    let site = cli["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["kind"] == "place" && f["properties"]["located_by"] == "site")
        .expect("the site as a place");
    let id = site["id"].as_str().expect("site ID");
    let catalogue = watchfloor_extract::Knowledge::embedded().expect("knowledge");
    let entity = catalogue.catalogue.get(id).expect("a catalogue site");
    let c = &site["geometry"]["coordinates"];
    let near = |a: Option<f64>, b: Option<f64>| matches!((a, b), (Some(a), Some(b)) if (a - b).abs() < 1e-6);
    assert!(near(c[0].as_f64(), entity.lon), "{id}: {c}");
    assert!(near(c[1].as_f64(), entity.lat), "{id}: {c}");
}
