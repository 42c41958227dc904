//! `--staged`, `--diff`, baselines, inline ignores and `.piiscan.toml`, in throwaway
//! repositories.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.email=dev@piiscan.invalid",
            "-c",
            "user.name=dev",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

/// (rule, path, line) of each finding of a JSONL scan, and the exit code.
fn findings(dir: &Path, args: &[&str]) -> (Vec<(String, String, u64)>, i32, String) {
    let (out, err, code) = stdout_of(
        piiscan(dir)
            .arg("scan")
            .args(args)
            .args(["--format", "jsonl"]),
    );
    let rows = out
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["rule"].as_str().unwrap().to_string(),
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (rows, code, err)
}

const OLD: &str = "owner: jane.old@fabrikam-mail.com\n";
const NEW: &str = "contact: bob.new@fabrikam-mail.com\n";

#[test]
fn staged_in_a_repository_without_commits() {
    let r = repo();
    write(r.path(), "a.txt", NEW);
    git(r.path(), &["add", "."]);
    let (rows, code, _) = findings(r.path(), &["--staged"]);
    assert_eq!(rows, [("email".into(), "a.txt".into(), 1)]);
    assert_eq!(code, 1);
}

#[test]
fn the_html_report_of_a_change_shows_the_added_lines_past_the_first_twenty() {
    let r = repo();
    let list = |n: usize| -> String {
        (0..n)
            .map(|i| format!("email: person.{i}@posteo.de\n"))
            .collect()
    };
    write(r.path(), "list.txt", &list(25));
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    write(r.path(), "list.txt", &list(30));
    git(r.path(), &["add", "."]);
    // Only the 5 added lines count: the 25 committed ones take no place in the report.
    let (page, err, code) = stdout_of(piiscan(r.path()).args(["scan", "--staged", "-f", "html"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(page.matches("<td><code>list.txt</code></td>").count(), 5);
}

#[test]
fn staged_reports_only_added_lines_of_the_index() {
    let r = repo();
    write(r.path(), "app/config.py", &format!("{OLD}x = 1\n"));
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    // A changed line with a finding, an unchanged line with one, and a working-tree edit that
    // is not staged.
    write(r.path(), "app/config.py", &format!("{OLD}x = 2\n{NEW}"));
    git(r.path(), &["add", "."]);
    write(
        r.path(),
        "app/config.py",
        &format!("{OLD}x = 2\n{NEW}tel: +44 20 3183 4967\n"),
    );
    let (rows, code, err) = findings(r.path(), &["--staged"]);
    assert_eq!(rows, [("email".into(), "app/config.py".into(), 3)]);
    assert_eq!(code, 1);
    assert!(
        err.contains("piiscan: blocked") && err.contains("piiscan:ignore"),
        "{err}"
    );
}

#[test]
fn the_data_map_of_a_staged_change_counts_only_added_lines() {
    // The data map numbers no lines for itself; --staged still needs them.
    let r = repo();
    write(r.path(), "a.py", &format!("{OLD}x = 1\n"));
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    write(r.path(), "a.py", &format!("{OLD}x = 2\n{NEW}"));
    git(r.path(), &["add", "."]);
    let (out, _, code) =
        stdout_of(piiscan(r.path()).args(["scan", "--staged", "--format", "summary"]));
    assert!(out.contains("1 findings"), "{out}");
    let email = out
        .lines()
        .find(|l| l.trim_start().starts_with("email "))
        .unwrap();
    assert_eq!(email.split_whitespace().collect::<Vec<_>>(), ["email", "1"]);
    assert_eq!(code, 1);
}

#[test]
fn clean_change_passes() {
    let r = repo();
    write(r.path(), "a.txt", OLD);
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    write(r.path(), "a.txt", &format!("{OLD}nothing personal\n"));
    git(r.path(), &["add", "."]);
    let (rows, code, _) = findings(r.path(), &["--staged"]);
    assert!(rows.is_empty());
    assert_eq!(code, 0);
}

#[test]
fn renames_deletions_binaries_and_odd_names() {
    let r = repo();
    let filler = "an unchanged line of ordinary text\n".repeat(10);
    write(r.path(), "old name.txt", &format!("{OLD}{filler}"));
    write(r.path(), "gone.txt", NEW);
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    std::fs::create_dir(r.path().join("dir with space")).unwrap();
    git(
        r.path(),
        &["mv", "old name.txt", "dir with space/nouveau é.txt"],
    );
    write(
        r.path(),
        "dir with space/nouveau é.txt",
        &format!("{OLD}{filler}{NEW}"),
    );
    git(r.path(), &["rm", "-q", "gone.txt"]);
    write(
        r.path(),
        "blob.bin",
        "\0\0\0contact bob.new@fabrikam-mail.com\n",
    );
    git(r.path(), &["add", "."]);
    let (rows, _, err) = findings(r.path(), &["--staged"]);
    assert_eq!(
        rows,
        [("email".into(), "dir with space/nouveau é.txt".into(), 12)]
    );
    assert!(err.contains("skipped blob.bin: binary file"), "{err}");
}

#[test]
fn diff_against_a_base_branch() {
    let r = repo();
    write(r.path(), "a.txt", OLD);
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    git(r.path(), &["checkout", "-q", "-b", "feature"]);
    write(r.path(), "a.txt", &format!("{OLD}{NEW}"));
    write(r.path(), "b.txt", "ip 81.2.69.142\n");
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "two"]);
    let (rows, code, _) = findings(r.path(), &["--diff", "main"]);
    assert_eq!(
        rows,
        [
            ("email".into(), "a.txt".into(), 2),
            ("ipv4".into(), "b.txt".into(), 1)
        ]
    );
    assert_eq!(code, 1);
    let (_, err, code) = stdout_of(piiscan(r.path()).args(["scan", "--diff", "no-such-branch"]));
    assert_eq!(code, 2);
    assert!(err.contains("no-such-branch"), "{err}");
}

fn write_bytes(dir: &Path, name: &str, data: &[u8]) {
    std::fs::write(dir.join(name), data).unwrap();
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn zip(member: &str, text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(member, zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(text.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

/// Commit `base` on main, then call `change` on a branch and check `expected` (and exit 1)
/// both for the staged change and, once committed, for `--diff main`.
fn staged_and_diff(base: impl Fn(&Path), change: impl Fn(&Path), expected: &[(&str, &str, u64)]) {
    let r = repo();
    base(r.path());
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one", "--allow-empty"]);
    git(r.path(), &["checkout", "-q", "-b", "feature"]);
    change(r.path());
    git(r.path(), &["add", "."]);
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(rule, path, line)| (rule.to_string(), path.to_string(), *line))
        .collect();
    let (rows, code, err) = findings(r.path(), &["--staged", "--strict"]);
    assert_eq!(rows, expected, "--staged: {err}");
    assert_eq!(code, 1, "--staged: {err}");
    git(r.path(), &["commit", "-qm", "two"]);
    let (rows, code, err) = findings(r.path(), &["--diff", "main", "--strict"]);
    assert_eq!(rows, expected, "--diff: {err}");
    assert_eq!(code, 1, "--diff: {err}");
}

const CSV: &str = "name,email\nx,mark.t@fabrikam-mail.com\n";

#[test]
fn a_new_compressed_file_or_archive_reports_all_its_findings() {
    // git shows no lines for them (binary to git), yet every line of a new file is added.
    staged_and_diff(
        |_| {},
        |d| {
            write_bytes(d, "new.csv.gz", &gzip(CSV));
            write_bytes(d, "new.zip", &zip("e.csv", CSV));
        },
        &[("email", "new.csv.gz", 2), ("email", "new.zip!e.csv", 2)],
    );
}

#[test]
fn a_changed_compressed_file_reports_all_its_findings_and_text_only_added_lines() {
    // git cannot say which lines of a compressed file changed: all of its findings count,
    // while a text file in the same change still counts only the lines it adds.
    staged_and_diff(
        |d| {
            write_bytes(d, "old.csv.gz", &gzip(CSV));
            write(d, "a.txt", OLD);
        },
        |d| {
            let more = format!("{CSV}y,zoe.li@kontakt.de\n");
            write_bytes(d, "old.csv.gz", &gzip(&more));
            write(d, "a.txt", &format!("{OLD}{NEW}"));
        },
        &[
            ("email", "a.txt", 2),
            ("email", "old.csv.gz", 2),
            ("email", "old.csv.gz", 3),
        ],
    );
}

#[test]
fn a_text_file_with_an_early_nul_is_skipped_not_reported_in_full() {
    // git takes it as binary too; piiscan does not scan it, so no finding of it is reported.
    let r = repo();
    write(r.path(), "a.txt", &format!("{OLD}{NEW}"));
    write(r.path(), "b.txt", OLD);
    git(r.path(), &["add", "."]);
    git(r.path(), &["commit", "-qm", "one"]);
    write(r.path(), "a.txt", &format!("\0{OLD}{NEW}{NEW}"));
    write(r.path(), "b.txt", &format!("{OLD}{NEW}"));
    git(r.path(), &["add", "."]);
    let (rows, code, err) = findings(r.path(), &["--staged"]);
    assert_eq!(rows, [("email".into(), "b.txt".into(), 2)]);
    assert_eq!(code, 1);
    assert!(err.contains("skipped a.txt: binary file"), "{err}");
}

#[test]
fn baseline_round_trip_survives_moving_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "src/a.py", &format!("# header\n{OLD}"));
    let (_, err, code) = stdout_of(piiscan(d).args(["baseline", ".", "--output", "base.json"]));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(d.join("base.json")).unwrap();
    assert!(
        text.starts_with("{\"piiscan-baseline\": 1, \"findings\": [\n"),
        "{text}"
    );
    assert!(!text.contains("jane.old"), "the baseline holds no values");

    // A new finding is reported; the old one, moved down 50 lines, stays suppressed.
    let padding = "pass\n".repeat(50);
    write(d, "src/a.py", &format!("# header\n{padding}{OLD}{NEW}"));
    let (rows, code, err) = findings(d, &[".", "--baseline", "base.json"]);
    assert_eq!(rows, [("email".into(), "src/a.py".into(), 53)]);
    assert_eq!(code, 1);
    assert!(err.contains("1 findings suppressed"), "{err}");
    // Text shows no fingerprints, and computes them only for a baseline: the same verdict.
    let (out, err, code) = stdout_of(piiscan(d).args(["scan", ".", "--baseline", "base.json"]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].starts_with("src/a.py:53:"), "{out}");
    assert!(err.contains("1 findings suppressed"), "{err}");

    // The JSON summary counts suppressed and stale entries.
    write(d, "src/a.py", "nothing left\n");
    let (out, _, code) =
        stdout_of(piiscan(d).args(["scan", ".", "--format", "json", "--baseline", "base.json"]));
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["baseline_stale"], 1);
    assert_eq!(doc["summary"]["suppressed"], 0);

    std::fs::write(d.join("bad.json"), "{\"findings\": 3}").unwrap();
    let (_, err, code) = stdout_of(piiscan(d).args(["scan", ".", "--baseline", "bad.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("bad.json:1: not a piiscan baseline"), "{err}");
}

#[test]
fn a_baseline_records_the_same_fingerprints_whatever_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "src/a.py", &format!("# header\n{OLD}{NEW}"));
    let record = |output: &str, format: &[&str]| {
        let mut args = vec!["baseline", ".", "--output", output];
        args.extend_from_slice(format);
        let (_, err, code) = stdout_of(piiscan(d).args(&args));
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(d.join(output)).unwrap()
    };
    let default = record("default.json", &[]);
    assert_eq!(default.matches("\"fingerprint\"").count(), 2, "{default}");
    for format in ["summary", "html", "sarif"] {
        let other = record(&format!("{format}.json"), &["--format", format]);
        assert_eq!(other, default, "--format {format}");
    }
}

#[test]
fn inline_ignores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.py",
        "a = 'bob.new@fabrikam-mail.com'  # piiscan:ignore\n\
         b = 'bob.new@fabrikam-mail.com'  # piiscan:ignore[phone]\n\
         # piiscan:ignore-next-line[email]\n\
         c = 'bob.new@fabrikam-mail.com'\n",
    );
    let (rows, _, err) = findings(d, &["."]);
    assert_eq!(rows, [("email".into(), "a.py".into(), 2)]);
    assert!(err.contains("2 findings suppressed"), "{err}");
}

