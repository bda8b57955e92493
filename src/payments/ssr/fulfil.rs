//! Fulfilment: turning what Stripe says about a Checkout Session into unlocks, once.
//!
//! Everything here runs inside a transaction the caller owns: the webhook's (together with
//! recording the event) or the success page's. Repeating any step is harmless: the unlock is
//! unique per employer and profile, and each status change only moves forward.

use sqlx::Row;

use super::gateway::{Gateway, PaymentStatus, SessionInfo, SessionStatus};
use super::{CheckoutRecord, session_by_id, session_by_payment_intent};
use crate::error::AppError;
use crate::server::db::{self, Tx};

/// What Stripe told us happened to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    Completed,
    AsyncSucceeded,
    AsyncFailed,
    Expired,
    /// Read from the API when the employer returns from Checkout.
    Observed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Unlocked,
    AlreadyUnlocked,
    /// Paid for a profile this employer already had: the money went back.
    DuplicateRefunded,
    /// Checkout finished but the money has not arrived yet (delayed payment methods).
    Waiting,
    /// The employer has not paid (yet) for an open session.
    NotPaid,
    Failed,
    Expired,
    /// The amount or currency differs from what we asked for; nothing unlocked.
    Mismatch,
    /// A session this app did not create.
    NotOurs,
    Revoked,
    Ignored,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unlocked => "unlocked",
            Self::AlreadyUnlocked => "already_unlocked",
            Self::DuplicateRefunded => "duplicate_refunded",
            Self::Waiting => "waiting",
            Self::NotPaid => "not_paid",
            Self::Failed => "failed",
            Self::Expired => "expired",
            Self::Mismatch => "mismatch",
            Self::NotOurs => "not_ours",
            Self::Revoked => "revoked",
            Self::Ignored => "ignored",
        }
    }
}

async fn set_status(tx: &mut Tx, id: &str, status: &str, from: &[&str]) -> Result<bool, AppError> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{s}'")).collect();
    let sql = format!(
        "UPDATE checkout_sessions SET status = $1, updated_at = $2
         WHERE id = $3 AND status IN ({})",
        allowed.join(", ")
    );
    let result = sqlx::query(&sql).bind(status).bind(db::now()).bind(id).execute(&mut **tx).await?;
    Ok(result.rows_affected() == 1)
}

pub async fn apply_session(
    tx: &mut Tx,
    gateway: &Gateway,
    session: &SessionInfo,
    event: SessionEvent,
) -> Result<Outcome, AppError> {
    let Some(record) = session_by_id(&mut **tx, &session.id).await? else {
        tracing::warn!(stripe.session = %session.id, "event for a session this app did not create");
        return Ok(Outcome::NotOurs);
    };
    let paid = session.payment_status == PaymentStatus::Paid;
    match event {
        SessionEvent::Expired => {
            let changed = set_status(tx, &record.id, "expired", &["open"]).await?;
            Ok(if changed { Outcome::Expired } else { Outcome::Ignored })
        }
        SessionEvent::AsyncFailed => {
            set_status(tx, &record.id, "failed", &["open", "processing"]).await?;
            tracing::info!(stripe.session = %record.id, "delayed payment failed");
            Ok(Outcome::Failed)
        }
        SessionEvent::AsyncSucceeded => fulfil_paid(tx, gateway, &record, session).await,
        SessionEvent::Completed | SessionEvent::Observed if paid => {
            fulfil_paid(tx, gateway, &record, session).await
        }
        SessionEvent::Completed | SessionEvent::Observed => match session.status {
            // A delayed payment that already failed stays failed.
            SessionStatus::Complete if record.status == "failed" => Ok(Outcome::Failed),
            SessionStatus::Complete => {
                set_status(tx, &record.id, "processing", &["open"]).await?;
                Ok(Outcome::Waiting)
            }
            SessionStatus::Expired => {
                set_status(tx, &record.id, "expired", &["open"]).await?;
                Ok(Outcome::Expired)
            }
            SessionStatus::Open | SessionStatus::Unknown => Ok(match record.status.as_str() {
                "failed" => Outcome::Failed,
                "expired" => Outcome::Expired,
                _ => Outcome::NotPaid,
            }),
        },
    }
}

