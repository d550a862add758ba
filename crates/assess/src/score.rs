//! Matching stored events to indicators, scoring indicators, the monthly
//! indices, estimative judgements and change alerts.

use std::collections::{BTreeMap, HashMap, HashSet};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use watchfloor_extract::Catalogue;
use watchfloor_model::{
    Assessment, Change, Domain, EventType, EvidenceItem, IndexPoint, IndicatorAssessment,
    IndicatorStatus, Judgement, Modality,
};
use watchfloor_store::StoredEvent;

use crate::pack::{Criteria, Pack};

/// The index formula, as printed in every assessment (`formula`).
pub const FORMULA: &str = "indicator score s: not_observed 0, projected 0.25, reported 0.6, \
corroborated 1, reversed 0 (status from evidence known by the end of the month); \
domain index D(m) = sum(w_i * s_i(m)) / sum(w_i) over the domain's indicators (w_i: indicator weight); \
overall index I(m) = sum(W_d * D_d(m)) / sum(W_d) over domains with indicators (W_d: the pack's domain weight)";

/// The score of a status (see [`FORMULA`]).
pub fn status_score(status: IndicatorStatus) -> f64 {
    match status {
        IndicatorStatus::NotObserved | IndicatorStatus::Reversed => 0.0,
        IndicatorStatus::Projected => 0.25,
        IndicatorStatus::Reported => 0.6,
        IndicatorStatus::Corroborated => 1.0,
    }
}

/// What the catalogue (and optionally the gazetteer) knows that criteria
/// need: which state an entity belongs to, where a place is, who was a
/// member of what on a date.
pub struct Facts<'a> {
    catalogue: &'a Catalogue,
    country_of: HashMap<&'a str, &'a str>,
    coords: HashMap<&'a str, (f64, f64)>,
}

fn is_country(id: &str) -> bool {
    id.len() == 3 && id.bytes().all(|b| b.is_ascii_uppercase())
}

impl<'a> Facts<'a> {
    /// Facts from the catalogue: entity countries, site coordinates and
    /// membership histories.
    pub fn new(catalogue: &'a Catalogue) -> Self {
        let mut country_of = HashMap::new();
        let mut coords = HashMap::new();
        for e in catalogue.entities() {
            if is_country(&e.id) {
                country_of.insert(e.id.as_str(), e.id.as_str());
            } else if let Some(c) = e.country.as_deref().filter(|c| is_country(c)) {
                country_of.insert(e.id.as_str(), c);
            }
            if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
                coords.insert(e.id.as_str(), (lat, lon));
            }
        }
        Facts {
            catalogue,
            country_of,
            coords,
        }
    }

    /// Adds place coordinates as (ID, latitude, longitude), e.g. from the
    /// gazetteer, so `area` criteria see `geo:` places.
    pub fn with_places(mut self, places: impl IntoIterator<Item = (&'a str, f64, f64)>) -> Self {
        for (id, lat, lon) in places {
            self.coords.entry(id).or_insert((lat, lon));
        }
        self
    }

    /// The state an entity ID stands for or belongs to.
    fn country(&self, id: &str) -> Option<&'a str> {
        self.country_of.get(id).copied()
    }

    /// Whether `member` (or the state it belongs to) was a full member of
    /// `org` on `day`.
    fn member_on(&self, org: &str, member: &str, day: &str) -> bool {
        let state = self.country(member).unwrap_or(member);
        self.catalogue
            .members_on(org, day)
            .iter()
            .any(|m| m.status == "member" && (m.member == state || m.member == member))
    }
}

/// What changes are measured against.
#[derive(Debug, Clone, PartialEq)]
pub enum Baseline {
    /// Nothing before: every observed indicator is new.
    FirstRun,
    /// Statuses from evidence known before this day (`YYYY-MM-DD`).
    Date(String),
    /// Statuses saved by an earlier run.
    Run {
        /// How to name that run, e.g. `run 3 at 2025-06-01T10:00:00Z`.
        label: String,
        /// Its status per indicator ID (missing: not observed).
        statuses: BTreeMap<String, IndicatorStatus>,
    },
}

/// How to assess.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// The day recency is judged against, and the last month of the
    /// indices (`YYYY-MM-DD`); undated evidence counts as known on it.
    pub as_of: String,
    /// When the assessment is made (RFC 3339), copied to the output.
    pub generated_at: String,
    /// What changes are measured against.
    pub baseline: Baseline,
    /// At most this many evidence items per indicator in the output (the
    /// newest; `evidence_total` has the full count).
    pub max_evidence: usize,
}

