//! The rule engine: one compiled rule set, shared by all threads, and a per-thread scanner
//! that turns bytes into candidate matches in a single pass.
//!
//! Every rule's patterns (`pattern` and `patterns`) go into one multi-pattern regex
//! (regex-automata's meta engine, lazy DFA, ASCII mode, no capture tracking, no prefilter);
//! rules found only by key (`keys` without a pattern) take no part. One forward pass over the
//! bytes yields the leftmost candidate of any pattern; the judge then validates it. When the
//! judge rejects a candidate (a number failing Luhn, say), the patterns listed after it that
//! can start with the candidate's first byte are tried anchored at the same start, and the
//! search resumes one byte later: rejection never hides another rule's match. Captures (the
//! optional `value` group) are computed only for candidates, never for the whole input. See
//! docs/ARCHITECTURE.md.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, PatternID};

use crate::rules::{Policy, Rule, RuleError};
use crate::validate::{self, Validator};

/// Longest input one candidate may span; chunked reading keeps at least this much overlap.
pub const MAX_MATCH_LEN: usize = 1024;

/// Regex size limit per rule, so a hostile user rule cannot exhaust memory.
const RULE_REGEX_SIZE_LIMIT: usize = 4 << 20;

/// Check one rule's regex syntax as the engine interprets it (bytes, ASCII classes) without
/// compiling it: loading stays fast, and the rule set's compilation catches the rest.
pub fn check_rule_regex(pattern: &str) -> Result<(), String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map(drop)
        .map_err(|e| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
}

/// Compile one rule's pattern as the engine interprets it (bytes, ASCII classes).
pub fn compile_rule_regex(pattern: &str) -> Result<regex::bytes::Regex, String> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(RULE_REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
}

/// How a word from a rule's lists affects a match near it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordRole {
    Keyword,
    Context,
    Negative,
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    pub rule: Rule,
    pub validator: Option<Validator>,
    /// `reject_if_preceded_by`, anchored at the end of what precedes the value.
    pub preceded_by: Option<regex::bytes::Regex>,
    /// `reject_if_followed_by`, anchored at the start of what follows the value.
    pub followed_by: Option<regex::bytes::Regex>,
    /// Policy categories, with undeclared ones as `undeclared:<id>`.
    pub categories: Vec<String>,
    pub ccpa: Vec<String>,
}

/// All rules compiled once; immutable and shared by every scanning thread.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<CompiledRule>,
    pub policy: Policy,
    /// Values never reported (configuration allowlist and built-in test data).
    pub allowlist: crate::suppress::Allowlist,
    multi: meta::Regex,
    /// For each pattern of `multi` (a rule's `pattern`, then its `patterns`), the rule it
    /// belongs to. Rules without a pattern have none.
    pattern_rule: Vec<usize>,
    /// For each pattern with a `value` group, the pattern alone, used only to find the group
    /// inside a candidate.
    pattern_value: Vec<Option<regex::bytes::Regex>>,
    /// For each pattern, the bytes a match can start with (a superset), so that a rejected
    /// candidate is offered only to the patterns that could match where it starts.
    pattern_first: Vec<[bool; 256]>,
    /// For each rule, whether it has any keyword or context word.
    rule_has_words: Vec<bool>,
    /// Field names of every rule, for structured context (JSON keys, CSV columns).
    pub keys: crate::structured::KeyTable,
    /// Every keyword/context word of every rule, ASCII case-insensitive.
    words: Option<AhoCorasick>,
    /// For each word pattern: which rules use it and how.
    word_uses: Vec<Vec<(usize, WordRole)>>,
    word_text: Vec<String>,
}

/// A confirmed regex match of one rule, before judging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub rule: usize,
    /// The span of the whole pattern match.
    pub start: usize,
    pub end: usize,
    /// The span reported (the `value` group, or the whole match).
    pub value_start: usize,
    pub value_end: usize,
}

