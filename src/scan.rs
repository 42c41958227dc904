//! The rule engine: one compiled rule set, shared by all threads, and a per-thread scanner
//! that turns bytes into candidate matches in a single pass.
//!
//! Every rule's patterns (`pattern` and `patterns`) go into one multi-pattern regex
//! (regex-automata's meta engine, lazy DFA, ASCII mode, no capture tracking, no prefilter);
//! rules found only by key (`keys` without a pattern) take no part. Rules gated by their
//! keywords (keywords and no keys: user rules, typically) go into a second one instead, which
//! runs only near one of their keywords (found by one Aho-Corasick pass): such a rule rejects
//! every match without a keyword on its line anyway, and a rule set's cost does not grow with
//! them. So do patterns whose matches all start with a rare word (`$2b$` for a password hash),
//! searched only where one starts (`prefix_words`). One forward pass over the bytes yields the
//! leftmost candidate of any pattern (the two engines' candidates merged in that order); the
//! judge then validates it. When the judge
//! rejects a candidate (a number failing Luhn, say), the patterns listed after it that can
//! start with the candidate's first byte are tried anchored at the same start, and the search
//! resumes one byte later: rejection never hides another rule's match. Captures (the optional
//! `value` group) are computed only for candidates, never for the whole input. On long chunks
//! the sieve ([`crate::sieve`]) first finds the regions where the ungated patterns' matches
//! lie, and the search skips the rest. See docs/ARCHITECTURE.md.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{hybrid, meta};
use regex_automata::{Anchored, Input, PatternID};
use regex_syntax::hir::Hir;

use crate::rules::{Policy, Rule, RuleError};
use crate::validate::{self, Validator};

/// Longest input one candidate may span; chunked reading keeps at least this much overlap.
pub const MAX_MATCH_LEN: usize = 1024;

/// Shortest chunk the sieve runs on: below it, starting its lanes costs more than it saves.
/// A source tree's files of 4 to 16 KiB (a fifth of its bytes) are searched faster with it
/// (the cargo registry's 10,000 files, two threads: 195 to 181 ms); 2 and 1 KiB gained
/// nothing more.
const SIEVE_MIN_LEN: usize = 4 << 10;

/// Bytes a scanner searches before it starts the sieve (a chunk that takes it past them, such
/// as a large file's first 4 MiB chunk, is sieved). The sieve's lazy DFA builds its states as
/// it meets new kinds of text, as the main regex's does, and until both have some of theirs
/// the sieve costs more than it saves: a pre-commit hook's few files never use it. 1 MiB
/// rather than 4: with two threads, 100 MB of source code ran 10% faster, the rest the same.
const SIEVE_WARM_UP: usize = 1 << 20;

/// The sieve pays while the search it leaves visits at most one byte in `SIEVE_MAX_VISIT` of a
/// chunk (as the sieve estimates it from its match ends, see [`crate::sieve`]). Beyond that
/// (an access log with an address on every line, one match per 512 bytes spread evenly) the
/// search would visit most of the chunk anyway, so the sieve stops early and the search covers
/// all of it. Matches crowded in a few places (the numbers of an SVG path in an HTML page)
/// make few regions, and the sieve still skips the rest of the chunk.
const SIEVE_MAX_VISIT: usize = 2;

/// After the sieve gives up on a chunk, as many bytes as the chunk held are searched without
/// it, and after each further give-up in a row the chunk's length times 2, 4, 8..., up to
/// `SIEVE_MAX_PAUSE`: a dense log stays dense, and trying again on every chunk of it cost
/// about 2% of its scan (10% on 20 MB, where the sieve's own DFA states are still being
/// built). In proportion to the chunk, not a fixed 4 MiB: in a source tree, one file of test
/// vectors paused the sieve for the next hundred files, whose density it says nothing about.
const SIEVE_MAX_PAUSE: usize = 64 << 20;

/// When a scanner runs the sieve (see [`crate::sieve`]) before searching a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SieveUse {
    /// On chunks of `SIEVE_MIN_LEN` bytes or more, after `SIEVE_WARM_UP` bytes, while matches
    /// are sparse.
    Auto,
    /// On every chunk, however short or dense (tests compare it with `Never`).
    Always,
    /// Never, nor its DFA to tell which patterns match where a rejected candidate starts.
    Never,
}

/// Regex size limit per rule, so a hostile user rule cannot exhaust memory.
const RULE_REGEX_SIZE_LIMIT: usize = 4 << 20;

/// A regex error's last line: what is wrong, without the pattern drawn above it.
fn error_line(e: impl std::fmt::Display) -> String {
    e.to_string()
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Parse one rule's regex as the engine interprets it (bytes, ASCII classes).
fn parse_rule_regex(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(error_line)
}

/// Compile one rule's pattern as the engine interprets it (bytes, ASCII classes).
pub fn compile_rule_regex(pattern: &str) -> Result<regex::bytes::Regex, String> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(RULE_REGEX_SIZE_LIMIT)
        .build()
        .map_err(error_line)
}

/// `reject_if_preceded_by` as it runs: anchored at the end of what precedes the value.
pub fn preceded_by_regex(re: &str) -> String {
    format!("(?:{re})\\z")
}

/// `reject_if_followed_by` as it runs: anchored at the start of what follows the value.
pub fn followed_by_regex(re: &str) -> String {
    format!("\\A(?:{re})")
}

/// A rule's own regex (a pattern with a `value` group, `reject_if_preceded_by`...), compiled
/// the first time a candidate needs it: compiling them all was a quarter of starting up, and a
/// pre-commit run meets few rules. Its text is checked when the rules load (a user rule's is
/// compiled then, alone and under the same size limit; the built-in ones are tested), so
/// compiling it again does not fail.
#[derive(Debug)]
pub struct RuleRegex {
    text: String,
    regex: std::sync::OnceLock<Option<regex::bytes::Regex>>,
}

impl RuleRegex {
    fn new(text: String) -> RuleRegex {
        RuleRegex {
            text,
            regex: std::sync::OnceLock::new(),
        }
    }

    /// The compiled regex (`None` only if the text no longer compiles, which loading rules
    /// out).
    pub fn get(&self) -> Option<&regex::bytes::Regex> {
        self.regex
            .get_or_init(|| compile_rule_regex(&self.text).ok())
            .as_ref()
    }
}

/// Which side of a value an [`EdgeRegex`] looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// `reject_if_preceded_by`: the text before the value must end with a match.
    Before,
    /// `reject_if_followed_by`: the text after the value must start with a match.
    After,
}

/// `reject_if_preceded_by` or `reject_if_followed_by`, run as a small DFA anchored at the
/// value's edge (searching backwards for what precedes it), built the first time a candidate
/// needs it.
///
/// Why not a `regex::bytes::Regex`: the judge asks one of these for most candidates, on a few
/// dozen bytes, and a regex's per-search set-up and cache pool (whose fast path serves only
/// the first thread to use it) cost more than the search: 8% of a dense scan. A dense DFA
/// needs no cache, and the built-in rules' ones take under 50 KB each. A user's regex whose
/// DFA would be too large (or that uses a Unicode word boundary) runs as a regex instead.
#[derive(Debug)]
pub struct EdgeRegex {
    /// The rule's regex, as written.
    text: String,
    edge: Edge,
    dfa: std::sync::OnceLock<Option<dense::DFA<Vec<u32>>>>,
    /// The same check as a regex, when the DFA cannot be built or cannot search a text.
    regex: RuleRegex,
}

/// Largest DFA an [`EdgeRegex`] builds before it falls back to a regex.
const EDGE_DFA_SIZE_LIMIT: usize = 1 << 20;

impl EdgeRegex {
    fn new(text: &str, edge: Edge) -> EdgeRegex {
        let anchored = match edge {
            Edge::Before => preceded_by_regex(text),
            Edge::After => followed_by_regex(text),
        };
        EdgeRegex {
            text: text.to_string(),
            edge,
            dfa: std::sync::OnceLock::new(),
            regex: RuleRegex::new(anchored),
        }
    }

    /// Whether `text` (what precedes the value, or what follows it) has a match at the
    /// value's edge: as `(?:re)\z` or `\A(?:re)` would, on `text` alone.
    pub fn matches(&self, text: &[u8]) -> bool {
        if let Some(dfa) = self.dfa() {
            let input = Input::new(text).anchored(Anchored::Yes).earliest(true);
            let found = match self.edge {
                Edge::Before => dfa.try_search_rev(&input),
                Edge::After => dfa.try_search_fwd(&input),
            };
            if let Ok(found) = found {
                return found.is_some();
            }
        }
        self.regex().is_some_and(|re| re.is_match(text))
    }

    /// The DFA, built on first use (`None` if it cannot be).
    fn dfa(&self) -> Option<&dense::DFA<Vec<u32>>> {
        self.dfa
            .get_or_init(|| {
                dense::Builder::new()
                    .syntax(syntax::Config::new().unicode(false).utf8(false))
                    .thompson(
                        thompson::Config::new()
                            .reverse(self.edge == Edge::Before)
                            .utf8(false)
                            .which_captures(thompson::WhichCaptures::None)
                            .nfa_size_limit(Some(RULE_REGEX_SIZE_LIMIT)),
                    )
                    .configure(
                        dense::Config::new()
                            .match_kind(regex_automata::MatchKind::All)
                            .start_kind(StartKind::Anchored)
                            .dfa_size_limit(Some(EDGE_DFA_SIZE_LIMIT))
                            .determinize_size_limit(Some(2 * EDGE_DFA_SIZE_LIMIT)),
                    )
                    .build(&self.text)
                    .ok()
            })
            .as_ref()
    }

