//! The OpenAPI 3.1 description of the API, built from one table of routes
//! (the same table the tests walk to prove every route answers and is
//! described).

use serde_json::{json, Map, Value};

/// One API operation.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// HTTP method, lower case.
    pub method: &'static str,
    /// Path under the server root, OpenAPI style (`/api/documents/{id}`).
    pub path: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// Least role allowed (`None`: no token needed).
    pub role: Option<&'static str>,
    /// Query parameters.
    pub query: &'static [&'static str],
    /// Media type of the request body, if any.
    pub body: Option<&'static str>,
    /// Success status.
    pub ok: u16,
}

const EVENT_QUERY: &[&str] = crate::params::EVENT_PARAMS;

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    Route { method: "get", path: "/api/me", summary: "The calling token: name and role", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "post", path: "/api/session", summary: "Sign in with a token ({\"token\": …}): starts a session (random secret stored hashed, 12 hours) and sets its HttpOnly, SameSite=Strict cookie (Secure over HTTPS)", role: None, query: &[], body: Some("application/json"), ok: 200 },
    Route { method: "delete", path: "/api/session", summary: "Sign out: ends the cookie's session and clears the cookie", role: None, query: &[], body: None, ok: 204 },
    Route { method: "get", path: "/api/stats", summary: "Counts, the span of event dates, and the vocabulary (domains, types, modalities)", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "get", path: "/api/events", summary: "Events filtered by campaign, domain, type, modality, date range and bounding box, newest first", role: Some("viewer"), query: EVENT_QUERY, body: None, ok: 200 },
    Route { method: "get", path: "/api/export/events.geojson", summary: "The same filters as /api/events, as a GeoJSON FeatureCollection, each event placed as `watchfloor export` places it (limit up to 100000)", role: Some("viewer"), query: EVENT_QUERY, body: None, ok: 200 },
    Route { method: "get", path: "/api/export/events.csv", summary: "The same filters as /api/events, as CSV with the columns of `watchfloor export csv` (limit up to 100000)", role: Some("viewer"), query: EVENT_QUERY, body: None, ok: 200 },
    Route { method: "get", path: "/api/report.html", summary: "The campaign's report (what `watchfloor report` writes): one self-contained HTML page on the evidence known by `to`, with changes since `since` (else since the last saved run)", role: Some("viewer"), query: &["campaign", "since", "to"], body: None, ok: 200 },
    Route { method: "get", path: "/api/documents", summary: "Stored documents in ID order", role: Some("viewer"), query: &["limit", "offset"], body: None, ok: 200 },
    Route { method: "post", path: "/api/documents", summary: "Ingest one uploaded file (at most 10 MB; any format ingest reads) and extract it", role: Some("analyst"), query: &["name"], body: Some("application/octet-stream"), ok: 201 },
    Route { method: "get", path: "/api/documents/{id}", summary: "One document: metadata, text and its events with evidence offsets (characters)", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "post", path: "/api/extract", summary: "Extract again the stored documents whose extraction is missing or was made with other knowledge (e.g. before a catalogue edit), at most `limit` (≤ 2000) per call; answers how many remain", role: Some("analyst"), query: &["limit"], body: None, ok: 200 },
    Route { method: "get", path: "/api/search", summary: "Full-text search over document titles and texts (every word must match): each hit's source, date, a snippet (matched words between U+E000 and U+E001) and the sentence holding the first match (character offsets, as event evidence; null when only the title matched)", role: Some("viewer"), query: &["q", "limit"], body: None, ok: 200 },
    Route { method: "get", path: "/api/entities", summary: "Entities by number of mentions", role: Some("viewer"), query: &["limit"], body: None, ok: 200 },
    Route { method: "get", path: "/api/places", summary: "Places by number of events", role: Some("viewer"), query: &["limit"], body: None, ok: 200 },
    Route { method: "get", path: "/api/campaigns", summary: "Campaign packs (compiled-in and uploaded)", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "get", path: "/api/campaigns/{name}", summary: "A campaign pack's TOML text (uploaded, else compiled-in)", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "put", path: "/api/campaigns/{name}", summary: "Upload or replace a campaign pack (TOML, validated; at most 1 MB)", role: Some("analyst"), query: &[], body: Some("application/toml"), ok: 200 },
    Route { method: "get", path: "/api/catalogue/entities", summary: "Catalogue entities (compiled-in, with the edits made here), by kind and words in ID, name or aliases; with the entity kinds and alias languages an entity may have", role: Some("viewer"), query: &["q", "kind", "limit", "offset"], body: None, ok: 200 },
    Route { method: "get", path: "/api/catalogue/entities/{id}", summary: "One catalogue entity in the catalogue's shape, and who edited it", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "put", path: "/api/catalogue/entities/{id}", summary: "Create or replace a catalogue entity (JSON with the fields of a data/catalogue [[entity]] table: kind, name, aliases per language, …; checked against the catalogue; at most 64 KB). Later uploads are extracted with it", role: Some("analyst"), query: &[], body: Some("application/json"), ok: 200 },
    Route { method: "delete", path: "/api/catalogue/entities/{id}", summary: "Drop an entity's edit: the compiled-in entity, if any, applies again", role: Some("analyst"), query: &[], body: None, ok: 204 },
    Route { method: "get", path: "/api/indicators", summary: "The campaign's indicator board with evidence, indices and changes since the last saved run, on evidence up to a day", role: Some("viewer"), query: &["campaign", "to"], body: None, ok: 200 },
    Route { method: "get", path: "/api/basemap/countries.geojson", summary: "Country outlines (Natural Earth, Crimea in Ukraine)", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "get", path: "/api/basemap/disputed.geojson", summary: "Occupied and disputed areas", role: Some("viewer"), query: &[], body: None, ok: 200 },
    Route { method: "get", path: "/api/tokens", summary: "Every token (never their secrets)", role: Some("admin"), query: &[], body: None, ok: 200 },
    Route { method: "post", path: "/api/tokens", summary: "Create a token; its secret is in this answer only", role: Some("admin"), query: &[], body: Some("application/json"), ok: 201 },
    Route { method: "delete", path: "/api/tokens/{id}", summary: "Revoke a token", role: Some("admin"), query: &[], body: None, ok: 204 },
    Route { method: "get", path: "/api/audit", summary: "The audit trail of writes, newest first", role: Some("admin"), query: &["limit"], body: None, ok: 200 },
    Route { method: "get", path: "/api/openapi.json", summary: "This document", role: Some("viewer"), query: &[], body: None, ok: 200 },
];

