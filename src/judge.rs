//! Judging a candidate: validate it (as it reads before URL or JSON escaping), weigh the key or
//! column it sits under and the words around it, settle its confidence.

use crate::finding::{Confidence, Explain};
use crate::scan::{Candidate, KeywordScan, RuleSet, WordRole};
use crate::structured::{self, Shape};
use crate::validate::Check;

/// How far around a match (on its line) context words are looked for.
pub const CONTEXT_WINDOW: usize = 64;

/// How far before a match negative words (version, sha, ...) are looked for.
pub const NEGATIVE_WINDOW: usize = 24;

/// The judge's decision on one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not personal data of this kind: other rules may still claim these bytes.
    Reject,
    /// Personal data, but allowlisted or well-known test data: counted, not reported.
    Suppressed,
    /// Personal data, with a confidence (and the reasons, when asked).
    Keep {
        confidence: Confidence,
        /// Where in the haystack the key the value is assigned to is, when there is one: a
        /// string only for formats that show it.
        key: Option<std::ops::Range<usize>>,
        explain: Option<Box<Explain>>,
    },
}

/// Where a candidate sits, as far as the structure of its input goes.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    pub shape: &'a Shape,
    /// `hay` begins at the start of a line.
    pub at_line_start: bool,
    /// `hay` begins at the start of the input (so its first line may be a CSV header).
    pub at_input_start: bool,
    /// The candidate comes from the structured pass: its key or column is its only evidence,
    /// so it does not raise its confidence again.
    pub by_key: bool,
    /// The fields of the line last looked at, shared by the candidates of one chunk.
    pub fields: Option<&'a structured::LineFields>,
    /// Where keywords may start in the chunk, as far as its candidates' windows have looked.
    pub keywords: Option<&'a KeywordScan>,
}

static PLAIN: Shape = Shape::Plain;

impl Site<'_> {
    /// The line holding `hay[start..end]` (see [`structured::LineFields::line_around`]).
    pub fn line_around(&self, hay: &[u8], start: usize, end: usize) -> (usize, usize) {
        match self.fields {
            Some(cache) => cache.line_around(hay, start, end),
            None => structured::LineFields::default().line_around(hay, start, end),
        }
    }

    /// [`context_window`] around `hay[start..end]`, cut from the line the chunk's cache holds
    /// when it is this one (a CSV row's values, a log line's fields share it): two searches
    /// for line breaks per candidate were 3.4% of a dense export's instructions. Another line
    /// is not looked up whole: in source code, where most candidates are rejected, that cost
    /// more than the two short searches.
    pub fn context_window(&self, hay: &[u8], start: usize, end: usize) -> (usize, usize) {
        match self.fields.and_then(|cache| cache.known_line(start, end)) {
            Some((line_start, line_end)) => (
                line_start.max(start.saturating_sub(CONTEXT_WINDOW)),
                line_end.min(end + CONTEXT_WINDOW),
            ),
            None => context_window(hay, start, end),
        }
    }

    /// The field of `line` that byte `at` lies in (see [`structured::Header::field_at`]).
    pub fn field_at(
        &self,
        header: &structured::Header,
        line: &[u8],
        at: usize,
    ) -> Option<(usize, (usize, usize))> {
        match self.fields {
            Some(cache) => header.field_at_cached(line, at, cache),
            None => header.field_at(line, at),
        }
    }
}

impl Site<'static> {
    /// Unstructured text.
    pub fn plain() -> Site<'static> {
        Site {
            shape: &PLAIN,
            at_line_start: true,
            at_input_start: false,
            by_key: false,
            fields: None,
            keywords: None,
        }
    }
}

/// The key a value sits under: assigned on its line (`email=`, `"email": "`), or its CSV
/// column's name.
#[derive(Debug, Clone)]
enum Key<'h> {
    Assigned(std::ops::Range<usize>),
    /// A column's name, whether the rule lists it, and the column's index.
    Column(&'h [u8], bool, usize),
}

/// Decide on `cand` inside `hay`, in unstructured text.
pub fn judge(set: &RuleSet, hay: &[u8], cand: Candidate, explain: bool) -> Verdict {
    judge_at(set, hay, cand, explain, Site::plain())
}

