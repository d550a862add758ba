//! The report's content, built once from an [`Assessment`] and drawn by
//! both renderers: key takeaways, one section per domain (achievements and
//! next steps apart), the indicator board, implications, figures and
//! numbered footnotes that quote the sources.

use std::collections::{BTreeMap, BTreeSet};

use watchfloor_model::{
    Assessment, Domain, EvidenceItem, IndicatorAssessment, IndicatorStatus, Modality,
};

use crate::basemap::Basemap;
use crate::judge::{self, Judgement, Likelihood};
use crate::{map, timeline};

/// What the caller knows beyond the assessment itself.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// The report date (`YYYY-MM-DD`); default: the assessment's date.
    pub today: Option<String>,
    /// `--since`: the date changes are counted from.
    pub since: Option<String>,
    /// Country (alpha-3) of each stored event, by event ID: events without
    /// coordinates are drawn at their country's capital.
    pub event_countries: BTreeMap<i64, String>,
    /// Publication date of each document, by document ID.
    pub published: BTreeMap<i64, Option<String>>,
    /// English names of places by place ID (`geo:625144` → Minsk), for the
    /// map's labels.
    pub place_names: BTreeMap<String, String>,
    /// Reference places drawn on the map for orientation (national
    /// capitals): name, latitude, longitude.
    pub capitals: Vec<(String, f64, f64)>,
}

/// A piece of running text. Renderers escape every `Text`, `Strong`, `Em`
/// and `Quote`; only the renderer itself writes markup.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Bold text.
    Strong(String),
    /// Emphasised text (used for estimative words).
    Em(String),
    /// A source sentence, quoted.
    Quote(String),
    /// A reference to footnote `n`.
    Cite(usize),
}

/// One key judgement.
#[derive(Debug, Clone, PartialEq)]
pub struct Takeaway {
    /// The judgement in words, with its citations.
    pub text: Vec<Span>,
    /// Its likelihood and confidence.
    pub judgement: Judgement,
}

/// One sentence of evidence shown under an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceLine {
    /// Event date (or document date).
    pub date: Option<String>,
    /// How the source holds it.
    pub modality: Modality,
    /// Event type.
    pub event_type: String,
    /// The sentence, shortened for the body (the footnote has it whole).
    pub excerpt: String,
    /// Its footnote.
    pub footnote: usize,
}

/// An indicator under a domain heading.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorEntry {
    /// Indicator ID.
    pub id: String,
    /// Plain-language statement.
    pub statement: String,
    /// Status.
    pub status: IndicatorStatus,
    /// What the evidence supports.
    pub judgement: Option<Judgement>,
    /// The evidence in this subsection.
    pub evidence: Vec<EvidenceLine>,
}

/// One domain's section.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainSection {
    /// The domain.
    pub domain: Domain,
    /// One-line summary with counts.
    pub summary: String,
    /// Observed and ongoing evidence.
    pub achievements: Vec<IndicatorEntry>,
    /// Projected and hypothetical evidence.
    pub next_steps: Vec<IndicatorEntry>,
    /// Negated evidence.
    pub contrary: Vec<IndicatorEntry>,
}

/// A row of the indicator board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    /// Indicator ID.
    pub id: String,
    /// Domain.
    pub domain: Domain,
    /// Statement.
    pub statement: String,
    /// Status.
    pub status: IndicatorStatus,
    /// Judgement, if any evidence.
    pub judgement: Option<Judgement>,
    /// Independent sources.
    pub sources: usize,
    /// First and last evidence dates.
    pub seen: (Option<String>, Option<String>),
    /// Score 0..1.
    pub score: f64,
}

/// A paragraph of the implications, with an optional list under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Implication {
    /// The paragraph.
    pub text: Vec<Span>,
    /// Its list items, if any.
    pub items: Vec<Vec<Span>>,
}

/// A numbered source quotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    /// Its number (1-based).
    pub number: usize,
    /// The source sentence, exactly as stored.
    pub quote: String,
    /// Stored document ID.
    pub document: i64,
    /// Document title.
    pub title: Option<String>,
    /// Source path or URL.
    pub source: String,
    /// Publication date of the document, if known.
    pub date: Option<String>,
}