impl RuleSet {
    pub fn new(rules: Vec<Rule>, policy: Policy) -> Result<RuleSet, RuleError> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut pattern_rule = Vec::new();
        let mut pattern_value = Vec::new();
        let mut pattern_first = Vec::new();
        let rule_has_words = rules
            .iter()
            .map(|r| {
                !(r.keywords.is_empty() && r.context.is_empty() && r.negative_context.is_empty())
            })
            .collect();
        for (index, rule) in rules.iter().enumerate() {
            let own = (!rule.pattern.is_empty()).then_some(&rule.pattern);
            for pattern in own.into_iter().chain(&rule.patterns) {
                let value = if pattern.contains("(?P<value>") || pattern.contains("(?<value>") {
                    Some(
                        compile_rule_regex(pattern).map_err(|message| RuleError::Rule {
                            file: "<rules>".into(),
                            rule: rule.id.clone(),
                            message,
                        })?,
                    )
                } else {
                    None
                };
                patterns.push(pattern.as_str());
                pattern_rule.push(index);
                pattern_value.push(value);
                pattern_first.push(first_bytes(pattern));
            }
        }
        let keys = crate::structured::KeyTable::new(&rules).map_err(|message| RuleError::File {
            file: "<rules>".into(),
            message,
        })?;
        let multi = meta::Regex::builder()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .configure(
                meta::Config::new()
                    .which_captures(regex_automata::nfa::thompson::WhichCaptures::Implicit)
                    .utf8_empty(false)
                    .auto_prefilter(false)
                    // Enough for the built-in rules' states on large inputs (4 MiB is not).
                    .hybrid_cache_capacity(8 << 20)
                    .nfa_size_limit(Some(64 << 20)),
            )
            .build_many(&patterns)
            .map_err(|e| RuleError::File {
                file: "<rules>".into(),
                message: format!("the rule set does not compile: {e}"),
            })?;

        let mut word_text: Vec<String> = Vec::new();
        let mut word_uses: Vec<Vec<(usize, WordRole)>> = Vec::new();
        let mut compiled = Vec::with_capacity(rules.len());
        for (index, rule) in rules.into_iter().enumerate() {
            let lists = [
                (&rule.keywords, WordRole::Keyword),
                (&rule.context, WordRole::Context),
                (&rule.negative_context, WordRole::Negative),
            ];
            for (list, role) in lists {
                for word in list {
                    let word = word.to_ascii_lowercase();
                    let id = match word_text.iter().position(|w| *w == word) {
                        Some(id) => id,
                        None => {
                            word_text.push(word);
                            word_uses.push(Vec::new());
                            word_text.len() - 1
                        }
                    };
                    word_uses[id].push((index, role));
                }
            }
            let validator = rule.validator.as_deref().and_then(validate::lookup);
            let anchored =
                |re: &Option<String>, wrap: fn(&str) -> String| -> Result<_, RuleError> {
                    re.as_deref()
                        .map(|re| {
                            compile_rule_regex(&wrap(re)).map_err(|message| RuleError::Rule {
                                file: "<rules>".into(),
                                rule: rule.id.clone(),
                                message,
                            })
                        })
                        .transpose()
                };
            let preceded_by = anchored(&rule.reject_if_preceded_by, |re| format!("(?:{re})\\z"))?;
            let followed_by = anchored(&rule.reject_if_followed_by, |re| format!("\\A(?:{re})"))?;
            compiled.push(CompiledRule {
                categories: policy.classify(&rule.categories),
                ccpa: policy.ccpa(&rule.categories, &rule.ccpa),
                rule,
                validator,
                preceded_by,
                followed_by,
            });
        }
        let words = if word_text.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    // Searched in every candidate's window: a DFA is the fastest to search,
                    // and the words are few enough that it stays small.
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&word_text)
                    .map_err(|e| RuleError::File {
                        file: "<rules>".into(),
                        message: format!("keywords do not compile: {e}"),
                    })?,
            )
        };
        Ok(RuleSet {
            rules: compiled,
            policy,
            allowlist: crate::suppress::Allowlist::default(),
            multi,
            pattern_rule,
            pattern_value,
            pattern_first,
            rule_has_words,
            keys,
            words,
            word_uses,
            word_text,
        })
    }

    pub fn find_rule(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.rule.id == id)
    }

    /// Words of `rule` found in `hay[range]`, as (role, word, end offset), each word once.
    /// A word must start at a word boundary; short words (< 4 letters) must also end at one,
    /// so that `ip` matches `client_ip` but not `zip` or `ipsum`. Boundaries are judged on the
    /// whole haystack, so a window that begins mid-word does not make a word of its tail.
    pub fn words_near<'s>(
        &'s self,
        rule: usize,
        hay: &[u8],
        range: std::ops::Range<usize>,
        mut found: impl FnMut(WordRole, &'s str, usize),
    ) {
        let Some(ac) = &self.words else { return };
        if !self.rule_has_words[rule] {
            return;
        }
        // The words already reported: a window holds few, so a short array beats a set (and
        // allocates nothing). Past its capacity a word may be reported twice, which changes
        // no verdict.
        let mut seen = [usize::MAX; 32];
        let mut seen_len = 0;
        for m in ac.find_overlapping_iter(aho_corasick::Input::new(hay).span(range)) {
            let id = m.pattern().as_usize();
            let Some(&(_, role)) = self.word_uses[id].iter().find(|(r, _)| *r == rule) else {
                continue;
            };
            if !word_bounded(hay, m.start(), m.end()) || seen[..seen_len].contains(&id) {
                continue;
            }
            if seen_len < seen.len() {
                seen[seen_len] = id;
                seen_len += 1;
            }
            found(role, &self.word_text[id], m.end());
        }
    }

    /// Whether the rule has any keyword (a prefilter requirement).
    pub fn has_keywords(&self, rule: usize) -> bool {
        !self.rules[rule].rule.keywords.is_empty()
    }
}

