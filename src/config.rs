//! Turning the command line into one immutable configuration for a run.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use anyhow::{anyhow, bail, Result};

use crate::baseline::Baseline;
use crate::cli::{ColorChoice, FailOn, Format, Level, RedactArg, RuleSources, ScanArgs};
use crate::config_file::{self, FailLevel, Loaded};
use crate::discover::{self, Discovered, Walk};
use crate::finding::{Confidence, Redaction};
use crate::git::Change;
use crate::rules::{self, Policy};
use crate::scan::RuleSet;

/// What judging and reporting a single input needs.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    pub min_confidence: Confidence,
    pub redaction: Redaction,
    pub explain: bool,
    /// Bytes scanned at once (bounded memory); see `read::CHUNK_SIZE`.
    pub chunk_size: usize,
    /// When decompression and unpacking stop (`--max-decompressed`, nesting).
    pub limits: crate::decompress::Limits,
    /// Compute fingerprints (SHA-256 per finding). Reports that show none and runs without a
    /// baseline skip them.
    pub fingerprints: bool,
    /// Compute what a finding shows besides its counts: columns, redacted value, structured
    /// context. The data map (`--format summary`) counts findings and shows none of it.
    pub details: bool,
    /// Number each finding's line. The data map shows none, but `--staged` and `--diff` keep
    /// only findings on added lines.
    pub line_numbers: bool,
}

impl ScanOptions {
    /// The options of a run that only counts findings (the data map): nothing is computed that
    /// only a finding shown on its own would use.
    pub fn counts_only() -> ScanOptions {
        ScanOptions {
            fingerprints: false,
            details: false,
            line_numbers: false,
            ..ScanOptions::default()
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            min_confidence: Confidence::Medium,
            redaction: Redaction::Partial,
            explain: false,
            chunk_size: crate::read::CHUNK_SIZE,
            limits: crate::decompress::Limits::default(),
            fingerprints: true,
            details: true,
            line_numbers: true,
        }
    }
}

/// Everything a scan run needs, fixed before the first byte is read.
#[derive(Debug)]
pub struct Config {
    /// Where the inputs are and which to scan.
    pub walk: Walk,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub rules: Arc<RuleSet>,
    pub options: ScanOptions,
    /// Findings at or above this make exit code 1; `None` never fails.
    pub fail_on: Option<Confidence>,
    pub mmap: bool,
    /// About how many bytes each thread searches of a large file that is split (see `split`).
    pub part_size: u64,
    pub color: bool,
    /// `--sarif-category`: the SARIF run's `automationDetails.id`.
    pub sarif_category: Option<String>,
    /// Whether to draw a progress bar on stderr, and whether that was forced (`--progress`).
    pub progress: bool,
    pub progress_forced: bool,
    /// Per-category `fail-on` from the configuration file: (category pattern, threshold).
    pub fail_on_category: Vec<(String, Option<Confidence>)>,
    /// Known findings to suppress.
    pub baseline: Option<Arc<Baseline>>,
    /// The inputs, discovered while the rule set compiled; taken by the first run.
    discovering: Mutex<Option<JoinHandle<Result<Discovered>>>>,
}

