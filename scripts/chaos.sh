#!/usr/bin/env bash
# Process-level faults against a built `allmende` (issue 16), each in its own temporary
# data directory with the embedded PostgreSQL, printed as one PASS/FAIL table:
#
#   scripts/chaos.sh            # all scenarios
#   scripts/chaos.sh 2 5        # only scenarios 2 and 5
#
# ALLMENDE_BIN picks the binary (default: the release build, built when missing).
# CHAOS_KEEP=1 keeps the data directories and logs of failed scenarios.
# Needs root (or the `postgres` user: the embedded PostgreSQL runs as `postgres`); the
# full-disk scenario mounts a tmpfs and needs root. Exit status 1 when a scenario fails.
# shellcheck disable=SC2155 # `local measured="…$(…)"`: the texts' exit statuses do not matter
source "$(dirname "$0")/lib/common.sh"

apt_ensure 'ls /usr/lib/postgresql/*/bin/initdb' postgresql
apt_ensure 'command -v curl' curl ca-certificates
apt_ensure 'command -v jq' jq

# The embedded cluster, never an external database.
unset DATABASE_URL ALLMENDE_INDEX_DIR

BIN="${ALLMENDE_BIN:-${CARGO_TARGET_DIR:-target}/release/allmende}"
if [ ! -x "$BIN" ]; then
  if [ -n "${ALLMENDE_BIN:-}" ]; then
    echo "ALLMENDE_BIN ist nicht ausführbar / is not executable: $BIN" >&2; exit 2
  fi
  say "Baue den Release-Server / building the release server ($BIN)"
  build=(cargo build --release -p allmende --bin allmende)
  if [ -e /tmp/cargo.lock ] && command -v flock >/dev/null; then build=(flock /tmp/cargo.lock "${build[@]}"); fi
  SQLX_OFFLINE=true "${build[@]}"
fi
BIN="$(realpath "$BIN")"

PG_BIN="${ALLMENDE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$PG_BIN/pg_ctl" ] || PG_BIN="$(dirname "$(command -v pg_ctl)")"

case "$(id -un)" in
  # setpriv execs (no child in between): the PID of a started process is the program's.
  root) command -v setpriv >/dev/null || apt_ensure 'command -v setpriv' util-linux
        AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --) ;;
  postgres) AS_PG=(env) ;;
  *) echo "Bitte als root oder als Benutzer postgres ausführen / run as root or as the postgres user" >&2; exit 2 ;;
esac

# The built site beside the binary's profile directory (target/release → target/site).
SITE_ROOT="${ALLMENDE_SITE_ROOT:-$(dirname "$(dirname "$BIN")")/site}"
START_LIMIT=60        # seconds a start may take (initdb and demo catalogue on a debug build)
PASSWORD="Chaos-Passwort-2026"
ORG=stadt-chaoshausen
as_pg() { "${AS_PG[@]}" "$@"; }
RESULTS="$(mktemp /tmp/allmende-chaos-results.XXXXXX)"
trap 'rm -f "$RESULTS"' EXIT

# --- helpers ------------------------------------------------------------------------

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# secs MS: "1.2 s".
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
# secs_f SECONDS: curl's "0.004512" as "0.00 s".
secs_f() { awk -v s="$1" 'BEGIN { printf "%.2f s", s }'; }
note() { printf '    %s\n' "$*" >&2; }

# result_of N: PASS, FAIL or SKIP of scenario N (empty before its row).
result_of() { awk -F'\t' -v n="$1" '$1 == n { print $5 }' "$RESULTS"; }

# row NAME EXPECTATION MEASURED RESULT: one line of the table.
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$SCENARIO" "$1" "$2" "$3" "$4" >>"$RESULTS"; ROWED=1; }

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# new_work: a fresh temporary directory the postgres user can traverse; DATA inside it.
new_work() {
  WORK="$(mktemp -d /tmp/allmende-chaos.XXXXXX)"
  chmod 755 "$WORK"
  DATA="$WORK/data"
}

# allmende ARGS…: runs a command on DATA (at most 120 s); its log goes to $WORK/cmd.log.
allmende() {
  echo "\$ allmende $*" >>"$WORK/cmd.log"
  env ALLMENDE_DATA_DIR="$DATA" ALLMENDE_ADDR="127.0.0.1:9" ALLMENDE_DEMO="${DEMO:-off}" \
    ALLMENDE_LOG=warn ALLMENDE_SITE_ROOT="$SITE_ROOT" ALLMENDE_PASSWORD="$PASSWORD" \
    ${INDEX_DIR:+ALLMENDE_INDEX_DIR="$INDEX_DIR"} \
    timeout 120 "$BIN" "$@" </dev/null 2>>"$WORK/cmd.log"
}

