//! Plain text: `path:line:column rule category value`, one finding per line, colored on a
//! terminal, then a one-line tally and the skipped inputs on stderr.

use std::io::{self, Write};

use super::{Render, Reporter, RunInfo, Totals};
use crate::finding::{Confidence, Finding};

pub struct Text {
    out: Box<dyn Write + Send>,
}

impl Text {
    pub fn new(out: Box<dyn Write + Send>) -> Text {
        Text { out }
    }
}

const RESET: &str = "\x1b[0m";
const PATH: &str = "\x1b[35m";
const DIM: &str = "\x1b[2m";

fn level_color(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "\x1b[1;31m",
        Confidence::Medium => "\x1b[33m",
        Confidence::Low => "\x1b[36m",
    }
}

/// One finding's line; its path as `path` shows it.
pub(super) fn line(run: &RunInfo, f: &Finding, path: &str, out: &mut Vec<u8>) -> io::Result<()> {
    let rule = &run.rules.rules[f.rule];
    let cats = rule.categories.join(",");
    let shown = f.value.as_deref().unwrap_or(&f.redacted);
    if run.color {
        writeln!(
            out,
            "{PATH}{}{RESET}:{}:{} {}{}{RESET} {DIM}{cats}{RESET} {shown}",
            path,
            f.line,
            f.column,
            level_color(f.confidence),
            rule.rule.id
        )
    } else {
        writeln!(
            out,
            "{}:{}:{} {} {cats} {shown}",
            path, f.line, f.column, rule.rule.id
        )
    }
}

impl Reporter for Text {
    fn findings(&mut self, run: &RunInfo, findings: &[Finding]) -> io::Result<()> {
        let mut buf = Vec::new();
        Render::Text.render(run, findings, &mut buf)?;
        self.out.write_all(&buf)
    }

    fn render(&self) -> Option<Render> {
        Some(Render::Text)
    }

    fn rendered(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    fn finish(&mut self, _run: &RunInfo, _totals: &Totals) -> io::Result<()> {
        self.out.flush()
    }
}
