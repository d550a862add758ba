//! The JSON API routes under `/api/`. Every handler checks its inputs
//! (bounded, with stable error codes), checks the caller's role before any
//! write, and records every write in the audit trail.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use watchfloor_assess::{AssessOptions, Baseline, Facts, Pack};
use watchfloor_model::{Domain, EventType};
use watchfloor_publish::export::{CsvOptions, ExportEvent, Location};
use watchfloor_publish::Locator;
use watchfloor_store::{
    Actor, EventFilter, EventQuery, EventRow, InsertOutcome, NewDocument, Role, Store,
};

use crate::auth::{clear_cookie, is_https, session_secret, start_session, Caller};
use crate::params::{EventParams, Params, MAX_EXPORT, MAX_LIMIT, MAX_OFFSET};
use crate::report::REPORT_CONTENT_SECURITY_POLICY;
use crate::{blocking, ApiError, App, MAX_DOCUMENT_BYTES, MAX_PACK_BYTES, MAX_SMALL_BODY};

/// The countries layer of the basemap (Natural Earth via world-atlas,
/// Crimea in Ukraine), compiled in.
const COUNTRIES: &str = include_str!("../../../data/basemap/countries.geojson");
/// Occupied and disputed areas.
const DISPUTED: &str = include_str!("../../../data/basemap/disputed.geojson");

pub(crate) fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/session", post(sign_in).delete(sign_out))
        .route("/stats", get(stats))
        .route("/events", get(events))
        .route("/export/events.geojson", get(export_geojson))
        .route("/export/events.csv", get(export_csv))
        .route("/report.html", get(report_html))
        .route("/documents", get(documents).post(upload_document))
        .route("/documents/{id}", get(document))
        .route("/extract", post(extract_stale))
        .route("/search", get(search))
        .route("/entities", get(entities))
        .route("/places", get(places))
        .route("/campaigns", get(campaigns))
        .route("/campaigns/{name}", get(pack_text).put(upload_pack))
        .route("/catalogue/entities", get(catalogue_entities))
        .route(
            "/catalogue/entities/{id}",
            get(catalogue_entity)
                .put(put_catalogue_entity)
                .delete(revert_catalogue_entity),
        )
        .route("/indicators", get(indicators))
        .route(
            "/basemap/countries.geojson",
            get(|| async { geojson(COUNTRIES) }),
        )
        .route(
            "/basemap/disputed.geojson",
            get(|| async { geojson(DISPUTED) }),
        )
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/audit", get(audit))
        .route(
            "/openapi.json",
            get(|| async { Json(crate::openapi::spec()) }),
        )
        .fallback(|| async {
            ApiError::NotFound("no such API route; see /api/openapi.json".into())
        })
        .with_state(app)
}

fn geojson(text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/geo+json")], text).into_response()
}

/// Reads a request body of at most `max` bytes; 413 beyond.
async fn read_body(headers: &HeaderMap, body: Body, max: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "request body is larger than the {} bytes this route accepts",
            max
        ))
    };
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > max as u64 {
            return Err(too_large());
        }
    }
    axum::body::to_bytes(body, max)
        .await
        .map_err(|_| too_large())
}

async fn json_body<T: serde::de::DeserializeOwned>(req: Request) -> Result<T, ApiError> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_SMALL_BODY).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad(
            "invalid_json",
            format!("request body is not the expected JSON: {e}"),
        )
    })
}

fn actor(caller: &Caller) -> Actor {
    Actor::of(&caller.0)
}

async fn me(Extension(caller): Extension<Caller>) -> Json<Value> {
    Json(json!({ "id": caller.0.id, "name": caller.0.name, "role": caller.0.role }))
}

#[derive(serde::Deserialize)]
struct SignIn {
    token: String,
}

async fn sign_in(State(app): State<Arc<App>>, req: Request) -> Result<Response, ApiError> {
    let https = is_https(req.headers());
    let body: SignIn = json_body(req).await?;
    let secret = body.token.trim().to_string();
    let Some((session, cookie)) = start_session(&app, secret, "sign-in form", https).await? else {
        return Err(ApiError::Unauthenticated(
            "this token is not valid (unknown or revoked)".into(),
        ));
    };
    let token = session.token;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(
            json!({ "id": token.id, "name": token.name, "role": token.role,
                     "expires_at": session.expires_at }),
        ),
    )
        .into_response())
}

