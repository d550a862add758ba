//! The campaign report for the workbench (`GET /api/report.html`): the same
//! ISW-style HTML `watchfloor report` writes (publish crate), on the stored
//! evidence known up to a day, with changes since a day or the last saved
//! run. The report is one self-contained page with inline style and no
//! script, so it is served under its own, script-free policy.

use std::collections::BTreeSet;

use watchfloor_assess::{AssessOptions, Baseline, Facts, Pack};
use watchfloor_extract::Knowledge;
use watchfloor_publish::{Basemap, ReportContext};
use watchfloor_store::{EventFilter, Store};

use crate::ApiError;

/// The Content-Security-Policy of the report: no script, nothing fetched,
/// its inline style only, and sandboxed.
pub const REPORT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

/// What a report needs beside the assessment, from the stored events and
/// the gazetteer: each event's country, each document's date, the names of
/// the places events happen at and the capitals drawn for orientation.
/// (`watchfloor report` and `GET /api/report.html` both use it.)
pub fn report_context(
    events: &[watchfloor_store::StoredEvent],
    k: &Knowledge,
    today: String,
    since: Option<&str>,
) -> ReportContext {
    let mut ctx = ReportContext {
        today: Some(today),
        since: since.map(String::from),
        ..ReportContext::default()
    };
    let mut place_ids = BTreeSet::new();
    for e in events {
        if let Some(c) = &e.event.country {
            ctx.event_countries.insert(e.id, c.clone());
        }
        if let Some(p) = &e.event.place {
            place_ids.insert(p.as_str());
        }
        ctx.published.insert(e.document_id, e.published.clone());
    }
    for p in &k.gazetteer.places {
        if place_ids.contains(p.id.as_str()) {
            ctx.place_names.insert(p.id.clone(), p.name.clone());
        }
        if p.feature == "PPLC" {
            ctx.capitals.push((p.name.clone(), p.lat, p.lon));
        }
    }
    ctx
}

/// Keeps the events known by the end of `to`: dated events starting then,
/// undated ones published then (or never dated at all).
pub(crate) fn known_by(events: &mut Vec<watchfloor_store::StoredEvent>, to: Option<&str>) {
    if let Some(to) = to {
        events.retain(|e| match (&e.event.date, &e.published) {
            (Some(d), _) => d.start.as_str() <= to,
            (None, Some(p)) => p.get(..10).unwrap_or(p) <= to,
            (None, None) => true,
        });
    }
}

/// Assesses `pack` on the evidence known by `to` and renders the report.
pub(crate) fn render(
    k: &Knowledge,
    store: &Store,
    pack: &Pack,
    since: Option<&str>,
    to: Option<&str>,
) -> Result<String, ApiError> {
    let mut events = store.events(&EventFilter::default())?;
    known_by(&mut events, to);
    let as_of = to
        .map(String::from)
        .unwrap_or_else(|| jiff::Zoned::now().date().to_string());
    let mut options = AssessOptions::new(&as_of);
    options.generated_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("{as_of}T00:00:00Z"));
    options.baseline = match since {
        Some(d) => Baseline::Date(d.to_string()),
        None => match store.last_assessment_run(&pack.name)? {
            Some(run) => Baseline::Run {
                label: format!("run {} at {}", run.id, run.generated_at),
                statuses: run.statuses,
            },
            None => Baseline::FirstRun,
        },
    };
    let facts = Facts::new(&k.catalogue);
    let assessment = watchfloor_assess::assess(pack, &events, &facts, &options);
    let ctx = report_context(&events, k, as_of, since);
    let basemap = Basemap::embedded().map_err(|e| ApiError::Internal(e.to_string()))?;
    let report = watchfloor_publish::build(&assessment, &ctx, &basemap);
    Ok(watchfloor_publish::render_html(&report))
}
