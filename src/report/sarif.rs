//! SARIF 2.1.0, shaped for GitHub code scanning (docs/ci.md shows the upload).
//!
//! The log has one run:
//!
//! - `tool.driver`: `name` "piiscan", `version` and `semanticVersion` (the crate version),
//!   `informationUri` (the crate's homepage) and one `rules[]` entry per rule of the rule set, in
//!   rule-set order: `id`, `name` (the id in PascalCase, `CreditCard`; left out when that
//!   differs from the id only in case, as SARIF asks), `shortDescription` (the rule's name),
//!   `fullDescription` (its description, whitespace collapsed), `help` (text and Markdown: what
//!   the identifier is, its policy categories with the policy's wording or a plain statement that
//!   the policy does not declare it, and how to suppress a finding), `defaultConfiguration.level`
//!   (from the rule's base confidence) and `properties`: `tags` (`privacy`, `pii`, the category
//!   ids), `precision` and `security-severity` (see [`security_severity`]). Every text is at
//!   most 1024 characters, GitHub's limit.
//! - `results[]`, in path then offset order: `ruleId`, `ruleIndex`, `level` (high -> error,
//!   medium -> warning, low -> note), `message.text` (`Email address (contact-information):
//!   j***@e******.com`: the redacted value, or the raw value only with `--redact none`), one
//!   location (`uri` relative to `%SRCROOT%`, the working directory, with forward slashes and
//!   percent-encoding; an absolute `file://` URI for paths outside it) whose region counts
//!   columns in UTF-16 code units (SARIF's default `columnKind`), `partialFingerprints`
//!   (`primaryLocationLineHash` and `piiscan/v1`, both the value-free fingerprint) and
//!   `properties` (`confidence`, `categories`).
//! - `invocations[0]`: `executionSuccessful` and one `toolExecutionNotifications[]` warning per
//!   input not scanned or not scanned to the end (`path: reason`), plus one when results were
//!   left out for GitHub's limit.
//! - `automationDetails.id` with `--sarif-category`; `originalUriBaseIds["%SRCROOT%"]`.
//!
//! GitHub rejects a run with more than 25,000 results, so at most [`MAX_RESULTS`] are written:
//! the highest confidence first, then path and offset order. Only that many are held in memory,
//! and the scanning threads do not send the findings that cannot be among them ([`Uses::Best`]).

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use super::{Reporter, RunInfo, Totals, Uses};
use crate::finding::{Confidence, Finding};
use crate::rules::Policy;
use crate::scan::{CompiledRule, RuleSet};

/// Most results GitHub code scanning accepts in one run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub's limit on rule descriptions.
const MAX_TEXT: usize = 1024;
/// GitHub's limit on tags per rule.
const MAX_TAGS: usize = 20;
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// Validators that check a checksum: a match that passes is very unlikely to be chance.
const CHECKSUM_VALIDATORS: &[&str] = &[
    "credit-card",
    "iban",
    "luhn",
    "imei",
    "aba-routing",
    "ca-sin",
    "aadhaar",
];

/// What a result needs of a finding (values only as already redacted).
struct Kept {
    /// Arrival order: path, then offset.
    seq: u64,
    rule: usize,
    path: Arc<str>,
    line: u64,
    column_utf16: u64,
    length_utf16: u64,
    confidence: Confidence,
    /// The redacted value, or the raw one with `--redact none`.
    shown: String,
    fingerprint: crate::finding::Fingerprint,
}

pub struct Sarif {
    out: Box<dyn Write + Send>,
    /// Kept findings by confidence (low, medium, high), each in arrival order.
    kept: [Vec<Kept>; 3],
    /// Findings received so far: the next one's arrival number.
    arrived: u64,
    /// The confidence levels no later finding can be kept at ([`Uses::Best`]).
    floor: Arc<AtomicUsize>,
}

impl Sarif {
    pub fn new(out: Box<dyn Write + Send>) -> Sarif {
        Sarif {
            out,
            kept: Default::default(),
            arrived: 0,
            floor: Arc::default(),
        }
    }