/// Ends the session of the cookie presented (if it is live) and clears the
/// cookie; needs no other credential, since holding the session is enough
/// to end it.
async fn sign_out(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(secret) = session_secret(&headers).filter(|s| s.len() <= 200) {
        blocking(&app, move |app| {
            app.with_store(|s| {
                if let Some((id, token)) = s.verify_session(&secret)? {
                    s.end_session(&secret)?;
                    s.audit(
                        &Actor::of(&token),
                        "session.end",
                        &format!("session:{id}"),
                        "",
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_cookie())],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

async fn stats(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, |app| {
        app.with_store(|s| {
            let stats = s.stats()?;
            let extent = s.event_extent()?;
            Ok(Json(json!({
                "documents": stats.documents,
                "events": stats.events,
                "extracted": stats.extracted,
                "first_event": extent.first,
                "last_event": extent.last,
                "domains": Domain::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                "types": EventType::ALL.iter().map(|t| json!({"type": t.as_str(), "domain": t.domain().as_str()})).collect::<Vec<_>>(),
                "modalities": watchfloor_model::Modality::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            })))
        })
    })
    .await
}

/// Every campaign pack: compiled-in ones, replaced or joined by packs
/// uploaded through the API.
fn all_packs(app: &App, store: &Store) -> Result<Vec<Pack>, ApiError> {
    let k = app.knowledge()?;
    let mut packs = watchfloor_assess::builtin_packs(Some(&k.catalogue))
        .map_err(|e| ApiError::Internal(format!("compiled-in packs: {e}")))?;
    for (name, text) in store.campaign_packs()? {
        let Ok(pack) = Pack::parse(&format!("{name}.toml"), &text, Some(&k.catalogue)) else {
            continue;
        };
        packs.retain(|p| p.name != pack.name);
        packs.push(pack);
    }
    packs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(packs)
}

fn find_pack(packs: Vec<Pack>, name: &str) -> Result<Pack, ApiError> {
    let names: Vec<String> = packs.iter().map(|p| p.name.clone()).collect();
    packs.into_iter().find(|p| p.name == name).ok_or_else(|| {
        ApiError::bad(
            "invalid_campaign",
            format!(
                "no campaign pack named {:?}; known: {}",
                crate::params::truncate(name),
                names.join(", ")
            ),
        )
    })
}

/// Turns checked parameters into a store query; `None` when the filters
/// cannot match anything (e.g. a type outside the chosen domain).
fn event_query(app: &App, store: &Store, p: &EventParams) -> Result<Option<EventQuery>, ApiError> {
    let mut allowed: Option<BTreeSet<EventType>> = None;
    let mut narrow = |set: BTreeSet<EventType>| {
        allowed = Some(match allowed.take() {
            None => set,
            Some(a) => a.intersection(&set).copied().collect(),
        });
    };
    if !p.types.is_empty() {
        narrow(p.types.iter().copied().collect());
    }
    if !p.domains.is_empty() {
        narrow(
            EventType::ALL
                .iter()
                .copied()
                .filter(|t| p.domains.contains(&t.domain()))
                .collect(),
        );
    }
    if let Some(name) = &p.campaign {
        let pack = find_pack(all_packs(app, store)?, name)?;
        if pack.indicators.iter().all(|i| !i.criteria.types.is_empty()) {
            narrow(
                pack.indicators
                    .iter()
                    .flat_map(|i| i.criteria.types.iter().copied())
                    .collect(),
            );
        }
    }
    if allowed.as_ref().is_some_and(|a| a.is_empty()) {
        return Ok(None);
    }
    Ok(Some(EventQuery {
        types: allowed
            .map(|a| a.iter().map(|t| t.as_str().to_string()).collect())
            .unwrap_or_default(),
        modalities: p
            .modalities
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        from: p.from.clone(),
        to: p.to.clone(),
        undated: p.undated,
        bbox: p.bbox,
        document: p.document,
        limit: p.limit,
        offset: p.offset,
    }))
}

fn run_event_query(app: &App, p: &EventParams) -> Result<Vec<EventRow>, ApiError> {
    app.with_store(|s| match event_query(app, s, p)? {
        Some(q) => Ok(s.query_events(&q)?),
        None => Ok(Vec::new()),
    })
}

async fn events(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = EventParams::parse(q.as_deref(), 500, MAX_LIMIT)?;
    blocking(&app, move |app| {
        let rows = run_event_query(app, &p)?;
        Ok(Json(json!({
            "limit": p.limit,
            "offset": p.offset,
            "count": rows.len(),
            "more": rows.len() as i64 == p.limit,
            "events": rows,
        })))
    })
    .await
}

/// The same filters as `/api/events`, as a GeoJSON FeatureCollection: one
/// feature per event, placed by the same [`Locator`] as `watchfloor export`
/// (the place it names, else a catalogue site it involves, else its
/// country's capital; `located_by` and `geo_precision` say which), with a
/// `null` geometry when it cannot be placed.
async fn export_geojson(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = EventParams::parse(q.as_deref(), 10_000, MAX_EXPORT)?;
    blocking(&app, move |app| {
        let rows = run_event_query(app, &p)?;
        let k = app.knowledge()?;
        let loc = Locator::new(&k);
        let features: Vec<Value> = rows
            .into_iter()
            .map(|e| {
                let at = locate(&loc, &e);
                json!({
                    "type": "Feature",
                    "id": e.id,
                    "geometry": at.as_ref().map_or(Value::Null, Location::geometry),
                    "properties": {
                        "type": e.event_type, "domain": e.domain, "modality": e.modality,
                        "date_start": e.date_start, "date_end": e.date_end,
                        "place": e.place, "country": e.country, "confidence": e.confidence,
                        "location": at.as_ref().map(|l| &l.name),
                        "geo_precision": at.as_ref().map(|l| l.precision),
                        "located_by": at.as_ref().map(|l| l.by),
                        "document": e.document_id, "title": e.title, "source": e.source,
                        "published": e.published, "evidence": e.evidence_text,
                    }
                })
            })
            .collect();
        let body = json!({ "type": "FeatureCollection", "features": features });
        Ok((
            [
                (header::CONTENT_TYPE, "application/geo+json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"events.geojson\"",
                ),
            ],
            body.to_string(),
        )
            .into_response())
    })
    .await
}

/// Where a listed event happened, by the shared [`Locator`].
fn locate(loc: &Locator<'_>, e: &EventRow) -> Option<Location> {
    loc.locate_ids(e.place.as_deref(), &e.entities, e.country.as_deref())
}

/// A listed event, located and named like `watchfloor export` does.
fn export_event(loc: &Locator<'_>, e: EventRow) -> ExportEvent {
    let location = locate(loc, &e);
    ExportEvent {
        id: e.id,
        document: e.document_id,
        time_precision: e.date_precision,
        published: e.published,
        actors: e.actors.iter().map(|a| loc.entity_name(a)).collect(),
        country_name: e.country.as_deref().and_then(|c| loc.country_name(c)),
        location,
        date: e.date_start,
        date_end: e.date_end,
        event_type: e.event_type,
        domain: e.domain,
        modality: e.modality,
        actor_ids: e.actors,
        entities: e.entities,
        country: e.country,
        source: e.source,
        title: e.title,
        notes: e.evidence_text,
        confidence: e.confidence,
    }
}

/// The same filters as `/api/events`, as CSV with the columns of
/// `watchfloor export csv` (ACLED-like; `notes` is the evidence sentence).
async fn export_csv(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = EventParams::parse(q.as_deref(), 10_000, MAX_EXPORT)?;
    blocking(&app, move |app| {
        let rows = run_event_query(app, &p)?;
        let k = app.knowledge()?;
        let loc = Locator::new(&k);
        let events: Vec<ExportEvent> = rows.into_iter().map(|e| export_event(&loc, e)).collect();
        let text = watchfloor_publish::export::to_csv(&events, CsvOptions::default())
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "text/csv; charset=utf-8; header=present",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"events.csv\"",
                ),
            ],
            text,
        )
            .into_response())
    })
    .await
}

/// The campaign's report as one self-contained HTML page (what `watchfloor
/// report` writes), on the evidence known by `to`, with changes since
/// `since` (else since the last saved run).
async fn report_html(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref(), &["campaign", "since", "to"])?;
    let campaign = p.get("campaign").unwrap_or("russia-belarus").to_string();
    let since = p.date("since")?;
    let to = p.date("to")?;
    if let (Some(s), Some(t)) = (&since, &to) {
        if s > t {
            return Err(ApiError::bad(
                "invalid_date",
                format!("since ({s}) is after to ({t})"),
            ));
        }
    }
    blocking(&app, move |app| {
        let key = format!(
            "report|{campaign}|{}|{}",
            since.as_deref().unwrap_or(""),
            to.as_deref().unwrap_or("")
        );
        let html = cached(app, key, || {
            let k = app.knowledge()?;
            app.with_store(|s| {
                let pack = find_pack(all_packs(app, s)?, &campaign)?;
                crate::report::render(&k, s, &pack, since.as_deref(), to.as_deref())
                    .map(Value::String)
            })
        })?;
        let html = html.as_str().unwrap_or_default().to_string();
        Ok((
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    REPORT_CONTENT_SECURITY_POLICY,
                ),
            ],
            html,
        )
            .into_response())
    })
    .await
}

