//! Reporting: sinks that receive findings in a stable order (path, then offset) and write one
//! format each. Reporters know nothing of regexes; they see findings and totals.

mod html;
mod json;
mod sarif;
mod summary;
mod text;

use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasherDefault;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::cli::Format;
use crate::discover::Skipped;
use crate::finding::{Confidence, Finding, PreHashed};
use crate::scan::RuleSet;

pub use json::FindingJson;

/// What every reporter may need to know about the run.
pub struct RunInfo<'a> {
    pub rules: &'a RuleSet,
    pub color: bool,
    /// `--sarif-category`, for the SARIF run's `automationDetails.id`.
    pub sarif_category: Option<&'a str>,
    /// The paths the user named, for report headers.
    pub paths: &'a [std::path::PathBuf],
    /// When the scan started (wall clock).
    pub started: std::time::SystemTime,
    /// `--min-confidence`: the lowest confidence reported.
    pub min_confidence: Confidence,
    /// For each rule, the JSON its findings open with (`json::finding_heads`).
    pub finding_heads: Vec<Vec<u8>>,
}

impl<'a> RunInfo<'a> {
    pub fn new(config: &'a crate::config::Config) -> RunInfo<'a> {
        RunInfo {
            rules: &config.rules,
            color: config.color,
            sarif_category: config.sarif_category.as_deref(),
            paths: &config.walk.paths,
            started: std::time::SystemTime::now(),
            min_confidence: config.options.min_confidence,
            finding_heads: json::finding_heads(&config.rules),
        }
    }
}

/// A sink for findings. `findings` is called once per input, in path order.
pub trait Reporter {
    fn findings(&mut self, run: &RunInfo, findings: &[Finding]) -> io::Result<()>;
    fn finish(&mut self, run: &RunInfo, totals: &Totals) -> io::Result<()>;
    /// How this reporter's findings can be rendered on the threads that find them, if they
    /// can: then those threads send bytes (`rendered`) instead of findings.
    fn render(&self) -> Option<Render> {
        None
    }
    /// Write findings rendered with [`Reporter::render`], in path order like `findings`.
    /// Reporters without a `render` never receive any.
    fn rendered(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    /// Which findings a reporter without a `render` can show; the scanning threads do not send
    /// it the others ([`Passed`]).
    fn uses(&self) -> Uses {
        Uses::All
    }
}

/// Which findings a reporter shows, as far as the scanning threads need to know. Findings
/// that are not rendered wait in memory for the writer, and a thread that has sent too many
/// of an input ahead of the writer waits for it: on dense data, the other thread's input then
/// ran alone (the HTML report of 4.7 million findings, two threads, 2.8 s against 1.3 s for
/// the data map).
#[derive(Debug, Clone)]
pub enum Uses {
    All,
    /// The `n` best of the run: by confidence, then in order (SARIF's cap on results).
    /// `floor` is how many confidence levels, from the lowest, the reporter already holds `n`
    /// findings at or above: no finding of those levels still to come can be among the best.
    /// It only rises, so a thread that reads it late sends more than needed, never less.
    Best {
        n: usize,
        floor: Arc<AtomicUsize>,
    },
    /// The first `n` of each category, in order (the HTML report's tables).
    FirstOfEachCategory(usize),
    /// None: the reporter shows totals only (the data map).
    None,
}

impl Uses {
    /// Whether the reporter shows every finding.
    pub fn all(&self) -> bool {
        matches!(self, Uses::All)
    }
}

/// Counts of the findings of one input sent to the writer, to pass over those of its later
/// findings that the reporter will not show ([`Uses`]): a finding is passed over only when
/// `n` findings of the same input, all before it, rank as well, when its confidence is
/// below SARIF's floor, or when the reporter shows none (the data map). Inputs are told apart
/// by their findings' path (one `Arc` per input, held here so that its address is not reused).
#[derive(Debug)]
pub struct Passed {
    uses: Uses,
    input: Option<Arc<str>>,
    /// Findings sent, by confidence.
    by_confidence: [usize; 3],
    /// Findings sent, by category index; each rule's category indices.
    by_category: Vec<usize>,
    rule_categories: Vec<Vec<usize>>,
    /// The findings passed over, counted as they are found ([`Passed::passed_over`]) instead of
    /// being built: on dense data the data map passes over every finding, and building each
    /// one only to count and drop it was a tenth of the run.
    passed_over: Totals,
}

impl Passed {
    pub fn new(uses: Uses, rules: &RuleSet) -> Passed {
        let (names, rule_categories) = category_indices(rules);
        Passed {
            uses,
            input: None,
            by_confidence: [0; 3],
            by_category: vec![0; names.len()],
            rule_categories,
            passed_over: Totals::default(),
        }
    }

