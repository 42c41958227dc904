//! Checking rules against their own examples: every example must be reported by its rule at
//! default settings, and no counterexample may be. `cargo test` runs this over the built-in
//! rules; `piiscan rules test DIR` runs it over a user's.

use crate::config::ScanOptions;
use crate::scan::{RuleSet, Scanner};
use crate::search::search_bytes;

/// One example that did not behave as its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    /// `example` (should have matched) or `counterexample` (should not have).
    pub kind: &'static str,
    pub text: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            "example" => write!(
                f,
                "rule `{}`: example not found: {:?}",
                self.rule, self.text
            ),
            _ => write!(
                f,
                "rule `{}`: counterexample reported: {:?}",
                self.rule, self.text
            ),
        }
    }
}

/// Run the examples and counterexamples of the rules whose ids are in `only` (all when empty),
/// with the whole rule set loaded, as a user's scan would see them.
pub fn check_examples(set: &RuleSet, only: &[String]) -> Vec<ExampleFailure> {
    let options = ScanOptions::default();
    let mut scanner = Scanner::new(set);
    let mut failures = Vec::new();
    for (index, compiled) in set.rules.iter().enumerate() {
        let rule = &compiled.rule;
        if !only.is_empty() && !only.contains(&rule.id) {
            continue;
        }
        let mut found = |text: &str| {
            search_bytes(&mut scanner, text.as_bytes(), "<example>", &options)
                .iter()
                .any(|f| f.rule == index)
        };
        for text in &rule.examples {
            if !found(text) {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    kind: "example",
                    text: text.clone(),
                });
            }
        }
        for text in &rule.counterexamples {
            if found(text) {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    kind: "counterexample",
                    text: text.clone(),
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_matches_its_examples_and_not_its_counterexamples() {
        let set = RuleSet::built_in();
        let failures = check_examples(&set, &[]);
        let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
        assert!(report.is_empty(), "{}", report.join("\n"));
    }
}
