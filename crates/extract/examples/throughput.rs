//! Extraction throughput, one thread: the sample corpus (`.txt`/`.md`
//! under `data/samples/corpus`, or the files given) replicated in memory to
//! at least `BENCH_MB` MB (default 100), each copy made unique as
//! `scripts/bench.sh` does, then extracted end to end with
//! `Knowledge::extract`. Prints knowledge load time, MB/s on one core and
//! peak memory (VmHWM), and the time of each stage with the share geoparsing
//! adds to the rest (`Knowledge::extract_timed`).
//!
//! `cargo run --release -p watchfloor-extract --example throughput [FILES…]`
//! (`BENCH_LANG=en` sets the documents' language; default unknown.)

use std::time::Instant;

// The allocator the binary uses (see crates/watchfloor/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use watchfloor_extract::Knowledge;
use watchfloor_model::{Document, DocumentFormat};

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time this thread has run, from the scheduler (ns), so that other
/// processes on a shared machine do not count.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target: usize = std::env::var("BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
        * 1024
        * 1024;
    let language = std::env::var("BENCH_LANG").ok().filter(|l| !l.is_empty());
    let mut paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    if paths.is_empty() {
        for dir in ["data/samples/corpus", "../../data/samples/corpus"] {
            if let Ok(entries) = std::fs::read_dir(dir) {
                paths.extend(
                    entries
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md")),
                );
                break;
            }
        }
    }
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    if texts.is_empty() {
        return Err("no sample texts found (run from the repository root)".into());
    }

    let t = Instant::now();
    let k = Knowledge::embedded()?;
    let load = t.elapsed();

    let mut docs = Vec::new();
    let mut size = 0usize;
    let mut n = 0usize;
    while size < target {
        for (i, t) in texts.iter().enumerate() {
            let body = format!(
                "Replica {n} of sample {i}, filed as report number {}.\n\n{t}",
                n * 31 + i
            );
            size += body.len();
            docs.push(Document {
                source: format!("r{n:06}_{i}.txt"),
                title: None,
                published: Some("2024-03-13".into()),
                language: language.clone(),
                format: DocumentFormat::Text,
                encoding: "utf-8".into(),
                text: body,
            });
        }
        n += 1;
    }

    let t = Instant::now();
    let cpu0 = cpu_secs();
    let mut events = 0usize;
    let mut mentions = 0usize;
    let mut times = watchfloor_extract::StageTimes::default();
    for doc in &docs {
        let r = k.extract_timed(doc, "sha256:bench", &mut times);
        events += r.events.len();
        mentions += r.entities.iter().map(|e| e.mentions.len()).sum::<usize>()
            + r.places.iter().map(|p| p.mentions.len()).sum::<usize>();
        std::hint::black_box(&r);
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_secs()) {
        (Some(a), Some(b)) => b - a,
        _ => secs,
    };
    println!(
        "load {:.1} ms; extract {} documents, {:.1} MB in {:.2} s wall, {:.2} s CPU on one thread: {:.2} MB/s per core (wall {:.2}), {:.0} documents/s ({} events, {} mentions); peak RSS {:.0} MB",
        load.as_secs_f64() * 1000.0,
        docs.len(),
        size as f64 / 1e6,
        secs,
        cpu,
        size as f64 / 1e6 / cpu,
        size as f64 / 1e6 / secs,
        docs.len() as f64 / cpu,
        events,
        mentions,
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let rest = times.total() - times.places;
    println!(
        "stages   text {:.0} ms, entities {:.0} ms, dates {:.0} ms, places {:.0} ms, events {:.0} ms: geoparsing adds {:.0} % to the rest of extraction",
        ms(times.text),
        ms(times.entities),
        ms(times.dates),
        ms(times.places),
        ms(times.events),
        100.0 * times.places.as_secs_f64() / rest.as_secs_f64().max(1e-9)
    );
    Ok(())
}
