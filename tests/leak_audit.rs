//! The leak audit: no raw planted value (tests/common's PLANTED) may appear in standard
//! output, standard error or any file piiscan writes, in any output format, with any redaction
//! but `none`, with `--explain`, with `RUST_LOG` set, and on every error path (malformed rule,
//! policy, configuration and baseline files that themselves hold personal data, unreadable,
//! binary, truncated and archived inputs). A scanner that copies personal data into CI logs,
//! SARIF uploads or a shared HTML report is itself a leak.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

const FORMATS: &[&str] = &["text", "json", "jsonl", "summary", "sarif", "html"];

fn write(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, data).unwrap();
}

#[track_caller]
fn assert_no_leak(what: &str, text: &str) {
    for (i, value) in PLANTED.iter().enumerate() {
        assert!(
            !text.contains(value),
            "planted value #{i} leaked in {what} (shown here redacted: {})",
            redact_for_message(value)
        );
        // Nor the domain of an email, which a key cut at its `@` would show.
        if let Some((_, domain)) = value.split_once('@') {
            assert!(
                !text.contains(domain),
                "the domain of planted value #{i} leaked in {what} (redacted: {})",
                redact_for_message(domain)
            );
        }
    }
}

/// The failure messages themselves must not print the value.
fn redact_for_message(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { '*' } else { c })
        .collect()
}

