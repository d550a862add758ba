use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Domain, Modality};

/// Where an indicator stands, from its evidence (issue 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    /// No matching evidence.
    NotObserved,
    /// Only forecast (projected or hypothetical evidence).
    Projected,
    /// Observed by one independent source.
    Reported,
    /// Observed by two or more independent sources.
    Corroborated,
    /// A later negation undoes earlier evidence.
    Reversed,
}

/// One piece of evidence behind an indicator: an event and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Stored document ID.
    pub document: i64,
    /// Source path or URL of the document.
    pub source: String,
    /// Title of the document.
    pub title: Option<String>,
    /// Date of the event (its start), else the document's publication date.
    pub date: Option<String>,
    /// Modality of the event.
    pub modality: Modality,
    /// The evidence sentence.
    pub quote: String,
    /// Stored event ID.
    pub event: i64,
    /// Event type.
    pub event_type: String,
    /// Where the event happened, if known.
    pub place: Option<String>,
    /// Latitude of the place.
    pub lat: Option<f64>,
    /// Longitude of the place.
    pub lon: Option<f64>,
}

/// An indicator with its status and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorAssessment {
    /// Indicator ID from the campaign pack.
    pub id: String,
    /// Its domain.
    pub domain: Domain,
    /// Plain-language statement.
    pub statement: String,
    /// Weight in its domain index.
    pub weight: f64,
    /// Status from the evidence.
    pub status: IndicatorStatus,
    /// Score 0..1.
    pub score: f64,
    /// Number of independent sources.
    pub sources: usize,
    /// First evidence date.
    pub first_seen: Option<String>,
    /// Last evidence date.
    pub last_seen: Option<String>,
    /// Count of evidence per modality.
    pub modalities: BTreeMap<String, usize>,
    /// The evidence.
    pub evidence: Vec<EvidenceItem>,
    /// The objective this indicator shows progress towards (pack ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// Number of matching events (`evidence` may list fewer).
    #[serde(default)]
    pub evidence_total: usize,
    /// Estimative judgement from corroboration and recency (none without
    /// evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<Judgement>,
}

/// An estimative judgement in the words of ICD 203 (TAXONOMY.md), derived
/// from the evidence, never written by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// ICD 203 probability words, e.g. `likely`.
    pub likelihood: String,
    /// The range those words stand for, e.g. `55-80%`.
    pub probability: String,
    /// Confidence in the judgement: `low`, `moderate` or `high`.
    pub confidence: String,
    /// The judgement as a sentence.
    pub text: String,
    /// What it rests on (sources, recency).
    pub basis: String,
}

/// One point of an index time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Index value 0..1.
    pub value: f64,
}

/// What changed in an indicator since a date or the last run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Indicator ID.
    pub indicator: String,
    /// `newly_observed`, `newly_corroborated`, `reversed` or `new_projection`.
    pub kind: String,
    /// Status before.
    pub from: IndicatorStatus,
    /// Status now.
    pub to: IndicatorStatus,
    /// Human-readable summary.
    pub summary: String,
}

/// The assessment of a campaign: the public JSON interface of
/// `watchfloor assess --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Campaign pack name.
    pub campaign: String,
    /// Campaign title.
    pub title: String,
    /// Aggressor state (alpha-3).
    pub aggressor: String,
    /// Target state (alpha-3).
    pub target: String,
    /// When the assessment was made (RFC 3339).
    pub generated_at: String,
    /// Indicators with their evidence.
    pub indicators: Vec<IndicatorAssessment>,
    /// `overall` and one series per domain.
    pub indices: BTreeMap<String, Vec<IndexPoint>>,
    /// The index formula in words.
    pub formula: String,
    /// Changes since the given date or the last run.
    pub changes: Vec<Change>,
    /// The day the assessment judges recency against (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// What `changes` are measured against: a date, a previous run, or
    /// `first run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_since: Option<String>,
}