    fn keep(&mut self, k: Kept) {
        self.kept[k.confidence as usize].push(k);
        let held: usize = self.kept.iter().map(Vec::len).sum();
        if held > MAX_RESULTS {
            // Drop the last arrival of the lowest confidence present: what remains is always the
            // MAX_RESULTS best by (confidence, then path and offset order).
            if let Some(lowest) = self.kept.iter_mut().find(|v| !v.is_empty()) {
                lowest.pop();
            }
        }
        // A later finding ranks below every kept one of its confidence: at a level with
        // MAX_RESULTS kept at or above it, it would be dropped at once.
        let mut at_or_above = 0;
        for level in (0..self.kept.len()).rev() {
            at_or_above += self.kept[level].len();
            if at_or_above >= MAX_RESULTS {
                self.floor.fetch_max(level + 1, Ordering::Relaxed);
                break;
            }
        }
    }

    fn kept_in_order(&mut self) -> Vec<Kept> {
        let mut all: Vec<Kept> = self.kept.iter_mut().flat_map(std::mem::take).collect();
        all.sort_by_key(|k| k.seq);
        all
    }
}

impl Reporter for Sarif {
    fn uses(&self) -> Uses {
        Uses::Best {
            n: MAX_RESULTS,
            floor: self.floor.clone(),
        }
    }

    fn findings(&mut self, _run: &RunInfo, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            let seq = self.arrived;
            self.arrived += 1;
            self.keep(Kept {
                seq,
                rule: f.rule,
                path: f.path.clone(),
                line: f.line,
                column_utf16: f.column_utf16,
                length_utf16: f.length_utf16,
                confidence: f.confidence,
                shown: f.value.clone().unwrap_or_else(|| f.redacted.clone()),
                fingerprint: f.fingerprint,
            });
        }
        Ok(())
    }

    fn finish(&mut self, run: &RunInfo, totals: &Totals) -> io::Result<()> {
        let cwd = std::env::current_dir().ok();
        let (descriptors, index) = rule_descriptors(run.rules);
        let kept = self.kept_in_order();

        let mut notifications: Vec<Value> = totals
            .skipped
            .iter()
            .map(|s| {
                let mut n = json!({
                    "level": "warning",
                    "message": { "text": format!("{}: {}", s.path, s.reason) },
                });
                if !s.path.starts_with('<') {
                    n["locations"] = json!([{
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&s.path, cwd.as_deref())
                        }
                    }]);
                }
                n
            })
            .collect();
        // Every finding counts, including those the scanning threads did not send (`Uses`).
        let found = totals.findings;
        let dropped = found.saturating_sub(kept.len() as u64);
        if dropped > 0 {
            notifications.push(json!({
                "level": "warning",
                "message": { "text": format!(
                    "{dropped} of {} results were left out: GitHub code scanning accepts at most \
                     {MAX_RESULTS} per run, so the {MAX_RESULTS} with the highest confidence are \
                     kept (then in path order); use --format json for every finding",
                    found
                ) },
            }));
        }
        let mut invocation = json!({ "executionSuccessful": true });
        if !notifications.is_empty() {
            invocation["toolExecutionNotifications"] = Value::Array(notifications);
        }

        let mut driver = json!({
            "name": "piiscan",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": descriptors,
        });
        let homepage = env!("CARGO_PKG_HOMEPAGE");
        if !homepage.is_empty() {
            driver["informationUri"] = Value::from(homepage);
        }

        let doc = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [RunJson {
                tool: json!({ "driver": driver }),
                automation_details: run
                    .sarif_category
                    .map(|c| json!({ "id": automation_id(c) })),
                original_uri_base_ids: cwd
                    .as_deref()
                    .map(|d| json!({ SRCROOT: { "uri": dir_uri(d) } })),
                column_kind: "utf16CodeUnits",
                invocations: [invocation],
                results: Results {
                    kept: &kept,
                    rules: run.rules,
                    index: &index,
                    cwd: cwd.as_deref(),
                },
            }],
        };
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [RunJson<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunJson<'a> {
    tool: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<Value>,
    column_kind: &'static str,
    invocations: [Value; 1],
    results: Results<'a>,
}

