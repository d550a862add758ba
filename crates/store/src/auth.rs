//! API tokens and the audit trail: who may use the workbench, in which role,
//! and a record of every write they made.
//!
//! A token is 256 random bits from the operating system, shown once when it
//! is created; only its SHA-256 is stored. Checking a presented token hashes
//! it and compares against every live token's hash in constant time.
//!
//! Signing in to the dashboard makes a session: another 256 random bits,
//! handed to the browser in an HttpOnly cookie and stored only as a
//! SHA-256 hash, with an expiry. Signing out ends it; revoking its token
//! ends every session made with that token.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{now_rfc3339, Store, StoreError};

/// What a token may do. Each role can do everything the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read everything.
    Viewer,
    /// Also ingest documents and edit campaign packs.
    Analyst,
    /// Also create and revoke tokens and read the audit trail.
    Admin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: &'static [Role] = &[Role::Viewer, Role::Analyst, Role::Admin];

    /// The role's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// Reads a role name (`viewer`, `analyst`, `admin`).
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.as_str() == name)
    }
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenInfo {
    /// Database ID.
    pub id: i64,
    /// A name for people ("alice laptop", "first admin").
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A token just made: its record and its secret, which is never stored and
/// cannot be shown again.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The stored record.
    pub info: TokenInfo,
    /// The secret to hand to its holder (`wf_` and 64 hex digits).
    pub secret: String,
}

/// A session just made: its secret (for the cookie, never stored) and when
/// it expires.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Database ID.
    pub id: i64,
    /// The secret for the cookie (`wfs_` and 64 hex digits).
    pub secret: String,
    /// The token it acts for.
    pub token: TokenInfo,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: String,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Database ID (increasing).
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The acting token's ID (`None` for the command line).
    pub token_id: Option<i64>,
    /// The acting token's name.
    pub token_name: String,
    /// The acting token's role.
    pub role: String,
    /// What was done, e.g. `document.ingest`, `token.create`.
    pub action: String,
    /// What it was done to, e.g. `document:12`.
    pub target: String,
    /// Details (free text, JSON for structured detail).
    pub detail: String,
}

/// Who is acting, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// Token ID (`None` for the command line).
    pub token_id: Option<i64>,
    /// Token name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl Actor {
    /// The actor behind a token.
    pub fn of(token: &TokenInfo) -> Actor {
        Actor {
            token_id: Some(token.id),
            name: token.name.clone(),
            role: token.role,
        }
    }
}

/// SHA-256 of a token secret, in lower-case hex: the only form stored.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn new_secret() -> Result<String, StoreError> {
    random_secret("wf_")
}

fn random_secret(prefix: &str) -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(format!("{prefix}{}", hex::encode(bytes)))
}

/// The instant `seconds` from now, as stored (RFC 3339, UTC, whole seconds).
fn rfc3339_in(seconds: i64) -> Result<String, StoreError> {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .and_then(|t| t.round(jiff::Unit::Second))
        .map(|t| t.to_string())
        .map_err(|e| StoreError::Time(e.to_string()))
}

