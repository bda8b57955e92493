//! The `talentboard` command: serves the site, seeds demo data, creates admins.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    talentboard::server::cli::run(std::env::args().skip(1).collect()).await
}