async fn documents(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(q.as_deref(), &["limit", "offset"])?;
    let limit = p.int("limit", 100, 1, MAX_LIMIT, "invalid_limit")?;
    let offset = p.int("offset", 0, 0, MAX_OFFSET, "invalid_offset")?;
    blocking(&app, move |app| {
        app.with_store(|s| {
            let docs = s.list_documents(limit, offset)?;
            Ok(Json(
                json!({ "limit": limit, "offset": offset, "documents": docs }),
            ))
        })
    })
    .await
}

async fn document(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad("invalid_id", "document ID must be an integer"))?;
    blocking(&app, move |app| {
        app.with_store(|s| {
            let Some(doc) = s.document(id)? else {
                return Err(ApiError::NotFound(format!("no document {id}")));
            };
            let events = s.query_events(&EventQuery {
                document: Some(id),
                limit: MAX_LIMIT,
                ..Default::default()
            })?;
            let mut v =
                serde_json::to_value(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
            v["events"] =
                serde_json::to_value(events).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(Json(v))
        })
    })
    .await
}

async fn upload_document(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst, "ingesting documents")?;
    let p = Params::parse(q.as_deref(), &["name"])?;
    let name = p.get("name").unwrap_or("upload").to_string();
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(ApiError::bad(
            "invalid_name",
            "name must be a file name of at most 200 characters",
        ));
    }
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_DOCUMENT_BYTES).await?;
    let result = blocking(&app, move |app| {
        let source = format!("upload:{name}");
        let ext = std::path::Path::new(&name)
            .extension()
            .and_then(|e| e.to_str())
            .map(String::from);
        let outcome = watchfloor_ingest::read_bytes(&source, &bytes, ext.as_deref())
            .map_err(|e| ApiError::bad("unreadable_document", e.to_string()))?;
        let k = app.knowledge()?;
        let who = actor(&caller);
        let stored = app.with_store(|s| {
            let mut out = Vec::new();
            for doc in &outcome.documents {
                let hash = watchfloor_ingest::content_hash(&doc.text);
                let new = NewDocument {
                    document: doc,
                    hash: &hash,
                    simhash: watchfloor_ingest::simhash(&doc.text),
                    bytes: bytes.len() / outcome.documents.len().max(1),
                };
                let (id, kind, of) = match s.insert_document(&new)? {
                    InsertOutcome::Stored { id } => (id, "stored", None),
                    InsertOutcome::NearDuplicate { id, of, .. } => (id, "near_duplicate", Some(of)),
                    InsertOutcome::Duplicate { of } => (of, "duplicate", Some(of)),
                };
                let mut events = 0;
                if kind != "duplicate" {
                    let record = k.extract(doc, &hash);
                    events = record.events.len();
                    s.save_extraction(id, &record, &k.version)?;
                }
                let detail = json!({"source": doc.source, "outcome": kind, "events": events, "bytes": bytes.len()});
                s.audit(&who, "document.ingest", &format!("document:{id}"), &detail.to_string())?;
                out.push(json!({"id": id, "outcome": kind, "duplicate_of": of, "events": events, "title": doc.title}));
            }
            Ok(out)
        })?;
        app.bump();
        Ok(json!({
            "documents": stored,
            "problems": outcome.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(result)).into_response())
}

/// Largest batch of `POST /api/extract`.
const MAX_EXTRACT_BATCH: i64 = 2000;

/// Extracts again the stored documents whose extraction is missing or was
/// made with other knowledge (after a catalogue edit, say), at most
/// `limit` of them per call; says how many remain.
async fn extract_stale(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(Role::Analyst, "extracting documents")?;
    let p = Params::parse(q.as_deref(), &["limit"])?;
    let limit = p.int("limit", 200, 1, MAX_EXTRACT_BATCH, "invalid_limit")?;
    blocking(&app, move |app| {
        let k = app.knowledge()?;
        let who = actor(&caller);
        let out = app.with_store(|s| {
            let todo = s.documents_to_extract(&k.version)?;
            let mut events = 0;
            let mut done = 0;
            for &id in todo.iter().take(limit as usize) {
                if let Some((hash, doc)) = s.document_for_extraction(id)? {
                    let record = k.extract(&doc, &hash);
                    events += record.events.len();
                    s.save_extraction(id, &record, &k.version)?;
                    done += 1;
                }
            }
            let remaining = todo.len().saturating_sub(limit as usize);
            if done > 0 {
                let detail = json!({"documents": done, "events": events, "extractor": k.version});
                s.audit(&who, "documents.extract", "documents", &detail.to_string())?;
            }
            Ok(
                json!({"extracted": done, "events": events, "remaining": remaining,
                      "extractor": k.version}),
            )
        })?;
        app.bump();
        Ok(Json(out))
    })
    .await
}

async fn search(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(q.as_deref(), &["q", "limit"])?;
    let text = p.get("q").unwrap_or("").to_string();
    if text.chars().count() > 500 {
        return Err(ApiError::bad(
            "invalid_query",
            "q must be at most 500 characters",
        ));
    }
    let limit = p.int("limit", 50, 1, MAX_LIMIT, "invalid_limit")?;
    blocking(&app, move |app| {
        app.with_store(|s| {
            let hits = s.search_documents(&text, limit)?;
            let mut rows = Vec::with_capacity(hits.len());
            for hit in hits {
                // The sentence the hit points at, so it can be quoted in
                // its document as an event's evidence is.
                let sentence = match s.document(hit.id)? {
                    Some(doc) => crate::search::hit_sentence(&doc.text, &hit.snippet),
                    None => None,
                };
                let mut row =
                    serde_json::to_value(&hit).map_err(|e| ApiError::Internal(e.to_string()))?;
                row["sentence"] = json!(sentence);
                rows.push(row);
            }
            Ok(Json(json!({ "q": text, "hits": rows })))
        })
    })
    .await
}

async fn entities(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(q.as_deref(), &["limit"])?;
    let limit = p.int("limit", 100, 1, MAX_LIMIT, "invalid_limit")?;
    blocking(&app, move |app| {
        let k = app.knowledge()?;
        app.with_store(|s| {
            let rows: Vec<Value> = s
                .entity_tallies(limit)?
                .into_iter()
                .map(|t| {
                    let e = k.catalogue.get(&t.id);
                    json!({"id": t.id, "name": e.map(|e| e.name.clone()), "kind": e.map(|e| e.kind.clone()),
                           "mentions": t.count, "documents": t.documents})
                })
                .collect();
            Ok(Json(json!({ "entities": rows })))
        })
    })
    .await
}

async fn places(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(q.as_deref(), &["limit"])?;
    let limit = p.int("limit", 100, 1, MAX_LIMIT, "invalid_limit")?;
    blocking(&app, move |app| {
        let k = app.knowledge()?;
        app.with_store(|s| {
            let tallies = s.place_tallies(limit)?;
            let wanted: BTreeSet<&str> = tallies.iter().map(|t| t.id.as_str()).collect();
            let names: std::collections::BTreeMap<&str, &str> = k
                .gazetteer
                .places
                .iter()
                .filter(|p| wanted.contains(p.id.as_str()))
                .map(|p| (p.id.as_str(), p.name.as_str()))
                .collect();
            let rows: Vec<Value> = tallies
                .iter()
                .map(|t| json!({"id": t.id, "name": names.get(t.id.as_str()), "country": t.country,
                                "lat": t.lat, "lon": t.lon, "events": t.count, "documents": t.documents}))
                .collect();
            Ok(Json(json!({ "places": rows })))
        })
    })
    .await
}

async fn campaigns(State(app): State<Arc<App>>) -> Result<Json<Value>, ApiError> {
    blocking(&app, |app| {
        app.with_store(|s| {
            let packs = all_packs(app, s)?;
            let rows: Vec<Value> = packs
                .iter()
                .map(|p| json!({"name": p.name, "title": p.title, "aggressor": p.aggressor, "target": p.target,
                                "indicators": p.indicators.len()}))
                .collect();
            Ok(Json(json!({ "campaigns": rows })))
        })
    })
    .await
}

async fn upload_pack(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst, "editing campaign packs")?;
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::bad(
            "invalid_campaign",
            "pack names are 1-64 letters, digits, '-' or '_'",
        ));
    }
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_PACK_BYTES).await?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad("invalid_pack", "a pack is UTF-8 TOML text"))?;
    let result = blocking(&app, move |app| {
        let k = app.knowledge()?;
        let pack = Pack::parse(&format!("{name}.toml"), &text, Some(&k.catalogue))
            .map_err(|e| ApiError::bad("invalid_pack", e.to_string()))?;
        if pack.name != name {
            return Err(ApiError::bad(
                "invalid_pack",
                format!(
                    "the pack calls itself {:?} but was sent to {:?}",
                    pack.name, name
                ),
            ));
        }
        let who = actor(&caller);
        app.with_store(|s| {
            s.save_campaign_pack(&name, &text, &who.name)?;
            let detail = json!({"indicators": pack.indicators.len(), "bytes": text.len()});
            s.audit(
                &who,
                "campaign.upload",
                &format!("campaign:{name}"),
                &detail.to_string(),
            )?;
            Ok(())
        })?;
        app.bump();
        Ok(json!({"name": pack.name, "title": pack.title, "indicators": pack.indicators.len()}))
    })
    .await?;
    Ok((StatusCode::OK, Json(result)).into_response())
}

