//! The command line: `serve` (the default), `seed --demo`, `create-admin`, `migrate`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use crate::accounts::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Role, normalize_email, ssr};
use crate::server::config::{Config, PaymentMode};
use crate::server::db::Db;
use crate::server::seed::{self, SeedOptions, SeedResult};
use crate::server::startup::Application;
use crate::server::telemetry;

const USAGE: &str = "\
usage: talentboard [command]

commands:
  serve                          run the web server (the default)
  seed --demo [--if-empty] [--profiles N] [--purchases N]
                                 create the demo logins and N candidate profiles (300);
                                 with --if-empty, only when the database has no users
  create-admin --email EMAIL     create an administrator; the password is read from
                                 standard input (or asked for at a terminal)
  migrate                        apply database migrations and exit
  help                           show this text

Configuration comes from the environment and .env; see .env.example.";

pub async fn run(args: Vec<String>) -> ExitCode {
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("serve", &[][..]),
    };
    if matches!(command, "help" | "--help" | "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_process_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log_filter, config.log_json);
    let result = match command {
        "serve" if rest.is_empty() => serve(config).await,
        "seed" => seed(config, rest).await,
        "create-admin" => create_admin(config, rest).await,
        "migrate" if rest.is_empty() => {
            open_db(&config).await.map(|_| println!("migrations applied"))
        }
        _ => {
            eprintln!("talentboard: unknown command or arguments: {}\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("talentboard: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let mode = config.stripe.mode.clone();
    let app = Application::build(config).await.map_err(|e| e.to_string())?;
    let addr = app.local_addr();
    let app_url = app.state().config.app_url.clone();
    match mode {
        PaymentMode::Stripe => {
            tracing::info!(payment.mode = "stripe", "payments go to Stripe")
        }
        PaymentMode::Simulator => tracing::info!(
            payment.mode = "simulator",
            "payments go to the built-in simulator (no STRIPE_SECRET_KEY set); nothing is charged"
        ),
    }
    tracing::info!(%addr, url = %app_url, "listening");
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn open_db(config: &Config) -> Result<Db, String> {
    let db = Db::connect(config.database_url.expose())
        .await
        .map_err(|e| format!("could not open the database: {}", crate::server::db::describe(&e)))?;
    db.migrate()
        .await
        .map_err(|e| format!("could not apply migrations: {}", crate::server::db::describe(&e)))?;
    Ok(db)
}

fn number_after(args: &[String], flag: &str) -> Result<Option<usize>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{flag} needs a number")),
    }
}

async fn seed(config: Config, args: &[String]) -> Result<(), String> {
    let known = ["--demo", "--if-empty", "--profiles", "--purchases"];
    let mut flags = args.iter().filter(|a| a.starts_with("--"));
    if let Some(unknown) = flags.find(|a| !known.contains(&a.as_str())) {
        return Err(format!("unknown option {unknown}\n\n{USAGE}"));
    }
    if !args.iter().any(|a| a == "--demo") {
        return Err(format!("seed needs --demo (the only data set there is)\n\n{USAGE}"));
    }
    let defaults = SeedOptions::default();
    let options = SeedOptions {
        profiles: number_after(args, "--profiles")?.unwrap_or(defaults.profiles),
        purchases: number_after(args, "--purchases")?.unwrap_or(defaults.purchases),
        ..defaults
    };
    let db = open_db(&config).await?;
    if args.iter().any(|a| a == "--if-empty")
        && !seed::is_empty(&db).await.map_err(|e| e.to_string())?
    {
        println!("The database already has users; demo data not added.");
        return Ok(());
    }
    let started = std::time::Instant::now();
    match seed::demo(&db, &options).await.map_err(|e| e.to_string())? {
        SeedResult::AlreadyPresent => println!("Demo data is already present."),
        SeedResult::Created { profiles, purchases } => println!(
            "Created {profiles} candidate profiles and {purchases} purchases in {:.1} s.",
            started.elapsed().as_secs_f64()
        ),
    }
    println!(
        "\nDemo logins (password for all: {}):\n  admin               {}\n  \
         employer (approved) {}\n  employer (pending)  {}\n  candidate           {}",
        seed::DEMO_PASSWORD,
        seed::DEMO_ADMIN,
        seed::DEMO_EMPLOYER,
        seed::DEMO_PENDING_EMPLOYER,
        seed::DEMO_CANDIDATE,
    );
    db.close().await;
    Ok(())
}

async fn create_admin(config: Config, args: &[String]) -> Result<(), String> {
    let email = match args {
        [flag, email] if flag == "--email" => email,
        _ => return Err(format!("create-admin needs --email EMAIL and nothing else\n\n{USAGE}")),
    };
    let email = normalize_email(email, "email").map_err(|e| e.message)?;
    let password = read_password()?;
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(format!(
            "the password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        ));
    }
    let db = open_db(&config).await?;
    let hash = ssr::hash_password(password).await.map_err(|e| e.to_string())?;
    let created = ssr::create_user(&db, &email, Some(&hash), Role::Admin, None)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    match created {
        Some(id) => {
            println!("Administrator {email} created (user {id}).");
            Ok(())
        }
        None => Err(format!("an account with the email {email} already exists")),
    }
}

/// From a prompt that does not echo when a person is typing, else the first line of stdin.
fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password for the new administrator: ")
            .map_err(|e| format!("could not read the password: {e}"));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("could not read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err("no password on standard input".to_owned());
    }
    Ok(password)
}
