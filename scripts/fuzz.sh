#!/usr/bin/env bash
# Fuzzes the publiccode.yml parser and validator with cargo-fuzz on stable Rust (no
# sanitizer: `-s none`). Seeds: server/fuzz/corpus/publiccode plus the shared conformance
# cases (read in place). New inputs go to a scratch folder, not into the repository.
#   scripts/fuzz.sh [SECONDS]   (default 600)
source "$(dirname "$0")/lib/common.sh"
SECONDS_TO_RUN="${1:-600}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
WORK="$(mktemp -d /tmp/allmende-fuzz.XXXXXX)"
SEEDS=("$PWD/server/fuzz/corpus/publiccode")
for group in valid valid_with_warnings invalid; do
  dir="$PWD/../shared/conformance/publiccode/cases/$group"
  [ -d "$dir" ] && SEEDS+=("$dir")
done
say "Fuzzing publiccode.yml für ${SECONDS_TO_RUN} s (Arbeitskorpus: $WORK)"
cd server
cargo fuzz run -s none publiccode "$WORK" "${SEEDS[@]}" -- \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
