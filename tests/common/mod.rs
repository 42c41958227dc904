//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    root().join("fixtures/tree")
}

/// `piiscan` with a clean environment for color and a fixed working directory.
pub fn piiscan(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("piiscan").expect("binary built");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("CLICOLOR", "0");
    cmd
}

/// The raw personal data planted in fixtures/tree that default scans must report (redacted).
pub const PLANTED: &[&str] = &[
    "83.149.9.216",
    "24.236.252.67",
    "2a03:2880:f12f:83:face:b00c:0:25de",
    "maria.garcia@correo-ejemplo.es",
    "+34 612 873 419",
    "81.2.69.142",
    "4539 1488 0343 6467",
    "DE89 3704 0044 0532 0130 00",
    "3c:22:fb:9a:41:0e",
    "jose.mueller@posteo.de",
    "(415) 867-5309",
    "536-22-1849",
    "GB82WEST12345698765432",
    "5425-2334-3010-9903",
    "privacy-team@northwind-traders.co.uk",
    "+1 212 736 3100",
    "zoe.li@kontakt.de",
];

/// The shared real data, when this checkout has it beside it.
pub fn shared(path: &str) -> Option<PathBuf> {
    let p = root().join("../shared").join(path);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("notice: {} is absent; skipping this test", p.display());
        None
    }
}

pub fn stdout_of(cmd: &mut Command) -> (String, String, i32) {
    let out = cmd.output().expect("piiscan runs");
    (
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
        out.status.code().unwrap_or(-1),
    )
}

/// The standard output of `piiscan scan . --format FORMAT --fail-on never EXTRA...` in `dir`,
/// which must exit 0.
pub fn scan_as(dir: &Path, format: &str, extra: &[&str]) -> String {
    let (out, err, code) = stdout_of(
        piiscan(dir)
            .args(["scan", ".", "--format", format, "--fail-on", "never"])
            .args(extra),
    );
    assert_eq!(code, 0, "{err}");
    out
}

/// A user rule file holding one rule: `pattern` in `category`, with the fields every rule needs.
pub fn user_rule(
    id: &str,
    category: &str,
    pattern: &str,
    example: &str,
    counterexample: &str,
) -> String {
    format!(
        r#"[[rule]]
id = "{id}"
name = "User rule {id}"
description = "A rule of the user's own."
categories = ["{category}"]
pattern = '{pattern}'
confidence = "high"
examples = ["{example}"]
counterexamples = ["{counterexample}"]
"#
    )
}