impl AssessOptions {
    /// Options for a first run as of `as_of`, listing up to 50 evidence
    /// items per indicator.
    pub fn new(as_of: &str) -> Self {
        AssessOptions {
            as_of: as_of.to_string(),
            generated_at: format!("{as_of}T00:00:00Z"),
            baseline: Baseline::FirstRun,
            max_evidence: 50,
        }
    }
}

/// The campaign pack compiled for matching: indicators indexed by event
/// type, every keyword in one automaton.
struct Matcher<'p> {
    pack: &'p Pack,
    by_type: Vec<Vec<u32>>,
    type_needs_text: Vec<bool>,
    keywords: Option<AhoCorasick>,
    /// Pattern → (indicator, is an exclusion).
    owners: Vec<(u32, bool)>,
}

impl<'p> Matcher<'p> {
    fn new(pack: &'p Pack) -> Self {
        let n_types = EventType::ALL.len();
        let mut by_type = vec![Vec::new(); n_types];
        let mut type_needs_text = vec![false; n_types];
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, ind) in pack.indicators.iter().enumerate() {
            let c = &ind.criteria;
            for t in &c.types {
                let slot = *t as usize;
                if !by_type[slot].contains(&(i as u32)) {
                    by_type[slot].push(i as u32);
                }
                if !c.keywords.is_empty() || !c.exclude.is_empty() {
                    type_needs_text[slot] = true;
                }
            }
            for k in &c.keywords {
                patterns.push(k.clone());
                owners.push((i as u32, false));
            }
            for k in &c.exclude {
                patterns.push(k.clone());
                owners.push((i as u32, true));
            }
        }
        let keywords = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::new(&patterns).ok()
        };
        Matcher {
            pack,
            by_type,
            type_needs_text,
            keywords,
            owners,
        }
    }

    /// Indicators this event is evidence for.
    fn matches(&self, ev: &StoredEvent, ctx: &Context<'_>, out: &mut Vec<u32>) {
        let slot = ev.event.event_type as usize;
        let candidates = &self.by_type[slot];
        if candidates.is_empty() {
            return;
        }
        let mut hits: Vec<(u32, bool)> = Vec::new();
        if self.type_needs_text[slot] {
            if let Some(ac) = &self.keywords {
                let lower = ev.event.evidence.text.to_lowercase();
                for m in ac.find_overlapping_iter(&lower) {
                    let owner = self.owners[m.pattern().as_usize()];
                    if !hits.contains(&owner) {
                        hits.push(owner);
                    }
                }
            }
        }
        for &i in candidates {
            let c = &self.pack.indicators[i as usize].criteria;
            if hits.contains(&(i, true)) {
                continue;
            }
            let selected = (c.entities.is_empty() && c.keywords.is_empty())
                || hits.contains(&(i, false))
                || c.entities.iter().any(|e| {
                    ev.event.entities.iter().any(|x| x == e) || ev.event.actors.iter().any(|x| x == e)
                });
            if selected && ctx.criteria_hold(c, ev) {
                out.push(i);
            }
        }
    }
}

/// Per-run context: facts plus what each document is about.
struct Context<'a> {
    facts: &'a Facts<'a>,
    aggressor: &'a str,
    target: &'a str,
    /// Documents in which the target is a subject: it is involved in at
    /// least a fifth of the events that involve any state.
    about_target: HashSet<i64>,
}

fn event_day(ev: &StoredEvent) -> Option<&str> {
    ev.event
        .date
        .as_ref()
        .map(|d| d.start.as_str())
        .or(ev.published.as_deref())
}

