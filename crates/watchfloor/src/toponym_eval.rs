//! `watchfloor eval slavic-ner`: toponym recognition on real Russian,
//! Ukrainian and Polish news, scored against the location mentions (`LOC`)
//! of the SlavicNER corpus (BSNLP/SlavNER shared tasks, Piskorski et al.,
//! LREC-COLING 2024). The corpus has no coordinates: this measures finding
//! the place names of inflected Slavic text, not resolving them.
//!
//! Every place mention the extractor reports is compared with the gold
//! `LOC` mentions of its document (code-point offsets, end exclusive):
//! *exact* when both ends agree, *overlap* when the spans share a
//! character (each gold mention matched at most once). Precision, recall
//! and F1 are given for both, per language and over all, with the
//! extraction throughput of the run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use watchfloor_extract::Knowledge;
use watchfloor_model::{Document, DocumentFormat};

/// Languages of the corpus the extractor reads (Bulgarian, Czech and
/// Slovenian are in the corpus but not in Watchfloor's languages).
pub const LANGUAGES: &[&str] = &["ru", "uk", "pl"];

/// A mention span in code points, end exclusive.
type Span = (usize, usize);

/// Counts for one language (or all).
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    /// Documents read.
    pub documents: usize,
    /// Bytes of text read.
    pub bytes: usize,
    /// Gold `LOC` mentions.
    pub gold: usize,
    /// Place mentions reported.
    pub predicted: usize,
    /// Gold mentions matched span for span.
    pub exact: usize,
    /// Gold mentions matched by an overlapping mention.
    pub overlap: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.documents += o.documents;
        self.bytes += o.bytes;
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.exact += o.exact;
        self.overlap += o.overlap;
    }
}

/// Precision, recall and F1 of `matched` out of `predicted` and `gold`.
fn prf(matched: usize, predicted: usize, gold: usize) -> (f64, f64, f64) {
    let p = if predicted == 0 {
        0.0
    } else {
        matched as f64 / predicted as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        matched as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// One-to-one matches between gold and predicted spans: (exact, overlap).
/// Exact matches are taken first, then any overlap among the rest.
pub fn match_spans(gold: &[Span], predicted: &[Span]) -> (usize, usize) {
    let mut used = vec![false; predicted.len()];
    let mut gold_done = vec![false; gold.len()];
    let mut exact = 0;
    for (g, done) in gold.iter().zip(&mut gold_done) {
        if let Some(j) = (0..predicted.len()).find(|&j| !used[j] && predicted[j] == *g) {
            used[j] = true;
            *done = true;
            exact += 1;
        }
    }
    let mut overlap = exact;
    for (g, _) in gold.iter().zip(&gold_done).filter(|(_, d)| !**d) {
        if let Some(j) =
            (0..predicted.len()).find(|&j| !used[j] && predicted[j].0 < g.1 && g.0 < predicted[j].1)
        {
            used[j] = true;
            overlap += 1;
        }
    }
    (exact, overlap)
}

/// The gold `LOC` spans of one `ner/…tsv` file. Lines that do not parse
/// are errors naming the file and line.
pub fn gold_locations(path: &Path, tsv: &str) -> Result<Vec<Span>> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let parsed = (f.len() >= 5)
            .then(|| Some((f[0].parse::<usize>().ok()?, f[1].parse::<usize>().ok()?)))
            .flatten();
        let Some((start, end)) = parsed else {
            bail!(
                "{}:{}: not `start end surface lemma type id`",
                path.display(),
                n + 1
            );
        };
        if f[4] == "LOC" && start < end {
            out.push((start, end));
        }
    }
    Ok(out)
}

fn locate(corpus: &str) -> Result<PathBuf> {
    let p = Path::new(corpus);
    if p.is_dir() {
        return Ok(p.to_path_buf());
    }
    if corpus.eq_ignore_ascii_case("slavic-ner") {
        if let Some(d) =
            crate::geoparse_eval::in_shared_bench(Path::new("slavic-ner"), Path::is_dir)
        {
            return Ok(d);
        }
    }
    bail!("{corpus}: not a SlavicNER folder (with raw/, ner/ and SPLIT_*.txt)");
}

