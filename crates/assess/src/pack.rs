//! Campaign packs (`data/campaigns/*.toml`): an aggressor, a target, the
//! objectives of the campaign in each domain, and the indicators that show
//! progress towards them, each with the criteria that select its evidence.
//!
//! Parsing never stops at the first problem: [`Pack::parse`] reports every
//! problem it finds, each with its line and column in the file.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use watchfloor_extract::Catalogue;
use watchfloor_model::{Domain, EventType};

use crate::AssessError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/packs.rs"));
}

/// Largest weight an indicator or a domain may carry.
pub const MAX_WEIGHT: f64 = 10.0;

/// One problem in a pack, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Line, from 1 (0 when the problem has no place in the file).
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// A circle on the map: events placed inside it match.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// Centre latitude (WGS84).
    pub lat: f64,
    /// Centre longitude (WGS84).
    pub lon: f64,
    /// Radius in kilometres.
    pub radius_km: f64,
}

/// What selects an indicator's evidence among stored events. All given
/// conditions must hold; within a list, any one item is enough. `entities`
/// and `keywords` are alternatives: when both are given an event needs one
/// of the entities *or* one of the keywords.
#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    /// Event types (at least one).
    pub types: Vec<EventType>,
    /// Catalogue IDs the event must name (actors or other entities).
    pub entities: Vec<String>,
    /// Words or stems the evidence sentence must contain (case-insensitive
    /// substrings, lower-cased).
    pub keywords: Vec<String>,
    /// Words that disqualify an event (lower-cased).
    pub exclude: Vec<String>,
    /// States or bodies one of which must be among the event's actors.
    pub actors: Vec<String>,
    /// States one of which the event must involve (by actor, place or an
    /// entity belonging to it); the campaign's target unless the pack says
    /// otherwise; empty for any.
    pub countries: Vec<String>,
    /// Place IDs (`geo:…`, `site:…`) one of which must be the event's place.
    pub places: Vec<String>,
    /// A circle the event's place must lie in.
    pub area: Option<Area>,
    /// An organization one of the event's actors belonged to on the event's
    /// date (catalogue membership history).
    pub actor_member_of: Option<String>,
    /// An organization the campaign's target belonged to on the event's date.
    pub target_member_of: Option<String>,
}

/// One indicator: a plain-language statement of a step of the campaign and
/// the criteria that select its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Unique ID within the pack, e.g. `MIL-RGV`.
    pub id: String,
    /// The domain it belongs to.
    pub domain: Domain,
    /// The objective it shows progress towards.
    pub objective: Option<String>,
    /// The step, in plain language.
    pub statement: String,
    /// Its weight in the domain index (0 < weight ≤ 10).
    pub weight: f64,
    /// Where the pack's authors took it from (a section of a study).
    pub basis: Option<String>,
    /// What selects its evidence.
    pub criteria: Criteria,
}

/// An objective of the campaign in one domain.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// Unique ID within the pack.
    pub id: String,
    /// Its domain.
    pub domain: Domain,
    /// The objective in plain language.
    pub statement: String,
}

/// A campaign pack: who absorbs whom, and how progress shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    /// Short name, e.g. `russia-belarus`.
    pub name: String,
    /// Title for reports.
    pub title: String,
    /// The aggressor state (alpha-3).
    pub aggressor: String,
    /// The target state (alpha-3).
    pub target: String,
    /// What the campaign is, in a few sentences.
    pub description: Option<String>,
    /// Where the framework comes from.
    pub sources: Vec<String>,
    /// Entities that by themselves tie an event to the target (e.g. the
    /// Union State of Russia and Belarus, or a joint grouping of forces);
    /// their bodies (catalogue `parent`) too.
    pub scope_entities: Vec<String>,
    /// Weight of each domain in the overall index (1 unless the pack says).
    pub domain_weights: BTreeMap<Domain, f64>,
    /// Objectives by domain.
    pub objectives: Vec<Objective>,
    /// The indicators, in file order.
    pub indicators: Vec<Indicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    campaign: RawCampaign,
    #[serde(default)]
    weights: Option<RawWeights>,
    #[serde(default)]
    objective: Vec<RawObjective>,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCampaign {
    name: Spanned<String>,
    title: String,
    aggressor: Spanned<String>,
    target: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    scope_entities: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    military: Option<Spanned<f64>>,
    political: Option<Spanned<f64>>,
    economic: Option<Spanned<f64>>,
    information: Option<Spanned<f64>>,
    international: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    id: Spanned<String>,
    domain: Spanned<String>,
    statement: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    domain: Spanned<String>,
    statement: String,
    #[serde(default)]
    objective: Option<Spanned<String>>,
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    basis: Option<String>,
    types: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    entities: Vec<Spanned<String>>,
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    actors: Vec<Spanned<String>>,
    #[serde(default)]
    countries: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    places: Vec<Spanned<String>>,
    #[serde(default)]
    area: Option<Spanned<Area>>,
    #[serde(default)]
    actor_member_of: Option<Spanned<String>>,
    #[serde(default)]
    target_member_of: Option<Spanned<String>>,
}

