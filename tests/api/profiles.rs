//! Candidate profiles: editing, publishing, browsing, views and insights.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, profile_form};
use crate::on_both_backends;

async fn a_candidate_saves_and_reads_back_their_profile(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (client, id) = app.candidate_with_profile("me@example.org").await;

    let mine: Value = client.call_ok::<_, &str, &str>("my_profile", &[]).await;

    let draft = &mine["draft"];
    assert_eq!(draft["profile_id"], id);
    assert_eq!(draft["published"], false);
    assert_eq!(draft["full_name"], "Test Person me@example.org");
    assert_eq!(draft["specializations"], serde_json::json!(["backend", "rust"]));
    assert_eq!(draft["work"][0]["employer"], "Secret Employer Ltd");
    assert_eq!(draft["work"][0]["start"], "2020-01");
    assert_eq!(draft["work"][0]["end"], "");
    assert!(mine["catalog"].as_array().unwrap().len() >= 20);
}

async fn invalid_profile_fields_are_reported_and_nothing_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (client, _) = app.candidate_with_profile("me@example.org").await;
    let mut form = profile_form("me@example.org");
    for (key, value) in form.iter_mut() {
        match *key {
            "headline" => *value = "short".into(),
            "years_experience" => *value = "99".into(),
            "specializations[]" => *value = "not-a-specialization".into(),
            "work[0][start]" => *value = "2999-01".into(),
            "phone" => *value = "call me".into(),
            _ => {}
        }
    }

    let (status, error) = client.call_err("my_profile_save", &form).await;
    let mine: Value = client.call_ok::<_, &str, &str>("my_profile", &[]).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["headline", "years_experience", "specializations", "work.0.start", "phone"] {
        assert!(error.field(field).is_some(), "{field}: {error:?}");
    }
    assert_eq!(mine["draft"]["headline"], "Senior backend engineer, payments");
}

async fn every_length_has_a_limit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (client, _) = app.candidate_with_profile("me@example.org").await;
    let long = "x".repeat(2001);
    let mut form = profile_form("me@example.org");
    for (key, value) in form.iter_mut() {
        if matches!(
            *key,
            "headline"
                | "summary"
                | "full_name"
                | "city"
                | "country"
                | "work[0][title]"
                | "work[0][employer]"
                | "work[0][description]"
        ) {
            *value = long.clone();
        }
    }

    let (_, error) = client.call_err("my_profile_save", &form).await;

    for field in [
        "headline",
        "summary",
        "full_name",
        "city",
        "country",
        "work.0.title",
        "work.0.employer",
        "work.0.description",
    ] {
        assert!(error.field(field).is_some_and(|m| m.contains("at most")), "{field}: {error:?}");
    }
}

async fn an_unpublished_profile_is_hidden_from_others(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, id) = app.candidate_with_profile("me@example.org").await;
    let employer = app.approved_employer("boss@example.com").await;

    let (status, _) = employer.call_err("profile_public", &[("id", id.to_string())]).await;
    let own: Value = owner.call_ok("profile_public", &[("id", id.to_string())]).await;
    let search: Value = employer.call_ok::<_, &str, &str>("profiles_search", &[]).await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(own["published"], false);
    assert_eq!(search["total"], 0);
}

async fn publishing_and_unpublishing_changes_what_employers_find(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, id) = app.published_profile("me@example.org").await;
    let visitor = app.client();

    let before: Value = visitor.call_ok::<_, &str, &str>("profiles_search", &[]).await;
    let _: bool = owner.call_ok("my_profile_publish", &[("publish", "false")]).await;
    let after: Value = visitor.call_ok::<_, &str, &str>("profiles_search", &[]).await;

    assert_eq!(before["cards"][0]["id"], id);
    assert_eq!(after["total"], 0);
}

async fn search_filters_by_specialization_years_and_headline(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.published_profile("a@example.org").await;
    let (b, b_id) = app.candidate_with_profile("b@example.org").await;
    let mut form = profile_form("b@example.org");
    for (key, value) in form.iter_mut() {
        match *key {
            "headline" => *value = "Product designer for health apps".into(),
            "years_experience" => *value = "3".into(),
            "specializations[]" => *value = "product-design".into(),
            _ => {}
        }
    }
    let _: Value = b.call_ok("my_profile_save", &form).await;
    let _: bool = b.call_ok("my_profile_publish", &[("publish", "true")]).await;
    let visitor = app.client();
    let search = |params: Vec<(&'static str, &'static str)>| {
        let visitor = &visitor;
        async move {
            let result: Value = visitor.call_ok("profiles_search", &params).await;
            result["cards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };

    assert_eq!(search(vec![("specialization", "product-design")]).await, vec![b_id]);
    assert_eq!(search(vec![("min_years", "5")]).await.len(), 1);
    assert!(!search(vec![("min_years", "5")]).await.contains(&b_id));
    assert_eq!(search(vec![("q", "DESIGNER")]).await, vec![b_id]);
    assert_eq!(search(vec![("q", "100%")]).await, Vec::<i64>::new());
    assert_eq!(search(vec![("sort", "experience_asc")]).await[0], b_id);
}

async fn bad_search_parameters_get_a_clear_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, error) = app
        .client()
        .call_err("profiles_search", &[("min_years", "lots"), ("sort", "random"), ("page", "0")])
        .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["min_years", "sort", "page"] {
        assert!(error.field(field).is_some(), "{field}");
    }
}

async fn cards_show_titles_and_durations_but_no_employers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.published_profile("a@example.org").await;

    let search: Value = app.client().call_ok::<_, &str, &str>("profiles_search", &[]).await;
    let card = &search["cards"][0];

    assert_eq!(card["jobs"][0]["title"], "Staff Engineer");
    assert_eq!(card["jobs"][0]["end_month"], Value::Null);
    assert!(!search.to_string().contains("Secret Employer"));
    assert_eq!(card["specializations"], serde_json::json!(["Backend engineering", "Rust"]));
}

