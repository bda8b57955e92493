//! Starting a checkout, telling an employer where they stand, and confirming on return.

use std::time::Duration;

use sqlx::Row;

use super::fulfil::{self, Outcome, SessionEvent};
use super::gateway::{GatewayError, NewSession, SessionInfo};
use super::{CheckoutRecord, live_session, session_by_id};
use crate::accounts::{CompanyStatus, Role, SessionUser};
use crate::error::AppError;
use crate::payments::{CheckoutOutcome, CheckoutStarted, CheckoutState, Price, UnlockStatus};
use crate::profiles::ssr::{active_unlock, public_profile};
use crate::server::db;
use crate::server::state::AppState;

/// Stripe requires at least 30 minutes; an hour gives a slow payer room.
const SESSION_LIFETIME_SECS: i64 = 3600;
/// An open session this close to expiring is replaced rather than handed out.
const EXPIRY_MARGIN_SECS: i64 = 120;

pub fn price(state: &AppState) -> Price {
    Price {
        amount: state.config.stripe.price_amount,
        currency: state.config.stripe.currency.clone(),
    }
}

pub async fn unlock_status(
    state: &AppState,
    user: Option<&SessionUser>,
    profile_id: i64,
) -> Result<UnlockStatus, AppError> {
    let (owner_id, profile) = public_profile(&state.db, profile_id)
        .await?
        .ok_or_else(|| AppError::not_found("This profile does not exist."))?;
    let Some(user) = user else {
        return Ok(UnlockStatus::SignInRequired { price: price(state) });
    };
    if user.id == owner_id {
        return Ok(UnlockStatus::OwnProfile);
    }
    if user.role != Role::Employer {
        return Ok(UnlockStatus::NotAnEmployer);
    }
    if let Some(unlocked_at) = active_unlock(&state.db, user.id, profile_id).await? {
        return Ok(UnlockStatus::Unlocked { unlocked_at });
    }
    match user.company.as_ref().map(|c| c.status) {
        Some(CompanyStatus::Approved) => {}
        Some(CompanyStatus::Rejected) => {
            let reason = user.company.as_ref().and_then(|c| c.review_reason.clone());
            return Ok(UnlockStatus::CompanyRejected { reason });
        }
        _ => return Ok(UnlockStatus::ApprovalPending { price: price(state) }),
    }
    if !profile.published {
        return Ok(UnlockStatus::Unavailable);
    }
    let live = live_session(state.db.pool(), user.id, profile_id).await?;
    Ok(match live {
        Some(live) if live.status == "processing" => UnlockStatus::Processing,
        Some(live) => UnlockStatus::Available {
            price: price(state),
            resume: live.expires_at > db::now() + EXPIRY_MARGIN_SECS,
        },
        None => UnlockStatus::Available { price: price(state), resume: false },
    })
}

/// Refuses, with a distinct reason, anyone who may not buy this profile now.
async fn check_may_buy(
    state: &AppState,
    user: &SessionUser,
    profile_id: i64,
) -> Result<String, AppError> {
    if user.role != Role::Employer {
        return Err(AppError::forbidden(
            "not_employer",
            "Only employer accounts can unlock profiles.",
        ));
    }
    match user.company.as_ref().map(|c| c.status) {
        Some(CompanyStatus::Approved) => {}
        Some(CompanyStatus::Rejected) => {
            return Err(AppError::forbidden(
                "company_rejected",
                "Your company was not approved, so it cannot unlock profiles.",
            ));
        }
        _ => {
            return Err(AppError::forbidden(
                "approval_pending",
                "Your company is awaiting approval. You can browse, and unlock once approved.",
            ));
        }
    }
    let (_, profile) = public_profile(&state.db, profile_id)
        .await?
        .ok_or_else(|| AppError::not_found("This profile does not exist."))?;
    if !profile.published {
        return Err(AppError::conflict(
            "profile_unavailable",
            "This profile is not published at the moment.",
        ));
    }
    if active_unlock(&state.db, user.id, profile_id).await?.is_some() {
        return Err(AppError::conflict(
            "already_unlocked",
            "You have already unlocked this profile.",
        ));
    }
    Ok(profile.headline)
}

/// Returns the Checkout Session to send the employer to: the open one if there is one, so
/// double clicks, tabs and retries never lead to two payments.
pub async fn start(
    state: &AppState,
    user: &SessionUser,
    profile_id: i64,
) -> Result<CheckoutStarted, AppError> {
    let headline = check_may_buy(state, user, profile_id).await?;
    // A session can come back already stale (a retried key from long ago); then the next
    // attempt gets a fresh one. Three rounds is more than that can need.
    for _ in 0..3 {
        let now = db::now();
        if let Some(live) = live_session(state.db.pool(), user.id, profile_id).await? {
            if live.status == "processing" {
                return Err(AppError::conflict(
                    "payment_processing",
                    "Your payment for this profile is being processed. It unlocks once it clears.",
                ));
            }
            if live.expires_at > now + EXPIRY_MARGIN_SECS {
                return Ok(CheckoutStarted { session_id: live.id, url: live.url });
            }
            retire(state, &live).await?;
        }

        let attempt: i64 = sqlx::query(
            "SELECT COUNT(*) AS attempts FROM checkout_sessions
             WHERE employer_id = $1 AND profile_id = $2",
        )
        .bind(user.id)
        .bind(profile_id)
        .fetch_one(state.db.pool())
        .await?
        .try_get("attempts")?;
        let session = create_at_stripe(state, user, profile_id, &headline, attempt).await?;
        let url = session.url.clone().ok_or_else(|| {
            AppError::internal(format!("Stripe returned session {} without a URL", session.id))
        })?;
        let amount = session.amount_total.unwrap_or(state.config.stripe.price_amount);
        sqlx::query(
            "INSERT INTO checkout_sessions (id, employer_id, profile_id, attempt, status, amount,
                currency, url, expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $9)
             ON CONFLICT DO NOTHING",
        )
        .bind(&session.id)
        .bind(user.id)
        .bind(profile_id)
        .bind(attempt)
        .bind(amount)
        .bind(&state.config.stripe.currency)
        .bind(&url)
        .bind(session.expires_at)
        .bind(now)
        .execute(state.db.pool())
        .await?;

        // The database decides which session is the live one if two requests raced.
        match live_session(state.db.pool(), user.id, profile_id).await? {
            Some(live) if live.id != session.id => {
                if let Err(err) = state.gateway.expire_session(&session.id).await {
                    tracing::warn!(
                        error = %err,
                        stripe.session = %session.id,
                        "could not expire a spare session"
                    );
                }
                return Ok(CheckoutStarted { session_id: live.id, url: live.url });
            }
            Some(live) if live.expires_at > now + EXPIRY_MARGIN_SECS => {
                tracing::info!(
                    stripe.session = %live.id,
                    profile.id = profile_id,
                    "checkout started"
                );
                return Ok(CheckoutStarted { session_id: live.id, url: live.url });
            }
            Some(stale) => retire(state, &stale).await?,
            None => {
                return Err(AppError::internal(format!(
                    "checkout session {} was not recorded as live",
                    session.id
                )));
            }
        }
    }
    Err(AppError::PaymentProvider)
}

