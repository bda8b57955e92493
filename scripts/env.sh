# Sourced by the other scripts. Chooses how Rust reaches wasm32 on this machine and exports
# what the builds need, so every build (and so every cache) sees the same settings.
#
# With rustup's wasm32 target installed, rustup's toolchain does everything. Without it
# (rustup's download host is unreachable here), Debian's rustc 1.96 builds the standard
# library for wasm32 from source: see ../shared/TOOLCHAIN.md.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
ORIGINAL_PATH="$PATH"

if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null \
    | grep -qx wasm32-unknown-unknown; then
  export TB_ROUTE=rustup
  LIB_CARGO_ARGS=()
else
  export TB_ROUTE=offline
  # Debian's cargo and rustc first; cargo-leptos and wasm-bindgen still come from ~/.cargo/bin.
  export PATH="/usr/bin:$HOME/.cargo/bin:$PATH"
  export RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
  LIB_CARGO_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
fi
export PATH="$PATH:$HOME/.cargo/bin"
# Binaryen's wasm-opt from npm (tools/package.json says why not Debian's); cargo-leptos takes
# it from PATH.
export PATH="$ROOT/tools/node_modules/.bin:$PATH"

# rustfmt and clippy come from rustup's toolchain on both routes (Debian ships neither). They
# run with rustup's rustc alone on PATH, and keep their own target directory, so that nothing
# built by one compiler is read by the other.
rustup_cargo() {
  env -u RUSTC_BOOTSTRAP PATH="$HOME/.cargo/bin:$ORIGINAL_PATH" \
    CARGO_TARGET_DIR="$ROOT/target/rustup" "$HOME/.cargo/bin/cargo" "$@"
}

# The Leptos site options, from Leptos.toml, for cargo-leptos (the server reads the file).
leptos_env() {
  python3 - "$ROOT/Leptos.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    options = tomllib.load(f)["package"]["metadata"]["leptos"]
for key in ("output-name", "site-root", "site-pkg-dir", "site-addr", "reload-port"):
    if key in options:
        print(f"LEPTOS_{key.upper().replace('-', '_')}={options[key]}")
PY
}

# Builds the server and the WebAssembly in release mode with cargo-leptos.
build_release() {
  (cd "$ROOT" && env $(leptos_env) cargo leptos build --release --precompress \
    "${LIB_CARGO_ARGS[@]}")
}

step() {
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}
