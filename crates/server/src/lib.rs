//! Watchfloor server: the analyst's workbench over HTTP — a JSON API on the
//! store (events with filters, documents, search, indicators, exports,
//! uploads) guarded by role-bearing tokens with an audit trail, and the
//! dashboard, whose assets are compiled into the binary. Only this crate
//! knows HTTP.

mod api;
mod assets;
mod auth;
pub mod catalogue;
pub mod error;
pub mod openapi;
pub mod params;
pub mod report;
pub mod search;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware;
use axum::Router;
use watchfloor_extract::Knowledge;
use watchfloor_store::{NewToken, Role, Store};

pub use error::ApiError;
pub use report::REPORT_CONTENT_SECURITY_POLICY;

/// The Content-Security-Policy of every page and API answer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Largest document upload (`POST /api/documents`).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// Largest campaign pack upload.
pub const MAX_PACK_BYTES: usize = 1024 * 1024;
/// Largest JSON body of the small write routes (session, tokens).
pub const MAX_SMALL_BODY: usize = 64 * 1024;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "watchfloor_session";

/// How long a sign-in session lasts (seconds): a working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] watchfloor_store::StoreError),
    /// The address could not be bound or the server failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Shared state: where the database is, a few open connections to it, and
/// the knowledge (loaded on first need, reloaded after catalogue edits).
pub struct App {
    db: PathBuf,
    idle: Mutex<Vec<Store>>,
    /// The compiled-in knowledge, without edits (or the preset one).
    base: OnceLock<Result<Arc<Knowledge>, String>>,
    preset_knowledge: Option<Arc<Knowledge>>,
    /// The knowledge with the catalogue edits merged, and the catalogue
    /// generation it was made for.
    knowledge: Mutex<Option<(u64, Arc<Knowledge>)>>,
    /// Bumped by every catalogue edit.
    catalogue_generation: std::sync::atomic::AtomicU64,
    /// Bumped by every write, so cached assessments know they are stale.
    pub(crate) generation: std::sync::atomic::AtomicU64,
    pub(crate) assessments: Mutex<Vec<(String, u64, Arc<serde_json::Value>)>>,
}

/// Connections kept open between requests.
const IDLE_CONNECTIONS: usize = 8;

impl App {
    fn new(db: &Path, preset_knowledge: Option<Arc<Knowledge>>) -> Result<Arc<App>, ServerError> {
        let store = Store::open(db)?;
        Ok(Arc::new(App {
            db: db.to_path_buf(),
            idle: Mutex::new(vec![store]),
            base: OnceLock::new(),
            preset_knowledge,
            knowledge: Mutex::new(None),
            catalogue_generation: Default::default(),
            generation: Default::default(),
            assessments: Mutex::new(Vec::new()),
        }))
    }

    /// State for the database at `db` (created and migrated if needed).
    pub fn open(db: &Path) -> Result<Arc<App>, ServerError> {
        Self::new(db, None)
    }

    /// The same, with knowledge already loaded (tests share one copy; it
    /// is used while no catalogue entity has been edited).
    pub fn with_knowledge(db: &Path, knowledge: Arc<Knowledge>) -> Result<Arc<App>, ServerError> {
        Self::new(db, Some(knowledge))
    }

    /// Runs `f` on a pooled connection (blocking: call from
    /// `spawn_blocking`).
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let pooled = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut store = match pooled {
            Some(s) => s,
            None => Store::open(&self.db)?,
        };
        let out = f(&mut store);
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < IDLE_CONNECTIONS {
                idle.push(store);
            }
        }
        out
    }

    /// The compiled-in catalogue, gazetteer and rules, without edits.
    fn base_knowledge(&self) -> Result<Arc<Knowledge>, ApiError> {
        if let Some(k) = &self.preset_knowledge {
            return Ok(k.clone());
        }
        self.base
            .get_or_init(|| {
                Knowledge::embedded()
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(ApiError::Internal)
    }

    /// The catalogue (with the edits made through the API), gazetteer and
    /// rules: loaded on first need and again after a catalogue edit.
    pub(crate) fn knowledge(&self) -> Result<Arc<Knowledge>, ApiError> {
        use std::sync::atomic::Ordering;
        let generation = self.catalogue_generation.load(Ordering::SeqCst);
        let mut slot = self
            .knowledge
            .lock()
            .map_err(|_| ApiError::Internal("knowledge lock poisoned".into()))?;
        if let Some((g, k)) = slot.as_ref() {
            if *g == generation {
                return Ok(k.clone());
            }
        }
        let edits = self.with_store(|s| Ok(s.catalogue_entities()?))?;
        let k = if edits.is_empty() {
            self.base_knowledge()?
        } else {
            let base = Knowledge::embedded().map_err(|e| ApiError::Internal(e.to_string()))?;
            Arc::new(catalogue::with_edits(base, &edits))
        };
        *slot = Some((generation, k.clone()));
        Ok(k)
    }

    /// Marks the knowledge stale after a catalogue edit.
    pub(crate) fn catalogue_changed(&self) {
        self.catalogue_generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.bump();
    }

    /// Marks every cached derived answer stale (after a write).
    pub(crate) fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Runs a blocking closure on the pool with the app.
pub(crate) async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| ApiError::Internal(format!("worker failed: {e}")))?
}

/// On a database with no tokens at all, makes the first admin token (as
/// Jupyter does); `None` when tokens exist.
pub fn first_admin_token(db: &Path) -> Result<Option<NewToken>, ServerError> {
    let mut store = Store::open(db)?;
    if store.has_tokens()? {
        return Ok(None);
    }
    Ok(Some(store.create_token("first admin", Role::Admin)?))
}

/// The whole application: API, dashboard, assets, security headers.
pub fn router(app: Arc<App>) -> Router {
    let api = api::routes(app.clone())
        .layer(middleware::from_fn_with_state(
            app.clone(),
            auth::require_token,
        ))
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .merge(assets::routes(app.clone()))
        .nest("/api", api)
        .layer(middleware::map_response(security_headers))
}

async fn security_headers(mut resp: axum::response::Response) -> axum::response::Response {
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: HeaderName, v: &'static str| {
        if !h.contains_key(&k) {
            h.insert(k, HeaderValue::from_static(v));
        }
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::CACHE_CONTROL, "no-store");
    resp
}

/// Serves until the process is stopped (Ctrl-C), on an already bound
/// listener.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> Result<(), ServerError> {
    // The dashboard's indicator board reads every stored event (seconds
    // with a million): work it out now, in the background, so the first
    // visitor finds it ready.
    let warm = app.clone();
    tokio::task::spawn_blocking(move || {
        let _ = api::indicator_board(&warm, "russia-belarus", None);
    });
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|source| ServerError::Io {
            what: "serving".into(),
            source,
        })
}

/// Binds `addr`.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Io {
            what: format!("cannot listen on {addr}"),
            source,
        })
}

/// Builds a runtime, binds `addr`, calls `on_ready` with the bound address
/// and serves until Ctrl-C (for the command line, which has no runtime).
pub fn run_blocking(
    addr: SocketAddr,
    app: Arc<App>,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServerError::Io {
            what: "starting the runtime".into(),
            source,
        })?;
    rt.block_on(async {
        let listener = bind(addr).await?;
        let local = listener.local_addr().map_err(|source| ServerError::Io {
            what: "reading the bound address".into(),
            source,
        })?;
        on_ready(local);
        serve(listener, app).await
    })
}
