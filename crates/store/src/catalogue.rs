//! Catalogue entities created or edited through the workbench: stored as
//! the JSON of one entity in the catalogue's shape (the fields of a
//! `[[entity]]` table in `data/catalogue/*.toml`), keyed by entity ID, and
//! merged over the compiled-in catalogue when the knowledge is loaded. The
//! caller validates them; the store only keeps them.

use rusqlite::params;
use serde::Serialize;

use crate::{now_rfc3339, Store, StoreError};

/// One edited or added catalogue entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditedEntity {
    /// Entity ID (e.g. `org:CSTO`).
    pub id: String,
    /// The entity as JSON text (catalogue shape).
    pub entity: String,
    /// When it was last saved (RFC 3339, UTC).
    pub updated_at: String,
    /// The name of the token that saved it.
    pub updated_by: String,
}

impl Store {
    /// Stores (or replaces) an edited entity; `true` if it replaced an
    /// earlier edit of the same ID.
    pub fn save_catalogue_entity(
        &mut self,
        id: &str,
        entity_json: &str,
        by: &str,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let existed: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM catalogue_entities WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO catalogue_entities (id, entity, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET entity = excluded.entity,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![id, entity_json, now_rfc3339(), by],
        )?;
        tx.commit()?;
        Ok(existed)
    }

    /// Every edited entity, by ID.
    pub fn catalogue_entities(&self) -> Result<Vec<EditedEntity>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, entity, updated_at, updated_by FROM catalogue_entities ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(EditedEntity {
                id: r.get(0)?,
                entity: r.get(1)?,
                updated_at: r.get(2)?,
                updated_by: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets the edit of an entity (the compiled-in one, if any, applies
    /// again); `false` if there was none.
    pub fn delete_catalogue_entity(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM catalogue_entities WHERE id = ?1", [id])?
            == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_saved_replaced_listed_and_forgotten() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(store.catalogue_entities().unwrap().is_empty());
        assert!(!store
            .save_catalogue_entity("org:X", r#"{"id":"org:X","name":"X"}"#, "ana")
            .unwrap());
        assert!(store
            .save_catalogue_entity("org:X", r#"{"id":"org:X","name":"Y"}"#, "bob")
            .unwrap());
        store
            .save_catalogue_entity("BLR", r#"{"id":"BLR"}"#, "ana")
            .unwrap();
        let all = store.catalogue_entities().unwrap();
        assert_eq!(
            all.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["BLR", "org:X"]
        );
        assert!(all[1].entity.contains("\"Y\""));
        assert_eq!(all[1].updated_by, "bob");
        assert!(store.delete_catalogue_entity("org:X").unwrap());
        assert!(!store.delete_catalogue_entity("org:X").unwrap());
        assert_eq!(store.catalogue_entities().unwrap().len(), 1);
    }
}
