//! Server-only plumbing: configuration, database, start-up, telemetry and the command line.

pub mod cli;
pub mod config;
pub mod db;
pub mod failpoints;
pub mod http;
pub mod request;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