    /// The counts of the findings [`Passed::send_parts`] passed over, where the search counts
    /// them ([`Totals::add_parts`]) until they are moved out ([`Totals::take_counts`]).
    pub fn passed_over(&mut self) -> &mut Totals {
        &mut self.passed_over
    }

    /// Whether `f` is to be sent; counts it if so.
    pub fn send(&mut self, f: &Finding) -> bool {
        self.send_parts(f.rule, f.confidence, &f.path)
    }

    /// [`Passed::send`] for a finding of `rule` and `confidence` in the input at `path`, asked
    /// before the finding is built.
    pub fn send_parts(&mut self, rule: usize, confidence: Confidence, path: &Arc<str>) -> bool {
        if !self.input.as_ref().is_some_and(|p| Arc::ptr_eq(p, path)) {
            self.input = Some(path.clone());
            self.by_confidence = [0; 3];
            self.by_category.fill(0);
        }
        match &self.uses {
            Uses::All => true,
            Uses::Best { n, floor } => {
                let level = confidence as usize;
                if level < floor.load(Ordering::Relaxed)
                    || self.by_confidence[level..].iter().sum::<usize>() >= *n
                {
                    return false;
                }
                self.by_confidence[level] += 1;
                true
            }
            Uses::None => false,
            Uses::FirstOfEachCategory(n) => {
                let categories = &self.rule_categories[rule];
                if categories.iter().all(|&c| self.by_category[c] >= *n) {
                    return false;
                }
                for &c in categories {
                    self.by_category[c] += 1;
                }
                true
            }
        }
    }
}

/// The rule set's categories, numbered in order of first mention, and each rule's numbers.
fn category_indices(rules: &RuleSet) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut names: Vec<String> = Vec::new();
    let rule_categories = rules
        .rules
        .iter()
        .map(|rule| {
            rule.categories
                .iter()
                .map(|cat| match names.iter().position(|c| c == cat) {
                    Some(i) => i,
                    None => {
                        names.push(cat.clone());
                        names.len() - 1
                    }
                })
                .collect()
        })
        .collect();
    (names, rule_categories)
}

/// Formats that render each finding on its own, with nothing carried from one to the next,
/// so that the scanning threads can do it (the writer only copies bytes, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Render {
    /// Nothing per finding (the data map shows totals only).
    Nothing,
    /// One JSON object per line.
    JsonLines,
    /// Items of the JSON document's `findings` array, each preceded by `,\n  `.
    JsonItems,
    /// `path:line:column rule categories value`, colored on a terminal.
    Text,
}

impl Render {
    /// Append `findings`, rendered, to `out`.
    pub fn render(self, run: &RunInfo, findings: &[Finding], out: &mut Vec<u8>) -> io::Result<()> {
        // Text shows paths as they are, but for control characters (a file name with a newline
        // would forge a line, one with an escape sequence would reach the terminal): escaped
        // once per input, not per finding.
        let mut path: Option<(&Arc<str>, std::borrow::Cow<'_, str>)> = None;
        // JSON writes the path as a JSON string, also once per input.
        let mut json_path: Option<(&Arc<str>, Vec<u8>)> = None;
        for f in findings {
            match self {
                Render::Nothing => return Ok(()),
                Render::JsonLines => {
                    json::write_finding(run, f, json_path_of(&mut json_path, f)?, out)?;
                    out.push(b'\n');
                }
                Render::JsonItems => {
                    out.extend_from_slice(json::ITEM_SEPARATOR);
                    json::write_finding(run, f, json_path_of(&mut json_path, f)?, out)?;
                }
                Render::Text => {
                    if path.as_ref().is_none_or(|(p, _)| !Arc::ptr_eq(p, &f.path)) {
                        path = Some((&f.path, crate::scrub::printable(&f.path)));
                    }
                    let shown = path.as_ref().map_or("", |(_, shown)| shown);
                    text::line(run, f, shown, out)?
                }
            }
        }
        Ok(())
    }
}

/// `f`'s path as a JSON string, written again only when the input changes (`written` holds
/// the last one).
fn json_path_of<'f, 'w>(
    written: &'w mut Option<(&'f Arc<str>, Vec<u8>)>,
    f: &'f Finding,
) -> io::Result<&'w [u8]> {
    if written
        .as_ref()
        .is_none_or(|(p, _)| !Arc::ptr_eq(p, &f.path))
    {
        let mut json = Vec::new();
        json::string(&mut json, &f.path)?;
        *written = Some((&f.path, json));
    }
    Ok(written.as_ref().map_or(&[][..], |(_, json)| json))
}

