//! Estimative language: how likely a judgement is (the ICD 203 words of
//! TAXONOMY.md) and how much confidence it deserves, derived only from an
//! indicator's status, its number of independent sources and the recency of
//! its evidence.

use watchfloor_model::{IndicatorAssessment, IndicatorStatus};

/// The probability words of US ICD 203, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Likelihood {
    /// 1–5 %.
    AlmostNoChance,
    /// 5–20 %.
    VeryUnlikely,
    /// 20–45 %.
    Unlikely,
    /// 45–55 %.
    RoughlyEvenChance,
    /// 55–80 %.
    Likely,
    /// 80–95 %.
    VeryLikely,
    /// 95–99 %.
    AlmostCertain,
}

impl Likelihood {
    /// The estimative phrase as it is written in a sentence ("very likely").
    pub fn words(self) -> &'static str {
        match self {
            Likelihood::AlmostNoChance => "almost no chance",
            Likelihood::VeryUnlikely => "very unlikely",
            Likelihood::Unlikely => "unlikely",
            Likelihood::RoughlyEvenChance => "roughly even chance",
            Likelihood::Likely => "likely",
            Likelihood::VeryLikely => "very likely",
            Likelihood::AlmostCertain => "almost certain",
        }
    }

    /// The probability band the phrase stands for.
    pub fn band(self) -> &'static str {
        match self {
            Likelihood::AlmostNoChance => "1–5%",
            Likelihood::VeryUnlikely => "5–20%",
            Likelihood::Unlikely => "20–45%",
            Likelihood::RoughlyEvenChance => "45–55%",
            Likelihood::Likely => "55–80%",
            Likelihood::VeryLikely => "80–95%",
            Likelihood::AlmostCertain => "95–99%",
        }
    }

    /// "it is very likely that" / "there is a roughly even chance that".
    pub fn lead_in(self) -> String {
        match self {
            Likelihood::AlmostNoChance => "there is almost no chance that".to_string(),
            Likelihood::RoughlyEvenChance => "there is a roughly even chance that".to_string(),
            _ => format!("it is {} that", self.words()),
        }
    }
}

/// Confidence in a judgement, stated apart from its likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Thin, single-source or stale evidence.
    Low,
    /// Corroborated, or recent but not both.
    Moderate,
    /// Several independent, recent sources.
    High,
}

impl Confidence {
    /// `low`, `moderate` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Moderate => "moderate",
            Confidence::High => "high",
        }
    }
}

/// A likelihood with its confidence and the reason for both, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// How likely.
    pub likelihood: Likelihood,
    /// How sure.
    pub confidence: Confidence,
    /// Why, from the evidence ("2 independent sources; latest 2024-05").
    pub basis: String,
}

/// Evidence last seen more than this many months before the report date
/// (or undated) lowers an observed judgement one step.
pub const STALE_MONTHS: i64 = 36;
/// Evidence at most this many months old counts as recent.
pub const RECENT_MONTHS: i64 = 12;

/// Months from the `YYYY-MM…` date `from` to `to` (`None` if either is not a date).
pub fn months_between(from: &str, to: &str) -> Option<i64> {
    let ym = |s: &str| -> Option<i64> {
        let y: i64 = s.get(0..4)?.parse().ok()?;
        let m: i64 = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        Some(y * 12 + m - 1)
    };
    Some(ym(to)? - ym(from)?)
}

/// Reads the judgement the assessment carries (its words must be ICD 203
/// words and a known confidence, else `None`).
pub fn from_model(j: &watchfloor_model::Judgement) -> Option<Judgement> {
    let likelihood = Likelihood::ALL
        .iter()
        .copied()
        .find(|l| l.words() == j.likelihood)?;
    let confidence = match j.confidence.as_str() {
        "low" => Confidence::Low,
        "moderate" => Confidence::Moderate,
        "high" => Confidence::High,
        _ => return None,
    };
    Some(Judgement {
        likelihood,
        confidence,
        basis: j.basis.clone(),
    })
}

impl Likelihood {
    /// Every level, lowest first.
    pub const ALL: [Likelihood; 7] = [
        Likelihood::AlmostNoChance,
        Likelihood::VeryUnlikely,
        Likelihood::Unlikely,
        Likelihood::RoughlyEvenChance,
        Likelihood::Likely,
        Likelihood::VeryLikely,
        Likelihood::AlmostCertain,
    ];

    fn down(self) -> Likelihood {
        let i = Likelihood::ALL.iter().position(|l| *l == self).unwrap_or(0);
        Likelihood::ALL[i.saturating_sub(1)]
    }
}

/// The judgement an indicator supports: the one the assessment made, else
/// one derived by the same rules as `watchfloor-assess`. For observed
/// statuses it is that the step has happened; for a projection, that it
/// will; for a reversal, that the step still stands. `None` without
/// evidence. `today` is the report date (`YYYY-MM-DD`).
pub fn indicator(ind: &IndicatorAssessment, today: &str) -> Option<Judgement> {
    if let Some(j) = ind.judgement.as_ref().and_then(from_model) {
        return Some(j);
    }
    let sources = ind.sources;
    let likelihood = match ind.status {
        IndicatorStatus::NotObserved => return None,
        IndicatorStatus::Corroborated if sources >= 3 => Likelihood::AlmostCertain,
        IndicatorStatus::Corroborated => Likelihood::VeryLikely,
        IndicatorStatus::Reported => Likelihood::Likely,
        IndicatorStatus::Projected if sources >= 2 => Likelihood::RoughlyEvenChance,
        IndicatorStatus::Projected => Likelihood::Unlikely,
        IndicatorStatus::Reversed => Likelihood::Unlikely,
    };
    let observed = matches!(
        ind.status,
        IndicatorStatus::Corroborated | IndicatorStatus::Reported
    );
    Some(grade(
        likelihood,
        observed,
        sources,
        ind.last_seen.as_deref(),
        today,
    ))
}