/// A drawn figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Inline SVG (all text escaped).
    pub svg: String,
    /// Caption.
    pub caption: String,
    /// Notes under the figure (fallbacks, what is not drawn).
    pub notes: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Title.
    pub title: String,
    /// Campaign pack name.
    pub campaign: String,
    /// Aggressor's name.
    pub aggressor: String,
    /// Target's name.
    pub target: String,
    /// Report date.
    pub date: String,
    /// When the assessment was made.
    pub generated_at: String,
    /// Key takeaways (three to six when the evidence allows).
    pub takeaways: Vec<Takeaway>,
    /// Sections by domain.
    pub domains: Vec<DomainSection>,
    /// Indicator board.
    pub board: Vec<BoardRow>,
    /// Implications.
    pub implications: Vec<Implication>,
    /// Map of the evidence.
    pub map: Figure,
    /// Evidence over time.
    pub timeline: Figure,
    /// How the judgements were made.
    pub method: Vec<String>,
    /// Footnotes in number order.
    pub footnotes: Vec<Footnote>,
    /// Data attribution lines.
    pub attribution: Vec<String>,
}

/// Attribution the report must carry for its data.
pub const ATTRIBUTION: &[&str] = &[
    "Place data contains data from GeoNames (geonames.org), licensed CC BY 4.0.",
    "Country outlines made with Natural Earth. Free vector and raster map data @ naturalearthdata.com (public domain); Crimea drawn as part of Ukraine.",
];

/// "2021-01-01 – 2025-03-04", one date when both are equal, "—" for none.
pub fn seen_range(seen: &(Option<String>, Option<String>)) -> String {
    match seen {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.clone(),
        (None, None) => "—".to_string(),
    }
}

/// Capitalised first letter.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Domain name as a heading ("Military").
pub fn domain_title(d: Domain) -> String {
    capitalise(d.as_str())
}

fn observed(status: IndicatorStatus) -> bool {
    matches!(
        status,
        IndicatorStatus::Reported | IndicatorStatus::Corroborated
    )
}

struct Notes<'a> {
    ctx: &'a ReportContext,
    keys: BTreeMap<(i64, String), usize>,
    list: Vec<Footnote>,
}

impl Notes<'_> {
    fn cite(&mut self, e: &EvidenceItem) -> usize {
        let key = (e.document, e.quote.clone());
        if let Some(&n) = self.keys.get(&key) {
            return n;
        }
        let n = self.list.len() + 1;
        let title = e.title.clone().or_else(|| {
            // An untitled document is named by its file or URL's last part.
            e.source
                .trim_end_matches('/')
                .rsplit(['/', '\\'])
                .next()
                .filter(|n| !n.is_empty())
                .map(String::from)
        });
        self.list.push(Footnote {
            number: n,
            quote: e.quote.clone(),
            document: e.document,
            title,
            source: e.source.clone(),
            date: self.ctx.published.get(&e.document).cloned().flatten(),
        });
        self.keys.insert(key, n);
        n
    }
}

fn best_judgement<'a>(
    inds: impl Iterator<Item = &'a IndicatorAssessment>,
    today: &str,
) -> Option<Judgement> {
    inds.filter_map(|i| judge::indicator(i, today))
        .max_by_key(|j| (j.likelihood, j.confidence))
}

