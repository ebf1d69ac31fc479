#!/usr/bin/env bash
# Search benchmark: Allmende's search vs. PostgreSQL full-text search on a synthetic
# catalogue of 100 000 solutions, 10 000 data models and 11 000 organisations, measured in
# one run and printed as one table. ALLMENDE_BENCH_SCALE=0.1 runs on a tenth of the data.
source "$(dirname "$0")/lib/common.sh"

apt_ensure 'ls /usr/lib/postgresql/*/bin/initdb' postgresql
apt_ensure 'command -v wrk' wrk
apt_ensure 'command -v cc' gcc libc6-dev
say "Baue und starte den Such-Benchmark (Release-Build)"
cargo bench -p allmende-bench --bench search
