//! Server side of accounts: password hashing, database sessions and sign-in throttling.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::sync::OnceCell;

use super::{CompanyInfo, CompanyStatus, Role, SessionUser};
use crate::error::AppError;
use crate::server::db::{self, Db};
use crate::server::request;

pub const SESSION_COOKIE: &str = "tb_session";
const SESSION_TTL_SECS: i64 = 14 * 24 * 3600;

/// Sign-in throttling: failures counted in a sliding window, per account and per address.
const FAILURE_WINDOW_SECS: i64 = 15 * 60;
const MAX_ACCOUNT_FAILURES: i64 = 5;
const MAX_ADDRESS_FAILURES: i64 = 20;

/// Who is signed in, looked up at most once per request.
#[derive(Clone, Default)]
pub struct SessionCache(Arc<OnceCell<Option<SessionUser>>>);

/// Hashes on a blocking thread: Argon2 is deliberately slow and would stall the runtime.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

/// Checks a password against a stored hash, also on a blocking thread. With no hash (no
/// such user) it still does the work of one check, so timing does not tell them apart.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let argon = Argon2::default();
        match hash.as_deref().map(PasswordHash::new) {
            Some(Ok(parsed)) => argon.verify_password(password.as_bytes(), &parsed).is_ok(),
            _ => {
                let salt = SaltString::generate(&mut OsRng);
                let _ = argon.hash_password(password.as_bytes(), &salt);
                false
            }
        }
    })
    .await
    .map_err(AppError::internal)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a new session for `user_id` and sets its cookie. A fresh id every sign-in means
/// an id planted before sign-in is worthless after it.
pub async fn start_session(db: &Db, user_id: i64, secure: bool) -> Result<(), AppError> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = db::now();

    if let Some(old) = request::cookie(SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(&old))
            .execute(db.pool())
            .await?;
    }
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + SESSION_TTL_SECS)
    .execute(db.pool())
    .await?;
    // Expired sessions are swept here rather than by a timer, so every instance helps.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(db.pool()).await?;

    set_cookie(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_TTL_SECS}{}",
        if secure { "; Secure" } else { "" }
    ));
    Ok(())
}

pub async fn end_session(db: &Db, secure: bool) -> Result<(), AppError> {
    if let Some(token) = request::cookie(SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(&token))
            .execute(db.pool())
            .await?;
    }
    set_cookie(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    ));
    Ok(())
}

fn set_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (request::response_options(), HeaderValue::from_str(value))
    {
        options.append_header(SET_COOKIE, value);
    }
}

/// The signed-in user of this request, if any.
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let state = request::app_state()?;
    let cache = leptos::prelude::use_context::<SessionCache>().unwrap_or_default();
    let user = cache
        .0
        .get_or_try_init(|| async {
            match request::cookie(SESSION_COOKIE) {
                Some(token) => user_for_token(&state.db, &token).await,
                None => Ok(None),
            }
        })
        .await?;
    Ok(user.clone())
}

pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<SessionUser>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.role, c.name, c.status, c.review_reason
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         LEFT JOIN companies c ON c.owner_id = u.id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(db::now())
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| session_user(&row)).transpose()
}

/// The signed-in user of a plain axum request (outside the server-function context).
pub async fn user_from_headers(
    db: &Db,
    headers: &axum::http::HeaderMap,
) -> Result<Option<SessionUser>, AppError> {
    match request::cookie_from_headers(headers, SESSION_COOKIE) {
        Some(token) => user_for_token(db, &token).await,
        None => Ok(None),
    }
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<SessionUser>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.role, c.name, c.status, c.review_reason
         FROM users u LEFT JOIN companies c ON c.owner_id = u.id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| session_user(&row)).transpose()
}

fn session_user(row: &sqlx::any::AnyRow) -> Result<SessionUser, AppError> {
    let role: String = row.try_get("role")?;
    let company_name: Option<String> = row.try_get("name")?;
    let company = match company_name {
        Some(name) => {
            let status: String = row.try_get("status")?;
            Some(CompanyInfo {
                name,
                status: CompanyStatus::parse(&status).ok_or_else(|| {
                    AppError::internal(format!("unknown company status {status:?}"))
                })?,
                review_reason: row.try_get("review_reason")?,
            })
        }
        None => None,
    };
    Ok(SessionUser {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        role: Role::parse(&role)
            .ok_or_else(|| AppError::internal(format!("unknown role {role:?}")))?,
        company,
    })
}

pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

pub async fn require_role(role: Role) -> Result<SessionUser, AppError> {
    let user = require_user().await?;
    if user.role != role {
        return Err(AppError::forbidden(
            "wrong_role",
            match role {
                Role::Candidate => "Only candidates can do this.",
                Role::Employer => "Only employer accounts can do this.",
                Role::Admin => "Only administrators can do this.",
            },
        ));
    }
    Ok(user)
}

/// Refuses a sign-in attempt while the account or the address has failed too often.
pub async fn check_throttle(db: &Db, email: &str) -> Result<(), AppError> {
    let since = db::now() - FAILURE_WINDOW_SECS;
    let subjects = [
        (format!("account:{email}"), MAX_ACCOUNT_FAILURES),
        (format!("ip:{}", address_key()), MAX_ADDRESS_FAILURES),
    ];
    for (subject, limit) in subjects {
        let row = sqlx::query(
            "SELECT COUNT(*) AS failures, MIN(failed_at) AS oldest FROM sign_in_failures
             WHERE subject = $1 AND failed_at > $2",
        )
        .bind(&subject)
        .bind(since)
        .fetch_one(db.pool())
        .await?;
        let failures: i64 = row.try_get("failures")?;
        if failures >= limit {
            let oldest: Option<i64> = row.try_get("oldest")?;
            let retry_after =
                oldest.map_or(FAILURE_WINDOW_SECS, |t| t + FAILURE_WINDOW_SECS - db::now());
            tracing::warn!(subject.kind = subject.split(':').next(), "sign-in throttled");
            return Err(AppError::RateLimited { retry_after: retry_after.max(1) as u64 });
        }
    }
    Ok(())
}

pub async fn record_failure(db: &Db, email: &str) -> Result<(), AppError> {
    let now = db::now();
    let mut tx = db.begin().await?;
    for subject in [format!("account:{email}"), format!("ip:{}", address_key())] {
        sqlx::query("INSERT INTO sign_in_failures (subject, failed_at) VALUES ($1, $2)")
            .bind(subject)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
        .bind(now - FAILURE_WINDOW_SECS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn clear_failures(db: &Db, email: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(format!("account:{email}"))
        .execute(db.pool())
        .await?;
    Ok(())
}

fn address_key() -> String {
    request::client_ip().map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".to_owned())
}

/// Creates a user (and, for employers, a company awaiting approval). `Ok(None)` when the
/// email is taken: the unique constraint decides, not an earlier read.
pub async fn create_user(
    db: &Db,
    email: &str,
    password_hash: Option<&str>,
    role: Role,
    company: Option<(&str, &str)>,
) -> Result<Option<i64>, AppError> {
    let now = db::now();
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let user_id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(err) if db::is_unique_violation(&err) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    if let Some((name, website)) = company {
        sqlx::query(
            "INSERT INTO companies (owner_id, name, website, status, created_at)
             VALUES ($1, $2, $3, 'pending', $4)",
        )
        .bind(user_id)
        .bind(name)
        .bind(website)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(user_id))
}

pub async fn credentials(db: &Db, email: &str) -> Result<Option<(i64, Option<String>)>, AppError> {
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => Some((row.try_get("id")?, row.try_get("password_hash")?)),
        None => None,
    })
}
