//! The one table of API errors: every failure the API can answer with has a
//! stable code and status here, and goes out as
//! `{"error": {"code": "...", "message": "..."}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Everything the API can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token was presented, or it is not a live token.
    #[error("{0}")]
    Unauthenticated(String),
    /// The token's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A query parameter or body field is malformed or out of range.
    #[error("{message}")]
    BadRequest {
        /// Stable code, e.g. `invalid_limit`.
        code: &'static str,
        /// What was wrong, for people.
        message: String,
    },
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request body is larger than the route accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The database failed.
    #[error("database error: {0}")]
    Store(#[from] watchfloor_store::StoreError),
    /// Anything else that is our fault.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 with its stable code.
    pub fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// Stable code and HTTP status: the table.
    pub fn code_and_status(&self) -> (&'static str, StatusCode) {
        match self {
            ApiError::Unauthenticated(_) => ("unauthenticated", StatusCode::UNAUTHORIZED),
            ApiError::Forbidden(_) => ("forbidden", StatusCode::FORBIDDEN),
            ApiError::BadRequest { code, .. } => (code, StatusCode::BAD_REQUEST),
            ApiError::NotFound(_) => ("not_found", StatusCode::NOT_FOUND),
            ApiError::PayloadTooLarge(_) => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            ApiError::Store(_) => ("database_error", StatusCode::INTERNAL_SERVER_ERROR),
            ApiError::Internal(_) => ("internal_error", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status) = self.code_and_status();
        let body = Json(json!({ "error": { "code": code, "message": self.to_string() } }));
        let mut resp = (status, body).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"watchfloor\""),
            );
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_code_and_the_right_status() {
        let cases = [
            (
                ApiError::Unauthenticated("x".into()),
                401,
                "unauthenticated",
            ),
            (ApiError::Forbidden("x".into()), 403, "forbidden"),
            (ApiError::bad("invalid_limit", "x"), 400, "invalid_limit"),
            (ApiError::NotFound("x".into()), 404, "not_found"),
            (
                ApiError::PayloadTooLarge("x".into()),
                413,
                "payload_too_large",
            ),
            (ApiError::Internal("x".into()), 500, "internal_error"),
        ];
        for (err, status, code) in cases {
            let (c, s) = err.code_and_status();
            assert_eq!((c, s.as_u16()), (code, status));
        }
    }
}