#[test]
fn configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "src/a.txt",
        &format!("{NEW}ssn: 536-22-1849\nmail qa@example.com\n"),
    );
    write(d, "src/testdata/b.txt", NEW);
    write(d, "docs/c.txt", NEW);
    write(
        d,
        ".piiscan.toml",
        "include = [\"src/**\"]\nexclude = [\"src/testdata/**\"]\nfail-on = \"never\"\n\
         [fail-on-category]\n\"undeclared:*\" = \"low\"\n\
         [allowlist]\nvalues = [\"bob.new@fabrikam-mail.com\"]\n",
    );
    // The email is allowlisted, the SSN is undeclared: it alone fails the run.
    let (rows, code, _) = findings(d, &["."]);
    assert_eq!(rows, [("us-ssn".into(), "src/a.txt".into(), 2)]);
    assert_eq!(code, 1);
    // Run from a subdirectory: the file at the repository root still applies.
    let (rows, _, _) = findings(&d.join("src"), &["."]);
    assert_eq!(rows.len(), 1);
    // CLI flags override the file.
    let (_, code, _) = findings(d, &[".", "--fail-on", "never"]);
    assert_eq!(code, 1, "per-category fail-on still applies");
    let (rows, _, _) = findings(d, &[".", "--no-config"]);
    assert_eq!(rows.len(), 4);

    // Built-in allowlist off: example.com is reported at low confidence.
    write(
        d,
        ".piiscan.toml",
        "builtin-allowlist = false\nmin-confidence = \"low\"\ndisabled-rules = [\"us-ssn\"]\n",
    );
    let (rows, _, _) = findings(d, &["src/a.txt"]);
    let rules: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(rules, ["email", "email"]);

    let (out, _, code) = stdout_of(piiscan(d).args(["config", "check"]));
    assert_eq!(code, 0);
    assert!(out.contains(".piiscan.toml: ok"), "{out}");
    write(
        d,
        ".piiscan.toml",
        "include = [\"src/**\"]\nfail-on = \"sometimes\"\n",
    );
    for args in [&["config", "check"][..], &["scan", "."][..]] {
        let (_, err, code) = stdout_of(piiscan(d).args(args));
        assert_eq!(code, 2);
        assert!(
            err.contains(".piiscan.toml:2: unknown variant `sometimes`"),
            "{err}"
        );
    }
    write(d, ".piiscan.toml", "disabled-rules = [\"nope\"]\n");
    let (_, err, code) = stdout_of(piiscan(d).args(["scan", "."]));
    assert_eq!(code, 2);
    assert!(err.contains("disabled-rules names `nope`"), "{err}");
    // A misspelt category would never fail the run: it is an error, like an unknown rule.
    write(
        d,
        "typo.toml",
        "fail-on = \"never\"\n[fail-on-category]\n\"undeclard:*\" = \"low\"\n",
    );
    for args in [
        &["config", "check", "typo.toml"][..],
        &["scan", ".", "--config", "typo.toml"][..],
    ] {
        let (_, err, code) = stdout_of(piiscan(d).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(
                "typo.toml: fail-on-category names `undeclard:*`, which matches no category"
            ),
            "{err}"
        );
    }
}

