//! `--format sarif`: valid SARIF 2.1.0 (checked against the OASIS schema when ../shared is
//! present) that stays within what GitHub code scanning accepts.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

/// The OASIS SARIF 2.1.0 schema (draft-04), when ../shared is beside the checkout.
fn schema() -> Option<&'static jsonschema::Validator> {
    static SCHEMA: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let path = shared("sarif/sarif-schema-2.1.0.json")?;
            let schema: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            Some(
                jsonschema::draft4::options()
                    .should_validate_formats(true)
                    .build(&schema)
                    .expect("the SARIF schema compiles"),
            )
        })
        .as_ref()
}

/// Run `piiscan scan --format sarif ARGS` in `dir`; check the output and return it parsed,
/// with its text, stderr and exit code.
fn sarif(dir: &Path, args: &[&str]) -> (Value, String, String, i32) {
    let (out, err, code) = stdout_of(piiscan(dir).args(["scan", "--format", "sarif"]).args(args));
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let doc: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    check(&doc);
    (doc, out, err, code)
}

/// What every SARIF log piiscan writes must satisfy: the schema, and GitHub's rules.
fn check(doc: &Value) {
    if let Some(schema) = schema() {
        let errors: Vec<String> = schema
            .iter_errors(doc)
            .take(10)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
    }
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(doc["version"], "2.1.0");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "piiscan");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_HOMEPAGE"));

    let rules = driver["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    let mut ids = HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(ids.insert(id), "rule {id} is listed twice");
        for text in [
            &rule["shortDescription"]["text"],
            &rule["fullDescription"]["text"],
            &rule["help"]["text"],
            &rule["help"]["markdown"],
        ] {
            let text = text.as_str().unwrap();
            assert!(!text.trim().is_empty(), "rule {id}: an empty description");
            assert!(text.chars().count() <= 1024, "rule {id}: {text}");
        }
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .expect("security-severity is a number");
        assert!(severity > 0.0 && severity <= 10.0, "rule {id}: {severity}");
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.len() <= 20 && tags.contains(&"pii".into()), "{tags:?}");
        assert!(["very-high", "high", "medium", "low"]
            .contains(&rule["properties"]["precision"].as_str().unwrap()));
        assert!(["error", "warning", "note"]
            .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
        // `name` is the id in PascalCase, unless that differs from the id only in case.
        match rule["name"].as_str() {
            Some(name) => assert!(
                name.starts_with(char::is_uppercase) && !name.eq_ignore_ascii_case(id),
                "{name}"
            ),
            None => assert!(!id.contains(|c: char| !c.is_ascii_alphanumeric()), "{id}"),
        }
    }

    for result in run["results"]
        .as_array()
        .expect("results is always present")
    {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let location = &locations[0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert_uri(uri);
        if location["artifactLocation"]["uriBaseId"] == "%SRCROOT%" {
            assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
        } else {
            assert!(uri.starts_with("file:///"), "{uri}");
        }
        let region = &location["region"];
        for field in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[field].as_u64().unwrap() >= 1, "{field} in {result}");
        }
        assert_eq!(region["startLine"], region["endLine"]);
        assert!(region["endColumn"].as_u64() > region["startColumn"].as_u64());
        let fingerprints = &result["partialFingerprints"];
        assert!(fingerprints["primaryLocationLineHash"].is_string());
        assert_eq!(
            fingerprints["primaryLocationLineHash"],
            fingerprints["piiscan/v1"]
        );
    }
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert_uri(base);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    for n in notifications(doc) {
        assert!(!n["message"]["text"].as_str().unwrap().is_empty());
        if let Some(uri) = n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
        {
            assert_uri(uri);
        }
    }
}

/// Only characters RFC 3986 allows in a URI (the schema's `format` is not checked in depth).
fn assert_uri(uri: &str) {
    assert!(
        !uri.is_empty()
            && uri
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)),
        "not a valid URI: {uri}"
    );
}

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().unwrap()
}