/// Turns byte offsets into line and column numbers.
struct Lines<'a> {
    text: &'a str,
}

impl Lines<'_> {
    fn at(&self, span: &Range<usize>, message: String) -> Diagnostic {
        let start = span.start.min(self.text.len());
        let before = self.text.get(..start).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Diagnostic {
            line,
            column,
            message,
        }
    }
}

fn is_country_id(id: &str) -> bool {
    id.len() == 3 && id.bytes().all(|b| b.is_ascii_uppercase())
}

/// Checks against the catalogue, when one is given.
struct Checker<'a> {
    lines: Lines<'a>,
    catalogue: Option<&'a Catalogue>,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn problem(&mut self, span: &Range<usize>, message: String) {
        let d = self.lines.at(span, message);
        self.problems.push(d);
    }

    fn entity(&mut self, id: &Spanned<String>, what: &str) -> String {
        let value = id.get_ref().trim().to_string();
        if let Some(c) = self.catalogue {
            if c.get(&value).is_none() {
                self.problem(
                    &id.span(),
                    format!("unknown entity ID {value:?} in {what} (not in the catalogue; try `watchfloor catalogue search`)"),
                );
            }
        }
        value
    }

    fn country(&mut self, id: &Spanned<String>, what: &str) -> String {
        let value = id.get_ref().trim().to_string();
        if !is_country_id(&value) {
            self.problem(
                &id.span(),
                format!("{what} must be a state's ISO 3166-1 alpha-3 code such as \"BLR\", not {value:?}"),
            );
            return value;
        }
        self.entity(id, what)
    }

    fn organization(&mut self, id: &Spanned<String>, what: &str) -> String {
        let value = self.entity(id, what);
        if let Some(e) = self.catalogue.and_then(|c| c.get(&value)) {
            if e.membership.is_empty() {
                self.problem(
                    &id.span(),
                    format!(
                        "{what}: {value:?} has no membership history in the catalogue, so membership on a date cannot be known"
                    ),
                );
            }
        }
        value
    }

    fn domain(&mut self, d: &Spanned<String>) -> Option<Domain> {
        let parsed = Domain::parse(d.get_ref());
        if parsed.is_none() {
            let known: Vec<_> = Domain::ALL.iter().map(|d| d.as_str()).collect();
            self.problem(
                &d.span(),
                format!(
                    "unknown domain {:?} (one of: {})",
                    d.get_ref(),
                    known.join(", ")
                ),
            );
        }
        parsed
    }

    fn weight(&mut self, w: &Spanned<f64>, what: &str) -> f64 {
        let v = *w.get_ref();
        if !(v > 0.0 && v <= MAX_WEIGHT) {
            self.problem(
                &w.span(),
                format!(
                    "{what} {v} is out of range (must be more than 0 and at most {MAX_WEIGHT})"
                ),
            );
        }
        v
    }

    fn words(&mut self, list: &[Spanned<String>], what: &str) -> Vec<String> {
        let mut out = Vec::new();
        for k in list {
            let w = k.get_ref().trim().to_lowercase();
            if w.chars().count() < 2 {
                self.problem(
                    &k.span(),
                    format!(
                        "{what} entry {:?} is too short to select anything",
                        k.get_ref()
                    ),
                );
                continue;
            }
            out.push(w);
        }
        out
    }
}

