//! Event and modality rules (`data/rules/events/*.toml`,
//! `data/rules/modality.toml`, `data/rules/sections.toml`), compiled into
//! phrase sets.

use std::collections::BTreeMap;

use serde::Deserialize;
use watchfloor_model::{EventType, Modality};

use crate::phrase::PhraseSet;
use crate::KnowledgeError;

/// Whether rules written in `rule_lang` apply to a document in `doc_lang`:
/// a document's own language, its close neighbours (ru/uk/be share much
/// vocabulary), or everything when the language is unknown or other.
pub fn applies(rule_lang: &str, doc_lang: Option<&str>) -> bool {
    fn group(l: &str) -> &'static str {
        match l {
            "ru" | "uk" | "be" => "east-slavic",
            "pl" => "pl",
            "en" => "en",
            _ => "other",
        }
    }
    match doc_lang {
        None => true,
        Some(d) => group(d) == "other" || group(d) == group(rule_lang),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRuleFile {
    language: String,
    #[serde(default)]
    rule: Vec<EventRuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRuleSpec {
    #[serde(rename = "type")]
    event_type: String,
    #[serde(default)]
    cues: Vec<String>,
    #[serde(default)]
    with_any: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    id: Option<String>,
}

/// One way of recognising an event type.
pub struct EventRule {
    /// Where it was written (`events/en.toml#12`).
    pub origin: String,
    /// Language of its cues (ISO 639-1).
    pub language: String,
    /// The type it signals.
    pub event_type: EventType,
    /// How explicit its cue is.
    pub confidence: f64,
    /// Phrases of which one must also be in the clause (empty: none needed).
    pub with_any: PhraseSet<()>,
    /// Phrases that veto the rule.
    pub unless: PhraseSet<()>,
}

/// The event rules of every language.
#[derive(Default)]
pub struct EventRules {
    /// The rules.
    pub rules: Vec<EventRule>,
    /// Every cue phrase, with the index of its rule.
    pub cues: PhraseSet<usize>,
}

fn bad(file: &str, message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        file: file.to_string(),
        message,
    }
}

fn toml_err(file: &str, e: toml::de::Error) -> KnowledgeError {
    KnowledgeError::Toml {
        file: file.to_string(),
        message: e.to_string(),
    }
}

fn phrases(file: &str, list: &[String]) -> Result<PhraseSet<()>, KnowledgeError> {
    let mut set = PhraseSet::default();
    for p in list {
        if !set.add(p, ()) {
            return Err(bad(file, format!("phrase {p:?} is empty or starts with ~")));
        }
    }
    Ok(set)
}

impl EventRules {
    /// Adds the rules of one file.
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), KnowledgeError> {
        let parsed: EventRuleFile = toml::from_str(text).map_err(|e| toml_err(file, e))?;
        for (n, spec) in parsed.rule.into_iter().enumerate() {
            let event_type = EventType::parse(&spec.event_type).ok_or_else(|| {
                bad(
                    file,
                    format!(
                        "rule {} has unknown event type {:?}",
                        n + 1,
                        spec.event_type
                    ),
                )
            })?;
            let confidence = spec.confidence.unwrap_or(0.6);
            if !(0.0..=1.0).contains(&confidence) {
                return Err(bad(
                    file,
                    format!("rule {} confidence {confidence} is outside 0..1", n + 1),
                ));
            }
            let index = self.rules.len();
            self.rules.push(EventRule {
                origin: format!("{file}#{}", spec.id.unwrap_or_else(|| (n + 1).to_string())),
                language: parsed.language.clone(),
                event_type,
                confidence,
                with_any: phrases(file, &spec.with_any)?,
                unless: phrases(file, &spec.unless)?,
            });
            for cue in &spec.cues {
                if !self.cues.add(cue, index) {
                    return Err(bad(
                        file,
                        format!("rule {} cue {cue:?} is empty or starts with ~", n + 1),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct ModalityLists {
    #[serde(default)]
    projected: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    negated: Vec<String>,
    #[serde(default)]
    ongoing: Vec<String>,
    #[serde(default)]
    observed: Vec<String>,
}

impl ModalityLists {
    fn by_modality(&self) -> [(Modality, &Vec<String>); 5] {
        [
            (Modality::Projected, &self.projected),
            (Modality::Hypothetical, &self.hypothetical),
            (Modality::Negated, &self.negated),
            (Modality::Ongoing, &self.ongoing),
            (Modality::Observed, &self.observed),
        ]
    }
}

/// Modality cues of every language.
#[derive(Default)]
pub struct ModalityCues {
    /// Cue phrases with the modality they signal and their language.
    pub cues: PhraseSet<(Modality, String)>,
}

impl ModalityCues {
    /// Adds the cues of one file (`[lang]` tables of five lists).
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), KnowledgeError> {
        let parsed: BTreeMap<String, ModalityLists> =
            toml::from_str(text).map_err(|e| toml_err(file, e))?;
        for (lang, lists) in parsed {
            for (modality, list) in lists.by_modality() {
                for p in list {
                    if !self.cues.add(p, (modality, lang.clone())) {
                        return Err(bad(file, format!("[{lang}] cue {p:?} is empty")));
                    }
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    #[serde(default)]
    headings: BTreeMap<String, ModalityLists>,
    #[serde(default)]
    span: SpanSpec,
    #[serde(default)]
    roles: RolesSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RolesSpec {
    #[serde(default)]
    location_prepositions: Vec<String>,
    #[serde(default)]
    locative_prepositions: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SpanSpec {
    #[serde(default)]
    extend_left: Vec<String>,
}

/// Heading cues that set the default modality of the section beneath, and
/// words that extend a treaty's name to the left ("new", "fresh").
#[derive(Default)]
pub struct SectionRules {
    /// Heading phrases with the default modality of their section.
    pub headings: PhraseSet<Modality>,
    /// Folded words that belong to an agreement's name when they precede it.
    pub extend_left: Vec<String>,
    /// Folded prepositions after which a country is a place, not an actor.
    pub location_prepositions: Vec<String>,
    /// Folded prepositions that make a capital the place of an event, not
    /// its government ("in Moscow", "под Минском").
    pub locative_prepositions: Vec<String>,
}

impl SectionRules {
    /// Adds one `sections.toml`.
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), KnowledgeError> {
        let parsed: SectionFile = toml::from_str(text).map_err(|e| toml_err(file, e))?;
        for (lang, lists) in parsed.headings {
            for (modality, list) in lists.by_modality() {
                for p in list {
                    if !self.headings.add(p, modality) {
                        return Err(bad(file, format!("[headings.{lang}] cue {p:?} is empty")));
                    }
                }
            }
        }
        self.extend_left
            .extend(parsed.span.extend_left.iter().map(|w| crate::text::fold(w)));
        self.location_prepositions.extend(
            parsed
                .roles
                .location_prepositions
                .iter()
                .map(|w| crate::text::fold(w)),
        );
        self.locative_prepositions.extend(
            parsed
                .roles
                .locative_prepositions
                .iter()
                .map(|w| crate::text::fold(w)),
        );
        Ok(())
    }
}
