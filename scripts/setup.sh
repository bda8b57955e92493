#!/usr/bin/env bash
# Installs what building and running Talentboard needs, and only what is missing: a second
# run takes seconds. `setup.sh --test` also installs what the test suite needs.
set -euo pipefail
source "$(dirname "$0")/env.sh"

CARGO_LEPTOS_VERSION=0.3.11
WITH_TESTS=false
[[ "${1:-}" == "--test" ]] && WITH_TESTS=true

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

missing_packages=()
want() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" \
    || missing_packages+=("$1")
}
if [[ $TB_ROUTE == offline ]]; then
  for package in rustc-web cargo-web rust-web-src lld-22; do want "$package"; done
fi
if $WITH_TESTS; then
  want chromium
  command -v pg_ctlcluster >/dev/null || want postgresql
fi
if ((${#missing_packages[@]})); then
  step "Installing Debian packages: ${missing_packages[*]}"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing_packages[@]}"
fi

# Tools built from crates.io. Their release profiles use fat LTO and one codegen unit, which
# costs a quarter of an hour here for no gain in a build tool.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! cargo-leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  step "Installing cargo-leptos $CARGO_LEPTOS_VERSION"
  # no_downloads: take wasm-bindgen and wasm-opt from PATH instead of fetching them.
  # An unoptimised build compiles in a third of the time of a release one, and the tool's
  # own speed hardly shows: it spends its time waiting on cargo (see BENCHMARKS.md).
  CARGO_PROFILE_DEV_DEBUG=0 cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" \
    --locked --debug --features no_downloads --root "$HOME/.cargo"
fi

wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' \
  "$ROOT/Cargo.lock")
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wasm_bindgen_version\$"; then
  step "Installing wasm-bindgen-cli $wasm_bindgen_version (the version in Cargo.lock)"
  # Without --locked: a dependency version its lock file names is not served here.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --root "$HOME/.cargo"
fi

if [[ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]]; then
  step "Installing Binaryen (wasm-opt) from npm"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund)
fi

if $WITH_TESTS; then
  if [[ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]]; then
    step "Installing the end-to-end test dependencies"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
fi
step "Setup complete ($TB_ROUTE toolchain route)"
