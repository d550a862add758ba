//! `watchfloor campaigns …` and `watchfloor assess`: wiring of the assess
//! crate to the catalogue, the store and the terminal.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use watchfloor_assess::{AssessError, AssessOptions, Baseline, Facts, Pack};
use watchfloor_extract::Knowledge;
use watchfloor_model::{Assessment, IndicatorStatus};
use watchfloor_store::{EventFilter, Store};

use crate::cli::ListFormat;

/// Every pack on offer: the compiled-in ones (or `DATA/campaigns` when
/// `--data` is given), then those in `--packs DIR`, which replace packs of
/// the same name.
pub fn packs(k: &Knowledge, data: Option<&Path>, extra: Option<&Path>) -> Result<Vec<Pack>> {
    let mut packs = match data {
        Some(dir) => {
            let campaigns = dir.join("campaigns");
            if campaigns.is_dir() {
                watchfloor_assess::load_dir(&campaigns, Some(&k.catalogue))?
            } else {
                watchfloor_assess::builtin_packs(Some(&k.catalogue))?
            }
        }
        None => watchfloor_assess::builtin_packs(Some(&k.catalogue))?,
    };
    if let Some(dir) = extra {
        for p in watchfloor_assess::load_dir(dir, Some(&k.catalogue))
            .with_context(|| format!("loading campaign packs from {}", dir.display()))?
        {
            packs.retain(|q| q.name != p.name);
            packs.push(p);
        }
    }
    Ok(packs)
}

/// A pack by name, or from a `.toml` file path.
pub fn find(k: &Knowledge, data: Option<&Path>, extra: Option<&Path>, name: &str) -> Result<Pack> {
    let path = Path::new(name);
    if name.ends_with(".toml") && path.is_file() {
        return Ok(watchfloor_assess::load_pack(path, Some(&k.catalogue))?);
    }
    packs(k, data, extra)?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| AssessError::UnknownPack(name.to_string()).into())
}

