//! Typed configuration, read once at start from the environment (and `.env` when present).
//!
//! Every problem is reported as one line naming the variable, so a bad deploy fails fast
//! and says why. Secrets live in [`Secret`], whose `Debug` never prints them.

use std::fmt;
use std::net::SocketAddr;

use leptos::config::LeptosOptions;

/// A value that must never reach a log line or a panic message.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// One bad setting: which variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl ConfigError {
    fn new(variable: &'static str, problem: impl Into<String>) -> Self {
        Self { variable, problem: problem.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {} {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// How payments are taken: real Stripe, or the built-in simulator that speaks its API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentMode {
    Stripe,
    Simulator,
}

#[derive(Debug, Clone)]
pub struct StripeConfig {
    pub mode: PaymentMode,
    pub secret_key: Secret,
    /// Every secret a webhook signature may be made with; the first one signs simulated events.
    pub webhook_secrets: Vec<Secret>,
    pub price_amount: i64,
    pub currency: String,
    /// Overrides Stripe's API address. `None` in simulator mode means the built-in simulator.
    pub api_base: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    /// The public address of the site, used in links sent to Stripe. Never ends with '/'.
    pub app_url: String,
    pub leptos: LeptosOptions,
    pub stripe: StripeConfig,
    pub log_filter: String,
    pub log_json: bool,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/talentboard.db";
pub const DEFAULT_PRICE_AMOUNT: i64 = 4900;
pub const DEFAULT_CURRENCY: &str = "usd";
pub const SIMULATOR_SECRET_KEY: &str = "sk_test_simulator";
pub const SIMULATOR_WEBHOOK_SECRET: &str = "whsec_talentboard_simulator";

/// Where the environment comes from; a trait so tests can supply a map.
pub trait Env {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment, with empty values treated as unset.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<S: std::hash::BuildHasher> Env for std::collections::HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<String> {
        self.get(name).cloned().filter(|v| !v.trim().is_empty())
    }
}

impl Config {
    /// Reads `.env` (values already in the environment win), then the whole configuration.
    pub fn from_process_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let leptos = load_leptos_options()?;
        Self::from_env(&ProcessEnv, leptos)
    }

    pub fn from_env(env: &impl Env, mut leptos: LeptosOptions) -> Result<Self, ConfigError> {
        if let Some(addr) = env.get("LEPTOS_SITE_ADDR") {
            leptos.site_addr = addr.trim().parse::<SocketAddr>().map_err(|_| {
                ConfigError::new(
                    "LEPTOS_SITE_ADDR",
                    format!("is not an address like 127.0.0.1:3000 (got {addr:?})"),
                )
            })?;
        }
        let database_url = database_url(env)?;
        let app_url = app_url(env, leptos.site_addr)?;
        let stripe = stripe_config(env)?;
        let log_filter = env.get("RUST_LOG").unwrap_or_else(|| "info".to_owned());
        let log_json = match env.get("LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError::new(
                    "LOG_FORMAT",
                    format!("must be \"text\" or \"json\" (got {other:?})"),
                ));
            }
        };
        Ok(Self { database_url, app_url, leptos, stripe, log_filter, log_json })
    }

    /// Whether cookies must carry the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.app_url.starts_with("https://")
    }
}

/// The Leptos site options: `Leptos.toml` (or the file LEPTOS_CONFIG names) with `LEPTOS_*`
/// variables layered on top, which is how cargo-leptos passes them when it runs the server.
fn load_leptos_options() -> Result<LeptosOptions, ConfigError> {
    let path = std::env::var("LEPTOS_CONFIG").unwrap_or_else(|_| "Leptos.toml".to_owned());
    let loaded = if std::path::Path::new(&path).exists() {
        leptos::config::get_configuration(Some(&path))
    } else {
        leptos::config::get_configuration(None)
    };
    loaded
        .map(|conf| conf.leptos_options)
        .map_err(|err| ConfigError::new("LEPTOS_CONFIG", format!("could not load {path}: {err}")))
}

fn database_url(env: &impl Env) -> Result<Secret, ConfigError> {
    let url = env.get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let url = url.trim().to_owned();
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if !known.iter().any(|prefix| url.starts_with(prefix)) {
        return Err(ConfigError::new(
            "DATABASE_URL",
            "must start with sqlite: or postgres:// (the value is not shown: it may hold a \
             password)",
        ));
    }
    Ok(Secret::new(url))
}

fn app_url(env: &impl Env, site_addr: SocketAddr) -> Result<String, ConfigError> {
    let Some(raw) = env.get("APP_URL") else {
        // A wildcard bind address is not somewhere a browser can be sent.
        let host = if site_addr.ip().is_unspecified() {
            "localhost".to_owned()
        } else {
            site_addr.ip().to_string()
        };
        return Ok(format!("http://{host}:{}", site_addr.port()));
    };
    let url = raw.trim().trim_end_matches('/').to_owned();
    let rest =
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(|| {
            ConfigError::new(
                "APP_URL",
                format!("must start with http:// or https:// (got {raw:?})"),
            )
        })?;
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(ConfigError::new(
            "APP_URL",
            format!("must be a site address such as https://talentboard.example (got {raw:?})"),
        ));
    }
    Ok(url)
}

