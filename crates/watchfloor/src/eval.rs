//! `watchfloor eval gold`: scores extraction against hand-annotated gold
//! files, with the metrics of `shared/tools/score_extraction.py`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use watchfloor_extract::Knowledge;
use watchfloor_ingest::{content_hash, read_file};
use watchfloor_model::{DateSpan, ExtractRecord};
use watchfloor_store::Store;

#[derive(Deserialize)]
struct Gold {
    document: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    entities: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    places: Vec<GoldPlace>,
    #[serde(default)]
    events: Vec<GoldEvent>,
}

#[derive(Deserialize)]
struct GoldPlace {
    name: String,
    country: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Deserialize)]
struct GoldEvent {
    quote: String,
    #[serde(rename = "type")]
    types: Vec<String>,
    modality: Vec<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    actors: Vec<String>,
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = (p2 - p1, (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.min(1.0).sqrt().asin()
}

fn date_matches(gold: &str, got: Option<&DateSpan>) -> bool {
    let Some(got) = got else { return false };
    got.start.starts_with(gold)
        || got.end.starts_with(gold)
        || (gold.len() == 4 && &got.start[..4] <= gold && gold <= &got.end[..4.min(got.end.len())])
}

/// Counts (hits, total) per metric, in the scorer's order.
fn score(gold: &Gold, rec: &ExtractRecord) -> Vec<(&'static str, usize, usize)> {
    let mut m = Vec::new();
    let found = gold
        .entities
        .keys()
        .filter(|id| rec.entities.iter().any(|e| &e.id == *id))
        .count();
    m.push(("entity_recall", found, gold.entities.len()));
    let (mut hit, mut total) = (0, 0);
    for (id, aliases) in &gold.entities {
        let texts: HashSet<String> = rec
            .entities
            .iter()
            .filter(|e| &e.id == id)
            .flat_map(|e| e.mentions.iter().map(|x| norm(&x.text)))
            .collect();
        for a in aliases {
            total += 1;
            hit += texts.contains(&norm(a)) as usize;
        }
    }
    m.push(("alias_recall", hit, total));
    let places_ok = gold
        .places
        .iter()
        .filter(|gp| {
            rec.places.iter().any(|p| {
                let mut names: HashSet<String> = p.mentions.iter().map(|x| norm(&x.text)).collect();
                names.insert(norm(&p.name));
                if !names.contains(&norm(&gp.name))
                    || p.country.as_deref() != Some(gp.country.as_str())
                {
                    return false;
                }
                match (gp.lat, gp.lon, p.lat, p.lon) {
                    (Some(a), Some(b), Some(c), Some(d)) => km(a, b, c, d) <= 161.0,
                    (Some(_), _, _, _) => false,
                    _ => true,
                }
            })
        })
        .count();
    m.push(("place_acc161", places_ok, gold.places.len()));
    let mut used = HashSet::new();
    let mut matched = Vec::new();
    for ge in &gold.events {
        let q = norm(&ge.quote);
        let best = rec.events.iter().enumerate().find(|(i, e)| {
            !used.contains(i)
                && ge.types.iter().any(|t| t == e.event_type.as_str())
                && norm(&e.evidence.text).contains(&q)
        });
        if let Some((i, e)) = best {
            used.insert(i);
            matched.push((ge, e));
        }
    }
    m.push(("event_recall", matched.len(), gold.events.len()));
    m.push(("event_precision", matched.len(), rec.events.len()));
    let modality_ok = matched
        .iter()
        .filter(|(g, e)| g.modality.iter().any(|x| x == e.modality.as_str()))
        .count();
    m.push(("modality_acc", modality_ok, matched.len()));
    let dated: Vec<_> = matched.iter().filter(|(g, _)| g.date.is_some()).collect();
    let dates_ok = dated
        .iter()
        .filter(|(g, e)| {
            g.date
                .as_deref()
                .is_some_and(|d| date_matches(d, e.date.as_ref()))
        })
        .count();
    m.push(("date_acc", dates_ok, dated.len()));
    let with_actors: Vec<_> = matched
        .iter()
        .filter(|(g, _)| !g.actors.is_empty())
        .collect();
    let actor_hits = with_actors
        .iter()
        .map(|(g, e)| g.actors.iter().filter(|a| e.actors.contains(a)).count())
        .sum();
    let actor_total = with_actors.iter().map(|(g, _)| g.actors.len()).sum();
    m.push(("actor_recall", actor_hits, actor_total));
    m
}

fn find_document(gold_path: &Path, document: &str) -> Option<PathBuf> {
    let dir = gold_path.parent().unwrap_or(Path::new("."));
    [
        dir.join(document),
        dir.join("..").join(document),
        PathBuf::from(document),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

pub fn gold(
    k: &Knowledge,
    store: Option<&Store>,
    gold_files: &[PathBuf],
    json: bool,
) -> Result<ExitCode> {
    let mut reports = Vec::new();
    for path in gold_files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading gold file {}", path.display()))?;
        let gold: Gold = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a gold file", path.display()))?;
        let record = if let Some(doc_path) = find_document(path, &gold.document) {
            let outcome =
                read_file(&doc_path).with_context(|| format!("reading {}", doc_path.display()))?;
            let Some(mut doc) = outcome.documents.into_iter().next() else {
                bail!("{} holds no document", doc_path.display())
            };
            if doc.published.is_none() {
                doc.published = gold.published.clone();
            }
            k.extract(&doc, &content_hash(&doc.text))
        } else if let Some(store) = store {
            let name = gold.document.rsplit('/').next().unwrap_or(&gold.document);
            let id = store
                .list_documents(i64::MAX, 0)?
                .into_iter()
                .find(|r| r.source.ends_with(name))
                .map(|r| r.id)
                .with_context(|| {
                    format!(
                        "{}: document {} is neither on disk nor stored",
                        path.display(),
                        gold.document
                    )
                })?;
            let (hash, doc) = store
                .document_for_extraction(id)?
                .context("document vanished")?;
            k.extract(&doc, &hash)
        } else {
            bail!("{}: cannot find document {}", path.display(), gold.document);
        };
        let metrics = score(&gold, &record);
        let ratio = |h: usize, t: usize| if t == 0 { 0.0 } else { h as f64 / t as f64 };
        let get = |name: &str| {
            metrics
                .iter()
                .find(|m| m.0 == name)
                .map(|m| ratio(m.1, m.2))
                .unwrap_or(0.0)
        };
        let (p, r) = (get("event_precision"), get("event_recall"));
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        if json {
            let mut scores: BTreeMap<&str, f64> = metrics
                .iter()
                .map(|(n, h, t)| (*n, ratio(*h, *t)))
                .collect();
            scores.insert("event_f1", f1);
            let counts: BTreeMap<&str, (usize, usize)> =
                metrics.iter().map(|(n, h, t)| (*n, (*h, *t))).collect();
            reports.push(serde_json::json!({"gold": path, "document": gold.document, "scores": scores, "counts": counts}));
        } else {
            println!("{}", path.display());
            for (n, h, t) in &metrics {
                println!("  {n:16} {h:4}/{t:<4} {:.3}", ratio(*h, *t));
            }
            println!("  {:16} {f1:.3}", "event_f1");
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(ExitCode::SUCCESS)
}
