//! Precision and recall per detector on a labelled corpus written by fixtures/gen/corpus.py.
//!
//! A finding counts as a true positive when its rule is the label's kind and its byte span
//! overlaps the label's. `PIISCAN_ACCURACY_SIZE=50MB cargo test --release --test accuracy --
//! --nocapture` runs a larger corpus and prints the table.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

const KINDS: &[&str] = &[
    "email",
    "phone",
    "ipv4",
    "ipv6",
    "credit-card",
    "iban",
    "us-ssn",
    "mac-address",
];
const THRESHOLD: f64 = 0.95;

#[derive(Default, Debug)]
struct Score {
    labels: usize,
    found_labels: usize,
    findings: usize,
    true_findings: usize,
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
    let findings: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    // Labels per path, for overlap look-ups.
    let mut by_path: HashMap<String, Vec<(u64, u64, String, bool)>> = HashMap::new();
    for l in &labels {
        by_path
            .entry(l["path"].as_str().unwrap().to_string())
            .or_default()
            .push((
                l["byte_offset"].as_u64().unwrap(),
                l["length"].as_u64().unwrap(),
                l["kind"].as_str().unwrap().to_string(),
                false,
            ));
    }
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    for l in &labels {
        scores
            .entry(l["kind"].as_str().unwrap().to_string())
            .or_default()
            .labels += 1;
    }
    let mut false_positives: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &findings {
        let rule = f["rule"].as_str().unwrap().to_string();
        let (start, len) = (
            f["byte_offset"].as_u64().unwrap(),
            f["length"].as_u64().unwrap(),
        );
        let score = scores.entry(rule.clone()).or_default();
        score.findings += 1;
        let path = f["path"].as_str().unwrap();
        let mut hit = false;
        if let Some(ls) = by_path.get_mut(path) {
            for l in ls.iter_mut() {
                if l.2 == rule && start < l.0 + l.1 && l.0 < start + len {
                    hit = true;
                    l.3 = true;
                }
            }
        }
        if hit {
            score.true_findings += 1;
        } else {
            // Locations only: the values stay redacted even in a failure message.
            false_positives.entry(rule).or_default().push(format!(
                "{}:{}:{} {}",
                path,
                f["line"],
                f["column"],
                f["redacted"].as_str().unwrap()
            ));
        }
    }
    for ls in by_path.values() {
        for l in ls {
            if l.3 {
                scores.get_mut(&l.2).unwrap().found_labels += 1;
            }
        }
    }

    let mut failures = Vec::new();
    eprintln!("{density} density, {size}: kind / labels / findings / precision / recall");
    for kind in KINDS {
        let s = scores
            .get(*kind)
            .unwrap_or_else(|| panic!("no {kind} labels in the corpus"));
        let precision = if s.findings == 0 {
            1.0
        } else {
            s.true_findings as f64 / s.findings as f64
        };
        let recall = if s.labels == 0 {
            1.0
        } else {
            s.found_labels as f64 / s.labels as f64
        };
        eprintln!(
            "{kind:<12} {:>7} {:>8} {precision:>9.4} {recall:>7.4}",
            s.labels, s.findings
        );
        if precision < THRESHOLD || recall < THRESHOLD {
            let examples: Vec<&String> = false_positives
                .get(*kind)
                .into_iter()
                .flatten()
                .take(5)
                .collect();
            failures.push(format!("{kind}: precision {precision:.4}, recall {recall:.4}; false positives e.g. {examples:?}"));
        }
    }
    for (rule, s) in &scores {
        if !KINDS.contains(&rule.as_str()) && s.findings > 0 {
            eprintln!(
                "(rule {rule} reported {} findings not scored here)",
                s.findings
            );
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
