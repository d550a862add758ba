//! `watchfloor extract`: on files (printing the contract) or on everything
//! stored (incrementally, saving results).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use watchfloor_extract::Knowledge;
use watchfloor_ingest::{content_hash, read_bytes, read_file, walk};
use watchfloor_model::ExtractRecord;
use watchfloor_store::Store;

use crate::cli::ExtractFormat;

pub fn run_files(
    k: &Knowledge,
    files: &[PathBuf],
    format: ExtractFormat,
    published: Option<&str>,
) -> Result<ExitCode> {
    if let Some(p) = published {
        p.parse::<jiff::civil::Date>()
            .with_context(|| format!("--published {p:?} is not a date (YYYY-MM-DD)"))?;
    }
    // Folders are read through, their files in name order; files and `-`
    // (standard input) stay where they were given.
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut failed = false;
    for path in files {
        if path.as_os_str() != "-" && path.is_dir() {
            let (found, problems) = walk(std::slice::from_ref(path));
            for p in &problems {
                eprintln!("error: {p}");
                failed = true;
            }
            inputs.extend(found);
        } else {
            inputs.push(path.clone());
        }
    }
    let bar = ProgressBar::new(inputs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} extracting [{bar:30}] {pos}/{len} files {per_sec} ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    if inputs.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut records = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Files are read and extracted in parallel, a batch at a time, and
    // printed in the order given.
    for batch in inputs.chunks(BATCH) {
        let done: Vec<FileResult> = batch
            .par_iter()
            .map(|path| extract_file(k, path, format, published))
            .collect();
        for r in done {
            for e in &r.errors {
                eprintln!("error: {e}");
                failed = true;
            }
            match format {
                ExtractFormat::Json => records.extend(r.records),
                ExtractFormat::Jsonl => {
                    for line in r.lines {
                        writeln!(out, "{line}")?;
                    }
                }
                ExtractFormat::Table => {
                    for record in &r.records {
                        print_table(&mut out, record)?;
                    }
                }
            }
        }
        out.flush()?;
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    if format == ExtractFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&records)?)?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One input's extraction: its records (or, for JSON lines, the lines
/// already written out) and the problems met reading it.
#[derive(Default)]
struct FileResult {
    records: Vec<ExtractRecord>,
    lines: Vec<String>,
    errors: Vec<String>,
}

fn extract_file(
    k: &Knowledge,
    path: &std::path::Path,
    format: ExtractFormat,
    published: Option<&str>,
) -> FileResult {
    let mut r = FileResult::default();
    let outcome = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            r.errors.push(format!("reading standard input: {e}"));
            return r;
        }
        read_bytes("-", &bytes, None)
    } else {
        read_file(path)
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(err) => {
            r.errors.push(err.to_string());
            return r;
        }
    };
    r.errors
        .extend(outcome.problems.iter().map(|p| p.to_string()));
    for mut doc in outcome.documents {
        if doc.published.is_none() {
            doc.published = published.map(str::to_string);
        }
        let record = k.extract(&doc, &content_hash(&doc.text));
        if format == ExtractFormat::Jsonl {
            match serde_json::to_string(&record) {
                Ok(line) => r.lines.push(line),
                Err(e) => r.errors.push(format!("{}: {e}", doc.source)),
            }
        } else {
            r.records.push(record);
        }
    }
    r
}

fn print_table(out: &mut impl Write, r: &ExtractRecord) -> Result<()> {
    writeln!(
        out,
        "{} — {} entities, {} places, {} events",
        r.doc.source,
        r.entities.len(),
        r.places.len(),
        r.events.len()
    )?;
    writeln!(
        out,
        "{:<24} {:<12} {:<23} {:<22} EVIDENCE",
        "TYPE", "MODALITY", "DATE", "ACTORS"
    )?;
    for e in &r.events {
        let date = e.date.as_ref().map(|d| {
            if d.start == d.end {
                d.start.clone()
            } else {
                format!("{}..{}", d.start, d.end)
            }
        });
        let evidence: String = e.evidence.text.chars().take(70).collect();
        writeln!(
            out,
            "{:<24} {:<12} {:<23} {:<22} {}",
            e.event_type.as_str(),
            e.modality.as_str(),
            date.unwrap_or_else(|| "-".into()),
            e.actors.join(","),
            evidence
        )?;
    }
    Ok(())
}

/// Documents extracted per batch (in parallel), then saved in order.
const BATCH: usize = 256;

pub fn run_stored(k: &Knowledge, store: &mut Store) -> Result<ExitCode> {
    let todo = store.documents_to_extract(&k.version)?;
    let bar = ProgressBar::new(todo.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} extracting [{bar:30}] {pos}/{len} documents {per_sec} ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut events = 0usize;
    // Each batch is written in one transaction while the next one is being
    // extracted: a killed run loses at most the batches not yet committed,
    // which the next run extracts again.
    let mut pending: Vec<(i64, ExtractRecord)> = Vec::new();
    let save = |store: &mut Store, records: &[(i64, ExtractRecord)]| -> Result<usize> {
        let refs: Vec<(i64, &ExtractRecord)> = records.iter().map(|(id, r)| (*id, r)).collect();
        store.save_extractions(&refs, &k.version)?;
        bar.inc(records.len() as u64);
        Ok(records.iter().map(|(_, r)| r.events.len()).sum())
    };
    for batch in todo.chunks(BATCH) {
        let mut docs = Vec::with_capacity(batch.len());
        for &id in batch {
            if let Some(d) = store.document_for_extraction(id)? {
                docs.push((id, d));
            }
        }
        let (saved, records) = rayon::join(
            || save(store, &pending),
            || {
                docs.par_iter()
                    .map(|(id, (hash, doc))| (*id, k.extract(doc, hash)))
                    .collect::<Vec<(i64, ExtractRecord)>>()
            },
        );
        events += saved?;
        pending = records;
    }
    events += save(store, &pending)?;
    bar.finish_and_clear();
    println!(
        "extract: {} documents extracted, {} events stored (engine {})",
        todo.len(),
        events,
        k.version
    );
    Ok(ExitCode::SUCCESS)
}
