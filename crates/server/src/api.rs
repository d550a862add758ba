//! The JSON API routes under `/api/`. Every handler checks its inputs
//! (bounded, with stable error codes), checks the caller's role before any
//! write, and records every write in the audit trail.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use watchfloor_assess::{AssessOptions, Baseline, Facts, Pack};
use watchfloor_model::{Domain, EventType};
use watchfloor_store::{
    Actor, EventFilter, EventQuery, EventRow, InsertOutcome, NewDocument, Role, Store,
};

use crate::auth::{clear_cookie, session_cookie, verify, Caller};
use crate::params::{EventParams, Params, MAX_EXPORT, MAX_LIMIT, MAX_OFFSET};
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
        .route("/documents", get(documents).post(upload_document))
        .route("/documents/{id}", get(document))
        .route("/search", get(search))
        .route("/entities", get(entities))
        .route("/places", get(places))
        .route("/campaigns", get(campaigns))
        .route("/campaigns/{name}", put(upload_pack))
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
    let body: SignIn = json_body(req).await?;
    let secret = body.token.trim().to_string();
    let Some(token) = verify(&app, secret.clone()).await? else {
        return Err(ApiError::Unauthenticated(
            "this token is not valid (unknown or revoked)".into(),
        ));
    };
    Ok((
        [(header::SET_COOKIE, session_cookie(&secret))],
        Json(json!({ "id": token.id, "name": token.name, "role": token.role })),
    )
        .into_response())
}

async fn sign_out() -> Response {
    (
        [(header::SET_COOKIE, clear_cookie())],
        StatusCode::NO_CONTENT,
    )
        .into_response()
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

async fn export_geojson(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = EventParams::parse(q.as_deref(), 10_000, MAX_EXPORT)?;
    blocking(&app, move |app| {
        let rows = run_event_query(app, &p)?;
        let features: Vec<Value> = rows
            .into_iter()
            .map(|e| {
                let geometry = match (e.lon, e.lat) {
                    (Some(lon), Some(lat)) => json!({"type": "Point", "coordinates": [lon, lat]}),
                    _ => Value::Null,
                };
                json!({
                    "type": "Feature",
                    "id": e.id,
                    "geometry": geometry,
                    "properties": {
                        "type": e.event_type, "domain": e.domain, "modality": e.modality,
                        "date_start": e.date_start, "date_end": e.date_end,
                        "place": e.place, "country": e.country, "confidence": e.confidence,
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
            Ok(Json(json!({ "q": text, "hits": hits })))
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

async fn indicators(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref(), &["campaign", "to"])?;
    let campaign = p.get("campaign").unwrap_or("russia-belarus").to_string();
    let to = p.date("to")?;
    let value = blocking(&app, move |app| {
        let key = format!("{campaign}|{}", to.as_deref().unwrap_or(""));
        let generation = app.generation.load(std::sync::atomic::Ordering::SeqCst);
        if let Ok(cache) = app.assessments.lock() {
            if let Some((_, _, v)) = cache.iter().find(|(k, g, _)| *k == key && *g == generation) {
                return Ok(v.clone());
            }
        }
        let k = app.knowledge()?;
        let value = app.with_store(|s| {
            let pack = find_pack(all_packs(app, s)?, &campaign)?;
            let mut events = s.events(&EventFilter::default())?;
            if let Some(to) = &to {
                events.retain(|e| match (&e.event.date, &e.published) {
                    (Some(d), _) => d.start.as_str() <= to.as_str(),
                    (None, Some(p)) => p.get(..10).unwrap_or(p) <= to.as_str(),
                    (None, None) => true,
                });
            }
            let as_of = to
                .clone()
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
        })?;
        let value = Arc::new(value);
        if let Ok(mut cache) = app.assessments.lock() {
            cache.retain(|(_, g, _)| *g == generation);
            if cache.len() >= 32 {
                cache.remove(0);
            }
            cache.push((key, generation, value.clone()));
        }
        Ok(value)
    })
    .await?;
    Ok(Json(value.as_ref().clone()).into_response())
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
