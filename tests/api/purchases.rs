//! The purchase dashboard and its CSV export.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, Client, TestApp};
use crate::on_both_backends;

const EMPLOYER: &str = "buyer@example.com";

/// An employer who bought `count` profiles through the simulator.
async fn buyer_with_purchases(app: &TestApp, count: usize) -> (Client, Vec<i64>) {
    let employer = app.approved_employer(EMPLOYER).await;
    let mut profiles = Vec::new();
    for n in 0..count {
        let (_, profile) = app.published_profile(&format!("cand{n}@example.org")).await;
        let (session, _) = employer.checkout(profile).await;
        app.pay(&session, None).await;
        profiles.push(profile);
    }
    app.wait_for_deliveries(count).await;
    (employer, profiles)
}

async fn the_dashboard_lists_every_purchase_with_totals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, profiles) = buyer_with_purchases(&app, 3).await;

    let page: Value = employer.call_ok::<_, &str, &str>("purchases", &[]).await;

    assert_eq!(page["count"], 3);
    assert_eq!(page["total"], serde_json::json!([14700, "usd"]));
    let listed: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["profile_id"].as_i64().unwrap())
        .collect();
    let mut expected = profiles.clone();
    expected.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(page["items"][0]["amount"], 4900);
    assert_eq!(
        page["items"][0]["specializations"],
        serde_json::json!(["Backend engineering", "Rust"])
    );
}

async fn the_dashboard_filters_and_sorts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, _) = buyer_with_purchases(&app, 2).await;

    let by_name: Value = employer.call_ok("purchases", &[("q", "cand1@")]).await;
    let by_spec: Value = employer.call_ok("purchases", &[("specialization", "qa")]).await;
    let sorted: Value = employer.call_ok("purchases", &[("sort", "name")]).await;
    let (status, _) = employer.call_err("purchases", &[("sort", "sideways")]).await;

    assert_eq!(by_name["count"], 1);
    assert_eq!(by_spec["count"], 0);
    let names: Vec<&str> = sorted["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_name"].as_str().unwrap())
        .collect();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn an_employer_without_purchases_is_led_to_browse(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let employer = app.approved_employer(EMPLOYER).await;

    let (status, html) = employer.page("/dashboard/purchases").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No purchases yet"));
    assert!(html.contains("href=\"/profiles\""));
}

async fn the_csv_export_has_one_row_per_purchase_with_contacts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (employer, _) = buyer_with_purchases(&app, 2).await;

    let response = employer.get("/dashboard/purchases.csv").await;
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    let csv = response.text().await.unwrap();

    assert!(content_type.starts_with("text/csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("profile_id,full_name,email,phone"));
    assert!(csv.contains("cand0@example.org"));
    assert!(csv.contains("49.00,USD,active"));
}

async fn the_dashboard_shows_a_purchase_as_revoked_after_a_refund(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let employer = app.approved_employer(EMPLOYER).await;
    let (_, profile) = app.published_profile("cand@example.org").await;
    let (session, _) = employer.checkout(profile).await;
    let paid = app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;
    let payment_intent = paid["session"]["payment_intent"].as_str().unwrap().to_owned();
    reqwest::Client::new()
        .post(format!("{}/_sim/payments/{payment_intent}/refund", app.base))
        .send()
        .await
        .unwrap();
    app.wait_for_deliveries(2).await;

    let page: Value = employer.call_ok::<_, &str, &str>("purchases", &[]).await;

    assert_eq!(page["items"][0]["revoked_reason"], "refunded");
    assert_eq!(page["total"], serde_json::json!([0, "usd"]));
}

on_both_backends!(
    the_dashboard_lists_every_purchase_with_totals,
    the_dashboard_filters_and_sorts,
    an_employer_without_purchases_is_led_to_browse,
    the_csv_export_has_one_row_per_purchase_with_contacts,
    the_dashboard_shows_a_purchase_as_revoked_after_a_refund,
);
