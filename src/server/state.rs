//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::payments::ssr::gateway::Gateway;
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::failpoints::Failpoints;
use crate::simulator::Simulator;

#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub gateway: Gateway,
    pub failpoints: Failpoints,
    /// Present only when no Stripe key is configured.
    pub simulator: Option<Simulator>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
