//! Judging a candidate: validate it, weigh the words around it, settle its confidence.

use crate::finding::{Confidence, Explain};
use crate::scan::{Candidate, RuleSet, WordRole};
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
        /// The key the value is assigned to, when there is one.
        key: Option<String>,
        explain: Option<Box<Explain>>,
    },
}

/// Decide on `cand` inside `hay`.
pub fn judge(set: &RuleSet, hay: &[u8], cand: Candidate, explain: bool) -> Verdict {
    let compiled = &set.rules[cand.rule];
    let value = &hay[cand.value_start..cand.value_end];
    let base = compiled.rule.confidence;
    let (lo, hi) = context_window(hay, cand.start, cand.end);
    if compiled
        .preceded_by
        .as_ref()
        .is_some_and(|re| re.is_match(&hay[lo..cand.value_start]))
        || compiled
            .followed_by
            .as_ref()
            .is_some_and(|re| re.is_match(&hay[cand.value_end..hi]))
    {
        return Verdict::Reject;
    }
    let mut check_text = None;
    let mut confidence = base;
    let mut capped = false;
    if let Some(validator) = compiled.validator {
        match validator(value) {
            Check::Reject => return Verdict::Reject,
            Check::Weak(why) if set.allowlist.builtin && crate::validate::is_test_data(why) => {
                return Verdict::Suppressed;
            }
            Check::Weak(why) => {
                confidence = Confidence::Low;
                capped = true;
                check_text = Some(why.to_string());
            }
            Check::Pass => check_text = Some("pass".to_string()),
        }
    }
    if set.allowlist.allows(value) {
        return Verdict::Suppressed;
    }

    let mut keyword_seen = false;
    let mut context_words: Vec<String> = Vec::new();
    let mut negative_words: Vec<String> = Vec::new();
    let (mut raise, mut lower) = (false, false);
    let mut note = |role: WordRole, word: &str, raise: &mut bool, lower: &mut bool| match role {
        WordRole::Keyword | WordRole::Context => {
            keyword_seen |= role == WordRole::Keyword;
            *raise = true;
            if explain {
                context_words.push(word.to_string());
            }
        }
        WordRole::Negative => {
            *lower = true;
            if explain {
                negative_words.push(word.to_string());
            }
        }
    };
    // The key a value is assigned to (`version = "1.2.3.4"`, `"email": ...`) is the strongest
    // evidence there is: when it speaks, the rest of the line is not consulted.
    let key = key_before(hay, cand.start);
    if let Some(key) = key.clone() {
        set.words_near(cand.rule, hay, key, |role, word, _| {
            note(role, word, &mut raise, &mut lower)
        });
    }
    if !raise && !lower {
        // The match itself is cut out of the window so that a value never counts as its own
        // context.
        // Negative words count only just before the value (`version 1.2.3.4`, `sha: ...`): a
        // `release` further along a log line says nothing about the address at its start.
        let near = cand.start.saturating_sub(NEGATIVE_WINDOW).max(lo);
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
                if role != WordRole::Negative || (negatives && same_field()) {
                    note(role, word, &mut raise, &mut lower)
                }
            });
        }
    } else if set.has_keywords(cand.rule) && !keyword_seen {
        for part in [lo..cand.start, cand.end..hi] {
            set.words_near(cand.rule, hay, part, |role, _, _| {
                keyword_seen |= role == WordRole::Keyword;
            });
        }
    }
    if set.has_keywords(cand.rule) && !keyword_seen {
        return Verdict::Reject;
    }
    if !capped {
        if raise && !lower {
            confidence = confidence.raise();
        } else if lower && !raise {
            confidence = confidence.lower();
        }
    }
    let explain = explain.then(|| {
        Box::new(Explain {
            base,
            validator: compiled.rule.validator.clone(),
            check: check_text,
            context_words,
            negative_words,
        })
    });
    Verdict::Keep {
        confidence,
        key: key.map(|k| String::from_utf8_lossy(&hay[k]).into_owned()),
        explain,
    }
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
    (i < end).then_some(i..end)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn window_stays_on_the_line() {
        let hay = b"first line\nphone 555 second\nthird";
        let (lo, hi) = context_window(hay, 17, 20);
        assert_eq!(&hay[lo..hi], b"phone 555 second");
    }
}
