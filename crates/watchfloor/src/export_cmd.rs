//! `watchfloor export geojson|csv`: stored events (and the places they
//! name) for other tools, filtered by campaign, domain, type, modality and
//! dates, each placed by the [`Locator`] the server's exports use too.
//! Also the wiring shared with `geo`: opening the database, the assessment
//! day, and a campaign's evidence events.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use watchfloor_assess::AssessOptions;
use watchfloor_extract::Knowledge;
use watchfloor_publish::export::{CsvOptions, ExportEvent, ExportFilter, ATTRIBUTION};
use watchfloor_publish::Locator;
use watchfloor_store::{EventFilter, Store, StoredEvent};

/// Export formats.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 7946 GeoJSON FeatureCollection of events and places.
    Geojson,
    /// CSV with ACLED-like columns (one row per event).
    Csv,
}

/// `watchfloor export` arguments.
#[derive(Args)]
pub struct ExportArgs {
    /// geojson or csv.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// Only events that are evidence for this campaign's indicators.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Only these domains (military, political, economic, information,
    /// social…); repeat or separate with commas.
    #[arg(long, value_delimiter = ',')]
    pub domain: Vec<String>,
    /// Only these event types; repeat or separate with commas.
    #[arg(long = "type", value_delimiter = ',')]
    pub types: Vec<String>,
    /// Only these modalities (observed, ongoing, projected, hypothetical,
    /// negated); repeat or separate with commas.
    #[arg(long, value_delimiter = ',')]
    pub modality: Vec<String>,
    /// Only events on or after this day (YYYY-MM-DD; undated events by
    /// their document's date).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// The campaign's assessment day (YYYY-MM-DD; default today).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// CSV only: add a last line with the data attribution (GeoNames CC BY
    /// 4.0, Natural Earth). Off by default to keep the CSV clean; GeoJSON
    /// always carries it as a foreign member.
    #[arg(long)]
    pub with_attribution: bool,
}

/// Checks a `YYYY-MM-DD` argument.
pub fn check_day(what: &str, day: &str) -> Result<()> {
    day.parse::<jiff::civil::Date>()
        .with_context(|| format!("{what} {day:?} is not a date (YYYY-MM-DD)"))?;
    Ok(())
}

/// The assessment day: `as_of` checked, or today.
pub fn as_of_day(as_of: Option<&str>) -> Result<String> {
    match as_of {
        Some(d) => {
            check_day("--as-of", d)?;
            Ok(d.to_string())
        }
        None => Ok(jiff::Zoned::now().date().to_string()),
    }
}

/// Opens an existing database (refuses to create one).
pub fn open_existing(path: &Path) -> Result<Store> {
    if !path.exists() {
        bail!(
            "database {} does not exist (run `watchfloor ingest` first, or pass --db)",
            path.display()
        );
    }
    Store::open(path).with_context(|| format!("opening database {}", path.display()))
}

/// A campaign's pack header and the IDs of the events that are evidence
/// for its indicators (by the assess crate's matching, all evidence kept).
pub struct CampaignEvidence {
    /// Pack name.
    pub name: String,
    /// Evidence event IDs.
    pub events: BTreeSet<i64>,
}

/// Assesses `campaign` on `events` and collects its evidence.
pub fn campaign_evidence(
    knowledge: &Knowledge,
    data: Option<&Path>,
    campaign: &str,
    events: &[StoredEvent],
    as_of: &str,
) -> Result<CampaignEvidence> {
    let packs = match data.map(|d| d.join("campaigns")).filter(|d| d.is_dir()) {
        Some(dir) => watchfloor_assess::load_dir(&dir, Some(&knowledge.catalogue))
            .with_context(|| format!("loading campaign packs from {}", dir.display()))?,
        None => watchfloor_assess::builtin_packs(Some(&knowledge.catalogue))
            .context("loading the compiled-in campaign packs")?,
    };
    let pack = if campaign.ends_with(".toml") {
        watchfloor_assess::load_pack(Path::new(campaign), Some(&knowledge.catalogue))
            .with_context(|| format!("loading campaign pack {campaign}"))?
    } else {
        let Some(pack) = packs.into_iter().find(|p| p.name == campaign) else {
            bail!("no campaign pack named {campaign:?} (see `watchfloor campaigns list`)");
        };
        pack
    };
    let facts = watchfloor_assess::Facts::new(&knowledge.catalogue);
    let mut options = AssessOptions::new(as_of);
    options.max_evidence = usize::MAX;
    let a = watchfloor_assess::assess(&pack, events, &facts, &options);
    Ok(CampaignEvidence {
        events: a
            .indicators
            .iter()
            .flat_map(|i| i.evidence.iter().map(|e| e.event))
            .collect(),
        name: pack.name,
    })
}