/// Decide on `cand` inside `hay`, knowing where it sits.
pub fn judge_at(set: &RuleSet, hay: &[u8], cand: Candidate, explain: bool, site: Site) -> Verdict {
    let compiled = &set.rules[cand.rule];
    let raw = &hay[cand.value_start..cand.value_end];
    // Validators judge the value as written before URL or JSON escaping (`%40`, `\u0040`).
    let mut decoded = [0u8; structured::MAX_VALUE];
    let value = structured::unescape(raw, &mut decoded);
    let base = compiled.rule.confidence;
    let (lo, hi) = site.context_window(hay, cand.start, cand.end);
    if compiled
        .preceded_by
        .as_ref()
        .is_some_and(|re| re.matches(&hay[lo..cand.value_start]))
        || compiled
            .followed_by
            .as_ref()
            .is_some_and(|re| re.matches(&hay[cand.value_end..hi]))
    {
        return Verdict::Reject;
    }
    let mut check_text = None;
    let mut confidence = base;
    let mut capped = false;
    let mut lowered = false;
    let mut doubted = false;
    if let Some(validator) = compiled.validator {
        match validator(value) {
            Check::Reject => return Verdict::Reject,
            Check::Weak(why) if set.allowlist.builtin && crate::validate::is_test_data(why) => {
                return Verdict::Suppressed;
            }
            Check::Weak(why) => {
                confidence = Confidence::Low;
                capped = true;
                check_text = Some(why);
            }
            Check::Lower(why) => {
                lowered = true;
                check_text = Some(why);
            }
            Check::Doubt(why) => {
                doubted = true;
                check_text = Some(why);
            }
            Check::Pass => check_text = Some("pass"),
        }
    }
    if set.allowlist.allows(value) || set.allowlist.allows(raw) {
        return Verdict::Suppressed;
    }

    let mut ev = Evidence {
        explain,
        ..Evidence::default()
    };
    // The key a value is assigned to (`version = "1.2.3.4"`, `"email": ...`), or the column
    // it fills, is the strongest evidence there is: when it speaks, the rest of the line is not
    // consulted, and a rule's required keyword must be in it (or just before it: `ship to:`),
    // not in some other field of the record.
    let key = column_key(hay, cand, &site)
        .map(|(name, listed, column)| Key::Column(name, listed, column))
        .or_else(|| key_before(hay, cand.start).map(Key::Assigned));
    // A rule that needs a keyword, with no key to lend one, needs it in the window: most such
    // candidates (pairs of decimals in source code) have none, told without the word walk.
    if key.is_none() && !set.may_hold_keyword_in(cand.rule, hay, lo..hi, site.keywords) {
        return Verdict::Reject;
    }
    let mut listed_key = None;
    if let Some(key) = &key {
        let (text, range, listed) = match key {
            Key::Assigned(r) => (hay, r.clone(), set.keys.lists(cand.rule, &hay[r.clone()])),
            Key::Column(name, listed, _) => (*name, 0..name.len(), *listed),
        };
        if listed {
            // A listed key is the rule's keyword, and raises confidence, unless it is what
            // found the value in the first place.
            ev.keyword_seen = true;
            ev.listed_key = true;
            ev.raise |= !site.by_key;
            if explain {
                listed_key = Some(String::from_utf8_lossy(&text[range.clone()]).into_owned());
            }
        }
        match (key, site.fields) {
            // A column's name says the same to every row: read once per chunk.
            (Key::Column(name, _, column), Some(fields)) if !explain => {
                let words = fields.column_words(*column, cand.rule, set.rules.len(), || {
                    name_words(set, cand.rule, name)
                });
                ev.keyword_seen |= words.keyword;
                ev.raise |= words.context;
                ev.lower |= words.negative;
            }
            _ => set.words_near(cand.rule, text, range, |role, word, _| ev.note(role, word)),
        }
        if let Key::Assigned(r) = key {
            if set.has_keywords(cand.rule) && !ev.keyword_seen {
                let from = r.start.saturating_sub(NEGATIVE_WINDOW).max(lo);
                let from = field_start(hay, from, r.start);
                set.words_near(cand.rule, hay, from..r.start, |role, _, _| {
                    ev.keyword_seen |= role == WordRole::Keyword;
                });
            }
        }
    }
    // A value the structured pass found by its column fills the cell: the column that lists
    // the rule is its evidence, and the other cells of the row are other values, not words
    // about this one (under a JSON key, by contrast, the keys around it describe the record
    // it belongs to).
    let whole_cell = site.by_key && matches!(key, Some(Key::Column(_, true, _)));
    if !ev.raise && !ev.lower && !whole_cell {
        // The match itself is cut out of the window so that a value never counts as its own
        // context.
        // Negative words count only just before the value (`version 1.2.3.4`, `sha: ...`): a
        // `release` further along a log line says nothing about the address at its start.
        let near = cand.start.saturating_sub(NEGATIVE_WINDOW).max(lo);
        let keyed = key.is_some();
        for (part, negatives) in [
            (lo..near, false),
            (near..cand.start, true),
            (cand.end..hi, false),
        ] {
            set.words_near(cand.rule, hay, part, |role, word, end| {
                // A negative word describes the field it stands in (`sha256:ab12…`), not a
                // value in the next field of a CSV row or log record.
                let same_field = || {
                    !hay[end..cand.start]
                        .iter()
                        .any(|b| matches!(b, b',' | b';' | b'|' | b'\t'))
                };
                match role {
                    // Under a key, a keyword elsewhere on the line belongs to another field;
                    // so does a keyword that is itself the key of another value.
                    WordRole::Keyword if keyed || assigns(hay, end) => {}
                    WordRole::Negative if !(negatives && same_field()) => {}
                    _ => ev.note(role, word),
                }
            });
        }
    } else if set.has_keywords(cand.rule) && !ev.keyword_seen && key.is_none() {
        for part in [lo..cand.start, cand.end..hi] {
            set.words_near(cand.rule, hay, part, |role, _, end| {
                ev.keyword_seen |= role == WordRole::Keyword && !assigns(hay, end);
            });
        }
    }
    if set.has_keywords(cand.rule) && !ev.keyword_seen {
        return Verdict::Reject;
    }
    if !capped {
        if ev.raise && !ev.lower {
            confidence = confidence.raise();
        } else if ev.lower && !ev.raise {
            confidence = confidence.lower();
        }
        if lowered || (doubted && !ev.listed_key) {
            confidence = confidence.lower();
        }
    }
    let Evidence {
        context_words,
        negative_words,
        ..
    } = ev;
    let explain = explain.then(|| {
        Box::new(Explain {
            base,
            validator: compiled.rule.validator.clone(),
            check: check_text.map(str::to_string),
            key: listed_key,
            context_words,
            negative_words,
        })
    });
    Verdict::Keep {
        confidence,
        key: match key {
            Some(Key::Assigned(k)) => Some(k),
            _ => None,
        },
        explain,
    }
}

