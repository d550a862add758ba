//! Catalogue editing: entities created or changed through the API are kept
//! in the store (as JSON in the catalogue's shape) and merged over the
//! compiled-in catalogue files whenever the knowledge is loaded, so the
//! extraction of every later upload uses them. An edit replaces the whole
//! entity of its ID; removing the edit brings the compiled-in one back.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use watchfloor_extract::catalogue::{Entity, ALIAS_LANGUAGES};
use watchfloor_extract::entities::NameIndex;
use watchfloor_extract::{Catalogue, Knowledge};

mod files {
    include!(concat!(env!("OUT_DIR"), "/catalogue_files.rs"));
}
pub(crate) use files::CATALOGUE_FILES;

/// The name edited entities go under in error messages.
const EDITS_FILE: &str = "catalogue/(edited through the API).toml";

/// Why an entity cannot be stored or merged.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The entity is malformed or inconsistent with the catalogue.
    #[error("{0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> CatalogueError {
    CatalogueError::Invalid(message.into())
}

/// Checks an entity ID: 1-64 characters, letters, digits and `:_-.`.
pub fn check_id(id: &str) -> Result<(), CatalogueError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "an entity ID is 1-64 ASCII letters, digits, ':', '_', '-' or '.' (e.g. org:CSTO)",
        ))
    }
}

/// Drops `null` members (TOML has no null: an absent key means the same).
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        v => v,
    }
}

/// Turns a request body into the entity to store for `id`: a JSON object
/// in the catalogue's shape whose `id`, if given, is `id`. Checks the
/// shape only; [`merge`] checks it against the rest of the catalogue.
pub fn normalise(id: &str, body: Value) -> Result<Value, CatalogueError> {
    check_id(id)?;
    let Value::Object(mut m) = strip_nulls(body) else {
        return Err(invalid(
            "an entity is a JSON object with the fields of a catalogue [[entity]] table",
        ));
    };
    match m.get("id") {
        None => {
            m.insert("id".into(), Value::String(id.into()));
        }
        Some(Value::String(given)) if given == id => {}
        Some(given) => {
            return Err(invalid(format!(
                "the entity says its id is {given} but was sent to {id:?}"
            )))
        }
    }
    for field in ["kind", "name"] {
        match m.get(field).and_then(Value::as_str).map(str::trim) {
            Some(s) if !s.is_empty() && s.chars().count() <= 300 => {}
            _ => {
                return Err(invalid(format!(
                    "{field} is required: a non-empty string of at most 300 characters"
                )))
            }
        }
    }
    if m.iter().any(|(k, v)| has_control(k) || any_control(v)) {
        return Err(invalid("entity text may not hold control characters"));
    }
    for (field, range) in [("lat", 90.0), ("lon", 180.0)] {
        if let Some(v) = m.get(field) {
            match v.as_f64() {
                Some(x) if x.is_finite() && x.abs() <= range => {}
                _ => {
                    return Err(invalid(format!(
                        "{field} must be a number within ±{range} degrees"
                    )))
                }
            }
        }
    }
    Ok(Value::Object(m))
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n')
}

fn any_control(v: &Value) -> bool {
    match v {
        Value::String(s) => has_control(s),
        Value::Array(a) => a.iter().any(any_control),
        Value::Object(m) => m.iter().any(|(k, x)| has_control(k) || any_control(x)),
        _ => false,
    }
}

/// The compiled-in catalogue with `edits` (entity JSON, each with its `id`)
/// merged over it: an edited ID replaces the compiled-in entity, a new ID
/// is added. Fails with the first problem, naming the entity.
pub fn merge(edits: &[Value]) -> Result<Catalogue, CatalogueError> {
    let ids: BTreeSet<&str> = edits
        .iter()
        .filter_map(|e| e.get("id").and_then(Value::as_str))
        .collect();
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, text) in CATALOGUE_FILES {
        if !ids.iter().any(|id| text.contains(id)) {
            files.push((name.to_string(), text.to_string()));
            continue;
        }
        let mut table: toml::Table = text
            .parse()
            .map_err(|e| invalid(format!("compiled-in {name}: {e}")))?;
        if let Some(toml::Value::Array(entities)) = table.get_mut("entity") {
            entities.retain(|e| {
                e.get("id")
                    .and_then(toml::Value::as_str)
                    .is_none_or(|id| !ids.contains(id))
            });
        }
        let text = toml::to_string(&table).map_err(|e| invalid(format!("{name}: {e}")))?;
        files.push((name.to_string(), text));
    }
    let mut entities = Vec::new();
    for e in edits {
        let v = toml::Value::try_from(e)
            .map_err(|err| invalid(format!("entity {}: {err}", e.get("id").unwrap_or(e))))?;
        entities.push(v);
    }
    let mut table = toml::Table::new();
    table.insert("entity".into(), toml::Value::Array(entities));
    let text = toml::to_string(&table).map_err(|e| invalid(format!("edited entities: {e}")))?;
    files.push((EDITS_FILE.to_string(), text));
    let catalogue = Catalogue::from_files(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| invalid(e.to_string()))?;
    for id in &ids {
        let Some(e) = catalogue.get(id) else {
            continue;
        };
        check_references(e, &catalogue)?;
    }
    Ok(catalogue)
}

