//! Talentboard: a pay-per-profile talent marketplace.
//!
//! One crate, built twice: with `ssr` it is the server (axum, sqlx, Stripe), with `hydrate`
//! it is the WebAssembly that makes the server-rendered pages interactive. Code is organised
//! by feature; each feature keeps its server-only parts in a `ssr` module beside the server
//! functions and components that use them.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod error;
pub mod payments;
pub mod profiles;
pub mod purchases;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod simulator;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