/// What the words around a candidate said.
#[derive(Default)]
struct Evidence {
    explain: bool,
    keyword_seen: bool,
    /// The value is assigned to, or fills the column of, a key the rule lists.
    listed_key: bool,
    raise: bool,
    lower: bool,
    context_words: Vec<String>,
    negative_words: Vec<String>,
}

impl Evidence {
    fn note(&mut self, role: WordRole, word: &str) {
        match role {
            WordRole::Keyword | WordRole::Context => {
                self.keyword_seen |= role == WordRole::Keyword;
                self.raise = true;
                if self.explain {
                    self.context_words.push(word.to_string());
                }
            }
            WordRole::Negative => {
                self.lower = true;
                if self.explain {
                    self.negative_words.push(word.to_string());
                }
            }
        }
    }
}

/// Whether the word ending at `end` is a key with its own value (`"routing": `, `aba=`).
fn assigns(hay: &[u8], end: usize) -> bool {
    // Look past the context window's end: the key's `":` may lie just beyond it.
    let rest = &hay[end..(end + 40).min(hay.len())];
    let skip = rest
        .iter()
        .position(|b| !matches!(b, b'"' | b'\'' | b' ' | b'_' | b'-'))
        .unwrap_or(rest.len());
    // `routing_number":` is a key too: skip a trailing key word.
    let rest = &rest[skip..];
    let word = rest
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let rest = if skip > 0 && rest.first().is_some_and(u8::is_ascii_alphabetic) {
        &rest[word..]
    } else {
        rest
    };
    let rest = &rest[rest
        .iter()
        .position(|b| !matches!(b, b'"' | b'\'' | b' '))
        .unwrap_or(rest.len())..];
    matches!(rest.first(), Some(b':' | b'='))
}

/// The start of the field that ends at `end`: after the last separator (`,`, `;`, `&`, `{`,
/// `"`, `=`, `:`...) in `hay[from..end]`.
fn field_start(hay: &[u8], from: usize, end: usize) -> usize {
    hay[from..end]
        .iter()
        .rposition(|b| b",;&{}[]|\t\"'=:<>".contains(b))
        .map_or(from, |p| from + p + 1)
}

/// What the words of a column's `name` say to `rule`, as [`Evidence::note`] hears them.
fn name_words(set: &RuleSet, rule: usize, name: &[u8]) -> structured::NameWords {
    let mut ev = Evidence::default();
    set.words_near(rule, name, 0..name.len(), |role, word, _| {
        ev.note(role, word)
    });
    structured::NameWords {
        keyword: ev.keyword_seen,
        context: ev.raise,
        negative: ev.lower,
    }
}

