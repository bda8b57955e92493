//! Logging: structured events, one span per request.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (tests start many apps) does nothing.
pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

/// The request span: method and matched route now, status and latency when it ends.
pub fn make_span<B>(request: &Request<B>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "fallback".to_owned());
    tracing::info_span!(
        "request",
        http.method = %request.method(),
        http.route = %route,
        http.status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

pub fn on_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    let status = response.status().as_u16();
    span.record("http.status", status);
    span.record("latency_ms", latency.as_millis() as u64);
    if status >= 500 {
        tracing::error!("request failed");
    } else {
        tracing::info!("request finished");
    }
}
