#!/usr/bin/env bash
# Open piiscan's HTML report in a real browser (headless Chromium) and check what it shows:
# every category of the JSON summary of the same scan with the same counts, every category of
# the policy, the undeclared panel first, the inline script ran under the page's CSP, and no
# element points anywhere remote. Then take a screenshot (1280x2000) of it.
#
#   bash .ci/checks/html-chromium.sh                # check; the screenshot goes to a temp dir
#   bash .ci/checks/html-chromium.sh --update-docs  # also write docs/report.png
#
# Installs Debian's chromium when it is missing (apt-get; run as root, as CI does).
set -euo pipefail

update_docs=0
for arg in "$@"; do
    case "$arg" in
        --update-docs) update_docs=1 ;;
        *)
            echo "html-chromium: unknown argument $arg (use --update-docs)" >&2
            exit 2
            ;;
    esac
done
cd "$(dirname "$0")/../.."
root="$(pwd)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! command -v chromium >/dev/null 2>&1; then
    echo "html-chromium: installing chromium"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            echo "html-chromium: chromium is missing and this is not root; install it first" >&2
            exit 1
        fi
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
echo "html-chromium: $(chromium --version 2>/dev/null || echo chromium)"

echo "html-chromium: building piiscan"
cargo build --quiet --bin piiscan
bin="$root/target/debug/piiscan"

# The same scan twice: the page and the JSON summary it must agree with.
(cd fixtures/tree && "$bin" scan . --format html --output "$tmp/report.html" --fail-on never 2>/dev/null)
(cd fixtures/tree && "$bin" scan . --format json --output "$tmp/report.json" --fail-on never 2>/dev/null)

chrome() {
    # Each run gets its own fresh profile; nothing is fetched in the background.
    chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-quic --user-data-dir="$(mktemp -d -p "$tmp")" "$@" 2>"$tmp/chromium.log"
}

echo "html-chromium: rendering the report"
if ! chrome --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" || [ ! -s "$tmp/dom.html" ]; then
    cat "$tmp/chromium.log" >&2
    echo "html-chromium: chromium did not render the page" >&2
    exit 1
fi

python3 - "$tmp/dom.html" "$tmp/report.json" "$root/rules/policy.toml" <<'PY'
import html.parser
import json
import sys
import tomllib

dom_path, json_path, policy_path = sys.argv[1:4]
with open(dom_path, encoding="utf-8") as f:
    dom = f.read()
with open(json_path, encoding="utf-8") as f:
    summary = json.load(f)["summary"]
with open(policy_path, "rb") as f:
    policy = tomllib.load(f)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(html.parser.HTMLParser):
    """Collects the text of the page, and of every element with data-category."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.rows = {}  # category id -> (attributes, text parts, order)
        self.open = []  # stack of (tag, category id or None)
        self.html_attrs = {}
        self.remote = []
        self.in_script_or_style = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = (attrs.get(name) or "").strip().lower()
            if value.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:")):
                self.remote.append(f"<{tag} {name}={value}>")
        if tag in VOID:
            return
        cat = attrs.get("data-category")
        if cat is not None:
            if cat in self.rows:
                raise SystemExit(f"html-chromium: category {cat} has two rows")
            self.rows[cat] = (attrs, [], len(self.rows))
        if tag in ("script", "style"):
            self.in_script_or_style += 1
        self.open.append((tag, cat))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.open:
            name, _ = self.open.pop()
            if name in ("script", "style"):
                self.in_script_or_style -= 1
            if name == tag:
                break

    def handle_data(self, data):
        if self.in_script_or_style:
            return
        self.text.append(data)
        for _, cat in self.open:
            if cat is not None:
                self.rows[cat][1].append(data)


page = Page()
page.feed(dom)
page.close()
text = " ".join(" ".join(page.text).split())
problems = []

if page.html_attrs.get("data-script") != "ready":
    problems.append("the inline script did not run (blocked by the CSP, or an error)")
if page.remote:
    problems.append("remote references: " + ", ".join(page.remote))

# Every category of the policy, by its name, with a row of its own.
for cat in policy["category"]:
    if cat["name"] not in text:
        problems.append(f"policy category name {cat['name']!r} is not shown")
    if cat["id"] not in page.rows:
        problems.append(f"policy category {cat['id']} has no row")

# Every category of the JSON summary, with its counts, shown as text in its row.
def shown(n):
    return f"{n:,}"

for cid, t in summary["by_category"].items():
    row = page.rows.get(cid)
    if row is None:
        problems.append(f"category {cid} of the JSON summary is not in the page")
        continue
    attrs, parts, _ = row
    row_text = " ".join(" ".join(parts).split())
    if cid not in row_text:
        problems.append(f"{cid}: its id is not shown in its row")
    for attr, key in [("data-findings", "findings"), ("data-distinct", "distinct_values"),
                      ("data-high", "high"), ("data-medium", "medium"), ("data-low", "low")]:
        if attrs.get(attr) != str(t[key]):
            problems.append(f"{cid}: {attr}={attrs.get(attr)} but the JSON summary says {t[key]}")
    for label, key in [("", "findings"), ("", "distinct_values"), (" high", "high"),
                       (" medium", "medium"), (" low", "low")]:
        if f"{shown(t[key])}{label}" not in row_text:
            problems.append(f"{cid}: {key} {t[key]} is not shown in its row: {row_text!r}")
    if cid.startswith("undeclared:") and "Not declared" not in row_text:
        problems.append(f"{cid}: not marked as not declared")

# Undeclared categories come before every declared one.
order = {cid: row[2] for cid, row in page.rows.items()}
undeclared = [order[c] for c in order if c.startswith("undeclared:")]
declared = [order[c] for c in order if not c.startswith("undeclared:")]
if undeclared and declared and max(undeclared) > min(declared):
    problems.append("an undeclared category is listed after a declared one")
if undeclared and "Not declared in the privacy policy" not in text:
    problems.append("the 'Not declared in the privacy policy' panel is missing")

# The header's totals.
for label, value in [("Files scanned", shown(summary["files_scanned"])),
                     ("Data scanned", shown(summary["bytes_scanned"]))]:
    if value not in text:
        problems.append(f"{label}: {value} is not shown")
for s in summary["skipped"]:
    if s["path"] not in text or s["reason"] not in text:
        problems.append(f"skipped input {s['path']} ({s['reason']}) is not shown")

if problems:
    print("html-chromium: the rendered report is wrong:", file=sys.stderr)
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    sys.exit(1)
print(f"html-chromium: {len(summary['by_category'])} categories found and "
      f"{len(policy['category'])} declared, all shown with the JSON summary's counts")
PY

echo "html-chromium: taking a screenshot"
chrome --hide-scrollbars --window-size=1280,2000 --screenshot="$tmp/report.png" \
    "file://$tmp/report.html" >/dev/null
if [ ! -s "$tmp/report.png" ]; then
    cat "$tmp/chromium.log" >&2
    echo "html-chromium: no screenshot" >&2
    exit 1
fi
if [ "$update_docs" = 1 ]; then
    cp "$tmp/report.png" docs/report.png
    echo "html-chromium: wrote docs/report.png"
else
    mkdir -p target
    cp "$tmp/report.png" target/html-report.png
    echo "html-chromium: screenshot in target/html-report.png (--update-docs writes docs/report.png)"
fi
echo "html-chromium: ok"
