//! The Stripe client, built once from configuration. Stripe and the built-in simulator are
//! reached through the same async-stripe code; only the base URL differs.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    ExpireCheckoutSession, ProductData, RetrieveCheckoutSession,
};
use stripe_checkout::{
    CheckoutSession, CheckoutSessionMode, CheckoutSessionPaymentStatus, CheckoutSessionStatus,
};
use stripe_core::refund::CreateRefund;
use stripe_types::Currency;

use crate::server::config::StripeConfig;

/// Each attempt at Stripe gets this long before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct Gateway {
    client: Client,
    currency: Currency,
}

/// A Checkout Session as the app needs it, whether it came from the API or an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub url: Option<String>,
    pub status: SessionStatus,
    pub payment_status: PaymentStatus,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
    pub payment_intent: Option<String>,
    pub client_reference_id: Option<String>,
    pub metadata: HashMap<String, String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    Open,
    Complete,
    Expired,
    Unknown,
}

impl SessionStatus {
    pub fn parse(value: &str) -> Self {
        match value {
            "open" => Self::Open,
            "complete" => Self::Complete,
            "expired" => Self::Expired,
            _ => Self::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    Paid,
    Unpaid,
    NoPaymentRequired,
    Unknown,
}

impl PaymentStatus {
    pub fn parse(value: &str) -> Self {
        match value {
            "paid" => Self::Paid,
            "unpaid" => Self::Unpaid,
            "no_payment_required" => Self::NoPaymentRequired,
            _ => Self::Unknown,
        }
    }
}

/// What to ask Stripe for when an employer starts a checkout.
pub struct NewSession<'a> {
    pub employer_id: i64,
    pub profile_id: i64,
    pub amount: i64,
    pub product_name: &'a str,
    pub description: &'a str,
    pub customer_email: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Stripe answered with an error: `code` is Stripe's error code when it gave one.
    #[error("Stripe refused the request ({status}): {message}")]
    Refused { status: u16, code: Option<String>, message: String },
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
    #[error("invalid request: {0}")]
    Invalid(String),
}

impl GatewayError {
    fn from_stripe(err: StripeError) -> Self {
        match err {
            StripeError::Stripe(api, status) => Self::Refused {
                status,
                code: api.code.map(|c| c.to_string()),
                message: api.message.unwrap_or_default(),
            },
            other => Self::Unreachable(other.to_string()),
        }
    }

    /// Another request with the same idempotency key is still in flight at Stripe.
    pub fn is_idempotency_conflict(&self) -> bool {
        matches!(self, Self::Refused { status: 409, .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Refused { status: 404, .. })
    }
}

fn key(value: &str) -> Result<RequestStrategy, GatewayError> {
    IdempotencyKey::new(value)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| GatewayError::Invalid(e.to_string()))
}

impl Gateway {
    pub fn new(config: &StripeConfig, api_base: Option<&str>) -> Result<Self, StripeError> {
        let currency = Currency::from_str(&config.currency).map_err(|_| {
            StripeError::ConfigError(format!("unknown currency {:?}", config.currency))
        })?;
        let mut builder = ClientBuilder::new(config.secret_key.expose())
            .timeout(ATTEMPT_TIMEOUT)
            .app_info("Talentboard", Some(env!("CARGO_PKG_VERSION").to_owned()), None);
        if let Some(base) = api_base {
            builder = builder.url(base);
        }
        Ok(Self { client: builder.build()?, currency })
    }

