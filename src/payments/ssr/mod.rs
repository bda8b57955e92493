//! Server side of payments: the Stripe gateway, the webhook, and fulfilment.

pub mod checkout;
pub mod fulfil;
pub mod gateway;
pub mod signature;
pub mod webhook;

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::error::AppError;

/// Our record of a Checkout Session: what we asked Stripe to charge, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRecord {
    pub id: String,
    pub employer_id: i64,
    pub profile_id: i64,
    pub attempt: i64,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub url: String,
    pub payment_intent: Option<String>,
    pub expires_at: i64,
}

const RECORD_COLUMNS: &str = "id, employer_id, profile_id, attempt, status, amount, currency, \
    url, payment_intent, expires_at";

fn record(row: &AnyRow) -> Result<CheckoutRecord, sqlx::Error> {
    Ok(CheckoutRecord {
        id: row.try_get("id")?,
        employer_id: row.try_get("employer_id")?,
        profile_id: row.try_get("profile_id")?,
        attempt: row.try_get("attempt")?,
        status: row.try_get("status")?,
        amount: row.try_get("amount")?,
        currency: row.try_get("currency")?,
        url: row.try_get("url")?,
        payment_intent: row.try_get("payment_intent")?,
        expires_at: row.try_get("expires_at")?,
    })
}

pub async fn session_by_id<'e, E>(db: E, id: &str) -> Result<Option<CheckoutRecord>, AppError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {RECORD_COLUMNS} FROM checkout_sessions WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db).await?;
    Ok(row.as_ref().map(record).transpose()?)
}

pub async fn session_by_payment_intent<'e, E>(
    db: E,
    payment_intent: &str,
) -> Result<Option<CheckoutRecord>, AppError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {RECORD_COLUMNS} FROM checkout_sessions WHERE payment_intent = $1");
    let row = sqlx::query(&sql).bind(payment_intent).fetch_optional(db).await?;
    Ok(row.as_ref().map(record).transpose()?)
}

/// The session that is open or being paid for this employer and profile, if any.
pub async fn live_session<'e, E>(
    db: E,
    employer_id: i64,
    profile_id: i64,
) -> Result<Option<CheckoutRecord>, AppError>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM checkout_sessions
         WHERE employer_id = $1 AND profile_id = $2 AND status IN ('open', 'processing')"
    );
    let row = sqlx::query(&sql).bind(employer_id).bind(profile_id).fetch_optional(db).await?;
    Ok(row.as_ref().map(record).transpose()?)
}
