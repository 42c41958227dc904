//! The subcommands other than the pipeline itself: describing rules and the policy.

use std::io::Write;

use anyhow::{bail, Result};

use crate::cli::{Cli, Command, PolicyCommand, RulesCommand};
use crate::config::{load_rule_set, Config};
use crate::scan::RuleSet;

/// Run a parsed command line and return the process exit code.
pub fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => {
            let config = Config::from_args(&args)?;
            let result = crate::run::scan(&config)?;
            Ok(u8::from(result.failed))
        }
        Command::Rules { command, sources } => {
            let set = load_rule_set(&sources)?;
            let mut out = std::io::stdout().lock();
            match command {
                RulesCommand::List => rules_list(&set, &mut out)?,
                RulesCommand::Show { id } => rules_show(&set, &id, &mut out)?,
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
    writeln!(out, "pattern:          {}", r.pattern)?;
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
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