# status PATH [CURL_ARGS…]: the HTTP status of PATH ("000" when nothing answers in 10 s).
status() {
  local path="$1"; shift
  curl -s -o /dev/null -w '%{http_code}' -m 10 "$@" "$URL$path" 2>/dev/null || true
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# spawn_server: starts `allmende serve` on DATA on a free port in the background
# (SPAWNED_PID, SPAWNED_PORT).
spawn_server() {
  local port
  port=$(free_port)
  env ALLMENDE_DATA_DIR="$DATA" ALLMENDE_ADDR="127.0.0.1:$port" ALLMENDE_DEMO="${DEMO:-off}" \
    ALLMENDE_LOG=info ALLMENDE_SITE_ROOT="$SITE_ROOT" \
    ${INDEX_DIR:+ALLMENDE_INDEX_DIR="$INDEX_DIR"} \
    "$BIN" serve </dev/null >>"$WORK/serve-$port.log" 2>&1 &
  SPAWNED_PID=$!
  SPAWNED_PORT=$port
}

# start_server: starts the server and waits for /healthz 200 (START_LIMIT s). Sets
# SERVER_PID, PORT, URL, SERVER_LOG and STARTED_MS (spawn to first answer).
start_server() {
  local t0
  t0=$(now_ms)
  spawn_server
  SERVER_PID=$SPAWNED_PID PORT=$SPAWNED_PORT URL="http://127.0.0.1:$SPAWNED_PORT"
  SERVER_LOG="$WORK/serve-$PORT.log"
  wait_http 200 /healthz "$START_LIMIT" || { note "server did not start: $(tail -n 3 "$SERVER_LOG")"; return 1; }
  STARTED_MS=$(( $(now_ms) - t0 ))
  # A missing or damaged index is built in the background: pages answer at once, searches
  # once /readyz says the index serves.
  wait_http 200 /readyz "$START_LIMIT" || { note "server not ready: $(curl -s -m 5 "$URL/readyz")"; return 1; }
  READY_MS=$(( $(now_ms) - t0 ))
}

# wait_http STATUS PATH TIMEOUT_S: waits until PATH answers STATUS. Sets WAITED_MS and
# LAST_STATUS; fails after the timeout or when the server process has ended.
wait_http() {
  local want="$1" path="$2" limit_ms=$(( $3 * 1000 )) t0
  t0=$(now_ms)
  while :; do
    LAST_STATUS=$(status "$path" -m 5)
    WAITED_MS=$(( $(now_ms) - t0 ))
    [ "$LAST_STATUS" = "$want" ] && return 0
    alive "$SERVER_PID" || return 1
    [ "$WAITED_MS" -ge "$limit_ms" ] && return 1
    sleep 0.1
  done
}

# wait_exit PID TIMEOUT_S: waits for a child to end. Sets EXIT_STATUS (124: still running).
wait_exit() {
  local pid="$1" limit_ms=$(( $2 * 1000 )) t0
  t0=$(now_ms)
  while alive "$pid" && [ $(( $(now_ms) - t0 )) -lt "$limit_ms" ]; do sleep 0.05; done
  if alive "$pid"; then EXIT_STATUS=124; return 1; fi
  wait "$pid"; EXIT_STATUS=$?
  return 0
}

# stop_server: SIGTERM (SIGKILL after 20 s). Sets STOP_MS and STOP_STATUS.
stop_server() {
  local t0
  [ -n "${SERVER_PID:-}" ] || return 0
  t0=$(now_ms)
  kill -TERM "$SERVER_PID" 2>/dev/null
  if ! wait_exit "$SERVER_PID" 20; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  STOP_MS=$(( $(now_ms) - t0 )) STOP_STATUS=$EXIT_STATUS SERVER_PID=""
}

# cluster_pid: the PID of DATA's running postmaster (empty when none runs), confirmed by
# the process working in the cluster directory.
cluster_pid() {
  local pid
  pid=$(head -n 1 "$DATA/postgres/postmaster.pid" 2>/dev/null | tr -d ' ')
  [ -n "$pid" ] && alive "$pid" || return 0
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(realpath "$DATA/postgres")" ] && echo "$pid"
  return 0
}

# stop_cluster: shuts DATA's cluster down immediately, if it runs.
stop_cluster() {
  local pid
  pid=$(cluster_pid)
  [ -n "$pid" ] || return 0
  (cd / && as_pg "$PG_BIN/pg_ctl" -D "$DATA/postgres" stop -m immediate -w -t 10) >/dev/null 2>&1 \
    || kill -QUIT "$pid" 2>/dev/null
}

# make_token: an account, the organisation $ORG and an API token for it (TOKEN).
make_token() {
  allmende admin create-user --email chaos@chaoshausen.example --name "Chaos-Betrieb" >/dev/null &&
    allmende admin create-org --name "Stadt Chaoshausen" --kind stadt --admin chaos@chaoshausen.example >/dev/null &&
    TOKEN=$(allmende admin create-token --org "$ORG" --name chaos | grep -o 'alm_[A-Za-z0-9_-]*' | head -n 1) &&
    [ -n "$TOKEN" ]
}

# solution_json NAME: a valid body for POST /api/v1/solutions.
solution_json() {
  jq -cn --arg name "$1" '{name: $name, short_description: "Angelegt vom Chaos-Test",
    repository_url: ("https://gitlab.opencode.de/chaos/" + ($name | ascii_downcase | gsub("[^a-z0-9]"; "-"))),
    licence: "EUPL-1.2", development_status: "beta", software_type: "standalone/web",
    maintenance_type: "internal"}'
}

