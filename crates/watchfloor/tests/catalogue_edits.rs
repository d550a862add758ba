//! Catalogue edits made in the workbench (stored in the database) apply to
//! `watchfloor extract --db` as well, so the command line and the server
//! extract with the same catalogue.

mod common;

use common::ok;
use watchfloor_store::Store;

#[test]
fn stored_extraction_uses_the_workbench_catalogue_edits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let doc = dir.path().join("pact.txt");
    std::fs::write(
        &doc,
        "In March 2024 Russia and Belarus signed the Amber Pact in Minsk.",
    )
    .unwrap();
    ok(&db, &["ingest", doc.to_str().unwrap()]);
    ok(&db, &["extract"]);
    let found = |db: &std::path::Path| -> i64 {
        let store = Store::open(db).unwrap();
        let stored = store.documents_to_extract("none").unwrap();
        stored
            .iter()
            .filter_map(|&id| store.extraction(id).unwrap())
            .flat_map(|r| r.entities)
            .filter(|e| e.id == "agreement:AMBER")
            .count() as i64
    };
    assert_eq!(found(&db), 0, "unknown before the edit");
    {
        let mut store = Store::open(&db).unwrap();
        store
            .save_catalogue_entity(
                "agreement:AMBER",
                r#"{"id": "agreement:AMBER", "kind": "agreement", "name": "Amber Pact",
                    "aliases": {"en": ["Amber Pact"]}}"#,
                "test",
            )
            .unwrap();
    }
    // The edit changes the extractor version: the document is extracted again.
    let out = ok(&db, &["extract"]);
    assert!(out.contains("1 documents extracted"), "{out}");
    assert_eq!(found(&db), 1, "the edited catalogue names it");
}
