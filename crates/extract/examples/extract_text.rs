//! Extracts one UTF-8 text file and prints the contract JSON line, without
//! the binary's ingest step (a development aid: `cargo run --example
//! extract_text -- FILE [LANG] [PUBLISHED]`).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: extract_text FILE [LANG] [PUBLISHED]")?;
    let language = args.next();
    let published = args.next();
    let text = std::fs::read_to_string(&path)?;
    let k = watchfloor_extract::Knowledge::embedded()?;
    let doc = watchfloor_model::Document {
        source: path,
        title: None,
        published,
        language,
        format: watchfloor_model::DocumentFormat::Text,
        encoding: "utf-8".into(),
        text,
    };
    println!("{}", serde_json::to_string(&k.extract(&doc, "sha256:dev"))?);
    Ok(())
}