/// `campaigns list`.
pub fn list(packs: &[Pack], format: ListFormat) -> Result<ExitCode> {
    if format == ListFormat::Json {
        let v: Vec<_> = packs
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "title": p.title, "aggressor": p.aggressor,
                    "target": p.target, "indicators": p.indicators.len(),
                    "domains": p.domains().iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "{:<22} {:<9} {:<6} {:>10}  TITLE",
            "NAME", "AGGRESSOR", "TARGET", "INDICATORS"
        );
        for p in packs {
            println!(
                "{:<22} {:<9} {:<6} {:>10}  {}",
                p.name,
                p.aggressor,
                p.target,
                p.indicators.len(),
                p.title
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `campaigns show NAME`.
pub fn show(p: &Pack, format: ListFormat) -> Result<ExitCode> {
    if format == ListFormat::Json {
        let indicators: Vec<_> = p
            .indicators
            .iter()
            .map(|i| {
                let c = &i.criteria;
                serde_json::json!({
                    "id": i.id, "domain": i.domain, "objective": i.objective,
                    "statement": i.statement, "weight": i.weight, "basis": i.basis,
                    "criteria": {
                        "types": c.types, "entities": c.entities, "keywords": c.keywords,
                        "exclude": c.exclude, "actors": c.actors, "countries": c.countries,
                        "places": c.places,
                        "area": c.area.map(|a| serde_json::json!({"lat": a.lat, "lon": a.lon, "radius_km": a.radius_km})),
                        "actor_member_of": c.actor_member_of, "target_member_of": c.target_member_of,
                    }
                })
            })
            .collect();
        let objectives: Vec<_> = p
            .objectives
            .iter()
            .map(|o| serde_json::json!({"id": o.id, "domain": o.domain, "statement": o.statement}))
            .collect();
        let v = serde_json::json!({
            "name": p.name, "title": p.title, "aggressor": p.aggressor, "target": p.target,
            "description": p.description, "sources": p.sources,
            "domain_weights": p.domain_weights.iter().map(|(d, w)| (d.as_str().to_string(), *w)).collect::<std::collections::BTreeMap<_, _>>(),
            "objectives": objectives, "indicators": indicators,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}  {} ({} -> {})", p.name, p.title, p.aggressor, p.target);
    if let Some(d) = &p.description {
        println!("  {d}");
    }
    for s in &p.sources {
        println!("  source: {s}");
    }
    for d in p.domains() {
        println!(
            "\n{} (weight {})",
            d.as_str().to_uppercase(),
            p.domain_weights[&d]
        );
        for o in p.objectives.iter().filter(|o| o.domain == d) {
            println!("  objective {}: {}", o.id, o.statement);
        }
        for i in p.indicators.iter().filter(|i| i.domain == d) {
            let types: Vec<_> = i.criteria.types.iter().map(|t| t.as_str()).collect();
            println!("  {:<16} w={:<4} {}", i.id, i.weight, i.statement);
            println!("  {:<16}        types: {}", "", types.join(", "));
            if !i.criteria.entities.is_empty() {
                println!(
                    "  {:<16}        entities: {}",
                    "",
                    i.criteria.entities.join(", ")
                );
            }
            if !i.criteria.keywords.is_empty() {
                println!(
                    "  {:<16}        keywords: {}",
                    "",
                    i.criteria.keywords.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `campaigns check FILE`: every problem with its line, exit status 1 if any.
pub fn check(k: &Knowledge, file: &Path) -> Result<ExitCode> {
    match watchfloor_assess::load_pack(file, Some(&k.catalogue)) {
        Ok(p) => {
            println!(
                "{}: ok: campaign {} ({} -> {}), {} objectives, {} indicators in {} domains",
                file.display(),
                p.name,
                p.aggressor,
                p.target,
                p.objectives.len(),
                p.indicators.len(),
                p.domains().len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(AssessError::InvalidPack { file, problems }) => {
            for d in &problems {
                println!("{file}:{}:{}: {}", d.line, d.column, d.message);
            }
            println!("{file}: {} problem(s)", problems.len());
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// Arguments of `assess`.
pub struct AssessArgs {
    /// Pack name or file.
    pub campaign: String,
    /// Changes since this day instead of since the last run.
    pub since: Option<String>,
    /// Recency is judged against this day (default today).
    pub as_of: Option<String>,
    /// Output format.
    pub format: ListFormat,
    /// Extra pack directory.
    pub packs: Option<PathBuf>,
    /// Do not record this run.
    pub no_save: bool,
    /// Evidence items per indicator in the output.
    pub max_evidence: usize,
}

fn check_day(what: &str, d: &str) -> Result<String> {
    d.parse::<jiff::civil::Date>()
        .with_context(|| format!("{what} {d:?} is not a date (YYYY-MM-DD)"))?;
    Ok(d.to_string())
}

/// `assess --campaign NAME`.
pub fn assess(
    k: &Knowledge,
    data: Option<&Path>,
    store: &mut Store,
    args: AssessArgs,
) -> Result<ExitCode> {
    let pack = find(k, data, args.packs.as_deref(), &args.campaign)?;
    let events = store.events(&EventFilter::default())?;
    let facts = Facts::new(&k.catalogue).with_places(
        k.gazetteer
            .places
            .iter()
            .map(|p| (p.id.as_str(), p.lat, p.lon)),
    );
    let now = jiff::Zoned::now();
    let as_of = match &args.as_of {
        Some(d) => check_day("--as-of", d)?,
        None => now.date().to_string(),
    };
    let baseline = match &args.since {
        Some(d) => Baseline::Date(check_day("--since", d)?),
        None => match store.last_assessment_run(&pack.name)? {
            Some(run) => Baseline::Run {
                label: format!("run {} at {}", run.id, run.generated_at),
                statuses: run.statuses,
            },
            None => Baseline::FirstRun,
        },
    };
    let options = AssessOptions {
        as_of,
        generated_at: now
            .timestamp()
            .round(jiff::Unit::Second)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        baseline,
        max_evidence: args.max_evidence,
    };
    let assessment = watchfloor_assess::assess(&pack, &events, &facts, &options);
    if !args.no_save {
        store.save_assessment_run(&assessment)?;
    }
    if args.format == ListFormat::Json {
        println!("{}", serde_json::to_string_pretty(&assessment)?);
    } else {
        print_table(&assessment, events.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn status_word(s: IndicatorStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn print_table(a: &Assessment, events: usize) {
    println!(
        "{} — {} ({} -> {}), as of {}, {} stored events",
        a.campaign,
        a.title,
        a.aggressor,
        a.target,
        a.as_of.as_deref().unwrap_or("-"),
        events
    );
    println!(
        "{:<16} {:<13} {:<13} {:>5} {:>4} {:>5}  {:<10} {:<10}  JUDGEMENT",
        "INDICATOR", "DOMAIN", "STATUS", "SCORE", "SRC", "EVID", "FIRST", "LAST"
    );
    for i in &a.indicators {
        let judgement = i
            .judgement
            .as_ref()
            .map(|j| {
                format!(
                    "{} ({}), {} confidence",
                    j.likelihood, j.probability, j.confidence
                )
            })
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<16} {:<13} {:<13} {:>5.2} {:>4} {:>5}  {:<10} {:<10}  {}",
            i.id,
            i.domain.as_str(),
            status_word(i.status),
            i.score,
            i.sources,
            i.evidence_total,
            i.first_seen.as_deref().unwrap_or("-"),
            i.last_seen.as_deref().unwrap_or("-"),
            judgement
        );
    }
    println!();
    let latest: Vec<String> = a
        .indices
        .iter()
        .filter_map(|(k, series)| series.last().map(|p| (k, p)))
        .map(|(k, p)| format!("{k} {:.3}", p.value))
        .collect();
    if let Some(month) = a
        .indices
        .get("overall")
        .and_then(|s| s.last())
        .map(|p| p.month.clone())
    {
        println!("indices ({month}): {}", latest.join(", "));
    }
    println!("formula: {}", a.formula);
    println!();
    let since = a.changes_since.as_deref().unwrap_or("-");
    if a.changes.is_empty() {
        println!("no changes since {since}");
    } else {
        println!("changes since {since}:");
        for c in &a.changes {
            println!("  {:<19} {}", c.kind, c.summary);
        }
    }
}
