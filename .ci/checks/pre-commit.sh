#!/usr/bin/env bash
# End-to-end check with the real pre-commit framework: a throwaway repository whose
# .pre-commit-config.yaml points at this checkout. A commit adding an email address must be
# blocked (non-zero exit, message naming the finding); a clean commit must pass.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "pre-commit==4.0.1"
export PRE_COMMIT_HOME="$work/cache"
# pre-commit builds the hook with `cargo install` (a release build): make that build quick, the
# check is about the hook's behaviour, not its speed.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=0

# pre-commit clones the hook repository at `rev`: make sure HEAD holds this tree's hook file.
rev=$(git -C "$here" rev-parse HEAD)

repo="$work/repo"
mkdir "$repo"
cd "$repo"
git init -q -b main
git config user.email dev@piiscan.invalid
git config user.name dev
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: piiscan
YAML
git add .pre-commit-config.yaml
git commit -qm "config" --no-verify
"$work/venv/bin/pre-commit" install >/dev/null

echo "print('hello')" > clean.py
git add clean.py
if ! git commit -qm "clean" > "$work/clean.log" 2>&1; then
    cat "$work/clean.log"
    echo "FAIL: a clean commit was blocked"
    exit 1
fi
echo "ok: a clean commit passes"

echo "OWNER = 'jane.roe@fabrikam-mail.com'" > settings.py
git add settings.py
if git commit -qm "leak" > "$work/leak.log" 2>&1; then
    cat "$work/leak.log"
    echo "FAIL: a commit adding an email address was not blocked"
    exit 1
fi
# The hook colours its output; compare the plain text.
sed 's/\x1b\[[0-9;]*m//g' "$work/leak.log" > "$work/leak.txt"
if ! grep -q "settings.py:1:10 email contact-information" "$work/leak.txt"; then
    cat "$work/leak.log"
    echo "FAIL: the message does not name the finding"
    exit 1
fi
if grep -q "jane.roe@fabrikam-mail.com" "$work/leak.log"; then
    echo "FAIL: the hook printed the raw value"
    exit 1
fi
echo "ok: a commit adding an email address is blocked and the finding is named (redacted)"
