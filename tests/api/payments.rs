//! Checkout, the webhook and fulfilment: every profile paid for unlocks exactly once.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use talentboard::error::AppError;
use talentboard::server::config::SIMULATOR_WEBHOOK_SECRET;
use talentboard::server::db;
use talentboard::server::failpoints::WEBHOOK_AFTER_DEDUP;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

const EMPLOYER: &str = "buyer@example.com";

/// An approved employer, a published profile and an open checkout for it.
async fn open_checkout(app: &TestApp) -> (crate::helpers::Client, i64, String) {
    let (_, profile) = app.published_profile("cand@example.org").await;
    let employer = app.approved_employer(EMPLOYER).await;
    let (session, _) = employer.checkout(profile).await;
    (employer, profile, session)
}

/// The session as a `checkout.session.*` event carries it.
async fn session_object(app: &TestApp, session: &str) -> Value {
    let info = app.state.gateway.retrieve_session(session).await.unwrap();
    json!({
        "id": info.id,
        "object": "checkout.session",
        "amount_total": info.amount_total,
        "currency": info.currency,
        "payment_intent": info.payment_intent,
        "payment_status": match info.payment_status {
            talentboard::payments::ssr::gateway::PaymentStatus::Paid => "paid",
            _ => "unpaid",
        },
        "status": "complete",
        "metadata": info.metadata,
    })
}

fn event(id: &str, kind: &str, object: Value) -> Value {
    json!({
        "id": id, "object": "event", "type": kind, "created": db::now(), "livemode": false,
        "data": { "object": object },
    })
}

async fn paid_event(app: &TestApp, session: &str, id: &str) -> Value {
    // Pay through the simulator's API, then build the event ourselves so the test controls
    // delivery. The simulator also delivers its own copy (a different event id).
    let mut object = session_object(app, session).await;
    object["payment_status"] = json!("paid");
    event(id, "checkout.session.completed", object)
}

async fn paying_the_simulator_unlocks_the_profile_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, session) = open_checkout(&app).await;

    let paid = app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;

    assert!(paid["redirect"].as_str().unwrap().ends_with(&format!("session_id={session}")));
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
    let full: Value = employer.call_ok("profile_full", &[("id", profile.to_string())]).await;
    assert_eq!(full["contact"]["email"], "cand@example.org");
    let confirmed: Value = employer.call_ok("checkout_confirm", &[("session_id", &session)]).await;
    assert_eq!(confirmed["state"], "Unlocked");
    assert_eq!(app.count("SELECT COUNT(*) FROM profile_unlocks").await, 1);
}

async fn the_return_page_unlocks_before_the_webhook_arrives(backend: Backend) {
    // The simulator's deliveries fail, as when Stripe's webhook is late.
    let app = TestApp::spawn(backend).await;
    app.lose_webhooks();
    let (employer, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 0);

    let confirmed: Value = employer.call_ok("checkout_confirm", &[("session_id", &session)]).await;

    assert_eq!(confirmed["state"], "Unlocked");
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
}

/// Delivers one signed event `times` times at once, spread in turn over `instances`, and
/// checks that every delivery got a 2xx and that the event unlocked the profile exactly once.
async fn deliver_at_once(instances: &[&TestApp], event: &Value, times: usize, profile: i64) {
    let deliveries =
        (0..times).map(|i| {
            let target = instances[i % instances.len()];
            async move {
                target.deliver_signed(event, SIMULATOR_WEBHOOK_SECRET, db::now()).await.status()
            }
        });
    let statuses = futures::future::join_all(deliveries).await;

    assert!(statuses.iter().all(|s| s.is_success()), "all 2xx: {statuses:?}");
    let app = instances[0];
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
    let id = event["id"].as_str().unwrap();
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM stripe_events WHERE id = '{id}'")).await,
        1
    );
}

async fn fifty_concurrent_deliveries_of_one_event_unlock_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.lose_webhooks();
    let (_, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let event = paid_event(&app, &session, "evt_concurrent").await;

    deliver_at_once(&[&app], &event, 50, profile).await;
}

