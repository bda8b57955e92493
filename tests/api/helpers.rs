//! The harness: the real application on port 0, on a fresh database per test, SQLite or
//! PostgreSQL, and an HTTP client that keeps its session cookie like a browser.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use leptos::config::LeptosOptions;
use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, SET_COOKIE};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::Row;
use talentboard::error::AppError;
use talentboard::payments::ssr::signature;
use talentboard::server::config::{Config, SIMULATOR_WEBHOOK_SECRET};
use talentboard::server::db::{self, Db};
use talentboard::server::startup::Application;
use talentboard::server::state::AppState;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

fn random_suffix() -> String {
    let mut rng = rand::thread_rng();
    (0..12).map(|_| char::from(b'a' + rng.gen_range(0..26))).collect()
}

/// The PostgreSQL server tests use; the test command starts it and creates the role.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://talentboard:talentboard@127.0.0.1:5432/postgres".into())
}

/// A new, empty database; its URL.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let path =
                std::env::temp_dir().join(format!("talentboard-test-{}.db", random_suffix()));
            format!("sqlite://{}", path.display())
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let name = format!("tb_test_{}", random_suffix());
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {admin_url}: {e}. The test command \
                         starts it; run `make test`, or set TEST_POSTGRES_URL."
                    )
                });
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub database_url: String,
    /// The instance that made the database removes it; others started on it leave it be.
    owns_database: bool,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        if let Some(path) =
            self.database_url.strip_prefix("sqlite://").filter(|_| self.owns_database)
        {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

pub fn config(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let mut env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.into()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        // TEST_LOG=info shows what the servers under test do.
        ("RUST_LOG".into(), std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".into())),
    ]);
    for (key, value) in extra {
        env.insert((*key).into(), (*value).into());
    }
    let leptos =
        LeptosOptions::builder().output_name("talentboard").site_root("target/site").build();
    Config::from_env(&env, leptos).expect("test configuration is valid")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let database_url = fresh_database(backend).await;
        let mut app = Self::spawn_on(&database_url, extra).await;
        app.owns_database = true;
        app
    }

    /// Another instance on the same database, as behind a load balancer.
    pub async fn spawn_on(database_url: &str, extra: &[(&str, &str)]) -> Self {
        let config = config(database_url, extra);
        talentboard::server::telemetry::init(&config.log_filter, false);
        let app = Application::build(config).await.expect("application starts");
        let base = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            base,
            state,
            database_url: database_url.to_owned(),
            owns_database: false,
            shutdown: Some(stop),
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A signed-in candidate with a saved (not yet published) profile.
    pub async fn candidate_with_profile(&self, email: &str) -> (Client, i64) {
        let client = self.client();
        client.sign_up("candidate", email, None).await;
        let saved: Value = client.call_ok("my_profile_save", &profile_form(email)).await;
        (client, saved["profile_id"].as_i64().expect("profile id"))
    }

    /// A published profile and its candidate's client.
    pub async fn published_profile(&self, email: &str) -> (Client, i64) {
        let (client, id) = self.candidate_with_profile(email).await;
        let _: bool = client.call_ok("my_profile_publish", &[("publish", "true")]).await;
        (client, id)
    }

    /// An employer whose company awaits approval.
    pub async fn pending_employer(&self, email: &str) -> Client {
        let client = self.client();
        client.sign_up("employer", email, Some(("Acme Hiring", "https://acme.example.com"))).await;
        client
    }

    /// An employer whose company an admin approved.
    pub async fn approved_employer(&self, email: &str) -> Client {
        let client = self.pending_employer(email).await;
        sqlx::query(
            "UPDATE companies SET status = 'approved', reviewed_at = $1
             WHERE owner_id = (SELECT id FROM users WHERE email = $2)",
        )
        .bind(db::now())
        .bind(email)
        .execute(self.db().pool())
        .await
        .unwrap();
        client
    }

    pub async fn admin(&self, email: &str) -> Client {
        let hash = talentboard::accounts::ssr::hash_password(PASSWORD.into()).await.unwrap();
        talentboard::accounts::ssr::create_user(
            self.db(),
            email,
            Some(&hash),
            talentboard::accounts::Role::Admin,
            None,
        )
        .await
        .unwrap()
        .expect("new admin");
        let client = self.client();
        client.sign_in(email, PASSWORD).await;
        client
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.db().pool())
            .await
            .unwrap()
            .try_get("id")
            .unwrap()
    }

    pub async fn text(&self, sql: &str) -> String {
        sqlx::query(sql).fetch_one(self.db().pool()).await.unwrap().try_get(0).unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sql).fetch_one(self.db().pool()).await.unwrap().try_get(0).unwrap()
    }

    /// Makes the simulator's webhook deliveries fail (the endpoint is unreachable), as when
    /// Stripe's webhook is late; tests then deliver events themselves.
    pub fn lose_webhooks(&self) {
        let simulator = self.state.simulator.as_ref().expect("simulator mode");
        simulator.set_webhook_target("http://127.0.0.1:9/unreachable".into());
    }

    /// Signs `event` as Stripe would (with the simulator's secret, unless told otherwise)
    /// and posts it to the webhook.
    pub async fn deliver(&self, event: &Value) -> reqwest::Response {
        self.deliver_signed(event, SIMULATOR_WEBHOOK_SECRET, db::now()).await
    }

    pub async fn deliver_signed(&self, event: &Value, secret: &str, at: i64) -> reqwest::Response {
        let body = event.to_string();
        let header = signature::header(body.as_bytes(), secret, at);
        reqwest::Client::new()
            .post(format!("{}/api/webhooks/stripe", self.base))
            .header("stripe-signature", header)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Pays a session on the simulator, as the Pay button does.
    pub async fn pay(&self, session_id: &str, method: Option<&str>) -> Value {
        let query = method.map(|m| format!("?method={m}")).unwrap_or_default();
        let response = reqwest::Client::new()
            .post(format!("{}/_sim/checkout/{session_id}/pay{query}", self.base))
            .header(ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "simulator pays the session");
        response.json().await.unwrap()
    }

    /// Waits for the simulator's events to be delivered (they go out in the background).
    pub async fn wait_for_deliveries(&self, count: usize) -> Vec<Value> {
        for _ in 0..200 {
            let events: Vec<Value> = reqwest::get(format!("{}/_sim/events", self.base))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if events.iter().filter(|e| e["delivered"] == true).count() >= count {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the simulator did not deliver {count} events in time");
    }

    pub async fn unlock_count(&self, employer_email: &str, profile_id: i64) -> i64 {
        let employer = self.user_id(employer_email).await;
        sqlx::query(
            "SELECT COUNT(*) FROM profile_unlocks
             WHERE employer_id = $1 AND profile_id = $2 AND revoked_at IS NULL",
        )
        .bind(employer)
        .bind(profile_id)
        .fetch_one(self.db().pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
    }
}

pub fn profile_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("headline", "Senior backend engineer, payments".into()),
        ("summary", "Builds reliable payment systems and the teams that run them.".into()),
        ("full_name", format!("Test Person {email}")),
        ("email", email.to_owned()),
        ("phone", "+1 555-0142".into()),
        ("city", "Lisbon".into()),
        ("country", "Portugal".into()),
        ("years_experience", "9".into()),
        ("specializations[]", "backend".into()),
        ("specializations[]", "rust".into()),
        ("work[0][title]", "Staff Engineer".into()),
        ("work[0][employer]", "Secret Employer Ltd".into()),
        ("work[0][description]", "Private description of the work.".into()),
        ("work[0][start]", "2020-01".into()),
        ("work[0][end]", "".into()),
    ]
}

/// A browser-like client: it keeps the session cookie and never follows redirects, so
/// tests can see them.
pub struct Client {
    http: reqwest::Client,
    pub base: String,
    cookie: Mutex<Option<String>>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self { http, base: base.to_owned(), cookie: Mutex::new(None) }
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }

    pub fn set_session_cookie(&self, value: Option<String>) {
        *self.cookie.lock().unwrap() = value;
    }

    fn remember(&self, response: &reqwest::Response) {
        for header in response.headers().get_all(SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            if let Some(rest) = text.strip_prefix("tb_session=") {
                let value = rest.split(';').next().unwrap_or_default();
                self.set_session_cookie((!value.is_empty()).then(|| value.to_owned()));
            }
        }
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self.session_cookie() {
            Some(value) => request.header("cookie", format!("tb_session={value}")),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        let request = self.with_cookie(self.http.get(format!("{}{path}", self.base)));
        let response = request.send().await.unwrap();
        self.remember(&response);
        response
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (response.status(), response.text().await.unwrap())
    }

    /// Calls a server function as the hydrated app does.
    pub async fn call<K: AsRef<str>, V: AsRef<str>>(
        &self,
        endpoint: &str,
        form: &[(K, V)],
    ) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        let request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "application/json")
            .form(&pairs);
        let response = self.with_cookie(request).send().await.unwrap();
        self.remember(&response);
        response
    }

    /// Posts a form as a browser without JavaScript does.
    pub async fn post_form<K: AsRef<str>, V: AsRef<str>>(
        &self,
        endpoint: &str,
        form: &[(K, V)],
        referer: &str,
    ) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        let request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .header("referer", format!("{}{referer}", self.base))
            .form(&pairs);
        let response = self.with_cookie(request).send().await.unwrap();
        self.remember(&response);
        response
    }

    pub async fn call_ok<T: DeserializeOwned, K: AsRef<str>, V: AsRef<str>>(
        &self,
        endpoint: &str,
        form: &[(K, V)],
    ) -> T {
        let response = self.call(endpoint, form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{endpoint} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {body}"))
    }

    pub async fn call_err<K: AsRef<str>, V: AsRef<str>>(
        &self,
        endpoint: &str,
        form: &[(K, V)],
    ) -> (StatusCode, AppError) {
        let response = self.call(endpoint, form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(!status.is_success(), "{endpoint} should have failed but answered {body}");
        let error = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{endpoint} error is not an AppError ({e}): {body}"));
        (status, error)
    }

    pub async fn sign_up(&self, role: &str, email: &str, company: Option<(&str, &str)>) {
        let (name, website) = company.unwrap_or_default();
        let _: Value = self
            .call_ok(
                "sign_up",
                &[
                    ("role", role),
                    ("email", email),
                    ("password", PASSWORD),
                    ("company_name", name),
                    ("company_website", website),
                ],
            )
            .await;
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        let _: Value = self.call_ok("sign_in", &[("email", email), ("password", password)]).await;
    }

    /// Starts a checkout for a profile; the session id and URL.
    pub async fn checkout(&self, profile_id: i64) -> (String, String) {
        let started: Value =
            self.call_ok("checkout", &[("profile_id", profile_id.to_string())]).await;
        (
            started["session_id"].as_str().unwrap().to_owned(),
            started["url"].as_str().unwrap().to_owned(),
        )
    }
}
