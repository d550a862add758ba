//! Golden-output dump: extracts every file given under several document
//! settings (language unknown/en/pl/ru/uk/be, with and without a
//! publication date) and prints one JSON line per run, so that output can
//! be compared before and after an engine change (`scripts`-free guard:
//! `cargo run --release -p watchfloor-extract --example golden_dump -- FILES… > out.jsonl`).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let k = watchfloor_extract::Knowledge::embedded()?;
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for language in [
            None,
            Some("en"),
            Some("pl"),
            Some("ru"),
            Some("uk"),
            Some("be"),
        ] {
            for published in [None, Some("2024-03-13")] {
                let doc = watchfloor_model::Document {
                    source: path.clone(),
                    title: None,
                    published: published.map(str::to_string),
                    language: language.map(str::to_string),
                    format: watchfloor_model::DocumentFormat::Text,
                    encoding: "utf-8".into(),
                    text: text.clone(),
                };
                println!(
                    "{}",
                    serde_json::to_string(&k.extract(&doc, "sha256:golden"))?
                );
            }
        }
    }
    Ok(())
}