/// The TOML text of a campaign pack (uploaded, else compiled-in), to edit
/// and upload again.
async fn pack_text(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    blocking(&app, move |app| {
        let uploaded = app.with_store(|s| Ok(s.campaign_packs()?))?;
        let text = match uploaded.into_iter().find(|(n, _)| *n == name) {
            Some((_, text)) => text,
            None => watchfloor_assess::builtin_pack_files()
                .iter()
                .find(|(file, _)| file.strip_suffix(".toml") == Some(name.as_str()))
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| {
                    ApiError::NotFound(format!(
                        "no campaign pack named {:?}",
                        crate::params::truncate(&name)
                    ))
                })?,
        };
        Ok((
            [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
            text,
        )
            .into_response())
    })
    .await
}

/// Catalogue entities (compiled-in, with the edits made through the API),
/// filtered by kind and by words in their ID, name or aliases.
async fn catalogue_entities(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(q.as_deref(), &["q", "kind", "limit", "offset"])?;
    let text = p.get("q").unwrap_or("").to_lowercase();
    if text.chars().count() > 200 {
        return Err(ApiError::bad(
            "invalid_query",
            "q must be at most 200 characters",
        ));
    }
    let kind = p.get("kind").map(String::from);
    if let Some(kind) = &kind {
        if watchfloor_model::EntityKind::parse(kind).is_none() {
            return Err(ApiError::bad(
                "invalid_kind",
                format!("unknown entity kind {:?}", crate::params::truncate(kind)),
            ));
        }
    }
    let limit = p.int("limit", 100, 1, MAX_LIMIT, "invalid_limit")?;
    let offset = p.int("offset", 0, 0, MAX_OFFSET, "invalid_offset")?;
    blocking(&app, move |app| {
        let k = app.knowledge()?;
        let edited: BTreeSet<String> = app
            .with_store(|s| Ok(s.catalogue_entities()?))?
            .into_iter()
            .map(|e| e.id)
            .collect();
        let matching: Vec<&watchfloor_extract::catalogue::Entity> = k
            .catalogue
            .entities()
            .iter()
            .filter(|e| kind.as_ref().is_none_or(|kd| &e.kind == kd))
            .filter(|e| {
                text.is_empty()
                    || e.id.to_lowercase().contains(&text)
                    || e.name.to_lowercase().contains(&text)
                    || e.aliases
                        .values()
                        .flatten()
                        .any(|a| a.to_lowercase().contains(&text))
            })
            .collect();
        let rows: Vec<Value> = matching
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|e| {
                json!({"id": e.id, "kind": e.kind, "name": e.name, "country": e.country,
                       "edited": edited.contains(&e.id)})
            })
            .collect();
        Ok(Json(json!({
            "total": matching.len(), "limit": limit, "offset": offset, "entities": rows,
            "kinds": watchfloor_model::EntityKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "languages": watchfloor_extract::catalogue::ALIAS_LANGUAGES,
        })))
    })
    .await
}