/// The results array, serialized one result at a time.
struct Results<'a> {
    kept: &'a [Kept],
    rules: &'a RuleSet,
    /// Rule-set index -> index in `tool.driver.rules`.
    index: &'a [usize],
    cwd: Option<&'a Path>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.kept.len()))?;
        let mut location: Option<(&str, Value)> = None;
        for k in self.kept {
            if location.as_ref().is_none_or(|(p, _)| *p != &*k.path) {
                location = Some((&k.path, artifact_location(&k.path, self.cwd)));
            }
            let artifact = &location.as_ref().expect("set above").1;
            let rule = &self.rules.rules[k.rule];
            seq.serialize_element(&json!({
                "ruleId": rule.rule.id,
                "ruleIndex": self.index[k.rule],
                "level": level(k.confidence),
                "message": { "text": format!(
                    "{} ({}): {}", rule.rule.name, rule.categories.join(", "), k.shown
                ) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": k.line,
                            "startColumn": k.column_utf16,
                            "endLine": k.line,
                            "endColumn": k.column_utf16 + k.length_utf16,
                        }
                    }
                }],
                "partialFingerprints": {
                    "primaryLocationLineHash": k.fingerprint,
                    "piiscan/v1": k.fingerprint,
                },
                "properties": {
                    "confidence": k.confidence.as_str(),
                    "categories": rule.categories,
                },
            }))?;
        }
        seq.end()
    }
}

