#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use is running and has their role. Fails loudly:
# tests that cannot reach PostgreSQL must not be skipped.
set -euo pipefail
source "$(dirname "$0")/env.sh"

URL="${TEST_POSTGRES_URL:-postgres://talentboard:talentboard@127.0.0.1:5432/postgres}"
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}

if [[ -z "${TEST_POSTGRES_URL:-}" ]]; then
  step "PostgreSQL"
  if ! command -v pg_lsclusters >/dev/null; then
    echo "PostgreSQL is not installed (apt-get install postgresql)," \
      "and TEST_POSTGRES_URL is unset" >&2
    exit 1
  fi
  cluster=$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 " " $4 }')
  read -r version name status <<<"$cluster"
  if [[ -z "${version:-}" ]]; then
    echo "No PostgreSQL cluster exists; create one with pg_createcluster" >&2
    exit 1
  fi
  if [[ $status != online ]]; then
    as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
    as_root pg_ctlcluster "$version" "$name" start
  fi
  as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'talentboard'\"" | grep -q 1 \
    || as_postgres "psql -qc \"CREATE ROLE talentboard LOGIN PASSWORD 'talentboard' CREATEDB\""
  # Databases left by earlier runs.
  leftovers="SELECT datname FROM pg_database WHERE datname LIKE 'tb\\_test\\_%'"
  for db in $(as_postgres "psql -qtAc \"$leftovers\""); do
    as_postgres "psql -qc 'DROP DATABASE IF EXISTS $db'" >/dev/null
  done
fi

for _ in $(seq 1 30); do
  if psql "$URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    echo "PostgreSQL is ready at ${URL#*@}"
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL is not reachable at the test URL; the tests need it" >&2
exit 1
