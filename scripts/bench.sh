#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md: webhook throughput, server render latency under
# load with 100,000 profiles and 5,000 purchases, and the profile page's weight and time to
# interactive in Chromium. Takes about half an hour on 2 cores.
#
#   scripts/bench.sh [all|webhook|render]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
WHAT=${1:-all}

PROFILES=${PROFILES:-100000}
PURCHASES=${PURCHASES:-5000}
PORT=${BENCH_PORT:-3200}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
OUT="$ROOT/target/bench"
mkdir -p "$OUT"

"$ROOT/scripts/setup.sh" --test
command -v wrk >/dev/null || {
  step "Installing wrk"
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -q wrk; else sudo apt-get install -y -q wrk; fi
}
"$ROOT/scripts/postgres.sh"
build_release

step "Machine"
lscpu | grep -E "Model name|^CPU\(s\)" | sed 's/  */ /g'
free -g | awk '/Mem:/ { print "Memory: " $2 " GiB" }'

if [[ $WHAT == all || $WHAT == webhook ]]; then
  step "Webhook throughput (signed events, fulfilment and deduplication)"
  # Its own target directory: built by plain cargo, the bench would rebuild the release
  # server in target/release without cargo-leptos's settings, and that binary then asks for
  # WebAssembly under a name the site does not have.
  export CARGO_TARGET_DIR="$ROOT/target/bench-build"
  cargo bench --features ssr --bench webhook -- sqlite 2000 16
  cargo bench --features ssr --bench webhook -- postgres 2000 16
  unset CARGO_TARGET_DIR
fi
[[ $WHAT == all || $WHAT == render ]] || exit 0

server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

run_load() {
  local backend=$1 url=$2
  step "Render latency under load: $backend, $PROFILES profiles, $PURCHASES purchases"
  export DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn
  export APP_URL="http://127.0.0.1:$PORT"
  local started=$SECONDS
  # Bulk inserts of the seed trip sqlx's slow-statement warning, which prints each whole
  # statement; the seed's own summary is what matters here.
  RUST_LOG=error ./target/release/talentboard seed --demo --profiles "$PROFILES" \
    --purchases "$PURCHASES" > "$OUT/seed.txt"
  head -1 "$OUT/seed.txt"
  echo "seeded in $((SECONDS - started)) s"
  ./target/release/talentboard serve & server_pid=$!
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
    sleep 0.5
  done
  local cookie
  cookie=$(curl -si -X POST -H 'Accept: application/json' \
    --data 'email=employer@example.com&password=talentboard-demo' \
    "http://127.0.0.1:$PORT/api/sign_in" | awk -F'[=;]' '/^set-cookie: tb_session=/ { print $2 }')
  for path in "/profiles" "/profiles?specialization=rust&min_years=5" \
      "/profiles?q=engineer&page=40" "/profiles/500" "/dashboard/purchases" \
      "/dashboard/purchases?sort=name&page=20"; do
    printf '%-45s ' "$path"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: tb_session=$cookie" \
      "http://127.0.0.1:$PORT$path" > "$OUT/wrk.txt"
    awk '/Requests\/sec/ { rps = $2 } / 50%/ { p50 = $2 } / 99%/ { p99 = $2 }
      /Non-2xx/ { bad = $5 }
      END { printf "%8s req/s  p50 %8s  p99 %8s%s\n", rps, p50, p99,
        bad ? "  NON-2xx: " bad : "" }' "$OUT/wrk.txt"
  done
  if [[ $backend == sqlite ]]; then
    step "Page weight and time to interactive (Chromium, cold cache)"
    node end2end/bench/page-weight.mjs "http://127.0.0.1:$PORT" 10
  fi
  stop_server
}

rm -f "$OUT"/bench.db*
run_load sqlite "sqlite://$OUT/bench.db"

pg_db="tb_bench_render"
pg_admin="${TEST_POSTGRES_URL:-postgres://talentboard:talentboard@127.0.0.1:5432/postgres}"
psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" -qc "CREATE DATABASE $pg_db"
run_load postgres "${pg_admin%/*}/$pg_db"
