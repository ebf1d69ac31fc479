#!/usr/bin/env bash
# Fuzzes the parsers that take untrusted input with cargo-fuzz on stable Rust (no sanitizer:
# `-s none`): the publiccode.yml parser and validator with its YAML budgets, the Markdown
# renderer with its sanitiser and bounds, and the JSON Schema intake with payload checks.
# Seeds: server/fuzz/corpus/TARGET (plus, for publiccode, the shared conformance cases, read
# in place). New inputs go to a scratch folder, not into the repository. A crash, a timeout
# (a single input over 10 s) or a memory blow-up (over 2 GiB) fails the run.
#   scripts/fuzz.sh [SECONDS] [TARGET…]   (default 600 s for each of the three targets)
# scripts/test.sh runs it with 60 s per target.
source "$(dirname "$0")/lib/common.sh"
SECONDS_TO_RUN="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(publiccode markdown json_schema)
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
# One target/ for everything: the fuzz builds go to target/fuzz.
export CARGO_TARGET_DIR="$ROOT/target/fuzz"
WORK="$(mktemp -d /tmp/allmende-fuzz.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT/server"
for target in "${TARGETS[@]}"; do
  SEEDS=("$ROOT/server/fuzz/corpus/$target")
  if [ "$target" = publiccode ]; then
    for group in valid valid_with_warnings invalid; do
      dir="$ROOT/../shared/conformance/publiccode/cases/$group"
      [ -d "$dir" ] && SEEDS+=("$dir")
    done
  fi
  mkdir -p "$WORK/$target"
  say "Fuzzing $target für ${SECONDS_TO_RUN} s (Arbeitskorpus: $WORK/$target)"
  if ! cargo fuzz run -s none "$target" "$WORK/$target" "${SEEDS[@]}" -- \
    -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$WORK/$target-" >"$WORK/$target.log" 2>&1; then
    tail -n 60 "$WORK/$target.log" >&2
    echo "Fuzzing $target fand einen Fehler; die auslösende Eingabe (base64):" >&2
    for artifact in "$WORK/$target-"*; do [ -f "$artifact" ] && { base64 -w0 "$artifact" | head -c 4000; echo; } >&2; done
    exit 1
  fi
  grep -E "^stat::|Done [0-9]+ runs" "$WORK/$target.log" | head -n 6 || true
done

