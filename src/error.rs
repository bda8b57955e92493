//! The one error type of the application.
//!
//! It crosses the wire from server functions to the browser, so every message in it is safe
//! to show a user: causes (database text, Stripe responses) are logged on the server inside
//! the request's span and never copied into the error.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one field of a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// The caller is known but may not do this; `code` is stable for tests and clients.
    #[error("{message}")]
    Forbidden { code: String, message: String },
    #[error("{message}")]
    NotFound { message: String },
    #[error("{message}")]
    Invalid { message: String, fields: Vec<FieldError> },
    /// The request is valid but the state of things does not allow it.
    #[error("{message}")]
    Conflict { code: String, message: String },
    #[error("Too many attempts. Please wait {retry_after} seconds and try again.")]
    RateLimited { retry_after: u64 },
    #[error("The payment provider could not be reached. Nothing was charged; please try again.")]
    PaymentProvider,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// Raised in the browser when the server could not be reached or answered nonsense.
    #[error("We could not reach Talentboard. Check your connection and try again.")]
    Transport { detail: String },
}

impl AppError {
    pub fn forbidden(code: &str, message: &str) -> Self {
        Self::Forbidden { code: code.to_owned(), message: message.to_owned() }
    }

    pub fn not_found(message: &str) -> Self {
        Self::NotFound { message: message.to_owned() }
    }

    pub fn conflict(code: &str, message: &str) -> Self {
        Self::Conflict { code: code.to_owned(), message: message.to_owned() }
    }

    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [only] => only.message.clone(),
            _ => "Some fields need your attention.".to_owned(),
        };
        Self::Invalid { message, fields }
    }

    pub fn bad_request(message: &str) -> Self {
        Self::Invalid { message: message.to_owned(), fields: Vec::new() }
    }

    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden { code, .. } | Self::Conflict { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::Invalid { .. } => "invalid",
            Self::RateLimited { .. } => "rate_limited",
            Self::PaymentProvider => "payment_provider",
            Self::Internal => "internal",
            Self::Transport { .. } => "transport",
        }
    }

    /// The message for one form field, if the error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { fields, .. } => {
                fields.iter().find(|f| f.field == name).map(|f| f.message.clone())
            }
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not decode are the caller's mistake, not ours.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::bad_request("The request was incomplete or malformed.")
            }
            ServerFnErrorErr::ServerError(_) | ServerFnErrorErr::Response(_) => Self::Internal,
            other => Self::Transport { detail: other.to_string() },
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::http::StatusCode;

    impl AppError {
        pub fn status(&self) -> StatusCode {
            match self {
                Self::Unauthenticated => StatusCode::UNAUTHORIZED,
                Self::Forbidden { .. } => StatusCode::FORBIDDEN,
                Self::NotFound { .. } => StatusCode::NOT_FOUND,
                Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                Self::Conflict { .. } => StatusCode::CONFLICT,
                Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
                Self::PaymentProvider => StatusCode::BAD_GATEWAY,
                Self::Internal | Self::Transport { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }

        /// Logs `cause` (with its source chain) in the current span and hides it from the user.
        pub fn internal(cause: impl std::fmt::Display) -> Self {
            tracing::error!(error = %cause, "internal error");
            Self::Internal
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            if let sqlx::Error::PoolClosed = err {
                // Only a server shutting down closes its pool; work still under way then is
                // for clients that have gone, and is not an error worth waking anyone for.
                tracing::debug!("database pool closed while shutting down");
                return Self::Internal;
            }
            Self::internal(crate::server::db::describe(&err))
        }
    }
}

impl AppError {
    /// Rebuilds an error from the query string a plain (JavaScript-free) form post was
    /// redirected back with. Only codes map to messages, so a crafted link cannot put
    /// words of its own on the page.
    pub fn from_query(code: &str, fields: Option<&str>, retry_after: Option<&str>) -> Self {
        let fields: Vec<FieldError> = fields
            .unwrap_or_default()
            .split(',')
            .filter(|f| !f.is_empty() && f.len() <= 64)
            .map(|f| FieldError::new(f, "Please check this field."))
            .collect();
        match code {
            "unauthenticated" => Self::Unauthenticated,
            "not_found" => Self::not_found("We could not find that."),
            "invalid" if fields.is_empty() => Self::bad_request("Please check what you entered."),
            "invalid" => Self::invalid(fields),
            "rate_limited" => Self::RateLimited {
                retry_after: retry_after.and_then(|r| r.parse().ok()).unwrap_or(60),
            },
            "payment_provider" => Self::PaymentProvider,
            "internal" | "transport" => Self::Internal,
            other => match crate::error::known_refusal(other) {
                Some(message) => Self::forbidden(other, message),
                None => Self::Internal,
            },
        }
    }
}

/// Messages for the refusals and conflicts that can reach a plain form post.
pub fn known_refusal(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_credentials" => "That email and password do not match an account.",
        "wrong_role" => "Your account cannot do this.",
        "not_employer" => "Only employer accounts can unlock profiles.",
        "approval_pending" => {
            "Your company is awaiting approval. You can browse, and unlock once approved."
        }
        "company_rejected" => "Your company was not approved, so it cannot unlock profiles.",
        "already_unlocked" => "You have already unlocked this profile.",
        "payment_processing" => {
            "Your payment for this profile is being processed. It unlocks once it clears."
        }
        "profile_unavailable" => "This profile is not published at the moment.",
        "own_profile" => "This is your own profile.",
        "not_pending" => "This employer has already been reviewed.",
        _ => return None,
    })
}
