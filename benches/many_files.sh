#!/usr/bin/env bash
# Peak memory and time of a whole-tree scan of many small files (default 100,000 files of
# about 1 KB, a few identifiers each), for every output format that streams.
#
#   bash benches/many_files.sh [files] [work-dir, default target/many-files]
#
# Needs python3 and GNU time (Debian package `time`). Peak RSS must stay under 100 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-100000}
work=${2:-target/many-files}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
if [ "$(cat "$work/count" 2>/dev/null)" != "$files" ]; then
    rm -rf "$work"
    mkdir -p "$work/tree"
    python3 - "$work/tree" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.log"), "w") as f:
        for j in range(8):
            f.write(f"2026-11-29T10:{j:02d}:00Z user{i}.{j}@fabrikam-mail.com from 81.2.{i % 250}.{j + 7} ok\n")
            f.write(f"2026-11-29T10:{j:02d}:01Z request served in {i % 97} ms, status 200\n")
PY
    echo "$files" > "$work/count"
fi
cargo build --release -q
bin=target/release/piiscan
bytes=$(du -sb "$work/tree" | cut -f1)
echo "$files files, $((bytes / 1000000)) MB on disk (blocks)"
for format in summary jsonl; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" \
        "$bin" scan "$work/tree" --format "$format" --fail-on never --no-progress -o /dev/null 2>/dev/null
    read -r secs rss < "$work/time.txt"
    python3 -c "
import sys
fmt, n, s, rss = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f'--format {fmt}: {s:.2f} s, {n / s:,.0f} files/s, peak RSS {rss / 1024:.1f} MiB')
if rss > 100 * 1024:
    print('FAIL: peak RSS over 100 MB'); sys.exit(1)
" "$format" "$files" "$secs" "$rss"
done
