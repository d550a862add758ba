//! Language identification against labelled text: every `.txt` file under
//! `ROOT/<code>/` is expected to be detected as `<code>` (ISO 639-1), and
//! the example prints accuracy per language, the confusions and the time
//! spent per MB. Folders of languages the detector does not name (bg, cs…)
//! are listed with what they were taken for.
//!
//! `cargo run --release -p watchfloor-ingest --example language_check -- ROOT`
//! (for instance SlavicNER's `raw/<topic>/<lang>/` copied into one folder
//! per language, and English news articles under `en/`).

use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: language_check ROOT (with ROOT/<code>/*.txt)");
        std::process::exit(2);
    };
    let Ok(langs) = std::fs::read_dir(&root) else {
        eprintln!("{root}: cannot read the folder");
        std::process::exit(1);
    };
    let mut dirs: Vec<_> = langs
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let (mut bytes, mut secs) = (0usize, 0f64);
    for dir in dirs {
        let expected = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let t = Instant::now();
            let got = watchfloor_ingest::detect_language(&text);
            secs += t.elapsed().as_secs_f64();
            bytes += text.len().min(4096);
            *verdicts
                .entry(got.unwrap_or("none").to_string())
                .or_default() += 1;
        }
        let total: usize = verdicts.values().sum();
        let right = verdicts.get(&expected).copied().unwrap_or(0);
        println!(
            "{expected}: {right}/{total} ({:.1} %) {verdicts:?}",
            100.0 * right as f64 / total.max(1) as f64
        );
    }
    println!(
        "detection time {:.2} s, {:.2} ms per document-start of up to 4 KB ({:.1} MB of starts/s)",
        secs,
        1000.0 * secs / (bytes as f64 / 4096.0).max(1.0),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
}