# post_solution NAME [KEY]: POSTs a solution; writes headers to $WORK/post.head, the body
# to $WORK/post.body and prints the status.
post_solution() {
  local key=()
  [ -n "${2:-}" ] && key=(-H "Idempotency-Key: $2")
  curl -s -m 15 -o "$WORK/post.body" -D "$WORK/post.head" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "${key[@]}" \
    --data "$(solution_json "$1")" "$URL/api/v1/solutions" 2>/dev/null || true
}

# search_all FILE: every entry the search API finds for an empty query, as sorted
# "kind/slug" lines in FILE; fails (LAST_STATUS: the status) when a page does not answer 200.
search_all() {
  local page=1 total=1 code
  : >"$WORK/search.all"
  LAST_STATUS=200
  while [ $(( (page - 1) * 100 )) -lt "$total" ]; do
    code=$(curl -s -m 15 -o "$WORK/search.page" -w '%{http_code}' "$URL/api/v1/search?q=&per_page=100&page=$page" 2>/dev/null || true)
    [ "$code" = 200 ] || { LAST_STATUS=$code; sort "$WORK/search.all" >"$1"; return 1; }
    total=$(jq '.total' "$WORK/search.page")
    jq -r '.hits[] | "\(.kind)/\(.slug)"' "$WORK/search.page" >>"$WORK/search.all"
    page=$(( page + 1 ))
  done
  sort "$WORK/search.all" >"$1"
}

# missing BEFORE AFTER: how many lines of file BEFORE are not in file AFTER.
missing() { comm -23 "$1" "$2" | grep -c .; }

# found SLUG QUERY: whether a search for QUERY lists SLUG.
found() {
  curl -s -m 10 "$URL/api/v1/search?q=$(jq -rn --arg q "$2" '$q | @uri')&per_page=100" 2>/dev/null \
    | jq -e --arg slug "$1" 'any(.hits[]; .slug == $slug)' >/dev/null 2>&1
}

# The end of every scenario, passed or not: nothing of it is left running or mounted.
cleanup() {
  local fd
  for fd in ${FDS:-}; do eval "exec $fd>&-" 2>/dev/null; done
  if alive "${SERVER_PID:-}"; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  for pid in ${EXTRA_PIDS:-}; do alive "$pid" && kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ -n "${DATA:-}" ]; then stop_cluster; fi
  for dir in ${DATA_DIRS:-}; do DATA="$dir" stop_cluster; done
  for mnt in ${MOUNTS:-}; do umount -l "$mnt" 2>/dev/null; done
  [ -n "${WORK:-}" ] || return 0
  if [ "${CHAOS_KEEP:-0}" = 1 ] && [ "$(result_of "$SCENARIO")" = FAIL ]; then
    note "kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}

# --- scenarios ----------------------------------------------------------------------

