//! End-to-end tests of `watchfloor eval geoparse`: the EUPEG metrics on a
//! tiny self-made corpus in the GeoWebNews format, checked against values
//! worked out by hand, and a smoke run on the public corpora when present.

use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eval(args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("watchfloor")
        .expect("binary built")
        .current_dir(root())
        .args(["eval", "geoparse"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v, stderr)
}

fn close(v: &Value, key: &str, want: f64) {
    let got = v[key].as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-3, "{key}: got {got}, want {want}");
}

/// Paris moved 2° of latitude north: 2 · π · 6371.0088 / 180 km.
const PARIS_ERROR_KM: f64 = 222.390;

#[test]
fn metrics_on_the_tiny_fixture_are_the_hand_computed_ones() {
    let (code, v, err) = eval(&["tests/fixtures/geoparse/tiny_gwn.xml", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    // Gold: Minsk ×2 (exact), Paris (2° off), Gotham (unknown); Warsaw has
    // no GeoNames id, so it is not gold and its prediction is a false positive.
    assert_eq!(v["documents"], 2);
    assert_eq!(v["gold"], 4);
    assert_eq!(v["predicted"], 4);
    assert_eq!(v["matched"], 3);
    close(&v, "precision", 0.75);
    close(&v, "recall", 0.75);
    close(&v, "f1", 0.75);
    // Errors 0, 0, 222.39 km.
    close(&v, "acc161", 2.0 / 3.0);
    close(&v, "mean_km", PARIS_ERROR_KM / 3.0);
    close(&v, "median_km", 0.0);
    // Sorted scaled errors 0, 0, y: trapezoids (0 + y/2) over n − 1 = 2.
    let y = (1.0 + PARIS_ERROR_KM).ln() / 20039f64.ln();
    close(&v, "auc", (y / 2.0) / 2.0);
}

#[test]
fn limit_keeps_the_first_articles() {
    let (code, v, err) = eval(&[
        "tests/fixtures/geoparse/tiny_gwn.xml",
        "--limit",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["documents"], 1);
    close(&v, "precision", 2.0 / 3.0);
    close(&v, "recall", 2.0 / 3.0);
    close(&v, "acc161", 0.5);
    close(&v, "mean_km", PARIS_ERROR_KM / 2.0);
    close(&v, "median_km", PARIS_ERROR_KM / 2.0);
    let y = (1.0 + PARIS_ERROR_KM).ln() / 20039f64.ln();
    close(&v, "auc", y / 2.0);
}

#[test]
fn table_output_and_unknown_corpus() {
    let out = Command::cargo_bin("watchfloor")
        .expect("binary built")
        .current_dir(root())
        .args(["eval", "geoparse", "tests/fixtures/geoparse/tiny_gwn.xml"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("| **Watchfloor** | 0.750 | 0.750 | 0.750 |"),
        "{text}"
    );
    let (code, _, err) = eval(&["no-such-corpus"]);
    assert_ne!(code, 0);
    assert!(err.contains("unknown corpus"), "{err}");
}

#[test]
fn public_corpora_run_when_present() {
    for name in ["geowebnews", "lgl", "tr-news", "geovirus"] {
        let dir = root().join("../shared/bench");
        if !dir.is_dir() {
            return;
        }
        let (code, v, err) = eval(&[name, "--limit", "5", "--format", "json"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(v["documents"], 5, "{name}");
        assert!(
            v["gold"].as_u64().unwrap_or(0) > 0,
            "{name}: no gold parsed"
        );
        for key in ["precision", "recall", "f1", "acc161", "auc"] {
            let x = v[key].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&x), "{name} {key} = {x}");
        }
    }
}