/// Closes a session that is about to expire, at Stripe and here.
async fn retire(state: &AppState, record: &CheckoutRecord) -> Result<(), AppError> {
    match state.gateway.expire_session(&record.id).await {
        Ok(_) => {}
        // Already expired or completed there: the webhook or the return page will tell us.
        Err(GatewayError::Refused { .. }) => {}
        Err(err) => {
            tracing::warn!(error = %err, "could not expire a stale session");
            return Err(AppError::PaymentProvider);
        }
    }
    sqlx::query(
        "UPDATE checkout_sessions SET status = 'expired', updated_at = $1
         WHERE id = $2 AND status = 'open'",
    )
    .bind(db::now())
    .bind(&record.id)
    .execute(state.db.pool())
    .await?;
    Ok(())
}

async fn create_at_stripe(
    state: &AppState,
    user: &SessionUser,
    profile_id: i64,
    headline: &str,
    attempt: i64,
) -> Result<SessionInfo, AppError> {
    let app_url = &state.config.app_url;
    let success_url = format!("{app_url}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}");
    let cancel_url = format!("{app_url}/profiles/{profile_id}?checkout=cancelled");
    let product_name = format!("Talentboard profile #{profile_id}: full details");
    let description: String = headline.chars().take(200).collect();
    let new = NewSession {
        employer_id: user.id,
        profile_id,
        amount: state.config.stripe.price_amount,
        product_name: &product_name,
        description: &description,
        customer_email: &user.email,
        success_url: &success_url,
        cancel_url: &cancel_url,
        expires_at: db::now() + SESSION_LIFETIME_SECS,
    };
    let key = format!("talentboard-checkout-{}-{profile_id}-{attempt}", user.id);
    let mut delay = Duration::from_millis(250);
    for _ in 0..4 {
        match state.gateway.create_session(&new, &key).await {
            // The same key is still being worked on at Stripe (a double click): its answer
            // will be ours too, once it is ready.
            Err(err) if err.is_idempotency_conflict() => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(err) => {
                tracing::error!(error = %err, "could not create a checkout session");
                return Err(AppError::PaymentProvider);
            }
            Ok(session) => return Ok(session),
        }
    }
    Err(AppError::PaymentProvider)
}

/// Runs fulfilment for a session the employer has just returned from, without waiting for
/// the webhook. When Stripe cannot be asked, the webhook will finish the job.
pub async fn confirm(
    state: &AppState,
    user: &SessionUser,
    session_id: &str,
) -> Result<CheckoutOutcome, AppError> {
    let not_found = || AppError::not_found("We could not find that checkout for your account.");
    let record = session_by_id(state.db.pool(), session_id)
        .await?
        .filter(|r| r.employer_id == user.id)
        .ok_or_else(not_found)?;
    let outcome = match state.gateway.retrieve_session(session_id).await {
        Ok(session) => {
            let mut tx = state.db.begin().await?;
            let outcome =
                fulfil::apply_session(&mut tx, &state.gateway, &session, SessionEvent::Observed)
                    .await?;
            tx.commit().await?;
            outcome
        }
        Err(err) => {
            tracing::warn!(error = %err, "could not read the session back from Stripe");
            match record.status.as_str() {
                "paid" => Outcome::AlreadyUnlocked,
                "failed" => Outcome::Failed,
                "expired" => Outcome::Expired,
                "mismatch" => Outcome::Mismatch,
                _ => Outcome::Waiting,
            }
        }
    };
    let state_now = match outcome {
        Outcome::Unlocked | Outcome::AlreadyUnlocked => {
            match active_unlock(&state.db, user.id, record.profile_id).await? {
                Some(_) => CheckoutState::Unlocked,
                None => CheckoutState::Processing,
            }
        }
        Outcome::DuplicateRefunded => CheckoutState::Refunded,
        Outcome::Waiting => CheckoutState::Processing,
        Outcome::Failed => CheckoutState::Failed,
        Outcome::Expired => CheckoutState::Expired,
        Outcome::Mismatch => CheckoutState::Problem,
        Outcome::Revoked => CheckoutState::Revoked,
        Outcome::NotPaid | Outcome::NotOurs | Outcome::Ignored => CheckoutState::NotPaid,
    };
    Ok(CheckoutOutcome { profile_id: record.profile_id, state: state_now })
}
