//! Precision and recall per detector on a labelled corpus written by fixtures/gen/corpus.py.
//!
//! A finding counts as a true positive when its rule is the label's kind and its byte span
//! overlaps the label's; a label counts as found when such a finding overlaps it. Every kind
//! with a pattern must reach `THRESHOLD` precision and recall at default settings. Kinds found
//! only through structured context (a JSON key or CSV column: names, cities, user ids...) have
//! the lower floor `STRUCTURED_FLOOR`: on this synthetic corpus they measure 1.0, but their
//! accuracy on real data depends on how its fields are named (docs/ACCURACY.md).
//!
//! `PIISCAN_ACCURACY_SIZE=50MB cargo test --release --test accuracy -- --nocapture` runs a
//! larger corpus and prints the table. Failure messages show locations and redacted values
//! only: the corpus is synthetic, but the harness is written as if it were not.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

/// Kinds with a pattern of their own (validated, or anchored on a key word).
const PATTERN_KINDS: &[&str] = &[
    "email",
    "phone",
    "ipv4",
    "ipv6",
    "credit-card",
    "iban",
    "us-bank-routing",
    "us-ssn",
    "uk-nino",
    "ca-sin",
    "in-aadhaar",
    "passport-number",
    "mac-address",
    "imei",
    "advertising-id",
    "android-id",
    "device-id",
    "user-agent",
    "geo-coordinates",
    "password",
    "password-hash",
    "analytics-client-id",
    "date-of-birth",
    "street-address",
];

/// Kinds found only under a JSON key or CSV/TSV column that names them.
const STRUCTURED_KINDS: &[&str] = &[
    "person-name",
    "username",
    "user-id",
    "customer-id",
    "postal-code",
    "city",
    "state",
    "country",
    "job-title",
    "company",
];

const THRESHOLD: f64 = 0.98;
const STRUCTURED_FLOOR: f64 = 0.95;

#[derive(Default, Debug)]
struct Score {
    labels: usize,
    found_labels: usize,
    findings: usize,
    true_findings: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.findings == 0 {
            1.0
        } else {
            self.true_findings as f64 / self.findings as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.labels == 0 {
            1.0
        } else {
            self.found_labels as f64 / self.labels as f64
        }
    }
}

struct Label {
    start: u64,
    end: u64,
    kind: String,
    found: bool,
}

fn generate(dir: &Path, size: &str, density: &str) -> Option<Vec<Value>> {
    let labels = dir.join("labels.jsonl");
    let status = Command::new("python3")
        .arg(root().join("fixtures/gen/corpus.py"))
        .args(["--out"])
        .arg(dir.join("corpus"))
        .args([
            "--size",
            size,
            "--seed",
            "7",
            "--density",
            density,
            "--labels",
        ])
        .arg(&labels)
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("notice: python3 could not generate the corpus ({other:?}); skipping");
            return None;
        }
    }
    let text = std::fs::read_to_string(labels).unwrap();
    Some(
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

fn evaluate(density: &str) {
    let size = std::env::var("PIISCAN_ACCURACY_SIZE").unwrap_or_else(|_| "3MB".into());
    let dir = tempfile::tempdir().unwrap();
    let Some(labels) = generate(dir.path(), &size, density) else {
        return;
    };
    let out = piiscan(&dir.path().join("corpus"))
        .args(["scan", ".", "--format", "jsonl", "--fail-on", "never"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();

    // Labels per path, sorted by offset, for overlap look-ups by binary search.
    let mut by_path: HashMap<String, Vec<Label>> = HashMap::new();
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    for l in &labels {
        let kind = l["kind"].as_str().unwrap().to_string();
        let start = l["byte_offset"].as_u64().unwrap();
        scores.entry(kind.clone()).or_default().labels += 1;
        by_path
            .entry(l["path"].as_str().unwrap().to_string())
            .or_default()
            .push(Label {
                start,
                end: start + l["length"].as_u64().unwrap(),
                kind,
                found: false,
            });
    }
    for ls in by_path.values_mut() {
        ls.sort_by_key(|l| l.start);
    }
    let longest = labels
        .iter()
        .map(|l| l["length"].as_u64().unwrap())
        .max()
        .unwrap_or(0);

    let mut false_positives: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stdout.lines() {
        let f: Value = serde_json::from_str(line).unwrap();
        let rule = f["rule"].as_str().unwrap();
        let start = f["byte_offset"].as_u64().unwrap();
        let end = start + f["length"].as_u64().unwrap();
        let score = scores.entry(rule.to_string()).or_default();
        score.findings += 1;
        let path = f["path"].as_str().unwrap();
        let mut hit = false;
        if let Some(ls) = by_path.get_mut(path) {
            // Labels starting before the finding's end and less than the longest label before
            // its start are the only ones that can overlap it.
            let hi = ls.partition_point(|l| l.start < end);
            let lo = ls.partition_point(|l| l.start + longest <= start);
            for l in &mut ls[lo..hi] {
                if l.kind == rule && start < l.end && l.start < end {
                    hit = true;
                    l.found = true;
                }
            }
        }
        if hit {
            score.true_findings += 1;
        } else {
            // Locations only: the values stay redacted even in a failure message.
            false_positives
                .entry(rule.to_string())
                .or_default()
                .push(format!(
                    "{}:{}:{} {}",
                    path,
                    f["line"],
                    f["column"],
                    f["redacted"].as_str().unwrap()
                ));
        }
    }
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, ls) in &by_path {
        for l in ls {
            if l.found {
                scores.get_mut(&l.kind).unwrap().found_labels += 1;
            } else {
                missed
                    .entry(l.kind.clone())
                    .or_default()
                    .push(format!("{path}@{}", l.start));
            }
        }
    }

    let mut failures = Vec::new();
    eprintln!("{density} density, {size}:");
    eprintln!(
        "{:<20} {:>8} {:>8} {:>9} {:>7}",
        "kind", "labels", "findings", "precision", "recall"
    );
    let kinds = PATTERN_KINDS
        .iter()
        .map(|k| (*k, THRESHOLD))
        .chain(STRUCTURED_KINDS.iter().map(|k| (*k, STRUCTURED_FLOOR)));
    for (kind, floor) in kinds {
        let s = scores.remove(kind).unwrap_or_default();
        if density == "normal" {
            assert!(s.labels > 0, "no {kind} labels in the corpus");
        }
        let (precision, recall) = (s.precision(), s.recall());
        eprintln!(
            "{kind:<20} {:>8} {:>8} {precision:>9.4} {recall:>7.4}",
            s.labels, s.findings
        );
        if precision < floor || recall < floor {
            let fp: Vec<&String> = false_positives
                .get(kind)
                .into_iter()
                .flatten()
                .take(5)
                .collect();
            let miss: Vec<&String> = missed.get(kind).into_iter().flatten().take(5).collect();
            failures.push(format!(
                "{kind}: precision {precision:.4}, recall {recall:.4} (floor {floor}); \
                 false positives e.g. {fp:?}; missed labels e.g. {miss:?}"
            ));
        }
    }
    for (rule, s) in &scores {
        if s.findings > 0 || s.labels > 0 {
            failures.push(format!(
                "rule {rule} has {} labels and {} findings but no threshold here",
                s.labels, s.findings
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accuracy_on_realistic_data() {
    evaluate("normal");
}

#[test]
fn accuracy_on_sparse_data() {
    evaluate("low");
}
