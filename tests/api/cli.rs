//! The `talentboard` command: configuration errors, demo data, creating an admin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{Backend, Client, TestApp, fresh_database};
use crate::on_both_backends;

fn talentboard(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_talentboard"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_CONFIG", concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml"))
        .env("RUST_LOG", "error")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the talentboard binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_bad_setting_stops_the_start_with_one_line_naming_it() {
    let output = talentboard(&["migrate"], &[("STRIPE_PRICE_AMOUNT", "lots")], None);

    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("configuration error: STRIPE_PRICE_AMOUNT"), "{stderr}");
}

#[test]
fn a_stripe_key_without_a_webhook_secret_is_refused() {
    let output = talentboard(&["migrate"], &[("STRIPE_SECRET_KEY", "sk_test_x")], None);

    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("STRIPE_WEBHOOK_SECRET"), "{stderr}");
    assert!(!stderr.contains("sk_test_x"), "secrets never printed");
}

#[test]
fn an_unknown_command_prints_the_usage() {
    let output = talentboard(&["frobnicate"], &[], None);

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("usage: talentboard"));
}

async fn seeding_demo_data_twice_creates_it_once(backend: Backend) {
    let url = fresh_database(backend).await;
    let env = [("DATABASE_URL", url.as_str())];

    let first = talentboard(&["seed", "--demo", "--profiles", "12"], &env, None);
    let second = talentboard(&["seed", "--demo", "--if-empty"], &env, None);
    let app = TestApp::spawn_on(&url, &[]).await;

    let first_out = String::from_utf8(first.stdout).unwrap();
    assert!(first.status.success(), "{first_out}");
    assert!(first_out.contains("employer@example.com"));
    assert!(String::from_utf8(second.stdout).unwrap().contains("already has users"));
    assert_eq!(app.count("SELECT COUNT(*) FROM profiles").await, 13);
    let contacts = app
        .count(
            "SELECT COUNT(*) FROM profile_contacts
         WHERE email NOT LIKE '%@example.com' AND email NOT LIKE '%@example.org'",
        )
        .await;
    assert_eq!(contacts, 0, "demo emails are reserved addresses");
    let phones =
        app.count("SELECT COUNT(*) FROM profile_contacts WHERE phone NOT LIKE '+1 555-01__'").await;
    assert_eq!(phones, 0, "demo phones are fictional numbers");
    let employer = Client::new(&app.base);
    employer.sign_in("employer@example.com", "talentboard-demo").await;
}

async fn create_admin_reads_the_password_from_stdin(backend: Backend) {
    let url = fresh_database(backend).await;
    let env = [("DATABASE_URL", url.as_str())];

    let created = talentboard(
        &["create-admin", "--email", "Ops@Example.com"],
        &env,
        Some("a very long password\n"),
    );
    let again =
        talentboard(&["create-admin", "--email", "ops@example.com"], &env, Some("another one!!\n"));
    let short = talentboard(&["create-admin", "--email", "x@example.com"], &env, Some("short\n"));
    let app = TestApp::spawn_on(&url, &[]).await;

    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert!(!again.status.success());
    assert!(String::from_utf8(again.stderr).unwrap().contains("already exists"));
    assert!(!short.status.success());
    let admin = Client::new(&app.base);
    admin.sign_in("ops@example.com", "a very long password").await;
    let session: serde_json::Value = admin.call_ok::<_, &str, &str>("session", &[]).await;
    assert_eq!(session["role"], "Admin");
}

on_both_backends!(
    seeding_demo_data_twice_creates_it_once,
    create_admin_reads_the_password_from_stdin
);
