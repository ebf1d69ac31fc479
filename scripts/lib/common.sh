# Shared set-up for scripts/run.sh and scripts/test.sh: installs what the build needs when
# it is missing (Debian packages, the wasm target, cargo-leptos, wasm-bindgen-cli at the
# lockfile's version, npm packages). Sourced, not executed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION="0.3.10"
# sqlx-cli for `cargo sqlx prepare --check`: the 0.8 line of the sqlx in Cargo.lock.
SQLX_CLI_VERSION="0.8.6"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Bitte als root ausführen oder sudo installieren: $*" >&2; return 1; fi
}

# apt_ensure CHECK_COMMAND PACKAGE…: installs the packages when the check fails.
apt_ensure() {
  local check="$1"; shift
  if ! eval "$check" >/dev/null 2>&1; then
    say "Installiere Debian-Pakete: $*"
    as_root apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
      || { as_root apt-get update >/dev/null && as_root apt-get install -y --no-install-recommends "$@"; }
  fi
}

ensure_base_tools() {
  apt_ensure 'ls /usr/lib/postgresql/*/bin/initdb' postgresql
  apt_ensure 'command -v node && command -v npm' nodejs npm
  apt_ensure 'command -v cc' gcc libc6-dev
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    say "Installiere rustfmt und clippy"
    rustup component add rustfmt clippy
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Installiere das Rust-Ziel wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "Installiere cargo-leptos $CARGO_LEPTOS_VERSION (einmalig, dauert etwa 20 Minuten)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if ! cargo sqlx --version 2>/dev/null | grep -q " $SQLX_CLI_VERSION\$"; then
    say "Installiere sqlx-cli $SQLX_CLI_VERSION (einmalig, dauert etwa 8 Minuten)"
    cargo install sqlx-cli --version "$SQLX_CLI_VERSION" --no-default-features --features postgres,rustls --locked
  fi
  local wbg
  wbg="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    say "Installiere wasm-bindgen-cli $wbg (passend zu Cargo.lock)"
    # Not --locked: its own lockfile wants crate versions the registry mirror may lack.
    cargo install wasm-bindgen-cli --version "=$wbg" --force
  fi
  if [ ! -d node_modules/@kern-ux/native ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installiere Front-end-Pakete (KERN UX, Schrift-Subsetting, wasm-opt)"
    npm ci --no-audit --no-fund
  fi
  # wasm-opt from npm's binaryen (Debian's binaryen 108 produces broken wasm).
  export PATH="$ROOT/node_modules/.bin:$PATH"
}

# build_site [--release]: builds server and wasm with cargo-leptos, then the KERN assets.
build_site() {
  say "Baue Allmende (cargo leptos build $*)"
  cargo leptos build "$@"
  node scripts/build-assets.mjs target/site
}
