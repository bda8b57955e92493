//! A payment simulator that speaks the part of Stripe's HTTP API Talentboard uses, so the
//! app runs and is tested end to end with no Stripe account and no network.
//!
//! The app reaches it through the same async-stripe client it uses for Stripe (only the base
//! URL differs); it hosts a checkout page with Pay, Decline and Cancel; and it delivers
//! events to the webhook signed exactly as Stripe signs them, retrying with backoff. It is
//! mounted only when no Stripe key is configured. State lives in memory.

mod delivery;
mod page;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Path, Query, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::config::Config;
use crate::server::db;

/// Everything the simulator serves lives under this path.
pub const PREFIX: &str = "/_sim";
/// Stripe's API, as the simulator serves it: the client's base URL ends here.
pub const API_PREFIX: &str = "/_sim/stripe";

/// Stripe keeps idempotent responses for a day; so does the simulator.
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<SimState>,
    secret_key: String,
    webhook_secret: String,
    webhook_target: Mutex<Option<String>>,
    /// Where browsers reach the app (and so the hosted checkout page).
    public_base: String,
    deliveries: delivery::Deliveries,
}

#[derive(Default)]
struct SimState {
    sessions: HashMap<String, Session>,
    /// Idempotency key → (request fingerprint, status, response body, when).
    idempotency: HashMap<String, (String, u16, Value, i64)>,
    /// Payment intent → the refund made for it.
    refunds: HashMap<String, Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    id: String,
    amount: i64,
    currency: String,
    product_name: String,
    description: String,
    customer_email: Option<String>,
    success_url: String,
    cancel_url: Option<String>,
    client_reference_id: Option<String>,
    metadata: serde_json::Map<String, Value>,
    created: i64,
    expires_at: i64,
    status: &'static str,
    payment_status: &'static str,
    payment_intent: Option<String>,
    charge: Option<String>,
    /// The last attempt was declined (shown on the hosted page).
    declined: bool,
}

pub(crate) fn random_id(prefix: &str) -> String {
    let tail: String =
        rand::thread_rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect();
    format!("{prefix}{tail}")
}

impl Simulator {
    pub fn new(config: &Config) -> Self {
        let webhook_secret = config
            .stripe
            .webhook_secrets
            .first()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default();
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(SimState::default()),
                secret_key: config.stripe.secret_key.expose().to_owned(),
                webhook_secret,
                webhook_target: Mutex::new(None),
                public_base: config.app_url.clone(),
                deliveries: delivery::Deliveries::default(),
            }),
        }
    }

    pub fn set_webhook_target(&self, url: String) {
        *self.inner.webhook_target.lock().unwrap_or_else(|p| p.into_inner()) = Some(url);
    }

    fn state(&self) -> MutexGuard<'_, SimState> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn router<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        Router::new()
            .route("/stripe/v1/checkout/sessions", post(create_session))
            .route("/stripe/v1/checkout/sessions/{id}", get(retrieve_session))
            .route("/stripe/v1/checkout/sessions/{id}/expire", post(expire_session))
            .route("/stripe/v1/refunds", post(create_refund))
            .route("/checkout/{id}", get(page::show))
            .route("/checkout/{id}/pay", post(pay))
            .route("/checkout/{id}/decline", post(decline))
            .route("/checkout/{id}/cancel", post(cancel))
            .route("/sessions/{id}/settle", post(settle))
            .route("/sessions/{id}/expire", post(expire_now))
            .route("/payments/{payment_intent}/refund", post(refund_payment))
            .route("/payments/{payment_intent}/dispute", post(dispute_payment))
            .route("/events", get(list_events))
            .route("/sessions", get(list_sessions))
            .with_state(self.clone())
    }

    /// Signs and delivers an event to the app's webhook in the background.
    fn emit(&self, kind: &str, object: Value) {
        let event = json!({
            "id": random_id("evt_"),
            "object": "event",
            "api_version": stripe_shared::version::VERSION.as_str(),
            "created": db::now(),
            "data": { "object": object },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": kind,
        });
        let target = self.inner.webhook_target.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match target {
            Some(target) => {
                self.inner.deliveries.send(target, self.inner.webhook_secret.clone(), event)
            }
            None => tracing::warn!(event.kind = kind, "simulator has no webhook target"),
        }
    }

    fn session_json(&self, session: &Session) -> Value {
        let url = (session.status == "open")
            .then(|| format!("{}{PREFIX}/checkout/{}", self.inner.public_base, session.id));
        json!({
            "id": session.id,
            "object": "checkout.session",
            "amount_subtotal": session.amount,
            "amount_total": session.amount,
            "automatic_tax": { "enabled": false, "liability": null, "status": null },
            "cancel_url": session.cancel_url,
            "client_reference_id": session.client_reference_id,
            "created": session.created,
            "currency": session.currency,
            "custom_fields": [],
            "custom_text": {
                "after_submit": null, "shipping_address": null, "submit": null,
                "terms_of_service_acceptance": null
            },
            "customer_email": session.customer_email,
            "expires_at": session.expires_at,
            "livemode": false,
            "metadata": session.metadata,
            "mode": "payment",
            "payment_intent": session.payment_intent,
            "payment_method_types": ["card"],
            "payment_status": session.payment_status,
            "shipping_options": [],
            "status": session.status,
            "success_url": session.success_url,
            "ui_mode": "hosted_page",
            "url": url,
        })
    }

    /// Expires a session whose time is up, as Stripe does in the background.
    fn expire_if_due(&self, state: &mut SimState, id: &str) -> Option<Value> {
        let session = state.sessions.get_mut(id)?;
        if session.status == "open" && session.expires_at <= db::now() {
            session.status = "expired";
            return Some(self.session_json(session));
        }
        None
    }
}