async fn a_page_of_results_is_paged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for n in 0..23 {
        app.published_profile(&format!("c{n}@example.org")).await;
    }
    let visitor = app.client();

    let first: Value = visitor.call_ok::<_, &str, &str>("profiles_search", &[]).await;
    let second: Value = visitor.call_ok("profiles_search", &[("page", "2")]).await;
    let beyond: Value = visitor.call_ok("profiles_search", &[("page", "9")]).await;

    assert_eq!(first["total"], 23);
    assert_eq!(first["cards"].as_array().unwrap().len(), 20);
    assert_eq!(second["cards"].as_array().unwrap().len(), 3);
    assert_eq!(beyond["cards"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], 23);
}

async fn a_long_list_is_counted_and_paged_up_to_the_cap(backend: Backend) {
    use talentboard::server::seed::{self, SeedOptions};

    let app = TestApp::spawn(backend).await;
    let options = SeedOptions { profiles: 1_050, ..SeedOptions::default() };
    seed::demo(app.db(), &options).await.unwrap();
    let visitor = app.client();

    let first: Value = visitor.call_ok::<_, &str, &str>("profiles_search", &[]).await;
    let last: Value = visitor.call_ok("profiles_search", &[("page", "50")]).await;
    let (status, past) = visitor.call_err("profiles_search", &[("page", "51")]).await;

    assert_eq!(
        (first["total"].as_i64(), first["total_capped"].as_bool()),
        (Some(1000), Some(true))
    );
    assert_eq!(last["cards"].as_array().unwrap().len(), 20);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.field("page").is_some(), "{past:?}");
}

async fn an_employers_look_is_recorded_and_shows_in_insights(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (candidate, id) = app.published_profile("me@example.org").await;
    let employer = app.pending_employer("boss@example.com").await;
    let other = app.approved_employer("other@example.com").await;
    let visitor = app.client();

    let _: Value = employer.call_ok("profile_public", &[("id", id.to_string())]).await;
    let _: Value = employer.call_ok("profile_public", &[("id", id.to_string())]).await;
    let _: Value = other.call_ok("profile_public", &[("id", id.to_string())]).await;
    let _: Value = visitor.call_ok("profile_public", &[("id", id.to_string())]).await;
    let _: Value = candidate.call_ok("profile_public", &[("id", id.to_string())]).await;
    let insights: Value = candidate.call_ok::<_, &str, &str>("my_insights", &[]).await;

    assert_eq!(app.count("SELECT COUNT(*) FROM profile_views").await, 3, "only employers count");
    assert_eq!(insights["views_30d"], 3);
    assert_eq!(insights["total_views"], 3);
    assert_eq!(insights["employers_30d"], 2);
    assert_eq!(insights["unlocks"], 0);
    let days = insights["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days.last().unwrap()["views"], 3);
}

async fn insights_count_unlocks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (candidate, id) = app.published_profile("me@example.org").await;
    let employer = app.approved_employer("boss@example.com").await;
    let (session, _) = employer.checkout(id).await;
    app.pay(&session, None).await;
    app.wait_for_deliveries(1).await;

    let insights: Value = candidate.call_ok::<_, &str, &str>("my_insights", &[]).await;

    assert_eq!(insights["unlocks"], 1);
}

async fn the_insights_page_draws_a_chart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (candidate, _) = app.published_profile("me@example.org").await;

    let (status, html) = candidate.page("/me/insights").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg"));
    assert!(html.contains("Views per day"));
}

on_both_backends!(
    a_candidate_saves_and_reads_back_their_profile,
    invalid_profile_fields_are_reported_and_nothing_changes,
    every_length_has_a_limit,
    an_unpublished_profile_is_hidden_from_others,
    publishing_and_unpublishing_changes_what_employers_find,
    search_filters_by_specialization_years_and_headline,
    bad_search_parameters_get_a_clear_error,
    cards_show_titles_and_durations_but_no_employers,
    a_page_of_results_is_paged,
    a_long_list_is_counted_and_paged_up_to_the_cap,
    an_employers_look_is_recorded_and_shows_in_insights,
    insights_count_unlocks,
    the_insights_page_draws_a_chart,
);