async fn concurrent_deliveries_to_two_instances_unlock_once(backend: Backend) {
    // Two app instances on one database, as behind a load balancer: Stripe may hand the
    // same event to both at once.
    let app = TestApp::spawn(backend).await;
    let second = TestApp::spawn_on(&app.database_url, &[]).await;
    app.lose_webhooks();
    let (_, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let event = paid_event(&app, &session, "evt_two_instances").await;

    deliver_at_once(&[&app, &second], &event, 40, profile).await;
}

async fn a_failure_between_dedup_and_unlock_is_completed_by_the_retry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.lose_webhooks();
    let (_, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let event = paid_event(&app, &session, "evt_crash").await;
    app.state.failpoints.arm(WEBHOOK_AFTER_DEDUP, 1);

    let first = app.deliver_signed(&event, SIMULATOR_WEBHOOK_SECRET, db::now()).await;
    let recorded_after_failure =
        app.count("SELECT COUNT(*) FROM stripe_events WHERE id = 'evt_crash'").await;
    let retry = app.deliver_signed(&event, SIMULATOR_WEBHOOK_SECRET, db::now()).await;

    assert_eq!(first.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(recorded_after_failure, 0, "the failed attempt left nothing behind");
    assert_eq!(retry.status(), StatusCode::OK);
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
}

async fn a_repeated_event_is_acknowledged_and_does_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.lose_webhooks();
    let (_, _, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let event = paid_event(&app, &session, "evt_twice").await;

    let first: Value =
        app.deliver_signed(&event, SIMULATOR_WEBHOOK_SECRET, db::now()).await.json().await.unwrap();
    let second: Value =
        app.deliver_signed(&event, SIMULATOR_WEBHOOK_SECRET, db::now()).await.json().await.unwrap();

    assert_eq!(first["outcome"], "unlocked");
    assert_eq!(second["outcome"], "duplicate");
}

async fn signatures_that_do_not_verify_get_400_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.lose_webhooks();
    let (_, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let event = paid_event(&app, &session, "evt_forged").await;
    let body = event.to_string();
    let now = db::now();
    let client = reqwest::Client::new();
    let url = format!("{}/api/webhooks/stripe", app.base);
    let signed = |payload: &str, secret: &str, at: i64| {
        talentboard::payments::ssr::signature::header(payload.as_bytes(), secret, at)
    };
    let mut tampered = body.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = b' ';
    let cases: Vec<(&str, Option<String>, Vec<u8>)> = vec![
        ("one byte changed", Some(signed(&body, SIMULATOR_WEBHOOK_SECRET, now)), tampered),
        ("wrong secret", Some(signed(&body, "whsec_wrong", now)), body.clone().into()),
        ("no header", None, body.clone().into()),
        ("malformed header", Some("t=now,v1=xyz".into()), body.clone().into()),
        ("too old", Some(signed(&body, SIMULATOR_WEBHOOK_SECRET, now - 301)), body.clone().into()),
    ];

    for (case, header, payload) in cases {
        let mut request = client.post(&url).body(payload);
        if let Some(header) = header {
            request = request.header("stripe-signature", header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{case}");
    }

    assert_eq!(app.count("SELECT COUNT(*) FROM stripe_events").await, 0);
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 0);
}

async fn a_rolled_secret_is_accepted_alongside_the_new_one(backend: Backend) {
    let app =
        TestApp::spawn_with(backend, &[("STRIPE_WEBHOOK_SECRET", "whsec_new, whsec_old")]).await;
    let (_, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let event = paid_event(&app, &session, "evt_rolled").await;

    let response = app.deliver_signed(&event, "whsec_old", db::now()).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
}

async fn an_unpaid_completion_waits_and_the_async_success_unlocks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, session) = open_checkout(&app).await;

    app.pay(&session, Some("delayed")).await;
    app.wait_for_deliveries(1).await;
    let waiting: Value = employer.call_ok("checkout_confirm", &[("session_id", &session)]).await;
    let status: Value =
        employer.call_ok("unlock_status", &[("profile_id", profile.to_string())]).await;
    let (_, again) = employer.call_err("checkout", &[("profile_id", profile.to_string())]).await;
    reqwest::Client::new()
        .post(format!("{}/_sim/sessions/{session}/settle?outcome=succeeded", app.base))
        .send()
        .await
        .unwrap();
    app.wait_for_deliveries(2).await;

    assert_eq!(waiting["state"], "Processing");
    assert_eq!(status, json!("Processing"));
    assert_eq!(again.code(), "payment_processing");
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
}

async fn a_failed_async_payment_unlocks_nothing_and_allows_a_new_checkout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, session) = open_checkout(&app).await;
    app.pay(&session, Some("delayed")).await;
    app.wait_for_deliveries(1).await;

    reqwest::Client::new()
        .post(format!("{}/_sim/sessions/{session}/settle?outcome=failed", app.base))
        .send()
        .await
        .unwrap();
    app.wait_for_deliveries(2).await;
    let outcome: Value = employer.call_ok("checkout_confirm", &[("session_id", &session)]).await;
    let (next, _) = employer.checkout(profile).await;

    assert_eq!(outcome["state"], "Failed");
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 0);
    assert_ne!(next, session, "a failed session is replaced");
}

