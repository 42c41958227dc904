//! `--format html`: the data-map page. Its counts agree with the JSON summary of the same scan,
//! it loads nothing from anywhere, and nothing it prints can become markup.
//!
//! The page marks what tests read: every category row has `data-category`, `data-findings`,
//! `data-distinct`, `data-high`, `data-medium`, `data-low` and `data-declared`; rule rows
//! `data-rule` and `data-findings`; heat-map rows `data-dir` and cells `data-heat` (the
//! category) and `data-count`. .ci/checks/html-chromium.sh checks the same page in a browser.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

/// `piiscan scan ARGS --format html` in `dir`: the page, stderr and the exit code.
fn html(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let (out, err, code) = stdout_of(piiscan(dir).arg("scan").args(args).args(["-f", "html"]));
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (out, err, code)
}

/// The JSON summary of the same scan.
fn json_summary(dir: &Path, args: &[&str]) -> Value {
    let (out, err, _) = stdout_of(piiscan(dir).arg("scan").args(args).args(["-f", "json"]));
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    doc["summary"].clone()
}

/// The value of attribute `name` in the start tag `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Every start tag that has attribute `name`, with its byte offset in the page.
fn tags_with<'a>(page: &'a str, name: &str) -> Vec<(usize, &'a str)> {
    let key = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = page[from..].find(&key) {
        let at = from + i;
        let open = page[..at].rfind('<').expect("attribute inside a tag");
        let close = at + page[at..].find('>').expect("tag ends");
        out.push((open, &page[open..=close]));
        from = close;
    }
    out
}

fn num(tag: &str, name: &str) -> u64 {
    attr(tag, name)
        .unwrap_or_else(|| panic!("{name} missing in {tag}"))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a number in {tag}"))
}

/// The category rows by id: (offset in the page, tag).
fn category_rows(page: &str) -> BTreeMap<String, (usize, String)> {
    let mut rows = BTreeMap::new();
    for (at, tag) in tags_with(page, "data-category") {
        let id = attr(tag, "data-category").unwrap().to_string();
        assert!(
            rows.insert(id.clone(), (at, tag.to_string())).is_none(),
            "category {id} has two rows"
        );
    }
    rows
}

#[test]
fn every_policy_category_is_shown_with_the_counts_of_the_json_summary() {
    let (page, _, code) = html(&fixtures(), &["."]);
    assert_eq!(code, 1, "findings at medium or above fail the run");
    let summary = json_summary(&fixtures(), &["."]);
    let rows = category_rows(&page);

    let policy = piiscan::rules::Policy::builtin();
    for cat in &policy.categories {
        assert!(
            page.contains(&cat.name),
            "policy category {} missing",
            cat.name
        );
        let (_, tag) = rows
            .get(&cat.id)
            .unwrap_or_else(|| panic!("no row for declared category {}", cat.id));
        assert_eq!(attr(tag, "data-declared"), Some("yes"), "{tag}");
        if summary["by_category"].get(&cat.id).is_none() {
            assert_eq!(num(tag, "data-findings"), 0, "{tag}");
        }
    }

    let by_category = summary["by_category"].as_object().unwrap();
    assert!(by_category.contains_key("undeclared:national-id"));
    for (id, t) in by_category {
        let (_, tag) = rows
            .get(id)
            .unwrap_or_else(|| panic!("no row for category {id}"));
        for (field, json) in [
            ("data-findings", "findings"),
            ("data-distinct", "distinct_values"),
            ("data-high", "high"),
            ("data-medium", "medium"),
            ("data-low", "low"),
        ] {
            assert_eq!(num(tag, field), t[json].as_u64().unwrap(), "{id} {field}");
        }
        let declared = !id.starts_with("undeclared:");
        assert_eq!(
            attr(tag, "data-declared"),
            Some(if declared { "yes" } else { "no" })
        );
    }
    assert_eq!(
        rows.len(),
        policy.categories.len()
            + by_category
                .keys()
                .filter(|k| k.starts_with("undeclared:"))
                .count(),
        "one row per declared category and per undeclared one found"
    );

    // The header's totals.
    let number = |name: &str| num(tags_with(&page, name)[0].1, name);
    assert_eq!(
        number("data-files"),
        summary["files_scanned"].as_u64().unwrap()
    );
    assert_eq!(
        number("data-bytes"),
        summary["bytes_scanned"].as_u64().unwrap()
    );
    assert_eq!(
        number("data-skipped"),
        summary["skipped"].as_array().unwrap().len() as u64
    );
    assert!(page.contains("<code>image.bin</code></td><td>binary file</td>"));

    // The rule table.
    for (_, tag) in tags_with(&page, "data-rule") {
        let id = attr(tag, "data-rule").unwrap();
        let expected = summary["by_rule"]
            .get(id)
            .map_or(0, |n| n.as_u64().unwrap());
        assert_eq!(num(tag, "data-findings"), expected, "rule {id}");
    }

    // The heat map: its cells add up to each category's findings (fixtures/tree has few
    // directories, so all are shown).
    let mut heat: BTreeMap<String, u64> = BTreeMap::new();
    for (_, tag) in tags_with(&page, "data-heat") {
        *heat
            .entry(attr(tag, "data-heat").unwrap().to_string())
            .or_default() += num(tag, "data-count");
    }
    for (id, t) in by_category {
        assert_eq!(
            heat.get(id).copied(),
            t["findings"].as_u64(),
            "heat map of {id}"
        );
    }
    // Each cell agrees with the summary's `top_paths` (directory, count) of its category.
    let mut cells: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (at, row) in tags_with(&page, "data-dir") {
        let dir = attr(row, "data-dir").unwrap().to_string();
        let end = at + page[at..].find("</tr>").unwrap();
        for (_, cell) in tags_with(&page[at..end], "data-heat") {
            let cat = attr(cell, "data-heat").unwrap().to_string();
            cells.insert((dir.clone(), cat), num(cell, "data-count"));
        }
    }
    let mut checked = 0;
    for (id, t) in by_category {
        for place in t["top_paths"].as_array().unwrap() {
            let dir = place[0].as_str().unwrap().to_string();
            assert_eq!(
                cells.get(&(dir.clone(), id.clone())).copied(),
                place[1].as_u64(),
                "heat-map cell {dir} x {id}"
            );
            checked += 1;
        }
    }
    assert!(checked >= by_category.len());
}