fn stripe_error(status: StatusCode, kind: &str, code: Option<&str>, message: &str) -> Response {
    (status, Json(json!({ "error": { "type": kind, "code": code, "message": message } })))
        .into_response()
}

/// The error to answer with when the request does not carry the simulator's secret key.
fn refused(sim: &Simulator, headers: &HeaderMap) -> Option<Response> {
    let expected = format!("Bearer {}", sim.inner.secret_key);
    match headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some(given) if given == expected => None,
        _ => Some(stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            None,
            "Invalid API Key provided.",
        )),
    }
}

fn missing(id: &str) -> Response {
    stripe_error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such checkout.session: '{id}'"),
    )
}

type FormPairs = Form<Vec<(String, String)>>;

fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Replays the stored answer for a repeated idempotency key, or runs `make` and stores it.
fn idempotent(
    sim: &Simulator,
    headers: &HeaderMap,
    form: &[(String, String)],
    make: impl FnOnce(&mut SimState) -> (StatusCode, Value),
) -> Response {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut pairs: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    let fingerprint = pairs.join("&");
    let now = db::now();
    let mut state = sim.state();
    state.idempotency.retain(|_, (_, _, _, at)| *at > now - IDEMPOTENCY_TTL_SECS);
    if let Some(key) = &key
        && let Some((seen, status, body, _)) = state.idempotency.get(key)
    {
        if *seen != fingerprint {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "idempotency_error",
                None,
                "Keys for idempotent requests can only be used with the same parameters.",
            );
        }
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
        return (status, Json(body.clone())).into_response();
    }
    let (status, body) = make(&mut state);
    if let Some(key) = key {
        // Stripe does not store answers to requests that failed validation.
        if status.is_success() {
            state.idempotency.insert(key, (fingerprint, status.as_u16(), body.clone(), now));
        }
    }
    (status, Json(body)).into_response()
}

