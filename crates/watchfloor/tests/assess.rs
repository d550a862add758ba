//! End-to-end runs of `watchfloor campaigns` and `watchfloor assess` on the
//! seed essay.

mod common;

use common::{json, root, run, seeded};
use serde_json::Value;

fn indicator<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id}"))
}

fn status(a: &Value, id: &str) -> String {
    indicator(a, id)["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn assess_the_seed_essay_against_russia_belarus() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = seeded(tmp.path());
    let a = json(
        &db,
        &[
            "assess",
            "--campaign",
            "russia-belarus",
            "--as-of",
            "2025-06-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(a["campaign"], "russia-belarus");
    assert_eq!(a["target"], "BLR");
    assert!(a["formula"].as_str().is_some_and(|f| f.contains("sum(w_i")));
    for i in a["indicators"].as_array().expect("indicators") {
        for key in [
            "id",
            "domain",
            "statement",
            "status",
            "score",
            "sources",
            "evidence",
        ] {
            assert!(!i[key].is_null(), "indicator lacks {key}: {i}");
        }
        assert!(i.get("first_seen").is_some() && i.get("last_seen").is_some());
        for e in i["evidence"].as_array().expect("evidence list") {
            assert!(e["document"].is_i64() && e["quote"].is_string() && e["modality"].is_string());
            assert!(e.get("date").is_some());
        }
    }
    for key in [
        "overall",
        "military",
        "political",
        "economic",
        "information",
        "international",
    ] {
        let series = a["indices"][key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key} index"));
        let last = series.last().expect("a point");
        assert_eq!(last["month"], "2025-06");
        let v = last["value"].as_f64().expect("value");
        assert!((0.0..=1.0).contains(&v));
    }

    // The extraction reads these as having happened ...
    let observed = ["POL-PROGRAMMES", "MIL-AIRDEF", "MIL-ACCESS"];
    for id in observed {
        let s = status(&a, id);
        assert!(s == "reported" || s == "corroborated", "{id} is {s}");
        let ind = indicator(&a, id);
        assert!(ind["sources"].as_u64() >= Some(1));
        assert!(ind["evidence"].as_array().is_some_and(|e| e
            .iter()
            .any(|x| x["modality"] == "observed" || x["modality"] == "ongoing")));
        assert!(ind["judgement"]["likelihood"].is_string());
    }
    // ... and these only as forecasts.
    for id in ["ECO-CURRENCY", "POL-PARLIAMENT"] {
        let ind = indicator(&a, id);
        let s = status(&a, id);
        let forecasts = ind["evidence"].as_array().is_some_and(|e| {
            !e.is_empty()
                && e.iter().all(|x| {
                    ["projected", "hypothetical", "negated"]
                        .contains(&x["modality"].as_str().unwrap_or(""))
                })
        });
        assert!(s == "projected" && forecasts, "{id} is {s}: {ind}");
    }
    // One essay is one source: nothing is corroborated from it alone.
    assert!(a["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .all(|i| i["status"] != "corroborated"));
    // A first run reports everything observed as new.
    let changes = a["changes"].as_array().expect("changes");
    assert!(changes
        .iter()
        .any(|c| c["indicator"] == "MIL-AIRDEF" && c["kind"] == "newly_observed"));
    assert!(changes
        .iter()
        .any(|c| c["indicator"] == "ECO-CURRENCY" && c["kind"] == "new_projection"));
}

#[test]
fn a_second_run_reports_no_changes_and_since_a_date_does() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = seeded(tmp.path());
    let args = [
        "assess",
        "--campaign",
        "russia-belarus",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
    ];
    let first = json(&db, &args);
    assert!(!first["changes"].as_array().expect("changes").is_empty());
    let second = json(&db, &args);
    assert_eq!(
        second["changes"].as_array().map(Vec::len),
        Some(0),
        "{}",
        second["changes"]
    );
    assert!(second["changes_since"]
        .as_str()
        .is_some_and(|s| s.starts_with("run ")));
    // Since 2021-06-01: the 2021 programmes were known before, so they are
    // not news; undated evidence (known on the assessment day) is.
    let since = json(
        &db,
        &[
            "assess",
            "--campaign",
            "russia-belarus",
            "--as-of",
            "2025-06-01",
            "--since",
            "2021-06-01",
            "--format",
            "json",
            "--no-save",
        ],
    );
    let changed: Vec<&str> = since["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["indicator"].as_str())
        .collect();
    assert!(!changed.contains(&"POL-PROGRAMMES"), "{changed:?}");
    assert!(changed.contains(&"ECO-CURRENCY"), "{changed:?}");
    let (code, table, _) = run(
        &db,
        &["assess", "--campaign", "russia-belarus", "--no-save"],
    );
    assert_eq!(code, 0);
    assert!(table.contains("MIL-AIRDEF") && table.contains("formula:"));
}

#[test]
fn campaigns_list_show_and_check() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("none.db");
    let list = json(&db, &["campaigns", "list", "--format", "json"]);
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"russia-belarus") && names.contains(&"russia-armenia"),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.starts_with('_')));
    let show = json(
        &db,
        &["campaigns", "show", "russia-armenia", "--format", "json"],
    );
    assert_eq!(show["target"], "ARM");

    let good = root().join("data/campaigns/_template.toml");
    let (code, out, _) = run(&db, &["campaigns", "check", good.to_str().expect("path")]);
    assert_eq!(code, 0, "{out}");

    let text = std::fs::read_to_string(&good).expect("template");
    let bad = text
        .replace(
            "types = [\"deployment\", \"basing\"]",
            "types = [\"deployment\", \"basin\"]",
        )
        .replace(
            "weight = 1                         # weight",
            "weight = 11                        # weight",
        )
        .replace(
            "entities = [\"mil:OGRF_TRANSNISTRIA\"]",
            "entities = [\"mil:NOWHERE\"]",
        );
    let line_of = |needle: &str| {
        bad.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("line present")
    };
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, &bad).expect("write");
    let (code, out, _) = run(&db, &["campaigns", "check", path.to_str().expect("path")]);
    assert_eq!(code, 1, "{out}");
    for (needle, what) in [
        ("\"basin\"", "unknown event type"),
        ("weight = 11", "out of range"),
        ("mil:NOWHERE", "unknown entity"),
    ] {
        let want = format!("bad.toml:{}:", line_of(needle));
        assert!(
            out.lines().any(|l| l.contains(&want) && l.contains(what)),
            "no {what} at {want} in:\n{out}"
        );
    }
    let (code, _, err) = run(&db, &["assess", "--campaign", "no-such-pack"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("no-such-pack") || err.contains("does not exist"),
        "{err}"
    );
}
