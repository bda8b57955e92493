//! Signing up, in and out; sessions; throttling.

use reqwest::StatusCode;
use serde_json::Value;
use talentboard::error::AppError;

use crate::helpers::{Backend, Client, PASSWORD, TestApp};
use crate::on_both_backends;

async fn a_candidate_signs_up_and_is_signed_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();

    let signed: Value = client
        .call_ok(
            "sign_up",
            &[("role", "candidate"), ("email", "Ada@Example.org "), ("password", PASSWORD)],
        )
        .await;
    let session: Value = client.call_ok::<_, &str, &str>("session", &[]).await;

    assert_eq!(signed["redirect_to"], "/me/profile");
    assert_eq!(session["email"], "ada@example.org");
    assert_eq!(session["role"], "Candidate");
}

async fn an_employer_signs_up_with_a_company_awaiting_approval(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.pending_employer("boss@example.com").await;

    let session: Value = client.call_ok::<_, &str, &str>("session", &[]).await;

    assert_eq!(session["company"]["name"], "Acme Hiring");
    assert_eq!(session["company"]["status"], "Pending");
}

async fn sign_up_reports_each_bad_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, error) = app
        .client()
        .call_err(
            "sign_up",
            &[("role", "employer"), ("email", "nope"), ("password", "short"), ("company_name", "")],
        )
        .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["email", "password", "company_name", "company_website"] {
        assert!(error.field(field).is_some(), "{field} is reported: {error:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "nothing was written");
}

async fn an_email_can_only_be_registered_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.client().sign_up("candidate", "twice@example.org", None).await;

    let (_, error) = app
        .client()
        .call_err(
            "sign_up",
            &[("role", "candidate"), ("email", "TWICE@example.org"), ("password", PASSWORD)],
        )
        .await;

    assert!(error.field("email").unwrap().contains("already exists"));
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.client().sign_up("candidate", "known@example.org", None).await;

    let wrong = app
        .client()
        .call_err("sign_in", &[("email", "known@example.org"), ("password", "not the password")])
        .await;
    let unknown = app
        .client()
        .call_err("sign_in", &[("email", "unknown@example.org"), ("password", "not the password")])
        .await;

    assert_eq!(wrong, unknown);
    assert_eq!(wrong.1.code(), "invalid_credentials");
}

async fn the_session_id_changes_at_sign_in_and_dies_at_sign_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    client.sign_up("candidate", "rotate@example.org", None).await;
    let first = client.session_cookie().unwrap();

    client.sign_in("rotate@example.org", PASSWORD).await;
    let second = client.session_cookie().unwrap();
    let old = Client::new(&app.base);
    old.set_session_cookie(Some(first.clone()));
    let old_session: Value = old.call_ok::<_, &str, &str>("session", &[]).await;
    let _: () = client.call_ok::<(), &str, &str>("sign_out", &[]).await;
    let after = Client::new(&app.base);
    after.set_session_cookie(Some(second.clone()));
    let after_session: Value = after.call_ok::<_, &str, &str>("session", &[]).await;

    assert_ne!(first, second);
    assert_eq!(old_session, Value::Null, "the pre-sign-in session is gone");
    assert_eq!(after_session, Value::Null, "signed out");
}

async fn session_cookies_are_http_only_and_same_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .client()
        .call(
            "sign_up",
            &[("role", "candidate"), ("email", "c@example.org"), ("password", PASSWORD)],
        )
        .await;

    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();

    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "plain http in tests");
}

async fn cookies_are_secure_when_the_site_is_https(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("APP_URL", "https://talentboard.example")]).await;
    let response = app
        .client()
        .call(
            "sign_up",
            &[("role", "candidate"), ("email", "c@example.org"), ("password", PASSWORD)],
        )
        .await;

    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();

    assert!(cookie.contains("; Secure"));
}

async fn repeated_failures_for_an_account_are_slowed_down(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.client().sign_up("candidate", "target@example.org", None).await;
    let attacker = app.client();
    for _ in 0..5 {
        attacker
            .call_err("sign_in", &[("email", "target@example.org"), ("password", "guess guess")])
            .await;
    }

    let response =
        attacker.call("sign_in", &[("email", "target@example.org"), ("password", PASSWORD)]).await;
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let status = response.status();
    let error: AppError = response.json().await.unwrap();

    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after > 0 && retry_after <= 900, "{retry_after}");
    assert_eq!(error.code(), "rate_limited");
}

async fn repeated_failures_from_one_address_are_slowed_down(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let attacker = app.client();
    for n in 0..20 {
        let email = format!("victim{n}@example.org");
        attacker
            .call_err("sign_in", &[("email", email.as_str()), ("password", "guess guess")])
            .await;
    }

    let (status, _) = attacker
        .call_err("sign_in", &[("email", "fresh@example.org"), ("password", "guess guess")])
        .await;

    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn a_plain_form_sign_in_redirects_and_errors_come_back_in_the_query(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.client().sign_up("candidate", "form@example.org", None).await;
    let client = app.client();

    let failed = client
        .post_form(
            "sign_in",
            &[("email", "form@example.org"), ("password", "wrong one!")],
            "/signin",
        )
        .await;
    let ok = client
        .post_form("sign_in", &[("email", "form@example.org"), ("password", PASSWORD)], "/signin")
        .await;

    assert_eq!(failed.status(), StatusCode::FOUND);
    assert_eq!(failed.headers()["location"], "/signin?error=invalid_credentials");
    assert_eq!(ok.status(), StatusCode::FOUND);
    assert_eq!(ok.headers()["location"], "/me/profile");
    assert!(client.session_cookie().is_some());
}

async fn create_admin_makes_an_administrator(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let admin = app.admin("root@example.com").await;
    let session: Value = admin.call_ok::<_, &str, &str>("session", &[]).await;

    assert_eq!(session["role"], "Admin");
}

on_both_backends!(
    a_candidate_signs_up_and_is_signed_in,
    an_employer_signs_up_with_a_company_awaiting_approval,
    sign_up_reports_each_bad_field,
    an_email_can_only_be_registered_once,
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    the_session_id_changes_at_sign_in_and_dies_at_sign_out,
    session_cookies_are_http_only_and_same_site,
    cookies_are_secure_when_the_site_is_https,
    repeated_failures_for_an_account_are_slowed_down,
    repeated_failures_from_one_address_are_slowed_down,
    a_plain_form_sign_in_redirects_and_errors_come_back_in_the_query,
    create_admin_makes_an_administrator,
);
