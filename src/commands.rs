//! The subcommands other than the pipeline itself: describing rules and the policy.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context as _, Result};

use crate::cli::{Cli, Command, PolicyCommand, RuleSources, RulesCommand};
use crate::config::{load_rule_set, Config};
use crate::rules::{check_examples, load_rules, parse_rule_file, read_rule_dir, Policy, Rule};
use crate::scan::RuleSet;

/// Run a parsed command line and return the process exit code.
pub fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) if args.input_format.is_some() => {
            if args.paths.len() != 1 || args.paths[0].as_os_str() != "-" {
                anyhow::bail!("--input-format reads records from standard input: use `piiscan scan - --input-format ...`");
            }
            let config = Config::from_args(&args)?;
            let format = match args.input_format {
                Some(crate::cli::InputFormatArg::Jsonl) => crate::records::InputFormat::Jsonl {
                    path_field: args.path_field.clone(),
                    text_field: args.text_field.clone(),
                },
                _ => crate::records::InputFormat::Lines,
            };
            crate::records::run_stdio(&config, &format)?;
            // A worker exits 0 whatever it finds: a non-zero exit kills the distributed job.
            Ok(0)
        }
        Command::Scan(args) => {
            let config = Config::from_args(&args)?;
            let result = crate::run::scan(&config)?;
            // The process ends here: the rule set's engines and tables go with it, rather than
            // being freed one allocation at a time (6% of the instructions of a scan of one
            // small file, such as a pre-commit hook's).
            std::mem::forget(config);
            let gaps = result.totals.skipped.len();
            if args.strict && gaps > 0 {
                // Never a silent gap: a scan that missed something is not a clean result.
                warn!(
                    "piiscan: --strict: {gaps} input(s) not scanned completely (listed above); exit 2"
                );
                return Ok(2);
            }
            Ok(u8::from(result.failed))
        }
        Command::Baseline(args) => {
            let Some(output) = args.output.clone() else {
                anyhow::bail!("piiscan baseline needs --output FILE (e.g. .piiscan-baseline.json)");
            };
            let mut config = Config::from_args(&args)?;
            // Record everything there is now, including what an older baseline hides.
            config.baseline = None;
            // Entries are fingerprints, whatever `--format` says (the data map computes none).
            config.options.fingerprints = true;
            let recorder = crate::baseline::Recorder::new(&output)
                .with_context(|| format!("cannot write the baseline file {}", output.display()))?;
            let result = crate::run::scan_into(&config, Box::new(recorder))?;
            warn!(
                "piiscan: recorded {} findings in {}",
                result.totals.findings,
                output.display()
            );
            let gaps = result.totals.skipped.len();
            if args.strict && gaps > 0 {
                warn!(
                    "piiscan: --strict: {gaps} input(s) not scanned completely (listed above); exit 2"
                );
                return Ok(2);
            }
            Ok(0)
        }
        Command::Config { command } => match command {
            crate::cli::ConfigCommand::Check { file } => {
                let loaded = crate::config::find_config(file.as_deref(), false)?;
                let Some(loaded) = loaded else {
                    anyhow::bail!(
                        "no .piiscan.toml found here or above (up to the repository root)"
                    );
                };
                let args = crate::cli::ScanArgs::for_config_check(&loaded.path);
                let config = Config::from_args(&args)?;
                writeln!(
                    std::io::stdout(),
                    "{}: ok ({} rules, {} categories)",
                    loaded.path.display(),
                    config.rules.rules.len(),
                    config.rules.policy.categories.len()
                )?;
                Ok(0)
            }
        },
        Command::Rules {
            command: RulesCommand::Test { path },
            sources,
        } => rules_test(&sources, &path, &mut std::io::stdout().lock()),
        Command::Rules { command, sources } => {
            let set = load_rule_set(&sources)?;
            let mut out = std::io::stdout().lock();
            match command {
                RulesCommand::List => rules_list(&set, &mut out)?,
                RulesCommand::Show { id } => rules_show(&set, &id, &mut out)?,
                RulesCommand::Test { .. } => unreachable!("`rules test` is dispatched above"),
            }
            Ok(0)
        }
        Command::Policy { command, sources } => {
            let set = load_rule_set(&sources)?;
            match command.unwrap_or(PolicyCommand::Show) {
                PolicyCommand::Show => policy_show(&set, &mut std::io::stdout().lock())?,
            }
            Ok(0)
        }
        Command::Completions { shell } => {
            std::io::stdout()
                .lock()
                .write_all(&crate::generated::completion(shell))?;
            Ok(0)
        }
    }
}

pub fn rules_list(set: &RuleSet, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{:<20} {:<7} {:<45} name", "id", "conf.", "categories")?;
    for r in &set.rules {
        writeln!(
            out,
            "{:<20} {:<7} {:<45} {}",
            r.rule.id,
            r.rule.confidence.as_str(),
            r.categories.join(","),
            r.rule.name
        )?;
    }
    Ok(())
}