#[test]
fn undeclared_categories_come_first_in_a_marked_panel() {
    let (page, _, _) = html(&fixtures(), &["."]);
    let rows = category_rows(&page);
    let panel = page
        .find("<section id=\"undeclared\"")
        .expect("the undeclared panel");
    let declared = page
        .find("<section id=\"policy\"")
        .expect("the policy view");
    let (undeclared_row, _) = rows["undeclared:national-id"];
    assert!(panel < undeclared_row && undeclared_row < declared);
    assert!(page[panel..declared].contains("Not declared in the privacy policy"));
    let first_declared = rows
        .values()
        .filter(|(_, tag)| attr(tag, "data-declared") == Some("yes"))
        .map(|(at, _)| *at)
        .min()
        .unwrap();
    assert!(declared < first_declared);
    // The top findings list the undeclared category first too.
    let findings = page.find("<section id=\"findings\"").unwrap();
    let ssn = page[findings..].find("undeclared:national-id").unwrap();
    let email = page[findings..].find("contact-information").unwrap();
    assert!(ssn < email);
}

#[test]
fn the_page_loads_nothing_from_anywhere() {
    let (page, _, _) = html(&fixtures(), &["."]);
    let lower = page.to_ascii_lowercase();
    for attribute in ["src=", "href=", "action=", "srcset=", "poster="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attribute) {
            let at = from + i + attribute.len();
            let value = lower[at..].trim_start_matches(['"', '\'']);
            assert!(
                !value.starts_with("http:")
                    && !value.starts_with("https:")
                    && !value.starts_with("//"),
                "remote reference: {}",
                &page[at - attribute.len()..(at + 60).min(page.len())]
            );
            from = at;
        }
    }
    assert!(!lower.contains("@import"));
    assert!(!lower.contains("url("), "no CSS url() at all");
    for tag in [
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!lower.contains(tag), "{tag}");
    }
    assert_eq!(lower.matches("<script").count(), 1, "one inline script");
    assert!(
        lower.contains("<script>"),
        "the script is inline, without src"
    );
    assert!(
        page.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
        "a CSP that blocks every load"
    );
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.trim_end().ends_with("</html>"));
}