impl Pack {
    /// Parses and validates a pack. `catalogue`, when given, is used to
    /// check every entity ID. On failure the error lists every problem with
    /// its line and column.
    pub fn parse(
        file: &str,
        text: &str,
        catalogue: Option<&Catalogue>,
    ) -> Result<Pack, AssessError> {
        let invalid = |problems: Vec<Diagnostic>| AssessError::InvalidPack {
            file: file.to_string(),
            problems,
        };
        let lines = Lines { text };
        let raw: RawPack = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let message = e.message().trim().to_string();
                let d = match e.span() {
                    Some(span) => lines.at(&span, message),
                    None => Diagnostic {
                        line: 0,
                        column: 0,
                        message,
                    },
                };
                return Err(invalid(vec![d]));
            }
        };
        let mut ck = Checker {
            lines,
            catalogue,
            problems: Vec::new(),
        };
        let c = &raw.campaign;
        let name = c.name.get_ref().trim().to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_')
        {
            ck.problem(
                &c.name.span(),
                format!("campaign name {name:?} must be lower-case letters, digits and hyphens"),
            );
        }
        let aggressor = ck.country(&c.aggressor, "campaign aggressor");
        let target = ck.country(&c.target, "campaign target");
        if aggressor == target {
            ck.problem(
                &c.target.span(),
                "the target must differ from the aggressor".into(),
            );
        }

        let scope_entities = c
            .scope_entities
            .iter()
            .map(|e| ck.entity(e, "campaign scope_entities"))
            .collect();
        let mut domain_weights: BTreeMap<Domain, f64> =
            Domain::ALL.iter().map(|d| (*d, 1.0)).collect();
        if let Some(w) = &raw.weights {
            for (domain, weight) in [
                (Domain::Military, &w.military),
                (Domain::Political, &w.political),
                (Domain::Economic, &w.economic),
                (Domain::Information, &w.information),
                (Domain::International, &w.international),
            ] {
                if let Some(weight) = weight {
                    let v = ck.weight(weight, &format!("weight of domain {domain}"));
                    domain_weights.insert(domain, v);
                }
            }
        }

        let mut objectives = Vec::new();
        let mut objective_ids = HashSet::new();
        for o in &raw.objective {
            let id = o.id.get_ref().trim().to_string();
            if !objective_ids.insert(id.clone()) {
                ck.problem(&o.id.span(), format!("duplicate objective ID {id:?}"));
            }
            if let Some(domain) = ck.domain(&o.domain) {
                objectives.push(Objective {
                    id,
                    domain,
                    statement: o.statement.trim().to_string(),
                });
            }
        }

        let mut indicators = Vec::new();
        let mut seen = HashSet::new();
        for r in &raw.indicator {
            let id = r.id.get_ref().trim().to_string();
            if id.is_empty() {
                ck.problem(&r.id.span(), "indicator ID is empty".into());
            } else if !seen.insert(id.clone()) {
                ck.problem(&r.id.span(), format!("duplicate indicator ID {id:?}"));
            }
            let domain = ck.domain(&r.domain);
            let objective = r.objective.as_ref().map(|o| {
                let v = o.get_ref().trim().to_string();
                if !objective_ids.contains(&v) {
                    ck.problem(
                        &o.span(),
                        format!(
                            "indicator {id} names objective {v:?}, which the pack does not define"
                        ),
                    );
                }
                v
            });
            if r.statement.trim().is_empty() {
                ck.problem(
                    &r.id.span(),
                    format!("indicator {id} has an empty statement"),
                );
            }
            let weight = r
                .weight
                .as_ref()
                .map(|w| ck.weight(w, &format!("weight of indicator {id}")))
                .unwrap_or(1.0);
            let mut types = Vec::new();
            if r.types.get_ref().is_empty() {
                ck.problem(
                    &r.types.span(),
                    format!(
                        "indicator {id} lists no event types, so nothing can select its evidence"
                    ),
                );
            }
            for t in r.types.get_ref() {
                match EventType::parse(t.get_ref()) {
                    Some(et) => types.push(et),
                    None => ck.problem(
                        &t.span(),
                        format!(
                            "unknown event type {:?} in indicator {id} (see TAXONOMY.md, e.g. deployment, basing, command_integration)",
                            t.get_ref()
                        ),
                    ),
                }
            }
            let entities = r
                .entities
                .iter()
                .map(|e| ck.entity(e, &format!("entities of {id}")))
                .collect();
            let keywords = ck.words(&r.keywords, "keywords");
            let exclude = ck.words(&r.exclude, "exclude");
            let actors = r
                .actors
                .iter()
                .map(|e| ck.entity(e, &format!("actors of {id}")))
                .collect();
            let countries = match &r.countries {
                None => vec![target.clone()],
                Some(list) => list
                    .iter()
                    .map(|e| ck.country(e, &format!("countries of {id}")))
                    .collect(),
            };
            let mut places = Vec::new();
            for p in &r.places {
                let v = p.get_ref().trim().to_string();
                if v.starts_with("site:") {
                    places.push(ck.entity(p, &format!("places of {id}")));
                } else if v.strip_prefix("geo:").is_some_and(|rest| !rest.is_empty()) {
                    places.push(v);
                } else {
                    ck.problem(
                        &p.span(),
                        format!("place {v:?} in {id} must be a gazetteer ID (geo:…) or a catalogue site (site:…)"),
                    );
                }
            }
            let area = r.area.as_ref().map(|a| {
                let v = *a.get_ref();
                let valid = (-90.0..=90.0).contains(&v.lat)
                    && (-180.0..=180.0).contains(&v.lon)
                    && v.radius_km > 0.0
                    && v.radius_km <= 20_000.0;
                if !valid {
                    ck.problem(
                        &a.span(),
                        format!("area of {id} needs lat in -90..90, lon in -180..180 and radius_km in 0..20000"),
                    );
                }
                v
            });
            let actor_member_of = r
                .actor_member_of
                .as_ref()
                .map(|o| ck.organization(o, &format!("actor_member_of of {id}")));
            let target_member_of = r
                .target_member_of
                .as_ref()
                .map(|o| ck.organization(o, &format!("target_member_of of {id}")));
            if let Some(domain) = domain {
                indicators.push(Indicator {
                    id,
                    domain,
                    objective,
                    statement: r.statement.trim().to_string(),
                    weight,
                    basis: r.basis.clone(),
                    criteria: Criteria {
                        types,
                        entities,
                        keywords,
                        exclude,
                        actors,
                        countries,
                        places,
                        area,
                        actor_member_of,
                        target_member_of,
                    },
                });
            }
        }
        if raw.indicator.is_empty() {
            ck.problem(&(0..0), "the pack defines no [[indicator]]".into());
        }
        if !ck.problems.is_empty() {
            return Err(invalid(ck.problems));
        }
        Ok(Pack {
            name,
            title: c.title.trim().to_string(),
            aggressor,
            target,
            description: c.description.clone(),
            sources: c.sources.clone(),
            scope_entities,
            domain_weights,
            objectives,
            indicators,
        })
    }

    /// The domains this pack has indicators in, in taxonomy order.
    pub fn domains(&self) -> Vec<Domain> {
        Domain::ALL
            .iter()
            .copied()
            .filter(|d| self.indicators.iter().any(|i| i.domain == *d))
            .collect()
    }
}

