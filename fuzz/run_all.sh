#!/usr/bin/env bash
# Run every fuzz target (or those named) one after another, SECONDS_EACH seconds each (default
# 600), on one core: `fuzz/run_all.sh`, `SECONDS_EACH=60 fuzz/run_all.sh scanner config`.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# use the nightly flags it needs. Seeds come from make_seeds.py; logs go to fuzz/logs/TARGET.log,
# crashing inputs to fuzz/artifacts/TARGET/.
set -u
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
each=${SECONDS_EACH:-600}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(validators scanner structured decompress archive config)
mkdir -p logs
[ -d corpus ] || python3 make_seeds.py
bin=target/x86_64-unknown-linux-gnu/release
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  # A tree being edited may not build for a moment: retry for up to 20 minutes.
  for _ in $(seq 40); do
    cargo fuzz build -s none "$t" >"logs/$t.build" 2>&1 && break
    sleep 30
  done
  echo "== $t: $each s" >&2
  "$bin/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$each" -timeout=30 \
    -rss_limit_mb=4096 -print_final_stats=1 "corpus/$t" >"logs/$t.log" 2>&1
  echo "exit $?" >>"logs/$t.log"
  grep -E "Done [0-9]+ runs|DONE|SUMMARY|ERROR|panicked|Test unit written|^exit" "logs/$t.log" | tail -6 >&2
done