async fn create_session(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Form(form): FormPairs,
) -> Response {
    if let Some(denied) = refused(&sim, &headers) {
        return denied;
    }
    let invalid = |param: &str, message: &str| {
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": {
                "type": "invalid_request_error", "code": "parameter_invalid", "param": param,
                "message": message
            }}),
        )
    };
    let sim_for_json = sim.clone();
    let fields = form.clone();
    idempotent(&sim, &headers, &fields, move |state| {
        if field(&form, "mode") != Some("payment") {
            return invalid("mode", "The simulator supports mode=payment only.");
        }
        let item = |name: &str| field(&form, &format!("line_items[0][{name}]"));
        let Some(currency) = item("price_data][currency").map(str::to_lowercase) else {
            return invalid("line_items[0][price_data][currency]", "Missing currency.");
        };
        let amount = item("price_data][unit_amount").and_then(|a| a.parse::<i64>().ok());
        let Some(amount) = amount.filter(|a| *a > 0) else {
            return invalid("line_items[0][price_data][unit_amount]", "Invalid unit_amount.");
        };
        let quantity = item("quantity").and_then(|q| q.parse::<i64>().ok()).unwrap_or(1);
        if quantity < 1 || field(&form, "line_items[1][quantity]").is_some() {
            return invalid("line_items", "The simulator supports one line item.");
        }
        let Some(product_name) = item("price_data][product_data][name") else {
            return invalid("line_items[0][price_data][product_data][name]", "Missing name.");
        };
        let Some(success_url) = field(&form, "success_url")
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        else {
            return invalid("success_url", "Not a valid URL.");
        };
        let now = db::now();
        let expires_at = match field(&form, "expires_at").map(str::parse::<i64>) {
            None => now + 24 * 3600,
            Some(Ok(at)) if at >= now + 1800 && at <= now + 24 * 3600 => at,
            Some(_) => {
                return invalid(
                    "expires_at",
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                );
            }
        };
        let metadata: serde_json::Map<String, Value> = form
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix("metadata[")?.strip_suffix(']')?;
                Some((key.to_owned(), Value::String(v.clone())))
            })
            .collect();
        let session = Session {
            id: random_id("cs_test_"),
            amount: amount * quantity,
            currency,
            product_name: product_name.to_owned(),
            description: item("price_data][product_data][description")
                .unwrap_or_default()
                .to_owned(),
            customer_email: field(&form, "customer_email").map(str::to_owned),
            success_url: success_url.to_owned(),
            cancel_url: field(&form, "cancel_url").map(str::to_owned),
            client_reference_id: field(&form, "client_reference_id").map(str::to_owned),
            metadata,
            created: now,
            expires_at,
            status: "open",
            payment_status: "unpaid",
            payment_intent: None,
            charge: None,
            declined: false,
        };
        let body = sim_for_json.session_json(&session);
        tracing::info!(sim.session = %session.id, "simulator: checkout session created");
        state.sessions.insert(session.id.clone(), session);
        (StatusCode::OK, body)
    })
}

async fn retrieve_session(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(denied) = refused(&sim, &headers) {
        return denied;
    }
    let (body, expired) = {
        let mut state = sim.state();
        let expired = sim.expire_if_due(&mut state, &id);
        match state.sessions.get(&id) {
            Some(session) => (sim.session_json(session), expired),
            None => return missing(&id),
        }
    };
    if let Some(object) = expired {
        sim.emit("checkout.session.expired", object);
    }
    Json(body).into_response()
}

async fn expire_session(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(denied) = refused(&sim, &headers) {
        return denied;
    }
    let body = {
        let mut state = sim.state();
        let Some(session) = state.sessions.get_mut(&id) else { return missing(&id) };
        if session.status != "open" {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                // Stripe gives this refusal no error code, only the type and a message.
                None,
                &format!(
                    "Only Checkout Sessions with a status of open can be expired; {id} is {}.",
                    session.status
                ),
            );
        }
        session.status = "expired";
        sim.session_json(session)
    };
    sim.emit("checkout.session.expired", body.clone());
    Json(body).into_response()
}

