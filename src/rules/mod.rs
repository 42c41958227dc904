//! Rules and policy: the data that says what to look for and how to classify it.
//!
//! Both are TOML. The defaults in `rules/` at the top of the repository are embedded in the
//! binary at build time; users add rules with `--rules DIR` and replace the policy with
//! `--policy FILE`. Everything here is checked when loaded, so a broken file stops the run with
//! exit 2 and a message naming the file, the rule and the problem.

mod lint;
mod policy;

pub use lint::{check_examples, ExampleFailure};
pub use policy::{Category, Policy};

use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::finding::Confidence;

/// The rule files shipped in the binary, as (file name, contents).
pub const EMBEDDED_RULES: &[(&str, &str)] = &[
    ("email.toml", include_str!("../../rules/email.toml")),
    ("phone.toml", include_str!("../../rules/phone.toml")),
    ("ip.toml", include_str!("../../rules/ip.toml")),
    ("payment.toml", include_str!("../../rules/payment.toml")),
    (
        "national-id.toml",
        include_str!("../../rules/national-id.toml"),
    ),
    ("device.toml", include_str!("../../rules/device.toml")),
    ("geo.toml", include_str!("../../rules/geo.toml")),
    (
        "credentials.toml",
        include_str!("../../rules/credentials.toml"),
    ),
    ("tracking.toml", include_str!("../../rules/tracking.toml")),
    ("personal.toml", include_str!("../../rules/personal.toml")),
];

/// The policy shipped in the binary.
pub const EMBEDDED_POLICY: (&str, &str) = ("policy.toml", include_str!("../../rules/policy.toml"));

/// A problem with a rule or policy file. Always names the file, and the rule where there is one.
#[derive(Debug, Error)]
pub enum RuleError {
    #[error("{file}: cannot read: {message}")]
    Read { file: String, message: String },
    #[error("{file}: invalid TOML: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: rule `{rule}`: {message}")]
    Rule {
        file: String,
        rule: String,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// How a matched value is partially redacted (`--redact partial`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RedactStyle {
    /// Keep the separators and the last two characters: `***-**-**89`.
    #[default]
    Tail,
    /// Keep the first letter of the user and domain and the top-level domain: `j***@e******.com`.
    Email,
    /// Mask every character but keep separators: `***.***.***.***`.
    Shape,
    /// Mask every character, separators too: `***********` (passwords, whose punctuation is
    /// as secret as the rest).
    Secret,
}

/// One detector as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable identifier used in output, config and suppressions (`email`, `us-ssn`).
    pub id: String,
    /// Human name (`Email address`).
    pub name: String,
    /// What the identifier is and why it is personal data.
    pub description: String,
    /// Policy category ids; a category the policy does not declare becomes `undeclared:<id>`.
    pub categories: Vec<String>,
    /// CCPA categories used when the rule's category is undeclared by the policy.
    #[serde(default)]
    pub ccpa: Vec<String>,
    /// Regex (ASCII mode, bytes). An optional group named `value` narrows the reported span.
    /// Empty (absent) for a rule found only through `keys` in structured files.
    #[serde(default)]
    pub pattern: String,
    /// More regexes for the same kind of value, each an alternative to `pattern` with its own
    /// optional `value` group (`password=...` and `scheme://user:...@host`).
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Prefilter literals: when non-empty, a match counts only if one of them (ASCII
    /// case-insensitive) is on the same line near the match.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A regex that, matching right before the value (on its line), rejects it: `v` before
    /// `1.2.3.4` makes a version, not an address.
    #[serde(default)]
    pub reject_if_preceded_by: Option<String>,
    /// A regex that, matching right after the value, rejects it: `.5` after `1.2.3.4` makes
    /// an OID.
    #[serde(default)]
    pub reject_if_followed_by: Option<String>,
    /// Words that raise confidence when seen near the match.
    #[serde(default)]
    pub context: Vec<String>,
    /// Words that lower confidence when seen near the match (version, sha, uuid...).
    #[serde(default)]
    pub negative_context: Vec<String>,
    /// Name of a validator in `validate::lookup`.
    #[serde(default)]
    pub validator: Option<String>,
    /// Confidence of a validated match without context.
    pub confidence: Confidence,
    /// How `--redact partial` shows the value.
    #[serde(default)]
    pub redact: RedactStyle,
    /// Strings in which this rule must report a finding at default settings.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Strings in which this rule must report nothing at default settings.
    #[serde(default)]
    pub counterexamples: Vec<String>,
    /// Field names (JSON keys, CSV/TSV columns, `key=value` keys) that hold this kind of
    /// value, compared ignoring case and separators (`first_name` = `firstName`). A value
    /// under one of them gets higher confidence and satisfies `keywords`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Also report every plausible value under one of `keys` in JSON and CSV/TSV files, whether
    /// or not `pattern` matches it. Always on for a rule without a pattern.
    #[serde(default)]
    pub detect_by_key: bool,
}

impl Rule {
    /// Every regex of the rule: `pattern` (when set), then `patterns`, in the order the rule
    /// set numbers them.
    pub fn regexes(&self) -> impl Iterator<Item = &String> {
        let own = (!self.pattern.is_empty()).then_some(&self.pattern);
        own.into_iter().chain(&self.patterns)
    }

