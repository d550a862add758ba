//! Load and geoparsing benchmark: prints how long loading the compiled-in
//! gazetteer and the whole knowledge takes, and what share of extraction
//! time geoparsing is, over the sample corpus and any files given.
//!
//! `cargo run --release -p watchfloor-extract --example geoparse_bench [FILES…]`

use std::time::{Duration, Instant};

use watchfloor_extract::places::{self, Gazetteer};
use watchfloor_extract::text::{analyse, stem, LatinRules};
use watchfloor_extract::Knowledge;
use watchfloor_model::{Document, DocumentFormat};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn texts(args: &[String]) -> Vec<String> {
    let mut paths: Vec<std::path::PathBuf> = args.iter().map(Into::into).collect();
    if paths.is_empty() {
        for dir in [
            "data/samples/corpus",
            "../../data/samples/corpus",
            "../shared/corpus",
        ] {
            if let Ok(entries) = std::fs::read_dir(dir) {
                paths.extend(entries.flatten().map(|e| e.path()));
            }
        }
    }
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs = 7;
    let mut gaz = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let g = Gazetteer::embedded()?;
        gaz.push(ms(t.elapsed()));
        assert!(!g.is_empty());
    }
    let mut all = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let k = Knowledge::embedded()?;
        all.push(ms(t.elapsed()));
        assert!(!k.gazetteer.is_empty());
    }
    println!(
        "load: gazetteer {:.1} ms, knowledge (gazetteer + catalogue + rules) {:.1} ms (median of {runs})",
        median(gaz),
        median(all)
    );

    let k = Knowledge::embedded()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let docs = texts(&args);
    let chars: usize = docs.iter().map(|d| d.chars().count()).sum();
    let (mut extract, mut geo) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        for text in &docs {
            let doc = Document {
                source: "bench".into(),
                title: None,
                published: None,
                language: None,
                format: DocumentFormat::Text,
                encoding: "utf-8".into(),
                text: text.clone(),
            };
            let t = Instant::now();
            std::hint::black_box(k.extract(&doc, "sha256:bench"));
            extract += t.elapsed();
            let a = analyse(text);
            let keys: Vec<String> = a
                .tokens
                .iter()
                .map(|t| stem(&t.folded, t.script, LatinRules::English))
                .collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let ctx = places::DocContext {
                focus: Default::default(),
                skip: vec![false; a.tokens.len()],
            };
            let t = Instant::now();
            std::hint::black_box(places::geoparse(&k.gazetteer, &a, &keys, &ctx));
            geo += t.elapsed();
        }
    }
    let rest = extract.saturating_sub(geo);
    println!(
        "extract: {} documents, {} chars x5: {:.1} ms in all, geoparsing {:.1} ms = +{:.1} % over the rest of extraction",
        docs.len(),
        chars,
        ms(extract),
        ms(geo),
        100.0 * geo.as_secs_f64() / rest.as_secs_f64().max(1e-9)
    );
    Ok(())
}
