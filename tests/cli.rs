//! The scan command as users run it: formats, exit codes, skipped inputs, redaction.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

fn scan(args: &[&str]) -> (String, String, i32) {
    stdout_of(piiscan(&fixtures()).arg("scan").args(args))
}

#[test]
fn text_output() {
    let (out, err, code) = scan(&["."]);
    assert_eq!(
        code, 1,
        "findings at medium or above fail the run; stderr: {err}"
    );
    insta::assert_snapshot!("text", out);
    assert!(err.contains("skipped image.bin: binary file"), "{err}");
}

#[test]
fn json_document_has_findings_summary_and_skipped() {
    let (out, _, code) = scan(&[".", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let fields: BTreeSet<&str> = findings[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "rule",
        "name",
        "categories",
        "ccpa",
        "confidence",
        "path",
        "line",
        "column",
        "byte_offset",
        "length",
        "redacted",
        "fingerprint",
        "context",
    ]
    .into();
    assert_eq!(fields, expected);
    let summary = &doc["summary"];
    assert_eq!(
        summary["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    assert_eq!(summary["skipped"][0]["path"], "image.bin");
    assert_eq!(summary["skipped"][0]["reason"], "binary file");
    let mut redacted = doc.clone();
    redacted["summary"]["version"] = Value::from("[version]");
    insta::assert_json_snapshot!("json", redacted);
}

#[test]
fn jsonl_is_one_finding_per_line_in_path_order() {
    let (out, _, _) = scan(&[".", "--format", "jsonl"]);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() >= PLANTED.len(), "{} findings", rows.len());
    let keys: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["byte_offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    insta::assert_snapshot!("jsonl", out);
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let (one, _, _) = scan(&[".", "--format", "jsonl", "-j", "1"]);
    let (two, _, _) = scan(&[".", "--format", "jsonl", "-j", "4"]);
    assert_eq!(one, two);
}

#[test]
fn summary_lists_categories() {
    let (out, _, _) = scan(&[".", "--format", "summary"]);
    insta::assert_snapshot!("summary", out);
}

#[test]
fn every_planted_value_is_found_and_none_leaks() {
    for format in ["text", "json", "jsonl", "summary"] {
        for redact in ["partial", "full"] {
            let (out, err, _) = scan(&[".", "--format", format, "--redact", redact, "--explain"]);
            for value in PLANTED {
                assert!(
                    !out.contains(value),
                    "a planted value leaked in {format}/{redact} output"
                );
                assert!(!err.contains(value), "a planted value leaked on stderr");
            }
        }
    }
    let (out, _, _) = scan(&[".", "--format", "jsonl", "--redact", "none"]);
    for value in PLANTED {
        assert!(
            out.contains(value),
            "planted value #{} not found",
            PLANTED.iter().position(|v| v == value).unwrap()
        );
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(scan(&[".", "--fail-on", "never"]).2, 0);
    assert_eq!(scan(&[".", "--fail-on", "high"]).2, 1);
    // The data map counts its findings without building them: they fail a run alike.
    assert_eq!(
        scan(&[".", "--format", "summary", "--fail-on", "high"]).2,
        1
    );
    assert_eq!(
        scan(&[".", "--format", "summary", "--fail-on", "never"]).2,
        0
    );
    assert_eq!(
        scan(&[
            "src/settings.py",
            "--fail-on",
            "high",
            "--min-confidence",
            "high"
        ])
        .2,
        1
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        empty.path().join("clean.txt"),
        "nothing personal here, version 1.2.3.4\n",
    )
    .unwrap();
    assert_eq!(stdout_of(piiscan(empty.path()).args(["scan", "."])).2, 0);
    assert_eq!(
        stdout_of(piiscan(empty.path()).args(["scan", "--format", "nope"])).2,
        2
    );
}

#[test]
fn ignore_files_and_hidden_entries() {
    let (out, _, _) = scan(&[".", "--redact", "none"]);
    assert!(!out.contains("ignored.log") && !out.contains(".hidden"));
    let (out, _, _) = scan(&[".", "--redact", "none", "--no-ignore", "--hidden"]);
    assert!(
        out.contains("ignored.log:1:") && out.contains(".hidden/secret.txt:1:"),
        "{out}"
    );
}

#[test]
fn max_filesize_skips_visibly() {
    let (_, err, _) = scan(&[".", "--max-filesize", "300"]);
    assert!(
        err.contains("skipped logs/access.log: larger than --max-filesize"),
        "{err}"
    );
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    let (out, _, code) = scan(&[".", "--format", "json", "--output", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert!(doc["summary"]["findings"].as_u64().unwrap() > 0);
}

#[test]
fn malformed_rule_file_exits_2_naming_file_rule_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[rule]]\nid = \"badrule\"\nname = \"B\"\ndescription = \"d\"\ncategories = [\"x\"]\npattern = \"(\"\nconfidence = \"high\"\nexamples = [\"a\"]\ncounterexamples = [\"b\"]\n",
    )
    .unwrap();
    let (_, err, code) = stdout_of(
        piiscan(&fixtures())
            .args(["scan", ".", "--rules"])
            .arg(dir.path()),
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml: rule `badrule`: pattern:"), "{err}");
}

/// The JSON Lines findings and exit code of scanning `data` with one user rule file added.
fn scan_with_user_rule(rule: &str, data: &str) -> (Vec<Value>, i32) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("user.toml"), rule).unwrap();
    std::fs::write(dir.path().join("data.txt"), data).unwrap();
    let (out, err, code) = stdout_of(
        piiscan(dir.path())
            .args(["scan", "data.txt", "--format", "jsonl", "--rules"])
            .arg(dir.path()),
    );
    assert!(code < 2, "{err}");
    let rows = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (rows, code)
}

#[test]
fn user_rules_and_undeclared_categories() {
    let (rows, code) = scan_with_user_rule(
        &user_rule(
            "employee-id",
            "employee-record",
            r"\bEMP-[0-9]{6}\b",
            "owner EMP-123456",
            "EMP-12",
        ),
        "owner EMP-004211 approved\n",
    );
    assert_eq!(code, 1);
    assert_eq!(rows[0]["rule"], "employee-id");
    assert_eq!(rows[0]["categories"][0], "undeclared:employee-record");
    assert_eq!(rows[0]["column"], 7);
}

#[test]
fn a_user_rule_with_unicode_word_boundaries_runs() {
    // `(?u:\b)` is a Unicode word boundary: `ü` is a word character, so the second badge
    // number is inside a word and is not one.
    let (rows, code) = scan_with_user_rule(
        &user_rule(
            "badge",
            "employee-record",
            r"(?u:\b)BDG[0-9]{6}(?u:\b)",
            "badge BDG123456 issued",
            "xBDG123456",
        ),
        "café BDG004211 ok\nüBDG004212\n",
    );
    assert_eq!(code, 1);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["rule"], "badge");
    assert_eq!(
        (rows[0]["line"].as_u64(), rows[0]["column"].as_u64()),
        (Some(1), Some(6))
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let (out, _, _) = scan(&["unicode.txt", "--format", "jsonl", "--redact", "none"]);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let zoe = rows
        .iter()
        .find(|r| r["value"] == "zoe.li@kontakt.de")
        .expect("found");
    let line = std::fs::read_to_string(fixtures().join("unicode.txt")).unwrap();
    let byte = line.find("zoe.li@").unwrap();
    assert_eq!(zoe["byte_offset"].as_u64().unwrap() as usize, byte);
    assert_eq!(
        zoe["column"].as_u64().unwrap() as usize,
        line[..byte].chars().count() + 1
    );
}

#[test]
fn fingerprints_survive_lines_moving() {
    let dir = tempfile::tempdir().unwrap();
    let body = "user email jane.roe@fabrikam-mail.com\n";
    std::fs::write(dir.path().join("a.txt"), body).unwrap();
    let (first, _, _) = stdout_of(piiscan(dir.path()).args(["scan", "a.txt", "--format", "jsonl"]));
    std::fs::write(dir.path().join("a.txt"), format!("\n\nheader\n{body}")).unwrap();
    let (moved, _, _) = stdout_of(piiscan(dir.path()).args(["scan", "a.txt", "--format", "jsonl"]));
    let fp = |s: &str| {
        serde_json::from_str::<Value>(s.lines().next().unwrap()).unwrap()["fingerprint"].clone()
    };
    assert_eq!(fp(&first), fp(&moved));
    let line =
        |s: &str| serde_json::from_str::<Value>(s.lines().next().unwrap()).unwrap()["line"].clone();
    assert_eq!(line(&moved), 4);
}

#[test]
fn broken_pipe_exits_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("piiscan");
    let script = format!(
        "set -o pipefail; yes 'client 8.8.8.8 jane.roe@fabrikam-mail.com' | head -n 200000 > big.log; '{}' scan big.log | head -n 1 >/dev/null",
        bin.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn apache_access_log_every_client_ipv4() {
    let Some(log) = shared("data/apache-access-log/access.log") else {
        return;
    };
    let text = std::fs::read_to_string(&log).unwrap();
    let expected: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.split(' ').next())
        .filter(|ip| ip.parse::<std::net::Ipv4Addr>().is_ok())
        .map(str::to_string)
        .collect();
    let (out, _, _) = stdout_of(
        piiscan(&root())
            .args(["scan", "--format", "jsonl", "--redact", "none"])
            .arg(&log),
    );
    let found: BTreeSet<String> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["rule"] == "ipv4" && r["column"] == 1)
        .map(|r| r["value"].as_str().unwrap().to_string())
        .collect();
    let public: BTreeSet<String> = expected
        .iter()
        .filter(|ip| {
            let ip: std::net::Ipv4Addr = ip.parse().unwrap();
            !(ip.is_private() || ip.is_loopback() || ip.is_link_local())
        })
        .cloned()
        .collect();
    let missing: Vec<_> = public.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "{} of {} client addresses missing",
        missing.len(),
        public.len()
    );
    assert!(public.len() > 1500, "{}", public.len());
}

#[test]
fn rules_and_policy_commands() {
    let (out, _, code) = stdout_of(piiscan(&root()).args(["rules", "list"]));
    assert_eq!(code, 0);
    for id in [
        "email",
        "phone",
        "ipv4",
        "ipv6",
        "credit-card",
        "iban",
        "us-ssn",
        "mac-address",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} missing from rules list"
        );
    }
    let (out, _, code) = stdout_of(piiscan(&root()).args(["rules", "show", "iban"]));
    assert_eq!(code, 0);
    assert!(out.contains("validator:        iban") && out.contains("payment-information"));
    let (_, err, code) = stdout_of(piiscan(&root()).args(["rules", "show", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("no rule `nope`"));
    let (out, _, _) = stdout_of(piiscan(&root()).args(["policy", "show"]));
    insta::assert_snapshot!("policy_show", out);
}

#[test]
fn custom_policy_declares_a_category() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "title = 'HR policy'\n[[category]]\nid = 'national-id'\nname = 'Government identifiers'\nwording = 'SSNs for payroll'\nccpa = ['identifiers']\n",
    )
    .unwrap();
    let (out, _, _) = stdout_of(
        piiscan(&fixtures())
            .args(["scan", "customers.csv", "--format", "jsonl", "--policy"])
            .arg(&policy),
    );
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ssn = rows
        .iter()
        .find(|r| r["rule"] == "us-ssn")
        .expect("ssn found");
    assert_eq!(ssn["categories"][0], "national-id");
    let email = rows
        .iter()
        .find(|r| r["rule"] == "email")
        .expect("email found");
    assert_eq!(email["categories"][0], "undeclared:contact-information");
}

