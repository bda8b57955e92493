//! No private detail of a candidate reaches anyone who has not paid for it.
//!
//! The test signs in as every kind of user, walks every page and calls every server function,
//! and searches everything it gets back for the candidates' names, emails, phones, past
//! employers and job descriptions.

use serde_json::Value;
use sqlx::Row;
use talentboard::server::seed::{self, SeedOptions};

use crate::helpers::{Backend, TestApp, profile_form};
use crate::on_both_backends;

/// Private details nobody could type by accident.
const SECRET_NAME: &str = "Zebulon Quixotic-Marchetti";
const SECRET_EMAIL: &str = "zq.hidden.contact@example.org";
const SECRET_PHONE: &str = "+1 555-0177";
const SECRET_EMPLOYER: &str = "Hushhush Holdings Vortex";
const SECRET_DESCRIPTION: &str = "Led the classified Nightjar migration";

async fn private_details_never_reach_anyone_who_did_not_pay(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed::demo(app.db(), &SeedOptions { profiles: 5, purchases: 0, seed: 7 }).await.unwrap();
    let owner = app.client();
    owner.sign_up("candidate", "secretive@example.org", None).await;
    let mut form = profile_form(SECRET_EMAIL);
    for (key, value) in form.iter_mut() {
        match *key {
            "full_name" => *value = SECRET_NAME.into(),
            "phone" => *value = SECRET_PHONE.into(),
            "work[0][employer]" => *value = SECRET_EMPLOYER.into(),
            "work[0][description]" => *value = SECRET_DESCRIPTION.into(),
            _ => {}
        }
    }
    let saved: Value = owner.call_ok("my_profile_save", &form).await;
    let _: bool = owner.call_ok("my_profile_publish", &[("publish", "true")]).await;
    let secret_profile = saved["profile_id"].as_i64().unwrap();

    // The seeded demo candidate's private details, read from the database.
    let demo = sqlx::query(
        "SELECT p.id, c.full_name, c.email, c.phone FROM profiles p
         JOIN profile_contacts c ON c.profile_id = p.id
         JOIN users u ON u.id = p.user_id WHERE u.email = $1",
    )
    .bind(seed::DEMO_CANDIDATE)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let demo_profile: i64 = demo.try_get("id").unwrap();
    let mut secrets: Vec<String> = vec![
        SECRET_NAME.into(),
        SECRET_EMAIL.into(),
        SECRET_PHONE.into(),
        SECRET_EMPLOYER.into(),
        SECRET_DESCRIPTION.into(),
    ];
    for column in ["full_name", "email", "phone"] {
        secrets.push(demo.try_get(column).unwrap());
    }

    // Every kind of user. The approved employer has bought some other profile, so a page
    // showing paid-for details is part of the walk too.
    let anonymous = app.client();
    let candidate = app.client();
    candidate.sign_up("candidate", "other-candidate@example.org", None).await;
    let pending = app.client();
    pending.sign_in(seed::DEMO_PENDING_EMPLOYER, seed::DEMO_PASSWORD).await;
    let approved = app.client();
    approved.sign_in(seed::DEMO_EMPLOYER, seed::DEMO_PASSWORD).await;
    let admin = app.client();
    admin.sign_in(seed::DEMO_ADMIN, seed::DEMO_PASSWORD).await;
    let bought: i64 = sqlx::query(
        "SELECT id FROM profiles WHERE published = 1 AND id <> $1 AND id <> $2 ORDER BY id LIMIT 1",
    )
    .bind(demo_profile)
    .bind(secret_profile)
    .fetch_one(app.db().pool())
    .await
    .unwrap()
    .try_get("id")
    .unwrap();
    let (session, _) = approved.checkout(bought).await;
    app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;
    let (open_session, _) = approved.checkout(secret_profile).await;

    let pages = [
        "/".to_owned(),
        "/profiles".into(),
        "/profiles?sort=experience".into(),
        "/profiles?q=engineer".into(),
        format!("/profiles/{secret_profile}"),
        format!("/profiles/{demo_profile}"),
        format!("/profiles/{bought}"),
        "/me/profile".into(),
        "/me/insights".into(),
        "/admin/employers".into(),
        "/dashboard/purchases".into(),
        "/dashboard/purchases.csv".into(),
        format!("/checkout/success?session_id={session}"),
        format!("/checkout/success?session_id={open_session}"),
        "/signin".into(),
        "/no-such-page".into(),
    ];
    let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("session", vec![]),
        ("specializations", vec![]),
        ("profiles_search", vec![]),
        ("profiles_search", vec![("q", "engineer".into())]),
        ("profiles_search", vec![("page", "2".into())]),
        ("profile_public", vec![("id", secret_profile.to_string())]),
        ("profile_public", vec![("id", demo_profile.to_string())]),
        ("profile_full", vec![("id", secret_profile.to_string())]),
        ("profile_full", vec![("id", demo_profile.to_string())]),
        ("profile_full", vec![("id", bought.to_string())]),
        ("unlock_status", vec![("profile_id", secret_profile.to_string())]),
        ("my_profile", vec![]),
        ("my_insights", vec![]),
        ("admin_employers", vec![]),
        ("purchases", vec![]),
        ("checkout_confirm", vec![("session_id", session.clone())]),
        ("checkout_confirm", vec![("session_id", open_session.clone())]),
    ];

    let mut leaks = Vec::new();
    for (who, client) in [
        ("anonymous", &anonymous),
        ("candidate", &candidate),
        ("pending employer", &pending),
        ("approved employer", &approved),
        ("admin", &admin),
    ] {
        let mut seen: Vec<(String, String)> = Vec::new();
        for page in &pages {
            let (_, body) = client.page(page).await;
            seen.push((page.clone(), body));
        }
        for (endpoint, args) in &calls {
            let body = client.call(endpoint, args).await.text().await.unwrap();
            seen.push((format!("{endpoint} {args:?}"), body));
        }
        for (place, body) in &seen {
            for secret in &secrets {
                if body.contains(secret.as_str()) {
                    leaks.push(format!("{who} saw {secret:?} in {place}"));
                }
            }
        }
        // The walk must have been real: the paid-for profile's details did reach its buyer.
        if who == "approved employer" {
            let (_, full) = client.page(&format!("/profiles/{bought}")).await;
            assert!(full.contains("mailto:"), "the buyer sees the profile they paid for");
        }
    }
    assert!(leaks.is_empty(), "private details leaked:\n{}", leaks.join("\n"));

    // And the candidate does see their own details.
    let (_, own) = owner.page("/me/profile").await;
    assert!(own.contains(SECRET_EMPLOYER));
}

on_both_backends!(private_details_never_reach_anyone_who_did_not_pay);