    /// Creates a Checkout Session. The same `idempotency_key` with the same request returns
    /// the same session, which is what keeps a double click from making two.
    pub async fn create_session(
        &self,
        new: &NewSession<'_>,
        idempotency_key: &str,
    ) -> Result<SessionInfo, GatewayError> {
        let mut product = ProductData::new(new.product_name);
        product.description = Some(new.description.to_owned());
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(self.currency.clone());
        price.unit_amount = Some(new.amount);
        price.product_data = Some(product);
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let metadata = HashMap::from([
            ("employer_id".to_owned(), new.employer_id.to_string()),
            ("profile_id".to_owned(), new.profile_id.to_string()),
        ]);
        let request = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(vec![item])
            .client_reference_id(format!("employer-{}:profile-{}", new.employer_id, new.profile_id))
            .metadata(metadata)
            .customer_email(new.customer_email)
            .success_url(new.success_url)
            .cancel_url(new.cancel_url)
            .expires_at(new.expires_at);
        let session = request
            .customize()
            .request_strategy(key(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(GatewayError::from_stripe)?;
        Ok(session_info(session))
    }

    pub async fn retrieve_session(&self, id: &str) -> Result<SessionInfo, GatewayError> {
        let session = RetrieveCheckoutSession::new(id)
            .send(&self.client)
            .await
            .map_err(GatewayError::from_stripe)?;
        Ok(session_info(session))
    }

    pub async fn expire_session(&self, id: &str) -> Result<SessionInfo, GatewayError> {
        let session = ExpireCheckoutSession::new(id)
            .send(&self.client)
            .await
            .map_err(GatewayError::from_stripe)?;
        Ok(session_info(session))
    }

    /// Refunds a payment in full, once: retries with the same key do not refund twice.
    pub async fn refund(
        &self,
        payment_intent: &str,
        idempotency_key: &str,
        why: &str,
    ) -> Result<String, GatewayError> {
        let refund = CreateRefund::new()
            .payment_intent(payment_intent)
            .metadata(HashMap::from([("talentboard_reason".to_owned(), why.to_owned())]))
            .customize()
            .request_strategy(key(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(GatewayError::from_stripe)?;
        Ok(refund.id.to_string())
    }
}

fn session_info(session: CheckoutSession) -> SessionInfo {
    SessionInfo {
        id: session.id.to_string(),
        url: session.url,
        status: match session.status {
            Some(CheckoutSessionStatus::Open) => SessionStatus::Open,
            Some(CheckoutSessionStatus::Complete) => SessionStatus::Complete,
            Some(CheckoutSessionStatus::Expired) => SessionStatus::Expired,
            _ => SessionStatus::Unknown,
        },
        payment_status: match session.payment_status {
            CheckoutSessionPaymentStatus::Paid => PaymentStatus::Paid,
            CheckoutSessionPaymentStatus::Unpaid => PaymentStatus::Unpaid,
            CheckoutSessionPaymentStatus::NoPaymentRequired => PaymentStatus::NoPaymentRequired,
            _ => PaymentStatus::Unknown,
        },
        amount_total: session.amount_total,
        currency: session.currency.map(|c| c.to_string()),
        payment_intent: session.payment_intent.map(|pi| pi.id().to_string()),
        client_reference_id: session.client_reference_id,
        metadata: session.metadata.unwrap_or_default(),
        expires_at: session.expires_at,
    }
}

/// Reads a session from an event's `data.object`. Fields the app does not use are ignored,
/// so events from newer API versions still parse.
pub fn session_from_event(object: &serde_json::Value) -> Option<SessionInfo> {
    let text = |key: &str| object.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let payment_intent = match object.get("payment_intent") {
        Some(serde_json::Value::String(id)) => Some(id.clone()),
        Some(serde_json::Value::Object(pi)) => {
            pi.get("id").and_then(|v| v.as_str()).map(str::to_owned)
        }
        _ => None,
    };
    let metadata = object
        .get("metadata")
        .and_then(|m| m.as_object())
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
        .unwrap_or_default();
    Some(SessionInfo {
        id: text("id")?,
        url: text("url"),
        status: SessionStatus::parse(&text("status").unwrap_or_default()),
        payment_status: PaymentStatus::parse(&text("payment_status").unwrap_or_default()),
        amount_total: object.get("amount_total").and_then(|v| v.as_i64()),
        currency: text("currency"),
        payment_intent,
        client_reference_id: text("client_reference_id"),
        metadata,
        expires_at: object.get("expires_at").and_then(|v| v.as_i64()).unwrap_or_default(),
    })
}