#[test]
fn summary_written_to_a_json_file_is_the_json_data_map() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.json");
    let (_, _, code) = scan(&[
        ".",
        "--format",
        "summary",
        "--output",
        map.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&map).unwrap()).unwrap();
    let (json, _, _) = scan(&[".", "--format", "json"]);
    let full: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["by_category"], full["summary"]["by_category"]);
    assert_eq!(doc["findings"], full["summary"]["findings"]);
}

#[test]
fn distinct_counts_past_the_exact_limit_are_marked_as_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let n = 40_000;
    let text: String = (0..n)
        .map(|i| format!("sent to user{i}@fabrikam-mail.com\n"))
        .collect();
    std::fs::write(dir.path().join("mail.log"), text).unwrap();
    let run = |format: &str| scan_as(dir.path(), format, &[]);

    let doc: Value = serde_json::from_str(&run("json")).unwrap();
    let contact = &doc["summary"]["by_category"]["contact-information"];
    assert_eq!(contact["findings"], n);
    assert_eq!(contact["distinct_estimated"], true);
    let distinct = contact["distinct_values"].as_u64().unwrap();
    assert!(distinct <= n && distinct > n * 95 / 100, "{distinct}");

    let map = run("summary");
    let row = map
        .lines()
        .find(|l| l.trim_start().starts_with("contact-information"))
        .expect("a row for the category");
    assert!(row.contains(&format!(" ~{distinct} ")), "{row}");
    assert!(map.contains("~ = estimated"), "{map}");

    let page = run("html");
    let shown = format!("about {},{:03}</abbr>", distinct / 1000, distinct % 1000);
    assert!(page.contains(&shown), "{shown} not in the page");
}

