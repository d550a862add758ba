//! Assessment runs: each run's indicator statuses per campaign, so the next
//! run can report what changed since.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use watchfloor_model::{Assessment, IndicatorStatus};

use crate::{Store, StoreError};

/// A saved assessment run.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRun {
    /// Run ID (increasing).
    pub id: i64,
    /// Campaign pack name.
    pub campaign: String,
    /// When the run was made (RFC 3339).
    pub generated_at: String,
    /// The day it judged against.
    pub as_of: Option<String>,
    /// Status of each indicator then.
    pub statuses: BTreeMap<String, IndicatorStatus>,
}

fn status_text(s: IndicatorStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Store {
    /// Saves an assessment's indicator statuses as a new run; returns its ID.
    pub fn save_assessment_run(&mut self, a: &Assessment) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO assessment_runs (campaign, generated_at, as_of) VALUES (?1, ?2, ?3)",
            params![a.campaign, a.generated_at, a.as_of],
        )?;
        let run = tx.last_insert_rowid();
        {
            let mut stmt = tx.prepare(
                "INSERT INTO assessment_statuses (run_id, indicator, status, score, sources)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for i in &a.indicators {
                stmt.execute(params![
                    run,
                    i.id,
                    status_text(i.status),
                    i.score,
                    i.sources as i64
                ])?;
            }
        }
        tx.commit()?;
        Ok(run)
    }

    /// The latest saved run of a campaign, if any.
    pub fn last_assessment_run(&self, campaign: &str) -> Result<Option<AssessmentRun>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT id, generated_at, as_of FROM assessment_runs
                 WHERE campaign = ?1 ORDER BY id DESC LIMIT 1",
                [campaign],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, generated_at, as_of)) = head else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT indicator, status FROM assessment_statuses WHERE run_id = ?1")?;
        let mut statuses = BTreeMap::new();
        for row in stmt.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (indicator, status) = row?;
            let status: IndicatorStatus =
                serde_json::from_value(serde_json::Value::String(status))?;
            statuses.insert(indicator, status);
        }
        Ok(Some(AssessmentRun {
            id,
            campaign: campaign.to_string(),
            generated_at,
            as_of,
            statuses,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use watchfloor_model::{Domain, IndicatorAssessment};

    fn assessment(campaign: &str, statuses: &[(&str, IndicatorStatus)]) -> Assessment {
        Assessment {
            campaign: campaign.into(),
            title: "t".into(),
            aggressor: "RUS".into(),
            target: "BLR".into(),
            generated_at: "2025-01-01T00:00:00Z".into(),
            indicators: statuses
                .iter()
                .map(|(id, s)| IndicatorAssessment {
                    id: id.to_string(),
                    domain: Domain::Military,
                    statement: "s".into(),
                    weight: 1.0,
                    status: *s,
                    score: 0.5,
                    sources: 1,
                    first_seen: None,
                    last_seen: None,
                    modalities: BTreeMap::new(),
                    evidence: Vec::new(),
                    objective: None,
                    evidence_total: 0,
                    judgement: None,
                })
                .collect(),
            indices: BTreeMap::new(),
            formula: String::new(),
            changes: Vec::new(),
            as_of: Some("2025-01-01".into()),
            changes_since: None,
        }
    }

    #[test]
    fn the_last_run_of_a_campaign_comes_back() {
        let mut store = Store::open_in_memory().expect("store");
        assert_eq!(store.last_assessment_run("a").expect("query"), None);
        let first = store
            .save_assessment_run(&assessment("a", &[("X", IndicatorStatus::Reported)]))
            .expect("save");
        store
            .save_assessment_run(&assessment("b", &[("X", IndicatorStatus::Projected)]))
            .expect("save");
        let second = store
            .save_assessment_run(&assessment(
                "a",
                &[
                    ("X", IndicatorStatus::Corroborated),
                    ("Y", IndicatorStatus::NotObserved),
                ],
            ))
            .expect("save");
        assert!(second > first);
        let run = store
            .last_assessment_run("a")
            .expect("query")
            .expect("a run");
        assert_eq!(run.id, second);
        assert_eq!(run.statuses["X"], IndicatorStatus::Corroborated);
        assert_eq!(run.statuses["Y"], IndicatorStatus::NotObserved);
        let other = store
            .last_assessment_run("b")
            .expect("query")
            .expect("b run");
        assert_eq!(other.statuses["X"], IndicatorStatus::Projected);
    }
}
