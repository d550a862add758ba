//! Read queries for the workbench: events filtered by type, modality, date
//! range and bounding box (served by the (type, date) index and the events
//! R*Tree), full-text search over documents (FTS5), and counts of entities
//! and places.

use rusqlite::types::Value;
use serde::Serialize;

use crate::{Store, StoreError};

/// Which events to list. Every filter is optional; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Only these event types (empty: all).
    pub types: Vec<String>,
    /// Only these modalities (empty: all).
    pub modalities: Vec<String>,
    /// Only events starting on or after this day (`YYYY-MM-DD`); undated
    /// events are left out when a date bound is given.
    pub from: Option<String>,
    /// Only events starting on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// What to do with undated events.
    pub undated: Undated,
    /// Only located events inside `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: Option<[f64; 4]>,
    /// Only events read from this document.
    pub document: Option<i64>,
    /// At most this many rows.
    pub limit: i64,
    /// Skip this many rows first.
    pub offset: i64,
}

/// Whether a listing keeps events without a date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Undated {
    /// Kept unless a date bound (`from`, `to`) is given.
    #[default]
    Auto,
    /// Kept whatever the date bounds (they apply to dated events only).
    Include,
    /// Left out.
    Exclude,
    /// Only undated events (date bounds are then ignored).
    Only,
}

impl Undated {
    /// The names the API takes.
    pub const NAMES: &'static [&'static str] = &["include", "exclude", "only"];

    /// Reads `include`, `exclude` or `only`.
    pub fn parse(name: &str) -> Option<Undated> {
        match name {
            "include" => Some(Undated::Include),
            "exclude" => Some(Undated::Exclude),
            "only" => Some(Undated::Only),
            _ => None,
        }
    }
}

/// One event as the workbench lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    /// Event ID.
    pub id: i64,
    /// The document it was read from.
    pub document_id: i64,
    /// The document's title.
    pub title: Option<String>,
    /// The document's source (path or URL).
    pub source: String,
    /// The document's publication date.
    pub published: Option<String>,
    /// Event type, e.g. `exercise`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Domain, e.g. `military`.
    pub domain: String,
    /// Modality, e.g. `observed`.
    pub modality: String,
    /// Actor entity IDs, most active first.
    pub actors: Vec<String>,
    /// Other entity IDs involved (exercise, weapon, site…).
    pub entities: Vec<String>,
    /// First day (`YYYY-MM-DD`), if dated.
    pub date_start: Option<String>,
    /// Last day, if dated.
    pub date_end: Option<String>,
    /// How precisely it is dated (`day`, `month`, `year`, `range`,
    /// `relative`), if dated.
    pub date_precision: Option<String>,
    /// Gazetteer place ID, if placed.
    pub place: Option<String>,
    /// ISO country code, if known.
    pub country: Option<String>,
    /// Latitude, if located.
    pub lat: Option<f64>,
    /// Longitude, if located.
    pub lon: Option<f64>,
    /// Extraction confidence (0–1).
    pub confidence: f64,
    /// Start of the evidence sentence in the document text (characters).
    pub evidence_start: i64,
    /// End of the evidence sentence (characters, exclusive).
    pub evidence_end: i64,
    /// The evidence sentence.
    pub evidence_text: String,
}

/// A document found by full-text search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// Document ID.
    pub id: i64,
    /// Title.
    pub title: Option<String>,
    /// Source.
    pub source: String,
    /// Publication date.
    pub published: Option<String>,
    /// A short excerpt around the match; matched words are between U+E000
    /// and U+E001 (private-use marks, never HTML).
    pub snippet: String,
}

/// How often an entity or place is mentioned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    /// Catalogue or gazetteer ID.
    pub id: String,
    /// Mentions (entities) or events (places).
    pub count: i64,
    /// Distinct documents.
    pub documents: i64,
    /// Country of a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Latitude of a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude of a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// The span of dated events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventExtent {
    /// Earliest event start.
    pub first: Option<String>,
    /// Latest event start.
    pub last: Option<String>,
}

/// Bounding boxes up to this many square degrees are looked up in the
/// events R*Tree; larger ones filter rows read in date order.
const RTREE_MAX_AREA: f64 = 100.0;

/// Marks FTS5 puts around matched words in snippets.
pub const SNIPPET_OPEN: char = '\u{E000}';
/// See [`SNIPPET_OPEN`].
pub const SNIPPET_CLOSE: char = '\u{E001}';

/// Turns words typed by a person into an FTS5 query that cannot be a
/// syntax error: each word becomes a quoted phrase (all must match).
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn in_list(column: &str, values: &[String], args: &mut Vec<Value>) -> String {
    let marks: Vec<&str> = values.iter().map(|_| "?").collect();
    args.extend(values.iter().map(|v| Value::Text(v.clone())));
    format!("{column} IN ({})", marks.join(","))
}