#[test]
fn a_report_written_inside_the_scanned_tree_is_never_scanned() {
    // CI jobs write the report next to what they scan; the next run (or this one, when the
    // walk meets the new file) must not take its redacted values for data.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.log"),
        "mail bob.new@fabrikam-mail.com\n",
    )
    .unwrap();
    let run = |output: &str| -> Value {
        let (_, err, code) = stdout_of(piiscan(dir.path()).args([
            "scan",
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
            "-o",
            output,
        ]));
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("report"), "{err}");
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap()
    };
    let first = run("report.json");
    assert_eq!(first["summary"]["files_scanned"], 1);
    for output in ["report.json", "./report.json"] {
        let again = run(output);
        assert_eq!(again["summary"]["files_scanned"], 1, "{output}");
        assert_eq!(again["findings"], first["findings"], "{output}");
        assert_eq!(again["skipped"], first["skipped"], "{output}");
    }
}

#[test]
fn an_ignore_next_line_directive_applies_across_a_chunk_boundary() {
    // Chunks of 4 KiB cut the file at many line starts, some right after a directive line.
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..3000)
        .map(|i| format!("# piiscan:ignore-next-line\nmail user{i}@fabrikam-mail.com ok\n"))
        .collect();
    std::fs::write(dir.path().join("app.log"), text).unwrap();
    for chunk in ["4096", "5000", "7000"] {
        let (out, err, code) = stdout_of(piiscan(dir.path()).args([
            "scan",
            ".",
            "--format",
            "jsonl",
            "--chunk-size",
            chunk,
        ]));
        assert_eq!(code, 0, "chunk {chunk}: {err}");
        assert_eq!(out.lines().count(), 0, "chunk {chunk}");
        assert!(
            err.contains("3000 findings suppressed"),
            "chunk {chunk}: {err}"
        );
    }
}
