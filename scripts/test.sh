#!/usr/bin/env bash
# The whole test suite: formatting and lints, unit and integration tests on SQLite and
# PostgreSQL, then the end-to-end journeys in Chromium against the release build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
started=$SECONDS

"$ROOT/scripts/setup.sh" --test

step "Formatting"
rustup_cargo fmt --check

step "Lints (server and browser builds)"
rustup_cargo clippy --features ssr --lib --bins --tests --benches -- -D warnings
rustup_cargo clippy --features hydrate --lib -- -D warnings

"$ROOT/scripts/postgres.sh"

step "Unit and integration tests (SQLite and PostgreSQL)"
cargo test --features ssr

step "Release build"
build_release

step "End-to-end tests (Chromium)"
(cd "$ROOT/end2end" && npx playwright test)

step "All tests passed in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
