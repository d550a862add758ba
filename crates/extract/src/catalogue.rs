//! The catalogue of named entities (`data/catalogue/*.toml`): IDs, kinds,
//! multilingual aliases, metonyms, demonyms, context rules and membership
//! histories.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use watchfloor_model::EntityKind;

use crate::KnowledgeError;

/// An alias that names its entity only in the right context.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextualAlias {
    /// The surface form.
    pub alias: String,
    /// Match only this capitalisation.
    #[serde(default)]
    pub case_sensitive: bool,
    /// One of these must be in the sentence (or the alias in quotes).
    #[serde(default)]
    pub near: Vec<String>,
    /// None of these may be in the sentence.
    #[serde(default)]
    pub avoid: Vec<String>,
}

/// One spell of membership of an organization.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The member's entity ID.
    pub member: String,
    /// `member`, `suspended`, `observer` or `partner`.
    pub status: String,
    /// First day (ISO date).
    pub from: String,
    /// Last day, if the spell ended.
    #[serde(default)]
    pub to: Option<String>,
    /// Public source of the dates.
    #[serde(default)]
    pub source: Option<String>,
}

/// One catalogue entity as written in the TOML files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Canonical ID (TAXONOMY.md).
    pub id: String,
    /// Kind name (TAXONOMY.md).
    pub kind: String,
    /// English name.
    pub name: String,
    /// The state it belongs to.
    #[serde(default)]
    pub country: Option<String>,
    /// The organization a body belongs to.
    #[serde(default)]
    pub parent: Option<String>,
    /// Latitude of a site.
    #[serde(default)]
    pub lat: Option<f64>,
    /// Longitude of a site.
    #[serde(default)]
    pub lon: Option<f64>,
    /// Published range of a weapon system.
    #[serde(default)]
    pub range_km: Option<f64>,
    /// Whether a weapon system can carry nuclear warheads.
    #[serde(default)]
    pub nuclear_capable: Option<bool>,
    /// One line on what it is.
    #[serde(default)]
    pub note: Option<String>,
    /// Public references.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Names per language (`en`, `ru`, `be`, `uk`, `pl`, `mt`).
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Names that stand for the entity in political text.
    #[serde(default)]
    pub metonyms: Vec<String>,
    /// Adjectives and demonyms.
    #[serde(default)]
    pub demonyms: Vec<String>,
    /// Context-dependent aliases.
    #[serde(default)]
    pub contextual: Vec<ContextualAlias>,
    /// Membership history (organizations).
    #[serde(default)]
    pub membership: Vec<Membership>,
}

impl Entity {
    /// The kind as the model's enum.
    pub fn entity_kind(&self) -> EntityKind {
        EntityKind::parse(&self.kind).unwrap_or(EntityKind::Other)
    }
}

/// Alias lists an entity may have: languages, plus `mt` for machine
/// translation and transliteration garbles.
pub const ALIAS_LANGUAGES: &[&str] = &[
    "en", "ru", "be", "uk", "pl", "mt", "lt", "lv", "et", "ka", "hy", "az", "kk", "ky", "tg", "uz",
    "ro", "de", "fr",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    entity: Vec<Entity>,
}

/// Every entity Watchfloor knows by name.
#[derive(Debug, Default)]
pub struct Catalogue {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
}

