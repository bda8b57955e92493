#!/usr/bin/env bash
# Builds and runs the app: SQLite, the payment simulator and demo data by default
# (settings in .env or the environment override; see .env.example).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
step "Building (release)"
build_release
step "Demo data"
./target/release/talentboard seed --demo --if-empty
step "Starting Talentboard"
exec ./target/release/talentboard serve
