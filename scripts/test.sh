#!/usr/bin/env bash
# Runs every test: unit and integration tests (on a throw-away PostgreSQL), then the browser
# tests (Chromium + axe-core) against a server that starts its own embedded PostgreSQL.
# Installs what is missing first. Exits non-zero on any failure.
source "$(dirname "$0")/lib/common.sh"
# One build from scratch: incremental compilation data would only fill the disk.
export CARGO_INCREMENTAL=0
# The SQL macros check against the committed .sqlx/ data: builds never need a database (and
# never read the empty test database DATABASE_URL names below).
export SQLX_OFFLINE=true

ensure_base_tools
apt_ensure 'test -x /usr/bin/chromium' chromium
apt_ensure 'command -v curl' curl
if [ ! -d end2end/node_modules/playwright-core ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "Installiere Browser-Test-Pakete (playwright-core, axe-core)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

WORK="$(mktemp -d /tmp/allmende-test.XXXXXX)"
chmod 755 "$WORK"
SERVER_PID=""
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; fi
  pg_as_owner "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  pg_as_owner "$PG_BIN/pg_ctl" -D "$WORK/e2e-data/postgres" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

say "Prüfe, dass der wasm-Build keine Server-Abhängigkeit enthält"
wasm_tree="$(cargo tree -p app --target wasm32-unknown-unknown --no-default-features -F hydrate -e normal --prefix none)"
[ -n "$wasm_tree" ] || { echo "cargo tree lieferte nichts" >&2; exit 1; }
server_only="$(grep -E '^(sqlx|tokio|tantivy|argon2|axum|leptos_axum|ammonia|pulldown-cmark|utoipa|mio) ' <<<"$wasm_tree" || true)"
if [ -n "$server_only" ]; then
  echo "Der wasm-Build zieht Server-Abhängigkeiten an:" >&2; echo "$server_only" >&2; exit 1
fi

say "Formatierung (rustfmt) und Lints (clippy, Warnungen sind Fehler)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --no-deps -- -D warnings

build_site

say "Starte eine Test-PostgreSQL-Instanz"
mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
pg_as_owner "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
PG_PORT="$(free_port)"
pg_as_owner "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

say "Prüfe, dass .sqlx/ zu den Abfragen und Migrationen passt (cargo sqlx prepare --check)"
SQLX_CHECK_URL="postgres://postgres@127.0.0.1:$PG_PORT/sqlx_check"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres sqlx_check
DATABASE_URL="$SQLX_CHECK_URL" sqlx migrate run --source migrations >/dev/null
DATABASE_URL="$SQLX_CHECK_URL" SQLX_OFFLINE=false cargo sqlx prepare --workspace --check -- --all-targets

say "Unit- und Integrationstests"
# One test at a time: each integration test has its own database, search index and
# server stack; running two at once on a 2-core machine has stalled a request past the
# 30 s request timeout.
cargo test --workspace --no-fail-fast -- --test-threads=1
unset DATABASE_URL

say "Kurze Fuzz-Läufe: publiccode.yml, Markdown, JSON Schema (je 60 s)"
"$ROOT/scripts/fuzz.sh" 60

say "Browser-Tests: starte Allmende mit eigener eingebetteter PostgreSQL"
APP_PORT="$(free_port)"
export ALLMENDE_E2E_URL="http://127.0.0.1:$APP_PORT"
ALLMENDE_DATA_DIR="$WORK/e2e-data" ALLMENDE_ADDR="127.0.0.1:$APP_PORT" ALLMENDE_LOG=warn \
  ALLMENDE_OPERATOR_NAME="Stadt Beispielhausen, Amt für Digitalisierung" \
  ALLMENDE_OPERATOR_ADDRESS="Rathausplatz 1; 12345 Beispielhausen" \
  ALLMENDE_OPERATOR_EMAIL="digitalisierung@beispielhausen.example" \
  target/debug/allmende serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  # /readyz: the search index (built in the background on a fresh start) serves too.
  curl -fsS "$ALLMENDE_E2E_URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "Server ist abgestürzt" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$ALLMENDE_E2E_URL/readyz" >/dev/null || { cat "$WORK/server.log"; exit 1; }
node --test --test-concurrency=1 end2end/tests/*.test.mjs

say "Beende den Server (SIGTERM) und prüfe, dass die eingebettete Datenbank mit beendet wurde"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
SERVER_PID=""
[ -f "$WORK/e2e-data/postgres/PG_VERSION" ] || { echo "Der eingebettete Cluster liegt nicht im Datenverzeichnis" >&2; exit 1; }
status=0
pg_as_owner "$PG_BIN/pg_ctl" -D "$WORK/e2e-data/postgres" status >/dev/null 2>&1 || status=$?
if [ "$status" -ne 3 ]; then
  echo "Die eingebettete PostgreSQL läuft nach dem Beenden noch (pg_ctl status: $status)" >&2
  exit 1
fi
say "Alle Tests bestanden"