impl Catalogue {
    /// Parses catalogue files given as (name, contents).
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, KnowledgeError> {
        let mut catalogue = Catalogue::default();
        for (name, text) in files {
            let file: CatalogueFile = toml::from_str(text).map_err(|e| KnowledgeError::Toml {
                file: name.to_string(),
                message: e.to_string(),
            })?;
            for mut entity in file.entity {
                // TOML puts keys written after `[entity.aliases]` into that
                // table: `metonyms`/`demonyms` there are the entity's own lists.
                if let Some(m) = entity.aliases.remove("metonyms") {
                    entity.metonyms.extend(m);
                }
                if let Some(d) = entity.aliases.remove("demonyms") {
                    entity.demonyms.extend(d);
                }
                if let Some(lang) = entity
                    .aliases
                    .keys()
                    .find(|l| !ALIAS_LANGUAGES.contains(&l.as_str()))
                {
                    return Err(KnowledgeError::Invalid {
                        file: name.to_string(),
                        message: format!(
                            "entity {} has aliases in unknown language {lang:?} (expected one of {})",
                            entity.id,
                            ALIAS_LANGUAGES.join(", ")
                        ),
                    });
                }
                if EntityKind::parse(&entity.kind).is_none() {
                    return Err(KnowledgeError::Invalid {
                        file: name.to_string(),
                        message: format!("entity {} has unknown kind {:?}", entity.id, entity.kind),
                    });
                }
                if catalogue.by_id.contains_key(&entity.id) {
                    return Err(KnowledgeError::Invalid {
                        file: name.to_string(),
                        message: format!("entity {} is defined twice", entity.id),
                    });
                }
                catalogue
                    .by_id
                    .insert(entity.id.clone(), catalogue.entities.len());
                catalogue.entities.push(entity);
            }
        }
        Ok(catalogue)
    }

    /// All entities in file order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity with this ID.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// Index of an entity by ID.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Members of an organization on a day (`YYYY-MM-DD`), with their
    /// status then, in catalogue order.
    pub fn members_on(&self, org: &str, day: &str) -> Vec<&Membership> {
        let Some(entity) = self.get(org) else {
            return Vec::new();
        };
        entity
            .membership
            .iter()
            .filter(|m| m.from.as_str() <= day && m.to.as_deref().is_none_or(|to| day <= to))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[[entity]]
id = "org:CSTO"
kind = "organization"
name = "Collective Security Treaty Organization"
aliases.en = ["CSTO"]
[[entity.membership]]
member = "UZB"
status = "member"
from = "1992-05-15"
to = "1999-04-02"
[[entity.membership]]
member = "UZB"
status = "member"
from = "2006-08-16"
to = "2012-12-19"
[[entity.membership]]
member = "ARM"
status = "member"
from = "1992-05-15"
to = "2024-02-22"
[[entity.membership]]
member = "ARM"
status = "suspended"
from = "2024-02-23"
"#;

    #[test]
    fn membership_is_answered_for_a_day() {
        let c = Catalogue::from_files([("t.toml", SAMPLE)]).unwrap();
        let on = |d| {
            c.members_on("org:CSTO", d)
                .iter()
                .map(|m| format!("{}:{}", m.member, m.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(on("2005-01-01"), vec!["ARM:member"]);
        assert_eq!(on("2010-01-01"), vec!["UZB:member", "ARM:member"]);
        assert_eq!(on("2025-01-01"), vec!["ARM:suspended"]);
    }

    #[test]
    fn metonyms_and_demonyms_written_under_aliases_are_not_aliases() {
        let text = "[[entity]]\nid='BLR'\nkind='country'\nname='Belarus'\n[entity.aliases]\nen=['Belarus']\nmetonyms=['Minsk']\ndemonyms=['Belarusian']\n";
        let c = Catalogue::from_files([("c.toml", text)]).unwrap();
        let e = c.get("BLR").unwrap();
        assert_eq!(e.aliases.keys().collect::<Vec<_>>(), vec!["en"]);
        assert_eq!(e.metonyms, vec!["Minsk"]);
        assert_eq!(e.demonyms, vec!["Belarusian"]);
        let bad = "[[entity]]\nid='X'\nkind='country'\nname='X'\n[entity.aliases]\nenglish=['X']\n";
        let err = Catalogue::from_files([("c.toml", bad)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("english"), "{err}");
    }

    #[test]
    fn unknown_fields_and_kinds_are_reported_with_the_file() {
        let bad = "[[entity]]\nid='X'\nkind='country'\nname='X'\nalias=['x']\n";
        let err = Catalogue::from_files([("bad.toml", bad)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml") && err.contains("alias"), "{err}");
        let kind = "[[entity]]\nid='X'\nkind='planet'\nname='X'\n";
        let err = Catalogue::from_files([("k.toml", kind)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("planet"), "{err}");
    }
}