async fn an_expired_session_is_recorded_and_replaced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, session) = open_checkout(&app).await;

    reqwest::Client::new()
        .post(format!("{}/_sim/sessions/{session}/expire", app.base))
        .send()
        .await
        .unwrap();
    app.wait_for_deliveries(1).await;
    let status =
        app.text(&format!("SELECT status FROM checkout_sessions WHERE id = '{session}'")).await;
    let (next, _) = employer.checkout(profile).await;

    assert_eq!(status, "expired");
    assert_ne!(next, session);
}

async fn a_refund_revokes_the_unlock_and_records_why(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, session) = open_checkout(&app).await;
    let paid = app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;
    let payment_intent = paid["session"]["payment_intent"].as_str().unwrap().to_owned();

    reqwest::Client::new()
        .post(format!("{}/_sim/payments/{payment_intent}/refund", app.base))
        .send()
        .await
        .unwrap();
    app.wait_for_deliveries(2).await;

    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 0);
    let reason = app.text("SELECT revoked_reason FROM profile_unlocks").await;
    assert_eq!(reason, "refunded");
    let (status, _) = employer.call_err("profile_full", &[("id", profile.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn a_dispute_revokes_the_unlock(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, profile, session) = open_checkout(&app).await;
    let paid = app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;
    let payment_intent = paid["session"]["payment_intent"].as_str().unwrap().to_owned();

    reqwest::Client::new()
        .post(format!("{}/_sim/payments/{payment_intent}/dispute", app.base))
        .send()
        .await
        .unwrap();
    app.wait_for_deliveries(2).await;

    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 0);
    let reason = app.text("SELECT revoked_reason FROM profile_unlocks").await;
    assert_eq!(reason, "disputed: fraudulent");
}

async fn an_amount_that_does_not_match_unlocks_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.lose_webhooks();
    let (_, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    let mut event = paid_event(&app, &session, "evt_cheap").await;
    event["data"]["object"]["amount_total"] = json!(100);

    let response: Value =
        app.deliver_signed(&event, SIMULATOR_WEBHOOK_SECRET, db::now()).await.json().await.unwrap();

    assert_eq!(response["outcome"], "mismatch");
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 0);
    assert_eq!(
        app.text(&format!("SELECT status FROM checkout_sessions WHERE id = '{session}'")).await,
        "mismatch"
    );
}

async fn a_session_this_app_did_not_create_unlocks_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let event = event(
        "evt_foreign",
        "checkout.session.completed",
        json!({ "id": "cs_test_foreign", "amount_total": 4900, "currency": "usd",
                "payment_status": "paid", "status": "complete", "payment_intent": "pi_x" }),
    );

    let response: Value = app.deliver(&event).await.json().await.unwrap();

    assert_eq!(response["outcome"], "not_ours");
    assert_eq!(app.count("SELECT COUNT(*) FROM profile_unlocks").await, 0);
}

async fn a_second_payment_for_an_unlocked_profile_is_refunded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, first) = open_checkout(&app).await;
    // Our record of the first session says it expired, but the employer still has it open in
    // another tab: a second checkout is made, and then both get paid.
    sqlx::query("UPDATE checkout_sessions SET status = 'expired' WHERE id = $1")
        .bind(&first)
        .execute(app.db().pool())
        .await
        .unwrap();
    let (second, _) = employer.checkout(profile).await;
    assert_ne!(first, second);

    app.pay(&first, None).await;
    app.wait_for_deliveries(1).await;
    app.pay(&second, None).await;
    let events = app.wait_for_deliveries(2).await;
    let outcome: Value = employer.call_ok("checkout_confirm", &[("session_id", &second)]).await;

    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1, "still exactly one unlock");
    let refunds = app
        .count(&format!(
            "SELECT COUNT(*) FROM payment_refunds WHERE checkout_session_id = '{second}'"
        ))
        .await;
    assert_eq!(refunds, 1, "the second payment was refunded once");
    assert_eq!(outcome["state"], "Refunded");
    let kept = app.text("SELECT checkout_session_id FROM profile_unlocks").await;
    assert_eq!(kept, first);
    // The refund's own charge.refunded event must not take the first unlock away.
    let _ = events;
    app.wait_for_deliveries(3).await;
    assert_eq!(app.unlock_count(EMPLOYER, profile).await, 1);
}

async fn unknown_event_types_are_acknowledged_and_ignored(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response =
        app.deliver(&event("evt_other", "customer.created", json!({ "id": "cus_1" }))).await;
    let body: Value = response.json().await.unwrap();

    assert_eq!(body["outcome"], "ignored");
    assert_eq!(app.count("SELECT COUNT(*) FROM stripe_events WHERE outcome = 'ignored'").await, 1);
}