fn notifications(doc: &Value) -> Vec<Value> {
    doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_clean_tree_has_every_rule_and_no_results() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("clean.txt"),
        "nothing personal here, version 1.2.3.4\n",
    )
    .unwrap();
    let (doc, _, _, code) = sarif(dir.path(), &["."]);
    assert_eq!(code, 0);
    assert!(results(&doc).is_empty());
    assert!(notifications(&doc).is_empty());

    // One descriptor per rule of the rule set, in its order.
    let (list, _, _) = stdout_of(piiscan(dir.path()).args(["rules", "list"]));
    let listed: Vec<&str> = list
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let described: Vec<&str> = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(described, listed);
}

#[test]
fn the_fixture_tree_gives_one_result_per_finding() {
    let (doc, _, _, code) = sarif(&fixtures(), &["."]);
    assert_eq!(code, 1);
    let (json, _, _) = stdout_of(piiscan(&fixtures()).args(["scan", ".", "--format", "json"]));
    let json: Value = serde_json::from_str(&json).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let results = results(&doc);
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["rule"]);
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], f["path"]);
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(location["region"]["startLine"], f["line"]);
        assert_eq!(r["partialFingerprints"]["piiscan/v1"], f["fingerprint"]);
        assert_eq!(r["properties"]["confidence"], f["confidence"]);
        assert_eq!(r["properties"]["categories"], f["categories"]);
        let level = match f["confidence"].as_str().unwrap() {
            "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
        let message = r["message"]["text"].as_str().unwrap();
        let redacted = f["redacted"].as_str().unwrap();
        assert!(
            message.ends_with(&format!("): {redacted}"))
                && message.starts_with(f["name"].as_str().unwrap()),
            "{message}"
        );
    }
    let base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(base.ends_with("/fixtures/tree/"), "{base}");

    // National ids are undeclared by the default policy, and the rule's help says so.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ssn = rules.iter().find(|r| r["id"] == "us-ssn").unwrap();
    assert_eq!(ssn["name"], "UsSsn");
    assert_eq!(ssn["properties"]["security-severity"], "8.5");
    assert!(ssn["help"]["text"]
        .as_str()
        .unwrap()
        .contains("NOT declared by the policy"));
    let card = rules.iter().find(|r| r["id"] == "credit-card").unwrap();
    assert_eq!(card["name"], "CreditCard");
    assert_eq!(card["properties"]["precision"], "very-high");
    assert_eq!(card["properties"]["security-severity"], "8.0");
    let email = rules.iter().find(|r| r["id"] == "email").unwrap();
    assert_eq!(email["properties"]["security-severity"], "5.0");
    assert_eq!(email["defaultConfiguration"]["level"], "error");
    let help = email["help"]["text"].as_str().unwrap();
    for words in [
        "contact-information",
        "piiscan:ignore[email]",
        "piiscan baseline",
        "--min-confidence",
        ".piiscan.toml",
    ] {
        assert!(help.contains(words), "{words} missing from {help}");
    }
}

#[test]
fn skipped_inputs_are_tool_execution_notifications() {
    let (doc, _, err, _) = sarif(&fixtures(), &["."]);
    assert!(err.contains("skipped image.bin: binary file"), "{err}");
    let notes = notifications(&doc);
    let binary = notes
        .iter()
        .find(|n| n["message"]["text"] == "image.bin: binary file")
        .unwrap_or_else(|| panic!("no notification for image.bin: {notes:#?}"));
    assert_eq!(binary["level"], "warning");
    assert_eq!(
        binary["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "image.bin"
    );

    let (doc, _, _, _) = sarif(&fixtures(), &[".", "--max-filesize", "300"]);
    assert!(notifications(&doc).iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("logs/access.log: larger than --max-filesize")));
}

#[test]
fn columns_count_utf16_code_units_and_uris_are_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        ("北京 – Zoë: jane.doe@acme-corp.io", "jane.doe@acme-corp.io"),
        ("🙂 𝄞 mail: ana_souza@mail.com.br", "ana_souza@mail.com.br"),
    ];
    let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("données clients.txt"), text).unwrap();
    let (doc, _, _, _) = sarif(dir.path(), &["."]);
    let results = results(&doc);
    assert_eq!(results.len(), 2, "{results:#?}");
    for ((line, value), result) in lines.iter().zip(results) {
        let at = line.find(value).unwrap();
        let start = line[..at].encode_utf16().count() as u64 + 1;
        let end = start + value.encode_utf16().count() as u64;
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startColumn"], start, "{line}");
        assert_eq!(region["endColumn"], end, "{line}");
        if line.starts_with('🙂') {
            // Characters outside the BMP take two UTF-16 code units.
            assert_eq!(start, line[..at].chars().count() as u64 + 3);
        }
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "donn%C3%A9es%20clients.txt"
        );
    }
}