fn level(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

/// `automationDetails.id`: a hierarchical string whose last component identifies the run and
/// whose other components are its category (SARIF 2.1.0 §3.17.4). An id without `/` would be a
/// run id with no category at all, so a bare category gets the trailing `/` that marks "this
/// category, no run id"; GitHub keys analyses on the category part.
fn automation_id(category: &str) -> String {
    if category.contains('/') {
        category.to_string()
    } else {
        format!("{category}/")
    }
}

/// One `reportingDescriptor` per distinct rule id, in rule-set order, and for every rule in the
/// set the index of its descriptor.
fn rule_descriptors(set: &RuleSet) -> (Vec<Value>, Vec<usize>) {
    let mut descriptors: Vec<Value> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    let mut index = Vec::with_capacity(set.rules.len());
    for c in &set.rules {
        match ids.iter().position(|id| *id == c.rule.id) {
            Some(i) => index.push(i),
            None => {
                index.push(ids.len());
                ids.push(&c.rule.id);
                descriptors.push(rule_descriptor(c, &set.policy));
            }
        }
    }
    (descriptors, index)
}

fn rule_descriptor(c: &CompiledRule, policy: &Policy) -> Value {
    let r = &c.rule;
    let mut tags: Vec<&str> = vec!["privacy", "pii"];
    for cat in &c.categories {
        if !tags.contains(&cat.as_str()) {
            tags.push(cat);
        }
    }
    tags.truncate(MAX_TAGS);
    let precision = if r
        .validator
        .as_deref()
        .is_some_and(|v| CHECKSUM_VALIDATORS.contains(&v))
    {
        "very-high"
    } else {
        r.confidence.as_str()
    };
    let (help_text, help_markdown) = help(c, policy);
    let mut descriptor = json!({
        "id": r.id,
        "shortDescription": { "text": fit(r.name.trim(), MAX_TEXT) },
        "fullDescription": { "text": fit(&collapse(&r.description), MAX_TEXT) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(r.confidence) },
        "properties": {
            "tags": tags,
            "precision": precision,
            "security-severity": format!("{:.1}", security_severity(&c.categories)),
        },
    });
    // SARIF wants `name` to differ from `id`: a one-word id (`email` -> `Email`) gets none.
    let name = pascal_case(&r.id);
    if !name.eq_ignore_ascii_case(&r.id) {
        descriptor["name"] = Value::from(name);
    }
    descriptor
}

/// GitHub's `security-severity` for a rule: the highest over its (classified) categories.
///
/// | category | severity |
/// |---|---|
/// | `undeclared:*` (personal data the policy does not declare, such as national ids) | 8.5 |
/// | `payment-information`, `account-credentials` | 8.0 |
/// | `contact-information`, `device-identifiers`, `geolocation-data` | 5.0 |
/// | any other | 3.0 |
pub fn security_severity(categories: &[String]) -> f64 {
    categories
        .iter()
        .map(|c| match c.as_str() {
            c if c.starts_with("undeclared:") => 8.5,
            "payment-information" | "account-credentials" => 8.0,
            "contact-information" | "device-identifiers" | "geolocation-data" => 5.0,
            _ => 3.0,
        })
        .fold(3.0, f64::max)
}

/// `help.text` and `help.markdown`, each within GitHub's 1024 characters: the policy's wording
/// is shortened first, then left out, before anything is cut.
fn help(c: &CompiledRule, policy: &Policy) -> (String, String) {
    for limit in [usize::MAX, 200, 100, 0] {
        let (text, md) = help_with(c, policy, limit);
        if text.chars().count() <= MAX_TEXT && md.chars().count() <= MAX_TEXT {
            return (text, md);
        }
    }
    let (text, md) = help_with(c, policy, 0);
    (fit(&text, MAX_TEXT), fit(&md, MAX_TEXT))
}

fn help_with(c: &CompiledRule, policy: &Policy, wording_limit: usize) -> (String, String) {
    let r = &c.rule;
    let what = first_sentence(&collapse(&r.description));
    let mut text = format!(
        "{} ({}): {what}\n\nPolicy categories:\n",
        r.name.trim(),
        r.id
    );
    let mut md = format!(
        "**{}** (`{}`): {}\n\n**Policy categories**\n\n",
        md_escape(r.name.trim()),
        r.id,
        md_escape(&what)
    );
    for cat in &c.categories {
        match cat.strip_prefix("undeclared:") {
            Some(kind) => {
                text.push_str(&format!(
                    "- {cat}: NOT declared by the policy. \"{}\" does not say that it collects \
                     {kind} data, so this is personal data the policy never discloses.\n",
                    policy.title
                ));
                md.push_str(&format!(
                    "- `{cat}`: **not declared by the policy**. *{}* does not say that it \
                     collects {} data, so this is personal data the policy never discloses.\n",
                    md_escape(&policy.title),
                    md_escape(kind)
                ));
            }
            None => {
                let (name, section, wording) = match policy.get(cat) {
                    Some(p) => (p.name.as_str(), p.section.as_str(), p.wording.as_str()),
                    None => (cat.as_str(), "", ""),
                };
                let wording = shorten(collapse(wording).trim_end_matches('.'), wording_limit);
                let place = if section.is_empty() {
                    String::new()
                } else {
                    format!(" ({section})")
                };
                text.push_str(&format!("- {cat}: declared by the policy{place}"));
                md.push_str(&format!(
                    "- `{cat}`: declared by the policy{}",
                    md_escape(&place)
                ));
                if wording.is_empty() {
                    text.push_str(&format!(" as \"{name}\".\n"));
                    md.push_str(&format!(" as *{}*.\n", md_escape(name)));
                } else {
                    text.push_str(&format!(". Policy wording: \"{wording}\"\n"));
                    md.push_str(&format!(
                        ". Policy wording: *\"{}\"*\n",
                        md_escape(&wording)
                    ));
                }
            }
        }
    }
    let id = &r.id;
    text.push_str(&format!(
        "\nTo suppress a finding: put a piiscan:ignore comment on its line (piiscan:ignore[{id}] \
         for this rule only); record accepted findings in a baseline (piiscan baseline . \
         --output FILE, then scan with --baseline FILE); or raise --min-confidence, or disable \
         the rule, in .piiscan.toml."
    ));
    md.push_str(&format!(
        "\n**To suppress a finding**\n\n\
         - a `piiscan:ignore` comment on its line, or `piiscan:ignore[{id}]` for this rule only;\n\
         - a baseline of accepted findings: `piiscan baseline . --output FILE`, then scan with \
         `--baseline FILE`;\n\
         - `--min-confidence`, or disabling the rule, in `.piiscan.toml`.\n"
    ));
    (text, md)
}

/// `credit-card` -> `CreditCard`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_string(),
        None => s.to_string(),
    }
}