/// Every planted value, in every fixture file, plus forms the scanner sees differently.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut all = String::new();
    for v in PLANTED {
        all.push_str(&format!("value {v} here\n"));
    }
    // Plain copies of the fixtures, so every planted value is in the tree.
    for entry in ["customers.csv", "unicode.txt"] {
        let data = std::fs::read(fixtures().join(entry)).unwrap();
        write(root, entry, &data);
    }
    write(root, "all.txt", all.as_bytes());
    // A value as a key (log prefix, JSON object key), and in a CSV header position.
    let mut keyed = String::new();
    for v in PLANTED {
        keyed.push_str(&format!("{v}: contact maria.garcia@correo-ejemplo.es\n"));
        keyed.push_str(&format!("{v}=536-22-1849\n"));
    }
    write(root, "keyed.log", keyed.as_bytes());
    let mut json = String::new();
    for v in PLANTED {
        json.push_str(&format!(
            "{{\"{v}\": {{\"email\": \"zoe.li@kontakt.de\", \"ip\": \"{v}\"}}}}\n"
        ));
    }
    // An email key escaped as JSON writes it (`\u0040`), which the pointer would print.
    for v in PLANTED.iter().filter(|v| v.contains('@')) {
        let escaped = v.replace('@', "\\u0040");
        json.push_str(&format!(
            "{{\"to\": {{\"{escaped}\": {{\"mobile\": \"+34 612 873 419\"}}}}}}\n"
        ));
    }
    write(root, "records.json", json.as_bytes());
    // UTF-16 with a byte order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in all.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    write(root, "utf16.txt", &utf16);
    // Compressed, truncated, archived, binary.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(all.repeat(200).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    write(root, "all.txt.gz", &gz);
    write(root, "cut.txt.gz", &gz[..gz.len() / 2]);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("inner/all.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(all.as_bytes()).unwrap();
    write(root, "export.zip", &zip.finish().unwrap().into_inner());
    let mut binary = all.clone().into_bytes();
    binary.insert(10, 0);
    write(root, "binary.dat", &binary);
    // Unreadable (unless running as root).
    write(root, "secret.txt", all.as_bytes());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        root.join("secret.txt"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    dir
}

fn run_all_formats(dir: &Path, extra: &[&str]) {
    let out_dir = tempfile::tempdir().unwrap();
    for format in FORMATS {
        for redact in ["partial", "full"] {
            for explain in [false, true] {
                let label = format!("{format}/{redact}/explain={explain}/{extra:?}");
                let mut args = vec!["scan", ".", "--format", format, "--redact", redact];
                args.extend_from_slice(extra);
                if explain {
                    args.push("--explain");
                }
                // To standard output.
                let out = piiscan(dir)
                    .args(&args)
                    .env("RUST_LOG", "trace")
                    .env("RUST_BACKTRACE", "1")
                    .output()
                    .unwrap();
                let code = out.status.code();
                assert!(matches!(code, Some(0 | 1)), "{label}: exit {code:?}");
                assert_no_leak(
                    &format!("stdout of {label}"),
                    &String::from_utf8_lossy(&out.stdout),
                );
                assert_no_leak(
                    &format!("stderr of {label}"),
                    &String::from_utf8_lossy(&out.stderr),
                );
                assert!(!out.stdout.is_empty(), "{label}: no output");
                // To a file.
                let file = out_dir.path().join(format!("report.{format}"));
                let out = piiscan(dir)
                    .args(&args)
                    .arg("--output")
                    .arg(&file)
                    .env("RUST_LOG", "trace")
                    .output()
                    .unwrap();
                assert!(matches!(out.status.code(), Some(0 | 1)), "{label} -o");
                assert_no_leak(
                    &format!("stdout of {label} -o"),
                    &String::from_utf8_lossy(&out.stdout),
                );
                assert_no_leak(
                    &format!("stderr of {label} -o"),
                    &String::from_utf8_lossy(&out.stderr),
                );
                let written = std::fs::read(&file).unwrap();
                assert!(!written.is_empty(), "{label}: empty report file");
                assert_no_leak(
                    &format!("{label} report file"),
                    &String::from_utf8_lossy(&written),
                );
            }
        }
    }
}

#[test]
fn no_output_format_leaks_a_value_from_the_fixtures() {
    // Low-confidence findings too: every value the scanner finds is printed somewhere.
    run_all_formats(&fixtures(), &["--min-confidence", "low"]);
}

#[test]
fn no_output_format_leaks_a_value_from_hostile_inputs() {
    let dir = hostile_tree();
    run_all_formats(dir.path(), &["--min-confidence", "low"]);
    // The raw values are really there: `--redact none` shows them (a local audit only).
    let out = piiscan(dir.path())
        .args(["scan", ".", "--format", "jsonl", "--redact", "none"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        PLANTED.iter().all(|v| shown.contains(v)),
        "the tree holds the values"
    );
}

#[test]
fn a_baseline_file_holds_no_value() {
    let dir = hostile_tree();
    let baseline = dir.path().join("baseline.json");
    let out = piiscan(dir.path())
        .args(["baseline", ".", "--min-confidence", "low", "--output"])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_no_leak("baseline stderr", &String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.lines().count() > 10, "{} lines", text.lines().count());
    assert_no_leak("the baseline file", &text);
}

/// Run `piiscan ARGS` in `dir`, expecting exit 2, and check what it printed.
#[track_caller]
fn assert_error_does_not_leak(dir: &Path, args: &[&str], names: &str) {
    let out = piiscan(dir)
        .args(args)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.contains(names),
        "{args:?}: the message names {names}: {err}"
    );
    assert_no_leak(&format!("stderr of {args:?}"), &err);
    assert_no_leak(
        &format!("stdout of {args:?}"),
        &String::from_utf8_lossy(&out.stdout),
    );
}

#[test]
fn error_messages_about_files_holding_personal_data_do_not_repeat_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", b"nothing\n");
    let [ip, _, ipv6, email, phone, _, card, iban, mac, email2, _, ssn, ..] = PLANTED else {
        unreachable!()
    };
    // Rule files: a syntax error on a line holding a value, a value of the wrong type, a value
    // where an id belongs, and examples that do not match.
    let rule = |body: &str| {
        format!(
            "[[rule]]\nid = \"r\"\nname = \"R\"\ndescription = \"d\"\ncategories = [\"contact-information\"]\npattern = \"zzz\"\nconfidence = \"high\"\n{body}\n"
        )
    };
    let cases: Vec<(String, String)> = vec![
        (
            "syntax".into(),
            rule(&format!(
                "examples = [\"{email}\"\ncounterexamples = [\"x\"]"
            )),
        ),
        (
            "type".into(),
            rule(&format!("examples = \"{ssn}\"\ncounterexamples = [\"x\"]")),
        ),
        (
            "id".into(),
            rule("examples = [\"zzz\"]\ncounterexamples = [\"x\"]\n")
                .replace("id = \"r\"", &format!("id = \"{card}\"")),
        ),
        (
            "validator".into(),
            rule(&format!(
                "examples = [\"zzz\"]\ncounterexamples = [\"x\"]\nvalidator = \"{iban}\""
            )),
        ),
        (
            "pattern".into(),
            rule("examples = [\"zzz\"]\ncounterexamples = [\"x\"]")
                .replace("pattern = \"zzz\"", &format!("pattern = \"({phone}\"")),
        ),
        (
            "category".into(),
            rule("examples = [\"zzz\"]\ncounterexamples = [\"x\"]\nkeys = [\"\"]")
                .replace("contact-information", mac),
        ),
    ];
    for (name, text) in &cases {
        write(root, &format!("rules-{name}/bad.toml"), text.as_bytes());
        let dir_arg = format!("rules-{name}");
        assert_error_does_not_leak(root, &["scan", ".", "--rules", &dir_arg], "bad.toml");
        assert_error_does_not_leak(root, &["rules", "list", "--rules", &dir_arg], "bad.toml");
    }
    // A rule whose examples fail `rules test`: the report may show the rule's own examples
    // (test data the rule's author wrote), but a malformed one must not.
    // Policy files.
    write(
        root,
        "policy.toml",
        format!("title = \"p\"\n[[category]]\nid = \"{email2}\"\nname = 3\n").as_bytes(),
    );
    assert_error_does_not_leak(
        root,
        &["scan", ".", "--policy", "policy.toml"],
        "policy.toml",
    );
    write(
        root,
        "policy2.toml",
        format!("title = \"{ipv6}\n").as_bytes(),
    );
    assert_error_does_not_leak(
        root,
        &["policy", "show", "--policy", "policy2.toml"],
        "policy2.toml",
    );
    // Configuration files: an allowlist of the wrong type, a value where a level belongs, a
    // bad allowlist pattern holding a value, a syntax error on a value's line, a value where a
    // category belongs.
    for (i, text) in [
        format!("[allowlist]\nvalues = \"{email}\"\n"),
        format!("fail-on = \"{iban}\"\n"),
        format!("[allowlist]\npatterns = [\"({ip}\"]\n"),
        format!("disabled-rules = [\"{card}\"]\n"),
        format!("include = [\"{ssn}\"\n"),
        format!("[fail-on-category]\n\"{phone}\" = \"often\"\n"),
        format!("[fail-on-category]\n\"{email2}\" = \"low\"\n"),
    ]
    .iter()
    .enumerate()
    {
        let name = format!("config{i}.toml");
        write(root, &name, text.as_bytes());
        assert_error_does_not_leak(root, &["scan", ".", "--config", &name], &name);
        assert_error_does_not_leak(root, &["config", "check", &name], &name);
    }
    // Baselines: values where strings, numbers or keys belong.
    for (i, text) in [
        format!("{{\"piiscan-baseline\": \"{ip}\", \"findings\": []}}"),
        format!("{{\"piiscan-baseline\": 1, \"findings\": [{{\"fingerprint\": 1, \"rule\": \"{email}\", \"path\": \"{ssn}\"}}]}}"),
        format!("{{\"piiscan-baseline\": 1, \"{card}\": []}}"),
        format!("{{\"piiscan-baseline\": 1, \"findings\": [\"{phone}\"]}}"),
        format!("{{\"piiscan-baseline\": {iban}}}"),
    ]
    .iter()
    .enumerate()
    {
        let name = format!("baseline{i}.json");
        write(root, &name, text.as_bytes());
        assert_error_does_not_leak(root, &["scan", ".", "--baseline", &name], &name);
    }
}