fn stripe_config(env: &impl Env) -> Result<StripeConfig, ConfigError> {
    let price_amount = match env.get("STRIPE_PRICE_AMOUNT") {
        None => DEFAULT_PRICE_AMOUNT,
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|amount| (50..=99_999_999).contains(amount))
            .ok_or_else(|| {
                ConfigError::new(
                    "STRIPE_PRICE_AMOUNT",
                    format!(
                        "must be a whole number of minor units between 50 and 99999999 \
                         (got {raw:?})"
                    ),
                )
            })?,
    };
    let currency = match env.get("STRIPE_CURRENCY") {
        None => DEFAULT_CURRENCY.to_owned(),
        Some(raw) => {
            let code = raw.trim().to_ascii_lowercase();
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(ConfigError::new(
                    "STRIPE_CURRENCY",
                    format!("must be a three-letter ISO currency code such as usd (got {raw:?})"),
                ));
            }
            code
        }
    };
    let api_base = match env.get("STRIPE_API_BASE") {
        None => None,
        Some(raw) => {
            let base = raw.trim();
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(ConfigError::new(
                    "STRIPE_API_BASE",
                    format!("must be an http:// or https:// address (got {raw:?})"),
                ));
            }
            // The client appends "v1/…" directly, so the base must end with a slash.
            Some(format!("{}/", base.trim_end_matches('/')))
        }
    };
    let webhook_secrets = match env.get("STRIPE_WEBHOOK_SECRET") {
        None => Vec::new(),
        Some(raw) => {
            let secrets: Vec<Secret> =
                raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Secret::new).collect();
            if secrets.iter().any(|s| !s.expose().starts_with("whsec_")) {
                return Err(ConfigError::new(
                    "STRIPE_WEBHOOK_SECRET",
                    "must be one or more comma-separated secrets, each starting with whsec_",
                ));
            }
            secrets
        }
    };

    match env.get("STRIPE_SECRET_KEY") {
        Some(key) => {
            let key = key.trim().to_owned();
            if !(key.starts_with("sk_") || key.starts_with("rk_")) {
                return Err(ConfigError::new(
                    "STRIPE_SECRET_KEY",
                    "must be a Stripe secret or restricted key (sk_… or rk_…)",
                ));
            }
            if webhook_secrets.is_empty() {
                return Err(ConfigError::new(
                    "STRIPE_WEBHOOK_SECRET",
                    "must be set when STRIPE_SECRET_KEY is set, or no payment could be fulfilled",
                ));
            }
            Ok(StripeConfig {
                mode: PaymentMode::Stripe,
                secret_key: Secret::new(key),
                webhook_secrets,
                price_amount,
                currency,
                api_base,
            })
        }
        None => Ok(StripeConfig {
            mode: PaymentMode::Simulator,
            secret_key: Secret::new(SIMULATOR_SECRET_KEY),
            webhook_secrets: if webhook_secrets.is_empty() {
                vec![Secret::new(SIMULATOR_WEBHOOK_SECRET)]
            } else {
                webhook_secrets
            },
            price_amount,
            currency,
            api_base,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn options() -> LeptosOptions {
        LeptosOptions::builder().output_name("talentboard").build()
    }

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn an_empty_environment_runs_on_sqlite_and_the_simulator() {
        let config = Config::from_env(&env(&[]), options()).unwrap();

        assert_eq!(config.database_url.expose(), DEFAULT_DATABASE_URL);
        assert_eq!(config.stripe.mode, PaymentMode::Simulator);
        assert_eq!(config.stripe.price_amount, DEFAULT_PRICE_AMOUNT);
        assert_eq!(config.app_url, "http://127.0.0.1:3000");
    }

    #[test]
    fn a_secret_key_without_a_webhook_secret_is_refused_by_name() {
        let err =
            Config::from_env(&env(&[("STRIPE_SECRET_KEY", "sk_test_123")]), options()).unwrap_err();

        assert_eq!(err.variable, "STRIPE_WEBHOOK_SECRET");
    }

    #[test]
    fn a_price_that_is_not_a_number_is_refused_by_name() {
        let err =
            Config::from_env(&env(&[("STRIPE_PRICE_AMOUNT", "49.00")]), options()).unwrap_err();

        assert_eq!(err.variable, "STRIPE_PRICE_AMOUNT");
        assert!(err.to_string().starts_with("configuration error: STRIPE_PRICE_AMOUNT"));
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let config = Config::from_env(
            &env(&[
                ("STRIPE_SECRET_KEY", "sk_test_verysecret"),
                ("STRIPE_WEBHOOK_SECRET", "whsec_a,whsec_b"),
                ("DATABASE_URL", "postgres://u:hunter2@db/x"),
            ]),
            options(),
        )
        .unwrap();

        let printed = format!("{config:?}");

        assert!(!printed.contains("verysecret"));
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains("whsec_a"));
        assert_eq!(config.stripe.webhook_secrets.len(), 2);
    }

    #[test]
    fn app_url_falls_back_to_localhost_for_a_wildcard_bind() {
        let config =
            Config::from_env(&env(&[("LEPTOS_SITE_ADDR", "0.0.0.0:8080")]), options()).unwrap();

        assert_eq!(config.app_url, "http://localhost:8080");
    }

    #[test]
    fn an_app_url_without_a_scheme_is_refused() {
        let err =
            Config::from_env(&env(&[("APP_URL", "talentboard.example")]), options()).unwrap_err();

        assert_eq!(err.variable, "APP_URL");
    }
}
