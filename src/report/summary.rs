//! The data map: per category, how many findings, how many distinct values, the confidence
//! split and where they are. Undeclared categories come first.

use std::io::{self, Write};

use super::{Render, Reporter, RunInfo, Totals, Uses};
use crate::finding::Finding;

pub struct Summary {
    out: Box<dyn Write + Send>,
    json: bool,
}

impl Summary {
    /// The data map as a table.
    pub fn new(out: Box<dyn Write + Send>) -> Summary {
        Summary { out, json: false }
    }

    /// The data map as JSON: the `summary` object of `--format json`, without the findings.
    pub fn json(out: Box<dyn Write + Send>) -> Summary {
        Summary { out, json: true }
    }
}

impl Reporter for Summary {
    fn findings(&mut self, _run: &RunInfo, _findings: &[Finding]) -> io::Result<()> {
        Ok(())
    }

    fn render(&self) -> Option<Render> {
        Some(Render::Nothing)
    }

    fn uses(&self) -> Uses {
        Uses::None
    }

    fn finish(&mut self, run: &RunInfo, totals: &Totals) -> io::Result<()> {
        if self.json {
            serde_json::to_writer_pretty(&mut self.out, &super::json::SummaryJson::new(totals))?;
            self.out.write_all(b"\n")?;
            return self.out.flush();
        }
        let o = &mut self.out;
        writeln!(
            o,
            "piiscan data map: {} files, {} bytes scanned, {} findings, {} inputs skipped",
            totals.files_scanned,
            totals.bytes_scanned,
            totals.findings,
            totals.skipped.len()
        )?;
        writeln!(o)?;
        writeln!(
            o,
            "{:<34} {:>9} {:>9} {:>7} {:>7} {:>7}  top locations",
            "category", "findings", "distinct", "high", "medium", "low"
        )?;
        let ordered = totals.categories_in_order(run.rules);
        for (id, t) in &ordered {
            let top: Vec<String> = t
                .top_paths
                .iter()
                .take(3)
                .map(|(p, n)| format!("{} ({n})", crate::scrub::printable(p)))
                .collect();
            let marker = if id.starts_with("undeclared:") {
                "! "
            } else {
                "  "
            };
            // An estimated count (past the exact limit) says so: `~` before it.
            let distinct = if t.distinct_estimated {
                format!("~{}", t.distinct_values)
            } else {
                t.distinct_values.to_string()
            };
            writeln!(
                o,
                "{marker}{:<32} {:>9} {:>9} {:>7} {:>7} {:>7}  {}",
                id,
                t.findings,
                distinct,
                t.high,
                t.medium,
                t.low,
                top.join(", ")
            )?;
        }
        let declared_none: Vec<&str> = run
            .rules
            .policy
            .categories
            .iter()
            .filter(|c| !totals.by_category.contains_key(&c.id))
            .map(|c| c.id.as_str())
            .collect();
        if !declared_none.is_empty() {
            writeln!(
                o,
                "  (declared, nothing found: {})",
                declared_none.join(", ")
            )?;
        }
        let undeclared = ordered.iter().any(|(id, _)| id.starts_with("undeclared:"));
        let estimated = ordered.iter().any(|(_, t)| t.distinct_estimated);
        if undeclared || estimated {
            writeln!(o)?;
        }
        if estimated {
            writeln!(
                o,
                "~ = estimated: too many distinct values to count one by one (about 1.6% error)"
            )?;
        }
        if undeclared {
            writeln!(
                o,
                "! = personal data in a category the policy does not declare"
            )?;
        }
        if !totals.by_rule.is_empty() {
            writeln!(o)?;
            writeln!(o, "{:<34} {:>9}", "rule", "findings")?;
            for (rule, n) in &totals.by_rule {
                writeln!(o, "  {rule:<32} {n:>9}")?;
            }
        }
        o.flush()
    }
}