#[test]
fn a_configured_baseline_can_be_recorded_after_the_key_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "a.txt", OLD);
    write(
        d,
        ".piiscan.toml",
        "baseline = \".piiscan-baseline.json\"\n",
    );
    let (_, err, code) =
        stdout_of(piiscan(d).args(["baseline", ".", "--output", ".piiscan-baseline.json"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("does not exist yet"), "{err}");
    let (rows, code, _) = findings(d, &["."]);
    assert!(rows.is_empty());
    assert_eq!(code, 0);
    // Named on the command line, a missing baseline is an error.
    let (_, err, code) = stdout_of(piiscan(d).args(["scan", ".", "--baseline", "nope.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("nope.json: cannot read baseline"), "{err}");
}

#[test]
fn a_baseline_recorded_at_the_root_matches_from_a_subdirectory_and_by_absolute_path() {
    let r = repo();
    let d = r.path();
    let src = d.join("src");
    write(d, "src/app.py", OLD);
    write_bytes(d, "src/data.zip", &zip("e.csv", CSV));
    let (_, err, code) =
        stdout_of(piiscan(d).args(["baseline", ".", "--output", ".piiscan-baseline.json"]));
    assert_eq!(code, 0, "{err}");
    let recorded = std::fs::read_to_string(d.join(".piiscan-baseline.json")).unwrap();
    assert!(recorded.contains("\"path\": \"src/app.py\""), "{recorded}");
    assert!(
        recorded.contains("\"path\": \"src/data.zip!e.csv\""),
        "{recorded}"
    );
    write(
        d,
        ".piiscan.toml",
        "baseline = \".piiscan-baseline.json\"\n",
    );
    let (root, src_abs) = (d.to_str().unwrap(), src.to_str().unwrap());
    let app = format!("{src_abs}/app.py");
    let data = format!("{src_abs}/data.zip");
    let runs: [(&Path, &[&str]); 6] = [
        (d, &["."]),
        (&src, &["."]),
        (&src, &["app.py", "data.zip"]),
        (&src, &["../src/app.py", "../src/data.zip"]),
        (d, &[root]),
        (&src, &[&app, &data]),
    ];
    for (cwd, args) in runs {
        let (rows, code, err) = findings(cwd, args);
        assert_eq!((rows.len(), code), (0, 0), "in {cwd:?}, {args:?}: {err}");
        assert!(err.contains("2 findings suppressed"), "{args:?}: {err}");
        assert!(!err.contains("match nothing"), "{args:?}: {err}");
    }
    // Recorded from the subdirectory, the baseline is the same.
    let (_, err, code) = stdout_of(piiscan(&src).args(["baseline", ".", "--output", "b.json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(src.join("b.json")).unwrap(),
        recorded
    );
    std::fs::remove_file(src.join("b.json")).unwrap();
    // A change, its paths relative to the repository's root, matches it too.
    git(d, &["add", "src"]);
    for cwd in [d, &src] {
        let (rows, code, err) = findings(cwd, &["--staged"]);
        assert_eq!((rows.len(), code), (0, 0), "in {cwd:?}: {err}");
        assert!(err.contains("2 findings suppressed"), "{err}");
    }

    // A finding added later is reported, with its path as displayed.
    write(d, "src/app.py", &format!("{OLD}{NEW}"));
    git(d, &["add", "src"]);
    let cases: [(&Path, &[&str], &str); 4] = [
        (d, &["."], "src/app.py"),
        (&src, &["."], "app.py"),
        (&src, &[src_abs], &app),
        (&src, &["--staged"], "src/app.py"),
    ];
    for (cwd, args, shown) in cases {
        let (rows, code, err) = findings(cwd, args);
        assert_eq!(rows, [("email".into(), shown.into(), 2)], "{args:?}: {err}");
        assert_eq!(code, 1);
        assert!(err.contains("2 findings suppressed"), "{args:?}: {err}");
    }
}

#[test]
fn a_scan_of_part_of_a_tree_counts_no_entry_of_the_rest_as_stale() {
    let r = repo();
    let d = r.path();
    let src = d.join("src");
    write(d, "src/app.py", OLD);
    write(d, "docs/owner.md", OLD);
    let (_, err, code) =
        stdout_of(piiscan(d).args(["baseline", ".", "--output", ".piiscan-baseline.json"]));
    assert_eq!(code, 0, "{err}");
    write(
        d,
        ".piiscan.toml",
        "baseline = \".piiscan-baseline.json\"\n",
    );
    // From `src`, the entry of docs/owner.md says nothing: that file was not searched.
    let (rows, code, err) = findings(&src, &["."]);
    assert_eq!((rows.len(), code), (0, 0), "{err}");
    assert!(err.contains("1 findings suppressed"), "{err}");
    assert!(!err.contains("match nothing"), "{err}");
    // A whole scan after the value is gone from docs/owner.md: that entry is stale.
    write(d, "docs/owner.md", "nothing here\n");
    let (_, _, err) = findings(d, &["."]);
    assert!(
        err.contains("1 baseline entries match nothing any more"),
        "{err}"
    );
}