/// The name of the field (CSV/TSV column, access-log field) whose whole content `cand`'s value
/// is, whether `cand`'s rule lists it, and the field's index.
fn column_key<'s>(hay: &[u8], cand: Candidate, site: &Site<'s>) -> Option<(&'s [u8], bool, usize)> {
    let Shape::Fields(header) = site.shape else {
        return None;
    };
    let (line_start, line_end) = site.line_around(hay, cand.value_start, cand.value_end);
    // A line that starts before the chunk is known only when the chunk starts at a line's
    // start; the first line of the input may be a CSV header.
    if line_start == 0 && !(site.at_line_start && !(site.at_input_start && header.header_row())) {
        return None;
    }
    let line = &hay[line_start..line_end];
    let at = cand.value_start - line_start;
    let (column, (s, e)) = site.field_at(header, line, at)?;
    if s != at || e != cand.value_end - line_start {
        return None;
    }
    Some((
        header.name(column)?,
        header.lists(column, cand.rule),
        column,
    ))
}

/// The part of the match's line within `CONTEXT_WINDOW` bytes of it.
pub fn context_window(hay: &[u8], start: usize, end: usize) -> (usize, usize) {
    let lo_bound = start.saturating_sub(CONTEXT_WINDOW);
    let hi_bound = (end + CONTEXT_WINDOW).min(hay.len());
    let lo = memchr::memrchr(b'\n', &hay[lo_bound..start]).map_or(lo_bound, |p| lo_bound + p + 1);
    let hi = memchr::memchr(b'\n', &hay[end..hi_bound]).map_or(hi_bound, |p| end + p);
    (lo, hi)
}

