//! HTML: one self-contained page, the data map a privacy officer reads (docs/report.md shows it).
//!
//! The page has, in this order:
//!
//! - a header: the paths given, the start time (UTC), files and bytes scanned, the duration,
//!   the lowest confidence reported, and how many inputs were skipped;
//! - when any finding is in a category the policy does not declare, a red "Not declared in the
//!   privacy policy" panel listing those `undeclared:*` categories (the rules that found them,
//!   their counts), before anything else;
//! - the policy view: every category the policy declares (name, id, wording, section, CCPA
//!   categories, the rules that detect it) with its findings, distinct values and confidence
//!   split, including the categories where nothing was found or that no rule detects;
//! - a heat map: the directories with the most findings by category, each cell's shade
//!   proportional to its count and the count printed in it;
//! - the rules: id, name, categories, findings;
//! - the first [`TOP_PER_CATEGORY`] findings of each category in path order: path, line, rule,
//!   confidence and the **redacted** value. The raw value is never written, not even with
//!   `--redact none`: a report is a document that gets passed around;
//! - the skipped inputs with their reasons (at most [`SKIPPED_LISTED`]).
//!
//! Every category row carries machine-readable counts for tests and tools:
//! `data-category="ID" data-findings="N" data-distinct="N" data-high="N" data-medium="N"
//! data-low="N" data-declared="yes|no"`.
//!
//! The page loads nothing: the CSS and the small script (sortable columns, a filter box above
//! the long tables) are inline, there are no fonts, images or remote links, and a
//! Content-Security-Policy (`default-src 'none'`, the script allowed by its SHA-256 hash only)
//! keeps it that way when opened from disk. Everything is readable with scripts off, and there
//! is a print style sheet. Every piece of text from the scan (paths, values, rule and category
//! names, reasons) goes through [`escape`].
//!
//! Memory is bounded: `findings` keeps at most [`TOP_PER_CATEGORY`] findings per category
//! (the scanning threads send no more than that of each input, [`Uses::FirstOfEachCategory`]);
//! the counts come from [`Totals`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::{CategoryTotals, Reporter, RunInfo, Totals, Uses};
use crate::finding::{Confidence, Finding};
use crate::scan::RuleSet;

/// Findings listed per category (the first ones, in path order).
pub const TOP_PER_CATEGORY: usize = 20;
/// Directories (rows) in the heat map; the rest are added up in one row.
pub const HEAT_DIRECTORIES: usize = 20;
/// Scanned paths (as given) listed in the header; the rest are counted.
pub const PATHS_LISTED: usize = 20;
/// Skipped inputs listed by path; the rest are counted.
pub const SKIPPED_LISTED: usize = 200;