/// At most `max` characters, ending in an ellipsis when cut.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Like [`fit`], but cut at a word boundary; `0` leaves nothing.
fn shorten(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > 0 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Where a path is, for SARIF: relative to `%SRCROOT%` (the working directory) when it is
/// inside it, else an absolute `file://` URI.
fn artifact_location(path: &str, cwd: Option<&Path>) -> Value {
    if is_absolute(path) {
        return json!({ "uri": file_uri(path) });
    }
    if Path::new(path)
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        if let Some(cwd) = cwd {
            let abs = normalize(&cwd.join(path));
            return json!({ "uri": file_uri(&slashes(&abs)) });
        }
    }
    json!({ "uri": encode_path(path), "uriBaseId": SRCROOT })
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
        || path.starts_with("//")
}

/// `file://` URI of an absolute path (`/`-separated; `C:/...` on Windows).
fn file_uri(path: &str) -> String {
    let b = path.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        format!("file:///{}:{}", &path[..1], encode_path(&path[2..]))
    } else {
        format!("file://{}", encode_path(path))
    }
}

/// The working directory as a `file://` URI ending in `/`.
fn dir_uri(dir: &Path) -> String {
    let mut uri = file_uri(&slashes(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// `a/b/../c` -> `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Percent-encode (UTF-8) every byte that may not appear literally in a URI path: spaces,
/// non-ASCII, `%`, `?`, `#`, `[`, `]`, `:` (which would read as a scheme) and the like.
fn encode_path(path: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_of_ids() {
        assert_eq!(pascal_case("credit-card"), "CreditCard");
        assert_eq!(pascal_case("email"), "Email");
        assert_eq!(pascal_case("us-ssn"), "UsSsn");
        assert_eq!(pascal_case("ipv4"), "Ipv4");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode_path("logs/a b.txt"), "logs/a%20b.txt");
        assert_eq!(encode_path("zoë/x#1%.log"), "zo%C3%AB/x%231%25.log");
        assert_eq!(encode_path("a:b"), "a%3Ab");
        assert_eq!(file_uri("/tmp/a b"), "file:///tmp/a%20b");
        assert_eq!(file_uri("C:/Users/zoë"), "file:///C:/Users/zo%C3%AB");
        assert_eq!(dir_uri(Path::new("/work")), "file:///work/");
        assert_eq!(dir_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn locations_relative_absolute_and_outside() {
        let cwd = Path::new("/repo/sub");
        assert_eq!(
            artifact_location("src/a.rs", Some(cwd)),
            json!({"uri": "src/a.rs", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/etc/x", Some(cwd)),
            json!({"uri": "file:///etc/x"})
        );
        assert_eq!(
            artifact_location("../other/x", Some(cwd)),
            json!({"uri": "file:///repo/other/x"})
        );
    }

    #[test]
    fn severity_is_the_highest_category() {
        let s = |cats: &[&str]| {
            security_severity(&cats.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(s(&["undeclared:national-id"]), 8.5);
        assert_eq!(s(&["payment-information"]), 8.0);
        assert_eq!(s(&["account-credentials"]), 8.0);
        assert_eq!(s(&["device-identifiers", "geolocation-data"]), 5.0);
        assert_eq!(s(&["contact-information"]), 5.0);
        assert_eq!(s(&["demographic-data"]), 3.0);
        assert_eq!(s(&["demographic-data", "undeclared:passport"]), 8.5);
    }

    #[test]
    fn automation_ids_name_a_category() {
        assert_eq!(automation_id("piiscan"), "piiscan/");
        assert_eq!(automation_id("piiscan/src/"), "piiscan/src/");
        assert_eq!(automation_id("piiscan/2024-05-01"), "piiscan/2024-05-01");
    }

    /// A kept finding: the `seq`-th to arrive.
    fn kept(seq: u64, confidence: Confidence) -> Kept {
        Kept {
            seq,
            rule: 0,
            path: Arc::from("a"),
            line: seq + 1,
            column_utf16: 1,
            length_utf16: 1,
            confidence,
            shown: String::new(),
            fingerprint: Default::default(),
        }
    }

    #[test]
    fn findings_the_scanning_threads_pass_over_are_never_among_the_results() {
        let set = RuleSet::built_in();
        let run = RunInfo {
            rules: &set,
            color: false,
            sarif_category: None,
            paths: &[],
            started: std::time::SystemTime::now(),
            min_confidence: Confidence::Low,
            finding_heads: Vec::new(),
        };
        // Three inputs of runs of each confidence: past the cap, findings are passed over by
        // their own input's count or by the reporter's floor, or kept in place of lower ones.
        let conf = |i: u64| match (i / 7 + i % 5) % 3 {
            0 => Confidence::Low,
            1 => Confidence::Medium,
            _ => Confidence::High,
        };
        let n = 3 * MAX_RESULTS as u64;
        let paths: Vec<Arc<str>> = (0..3).map(|i| Arc::from(format!("in{i}"))).collect();
        let findings: Vec<Finding> = (0..n)
            .map(|i| Finding {
                path: paths[(i * 3 / n) as usize].clone(),
                line: i + 1,
                confidence: conf(i),
                ..Finding::default()
            })
            .collect();
        // The writer's reporter, fed what a scanning thread sends it, batch by batch.
        let mut reported = Sarif::new(Box::new(io::sink()));
        let mut passed = crate::report::Passed::new(reported.uses(), &set);
        for batch in findings.chunks(4096) {
            let sent: Vec<Finding> = batch.iter().filter(|f| passed.send(f)).cloned().collect();
            reported.findings(&run, &sent).unwrap();
        }
        let mut every = Sarif::new(Box::new(io::sink()));
        every.findings(&run, &findings).unwrap();
        let lines =
            |s: &mut Sarif| -> Vec<u64> { s.kept_in_order().iter().map(|k| k.line).collect() };
        // Once the cap is full, no low finding is sent, and no medium one once it holds
        // MAX_RESULTS medium or high: 48,211 of the 75,000 here.
        assert!(
            reported.arrived < n * 2 / 3,
            "{} of {n} findings sent",
            reported.arrived
        );
        assert_eq!(lines(&mut reported), lines(&mut every));
    }

    #[test]
    fn the_cap_keeps_the_highest_confidence_then_the_earliest() {
        let mut s = Sarif::new(Box::new(io::sink()));
        let conf = |i: u64| match i % 3 {
            0 => Confidence::Low,
            1 => Confidence::Medium,
            _ => Confidence::High,
        };
        let n = MAX_RESULTS as u64 + 100;
        for i in 0..n {
            s.arrived += 1;
            s.keep(kept(i, conf(i)));
        }
        let kept = s.kept_in_order();
        assert_eq!(kept.len(), MAX_RESULTS);
        assert!(kept.windows(2).all(|w| w[0].seq < w[1].seq));
        // Every high and medium one survives; the low ones lost are the last.
        let low: Vec<u64> = kept
            .iter()
            .filter(|k| k.confidence == Confidence::Low)
            .map(|k| k.seq)
            .collect();
        let all_low = (0..n).filter(|i| i % 3 == 0).count();
        assert_eq!(low.len(), all_low - 100);
        assert_eq!(low.last(), Some(&(3 * (low.len() as u64 - 1))));
    }

    #[test]
    fn help_fits_and_says_when_a_category_is_undeclared() {
        let set = RuleSet::built_in();
        for c in &set.rules {
            let (text, md) = help(c, &set.policy);
            assert!(text.chars().count() <= MAX_TEXT, "{}: {text}", c.rule.id);
            assert!(md.chars().count() <= MAX_TEXT, "{}: {md}", c.rule.id);
            assert!(text.contains("piiscan:ignore[") && text.contains("baseline"));
            if c.categories.iter().any(|c| c.starts_with("undeclared:")) {
                assert!(text.contains("NOT declared by the policy"), "{text}");
            } else {
                assert!(text.contains("declared by the policy"), "{text}");
            }
        }
    }
}