impl Config {
    pub fn from_args(args: &ScanArgs) -> Result<Config> {
        let loaded = find_config(args.config.as_deref(), args.no_config)?;
        let file = loaded.as_ref().map(|l| &l.file);
        let walk = Walk {
            paths: args.paths.clone(),
            threads: args
                .threads
                .filter(|&n| n > 0)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            max_filesize: args.max_filesize,
            no_ignore: args.no_ignore,
            hidden: args.hidden,
            follow: args.follow,
            include: file.map(|f| f.include.clone()).unwrap_or_default(),
            exclude: file.map(|f| f.exclude.clone()).unwrap_or_default(),
            config_file: loaded.as_ref().map(|l| l.path.clone()),
            change: match (&args.diff, args.staged) {
                (Some(base), _) => Some(Change::Diff(base.clone())),
                (None, true) => Some(Change::Staged),
                (None, false) => None,
            },
            shard: match (args.shard, args.shard_count) {
                (Some(s), _) => Some(s),
                (None, Some(count)) => Some(
                    crate::shard::Shard::from_index(
                        args.shard_index,
                        count,
                        std::env::var("JOB_COMPLETION_INDEX").ok(),
                    )
                    .map_err(|e| anyhow!(e))?,
                ),
                (None, None) => None,
            },
            stdin_name: args.stdin_name.clone(),
            report: args.output.as_deref().and_then(Walk::report_path),
        };
        // The walk (or git, for a change) runs while the rules compile. On an error below, the
        // process ends without waiting for it.
        let discovering = {
            let walk = walk.clone();
            std::thread::spawn(move || discover::inputs(&walk))
        };
        let rules = Arc::new(build_rule_set(&args.sources, loaded.as_ref())?);
        // A baseline named in .piiscan.toml may not be recorded yet (a team sets the key, then
        // runs `piiscan baseline`); one named with --baseline must exist.
        let configured = loaded
            .as_ref()
            .and_then(|l| l.file.baseline.as_ref().map(|b| l.resolve(b)))
            .filter(|p| {
                let exists = p.exists();
                if !exists && args.baseline.is_none() {
                    warn!(
                        "piiscan: the baseline {} named in the configuration does not exist yet (record it with `piiscan baseline`)",
                        p.display()
                    );
                }
                exists
            });
        let baseline = match args.baseline.clone().or(configured) {
            Some(p) => Some(Arc::new(Baseline::load(&p).map_err(|e| anyhow!(e))?)),
            None => None,
        };
        let min_confidence = match args.min_confidence {
            Some(l) => level(l),
            None => file
                .and_then(|f| f.min_confidence)
                .unwrap_or(Confidence::Medium),
        };
        let fail_on = match args.fail_on {
            Some(FailOn::Low) => Some(Confidence::Low),
            Some(FailOn::Medium) => Some(Confidence::Medium),
            Some(FailOn::High) => Some(Confidence::High),
            Some(FailOn::Never) => None,
            None => file
                .and_then(|f| f.fail_on)
                .unwrap_or(FailLevel::Medium)
                .threshold(),
        };
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                use std::io::IsTerminal;
                args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Ok(Config {
            walk,
            format: args.format,
            output: args.output.clone(),
            rules,
            options: ScanOptions {
                min_confidence,
                redaction: match args.redact {
                    RedactArg::Partial => Redaction::Partial,
                    RedactArg::Full => Redaction::Full,
                    RedactArg::None => Redaction::None,
                },
                explain: args.explain,
                // The hidden --chunk-size (tests) never goes below 4 KiB: a smaller chunk
                // holds too little of a long line (a match of up to 1 KiB and the line's
                // context before it) for its results to equal one pass.
                chunk_size: args
                    .chunk_size
                    .map_or(crate::read::CHUNK_SIZE, |n| n.max(4096)),
                // The data map, the HTML report and text show no fingerprints; a baseline
                // needs them. (SHA-256 of each finding's line: a quarter of a dense text scan.)
                fingerprints: !matches!(args.format, Format::Summary | Format::Html | Format::Text)
                    || baseline.is_some(),
                details: !matches!(args.format, Format::Summary),
                line_numbers: !matches!(args.format, Format::Summary)
                    || args.staged
                    || args.diff.is_some(),
                limits: crate::decompress::Limits {
                    max_decompressed: args
                        .max_decompressed
                        .unwrap_or(crate::decompress::Limits::DEFAULT_MAX_DECOMPRESSED),
                    // An explicit --max-decompressed replaces the expansion-ratio heuristic.
                    max_ratio: crate::decompress::Limits::default()
                        .max_ratio
                        .filter(|_| args.max_decompressed.is_none()),
                    ..crate::decompress::Limits::default()
                },
            },
            fail_on,
            mmap: args.mmap && !args.no_mmap,
            part_size: args
                .part_size
                .map_or(crate::split::PART_SIZE, |n| n.max(4096)),
            color,
            sarif_category: args.sarif_category.clone(),
            progress: args.progress
                || (!args.no_progress && {
                    use std::io::IsTerminal;
                    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
                }),
            progress_forced: args.progress,
            fail_on_category: file
                .map(|f| {
                    f.fail_on_category
                        .iter()
                        .map(|(k, v)| (k.clone(), v.threshold()))
                        .collect()
                })
                .unwrap_or_default(),
            baseline,
            discovering: Mutex::new(Some(discovering)),
        })
    }

