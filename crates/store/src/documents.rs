//! Storing documents: exact duplicates are refused, near-duplicates are
//! stored and linked to the document they copy.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use watchfloor_model::Document;

use crate::{now_rfc3339, Store, StoreError, NEAR_DUPLICATE_DISTANCE};

/// A document ready to store, with its dedup fingerprints.
pub struct NewDocument<'a> {
    /// The document itself.
    pub document: &'a Document,
    /// `sha256:` hash of its normalised text.
    pub hash: &'a str,
    /// SimHash fingerprint of its normalised text.
    pub simhash: u64,
    /// Size of the source bytes it was read from (for throughput figures).
    pub bytes: usize,
}

/// What happened to a document handed to [`Store::insert_document`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored as a new document.
    Stored {
        /// Its database ID.
        id: i64,
    },
    /// Same normalised text as a stored document: not stored again (its
    /// source is remembered beside the original).
    Duplicate {
        /// The stored document it duplicates.
        of: i64,
    },
    /// Stored, and linked to the earlier document it nearly copies.
    NearDuplicate {
        /// Its database ID.
        id: i64,
        /// The earlier document.
        of: i64,
        /// SimHash Hamming distance between the two.
        distance: u32,
    },
}

/// One line of `documents list`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    /// Database ID.
    pub id: i64,
    /// Path or URL.
    pub source: String,
    /// Title, if any.
    pub title: Option<String>,
    /// ISO 639-1 language.
    pub language: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Format read from.
    pub format: String,
    /// Characters of text.
    pub chars: i64,
    /// The document this one nearly copies.
    pub duplicate_of: Option<i64>,
}

/// A stored document with its text and provenance.
#[derive(Debug, Clone, Serialize)]
pub struct StoredDocument {
    /// The summary fields.
    #[serde(flatten)]
    pub row: DocumentRow,
    /// `sha256:` hash of the normalised text.
    pub hash: String,
    /// Encoding the bytes were decoded from.
    pub encoding: String,
    /// When it was ingested (RFC 3339).
    pub ingested_at: String,
    /// Every source it was seen at (exact duplicates add sources here).
    pub seen_at: Vec<String>,
    /// The extracted plain text.
    pub text: String,
}

/// Counts for `watchfloor stats`.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Stored documents.
    pub documents: i64,
    /// Stored documents that nearly copy an earlier one.
    pub near_duplicates: i64,
    /// Sources seen in all (including exact duplicates not stored again).
    pub sources: i64,
    /// Total characters of stored text.
    pub chars: i64,
    /// Documents per language (`unknown` where undetected).
    pub by_language: BTreeMap<String, i64>,
    /// Documents per format.
    pub by_format: BTreeMap<String, i64>,
    /// Documents with stored extractions.
    pub extracted: i64,
    /// Stored events.
    pub events: i64,
}

fn bands(simhash: u64) -> [i64; 4] {
    [0, 16, 32, 48].map(|shift| ((simhash >> shift) & 0xFFFF) as i64)
}