    /// The check as a regex (`None` only if its text no longer compiles, which loading rules
    /// out).
    pub fn regex(&self) -> Option<&regex::bytes::Regex> {
        self.regex.get()
    }
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
    pub preceded_by: Option<EdgeRegex>,
    /// `reject_if_followed_by`, anchored at the start of what follows the value.
    pub followed_by: Option<EdgeRegex>,
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
    /// The patterns of every rule that is not gated, searched over every byte.
    ungated: Engine,
    /// The same patterns as DFAs that find where their matches can be, faster than `ungated`
    /// searches (see [`crate::sieve`]); built on first use, as small inputs do without.
    sieve: std::sync::OnceLock<Option<crate::sieve::Sieve>>,
    /// The ungated patterns, parsed, for the sieve.
    ungated_hirs: Vec<Hir>,
    /// The gated patterns (see [`gated`] and [`prefix_words`]), searched only near one of
    /// their words.
    gated: Option<Engine>,
    /// The keywords of the rules gated by them, ASCII case-insensitive.
    gate: Option<AhoCorasick>,
    /// The words the other gated patterns start with, ASCII case-insensitive.
    prefix_gate: Option<AhoCorasick>,
    /// For each pattern (a rule's `pattern`, then its `patterns`, in rule order), the rule it
    /// belongs to. Rules without a pattern have none.
    pattern_rule: Vec<usize>,
    /// For each pattern, whether it is gated, and its index in its engine.
    pattern_gated: Vec<bool>,
    pattern_local: Vec<usize>,
    /// For each pattern with a `value` group, the pattern alone, used only to find the group
    /// inside a candidate.
    pattern_value: Vec<Option<RuleRegex>>,
    /// For each pattern, the bytes a match can start with (a superset), so that a rejected
    /// candidate is offered only to the patterns that could match where it starts.
    pattern_first: Vec<[bool; 256]>,
    /// For each rule, whether it has any keyword or context word.
    rule_has_words: Vec<bool>,
    /// Field names of every rule, for structured context (JSON keys, CSV columns).
    pub keys: crate::structured::KeyTable,
    /// Every keyword/context word of every rule, ASCII case-insensitive, as a DFA walked by
    /// [`RuleSet::words_near`] itself.
    words: Option<aho_corasick::dfa::DFA>,
    /// For each word pattern: which rules use it and how.
    word_uses: Vec<Vec<(usize, WordRole)>>,
    word_text: Vec<String>,
    /// For each rule whose keywords are all 3 bytes or longer, the first three bytes of each,
    /// as [`KeywordStarts`]: most windows of a rule that needs a keyword hold none of them
    /// (pairs of decimals in source code), and are told so by one table lookup per byte
    /// instead of the words DFA's walk, whose every step waits for the one before.
    keyword_starts: Vec<Option<KeywordStarts>>,
}

/// A set of three-byte strings, as bits indexed by the low five bits of each byte: ASCII
/// letters' case does not change them, as in the case-insensitive words DFA, and other bytes
/// share bits with letters, which only lets more windows through.
#[derive(Debug)]
struct KeywordStarts(Box<[u64; 512]>);

impl KeywordStarts {
    fn index(t: &[u8]) -> usize {
        usize::from(t[0] & 0x1f) << 10 | usize::from(t[1] & 0x1f) << 5 | usize::from(t[2] & 0x1f)
    }

    /// The starts of `keywords`, or `None` if one is shorter than three bytes.
    fn new(keywords: &[String]) -> Option<KeywordStarts> {
        let mut bits = Box::new([0u64; 512]);
        for word in keywords {
            let i = KeywordStarts::index(word.as_bytes().get(..3)?);
            bits[i >> 6] |= 1 << (i & 63);
        }
        Some(KeywordStarts(bits))
    }

    /// Whether the three bytes `t` are the start of one of the words.
    fn starts(&self, t: &[u8]) -> bool {
        let i = KeywordStarts::index(t);
        self.0[i >> 6] >> (i & 63) & 1 != 0
    }

    /// Whether `text` may hold one of the words: false only if no three bytes of it are the
    /// start of one.
    fn may_hold(&self, text: &[u8]) -> bool {
        text.windows(3).any(|t| self.starts(t))
    }
}

/// Where each rule's keyword starts ([`KeywordStarts`]) lie in the chunk being judged, found
/// as the candidates' windows move along it, so that each byte is looked at once per rule:
/// the windows of a line of decimal pairs (an SVG path, in every page of HTML documentation)
/// overlap twenty times over, and looking at each window whole took 10% of scanning such
/// pages. One per chunk.
#[derive(Debug, Default)]
pub struct KeywordScan {
    by_rule: std::cell::RefCell<Vec<KeywordCursor>>,
}

/// One rule's part of a [`KeywordScan`]: the positions `from..to` have been looked at, and
/// `hits` are those among them where a keyword may start, in order.
#[derive(Debug, Default, Clone)]
struct KeywordCursor {
    from: usize,
    to: usize,
    hits: std::collections::VecDeque<usize>,
}

/// One multi-pattern regex (regex-automata's meta engine, lazy DFA) over some of the rule set's
/// patterns.
#[derive(Debug)]
struct Engine {
    regex: meta::Regex,
    /// The same patterns reversed, to find where a match starts once the forward pass has
    /// found where it ends and which pattern it is. The meta engine's own reverse pass runs
    /// every pattern back from the end: its states hold all of them, so it builds far more
    /// (30,000 on 20 MB of dense text) and walks on while any pattern could still match.
    /// Anchored on the one pattern that matched, it needs only that pattern's states and stops
    /// where that pattern can go no further. Same start: the forward match is leftmost, so no
    /// pattern's match ending there starts before it. `None` if it cannot be built (the meta
    /// engine's search then runs alone).
    reverse: Option<hybrid::dfa::DFA>,
    /// For each of its patterns, the pattern's index in the rule set.
    global: Vec<usize>,
}

/// One thread's search state for an [`Engine`].
#[derive(Debug)]
struct EngineCache {
    forward: meta::Cache,
    reverse: Option<hybrid::dfa::Cache>,
}

impl Engine {
    /// The engine over `patterns` (parsed by [`parse_rule_regex`]), which are the rule set's
    /// patterns `global`.
    fn new(patterns: &[Hir], global: Vec<usize>) -> Result<Engine, RuleError> {
        let regex = meta::Regex::builder()
            .configure(
                meta::Config::new()
                    .which_captures(regex_automata::nfa::thompson::WhichCaptures::Implicit)
                    .utf8_empty(false)
                    .auto_prefilter(false)
                    // Enough for the built-in rules' states on large inputs (4 MiB is not).
                    .hybrid_cache_capacity(8 << 20)
                    .nfa_size_limit(Some(64 << 20)),
            )
            .build_many_from_hir(patterns)
            .map_err(compile_error)?;
        let reverse_nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(true)
                    .utf8(false)
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(64 << 20)),
            )
            .build_many_from_hir(patterns);
        let reverse = reverse_nfa.ok().and_then(|nfa| {
            hybrid::dfa::Builder::new()
                .configure(
                    hybrid::dfa::Config::new()
                        // The longest match back from the end: its leftmost start.
                        .match_kind(regex_automata::MatchKind::All)
                        .starts_for_each_pattern(true)
                        // A user's `(?u:\b)`: the DFA gives up on non-ASCII bytes next to it,
                        // and the meta engine searches instead.
                        .unicode_word_boundary(true)
                        .cache_capacity(8 << 20)
                        // Give up rather than thrash the cache.
                        .minimum_cache_clear_count(Some(3))
                        .minimum_bytes_per_state(Some(10)),
                )
                .build_from_nfa(nfa)
                .ok()
        });
        Ok(Engine {
            regex,
            reverse,
            global,
        })
    }

    fn create_cache(&self) -> EngineCache {
        EngineCache {
            forward: self.regex.create_cache(),
            reverse: self.reverse.as_ref().map(hybrid::dfa::DFA::create_cache),
        }
    }

    /// The leftmost-first match in `input`, as `meta::Regex::search` finds it: the forward
    /// pass finds its end and pattern, the pattern's own reverse pass its start.
    fn find(&self, cache: &mut EngineCache, input: &Input<'_>) -> Option<regex_automata::Match> {
        let (Some(reverse), Some(reverse_cache)) = (&self.reverse, &mut cache.reverse) else {
            return self.regex.search_with(&mut cache.forward, input);
        };
        let end = self.regex.search_half_with(&mut cache.forward, input)?;
        if input.get_anchored().is_anchored() {
            return Some(regex_automata::Match::new(
                end.pattern(),
                input.start()..end.offset(),
            ));
        }
        let back = Input::new(input.haystack())
            .span(input.start()..end.offset())
            .anchored(Anchored::Pattern(end.pattern()));
        match reverse.try_search_rev(reverse_cache, &back) {
            Ok(Some(start)) => Some(regex_automata::Match::new(
                end.pattern(),
                start.offset()..end.offset(),
            )),
            // The lazy DFA gave up (its cache thrashed, or a Unicode word boundary met a
            // non-ASCII byte): the meta engine's whole search.
            _ => self.regex.search_with(&mut cache.forward, input),
        }
    }
}

fn compile_error(e: impl std::fmt::Display) -> RuleError {
    RuleError::File {
        file: "<rules>".into(),
        message: format!("the rule set does not compile: {e}"),
    }
}

