//! Helpers shared by the end-to-end tests: run the real `watchfloor` binary
//! against a database in a temporary directory.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary, on `db`, with no database or data directory from the
/// environment.
pub fn wf(db: &Path) -> Command {
    let mut c = Command::cargo_bin("watchfloor").expect("binary built");
    c.arg("--db")
        .arg(db)
        .env_remove("WATCHFLOOR_DB")
        .env_remove("WATCHFLOOR_DATA");
    c
}

/// Runs a prepared command: (exit code, stdout, stderr).
pub fn outcome(mut command: Command) -> (i32, String, String) {
    let out = command.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `watchfloor --db DB ARGS…`.
pub fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = wf(db);
    c.args(args);
    outcome(c)
}

/// Runs and insists on success; returns stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(db, args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    out
}

/// Runs, insists on success and parses stdout as JSON.
pub fn json(db: &Path, args: &[&str]) -> Value {
    let out = ok(db, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {out}"))
}

/// A database in `dir` with the seed essay ingested and extracted.
pub fn seeded(dir: &Path) -> PathBuf {
    let db = dir.join("w.db");
    let seed = root().join("data/samples/corpus/000_76fe594355a874ed.txt");
    ok(&db, &["ingest", seed.to_str().expect("utf-8 path")]);
    ok(&db, &["extract"]);
    db
}