#[test]
fn paths_outside_the_working_directory_are_absolute_file_uris() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a b.txt"), "mail: jane.doe@acme-corp.io\n").unwrap();
    let abs = dir.path().canonicalize().unwrap();
    let (doc, _, _, _) = sarif(&fixtures(), &[abs.to_str().unwrap()]);
    let artifact = &results(&doc)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(artifact.get("uriBaseId").is_none(), "{artifact}");
    let uri = artifact["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/a%20b.txt"),
        "{uri}"
    );
}

#[test]
fn no_planted_value_leaks() {
    for redact in ["partial", "full"] {
        let (_, text, err, _) = sarif(&fixtures(), &[".", "--redact", redact, "--explain"]);
        for value in PLANTED {
            assert!(!text.contains(value), "a planted value leaked ({redact})");
            assert!(!err.contains(value), "a planted value leaked on stderr");
        }
    }
    // Asked for explicitly, values are shown in the messages.
    let (doc, _, _, _) = sarif(&fixtures(), &["customers.csv", "--redact", "none"]);
    assert!(results(&doc).iter().any(|r| r["message"]["text"]
        .as_str()
        .unwrap()
        .ends_with("jose.mueller@posteo.de")));
}

#[test]
fn at_most_25000_results_the_most_confident_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(1 << 20);
    // Ten medium-confidence public addresses first, then 25,000 high-confidence emails.
    for i in 0..10 {
        text.push_str(&format!("seen 81.2.69.{}\n", 10 + i));
    }
    for i in 0..25_000 {
        text.push_str(&format!("user{i}@posteo.de\n"));
    }
    std::fs::write(dir.path().join("big.log"), text).unwrap();
    let (doc, _, _, _) = sarif(dir.path(), &["."]);
    let results = results(&doc);
    assert_eq!(results.len(), 25_000);
    assert!(results.iter().all(|r| r["ruleId"] == "email"));
    let first = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(first["startLine"], 11);
    let notes = notifications(&doc);
    assert!(
        notes.iter().any(|n| {
            let text = n["message"]["text"].as_str().unwrap();
            text.starts_with("10 of 25010 results were left out") && text.contains("25000")
        }),
        "{notes:#?}"
    );
}

#[test]
fn sarif_category_is_the_automation_id() {
    let (doc, _, _, _) = sarif(&fixtures(), &["src", "--sarif-category", "piiscan-src"]);
    assert_eq!(doc["runs"][0]["automationDetails"]["id"], "piiscan-src/");
    let (doc, _, _, _) = sarif(&fixtures(), &["src", "--sarif-category", "piiscan/nightly"]);
    assert_eq!(doc["runs"][0]["automationDetails"]["id"], "piiscan/nightly");
    let (doc, _, _, _) = sarif(&fixtures(), &["src"]);
    assert!(doc["runs"][0].get("automationDetails").is_none());
    let (_, err, code) = stdout_of(piiscan(&fixtures()).args(["scan", "--sarif-category", ""]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("piiscan.sarif");
    let (out, _, code) = stdout_of(piiscan(&fixtures()).args([
        "scan",
        ".",
        "--format",
        "sarif",
        "--fail-on",
        "never",
        "--output",
        file.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    assert!(out.is_empty());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    check(&doc);
    assert!(!results(&doc).is_empty());
}

#[test]
fn snapshot_of_customers_csv() {
    let (mut doc, _, _, _) = sarif(&fixtures(), &["customers.csv"]);
    let run = &mut doc["runs"][0];
    run["tool"]["driver"]["version"] = "[version]".into();
    run["tool"]["driver"]["semanticVersion"] = "[version]".into();
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "[cwd]".into();
    insta::assert_json_snapshot!("sarif_customers_csv", doc);
}
