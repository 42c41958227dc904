//! The command line (clap derive only). Every flag's meaning lives here, in its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "piiscan",
    version,
    about = "Find personal data in source trees, logs and exports, classified by the categories your privacy policy declares",
    long_about = None,
    after_help = "Examples:\n  piiscan scan .                         scan the current directory\n  piiscan scan logs/ --format summary    a per-category data map\n  piiscan scan . --format json -o out.json\n  piiscan rules list                     the detectors\n  piiscan policy show                    the declared categories"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for personal data
    #[command(
        after_help = "Examples:\n  piiscan scan src/ logs/\n  piiscan scan . --format jsonl --min-confidence low\n  piiscan scan . --fail-on high --format sarif -o piiscan.sarif\n  piiscan scan --staged                  only what the next commit adds (pre-commit)\n  piiscan scan --diff origin/main        only what this branch adds (pull requests)\n\nExit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage, config or fatal error, or with --strict an input not scanned completely."
    )]
    Scan(ScanArgs),
    /// List, describe or test detection rules
    #[command(
        after_help = "Examples:\n  piiscan rules list                     one line per rule\n  piiscan rules show credit-card         everything about one rule\n  piiscan rules test my-rules/           check the examples of your own rules\n  piiscan rules list --rules my-rules/   the built-in rules plus yours"
    )]
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        #[command(flatten)]
        sources: RuleSources,
    },
    /// Show the policy's declared categories and the rules that feed each
    #[command(
        after_help = "Examples:\n  piiscan policy show                         the built-in policy\n  piiscan policy show --policy my-policy.toml your own categories\n  piiscan policy show --rules my-rules/       which categories your rules feed"
    )]
    Policy {
        #[command(subcommand)]
        command: Option<PolicyCommand>,
        #[command(flatten)]
        sources: RuleSources,
    },
    /// Record the current findings as accepted, so later scans report only new ones
    #[command(
        after_help = "Examples:\n  piiscan baseline . --output .piiscan-baseline.json\n  piiscan scan . --baseline .piiscan-baseline.json\n\nTakes the same options as `piiscan scan`. Entries hold value-free fingerprints, no line\nnumbers, one per line and sorted, so moving code does not invalidate them and merges rarely\nconflict. Set `baseline = \".piiscan-baseline.json\"` in .piiscan.toml to apply it by default."
    )]
    Baseline(ScanArgs),
    /// Check a .piiscan.toml configuration file
    #[command(
        after_help = "Examples:\n  piiscan config check                 the .piiscan.toml at the repository root\n  piiscan config check ci/piiscan.toml\n\nExit codes: 0 valid, 2 invalid (the message names the file, the line and the problem)."
    )]
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a shell completion script to standard output
    #[command(
        after_help = "Examples:\n  piiscan completions bash > ~/.local/share/bash-completion/completions/piiscan\n  piiscan completions zsh > ~/.zfunc/_piiscan        # with fpath+=(~/.zfunc) before compinit\n  piiscan completions fish > ~/.config/fish/completions/piiscan.fish\n  piiscan completions powershell > _piiscan.ps1      # then dot-source it in $PROFILE\n  piiscan completions elvish > ~/.config/elvish/lib/piiscan.elv   # then `use piiscan` in rc.elv\n\nThe same scripts are in the completions/ directory of the source tree."
    )]
    Completions {
        /// The shell to write the script for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a configuration file (default: the .piiscan.toml found from here)
    #[command(
        after_help = "Examples:\n  piiscan config check\n  piiscan config check ci/piiscan.toml"
    )]
    Check {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// One line per rule: id, confidence, categories, name
    #[command(
        after_help = "Examples:\n  piiscan rules list\n  piiscan rules list --rules my-rules/"
    )]
    List,
    /// Everything about one rule
    #[command(
        after_help = "Examples:\n  piiscan rules show iban\n  piiscan rules show employee-id --rules my-rules/"
    )]
    Show { id: String },
    /// Check the examples and counterexamples of the rules in DIR (or one rule file)
    #[command(
        after_help = "Examples:\n  piiscan rules test my-rules/\n  piiscan rules test my-rules/hr.toml\n\nEvery example must be reported by its rule at default settings, and no counterexample may\nbe, with the built-in rules loaded beside yours, as a scan would see them.\n\nExit codes: 0 every example behaves, 1 an example or counterexample fails, 2 a rule file is\nmalformed (the message names the file, the rule and the problem)."
    )]
    Test {
        /// A directory of *.toml rule files, or one rule file
        #[arg(value_name = "DIR")]
        path: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the categories (the default)
    #[command(
        after_help = "Examples:\n  piiscan policy show\n  piiscan policy show --policy my-policy.toml"
    )]
    Show,
}