pub fn rules_show(set: &RuleSet, id: &str, out: &mut dyn Write) -> Result<()> {
    let Some(i) = set.find_rule(id) else {
        bail!("no rule `{id}` (see `piiscan rules list`)");
    };
    let c = &set.rules[i];
    let r = &c.rule;
    writeln!(out, "{} ({})", r.name, r.id)?;
    writeln!(out, "\n{}\n", r.description.trim())?;
    writeln!(out, "categories:       {}", c.categories.join(", "))?;
    writeln!(out, "ccpa:             {}", c.ccpa.join(", "))?;
    writeln!(out, "confidence:       {}", r.confidence)?;
    writeln!(
        out,
        "validator:        {}",
        r.validator.as_deref().unwrap_or("-")
    )?;
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    if r.pattern.is_empty() {
        writeln!(out, "pattern:          - (found by key only)")?;
    } else {
        writeln!(out, "pattern:          {}", r.pattern)?;
    }
    for p in &r.patterns {
        writeln!(out, "                  {p}")?;
    }
    if !r.keys.is_empty() {
        writeln!(out, "keys:             {}", list(&r.keys))?;
        let by_key = if r.detected_by_key() { "yes" } else { "no" };
        writeln!(out, "found by key:     {by_key}")?;
    }
    writeln!(out, "keywords:         {}", list(&r.keywords))?;
    writeln!(out, "context:          {}", list(&r.context))?;
    writeln!(out, "negative context: {}", list(&r.negative_context))?;
    writeln!(out, "examples:         {}", r.examples.len())?;
    writeln!(out, "counterexamples:  {}", r.counterexamples.len())?;
    Ok(())
}

pub fn policy_show(set: &RuleSet, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{}", set.policy.title)?;
    for cat in &set.policy.categories {
        let feeding: Vec<&str> = set
            .rules
            .iter()
            .filter(|r| r.categories.contains(&cat.id))
            .map(|r| r.rule.id.as_str())
            .collect();
        writeln!(out, "\n{} — {} [{}]", cat.id, cat.name, cat.section)?;
        writeln!(out, "  policy: {}", cat.wording)?;
        writeln!(out, "  ccpa:   {}", cat.ccpa.join(", "))?;
        writeln!(
            out,
            "  rules:  {}",
            if feeding.is_empty() {
                "-".to_string()
            } else {
                feeding.join(", ")
            }
        )?;
    }
    let mut undeclared: Vec<(&str, &str)> = Vec::new();
    for r in &set.rules {
        for c in &r.categories {
            if c.starts_with("undeclared:") {
                undeclared.push((c, &r.rule.id));
            }
        }
    }
    if !undeclared.is_empty() {
        writeln!(
            out,
            "\nNot declared by the policy (reported as undeclared:*):"
        )?;
        for (c, r) in undeclared {
            writeln!(out, "  {c:<32} {r}")?;
        }
    }
    Ok(())
}

/// `piiscan rules test PATH`: load the rule files in PATH with the `--rules` loader, put them
/// beside the built-in rules (and any `--rules`), and check their examples and counterexamples
/// as a scan would see them. Returns 0 when every rule behaves and 1 when one does not; a
/// malformed file is an error (exit 2) naming the file, the rule and the problem.
pub fn rules_test(sources: &RuleSources, path: &Path, out: &mut dyn Write) -> Result<u8> {
    let files = read_rule_dir(path)?;
    if files.is_empty() {
        bail!("{}: no *.toml rule files", path.display());
    }
    let mut tested: Vec<Rule> = Vec::new();
    for (file, text) in &files {
        for rule in parse_rule_file(file, text)? {
            if let Some(i) = tested.iter().position(|r| r.id == rule.id) {
                warn!(
                    "piiscan: note: rule `{}` in {file} replaces an earlier one with the same id",
                    rule.id
                );
                tested.remove(i);
            }
            tested.push(rule);
        }
    }
    let mut rules = load_rules(&sources.rules)?;
    let mut replaced: Vec<&str> = Vec::new();
    for rule in &tested {
        match rules.iter_mut().find(|r| r.id == rule.id) {
            Some(existing) => {
                *existing = rule.clone();
                replaced.push(&rule.id);
            }
            None => rules.push(rule.clone()),
        }
    }
    let policy = match &sources.policy {
        Some(file) => Policy::load(file)?,
        None => Policy::builtin(),
    };
    let set = RuleSet::new(rules, policy)?;
    let ids: Vec<String> = tested.iter().map(|r| r.id.clone()).collect();
    let failures = check_examples(&set, &ids);
    let width = ids.iter().map(String::len).max().unwrap_or(0);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut failed_rules = 0;
    for rule in &tested {
        let mine: Vec<_> = failures.iter().filter(|f| f.rule == rule.id).collect();
        if mine.is_empty() {
            writeln!(
                out,
                "ok   {:<width$}  {}, {}{}",
                rule.id,
                plural(rule.examples.len(), "example"),
                plural(rule.counterexamples.len(), "counterexample"),
                if replaced.contains(&rule.id.as_str()) {
                    " (replaces the built-in or --rules rule)"
                } else {
                    ""
                }
            )?;
            continue;
        }
        failed_rules += 1;
        for f in mine {
            // The text is the rule author's own example; Debug-quoting keeps it on one line.
            let what = if f.kind == "example" {
                "example not found"
            } else {
                "counterexample reported"
            };
            writeln!(out, "FAIL {:<width$}  {what}: {:?}", rule.id, f.text)?;
        }
    }
    writeln!(
        out,
        "\n{} in {}: {} ok, {failed_rules} failed",
        plural(tested.len(), "rule"),
        plural(files.len(), "file"),
        tested.len() - failed_rules,
    )?;
    Ok(u8::from(failed_rules > 0))
}