    /// Whether the structured pass reports values under this rule's `keys`.
    pub fn detected_by_key(&self) -> bool {
        !self.keys.is_empty() && (self.detect_by_key || self.pattern.is_empty())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

/// Parse one rule file and check every rule's fields (but not its examples: see `lint`).
pub fn parse_rule_file(file: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    let parsed: RuleFile = toml::from_str(text).map_err(|e| RuleError::Syntax {
        file: file.to_string(),
        message: one_line(&e.to_string()),
    })?;
    if parsed.rule.is_empty() {
        return Err(RuleError::File {
            file: file.to_string(),
            message: "no [[rule]] tables".into(),
        });
    }
    for rule in &parsed.rule {
        check_rule(file, rule)?;
    }
    Ok(parsed.rule)
}

fn check_rule(file: &str, rule: &Rule) -> Result<(), RuleError> {
    let fail = |message: String| RuleError::Rule {
        file: file.to_string(),
        rule: rule.id.clone(),
        message,
    };
    if rule.id.is_empty()
        || !rule
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(fail(
            "id must be non-empty lowercase letters, digits and dashes".into(),
        ));
    }
    if rule.name.trim().is_empty() || rule.description.trim().is_empty() {
        return Err(fail("name and description must not be empty".into()));
    }
    if rule.categories.is_empty() {
        return Err(fail("categories must name at least one category".into()));
    }
    if rule.examples.is_empty() || rule.counterexamples.is_empty() {
        return Err(fail(
            "every rule needs at least one example and one counterexample".into(),
        ));
    }
    for key in &rule.keys {
        let mut buf = [0u8; crate::structured::MAX_KEY];
        if crate::structured::normalize(key.as_bytes(), &mut buf).is_none() {
            return Err(fail(format!(
                "key {key:?} is empty or longer than {} bytes",
                crate::structured::MAX_KEY
            )));
        }
    }
    if let Some(name) = &rule.validator {
        if crate::validate::lookup(name).is_none() {
            return Err(fail(format!(
                "unknown validator `{name}` (known: {})",
                crate::validate::NAMES.join(", ")
            )));
        }
    }
    // A user's patterns are compiled alone, under the size limit, so a hostile one
    // (`a{1000}{1000}`) stops the run with its file and rule named. Built-in ones are not
    // checked at each start (parsing them was an eighth of starting up): a test checks them
    // (`builtin_rules_pass_the_checks_of_user_rules`), and the rule set compiles them.
    let builtin = file.starts_with("<builtin>/");
    let check_regex = |re: &str| {
        if builtin {
            Ok(())
        } else {
            crate::scan::compile_rule_regex(re).map(drop)
        }
    };
    if rule.pattern.is_empty() {
        if !rule.patterns.is_empty() {
            return Err(fail(
                "`patterns` adds to `pattern`, which is missing".into(),
            ));
        }
        if rule.keys.is_empty() {
            return Err(fail(
                "a rule needs a pattern, or keys to find it by in structured files".into(),
            ));
        }
    } else {
        check_regex(&rule.pattern).map_err(|e| fail(format!("pattern: {e}")))?;
    }
    let mut buf = [0u8; crate::structured::MAX_KEY];
    if rule
        .keys
        .iter()
        .any(|k| crate::structured::normalize(k.as_bytes(), &mut buf).is_none())
    {
        return Err(fail(format!(
            "every key needs 1 to {} letters or digits",
            crate::structured::MAX_KEY
        )));
    }
    for (i, pattern) in rule.patterns.iter().enumerate() {
        check_regex(pattern).map_err(|e| fail(format!("patterns[{i}]: {e}")))?;
    }
    // Checked alone (`a)|(b` is no regex, though it would be one once wrapped) and as they
    // run, anchored: the rule set compiles exactly these texts when first needed.
    for (field, re, anchored) in [
        (
            "reject_if_preceded_by",
            &rule.reject_if_preceded_by,
            crate::scan::preceded_by_regex as fn(&str) -> String,
        ),
        (
            "reject_if_followed_by",
            &rule.reject_if_followed_by,
            crate::scan::followed_by_regex,
        ),
    ] {
        if let Some(re) = re {
            check_regex(re)
                .and_then(|()| check_regex(&anchored(re)))
                .map_err(|e| fail(format!("{field}: {e}")))?;
        }
    }
    Ok(())
}

/// The embedded rules plus those in `extra_dirs`; a user rule with an existing id replaces it.
pub fn load_rules(extra_dirs: &[impl AsRef<Path>]) -> Result<Vec<Rule>, RuleError> {
    let mut rules = Vec::new();
    for (name, text) in EMBEDDED_RULES {
        merge(
            &mut rules,
            parse_rule_file(&format!("<builtin>/{name}"), text)?,
        );
    }
    for dir in extra_dirs {
        for (file, text) in read_rule_dir(dir.as_ref())? {
            merge(&mut rules, parse_rule_file(&file, &text)?);
        }
    }
    Ok(rules)
}

/// Every `*.toml` in a directory (sorted by name), or the file itself when given a file.
pub fn read_rule_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
    let read_err = |p: &Path, e: std::io::Error| RuleError::Read {
        file: p.display().to_string(),
        message: e.to_string(),
    };
    let mut paths = Vec::new();
    if dir.is_file() {
        paths.push(dir.to_path_buf());
    } else {
        for entry in std::fs::read_dir(dir).map_err(|e| read_err(dir, e))? {
            let path = entry.map_err(|e| read_err(dir, e))?.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| read_err(&p, e))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

fn merge(rules: &mut Vec<Rule>, new: Vec<Rule>) {
    for rule in new {
        match rules.iter_mut().find(|r| r.id == rule.id) {
            Some(existing) => *existing = rule,
            None => rules.push(rule),
        }
    }
}

/// TOML errors span several lines with a caret diagram; keep them on one line for stderr.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && *l != "^")
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let rules = load_rules(&[] as &[&Path]).unwrap();
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
            assert!(rules.iter().any(|r| r.id == id), "missing rule {id}");
        }
    }