/// `write!` to a `String`, which cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// Escape text for HTML element content and double- or single-quoted attribute values.
/// Control characters (other than tab and newline) become U+FFFD.
pub fn escape(s: &str) -> Cow<'_, str> {
    let special = |c: char| {
        matches!(c, '&' | '<' | '>' | '"' | '\'') || (c.is_control() && c != '\n' && c != '\t')
    };
    if !s.contains(special) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if special(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// What the page shows of a finding.
struct Row {
    path: Arc<str>,
    line: u64,
    rule: usize,
    confidence: Confidence,
    redacted: String,
}

pub struct Html {
    out: Box<dyn Write + Send>,
    /// The first findings of each category, in arrival (path) order.
    top: BTreeMap<String, Vec<Row>>,
}

impl Html {
    pub fn new(out: Box<dyn Write + Send>) -> Html {
        Html {
            out,
            top: BTreeMap::new(),
        }
    }
}

impl Reporter for Html {
    fn uses(&self) -> Uses {
        Uses::FirstOfEachCategory(TOP_PER_CATEGORY)
    }

    fn findings(&mut self, run: &RunInfo, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            for cat in &run.rules.rules[f.rule].categories {
                let rows = match self.top.get_mut(cat) {
                    Some(rows) => rows,
                    None => self.top.entry(cat.clone()).or_default(),
                };
                if rows.len() < TOP_PER_CATEGORY {
                    rows.push(Row {
                        path: f.path.clone(),
                        line: f.line,
                        rule: f.rule,
                        confidence: f.confidence,
                        // Never `f.value`: only what redaction left of it.
                        redacted: f.redacted.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, run: &RunInfo, totals: &Totals) -> io::Result<()> {
        let page = Page {
            run,
            totals,
            top: &self.top,
        }
        .render();
        self.out.write_all(page.as_bytes())?;
        self.out.flush()
    }
}

struct Page<'a> {
    run: &'a RunInfo<'a>,
    totals: &'a Totals,
    top: &'a BTreeMap<String, Vec<Row>>,
}

impl Page<'_> {
    fn rules(&self) -> &RuleSet {
        self.run.rules
    }

    fn render(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        let title = "piiscan data map";
        put!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src '{}'; img-src data:; base-uri 'none'; \
             form-action 'none'\">\n\
             <meta name=\"generator\" content=\"piiscan {}\">\n\
             <link rel=\"icon\" href=\"data:,\">\n<title>{} — {}</title>\n<style>{}</style>\n\
             </head>\n<body>\n",
            script_hash(),
            env!("CARGO_PKG_VERSION"),
            title,
            escape(&self.scanned_short()),
            CSS
        );
        self.header(&mut h);
        h.push_str("<main>\n");
        self.undeclared(&mut h);
        self.declared(&mut h);
        self.heat_map(&mut h);
        self.rule_table(&mut h);
        self.top_findings(&mut h);
        self.skipped(&mut h);
        h.push_str("</main>\n");
        put!(
            h,
            "<footer>\n<p>Generated by piiscan {}. Values are redacted; the page lists at most \
             {TOP_PER_CATEGORY} findings per category. For every finding, run the same scan \
             with <code>--format json</code>.</p>\n</footer>\n<script>{SCRIPT}</script>\n\
             </body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        h
    }

    fn scanned_short(&self) -> String {
        let paths: Vec<String> = self.run.paths.iter().map(|p| shown_path(p)).collect();
        match paths.len() {
            0 => "(nothing)".to_string(),
            1..=3 => paths.join(", "),
            n => format!("{}, … ({n} paths)", paths[..2].join(", ")),
        }
    }

    fn header(&self, h: &mut String) {
        let t = self.totals;
        let ordered = t.categories_in_order(self.rules());
        let undeclared = ordered
            .iter()
            .filter(|(id, _)| id.starts_with("undeclared:"))
            .count();
        let (iso, human) = utc(self.run.started);
        h.push_str("<header class=\"page\">\n<h1>Personal data map</h1>\n<p class=\"lead\">");
        if t.findings == 0 {
            h.push_str("No personal data was found at the reported confidence.");
        } else {
            put!(
                h,
                "<strong>{}</strong> {} of personal data in <strong>{}</strong> {}",
                thousands(t.findings),
                plural(t.findings, "finding", "findings"),
                ordered.len(),
                plural(ordered.len() as u64, "category", "categories")
            );
            if undeclared > 0 {
                put!(
                    h,
                    ", <strong class=\"alert-text\">{undeclared} of them not declared in the \
                     privacy policy</strong>"
                );
            }
            h.push('.');
        }
        put!(
            h,
            " Policy: {}.</p>\n<dl class=\"facts\">\n",
            escape(&self.rules().policy.title)
        );
        let paths = if self.run.paths.is_empty() {
            "<dd>(nothing)</dd>".to_string()
        } else {
            let mut s = String::from("<dd><ul class=\"paths\">");
            for p in self.run.paths.iter().take(PATHS_LISTED) {
                put!(s, "<li><code>{}</code>", escape(&shown_path(p)));
                if p.as_os_str() == "." {
                    s.push_str(" <span class=\"muted\">(the working directory)</span>");
                }
                s.push_str("</li>");
            }
            if self.run.paths.len() > PATHS_LISTED {
                put!(
                    s,
                    "<li>and {} more</li>",
                    thousands((self.run.paths.len() - PATHS_LISTED) as u64)
                );
            }
            s.push_str("</ul></dd>");
            s
        };
        put!(h, "<div><dt>Scanned</dt>{paths}</div>\n");
        put!(
            h,
            "<div><dt>Started</dt><dd><time datetime=\"{iso}\">{human}</time></dd></div>\n"
        );
        put!(
            h,
            "<div><dt>Duration</dt><dd>{}</dd></div>\n",
            duration(t.duration)
        );
        put!(
            h,
            "<div><dt>Files scanned</dt><dd data-files=\"{}\">{}</dd></div>\n",
            t.files_scanned,
            thousands(t.files_scanned)
        );
        put!(
            h,
            "<div><dt>Data scanned</dt><dd data-bytes=\"{}\">{}</dd></div>\n",
            t.bytes_scanned,
            bytes(t.bytes_scanned)
        );
        put!(
            h,
            "<div><dt>Skipped inputs</dt><dd data-skipped=\"{}\">{}{}</dd></div>\n",
            t.skipped.len(),
            thousands(t.skipped.len() as u64),
            if t.skipped.is_empty() {
                ""
            } else {
                " (<a href=\"#skipped\">why</a>)"
            }
        );
        if t.suppressed > 0 {
            put!(
                h,
                "<div><dt>Suppressed findings</dt><dd data-suppressed=\"{}\">{} \
                 <span class=\"muted\">(allowlist, inline ignores, baseline)</span></dd></div>\n",
                t.suppressed,
                thousands(t.suppressed)
            );
        }
        put!(
            h,
            "<div><dt>Confidence reported</dt><dd>{} and above</dd></div>\n",
            match self.run.min_confidence {
                Confidence::Low => "low",
                Confidence::Medium => "medium",
                Confidence::High => "high",
            }
        );
        h.push_str("</dl>\n<nav aria-label=\"Contents\"><ul>");
        if undeclared > 0 {
            h.push_str("<li><a href=\"#undeclared\">Not declared</a></li>");
        }
        h.push_str(
            "<li><a href=\"#policy\">Policy categories</a></li>\
             <li><a href=\"#where\">Where</a></li><li><a href=\"#rules\">Rules</a></li>\
             <li><a href=\"#findings\">Findings</a></li>\
             <li><a href=\"#skipped\">Skipped inputs</a></li></ul></nav>\n</header>\n",
        );
    }

    /// The `undeclared:*` categories found, in a panel before everything else.
    fn undeclared(&self, h: &mut String) {
        let found: Vec<(&str, &CategoryTotals)> = self
            .totals
            .categories_in_order(self.rules())
            .into_iter()
            .filter(|(id, _)| id.starts_with("undeclared:"))
            .collect();
        if found.is_empty() {
            return;
        }
        h.push_str(
            "<section id=\"undeclared\" class=\"undeclared\" aria-labelledby=\"undeclared-h\">\n\
             <h2 id=\"undeclared-h\"><span class=\"bang\" aria-hidden=\"true\">!</span> \
             Not declared in the privacy policy</h2>\n\
             <p>The scan found personal data in categories that the privacy policy does not \
             declare. Either the data should not be there, or the policy should say that it is \
             collected and why.</p>\n",
        );
        table_head(h, "Category (not in the policy)");
        for (id, t) in found {
            // Only the rules that found something: the others are not news.
            let feeding: Vec<usize> = self
                .rules_feeding(id)
                .into_iter()
                .filter(|&r| self.rule_findings(r) > 0)
                .collect();
            let mut ccpa: Vec<&str> = Vec::new();
            for r in &feeding {
                for c in &self.rules().rules[*r].ccpa {
                    if !ccpa.contains(&c.as_str()) {
                        ccpa.push(c);
                    }
                }
            }
            put!(h, "<tr {}>", data_attrs(id, t, false));
            put!(
                h,
                "<th scope=\"row\"><span class=\"cat-name\">{}</span> <code>{}</code>\
                 <div class=\"wording\"><strong>Not declared.</strong> Found by {}.</div>\
                 <div class=\"meta\">CCPA categories (from the rules): {}</div></th>",
                escape(&title_case(id.trim_start_matches("undeclared:"))),
                escape(id),
                self.rule_names(&feeding),
                chips(&ccpa)
            );
            count_cells(h, t);
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table></div>\n</section>\n");
    }

    /// Every category the policy declares, found or not.
    fn declared(&self, h: &mut String) {
        let policy = &self.rules().policy;
        put!(
            h,
            "<section id=\"policy\" aria-labelledby=\"policy-h\">\n\
             <h2 id=\"policy-h\">Categories the privacy policy declares</h2>\n\
             <p class=\"note\">Every category of <em>{}</em>{}, in its order.</p>\n",
            escape(&policy.title),
            if policy.source.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape(&policy.source))
            }
        );
        table_head(h, "Category and policy wording");
        let empty = CategoryTotals::default();
        for cat in &policy.categories {
            let t = self.totals.by_category.get(&cat.id);
            let feeding = self.rules_feeding(&cat.id);
            put!(
                h,
                "<tr {}{}>",
                data_attrs(&cat.id, t.unwrap_or(&empty), true),
                if t.is_none() { " class=\"none\"" } else { "" }
            );
            let ccpa: Vec<&str> = cat.ccpa.iter().map(String::as_str).collect();
            put!(
                h,
                "<th scope=\"row\"><span class=\"cat-name\">{}</span> <code>{}</code>\
                 <div class=\"wording\">{}</div><div class=\"meta\">{}CCPA: {} · {}</div></th>",
                escape(&cat.name),
                escape(&cat.id),
                escape(&cat.wording),
                if cat.section.is_empty() {
                    String::new()
                } else {
                    format!("Policy {} · ", escape(&cat.section))
                },
                chips(&ccpa),
                if feeding.is_empty() {
                    "No rule detects this category".to_string()
                } else {
                    format!("Detected by {}", self.rule_names(&feeding))
                }
            );
            match t {
                Some(t) => count_cells(h, t),
                None => put!(
                    h,
                    "<td class=\"num count\">0</td><td class=\"num\">0</td><td>{}</td>",
                    if feeding.is_empty() {
                        "Not checked: no rule"
                    } else {
                        "Nothing found"
                    }
                ),
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table></div>\n</section>\n");
    }

    /// Directories (rows) by category (columns), shaded by count.
    fn heat_map(&self, h: &mut String) {
        h.push_str(
            "<section id=\"where\" aria-labelledby=\"where-h\">\n\
             <h2 id=\"where-h\">Where the personal data is</h2>\n",
        );
        let cats = self.totals.categories_in_order(self.rules());
        if cats.is_empty() {
            h.push_str("<p>No findings.</p>\n</section>\n");
            return;
        }
        let mut by_dir: BTreeMap<&str, u64> = BTreeMap::new();
        for (_, t) in &cats {
            for (dir, n) in &t.dirs {
                *by_dir.entry(dir.as_str()).or_default() += n;
            }
        }
        let mut dirs: Vec<(&str, u64)> = by_dir.into_iter().collect();
        dirs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let hidden = dirs.len().saturating_sub(HEAT_DIRECTORIES);
        dirs.truncate(HEAT_DIRECTORIES);
        // The "other directories" count of each category, when some are not shown.
        let others: Vec<u64> = cats
            .iter()
            .map(|(_, t)| {
                let shown: u64 = dirs.iter().filter_map(|(d, _)| t.dirs.get(*d)).sum();
                t.findings - shown
            })
            .collect();
        let max = cats
            .iter()
            .flat_map(|(_, t)| dirs.iter().filter_map(|(d, _)| t.dirs.get(*d)))
            .chain(others.iter())
            .copied()
            .max()
            .unwrap_or(1)
            .max(1);
        put!(
            h,
            "<p class=\"note\">Findings per directory (of each file, as scanned) and category{}; \
             the shade is proportional to the count: from 1 \
             <span class=\"legend\" aria-hidden=\"true\">",
            if hidden > 0 {
                format!(": the {HEAT_DIRECTORIES} directories with the most findings")
            } else {
                String::new()
            }
        );
        for k in 1..=5 {
            let (bg, _) = shade(k as f64 / 5.0);
            put!(
                h,
                "<span class=\"swatch\" style=\"background:{bg}\"></span>"
            );
        }
        put!(
            h,
            "</span> to {}.</p>\n\
             <div class=\"scroll\"><table class=\"heat\">\n<thead><tr>\
             <th scope=\"col\">Directory</th>",
            thousands(max)
        );
        for (id, _) in &cats {
            put!(
                h,
                "<th scope=\"col\" class=\"num{}\">{}</th>",
                if id.starts_with("undeclared:") {
                    " undeclared-col"
                } else {
                    ""
                },
                self.category_label(id)
            );
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        let cell = |h: &mut String, id: &str, n: u64| {
            if n == 0 {
                put!(
                    h,
                    "<td class=\"num zero\" data-heat=\"{}\" data-count=\"0\">0</td>",
                    escape(id)
                );
            } else {
                let (bg, fg) = shade(n as f64 / max as f64);
                put!(
                    h,
                    "<td class=\"num heat-cell\" data-heat=\"{}\" data-count=\"{n}\" \
                     style=\"background:{bg};color:{fg}\">{}</td>",
                    escape(id),
                    thousands(n)
                );
            }
        };
        for (dir, _) in &dirs {
            put!(
                h,
                "<tr data-dir=\"{0}\"><th scope=\"row\"><code>{1}</code></th>",
                escape(dir),
                escape(shown_dir(dir))
            );
            for (id, t) in &cats {
                cell(h, id, t.dirs.get(*dir).copied().unwrap_or(0));
            }
            h.push_str("</tr>\n");
        }
        if hidden > 0 {
            put!(
                h,
                "<tr data-dir=\"\"><th scope=\"row\">{} other {}</th>",
                thousands(hidden as u64),
                plural(hidden as u64, "directory", "directories")
            );
            for ((id, _), n) in cats.iter().zip(&others) {
                cell(h, id, *n);
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table></div>\n</section>\n");
    }

    fn rule_table(&self, h: &mut String) {
        h.push_str(
            "<section id=\"rules\" aria-labelledby=\"rules-h\">\n\
             <h2 id=\"rules-h\">Findings by rule</h2>\n\
             <p class=\"note\">Every detection rule of the scan, the categories it reports and \
             how many findings it made.</p>\n\
             <div class=\"scroll\"><table class=\"sortable rules\">\n<thead><tr>\
             <th scope=\"col\">Rule</th><th scope=\"col\">Name</th>\
             <th scope=\"col\">Categories</th>\
             <th scope=\"col\" class=\"num\" data-num>Findings</th></tr></thead>\n<tbody>\n",
        );
        let mut rules: Vec<(usize, u64)> = self
            .rules()
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let n = self.totals.by_rule.get(&r.rule.id).copied().unwrap_or(0);
                (i, n)
            })
            .collect();
        rules.sort_by(|a, b| {
            b.1.cmp(&a.1).then_with(|| {
                let rs = &self.rules().rules;
                rs[a.0].rule.id.cmp(&rs[b.0].rule.id)
            })
        });
        for (i, n) in rules {
            let r = &self.rules().rules[i];
            put!(
                h,
                "<tr data-rule=\"{}\" data-findings=\"{n}\"{}><th scope=\"row\"><code>{}</code></th>\
                 <td>{}</td><td>",
                escape(&r.rule.id),
                if n == 0 { " class=\"none\"" } else { "" },
                escape(&r.rule.id),
                escape(&r.rule.name)
            );
            for (k, c) in r.categories.iter().enumerate() {
                if k > 0 {
                    h.push_str(", ");
                }
                if c.starts_with("undeclared:") {
                    put!(
                        h,
                        "<span class=\"undeclared-tag\">{} (not declared)</span>",
                        escape(c)
                    );
                } else {
                    h.push_str(&escape(c));
                }
            }
            put!(
                h,
                "</td><td class=\"num\" data-sort=\"{n}\">{}</td></tr>\n",
                thousands(n)
            );
        }
        h.push_str("</tbody>\n</table></div>\n</section>\n");
    }

    fn top_findings(&self, h: &mut String) {
        put!(
            h,
            "<section id=\"findings\" aria-labelledby=\"findings-h\">\n\
             <h2 id=\"findings-h\">Findings by category</h2>\n\
             <p class=\"note\">The first {TOP_PER_CATEGORY} findings of each category, in path \
             order. Values are redacted.</p>\n"
        );
        let cats = self.totals.categories_in_order(self.rules());
        if cats.is_empty() {
            h.push_str("<p>No findings.</p>\n");
        }
        for (id, t) in cats {
            let rows = self.top.get(id).map(Vec::as_slice).unwrap_or(&[]);
            let undeclared = id.starts_with("undeclared:");
            put!(
                h,
                "<section class=\"top{}\" aria-labelledby=\"top-{}\">\n\
                 <h3 id=\"top-{}\">{}{} <code>{}</code></h3>\n<p class=\"note\">{}</p>\n\
                 <div class=\"scroll\"><table class=\"sortable filterable findings\">\n\
                 <thead><tr><th scope=\"col\" class=\"c-path\">Path</th>\
                 <th scope=\"col\" class=\"num c-line\" data-num>Line</th>\
                 <th scope=\"col\" class=\"c-rule\">Rule</th>\
                 <th scope=\"col\" class=\"c-conf\">Confidence</th>\
                 <th scope=\"col\">Value (redacted)</th></tr></thead>\n<tbody>\n",
                if undeclared { " undeclared-top" } else { "" },
                escape(&anchor(id)),
                escape(&anchor(id)),
                if undeclared {
                    "<span class=\"bang\" aria-hidden=\"true\">!</span> "
                } else {
                    ""
                },
                self.category_label(id),
                escape(id),
                if t.findings as usize > rows.len() {
                    format!(
                        "Showing the first {} of {} findings.",
                        rows.len(),
                        thousands(t.findings)
                    )
                } else if t.findings == 1 {
                    "1 finding.".to_string()
                } else {
                    format!("All {} findings.", thousands(t.findings))
                }
            );
            for r in rows {
                put!(
                    h,
                    "<tr><td><code>{}</code></td><td class=\"num\" data-sort=\"{}\">{}</td>\
                     <td><code>{}</code></td><td>{}</td><td><code class=\"value\">{}</code></td>\
                     </tr>\n",
                    escape(&r.path),
                    r.line,
                    r.line,
                    escape(&self.rules().rules[r.rule].rule.id),
                    confidence_label(r.confidence),
                    escape(&r.redacted)
                );
            }
            h.push_str("</tbody>\n</table></div>\n</section>\n");
        }
        h.push_str("</section>\n");
    }

    fn skipped(&self, h: &mut String) {
        let skipped = &self.totals.skipped;
        h.push_str(
            "<section id=\"skipped\" aria-labelledby=\"skipped-h\">\n\
             <h2 id=\"skipped-h\">Skipped inputs</h2>\n",
        );
        if skipped.is_empty() {
            h.push_str("<p>Nothing was skipped: every input was scanned to the end.</p>\n");
        } else {
            put!(
                h,
                "<p class=\"note\">{} {} not scanned, or not to the end. Personal data in them \
                 is not counted above.</p>\n\
                 <div class=\"scroll\"><table class=\"sortable filterable skipped\">\n\
                 <thead><tr><th scope=\"col\">Path</th><th scope=\"col\">Reason</th></tr>\
                 </thead>\n<tbody>\n",
                thousands(skipped.len() as u64),
                plural(skipped.len() as u64, "input was", "inputs were")
            );
            for s in skipped.iter().take(SKIPPED_LISTED) {
                put!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td></tr>\n",
                    escape(&s.path),
                    escape(&s.reason)
                );
            }
            h.push_str("</tbody>\n</table></div>\n");
            if skipped.len() > SKIPPED_LISTED {
                put!(
                    h,
                    "<p class=\"note\">… and {} more; the JSON summary lists them all.</p>\n",
                    thousands((skipped.len() - SKIPPED_LISTED) as u64)
                );
            }
        }
        h.push_str("</section>\n");
    }

    /// Indexes of the rules reporting category `id`.
    fn rules_feeding(&self, id: &str) -> Vec<usize> {
        self.rules()
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.categories.iter().any(|c| c == id))
            .map(|(i, _)| i)
            .collect()
    }

    fn rule_findings(&self, rule: usize) -> u64 {
        let id = &self.rules().rules[rule].rule.id;
        self.totals.by_rule.get(id).copied().unwrap_or(0)
    }

    /// `Email address (<code>email</code>: 4), Username (<code>username</code>), ...`,
    /// escaped: the rules that found something first, most first, with their counts.
    fn rule_names(&self, rules: &[usize]) -> String {
        let mut rules: Vec<(usize, u64)> =
            rules.iter().map(|&i| (i, self.rule_findings(i))).collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let names: Vec<String> = rules
            .iter()
            .map(|&(i, n)| {
                let r = &self.rules().rules[i].rule;
                if n > 0 {
                    format!(
                        "{} (<code>{}</code>: <strong>{}</strong>)",
                        escape(&r.name),
                        escape(&r.id),
                        thousands(n)
                    )
                } else {
                    format!("{} (<code>{}</code>)", escape(&r.name), escape(&r.id))
                }
            })
            .collect();
        names.join(", ")
    }

    /// A category's display name, escaped: the policy's name, or the kind of an undeclared one.
    fn category_label(&self, id: &str) -> String {
        match self.rules().policy.get(id) {
            Some(c) => escape(&c.name).into_owned(),
            None => format!(
                "{} <span class=\"undeclared-tag\">not declared</span>",
                escape(&title_case(id.trim_start_matches("undeclared:")))
            ),
        }
    }
}

/// The counting attributes of a category row (see the module documentation).
fn data_attrs(id: &str, t: &CategoryTotals, declared: bool) -> String {
    format!(
        "data-category=\"{}\" data-findings=\"{}\" data-distinct=\"{}\" data-high=\"{}\" \
         data-medium=\"{}\" data-low=\"{}\" data-declared=\"{}\"",
        escape(id),
        t.findings,
        t.distinct_values,
        t.high,
        t.medium,
        t.low,
        if declared { "yes" } else { "no" }
    )
}

/// The head of a category table, whose first column is titled `first`.
fn table_head(h: &mut String, first: &str) {
    put!(
        h,
        "<div class=\"scroll\"><table class=\"categories\">\n<thead><tr>\
         <th scope=\"col\" class=\"cat-col\">{first}</th>\
         <th scope=\"col\" class=\"num\">Findings</th>\
         <th scope=\"col\" class=\"num\">Distinct values</th>\
         <th scope=\"col\" class=\"split-col\">Confidence</th></tr></thead>\n<tbody>\n"
    );
}

/// Findings, distinct values and the confidence split (a bar and its numbers in words).
fn count_cells(h: &mut String, t: &CategoryTotals) {
    // An estimated count (past the exact limit) says so, in words for screen readers too.
    let distinct = if t.distinct_estimated {
        format!(
            "<abbr title=\"estimated: too many distinct values to count one by one \
             (about 1.6% error)\">about {}</abbr>",
            thousands(t.distinct_values)
        )
    } else {
        thousands(t.distinct_values)
    };
    put!(
        h,
        "<td class=\"num count\">{}</td><td class=\"num\">{}</td><td>",
        thousands(t.findings),
        distinct
    );
    let total = (t.high + t.medium + t.low).max(1) as f64;
    h.push_str("<div class=\"split\" aria-hidden=\"true\">");
    for (n, class) in [(t.high, "high"), (t.medium, "medium"), (t.low, "low")] {
        if n > 0 {
            put!(
                h,
                "<span class=\"seg {class}\" style=\"width:{:.1}%\"></span>",
                n as f64 * 100.0 / total
            );
        }
    }
    put!(
        h,
        "</div><div class=\"split-text\">{} high · {} medium · {} low</div></td>",
        thousands(t.high),
        thousands(t.medium),
        thousands(t.low)
    );
}

fn chips(items: &[&str]) -> String {
    let mut s = String::new();
    for c in items {
        put!(s, "<span class=\"chip\">{}</span> ", escape(c));
    }
    s
}

fn confidence_label(c: Confidence) -> String {
    format!("<span class=\"conf conf-{0}\">{0}</span>", c.as_str())
}

/// `national-id` -> `National id`.
fn title_case(kind: &str) -> String {
    let words = kind.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An HTML id for a category (`undeclared:national-id` -> `cat-undeclared-national-id`).
fn anchor(id: &str) -> String {
    let mut s = String::from("cat-");
    s.extend(id.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '-'
        }
    }));
    s
}

fn shown_path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn shown_dir(dir: &str) -> &str {
    if dir == "." {
        "./"
    } else {
        dir
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `1234567` -> `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2125` -> `2.1 KiB (2,125 bytes)`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{} {}", thousands(n), plural(n, "byte", "bytes"));
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {} ({} bytes)", UNITS[unit], thousands(n))
}

fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", d.as_secs_f64())
    } else if ms < 3_600_000 {
        let s = d.as_secs();
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        let s = d.as_secs();
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    }
}

