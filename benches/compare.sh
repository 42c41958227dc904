#!/usr/bin/env bash
# piiscan vs ripgrep vs cat on the generated corpora, side by side.
#
#   bash benches/compare.sh [normal|low|source|sparse|large] [runs] [size]
#
# The corpus is generated once per density and size (default 20MB, in fixtures/corpus/DENSITY;
# other sizes in fixtures/corpus/DENSITY-SIZE, e.g. `bash benches/compare.sh normal 5 200MB`).
# `source` scans real source code instead: the crates cargo downloaded to build piiscan
# ($CARGO_HOME/registry/src, about 10,000 files), where personal data is rare. `sparse` is the
# same source code concatenated into four files of about 28 MB each (fixtures/corpus/sparse):
# large files with one finding per 60 KB, as a directory of rotated logs with little personal
# data in them. `large` is the same kind of input at about 1 GB, none of it repeated: the text
# files of the Rust toolchain's documentation, Python's standard library, the system's C
# headers and the cargo registry, as found on this machine (up to 1 GB, in eight files of
# fixtures/corpus/large), long enough that what each thread pays once (lazy-DFA states) is
# spread thin.
#
# ripgrep gets one alternation of the same detectors' regexes (from rules/*.toml), in ASCII
# mode `(?-u)` and in its default Unicode mode; piiscan also validates, scores and classifies
# every match. Needs rg and hyperfine (Debian packages ripgrep, hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
density=${1:-normal}
runs=${2:-5}
size=${3:-20MB}
if [ "$density" = source ]; then
  dir=${CARGO_HOME:-$HOME/.cargo}/registry/src
  cargo fetch -q
elif [ "$density" = sparse ]; then
  dir=fixtures/corpus/sparse
  if [ ! -d "$dir" ]; then
    cargo fetch -q
    mkdir -p "$dir"
    find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -type f \( -name '*.rs' -o -name '*.md' \
      -o -name '*.toml' -o -name '*.txt' \) -size -2M -print0 | LC_ALL=C sort -z |
      xargs -0 cat > "$dir/all"
    split -n 4 -d "$dir/all" "$dir/part"
    rm "$dir/all"
  fi
elif [ "$density" = large ]; then
  dir=fixtures/corpus/large
  if [ ! -d "$dir" ]; then
    cargo fetch -q
    stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    docs=$(rustc --print sysroot)/share/doc
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    # `head` stops reading at 1 GB and the commands before it then end on a broken pipe, as
    # they should: this pipeline's status is its last command's.
    (
      set +o pipefail
      for d in "$docs" "$stdlib" /usr/include "${CARGO_HOME:-$HOME/.cargo}/registry/src"; do
        if [ -d "$d" ]; then
          find "$d" -type f \( -name '*.html' -o -name '*.py' -o -name '*.h' -o -name '*.c' \
            -o -name '*.rs' -o -name '*.md' -o -name '*.toml' -o -name '*.txt' -o -name '*.js' \) \
            -size -2M -print0 | LC_ALL=C sort -z
        fi
      done | xargs -0 cat 2>/dev/null | head -c 1000000000 > "$dir.tmp/all"
    )
    split -n 8 -d "$dir.tmp/all" "$dir.tmp/part"
    rm "$dir.tmp/all"
    mv "$dir.tmp" "$dir"
  fi
elif [ "$size" = 20MB ]; then
  dir=fixtures/corpus/$density
else
  dir=fixtures/corpus/$density-$size
fi
[ "$density" = source ] || [ "$density" = sparse ] || [ "$density" = large ] || [ -d "$dir/logs" ] || python3 fixtures/gen/corpus.py --out "$dir" --size "$size" --seed 1 --density "$density"
cargo build --release -q
bin=target/release/piiscan
alt=$(python3 - <<'PY'
import tomllib, glob
pats = []
for f in sorted(glob.glob("rules/*.toml")):
    if f.endswith("policy.toml"):
        continue
    for r in tomllib.load(open(f, "rb"))["rule"]:
        # Rules found only through structured keys have no pattern.
        for p in ([r["pattern"]] if r.get("pattern") else []) + r.get("patterns", []):
            # One alternation may hold each group name once: the value groups become plain.
            p = p.replace("(?P<value>", "(?:").replace("(?<value>", "(?:")
            pats.append("(?:" + p + ")")
print("|".join(pats))
PY
)
patterns=$(mktemp -d)
trap 'rm -rf "$patterns"' EXIT
printf '(?-u)%s\n' "$alt" > "$patterns/ascii"
printf '%s\n' "$alt" > "$patterns/unicode"
bytes=$(du -sb "$dir" | cut -f1)
echo "corpus: $dir, $bytes bytes, $(nproc) cores"
hyperfine --warmup 1 --runs "$runs" --export-json /tmp/piiscan-compare.json \
  -n "piiscan summary" "$bin scan $dir --no-ignore --format summary -o /dev/null --fail-on never" \
  -n "piiscan jsonl" "$bin scan $dir --no-ignore --format jsonl -o /dev/null --fail-on never" \
  -n "rg --count-matches (?-u)" "rg --no-ignore --count-matches -f $patterns/ascii $dir >/dev/null || true" \
  -n "rg --json (?-u)" "rg --no-ignore --json -f $patterns/ascii $dir >/dev/null || true" \
  -n "cat" "find $dir -type f -exec cat {} + >/dev/null" >/dev/null
# ripgrep in Unicode mode is an order of magnitude slower: two runs are enough, and
# UNICODE=0 skips it (minutes on 200 MB).
echo '{"results": []}' > /tmp/piiscan-compare-unicode.json
if [ "${UNICODE:-1}" != 0 ]; then
  hyperfine --runs 2 --export-json /tmp/piiscan-compare-unicode.json \
    -n "rg --count-matches unicode" "rg --no-ignore --count-matches -f $patterns/unicode $dir >/dev/null || true" >/dev/null
fi
python3 - "$bytes" <<'PY'
import json, sys
size = int(sys.argv[1])
res = {}
for f in ("/tmp/piiscan-compare.json", "/tmp/piiscan-compare-unicode.json"):
    res.update({r["command"]: r["median"] for r in json.load(open(f))["results"]})
print(f"{'command':<28} {'median s':>9} {'MB/s':>9}")
for name, t in res.items():
    print(f"{name:<28} {t:>9.3f} {size / t / 1e6:>9.1f}")
def ratio(a, b):
    return res[b] / res[a]
print()
print(f"piiscan summary vs rg --count-matches (?-u): {ratio('piiscan summary', 'rg --count-matches (?-u)'):.2f}x")
print(f"piiscan jsonl   vs rg --json (?-u):          {ratio('piiscan jsonl', 'rg --json (?-u)'):.2f}x")
if "rg --count-matches unicode" in res:
    print(f"piiscan summary vs rg unicode:                {ratio('piiscan summary', 'rg --count-matches unicode'):.2f}x")
print(f"piiscan summary vs cat:                       {ratio('piiscan summary', 'cat'):.2f}x")
PY