impl Store {
    /// Stores one document in its own transaction, unless its normalised
    /// text is already stored; links it to a near-duplicate if there is one.
    pub fn insert_document(&mut self, new: &NewDocument<'_>) -> Result<InsertOutcome, StoreError> {
        let tx = self.conn.transaction()?;
        let now = now_rfc3339();
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM documents WHERE doc_hash = ?1",
                [new.hash],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(of) = existing {
            tx.execute(
                "INSERT OR IGNORE INTO document_sources (document_id, source, seen_at) VALUES (?1, ?2, ?3)",
                params![of, new.document.source, now],
            )?;
            tx.commit()?;
            return Ok(InsertOutcome::Duplicate { of });
        }
        let b = bands(new.simhash);
        let mut nearest: Option<(i64, u32)> = None;
        {
            let mut stmt = tx.prepare_cached(
                "SELECT id, simhash FROM documents
                 WHERE (band0 = ?1 OR band1 = ?2 OR band2 = ?3 OR band3 = ?4) AND duplicate_of IS NULL",
            )?;
            let rows = stmt.query_map(params![b[0], b[1], b[2], b[3]], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (id, other) = row?;
                let distance = (new.simhash ^ other as u64).count_ones();
                if distance <= NEAR_DUPLICATE_DISTANCE && nearest.is_none_or(|(_, d)| distance < d)
                {
                    nearest = Some((id, distance));
                }
            }
        }
        let doc = new.document;
        tx.execute(
            "INSERT INTO documents (doc_hash, source, title, published, language, format, encoding,
                 text, chars, bytes, simhash, band0, band1, band2, band3, duplicate_of, distance, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            params![
                new.hash,
                doc.source,
                doc.title,
                doc.published,
                doc.language,
                doc.format.as_str(),
                doc.encoding,
                doc.text,
                doc.text.chars().count() as i64,
                new.bytes as i64,
                new.simhash as i64,
                b[0],
                b[1],
                b[2],
                b[3],
                nearest.map(|(id, _)| id),
                nearest.map(|(_, d)| d as i64),
                now,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO document_sources (document_id, source, seen_at) VALUES (?1, ?2, ?3)",
            params![id, doc.source, now],
        )?;
        tx.commit()?;
        Ok(match nearest {
            Some((of, distance)) => InsertOutcome::NearDuplicate { id, of, distance },
            None => InsertOutcome::Stored { id },
        })
    }

    /// Counts of what is stored.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let count = |sql: &str| -> Result<i64, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get(0))?)
        };
        let grouped = |sql: &str| -> Result<BTreeMap<String, i64>, StoreError> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        Ok(Stats {
            documents: count("SELECT COUNT(*) FROM documents")?,
            near_duplicates: count("SELECT COUNT(*) FROM documents WHERE duplicate_of IS NOT NULL")?,
            sources: count("SELECT COUNT(*) FROM document_sources")?,
            chars: count("SELECT COALESCE(SUM(chars), 0) FROM documents")?,
            by_language: grouped(
                "SELECT COALESCE(language, 'unknown'), COUNT(*) FROM documents GROUP BY 1 ORDER BY 1",
            )?,
            by_format: grouped("SELECT format, COUNT(*) FROM documents GROUP BY 1 ORDER BY 1")?,
            extracted: count("SELECT COUNT(*) FROM extractions")?,
            events: count("SELECT COUNT(*) FROM events")?,
        })
    }

    /// Stored documents in ID order, `limit` at most, after `offset`.
    pub fn list_documents(&self, limit: i64, offset: i64) -> Result<Vec<DocumentRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, source, title, language, published, format, chars, duplicate_of
             FROM documents ORDER BY id LIMIT ?1 OFFSET ?2",
        )?;
        let rows = stmt.query_map(params![limit, offset], row_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One stored document with its text, or `None`.
    pub fn document(&self, id: i64) -> Result<Option<StoredDocument>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT id, source, title, language, published, format, chars, duplicate_of,
                        doc_hash, encoding, ingested_at, text
                 FROM documents WHERE id = ?1",
                [id],
                |r| {
                    Ok(StoredDocument {
                        row: row_from(r)?,
                        hash: r.get(8)?,
                        encoding: r.get(9)?,
                        ingested_at: r.get(10)?,
                        seen_at: Vec::new(),
                        text: r.get(11)?,
                    })
                },
            )
            .optional()?;
        let Some(mut doc) = found else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT source FROM document_sources WHERE document_id = ?1 ORDER BY rowid")?;
        doc.seen_at = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Some(doc))
    }
}

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        id: r.get(0)?,
        source: r.get(1)?,
        title: r.get(2)?,
        language: r.get(3)?,
        published: r.get(4)?,
        format: r.get(5)?,
        chars: r.get(6)?,
        duplicate_of: r.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use watchfloor_model::DocumentFormat;

    fn doc(source: &str, text: &str) -> Document {
        Document {
            source: source.into(),
            title: Some("T".into()),
            published: Some("2024-01-02".into()),
            language: Some("en".into()),
            format: DocumentFormat::Text,
            encoding: "utf-8".into(),
            text: text.into(),
        }
    }

    fn insert(store: &mut Store, d: &Document, hash: &str, simhash: u64) -> InsertOutcome {
        store
            .insert_document(&NewDocument {
                document: d,
                hash,
                simhash,
                bytes: d.text.len(),
            })
            .unwrap()
    }

    #[test]
    fn exact_duplicates_are_not_stored_twice_but_their_source_is_kept() {
        let mut store = Store::open_in_memory().unwrap();
        let a = doc("a.txt", "Minsk and Moscow signed.");
        let b = doc("b.txt", "Minsk and Moscow signed.");
        let first = insert(&mut store, &a, "sha256:1", 0xFFFF_0000_FFFF_0000);
        let InsertOutcome::Stored { id } = first else {
            panic!("{first:?}")
        };
        assert_eq!(
            insert(&mut store, &b, "sha256:1", 0xFFFF_0000_FFFF_0000),
            InsertOutcome::Duplicate { of: id }
        );
        assert_eq!(
            insert(&mut store, &b, "sha256:1", 0xFFFF_0000_FFFF_0000),
            InsertOutcome::Duplicate { of: id }
        );
        let stats = store.stats().unwrap();
        assert_eq!(stats.documents, 1);
        assert_eq!(stats.sources, 2);
        assert_eq!(
            store.document(id).unwrap().unwrap().seen_at,
            vec!["a.txt", "b.txt"]
        );
    }

    #[test]
    fn near_duplicates_are_stored_and_linked_to_the_closest_original() {
        let mut store = Store::open_in_memory().unwrap();
        let original = 0x1234_5678_9ABC_DEF0u64;
        let InsertOutcome::Stored { id } = insert(&mut store, &doc("a", "x"), "sha256:a", original)
        else {
            panic!()
        };
        // Three bits flipped: near.
        let near = original ^ 0b1011;
        let got = insert(&mut store, &doc("b", "y"), "sha256:b", near);
        assert!(
            matches!(got, InsertOutcome::NearDuplicate { of, distance: 3, .. } if of == id),
            "{got:?}"
        );
        // Every band changed: unrelated.
        let far = !original;
        assert!(matches!(
            insert(&mut store, &doc("c", "z"), "sha256:c", far),
            InsertOutcome::Stored { .. }
        ));
        let stats = store.stats().unwrap();
        assert_eq!((stats.documents, stats.near_duplicates), (3, 1));
        let rows = store.list_documents(10, 0).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.duplicate_of).collect::<Vec<_>>(),
            vec![None, Some(id), None]
        );
    }

    #[test]
    fn migrations_are_idempotent_and_refuse_newer_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let v = Store::open(&path).unwrap().schema_version().unwrap();
        assert_eq!(v, crate::schema::LATEST);
        assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), v);
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", v + 1).unwrap();
        }
        assert!(matches!(Store::open(&path), Err(StoreError::TooNew { .. })));
    }

    #[test]
    fn stats_group_by_language_and_format() {
        let mut store = Store::open_in_memory().unwrap();
        let mut ru = doc("r", "раз");
        ru.language = Some("ru".into());
        ru.format = DocumentFormat::Html;
        let mut none = doc("n", "два");
        none.language = None;
        insert(&mut store, &ru, "sha256:r", 1);
        insert(&mut store, &none, "sha256:n", u64::MAX);
        let stats = store.stats().unwrap();
        assert_eq!(stats.by_language.get("ru"), Some(&1));
        assert_eq!(stats.by_language.get("unknown"), Some(&1));
        assert_eq!(stats.by_format.get("html"), Some(&1));
        assert_eq!(stats.by_format.get("text"), Some(&1));
    }
}