/// A time as ISO 8601 (`2025-03-01T09:05:00Z`) and for people (`2025-03-01 09:05:00 UTC`).
fn utc(t: SystemTime) -> (String, String) {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_date(secs / 86_400);
    let (hh, mm, ss) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    (
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"),
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} UTC"),
    )
}

/// Days since 1970-01-01 -> (year, month, day) in the proleptic Gregorian calendar.
fn civil_date(days: u64) -> (u64, u64, u64) {
    // Count from 0000-03-01, so that the leap day ends a year, in 400-year eras of 146,097 days.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A heat-map cell's background for a share `t` (0..=1] of the largest count, and the text
/// colour (black or white) that contrasts most with it: at least 4.58:1 whatever the shade.
fn shade(t: f64) -> (String, &'static str) {
    const LIGHT: [f64; 3] = [232.0, 240.0, 250.0];
    const MIDDLE: [f64; 3] = [74.0, 144.0, 217.0];
    const DARK: [f64; 3] = [8.0, 48.0, 107.0];
    let t = t.clamp(0.0, 1.0);
    let (from, to, u) = if t <= 0.5 {
        (LIGHT, MIDDLE, t * 2.0)
    } else {
        (MIDDLE, DARK, t * 2.0 - 1.0)
    };
    let rgb: Vec<f64> = (0..3)
        .map(|i| (from[i] + (to[i] - from[i]) * u).round())
        .collect();
    let lum = luminance([rgb[0], rgb[1], rgb[2]]);
    // WCAG contrast with white is 1.05 / (lum + 0.05), with black (lum + 0.05) / 0.05.
    let fg = if 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 {
        "#fff"
    } else {
        "#000"
    };
    (
        format!(
            "#{:02x}{:02x}{:02x}",
            rgb[0] as u8, rgb[1] as u8, rgb[2] as u8
        ),
        fg,
    )
}

/// WCAG relative luminance of an sRGB colour (components 0..=255).
fn luminance(rgb: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        let c = c / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// The CSP source for the inline script: `sha256-<base64 of its SHA-256>`.
fn script_hash() -> String {
    format!("sha256-{}", base64(&Sha256::digest(SCRIPT.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const CSS: &str = r#"
:root{color-scheme:light;--ink:#1f2328;--muted:#4d5661;--line:#d0d7de;--soft:#f4f6f8;--accent:#0b4f9c;--red:#a4161a;--red-bg:#fff0ef}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif;color:var(--ink);background:#fff}
header.page,main,footer{max-width:1200px;margin:0 auto;padding:0 28px}
header.page{padding-top:28px}
h1{font-size:28px;line-height:1.2;margin:0 0 6px}
h2{font-size:20px;margin:30px 0 6px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:24px 0 4px}
p{margin:6px 0 10px}
a{color:var(--accent)}
code{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
.lead{font-size:17px;margin:0 0 16px}
.note,.muted{color:var(--muted)}
.alert-text{color:var(--red)}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(215px,1fr));gap:10px 20px;margin:0;padding:14px 18px;background:var(--soft);border:1px solid var(--line);border-radius:8px}
dl.facts dt{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
dl.facts dd{margin:0;font-weight:600}
dl.facts dd .muted{font-weight:400;font-size:13px}
dl.facts time{white-space:nowrap}
ul.paths{margin:0;padding:0;list-style:none}
nav ul{display:flex;flex-wrap:wrap;gap:4px 18px;margin:14px 0 0;padding:0;list-style:none;font-size:14px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0 8px}
th,td{padding:7px 10px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);border-bottom:2px solid #a8b1bb;font-weight:600;white-space:nowrap}
tbody th{font-weight:400}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.count{font-weight:700;font-size:15px}
.cat-name{font-weight:700}
.wording{color:var(--muted);font-size:13px;margin-top:2px;max-width:100ch}
.meta{color:var(--muted);font-size:12px;margin-top:4px}
th.cat-col{width:auto}
th.split-col{width:175px}
tr.none td,tr.none .cat-name{color:var(--muted)}
tr.none td.count{font-weight:400}
.chip{display:inline-block;padding:0 7px;margin:1px 0;border:1px solid #b7c0ca;border-radius:10px;font-size:12px;white-space:nowrap;background:#fff}
.split{display:flex;width:150px;height:10px;border:1px solid #8a96a3;border-radius:3px;overflow:hidden;background:#fff;margin-top:5px}
.seg{display:block;height:100%}
.seg.high{background:#0b4f9c}.seg.medium{background:#5d95d6}.seg.low{background:#c9dbf0}
.split-text{font-size:12px;color:var(--muted);white-space:nowrap;margin-top:2px}
.categories th[scope=row]{min-width:320px}
.categories td,.categories tbody th{padding-top:6px;padding-bottom:6px}
section.undeclared{margin:26px 0 8px;padding:14px 20px 10px;background:var(--red-bg);border:2px solid var(--red);border-left-width:10px;border-radius:8px}
section.undeclared h2{color:var(--red);border:0;margin:0 0 4px;padding:0}
section.undeclared thead th{background:#fde0dd;border-bottom-color:var(--red)}
section.undeclared table{background:#fff}
.bang{display:inline-block;width:1.35em;height:1.35em;line-height:1.35em;text-align:center;border-radius:50%;background:var(--red);color:#fff;font-weight:700;font-size:.9em;vertical-align:.08em}
.undeclared-tag{color:var(--red);font-weight:600;white-space:nowrap}
thead th.undeclared-col{border-top:3px solid var(--red)}
table.heat{width:auto;min-width:60%}
table.heat th[scope=col]{white-space:normal;min-width:96px;max-width:150px;vertical-align:bottom}
table.heat td{min-width:96px;font-weight:600;border:1px solid #fff}
span.legend{display:inline-flex;vertical-align:middle;margin:0 4px;border:1px solid #8a96a3}
.swatch{display:inline-block;width:22px;height:12px}
td.zero{color:#6a737d;font-weight:400 !important}
.conf{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid}
.conf-high{background:#0b4f9c;border-color:#0b4f9c;color:#fff}
.conf-medium{background:#e3edf9;border-color:#5d95d6;color:#0b3d78}
.conf-low{background:#fff;border-color:#8a96a3;color:#4d5661}
code.value{background:var(--soft);padding:1px 5px;border-radius:4px}
section.top{margin-bottom:8px}
table.findings{table-layout:fixed}
table.findings .c-path{width:36%}
table.findings .c-line{width:8%}
table.findings .c-rule{width:13%}
table.findings .c-conf{width:12%}
section.undeclared-top h3{color:var(--red)}
label.filter{display:block;font-size:13px;color:var(--muted);margin:4px 0}
label.filter input{font:inherit;padding:2px 6px;margin-left:4px;border:1px solid #8a96a3;border-radius:4px}
button.sort{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer;text-align:inherit}
button.sort::after{content:" \2195";color:#8a96a3}
th[aria-sort=ascending] button.sort::after{content:" \2191";color:var(--ink)}
th[aria-sort=descending] button.sort::after{content:" \2193";color:var(--ink)}
footer{margin-top:36px;padding-bottom:28px;font-size:13px;color:var(--muted)}
footer p{border-top:1px solid var(--line);padding-top:10px}
@media print{
body{font-size:10pt}
header.page,main,footer{max-width:none;padding:0}
nav,label.filter{display:none}
button.sort::after{content:""}
a{color:inherit;text-decoration:none}
h2,h3{break-after:avoid}
tr,.facts{break-inside:avoid}
.scroll{overflow:visible}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

/// Sortable columns and a filter box; the page is complete without it.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  document.documentElement.setAttribute("data-script", "ready");
  each(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.hasAttribute("data-num");
        each(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[col];
          var sort = cell.getAttribute("data-sort");
          var text = sort !== null ? sort : cell.textContent.trim();
          return numeric ? parseFloat(text) || 0 : text.toLowerCase();
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = numeric ? x - y : x < y ? -1 : x > y ? 1 : 0;
          return ascending ? c : -c;
        });
        each(rows, function (row) { body.appendChild(row); });
      });
    });
  });
  each(document.querySelectorAll("table.filterable"), function (table) {
    if (table.tBodies[0].rows.length < 6) { return; }
    var label = document.createElement("label");
    label.className = "filter";
    label.textContent = "Filter rows ";
    var input = document.createElement("input");
    input.type = "search";
    label.appendChild(input);
    var box = table.parentNode;
    box.parentNode.insertBefore(label, box);
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      each(table.tBodies[0].rows, function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_quotes_and_controls() {
        assert_eq!(escape("plain/path.txt"), "plain/path.txt");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape("<script>a(\"1\")&'x'</script>"),
            "&lt;script&gt;a(&quot;1&quot;)&amp;&#39;x&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1b}[31mb\tc"), "a\u{FFFD}[31mb\tc");
    }

    #[test]
    fn dates_are_utc_civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(11_017), (2000, 3, 1));
        assert_eq!(civil_date(19_722), (2023, 12, 31));
        assert_eq!(civil_date(19_782), (2024, 2, 29));
        let t = UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        assert_eq!(
            utc(t),
            (
                "2024-02-29T23:59:59Z".to_string(),
                "2024-02-29 23:59:59 UTC".to_string()
            )
        );
    }

    #[test]
    fn numbers_sizes_and_durations() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(2125), "2.1 KiB (2,125 bytes)");
        assert_eq!(bytes(3 << 30), "3.0 GiB (3,221,225,472 bytes)");
        assert_eq!(duration(Duration::from_millis(42)), "42 ms");
        assert_eq!(duration(Duration::from_millis(3_250)), "3.2 s");
        assert_eq!(duration(Duration::from_secs(125)), "2 min 05 s");
        assert_eq!(duration(Duration::from_secs(3_700)), "1 h 01 min");
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }

    #[test]
    fn heat_shades_keep_text_readable() {
        assert_eq!(shade(1.0), ("#08306b".to_string(), "#fff"));
        assert_eq!(shade(0.05).1, "#000");
        assert_eq!(shade(0.0).0, "#e8f0fa");
        for k in 0..=200 {
            let (bg, fg) = shade(k as f64 / 200.0);
            let channel = |i: usize| f64::from(u8::from_str_radix(&bg[i..i + 2], 16).unwrap());
            let lum = luminance([channel(1), channel(3), channel(5)]);
            let contrast = if fg == "#fff" {
                1.05 / (lum + 0.05)
            } else {
                (lum + 0.05) / 0.05
            };
            assert!(contrast >= 4.5, "{bg} with {fg}: {contrast:.2}");
        }
    }

    #[test]
    fn category_helpers() {
        assert_eq!(title_case("national-id"), "National id");
        assert_eq!(
            anchor("undeclared:national-id"),
            "cat-undeclared-national-id"
        );
        assert_eq!(anchor("a b<c"), "cat-a-b-c");
    }
}
