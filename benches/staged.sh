#!/usr/bin/env bash
# How long `piiscan scan --staged` takes with 20 staged files in a repository of 100,000 files.
# It must not walk the tree: only git's list of staged changes is read.
#
#   bash benches/staged.sh [files] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-100000}
runs=${2:-20}
cargo build --release -q
bin=$(pwd)/target/release/piiscan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q -b main
git config user.email dev@piiscan.invalid
git config user.name dev
python3 - "$files" <<'PY'
import os, sys
n = int(sys.argv[1])
for i in range(n):
    d = f"src/m{i // 1000:03d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i}.py", "w") as f:
        f.write(f"def f{i}():\n    return {i}\n" * 20)
PY
git add -A
git commit -qm "tree" --no-verify
for i in $(seq 0 19); do
    f="src/m$(printf %03d $((i * 5)))/f$((i * 5000)).py"
    printf 'contact = "user%d@fabrikam-mail.com"\n' "$i" >> "$f"
done
git add -A
echo "repository: $files files, 20 staged"
hyperfine --warmup 3 --runs "$runs" -i -N "$bin scan --staged --color never"