fn list_statements(
    out: &mut Vec<Span>,
    inds: &[&IndicatorAssessment],
    wanted: impl Fn(&EvidenceItem) -> bool,
    notes: &mut Notes<'_>,
) {
    const SHOWN: usize = 3;
    for (k, ind) in inds.iter().take(SHOWN).enumerate() {
        if k > 0 {
            out.push(Span::Text("; ".into()));
        }
        out.push(Span::Text(ind.statement.trim_end_matches('.').to_string()));
        if let Some(e) = ind.evidence.iter().find(|e| wanted(e)) {
            out.push(Span::Cite(notes.cite(e)));
        }
    }
    if inds.len() > SHOWN {
        out.push(Span::Text(format!("; and {} more", inds.len() - SHOWN)));
    }
    out.push(Span::Text(".".into()));
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn ranked(
    a: &Assessment,
    keep: impl Fn(&IndicatorAssessment) -> bool,
) -> Vec<&IndicatorAssessment> {
    let mut v: Vec<&IndicatorAssessment> = a.indicators.iter().filter(|i| keep(i)).collect();
    v.sort_by(|x, y| {
        (y.score * y.weight)
            .total_cmp(&(x.score * x.weight))
            .then(y.sources.cmp(&x.sources))
            .then(x.id.cmp(&y.id))
    });
    v
}

/// Splits indicators into those whose judgement equals `best` and the rest.
fn split_by_judgement<'a>(
    inds: &[&'a IndicatorAssessment],
    best: &Judgement,
    today: &str,
) -> (Vec<&'a IndicatorAssessment>, Vec<&'a IndicatorAssessment>) {
    inds.iter().partition(|i| {
        judge::indicator(i, today).map(|j| (j.likelihood, j.confidence))
            == Some((best.likelihood, best.confidence))
    })
}

fn takeaways(
    a: &Assessment,
    names: (&str, &str),
    today: &str,
    notes: &mut Notes<'_>,
) -> Vec<Takeaway> {
    let (aggressor, _target) = names;
    let mut out = Vec::new();
    let achieved = ranked(a, |i| observed(i.status));
    let is_past = |e: &EvidenceItem| matches!(e.modality, Modality::Observed | Modality::Ongoing);
    let is_future =
        |e: &EvidenceItem| matches!(e.modality, Modality::Projected | Modality::Hypothetical);

    // 1. The campaign as a whole: in how many domains has it achieved steps?
    let domains: Vec<Domain> = Domain::ALL
        .iter()
        .copied()
        .filter(|d| achieved.iter().any(|i| i.domain == *d))
        .collect();
    if !domains.is_empty() {
        let corroborated_everywhere = domains.iter().all(|d| {
            achieved
                .iter()
                .any(|i| i.domain == *d && i.status == IndicatorStatus::Corroborated)
        });
        let likelihood = match domains.len() {
            n if n >= 3 && corroborated_everywhere => Likelihood::AlmostCertain,
            n if n >= 3 => Likelihood::VeryLikely,
            2 => Likelihood::Likely,
            _ => Likelihood::RoughlyEvenChance,
        };
        let sources = achieved.iter().map(|i| i.sources).max().unwrap_or(0);
        let last = achieved.iter().filter_map(|i| i.last_seen.clone()).max();
        let judgement = judge::grade(likelihood, true, sources, last.as_deref(), today);
        let names: Vec<String> = domains.iter().map(|d| d.as_str().to_string()).collect();
        let total = a
            .indicators
            .iter()
            .filter(|i| domains.contains(&i.domain))
            .count();
        out.push(Takeaway {
            text: vec![
                Span::Text(capitalise(&likelihood.lead_in())),
                Span::Text(format!(
                    " {aggressor} has already advanced this campaign by "
                )),
                Span::Strong(format!("{} means", join_words(&names))),
                Span::Text(format!(
                    ": {} of the {} indicators in these domains are observed in the sources.",
                    achieved.len(),
                    total
                )),
            ],
            judgement,
        });
    }

    // 2. The domains with the most weighted observed evidence.
    let mut by_domain: Vec<(Domain, f64)> = domains
        .iter()
        .map(|d| {
            let w = achieved
                .iter()
                .filter(|i| i.domain == *d)
                .map(|i| i.score * i.weight)
                .sum::<f64>();
            (*d, w)
        })
        .collect();
    by_domain.sort_by(|x, y| y.1.total_cmp(&x.1));
    for (d, _) in by_domain.iter().take(3) {
        let inds: Vec<&IndicatorAssessment> = achieved
            .iter()
            .copied()
            .filter(|i| i.domain == *d)
            .collect();
        let Some(judgement) = best_judgement(inds.iter().copied(), today) else {
            continue;
        };
        // The takeaway states only what carries its judgement; the rest of
        // the domain's observed steps are counted, not dressed up.
        let (top, rest) = split_by_judgement(&inds, &judgement, today);
        let mut text = vec![
            Span::Strong(format!("{}. ", domain_title(*d))),
            Span::Text(capitalise(&judgement.likelihood.lead_in())),
            Span::Text(if top.len() == 1 {
                " this step has been taken: ".into()
            } else {
                " these steps have been taken: ".into()
            }),
        ];
        list_statements(&mut text, &top, is_past, notes);
        if !rest.is_empty() {
            text.push(Span::Text(format!(
                " {} further observed {} in this domain {} weaker judgements (see below).",
                rest.len(),
                if rest.len() == 1 { "step" } else { "steps" },
                if rest.len() == 1 { "has" } else { "have" },
            )));
        }
        out.push(Takeaway { text, judgement });
    }

    // 3. What comes next: indicators only projected so far.
    let projected = ranked(a, |i| i.status == IndicatorStatus::Projected);
    if let Some(judgement) = best_judgement(projected.iter().copied(), today) {
        let (top, rest) = split_by_judgement(&projected, &judgement, today);
        let mut text = vec![
            Span::Strong("Next steps. ".into()),
            Span::Text(capitalise(&judgement.likelihood.lead_in())),
            Span::Text(format!(
                " {aggressor} will take {} the sources project but do not yet report as done: ",
                if top.len() == 1 {
                    "this step"
                } else {
                    "these steps"
                }
            )),
        ];
        list_statements(&mut text, &top, is_future, notes);
        if !rest.is_empty() {
            text.push(Span::Text(format!(
                " {} further projected {} weaker judgements (see Implications).",
                rest.len(),
                if rest.len() == 1 {
                    "step has"
                } else {
                    "steps have"
                },
            )));
        }
        out.push(Takeaway { text, judgement });
    }

    // 4. Evidence undone.
    let reversed = ranked(a, |i| i.status == IndicatorStatus::Reversed);
    if let Some(judgement) = best_judgement(reversed.iter().copied(), today) {
        let mut text = vec![
            Span::Strong("Reversals. ".into()),
            Span::Text(capitalise(&judgement.likelihood.lead_in())),
            Span::Text(" these earlier steps still stand, as later sources deny them: ".into()),
        ];
        list_statements(
            &mut text,
            &reversed,
            |e| e.modality == Modality::Negated,
            notes,
        );
        out.push(Takeaway { text, judgement });
    }
    out.truncate(6);
    out
}

/// The indicators with evidence of the wanted modalities, each with its
/// evidence (one line per cited sentence). The indicator's judgement is
/// shown where it speaks to the subsection: `judged` says for which
/// statuses.
fn entries(
    inds: &[&IndicatorAssessment],
    wanted: impl Fn(Modality) -> bool,
    judged: impl Fn(IndicatorStatus) -> bool,
    today: &str,
    notes: &mut Notes<'_>,
) -> Vec<IndicatorEntry> {
    let mut out = Vec::new();
    for ind in inds {
        let mut evidence: Vec<EvidenceLine> = Vec::new();
        for e in ind.evidence.iter().filter(|e| wanted(e.modality)) {
            let footnote = notes.cite(e);
            if evidence.iter().any(|l| l.footnote == footnote) {
                continue;
            }
            evidence.push(EvidenceLine {
                date: e.date.clone(),
                modality: e.modality,
                event_type: e.event_type.clone(),
                excerpt: crate::escape::shorten(&e.quote, 240),
                footnote,
            });
        }
        if !evidence.is_empty() {
            out.push(IndicatorEntry {
                id: ind.id.clone(),
                statement: ind.statement.clone(),
                status: ind.status,
                judgement: if judged(ind.status) {
                    judge::indicator(ind, today)
                } else {
                    None
                },
                evidence,
            });
        }
    }
    out
}

/// Builds the report's content and figures.
pub fn build(a: &Assessment, ctx: &ReportContext, basemap: &Basemap) -> Report {
    let today = ctx
        .today
        .clone()
        .or_else(|| a.as_of.clone())
        .unwrap_or_else(|| a.generated_at.chars().take(10).collect());
    let aggressor = basemap.country_name(&a.aggressor);
    let target = basemap.country_name(&a.target);
    let mut notes = Notes {
        ctx,
        keys: BTreeMap::new(),
        list: Vec::new(),
    };
    let takeaways = takeaways(a, (&aggressor, &target), &today, &mut notes);

    let mut domains = Vec::new();
    for d in Domain::ALL {
        let inds = ranked(a, |i| i.domain == *d);
        if inds.is_empty() {
            continue;
        }
        let achievements = entries(
            &inds,
            |m| matches!(m, Modality::Observed | Modality::Ongoing),
            |s| s != IndicatorStatus::Projected,
            &today,
            &mut notes,
        );
        let next_steps = entries(
            &inds,
            |m| matches!(m, Modality::Projected | Modality::Hypothetical),
            |s| s == IndicatorStatus::Projected,
            &today,
            &mut notes,
        );
        let contrary = entries(
            &inds,
            |m| m == Modality::Negated,
            |s| s == IndicatorStatus::Reversed,
            &today,
            &mut notes,
        );
        let seen = inds.iter().filter(|i| observed(i.status)).count();
        let projected = inds
            .iter()
            .filter(|i| i.status == IndicatorStatus::Projected)
            .count();
        domains.push(DomainSection {
            domain: *d,
            summary: format!(
                "{} indicators: {seen} observed, {projected} only projected, {} without evidence.",
                inds.len(),
                inds.iter()
                    .filter(|i| i.status == IndicatorStatus::NotObserved)
                    .count()
            ),
            achievements,
            next_steps,
            contrary,
        });
    }

    let rank = |s: IndicatorStatus| match s {
        IndicatorStatus::Corroborated => 0,
        IndicatorStatus::Reported => 1,
        IndicatorStatus::Projected => 2,
        IndicatorStatus::Reversed => 3,
        IndicatorStatus::NotObserved => 4,
    };
    let mut sorted: Vec<&IndicatorAssessment> = a.indicators.iter().collect();
    sorted.sort_by_key(|i| (i.domain, rank(i.status), i.id.clone()));
    let board = sorted
        .into_iter()
        .map(|i| BoardRow {
            id: i.id.clone(),
            domain: i.domain,
            statement: i.statement.clone(),
            status: i.status,
            judgement: judge::indicator(i, &today),
            sources: i.sources,
            seen: (i.first_seen.clone(), i.last_seen.clone()),
            score: i.score,
        })
        .collect();

    let implications = implications(a, &aggressor, &target, ctx, &today);
    let evidence = unique_evidence(a);
    let map = map::figure(basemap, a, &evidence, ctx);
    let timeline = timeline::figure(&evidence, &a.indices);
    let method = vec![
        "Achievements are events a source states as having happened or as ongoing; next steps are events a source states as planned, expected or possible. The two are never merged.".to_string(),
        "Indicator judgements are those of the assessment (watchfloor-assess), in the probability words of US ICD 203 (TAXONOMY.md): observed by three or more independent sources almost certain (95–99%), by two very likely (80–95%), by one likely (55–80%), each one step lower when the latest evidence is more than three years old or undated; a step only projected is a roughly even chance (45–55%) with two or more forecasting sources, else unlikely; a step later denied is unlikely to stand.".to_string(),
        format!("Confidence is stated apart: high with three or more independent sources and evidence from the last {} months; moderate with two sources or one recent source; else low. The campaign-wide takeaway counts the domains with observed indicators: three or more very likely (almost certain when each has a corroborated indicator), two likely, one a roughly even chance; domain takeaways carry the strongest judgement among their indicators.", judge::RECENT_MONTHS),
        format!("Index formula: {}", a.formula),
        format!("Assessment generated {} from campaign pack “{}”.", a.generated_at, a.campaign),
    ];
    Report {
        title: a.title.clone(),
        campaign: a.campaign.clone(),
        aggressor,
        target,
        date: today,
        generated_at: a.generated_at.clone(),
        takeaways,
        domains,
        board,
        implications,
        map,
        timeline,
        method,
        footnotes: notes.list,
        attribution: ATTRIBUTION.iter().map(|s| s.to_string()).collect(),
    }
}

fn statement_with_judgement(i: &IndicatorAssessment, today: &str) -> Vec<Span> {
    let mut item = vec![Span::Text(i.statement.trim_end_matches('.').to_string())];
    if let Some(j) = judge::indicator(i, today) {
        item.push(Span::Text(" — ".into()));
        item.push(Span::Em(j.likelihood.words().into()));
        item.push(Span::Text(format!(
            ", {} confidence",
            j.confidence.as_str()
        )));
    }
    item
}

/// Changes listed one by one up to this many.
const CHANGES_LISTED: usize = 15;

fn implications(
    a: &Assessment,
    aggressor: &str,
    target: &str,
    ctx: &ReportContext,
    today: &str,
) -> Vec<Implication> {
    let mut out = Vec::new();
    let count = |s: IndicatorStatus| a.indicators.iter().filter(|i| i.status == s).count();
    let observed_n = count(IndicatorStatus::Reported) + count(IndicatorStatus::Corroborated);
    let mut text = vec![Span::Text(format!(
        "Of {} indicators of the campaign against {target}, {observed_n} are observed ({} corroborated by independent sources), {} are only projected and {} have no evidence.",
        a.indicators.len(),
        count(IndicatorStatus::Corroborated),
        count(IndicatorStatus::Projected),
        count(IndicatorStatus::NotObserved),
    ))];
    if let Some(last) = a.indices.get("overall").and_then(|s| s.last()) {
        text.push(Span::Text(format!(
            " The overall index stands at {:.2} ({}).",
            last.value, last.month
        )));
    }
    out.push(Implication {
        text,
        items: Vec::new(),
    });

    let projected = ranked(a, |i| i.status == IndicatorStatus::Projected);
    if !projected.is_empty() {
        out.push(Implication {
            text: vec![
                Span::Strong("Indicators to watch. ".into()),
                Span::Text(format!(
                    "Sources expect {aggressor} to take these steps, which none yet reports as done; each would be the next observable sign of deeper integration:"
                )),
            ],
            items: projected
                .iter()
                .map(|i| statement_with_judgement(i, today))
                .collect(),
        });
    }
    let gaps: Vec<&IndicatorAssessment> = a
        .indicators
        .iter()
        .filter(|i| i.status == IndicatorStatus::NotObserved)
        .collect();
    if !gaps.is_empty() {
        out.push(Implication {
            text: vec![
                Span::Strong("Collection gaps. ".into()),
                Span::Text(
                    "No source in the corpus speaks to these indicators; absence of evidence here is not evidence of absence:".into(),
                ),
            ],
            items: gaps
                .iter()
                .map(|i| vec![Span::Text(i.statement.trim_end_matches('.').to_string())])
                .collect(),
        });
    }
    let first_run = ctx.since.is_none() && a.changes_since.as_deref() == Some("first run");
    let heading = match ctx.since.as_ref().or(a.changes_since.as_ref()) {
        _ if first_run => "Changes. ".to_string(),
        Some(d) => format!("Changes since {d}. "),
        None => "Changes since the last run. ".to_string(),
    };
    if a.changes.is_empty() {
        out.push(Implication {
            text: vec![
                Span::Strong(heading),
                Span::Text("No indicator changed status.".into()),
            ],
            items: Vec::new(),
        });
    } else if first_run {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &a.changes {
            *kinds.entry(c.kind.as_str()).or_default() += 1;
        }
        let parts: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
            .collect();
        out.push(Implication {
            text: vec![
                Span::Strong(heading),
                Span::Text(format!(
                    "This is the campaign's first assessment, so every status is new ({}); run `watchfloor assess` to record it, and later reports list what changed.",
                    parts.join(", ")
                )),
            ],
            items: Vec::new(),
        });
    } else {
        let mut items: Vec<Vec<Span>> = a
            .changes
            .iter()
            .take(CHANGES_LISTED)
            .map(|c| vec![Span::Text(c.summary.trim_end_matches('.').to_string())])
            .collect();
        if a.changes.len() > CHANGES_LISTED {
            items.push(vec![Span::Text(format!(
                "and {} more (see the indicator board)",
                a.changes.len() - CHANGES_LISTED
            ))]);
        }
        out.push(Implication {
            text: vec![
                Span::Strong(heading),
                Span::Text(format!("{} indicators changed status:", a.changes.len())),
            ],
            items,
        });
    }
    out
}

/// One event of the evidence, once, with its domain (from its event type,
/// else from the first indicator it supports).
#[derive(Debug, Clone)]
pub struct EventPoint<'a> {
    /// The evidence item.
    pub item: &'a EvidenceItem,
    /// Domain of the indicator it supports.
    pub domain: Domain,
}

