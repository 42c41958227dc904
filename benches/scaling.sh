#!/usr/bin/env bash
# piiscan's scaling curve: throughput by input size, by thread count and by rule count.
#
#   bash benches/scaling.sh [runs]
#
# Sizes: 20 MB, 200 MB and 2 GB of the generated normal-density corpus (the 2 GB input is ten
# hard-linked copies of the 200 MB one under different names, so it costs no disk space; the
# page cache holds it once). Threads: 1 and 2 at 200 MB, and for one 2 GB file (the corpus's
# access logs, concatenated: 2 GB of disk), which the data map searches in parts on all
# threads. Rules: the built-in detectors plus 10,
# 100 and 1000 generated user rules, each with its own keyword, at 200 MB. Every figure is the
# median of `runs` runs (default 3) with the page cache warm; peak RSS is from /usr/bin/time.
# Needs hyperfine (Debian package hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=fixtures/corpus
[ -d "$corpus/normal/logs" ] || python3 fixtures/gen/corpus.py --out "$corpus/normal" --size 20MB --seed 1
[ -d "$corpus/normal-200MB/logs" ] || python3 fixtures/gen/corpus.py --out "$corpus/normal-200MB" --size 200MB --seed 1 --density normal
if [ ! -d "$corpus/normal-2GB" ]; then
  mkdir -p "$corpus/normal-2GB"
  for i in $(seq 0 9); do cp -al "$corpus/normal-200MB" "$corpus/normal-2GB/copy-$i"; done
fi
one_file="$corpus/one-access-log-2GB.log"
if [ ! -f "$one_file" ]; then
  for i in $(seq 1 40); do cat "$corpus"/normal-200MB/logs/access-*.log; done > "$one_file"
fi
cargo build --release -q
bin=target/release/piiscan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# User rules: each a distinct literal prefix, a digit run and a keyword of its own.
for n in 10 100 1000; do
  mkdir -p "$work/rules-$n"
  python3 - "$n" > "$work/rules-$n/user.toml" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f'''[[rule]]
id = "member-number-{i}"
name = "Member number, scheme {i}"
description = "A member number of loyalty scheme {i}."
categories = ["account-credentials"]
pattern = '\\bM{i:04d}-[0-9]{{6}}\\b'
keywords = ["member{i}"]
confidence = "medium"
examples = ["member{i} M{i:04d}-123456"]
counterexamples = ["M{i:04d}-123456"]
''')
PY
done

bytes_of() { du -sbl "$1" | cut -f1; }

# measure NAME BYTES COMMAND: prints one table row (median seconds, MB/s, peak RSS).
measure() {
  local name=$1 size=$2 cmd=$3
  hyperfine --warmup 1 --runs "$runs" --export-json "$work/h.json" "$cmd" >/dev/null 2>&1
  local median
  median=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$work/h.json")
  local rss
  rss=$(/usr/bin/time -f '%M' bash -c "$cmd >/dev/null 2>&1" 2>&1 | tail -1)
  python3 -c "
import sys
name, size, t, rss = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f'| {name} | {size/1e6:.0f} MB | {t:.2f} s | {size/t/1e6:.1f} MB/s | {rss/1024:.0f} MB |')
" "$name" "$size" "$median" "$rss"
}

scan() { echo "$bin scan $* --format summary -o /dev/null --fail-on never --no-progress"; }

echo "$(nproc) cores; piiscan $($bin --version | cut -d' ' -f2)"
echo
echo "| run | input | median | throughput | peak RSS |"
echo "|---|---|---|---|---|"
s20=$(bytes_of "$corpus/normal")
s200=$(bytes_of "$corpus/normal-200MB")
s2g=$(bytes_of "$corpus/normal-2GB")
measure "20 MB, 2 threads" "$s20" "$(scan "$corpus/normal" -j2)"
measure "200 MB, 2 threads" "$s200" "$(scan "$corpus/normal-200MB" -j2)"
measure "2 GB, 2 threads" "$s2g" "$(scan "$corpus/normal-2GB" -j2)"
measure "200 MB, 1 thread" "$s200" "$(scan "$corpus/normal-200MB" -j1)"
s1f=$(bytes_of "$one_file")
measure "one 2 GB file, 1 thread" "$s1f" "$(scan "$one_file" -j1)"
measure "one 2 GB file, 2 threads" "$s1f" "$(scan "$one_file" -j2)"
for n in 10 100 1000; do
  measure "200 MB, 2 threads, +$n user rules" "$s200" "$(scan "$corpus/normal-200MB" -j2 --rules "$work/rules-$n")"
done