    #[test]
    fn builtin_rules_pass_the_checks_of_user_rules() {
        // Loading skips the regex checks of built-in rules: they must pass a user rule's.
        for (name, text) in EMBEDDED_RULES {
            let parsed: RuleFile = toml::from_str(text).unwrap();
            for rule in &parsed.rule {
                if let Err(e) = check_rule(&format!("rules/{name}"), rule) {
                    panic!("{e}");
                }
            }
        }
    }

    #[test]
    fn malformed_rule_names_file_rule_and_problem() {
        let text = r#"
[[rule]]
id = "x"
name = "X"
description = "d"
categories = ["contact-information"]
pattern = "a("
confidence = "high"
examples = ["a"]
counterexamples = ["b"]
"#;
        let err = parse_rule_file("my.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("my.toml: rule `x`: pattern:"), "{err}");
    }

    #[test]
    fn malformed_reject_regexes_are_named_when_rules_load() {
        // Compiled only when first needed by a scan, so they must be checked here, as they run.
        for (field, re) in [
            ("reject_if_preceded_by", "(x"),
            ("reject_if_followed_by", "x)"),
            ("reject_if_followed_by", "a{1000}{1000}"),
            // Balanced only once wrapped: `(?:a)|(b)\z` would not be anchored as a whole.
            ("reject_if_preceded_by", "a)|(b"),
        ] {
            let text = format!(
                "[[rule]]\nid = \"x\"\nname = \"X\"\ndescription = \"d\"\n\
                 categories = [\"contact-information\"]\npattern = \"abc\"\n\
                 confidence = \"high\"\nexamples = [\"abc\"]\ncounterexamples = [\"b\"]\n\
                 {field} = '{re}'\n"
            );
            let err = parse_rule_file("my.toml", &text).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("my.toml: rule `x`: {field}:")),
                "{err}"
            );
        }
    }

    #[test]
    fn rule_without_counterexample_is_rejected() {
        let text = r#"
[[rule]]
id = "x"
name = "X"
description = "d"
categories = ["contact-information"]
pattern = "abc"
confidence = "high"
examples = ["abc"]
"#;
        let err = parse_rule_file("my.toml", text).unwrap_err().to_string();
        assert!(err.contains("counterexample"), "{err}");
    }

    #[test]
    fn unknown_field_is_a_syntax_error_naming_the_file() {
        let err = parse_rule_file("bad.toml", "[[rule]]\nidd = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.toml: invalid TOML:"), "{err}");
        assert!(!err.contains('\n'));
    }
}
