//! Who is calling: a bearer token (`Authorization: Bearer …`) checked
//! against the stored token hashes, or the session cookie the sign-in sets
//! (a separate random secret, stored hashed with an expiry, ended by
//! sign-out or by revoking its token), on every `/api/` call; and what
//! their role lets them do.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use watchfloor_store::{Actor, NewSession, Role, TokenInfo};

use crate::{blocking, ApiError, App, SESSION_COOKIE, SESSION_SECONDS};

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

/// What a request presents to prove who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A token, in the `Authorization` header.
    Bearer(String),
    /// A session secret, in the session cookie.
    Session(String),
}

/// The bearer token of a request, if it sends one.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let t = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))?;
    Some(t.trim().to_string())
}

/// The session secret of a request's cookie, if it sends one.
pub fn session_secret(headers: &HeaderMap) -> Option<String> {
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

/// What a request presents: the bearer header first, else the cookie.
pub fn presented(headers: &HeaderMap) -> Option<Credential> {
    bearer(headers)
        .map(Credential::Bearer)
        .or_else(|| session_secret(headers).map(Credential::Session))
}

/// Secrets longer than this are not looked up.
const MAX_SECRET: usize = 200;

/// Looks a presented token up (hash compared in constant time).
pub async fn verify(app: &Arc<App>, secret: String) -> Result<Option<TokenInfo>, ApiError> {
    if secret.len() > MAX_SECRET {
        return Ok(None);
    }
    blocking(app, move |app| {
        app.with_store(|s| Ok(s.verify_token(&secret)?))
    })
    .await
}

/// Looks a presented credential up: the token it is or acts for.
pub async fn verify_credential(
    app: &Arc<App>,
    credential: Credential,
) -> Result<Option<TokenInfo>, ApiError> {
    match credential {
        Credential::Bearer(t) => verify(app, t).await,
        Credential::Session(secret) if secret.len() <= MAX_SECRET => {
            blocking(app, move |app| {
                app.with_store(|s| Ok(s.verify_session(&secret)?.map(|(_, t)| t)))
            })
            .await
        }
        Credential::Session(_) => Ok(None),
    }
}

/// Middleware on `/api/`: 401 without a live token or session, except for
/// signing in and out.
pub async fn require_token(
    State(app): State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if req.uri().path() == "/session"
        && (req.method() == Method::POST || req.method() == Method::DELETE)
    {
        return Ok(next.run(req).await);
    }
    let Some(credential) = presented(req.headers()) else {
        return Err(ApiError::Unauthenticated(
            "sign in: send Authorization: Bearer <token> (see `watchfloor tokens create`)".into(),
        ));
    };
    let Some(token) = verify_credential(&app, credential).await? else {
        return Err(ApiError::Unauthenticated(
            "this token or session is not valid (unknown, revoked, signed out or expired)".into(),
        ));
    };
    req.extensions_mut().insert(Caller(token));
    Ok(next.run(req).await)
}

/// Signs in with a live token: makes a session, records it in the audit
/// trail, and returns it with its `Set-Cookie` value (`None`: the token is
/// not valid).
pub async fn start_session(
    app: &Arc<App>,
    token: String,
    via: &'static str,
    https: bool,
) -> Result<Option<(NewSession, String)>, ApiError> {
    let Some(info) = verify(app, token).await? else {
        return Ok(None);
    };
    let session = blocking(app, move |app| {
        app.with_store(|s| {
            let session = s.create_session(&info, SESSION_SECONDS)?;
            let detail = serde_json::json!({"via": via, "expires_at": session.expires_at});
            s.audit(
                &Actor::of(&info),
                "session.create",
                &format!("session:{}", session.id),
                &detail.to_string(),
            )?;
            Ok(session)
        })
    })
    .await?;
    let cookie = session_cookie(&session.secret, https);
    Ok(Some((session, cookie)))
}

/// Whether the request reached us over HTTPS (through a reverse proxy that
/// says so): then the cookie is marked `Secure`.
pub fn is_https(headers: &HeaderMap) -> bool {
    let said = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.to_ascii_lowercase())
    };
    said("x-forwarded-proto").is_some_and(|v| v.trim() == "https")
        || said("forwarded").is_some_and(|v| {
            v.split([';', ','])
                .any(|p| p.trim().replace(' ', "") == "proto=https")
        })
}

/// A `Set-Cookie` value carrying a session secret (HttpOnly,
/// SameSite=Strict, for the session's lifetime; Secure over HTTPS).
pub fn session_cookie(secret: &str, https: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; Max-Age={SESSION_SECONDS}; HttpOnly; SameSite=Strict{}",
        if https { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` value that ends the session.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
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
            HeaderValue::from_static("a=1; watchfloor_session=wfs_c; b=2"),
        );
        assert_eq!(presented(&h), Some(Credential::Session("wfs_c".into())));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer wf_b"),
        );
        assert_eq!(presented(&h), Some(Credential::Bearer("wf_b".into())));
        assert_eq!(presented(&HeaderMap::new()), None);
    }

    #[test]
    fn cookies_are_strict_httponly_and_secure_only_over_https() {
        let plain = session_cookie("wfs_x", false);
        assert!(plain.contains("; HttpOnly; SameSite=Strict") && !plain.contains("Secure"));
        assert!(plain.contains(&format!("Max-Age={SESSION_SECONDS}")));
        assert!(session_cookie("wfs_x", true).ends_with("; Secure"));
        let mut h = HeaderMap::new();
        assert!(!is_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(is_https(&h));
        let mut h = HeaderMap::new();
        h.insert(
            "forwarded",
            HeaderValue::from_static("for=192.0.2.60;proto=https;by=203.0.113.43"),
        );
        assert!(is_https(&h));
        h.insert("forwarded", HeaderValue::from_static("proto=http"));
        assert!(!is_https(&h));
        assert!(clear_cookie().contains("Max-Age=0"));
    }
}