/// Where rules and the policy come from.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleSources {
    /// Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rules: Vec<PathBuf>,
    /// Use the categories in FILE instead of the built-in policy
    #[arg(long, value_name = "FILE", global = true)]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input (compressed or not)
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub sources: RuleSources,
    /// Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]
    #[arg(long, value_enum)]
    pub min_confidence: Option<Level>,
    /// Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Scan only what is staged for the next commit, and report only findings on the lines it adds
    #[arg(long, conflicts_with = "diff")]
    pub staged: bool,
    /// Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines
    #[arg(long, value_name = "BASE")]
    pub diff: Option<String>,
    /// Suppress the known findings recorded in FILE (see `piiscan baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Read settings from FILE instead of the .piiscan.toml found at the repository root
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any .piiscan.toml
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path
    #[arg(long, value_name = "K/N", value_parser = crate::shard::Shard::parse, conflicts_with_all = ["shard_index", "shard_count"])]
    pub shard: Option<crate::shard::Shard>,
    /// 0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)
    #[arg(long, value_name = "I", requires = "shard_count")]
    pub shard_index: Option<u64>,
    /// Number of shards, with --shard-index
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u64>,
    /// Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// With --input-format jsonl: the field holding the record's path
    #[arg(long, value_name = "NAME", default_value = "path")]
    pub path_field: String,
    /// With --input-format jsonl: the field holding the record's text
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)
    #[arg(long, value_enum, default_value_t = RedactArg::Partial)]
    pub redact: RedactArg,
    /// Add to each finding why it got its confidence (validator, context words)
    #[arg(long)]
    pub explain: bool,
    /// Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings
    #[arg(long)]
    pub strict: bool,
    /// Number of scanning threads (default: the number of CPUs)
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,
    /// Do not honour .gitignore, .ignore and .piiscanignore files
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan hidden files and directories too
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Memory-map large files not modified for five minutes instead of reading them (a file
    /// that another process truncates while it is mapped ends the scan with SIGBUS)
    #[arg(long, overrides_with = "no_mmap")]
    pub mmap: bool,
    /// Read files, never memory-map them (the default)
    #[arg(long, overrides_with = "mmap", hide = true)]
    pub no_mmap: bool,
    /// When to use colors in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// SARIF only: the run's automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)
    #[arg(long, value_name = "ID", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub sarif_category: Option<String>,
    /// The path standard input (`-`) is reported as
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_name: String,
    /// Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_decompressed: Option<u64>,
    /// Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)
    #[arg(long, overrides_with = "no_progress")]
    pub progress: bool,
    /// Never show a progress bar
    #[arg(long, overrides_with = "progress")]
    pub no_progress: bool,
    /// Bytes scanned at once (tests)
    #[arg(long, hide = true)]
    pub chunk_size: Option<usize>,
    /// Bytes per part when several threads search one large file (tests)
    #[arg(long, hide = true)]
    pub part_size: Option<u64>,
}

impl ScanArgs {
    /// The arguments of the `piiscan scan` command line `argv` (tests).
    #[cfg(test)]
    pub fn parse(argv: &[&str]) -> ScanArgs {
        match Cli::parse_from(argv).command {
            Command::Scan(args) => args,
            _ => unreachable!("a scan command line"),
        }
    }

    /// The arguments of a plain `piiscan scan` with this configuration file, for
    /// `piiscan config check`.
    pub fn for_config_check(config: &std::path::Path) -> ScanArgs {
        let cli = Cli::parse_from([
            std::ffi::OsStr::new("piiscan"),
            "scan".as_ref(),
            "--config".as_ref(),
            config.as_os_str(),
        ]);
        match cli.command {
            Command::Scan(args) => args,
            _ => unreachable!("parsed a scan command"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// path:line:column rule category value
    Text,
    /// One JSON document with findings and a summary
    Json,
    /// One JSON object per finding and line
    Jsonl,
    /// Per-category data map
    Summary,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers
    Sarif,
    /// One self-contained HTML page: the data map by policy category, for people (use --output)
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// Each line is a record
    Lines,
    /// Each line is a JSON object with a path and a text field
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedactArg {
    Partial,
    Full,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Parse sizes such as `100`, `500K`, `10M`, `2G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size (like 500K, 10M, 2G)"))?;
    let mult: u64 = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("`{s}` has an unknown unit (use K, M, G or T)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("2gb"), Ok(2 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5Q").is_err());
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