async fn create_refund(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Form(form): FormPairs,
) -> Response {
    if let Some(denied) = refused(&sim, &headers) {
        return denied;
    }
    let Some(payment_intent) = field(&form, "payment_intent").map(str::to_owned) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_missing"),
            "Provide a payment_intent to refund.",
        );
    };
    let mut charge_event = None;
    let response = idempotent(&sim, &headers, &form, |state| {
        if state.refunds.contains_key(&payment_intent) {
            return (
                StatusCode::BAD_REQUEST,
                json!({ "error": {
                    "type": "invalid_request_error", "code": "charge_already_refunded",
                    "message": "This payment has already been refunded."
                }}),
            );
        }
        let Some(session) =
            state.sessions.values().find(|s| s.payment_intent.as_deref() == Some(&payment_intent))
        else {
            return (
                StatusCode::NOT_FOUND,
                json!({ "error": {
                    "type": "invalid_request_error", "code": "resource_missing",
                    "message": format!("No such payment_intent: '{payment_intent}'")
                }}),
            );
        };
        let refund = json!({
            "id": random_id("re_"),
            "object": "refund",
            "amount": session.amount,
            "charge": session.charge,
            "created": db::now(),
            "currency": session.currency,
            "metadata": {},
            "payment_intent": payment_intent,
            "reason": "requested_by_customer",
            "status": "succeeded",
        });
        charge_event = Some(charge_json(session, true));
        state.refunds.insert(payment_intent.clone(), refund.clone());
        (StatusCode::OK, refund)
    });
    if let Some(charge) = charge_event {
        sim.emit("charge.refunded", charge);
    }
    response
}

fn charge_json(session: &Session, refunded: bool) -> Value {
    json!({
        "id": session.charge,
        "object": "charge",
        "amount": session.amount,
        "amount_refunded": if refunded { session.amount } else { 0 },
        "currency": session.currency,
        "paid": true,
        "payment_intent": session.payment_intent,
        "refunded": refunded,
        "status": "succeeded",
    })
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_owned())]).into_response()
}

#[derive(Deserialize)]
struct PayParams {
    /// `delayed`: finish Checkout now, let the money arrive later (like a bank debit).
    method: Option<String>,
}

/// The Pay button (and the scripted way to pay): completes the session and tells the app.
async fn pay(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<PayParams>,
) -> Response {
    let delayed = params.method.as_deref() == Some("delayed");
    let outcome = {
        let mut state = sim.state();
        let expired = sim.expire_if_due(&mut state, &id);
        let Some(session) = state.sessions.get_mut(&id) else { return missing(&id) };
        if session.status != "open" {
            Err((session.status, expired))
        } else {
            session.status = "complete";
            session.declined = false;
            session.payment_intent = Some(random_id("pi_"));
            session.charge = Some(random_id("ch_"));
            session.payment_status = if delayed { "unpaid" } else { "paid" };
            Ok((
                sim.session_json(session),
                session.success_url.replace("{CHECKOUT_SESSION_ID}", &id),
            ))
        }
    };
    match outcome {
        Ok((object, redirect)) => {
            tracing::info!(sim.session = %id, delayed, "simulator: session paid");
            sim.emit("checkout.session.completed", object.clone());
            if wants_json(&headers) {
                Json(json!({ "session": object, "redirect": redirect })).into_response()
            } else {
                see_other(&redirect)
            }
        }
        Err((status, expired)) => {
            if let Some(object) = expired {
                sim.emit("checkout.session.expired", object);
            }
            if wants_json(&headers) {
                stripe_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    Some("checkout_session_not_open"),
                    &format!("This session is {status} and cannot be paid."),
                )
            } else {
                see_other(&format!("{PREFIX}/checkout/{id}"))
            }
        }
    }
}

/// The Decline button: the card is refused and, as on Stripe, the session stays open.
async fn decline(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    {
        let mut state = sim.state();
        let Some(session) = state.sessions.get_mut(&id) else { return missing(&id) };
        if session.status == "open" {
            session.declined = true;
        }
    }
    tracing::info!(sim.session = %id, "simulator: card declined");
    if wants_json(&headers) {
        Json(json!({ "declined": true })).into_response()
    } else {
        see_other(&format!("{PREFIX}/checkout/{id}"))
    }
}

/// The Cancel link: back to the app's cancel URL, session left open until it expires.
async fn cancel(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    let target = {
        let state = sim.state();
        let Some(session) = state.sessions.get(&id) else { return missing(&id) };
        session.cancel_url.clone().unwrap_or_else(|| sim.inner.public_base.clone())
    };
    see_other(&target)
}

#[derive(Deserialize)]
struct SettleParams {
    outcome: String,
}