/// The reporter for `format`. `--format summary` writes the data map as JSON when the output
/// file's name ends in `.json`.
pub fn reporter(
    format: Format,
    out: Box<dyn Write + Send>,
    output: Option<&std::path::Path>,
) -> Box<dyn Reporter> {
    let json_file = output.is_some_and(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    });
    match format {
        Format::Summary if json_file => Box::new(summary::Summary::json(out)),
        Format::Text => Box::new(text::Text::new(out)),
        Format::Json => Box::new(json::Json::document(out)),
        Format::Jsonl => Box::new(json::Json::lines(out)),
        Format::Summary => Box::new(summary::Summary::new(out)),
        Format::Sarif => Box::new(sarif::Sarif::new(out)),
        Format::Html => Box::new(html::Html::new(out)),
    }
}

/// Findings and distinct values of one category, with the confidence split.
#[derive(Debug, Default, Serialize, Clone)]
pub struct CategoryTotals {
    pub findings: u64,
    pub distinct_values: u64,
    /// The distinct count is an estimate (HyperLogLog, about 1.6% error): more values than
    /// are counted exactly.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub distinct_estimated: bool,
    pub low: u64,
    pub medium: u64,
    pub high: u64,
    /// Where the findings are, most first (directories, at most ten).
    pub top_paths: Vec<(String, u64)>,
    #[serde(skip)]
    values: Distinct,
    #[serde(skip)]
    dirs: BTreeMap<String, u64>,
}

/// Counts for the whole run.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub findings: u64,
    pub by_rule: BTreeMap<String, u64>,
    pub by_category: BTreeMap<String, CategoryTotals>,
    pub skipped: Vec<Skipped>,
    /// Findings not reported because of the allowlist, an inline ignore or the baseline.
    pub suppressed: u64,
    /// Baseline entries that matched nothing (only for whole scans with a baseline).
    pub baseline_stale: Option<u64>,
    #[serde(skip)]
    pub duration: Duration,
    #[serde(skip)]
    tally: Tally,
}

/// Counts by rule index while findings arrive.
#[derive(Debug, Default)]
struct Tally {
    rules: Vec<RuleTally>,
    /// Distinct values by category index (one set per category, not per rule, to bound
    /// memory), the categories' names, and each rule's category indices.
    values: Vec<Distinct>,
    category_names: Vec<String>,
    rule_categories: Vec<Vec<usize>>,
    /// The file being counted, and its findings per rule (for the data map's locations).
    file: Option<Arc<str>>,
    file_counts: Vec<u64>,
}

#[derive(Debug, Default)]
struct RuleTally {
    findings: u64,
    low: u64,
    medium: u64,
    high: u64,
}

impl Tally {
    fn new(rules: &RuleSet) -> Tally {
        let (category_names, rule_categories) = category_indices(rules);
        Tally {
            rules: (0..rules.rules.len())
                .map(|_| RuleTally::default())
                .collect(),
            values: (0..category_names.len())
                .map(|_| Distinct::default())
                .collect(),
            category_names,
            rule_categories,
            file: None,
            file_counts: vec![0; rules.rules.len()],
        }
    }

    /// This tally, made for `rules` on first use.
    fn fit(&mut self, rules: &RuleSet) -> &mut Tally {
        if self.rules.len() != rules.rules.len() {
            *self = Tally::new(rules);
        }
        self
    }