/// Whether a file name is a pack to list (templates start with `_`).
fn is_listed(file_name: &str) -> bool {
    file_name.ends_with(".toml") && !file_name.starts_with('_')
}

/// The packs compiled into this build as (file name, text), templates
/// (names starting with `_`) included.
pub fn builtin_pack_files() -> &'static [(&'static str, &'static str)] {
    embedded::PACKS
}

/// Parses every pack compiled into this build (templates skipped).
pub fn builtin_packs(catalogue: Option<&Catalogue>) -> Result<Vec<Pack>, AssessError> {
    embedded::PACKS
        .iter()
        .filter(|(name, _)| is_listed(name))
        .map(|(name, text)| Pack::parse(name, text, catalogue))
        .collect()
}

/// Reads and parses one pack file.
pub fn load_pack(path: &Path, catalogue: Option<&Catalogue>) -> Result<Pack, AssessError> {
    let text = std::fs::read_to_string(path).map_err(|source| AssessError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Pack::parse(&path.display().to_string(), &text, catalogue)
}

/// Reads every pack in a directory (`*.toml`, templates skipped), sorted by
/// file name.
pub fn load_dir(dir: &Path, catalogue: Option<&Catalogue>) -> Result<Vec<Pack>, AssessError> {
    let io = |source| AssessError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_listed)
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| load_pack(p, catalogue)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
id = "mil:RGV"
kind = "military"
name = "Regional Grouping of Forces"
[[entity]]
id = "org:CSTO"
kind = "organization"
name = "CSTO"
[[entity.membership]]
member = "BLR"
status = "member"
from = "1993-12-31"
"#;

    fn catalogue() -> Catalogue {
        Catalogue::from_files([("test.toml", CATALOGUE)]).expect("test catalogue")
    }

    const GOOD: &str = r#"[campaign]
name = "test-pack"
title = "Test"
aggressor = "RUS"
target = "BLR"

[[objective]]
id = "MIL-1"
domain = "military"
statement = "Unified defence space"

[[indicator]]
id = "MIL-RGV"
objective = "MIL-1"
domain = "military"
statement = "The joint grouping is active"
weight = 3
types = ["command_integration"]
entities = ["mil:RGV"]
keywords = ["Joint Grouping"]
actor_member_of = "org:CSTO"
"#;

    fn problems(text: &str) -> Vec<Diagnostic> {
        match Pack::parse("t.toml", text, Some(&catalogue())) {
            Err(AssessError::InvalidPack { problems, .. }) => problems,
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("pack should be invalid"),
        }
    }

    #[test]
    fn a_good_pack_parses_with_defaults() {
        let p = Pack::parse("t.toml", GOOD, Some(&catalogue())).expect("valid");
        assert_eq!(p.name, "test-pack");
        assert_eq!(p.indicators.len(), 1);
        let i = &p.indicators[0];
        assert_eq!(i.weight, 3.0);
        assert_eq!(i.criteria.types, vec![EventType::CommandIntegration]);
        assert_eq!(i.criteria.keywords, vec!["joint grouping".to_string()]);
        assert_eq!(
            i.criteria.countries,
            vec!["BLR".to_string()],
            "target by default"
        );
        assert_eq!(p.domain_weights[&Domain::Economic], 1.0);
        assert_eq!(p.domains(), vec![Domain::Military]);
    }

    #[test]
    fn syntax_errors_carry_their_line() {
        let bad = GOOD.replace("weight = 3", "weight = = 3");
        let d = problems(&bad);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 17, "{d:?}");
    }

    #[test]
    fn semantic_errors_are_all_reported_with_lines() {
        let bad = GOOD
            .replace("weight = 3", "weight = 30")
            .replace("\"command_integration\"", "\"command_integraton\"")
            .replace("mil:RGV", "mil:RGX")
            .replace("domain = \"military\"\nstatement = \"The", "domain = \"militray\"\nstatement = \"The")
            + "\n[[indicator]]\nid = \"MIL-RGV\"\ndomain = \"military\"\nstatement = \"x\"\ntypes = [\"basing\"]\n";
        let d = problems(&bad);
        let find = |needle: &str| {
            d.iter()
                .find(|p| p.message.contains(needle))
                .unwrap_or_else(|| panic!("no problem mentioning {needle:?} in {d:?}"))
                .line
        };
        assert_eq!(find("weight of indicator MIL-RGV 30"), 17);
        assert_eq!(find("unknown event type \"command_integraton\""), 18);
        assert_eq!(find("unknown entity ID \"mil:RGX\""), 19);
        assert_eq!(find("unknown domain \"militray\""), 15);
        assert_eq!(find("duplicate indicator ID \"MIL-RGV\""), 24);
        assert_eq!(d.len(), 5, "{d:?}");
    }

    #[test]
    fn unknown_fields_and_bad_references_are_caught() {
        let d = problems(&GOOD.replace("keywords =", "keyword ="));
        assert!(d[0].message.contains("keyword"), "{d:?}");
        assert_eq!(d[0].line, 20);
        let d = problems(&GOOD.replace("objective = \"MIL-1\"", "objective = \"MIL-9\""));
        assert!(d[0].message.contains("MIL-9") && d[0].line == 14, "{d:?}");
        let d = problems(&GOOD.replace("target = \"BLR\"", "target = \"Belarus\""));
        assert!(d[0].message.contains("alpha-3") && d[0].line == 5, "{d:?}");
        let d = problems(&GOOD.replace(
            "actor_member_of = \"org:CSTO\"",
            "actor_member_of = \"BLR\"",
        ));
        assert!(d[0].message.contains("membership history"), "{d:?}");
    }

    #[test]
    fn without_a_catalogue_entity_ids_are_not_checked() {
        let text = GOOD.replace("mil:RGV", "mil:ANYTHING");
        assert!(Pack::parse("t.toml", &text, None).is_ok());
        assert!(Pack::parse("t.toml", &text, Some(&catalogue())).is_err());
    }

    #[test]
    fn templates_are_not_listed() {
        assert!(is_listed("russia-belarus.toml"));
        assert!(!is_listed("_template.toml"));
        assert!(!is_listed("TEMPLATE.md"));
    }
}