/// The media type of a route's successful answer.
pub fn ok_media(r: &Route) -> &'static str {
    if r.path.ends_with(".html") {
        "text/html"
    } else if r.path.ends_with(".csv") {
        "text/csv"
    } else if r.path.ends_with(".geojson") {
        "application/geo+json"
    } else if r.method == "get" && r.path == "/api/campaigns/{name}" {
        "application/toml"
    } else {
        "application/json"
    }
}

fn param(name: &str) -> Value {
    let (schema, description) = match name {
        "campaign" => (
            json!({"type": "string"}),
            "Campaign pack name; keeps the event types its indicators look for",
        ),
        "domain" => (
            json!({"type": "string"}),
            "Comma-separated domains: military, political, economic, information, international",
        ),
        "type" => (
            json!({"type": "string"}),
            "Comma-separated event types (see /api/stats)",
        ),
        "modality" => (
            json!({"type": "string"}),
            "Comma-separated modalities: observed, ongoing, projected, hypothetical, negated",
        ),
        "from" => (
            json!({"type": "string", "format": "date"}),
            "Events starting on or after this day (undated events are then left out, unless undated=include)",
        ),
        "to" => (
            json!({"type": "string", "format": "date"}),
            "Events starting (or evidence dated) on or before this day (undated events are then left out, unless undated=include)",
        ),
        "since" => (
            json!({"type": "string", "format": "date"}),
            "Count changes since this day",
        ),
        "undated" => (
            json!({"type": "string", "enum": ["include", "exclude", "only"]}),
            "Undated events: include (whatever from and to say), exclude, or only them; default: kept unless from or to is given",
        ),
        "kind" => (
            json!({"type": "string"}),
            "Entity kind (country, organization, body, person, site, weapon, …)",
        ),
        "bbox" => (
            json!({"type": "string"}),
            "min_lon,min_lat,max_lon,max_lat in degrees (WGS84)",
        ),
        "document" => (
            json!({"type": "integer", "minimum": 1}),
            "Only events of this document",
        ),
        "limit" => (
            json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            "Page size (at most 1000; 100000 for exports)",
        ),
        "offset" => (
            json!({"type": "integer", "minimum": 0, "maximum": 1000000}),
            "Rows to skip",
        ),
        "q" => (
            json!({"type": "string", "maxLength": 500}),
            "Words to search for",
        ),
        "name" => (
            json!({"type": "string", "maxLength": 200}),
            "File name of the upload (its extension hints the format)",
        ),
        _ => (json!({"type": "string"}), ""),
    };
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

/// The OpenAPI document.
pub fn spec() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let mut params: Vec<Value> = r.query.iter().map(|q| param(q)).collect();
        for seg in r.path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let schema = if name == "id" {
                    json!({"type": "integer"})
                } else {
                    json!({"type": "string"})
                };
                params
                    .push(json!({"name": name, "in": "path", "required": true, "schema": schema}));
            }
        }
        let mut responses = Map::new();
        let ok_body = if r.ok == 204 {
            json!({"description": "Done"})
        } else {
            let schema = if ok_media(r).ends_with("json") {
                json!({"type": "object"})
            } else {
                json!({"type": "string"})
            };
            json!({"description": "Success", "content": {ok_media(r): {"schema": schema}}})
        };
        responses.insert(r.ok.to_string(), ok_body);
        responses.insert(
            "400".into(),
            json!({"$ref": "#/components/responses/Error"}),
        );
        if r.role.is_some() {
            responses.insert(
                "401".into(),
                json!({"$ref": "#/components/responses/Error"}),
            );
            if r.role != Some("viewer") {
                responses.insert(
                    "403".into(),
                    json!({"$ref": "#/components/responses/Error"}),
                );
            }
        }
        if r.body.is_some() {
            responses.insert(
                "413".into(),
                json!({"$ref": "#/components/responses/Error"}),
            );
        }
        let mut op = json!({
            "summary": r.summary,
            "operationId": format!("{}{}", r.method, r.path.replace(['/', '.', '{', '}'], "_")),
            "parameters": params,
            "responses": responses,
        });
        match r.role {
            Some(role) => {
                op["security"] = json!([{"bearer": []}, {"cookie": []}]);
                op["x-watchfloor-role"] = json!(role);
            }
            None => op["security"] = json!([]),
        }
        if let Some(media) = r.body {
            op["requestBody"] = json!({"required": true, "content": {media: {"schema": {}}}});
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Watchfloor API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The analyst's workbench. Every call needs a token (Authorization: Bearer …, or the session cookie set by POST /api/session). Roles: viewer reads; analyst also ingests documents and edits the catalogue and campaign packs; admin also manages tokens and reads the audit trail. Every write is in the audit trail. Errors are {\"error\": {\"code\", \"message\"}}."
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE}
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
                }
            },
            "responses": {
                "Error": {"description": "An error with a stable code",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        }
    })
}