/// Grades a likelihood with a confidence from the number of independent
/// sources and the date of the latest evidence: high with three or more
/// sources seen in the last year, moderate with two sources or one recent
/// source, else low. A judgement that something `happened` on stale or
/// undated evidence is lowered one step.
pub fn grade(
    likelihood: Likelihood,
    happened: bool,
    sources: usize,
    last_seen: Option<&str>,
    today: &str,
) -> Judgement {
    let age = last_seen.and_then(|d| months_between(d, today));
    let recent = age.is_some_and(|a| a <= RECENT_MONTHS);
    let stale = age.is_none_or(|a| a > STALE_MONTHS);
    let likelihood = if happened && stale {
        likelihood.down()
    } else {
        likelihood
    };
    let confidence = if sources >= 3 && recent {
        Confidence::High
    } else if sources >= 2 || (sources == 1 && recent) {
        Confidence::Moderate
    } else {
        Confidence::Low
    };
    let source_words = match sources {
        1 => "one independent source".to_string(),
        n => format!("{n} independent sources"),
    };
    let when = match (last_seen, age) {
        (Some(d), Some(a)) => format!("latest evidence {d}, {a} month(s) before the report date"),
        _ => "evidence undated".to_string(),
    };
    Judgement {
        likelihood,
        confidence,
        basis: format!("{source_words}; {when}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use watchfloor_model::Domain;

    fn ind(status: IndicatorStatus, sources: usize, last: Option<&str>) -> IndicatorAssessment {
        IndicatorAssessment {
            id: "x".into(),
            domain: Domain::Military,
            statement: "s".into(),
            weight: 1.0,
            status,
            score: 0.5,
            sources,
            first_seen: last.map(String::from),
            last_seen: last.map(String::from),
            modalities: BTreeMap::new(),
            evidence: Vec::new(),
            objective: None,
            evidence_total: 0,
            judgement: None,
        }
    }

    #[test]
    fn likelihood_follows_status_and_corroboration() {
        let t = "2025-06-01";
        let j = |s, n| indicator(&ind(s, n, Some("2025-05-01")), t).map(|j| j.likelihood);
        assert_eq!(j(IndicatorStatus::NotObserved, 0), None);
        assert_eq!(j(IndicatorStatus::Reported, 1), Some(Likelihood::Likely));
        assert_eq!(
            j(IndicatorStatus::Corroborated, 2),
            Some(Likelihood::VeryLikely)
        );
        assert_eq!(
            j(IndicatorStatus::Corroborated, 4),
            Some(Likelihood::AlmostCertain)
        );
        assert_eq!(j(IndicatorStatus::Projected, 1), Some(Likelihood::Unlikely));
        assert_eq!(
            j(IndicatorStatus::Projected, 2),
            Some(Likelihood::RoughlyEvenChance)
        );
        assert_eq!(j(IndicatorStatus::Reversed, 1), Some(Likelihood::Unlikely));
        // Stale evidence lowers a judgement that something happened.
        let old = indicator(&ind(IndicatorStatus::Reported, 1, Some("2020-01-01")), t);
        assert_eq!(
            old.map(|j| j.likelihood),
            Some(Likelihood::RoughlyEvenChance)
        );
    }

    #[test]
    fn confidence_needs_sources_and_recency() {
        let t = "2025-06-01";
        let c = |n, last: Option<&str>| {
            indicator(&ind(IndicatorStatus::Corroborated, n, last), t)
                .map(|j| j.confidence)
                .unwrap_or(Confidence::Low)
        };
        assert_eq!(c(3, Some("2025-03-01")), Confidence::High);
        assert_eq!(c(3, Some("2023-12-01")), Confidence::Moderate);
        assert_eq!(c(2, Some("2019-01-01")), Confidence::Moderate);
        assert_eq!(c(1, Some("2025-03-01")), Confidence::Moderate);
        assert_eq!(c(1, Some("2021-03-01")), Confidence::Low);
        assert_eq!(c(1, None), Confidence::Low);
    }

    #[test]
    fn the_assessments_own_judgement_wins() {
        let mut i = ind(IndicatorStatus::Reported, 1, Some("2025-05-01"));
        i.judgement = Some(watchfloor_model::Judgement {
            likelihood: "very likely".into(),
            probability: "80-95%".into(),
            confidence: "high".into(),
            text: "t".into(),
            basis: "from assess".into(),
        });
        let j = indicator(&i, "2025-06-01").expect("judged");
        assert_eq!(j.likelihood, Likelihood::VeryLikely);
        assert_eq!(j.confidence, Confidence::High);
        assert_eq!(j.basis, "from assess");
        // Words outside ICD 203 are not trusted: derive instead.
        if let Some(m) = i.judgement.as_mut() {
            m.likelihood = "probably".into();
        }
        assert_eq!(
            indicator(&i, "2025-06-01").map(|j| j.likelihood),
            Some(Likelihood::Likely)
        );
    }

    #[test]
    fn months_between_reads_partial_dates() {
        assert_eq!(months_between("2021", "2023-01-15"), Some(24));
        assert_eq!(months_between("2024-11-30", "2025-02-01"), Some(3));
        assert_eq!(months_between("n/a", "2025-02-01"), None);
    }

    #[test]
    fn lead_in_reads_as_english() {
        assert_eq!(Likelihood::Likely.lead_in(), "it is likely that");
        assert_eq!(
            Likelihood::RoughlyEvenChance.lead_in(),
            "there is a roughly even chance that"
        );
        assert_eq!(
            Likelihood::AlmostNoChance.lead_in(),
            "there is almost no chance that"
        );
    }
}
