#!/usr/bin/env bash
# Validate piiscan's SARIF with Microsoft's SARIF Multitool, using the SARIF specification's
# rules and GitHub code scanning's ingestion rules ("Gh;Sarif"). Fails when the multitool
# reports an error; prints its warnings and notes. Needs npm (registry access), python3, cargo.
#
#   bash .ci/checks/sarif-multitool.sh              # scan fixtures/tree and validate the SARIF
#   bash .ci/checks/sarif-multitool.sh FILE.sarif   # validate FILE instead
set -euo pipefail

given=""
if [ $# -gt 0 ]; then
    given="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
fi
cd "$(dirname "$0")/../.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "sarif-multitool: installing @microsoft/sarif-multitool"
npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool >/dev/null

# @microsoft/sarif-multitool is a small wrapper; the per-platform package it depends on
# (@microsoft/sarif-multitool-linux, -darwin) holds a self-contained executable,
# Sarif.Multitool. Its postinstall script (chmod u+x) may not have run, so do it here.
case "$(uname -s)" in
    Linux) platform=linux ;;
    Darwin) platform=darwin ;;
    *)
        echo "sarif-multitool: unsupported platform $(uname -s)" >&2
        exit 1
        ;;
esac
multitool="$tmp/node_modules/@microsoft/sarif-multitool-$platform/Sarif.Multitool"
if [ ! -f "$multitool" ]; then
    echo "sarif-multitool: $multitool not found; the package layout changed:" >&2
    ls -R "$tmp/node_modules/@microsoft" >&2 || true
    exit 1
fi
chmod u+x "$multitool"
# .NET wants ICU for culture data; run in invariant mode where libicu is missing.
if ! ldconfig -p 2>/dev/null | grep libicu >/dev/null; then
    export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
fi

if [ -n "$given" ]; then
    sarif="$given"
else
    echo "sarif-multitool: building piiscan"
    cargo build --quiet --bin piiscan
    bin="$(pwd)/target/debug/piiscan"
    sarif="$tmp/piiscan.sarif"
    (cd fixtures/tree && "$bin" scan . --format sarif --output "$sarif" --fail-on never \
        --sarif-category piiscan 2>/dev/null)
fi

# Multitool 5.x spells "--force" as "--log ForceOverwrite". --log takes a list, so the file to
# validate goes before it. The exit code is 0 even when the validated log has errors: the
# verdict is in the output log, read below.
echo "sarif-multitool: validating $(basename "$sarif")"
if ! "$multitool" validate "$sarif" --rule-kind "Gh;Sarif" --output "$tmp/validation.sarif" \
    --log ForceOverwrite >"$tmp/multitool.log" 2>&1; then
    cat "$tmp/multitool.log" >&2
    echo "sarif-multitool: the multitool itself failed" >&2
    exit 1
fi

python3 - "$tmp/validation.sarif" <<'PY'
import json
import re
import sys

with open(sys.argv[1], encoding="utf-8-sig") as f:
    log = json.load(f)

counts = {}
errors = 0
for run in log.get("runs", []):
    rules = {r["id"]: r for r in run["tool"]["driver"].get("rules") or []}
    for result in run.get("results") or []:
        rule = rules.get(result.get("ruleId"), {})
        # A result without a level has its rule's default level, else "warning".
        level = result.get("level") or rule.get("defaultConfiguration", {}).get("level", "warning")
        counts[level] = counts.get(level, 0) + 1
        message = result.get("message", {})
        text = message.get("text")
        if text is None:
            strings = rule.get("messageStrings", {})
            template = strings.get(message.get("id"), {}).get("text", "{0}")
            args = message.get("arguments") or []
            text = re.sub(
                r"\{(\d+)\}",
                lambda m: args[int(m.group(1))] if int(m.group(1)) < len(args) else m.group(0),
                template,
            )
        print(f"  {level}: {result.get('ruleId')}: {text}")
        if level == "error":
            errors += 1
    for invocation in run.get("invocations") or []:
        for n in invocation.get("toolExecutionNotifications") or []:
            if n.get("level") == "error":
                print(f"  tool error: {n.get('message', {}).get('text')}")
                errors += 1

summary = ", ".join(f"{n} {level}" for level, n in sorted(counts.items()))
print(f"sarif-multitool: {summary or 'no errors, warnings or notes'}")
sys.exit(1 if errors else 0)
PY
