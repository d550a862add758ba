//! Watchfloor's store: keeps ingested documents, their provenance and their
//! extractions in an embedded SQLite database (WAL, one transaction per
//! document, schema versioned by migrations), so that later stages never
//! re-read raw files and a killed run loses nothing.

mod assessments;
mod auth;
mod catalogue;
mod documents;
mod extractions;
mod query;
mod schema;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use assessments::AssessmentRun;
pub use auth::{
    constant_time_eq, hash_token, Actor, AuditEntry, NewSession, NewToken, Role, TokenInfo,
};
pub use catalogue::EditedEntity;
pub use documents::{DocumentRow, InsertOutcome, NewDocument, Stats, StoredDocument};
pub use extractions::{EventFilter, StoredEvent};
pub use query::{
    fts_query, EventExtent, EventQuery, EventRow, SearchHit, Tally, Undated, SNIPPET_CLOSE,
    SNIPPET_OPEN,
};

/// Hamming distance at or below which two SimHash fingerprints mark a
/// near-duplicate (a syndicated copy with small edits).
pub const NEAR_DUPLICATE_DISTANCE: u32 = 6;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer Watchfloor.
    #[error("database schema version {found} is newer than this Watchfloor understands ({supported}); upgrade Watchfloor")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored JSON value could not be read back.
    #[error("stored record is corrupt: {0}")]
    Json(#[from] serde_json::Error),
    /// The operating system gave no random bytes for a token.
    #[error("no randomness for a new token: {0}")]
    Random(String),
    /// A time could not be computed (an expiry out of range).
    #[error("time out of range: {0}")]
    Time(String),
}

/// A Watchfloor database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// Opens a private in-memory database (for tests and one-shot runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A 64 MiB page cache (SQLite's default is 2 MiB): a batch of
        // extractions touches many index pages, and with a small cache they
        // are spilled to the WAL and written again and again within one
        // transaction.
        conn.pragma_update(None, "cache_size", -65536)?;
        // Statement journals (every insert that fires a trigger keeps one)
        // in memory instead of temporary files: they were most of the
        // writes of a stored extraction.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let mut store = Store { conn, path };
        schema::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// The file this store lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version now in force.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

pub(crate) fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