async fn fulfil_paid(
    tx: &mut Tx,
    gateway: &Gateway,
    record: &CheckoutRecord,
    session: &SessionInfo,
) -> Result<Outcome, AppError> {
    let currency_matches =
        session.currency.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&record.currency));
    if session.amount_total != Some(record.amount) || !currency_matches {
        set_status(tx, &record.id, "mismatch", &["open", "processing", "failed", "expired"])
            .await?;
        tracing::error!(
            stripe.session = %record.id,
            expected.amount = record.amount,
            expected.currency = %record.currency,
            paid.amount = ?session.amount_total,
            paid.currency = ?session.currency,
            "paid amount does not match the checkout; nothing unlocked"
        );
        return Ok(Outcome::Mismatch);
    }

    let now = db::now();
    sqlx::query(
        "UPDATE checkout_sessions SET status = 'paid',
            payment_intent = COALESCE($1, payment_intent), updated_at = $2
         WHERE id = $3",
    )
    .bind(&session.payment_intent)
    .bind(now)
    .bind(&record.id)
    .execute(&mut **tx)
    .await?;

    let inserted = sqlx::query(
        "INSERT INTO profile_unlocks
            (employer_id, profile_id, checkout_session_id, amount, currency, unlocked_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (employer_id, profile_id) DO NOTHING RETURNING id",
    )
    .bind(record.employer_id)
    .bind(record.profile_id)
    .bind(&record.id)
    .bind(record.amount)
    .bind(&record.currency)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    if inserted.is_some() {
        tracing::info!(
            stripe.session = %record.id,
            employer.id = record.employer_id,
            profile.id = record.profile_id,
            "profile unlocked"
        );
        return Ok(Outcome::Unlocked);
    }

    let existing = sqlx::query(
        "SELECT checkout_session_id, revoked_at FROM profile_unlocks
         WHERE employer_id = $1 AND profile_id = $2",
    )
    .bind(record.employer_id)
    .bind(record.profile_id)
    .fetch_one(&mut **tx)
    .await?;
    let existing_session: String = existing.try_get("checkout_session_id")?;
    let revoked_at: Option<i64> = existing.try_get("revoked_at")?;
    if existing_session == record.id {
        // The same payment seen again (webhook and return page, or a retry).
        return Ok(if revoked_at.is_some() { Outcome::Revoked } else { Outcome::AlreadyUnlocked });
    }
    if revoked_at.is_some() {
        // Bought again after a refund or dispute took the earlier unlock away.
        sqlx::query(
            "UPDATE profile_unlocks SET checkout_session_id = $1, amount = $2, currency = $3,
                unlocked_at = $4, revoked_at = NULL, revoked_reason = NULL
             WHERE employer_id = $5 AND profile_id = $6",
        )
        .bind(&record.id)
        .bind(record.amount)
        .bind(&record.currency)
        .bind(now)
        .bind(record.employer_id)
        .bind(record.profile_id)
        .execute(&mut **tx)
        .await?;
        tracing::info!(stripe.session = %record.id, "profile unlocked again");
        return Ok(Outcome::Unlocked);
    }
    refund_duplicate(tx, gateway, record, session).await
}

/// A second payment for a profile the employer already has: give the money back.
async fn refund_duplicate(
    tx: &mut Tx,
    gateway: &Gateway,
    record: &CheckoutRecord,
    session: &SessionInfo,
) -> Result<Outcome, AppError> {
    let done = sqlx::query("SELECT 1 AS one FROM payment_refunds WHERE checkout_session_id = $1")
        .bind(&record.id)
        .fetch_optional(&mut **tx)
        .await?;
    if done.is_some() {
        return Ok(Outcome::DuplicateRefunded);
    }
    let payment_intent =
        session.payment_intent.clone().or_else(|| record.payment_intent.clone()).ok_or_else(
            || AppError::internal(format!("paid session {} has no payment intent", record.id)),
        )?;
    // The key makes Stripe refund once however often this runs; the transaction is only
    // committed after Stripe has accepted, so a failure here is retried, never forgotten.
    let refund_id = gateway
        .refund(&payment_intent, &format!("talentboard-refund-{}", record.id), "duplicate")
        .await
        .map_err(|err| {
            tracing::error!(error = %err, stripe.session = %record.id, "refund failed");
            AppError::PaymentProvider
        })?;
    sqlx::query(
        "INSERT INTO payment_refunds
            (checkout_session_id, refund_id, amount, currency, reason, created_at)
         VALUES ($1, $2, $3, $4, 'duplicate purchase', $5)",
    )
    .bind(&record.id)
    .bind(&refund_id)
    .bind(record.amount)
    .bind(&record.currency)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    tracing::warn!(
        stripe.session = %record.id,
        stripe.refund = %refund_id,
        employer.id = record.employer_id,
        profile.id = record.profile_id,
        "duplicate payment refunded"
    );
    Ok(Outcome::DuplicateRefunded)
}

/// Takes back the unlock a payment bought, when the payment was refunded or disputed.
pub async fn revoke(tx: &mut Tx, payment_intent: &str, reason: &str) -> Result<Outcome, AppError> {
    let Some(record) = session_by_payment_intent(&mut **tx, payment_intent).await? else {
        tracing::info!(stripe.payment_intent = %payment_intent, "no checkout for this payment");
        return Ok(Outcome::Ignored);
    };
    let result = sqlx::query(
        "UPDATE profile_unlocks SET revoked_at = $1, revoked_reason = $2
         WHERE checkout_session_id = $3 AND revoked_at IS NULL",
    )
    .bind(db::now())
    .bind(reason)
    .bind(&record.id)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 1 {
        tracing::warn!(stripe.session = %record.id, reason, "unlock revoked");
        Ok(Outcome::Revoked)
    } else {
        Ok(Outcome::Ignored)
    }
}
