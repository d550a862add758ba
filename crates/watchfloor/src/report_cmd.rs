//! `watchfloor report`: assess a campaign on the stored evidence and write
//! its report (HTML or Markdown, chosen by the output file's extension).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use watchfloor_assess::{AssessOptions, Baseline, Facts};
use watchfloor_extract::Knowledge;
use watchfloor_publish::{Basemap, Format};
use watchfloor_store::{EventFilter, Store};

/// What `report` was asked for.
pub struct ReportRequest<'a> {
    /// Campaign pack name, e.g. `russia-belarus`.
    pub campaign: &'a str,
    /// Output file (`.html`/`.htm` or `.md`/`.markdown`).
    pub out: &'a Path,
    /// Count changes since this day (`YYYY-MM-DD`).
    pub since: Option<&'a str>,
    /// Judge recency against this day (default: today).
    pub as_of: Option<&'a str>,
    /// An edited data directory (packs under `campaigns/`, basemap, gazetteer).
    pub data: Option<&'a Path>,
}

/// What was written.
pub struct Written {
    /// The report file.
    pub path: PathBuf,
    /// Figure files written beside a Markdown report.
    pub figures: Vec<PathBuf>,
    /// Number of key takeaways.
    pub takeaways: usize,
    /// Number of footnotes.
    pub footnotes: usize,
}

fn check_day(what: &str, day: &str) -> Result<()> {
    day.parse::<jiff::civil::Date>()
        .with_context(|| format!("{what} {day:?} is not a date (YYYY-MM-DD)"))?;
    Ok(())
}

/// Assesses the campaign and writes the report.
pub fn run(knowledge: &Knowledge, store: &Store, req: &ReportRequest<'_>) -> Result<Written> {
    let Some(format) = Format::from_path(req.out) else {
        bail!(
            "--out {}: say .html or .md, the format follows the extension",
            req.out.display()
        );
    };
    if let Some(d) = req.since {
        check_day("--since", d)?;
    }
    let as_of = match req.as_of {
        Some(d) => {
            check_day("--as-of", d)?;
            d.to_string()
        }
        None => jiff::Zoned::now().date().to_string(),
    };
    let packs = match req.data.map(|d| d.join("campaigns")).filter(|d| d.is_dir()) {
        Some(dir) => watchfloor_assess::load_dir(&dir, Some(&knowledge.catalogue))
            .with_context(|| format!("loading campaign packs from {}", dir.display()))?,
        None => watchfloor_assess::builtin_packs(Some(&knowledge.catalogue))
            .context("loading the compiled-in campaign packs")?,
    };
    let Some(pack) = packs.iter().find(|p| p.name == req.campaign) else {
        let names: Vec<&str> = packs.iter().map(|p| p.name.as_str()).collect();
        bail!(
            "no campaign pack named {:?}; known: {}",
            req.campaign,
            names.join(", ")
        );
    };
    let events = store
        .events(&EventFilter::default())
        .context("reading stored events")?;
    let facts = Facts::new(&knowledge.catalogue);
    let mut options = AssessOptions::new(&as_of);
    options.generated_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("{as_of}T00:00:00Z"));
    // Changes since --since, else since the last saved `assess` run (a
    // report does not save a run of its own).
    options.baseline = match req.since {
        Some(d) => Baseline::Date(d.to_string()),
        None => match store
            .last_assessment_run(&pack.name)
            .context("reading the last assessment run")?
        {
            Some(run) => Baseline::Run {
                label: format!("run {} at {}", run.id, run.generated_at),
                statuses: run.statuses,
            },
            None => Baseline::FirstRun,
        },
    };
    let assessment = watchfloor_assess::assess(pack, &events, &facts, &options);

    let ctx = watchfloor_server::report::report_context(&events, knowledge, as_of, req.since);
    let basemap = match req.data {
        Some(dir) if dir.join("basemap").is_dir() => Basemap::from_dir(dir)?,
        _ => Basemap::embedded()?,
    };
    let report = watchfloor_publish::build(&assessment, &ctx, &basemap);
    if let Some(parent) = req.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    };
    let mut figures = Vec::new();
    match format {
        Format::Html => write(req.out, &watchfloor_publish::render_html(&report))?,
        Format::Markdown => {
            let stem = req
                .out
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("report");
            let md = watchfloor_publish::render_markdown(&report, stem);
            write(req.out, &md.text)?;
            for (name, svg) in &md.figures {
                let path = req.out.with_file_name(name);
                write(&path, svg)?;
                figures.push(path);
            }
        }
    }
    Ok(Written {
        path: req.out.to_path_buf(),
        figures,
        takeaways: report.takeaways.len(),
        footnotes: report.footnotes.len(),
    })
}