    /// Add the current file's counts to its directory in each category's locations.
    fn flush_file(&mut self, rules: &RuleSet, by_category: &mut BTreeMap<String, CategoryTotals>) {
        let Some(path) = self.file.take() else {
            return;
        };
        let dir = match path.rfind('/') {
            Some(i) => &path[..i],
            None => ".",
        };
        for (index, n) in self.file_counts.iter_mut().enumerate() {
            if *n == 0 {
                continue;
            }
            for cat in &rules.rules[index].categories {
                let t = by_category.entry(cat.clone()).or_default();
                *t.dirs.entry(dir.to_string()).or_default() += *n;
            }
            *n = 0;
        }
    }
}

impl Totals {
    /// Count one finding. Findings are counted by rule index, and by file for the data map's
    /// locations; the maps keyed by name are filled once, by [`Totals::finalize`].
    pub fn add(&mut self, rules: &RuleSet, f: &Finding) {
        self.add_parts(rules, &f.path, f.rule, f.confidence, f.value_hash);
    }

    /// [`Totals::add`] for a finding of `rule` with `confidence` and the value `value_hash`
    /// ([`crate::finding::value_hash`]) in the input at `path`, counted without being built.
    pub fn add_parts(
        &mut self,
        rules: &RuleSet,
        path: &Arc<str>,
        rule: usize,
        confidence: Confidence,
        value_hash: u64,
    ) {
        self.findings += 1;
        let tally = self.tally.fit(rules);
        if !tally.file.as_ref().is_some_and(|p| Arc::ptr_eq(p, path)) {
            tally.flush_file(rules, &mut self.by_category);
            tally.file = Some(path.clone());
        }
        tally.file_counts[rule] += 1;
        let t = &mut tally.rules[rule];
        t.findings += 1;
        match confidence {
            Confidence::Low => t.low += 1,
            Confidence::Medium => t.medium += 1,
            Confidence::High => t.high += 1,
        }
        for &c in &tally.rule_categories[rule] {
            tally.values[c].insert(value_hash);
        }
    }

    /// Add the findings `other` counted (not its inputs or bytes), and set its counts back to
    /// none, keeping what it has allocated for them: the counts of what the search passed
    /// over move here after every input, and making them anew each time cost a third more
    /// instructions on a tree of small files.
    pub fn take_counts(&mut self, rules: &RuleSet, other: &mut Totals) {
        self.findings += std::mem::take(&mut other.findings);
        // Where its findings are: the inputs it counted before its last (archive members),
        // then its last.
        for (category, theirs) in std::mem::take(&mut other.by_category) {
            let mine = self.by_category.entry(category).or_default();
            for (dir, n) in theirs.dirs {
                *mine.dirs.entry(dir).or_default() += n;
            }
        }
        let theirs = &mut other.tally;
        theirs.flush_file(rules, &mut self.by_category);
        if theirs.rules.is_empty() {
            return;
        }
        let mine = self.tally.fit(rules);
        for (mine, theirs) in mine.rules.iter_mut().zip(&mut theirs.rules) {
            let theirs = std::mem::take(theirs);
            mine.findings += theirs.findings;
            mine.low += theirs.low;
            mine.medium += theirs.medium;
            mine.high += theirs.high;
        }
        for (mine, theirs) in mine.values.iter_mut().zip(&mut theirs.values) {
            mine.merge(theirs);
            theirs.clear();
        }
    }

    /// Whether `fails` holds for the rule and confidence of any finding counted so far.
    pub fn any_counted(&self, mut fails: impl FnMut(usize, Confidence) -> bool) -> bool {
        self.tally.rules.iter().enumerate().any(|(rule, t)| {
            [
                (t.low, Confidence::Low),
                (t.medium, Confidence::Medium),
                (t.high, Confidence::High),
            ]
            .into_iter()
            .any(|(n, confidence)| n > 0 && fails(rule, confidence))
        })
    }