impl Store {
    /// Events matching `q`, newest start date first (undated last).
    pub fn query_events(&self, q: &EventQuery) -> Result<Vec<EventRow>, StoreError> {
        let mut wheres: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut from = "events e".to_string();
        if let Some([min_lon, min_lat, max_lon, max_lat]) = q.bbox {
            if (max_lon - min_lon) * (max_lat - min_lat) <= RTREE_MAX_AREA {
                // A small box: the R*Tree finds its few events directly.
                from = "events_rtree r JOIN events e ON e.id = r.id".into();
                wheres.push(
                    "r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?"
                        .into(),
                );
            } else {
                // A large box holds most events: reading rows newest first
                // through the date index and stopping at the limit is faster.
                wheres.push("e.lat >= ? AND e.lat <= ? AND e.lon >= ? AND e.lon <= ?".into());
            }
            args.extend([min_lat, max_lat, min_lon, max_lon].map(Value::Real));
        }
        if !q.types.is_empty() {
            wheres.push(in_list("e.type", &q.types, &mut args));
        }
        if !q.modalities.is_empty() {
            wheres.push(in_list("e.modality", &q.modalities, &mut args));
        }
        if let Some(id) = q.document {
            wheres.push("e.document_id = ?".into());
            args.push(Value::Integer(id));
        }
        let mut dated: Vec<String> = Vec::new();
        let mut bounds: Vec<Value> = Vec::new();
        if let Some(d) = &q.from {
            dated.push("e.date_start >= ?".into());
            bounds.push(Value::Text(d.clone()));
        }
        if let Some(d) = &q.to {
            dated.push("e.date_start <= ?".into());
            bounds.push(Value::Text(d.clone()));
        }
        // Each branch adds its date conditions to the common ones; two
        // branches (dated in range, then undated) are two index lookups
        // joined by UNION ALL, which is much faster than one OR.
        let branches: Vec<(Vec<String>, Vec<Value>)> = match q.undated {
            Undated::Auto => vec![(dated, bounds)],
            Undated::Include if !dated.is_empty() => vec![
                (dated, bounds),
                (vec!["e.date_start IS NULL".into()], Vec::new()),
            ],
            Undated::Include => vec![(Vec::new(), Vec::new())],
            Undated::Exclude => {
                dated.push("e.date_start IS NOT NULL".into());
                vec![(dated, bounds)]
            }
            Undated::Only => vec![(vec!["e.date_start IS NULL".into()], Vec::new())],
        };
        const COLUMNS: &str = "e.id AS id, e.document_id, d.title, d.source, d.published,
            e.type, e.domain, e.modality, e.date_start AS date_start, e.date_end, e.place,
            e.country, e.lat, e.lon, e.confidence, e.evidence_start, e.evidence_end,
            e.evidence_text, e.actors, e.date_precision, e.entities";
        let mut all_args: Vec<Value> = Vec::new();
        let mut selects = Vec::new();
        let single = branches.len() == 1;
        for (extra, extra_args) in branches {
            let conditions: Vec<&str> = wheres
                .iter()
                .chain(extra.iter())
                .map(String::as_str)
                .collect();
            let where_sql = if conditions.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", conditions.join(" AND "))
            };
            all_args.extend(args.iter().cloned());
            all_args.extend(extra_args);
            let page = if single {
                "LIMIT ? OFFSET ?"
            } else {
                // Enough of each branch for the page.
                all_args.push(Value::Integer(q.limit.saturating_add(q.offset)));
                "LIMIT ?"
            };
            selects.push(format!(
                "SELECT {COLUMNS} FROM {from} JOIN documents d ON d.id = e.document_id
                 {where_sql} ORDER BY e.date_start DESC, e.id DESC {page}"
            ));
        }
        let sql = if single {
            selects.remove(0)
        } else {
            let parts: Vec<String> = selects
                .iter()
                .map(|s| format!("SELECT * FROM ({s})"))
                .collect();
            format!(
                "SELECT * FROM ({}) ORDER BY date_start DESC, id DESC LIMIT ? OFFSET ?",
                parts.join(" UNION ALL ")
            )
        };
        all_args.push(Value::Integer(q.limit));
        all_args.push(Value::Integer(q.offset));
        let args = all_args;
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            let actors: String = r.get(18)?;
            let entities: String = r.get(20)?;
            Ok((
                (actors, entities),
                EventRow {
                    id: r.get(0)?,
                    document_id: r.get(1)?,
                    title: r.get(2)?,
                    source: r.get(3)?,
                    published: r.get(4)?,
                    event_type: r.get(5)?,
                    domain: r.get(6)?,
                    modality: r.get(7)?,
                    date_start: r.get(8)?,
                    date_end: r.get(9)?,
                    place: r.get(10)?,
                    country: r.get(11)?,
                    lat: r.get(12)?,
                    lon: r.get(13)?,
                    confidence: r.get(14)?,
                    evidence_start: r.get(15)?,
                    evidence_end: r.get(16)?,
                    evidence_text: r.get(17)?,
                    actors: Vec::new(),
                    entities: Vec::new(),
                    date_precision: r.get(19)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((actors, entities), mut row) = row?;
            row.actors = serde_json::from_str(&actors)?;
            row.entities = serde_json::from_str(&entities)?;
            out.push(row);
        }
        Ok(out)
    }

    /// Documents whose title or text contain every word of `text`, best
    /// match first.
    pub fn search_documents(&self, text: &str, limit: i64) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.title, d.source, d.published,
                    snippet(documents_fts, 1, char(57344), char(57345), '…', 24)
             FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
             WHERE documents_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![query, limit], |r| {
            Ok(SearchHit {
                id: r.get(0)?,
                title: r.get(1)?,
                source: r.get(2)?,
                published: r.get(3)?,
                snippet: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Entities by number of mentions, most mentioned first.
    pub fn entity_tallies(&self, limit: i64) -> Result<Vec<Tally>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity_id, COUNT(*), COUNT(DISTINCT document_id) FROM mentions
             GROUP BY entity_id ORDER BY COUNT(*) DESC, entity_id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(Tally {
                id: r.get(0)?,
                count: r.get(1)?,
                documents: r.get(2)?,
                country: None,
                lat: None,
                lon: None,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Places events happened at, by number of events, most first.
    pub fn place_tallies(&self, limit: i64) -> Result<Vec<Tally>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT place, COUNT(*), COUNT(DISTINCT document_id), MAX(country), MAX(lat), MAX(lon)
             FROM events WHERE place IS NOT NULL
             GROUP BY place ORDER BY COUNT(*) DESC, place LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(Tally {
                id: r.get(0)?,
                count: r.get(1)?,
                documents: r.get(2)?,
                country: r.get(3)?,
                lat: r.get(4)?,
                lon: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// First and last event start dates.
    pub fn event_extent(&self) -> Result<EventExtent, StoreError> {
        // Two index lookups on events_date rather than one scan.
        let first = self.conn.query_row(
            "SELECT date_start FROM events WHERE date_start IS NOT NULL ORDER BY date_start LIMIT 1",
            [],
            |r| r.get(0),
        );
        let last = self.conn.query_row(
            "SELECT date_start FROM events WHERE date_start IS NOT NULL ORDER BY date_start DESC LIMIT 1",
            [],
            |r| r.get(0),
        );
        let opt = |r: rusqlite::Result<String>| match r {
            Ok(v) => Ok(Some(v)),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e),
        };
        Ok(EventExtent {
            first: opt(first)?,
            last: opt(last)?,
        })
    }

    /// Runs `ANALYZE` so the query planner knows the indexes' selectivity
    /// (worth doing after a bulk load).
    pub fn analyze(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("ANALYZE")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_cannot_be_syntax_errors() {
        assert_eq!(
            fts_query("Minsk  exercise").unwrap(),
            "\"Minsk\" \"exercise\""
        );
        assert_eq!(fts_query("a\"b OR").unwrap(), "\"ab\" \"OR\"");
        assert_eq!(fts_query(" * ( ) "), None);
        let store = Store::open_in_memory().unwrap();
        for hostile in ["\"", "NEAR(", "a AND", "*", "^x", "-x", "x:y"] {
            store.search_documents(hostile, 5).unwrap();
        }
    }

    #[test]
    fn empty_store_has_no_extent() {
        let store = Store::open_in_memory().unwrap();
        let e = store.event_extent().unwrap();
        assert_eq!((e.first, e.last), (None, None));
        assert!(store
            .query_events(&EventQuery {
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .is_empty());
    }

    #[test]
    fn search_finds_documents_inserted_after_the_migration() {
        use watchfloor_model::{Document, DocumentFormat};
        let mut store = Store::open_in_memory().unwrap();
        let doc = Document {
            source: "a.txt".into(),
            title: Some("Zapad exercise".into()),
            published: Some("2021-09-10".into()),
            language: Some("en".into()),
            format: DocumentFormat::Text,
            encoding: "utf-8".into(),
            text: "Troops arrived near Baranovichi for the Zapad-2021 exercise.".into(),
        };
        let new = crate::NewDocument {
            document: &doc,
            hash: "h1",
            simhash: 1,
            bytes: 10,
        };
        store.insert_document(&new).unwrap();
        let hits = store.search_documents("baranovichi", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert!(hits[0].snippet.contains(SNIPPET_OPEN));
        assert!(store.search_documents("minsk", 10).unwrap().is_empty());
    }
}
