//! Builds the whole application from a [`Config`], so that `main` and the tests start it the
//! same way (tests bind port 0).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::{App, shell};
use crate::payments::ssr::gateway::Gateway;
use crate::server::config::{Config, PaymentMode};
use crate::server::db::{self, Db};
use crate::server::failpoints::Failpoints;
use crate::server::state::AppState;
use crate::server::{http, telemetry};
use crate::simulator::Simulator;

/// Forms and server-function calls are small; Stripe events can be larger.
const BODY_LIMIT: usize = 64 * 1024;
const WEBHOOK_BODY_LIMIT: usize = 512 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("could not open the database: {0}")]
    Database(String),
    #[error("could not apply database migrations: {0}")]
    Migrate(String),
    #[error("could not build the Stripe client: {0}")]
    Stripe(String),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    pub async fn build(mut config: Config) -> Result<Self, StartupError> {
        let requested = config.leptos.site_addr;
        let listener = TcpListener::bind(requested)
            .await
            .map_err(|source| StartupError::Bind { addr: requested, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr: requested, source })?;
        config.leptos.site_addr = addr;
        // Port 0 asks the OS for a port; links must carry the one it gave.
        if let Some(prefix) = config.app_url.strip_suffix(":0") {
            config.app_url = format!("{prefix}:{}", addr.port());
        }

        let db = Db::connect(config.database_url.expose())
            .await
            .map_err(|e| StartupError::Database(db::describe(&e)))?;
        db.migrate().await.map_err(|e| StartupError::Migrate(db::describe(&e)))?;
        if db.backend() == db::Backend::Sqlite {
            db.analyze().await.map_err(|e| StartupError::Database(db::describe(&e)))?;
        }

        let simulator = match config.stripe.mode {
            PaymentMode::Simulator => Some(Simulator::new(&config)),
            PaymentMode::Stripe => None,
        };
        let api_base = match (&config.stripe.api_base, config.stripe.mode.clone()) {
            (Some(base), _) => Some(base.clone()),
            (None, PaymentMode::Simulator) => {
                Some(format!("http://127.0.0.1:{}{}/", addr.port(), crate::simulator::API_PREFIX))
            }
            (None, PaymentMode::Stripe) => None,
        };
        let gateway = Gateway::new(&config.stripe, api_base.as_deref())
            .map_err(|e| StartupError::Stripe(e.to_string()))?;

        let state = AppState {
            leptos: config.leptos.clone(),
            db,
            config: Arc::new(config),
            gateway,
            failpoints: Failpoints::default(),
            simulator,
        };
        if let Some(simulator) = &state.simulator {
            simulator.set_webhook_target(format!(
                "http://127.0.0.1:{}/api/webhooks/stripe",
                addr.port()
            ));
        }
        let router = router(state.clone());
        Ok(Self { listener, router, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.state.leptos.site_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests under way.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        let upkeep = tokio::spawn(keep_statistics_fresh(state.db.clone()));
        let served = axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await;
        upkeep.abort();
        served?;
        state.db.close().await;
        Ok(())
    }
}

/// SQLite's planner statistics are refreshed only when asked; profiles keep coming, so ask
/// every hour (PostgreSQL's autovacuum does the same on its own).
async fn keep_statistics_fresh(db: Db) {
    const EVERY: Duration = Duration::from_secs(60 * 60);
    if db.backend() != db::Backend::Sqlite {
        return;
    }
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
    loop {
        ticks.tick().await;
        if let Err(error) = db.analyze().await {
            tracing::warn!(error = %db::describe(&error), "refreshing planner statistics failed");
        }
    }
}

fn router(state: AppState) -> Router {
    let leptos = state.leptos.clone();
    let routes = route_list();

    let webhook = Router::new()
        .route("/api/webhooks/stripe", post(crate::payments::ssr::webhook::receive))
        .layer(RequestBodyLimitLayer::new(WEBHOOK_BODY_LIMIT));

    let mut site = Router::new()
        .route("/healthz", get(http::healthz))
        .route("/readyz", get(http::readyz))
        .route("/dashboard/purchases.csv", get(crate::purchases::ssr::export_csv));
    if let Some(simulator) = &state.simulator {
        site = site.nest(crate::simulator::PREFIX, simulator.router());
    }
    let site = site
        .leptos_routes_with_context(&state, routes, request_context, {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            request_context,
            shell,
        ))
        .layer(axum::middleware::from_fn(http::server_fn_status))
        .layer(axum::middleware::from_fn(http::same_origin))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT));

    webhook
        .merge(site)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(telemetry::make_span)
                .on_request(())
                .on_response(telemetry::on_response),
        )
        .with_state(state)
}

/// The app's routes, listed once per process. Listing them renders the app with resource
/// loading switched off by a process-wide flag; a second listing while another instance in
/// the same process serves (the integration tests run many) would leave that instance's
/// resources pending for good, and its pages hanging.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Context each request gets: a place to remember who is signed in, looked up once.
fn request_context() {
    provide_context(crate::accounts::ssr::SessionCache::default());
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests under way");
}
