//! Measures ingest speed: `cargo run --release -p watchfloor-ingest
//! --example ingest_throughput -- FILE [MULTIPLIER]`. The file's text is repeated
//! MULTIPLIER times (default 2000) in memory, then read with `read_bytes`;
//! the normalise/hash/SimHash pass is timed separately.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: ingest_throughput FILE [MULTIPLIER]");
        std::process::exit(2);
    };
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let one = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let ext = std::path::Path::new(&path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_string);
    let mut bytes = Vec::with_capacity(one.len() * times);
    for _ in 0..times {
        bytes.extend_from_slice(&one);
        bytes.push(b'\n');
    }
    let mb = bytes.len() as f64 / 1e6;
    let t = Instant::now();
    let out = match watchfloor_ingest::read_bytes(&path, &bytes, ext.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut x = 0u64;
    for d in &out.documents {
        x ^= watchfloor_ingest::simhash(&d.text);
        x ^= watchfloor_ingest::content_hash(&d.text).len() as u64;
    }
    let fp = t.elapsed().as_secs_f64();
    println!(
        "{mb:.1} MB, {} documents: read {:.1} MB/s, hash+simhash {:.1} MB/s ({x:x})",
        out.documents.len(),
        mb / read,
        mb / fp
    );
}
