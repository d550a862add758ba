//! `watchfloor ingest`: read files in parallel, store documents one
//! transaction each, report what failed, end with one summary line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use watchfloor_ingest::{content_hash, read_file, simhash, walk, FileOutcome, IngestError};
use watchfloor_store::{InsertOutcome, NewDocument, Store};

#[derive(Default)]
struct Tally {
    read: usize,
    stored: usize,
    duplicates: usize,
    near: usize,
    failed: usize,
}

/// Files read per batch: read in parallel, then stored in order.
const BATCH: usize = 64;

pub fn run(store: &mut Store, paths: &[PathBuf]) -> Result<ExitCode> {
    let (files, missing) = walk(paths);
    let mut tally = Tally::default();
    for p in &missing {
        eprintln!("error: {p}");
        tally.failed += 1;
    }
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} ingesting [{bar:30}] {pos}/{len} files {per_sec} ({eta} left) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    for batch in files.chunks(BATCH) {
        let outcomes: Vec<(&Path, Result<FileOutcome, IngestError>, u64)> = batch
            .par_iter()
            .map(|path| {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                (path.as_path(), read_file(path), size)
            })
            .collect();
        for (path, outcome, size) in outcomes {
            bar.inc(1);
            match outcome {
                Err(err) => {
                    bar.suspend(|| eprintln!("error: {err}"));
                    tally.failed += 1;
                }
                Ok(outcome) => {
                    for problem in &outcome.problems {
                        bar.suspend(|| eprintln!("error: {problem}"));
                        tally.failed += 1;
                    }
                    let per_doc = size as usize / outcome.documents.len().max(1);
                    for doc in &outcome.documents {
                        tally.read += 1;
                        let hash = content_hash(&doc.text);
                        let new = NewDocument {
                            document: doc,
                            hash: &hash,
                            simhash: simhash(&doc.text),
                            bytes: per_doc,
                        };
                        match store.insert_document(&new) {
                            Ok(InsertOutcome::Stored { .. }) => tally.stored += 1,
                            Ok(InsertOutcome::Duplicate { .. }) => tally.duplicates += 1,
                            Ok(InsertOutcome::NearDuplicate { id, of, distance }) => {
                                tally.stored += 1;
                                tally.near += 1;
                                bar.suspend(|| {
                                    eprintln!(
                                        "note: {} (document {id}) nearly copies document {of} (SimHash distance {distance})",
                                        doc.source
                                    )
                                });
                            }
                            Err(err) => {
                                bar.suspend(|| {
                                    eprintln!("error: {}: cannot store: {err}", path.display())
                                });
                                tally.failed += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    bar.finish_and_clear();
    println!(
        "ingest: {} documents read, {} stored, {} duplicates, {} near-duplicates, {} failed",
        tally.read, tally.stored, tally.duplicates, tally.near, tally.failed
    );
    Ok(if tally.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
