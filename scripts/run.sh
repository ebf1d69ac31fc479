#!/usr/bin/env bash
# Runs Allmende: installs what is missing, builds a release, starts the server.
# Without DATABASE_URL it starts its own PostgreSQL in ./data and loads the demo catalogue.
# Arguments are passed to `allmende`, e.g. `scripts/run.sh serve --no-demo`.
source "$(dirname "$0")/lib/common.sh"

ensure_base_tools
build_site --release
say "Starte Allmende auf http://${ALLMENDE_ADDR:-127.0.0.1:3000}"
exec target/release/allmende "$@"