impl Context<'_> {
    /// Every state the event involves: actors, its country, entities that
    /// belong to a state.
    fn states<'e>(&'e self, ev: &'e StoredEvent) -> impl Iterator<Item = &'e str> + 'e {
        ev.event
            .actors
            .iter()
            .chain(ev.event.entities.iter())
            .filter_map(|id| self.facts.country(id))
            .chain(ev.event.country.as_deref())
    }

    fn involves(&self, ev: &StoredEvent, state: &str) -> bool {
        self.states(ev).any(|s| s == state)
    }

    fn in_scope(&self, c: &Criteria, ev: &StoredEvent) -> bool {
        if c.countries.is_empty() || c.countries.iter().any(|s| self.involves(ev, s)) {
            return true;
        }
        // An event that names no third state, in a document about the
        // target, is about the target.
        c.countries.iter().any(|s| s == self.target)
            && self.about_target.contains(&ev.document_id)
            && self
                .states(ev)
                .all(|s| s == self.aggressor || s == self.target)
    }

    fn criteria_hold(&self, c: &Criteria, ev: &StoredEvent) -> bool {
        if !c.actors.is_empty()
            && !ev.event.actors.iter().any(|a| {
                c.actors.iter().any(|want| {
                    want == a || self.facts.country(a).is_some_and(|s| s == want.as_str())
                })
            })
        {
            return false;
        }
        if !self.in_scope(c, ev) {
            return false;
        }
        let places = || ev.event.place.iter().chain(ev.event.entities.iter());
        if !c.places.is_empty() && !places().any(|p| c.places.iter().any(|want| want == p)) {
            return false;
        }
        if let Some(area) = &c.area {
            let inside = places().any(|p| {
                self.facts.coords.get(p.as_str()).is_some_and(|&(lat, lon)| {
                    distance_km(area.lat, area.lon, lat, lon) <= area.radius_km
                })
            });
            if !inside {
                return false;
            }
        }
        if c.actor_member_of.is_some() || c.target_member_of.is_some() {
            let Some(day) = event_day(ev) else {
                return false;
            };
            if let Some(org) = &c.actor_member_of {
                if !ev
                    .event
                    .actors
                    .iter()
                    .any(|a| self.facts.member_on(org, a, day))
                {
                    return false;
                }
            }
            if let Some(org) = &c.target_member_of {
                if !self.facts.member_on(org, self.target, day) {
                    return false;
                }
            }
        }
        true
    }
}

/// Great-circle distance in kilometres.
fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Factual,
    Forecast,
    Negation,
}

fn class_of(m: Modality) -> Class {
    match m {
        Modality::Observed | Modality::Ongoing => Class::Factual,
        Modality::Projected | Modality::Hypothetical => Class::Forecast,
        Modality::Negated => Class::Negation,
    }
}

/// One matched event, reduced to what scoring needs.
struct Ev<'a> {
    index: usize,
    /// When the evidence was known: the event's date (forecasts: the
    /// document's date), else the document's, else `as_of`.
    known: &'a str,
    /// The independent source: the original of a near-duplicate.
    source: i64,
    document: i64,
    class: Class,
}

/// Running totals from which a status follows.
#[derive(Default)]
struct Tally<'a> {
    factual: HashSet<i64>,
    forecast: HashSet<i64>,
    last_factual: Option<(&'a str, i64)>,
    last_negation: Option<(&'a str, i64)>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, e: &Ev<'a>) {
        let key = Some((e.known, e.document));
        match e.class {
            Class::Factual => {
                self.factual.insert(e.source);
                self.last_factual = self.last_factual.max(key);
            }
            Class::Forecast => {
                self.forecast.insert(e.source);
            }
            Class::Negation => self.last_negation = self.last_negation.max(key),
        }
    }

    /// A negation reverses factual evidence only when it is known later
    /// (a later day, or the same day from a later document).
    fn status(&self) -> IndicatorStatus {
        if !self.factual.is_empty() {
            if self.last_negation > self.last_factual {
                IndicatorStatus::Reversed
            } else if self.factual.len() >= 2 {
                IndicatorStatus::Corroborated
            } else {
                IndicatorStatus::Reported
            }
        } else if !self.forecast.is_empty() {
            IndicatorStatus::Projected
        } else {
            IndicatorStatus::NotObserved
        }
    }

    fn sources(&self, status: IndicatorStatus) -> usize {
        match status {
            IndicatorStatus::Projected => self.forecast.len(),
            IndicatorStatus::NotObserved => 0,
            _ => self.factual.len(),
        }
    }
}