# 1. Commands beside a running server use its database and leave it running.
s_cli_beside_server() {
  new_work; start_server || { row "CLI beside a running server" "server still 200" "no start" FAIL; return; }
  local pm failed=()
  pm=$(cluster_pid)
  allmende migrate >/dev/null || failed+=(migrate)
  allmende seed-demo >/dev/null || failed+=(seed-demo)
  make_token || failed+=(admin)
  cat >"$WORK/publiccode.yml" <<'YAML'
publiccodeYmlVersion: "0"
name: Chaoshaushalt
url: "https://gitlab.opencode.de/chaoshausen/chaoshaushalt.git"
platforms: [web]
developmentStatus: stable
softwareType: "standalone/web"
description:
  de:
    shortDescription: Vorschläge zum Haushalt sammeln und bewerten
    longDescription: >
      Eingespielt mit allmende import, während der Server läuft: Bürgerinnen und Bürger
      reichen Vorschläge für den Haushalt ein, kommentieren und bewerten sie. Die Verwaltung
      beantwortet jeden Vorschlag öffentlich und zeigt, was daraus geworden ist.
    features: [Vorschläge, Bewertung]
legal: {license: "EUPL-1.2"}
maintenance:
  type: contract
  contractors:
    - {name: "Dataport AöR", until: "2027-12-31", email: "info@dataport.de"}
localisation: {localisationReady: true, availableLanguages: [de]}
YAML
  allmende import --org "$ORG" "$WORK/publiccode.yml" >/dev/null || failed+=(import)
  local code page after imported
  code=$(status "/api/v1/organisations/$ORG")
  imported=$(curl -s -m 10 "$URL/api/v1/solutions?org=$ORG" | jq '.total' 2>/dev/null)
  page=$(status /loesungen)
  after=$(cluster_pid)
  # What seed-demo and import wrote reaches the server's search index.
  local indexed=0 searchable=no t0
  t0=$(now_ms)
  while [ $(( $(now_ms) - t0 )) -lt 15000 ]; do
    found chaoshaushalt Chaoshaushalt && searchable=yes
    indexed=$(curl -s -m 5 "$URL/api/v1/search?q=&per_page=1" | jq '.total' 2>/dev/null || echo 0)
    [ "${indexed:-0}" -gt 100 ] && [ $searchable = yes ] && break
    sleep 0.2
  done
  local measured="migrate, seed-demo, admin ×3, import: ${failed[*]:-all exit 0}; org $code, imported ${imported:-?}, /loesungen $page; postmaster $( [ "$pm" = "$after" ] && echo kept || echo "changed ($pm → ${after:-none})"); search: $indexed entries, imported one found: $searchable"
  if [ ${#failed[@]} -eq 0 ] && [ "$code" = 200 ] && [ "$imported" = 1 ] && [ "$page" = 200 ] && [ -n "$pm" ] && [ "$pm" = "$after" ] && [ "${indexed:-0}" -gt 100 ] \
    && [ $searchable = yes ]; then
    row "CLI beside a running server" "commands succeed, server answers 200, its PG untouched" "$measured" PASS
  else
    row "CLI beside a running server" "commands succeed, server answers 200, its PG untouched" "$measured" FAIL
  fi
}

# 2. kill -9 of server and postmaster: the next start succeeds at once.
s_kill9_restart() {
  new_work; start_server || { row "kill -9 server + postmaster" "first restart answers 200" "no start" FAIL; return; }
  local pm
  pm=$(cluster_pid)
  kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
  kill -KILL "$pm"
  sleep 0.3
  local t0 ok=1
  t0=$(now_ms)
  start_server || ok=0
  local first=""; [ $ok = 1 ] && wait_http 200 /api/v1/organisations 20 && first=$(( $(now_ms) - t0 ))
  local new; new=$(cluster_pid)
  if [ -n "$first" ] && [ -n "$new" ] && [ "$new" != "$pm" ]; then
    row "kill -9 server + postmaster" "first restart answers 200" "200 after $(secs "$first"), new postmaster" PASS
  else
    row "kill -9 server + postmaster" "first restart answers 200" "no 200 (last ${LAST_STATUS:-none}; $(tail -n 1 "$SERVER_LOG" | cut -c1-80))" FAIL
  fi
}

# 3. A stale postmaster.pid naming a live process of the postgres user.
s_stale_pid() {
  new_work
  allmende migrate >/dev/null || { row "stale postmaster.pid, live foreign pid" "start ok, foreign process alive" "migrate failed" FAIL; return; }
  (cd / && exec "${AS_PG[@]}" sleep 300) &
  local foreign=$!
  EXTRA_PIDS="$foreign"
  sleep 0.2
  local cluster; cluster=$(realpath "$DATA/postgres")
  for file in "$DATA/postgres/postmaster.pid" "$DATA/postgres-socket/.s.PGSQL.5432.lock"; do
    printf '%s\n%s\n' "$foreign" "$cluster" >"$file"
    chown postgres:postgres "$file" 2>/dev/null
  done
  local ok=1; start_server || ok=0
  local code="none"; [ $ok = 1 ] && code=$(status /api/v1/organisations)
  stop_server
  local kept=no; alive "$foreign" && [ "$(stat -c %U "/proc/$foreign")" = postgres ] && kept=yes
  local measured="start $( [ $ok = 1 ] && echo "ok in $(secs "$STARTED_MS")" || echo failed), DB page $code, foreign process alive: $kept"
  if [ $ok = 1 ] && [ "$code" = 200 ] && [ $kept = yes ]; then
    row "stale postmaster.pid, live foreign pid" "start ok, foreign process alive" "$measured" PASS
  else
    row "stale postmaster.pid, live foreign pid" "start ok, foreign process alive" "$measured" FAIL
  fi
}

# 4. A second serve on the same data directory is refused; the first serves on.
s_second_serve() {
  new_work; start_server || { row "second serve, same data dir" "refused, first unaffected" "no start" FAIL; return; }
  local pm t0; pm=$(cluster_pid)
  t0=$(now_ms)
  spawn_server
  local second=$SPAWNED_PID second_log="$WORK/serve-$SPAWNED_PORT.log"
  EXTRA_PIDS="$second"
  wait_exit "$second" 20
  local took=$(( $(now_ms) - t0 )) exit_status=$EXIT_STATUS
  local message=no
  grep -q 'läuft bereits ein Allmende-Server' "$second_log" && grep -q 'already running on the data directory' "$second_log" && message=yes
  local code; code=$(status /api/v1/organisations)
  local measured="exit $exit_status after $(secs "$took"), message: $message; first: $code, postmaster $( [ "$pm" = "$(cluster_pid)" ] && echo kept || echo changed)"
  if [ "$exit_status" != 0 ] && [ "$exit_status" != 124 ] && [ $took -le 10000 ] && [ $message = yes ] && [ "$code" = 200 ] && [ "$pm" = "$(cluster_pid)" ]; then
    row "second serve, same data dir" "refused ≤ 10 s with message, first unaffected" "$measured" PASS
  else
    row "second serve, same data dir" "refused ≤ 10 s with message, first unaffected" "$measured" FAIL
  fi
}

# 5. The database stops: 503 fast, readiness says so, liveness not; the watchdog brings
# it back. postgresql.conf is set aside meanwhile so the watchdog's restarts fail and the
# outage lasts long enough to be measured.
s_database_stopped() {
  local name="PG stopped (pg_ctl -m immediate)" expect="page+API 503 ≤ 3 s, readyz 503, healthz 200; 200 again ≤ 60 s"
  new_work; start_server || { row "$name" "$expect" "no start" FAIL; return; }
  local conf="$DATA/postgres/postgresql.conf" pm; pm=$(cluster_pid)
  mv "$conf" "$conf.chaos-aside"
  (cd / && as_pg "$PG_BIN/pg_ctl" -D "$DATA/postgres" stop -m immediate -w -t 10) >/dev/null 2>&1
  local page api ready health retry
  page=$(curl -s -m 10 -o "$WORK/page.html" -D "$WORK/page.head" -w '%{http_code} %{time_total}' "$URL/loesungen" || true)
  retry=$(grep -i '^retry-after:' "$WORK/page.head" | tr -d '\r' | awk '{print $2}')
  api=$(curl -s -m 10 -o /dev/null -w '%{http_code} %{time_total}' "$URL/api/v1/solutions" || true)
  ready=$(status /readyz)
  health=$(status /healthz)
  mv "$conf.chaos-aside" "$conf"
  local back="" t0; t0=$(now_ms)
  if wait_http 200 /loesungen 60 && wait_http 200 /readyz 10; then back=$(( $(now_ms) - t0 )); fi
  local restarted=no; [ -n "$(cluster_pid)" ] && [ "$(cluster_pid)" != "$pm" ] && restarted=yes
  local p_code=${page% *} p_time=${page#* } a_code=${api% *} a_time=${api#* }
  local measured="page $p_code in $(secs_f "$p_time") (Retry-After ${retry:-none}), API $a_code in $(secs_f "$a_time"), readyz $ready, healthz $health; $( [ -n "$back" ] && echo "200 again $(secs "$back") after PG's config returned" || echo "not back in 60 s"), PG restarted by the server: $restarted"
  if [ "$p_code" = 503 ] && awk -v t="$p_time" 'BEGIN { exit !(t <= 3) }' && [ "$a_code" = 503 ] \
    && awk -v t="$a_time" 'BEGIN { exit !(t <= 3) }' && [ "$ready" = 503 ] && [ "$health" = 200 ] && [ -n "$back" ] \
    && [ $restarted = yes ]; then
    row "$name" "$expect" "$measured" PASS
  else
    row "$name" "$expect" "$measured" FAIL
  fi
}

# open_half_sent: a connection with half a request (no blank line); its fd in HALF_FD.
open_half_sent() {
  exec {HALF_FD}<>"/dev/tcp/127.0.0.1/$PORT"
  FDS="${FDS:-} $HALF_FD"
  printf 'GET /loesungen HTTP/1.1\r\nHost: 127.0.0.1\r\n' >&"$HALF_FD"
}

# 6. Slow clients: half-sent requests are closed; SIGTERM ends the server regardless.
s_slow_clients() {
  local name="slow clients (half-sent requests)" expect="20 closed in 5–15 s, others served; SIGTERM exit ≤ 10 s"
  new_work; start_server || { row "$name" "$expect" "no start" FAIL; return; }
  local fds=() t0 i
  for i in $(seq 1 20); do open_half_sent; fds+=("$HALF_FD"); done
  t0=$(now_ms)
  local served; served=$(status /healthz)
  local open=0 closed_ms=0 left
  for fd in "${fds[@]}"; do
    left=$(( 25 - ( $(now_ms) - t0 ) / 1000 )); [ $left -lt 1 ] && left=1
    timeout "$left" cat <&"$fd" >/dev/null 2>&1
    [ $? = 124 ] && open=$(( open + 1 ))
  done
  closed_ms=$(( $(now_ms) - t0 ))
  # SIGTERM with a half-sent request and a request whose body never comes.
  open_half_sent
  exec {BODY_FD}<>"/dev/tcp/127.0.0.1/$PORT"; FDS="$FDS $BODY_FD"
  printf 'POST /anmelden HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=' >&"$BODY_FD"
  sleep 0.3
  stop_server
  local measured="others $served; $(( 20 - open ))/20 closed after $(secs "$closed_ms"); SIGTERM: exit $STOP_STATUS after $(secs "$STOP_MS")"
  if [ "$served" = 200 ] && [ $open = 0 ] && [ $closed_ms -ge 5000 ] && [ $closed_ms -le 15000 ] \
    && [ "$STOP_STATUS" = 0 ] && [ "$STOP_MS" -le 10000 ]; then
    row "$name" "$expect" "$measured" PASS
  else
    row "$name" "$expect" "$measured" FAIL
  fi
}

# 7. A POST retried with the same Idempotency-Key creates one entry.
s_idempotency() {
  local name="retried POST, same Idempotency-Key" expect="201, 201 replayed, 1 entry; other body 422"
  new_work
  make_token || { row "$name" "$expect" "no API token (admin commands failed)" FAIL; return; }
  start_server || { row "$name" "$expect" "no start" FAIL; return; }
  local first second replayed third slug1 slug2 count
  first=$(post_solution "Chaosmelder" "chaos-retry-1"); slug1=$(jq -r '.slug' "$WORK/post.body" 2>/dev/null)
  second=$(post_solution "Chaosmelder" "chaos-retry-1"); slug2=$(jq -r '.slug' "$WORK/post.body" 2>/dev/null)
  replayed=$(grep -i '^idempotent-replayed:' "$WORK/post.head" | tr -d '\r' | awk '{print $2}')
  third=$(post_solution "Chaosmelder Zwei" "chaos-retry-1")
  count=$(curl -s -m 10 "$URL/api/v1/solutions?org=$ORG" | jq '.total' 2>/dev/null)
  local measured="$first, $second (replayed: ${replayed:-no}, same slug: $( [ "$slug1" = "$slug2" ] && echo yes || echo no)), ${count:-?} entry; other body $third"
  if [ "$first" = 201 ] && [ "$second" = 201 ] && [ "$replayed" = true ] && [ "$slug1" = "$slug2" ] && [ "$count" = 1 ] && [ "$third" = 422 ]; then
    row "$name" "$expect" "$measured" PASS
  else
    row "$name" "$expect" "$measured" FAIL
  fi
}

# damaged_index_run NAME EXPECT DAMAGE_FUNCTION: the demo catalogue's index is damaged while
# the server is stopped; after the next start every entry must be found again.
damaged_index_run() {
  local name="$1" expect="$2" damage="$3"
  new_work; DEMO=on
  start_server || { row "$name" "$expect" "no start" FAIL; return; }
  search_all "$WORK/before" || { row "$name" "$expect" "search $LAST_STATUS before the damage" FAIL; return; }
  stop_server
  local what; what=$("$damage") || { row "$name" "$expect" "nothing to damage" FAIL; return; }
  DEMO=off
  local ok=1; start_server || ok=0
  if [ $ok = 0 ]; then
    row "$name" "$expect" "$what; start failed: $(grep -v '^\s*$' "$SERVER_LOG" | tail -n 1 | cut -c1-90)" FAIL; return
  fi
  search_all "$WORK/after"
  local code=$LAST_STATUS want gone
  want=$(grep -c . "$WORK/before")
  gone=$(missing "$WORK/before" "$WORK/after")
  local measured="$what; answers after $(secs "$STARTED_MS"), ready (index rebuilt) after $(secs "$READY_MS"); search $code, $(( want - gone ))/$want entries found"
  local remedy=ok
  if [ "${WITH_REINDEX:-0}" = 1 ]; then
    # The documented remedy, `allmende reindex` with the server stopped, on a damaged index.
    stop_server
    "$damage" >/dev/null
    remedy=failed
    if allmende reindex >/dev/null && start_server && search_all "$WORK/reindexed"; then
      [ "$(missing "$WORK/before" "$WORK/reindexed")" = 0 ] && remedy=ok
    fi
    measured="$measured; damaged again, allmende reindex: $remedy"
  fi
  if [ "$code" = 200 ] && [ "$gone" = 0 ] && [ "$want" -gt 100 ] && [ $remedy = ok ]; then
    row "$name" "$expect" "$measured" PASS
  else
    row "$name" "$expect" "$measured" FAIL
  fi
}

largest_segment_file() {
  find "$DATA/search-index" -maxdepth 2 -type f -regextype posix-extended \
    -regex ".*/[0-9a-f]{32}\.${1:-[a-z]+}" -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-
}

truncate_largest_segment() {
  local file size
  file=$(largest_segment_file) && [ -n "$file" ] || return 1
  size=$(stat -c %s "$file")
  truncate -s $(( size / 2 )) "$file"
  echo ".${file##*.} file cut to half ($(( size / 1024 )) → $(( size / 2048 )) KiB)"
}

garble_store() {
  local file size
  file=$(largest_segment_file store) && [ -n "$file" ] || return 1
  size=$(stat -c %s "$file")
  dd if=/dev/urandom of="$file" bs=1 seek=$(( size / 4 )) count=$(( size / 2 )) conv=notrunc status=none
  echo "middle half of a .store ($(( size / 1024 )) KiB) random"
}

# 8. A truncated segment file: the index is rebuilt at start.
s_truncated_segment() {
  WITH_REINDEX=1 damaged_index_run "truncated index segment file" \
    "start ok, rebuilt, every entry found; allmende reindex too" truncate_largest_segment
}

# 9. Garbage inside a store file: searches still answer 200 with every entry.
s_garbled_store() {
  damaged_index_run "garbage inside a .store file" "search 200 (not 500), every entry found" garble_store
}

# 10. Full disk for the index: writes succeed, the entries are indexed once there is room
# again, and are still found after a restart.
s_full_disk() {
  local name="full disk for the index (tmpfs)" expect="5 POSTs 201 while full; found ≤ 30 s after freeing, and after restart"
  if [ "$(id -u)" != 0 ]; then row "$name" "$expect" "SKIP (needs root for mount)" SKIP; return; fi
  new_work
  mkdir -p "$WORK/disk"
  if ! mount -t tmpfs -o size=8m,mode=755 tmpfs "$WORK/disk" 2>/dev/null; then
    row "$name" "$expect" "SKIP (mount -t tmpfs not permitted)" SKIP; return
  fi
  MOUNTS="$WORK/disk"
  INDEX_DIR="$WORK/disk/index"
  make_token || { row "$name" "$expect" "no API token (admin commands failed)" FAIL; return; }
  start_server || { row "$name" "$expect" "no start" FAIL; return; }
  # One entry indexed while there is room: the index works before the disk fills.
  local first before_slug indexed=no t0
  first=$(post_solution "Vorher Plattenvoll"); before_slug=$(jq -r '.slug' "$WORK/post.body" 2>/dev/null)
  t0=$(now_ms)
  while [ $(( $(now_ms) - t0 )) -lt 10000 ]; do
    found "$before_slug" "Vorher Plattenvoll" && { indexed=yes; break; }
    sleep 0.2
  done
  # Fill the file system: big blocks, then small ones for the rest.
  dd if=/dev/zero of="$WORK/disk/fill" bs=1M status=none 2>/dev/null
  dd if=/dev/zero of="$WORK/disk/fill2" bs=4k status=none 2>/dev/null
  local free_kb; free_kb=$(df -k --output=avail "$WORK/disk" | tail -n 1 | tr -d ' ')
  local codes=() slugs=() i
  for i in 1 2 3 4 5; do
    codes+=("$(post_solution "Plattenvoll Nummer $i")")
    slugs+=("$(jq -r '.slug' "$WORK/post.body" 2>/dev/null)")
  done
  sleep 3
  local while_full=0
  for i in 0 1 2 3 4; do found "${slugs[$i]}" "Plattenvoll Nummer $(( i + 1 ))" && while_full=$(( while_full + 1 )); done
  rm -f "$WORK/disk/fill" "$WORK/disk/fill2"
  local n=0 after_free=""; t0=$(now_ms)
  while [ $(( $(now_ms) - t0 )) -lt 30000 ]; do
    n=0
    for i in 0 1 2 3 4; do found "${slugs[$i]}" "Plattenvoll Nummer $(( i + 1 ))" && n=$(( n + 1 )); done
    [ $n = 5 ] && { after_free=$(( $(now_ms) - t0 )); break; }
    sleep 0.5
  done
  stop_server
  local restarted=0 ok=1
  start_server || ok=0
  if [ $ok = 1 ]; then
    t0=$(now_ms)
    while [ $(( $(now_ms) - t0 )) -lt 10000 ]; do
      restarted=0
      for i in 0 1 2 3 4; do found "${slugs[$i]}" "Plattenvoll Nummer $(( i + 1 ))" && restarted=$(( restarted + 1 )); done
      [ $restarted = 5 ] && break
      sleep 0.5
    done
  fi
  local created=0; for c in "${codes[@]}"; do [ "$c" = 201 ] && created=$(( created + 1 )); done
  local before_kept=no; [ $ok = 1 ] && found "$before_slug" "Vorher Plattenvoll" && before_kept=yes
  local measured="before: $first, indexed $indexed; full (${free_kb} KiB free): $created/5 POSTs 201, $while_full/5 searchable; freed: $n/5 found$( [ -n "$after_free" ] && echo " after $(secs "$after_free")"); restart: $( [ $ok = 1 ] && echo "$restarted/5 found, first entry found: $before_kept" || echo failed)"
  if [ "$indexed" = yes ] && [ "$created" = 5 ] && [ -n "$after_free" ] && [ "$restarted" = 5 ] && [ "$before_kept" = yes ]; then
    row "$name" "$expect" "$measured" PASS
  else
    row "$name" "$expect" "$measured" FAIL
  fi
}

# 11. Backup, then restore into a fresh data directory: every entry is found there.
s_backup_restore() {
  local name="backup, restore into a fresh data dir" expect="every entry found after restore"
  new_work
  if ! "$BIN" backup --help >/dev/null 2>&1; then
    row "$name" "$expect" "SKIP (command not available)" SKIP; return
  fi
  DEMO=on
  start_server || { row "$name" "$expect" "no start" FAIL; return; }
  search_all "$WORK/before" || { row "$name" "$expect" "search $LAST_STATUS before backup" FAIL; return; }
  local t0 backup_ms
  t0=$(now_ms)
  if ! allmende backup "$WORK/catalogue.dump" >/dev/null; then
    row "$name" "$expect" "backup beside the server failed: $(tail -n 1 "$WORK/cmd.log" | cut -c1-80)" FAIL; return
  fi
  backup_ms=$(( $(now_ms) - t0 ))
  stop_server
  DATA_DIRS="$DATA"
  DATA="$WORK/restored"; DEMO=off
  t0=$(now_ms)
  if ! allmende restore "$WORK/catalogue.dump" >/dev/null; then
    row "$name" "$expect" "restore failed: $(tail -n 1 "$WORK/cmd.log" | cut -c1-80)" FAIL; return
  fi
  local restore_ms=$(( $(now_ms) - t0 ))
  start_server || { row "$name" "$expect" "restored data dir does not start" FAIL; return; }
  search_all "$WORK/after"
  local code=$LAST_STATUS want gone
  want=$(grep -c . "$WORK/before")
  gone=$(missing "$WORK/before" "$WORK/after")
  local measured="backup $(secs "$backup_ms") ($(( $(stat -c %s "$WORK/catalogue.dump") / 1024 )) KiB), restore $(secs "$restore_ms"); search $code, $(( want - gone ))/$want found"
  if [ "$code" = 200 ] && [ "$gone" = 0 ] && [ "$want" -gt 100 ]; then
    row "$name" "$expect" "$measured" PASS
  else
    row "$name" "$expect" "$measured" FAIL
  fi
}

SCENARIOS=(
  s_cli_beside_server s_kill9_restart s_stale_pid s_second_serve s_database_stopped
  s_slow_clients s_idempotency s_truncated_segment s_garbled_store s_full_disk s_backup_restore
)

# --- run ----------------------------------------------------------------------------

selected=("$@")
[ ${#selected[@]} -gt 0 ] || mapfile -t selected < <(seq 1 ${#SCENARIOS[@]})
say "Chaos gegen / against $BIN"
T_START=$(now_ms)
for n in "${selected[@]}"; do
  fn="${SCENARIOS[$(( n - 1 ))]:-}"
  [ -n "$fn" ] || { echo "Kein Szenario / no scenario $n" >&2; exit 2; }
  say "$n. ${fn#s_}"
  t0=$(now_ms)
  (
    set +e
    SCENARIO=$n ROWED=0
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    "$fn"
    [ "$ROWED" = 1 ] || row "${fn#s_}" "-" "script error (no result)" FAIL
    if [ "$(result_of "$n")" = FAIL ] && [ -n "${SERVER_LOG:-}" ] && [ -f "$SERVER_LOG" ]; then
      note "server log (last lines):"; tail -n 8 "$SERVER_LOG" | sed 's/^/      /' >&2
    fi
  ) || { [ $? = 130 ] && exit 130; }
  [ -n "$(result_of "$n")" ] || printf '%s\t%s\t-\t%s\tFAIL\n' "$n" "${fn#s_}" "aborted" >>"$RESULTS"
  note "$(result_of "$n") in $(secs $(( $(now_ms) - t0 )))"
done

printf '\n| # | scenario | expectation | measured | result |\n|---|---|---|---|---|\n'
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$RESULTS"
printf '\n%s passed, %s failed, %s skipped in %s (%s)\n' \
  "$(awk -F'\t' '$5 == "PASS"' "$RESULTS" | wc -l)" "$(awk -F'\t' '$5 == "FAIL"' "$RESULTS" | wc -l)" \
  "$(awk -F'\t' '$5 == "SKIP"' "$RESULTS" | wc -l)" "$(secs $(( $(now_ms) - T_START )))" "$BIN"
! awk -F'\t' '$5 == "FAIL" { found = 1 } END { exit !found }' "$RESULTS"