/// Whether a rule is gated by its keywords: its pattern is searched only near one of them. A
/// rule with keywords rejects every match without one in its context window (on its line), so
/// nothing is lost, and a rule set's cost stops growing with such rules. Not gated: rules that
/// also name keys (a listed key stands in for a keyword, in any spelling), and rules whose
/// matches may be longer than `MAX_MATCH_LEN` (the gate's reach assumes they are not).
/// `patterns` are the rule's patterns, parsed.
fn gated<'h>(rule: &Rule, mut patterns: impl Iterator<Item = &'h Hir>) -> bool {
    !rule.keywords.is_empty()
        && rule.keys.is_empty()
        && patterns.all(|p| {
            p.properties()
                .maximum_len()
                .is_some_and(|n| n <= MAX_MATCH_LEN)
        })
}

/// Whether `pattern`'s `value` group is all of its match (`(?P<value>...)\b`: only assertions,
/// which match no bytes, around it). Its value is then the match itself, and a candidate needs
/// no second search for the group: on source code the coordinates pattern meets about a
/// thousand pairs of decimals per megabyte (`0.5, 0.25`), each of which cost one.
fn value_is_whole_match(hir: &Hir) -> bool {
    use regex_syntax::hir::HirKind;
    let items = match hir.kind() {
        HirKind::Concat(items) => &items[..],
        _ => std::slice::from_ref(hir),
    };
    let mut bytes = items
        .iter()
        .filter(|h| !matches!(h.kind(), HirKind::Look(_)));
    match (bytes.next().map(|h| h.kind()), bytes.next()) {
        (Some(HirKind::Capture(c)), None) => c.name.as_deref() == Some("value"),
        _ => false,
    }
}

/// The words every match of `pattern` starts with (`$2a$`, `$arg` for the password hashes),
/// lowercase, cut to 4 bytes, if there are such words of 3 bytes or more, all starting with
/// punctuation, and the pattern's matches are bounded. Such a pattern is gated by them: searched
/// only where one starts. Out of the one regex over all patterns, it no longer multiplies that
/// regex's states with its own: on the normal corpus the lazy DFA builds 40% fewer. Words of
/// letters (`pass`, `date`) are everywhere in logs and JSON keys: gating on them costs more in
/// the word pass than it saves.
fn prefix_words(hir: &Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    if hir.properties().maximum_len()? > MAX_MATCH_LEN {
        return None;
    }
    let prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let mut words: Vec<String> = prefixes
        .literals()?
        .iter()
        .map(|l| {
            let cut = &l.as_bytes()[..l.len().min(4)];
            String::from_utf8_lossy(cut).to_ascii_lowercase()
        })
        .collect();
    if words.is_empty()
        || words
            .iter()
            .any(|w| w.len() < 3 || w.as_bytes()[0].is_ascii_alphanumeric())
    {
        return None;
    }
    words.sort();
    words.dedup();
    Some(words)
}

/// An automaton over words that gate rules (keywords, a pattern's first words), ASCII
/// case-insensitive; `None` without words.
fn words_automaton(words: &[impl AsRef<[u8]>]) -> Result<Option<AhoCorasick>, RuleError> {
    if words.is_empty() {
        return Ok(None);
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(words)
        .map(Some)
        .map_err(words_error)
}

/// The rules' context words as a DFA, ASCII case-insensitive, walked by [`words_in`] over each
/// candidate's window: a DFA is the fastest to search, and the words are few enough that it
/// stays small. No prefilter: the windows are short, and without one the start state is an
/// ordinary state that the walk need not stop at.
fn words_dfa(
    words: &[impl AsRef<[u8]>],
) -> Result<aho_corasick::dfa::DFA, aho_corasick::BuildError> {
    aho_corasick::dfa::Builder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .prefilter(false)
        .build(words)
}

fn words_error(e: aho_corasick::BuildError) -> RuleError {
    RuleError::File {
        file: "<rules>".into(),
        message: format!("keywords do not compile: {e}"),
    }
}

/// How far from a keyword a gated rule's match may start (its line permitting): the match's
/// length plus the judge's window on each side, with room to spare.
const GATE_REACH: usize = MAX_MATCH_LEN + 4 * crate::judge::CONTEXT_WINDOW;

/// A candidate match: its span and its pattern's index in the rule set.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    pattern: usize,
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
        // Each pattern parsed once, for everything derived from its syntax and for the engines.
        let mut hirs: Vec<Hir> = Vec::new();
        let mut pattern_rule = Vec::new();
        let mut pattern_value = Vec::new();
        let mut pattern_first = Vec::new();
        let rule_has_words = rules
            .iter()
            .map(|r| {
                !(r.keywords.is_empty() && r.context.is_empty() && r.negative_context.is_empty())
            })
            .collect();
        let mut rule_gated = Vec::with_capacity(rules.len());
        for (index, rule) in rules.iter().enumerate() {
            let first = hirs.len();
            for pattern in rule.regexes() {
                let hir = parse_rule_regex(pattern).map_err(compile_error)?;
                let value = ((pattern.contains("(?P<value>") || pattern.contains("(?<value>"))
                    && !value_is_whole_match(&hir))
                .then(|| RuleRegex::new(pattern.clone()));
                pattern_rule.push(index);
                pattern_value.push(value);
                pattern_first.push(first_bytes(&hir));
                hirs.push(hir);
            }
            rule_gated.push(gated(rule, hirs[first..].iter()));
        }
        let keyword_words: Vec<&str> = rules
            .iter()
            .zip(&rule_gated)
            .filter(|(_, &gated)| gated)
            .flat_map(|(r, _)| r.keywords.iter().map(String::as_str))
            .collect();
        // The other patterns with required prefix words are gated by those. A pattern that can
        // start with a letter or digit has none worth a gate: extracting its literals (a third
        // of compiling the built-in rules) is skipped.
        let prefixes: Vec<Option<Vec<String>>> = hirs
            .iter()
            .zip(&pattern_rule)
            .zip(&pattern_first)
            .map(|((hir, &r), first)| {
                if rule_gated[r] || starts_alphanumeric(first) {
                    None
                } else {
                    prefix_words(hir)
                }
            })
            .collect();
        let pattern_gated: Vec<bool> = pattern_rule
            .iter()
            .zip(&prefixes)
            .map(|(&r, prefix)| rule_gated[r] || prefix.is_some())
            .collect();
        let mut pattern_local = Vec::with_capacity(hirs.len());
        let (mut ungated_hirs, mut ungated_global) = (Vec::new(), Vec::new());
        let (mut gated_hirs, mut gated_global) = (Vec::new(), Vec::new());
        for (index, hir) in hirs.into_iter().enumerate() {
            let (list, global) = if pattern_gated[index] {
                (&mut gated_hirs, &mut gated_global)
            } else {
                (&mut ungated_hirs, &mut ungated_global)
            };
            pattern_local.push(list.len());
            list.push(hir);
            global.push(index);
        }
        // The main engine, the largest part of starting up, compiles on a thread of its own
        // while this one builds the rest (no scanning thread runs yet): start-up 8.0 to 7 ms.
        // The thread hands its patterns back, for the sieve.
        let ungated =
            std::thread::spawn(move || (Engine::new(&ungated_hirs, ungated_global), ungated_hirs));
        let keys = crate::structured::KeyTable::new(&rules).map_err(|message| RuleError::File {
            file: "<rules>".into(),
            message,
        })?;
        let gated_engine = if gated_hirs.is_empty() {
            None
        } else {
            Some(Engine::new(&gated_hirs, gated_global)?)
        };
        // Searched once over every chunk: the default kind picks a prefilter for the words.
        let gate = words_automaton(&keyword_words)?;
        let mut prefix_words: Vec<&str> = prefixes
            .iter()
            .flatten()
            .flatten()
            .map(|w| w.as_str())
            .collect();
        prefix_words.sort();
        prefix_words.dedup();
        let prefix_gate = words_automaton(&prefix_words)?;

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
            let edge = |re: &Option<String>, edge| re.as_deref().map(|re| EdgeRegex::new(re, edge));
            let preceded_by = edge(&rule.reject_if_preceded_by, Edge::Before);
            let followed_by = edge(&rule.reject_if_followed_by, Edge::After);
            compiled.push(CompiledRule {
                categories: policy.classify(&rule.categories),
                ccpa: policy.ccpa(&rule.categories, &rule.ccpa),
                rule,
                validator,
                preceded_by,
                followed_by,
            });
        }
        let keyword_starts = compiled
            .iter()
            .map(|c| {
                (!c.rule.keywords.is_empty())
                    .then(|| KeywordStarts::new(&c.rule.keywords))
                    .flatten()
            })
            .collect();
        let words = (!word_text.is_empty())
            .then(|| words_dfa(&word_text))
            .transpose()
            .map_err(words_error)?;
        let (ungated, ungated_hirs) = ungated
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let ungated = ungated?;
        Ok(RuleSet {
            rules: compiled,
            policy,
            allowlist: crate::suppress::Allowlist::default(),
            ungated,
            sieve: std::sync::OnceLock::new(),
            ungated_hirs,
            gated: gated_engine,
            gate,
            prefix_gate,
            pattern_rule,
            pattern_gated,
            pattern_local,
            pattern_value,
            pattern_first,
            rule_has_words,
            keys,
            words,
            word_uses,
            word_text,
            keyword_starts,
        })
    }

    /// The sieve, if it has been built already.
    fn built_sieve(&self) -> Option<&crate::sieve::Sieve> {
        self.sieve.get().and_then(Option::as_ref)
    }

    /// The sieve over the ungated patterns, built the first time a long chunk needs it.
    fn sieve(&self) -> Option<&crate::sieve::Sieve> {
        self.sieve
            .get_or_init(|| {
                // The same patterns compiled for the main regex: this cannot fail but by
                // size, and then the main regex searches alone.
                (!self.ungated_hirs.is_empty())
                    .then(|| crate::sieve::Sieve::new(&self.ungated_hirs).ok().flatten())
                    .flatten()
            })
            .as_ref()
    }

    /// The built-in rules and policy, for tests.
    #[cfg(test)]
    pub(crate) fn built_in() -> RuleSet {
        let rules = crate::rules::load_rules(&[] as &[&std::path::Path]).unwrap();
        RuleSet::new(rules, crate::rules::Policy::builtin()).unwrap()
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
        use aho_corasick::automaton::Automaton;
        let Some(dfa) = &self.words else { return };
        if !self.rule_has_words[rule] || range.len() < dfa.min_pattern_len() {
            return;
        }
        // The words already reported: a window holds few, so a short array beats a set (and
        // allocates nothing). Past its capacity a word may be reported twice, which changes
        // no verdict.
        let mut seen = [usize::MAX; 32];
        let mut seen_len = 0;
        // The DFA is walked here, one state per byte, rather than through the crate's
        // overlapping iterator: the windows are short (16 bytes on average on dense data) and
        // the iterator's set-up per window cost more than the walk. Same matches, same order:
        // every word ending at each byte, as the iterator reports them.
        words_in(dfa, hay, range, |id, start, end| {
            let Some(&(_, role)) = self.word_uses[id].iter().find(|(r, _)| *r == rule) else {
                return;
            };
            if !word_bounded(hay, start, end) || seen[..seen_len].contains(&id) {
                return;
            }
            if seen_len < seen.len() {
                seen[seen_len] = id;
                seen_len += 1;
            }
            found(role, &self.word_text[id], end);
        });
    }

    /// [`RuleSet::may_hold_keyword`] for a window of the chunk that `scan` belongs to: the
    /// same answer, from the bytes looked at for the windows before it (windows move on
    /// through a chunk; one that starts before the last is looked at afresh).
    pub fn may_hold_keyword_in(
        &self,
        rule: usize,
        hay: &[u8],
        range: std::ops::Range<usize>,
        scan: Option<&KeywordScan>,
    ) -> bool {
        let (Some(starts), Some(scan)) = (&self.keyword_starts[rule], scan) else {
            return self.may_hold_keyword(rule, hay, range);
        };
        // The positions a keyword of three bytes or more may start at within the window.
        let Some(last) = range.end.checked_sub(3).filter(|&last| last >= range.start) else {
            return false;
        };
        let mut by_rule = scan.by_rule.borrow_mut();
        if by_rule.len() <= rule {
            by_rule.resize(rule + 1, KeywordCursor::default());
        }
        let cursor = &mut by_rule[rule];
        // A window before the last one's start, or after a gap: look from its start.
        if range.start < cursor.from || range.start > cursor.to {
            cursor.from = range.start;
            cursor.to = range.start;
            cursor.hits.clear();
        }
        for at in cursor.to..=last {
            if starts.starts(&hay[at..at + 3]) {
                cursor.hits.push_back(at);
            }
        }
        cursor.to = cursor.to.max(last + 1);
        cursor.from = range.start;
        while cursor.hits.front().is_some_and(|&at| at < range.start) {
            cursor.hits.pop_front();
        }
        cursor.hits.front().is_some_and(|&at| at <= last)
    }

    /// Whether `hay[range]` may hold one of `rule`'s keywords: false only when none can be in
    /// it, whatever its case and boundaries (true for a rule without keywords).
    pub fn may_hold_keyword(&self, rule: usize, hay: &[u8], range: std::ops::Range<usize>) -> bool {
        self.keyword_starts[rule]
            .as_ref()
            .is_none_or(|starts| starts.may_hold(&hay[range]))
    }

    /// Whether the rule has any keyword (a prefilter requirement).
    pub fn has_keywords(&self, rule: usize) -> bool {
        !self.rules[rule].rule.keywords.is_empty()
    }

    /// Whether `text` (a CSV header's column names, say) holds a keyword of a gated rule.
    pub fn has_gate_word(&self, text: &[u8]) -> bool {
        self.gate.as_ref().is_some_and(|ac| ac.is_match(text))
    }
}

