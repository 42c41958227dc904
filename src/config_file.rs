//! `.piiscan.toml`: the settings a team commits next to its code.
//!
//! Found at the repository root (the nearest directory upwards from the working directory
//! that has one, stopping at the directory holding `.git`), or given with `--config`. Paths in
//! it are relative to the file's directory. Command-line flags override it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::Confidence;

pub const FILE_NAME: &str = ".piiscan.toml";

/// A `fail-on` level in the file: a confidence, or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailLevel {
    Low,
    Medium,
    High,
    Never,
}

impl FailLevel {
    pub fn threshold(self) -> Option<Confidence> {
        match self {
            FailLevel::Low => Some(Confidence::Low),
            FailLevel::Medium => Some(Confidence::Medium),
            FailLevel::High => Some(Confidence::High),
            FailLevel::Never => None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSection {
    /// Exact values never reported.
    #[serde(default)]
    pub values: Vec<String>,
    /// Regexes; a value matching any is never reported.
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// Every key of `.piiscan.toml` (docs/configuration.md is the reference).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Only paths matching one of these globs are scanned (all when empty).
    #[serde(default)]
    pub include: Vec<String>,
    /// Paths matching one of these globs are not scanned.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule ids that never run.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// Lowest confidence reported (`--min-confidence` overrides).
    #[serde(default)]
    pub min_confidence: Option<Confidence>,
    /// Lowest confidence that fails the run (`--fail-on` overrides).
    #[serde(default)]
    pub fail_on: Option<FailLevel>,
    /// Per-category `fail-on`, by category id or a `prefix:*` pattern such as `undeclared:*`.
    #[serde(default)]
    pub fail_on_category: BTreeMap<String, FailLevel>,
    /// Baseline file of known findings to suppress (`--baseline` overrides).
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Directories of extra rules.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// A policy file replacing the built-in one (`--policy` overrides).
    #[serde(default)]
    pub policy: Option<PathBuf>,
    /// Suppress well-known test data (example.com, documentation IPs, 555-01xx numbers,
    /// published test cards).
    #[serde(default = "yes")]
    pub builtin_allowlist: bool,
    #[serde(default)]
    pub allowlist: AllowlistSection,
}

fn yes() -> bool {
    true
}

impl Default for ConfigFile {
    fn default() -> Self {
        toml::from_str("").expect("an empty config is valid")
    }
}

/// A loaded configuration file and where it was.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: ConfigFile,
}

impl Loaded {
    /// Resolve a path written in the file against the file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.parent() {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Read and check a configuration file. Errors read `FILE:LINE: problem`.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        // The parser's message may take two lines ("invalid array" / "expected `]`"): one.
        let message = e.message().trim().replace('\n', "; ");
        format!("{}:{line}: {message}", path.display())
    })?;
    // Catch bad patterns and globs now, with the file's name, rather than mid-scan.
    crate::suppress::Allowlist::new(&file.allowlist.values, &file.allowlist.patterns, true)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    for glob in file.include.iter().chain(&file.exclude) {
        ignore::overrides::OverrideBuilder::new(".")
            .add(glob)
            .map_err(|e| format!("{}: include/exclude glob `{glob}`: {e}", path.display()))?;
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        file,
    })
}

/// The nearest `.piiscan.toml` from `start` upwards, stopping at a repository root.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Does a `fail-on-category` key apply to this category id?
pub fn category_matches(pattern: &str, category: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => category.starts_with(prefix),
        None => pattern == category,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = ConfigFile::default();
        assert!(c.builtin_allowlist);
        assert!(c.include.is_empty() && c.fail_on.is_none());
    }

    #[test]
    fn every_key_parses() {
        let text = r#"
include = ["src/**"]
exclude = ["src/testdata/**"]
disabled-rules = ["mac-address"]
min-confidence = "low"
fail-on = "never"
baseline = ".piiscan-baseline.json"
rules = ["privacy/rules"]
policy = "privacy/policy.toml"
builtin-allowlist = false

[fail-on-category]
"payment-information" = "low"
"undeclared:*" = "low"

[allowlist]
values = ["support@acme-corp.io"]
patterns = ['@acme-corp\.io$']
"#;
        let c: ConfigFile = toml::from_str(text).unwrap();
        assert_eq!(c.fail_on, Some(FailLevel::Never));
        assert_eq!(c.fail_on_category["undeclared:*"], FailLevel::Low);
        assert!(!c.builtin_allowlist);
        assert_eq!(c.allowlist.patterns.len(), 1);
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".piiscan.toml");
        std::fs::write(&p, "include = [\"a\"]\n\nfail-on = \"sometimes\"\n").unwrap();
        let err = load(&p).unwrap_err();
        assert!(err.ends_with(".piiscan.toml:3: unknown variant `sometimes`, expected one of `low`, `medium`, `high`, `never`"), "{err}");
        std::fs::write(&p, "colour = 1\n").unwrap();
        let err = load(&p).unwrap_err();
        assert!(
            err.contains(".piiscan.toml:1: unknown field `colour`"),
            "{err}"
        );
        std::fs::write(&p, "[allowlist]\npatterns = [\"(\"]\n").unwrap();
        assert!(load(&p).unwrap_err().contains("allowlist pattern"));
    }

    #[test]
    fn category_patterns() {
        assert!(category_matches("undeclared:*", "undeclared:national-id"));
        assert!(!category_matches("undeclared:*", "contact-information"));
        assert!(category_matches(
            "contact-information",
            "contact-information"
        ));
    }
}