/// The bytes a match of `pattern` can start with: a superset (every byte when unsure).
fn first_bytes(pattern: &str) -> [bool; 256] {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(hir: &Hir, set: &mut [bool; 256]) -> bool {
        // Returns whether `hir` can match the empty string (so what follows it can start).
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(lit) => match lit.0.first() {
                Some(&b) => {
                    set[b as usize] = true;
                    false
                }
                None => true,
            },
            HirKind::Class(Class::Bytes(c)) => {
                for r in c.ranges() {
                    for b in r.start()..=r.end() {
                        set[b as usize] = true;
                    }
                }
                c.ranges().is_empty()
            }
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.ranges() {
                    let (lo, hi) = (r.start() as u32, r.end() as u32);
                    for b in lo.min(0x80)..=hi.min(0x7f) {
                        set[b as usize] = true;
                    }
                    if hi >= 0x80 {
                        set[0x80..].iter_mut().for_each(|x| *x = true);
                    }
                }
                c.ranges().is_empty()
            }
            HirKind::Repetition(r) => walk(&r.sub, set) || r.min == 0,
            HirKind::Capture(c) => walk(&c.sub, set),
            HirKind::Concat(parts) => parts.iter().all(|h| walk(h, set)),
            HirKind::Alternation(alts) => alts.iter().fold(false, |e, h| walk(h, set) | e),
        }
    }
    let mut set = [false; 256];
    let parsed = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern);
    match parsed {
        Ok(hir) if !walk(&hir, &mut set) => set,
        _ => [true; 256],
    }
}

fn word_bounded(hay: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || {
        let b = hay[start - 1];
        !b.is_ascii_alphabetic() || (b.is_ascii_lowercase() && hay[start].is_ascii_uppercase())
    };
    let after_ok = end - start >= 4 || end == hay.len() || {
        let a = hay[end];
        !a.is_ascii_alphabetic() || (hay[end - 1].is_ascii_lowercase() && a.is_ascii_uppercase())
    };
    before_ok && after_ok
}

/// Per-thread scanning state: the regex engine's cache, and where the findings of a large
/// input go while it is scanned (`spill`).
pub struct Scanner<'s> {
    set: &'s RuleSet,
    cache: meta::Cache,
    /// Receives batches of the current input's findings; without one they stay in its outcome.
    pub sink: Option<crate::spill::Sink<'s>>,
}

impl<'s> Scanner<'s> {
    pub fn new(set: &'s RuleSet) -> Scanner<'s> {
        Scanner {
            set,
            cache: set.multi.create_cache(),
            sink: None,
        }
    }

    pub fn rule_set(&self) -> &'s RuleSet {
        self.set
    }

    /// Offer every candidate that starts before `limit` in `hay` to `judge`, left to right.
    /// `judge` returns true to accept the candidate (the search goes on after it) or false to
    /// reject it (other rules are tried at the same start, then the search goes on one byte
    /// later). Candidates ending exactly at the end of a non-final chunk are deferred to the
    /// next chunk, which starts with an overlap, so no match is cut in two.
    pub fn scan(
        &mut self,
        hay: &[u8],
        limit: usize,
        eof: bool,
        judge: impl FnMut(&[u8], Candidate) -> bool,
    ) {
        self.scan_from(hay, 0, limit, eof, judge);
    }

    /// [`Scanner::scan`] starting at `from`: the bytes before it are only context (word
    /// boundaries, look-behind, the judge's window), already searched with the previous chunk.
    /// Returns where the search stopped, past the end of a candidate accepted across `limit`:
    /// the next chunk resumes there, as a whole-buffer search would.
    pub fn scan_from(
        &mut self,
        hay: &[u8],
        from: usize,
        limit: usize,
        eof: bool,
        mut judge: impl FnMut(&[u8], Candidate) -> bool,
    ) -> usize {
        let mut at = from;
        while at < limit {
            let input = Input::new(hay).span(at..hay.len());
            let Some(m) = self.set.multi.search_with(&mut self.cache, &input) else {
                return at;
            };
            if m.start() >= limit {
                return at;
            }
            if m.is_empty() {
                at = m.start() + 1;
                continue;
            }
            if !eof && m.end() == hay.len() {
                return at;
            }
            let first = m.pattern().as_usize();
            if self.offer(hay, first, m.start(), m.end(), &mut judge) {
                at = m.end();
                continue;
            }
            // Rejected: give every other pattern a chance at this start before moving on.
            let mut accepted_end = None;
            // Leftmost-first: a pattern listed before `first` that matched here would have been
            // reported instead, so only those after it can.
            let byte = hay[m.start()] as usize;
            for pattern in first + 1..self.set.pattern_rule.len() {
                if !self.set.pattern_first[pattern][byte] {
                    continue;
                }
                let input = Input::new(hay)
                    .span(m.start()..hay.len())
                    .anchored(Anchored::Pattern(PatternID::must(pattern)));
                if let Some(other) = self.set.multi.search_with(&mut self.cache, &input) {
                    if other.is_empty() || (!eof && other.end() == hay.len()) {
                        continue;
                    }
                    if self.offer(hay, pattern, other.start(), other.end(), &mut judge) {
                        accepted_end = Some(other.end());
                        break;
                    }
                }
            }
            at = accepted_end.unwrap_or(m.start() + 1);
        }
        at
    }