#[cfg(unix)]
#[test]
fn hostile_names_render_as_text() {
    let dir = tempfile::tempdir().unwrap();
    // A file name cannot hold a `/`: the path `<script>alert(1)</script>.txt` is the file
    // `script>.txt` in the directory `<script>alert(1)<`.
    std::fs::create_dir(dir.path().join("<script>alert(1)<")).unwrap();
    std::fs::write(
        dir.path().join("<script>alert(1)<").join("script>.txt"),
        "contact: ana.lima@posteo.de\n",
    )
    .unwrap();
    let quotes = "q\"&'x.txt";
    let img_dir = "<img src=x onerror=alert(2)>";
    std::fs::write(dir.path().join(quotes), "mail: rui.costa@posteo.de\n").unwrap();
    std::fs::create_dir(dir.path().join(img_dir)).unwrap();
    std::fs::write(
        dir.path().join(img_dir).join("a.txt"),
        "email=lena.berg@posteo.de\n",
    )
    .unwrap();
    // A policy whose words are markup too.
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "title = \"<b>Our</b> policy & 'more'\"\n\
         [[category]]\nid = \"contact-information\"\nname = \"Contact <i>info</i>\"\n\
         wording = \"</td><script>alert(3)</script>\"\nsection = \"§\\\"1\\\"\"\n\
         ccpa = [\"<u>identifiers</u>\"]\n",
    )
    .unwrap();
    let (page, _, code) = html(
        dir.path(),
        &[
            ".",
            "--policy",
            policy.to_str().unwrap(),
            "--redact",
            "none",
        ],
    );
    assert_eq!(code, 1);
    let rows = category_rows(&page);
    assert_eq!(num(&rows["contact-information"].1, "data-findings"), 3);

    for raw in [
        "<script>alert",
        "alert(1)</script>",
        "<img src",
        "<b>Our",
        "<i>info",
        "<u>identifiers",
        "q\"&'x",
        "</td><script>",
    ] {
        assert!(!page.contains(raw), "{raw:?} was written as markup");
    }
    for escaped in [
        "<code>&lt;script&gt;alert(1)&lt;/script&gt;.txt</code>",
        "q&quot;&amp;&#39;x.txt",
        "&lt;img src=x onerror=alert(2)&gt;",
        "&lt;b&gt;Our&lt;/b&gt; policy &amp; &#39;more&#39;",
        "Contact &lt;i&gt;info&lt;/i&gt;",
        "&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;",
        "&lt;u&gt;identifiers&lt;/u&gt;",
    ] {
        assert!(page.contains(escaped), "{escaped:?} missing");
    }
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only piiscan's own script"
    );
    // Even with --redact none the page holds redacted values only.
    for value in [
        "ana.lima@posteo.de",
        "rui.costa@posteo.de",
        "lena.berg@posteo.de",
    ] {
        assert!(!page.contains(value), "a raw value is in the page");
    }
}

#[test]
fn no_planted_value_leaks_whatever_the_redaction() {
    for redact in ["partial", "full", "none"] {
        let (page, err, _) = html(
            &fixtures(),
            &[".", "--redact", redact, "--min-confidence", "low"],
        );
        for value in PLANTED {
            assert!(
                !page.contains(value) && !err.contains(value),
                "planted value #{} leaked with --redact {redact}",
                PLANTED.iter().position(|v| v == value).unwrap()
            );
        }
    }
    let (page, _, _) = html(&fixtures(), &[".", "--redact", "full"]);
    assert!(page.contains("<code class=\"value\">[REDACTED]</code>"));
}

#[test]
fn top_findings_are_bounded_per_category() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..30)
        .map(|i| format!("email: person.{i}@posteo.de\n"))
        .collect();
    std::fs::write(dir.path().join("list.txt"), lines).unwrap();
    let (page, _, _) = html(dir.path(), &["."]);
    let rows = category_rows(&page);
    let (_, tag) = &rows["contact-information"];
    assert_eq!(num(tag, "data-findings"), 30);
    assert_eq!(num(tag, "data-distinct"), 30);
    assert_eq!(page.matches("<td><code>list.txt</code></td>").count(), 20);
    assert!(page.contains("Showing the first 20 of 30 findings."));
}

#[test]
fn findings_a_baseline_suppresses_leave_their_places_to_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let list = |n: usize| -> String {
        (0..n)
            .map(|i| format!("email: person.{i}@posteo.de\n"))
            .collect()
    };
    std::fs::write(dir.path().join("list.txt"), list(25)).unwrap();
    let (_, err, code) =
        stdout_of(piiscan(dir.path()).args(["baseline", ".", "--output", "base.json"]));
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.path().join("list.txt"), list(30)).unwrap();
    // The first 25 are known; the 5 after them are the ones shown.
    let (page, err, _) = html(dir.path(), &[".", "--baseline", "base.json"]);
    assert!(err.contains("25 findings suppressed"), "{err}");
    assert_eq!(page.matches("<td><code>list.txt</code></td>").count(), 5);
}

#[test]
fn a_clean_scan_still_shows_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("clean.txt"),
        "version 1.2.3.4, nothing personal\n",
    )
    .unwrap();
    let out = dir.path().join("report.html");
    let (stdout, _, code) = html(dir.path(), &[".", "--output", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "the page goes to --output");
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("No personal data was found"));
    assert!(!page.contains("id=\"undeclared\""));
    let rows = category_rows(&page);
    assert_eq!(
        rows.len(),
        piiscan::rules::Policy::builtin().categories.len()
    );
    assert!(rows.values().all(|(_, t)| num(t, "data-findings") == 0));
    assert!(page.contains("Nothing was skipped"));
}
