//! `watchfloor eval slavic-ner` end to end on a two-document sample in the
//! corpus layout: the counts and scores are computed from the gold and the
//! extractor's places (not their level on the real corpus).

mod common;

use common::{json, root, run};

#[test]
fn slavic_ner_scores_count_matches_per_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let corpus = root().join("tests/fixtures/slavic-ner");
    let corpus = corpus.to_str().unwrap();
    let v = json(
        &db,
        &[
            "eval",
            "slavic-ner",
            corpus,
            "--split",
            "test",
            "--format",
            "json",
        ],
    );
    let langs = v["languages"].as_array().unwrap();
    let row = |l: &str| langs.iter().find(|r| r["language"] == l).unwrap().clone();
    // ru: Минске and Брестом found; the gold has only Брестом.
    let ru = row("ru");
    assert_eq!(
        (ru["gold"].as_u64(), ru["predicted"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(ru["exact"][0].as_f64(), Some(0.5));
    assert_eq!(ru["exact"][1].as_f64(), Some(1.0));
    // pl: Grodnie found; a second gold span nobody finds.
    let pl = row("pl");
    assert_eq!(
        (pl["gold"].as_u64(), pl["predicted"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(pl["exact"][0].as_f64(), Some(1.0));
    assert_eq!(pl["exact"][1].as_f64(), Some(0.5));
    let all = row("all");
    assert_eq!(all["documents"].as_u64(), Some(2));
    assert_eq!(all["exact"][2].as_f64(), Some(2.0 / 3.0));

    // A language the corpus has but Watchfloor does not read is refused.
    let (code, _, err) = run(
        &db,
        &[
            "eval",
            "slavic-ner",
            corpus,
            "--split",
            "test",
            "--lang",
            "cs",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("cs"), "{err}");
    // A missing split file is named.
    let (code, _, err) = run(&db, &["eval", "slavic-ner", corpus, "--split", "nope"]);
    assert_ne!(code, 0);
    assert!(err.contains("SPLIT_nope.txt"), "{err}");
}