    fn offer(
        &mut self,
        hay: &[u8],
        pattern: usize,
        start: usize,
        end: usize,
        judge: &mut impl FnMut(&[u8], Candidate) -> bool,
    ) -> bool {
        let rule = self.set.pattern_rule[pattern];
        let (value_start, value_end) = match &self.set.pattern_value[pattern] {
            None => (start, end),
            Some(re) => {
                // Look-around needs the surrounding bytes: search the whole window anchored at
                // the candidate's start.
                let Some(caps) = re.captures_at(&hay[..end], start) else {
                    return false;
                };
                match caps.name("value") {
                    Some(v) if !v.is_empty() => (v.start(), v.end()),
                    _ => return false,
                }
            }
        };
        judge(
            hay,
            Candidate {
                rule,
                start,
                end,
                value_start,
                value_end,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> RuleSet {
        let rules = crate::rules::load_rules(&[] as &[&std::path::Path]).unwrap();
        RuleSet::new(rules, Policy::builtin()).unwrap()
    }

    #[test]
    fn rejected_candidate_lets_other_rules_match_at_the_same_start() {
        let set = set();
        let mut scanner = Scanner::new(&set);
        let hay = b"x 4111 1111 1111 1112 y";
        let mut offered = Vec::new();
        scanner.scan(hay, hay.len(), true, |_, c| {
            offered.push(set.rules[c.rule].rule.id.clone());
            false
        });
        assert!(offered.len() >= 2, "{offered:?}");
    }

    #[test]
    fn candidates_touching_the_end_of_a_chunk_are_deferred() {
        let set = set();
        let mut scanner = Scanner::new(&set);
        let hay = b"mail jane@acme-corp.io";
        let mut n = 0;
        scanner.scan(hay, hay.len(), false, |_, _| {
            n += 1;
            true
        });
        assert_eq!(n, 0);
        scanner.scan(hay, hay.len(), true, |_, _| {
            n += 1;
            true
        });
        assert_eq!(n, 1);
    }

    #[test]
    fn first_bytes_are_a_superset() {
        let f = first_bytes(r"\b(?:ab|[0-9]c)x");
        assert!(f[b'a' as usize] && f[b'5' as usize]);
        assert!(!f[b'b' as usize] && !f[b'x' as usize]);
        let f = first_bytes(r"(?i)\bpassport");
        assert!(f[b'p' as usize] && f[b'P' as usize] && !f[b'a' as usize]);
        assert!(first_bytes(r"a?b*").iter().all(|&x| x));
        let f = first_bytes(r"(?:\+|%2[Bb])[1-9]");
        assert!(f[b'+' as usize] && f[b'%' as usize] && !f[b'1' as usize]);
    }

    #[test]
    fn every_word_of_a_rule_is_found_once() {
        let set = set();
        assert!(set.word_text.len() > 64, "the test needs word ids past 64");
        for (index, rule) in set.rules.iter().enumerate() {
            let r = &rule.rule;
            let words: Vec<String> = r
                .keywords
                .iter()
                .chain(&r.context)
                .chain(&r.negative_context)
                .map(|w| w.to_ascii_lowercase())
                .collect();
            let hay = words.join(" . ");
            let mut found = Vec::new();
            set.words_near(index, hay.as_bytes(), 0..hay.len(), |_, word, _| {
                found.push(word.to_string())
            });
            for w in &words {
                let n = found.iter().filter(|f| *f == w).count();
                assert_eq!(n, 1, "rule {}: {w:?} found {n} times", r.id);
            }
        }
    }

    #[test]
    fn word_boundaries() {
        assert!(word_bounded(b"client_ip=", 7, 9));
        assert!(!word_bounded(b"zip=", 1, 3));
        assert!(!word_bounded(b"ipsum", 0, 2));
        assert!(word_bounded(b"clientIp", 6, 8));
        assert!(word_bounded(b"emails", 0, 5));
    }
}
