#!/usr/bin/env bash
# Catalogue benchmark: every page kind (start page, lists with each filter and sort, deep
# pages, detail, organisation, reuse, history and compare pages, /nachnutzung), the JSON API
# and search (against PostgreSQL full-text search) on a synthetic catalogue with forks and
# adoptions — p50/p99 at one connection, wrk throughput at 16 connections, index size,
# reindex time, peak memory, write-to-visible — printed as one table per size.
#
#   scripts/bench.sh            10 000 and 100 000 solutions (about 25 minutes)
#   scripts/bench.sh --million  also 1 000 000 (hours; fits 2 cores and 24 GiB)
#   ALLMENDE_BENCH_SCALE=0.1 scripts/bench.sh   one size only: that share of 100 000
#
# Data models and organisations come in proportion (one model per ten solutions, eleven
# organisations per hundred). Each size runs on its own private PostgreSQL in a temporary
# directory (about 3 GB at 100 000, 30 GB at 1 000 000).
source "$(dirname "$0")/lib/common.sh"

for arg in "$@"; do
  case "$arg" in
    --million) ;;
    *) echo "Unbekanntes Argument / unknown argument: $arg (erlaubt / allowed: --million)" >&2; exit 2 ;;
  esac
done

apt_ensure 'ls /usr/lib/postgresql/*/bin/initdb' postgresql
apt_ensure 'command -v wrk' wrk
apt_ensure 'command -v cc' gcc libc6-dev
say "Baue und starte den Katalog-Benchmark (Release-Build)"
cargo bench -p allmende-bench --bench catalogue -- "$@"