/// Scores toponym recognition; `split` names a `SPLIT_*.txt` file of the
/// corpus (its documents, one `raw/…` path per line) or `all`.
pub fn run(
    k: &Knowledge,
    corpus: &str,
    split: &str,
    languages: &[String],
    json: bool,
    limit: Option<usize>,
) -> Result<ExitCode> {
    let root = locate(corpus)?;
    let mut docs: Vec<PathBuf> = if split == "all" {
        let mut v = Vec::new();
        collect_txt(&root.join("raw"), &mut v)?;
        v.sort();
        v.into_iter()
            .filter_map(|p| p.strip_prefix(&root).ok().map(Path::to_path_buf))
            .collect()
    } else {
        let file = root.join(format!("SPLIT_{split}.txt"));
        std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| PathBuf::from(l.trim()))
            .collect()
    };
    // raw/<topic>/<lang>/<doc>.txt
    let lang_of = |p: &Path| -> Option<String> {
        let parts: Vec<_> = p.components().collect();
        (parts.len() == 4).then(|| parts[2].as_os_str().to_string_lossy().into_owned())
    };
    docs.retain(|p| lang_of(p).is_some_and(|l| languages.contains(&l)));
    if let Some(n) = limit {
        docs.truncate(n);
    }
    if docs.is_empty() {
        bail!(
            "{}: no documents in {split} for languages {}",
            root.display(),
            languages.join(",")
        );
    }
    let mut inputs = Vec::with_capacity(docs.len());
    for rel in &docs {
        let text_path = root.join(rel);
        let text = std::fs::read_to_string(&text_path)
            .with_context(|| format!("reading {}", text_path.display()))?;
        let ner = root
            .join("ner")
            .join(rel.strip_prefix("raw").unwrap_or(rel))
            .with_extension("tsv");
        let tsv =
            std::fs::read_to_string(&ner).with_context(|| format!("reading {}", ner.display()))?;
        let gold = gold_locations(&ner, &tsv)?;
        let lang = lang_of(rel).unwrap_or_default();
        inputs.push((lang, rel.display().to_string(), text, gold));
    }
    // `WATCHFLOOR_TOPONYM_ERRORS=FILE`: every unmatched mention (false
    // positives with the place they were resolved to, false negatives) as
    // JSON lines, for error analysis.
    let errors_file = std::env::var_os("WATCHFLOOR_TOPONYM_ERRORS").map(PathBuf::from);
    let errors = std::sync::Mutex::new(String::new());
    let t0 = Instant::now();
    let per: Vec<(String, Counts)> = inputs
        .par_iter()
        .map(|(lang, source, text, gold)| {
            let doc = Document {
                source: source.clone(),
                title: None,
                published: None,
                language: Some(lang.clone()),
                format: DocumentFormat::Text,
                encoding: "utf-8".into(),
                text: text.clone(),
            };
            let record = k.extract(&doc, "sha256:eval");
            let predicted: Vec<Span> = record
                .places
                .iter()
                .flat_map(|p| p.mentions.iter().map(|m| (m.start, m.end)))
                .collect();
            let (exact, overlap) = match_spans(gold, &predicted);
            if errors_file.is_some() {
                let chars: Vec<char> = text.chars().collect();
                let quote = |(s, e): Span| -> String {
                    chars
                        .get(s..e)
                        .map(|c| c.iter().collect())
                        .unwrap_or_default()
                };
                let mut lines = String::new();
                for p in &record.places {
                    for m in p
                        .mentions
                        .iter()
                        .filter(|m| !gold.contains(&(m.start, m.end)))
                    {
                        let line = serde_json::json!({"doc": source, "error": "fp",
                            "text": m.text, "place": p.id, "lang": lang});
                        lines.push_str(&format!("{line}\n"));
                    }
                }
                for &g in gold.iter().filter(|g| !predicted.contains(g)) {
                    let line = serde_json::json!({"doc": source, "error": "fn",
                        "text": quote(g), "lang": lang});
                    lines.push_str(&format!("{line}\n"));
                }
                if let Ok(mut all) = errors.lock() {
                    all.push_str(&lines);
                }
            }
            (
                lang.clone(),
                Counts {
                    documents: 1,
                    bytes: text.len(),
                    gold: gold.len(),
                    predicted: predicted.len(),
                    exact,
                    overlap,
                },
            )
        })
        .collect();
    let secs = t0.elapsed().as_secs_f64();
    if let Some(f) = &errors_file {
        let all = errors.into_inner().unwrap_or_default();
        std::fs::write(f, all).with_context(|| format!("writing {}", f.display()))?;
    }
    let mut by_lang: Vec<(String, Counts)> = Vec::new();
    let mut all = Counts::default();
    for (lang, c) in &per {
        match by_lang.iter_mut().find(|(l, _)| l == lang) {
            Some((_, x)) => x.add(c),
            None => by_lang.push((lang.clone(), *c)),
        }
        all.add(c);
    }
    by_lang.sort_by(|a, b| a.0.cmp(&b.0));
    by_lang.push(("all".into(), all));
    let rows: Vec<Row> = by_lang.iter().map(|(l, c)| Row::of(l, c)).collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "corpus": root.display().to_string(),
                "split": split,
                "seconds": secs,
                "mb_per_s": all.bytes as f64 / 1e6 / secs,
                "languages": rows,
            }))?
        );
    } else {
        println!("SlavicNER toponym recognition ({split}): place mentions vs gold LOC mentions");
        println!(
            "{:<5} {:>5} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "lang", "docs", "gold", "found", "P", "R", "F1", "P~", "R~", "F1~"
        );
        for r in &rows {
            println!(
                "{:<5} {:>5} {:>6} {:>6} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3}",
                r.language,
                r.counts.documents,
                r.counts.gold,
                r.counts.predicted,
                r.exact.0,
                r.exact.1,
                r.exact.2,
                r.overlap.0,
                r.overlap.1,
                r.overlap.2
            );
        }
        println!(
            "(exact: same span; ~: overlapping span. {:.1} MB in {:.2} s on {} threads: {:.1} MB/s)",
            all.bytes as f64 / 1e6,
            secs,
            rayon::current_num_threads(),
            all.bytes as f64 / 1e6 / secs
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of the report.
#[derive(Serialize)]
struct Row {
    language: String,
    #[serde(flatten)]
    counts: Counts,
    /// (precision, recall, F1) on exact spans.
    exact: (f64, f64, f64),
    /// (precision, recall, F1) on overlapping spans.
    overlap: (f64, f64, f64),
}

impl Row {
    fn of(language: &str, c: &Counts) -> Row {
        Row {
            language: language.to_string(),
            counts: *c,
            exact: prf(c.exact, c.predicted, c.gold),
            overlap: prf(c.overlap, c.predicted, c.gold),
        }
    }
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_txt(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_matches_come_first_then_overlaps_each_used_once() {
        let gold = [(0, 5), (10, 15), (20, 25), (40, 45)];
        // (10,15) exact; (21,23) overlaps (20,25); (0,3) overlaps (0,5);
        // (1,2) would overlap (0,5) too but it is taken; (30,35) matches
        // nothing.
        let predicted = [(1, 2), (10, 15), (21, 23), (0, 3), (30, 35)];
        assert_eq!(match_spans(&gold, &predicted), (1, 3));
        assert_eq!(match_spans(&gold, &[]), (0, 0));
        assert_eq!(match_spans(&[], &predicted), (0, 0));
    }

    #[test]
    fn precision_recall_f1() {
        let (p, r, f) = prf(2, 4, 8);
        assert_eq!((p, r), (0.5, 0.25));
        assert!((f - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(prf(0, 0, 0), (0.0, 0.0, 0.0));
    }

    #[test]
    fn gold_keeps_loc_lines_and_names_bad_ones() {
        let tsv = "0\t6\tМинске\tМинск\tLOC\tGPE-Minsk\n7\t10\tООН\tООН\tORG\tORG-UN\n";
        assert_eq!(
            gold_locations(Path::new("x.tsv"), tsv).unwrap(),
            vec![(0, 6)]
        );
        let err = gold_locations(Path::new("x.tsv"), "a\tb\n").unwrap_err();
        assert!(err.to_string().contains("x.tsv:1"), "{err}");
    }
}