fn entity_id(id: &str) -> Result<String, ApiError> {
    crate::catalogue::check_id(id).map_err(|e| ApiError::bad("invalid_id", e.to_string()))?;
    Ok(id.to_string())
}

/// One catalogue entity in the catalogue's shape, and whether (and by
/// whom) it was edited through the API.
async fn catalogue_entity(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = entity_id(&id)?;
    blocking(&app, move |app| {
        let k = app.knowledge()?;
        let Some(e) = k.catalogue.get(&id) else {
            return Err(ApiError::NotFound(format!("no catalogue entity {id}")));
        };
        let edit = app
            .with_store(|s| Ok(s.catalogue_entities()?))?
            .into_iter()
            .find(|x| x.id == id)
            .map(|x| json!({"updated_at": x.updated_at, "updated_by": x.updated_by}));
        Ok(Json(json!({
            "entity": crate::catalogue::entity_json(e),
            "edited": edit,
        })))
    })
    .await
}

/// Creates or replaces a catalogue entity (the whole entity, in the
/// catalogue's shape), checked against the rest of the catalogue; uploads
/// extracted after it use it.
async fn put_catalogue_entity(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst, "editing the catalogue")?;
    let id = entity_id(&id)?;
    let body: Value = json_body(req).await?;
    let entity = crate::catalogue::normalise(&id, body)
        .map_err(|e| ApiError::bad("invalid_entity", e.to_string()))?;
    let result = blocking(&app, move |app| {
        let compiled_in = crate::catalogue::merge(&[])
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .get(&id)
            .is_some();
        let who = actor(&caller);
        let others: Vec<Value> = app
            .with_store(|s| Ok(s.catalogue_entities()?))?
            .into_iter()
            .filter(|e| e.id != id)
            .filter_map(|e| serde_json::from_str(&e.entity).ok())
            .collect();
        let (_, mut edits) = crate::catalogue::usable(others);
        edits.push(entity.clone());
        crate::catalogue::merge(&edits)
            .map_err(|e| ApiError::bad("invalid_entity", e.to_string()))?;
        let replaced = app.with_store(|s| {
            let replaced = s.save_catalogue_entity(&id, &entity.to_string(), &who.name)?;
            let detail = json!({"name": entity["name"], "kind": entity["kind"],
                                "compiled_in": compiled_in, "replaced_edit": replaced});
            s.audit(
                &who,
                "catalogue.update",
                &format!("entity:{id}"),
                &detail.to_string(),
            )?;
            Ok(replaced)
        })?;
        app.catalogue_changed();
        Ok(json!({"entity": entity, "created": !compiled_in && !replaced}))
    })
    .await?;
    Ok((StatusCode::OK, Json(result)).into_response())
}

