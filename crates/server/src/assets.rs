//! The dashboard: `index.html` and its script and style, compiled into the
//! binary (nothing is fetched from anywhere else), and the sign-in URL
//! `/?token=…`, which starts a session, sets its cookie and redirects to
//! `/` (so the token leaves the address bar).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;

use crate::auth::{is_https, start_session};
use crate::App;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

pub(crate) fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*file}", get(asset))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(app)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn file(name: &str) -> Response {
    match Assets::get(name) {
        Some(f) => (
            [(header::CONTENT_TYPE, content_type(name))],
            f.data.into_owned(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

async fn index(State(app): State<Arc<App>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let token = form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    let Some(token) = token else {
        return file("index.html");
    };
    match start_session(&app, token, "sign-in link", is_https(&headers)).await {
        Ok(Some((_, cookie))) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, cookie),
                (header::LOCATION, "/".to_string()),
            ],
        )
            .into_response(),
        Ok(None) => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "This sign-in link's token is not valid (unknown or revoked).\n",
        )
            .into_response(),
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

async fn asset(Path(name): Path<String>) -> Response {
    file(&name)
}
