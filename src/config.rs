//! Turning the command line into one immutable configuration for a run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::cli::{ColorChoice, FailOn, Format, Level, RedactArg, RuleSources, ScanArgs};
use crate::finding::{Confidence, Redaction};
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
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            min_confidence: Confidence::Medium,
            redaction: Redaction::Partial,
            explain: false,
            chunk_size: crate::read::CHUNK_SIZE,
        }
    }
}

/// Everything a scan run needs, fixed before the first byte is read.
#[derive(Debug)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub rules: Arc<RuleSet>,
    pub options: ScanOptions,
    /// Findings at or above this make exit code 1; `None` never fails.
    pub fail_on: Option<Confidence>,
    pub threads: usize,
    pub max_filesize: Option<u64>,
    pub no_ignore: bool,
    pub hidden: bool,
    pub follow: bool,
    pub mmap: bool,
    pub color: bool,
    /// `--sarif-category`: the SARIF run's `automationDetails.id`.
    pub sarif_category: Option<String>,
}

impl Config {
    pub fn from_args(args: &ScanArgs) -> Result<Config> {
        let rules = Arc::new(load_rule_set(&args.sources)?);
        let threads = args
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
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
            paths: args.paths.clone(),
            format: args.format,
            output: args.output.clone(),
            rules,
            options: ScanOptions {
                min_confidence: level(args.min_confidence),
                redaction: match args.redact {
                    RedactArg::Partial => Redaction::Partial,
                    RedactArg::Full => Redaction::Full,
                    RedactArg::None => Redaction::None,
                },
                explain: args.explain,
                chunk_size: crate::read::CHUNK_SIZE,
            },
            fail_on: match args.fail_on {
                FailOn::Low => Some(Confidence::Low),
                FailOn::Medium => Some(Confidence::Medium),
                FailOn::High => Some(Confidence::High),
                FailOn::Never => None,
            },
            threads,
            max_filesize: args.max_filesize,
            no_ignore: args.no_ignore,
            hidden: args.hidden,
            follow: args.follow,
            mmap: !args.no_mmap,
            color,
            sarif_category: args.sarif_category.clone(),
        })
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
    let rules = rules::load_rules(&sources.rules)?;
    let policy = match &sources.policy {
        Some(path) => Policy::load(Path::new(path))?,
        None => Policy::builtin(),
    };
    Ok(RuleSet::new(rules, policy)?)
}
