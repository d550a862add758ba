//! End-to-end runs of the `watchfloor` binary on the checked-in fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{json, root, run, wf};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn shared(name: &str) -> PathBuf {
    root().join("../shared").join(name)
}

#[test]
fn ingest_every_format_reports_bad_files_and_lands_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (code, out, err) = run(&db, &["ingest", fixture("ingest").to_str().unwrap()]);
    assert_eq!(
        code, 1,
        "a failed file must make the exit status non-zero\n{out}\n{err}"
    );
    for bad in [
        "empty.txt",
        "binary.bin",
        "binary_named.txt",
        "mixed.jsonl:3",
        "mixed.jsonl:4",
    ] {
        assert!(err.contains(bad), "stderr must name {bad}: {err}");
    }
    let summary = out.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("ingest: ") && summary.contains("failed"),
        "{summary}"
    );
    assert!(
        summary.contains(" 1 duplicates"),
        "exact_dup_copy.txt is an exact duplicate: {summary}"
    );
    assert!(
        summary.contains(" 1 near-duplicates"),
        "near_dup_b.txt nearly copies near_dup_a.txt: {summary}"
    );

    let stats = json(&db, &["stats", "--format", "json"]);
    // 13 single-document files (incl. the folder's README.md and make_fixtures.py, which are
    // text too) + 3 Atom entries + 2 RSS items + 2 good JSONL lines; the exact duplicate is not stored.
    assert_eq!(stats["documents"], 20, "{stats}");
    assert_eq!(stats["near_duplicates"], 1);
    assert_eq!(stats["by_format"]["atom"], 3);
    assert_eq!(stats["by_format"]["rss"], 2);
    assert_eq!(stats["by_format"]["jsonl"], 2);
    assert_eq!(stats["by_format"]["pdf"], 1);
    assert!(stats["by_language"]["ru"].as_i64().unwrap() >= 3, "{stats}");

    let docs = json(&db, &["documents", "list", "--format", "json"]);
    let docs = docs.as_array().unwrap();
    let find = |suffix: &str| {
        docs.iter()
            .find(|d| d["source"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not stored"))
    };
    for field in [
        "id",
        "source",
        "title",
        "language",
        "published",
        "duplicate_of",
    ] {
        assert!(docs[0].get(field).is_some(), "documents list lacks {field}");
    }
    let cp1251 = find("ru_windows1251.txt");
    assert_eq!(cp1251["language"], "ru");
    let id = cp1251["id"].as_i64().unwrap().to_string();
    let shown = json(&db, &["documents", "show", &id, "--format", "json"]);
    assert_eq!(shown["encoding"], "windows-1251");
    assert!(
        shown["text"].as_str().unwrap().contains("Барановичами"),
        "decoded text: {}",
        shown["text"]
    );
    let koi = find("ru_koi8r.txt");
    let shown = json(
        &db,
        &[
            "documents",
            "show",
            &koi["id"].as_i64().unwrap().to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(shown["encoding"], "koi8-r");
    assert!(shown["text"]
        .as_str()
        .unwrap()
        .contains("Союзное государство"));
    let html = find("en_article.html");
    assert_eq!(html["published"], "2024-10-03");
    let near_b = find("near_dup_b.txt");
    assert_eq!(near_b["duplicate_of"], find("near_dup_a.txt")["id"]);
    assert_eq!(find("pl_article.md")["language"], "pl");

    // Re-ingesting the same folder adds nothing.
    let (_, out, _) = run(&db, &["ingest", fixture("ingest").to_str().unwrap()]);
    assert!(out.contains(", 0 stored,"), "{out}");
    assert_eq!(json(&db, &["stats", "--format", "json"])["documents"], 20);
}

#[test]
fn a_run_killed_mid_ingest_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let n = 3000;
    for i in 0..n {
        let text = format!(
            "Report {i}. Russian units {i} arrived at the training ground near Baranovichi on day {i}; \
             the exercise involved {} vehicles and {} soldiers of brigade {}.\n",
            i * 7 + 3,
            i * 13 + 11,
            i % 97
        );
        std::fs::write(corpus.join(format!("doc{i:05}.txt")), text).unwrap();
    }
    let db = dir.path().join("w.db");
    let mut child = wf(&db)
        .arg("ingest")
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    // SIGKILL: no chance to clean up.
    let _ = child.kill();
    let _ = child.wait();
    let partial = json(&db, &["stats", "--format", "json"])["documents"]
        .as_i64()
        .unwrap();
    assert!(
        partial < n,
        "the kill should land mid-run (stored {partial}); make the corpus larger if this fails"
    );
    let (code, out, err) = run(&db, &["ingest", corpus.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&db, &["stats", "--format", "json"])["documents"], n);
    let check = rusqlite_free_integrity(&db);
    assert_eq!(check, "ok");
}

/// `PRAGMA integrity_check` through the binary's own database, read with
/// the sqlite3 shell if present, else trusted to the re-run above.
fn rusqlite_free_integrity(db: &Path) -> String {
    match Command::new("sqlite3")
        .arg(db)
        .arg("PRAGMA integrity_check;")
        .output()
    {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => "ok".to_string(),
    }
}

#[test]
fn extract_on_the_seed_keeps_the_contract_and_a_score_floor() {
    let seed = shared("corpus/000_76fe594355a874ed.txt");
    let seed = if seed.exists() {
        seed
    } else {
        root().join("data/samples/corpus/000_76fe594355a874ed.txt")
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (code, out, err) = run(
        &db,
        &["extract", seed.to_str().unwrap(), "--format", "jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let rec: Value = serde_json::from_str(lines[0]).unwrap();
    let text = std::fs::read_to_string(&seed).unwrap();
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(rec["doc"]["chars"], chars.len());
    assert!(rec["doc"]["id"].as_str().unwrap().starts_with("sha256:"));
    // Every mention and evidence span is the text at its offsets.
    for e in rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rec["places"].as_array().unwrap())
    {
        for m in e["mentions"].as_array().unwrap() {
            let (s, t) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                chars[s..t].iter().collect::<String>(),
                m["text"].as_str().unwrap()
            );
        }
    }
    let events = rec["events"].as_array().unwrap();
    assert!(!events.is_empty());
    for ev in events {
        let (s, t) = (
            ev["evidence"]["start"].as_u64().unwrap() as usize,
            ev["evidence"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[s..t].iter().collect::<String>(),
            ev["evidence"]["text"].as_str().unwrap()
        );
        for key in [
            "type",
            "domain",
            "modality",
            "date",
            "actors",
            "entities",
            "place",
            "country",
            "confidence",
        ] {
            assert!(ev.get(key).is_some(), "event lacks {key}");
        }
    }
    // The score floor, through the engine's own evaluator.
    let gold = shared("gold/000_76fe594355a874ed.gold.json");
    if gold.exists() {
        let report = json(
            &db,
            &["eval", "gold", gold.to_str().unwrap(), "--format", "json"],
        );
        let s = &report[0]["scores"];
        for (metric, floor) in [
            ("entity_recall", 0.9),
            ("alias_recall", 0.85),
            ("event_f1", 0.6),
            ("modality_acc", 0.7),
            ("date_acc", 0.7),
            ("place_acc161", 0.8),
        ] {
            assert!(
                s[metric].as_f64().unwrap() >= floor,
                "{metric} fell below {floor}: {s}"
            );
        }
    }
}

#[test]
fn stored_extraction_is_incremental() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let files: Vec<String> = ["ru_news.txt", "pl_news.txt", "en_news.txt"]
        .iter()
        .map(|f| fixture("extract").join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    let (code, _, err) = run(&db, &args);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&db, &["extract"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("extract: 3 documents extracted"), "{out}");
    let stats = json(&db, &["stats", "--format", "json"]);
    assert_eq!(stats["extracted"], 3);
    assert!(stats["events"].as_i64().unwrap() > 5, "{stats}");
    let (_, out, _) = run(&db, &["extract"]);
    assert!(
        out.starts_with("extract: 0 documents extracted"),
        "a second run redoes nothing: {out}"
    );
}

#[test]
fn russian_and_polish_texts_resolve_inflected_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    for (file, expect) in [
        ("extract/ru_news.txt", ["BLR", "RUS"]),
        ("extract/pl_news.txt", ["BLR", "RUS"]),
    ] {
        let (code, out, err) = run(&db, &["extract", fixture(file).to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let rec: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        let ids: Vec<&str> = rec["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        for id in expect {
            assert!(ids.contains(&id), "{file}: {id} not found in {ids:?}");
        }
        assert!(
            !rec["events"].as_array().unwrap().is_empty(),
            "{file}: no events"
        );
    }
}

#[test]
fn catalogue_answers_membership_on_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let v = json(
        &db,
        &[
            "catalogue",
            "members",
            "org:CSTO",
            "--on",
            "2005-01-01",
            "--format",
            "json",
        ],
    );
    let members: Vec<&str> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member"].as_str().unwrap())
        .collect();
    for m in ["RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK"] {
        assert!(
            members.contains(&m),
            "{m} was a CSTO member in 2005: {members:?}"
        );
    }
    for m in ["UZB", "GEO", "AZE"] {
        assert!(
            !members.contains(&m),
            "{m} was not a CSTO member in 2005: {members:?}"
        );
    }
    let (code, out, _) = run(&db, &["catalogue", "show", "org:CSTO"]);
    assert_eq!(code, 0);
    assert!(out.contains("ОДКБ"), "{out}");
    let (code, _, err) = run(&db, &["catalogue", "show", "org:NOPE"]);
    assert_eq!(code, 2);
    assert!(err.contains("org:NOPE"));
}

#[test]
fn errors_name_the_file_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (code, _, err) = run(&db, &["ingest", "/nonexistent/watchfloor-test"]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent/watchfloor-test"), "{err}");
    let (code, _, err) = run(&db, &["stats"]);
    assert_eq!(
        code, 0,
        "ingest created the database even though the path was missing: {err}"
    );
    let (code, _, err) = run(&dir.path().join("missing.db"), &["stats"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.db"), "{err}");
}

#[test]
fn extract_reads_folders_in_name_order_and_keeps_going_past_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    for f in ["ru_news.txt", "en_news.txt", "pl_news.txt"] {
        std::fs::copy(fixture("extract").join(f), folder.join(f)).unwrap();
    }
    std::fs::copy(
        fixture("ingest").join("binary_named.txt"),
        folder.join("b_binary.txt"),
    )
    .unwrap();
    let db = dir.path().join("unused.db");
    let sources = |out: &str| -> Vec<String> {
        out.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let s = v["doc"]["source"].as_str().unwrap().to_string();
                Path::new(&s)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    // A folder: its files in name order; the binary one is reported by
    // name and the others still land.
    let (code, out, err) = run(&db, &["extract", folder.to_str().unwrap()]);
    assert_eq!(code, 1, "a bad file makes the exit code 1: {err}");
    assert!(err.contains("b_binary.txt"), "{err}");
    assert_eq!(
        sources(&out),
        ["en_news.txt", "pl_news.txt", "ru_news.txt"],
        "{out}"
    );
    // Files given one by one keep the order given, and extract the same.
    let given: Vec<String> = ["ru_news.txt", "en_news.txt"]
        .iter()
        .map(|f| folder.join(f).display().to_string())
        .collect();
    let mut args = vec!["extract"];
    args.extend(given.iter().map(String::as_str));
    let (code, out_given, err) = run(&db, &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources(&out_given), ["ru_news.txt", "en_news.txt"]);
    let line_of = |out: &str, name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .map(str::to_string)
            .unwrap()
    };
    assert_eq!(
        line_of(&out, "ru_news.txt"),
        line_of(&out_given, "ru_news.txt")
    );
}
