//! Who is calling: a bearer token (`Authorization: Bearer …`) or the
//! session cookie the sign-in sets, checked against the stored hashes on
//! every `/api/` call; and what their role lets them do.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use watchfloor_store::{Role, TokenInfo};

use crate::{blocking, ApiError, App, SESSION_COOKIE};

/// The authenticated caller, put in the request's extensions.
#[derive(Debug, Clone)]
pub struct Caller(pub TokenInfo);

impl Caller {
    /// Refuses with 403 unless the caller's role is at least `role`.
    pub fn require(&self, role: Role, what: &str) -> Result<(), ApiError> {
        if self.0.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "{what} needs the {} role; this token is {}",
                role.as_str(),
                self.0.role.as_str()
            )))
        }
    }
}

/// The token a request presents: the bearer header first, else the cookie.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Some(t) = v
            .strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
        {
            return Some(t.trim().to_string());
        }
    }
    for cookies in headers.get_all(header::COOKIE) {
        let Ok(cookies) = cookies.to_str() else {
            continue;
        };
        for c in cookies.split(';') {
            if let Some((k, v)) = c.trim().split_once('=') {
                if k == SESSION_COOKIE && !v.is_empty() {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}

/// Looks a presented secret up (hash compared in constant time).
pub async fn verify(app: &Arc<App>, secret: String) -> Result<Option<TokenInfo>, ApiError> {
    if secret.len() > 200 {
        return Ok(None);
    }
    blocking(app, move |app| {
        app.with_store(|s| Ok(s.verify_token(&secret)?))
    })
    .await
}

/// Middleware on `/api/`: 401 without a live token, except for signing in.
pub async fn require_token(
    State(app): State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if req.uri().path() == "/session" && req.method() == Method::POST {
        return Ok(next.run(req).await);
    }
    let Some(secret) = presented_token(req.headers()) else {
        return Err(ApiError::Unauthenticated(
            "sign in: send Authorization: Bearer <token> (see `watchfloor tokens create`)".into(),
        ));
    };
    let Some(token) = verify(&app, secret).await? else {
        return Err(ApiError::Unauthenticated(
            "this token is not valid (unknown or revoked)".into(),
        ));
    };
    req.extensions_mut().insert(Caller(token));
    Ok(next.run(req).await)
}

/// A `Set-Cookie` value carrying the session (HttpOnly, SameSite=Strict).
pub fn session_cookie(secret: &str) -> String {
    format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict")
}

/// A `Set-Cookie` value that ends the session.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_wins_over_cookie_and_cookies_are_parsed() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; watchfloor_session=wf_c; b=2"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("wf_c"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer wf_b"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("wf_b"));
        let empty = HeaderMap::new();
        assert_eq!(presented_token(&empty), None);
        assert!(session_cookie("x").contains("HttpOnly; SameSite=Strict"));
    }
}
