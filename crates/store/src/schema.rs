//! Ordered schema migrations; `PRAGMA user_version` records how many ran.

use rusqlite::Connection;

use crate::StoreError;

/// Each entry moves the schema one version up. Append only: never edit a
/// migration that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: documents and where each was seen.
    r#"
    CREATE TABLE documents (
        id            INTEGER PRIMARY KEY,
        doc_hash      TEXT NOT NULL UNIQUE,
        source        TEXT NOT NULL,
        title         TEXT,
        published     TEXT,
        language      TEXT,
        format        TEXT NOT NULL,
        encoding      TEXT NOT NULL,
        text          TEXT NOT NULL,
        chars         INTEGER NOT NULL,
        bytes         INTEGER NOT NULL,
        simhash       INTEGER NOT NULL,
        band0         INTEGER NOT NULL,
        band1         INTEGER NOT NULL,
        band2         INTEGER NOT NULL,
        band3         INTEGER NOT NULL,
        duplicate_of  INTEGER REFERENCES documents(id),
        distance      INTEGER,
        ingested_at   TEXT NOT NULL
    );
    CREATE INDEX documents_band0 ON documents(band0);
    CREATE INDEX documents_band1 ON documents(band1);
    CREATE INDEX documents_band2 ON documents(band2);
    CREATE INDEX documents_band3 ON documents(band3);
    CREATE INDEX documents_published ON documents(published);
    CREATE TABLE document_sources (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        source      TEXT NOT NULL,
        seen_at     TEXT NOT NULL,
        UNIQUE(document_id, source)
    );
    "#,
    // 2: extraction results: the contract record plus queryable events.
    r#"
    CREATE TABLE extractions (
        document_id   INTEGER PRIMARY KEY REFERENCES documents(id),
        extractor     TEXT NOT NULL,
        extracted_at  TEXT NOT NULL,
        record        TEXT NOT NULL
    );
    CREATE TABLE mentions (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        entity_id   TEXT NOT NULL,
        start       INTEGER NOT NULL,
        end         INTEGER NOT NULL,
        text        TEXT NOT NULL
    );
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE INDEX mentions_document ON mentions(document_id);
    CREATE TABLE events (
        id              INTEGER PRIMARY KEY,
        document_id     INTEGER NOT NULL REFERENCES documents(id),
        seq             INTEGER NOT NULL,
        type            TEXT NOT NULL,
        domain          TEXT NOT NULL,
        modality        TEXT NOT NULL,
        date_start      TEXT,
        date_end        TEXT,
        date_precision  TEXT,
        actors          TEXT NOT NULL,
        entities        TEXT NOT NULL,
        place           TEXT,
        country         TEXT,
        lat             REAL,
        lon             REAL,
        confidence      REAL NOT NULL,
        evidence_start  INTEGER NOT NULL,
        evidence_end    INTEGER NOT NULL,
        evidence_text   TEXT NOT NULL,
        UNIQUE(document_id, seq)
    );
    CREATE INDEX events_type ON events(type);
    CREATE INDEX events_date ON events(date_start);
    CREATE INDEX events_document ON events(document_id);
    CREATE TABLE event_entities (
        event_id  INTEGER NOT NULL REFERENCES events(id),
        entity_id TEXT NOT NULL,
        role      TEXT NOT NULL
    );
    CREATE INDEX event_entities_entity ON event_entities(entity_id);
    CREATE INDEX event_entities_event ON event_entities(event_id);
    "#,
    // 3: near-duplicate candidates are originals only; index just those, so
    // a story syndicated thousands of times does not make every insert scan
    // every copy.
    r#"
    DROP INDEX documents_band0;
    DROP INDEX documents_band1;
    DROP INDEX documents_band2;
    DROP INDEX documents_band3;
    CREATE INDEX documents_band0 ON documents(band0) WHERE duplicate_of IS NULL;
    CREATE INDEX documents_band1 ON documents(band1) WHERE duplicate_of IS NULL;
    CREATE INDEX documents_band2 ON documents(band2) WHERE duplicate_of IS NULL;
    CREATE INDEX documents_band3 ON documents(band3) WHERE duplicate_of IS NULL;
    "#,
    // 4: campaign assessment runs and the status of each indicator in them,
    // so `assess` can say what changed since the last run.
    r#"
    CREATE TABLE assessment_runs (
        id            INTEGER PRIMARY KEY,
        campaign      TEXT NOT NULL,
        generated_at  TEXT NOT NULL,
        as_of         TEXT
    );
    CREATE INDEX assessment_runs_campaign ON assessment_runs(campaign, id);
    CREATE TABLE assessment_statuses (
        run_id     INTEGER NOT NULL REFERENCES assessment_runs(id),
        indicator  TEXT NOT NULL,
        status     TEXT NOT NULL,
        score      REAL NOT NULL,
        sources    INTEGER NOT NULL,
        PRIMARY KEY (run_id, indicator)
    );
    "#,
    // 5: the workbench (server): API tokens (SHA-256 of the secret only)
    // and the audit trail of every write; full-text search over documents
    // (FTS5, kept in sync by triggers, backfilled here); a spatial index of
    // events (R*Tree, kept in sync by triggers) and a (type, date) index for
    // filtered event queries; campaign packs uploaded through the API.
    r#"
    CREATE TABLE api_tokens (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        role        TEXT NOT NULL,
        token_hash  TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        revoked_at  TEXT
    );
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        token_id    INTEGER,
        token_name  TEXT NOT NULL,
        role        TEXT NOT NULL,
        action      TEXT NOT NULL,
        target      TEXT NOT NULL,
        detail      TEXT NOT NULL
    );
    CREATE TABLE campaign_packs (
        name        TEXT PRIMARY KEY,
        text        TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO documents_fts(documents_fts) VALUES('rebuild');
    CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE VIRTUAL TABLE events_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
    INSERT INTO events_rtree
        SELECT id, lat, lat, lon, lon FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL;
    CREATE TRIGGER events_rtree_insert AFTER INSERT ON events
        WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL BEGIN
        INSERT INTO events_rtree VALUES (new.id, new.lat, new.lat, new.lon, new.lon);
    END;
    CREATE TRIGGER events_rtree_delete AFTER DELETE ON events BEGIN
        DELETE FROM events_rtree WHERE id = old.id;
    END;
    CREATE INDEX events_type_date ON events(type, date_start);
    "#,
    // 6: the workbench's sign-in sessions (SHA-256 of the session secret
    // only, with an expiry; ended by sign-out or by revoking their token)
    // and catalogue entities created or edited through the API, merged over
    // the compiled-in catalogue when the knowledge is loaded.
    r#"
    CREATE TABLE api_sessions (
        id            INTEGER PRIMARY KEY,
        session_hash  TEXT NOT NULL UNIQUE,
        token_id      INTEGER NOT NULL REFERENCES api_tokens(id),
        created_at    TEXT NOT NULL,
        expires_at    TEXT NOT NULL,
        ended_at      TEXT
    );
    CREATE INDEX api_sessions_token ON api_sessions(token_id);
    CREATE TABLE catalogue_entities (
        id          TEXT PRIMARY KEY,
        entity      TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
    );
    "#,
];

/// The schema version this build writes.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > LATEST {
        return Err(StoreError::TooNew {
            found,
            supported: LATEST,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
