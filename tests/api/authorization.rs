//! The authorization matrix: every server function and page against every kind of caller.

use reqwest::StatusCode;

use crate::helpers::{Backend, Client, TestApp};
use crate::on_both_backends;

/// The callers, in the order of the expectation columns below.
const CALLERS: [&str; 5] =
    ["anonymous", "candidate", "pending employer", "approved employer", "admin"];

/// A server function, its arguments, and the status each caller should get.
type Expectation<'a> = (&'a str, Vec<(&'a str, String)>, [u16; 5]);

struct World {
    clients: Vec<Client>,
    profile: i64,
    session: String,
    review_target: String,
}

async fn world(app: &TestApp) -> World {
    let (candidate, profile) = app.published_profile("owner@example.org").await;
    let pending = app.pending_employer("pending@example.com").await;
    let approved = app.approved_employer("approved@example.com").await;
    let admin = app.admin("root@example.com").await;
    app.pending_employer("review-me@example.com").await;
    let review_target = app
        .count(
            "SELECT c.id FROM companies c JOIN users u ON u.id = c.owner_id
             WHERE u.email = 'review-me@example.com'",
        )
        .await
        .to_string();
    let (session, _) = approved.checkout(profile).await;
    World {
        clients: vec![app.client(), candidate, pending, approved, admin],
        profile,
        session,
        review_target,
    }
}

async fn every_server_function_checks_its_caller(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = world(&app).await;
    let p = w.profile.to_string();
    let s = w.session.clone();
    let r = w.review_target.clone();
    // Expected status for: anonymous, candidate, pending, approved, admin.
    let matrix: Vec<Expectation> = vec![
        ("session", vec![], [200, 200, 200, 200, 200]),
        ("specializations", vec![], [200, 200, 200, 200, 200]),
        ("profiles_search", vec![], [200, 200, 200, 200, 200]),
        ("profile_public", vec![("id", p.clone())], [200, 200, 200, 200, 200]),
        ("unlock_status", vec![("profile_id", p.clone())], [200, 200, 200, 200, 200]),
        ("profile_full", vec![("id", p.clone())], [401, 200, 403, 403, 403]),
        ("my_profile", vec![], [401, 200, 403, 403, 403]),
        ("my_insights", vec![], [401, 200, 403, 403, 403]),
        ("my_profile_publish", vec![("publish", "true".into())], [401, 200, 403, 403, 403]),
        ("admin_employers", vec![], [401, 403, 403, 403, 200]),
        ("purchases", vec![], [401, 403, 200, 200, 403]),
        ("checkout", vec![("profile_id", p.clone())], [401, 403, 403, 200, 403]),
        ("checkout_confirm", vec![("session_id", s.clone())], [401, 403, 404, 200, 403]),
        (
            "admin_review",
            vec![("company_id", r.clone()), ("decision", "approve".into())],
            [401, 403, 403, 403, 200],
        ),
    ];
    let mut failures = Vec::new();
    for (endpoint, args, expected) in &matrix {
        for (i, client) in w.clients.iter().enumerate() {
            let status = client.call(endpoint, args).await.status().as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{endpoint} as {}: {status}, expected {}",
                    CALLERS[i], expected[i]
                ));
            }
        }
    }
    // Saving a profile is for candidates only; the candidate's own save is tested elsewhere.
    for (i, client) in w.clients.iter().enumerate().filter(|(i, _)| *i != 1) {
        let status = client
            .call("my_profile_save", &crate::helpers::profile_form("x@example.org"))
            .await
            .status();
        let expected = if i == 0 { 401 } else { 403 };
        if status.as_u16() != expected {
            failures.push(format!("my_profile_save as {}: {status}", CALLERS[i]));
        }
    }
    // The candidate column is the profile's owner; any other candidate is refused.
    let stranger = app.client();
    stranger.sign_up("candidate", "stranger@example.org", None).await;
    let status = stranger.call("profile_full", &[("id", p.clone())]).await.status();
    if status != StatusCode::FORBIDDEN {
        failures.push(format!("profile_full as another candidate: {status}"));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

async fn every_page_checks_its_visitor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = world(&app).await;
    let profile = format!("/profiles/{}", w.profile);
    let success = format!("/checkout/success?session_id={}", w.session);
    let matrix: Vec<(&str, [u16; 5])> = vec![
        ("/", [200, 200, 200, 200, 200]),
        ("/signin", [200, 200, 200, 200, 200]),
        ("/signup", [200, 200, 200, 200, 200]),
        ("/profiles", [200, 200, 200, 200, 200]),
        (&profile, [200, 200, 200, 200, 200]),
        ("/me/profile", [401, 200, 403, 403, 403]),
        ("/me/insights", [401, 200, 403, 403, 403]),
        ("/admin/employers", [401, 403, 403, 403, 200]),
        ("/dashboard/purchases", [401, 403, 200, 200, 403]),
        ("/dashboard/purchases.csv", [401, 403, 200, 200, 403]),
        (&success, [401, 403, 404, 200, 403]),
    ];
    let mut failures = Vec::new();
    for (path, expected) in &matrix {
        for (i, client) in w.clients.iter().enumerate() {
            let status = client.get(path).await.status();
            if status.as_u16() != expected[i] {
                failures
                    .push(format!("{path} as {}: {status}, expected {}", CALLERS[i], expected[i]));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

async fn a_stale_session_cookie_is_just_anonymous(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    client.set_session_cookie(Some("0".repeat(64)));

    let (status, _) = client.page("/me/profile").await;
    let session = client.call("session", &[] as &[(&str, &str)]).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(session.text().await.unwrap(), "null");
}

on_both_backends!(
    every_server_function_checks_its_caller,
    every_page_checks_its_visitor,
    a_stale_session_cookie_is_just_anonymous,
);
