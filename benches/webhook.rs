//! Signed Stripe events per second through `POST /api/webhooks/stripe`.
//!
//! Starts the real app (release build) on port 0 against a fresh database, records N open
//! checkout sessions, then delivers one signed `checkout.session.completed` event per
//! session from C concurrent senders and reports the rate, then does it again with every
//! event repeated (the deduplication path).
//!
//!     cargo bench --features ssr --bench webhook -- [sqlite|postgres] [events] [concurrency]
//!
//! PostgreSQL is reached at TEST_POSTGRES_URL (as the tests do).

use std::collections::HashMap;
use std::time::Instant;

use futures::StreamExt;
use leptos::config::LeptosOptions;
use serde_json::json;
use talentboard::payments::ssr::signature;
use talentboard::server::config::{Config, SIMULATOR_WEBHOOK_SECRET};
use talentboard::server::db;
use talentboard::server::seed::{self, SeedOptions};
use talentboard::server::startup::Application;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let backend = args.first().map(String::as_str).unwrap_or("sqlite").to_owned();
    let events: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(16);

    let database_url = match backend.as_str() {
        "sqlite" => {
            let path =
                std::env::temp_dir().join(format!("talentboard-bench-{}.db", std::process::id()));
            format!("sqlite://{}", path.display())
        }
        "postgres" => {
            let admin = std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
                "postgres://talentboard:talentboard@127.0.0.1:5432/postgres".into()
            });
            let name = format!("tb_bench_{}", std::process::id());
            sqlx::any::install_default_drivers();
            let mut conn =
                <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
        }
        other => panic!("backend must be sqlite or postgres, not {other}"),
    };

    let env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".to_owned(), database_url.clone()),
        ("LEPTOS_SITE_ADDR".to_owned(), "127.0.0.1:0".to_owned()),
        ("RUST_LOG".to_owned(), "error".to_owned()),
    ]);
    let leptos = LeptosOptions::builder().output_name("talentboard").build();
    let config = Config::from_env(&env, leptos).unwrap();
    let app = Application::build(config).await.unwrap();
    let base = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));

    // One employer and one open session per event, each for its own profile.
    seed::demo(&state.db, &SeedOptions { profiles: events, purchases: 0, seed: 1 }).await.unwrap();
    let employer: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(seed::DEMO_EMPLOYER)
            .fetch_one(state.db.pool())
            .await
            .unwrap(),
        "id",
    )
    .unwrap();
    let profiles: Vec<i64> = sqlx::query("SELECT id FROM profiles ORDER BY id LIMIT $1")
        .bind(events as i64)
        .fetch_all(state.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::try_get(r, "id").unwrap())
        .collect();
    let now = db::now();
    let mut tx = state.db.begin().await.unwrap();
    for profile in &profiles {
        sqlx::query(
            "INSERT INTO checkout_sessions (id, employer_id, profile_id, attempt, status, amount,
                currency, url, expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, 0, 'open', 4900, 'usd', 'https://example.com', $4, $5, $5)",
        )
        .bind(format!("cs_bench_{profile}"))
        .bind(employer)
        .bind(profile)
        .bind(now + 3600)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let bodies: Vec<String> = profiles
        .iter()
        .map(|profile| {
            json!({
                "id": format!("evt_bench_{profile}"),
                "object": "event",
                "type": "checkout.session.completed",
                "data": { "object": {
                    "id": format!("cs_bench_{profile}"),
                    "object": "checkout.session",
                    "amount_total": 4900,
                    "currency": "usd",
                    "payment_status": "paid",
                    "status": "complete",
                    "payment_intent": format!("pi_bench_{profile}"),
                }},
            })
            .to_string()
        })
        .collect();
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap();

    for round in ["fulfil", "duplicate"] {
        let started = Instant::now();
        let statuses: Vec<u16> = futures::stream::iter(bodies.iter())
            .map(|body| {
                let client = client.clone();
                let url = format!("{base}/api/webhooks/stripe");
                async move {
                    let header =
                        signature::header(body.as_bytes(), SIMULATOR_WEBHOOK_SECRET, db::now());
                    client
                        .post(url)
                        .header("stripe-signature", header)
                        .body(body.clone())
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let elapsed = started.elapsed();
        let ok = statuses.iter().filter(|s| **s == 200).count();
        println!(
            "{backend:8} {round:9} {events} events, concurrency {concurrency}: {:.0} events/s \
             ({:.2} s, {ok} answered 200)",
            events as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64(),
        );
        assert_eq!(ok, events, "every event is acknowledged");
    }
    let unlocks: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) AS n FROM profile_unlocks")
            .fetch_one(state.db.pool())
            .await
            .unwrap(),
        "n",
    )
    .unwrap();
    assert_eq!(unlocks as usize, events, "one unlock per paid session");
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}
