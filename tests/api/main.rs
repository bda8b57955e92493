//! Integration tests: the real server on port 0, a real database per test, plain HTTP.
//! Every test runs on SQLite and on PostgreSQL.

mod accounts;
mod admin;
mod authorization;
mod cli;
mod foundation;
mod helpers;
mod payments;
mod privacy;
mod profiles;
mod purchases;
