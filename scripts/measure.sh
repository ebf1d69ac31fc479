#!/usr/bin/env bash
# Measures what the foundation issue asks for and prints one table: time from
# `allmende serve` to the first answer (embedded PostgreSQL, existing cluster and fresh
# cluster with demo), binary and wasm sizes, and the compressed weight of a first visit to
# the start page (every file the browser loads). Needs a release build (scripts/run.sh
# builds one; or `cargo leptos build --release && node scripts/build-assets.mjs`).
source "$(dirname "$0")/lib/common.sh"
export PATH="$ROOT/node_modules/.bin:$PATH"

BIN=target/release/allmende
[ -x "$BIN" ] || { echo "Kein Release-Build gefunden: $BIN" >&2; exit 1; }
WORK="$(mktemp -d /tmp/allmende-measure.XXXXXX)"; chmod 755 "$WORK"
PID=""
cleanup() { [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"

# Starts the server in the background and sets ELAPSED_MS to the time until it answered.
start_and_time() {
  local t0 t1
  t0=$(date +%s%N)
  ALLMENDE_DATA_DIR="$WORK/data" ALLMENDE_ADDR="127.0.0.1:$PORT" ALLMENDE_LOG=warn "$BIN" serve >>"$WORK/server.log" 2>&1 &
  PID=$!
  until curl -fsS "$URL/" -o /dev/null 2>/dev/null; do sleep 0.02; done
  t1=$(date +%s%N)
  ELAPSED_MS=$(( (t1 - t0) / 1000000 ))
}
stop() { kill -TERM "$PID"; wait "$PID" || true; PID=""; }

start_and_time; FIRST_MS=$ELAPSED_MS; stop
start_and_time; SECOND_MS=$ELAPSED_MS
WEIGHT=$(ALLMENDE_E2E_URL="$URL" node end2end/lib/page-weight.mjs /)
stop

size() { stat -c %s "$1"; }
gz() { gzip -9c "$1" | wc -c; }
br() { if command -v brotli >/dev/null; then brotli -c "$1" | wc -c; else echo "-"; fi; }
WASM=target/site/pkg/allmende.wasm
JS=target/site/pkg/allmende.js

printf '| measure | value |\n|---|---|\n'
printf '| serve → first answer, fresh data dir (initdb, migrate, demo) | %s ms |\n' "$FIRST_MS"
printf '| serve → first answer, existing data dir | %s ms |\n' "$SECOND_MS"
printf '| server binary (release) | %s KiB |\n' "$(( $(size "$BIN") / 1024 ))"
printf '| wasm (raw / gzip -9) | %s KiB / %s KiB |\n' "$(( $(size "$WASM") / 1024 ))" "$(( $(gz "$WASM") / 1024 ))"
printf '| JS glue (raw / gzip -9) | %s KiB / %s KiB |\n' "$(( $(size "$JS") / 1024 ))" "$(( $(gz "$JS") / 1024 ))"
printf '%s\n' "$WEIGHT"