    /// Add the counts of `other` (a scanning thread's share of the run).
    pub fn merge(&mut self, rules: &RuleSet, mut other: Totals) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.suppressed += other.suppressed;
        self.skipped.append(&mut other.skipped);
        self.take_counts(rules, &mut other);
    }

    /// Settle the per-rule and per-category counts and derived fields (distinct values, top
    /// paths) before reporting.
    pub fn finalize(&mut self, rules: &RuleSet) {
        let mut tally = std::mem::take(&mut self.tally);
        tally.flush_file(rules, &mut self.by_category);
        for (index, r) in tally.rules.iter().enumerate() {
            if r.findings == 0 {
                continue;
            }
            let rule = &rules.rules[index];
            *self.by_rule.entry(rule.rule.id.clone()).or_default() += r.findings;
            for cat in &rule.categories {
                let t = self.by_category.entry(cat.clone()).or_default();
                t.findings += r.findings;
                t.low += r.low;
                t.medium += r.medium;
                t.high += r.high;
            }
        }
        for (name, values) in tally.category_names.iter().zip(&tally.values) {
            if let Some(t) = self.by_category.get_mut(name) {
                t.values.merge(values);
            }
        }
        for t in self.by_category.values_mut() {
            // An estimate may overshoot; there are never more distinct values than findings.
            t.distinct_values = t.values.count().min(t.findings);
            t.distinct_estimated = t.values.is_estimate();
            let mut dirs: Vec<(String, u64)> =
                t.dirs.iter().map(|(d, n)| (d.clone(), *n)).collect();
            dirs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            dirs.truncate(10);
            t.top_paths = dirs;
        }
    }

    /// Categories in report order: undeclared ones first (the most important thing an audit
    /// finds), then the declared ones in policy order.
    pub fn categories_in_order<'a>(
        &'a self,
        rules: &RuleSet,
    ) -> Vec<(&'a str, &'a CategoryTotals)> {
        let mut out: Vec<(&str, &CategoryTotals)> = self
            .by_category
            .iter()
            .filter(|(id, _)| id.starts_with("undeclared:"))
            .map(|(id, t)| (id.as_str(), t))
            .collect();
        for cat in &rules.policy.categories {
            if let Some((id, t)) = self.by_category.get_key_value(&cat.id) {
                out.push((id.as_str(), t));
            }
        }
        out
    }
}

/// Distinct values of one category, counted by their hashes: exactly up to `EXACT` values,
/// then estimated with a HyperLogLog sketch of 4096 registers, so memory stays bounded. Each
/// scanning thread keeps one per category and the run merges them: at `EXACT` values a set
/// takes about 600 KB (2.4 MB at four times as many, which was a quarter of a dense run's
/// peak memory for counts about 1.6% more exact).
#[derive(Debug, Default, Clone)]
struct Distinct {
    exact: HashSet<u64, BuildHasherDefault<PreHashed>>,
    registers: Vec<u8>,
}

impl Distinct {
    const EXACT: usize = 1 << 15;
    const BITS: u32 = 12;

    fn insert(&mut self, hash: u64) {
        if self.registers.is_empty() {
            self.exact.insert(hash);
            if self.exact.len() > Self::EXACT {
                self.registers = vec![0; 1 << Self::BITS];
                for h in std::mem::take(&mut self.exact) {
                    self.sketch(h);
                }
            }
        } else {
            self.sketch(hash);
        }
    }

    /// Add every value of `other`.
    fn merge(&mut self, other: &Distinct) {
        if self.exact.is_empty() && self.registers.is_empty() {
            // The first share merged into the run's totals: a copy, not one insert per value.
            self.clone_from(other);
            return;
        }
        for &h in &other.exact {
            self.insert(h);
        }
        if !other.registers.is_empty() {
            if self.registers.is_empty() {
                self.registers = vec![0; 1 << Self::BITS];
                for h in std::mem::take(&mut self.exact) {
                    self.sketch(h);
                }
            }
            for (mine, theirs) in self.registers.iter_mut().zip(&other.registers) {
                *mine = (*mine).max(*theirs);
            }
        }
    }

    /// Forget every value, keeping the memory.
    fn clear(&mut self) {
        self.exact.clear();
        self.registers.clear();
    }

    fn sketch(&mut self, hash: u64) {
        // Spread the bits first: the value hashes are good, but cheap to make better.
        let h = hash.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let index = (h >> (64 - Self::BITS)) as usize;
        let rank = ((h << Self::BITS) | (1 << (Self::BITS - 1))).leading_zeros() as u8 + 1;
        let r = &mut self.registers[index];
        *r = (*r).max(rank);
    }

    fn is_estimate(&self) -> bool {
        !self.registers.is_empty()
    }

    fn count(&self) -> u64 {
        if self.registers.is_empty() {
            return self.exact.len() as u64;
        }
        let m = self.registers.len() as f64;
        let sum: f64 = self
            .registers
            .iter()
            .map(|&r| 2f64.powi(-i32::from(r)))
            .sum();
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let estimate = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|&&r| r == 0).count();
        if estimate <= 2.5 * m && zeros > 0 {
            (m * (m / zeros as f64).ln()).round() as u64
        } else {
            estimate.round() as u64
        }
    }
}