/// The catalogue with every stored edit that still merges, and those
/// edits. An edit that no longer fits (say the compiled-in entity it
/// pointed at is gone) is skipped with a warning on stderr rather than
/// taking the whole catalogue down.
pub fn usable(edits: Vec<Value>) -> (Catalogue, Vec<Value>) {
    if let Ok(c) = merge(&edits) {
        return (c, edits);
    }
    let mut used: Vec<Value> = Vec::new();
    for e in edits {
        used.push(e);
        if let Err(err) = merge(&used) {
            let skipped = used.pop();
            eprintln!(
                "warning: catalogue edit {} skipped: {err}",
                skipped
                    .as_ref()
                    .and_then(|v| v.get("id"))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            );
        }
    }
    match merge(&used) {
        Ok(c) => (c, used),
        // Unreachable in practice (each step merged); fall back to none.
        Err(_) => (merge(&[]).unwrap_or_default(), Vec::new()),
    }
}

/// An edited entity may only point at entities the catalogue knows.
fn check_references(e: &Entity, catalogue: &Catalogue) -> Result<(), CatalogueError> {
    let refs = e
        .country
        .iter()
        .map(|c| ("country", c))
        .chain(e.parent.iter().map(|p| ("parent", p)))
        .chain(
            e.membership
                .iter()
                .map(|m| ("membership member", &m.member)),
        );
    for (what, id) in refs {
        if catalogue.get(id).is_none() {
            return Err(invalid(format!(
                "entity {}: {what} {id:?} is not in the catalogue",
                e.id
            )));
        }
    }
    for m in &e.membership {
        if !matches!(
            m.status.as_str(),
            "member" | "suspended" | "observer" | "partner"
        ) {
            return Err(invalid(format!(
                "entity {}: membership status {:?} must be member, suspended, observer or partner",
                e.id, m.status
            )));
        }
    }
    if e.aliases.values().all(|v| v.is_empty()) && e.metonyms.is_empty() {
        return Err(invalid(format!(
            "entity {} has no names to find it by: give aliases in one of {}",
            e.id,
            ALIAS_LANGUAGES.join(", ")
        )));
    }
    Ok(())
}

/// Puts the merged catalogue into `k` (names recompiled, the version
/// changed so incremental extraction knows extractions made before the
/// edits are stale).
pub fn apply(k: &mut Knowledge, catalogue: Catalogue, edits: &[Value]) {
    let mut names = NameIndex::build(&catalogue);
    names.link(&mut k.vocabulary);
    k.catalogue = catalogue;
    k.names = names;
    let mut h = Sha256::new();
    for e in edits {
        h.update(e.to_string().as_bytes());
        h.update([0]);
    }
    k.version = format!("{}+edits.{}", k.version, &hex::encode(h.finalize())[..12]);
}

/// `k` with the catalogue edits stored through the API merged in (edits
/// that no longer fit are skipped with a warning on stderr). For any
/// command that extracts from a database the workbench edits, so that it
/// extracts with the same catalogue: `with_edits(Knowledge::embedded()?,
/// &store.catalogue_entities()?)`.
pub fn with_edits(mut k: Knowledge, edits: &[watchfloor_store::EditedEntity]) -> Knowledge {
    if edits.is_empty() {
        return k;
    }
    let values: Vec<Value> = edits
        .iter()
        .filter_map(|e| match serde_json::from_str(&e.entity) {
            Ok(v) => Some(v),
            Err(err) => {
                eprintln!(
                    "warning: catalogue edit {} is not JSON ({err}); skipped",
                    e.id
                );
                None
            }
        })
        .collect();
    let (merged, used) = usable(values);
    apply(&mut k, merged, &used);
    k
}

