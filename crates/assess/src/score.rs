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
    parent_of: HashMap<&'a str, &'a str>,
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
        let mut parent_of = HashMap::new();
        for e in catalogue.entities() {
            if let Some(p) = e.parent.as_deref() {
                parent_of.insert(e.id.as_str(), p);
            }
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
            parent_of,
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
                    ev.event.entities.iter().any(|x| x == e)
                        || ev.event.actors.iter().any(|x| x == e)
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
    /// The assessment day, the date of undated events for membership.
    as_of: &'a str,
    /// The pack's scope entities.
    scope: HashSet<&'a str>,
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
        if !c.countries.iter().any(|s| s == self.target) {
            return false;
        }
        // A campaign's own entities (and their bodies) tie it to the target.
        let own = |id: &String| {
            self.scope.contains(id.as_str())
                || self
                    .facts
                    .parent_of
                    .get(id.as_str())
                    .is_some_and(|p| self.scope.contains(p))
        };
        if ev
            .event
            .actors
            .iter()
            .chain(ev.event.entities.iter())
            .any(own)
        {
            return true;
        }
        // An event that names no third state, in a document about the
        // target, is about the target.
        self.about_target.contains(&ev.document_id)
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
                self.facts
                    .coords
                    .get(p.as_str())
                    .is_some_and(|&(lat, lon)| {
                        distance_km(area.lat, area.lon, lat, lon) <= area.radius_km
                    })
            });
            if !inside {
                return false;
            }
        }
        if c.actor_member_of.is_some() || c.target_member_of.is_some() {
            let day = event_day(ev).unwrap_or(self.as_of);
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
    if stale
        && matches!(
            status,
            IndicatorStatus::Corroborated | IndicatorStatus::Reported
        )
    {
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
        as_of,
        scope: pack.scope_entities.iter().map(String::as_str).collect(),
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
                if let Some(&(lat, lon)) = item.place.as_deref().and_then(|p| facts.coords.get(p)) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use watchfloor_model::{DateSpan, EventRecord, Evidence, TimePrecision};

    const CATALOGUE: &str = r#"
[[entity]]
id = "RUS"
kind = "country"
name = "Russia"
[[entity]]
id = "BLR"
kind = "country"
name = "Belarus"
[[entity]]
id = "ARM"
kind = "country"
name = "Armenia"
[[entity]]
id = "POL"
kind = "country"
name = "Poland"
[[entity]]
id = "wpn:ISKANDER"
kind = "weapon"
name = "Iskander"
[[entity]]
id = "site:BASE"
kind = "site"
name = "A base"
country = "BLR"
lat = 53.0
lon = 27.0
[[entity]]
id = "org:CSTO"
kind = "organization"
name = "CSTO"
[[entity.membership]]
member = "ARM"
status = "member"
from = "1992-05-15"
to = "2024-02-22"
[[entity.membership]]
member = "ARM"
status = "suspended"
from = "2024-02-22"
"#;

    fn catalogue() -> Catalogue {
        Catalogue::from_files([("t.toml", CATALOGUE)]).expect("catalogue")
    }

    const PACK: &str = r#"
[campaign]
name = "t"
title = "T"
aggressor = "RUS"
target = "BLR"
[weights]
political = 3
[[indicator]]
id = "ISK"
domain = "military"
statement = "Iskander deployed"
weight = 3
types = ["deployment"]
entities = ["wpn:ISKANDER"]
keywords = ["iskander"]
exclude = ["exercise only"]
[[indicator]]
id = "AIR"
domain = "military"
statement = "Air defence unified"
weight = 1
types = ["air_defence_integration"]
[[indicator]]
id = "LAW"
domain = "political"
statement = "Law harmonised"
types = ["law_harmonisation"]
[[indicator]]
id = "CSTO"
domain = "international"
statement = "Legitimised via the CSTO while Armenia is a member"
types = ["legitimisation"]
countries = []
actor_member_of = "org:CSTO"
[[indicator]]
id = "NEAR"
domain = "international"
statement = "Something near the base"
types = ["basing"]
area = { lat = 53.1, lon = 27.1, radius_km = 50 }
"#;

    fn pack() -> Pack {
        Pack::parse("t.toml", PACK, Some(&catalogue())).expect("pack")
    }

    #[allow(clippy::too_many_arguments)]
    fn ev(
        id: i64,
        doc: i64,
        dup: Option<i64>,
        t: EventType,
        modality: Modality,
        date: Option<&str>,
        actors: &[&str],
        entities: &[&str],
        text: &str,
    ) -> StoredEvent {
        StoredEvent {
            id,
            document_id: doc,
            source: format!("doc{doc}.txt"),
            title: None,
            published: None,
            duplicate_of: dup,
            event: EventRecord {
                event_type: t,
                domain: t.domain(),
                modality,
                date: date.map(|d| DateSpan {
                    start: d.into(),
                    end: d.into(),
                    precision: TimePrecision::Day,
                }),
                actors: actors.iter().map(|s| s.to_string()).collect(),
                entities: entities.iter().map(|s| s.to_string()).collect(),
                place: None,
                country: Some("BLR".into()),
                confidence: 0.8,
                evidence: Evidence {
                    start: 0,
                    end: text.chars().count(),
                    text: text.into(),
                },
                cues: Vec::new(),
            },
        }
    }

    fn run(events: &[StoredEvent], baseline: Baseline) -> Assessment {
        let c = catalogue();
        let facts = Facts::new(&c);
        let mut o = AssessOptions::new("2025-06-15");
        o.baseline = baseline;
        assess(&pack(), events, &facts, &o)
    }

    fn get<'a>(a: &'a Assessment, id: &str) -> &'a IndicatorAssessment {
        a.indicators.iter().find(|i| i.id == id).expect("indicator")
    }

    use EventType::*;
    use Modality::*;

    #[test]
    fn each_status_follows_from_the_evidence() {
        let iskander = "Russia deployed Iskander systems to Belarus.";
        // Nothing.
        let a = run(&[], Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::NotObserved);
        assert!(get(&a, "ISK").judgement.is_none());
        // Only a forecast.
        let projected = vec![ev(
            1,
            1,
            None,
            Deployment,
            Projected,
            None,
            &["RUS"],
            &[],
            iskander,
        )];
        let a = run(&projected, Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::Projected);
        assert_eq!(get(&a, "ISK").score, 0.25);
        // One source.
        let mut evs = projected.clone();
        evs.push(ev(
            2,
            2,
            None,
            Deployment,
            Observed,
            Some("2024-01-10"),
            &["RUS"],
            &["wpn:ISKANDER"],
            "Systems arrived.",
        ));
        let a = run(&evs, Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::Reported);
        assert_eq!(get(&a, "ISK").sources, 1);
        // A second independent source.
        evs.push(ev(
            3,
            3,
            None,
            Deployment,
            Ongoing,
            Some("2024-03-01"),
            &[],
            &[],
            iskander,
        ));
        let a = run(&evs, Baseline::FirstRun);
        let isk = get(&a, "ISK");
        assert_eq!(isk.status, IndicatorStatus::Corroborated);
        assert_eq!(isk.sources, 2);
        assert_eq!(isk.first_seen.as_deref(), Some("2024-01-10"));
        assert_eq!(isk.last_seen.as_deref(), Some("2024-03-01"));
        assert_eq!(isk.modalities.get("projected"), Some(&1));
        assert_eq!(isk.evidence_total, 3);
        // A later negation reverses it.
        evs.push(ev(
            4,
            4,
            None,
            Deployment,
            Negated,
            Some("2024-09-01"),
            &["RUS"],
            &[],
            "Iskander systems were not deployed after all.",
        ));
        let a = run(&evs, Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::Reversed);
        assert_eq!(get(&a, "ISK").score, 0.0);
    }

    #[test]
    fn an_earlier_negation_does_not_reverse_later_evidence() {
        let evs = vec![
            ev(
                1,
                1,
                None,
                Deployment,
                Negated,
                Some("2023-01-01"),
                &["RUS"],
                &[],
                "No Iskander in Belarus.",
            ),
            ev(
                2,
                2,
                None,
                Deployment,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &[],
                "Iskander arrived in Belarus.",
            ),
        ];
        let a = run(&evs, Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::Reported);
    }

    #[test]
    fn near_duplicates_and_one_documents_events_count_once() {
        let t = "Iskander units moved to Belarus.";
        let evs = vec![
            ev(
                1,
                10,
                None,
                Deployment,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &[],
                t,
            ),
            ev(
                2,
                10,
                None,
                Deployment,
                Observed,
                Some("2024-01-02"),
                &["RUS"],
                &[],
                t,
            ),
            ev(
                3,
                11,
                Some(10),
                Deployment,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &[],
                t,
            ),
            ev(
                4,
                12,
                Some(10),
                Deployment,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &[],
                t,
            ),
        ];
        let a = run(&evs, Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").sources, 1);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::Reported);
        let mut more = evs.clone();
        more.push(ev(
            5,
            13,
            None,
            Deployment,
            Observed,
            Some("2024-02-01"),
            &["RUS"],
            &[],
            t,
        ));
        let a = run(&more, Baseline::FirstRun);
        assert_eq!(get(&a, "ISK").sources, 2);
        assert_eq!(get(&a, "ISK").status, IndicatorStatus::Corroborated);
    }

    #[test]
    fn criteria_select_by_type_entity_keyword_exclusion_and_scope() {
        let evs = vec![
            // Right type, neither entity nor keyword.
            ev(
                1,
                1,
                None,
                Deployment,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &[],
                "Tanks moved to Belarus.",
            ),
            // Keyword, but excluded.
            ev(
                2,
                2,
                None,
                Deployment,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &[],
                "Iskander drill, exercise only.",
            ),
            // Entity, but about Poland, not the target.
            {
                let mut e = ev(
                    3,
                    3,
                    None,
                    Deployment,
                    Observed,
                    Some("2024-01-01"),
                    &["RUS"],
                    &["wpn:ISKANDER"],
                    "Missiles near Poland.",
                );
                e.event.country = Some("POL".into());
                e
            },
            // Wrong type.
            ev(
                4,
                4,
                None,
                Exercise,
                Observed,
                Some("2024-01-01"),
                &["RUS"],
                &["wpn:ISKANDER"],
                "Iskander exercise.",
            ),
        ];
        let a = run(&evs, Baseline::FirstRun);
        assert_eq!(
            get(&a, "ISK").evidence_total,
            0,
            "{:?}",
            get(&a, "ISK").evidence
        );
        // An event naming no state, in a document about the target, is in scope.
        let mut e = ev(
            5,
            5,
            None,
            AirDefenceIntegration,
            Observed,
            Some("2024-01-01"),
            &[],
            &[],
            "Air defence unified.",
        );
        e.event.country = None;
        let ctx = ev(
            6,
            5,
            None,
            LawHarmonisation,
            Observed,
            Some("2024-01-01"),
            &["BLR"],
            &[],
            "Belarus aligned its laws.",
        );
        let a = run(&[e.clone(), ctx], Baseline::FirstRun);
        assert_eq!(get(&a, "AIR").status, IndicatorStatus::Reported);
        let a = run(&[e], Baseline::FirstRun);
        assert_eq!(
            get(&a, "AIR").status,
            IndicatorStatus::NotObserved,
            "no context, no scope"
        );
    }

    #[test]
    fn membership_is_evaluated_on_the_events_date() {
        let before = ev(
            1,
            1,
            None,
            Legitimisation,
            Observed,
            Some("2023-05-01"),
            &["ARM"],
            &[],
            "Armenia backs it in the CSTO.",
        );
        let after = ev(
            2,
            2,
            None,
            Legitimisation,
            Observed,
            Some("2024-05-01"),
            &["ARM"],
            &[],
            "Armenia backs it in the CSTO.",
        );
        assert_eq!(
            get(&run(&[before], Baseline::FirstRun), "CSTO").status,
            IndicatorStatus::Reported
        );
        assert_eq!(
            get(&run(&[after], Baseline::FirstRun), "CSTO").status,
            IndicatorStatus::NotObserved
        );
    }

    #[test]
    fn areas_use_site_coordinates() {
        let near = ev(
            1,
            1,
            None,
            Basing,
            Observed,
            Some("2024-01-01"),
            &["RUS"],
            &["site:BASE"],
            "Russian jets at the base.",
        );
        let mut far = near.clone();
        far.event.entities.clear();
        assert_eq!(
            get(&run(&[near], Baseline::FirstRun), "NEAR").status,
            IndicatorStatus::Reported
        );
        assert_eq!(
            get(&run(&[far], Baseline::FirstRun), "NEAR").status,
            IndicatorStatus::NotObserved
        );
    }

    #[test]
    fn indices_are_weighted_means_month_by_month() {
        let evs = vec![
            ev(
                1,
                1,
                None,
                Deployment,
                Observed,
                Some("2024-01-05"),
                &["RUS"],
                &[],
                "Iskander in Belarus.",
            ),
            ev(
                2,
                2,
                None,
                AirDefenceIntegration,
                Observed,
                Some("2024-03-05"),
                &["RUS", "BLR"],
                &[],
                "Air defence unified.",
            ),
            ev(
                3,
                3,
                None,
                AirDefenceIntegration,
                Observed,
                Some("2024-03-20"),
                &["RUS", "BLR"],
                &[],
                "Air defence unified.",
            ),
        ];
        let a = run(&evs, Baseline::FirstRun);
        let mil = &a.indices["military"];
        assert_eq!(mil.first().map(|p| p.month.as_str()), Some("2024-01"));
        assert_eq!(mil.last().map(|p| p.month.as_str()), Some("2025-06"));
        // January: ISK reported (0.6, weight 3), AIR nothing (weight 1).
        assert_eq!(mil[0].value, round4(3.0 * 0.6 / 4.0));
        assert_eq!(mil[1].value, mil[0].value, "February: nothing new");
        // March: AIR corroborated.
        assert_eq!(mil[2].value, round4((3.0 * 0.6 + 1.0) / 4.0));
        // Overall: military (weight 1), political (weight 3, 0), international (weight 1, 0).
        let overall = &a.indices["overall"];
        assert_eq!(overall[2].value, round4((3.0 * 0.6 + 1.0) / 4.0 / 5.0));
        assert!(a.formula.contains("sum(w_i * s_i(m))"));
    }

    #[test]
    fn changes_against_a_previous_run_and_a_date() {
        let evs = vec![
            ev(
                1,
                1,
                None,
                Deployment,
                Observed,
                Some("2024-01-05"),
                &["RUS"],
                &[],
                "Iskander in Belarus.",
            ),
            ev(
                2,
                2,
                None,
                Deployment,
                Observed,
                Some("2025-01-05"),
                &["RUS"],
                &[],
                "Iskander in Belarus.",
            ),
            ev(
                3,
                3,
                None,
                LawHarmonisation,
                Projected,
                Some("2025-02-01"),
                &["BLR"],
                &[],
                "Belarus will align laws.",
            ),
            ev(
                4,
                4,
                None,
                AirDefenceIntegration,
                Observed,
                Some("2023-01-01"),
                &["RUS", "BLR"],
                &[],
                "Unified air defence.",
            ),
            ev(
                5,
                5,
                None,
                AirDefenceIntegration,
                Negated,
                Some("2025-03-01"),
                &["RUS", "BLR"],
                &[],
                "No unified air defence.",
            ),
        ];
        let statuses: BTreeMap<String, IndicatorStatus> = [
            ("ISK".to_string(), IndicatorStatus::Reported),
            ("AIR".to_string(), IndicatorStatus::Reported),
        ]
        .into();
        let a = run(
            &evs,
            Baseline::Run {
                label: "run 1".into(),
                statuses,
            },
        );
        let kinds: BTreeMap<&str, &str> = a
            .changes
            .iter()
            .map(|c| (c.indicator.as_str(), c.kind.as_str()))
            .collect();
        assert_eq!(kinds.get("ISK"), Some(&"newly_corroborated"));
        assert_eq!(kinds.get("LAW"), Some(&"new_projection"));
        assert_eq!(kinds.get("AIR"), Some(&"reversed"));
        assert_eq!(a.changes_since.as_deref(), Some("run 1"));
        // Since a date: ISK was reported before 2025, corroborated now.
        let a = run(&evs, Baseline::Date("2024-06-01".into()));
        let isk = a
            .changes
            .iter()
            .find(|c| c.indicator == "ISK")
            .expect("ISK changed");
        assert_eq!(
            (isk.from, isk.to),
            (IndicatorStatus::Reported, IndicatorStatus::Corroborated)
        );
        // Nothing new since a late date.
        let a = run(&evs, Baseline::Date("2025-06-01".into()));
        assert!(a.changes.is_empty(), "{:?}", a.changes);
        // The same statuses as before: no changes.
        let same: BTreeMap<String, IndicatorStatus> = run(&evs, Baseline::FirstRun)
            .indicators
            .iter()
            .map(|i| (i.id.clone(), i.status))
            .collect();
        assert!(run(
            &evs,
            Baseline::Run {
                label: "r".into(),
                statuses: same
            }
        )
        .changes
        .is_empty());
    }

    #[test]
    fn judgements_follow_corroboration_and_recency() {
        let j = judgement("X", IndicatorStatus::Corroborated, 3, Some(2)).expect("judged");
        assert_eq!(
            (j.likelihood.as_str(), j.confidence.as_str()),
            ("almost certain", "high")
        );
        let j = judgement("X", IndicatorStatus::Corroborated, 2, Some(40)).expect("judged");
        assert_eq!(
            (j.likelihood.as_str(), j.confidence.as_str()),
            ("likely", "moderate")
        );
        let j = judgement("X", IndicatorStatus::Reported, 1, Some(3)).expect("judged");
        assert_eq!(
            (
                j.likelihood.as_str(),
                j.probability.as_str(),
                j.confidence.as_str()
            ),
            ("likely", "55-80%", "moderate")
        );
        let j = judgement("X", IndicatorStatus::Reported, 1, None).expect("judged");
        assert_eq!(
            (j.likelihood.as_str(), j.confidence.as_str()),
            ("roughly even chance", "low")
        );
        let j = judgement("X", IndicatorStatus::Projected, 1, None).expect("judged");
        assert_eq!(j.likelihood, "unlikely");
        assert!(judgement("X", IndicatorStatus::NotObserved, 0, None).is_none());
    }

    #[test]
    fn builtin_packs_are_valid_against_the_real_catalogue() {
        let k = watchfloor_extract::Knowledge::embedded().expect("knowledge");
        let packs = crate::builtin_packs(Some(&k.catalogue)).expect("valid packs");
        assert!(packs.len() >= 2, "russia-belarus and a second target");
        let names: Vec<_> = packs.iter().map(|p| p.name.as_str()).collect();
        assert!(names.contains(&"russia-belarus"), "{names:?}");
        let rb = packs
            .iter()
            .find(|p| p.name == "russia-belarus")
            .expect("pack");
        let programme_areas = rb
            .indicators
            .iter()
            .filter(|i| i.id.starts_with("PRG-"))
            .count();
        assert_eq!(programme_areas, 10, "areas a-j of the 28 union programmes");
        assert_eq!(rb.domains().len(), 5);
        assert!(packs.iter().any(|p| p.target != "BLR"));
        // The template is compiled in, valid, and not listed.
        let template = crate::builtin_pack_files()
            .iter()
            .find(|(n, _)| n.starts_with('_'))
            .expect("a template");
        Pack::parse(template.0, template.1, Some(&k.catalogue)).expect("template is valid");
        assert!(!names.iter().any(|n| n.contains("template")));
    }
}