#[cfg(test)]
mod distinct_tests {
    use super::Distinct;

    #[test]
    fn merging_counts_values_once_whether_exact_or_estimated() {
        let hash = |i: u64| {
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&i, &mut h);
            std::hash::Hasher::finish(&h)
        };
        let (mut a, mut b) = (Distinct::default(), Distinct::default());
        (0..600).for_each(|i| a.insert(hash(i)));
        (400..1000).for_each(|i| b.insert(hash(i)));
        a.merge(&b);
        assert_eq!(a.count(), 1000);
        assert!(!a.is_estimate());
        // Past the exact limit on one side, the union is estimated.
        let mut big = Distinct::default();
        (0..300_000).for_each(|i| big.insert(hash(i)));
        a.merge(&big);
        assert!(a.is_estimate());
        let got = a.count() as f64;
        assert!((got - 300_000.0).abs() / 300_000.0 < 0.05, "{got}");
    }

    #[test]
    fn an_estimate_never_exceeds_the_findings() {
        let rules = crate::scan::RuleSet::built_in();
        let email = rules.find_rule("email").unwrap();
        // Each value found once, with hashes for which the sketch overshoots (by 1.6%).
        let n = 40_000u64;
        let hash = |i: u64| {
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&(i, 0u64), &mut h);
            std::hash::Hasher::finish(&h)
        };
        let mut sketch = Distinct::default();
        (0..n).for_each(|i| sketch.insert(hash(i)));
        assert!(
            sketch.is_estimate() && sketch.count() > n,
            "{}",
            sketch.count()
        );
        let mut totals = super::Totals::default();
        let path: std::sync::Arc<str> = "a.log".into();
        for i in 0..n {
            let f = crate::finding::Finding {
                rule: email,
                path: path.clone(),
                value_hash: hash(i),
                ..Default::default()
            };
            totals.add(&rules, &f);
        }
        totals.finalize(&rules);
        let contact = &totals.by_category["contact-information"];
        assert_eq!(contact.findings, n);
        assert!(contact.distinct_estimated);
        assert_eq!(contact.distinct_values, n);
    }

    /// Values as a scan hashes them: alike but for a few characters, as the emails of an
    /// export. Counted exactly up to the limit, then estimated within the sketch's error.
    #[test]
    fn value_hashes_count_alike_values_as_distinct() {
        let mut d = Distinct::default();
        let value = |i: u64| format!("user{i}@example.com");
        for i in 0..Distinct::EXACT as u64 {
            d.insert(crate::finding::value_hash(value(i).as_bytes()));
            d.insert(crate::finding::value_hash(value(i).as_bytes()));
        }
        assert_eq!(d.count(), Distinct::EXACT as u64);
        assert!(!d.is_estimate());
        for n in [100_000u64, 1_000_000] {
            let mut d = Distinct::default();
            (0..n).for_each(|i| d.insert(crate::finding::value_hash(value(i).as_bytes())));
            let got = d.count() as f64;
            assert!((got - n as f64).abs() / (n as f64) < 0.05, "{got} for {n}");
        }
    }

    #[test]
    fn exact_then_estimated_within_a_few_percent() {
        let mut d = Distinct::default();
        for i in 0..1000u64 {
            d.insert(i.wrapping_mul(0xDEAD_BEEF_1234_5677));
            d.insert(i.wrapping_mul(0xDEAD_BEEF_1234_5677));
        }
        assert_eq!(d.count(), 1000);
        assert!(!d.is_estimate());
        let n = 1_000_000u64;
        for i in 0..n {
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&i, &mut h);
            d.insert(std::hash::Hasher::finish(&h));
        }
        assert!(d.is_estimate());
        let got = d.count() as f64;
        assert!((got - n as f64).abs() / (n as f64) < 0.05, "{got}");
    }
}

#[cfg(test)]
mod passed_tests {
    use super::*;
    use proptest::prelude::*;