fn token_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenInfo> {
    let role: String = r.get(2)?;
    Ok(TokenInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

impl Store {
    /// Makes a token with a fresh random secret and stores its hash.
    pub fn create_token(&mut self, name: &str, role: Role) -> Result<NewToken, StoreError> {
        let secret = new_secret()?;
        let created_at = now_rfc3339();
        self.conn.execute(
            "INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash_token(&secret), created_at],
        )?;
        let info = TokenInfo {
            id: self.conn.last_insert_rowid(),
            name: name.to_string(),
            role,
            created_at,
            revoked_at: None,
        };
        Ok(NewToken { info, secret })
    }

    /// Every token, live and revoked, oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id")?;
        let rows = stmt.query_map([], token_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether any token has ever been made (the server makes a first admin
    /// token when none has).
    pub fn has_tokens(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM api_tokens)", [], |r| r.get(0))?)
    }

    /// The live token whose secret this is, if any. The hash of `secret` is
    /// compared with every live token's hash in constant time.
    pub fn verify_token(&self, secret: &str) -> Result<Option<TokenInfo>, StoreError> {
        let presented = hash_token(secret);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, role, created_at, revoked_at, token_hash FROM api_tokens
             WHERE revoked_at IS NULL",
        )?;
        let mut found = None;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let stored: String = r.get(5)?;
            if constant_time_eq(stored.as_bytes(), presented.as_bytes()) {
                found = Some(token_from_row(r)?);
            }
        }
        Ok(found)
    }

    /// Revokes a token and ends its sessions; `false` if there is no live
    /// token with that ID.
    pub fn revoke_token(&mut self, id: i64) -> Result<bool, StoreError> {
        let now = now_rfc3339();
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )?;
        tx.execute(
            "UPDATE api_sessions SET ended_at = ?2 WHERE token_id = ?1 AND ended_at IS NULL",
            params![id, now],
        )?;
        tx.commit()?;
        Ok(n == 1)
    }

    /// Makes a session for a live token, lasting `seconds`, and stores the
    /// hash of its fresh random secret. Sessions that have ended or expired
    /// are forgotten on the way.
    pub fn create_session(
        &mut self,
        token: &TokenInfo,
        seconds: i64,
    ) -> Result<NewSession, StoreError> {
        let secret = random_secret("wfs_")?;
        let now = now_rfc3339();
        let expires_at = rfc3339_in(seconds)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM api_sessions WHERE ended_at IS NOT NULL OR expires_at <= ?1",
            [&now],
        )?;
        tx.execute(
            "INSERT INTO api_sessions (session_hash, token_id, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![hash_token(&secret), token.id, now, expires_at],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(NewSession {
            id,
            secret,
            token: token.clone(),
            expires_at,
        })
    }

    /// The session whose secret this is, with its token, if the session
    /// has neither ended nor expired and its token is live: (session ID,
    /// token). Looked up by the secret's SHA-256 (a 256-bit random secret:
    /// the index lookup reveals nothing usable).
    pub fn verify_session(&self, secret: &str) -> Result<Option<(i64, TokenInfo)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id, t.name, t.role, t.created_at, t.revoked_at, s.id
             FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id
             WHERE s.session_hash = ?1 AND s.ended_at IS NULL AND s.expires_at > ?2
               AND t.revoked_at IS NULL",
        )?;
        Ok(stmt
            .query_row(params![hash_token(secret), now_rfc3339()], |r| {
                Ok((r.get(5)?, token_from_row(r)?))
            })
            .optional()?)
    }

    /// Ends the session whose secret this is; `false` if it was not live.
    pub fn end_session(&mut self, secret: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE api_sessions SET ended_at = ?2 WHERE session_hash = ?1 AND ended_at IS NULL",
            params![hash_token(secret), now_rfc3339()],
        )?;
        Ok(n == 1)
    }

    /// Sessions not yet ended or expired (for tests and the admin).
    pub fn live_sessions(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id
             WHERE s.ended_at IS NULL AND s.expires_at > ?1 AND t.revoked_at IS NULL",
            [now_rfc3339()],
            |r| r.get(0),
        )?)
    }

    /// The stored hash of a token (for tests and audits of the store itself).
    pub fn token_hash(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT token_hash FROM api_tokens WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Appends a line to the audit trail.
    pub fn audit(
        &mut self,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO audit_log (at, token_id, token_name, role, action, target, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now_rfc3339(),
                actor.token_id,
                actor.name,
                actor.role.as_str(),
                action,
                target,
                detail
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The newest `limit` lines of the audit trail, newest first.
    pub fn audit_trail(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, token_id, token_name, role, action, target, detail
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                token_id: r.get(2)?,
                token_name: r.get(3)?,
                role: r.get(4)?,
                action: r.get(5)?,
                target: r.get(6)?,
                detail: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores (or replaces) the text of a campaign pack uploaded through the
    /// API; the caller has validated it.
    pub fn save_campaign_pack(
        &mut self,
        name: &str,
        text: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO campaign_packs (name, text, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET text = excluded.text,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![name, text, now_rfc3339(), by],
        )?;
        Ok(())
    }

    /// Campaign packs uploaded through the API as (name, text), by name.
    pub fn campaign_packs(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, text FROM campaign_packs ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            token_id: None,
            name: "cli".into(),
            role: Role::Admin,
        }
    }

    #[test]
    fn stores_only_the_hash_and_verifies_the_secret() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(!store.has_tokens().unwrap());
        let t = store.create_token("alice", Role::Analyst).unwrap();
        assert!(store.has_tokens().unwrap());
        assert!(t.secret.starts_with("wf_") && t.secret.len() == 3 + 64);
        let stored = store.token_hash(t.info.id).unwrap().unwrap();
        assert_ne!(stored, t.secret);
        assert!(!stored.contains(&t.secret[3..]));
        assert_eq!(stored, hash_token(&t.secret));
        let found = store.verify_token(&t.secret).unwrap().unwrap();
        assert_eq!(found.role, Role::Analyst);
        assert!(store.verify_token("wf_00").unwrap().is_none());
        assert!(store.verify_token(&stored).unwrap().is_none());
    }

    #[test]
    fn revoked_tokens_no_longer_verify() {
        let mut store = Store::open_in_memory().unwrap();
        let t = store.create_token("bob", Role::Viewer).unwrap();
        assert!(store.revoke_token(t.info.id).unwrap());
        assert!(!store.revoke_token(t.info.id).unwrap());
        assert!(store.verify_token(&t.secret).unwrap().is_none());
        assert!(store.tokens().unwrap()[0].revoked_at.is_some());
    }

    #[test]
    fn sessions_are_hashed_expire_end_and_die_with_their_token() {
        let mut store = Store::open_in_memory().unwrap();
        let t = store.create_token("carol", Role::Analyst).unwrap();
        let s = store.create_session(&t.info, 3600).unwrap();
        assert!(s.secret.starts_with("wfs_") && s.secret.len() == 4 + 64);
        assert_ne!(s.secret, t.secret);
        let (id, who) = store.verify_session(&s.secret).unwrap().unwrap();
        assert_eq!((id, who.id, who.role), (s.id, t.info.id, Role::Analyst));
        let stored: String = store
            .conn
            .query_row("SELECT session_hash FROM api_sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, hash_token(&s.secret));
        // The token's own secret is not a session, nor is the hash.
        assert!(store.verify_session(&t.secret).unwrap().is_none());
        assert!(store.verify_session(&stored).unwrap().is_none());
        // Signing out ends it, once.
        assert!(store.end_session(&s.secret).unwrap());
        assert!(!store.end_session(&s.secret).unwrap());
        assert!(store.verify_session(&s.secret).unwrap().is_none());
        // An expired session does not verify, and is forgotten later.
        let old = store.create_session(&t.info, -1).unwrap();
        assert!(store.verify_session(&old.secret).unwrap().is_none());
        // Revoking the token ends its live sessions.
        let a = store.create_session(&t.info, 3600).unwrap();
        let b = store.create_session(&t.info, 3600).unwrap();
        assert_eq!(store.live_sessions().unwrap(), 2);
        let rows: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM api_sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2, "ended and expired sessions are forgotten");
        assert!(store.revoke_token(t.info.id).unwrap());
        assert!(store.verify_session(&a.secret).unwrap().is_none());
        assert!(store.verify_session(&b.secret).unwrap().is_none());
        assert_eq!(store.live_sessions().unwrap(), 0);
    }

    #[test]
    fn two_tokens_differ() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.create_token("a", Role::Viewer).unwrap();
        let b = store.create_token("b", Role::Viewer).unwrap();
        assert_ne!(a.secret, b.secret);
    }

    #[test]
    fn audit_trail_is_newest_first() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .audit(&actor(), "token.create", "token:1", "")
            .unwrap();
        store
            .audit(&actor(), "document.ingest", "document:7", "{}")
            .unwrap();
        let trail = store.audit_trail(10).unwrap();
        assert_eq!(trail.len(), 2);
        assert_eq!(trail[0].action, "document.ingest");
        assert_eq!(trail[1].role, "admin");
    }

    #[test]
    fn roles_are_ordered_and_named() {
        assert!(Role::Viewer < Role::Analyst && Role::Analyst < Role::Admin);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