    /// The inputs of a run: those discovered while the rules compiled, the first time; found
    /// again after that (a benchmark runs one configuration many times).
    pub fn inputs(&self) -> Result<Discovered> {
        let started = self
            .discovering
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match started {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => discover::inputs(&self.walk),
        }
    }

    /// Does a reported finding with these categories and confidence fail the run? A category's
    /// own `fail-on-category` level wins over the global `fail-on`.
    pub fn fails(&self, categories: &[String], confidence: Confidence) -> bool {
        let mut specific = false;
        for cat in categories {
            for (pattern, threshold) in &self.fail_on_category {
                if config_file::category_matches(pattern, cat) {
                    specific = true;
                    if threshold.is_some_and(|t| confidence >= t) {
                        return true;
                    }
                }
            }
        }
        !specific && self.fail_on.is_some_and(|t| confidence >= t)
    }
}

fn level(l: Level) -> Confidence {
    match l {
        Level::Low => Confidence::Low,
        Level::Medium => Confidence::Medium,
        Level::High => Confidence::High,
    }
}

/// Load the built-in and user rules and the policy, and compile them.
pub fn load_rule_set(sources: &RuleSources) -> Result<RuleSet> {
    build_rule_set(sources, None)
}

/// The configuration file in effect: `--config FILE`, else the nearest `.piiscan.toml`.
pub fn find_config(explicit: Option<&Path>, disabled: bool) -> Result<Option<Loaded>> {
    if disabled {
        return Ok(None);
    }
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => config_file::find(&std::env::current_dir()?),
    };
    match path {
        Some(p) => Ok(Some(config_file::load(&p).map_err(|e| anyhow!(e))?)),
        None => Ok(None),
    }
}

/// Rules (built-in, `--rules`, the configuration's `rules`), the policy, disabled rules and the
/// allowlist, compiled into one rule set.
pub fn build_rule_set(sources: &RuleSources, loaded: Option<&Loaded>) -> Result<RuleSet> {
    let mut dirs: Vec<PathBuf> = loaded
        .map(|l| l.file.rules.iter().map(|d| l.resolve(d)).collect())
        .unwrap_or_default();
    dirs.extend(sources.rules.iter().cloned());
    let mut rules = rules::load_rules(&dirs)?;
    let policy_path = sources
        .policy
        .clone()
        .or_else(|| loaded.and_then(|l| l.file.policy.as_ref().map(|p| l.resolve(p))));
    let policy = match policy_path {
        Some(path) => Policy::load(&path)?,
        None => Policy::builtin(),
    };
    if let Some(l) = loaded {
        for id in &l.file.disabled_rules {
            if !rules.iter().any(|r| &r.id == id) {
                bail!(
                    "{}: disabled-rules names `{id}`, which is not a rule",
                    l.path.display()
                );
            }
        }
        check_fail_on_categories(l, &rules, &policy)?;
        rules.retain(|r| !l.file.disabled_rules.contains(&r.id));
    }
    let mut set = RuleSet::new(rules, policy)?;
    if let Some(l) = loaded {
        let a = &l.file.allowlist;
        set.allowlist =
            crate::suppress::Allowlist::new(&a.values, &a.patterns, l.file.builtin_allowlist)
                .map_err(|e| anyhow!("{}: {e}", l.path.display()))?;
    }
    Ok(set)
}

