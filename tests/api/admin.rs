//! Employer approval by administrators.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn company_id(app: &TestApp, owner: &str) -> String {
    app.count(&format!(
        "SELECT c.id FROM companies c JOIN users u ON u.id = c.owner_id WHERE u.email = '{owner}'"
    ))
    .await
    .to_string()
}

async fn an_admin_approves_a_pending_employer_who_can_then_buy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, profile) = app.published_profile("cand@example.org").await;
    let employer = app.pending_employer("new@example.com").await;
    let admin = app.admin("root@example.com").await;
    let id = company_id(&app, "new@example.com").await;

    let queue: Value = admin.call_ok::<_, &str, &str>("admin_employers", &[]).await;
    let decision: Value = admin
        .call_ok("admin_review", &[("company_id", id.as_str()), ("decision", "approve")])
        .await;
    let status: Value =
        employer.call_ok("unlock_status", &[("profile_id", profile.to_string())]).await;

    assert_eq!(queue["pending"][0]["email"], "new@example.com");
    assert_eq!(decision, "Approved");
    assert!(status.get("Available").is_some(), "{status}");
}

async fn a_rejection_needs_a_reason_which_the_employer_sees(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, profile) = app.published_profile("cand@example.org").await;
    let employer = app.pending_employer("new@example.com").await;
    let admin = app.admin("root@example.com").await;
    let id = company_id(&app, "new@example.com").await;

    let (status, error) = admin
        .call_err("admin_review", &[("company_id", id.as_str()), ("decision", "reject")])
        .await;
    let _: Value = admin
        .call_ok(
            "admin_review",
            &[("company_id", id.as_str()), ("decision", "reject"), ("reason", "No company found")],
        )
        .await;
    let seen: Value =
        employer.call_ok("unlock_status", &[("profile_id", profile.to_string())]).await;
    let (_, refused) = employer.call_err("checkout", &[("profile_id", profile.to_string())]).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field("reason").is_some());
    assert_eq!(seen["CompanyRejected"]["reason"], "No company found");
    assert_eq!(refused.code(), "company_rejected");
}

async fn a_decision_cannot_be_made_twice(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.pending_employer("new@example.com").await;
    let admin = app.admin("root@example.com").await;
    let id = company_id(&app, "new@example.com").await;
    let _: Value = admin
        .call_ok("admin_review", &[("company_id", id.as_str()), ("decision", "approve")])
        .await;

    let (status, error) = admin
        .call_err(
            "admin_review",
            &[("company_id", id.as_str()), ("decision", "reject"), ("reason", "changed my mind")],
        )
        .await;

    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error.code(), "not_pending");
}

async fn the_admin_page_lists_pending_employers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.pending_employer("new@example.com").await;
    let admin = app.admin("root@example.com").await;

    let (status, html) = admin.page("/admin/employers").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Acme Hiring"));
    assert!(html.contains("Approve Acme Hiring"));
}

on_both_backends!(
    an_admin_approves_a_pending_employer_who_can_then_buy,
    a_rejection_needs_a_reason_which_the_employer_sees,
    a_decision_cannot_be_made_twice,
    the_admin_page_lists_pending_employers,
);
