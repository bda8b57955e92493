//! `POST /api/webhooks/stripe`: Stripe's events, verified, deduplicated and applied in one
//! transaction.
//!
//! The event id goes into `stripe_events` in the same transaction as the work it causes. If
//! anything fails the whole transaction rolls back and we answer 500, so Stripe's retry finds
//! neither the event nor half of its effects, and does it all again.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::fulfil::{self, Outcome, SessionEvent};
use super::gateway::session_from_event;
use super::signature;
use crate::error::AppError;
use crate::server::db;
use crate::server::failpoints::WEBHOOK_AFTER_DEDUP;
use crate::server::state::AppState;

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: serde_json::Value,
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    if let Err(err) =
        signature::verify(header, &body, &state.config.stripe.webhook_secrets, db::now())
    {
        tracing::warn!(reason = %err, "webhook refused: bad signature");
        return reply(StatusCode::BAD_REQUEST, json!({ "error": err.to_string() }));
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(err) => {
            tracing::warn!(error = %err, "webhook refused: not an event");
            return reply(
                StatusCode::BAD_REQUEST,
                json!({ "error": "body is not a Stripe event" }),
            );
        }
    };
    let span =
        tracing::info_span!("stripe_event", stripe.event = %event.id, stripe.type = %event.kind);
    match tracing::Instrument::instrument(process(&state, &event), span).await {
        Ok(Some(outcome)) => {
            tracing::info!(stripe.event = %event.id, outcome = outcome.as_str(), "event processed");
            reply(StatusCode::OK, json!({ "received": true, "outcome": outcome.as_str() }))
        }
        Ok(None) => {
            tracing::info!(stripe.event = %event.id, "event already processed");
            reply(StatusCode::OK, json!({ "received": true, "outcome": "duplicate" }))
        }
        Err(ProcessError::BadObject) => {
            tracing::warn!(stripe.event = %event.id, "webhook refused: object not understood");
            reply(StatusCode::BAD_REQUEST, json!({ "error": "event object not understood" }))
        }
        Err(ProcessError::Failed(err)) => {
            tracing::error!(stripe.event = %event.id, error = %err, "event failed; rolled back");
            reply(StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": "processing failed" }))
        }
    }
}

enum ProcessError {
    BadObject,
    Failed(AppError),
}

impl From<AppError> for ProcessError {
    fn from(err: AppError) -> Self {
        Self::Failed(err)
    }
}

impl From<sqlx::Error> for ProcessError {
    fn from(err: sqlx::Error) -> Self {
        Self::Failed(err.into())
    }
}

/// `Ok(None)` for an event seen before.
async fn process(state: &AppState, event: &Event) -> Result<Option<Outcome>, ProcessError> {
    let mut tx = state.db.begin().await?;
    let first_time = sqlx::query(
        "INSERT INTO stripe_events (id, type, received_at, outcome) VALUES ($1, $2, $3, 'pending')
         ON CONFLICT (id) DO NOTHING RETURNING id",
    )
    .bind(&event.id)
    .bind(&event.kind)
    .bind(db::now())
    .fetch_optional(&mut *tx)
    .await?;
    if first_time.is_none() {
        tx.rollback().await?;
        return Ok(None);
    }
    state.failpoints.check(WEBHOOK_AFTER_DEDUP).map_err(AppError::internal)?;

    let object = &event.data.object;
    let session_event = match event.kind.as_str() {
        "checkout.session.completed" => Some(SessionEvent::Completed),
        "checkout.session.async_payment_succeeded" => Some(SessionEvent::AsyncSucceeded),
        "checkout.session.async_payment_failed" => Some(SessionEvent::AsyncFailed),
        "checkout.session.expired" => Some(SessionEvent::Expired),
        _ => None,
    };
    let outcome = if let Some(kind) = session_event {
        let session = session_from_event(object).ok_or(ProcessError::BadObject)?;
        fulfil::apply_session(&mut tx, &state.gateway, &session, kind).await?
    } else {
        match event.kind.as_str() {
            "charge.refunded" => {
                let fully = object.get("refunded").and_then(|v| v.as_bool()).unwrap_or(false);
                match payment_intent_of(object) {
                    Some(pi) if fully => fulfil::revoke(&mut tx, &pi, "refunded").await?,
                    Some(_) => Outcome::Ignored,
                    None => return Err(ProcessError::BadObject),
                }
            }
            "charge.dispute.created" => {
                let why = object.get("reason").and_then(|v| v.as_str()).unwrap_or("unknown");
                match payment_intent_of(object) {
                    Some(pi) => fulfil::revoke(&mut tx, &pi, &format!("disputed: {why}")).await?,
                    None => return Err(ProcessError::BadObject),
                }
            }
            _ => Outcome::Ignored,
        }
    };

    sqlx::query("UPDATE stripe_events SET outcome = $1 WHERE id = $2")
        .bind(outcome.as_str())
        .bind(&event.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(outcome))
}

fn payment_intent_of(object: &serde_json::Value) -> Option<String> {
    match object.get("payment_intent")? {
        serde_json::Value::String(id) => Some(id.clone()),
        serde_json::Value::Object(pi) => pi.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}
