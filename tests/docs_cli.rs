//! What users read about the command line: help output, the generated completion scripts and
//! man pages, and `piiscan rules test`.
//!
//! The completions under completions/, the man pages under docs/ and the help snapshots under
//! tests/snapshots/ all come from the clap definition in src/cli.rs, so adding or changing a
//! flag makes them stale. Refresh all of them at once with
//!
//!     PIISCAN_BLESS=1 cargo test --test docs_cli
//!
//! and commit the result.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The one command that rewrites everything this file checks.
const REFRESH: &str = "PIISCAN_BLESS=1 cargo test --test docs_cli";

fn bless() -> bool {
    std::env::var_os("PIISCAN_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Git may check text files out with CRLF line endings on Windows.
fn normalized(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .into_bytes()
}

#[test]
fn generated_completions_and_man_pages_are_fresh() {
    let files = piiscan::generated::files().expect("generation works");
    let mut stale: Vec<String> = Vec::new();
    for (rel, contents) in &files {
        let path = root().join(rel);
        let on_disk = std::fs::read(&path).ok();
        if on_disk.as_deref().map(normalized).as_deref() == Some(contents.as_slice()) {
            continue;
        }
        if bless() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, contents).unwrap();
            eprintln!("blessed {}", rel.display());
        } else {
            stale.push(format!(
                "{} ({})",
                rel.display(),
                if on_disk.is_some() {
                    "out of date"
                } else {
                    "missing"
                }
            ));
        }
    }
    // Man pages of subcommands that no longer exist.
    let wanted: Vec<PathBuf> = files.iter().map(|(rel, _)| rel.clone()).collect();
    let man_dir = root().join(piiscan::generated::MAN_DIR);
    for entry in std::fs::read_dir(&man_dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let rel = Path::new(piiscan::generated::MAN_DIR).join(&name);
        if name.starts_with("piiscan") && name.ends_with(".1") && !wanted.contains(&rel) {
            if bless() {
                std::fs::remove_file(man_dir.join(&name)).unwrap();
                eprintln!("removed {}", rel.display());
            } else {
                stale.push(format!("{} (no such command any more)", rel.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "\nThese files are generated from the clap definition in src/cli.rs and are stale:\n  {}\n\nRefresh them (and the help snapshots) with:\n\n    {REFRESH}\n\nthen review and commit the changes.\n",
        stale.join("\n  ")
    );
}

#[test]
fn completions_command_prints_the_generated_scripts() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (out, err, code) = stdout_of(piiscan(&root()).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        let parsed: clap_complete::Shell = shell.parse().unwrap();
        assert_eq!(
            out.as_bytes(),
            piiscan::generated::completion(parsed).as_slice(),
            "{shell}"
        );
        assert!(out.contains("piiscan"), "{shell}");
    }
    let (_, err, code) = stdout_of(piiscan(&root()).args(["completions", "tcsh"]));
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
}

/// `piiscan ARGS` as a user sees it in an 100-column terminal.
fn help(args: &[&str]) -> String {
    let (out, err, code) = stdout_of(piiscan(&root()).args(args).env("COLUMNS", "100"));
    assert_eq!(code, 0, "{args:?}: {err}");
    out.replace("piiscan.exe", "piiscan")
}

#[test]
fn help_output_snapshots() {
    // This is the only test in this file that uses insta, so switching insta to rewriting
    // snapshots here, before its first assertion, is seen by every assertion that follows.
    if bless() {
        std::env::set_var("INSTA_UPDATE", "always");
    }
    let mut failed: Vec<&str> = Vec::new();
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help_scan", &["scan", "--help"]),
        ("help_rules", &["rules", "--help"]),
        ("help_rules_test", &["rules", "test", "--help"]),
        ("help_policy", &["policy", "--help"]),
        ("help_completions", &["completions", "--help"]),
    ] {
        let text = help(args);
        assert!(
            text.contains("Examples:\n  piiscan "),
            "`piiscan {}` has no examples",
            args.join(" ")
        );
        if std::panic::catch_unwind(|| insta::assert_snapshot!(name, text)).is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "\nThe help output changed ({}). If the change is intended, refresh the snapshots, the \
         completions and the man pages with:\n\n    {REFRESH}\n\nthen review and commit the \
         changes.\n",
        failed.join(", ")
    );
}

#[test]
fn every_subcommand_has_examples() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        if cmd.get_after_help().is_none() && cmd.get_after_long_help().is_none() {
            missing.push(path.to_string());
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&piiscan::cli::Cli::command(), "piiscan", &mut missing);
    assert!(
        missing.is_empty(),
        "these commands have no examples in their help: {missing:?}; add \
         `#[command(after_help = \"Examples:\\n  piiscan ...\")]` to them in src/cli.rs, then \
         run `{REFRESH}`"
    );
}

const EMPLOYEE_RULE: &str = r#"[[rule]]
id = "employee-id"
name = "Employee number"
description = "Internal employee numbers such as EMP-123456."
categories = ["employee-record"]
pattern = '\bEMP-[0-9]{6}\b'
context = ["employee", "owner"]
confidence = "high"
examples = ["owner EMP-123456", "EMP-000042 approved", "employee: EMP-654321"]
counterexamples = ["EMP-12", "TEMP-123456"]
"#;

fn rules_test(dir: &Path, target: &str) -> (String, String, i32) {
    stdout_of(piiscan(dir).args(["rules", "test", target]))
}

#[test]
fn rules_test_passes_good_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/hr.toml"), EMPLOYEE_RULE).unwrap();
    std::fs::write(dir.path().join("rules/notes.txt"), "not a rule file").unwrap();
    let (out, err, code) = rules_test(dir.path(), "rules");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .any(|l| l == "ok   employee-id  3 examples, 2 counterexamples"),
        "{out}"
    );
    assert!(out.ends_with("1 rule in 1 file: 1 ok, 0 failed\n"), "{out}");
    // Only the user's rules are reported, not the built-in ones.
    assert!(!out.contains("email"), "{out}");
    // A single file works too.
    let (out, _, code) = rules_test(dir.path(), "rules/hr.toml");
    assert_eq!(code, 0);
    assert!(out.contains("ok   employee-id"), "{out}");
}

