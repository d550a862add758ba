//! A hand-built assessment for the unit tests (the model type is the
//! contract between assess and publish).

use std::collections::BTreeMap;

use watchfloor_model::{
    Assessment, Change, Domain, EvidenceItem, IndexPoint, IndicatorAssessment, IndicatorStatus,
    Modality,
};

use crate::report::ReportContext;

pub const HOSTILE: &str =
    "Officials said \"<script>alert(1)</script>\" & 'more' \u{202E}desrever\u{202C} here.";

#[allow(clippy::too_many_arguments)]
pub fn ev(
    document: i64,
    event: i64,
    event_type: &str,
    modality: Modality,
    date: Option<&str>,
    quote: &str,
    at: Option<(f64, f64)>,
) -> EvidenceItem {
    EvidenceItem {
        document,
        source: format!("https://example.org/doc/{document}"),
        title: Some(format!("Document {document}")),
        date: date.map(String::from),
        modality,
        quote: quote.to_string(),
        event,
        event_type: event_type.to_string(),
        place: at.map(|_| "geo:625144".to_string()),
        lat: at.map(|p| p.0),
        lon: at.map(|p| p.1),
    }
}

fn ind(
    id: &str,
    domain: Domain,
    statement: &str,
    status: IndicatorStatus,
    sources: usize,
    evidence: Vec<EvidenceItem>,
) -> IndicatorAssessment {
    let dates: Vec<String> = evidence.iter().filter_map(|e| e.date.clone()).collect();
    IndicatorAssessment {
        id: id.into(),
        domain,
        statement: statement.into(),
        weight: 1.0,
        status,
        score: match status {
            IndicatorStatus::Corroborated => 1.0,
            IndicatorStatus::Reported => 0.6,
            IndicatorStatus::Projected => 0.2,
            _ => 0.0,
        },
        sources,
        first_seen: dates.iter().min().cloned(),
        last_seen: dates.iter().max().cloned(),
        modalities: BTreeMap::new(),
        evidence_total: evidence.len(),
        evidence,
        objective: None,
        judgement: None,
    }
}

pub fn assessment() -> Assessment {
    use IndicatorStatus::{Corroborated, NotObserved, Reported};
    use Modality::{Negated, Observed, Ongoing};
    const PROJECTED: IndicatorStatus = IndicatorStatus::Projected;
    const FORECAST: Modality = Modality::Projected;
    let minsk = Some((53.9, 27.57));
    Assessment {
        campaign: "russia-belarus".into(),
        title: "Russia's absorption of Belarus".into(),
        aggressor: "RUS".into(),
        target: "BLR".into(),
        generated_at: "2025-06-01T00:00:00Z".into(),
        indicators: vec![
            ind(
                "mil.air_defence",
                Domain::Military,
                "Russian air defence systems operate in Belarus",
                Corroborated,
                3,
                vec![
                    ev(1, 11, "air_defence_integration", Observed, Some("2025-03-02"), "Russian S-400 batteries were deployed near Minsk.", minsk),
                    ev(2, 21, "air_defence_integration", Observed, Some("2025-02-10"), "Moscow controls the Belarusian airspace.", None),
                    ev(3, 31, "air_defence_integration", Ongoing, Some("2024-12-01"), HOSTILE, None),
                ],
            ),
            ind(
                "mil.permanent_units",
                Domain::Military,
                "Permanent Russian armoured and rocket units in Belarus",
                PROJECTED,
                1,
                vec![ev(1, 12, "deployment", FORECAST, None, "Russia can strive for the permanent deployment of its armored and rocket units in Belarus.", None)],
            ),
            ind(
                "pol.union_programmes",
                Domain::Political,
                "Union programmes signed",
                Reported,
                1,
                vec![ev(1, 13, "agreement_signed", Observed, Some("2021-11-04"), "In 2021, 28 integration programmes were signed.", None)],
            ),
            ind(
                "econ.single_currency",
                Domain::Economic,
                "A single currency is introduced",
                PROJECTED,
                1,
                vec![
                    ev(1, 14, "monetary_integration", FORECAST, None, "Russia will proceed with the introduction of a single currency.", None),
                    ev(1, 15, "monetary_integration", Negated, None, "No single currency has yet been decided.", None),
                ],
            ),
            ind(
                "info.textbook",
                Domain::Information,
                "A common history textbook is introduced",
                NotObserved,
                0,
                vec![],
            ),
        ],
        indices: BTreeMap::from([(
            "overall".to_string(),
            vec![
                IndexPoint { month: "2021-11".into(), value: 0.2 },
                IndexPoint { month: "2024-12".into(), value: 0.4 },
                IndexPoint { month: "2025-03".into(), value: 0.55 },
            ],
        )]),
        formula: "weighted mean of indicator scores".into(),
        as_of: Some("2025-06-01".into()),
        changes_since: Some("2025-01-01".into()),
        changes: vec![Change {
            indicator: "mil.air_defence".into(),
            kind: "newly_corroborated".into(),
            from: Reported,
            to: Corroborated,
            summary: "Air defence presence is now corroborated".into(),
        }],
    }
}

pub fn context() -> ReportContext {
    ReportContext {
        today: None,
        since: Some("2025-01-01".into()),
        event_countries: BTreeMap::from([(21, "BLR".to_string()), (31, "BLR".to_string())]),
        published: BTreeMap::from([(1, Some("2025-03-05".to_string()))]),
        place_names: BTreeMap::from([("geo:625144".to_string(), "Minsk".to_string())]),
        capitals: vec![
            ("Minsk".to_string(), 53.9002, 27.5665),
            ("Moscow".to_string(), 55.752, 37.6178),
            ("Canberra".to_string(), -35.28, 149.13),
        ],
    }
}
