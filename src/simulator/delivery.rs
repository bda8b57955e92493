//! Webhook delivery as Stripe does it: signed at send time, retried with backoff on any
//! answer that is not 2xx, each attempt signed afresh.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde_json::Value;

use crate::payments::ssr::signature;
use crate::server::db;

/// Stripe retries for days; the simulator gives up sooner: 8 attempts over about a minute.
const ATTEMPTS: u32 = 8;
const FIRST_RETRY: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRecord {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub delivered: bool,
}

#[derive(Clone)]
pub struct Deliveries {
    client: Client<HttpConnector, Full<Bytes>>,
    log: Arc<Mutex<Vec<DeliveryRecord>>>,
}

impl Default for Deliveries {
    fn default() -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
            log: Arc::default(),
        }
    }
}

impl Deliveries {
    pub fn log(&self) -> Vec<DeliveryRecord> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, index: usize, status: Option<u16>, delivered: bool) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(record) = log.get_mut(index) {
            record.attempts += 1;
            record.last_status = status;
            record.delivered = delivered;
        }
    }

    pub fn send(&self, target: String, secret: String, event: Value) {
        let body = Bytes::from(event.to_string());
        let index = {
            let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
            log.push(DeliveryRecord {
                event_id: event["id"].as_str().unwrap_or_default().to_owned(),
                kind: event["type"].as_str().unwrap_or_default().to_owned(),
                attempts: 0,
                last_status: None,
                delivered: false,
            });
            log.len() - 1
        };
        let this = self.clone();
        tokio::spawn(async move {
            let mut delay = FIRST_RETRY;
            for attempt in 1..=ATTEMPTS {
                let header = signature::header(&body, &secret, db::now());
                let request = axum::http::Request::post(&target)
                    .header("content-type", "application/json")
                    .header("stripe-signature", header)
                    .header("user-agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .body(Full::new(body.clone()));
                let status = match request {
                    Ok(request) => match this.client.request(request).await {
                        Ok(response) => Some(response.status().as_u16()),
                        Err(err) => {
                            tracing::warn!(
                                error = %err,
                                attempt,
                                "simulator: webhook delivery failed"
                            );
                            None
                        }
                    },
                    Err(err) => {
                        tracing::error!(error = %err, "simulator: bad webhook request");
                        return;
                    }
                };
                let delivered = status.is_some_and(|s| (200..300).contains(&s));
                this.update(index, status, delivered);
                if delivered {
                    return;
                }
                if attempt < ATTEMPTS {
                    tracing::info!(
                        attempt,
                        ?status,
                        retry_in_ms = delay.as_millis() as u64,
                        "simulator: webhook not accepted, will retry"
                    );
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
            tracing::error!("simulator: webhook delivery abandoned");
        });
    }
}
