//! End-to-end runs of `watchfloor geo rings`, `geo near` and `export
//! geojson|csv` on the seed essay.

mod common;

use common::{json, ok, run, seeded};
use serde_json::Value;

fn valid_geojson(g: &Value) {
    let problems = watchfloor_geo::rfc7946::problems(g);
    assert!(problems.is_empty(), "RFC 7946 problems: {problems:#?}");
}

const RINGS: [&str; 6] = [
    "geo",
    "rings",
    "--campaign",
    "russia-belarus",
    "--as-of",
    "2025-06-01",
];

#[test]
fn geo_rings_on_the_seed_essay() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = seeded(tmp.path());

    let mut args = RINGS.to_vec();
    args.extend(["--format", "json"]);
    let j = json(&db, &args);
    let rings = j["rings"].as_array().expect("rings");
    let isk = rings
        .iter()
        .find(|r| r["weapon"]["id"] == "wpn:ISKANDER")
        .expect("the seed essay's Iskander deployment gives a ring");
    assert_eq!(isk["weapon"]["range_km"], 500.0);
    assert!(isk["origin"]["events"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    // NATO on the day plus Ukraine: Poland and Finland (joined 2023) are in.
    let states: Vec<&str> = j["states"]
        .as_array()
        .expect("states")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for s in ["POL", "LTU", "FIN", "UKR", "USA"] {
        assert!(states.contains(&s), "{s} missing from {states:?}");
    }
    assert!(!states.contains(&"BLR") && !states.contains(&"RUS"));
    // Every in-range target is within the range, nearest first.
    let mut last = 0.0;
    for t in isk["in_range"].as_array().expect("in_range") {
        let km = t["km"].as_f64().expect("km");
        assert!(km <= 500.0 && km >= last, "{t}");
        last = km;
    }
    for b in isk["borders"].as_array().expect("borders") {
        assert!(b["inside"] == true || b["km"].as_f64().is_some_and(|k| k <= 500.0));
    }

    let mut args = RINGS.to_vec();
    args.extend(["--format", "geojson"]);
    let g = json(&db, &args);
    valid_geojson(&g);
    let features = g["features"].as_array().expect("features");
    assert!(features
        .iter()
        .any(|f| f["properties"]["kind"] == "range_ring" && f["geometry"]["type"] == "Polygon"));
    assert!(g["attribution"]
        .as_str()
        .is_some_and(|a| a.contains("Natural Earth")));

    let table = ok(&db, &RINGS);
    assert!(
        table.contains("Iskander") && table.contains("500 km"),
        "{table}"
    );

    // Only members on the day: before Finland joined (2023-04-04), it is
    // not a target state.
    let j = json(
        &db,
        &[
            "geo",
            "rings",
            "--campaign",
            "russia-belarus",
            "--as-of",
            "2022-01-01",
            "--format",
            "json",
        ],
    );
    let states = j["states"].as_array().expect("states");
    assert!(!states.iter().any(|s| s == "FIN"), "{states:?}");
}

#[test]
fn geo_near_brest_lists_terespol_and_the_polish_border() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("empty.db");
    let j = json(
        &db,
        &[
            "geo",
            "near",
            "--place",
            "geo:629634",
            "--within",
            "30km",
            "--format",
            "json",
        ],
    );
    assert_eq!(j["country"], "BLR");
    let borders = j["borders"].as_array().expect("borders");
    let by = |iso: &str| borders.iter().find(|b| b["iso_a3"] == iso);
    let pl = by("POL").expect("Poland within 30 km of Brest");
    assert_eq!(pl["inside"], false);
    assert!(pl["km"].as_f64().is_some_and(|k| k < 10.0), "{pl}");
    assert_eq!(by("BLR").expect("Belarus")["inside"], true);
    assert!(by("LTU").is_none(), "Lithuania is ~200 km away");
    let places = j["places"].as_array().expect("places");
    assert!(places.iter().any(|p| p["name"] == "Terespol"));
    assert!(places
        .iter()
        .all(|p| p["km"].as_f64().is_some_and(|k| k <= 30.0)));

    // lat,lon (Terespol): inside Poland, Belarus just across.
    let j = json(
        &db,
        &[
            "geo",
            "near",
            "--place",
            "52.0755,23.6161",
            "--within",
            "10",
            "--format",
            "json",
        ],
    );
    assert_eq!(j["country"], "POL");
    let borders = j["borders"].as_array().expect("borders");
    let blr = borders.iter().find(|b| b["iso_a3"] == "BLR").expect("BLR");
    assert_eq!(blr["inside"], false);

    // Simferopol: Ukraine de jure, in the Crimea occupied area.
    let j = json(
        &db,
        &[
            "geo",
            "near",
            "--place",
            "geo:693805",
            "--within",
            "5km",
            "--format",
            "json",
        ],
    );
    assert_eq!(j["country"], "UKR");
    assert_eq!(j["disputed"], "Crimea");

    let (code, _, err) = run(&db, &["geo", "near", "--place", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("lat,lon"), "{err}");
    let (code, _, err) = run(&db, &["geo", "near", "--place", "95,10"]);
    assert_eq!(code, 2);
    assert!(err.contains("±90"), "{err}");
}

#[test]
fn export_geojson_and_csv_of_the_seed_essay() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = seeded(tmp.path());

    let g = json(&db, &["export", "geojson"]);
    valid_geojson(&g);
    let features = g["features"].as_array().expect("features");
    let events: Vec<&Value> = features
        .iter()
        .filter(|f| f["properties"]["kind"] == "event")
        .collect();
    assert!(events.len() > 20, "{}", events.len());
    // [lon, lat]: Tashkent (where the 1992 treaty was signed) is at 69.24 E, 41.30 N.
    // (Moscow is no event's place in the seed: "enable Moscow to conduct …"
    // names the government acting.)
    let tashkent = features
        .iter()
        .find(|f| f["properties"]["kind"] == "place" && f["properties"]["name"] == "Tashkent")
        .expect("Tashkent as a place");
    let c = &tashkent["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap_or(0.0) - 69.24).abs() < 0.1, "{c}");
    assert!((c[1].as_f64().unwrap_or(0.0) - 41.30).abs() < 0.1, "{c}");
    assert!(g["attribution"]
        .as_str()
        .is_some_and(|a| a.contains("GeoNames")));

    // The campaign keeps only its evidence; --type only that type.
    let campaign = json(
        &db,
        &[
            "export",
            "geojson",
            "--campaign",
            "russia-belarus",
            "--as-of",
            "2025-06-01",
        ],
    );
    let n_campaign = campaign["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["kind"] == "event")
        .count();
    assert!(n_campaign > 0 && n_campaign < events.len());
    let deploy = json(&db, &["export", "geojson", "--type", "deployment"]);
    for f in deploy["features"].as_array().expect("features") {
        if f["properties"]["kind"] == "event" {
            assert_eq!(f["properties"]["event_type"], "deployment");
        }
    }

    // CSV to a file, read back with the csv crate.
    let out = tmp.path().join("out/events.csv");
    ok(
        &db,
        &["export", "csv", "--out", out.to_str().expect("utf-8 path")],
    );
    let mut r = csv::Reader::from_path(&out).expect("csv file");
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "event_date",
            "time_precision",
            "event_type",
            "domain",
            "modality",
            "actor1",
            "actor2",
            "country",
            "location",
            "latitude",
            "longitude",
            "geo_precision",
            "source",
            "notes"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), events.len());
    // Every note is an evidence sentence of the GeoJSON, verbatim.
    let notes: Vec<&str> = events
        .iter()
        .filter_map(|f| f["properties"]["notes"].as_str())
        .collect();
    assert!(rows.iter().all(|row| notes.contains(&&row[13])));
    assert!(
        rows.iter().any(|row| row[13].contains(',')),
        "commas quoted"
    );
    for row in &rows {
        if !row[9].is_empty() {
            let lat: f64 = row[9].parse().expect("latitude");
            let lon: f64 = row[10].parse().expect("longitude");
            assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            assert!(["1", "2", "3"].contains(&&row[11]));
        }
    }
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(!text.contains("Natural Earth"), "CSV is clean by default");
    let with = ok(&db, &["export", "csv", "--with-attribution"]);
    assert!(with
        .trim_end()
        .lines()
        .last()
        .is_some_and(|l| l.contains("GeoNames")));

    let (code, _, err) = run(&db, &["export", "csv", "--type", "picnic"]);
    assert_eq!(code, 2);
    assert!(err.contains("picnic"), "{err}");
}