/// A catalogue entity as JSON, in the shape the API takes back.
pub fn entity_json(e: &Entity) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(e.id));
    m.insert("kind".into(), json!(e.kind));
    m.insert("name".into(), json!(e.name));
    let opt = |m: &mut Map<String, Value>, k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.into(), v);
        }
    };
    opt(&mut m, "country", json!(e.country));
    opt(&mut m, "parent", json!(e.parent));
    opt(&mut m, "lat", json!(e.lat));
    opt(&mut m, "lon", json!(e.lon));
    opt(&mut m, "range_km", json!(e.range_km));
    opt(&mut m, "nuclear_capable", json!(e.nuclear_capable));
    opt(&mut m, "note", json!(e.note));
    let list = |m: &mut Map<String, Value>, k: &str, v: Value| {
        if v.as_array().is_some_and(|a| !a.is_empty())
            || v.as_object().is_some_and(|o| !o.is_empty())
        {
            m.insert(k.into(), v);
        }
    };
    list(&mut m, "sources", json!(e.sources));
    list(&mut m, "aliases", json!(e.aliases));
    list(&mut m, "metonyms", json!(e.metonyms));
    list(&mut m, "demonyms", json!(e.demonyms));
    let contextual: Vec<Value> = e
        .contextual
        .iter()
        .map(|c| {
            json!({"alias": c.alias, "case_sensitive": c.case_sensitive, "near": c.near, "avoid": c.avoid})
        })
        .collect();
    list(&mut m, "contextual", Value::Array(contextual));
    list(&mut m, "membership", json!(e.membership));
    strip_nulls(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blr_exercise() -> Value {
        json!({
            "kind": "exercise", "name": "Union Shield", "country": "BLR",
            "aliases": {"en": ["Union Shield", "Shield of the Union"], "ru": ["Щит Союза"]},
            "note": null
        })
    }

    #[test]
    fn the_compiled_in_files_are_all_embedded_and_merge_unchanged() {
        assert!(CATALOGUE_FILES.len() >= 9);
        let c = merge(&[]).unwrap();
        assert!(c.get("org:CSTO").is_some() && c.get("BLR").is_some());
    }

    #[test]
    fn an_edit_adds_or_replaces_and_round_trips() {
        let new = normalise("exercise:UNION_SHIELD_X", blr_exercise()).unwrap();
        assert_eq!(new["id"], "exercise:UNION_SHIELD_X");
        assert!(new.get("note").is_none(), "nulls are dropped");
        let mut csto = entity_json(merge(&[]).unwrap().get("org:CSTO").unwrap());
        csto["name"] = json!("Collective Security Treaty Organisation (edited)");
        let c = merge(&[new.clone(), csto.clone()]).unwrap();
        assert_eq!(
            c.get("exercise:UNION_SHIELD_X").unwrap().aliases["ru"],
            ["Щит Союза"]
        );
        let edited = c.get("org:CSTO").unwrap();
        assert!(edited.name.ends_with("(edited)"));
        assert!(
            !edited.membership.is_empty(),
            "the rest of the entity is kept"
        );
        assert_eq!(entity_json(edited), csto, "what is shown is what is taken");
        assert_eq!(c.entities().len(), merge(&[]).unwrap().entities().len() + 1);
    }

    #[test]
    fn rewriting_the_files_an_edit_touches_changes_no_other_entity() {
        // BLR is named in nearly every file, so nearly every file is
        // parsed and written again without it.
        let base = merge(&[]).unwrap();
        let mut blr = entity_json(base.get("BLR").unwrap());
        blr["name"] = json!("Republic of Belarus");
        let edited = merge(&[normalise("BLR", blr).unwrap()]).unwrap();
        assert_eq!(edited.entities().len(), base.entities().len());
        assert_eq!(edited.get("BLR").unwrap().name, "Republic of Belarus");
        for e in base.entities().iter().filter(|e| e.id != "BLR") {
            let after = edited.get(&e.id).expect("entity kept");
            assert_eq!(entity_json(after), entity_json(e), "{}", e.id);
        }
    }

    #[test]
    fn bad_entities_are_refused_with_a_reason() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("bad id!", blr_exercise(), "entity ID"),
            ("x:A", json!([1, 2]), "JSON object"),
            (
                "x:A",
                json!({"id": "x:B", "kind": "exercise", "name": "A"}),
                "was sent to",
            ),
            ("x:A", json!({"kind": "exercise"}), "name is required"),
            (
                "x:A",
                json!({"kind": "exercise", "name": "A", "lat": 95}),
                "lat",
            ),
            (
                "x:A",
                json!({"kind": "exercise", "name": "A\u{0007}"}),
                "control",
            ),
        ];
        for (id, body, want) in cases {
            let e = normalise(id, body).unwrap_err().to_string();
            assert!(e.contains(want), "{id}: {e}");
        }
        let merged = |body: Value| {
            let e = normalise("x:A", body).unwrap();
            merge(&[e]).unwrap_err().to_string()
        };
        let with = |k: &str, v: Value| {
            let mut b = blr_exercise();
            b[k] = v;
            b
        };
        assert!(merged(with("kind", json!("spaceship"))).contains("unknown kind"));
        assert!(merged(with("colour", json!("red"))).contains("colour"));
        assert!(merged(with("country", json!("ATLANTIS"))).contains("ATLANTIS"));
        assert!(merged(with("aliases", json!({"xx": ["A"]}))).contains("unknown language"));
        assert!(merged(with("aliases", json!({}))).contains("no names"));
        assert!(merged(with(
            "membership",
            json!([{"member": "BLR", "status": "friend", "from": "2020-01-01"}])
        ))
        .contains("friend"));
    }
}