/// Check that each `fail-on-category` key matches a category a finding can carry: one the
/// policy declares, `undeclared:<id>` for a rule's category it does not, or a `prefix*`
/// pattern matching one of those or every undeclared one (`undeclared:*`). A misspelt key
/// would never match, and its gate would never fail.
fn check_fail_on_categories(l: &Loaded, rules: &[rules::Rule], policy: &Policy) -> Result<()> {
    let mut known: Vec<String> = policy.categories.iter().map(|c| c.id.clone()).collect();
    for c in rules.iter().flat_map(|r| policy.classify(&r.categories)) {
        if !known.contains(&c) {
            known.push(c);
        }
    }
    for key in l.file.fail_on_category.keys() {
        let every_undeclared = key
            .strip_suffix('*')
            .is_some_and(|prefix| "undeclared:".starts_with(prefix));
        if !every_undeclared && !known.iter().any(|c| config_file::category_matches(key, c)) {
            bail!(
                "{}: fail-on-category names `{key}`, which matches no category (categories: {}; `undeclared:*` matches every undeclared one)",
                l.path.display(),
                known.join(", ")
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_computed_for_the_formats_that_show_them() {
        for (format, shown) in [
            ("text", false),
            ("summary", false),
            ("html", false),
            ("json", true),
            ("jsonl", true),
            ("sarif", true),
        ] {
            let args =
                ScanArgs::parse(&["piiscan", "scan", "-", "--no-config", "--format", format]);
            let config = Config::from_args(&args).unwrap();
            assert_eq!(config.options.fingerprints, shown, "{format}");
        }
    }

    #[test]
    fn fail_on_category_keys_must_name_a_category() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo.toml");
        let check = |key: &str| {
            std::fs::write(&path, format!("[fail-on-category]\n\"{key}\" = \"low\"\n")).unwrap();
            let args =
                ScanArgs::parse(&["piiscan", "scan", "-", "--config", path.to_str().unwrap()]);
            Config::from_args(&args)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        // A declared category, an undeclared one some rule reports (the built-in policy does
        // not declare national ids), and patterns that match some.
        for key in [
            "payment-information",
            "undeclared:national-id",
            "undeclared:*",
            "undeclared:nat*",
            "payment-*",
            "*",
        ] {
            assert_eq!(check(key), Ok(()), "{key}");
        }
        // Typos, an id no rule uses, a declared category (never undeclared), a pattern that
        // matches nothing.
        for key in [
            "payment-informaton",
            "undeclard:*",
            "undeclared:nope",
            "undeclared:contact-information",
            "paiement-*",
        ] {
            let err = check(key).unwrap_err();
            assert!(
                err.starts_with(&format!(
                    "{}: fail-on-category names `{key}`, which matches no category",
                    path.display()
                )),
                "{err}"
            );
            assert!(
                err.contains("payment-information, ") && err.contains("undeclared:national-id"),
                "the known categories are listed: {err}"
            );
        }
    }

    #[test]
    fn inputs_discovered_while_the_rules_compile_equal_a_later_discovery() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.log", "a.txt", "sub/c.csv"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x\n").unwrap();
        }
        let root = dir.path().to_str().unwrap();
        let config =
            Config::from_args(&ScanArgs::parse(&["piiscan", "scan", root, "--no-config"])).unwrap();
        let names = |d: Discovered| -> Vec<String> {
            d.files
                .iter()
                .map(|f| {
                    f.path
                        .strip_prefix(dir.path())
                        .unwrap()
                        .display()
                        .to_string()
                })
                .collect()
        };
        // The first run takes what was found in the background; later runs walk again.
        let first = names(config.inputs().unwrap());
        assert_eq!(first, ["a.txt", "b.log", "sub/c.csv"]);
        assert_eq!(names(config.inputs().unwrap()), first);
    }
}
