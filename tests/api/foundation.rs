//! The server itself: health, readiness, pages, errors, limits.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn health_and_readiness_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();

    let (health, _) = client.page("/healthz").await;
    let (ready, _) = client.page("/readyz").await;

    assert_eq!(health, StatusCode::OK);
    assert_eq!(ready, StatusCode::OK);
}

async fn readiness_fails_when_the_database_is_gone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db().close().await;

    let (status, _) = app.client().page("/readyz").await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

async fn the_landing_page_says_what_the_product_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, html) = app.client().page("/").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Pay only for the ones you want"), "{html}");
    assert!(html.contains("/pkg/talentboard.css"));
    assert!(html.contains("Sign in"));
}

async fn an_unknown_address_gets_the_404_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, html) = app.client().page("/no/such/page").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

async fn a_missing_profile_page_answers_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, html) = app.client().page("/profiles/424242").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("does not exist"));
}

async fn an_oversized_body_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let huge = "x".repeat(200 * 1024);

    let response =
        app.client().call("sign_in", &[("email", huge.as_str()), ("password", "x")]).await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn a_malformed_server_function_call_gets_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app.client().call("profile_public", &[("id", "not-a-number")]).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

async fn a_cross_site_post_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = reqwest::Client::new()
        .post(format!("{}/api/sign_out", app.base))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

async fn responses_are_compressed_when_asked(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = reqwest::Client::new()
        .get(format!("{}/", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["content-encoding"], "gzip");
}

async fn a_second_instance_on_the_same_database_shares_sessions(backend: Backend) {
    let first = TestApp::spawn(backend).await;
    let second = TestApp::spawn_on(&first.database_url, &[]).await;
    let client = first.client();
    client.sign_up("candidate", "shared@example.org", None).await;

    let other = crate::helpers::Client::new(&second.base);
    other.set_session_cookie(client.session_cookie());
    let session: serde_json::Value = other.call_ok::<_, &str, &str>("session", &[]).await;

    assert_eq!(session["email"], "shared@example.org");
}

/// Starting an instance must not disturb pages another instance in the same process is
/// rendering (listing the app's routes once stalled them: the tests start many instances).
async fn starting_an_instance_does_not_stall_pages_being_served(backend: Backend) {
    let first = TestApp::spawn(backend).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (base, stop) = (first.base.clone(), stop.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(10))
                    .build()
                    .unwrap();
                let mut served = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let response = http.get(format!("{base}/profiles")).send().await;
                    let status = response.map(|r| r.status()).map_err(|e| e.to_string());
                    assert_eq!(status, Ok(StatusCode::OK), "a page stalled or failed");
                    served += 1;
                }
                served
            })
        })
        .collect();
    for _ in 0..8 {
        drop(TestApp::spawn_on(&first.database_url, &[]).await);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        assert!(reader.await.unwrap() > 0, "every reader got pages");
    }
}

/// Every migration file is applied at start (and so is embedded in the build that ran).
async fn every_migration_file_is_applied(backend: Backend) {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(folder);
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().path().extension().is_some_and(|e| e == "sql"))
        .count();
    let app = TestApp::spawn(backend).await;

    let applied = app.count("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await;

    assert_eq!(applied, files as i64);
}

on_both_backends!(
    every_migration_file_is_applied,
    starting_an_instance_does_not_stall_pages_being_served,
    health_and_readiness_answer,
    readiness_fails_when_the_database_is_gone,
    the_landing_page_says_what_the_product_is,
    an_unknown_address_gets_the_404_page,
    a_missing_profile_page_answers_404,
    an_oversized_body_is_refused,
    a_malformed_server_function_call_gets_400,
    a_cross_site_post_is_refused,
    responses_are_compressed_when_asked,
    a_second_instance_on_the_same_database_shares_sessions,
);

/// SQLite picks indexes by statistics it gathers only when asked; without them it reads a
/// newest-first page filtered by years through the years index and sorts most of the table
/// (BENCHMARKS.md has the cost). Each start and each seed gathers them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_planner_statistics_are_gathered_at_start_and_after_seeding() {
    use sqlx::Row;
    use talentboard::server::seed::{self, SeedOptions};

    async fn rows_counted(app: &TestApp, index: &str) -> Option<i64> {
        let row = sqlx::query("SELECT stat FROM sqlite_stat1 WHERE idx = $1")
            .bind(index)
            .fetch_optional(app.db().pool())
            .await
            .unwrap()?;
        row.get::<String, _>("stat").split(' ').next()?.parse().ok()
    }

    let app = TestApp::spawn(Backend::Sqlite).await;
    // The catalogue of specializations is the one table a new database already fills.
    let catalogue = rows_counted(&app, "sqlite_autoindex_specializations_1").await;
    assert!(catalogue.is_some_and(|rows| rows > 10), "gathered at start: {catalogue:?}");

    let options = SeedOptions { profiles: 500, ..SeedOptions::default() };
    seed::demo(app.db(), &options).await.unwrap();
    let profiles = rows_counted(&app, "profiles_published_recent").await;
    assert_eq!(profiles, Some(501), "gathered after seeding");
}