/// The key a value is assigned to on its line: `email=`, `email: `, `"email": "`, `<email>`.
pub fn key_before(hay: &[u8], value_start: usize) -> Option<std::ops::Range<usize>> {
    let lo = value_start.saturating_sub(CONTEXT_WINDOW);
    let mut i = value_start;
    let skip_quotes_spaces = |i: &mut usize| {
        while *i > lo && matches!(hay[*i - 1], b'"' | b'\'' | b' ' | b'\t') {
            *i -= 1;
        }
    };
    skip_quotes_spaces(&mut i);
    if i <= lo || !matches!(hay[i - 1], b'=' | b':' | b'>') {
        return None;
    }
    i -= 1;
    skip_quotes_spaces(&mut i);
    let end = i;
    while i > lo && (hay[i - 1].is_ascii_alphanumeric() || matches!(hay[i - 1], b'_' | b'-' | b'.'))
    {
        i -= 1;
    }
    // After `@` (or an escaped one, `%40`, `\u0040`) it is the end of a value, an email's
    // domain, not a key: `jane@example.org=+44 ...`.
    if i > lo && matches!(hay[i - 1], b'@' | b'%' | b'\\') {
        return None;
    }
    (i < end).then_some(i..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::scan::Scanner;

    /// The verdicts of `rule` on `text`, as (value, confidence) for those it keeps.
    fn kept(rule: &str, text: &str) -> Vec<(String, Confidence)> {
        let set = RuleSet::built_in();
        let index = set.find_rule(rule).unwrap();
        let mut scanner = Scanner::new(&set);
        let mut out = Vec::new();
        let hay = text.as_bytes();
        scanner.scan(hay, hay.len(), true, |hay, cand| {
            if cand.rule != index {
                return false;
            }
            match judge(&set, hay, cand, false) {
                Verdict::Keep { confidence, .. } => {
                    out.push((
                        String::from_utf8_lossy(&hay[cand.value_start..cand.value_end]).into(),
                        confidence,
                    ));
                    true
                }
                _ => false,
            }
        });
        out
    }

    #[test]
    fn a_required_keyword_must_belong_to_the_values_field() {
        // The keyword is the key of another value on the line.
        assert!(kept("us-bank-routing", r#"{"id":"021000021","routing":"x"}"#).is_empty());
        assert!(kept("us-bank-routing", "ref 021000021 aba=none").is_empty());
        // It is the value's own key, or in the same field just before the key.
        assert_eq!(
            kept("us-bank-routing", r#"{"routing":"021000021"}"#).len(),
            1
        );
        assert_eq!(
            kept("us-bank-routing", "routing number: 021000021").len(),
            1
        );
        assert_eq!(
            kept("us-bank-routing", "ach payout routing 021000021 ok").len(),
            1
        );
        assert!(kept("imei", r#"{"order":"490154203237518","imei":"n/a"}"#).is_empty());
    }

    #[test]
    fn a_listed_key_raises_confidence() {
        let plain = kept("phone", "call 212-736-3100 now");
        let keyed = kept("phone", r#"{"mobile":"212-736-3100"}"#);
        assert_eq!(plain[0].1, Confidence::High);
        assert_eq!(keyed[0].1, Confidence::High);
        let plain = kept("mac-address", "seen 3c:22:fb:9a:41:0e");
        let keyed = kept("mac-address", "wifi_mac=3c:22:fb:9a:41:0e");
        assert_eq!(plain[0].1, Confidence::Medium);
        assert_eq!(keyed[0].1, Confidence::High);
    }

    #[test]
    fn coarse_coordinates_are_one_level_lower() {
        assert_eq!(
            kept("geo-coordinates", "gps 52.520008, 13.404954")[0].1,
            Confidence::High
        );
        assert_eq!(
            kept("geo-coordinates", "gps 52.52, 13.40")[0].1,
            Confidence::Medium
        );
    }

    #[test]
    fn a_listed_key_settles_a_doubtful_shape() {
        // Ungrouped card digits: low alone, medium next to a card word, high under a card key
        // (as grouped ones are anywhere a card word raises them).
        let level = |text| kept("credit-card", text).first().map(|k| k.1);
        assert_eq!(level("seeds 4539148803436467 and"), Some(Confidence::Low));
        assert_eq!(
            level("paid by visa 4539148803436467"),
            Some(Confidence::Medium)
        );
        assert_eq!(
            level("card_number=4539148803436467"),
            Some(Confidence::High)
        );
        assert_eq!(
            level("paid by visa 4539 1488 0343 6467"),
            Some(Confidence::High)
        );
        // Four small numbers: a section number until a key says it is an address.
        let level = |text| kept("ipv4", text).first().map(|k| k.1);
        assert_eq!(level("see 17.6.5.12 for details"), Some(Confidence::Low));
        assert_eq!(level("client_ip=17.6.5.12"), Some(Confidence::High));
        assert_eq!(level("see 81.6.5.12 for details"), Some(Confidence::Medium));
    }

    #[test]
    fn escaped_values_are_validated_decoded() {
        assert_eq!(kept("email", "to=jane%40posteo.de&x=1").len(), 1);
        assert_eq!(kept("email", r"to jane\u0040posteo.de").len(), 1);
        assert!(kept("email", "to=jane%40localhost&x=1").is_empty());
        assert_eq!(kept("phone", "p=%2B44%2020%203183%204967&x").len(), 1);
    }

    #[test]
    fn keys() {
        let k = |s: &str, at: usize| key_before(s.as_bytes(), at).map(|k| s[k].to_string());
        assert_eq!(k("email=a@b.co", 6).as_deref(), Some("email"));
        assert_eq!(
            k(r#"{"user_email": "a@b.co"}"#, 16).as_deref(),
            Some("user_email")
        );
        assert_eq!(k("<email>a@b.co", 7).as_deref(), Some("email"));
        assert_eq!(k("write to a@b.co", 9), None);
        // The end of an email before `=` or `>` is its domain, not a key.
        for text in [
            "jane@jane-doe.net=+44 7700 123456",
            "jane%40jane-doe.net=+44 7700 123456",
            r"jane\u0040jane-doe.net=+44 7700 123456",
            "<jane.doe@fabrikam-mail.com>+44 7700 123456",
        ] {
            assert_eq!(k(text, text.find('+').unwrap()), None, "{text}");
        }
    }

    #[test]
    fn words_that_are_keys_of_other_values() {
        let hay = br#"for 104 "routing":"1", aba=2, routing_number: 3, routing 4"#;
        let at = |w: &str| {
            let p = hay
                .windows(w.len())
                .position(|x| x == w.as_bytes())
                .unwrap();
            assigns(hay, p + w.len())
        };
        assert!(at("\"routing"));
        assert!(at("aba"));
        assert!(at(" routing"));
        assert!(!at("for"));
        let hay = b"routing 4";
        assert!(!assigns(hay, 7));
    }

    #[test]
    fn window_stays_on_the_line() {
        let hay = b"first line\nphone 555 second\nthird";
        let (lo, hi) = context_window(hay, 17, 20);
        assert_eq!(&hay[lo..hi], b"phone 555 second");
    }
}