fn month_number(day: &str) -> Option<i64> {
    let y: i64 = day.get(0..4)?.parse().ok()?;
    let m: i64 = day.get(5..7)?.parse().ok()?;
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

fn month_label(n: i64) -> String {
    format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

const LIKELIHOOD: [(&str, &str); 7] = [
    ("almost no chance", "1-5%"),
    ("very unlikely", "5-20%"),
    ("unlikely", "20-45%"),
    ("roughly even chance", "45-55%"),
    ("likely", "55-80%"),
    ("very likely", "80-95%"),
    ("almost certain", "95-99%"),
];

/// The estimative judgement on an indicator, from its status, its number of
/// independent sources and how many months ago it was last seen (`None`:
/// undated). Rules (README "Assessment"): corroborated by 3 or more sources
/// is *almost certain*, by 2 *very likely*; reported *likely*; evidence last
/// seen more than 36 months ago (or undated) lowers that one step. Projected
/// is *roughly even chance* with 2 or more forecasting sources, else
/// *unlikely*; reversed is *unlikely* to stand. Confidence is high with 3 or
/// more sources seen within 12 months, moderate with 2 sources or one
/// recent source, else low. No evidence, no judgement.
pub fn judgement(
    statement: &str,
    status: IndicatorStatus,
    sources: usize,
    months_ago: Option<i64>,
) -> Option<Judgement> {
    let recent = months_ago.is_some_and(|m| m <= 12);
    let stale = months_ago.is_none_or(|m| m > 36);
    let (mut level, question) = match status {
        IndicatorStatus::NotObserved => return None,
        IndicatorStatus::Corroborated if sources >= 3 => (6, "has happened"),
        IndicatorStatus::Corroborated => (5, "has happened"),
        IndicatorStatus::Reported => (4, "has happened"),
        IndicatorStatus::Projected if sources >= 2 => (3, "will happen"),
        IndicatorStatus::Projected => (2, "will happen"),
        IndicatorStatus::Reversed => (2, "still holds"),
    };
    if stale && matches!(status, IndicatorStatus::Corroborated | IndicatorStatus::Reported) {
        level -= 1;
    }
    let confidence = if sources >= 3 && recent {
        "high"
    } else if sources >= 2 || (sources == 1 && recent) {
        "moderate"
    } else {
        "low"
    };
    let (likelihood, probability) = LIKELIHOOD[level];
    let seen = match months_ago {
        Some(m) => format!("last seen {m} month(s) before the assessment date"),
        None => "undated".to_string(),
    };
    let statement = statement.trim_end_matches('.');
    Some(Judgement {
        likelihood: likelihood.to_string(),
        probability: probability.to_string(),
        confidence: confidence.to_string(),
        text: format!(
            "It is {likelihood} ({probability}) that this {question}: {statement} ({confidence} confidence)."
        ),
        basis: format!(
            "{status}: {sources} independent source(s), {seen}",
            status = status_name(status)
        ),
    })
}

fn status_name(s: IndicatorStatus) -> &'static str {
    match s {
        IndicatorStatus::NotObserved => "not_observed",
        IndicatorStatus::Projected => "projected",
        IndicatorStatus::Reported => "reported",
        IndicatorStatus::Corroborated => "corroborated",
        IndicatorStatus::Reversed => "reversed",
    }
}

fn change_kind(from: IndicatorStatus, to: IndicatorStatus) -> Option<&'static str> {
    use IndicatorStatus::*;
    match (from, to) {
        (f, t) if f == t => None,
        (_, Reversed) => Some("reversed"),
        (NotObserved | Projected | Reversed, Reported | Corroborated) => Some("newly_observed"),
        (Reported, Corroborated) => Some("newly_corroborated"),
        (NotObserved, Projected) => Some("new_projection"),
        _ => None,
    }
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// Assesses a campaign: matches `events` to the pack's indicators, scores
/// them, builds the monthly indices and lists the changes against
/// `options.baseline`. Pure: no clock, no database.
pub fn assess(
    pack: &Pack,
    events: &[StoredEvent],
    facts: &Facts<'_>,
    options: &AssessOptions,
) -> Assessment {
    let as_of = options.as_of.as_str();
    // What each document is about.
    let mut per_doc: HashMap<i64, (u32, u32)> = HashMap::new();
    let mut probe = Context {
        facts,
        aggressor: &pack.aggressor,
        target: &pack.target,
        about_target: HashSet::new(),
    };
    for ev in events {
        let mut states = probe.states(ev).peekable();
        if states.peek().is_some() {
            let hit = states.any(|s| s == pack.target);
            let slot = per_doc.entry(ev.document_id).or_default();
            slot.0 += 1;
            slot.1 += u32::from(hit);
        }
    }
    probe.about_target = per_doc
        .into_iter()
        .filter(|(_, (named, target))| *target > 0 && *target * 5 >= *named)
        .map(|(doc, _)| doc)
        .collect();
    let ctx = probe;

    // Match, in parallel chunks.
    let matcher = Matcher::new(pack);
    let pairs: Vec<(u32, u32)> = events
        .par_chunks(16 * 1024)
        .enumerate()
        .flat_map_iter(|(chunk, evs)| {
            let mut out = Vec::new();
            let mut hits = Vec::new();
            for (k, ev) in evs.iter().enumerate() {
                hits.clear();
                matcher.matches(ev, &ctx, &mut hits);
                let index = (chunk * 16 * 1024 + k) as u32;
                out.extend(hits.iter().map(|&i| (i, index)));
            }
            out
        })
        .collect();
    let mut matched: Vec<Vec<usize>> = vec![Vec::new(); pack.indicators.len()];
    for (i, e) in pairs {
        matched[i as usize].push(e as usize);
    }

    // Reduce each indicator's evidence, oldest known first.
    let evidence: Vec<Vec<Ev<'_>>> = matched
        .iter()
        .map(|list| {
            let mut v: Vec<Ev<'_>> = list
                .iter()
                .map(|&index| {
                    let ev = &events[index];
                    let class = class_of(ev.event.modality);
                    let date = ev.event.date.as_ref().map(|d| d.start.as_str());
                    let known = match class {
                        Class::Forecast => ev
                            .published
                            .as_deref()
                            .or(date.filter(|d| *d <= as_of))
                            .unwrap_or(as_of),
                        _ => date.or(ev.published.as_deref()).unwrap_or(as_of),
                    };
                    Ev {
                        index,
                        known,
                        source: ev.duplicate_of.unwrap_or(ev.document_id),
                        document: ev.document_id,
                        class,
                    }
                })
                .collect();
            v.sort_by(|a, b| (a.known, a.document, a.index).cmp(&(b.known, b.document, b.index)));
            v
        })
        .collect();

    // The months of the indices.
    let end_month = evidence
        .iter()
        .flatten()
        .filter_map(|e| month_number(e.known))
        .chain(month_number(as_of))
        .max()
        .unwrap_or(0);
    let start_month = evidence
        .iter()
        .flatten()
        .filter_map(|e| month_number(e.known))
        .min()
        .unwrap_or(end_month)
        .min(end_month);
    let months = (end_month - start_month + 1).max(1) as usize;

    let as_of_month = month_number(as_of);

    let mut indicators = Vec::with_capacity(pack.indicators.len());
    let mut series: Vec<Vec<f64>> = Vec::with_capacity(pack.indicators.len());
    let mut changes = Vec::new();
    for (ind, evs) in pack.indicators.iter().zip(&evidence) {
        // Status month by month, and before the baseline date.
        let mut tally = Tally::default();
        let mut scores = Vec::with_capacity(months);
        let mut next = 0;
        for m in 0..months {
            let month = start_month + m as i64;
            while next < evs.len() && month_number(evs[next].known).is_none_or(|n| n <= month) {
                tally.add(&evs[next]);
                next += 1;
            }
            scores.push(status_score(tally.status()));
        }
        while next < evs.len() {
            tally.add(&evs[next]);
            next += 1;
        }
        let status = tally.status();
        let sources = tally.sources(status);
        series.push(scores);

        let before = match &options.baseline {
            Baseline::FirstRun => IndicatorStatus::NotObserved,
            Baseline::Date(d) => {
                let mut earlier = Tally::default();
                for e in evs.iter().take_while(|e| e.known < d.as_str()) {
                    earlier.add(e);
                }
                earlier.status()
            }
            Baseline::Run { statuses, .. } => statuses
                .get(&ind.id)
                .copied()
                .unwrap_or(IndicatorStatus::NotObserved),
        };

        let dates: Vec<&str> = evs
            .iter()
            .filter_map(|e| {
                let ev = &events[e.index];
                ev.event
                    .date
                    .as_ref()
                    .map(|d| d.start.as_str())
                    .or(ev.published.as_deref())
            })
            .collect();
        let first_seen = dates.iter().min().map(|d| d.to_string());
        let last_seen = dates.iter().max().map(|d| d.to_string());
        let supporting_last = evs
            .iter()
            .filter(|e| match status {
                IndicatorStatus::Projected => e.class == Class::Forecast,
                _ => e.class == Class::Factual,
            })
            .filter(|e| e.known != as_of || event_day(&events[e.index]).is_some())
            .map(|e| e.known)
            .max();
        let months_ago = supporting_last
            .and_then(month_number)
            .zip(as_of_month)
            .map(|(seen, now)| (now - seen).max(0));

        let mut modalities: BTreeMap<String, usize> = BTreeMap::new();
        for e in evs {
            *modalities
                .entry(events[e.index].event.modality.as_str().to_string())
                .or_default() += 1;
        }
        let keep = evs.len().saturating_sub(options.max_evidence);
        let items = evs[keep..]
            .iter()
            .map(|e| {
                let ev = &events[e.index];
                EvidenceItem {
                    document: ev.document_id,
                    source: ev.source.clone(),
                    title: ev.title.clone(),
                    date: ev
                        .event
                        .date
                        .as_ref()
                        .map(|d| d.start.clone())
                        .or_else(|| ev.published.clone()),
                    modality: ev.event.modality,
                    quote: ev.event.evidence.text.clone(),
                    event: ev.id,
                    event_type: ev.event.event_type.as_str().to_string(),
                    place: ev.event.place.clone(),
                    lat: None,
                    lon: None,
                }
            })
            .map(|mut item| {
                if let Some(&(lat, lon)) = item
                    .place
                    .as_deref()
                    .and_then(|p| facts.coords.get(p))
                {
                    item.lat = Some(lat);
                    item.lon = Some(lon);
                }
                item
            })
            .collect();

        if let Some(kind) = change_kind(before, status) {
            let seen = last_seen.as_deref().unwrap_or("undated");
            changes.push(Change {
                indicator: ind.id.clone(),
                kind: kind.to_string(),
                from: before,
                to: status,
                summary: format!(
                    "{}: {} -> {} ({} independent source(s), last seen {seen}): {}",
                    ind.id,
                    status_name(before),
                    status_name(status),
                    sources,
                    ind.statement
                ),
            });
        }
        indicators.push(IndicatorAssessment {
            id: ind.id.clone(),
            domain: ind.domain,
            statement: ind.statement.clone(),
            weight: ind.weight,
            status,
            score: status_score(status),
            sources,
            first_seen,
            last_seen,
            modalities,
            evidence: items,
            objective: ind.objective.clone(),
            evidence_total: evs.len(),
            judgement: judgement(&ind.statement, status, sources, months_ago),
        });
    }

    // Indices.
    let mut indices: BTreeMap<String, Vec<IndexPoint>> = BTreeMap::new();
    let domains = pack.domains();
    let mut domain_values: Vec<(Domain, Vec<f64>)> = Vec::new();
    for d in &domains {
        let members: Vec<usize> = (0..pack.indicators.len())
            .filter(|&i| pack.indicators[i].domain == *d)
            .collect();
        let total: f64 = members.iter().map(|&i| pack.indicators[i].weight).sum();
        let values: Vec<f64> = (0..months)
            .map(|m| {
                members
                    .iter()
                    .map(|&i| pack.indicators[i].weight * series[i][m])
                    .sum::<f64>()
                    / total
            })
            .collect();
        domain_values.push((*d, values));
    }
    let weight_total: f64 = domains.iter().map(|d| pack.domain_weights[d]).sum();
    let overall: Vec<f64> = (0..months)
        .map(|m| {
            domain_values
                .iter()
                .map(|(d, v)| pack.domain_weights[d] * v[m])
                .sum::<f64>()
                / weight_total
        })
        .collect();
    let points = |values: &[f64]| {
        values
            .iter()
            .enumerate()
            .map(|(m, v)| IndexPoint {
                month: month_label(start_month + m as i64),
                value: round4(*v),
            })
            .collect::<Vec<_>>()
    };
    for (d, values) in &domain_values {
        indices.insert(d.as_str().to_string(), points(values));
    }
    indices.insert("overall".to_string(), points(&overall));

    Assessment {
        campaign: pack.name.clone(),
        title: pack.title.clone(),
        aggressor: pack.aggressor.clone(),
        target: pack.target.clone(),
        generated_at: options.generated_at.clone(),
        indicators,
        indices,
        formula: FORMULA.to_string(),
        changes,
        as_of: Some(options.as_of.clone()),
        changes_since: Some(match &options.baseline {
            Baseline::FirstRun => "first run".to_string(),
            Baseline::Date(d) => d.clone(),
            Baseline::Run { label, .. } => label.clone(),
        }),
    }
}