    /// Findings of up to four inputs, in the order a run reports them (input, then offset):
    /// each spec is (input, rule, confidence level).
    fn findings(set: &RuleSet, specs: &mut [(usize, usize, usize)]) -> Vec<Finding> {
        specs.sort_by_key(|&(input, _, _)| input);
        let paths: Vec<Arc<str>> = (0..4).map(|i| Arc::from(format!("in{i}"))).collect();
        let levels = [Confidence::Low, Confidence::Medium, Confidence::High];
        (1..)
            .zip(specs.iter())
            .map(|(line, &(input, rule, level))| Finding {
                rule: rule % set.rules.len(),
                path: paths[input].clone(),
                line,
                confidence: levels[level],
                ..Finding::default()
            })
            .collect()
    }

    /// The rows of the HTML report's tables: the first `n` findings of each category.
    fn first_of_each_category<'f>(
        set: &RuleSet,
        n: usize,
        findings: impl Iterator<Item = &'f Finding>,
    ) -> Vec<(u64, String)> {
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        let mut rows = Vec::new();
        for f in findings {
            for cat in &set.rules[f.rule].categories {
                let count = shown.entry(cat).or_default();
                if *count < n {
                    *count += 1;
                    rows.push((f.line, cat.clone()));
                }
            }
        }
        rows
    }

    proptest! {
        #[test]
        fn findings_passed_over_are_never_among_the_first_of_a_category(
            mut specs in proptest::collection::vec((0usize..4, 0usize..64, 0usize..3), 0..300),
            n in 1usize..6,
        ) {
            let set = RuleSet::built_in();
            let all = findings(&set, &mut specs);
            let mut passed = Passed::new(Uses::FirstOfEachCategory(n), &set);
            let sent: Vec<&Finding> = all.iter().filter(|f| passed.send(f)).collect();
            prop_assert_eq!(
                first_of_each_category(&set, n, sent.iter().copied()),
                first_of_each_category(&set, n, all.iter())
            );
            // What is passed over is bounded by the rule set, not by the input.
            let categories = category_indices(&set).0.len();
            prop_assert!(sent.len() <= 4 * n * categories);
        }
    }

    #[test]
    fn the_data_map_counts_what_it_passes_over_as_it_counts_built_findings() {
        let set = RuleSet::built_in();
        let mut specs: Vec<(usize, usize, usize)> =
            (0..400).map(|i| (i % 3, i * 7 % 23, i % 2)).collect();
        let mut all = findings(&set, &mut specs);
        for (i, f) in all.iter_mut().enumerate() {
            f.value_hash = (i % 50) as u64;
        }
        let mut passed = Passed::new(Uses::None, &set);
        let mut built = Totals::default();
        for f in &all {
            assert!(!passed.send_parts(f.rule, f.confidence, &f.path));
            passed
                .passed_over()
                .add_parts(&set, &f.path, f.rule, f.confidence, f.value_hash);
            built.add(&set, f);
        }
        let counted = passed.passed_over();
        // Low and medium findings only (levels 0 and 1 above): a high threshold fails nothing.
        assert!(counted.any_counted(|_, c| c == Confidence::Medium));
        assert!(!counted.any_counted(|_, c| c == Confidence::High));
        let (mut from_counts, mut from_findings) = (Totals::default(), Totals::default());
        from_counts.take_counts(&set, counted);
        from_findings.merge(&set, built);
        from_counts.finalize(&set);
        from_findings.finalize(&set);
        assert_eq!(from_counts.findings, 400);
        assert_eq!(
            serde_json::to_value(&from_counts).unwrap(),
            serde_json::to_value(&from_findings).unwrap()
        );
        // Taken once: the next input starts from nothing, and counts alike.
        let counted = passed.passed_over();
        assert_eq!(counted.findings, 0);
        assert!(!counted.any_counted(|_, _| true));
        for f in &all {
            passed
                .passed_over()
                .add_parts(&set, &f.path, f.rule, f.confidence, f.value_hash);
        }
        let mut again = Totals::default();
        again.take_counts(&set, passed.passed_over());
        again.finalize(&set);
        assert_eq!(
            serde_json::to_value(&again).unwrap(),
            serde_json::to_value(&from_findings).unwrap()
        );
    }

    #[test]
    fn every_finding_is_sent_when_the_reporter_uses_all() {
        let set = RuleSet::built_in();
        let mut specs = vec![(0, 1, 2); 500];
        let all = findings(&set, &mut specs);
        let mut passed = Passed::new(Uses::All, &set);
        assert!(all.iter().all(|f| passed.send(f)));
    }
}