/// Every occurrence of `dfa`'s words inside `hay[range]` (overlapping ones too), as word index,
/// start and end, in the order of `AhoCorasick::find_overlapping_iter` over that span: by end,
/// and at one end in the automaton's order.
fn words_in(
    dfa: &aho_corasick::dfa::DFA,
    hay: &[u8],
    range: std::ops::Range<usize>,
    mut each: impl FnMut(usize, usize, usize),
) {
    use aho_corasick::automaton::Automaton;
    let Ok(mut state) = dfa.start_state(aho_corasick::Anchored::No) else {
        return;
    };
    let mut end = range.start;
    loop {
        // The start state is a match state only for an empty word, which matches at the
        // window's start too.
        if dfa.is_match(state) {
            for i in 0..dfa.match_len(state) {
                let word = dfa.match_pattern(state, i);
                each(word.as_usize(), end - dfa.pattern_len(word), end);
            }
        }
        if end == range.end {
            break;
        }
        state = dfa.next_state(aho_corasick::Anchored::No, state, hay[end]);
        end += 1;
    }
}

/// Whether a letter or digit is among `first` bytes.
fn starts_alphanumeric(first: &[bool; 256]) -> bool {
    (0..=255u8).any(|b| b.is_ascii_alphanumeric() && first[b as usize])
}