/// Drops the edit of an entity: the compiled-in entity (if any) applies
/// again.
async fn revert_catalogue_entity(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst, "editing the catalogue")?;
    let id = entity_id(&id)?;
    blocking(&app, move |app| {
        let who = actor(&caller);
        app.with_store(|s| {
            if !s.delete_catalogue_entity(&id)? {
                return Err(ApiError::NotFound(format!(
                    "catalogue entity {id} has no edit to revert"
                )));
            }
            s.audit(&who, "catalogue.revert", &format!("entity:{id}"), "")?;
            Ok(())
        })?;
        app.catalogue_changed();
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

async fn indicators(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref(), &["campaign", "to"])?;
    let campaign = p.get("campaign").unwrap_or("russia-belarus").to_string();
    let to = p.date("to")?;
    let value = blocking(&app, move |app| {
        indicator_board(app, &campaign, to.as_deref())
    })
    .await?;
    Ok(Json(value.as_ref().clone()).into_response())
}

/// The indicator board of a campaign as of `to` (default today), cached
/// until the next write (see [`cached`]). Blocking: it reads every stored
/// event.
pub(crate) fn indicator_board(
    app: &App,
    campaign: &str,
    to: Option<&str>,
) -> Result<Arc<Value>, ApiError> {
    let key = format!("indicators|{campaign}|{}", to.unwrap_or(""));
    cached(app, key, || {
        let k = app.knowledge()?;
        app.with_store(|s| {
            let pack = find_pack(all_packs(app, s)?, campaign)?;
            let mut events = s.events(&EventFilter::default())?;
            crate::report::known_by(&mut events, to);
            let as_of = to
                .map(str::to_string)
                .unwrap_or_else(|| jiff::Zoned::now().date().to_string());
            let mut options = AssessOptions::new(&as_of);
            options.max_evidence = 20;
            options.baseline = match s.last_assessment_run(&pack.name)? {
                Some(run) => Baseline::Run {
                    label: format!("run {} at {}", run.id, run.generated_at),
                    statuses: run.statuses,
                },
                None => Baseline::FirstRun,
            };
            let facts = Facts::new(&k.catalogue);
            let a = watchfloor_assess::assess(&pack, &events, &facts, &options);
            serde_json::to_value(a).map_err(|e| ApiError::Internal(e.to_string()))
        })
    })
}

/// The answer cached under `key` while nothing has been written (and on
/// the same day: "today" is the default assessment day), else made by `f`
/// and cached. Assessments read every stored event, so they are worth
/// keeping.
fn cached(
    app: &App,
    key: String,
    f: impl FnOnce() -> Result<Value, ApiError>,
) -> Result<Arc<Value>, ApiError> {
    let key = format!("{key}|{}", jiff::Zoned::now().date());
    let generation = app.generation.load(std::sync::atomic::Ordering::SeqCst);
    if let Ok(cache) = app.assessments.lock() {
        if let Some((_, _, v)) = cache.iter().find(|(k, g, _)| *k == key && *g == generation) {
            return Ok(v.clone());
        }
    }
    let value = Arc::new(f()?);
    if let Ok(mut cache) = app.assessments.lock() {
        cache.retain(|(_, g, _)| *g == generation);
        if cache.len() >= 32 {
            cache.remove(0);
        }
        cache.push((key, generation, value.clone()));
    }
    Ok(value)
}

async fn tokens(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Role::Admin, "listing tokens")?;
    blocking(&app, |app| {
        app.with_store(|s| Ok(Json(json!({ "tokens": s.tokens()? }))))
    })
    .await
}