/// Finishes a delayed payment: `outcome=succeeded` or `outcome=failed`.
async fn settle(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    Query(params): Query<SettleParams>,
) -> Response {
    let succeeded = match params.outcome.as_str() {
        "succeeded" => true,
        "failed" => false,
        _ => {
            return (StatusCode::BAD_REQUEST, "outcome must be succeeded or failed")
                .into_response();
        }
    };
    let object = {
        let mut state = sim.state();
        let Some(session) = state.sessions.get_mut(&id) else { return missing(&id) };
        if session.status != "complete" || session.payment_status != "unpaid" {
            return (StatusCode::CONFLICT, "this session has no delayed payment pending")
                .into_response();
        }
        if succeeded {
            session.payment_status = "paid";
        }
        sim.session_json(session)
    };
    let kind = if succeeded {
        "checkout.session.async_payment_succeeded"
    } else {
        "checkout.session.async_payment_failed"
    };
    sim.emit(kind, object.clone());
    Json(object).into_response()
}

/// Expires an open session now, as if its time had run out.
async fn expire_now(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    let object = {
        let mut state = sim.state();
        let Some(session) = state.sessions.get_mut(&id) else { return missing(&id) };
        if session.status != "open" {
            return (StatusCode::CONFLICT, "only open sessions expire").into_response();
        }
        session.status = "expired";
        sim.session_json(session)
    };
    sim.emit("checkout.session.expired", object.clone());
    Json(object).into_response()
}

/// Refunds a payment from the "dashboard", as an operator would in Stripe's.
async fn refund_payment(
    State(sim): State<Simulator>,
    Path(payment_intent): Path<String>,
) -> Response {
    let charge = {
        let mut state = sim.state();
        if state.refunds.contains_key(&payment_intent) {
            return (StatusCode::CONFLICT, "already refunded").into_response();
        }
        let Some(session) =
            state.sessions.values().find(|s| s.payment_intent.as_deref() == Some(&payment_intent))
        else {
            return (StatusCode::NOT_FOUND, "no such payment").into_response();
        };
        let charge = charge_json(session, true);
        let refund = json!({ "id": random_id("re_"), "payment_intent": payment_intent });
        state.refunds.insert(payment_intent.clone(), refund);
        charge
    };
    sim.emit("charge.refunded", charge.clone());
    Json(charge).into_response()
}

/// Opens a dispute (chargeback) on a payment.
async fn dispute_payment(
    State(sim): State<Simulator>,
    Path(payment_intent): Path<String>,
) -> Response {
    let dispute = {
        let state = sim.state();
        let Some(session) =
            state.sessions.values().find(|s| s.payment_intent.as_deref() == Some(&payment_intent))
        else {
            return (StatusCode::NOT_FOUND, "no such payment").into_response();
        };
        json!({
            "id": random_id("dp_"),
            "object": "dispute",
            "amount": session.amount,
            "charge": session.charge,
            "currency": session.currency,
            "payment_intent": payment_intent,
            "reason": "fraudulent",
            "status": "needs_response",
        })
    };
    sim.emit("charge.dispute.created", dispute.clone());
    Json(dispute).into_response()
}

/// Every Checkout Session the simulator holds, oldest first.
async fn list_sessions(State(sim): State<Simulator>) -> Response {
    let state = sim.state();
    let mut sessions: Vec<&Session> = state.sessions.values().collect();
    sessions.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    let sessions: Vec<Value> = sessions.into_iter().map(|s| sim.session_json(s)).collect();
    Json(sessions).into_response()
}

/// Every event the simulator sent, with how its delivery went.
async fn list_events(State(sim): State<Simulator>) -> Response {
    Json(sim.inner.deliveries.log()).into_response()
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The hosted page reads sessions through this.
impl Simulator {
    pub(crate) fn session_for_page(&self, id: &str) -> Option<Session> {
        let (session, expired) = {
            let mut state = self.state();
            let expired = self.expire_if_due(&mut state, id);
            (state.sessions.get(id).cloned(), expired)
        };
        if let Some(object) = expired {
            self.emit("checkout.session.expired", object);
        }
        session
    }

    pub(crate) fn public_base(&self) -> &str {
        &self.inner.public_base
    }
}

pub(crate) fn html(body: String) -> Response {
    Html(body).into_response()
}
