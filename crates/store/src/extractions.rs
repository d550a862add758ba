//! Storing extraction results: the contract record of each document, plus
//! its mentions and events as rows that assessment and the API can query.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use watchfloor_model::{
    DateSpan, Document, DocumentFormat, ExtractRecord, Modality, TimePrecision,
};

use crate::{now_rfc3339, Store, StoreError};

/// A stored event with the document it came from.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    /// Database ID of the event.
    pub id: i64,
    /// The document it was read from.
    pub document_id: i64,
    /// The document's source (path or URL).
    pub source: String,
    /// The document's title.
    pub title: Option<String>,
    /// The document's publication date.
    pub published: Option<String>,
    /// The earlier document this one nearly copies, if any (independent
    /// source counting folds the two together).
    pub duplicate_of: Option<i64>,
    /// The event as extracted.
    pub event: watchfloor_model::EventRecord,
}

/// Which events to read back.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only these types (empty: all).
    pub types: Vec<String>,
    /// Only events dated on or after this day (undated events are kept
    /// when their document was published on or after it).
    pub since: Option<String>,
}

impl Store {
    /// Documents whose stored extraction is missing or was made by another
    /// extractor version (a changed catalogue or rule set), in ID order.
    pub fn documents_to_extract(&self, extractor: &str) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT d.id FROM documents d LEFT JOIN extractions x ON x.document_id = d.id
             WHERE x.document_id IS NULL OR x.extractor <> ?1 ORDER BY d.id",
        )?;
        let ids = stmt
            .query_map([extractor], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// A stored document as the extractor reads it.
    pub fn document_for_extraction(
        &self,
        id: i64,
    ) -> Result<Option<(String, Document)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT doc_hash, source, title, published, language, format, encoding, text
                 FROM documents WHERE id = ?1",
                [id],
                |r| {
                    let format: String = r.get(5)?;
                    Ok((
                        r.get(0)?,
                        Document {
                            source: r.get(1)?,
                            title: r.get(2)?,
                            published: r.get(3)?,
                            language: r.get(4)?,
                            format: DocumentFormat::parse(&format).unwrap_or(DocumentFormat::Text),
                            encoding: r.get(6)?,
                            text: r.get(7)?,
                        },
                    ))
                },
            )
            .optional()?)
    }

    /// Replaces the stored extraction of a document, in one transaction.
    pub fn save_extraction(
        &mut self,
        document_id: i64,
        record: &ExtractRecord,
        extractor: &str,
    ) -> Result<(), StoreError> {
        self.save_extractions(&[(document_id, record)], extractor)
    }

    /// Replaces the stored extractions of several documents in one
    /// transaction: all of them land or none does, and a batch costs one
    /// commit instead of one per document.
    pub fn save_extractions(
        &mut self,
        records: &[(i64, &ExtractRecord)],
        extractor: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut clear_links = tx.prepare_cached(
                "DELETE FROM event_entities WHERE event_id IN (SELECT id FROM events WHERE document_id = ?1)",
            )?;
            let mut clear_events =
                tx.prepare_cached("DELETE FROM events WHERE document_id = ?1")?;
            let mut clear_mentions =
                tx.prepare_cached("DELETE FROM mentions WHERE document_id = ?1")?;
            let mut extraction = tx.prepare_cached(
                "INSERT OR REPLACE INTO extractions (document_id, extractor, extracted_at, record)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut mention = tx.prepare_cached(
                "INSERT INTO mentions (document_id, entity_id, start, end, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut event = tx.prepare_cached(
                "INSERT INTO events (document_id, seq, type, domain, modality, date_start, date_end,
                     date_precision, actors, entities, place, country, lat, lon, confidence,
                     evidence_start, evidence_end, evidence_text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?;
            let mut link = tx.prepare_cached(
                "INSERT INTO event_entities (event_id, entity_id, role) VALUES (?1, ?2, ?3)",
            )?;
            let extracted_at = now_rfc3339();
            for &(document_id, record) in records {
                clear_links.execute([document_id])?;
                clear_events.execute([document_id])?;
                clear_mentions.execute([document_id])?;
                extraction.execute(params![
                    document_id,
                    extractor,
                    extracted_at,
                    serde_json::to_string(record)?
                ])?;
                for entity in &record.entities {
                    for m in &entity.mentions {
                        mention.execute(params![
                            document_id,
                            entity.id,
                            m.start as i64,
                            m.end as i64,
                            m.text
                        ])?;
                    }
                }
                for (seq, e) in record.events.iter().enumerate() {
                    let place = e
                        .place
                        .as_ref()
                        .and_then(|p| record.places.iter().find(|x| &x.id == p));
                    event.execute(params![
                        document_id,
                        seq as i64,
                        e.event_type.as_str(),
                        e.domain.as_str(),
                        e.modality.as_str(),
                        e.date.as_ref().map(|d| d.start.clone()),
                        e.date.as_ref().map(|d| d.end.clone()),
                        e.date.as_ref().map(|d| d.precision.as_str()),
                        serde_json::to_string(&e.actors)?,
                        serde_json::to_string(&e.entities)?,
                        e.place,
                        e.country,
                        place.and_then(|p| p.lat),
                        place.and_then(|p| p.lon),
                        e.confidence,
                        e.evidence.start as i64,
                        e.evidence.end as i64,
                        e.evidence.text,
                    ])?;
                    let event_id = tx.last_insert_rowid();
                    for a in &e.actors {
                        link.execute(params![event_id, a, "actor"])?;
                    }
                    for a in &e.entities {
                        link.execute(params![event_id, a, "involved"])?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored extraction record of a document, if any.
    pub fn extraction(&self, document_id: i64) -> Result<Option<ExtractRecord>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT record FROM extractions WHERE document_id = ?1",
                [document_id],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(StoreError::from))
            .transpose()
    }

    /// Stored events with their documents, oldest document first.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.document_id, d.source, d.title, d.published, d.duplicate_of,
                    e.type, e.modality, e.date_start, e.date_end, e.date_precision,
                    e.actors, e.entities, e.place, e.country, e.confidence,
                    e.evidence_start, e.evidence_end, e.evidence_text
             FROM events e JOIN documents d ON d.id = e.document_id
             WHERE (?1 IS NULL OR COALESCE(e.date_end, d.published) >= ?1)
             ORDER BY e.document_id, e.seq",
        )?;
        let rows = stmt.query_map([filter.since.as_deref()], |r| {
            let kind: String = r.get(6)?;
            let modality: String = r.get(7)?;
            let start: Option<String> = r.get(8)?;
            let end: Option<String> = r.get(9)?;
            let precision: Option<String> = r.get(10)?;
            let actors: String = r.get(11)?;
            let entities: String = r.get(12)?;
            Ok((
                StoredEventRow {
                    id: r.get(0)?,
                    document_id: r.get(1)?,
                    source: r.get(2)?,
                    title: r.get(3)?,
                    published: r.get(4)?,
                    duplicate_of: r.get(5)?,
                    place: r.get(13)?,
                    country: r.get(14)?,
                    confidence: r.get(15)?,
                    evidence: watchfloor_model::Evidence {
                        start: r.get::<_, i64>(16)? as usize,
                        end: r.get::<_, i64>(17)? as usize,
                        text: r.get(18)?,
                    },
                },
                kind,
                modality,
                (start, end, precision),
                actors,
                entities,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (row, kind, modality, (start, end, precision), actors, entities) = row?;
            let Some(event_type) = watchfloor_model::EventType::parse(&kind) else {
                continue;
            };
            if !filter.types.is_empty() && !filter.types.iter().any(|t| t == &kind) {
                continue;
            }
            let date = match (
                start,
                end,
                precision.as_deref().and_then(TimePrecision::parse),
            ) {
                (Some(start), Some(end), Some(precision)) => Some(DateSpan {
                    start,
                    end,
                    precision,
                }),
                _ => None,
            };
            out.push(StoredEvent {
                id: row.id,
                document_id: row.document_id,
                source: row.source,
                title: row.title,
                published: row.published,
                duplicate_of: row.duplicate_of,
                event: watchfloor_model::EventRecord {
                    event_type,
                    domain: event_type.domain(),
                    modality: Modality::parse(&modality).unwrap_or(Modality::Observed),
                    date,
                    actors: serde_json::from_str(&actors)?,
                    entities: serde_json::from_str(&entities)?,
                    place: row.place,
                    country: row.country,
                    confidence: row.confidence,
                    evidence: row.evidence,
                    cues: Vec::new(),
                },
            });
        }
        Ok(out)
    }
}

struct StoredEventRow {
    id: i64,
    document_id: i64,
    source: String,
    title: Option<String>,
    published: Option<String>,
    duplicate_of: Option<i64>,
    place: Option<String>,
    country: Option<String>,
    confidence: f64,
    evidence: watchfloor_model::Evidence,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InsertOutcome, NewDocument};

    fn stored(store: &mut Store, text: &str) -> i64 {
        let document = Document {
            source: format!("{text}.txt"),
            title: None,
            published: Some("2024-01-02".into()),
            language: Some("en".into()),
            format: DocumentFormat::Text,
            encoding: "utf-8".into(),
            text: text.into(),
        };
        match store
            .insert_document(&NewDocument {
                document: &document,
                hash: &format!("sha256:{text}"),
                simhash: text.len() as u64 * 0x9e37_79b9,
                bytes: text.len(),
            })
            .unwrap()
        {
            InsertOutcome::Stored { id } => id,
            other => panic!("not stored: {other:?}"),
        }
    }

    /// A record with `events` exercise events, each naming Belarus as actor.
    fn record(events: usize) -> ExtractRecord {
        let event = serde_json::json!({
            "type": "exercise", "domain": "military", "modality": "observed",
            "date": null, "actors": ["country:BLR"], "entities": [],
            "place": null, "country": "BLR", "confidence": 0.7,
            "evidence": {"start": 0, "end": 5, "text": "Drill"}, "cues": ["drill"]
        });
        serde_json::from_value(serde_json::json!({
            "doc": {"id": "sha256:x", "source": "x.txt", "title": null, "language": "en",
                    "published": null, "chars": 5},
            "entities": [{"id": "country:BLR", "kind": "country", "name": "Belarus",
                          "mentions": [{"start": 0, "end": 5, "text": "Drill"}]}],
            "places": [],
            "events": vec![event; events],
        }))
        .unwrap()
    }

    fn count(store: &Store, table: &str, document_id: i64) -> i64 {
        store
            .conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE document_id = ?1"),
                [document_id],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn a_batch_is_saved_whole_and_saving_again_replaces_it() {
        let mut store = Store::open_in_memory().unwrap();
        let (a, b) = (
            stored(&mut store, "first text"),
            stored(&mut store, "second text"),
        );
        let (ra, rb) = (record(2), record(3));
        store.save_extractions(&[(a, &ra), (b, &rb)], "v1").unwrap();
        assert_eq!(
            (count(&store, "events", a), count(&store, "events", b)),
            (2, 3)
        );
        assert_eq!(count(&store, "mentions", b), 1);
        assert_eq!(store.extraction(b).unwrap(), Some(rb));
        assert!(store.documents_to_extract("v1").unwrap().is_empty());
        // A new extractor version re-extracts; its batch replaces the rows.
        assert_eq!(store.documents_to_extract("v2").unwrap(), vec![a, b]);
        let one = record(1);
        store
            .save_extractions(&[(a, &one), (b, &one)], "v2")
            .unwrap();
        assert_eq!(
            (count(&store, "events", a), count(&store, "events", b)),
            (1, 1)
        );
        let links: i64 = store
            .conn
            .query_row("SELECT count(*) FROM event_entities", [], |r| r.get(0))
            .unwrap();
        assert_eq!(links, 2, "one actor link per remaining event");
    }

    #[test]
    fn a_failing_batch_leaves_nothing_behind() {
        let mut store = Store::open_in_memory().unwrap();
        let a = stored(&mut store, "first text");
        let r = record(2);
        // The second document does not exist: its rows break a foreign key,
        // and the first document's rows must not land either.
        assert!(store
            .save_extractions(&[(a, &r), (a + 100, &r)], "v1")
            .is_err());
        assert_eq!(count(&store, "events", a), 0);
        assert_eq!(store.extraction(a).unwrap(), None);
    }
}