#[test]
fn rules_test_fails_on_a_broken_example() {
    let dir = tempfile::tempdir().unwrap();
    let broken = EMPLOYEE_RULE
        .replace(
            "\"EMP-000042 approved\"",
            "\"owner emp-000042\\nsecond line\"",
        )
        .replace("\"TEMP-123456\"", "\"EMP-999999 is a sample\"");
    std::fs::write(dir.path().join("hr.toml"), broken).unwrap();
    let second = EMPLOYEE_RULE
        .replace("employee-id", "badge-id")
        .replace("EMP-", "BADGE-");
    std::fs::write(dir.path().join("zz.toml"), second).unwrap();
    let (out, err, code) = rules_test(dir.path(), ".");
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.contains(&r#"FAIL employee-id  example not found: "owner emp-000042\nsecond line""#),
        "{out}"
    );
    assert!(
        lines.contains(&r#"FAIL employee-id  counterexample reported: "EMP-999999 is a sample""#),
        "{out}"
    );
    assert!(
        lines.contains(&"ok   badge-id     3 examples, 2 counterexamples"),
        "{out}"
    );
    assert!(
        out.ends_with("2 rules in 2 files: 1 ok, 1 failed\n"),
        "{out}"
    );
}

#[test]
fn rules_test_exits_2_on_a_malformed_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-good.toml"), EMPLOYEE_RULE).unwrap();
    let bad = EMPLOYEE_RULE
        .replace("employee-id", "badge-id")
        .replace(r"[0-9]{6}\b", r"[0-9]{6");
    std::fs::write(dir.path().join("b-bad.toml"), bad).unwrap();
    let (out, err, code) = rules_test(dir.path(), ".");
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("b-bad.toml: rule `badge-id`: pattern:"),
        "{err}"
    );
    assert!(!err.contains("\n\n"), "one-line message: {err}");

    let (_, err, code) = rules_test(dir.path(), "no-such-dir");
    assert_eq!(code, 2);
    assert!(err.contains("no-such-dir: cannot read"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let (_, err, code) = rules_test(empty.path(), ".");
    assert_eq!(code, 2);
    assert!(err.contains("no *.toml rule files"), "{err}");
}

#[test]
fn rules_test_can_replace_a_builtin_rule() {
    let dir = tempfile::tempdir().unwrap();
    let email = EMPLOYEE_RULE.replace("employee-id", "email");
    std::fs::write(dir.path().join("email.toml"), email).unwrap();
    let (out, err, code) = rules_test(dir.path(), "email.toml");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "ok   email  3 examples, 2 counterexamples (replaces the built-in or --rules rule)"
        ),
        "{out}"
    );
}

/// The ```toml blocks of a page of the user guide.
fn toml_blocks(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("docs").join(page)).unwrap();
    text.split("```toml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn rules_and_policy_in_the_user_guide_load_and_pass() {
    let dir = tempfile::tempdir().unwrap();
    let rules = toml_blocks("rules.md");
    assert!(rules.len() >= 2, "docs/rules.md lost its examples");
    for (i, block) in rules.iter().enumerate() {
        std::fs::write(dir.path().join(format!("doc-{i}.toml")), block).unwrap();
    }
    let (out, err, code) = rules_test(dir.path(), ".");
    assert_eq!(
        code, 0,
        "the rules in docs/rules.md fail their own examples:\n{out}{err}"
    );
    for id in ["employee-id", "crm-customer-id", "badge-number"] {
        assert!(out.contains(&format!("ok   {id} ")), "{id} missing:\n{out}");
    }

    let policies = toml_blocks("policy.md");
    assert_eq!(policies.len(), 1);
    std::fs::write(dir.path().join("policy.toml"), &policies[0]).unwrap();
    let (out, err, code) =
        stdout_of(piiscan(dir.path()).args(["policy", "show", "--policy", "policy.toml"]));
    assert_eq!(code, 0, "docs/policy.md's policy does not load: {err}");
    assert!(
        out.contains("national-id — Government identifiers [§2]"),
        "{out}"
    );
}
