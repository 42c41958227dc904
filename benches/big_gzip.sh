#!/usr/bin/env bash
# Throughput and peak memory on one big gzip-compressed log, decompressed as a stream.
#
#   bash benches/big_gzip.sh [size-in-MB, default 1024] [work-dir, default target/big-gzip]
#
# DENSITY=normal|low (default low) is the corpus density (corpus.py --density); PIISCAN=path
# runs that binary instead of building target/release/piiscan; ARGS adds scan options; PARTS
# (default "exports logs src") names the corpus folders concatenated ("src": code and config,
# nearly free of personal data, which measures reading and decompressing rather than findings).
#
# Generates a corpus with fixtures/gen/corpus.py, concatenates its files into one log of about
# the size asked for (uncompressed), gzips it, and runs
#   /usr/bin/time -v target/release/piiscan scan big.log.gz --format summary
# printing the decompressed bytes per second and the peak resident memory (which must stay
# under 100 MB: one chunk and the decoder's window, whatever the size). Needs python3, gzip and
# GNU time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1024}
work=${2:-target/big-gzip}
density=${DENSITY:-low}
parts=${PARTS:-exports logs src}
bin=${PIISCAN:-target/release/piiscan}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
mkdir -p "$work"
log=$work/big.log
gz=$work/big.log.gz
if [ ! -s "$gz" ] || [ "$(cat "$work/size" 2>/dev/null)" != "$size_mb $density $parts" ]; then
    rm -rf "$work/corpus" "$log" "$gz"
    # A 64 MB corpus, concatenated until the log reaches the size (access and app logs, CSV
    # exports and source files, in path order).
    python3 fixtures/gen/corpus.py --out "$work/corpus" --size 64MB --seed 7 --density "$density" >/dev/null
    target=$((size_mb * 1024 * 1024))
    : > "$log"
    while [ "$(stat -c %s "$log")" -lt "$target" ]; do
        for part in $parts; do
            find "$work/corpus/$part" -type f | sort | xargs cat >> "$log"
        done
    done
    truncate -s "$target" "$log"
    gzip -6 -c "$log" > "$gz"
    rm -f "$log"
    echo "$size_mb $density $parts" > "$work/size"
fi
[ -n "${PIISCAN:-}" ] || cargo build --release -q
raw=$(gzip -l "$gz" | awk 'NR == 2 { print $2 }')
# gzip -l reports the size modulo 4 GiB; the size asked for is exact.
[ "$size_mb" -ge 4096 ] && raw=$((size_mb * 1024 * 1024))
compressed=$(stat -c %s "$gz")
report=$work/time.txt
set +e
echo "+ /usr/bin/time -v $bin scan $gz --format summary --fail-on never ${ARGS:-}"
# shellcheck disable=SC2086
/usr/bin/time -v "$bin" scan "$gz" --format summary --fail-on never ${ARGS:-} \
    -o "$work/summary.txt" 2> "$report"
status=$?
set -e
grep -v '^\s' "$report" | grep -v '^Command' || true
[ "$status" -eq 0 ] || { echo "piiscan exited $status" >&2; cat "$report" >&2; exit 1; }
python3 - "$report" "$raw" "$compressed" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
raw, compressed = int(sys.argv[2]), int(sys.argv[3])
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
print(f"input:      {compressed / 1e6:.1f} MB gzip, {raw / 1e6:.1f} MB decompressed")
print(f"wall:       {secs:.2f} s (user {user:.2f} s)")
print(f"throughput: {raw / secs / 1e6:.1f} MB/s of decompressed text")
print(f"peak RSS:   {rss_kb / 1024:.1f} MiB")
if rss_kb > 100 * 1024:
    print("FAIL: peak RSS over 100 MB")
    sys.exit(1)
PY
head -5 "$work/summary.txt"