/// A stored event, located and named, ready for export.
pub fn export_event(loc: &Locator<'_>, s: &StoredEvent) -> ExportEvent {
    let e = &s.event;
    ExportEvent {
        id: s.id,
        document: s.document_id,
        date: e.date.as_ref().map(|d| d.start.clone()),
        date_end: e.date.as_ref().map(|d| d.end.clone()),
        time_precision: e.date.as_ref().map(|d| d.precision.as_str().to_string()),
        published: s.published.clone(),
        event_type: e.event_type.as_str().to_string(),
        domain: e.domain.as_str().to_string(),
        modality: e.modality.as_str().to_string(),
        actors: e.actors.iter().map(|a| loc.entity_name(a)).collect(),
        actor_ids: e.actors.clone(),
        entities: e.entities.clone(),
        country: e.country.clone(),
        country_name: e.country.as_deref().and_then(|c| loc.country_name(c)),
        location: loc.locate(e),
        source: s.source.clone(),
        title: s.title.clone(),
        notes: e.evidence.text.clone(),
        confidence: e.confidence,
    }
}

/// Runs `watchfloor export`.
pub fn run(knowledge: &Knowledge, db: &Path, data: Option<&Path>, args: &ExportArgs) -> Result<()> {
    for (what, d) in [("--since", &args.since), ("--until", &args.until)] {
        if let Some(d) = d {
            check_day(what, d)?;
        }
    }
    for t in &args.types {
        if watchfloor_model::EventType::parse(t).is_none() {
            bail!("--type {t:?} is not an event type (see TAXONOMY.md)");
        }
    }
    for m in &args.modality {
        if watchfloor_model::Modality::parse(m).is_none() {
            bail!("--modality {m:?} is not a modality (observed, ongoing, projected, hypothetical, negated)");
        }
    }
    for d in &args.domain {
        if watchfloor_model::Domain::parse(d).is_none() {
            bail!("--domain {d:?} is not a domain");
        }
    }
    let store = open_existing(db)?;
    let stored = store
        .events(&EventFilter::default())
        .context("reading stored events")?;
    let mut filter = ExportFilter {
        domains: args.domain.clone(),
        types: args.types.clone(),
        modalities: args.modality.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        events: None,
    };
    if let Some(c) = &args.campaign {
        let as_of = as_of_day(args.as_of.as_deref())?;
        filter.events = Some(campaign_evidence(knowledge, data, c, &stored, &as_of)?.events);
    }
    let loc = Locator::new(knowledge);
    let events: Vec<ExportEvent> = stored
        .iter()
        .map(|s| export_event(&loc, s))
        .filter(|e| filter.keeps(e))
        .collect();
    let text = match args.format {
        ExportFormat::Geojson => {
            let mut t =
                serde_json::to_string_pretty(&watchfloor_publish::export::to_geojson(&events))?;
            t.push('\n');
            t
        }
        ExportFormat::Csv => watchfloor_publish::export::to_csv(
            &events,
            CsvOptions {
                with_attribution: args.with_attribution,
            },
        )?,
    };
    match &args.out {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote {} events ({} located) to {}; {}",
                events.len(),
                events.iter().filter(|e| e.location.is_some()).count(),
                path.display(),
                ATTRIBUTION
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .context("writing to standard output")?;
        }
    }
    Ok(())
}