async fn a_body_that_is_not_an_event_gets_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = "not json";
    let header = talentboard::payments::ssr::signature::header(
        body.as_bytes(),
        talentboard::server::config::SIMULATOR_WEBHOOK_SECRET,
        db::now(),
    );

    let response = reqwest::Client::new()
        .post(format!("{}/api/webhooks/stripe", app.base))
        .header("stripe-signature", header)
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

async fn checkout_is_refused_with_a_distinct_reason_for_each_caller(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (candidate, profile) = app.published_profile("cand@example.org").await;
    let (_, draft) = app.candidate_with_profile("draft@example.org").await;
    let pending = app.pending_employer("pending@example.com").await;
    let approved = app.approved_employer(EMPLOYER).await;
    let anonymous = app.client();
    let id = profile.to_string();

    let cases = [
        (anonymous.call_err("checkout", &[("profile_id", &id)]).await, 401, "unauthenticated"),
        (candidate.call_err("checkout", &[("profile_id", &id)]).await, 403, "not_employer"),
        (pending.call_err("checkout", &[("profile_id", &id)]).await, 403, "approval_pending"),
        (
            approved.call_err("checkout", &[("profile_id", draft.to_string())]).await,
            409,
            "profile_unavailable",
        ),
        (approved.call_err("checkout", &[("profile_id", "999999")]).await, 404, "not_found"),
    ];
    for ((status, error), expected_status, expected_code) in cases {
        assert_eq!(status.as_u16(), expected_status, "{expected_code}");
        assert_eq!(error.code(), expected_code);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM checkout_sessions").await, 0);
}

async fn checkout_for_an_unlocked_profile_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profile, session) = open_checkout(&app).await;
    app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;

    let (status, error) =
        employer.call_err("checkout", &[("profile_id", profile.to_string())]).await;

    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        error,
        AppError::conflict("already_unlocked", "You have already unlocked this profile.")
    );
}

async fn double_checkout_returns_the_same_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, profile) = app.published_profile("cand@example.org").await;
    let employer = app.approved_employer(EMPLOYER).await;

    // A double click and a second tab: three requests at once, then one more later.
    let (a, b, c) = tokio::join!(
        employer.checkout(profile),
        employer.checkout(profile),
        employer.checkout(profile)
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    let later = employer.checkout(profile).await;

    assert_eq!(a, b);
    assert_eq!(b, c);
    assert_eq!(c, later);
    assert_eq!(app.count("SELECT COUNT(*) FROM checkout_sessions").await, 1);
}

async fn a_plain_form_post_is_redirected_to_the_checkout_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, profile) = app.published_profile("cand@example.org").await;
    let employer = app.approved_employer(EMPLOYER).await;

    let response = employer
        .post_form(
            "checkout",
            &[("profile_id", profile.to_string())],
            &format!("/profiles/{profile}"),
        )
        .await;

    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/_sim/checkout/cs_test_"), "{location}");
}

async fn the_return_page_only_confirms_the_employers_own_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, _, session) = open_checkout(&app).await;
    let other = app.approved_employer("other@example.com").await;

    let (status, error) = other.call_err("checkout_confirm", &[("session_id", &session)]).await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error.code(), "not_found");
}

on_both_backends!(
    paying_the_simulator_unlocks_the_profile_once,
    the_return_page_unlocks_before_the_webhook_arrives,
    fifty_concurrent_deliveries_of_one_event_unlock_once,
    concurrent_deliveries_to_two_instances_unlock_once,
    a_failure_between_dedup_and_unlock_is_completed_by_the_retry,
    a_repeated_event_is_acknowledged_and_does_nothing,
    signatures_that_do_not_verify_get_400_and_write_nothing,
    a_rolled_secret_is_accepted_alongside_the_new_one,
    an_unpaid_completion_waits_and_the_async_success_unlocks,
    a_failed_async_payment_unlocks_nothing_and_allows_a_new_checkout,
    an_expired_session_is_recorded_and_replaced,
    a_refund_revokes_the_unlock_and_records_why,
    a_dispute_revokes_the_unlock,
    an_amount_that_does_not_match_unlocks_nothing,
    a_session_this_app_did_not_create_unlocks_nothing,
    a_second_payment_for_an_unlocked_profile_is_refunded,
    unknown_event_types_are_acknowledged_and_ignored,
    a_body_that_is_not_an_event_gets_400,
    checkout_is_refused_with_a_distinct_reason_for_each_caller,
    checkout_for_an_unlocked_profile_is_refused,
    double_checkout_returns_the_same_session,
    a_plain_form_post_is_redirected_to_the_checkout_page,
    the_return_page_only_confirms_the_employers_own_session,
);