#[derive(serde::Deserialize)]
struct CreateToken {
    name: String,
    role: String,
}

async fn create_token(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    req: Request,
) -> Result<Response, ApiError> {
    caller.require(Role::Admin, "creating tokens")?;
    let body: CreateToken = json_body(req).await?;
    let Some(role) = Role::parse(&body.role) else {
        return Err(ApiError::bad(
            "invalid_role",
            "role must be viewer, analyst or admin",
        ));
    };
    let name = body.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::bad(
            "invalid_name",
            "a token name is 1-100 printable characters",
        ));
    }
    let made = blocking(&app, move |app| {
        app.with_store(|s| {
            let t = s.create_token(&name, role)?;
            s.audit(
                &actor(&caller),
                "token.create",
                &format!("token:{}", t.info.id),
                &json!({"name": t.info.name, "role": role}).to_string(),
            )?;
            Ok(t)
        })
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": made.info, "secret": made.secret })),
    )
        .into_response())
}

async fn revoke_token(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Role::Admin, "revoking tokens")?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad("invalid_id", "token ID must be an integer"))?;
    blocking(&app, move |app| {
        app.with_store(|s| {
            if !s.revoke_token(id)? {
                return Err(ApiError::NotFound(format!("no live token {id}")));
            }
            s.audit(&actor(&caller), "token.revoke", &format!("token:{id}"), "")?;
            Ok(StatusCode::NO_CONTENT.into_response())
        })
    })
    .await
}

async fn audit(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(Role::Admin, "reading the audit trail")?;
    let p = Params::parse(q.as_deref(), &["limit"])?;
    let limit = p.int("limit", 100, 1, MAX_LIMIT, "invalid_limit")?;
    blocking(&app, move |app| {
        app.with_store(|s| Ok(Json(json!({ "audit": s.audit_trail(limit)? }))))
    })
    .await
}