/// Every event behind the assessment, once (an event may support several
/// indicators).
pub fn unique_evidence(a: &Assessment) -> Vec<EventPoint<'_>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for i in &a.indicators {
        for e in &i.evidence {
            if seen.insert(e.event) {
                let domain = watchfloor_model::EventType::parse(&e.event_type)
                    .map(|t| t.domain())
                    .unwrap_or(i.domain);
                out.push(EventPoint { item: e, domain });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    fn report() -> Report {
        build(
            &fixture::assessment(),
            &fixture::context(),
            &Basemap::embedded().expect("basemap"),
        )
    }

    const ICD: &[&str] = &[
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ];

    #[test]
    fn takeaways_are_three_to_six_estimative_judgements() {
        let r = report();
        assert!((3..=6).contains(&r.takeaways.len()), "{:#?}", r.takeaways);
        for t in &r.takeaways {
            assert!(ICD.contains(&t.judgement.likelihood.words()));
        }
        // Two domains observed (military, political) → likely; three
        // independent recent sources → high confidence.
        let overall = &r.takeaways[0];
        assert_eq!(overall.judgement.likelihood, Likelihood::Likely);
        assert_eq!(overall.judgement.confidence, judge::Confidence::High);
        let text: String = overall
            .text
            .iter()
            .map(|s| match s {
                Span::Text(t) | Span::Strong(t) => t.clone(),
                _ => String::new(),
            })
            .collect();
        assert!(text.contains("military and political means"), "{text}");
        assert!(text.starts_with("It is likely that Russia"), "{text}");
    }

    #[test]
    fn weaker_evidence_gives_weaker_judgements() {
        let mut a = fixture::assessment();
        a.indicators[0].status = IndicatorStatus::Reported;
        a.indicators[0].sources = 1;
        a.indicators[2].status = IndicatorStatus::NotObserved;
        let r = build(
            &a,
            &fixture::context(),
            &Basemap::embedded().expect("basemap"),
        );
        assert_eq!(
            r.takeaways[0].judgement.likelihood,
            Likelihood::RoughlyEvenChance
        );
        assert_eq!(
            r.takeaways[0].judgement.confidence,
            judge::Confidence::Moderate
        );
        // The same single source, five years old: lower still, low confidence.
        a.indicators[0].last_seen = Some("2020-05-01".into());
        let r = build(
            &a,
            &fixture::context(),
            &Basemap::embedded().expect("basemap"),
        );
        assert_eq!(r.takeaways[0].judgement.likelihood, Likelihood::Unlikely);
        assert_eq!(r.takeaways[0].judgement.confidence, judge::Confidence::Low);
    }

    #[test]
    fn achievements_and_next_steps_are_kept_apart() {
        let r = report();
        let mil = r
            .domains
            .iter()
            .find(|d| d.domain == Domain::Military)
            .expect("military section");
        assert_eq!(mil.achievements.len(), 1);
        assert_eq!(mil.achievements[0].id, "mil.air_defence");
        assert!(mil.achievements[0]
            .evidence
            .iter()
            .all(|e| matches!(e.modality, Modality::Observed | Modality::Ongoing)));
        assert_eq!(mil.next_steps.len(), 1);
        assert_eq!(mil.next_steps[0].id, "mil.permanent_units");
        let econ = r
            .domains
            .iter()
            .find(|d| d.domain == Domain::Economic)
            .expect("economic section");
        assert!(econ.achievements.is_empty());
        assert_eq!(econ.next_steps[0].evidence.len(), 1);
        assert_eq!(econ.contrary[0].evidence[0].modality, Modality::Negated);
    }

    #[test]
    fn every_citation_resolves_to_a_footnote_quoting_the_source() {
        let r = report();
        let a = fixture::assessment();
        let quotes: Vec<&str> = a
            .indicators
            .iter()
            .flat_map(|i| i.evidence.iter().map(|e| e.quote.as_str()))
            .collect();
        assert_eq!(
            r.footnotes.len(),
            quotes.len(),
            "one footnote per distinct sentence"
        );
        for (i, f) in r.footnotes.iter().enumerate() {
            assert_eq!(f.number, i + 1);
            assert!(quotes.contains(&f.quote.as_str()));
        }
        // Document 1 has a publication date: its footnotes carry it.
        assert!(r
            .footnotes
            .iter()
            .filter(|f| f.document == 1)
            .all(|f| f.date.as_deref() == Some("2025-03-05")));
        for d in &r.domains {
            for e in d
                .achievements
                .iter()
                .chain(&d.next_steps)
                .chain(&d.contrary)
            {
                for l in &e.evidence {
                    assert!(l.footnote >= 1 && l.footnote <= r.footnotes.len());
                }
            }
        }
    }

    #[test]
    fn untitled_documents_are_named_by_their_file_and_dates_are_publication_dates() {
        let mut a = fixture::assessment();
        a.indicators[2].evidence[0].title = None;
        a.indicators[2].evidence[0].source = "/corpus/seed essay.txt".into();
        let r = build(
            &a,
            &fixture::context(),
            &Basemap::embedded().expect("basemap"),
        );
        let f = r
            .footnotes
            .iter()
            .find(|f| f.quote.starts_with("In 2021, 28"))
            .expect("cited");
        assert_eq!(f.title.as_deref(), Some("seed essay.txt"));
        assert_eq!(
            f.date.as_deref(),
            Some("2025-03-05"),
            "document 1's publication date"
        );
        let other = r.footnotes.iter().find(|f| f.document == 2).expect("doc 2");
        assert_eq!(other.date, None, "no publication date known, none invented");
    }

    #[test]
    fn an_assessment_without_evidence_makes_no_judgement() {
        let mut a = fixture::assessment();
        for i in &mut a.indicators {
            i.status = IndicatorStatus::NotObserved;
            i.evidence.clear();
            i.sources = 0;
        }
        let r = build(
            &a,
            &ReportContext::default(),
            &Basemap::embedded().expect("basemap"),
        );
        assert!(r.takeaways.is_empty());
        assert!(r.footnotes.is_empty());
        assert!(r
            .domains
            .iter()
            .all(|d| d.achievements.is_empty() && d.next_steps.is_empty()));
    }

    #[test]
    fn changes_since_are_reported_under_implications() {
        let r = report();
        let flat: Vec<String> = r
            .implications
            .iter()
            .flat_map(|p| p.text.iter().chain(p.items.iter().flatten()))
            .filter_map(|s| match s {
                Span::Text(t) | Span::Strong(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        let all = flat.join("");
        assert!(all.contains("Changes since 2025-01-01"), "{all}");
        assert!(all.contains("Air defence presence is now corroborated"));
        assert!(
            all.contains("A common history textbook is introduced"),
            "collection gap: {all}"
        );
    }

    #[test]
    fn a_first_run_summarises_changes_instead_of_listing_them() {
        let mut a = fixture::assessment();
        a.changes_since = Some("first run".into());
        let r = build(
            &a,
            &ReportContext::default(),
            &Basemap::embedded().expect("basemap"),
        );
        let last = r.implications.last().expect("changes paragraph");
        assert!(last.items.is_empty());
        assert!(last
            .text
            .iter()
            .any(|s| matches!(s, Span::Text(t) if t.contains("first assessment") && t.contains("1 newly corroborated"))));
    }
}