/// The bytes a match of `pattern` can start with: a superset (every byte when unsure).
fn first_bytes(hir: &Hir) -> [bool; 256] {
    use regex_syntax::hir::{Class, HirKind};
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
    if walk(hir, &mut set) {
        [true; 256]
    } else {
        set
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
    cache: EngineCache,
    gated_cache: Option<EngineCache>,
    /// Where gated rules' matches may start in the current chunk: sorted, disjoint spans.
    gates: Vec<(usize, usize)>,
    /// When the sieve runs; `Auto` outside tests.
    pub sieve: SieveUse,
    sieve_cache: Option<crate::sieve::SieveCache>,
    /// Which ungated patterns match at a rejected candidate's start (`Sieve::patterns_at`).
    matching_here: Vec<u64>,
    /// Where the ungated patterns' matches lie in the current chunk (sorted, disjoint spans),
    /// when `sieved`; otherwise they are searched for everywhere.
    regions: Vec<(usize, usize)>,
    /// The first region that may hold a match at or after the search's position: the
    /// position only moves on within a chunk, so the regions are walked, not searched anew
    /// for each candidate (a binary search over the thousands of regions of decimal pairs in
    /// HTML pages with SVG icons took 5% of their scan).
    next_region: usize,
    sieved: bool,
    /// Bytes this scanner has searched, to start the sieve only once its cost of building
    /// DFA states is spread over enough input.
    searched: usize,
    /// With `SieveUse::Auto`, the sieve runs again on chunks that start once `searched` has
    /// reached `sieve_paused_until`; the pause after its next give-up is `sieve_pause` times
    /// the chunk's length.
    sieve_paused_until: usize,
    sieve_pause: usize,
    /// Receives batches of the current input's findings; without one they stay in its outcome.
    pub sink: Option<crate::spill::Sink<'s>>,
    /// Which findings the reporter may show, asked as they are found, so that those it will
    /// not are only counted, never built. Only for runs where every finding found is counted
    /// and offered to the reporter (no baseline or git change drops some).
    pub passed: Option<crate::report::Passed>,
    /// Called when the current input (or an archive member) turns out longer than one chunk:
    /// a compressed file's size on disk does not tell how long its scan takes.
    pub long_input: Option<Box<dyn FnMut() + Send + 's>>,
}

impl<'s> Scanner<'s> {
    pub fn new(set: &'s RuleSet) -> Scanner<'s> {
        Scanner {
            set,
            cache: set.ungated.create_cache(),
            gated_cache: set.gated.as_ref().map(Engine::create_cache),
            gates: Vec::new(),
            sieve: SieveUse::Auto,
            sieve_cache: None,
            matching_here: Vec::new(),
            regions: Vec::new(),
            next_region: 0,
            sieved: false,
            searched: 0,
            sieve_paused_until: 0,
            sieve_pause: 1,
            sink: None,
            passed: None,
            long_input: None,
        }
    }

    pub fn rule_set(&self) -> &'s RuleSet {
        self.set
    }

    /// Offer every candidate that starts before `limit` in `hay` to `judge`, left to right.
    /// `judge` returns true to accept the candidate (the search goes on after it) or false to
    /// reject it (other rules are tried at the same start, then the search goes on one byte
    /// later). In a non-final chunk, candidates crossing `limit` are left to the next chunk,
    /// which starts before them, so no match is cut in two (see [`Scanner::scan_from`]).
    pub fn scan(
        &mut self,
        hay: &[u8],
        limit: usize,
        eof: bool,
        judge: impl FnMut(&[u8], Candidate) -> bool,
    ) {
        self.scan_from(hay, 0, limit, eof, false, judge);
    }

    /// [`Scanner::scan`] starting at `from`: the bytes before it are only context (word
    /// boundaries, look-behind, the judge's window), already searched with the previous chunk.
    /// With `open_gates`, gated rules are searched everywhere (a CSV header names their
    /// keyword). Returns where the next chunk resumes, as a whole-buffer search would: `limit`,
    /// or (before `limit`) the start of a candidate that crosses `limit`, left over for the
    /// next chunk to search again, or past the end of a candidate longer than `MAX_MATCH_LEN`
    /// accepted across `limit`.
    ///
    /// Two engines run side by side: the ungated patterns over every byte, the gated ones only
    /// near their keywords or where their prefix words start. Their candidates are merged as one
    /// leftmost-first search over all patterns would order them: leftmost first, then in rule
    /// order.
    pub fn scan_from(
        &mut self,
        hay: &[u8],
        from: usize,
        limit: usize,
        eof: bool,
        open_gates: bool,
        mut judge: impl FnMut(&[u8], Candidate) -> bool,
    ) -> usize {
        // A keyword past the end of a non-final chunk may belong to a candidate crossing
        // `limit`: such candidates are left to the next chunk, which sees the keyword, and to
        // leave them over they must be found here.
        let open_tail = (!eof).then(|| limit.saturating_sub(MAX_MATCH_LEN));
        self.find_gates(hay, open_gates, open_tail);
        self.sieved = self.sieve(hay, from);
        let mut at = from;
        // The next candidate of each engine, kept while it starts at or after `at`; `None`
        // once an engine has nothing more in this chunk.
        let mut next_ungated: Option<Option<Hit>> = None;
        let mut next_gated: Option<Option<Hit>> = None;
        while at < limit {
            if next_ungated.is_some_and(|h| h.is_some_and(|h| h.start < at)) {
                next_ungated = None;
            }
            if next_gated.is_some_and(|h| h.is_some_and(|h| h.start < at)) {
                next_gated = None;
            }
            let ungated = *next_ungated.get_or_insert_with(|| self.next_ungated(hay, at));
            let gated = *next_gated.get_or_insert_with(|| self.next_gated(hay, at));
            let m = match (ungated, gated) {
                (Some(u), Some(g)) if (g.start, g.pattern) < (u.start, u.pattern) => g,
                (Some(u), _) => u,
                (None, Some(g)) => g,
                (None, None) => return at.max(limit),
            };
            if m.start >= limit {
                return at.max(limit);
            }
            if m.start == m.end {
                at = m.start + 1;
                continue;
            }
            // A candidate crossing the cut is left to the next chunk, which starts before it
            // (with up to `LOOKBEHIND` bytes of its line as context, so it must start past
            // them for the input to move on): there its match may go on past this chunk's end,
            // and its line is whole for the judge's window and the fingerprint's context.
            let left_over = |end: usize| {
                !eof && (end > limit || end == hay.len())
                    && end - m.start <= MAX_MATCH_LEN
                    && m.start > crate::read::LOOKBEHIND
            };
            if left_over(m.end) {
                return m.start;
            }
            if self.offer(hay, m.pattern, m.start, m.end, &mut judge) {
                at = m.end;
                continue;
            }
            // Rejected: give every other pattern a chance at this start before moving on.
            let mut accepted_end = None;
            // Leftmost-first: a pattern listed before `m.pattern` that matched here would have
            // been reported instead, so only those after it can.
            let byte = hay[m.start] as usize;
            let gate_open = self.gate_open(m.start);
            // Whether `matching_here` says which ungated patterns match at this start: asked
            // once, when a first one is to be tried.
            let mut known = None;
            for pattern in m.pattern + 1..self.set.pattern_rule.len() {
                if !self.set.pattern_first[pattern][byte]
                    || (self.set.pattern_gated[pattern] && !gate_open)
                {
                    continue;
                }
                if !self.set.pattern_gated[pattern] {
                    let known = *known.get_or_insert_with(|| self.patterns_at(hay, m.start));
                    let local = self.set.pattern_local[pattern];
                    if known && self.matching_here[local / 64] >> (local % 64) & 1 == 0 {
                        continue;
                    }
                }
                if let Some(other) = self.anchored(hay, m.start, pattern) {
                    if other.start == other.end {
                        continue;
                    }
                    if left_over(other.end) {
                        return m.start;
                    }
                    if self.offer(hay, pattern, other.start, other.end, &mut judge) {
                        accepted_end = Some(other.end);
                        break;
                    }
                }
            }
            at = accepted_end.unwrap_or(m.start + 1);
        }
        at.max(limit)
    }

    /// Find where the ungated patterns' matches lie in `hay` after `from` (see
    /// [`crate::sieve`]), if the chunk is long enough for it to pay.
    fn sieve(&mut self, hay: &[u8], from: usize) -> bool {
        let len = hay.len().saturating_sub(from);
        // A chunk that starts inside a pause is searched without the sieve, however long.
        let paused = self.searched < self.sieve_paused_until;
        self.searched = self.searched.saturating_add(len);
        let max_visit = match self.sieve {
            SieveUse::Never => return false,
            SieveUse::Auto if len < SIEVE_MIN_LEN || self.searched <= SIEVE_WARM_UP || paused => {
                return false
            }
            SieveUse::Auto => Some(len / SIEVE_MAX_VISIT),
            SieveUse::Always => None,
        };
        let Some(sieve) = self.set.sieve() else {
            return false;
        };
        let cache = self.sieve_cache.get_or_insert_with(|| sieve.create_cache());
        let sieved = sieve.regions(cache, hay, from, max_visit, &mut self.regions);
        self.next_region = 0;
        if self.sieve == SieveUse::Auto {
            if sieved {
                self.sieve_pause = 1;
            } else {
                let pause = len.saturating_mul(self.sieve_pause).min(SIEVE_MAX_PAUSE);
                self.sieve_paused_until = self.searched.saturating_add(pause);
                if pause < SIEVE_MAX_PAUSE {
                    self.sieve_pause *= 2;
                }
            }
        }
        sieved
    }

    /// The leftmost candidate of the ungated patterns at or after `at`: searched for only in
    /// the regions the sieve found, when it ran. A match starting in a region ends in it.
    fn next_ungated(&mut self, hay: &[u8], at: usize) -> Option<Hit> {
        let engine = &self.set.ungated;
        let hit = |m: regex_automata::Match| Hit {
            start: m.start(),
            end: m.end(),
            pattern: engine.global[m.pattern().as_usize()],
        };
        if !self.sieved {
            let input = Input::new(hay).span(at..hay.len());
            return engine.find(&mut self.cache, &input).map(hit);
        }
        debug_assert!(self.next_region == 0 || self.regions[self.next_region - 1].1 <= at);
        while self
            .regions
            .get(self.next_region)
            .is_some_and(|&(_, end)| end <= at)
        {
            self.next_region += 1;
        }
        for &(start, end) in &self.regions[self.next_region..] {
            let input = Input::new(hay).span(at.max(start)..end);
            // A region starts where a match starts, so the leftmost match from there starts
            // there too, and an anchored search finds the same one without a search back for
            // its start. Its states are fewer and smaller than an unanchored search's, which
            // also starts a match at every byte: `sparse` 2% faster.
            if at <= start {
                let anchored = input.clone().anchored(Anchored::Yes);
                if let Some(m) = engine.find(&mut self.cache, &anchored) {
                    return Some(hit(m));
                }
            }
            if let Some(m) = engine.find(&mut self.cache, &input) {
                return Some(hit(m));
            }
        }
        None
    }

    /// The leftmost candidate of the gated patterns at or after `at` that starts in a gate.
    fn next_gated(&mut self, hay: &[u8], at: usize) -> Option<Hit> {
        let (Some(engine), Some(cache)) = (&self.set.gated, &mut self.gated_cache) else {
            return None;
        };
        let first = self.gates.partition_point(|&(_, end)| end <= at);
        for &(start, end) in &self.gates[first..] {
            // A match starting in the gate may run past it, by its length at most.
            let span = at.max(start)..(end + MAX_MATCH_LEN).min(hay.len());
            let input = Input::new(hay).span(span);
            match engine.find(cache, &input) {
                Some(m) if m.start() < end => {
                    return Some(Hit {
                        start: m.start(),
                        end: m.end(),
                        pattern: engine.global[m.pattern().as_usize()],
                    })
                }
                _ => {}
            }
        }
        None
    }

    /// The match of `pattern` starting exactly at `start`, if any.
    fn anchored(&mut self, hay: &[u8], start: usize, pattern: usize) -> Option<Hit> {
        let local = PatternID::must(self.set.pattern_local[pattern]);
        let input = Input::new(hay)
            .span(start..hay.len())
            .anchored(Anchored::Pattern(local));
        let m = if self.set.pattern_gated[pattern] {
            let (engine, cache) = (self.set.gated.as_ref()?, self.gated_cache.as_mut()?);
            engine.regex.search_with(&mut cache.forward, &input)?
        } else {
            self.set
                .ungated
                .regex
                .search_with(&mut self.cache.forward, &input)?
        };
        Some(Hit {
            start: m.start(),
            end: m.end(),
            pattern,
        })
    }

    /// Fill `matching_here` with the ungated patterns that match at `start`, if the sieve's
    /// DFA is built (it is once a thread has searched its first megabyte: a pre-commit hook's
    /// few files never wait for it to be built for this), in use, and can tell.
    fn patterns_at(&mut self, hay: &[u8], start: usize) -> bool {
        let Some(sieve) = self
            .set
            .built_sieve()
            .filter(|_| self.sieve != SieveUse::Never)
        else {
            return false;
        };
        let cache = self.sieve_cache.get_or_insert_with(|| sieve.create_cache());
        sieve.patterns_at(cache, hay, start, &mut self.matching_here)
    }

    /// Whether a gated rule's match may start at `at`.
    fn gate_open(&self, at: usize) -> bool {
        let i = self.gates.partition_point(|&(_, end)| end <= at);
        self.gates.get(i).is_some_and(|&(start, _)| start <= at)
    }

    /// Find where gated patterns' matches may start in `hay`: within `GATE_REACH` before each
    /// keyword of a gated rule, up to the end of its line, newline included (or `GATE_REACH`
    /// after it), or everywhere with `open`; where a prefix-gated pattern's word starts; and
    /// from `open_tail` to the end.
    fn find_gates(&mut self, hay: &[u8], open: bool, open_tail: Option<usize>) {
        self.gates.clear();
        if open && self.set.gate.is_some() {
            self.gates.push((0, hay.len()));
            return;
        }
        let mut spans: Vec<(usize, usize)> =
            open_tail.map(|at| (at, hay.len())).into_iter().collect();
        if let Some(prefix_gate) = &self.set.prefix_gate {
            // A match of a prefix-gated pattern starts where one of its words does; overlapping
            // words are all found, as each may start a match.
            for m in prefix_gate.find_overlapping_iter(aho_corasick::Input::new(hay)) {
                spans.push((m.start(), m.start() + 1));
            }
        }
        if let Some(gate) = &self.set.gate {
            for m in gate.find_iter(hay) {
                let lo = m.start().saturating_sub(GATE_REACH);
                let hi = (m.end() + GATE_REACH).min(hay.len());
                // A match may start on an earlier line and run on to the keyword's (a pattern
                // with `\s`), but its context never goes past the end of the line it ends on.
                // The newline itself belongs to the keyword's line: a match may start with it.
                let end = memchr::memchr(b'\n', &hay[m.end()..hi]).map_or(hi, |p| m.end() + p + 1);
                spans.push((lo, end));
            }
        }
        // In order (overlapping words come by their end, not their start), overlaps joined.
        spans.sort_unstable();
        for (start, end) in spans {
            match self.gates.last_mut() {
                Some(last) if last.1 >= start => last.1 = last.1.max(end),
                _ => self.gates.push((start, end)),
            }
        }
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
                let Some(re) = re.get() else {
                    return false;
                };
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
    use proptest::prelude::*;
    use regex_automata::Match;

    fn set() -> RuleSet {
        RuleSet::built_in()
    }

    fn parsed(pattern: &str) -> Hir {
        parse_rule_regex(pattern).unwrap()
    }

    /// The engine over `patterns`, parsed.
    fn engine(patterns: &[&str], global: Vec<usize>) -> Result<Engine, RuleError> {
        let hirs: Vec<Hir> = patterns.iter().map(|p| parsed(p)).collect();
        Engine::new(&hirs, global)
    }

    /// Whether `rule` is gated by its keywords.
    fn rule_gated(rule: &Rule) -> bool {
        let hirs: Vec<Hir> = rule.regexes().map(|p| parsed(p)).collect();
        gated(rule, hirs.iter())
    }

    /// One built-in rule set for the property tests' many cases.
    fn shared_set() -> &'static RuleSet {
        static SET: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        SET.get_or_init(set)
    }

    /// Every match of `engine` from `at` on, found as the scanner finds them and as the meta
    /// engine alone does.
    fn matches_both_ways(engine: &Engine, hay: &[u8], at: usize) -> (Vec<Match>, Vec<Match>) {
        let (mut ours, mut meta) = (Vec::new(), Vec::new());
        let mut cache = engine.create_cache();
        let mut meta_cache = engine.regex.create_cache();
        for (found, use_meta) in [(&mut ours, false), (&mut meta, true)] {
            let mut from = at;
            while from <= hay.len() {
                let input = Input::new(hay).span(from..hay.len());
                let m = if use_meta {
                    engine.regex.search_with(&mut meta_cache, &input)
                } else {
                    engine.find(&mut cache, &input)
                };
                let Some(m) = m else { break };
                found.push(m);
                from = m.end().max(from + 1);
            }
        }
        (ours, meta)
    }

    /// Pieces of text the built-in rules match, or almost match, and what separates them.
    fn fragment() -> impl Strategy<Value = String> {
        let mut pieces: Vec<String> = shared_set()
            .rules
            .iter()
            .flat_map(|r| r.rule.examples.iter().chain(&r.rule.counterexamples))
            .cloned()
            .collect();
        pieces.extend(
            [
                " ", "\n", ",", "\"", "=", ":", ".", "-", "@", "7", "42", "x", "é", "\t",
            ]
            .map(String::from),
        );
        prop::sample::select(pieces)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

        /// The forward pass and the matched pattern's own reverse pass find the same matches
        /// as the meta engine's search, in both engines.
        #[test]
        fn an_engine_finds_what_the_meta_engine_finds(
            parts in prop::collection::vec(fragment(), 0..40),
            at in 0usize..30,
        ) {
            let set = shared_set();
            let hay = parts.concat().into_bytes();
            let at = at.min(hay.len());
            for engine in std::iter::once(&set.ungated).chain(&set.gated) {
                let (ours, meta) = matches_both_ways(engine, &hay, at);
                // Offsets and pattern numbers only: the text is made of example values.
                prop_assert_eq!(ours, meta);
            }
        }

        /// The words walk finds what the crate's overlapping iterator finds over the same
        /// span, in the same order, for the rules' words (and an empty word, which matches
        /// everywhere) in texts made of them, their case changed, and separators.
        #[test]
        fn the_words_walk_finds_what_the_overlapping_iterator_finds(
            parts in prop::collection::vec(word_fragment(), 0..24),
            cut in (0usize..200, 0usize..200),
            with_empty in any::<bool>(),
        ) {
            let set = shared_set();
            let mut words = set.word_text.clone();
            if with_empty {
                words.push(String::new());
            }
            let dfa = words_dfa(&words).unwrap();
            let oracle = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&words)
                .unwrap();
            let hay = parts.concat().into_bytes();
            let (a, b) = (cut.0.min(hay.len()), cut.1.min(hay.len()));
            let range = a.min(b)..a.max(b);
            let mut walked = Vec::new();
            words_in(&dfa, &hay, range.clone(), |w, s, e| walked.push((w, s, e)));
            let iterated: Vec<(usize, usize, usize)> = oracle
                .find_overlapping_iter(aho_corasick::Input::new(&hay).span(range))
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            prop_assert_eq!(walked, iterated);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Every built-in edge regex's DFA says what its regex says, on texts made of the
        /// bytes and words those regexes look for.
        #[test]
        fn an_edge_regex_s_dfa_agrees_with_its_regex(
            parts in prop::collection::vec(prop::sample::select(vec![
                "0", "7", "a", "F", "z", "_", ".", ":", "-", "/", " ", "\t", "\"", "'", "=", "(",
                "$", "+", "://", "pass", "pwd", "version", "v", "rv:", "\n", "é", "@",
            ]), 0..16),
        ) {
            let text = parts.concat().into_bytes();
            for edge in shared_set().rules.iter().flat_map(edge_regexes) {
                let regex = edge.regex().map(|re| re.is_match(&text));
                // The text is made of the listed pieces only: no personal data to hide.
                prop_assert_eq!(Some(edge.matches(&text)), regex, "{}", edge.text);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Where the words walk finds a rule's keyword, the keyword starts say it may be
        /// there: they only ever turn away windows the walk would find no keyword in.
        #[test]
        fn keyword_starts_never_miss_a_keyword_the_walk_finds(
            parts in prop::collection::vec(word_fragment(), 0..24),
            cut in (0usize..200, 0usize..200),
        ) {
            let set = shared_set();
            let hay = parts.concat().into_bytes();
            let (a, b) = (cut.0.min(hay.len()), cut.1.min(hay.len()));
            let range = a.min(b)..a.max(b);
            for rule in 0..set.rules.len() {
                let mut keyword = false;
                set.words_near(rule, &hay, range.clone(), |role, _, _| {
                    keyword |= role == WordRole::Keyword;
                });
                // Rule numbers only: the text is made of the rules' own words.
                prop_assert!(!keyword || set.may_hold_keyword(rule, &hay, range.clone()), "rule {}", rule);
            }
        }

        /// Windows judged one after the other in a chunk get the same answer from the bytes
        /// looked at for those before as from a look at each whole: windows that move on,
        /// overlap, jump ahead, go back, or are shorter than a keyword's start.
        #[test]
        fn keyword_starts_found_as_windows_move_on_say_what_each_window_says(
            parts in prop::collection::vec(word_fragment(), 0..24),
            windows in prop::collection::vec((0usize..48, 0usize..80, any::<bool>()), 1..24),
        ) {
            let set = shared_set();
            let hay = parts.concat().into_bytes();
            let scan = KeywordScan::default();
            let mut start = 0;
            for (step, len, back) in windows {
                start = if back { start - step.min(start) } else { start + step };
                let start = start.min(hay.len());
                let range = start..(start + len).min(hay.len());
                for rule in 0..set.rules.len() {
                    prop_assert_eq!(
                        set.may_hold_keyword_in(rule, &hay, range.clone(), Some(&scan)),
                        set.may_hold_keyword(rule, &hay, range.clone()),
                        "rule {} in {:?}", rule, range
                    );
                }
            }
        }
    }

    #[test]
    fn keyword_starts_turn_away_windows_without_a_keyword() {
        let set = set();
        let geo = set.find_rule("geo-coordinates").unwrap();
        let may = |text: &str| set.may_hold_keyword(geo, text.as_bytes(), 0..text.len());
        // An SVG path and a line of code: pairs of decimals with no keyword near.
        assert!(!may(
            r#"<path d="M38.8 5.1C28.4-3.1 13.3-1.2 5.1 9.2S-1.2 34.7 9.2 42.9l592 464"#
        ));
        assert!(!may("    scale = (0.5, 0.25)  # halve it"));
        // Each keyword, in any case, even inside a word (the walk judges boundaries).
        for word in [
            "lat", "Latitude", "LNG", "lon", "gps", "GEO", "coords", "location",
        ] {
            assert!(may(&format!("x {word}=52.52, 13.40")), "{word}");
        }
        assert!(may("translate(0.5 0.25)"));
        // Rules without keywords, or with one shorter than three bytes, are never turned away.
        let email = set.find_rule("email").unwrap();
        assert!(set.may_hold_keyword(email, b"nothing", 0..7));
        assert!(KeywordStarts::new(&["ip".to_string(), "address".to_string()]).is_none());
        assert!(KeywordStarts::new(&["gps".to_string()]).is_some());
    }

    /// A rule's word, upper-cased or not, or a separator.
    fn word_fragment() -> impl Strategy<Value = String> {
        let mut pieces = shared_set().word_text.clone();
        pieces.extend(
            shared_set()
                .word_text
                .iter()
                .map(|w| w.to_ascii_uppercase()),
        );
        pieces.extend([" ", "_", "-", "x", "=", "\n"].map(String::from));
        prop::sample::select(pieces)
    }

    #[test]
    fn a_unicode_word_boundary_still_compiles_and_matches_as_the_meta_engine_does() {
        // A user's pattern may ask for Unicode word boundaries, which a lazy DFA runs only on
        // ASCII text: next to other bytes the meta engine's own search takes over.
        let engine = engine(&[r"(?u:\b)abc(?u:\b)", r"(?u:\w)+@x\.org"], vec![0, 1]).unwrap();
        assert!(engine.reverse.is_some());
        for (case, hay) in ["é abc ééé@x.org abc", "abc", "éabc abcé abc"]
            .iter()
            .enumerate()
        {
            // Offsets only in messages: the texts are what a scan would report.
            let (ours, meta) = matches_both_ways(&engine, hay.as_bytes(), 0);
            assert!(!ours.is_empty(), "case {case}");
            assert_eq!(ours, meta, "case {case}");
        }
    }

    #[test]
    fn matches_start_where_the_meta_engine_says_in_a_dense_log() {
        let set = set();
        let hay = b"203.0.113.9 - ana@example.org [10/Oct/2000:13:55:36 -0700] \"GET /?ssn=536-22-1849&card=4111 1111 1111 1111 HTTP/1.1\" 200 2326 \"+1 (415) 555-0132\" DE89370400440532013000\n".repeat(20);
        let (ours, meta) = matches_both_ways(&set.ungated, &hay, 0);
        assert!(ours.len() >= 20 * 5, "{} matches", ours.len());
        assert_eq!(ours, meta);
    }

    #[test]
    fn every_regex_of_the_built_in_rules_compiles_when_first_needed() {
        let set = set();
        let values: Vec<&RuleRegex> = set.pattern_value.iter().flatten().collect();
        let around: Vec<&RuleRegex> = set
            .rules
            .iter()
            .flat_map(edge_regexes)
            .map(|e| &e.regex)
            .collect();
        assert!(values.len() >= 8 && around.len() >= 8);
        for re in values.iter().chain(&around) {
            assert!(re.regex.get().is_none(), "compiled before use: {}", re.text);
            assert!(re.get().is_some(), "does not compile: {}", re.text);
        }
    }

    fn edge_regexes(rule: &CompiledRule) -> impl Iterator<Item = &EdgeRegex> {
        rule.preceded_by.iter().chain(&rule.followed_by)
    }

    #[test]
    fn every_edge_regex_of_the_built_in_rules_runs_as_a_small_dfa_built_when_first_needed() {
        let set = set();
        let edges: Vec<&EdgeRegex> = set.rules.iter().flat_map(edge_regexes).collect();
        assert!(edges.len() >= 20, "{}", edges.len());
        for edge in edges {
            assert!(edge.dfa.get().is_none(), "built before use: {}", edge.text);
            let dfa = edge.dfa();
            assert!(dfa.is_some(), "no DFA: {}", edge.text);
            let size = dfa.map_or(0, |d| d.memory_usage());
            assert!(size < 64 << 10, "{} bytes: {}", size, edge.text);
        }
    }

    #[test]
    fn an_edge_regex_looks_only_at_the_value_s_edge() {
        let before = EdgeRegex::new(r"[0-9][ .-]|\bver", Edge::Before);
        let after = EdgeRegex::new(r"[ -][0-9]|\.x", Edge::After);
        for (edge, text, expected) in [
            (&before, &b"call 4 "[..], true),
            (&before, b"4 call ", false),
            (&before, b"build ver", true),
            (&before, b"buildver", false),
            (&before, b"", false),
            (&after, b" 5 more", true),
            (&after, b"more 5", false),
            (&after, b".x", true),
            (&after, b"", false),
        ] {
            assert_eq!(edge.matches(text), expected, "{} {:?}", edge.text, text);
        }
    }

    #[test]
    fn an_edge_regex_without_a_dfa_runs_as_a_regex() {
        // A Unicode word boundary has no DFA of its own here.
        let edge = EdgeRegex::new(r"(?u:\b)x", Edge::Before);
        assert!(edge.dfa().is_none());
        assert!(edge.matches(" x".as_bytes()));
        assert!(!edge.matches("éx".as_bytes()));
    }

    #[test]
    fn a_value_group_around_the_whole_match_is_known_as_such() {
        for whole in [
            r"(?P<value>[0-9]+\.[0-9]+)\b",
            r"\b(?P<value>[0-9]+)\b",
            r"(?<value>abc)",
        ] {
            assert!(value_is_whole_match(&parsed(whole)), "{whole}");
        }
        for part in [
            r"pwd=(?P<value>[a-z]+)",
            r"(?P<value>[0-9]+)x",
            r"(?P<value>[0-9]+)|x",
            r"(?P<other>[0-9]+)",
            r"[0-9]+",
        ] {
            assert!(!value_is_whole_match(&parsed(part)), "{part}");
        }
        // The coordinates rule's value is its whole match; the password rule's is not.
        let set = set();
        let value_of = |id: &str| {
            let rule = set.find_rule(id).unwrap();
            let pattern = set.pattern_rule.iter().position(|&r| r == rule).unwrap();
            set.pattern_value[pattern].is_some()
        };
        assert!(!value_of("geo-coordinates"));
        assert!(value_of("password"));
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
    fn the_double_colon_of_source_code_is_no_ipv6_candidate() {
        let set = set();
        let ipv6 = set.find_rule("ipv6").unwrap();
        let mut scanner = Scanner::new(&set);
        let mut offered = |hay: &[u8]| {
            // Offsets, not values: a failing test prints no data.
            let mut spans = Vec::new();
            scanner.scan(hay, hay.len(), true, |_, c| {
                if c.rule == ipv6 {
                    spans.push((c.start, c.end));
                }
                false
            });
            spans
        };
        // Paths (`std::cmp`, `Zone_::fe80`) and bare `::` are never offered to the judge, nor
        // paths whose names are hex digits up to a `_` or a letter (`::c_int`, `c::AF_INET`,
        // `f64::MAX`, `<T>::add_one`), which source code is full of.
        let code = b"use std::cmp::Ordering; let z = Zone_::fe80; match x { _ => y::z :: w }";
        assert_eq!(offered(code), []);
        let code = b"fn f() -> ::c_int { c::AF_INET + c::c_int::MAX } f64::MAX; <T>::add_one(1)";
        assert_eq!(offered(code), []);
        // Addresses that start with `::` still are, after a non-word byte.
        let text = b"from ::ffff:81.2.69.160 and [::1]:80, fe80::1 too";
        assert_eq!(offered(text), [(5, 23), (29, 32), (38, 45)]);
    }

    #[test]
    fn candidates_crossing_the_cut_are_left_to_the_next_chunk() {
        let set = set();
        let mut scanner = Scanner::new(&set);
        // Past the context the next chunk keeps before a left-over candidate.
        let mut hay = b"x ".repeat(crate::read::LOOKBEHIND);
        let start = hay.len() + 5;
        hay.extend_from_slice(b"mail jane@acme-corp.io and more");
        for (limit, left_over) in [(start + 3, true), (hay.len(), false), (start, false)] {
            let mut n = 0;
            let resume = scanner.scan_from(&hay, 0, limit, false, false, |_, _| {
                n += 1;
                true
            });
            // Crossing the cut: left over, searched again from its start by the next chunk.
            // Ending before it: judged. Starting at it: the next chunk's.
            let (want_resume, want_judged) = match (left_over, limit == start) {
                (true, _) => (start, 0),
                (false, true) => (start, 0),
                (false, false) => (limit, 1),
            };
            assert_eq!((resume, n), (want_resume, want_judged), "limit {limit}");
        }
        // Touching the end of a non-final chunk: left over; in the final one, judged.
        let hay = &hay[..hay.len() - 9];
        let mut n = 0;
        let resume = scanner.scan_from(hay, 0, hay.len(), false, false, |_, _| {
            n += 1;
            true
        });
        assert_eq!((resume, n), (start, 0));
        scanner.scan(hay, hay.len(), true, |_, _| {
            n += 1;
            true
        });
        assert_eq!(n, 1);
    }

    #[test]
    fn prefix_words_gate_bounded_patterns_starting_with_rare_words() {
        let words = |p: &str| prefix_words(&parsed(p));
        assert_eq!(
            words(r"\$2[aby]?\$[0-9]{2}\$[./A-Za-z0-9]{53}"),
            Some(vec![
                "$2$".to_string(),
                "$2a$".into(),
                "$2b$".into(),
                "$2y$".into()
            ])
        );
        // Letters start words found everywhere in text: not worth a gate.
        assert_eq!(words(r"(?i:password|pwd)=[^\s]{1,64}"), None);
        // Unbounded, or without a required prefix: searched everywhere.
        assert_eq!(words(r"\$1\$[a-z]+"), None);
        assert_eq!(words(r"[0-9]{3}-[0-9]{4}"), None);
        assert_eq!(words(r"\$|x"), None);
        let set = set();
        let gated = (0..set.pattern_rule.len())
            .filter(|&p| set.pattern_gated[p])
            .map(|p| set.rules[set.pattern_rule[p]].rule.id.as_str())
            .collect::<Vec<_>>();
        assert!(gated.contains(&"password-hash"), "{gated:?}");
    }

    #[test]
    fn prefix_gated_patterns_offer_what_one_regex_over_all_patterns_offers() {
        let gated = set();
        // The same rules with every pattern in the one regex searched over every byte.
        let mut everywhere = set();
        let all: Vec<String> = everywhere
            .rules
            .iter()
            .flat_map(|r| r.rule.regexes().cloned())
            .collect();
        let all_refs: Vec<&str> = all.iter().map(String::as_str).collect();
        everywhere.ungated = engine(&all_refs, (0..all.len()).collect()).unwrap();
        everywhere.pattern_local = (0..all.len()).collect();
        everywhere.pattern_gated = vec![false; all.len()];
        everywhere.gated = None;
        everywhere.prefix_gate = None;
        assert!(gated.pattern_gated.iter().any(|&g| g));
        // Every rule's examples and counterexamples, next to each other and to `$` noise.
        let mut text = String::new();
        for (i, rule) in gated.rules.iter().enumerate() {
            for example in rule.rule.examples.iter().chain(&rule.rule.counterexamples) {
                let sep = ["\n", " $ ", "$", " ", "\t$$", "="][i % 6];
                text.push_str(example);
                text.push_str(sep);
            }
        }
        let text = text.repeat(3);
        for accept in [true, false] {
            let offered = |set: &RuleSet| {
                let mut offered = Vec::new();
                Scanner::new(set).scan(text.as_bytes(), text.len(), true, |_, c| {
                    offered.push((c.rule, c.start, c.end));
                    accept
                });
                offered
            };
            let (g, e) = (offered(&gated), offered(&everywhere));
            assert!(g.len() > 100, "{}", g.len());
            assert!(
                g == e,
                "accept {accept}: {} vs {} candidates",
                g.len(),
                e.len()
            );
        }
    }

    #[test]
    fn patterns_that_can_start_with_a_letter_or_digit_have_no_prefix_words() {
        // What lets the rule set skip `prefix_words` for them.
        let rules = crate::rules::load_rules(&[] as &[&std::path::Path]).unwrap();
        let patterns: Vec<&String> = rules.iter().flat_map(|r| r.regexes()).collect();
        let (mut skipped, mut gated) = (0, 0);
        for p in patterns {
            if starts_alphanumeric(&first_bytes(&parsed(p))) {
                assert_eq!(prefix_words(&parsed(p)), None, "{p}");
                skipped += 1;
            } else {
                gated += usize::from(prefix_words(&parsed(p)).is_some());
            }
        }
        assert!(skipped > 20 && gated >= 3, "{skipped} {gated}");
    }

    #[test]
    fn first_bytes_are_a_superset() {
        let f = first_bytes(&parsed(r"\b(?:ab|[0-9]c)x"));
        assert!(f[b'a' as usize] && f[b'5' as usize]);
        assert!(!f[b'b' as usize] && !f[b'x' as usize]);
        let f = first_bytes(&parsed(r"(?i)\bpassport"));
        assert!(f[b'p' as usize] && f[b'P' as usize] && !f[b'a' as usize]);
        assert!(first_bytes(&parsed(r"a?b*")).iter().all(|&x| x));
        let f = first_bytes(&parsed(r"(?:\+|%2[Bb])[1-9]"));
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

    /// The built-in rules and, last, rule `id` with only `pattern` and `keywords`.
    fn set_with_rule(id: &str, pattern: &str, keywords: &[&str]) -> RuleSet {
        let mut rules = crate::rules::load_rules(&[] as &[&std::path::Path]).unwrap();
        let mut extra = rules[0].clone();
        extra.id = id.into();
        extra.pattern = pattern.into();
        extra.patterns.clear();
        extra.keys.clear();
        extra.validator = None;
        extra.keywords = keywords.iter().map(|k| k.to_string()).collect();
        rules.push(extra);
        RuleSet::new(rules, Policy::builtin()).unwrap()
    }

    /// The built-in rules and one rule gated by its keyword.
    fn set_with_gated_rule() -> RuleSet {
        set_with_rule("badge", r"\bB-[0-9]{6}\b", &["badge"])
    }

    /// The candidates offered over `hay` with the sieve in `sieve` mode, judge accepting all.
    fn offered(set: &RuleSet, hay: &[u8], sieve: SieveUse) -> Vec<(usize, usize, usize)> {
        let mut scanner = Scanner::new(set);
        scanner.sieve = sieve;
        let mut offered = Vec::new();
        scanner.scan(hay, hay.len(), true, |_, c| {
            offered.push((c.start, c.end, c.rule));
            true
        });
        offered
    }

    #[test]
    fn a_rule_that_can_match_nothing_turns_the_sieve_off() {
        // An empty match at a line start, listed after email: the search must still offer the
        // email that starts there.
        let set = set_with_rule("code", r"(?m)^(?:[A-Z]{2}[0-9]{6})?", &[]);
        assert!(set.sieve().is_none());
        let mut hay = b"plain words and more plain words\n".repeat(30);
        hay.extend_from_slice(b"ana.souza@example.org wrote this\n");
        hay.extend(b"plain words and more plain words\n".repeat(30));
        let email = set.find_rule("email").unwrap();
        let sieved = offered(&set, &hay, SieveUse::Always);
        assert!(sieved.iter().any(|&(s, _, r)| r == email && hay[s] == b'a'));
        assert_eq!(sieved, offered(&set, &hay, SieveUse::Never));
    }

    #[test]
    fn the_sieve_pauses_after_dense_chunks_and_resumes_on_sparse_ones() {
        let set = set();
        let mut scanner = Scanner::new(&set);
        let dense = b"10.0.0.1 ".repeat(2000);
        let sparse = b"plain words and more plain words\n".repeat(600);
        assert!(dense.len() >= SIEVE_MIN_LEN && sparse.len() >= SIEVE_MIN_LEN);
        let scan = |scanner: &mut Scanner, hay: &[u8]| {
            scanner.scan(hay, hay.len(), true, |_, _| true);
            scanner.sieved
        };
        // Before the warm-up is over, never.
        assert!(!scan(&mut scanner, &sparse));
        scanner.searched = SIEVE_WARM_UP;
        assert!(scan(&mut scanner, &sparse));
        // Dense: it gives up, and pauses for as many bytes as the chunk held.
        assert!(!scan(&mut scanner, &dense));
        assert_eq!(scanner.sieve_paused_until, scanner.searched + dense.len());
        assert!(!scan(&mut scanner, &sparse));
        // Giving up again in a row doubles the pause.
        for times in [2, 4, 8] {
            scanner.searched = scanner.sieve_paused_until;
            assert!(!scan(&mut scanner, &dense));
            assert_eq!(
                scanner.sieve_paused_until,
                scanner.searched + times * dense.len()
            );
        }
        // Past the pause, a sparse chunk is sieved again, and the pause starts over.
        scanner.searched = scanner.sieve_paused_until;
        assert!(scan(&mut scanner, &sparse));
        assert!(!scan(&mut scanner, &dense));
        assert_eq!(scanner.sieve_paused_until, scanner.searched + dense.len());
        // Give-ups in a row double the pause until it reaches SIEVE_MAX_PAUSE, and no further.
        for _ in 0..16 {
            scanner.searched = scanner.sieve_paused_until;
            assert!(!scan(&mut scanner, &dense));
        }
        assert_eq!(
            scanner.sieve_paused_until,
            scanner.searched + SIEVE_MAX_PAUSE
        );
        assert!(scanner.sieve_pause <= 2 * SIEVE_MAX_PAUSE / dense.len());
        // However many there were before, the pause stays at SIEVE_MAX_PAUSE.
        let many = SIEVE_MAX_PAUSE / dense.len() + 1;
        scanner.sieve_pause = many;
        scanner.searched = scanner.sieve_paused_until;
        assert!(!scan(&mut scanner, &dense));
        assert_eq!(
            scanner.sieve_paused_until,
            scanner.searched + SIEVE_MAX_PAUSE
        );
        assert_eq!(scanner.sieve_pause, many);
        // `Always` never pauses.
        scanner.sieve = SieveUse::Always;
        assert!(scan(&mut scanner, &dense));
    }

    #[test]
    fn gates_open_from_before_a_keyword_to_the_end_of_its_line() {
        let set = set_with_gated_rule();
        let badge = &set.rules[set.find_rule("badge").unwrap()].rule;
        assert!(rule_gated(badge));
        let unbounded = Rule {
            pattern: r"\bB-[0-9]+\b".into(),
            ..badge.clone()
        };
        assert!(
            !rule_gated(&unbounded),
            "a match of any length would outrun the gate"
        );
        assert!(!set
            .rules
            .iter()
            .any(|r| r.rule.id != "badge" && rule_gated(&r.rule)));
        let mut scanner = Scanner::new(&set);
        let far = "x".repeat(2 * GATE_REACH);
        let hay = format!("{far}\nid B-123456 Badge\n{far}\nbadge\n");
        scanner.find_gates(hay.as_bytes(), false, None);
        let first = far.len() + 1 + "id B-123456 ".len();
        let second = hay.rfind("badge").unwrap();
        assert_eq!(
            scanner.gates,
            [
                (first - GATE_REACH, first + "Badge\n".len()),
                (second - GATE_REACH, second + "badge\n".len())
            ]
        );
        assert!(scanner.gate_open(first - 3) && scanner.gate_open(first + 5));
        assert!(!scanner.gate_open(first + 6));
        scanner.find_gates(hay.as_bytes(), true, None);
        assert_eq!(scanner.gates, [(0, hay.len())]);

        let mut found = Vec::new();
        scanner.scan(hay.as_bytes(), hay.len(), true, |hay, c| {
            found.push(String::from_utf8_lossy(&hay[c.start..c.end]).into_owned());
            true
        });
        assert_eq!(found, ["B-123456"]);
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
