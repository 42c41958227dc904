//! Keeping personal data out of what piiscan prints besides its findings' values.
//!
//! Two places can repeat a value that the findings themselves redact:
//!
//! - error messages quote the file they are about: a parser names the offending string
//!   (`invalid type: string "536-22-1849"`), and the files in question (rules with examples,
//!   allowlists, baselines) are exactly the ones that hold personal data. [`message`] runs the
//!   built-in detectors over a message and redacts what they find, as in a finding;
//!   [`tar_message`] also hides the header field a tar error quotes, too short to be recognised.
//! - a finding's context (the key it is assigned to, its JSON pointer, its CSV column) is
//!   normally a field name, but a log line `83.149.9.216: user=...` or a JSON object keyed
//!   by e-mail address makes a value the key. [`key`] and [`pointer`] show such a segment as
//!   `*`. They run for every finding, so they are a cheap test of the segment's shape, not a
//!   scan.

use std::sync::OnceLock;

use crate::config::ScanOptions;
use crate::finding::Confidence;
use crate::rules::{load_rules, Policy};
use crate::scan::{RuleSet, Scanner};

fn builtin() -> Option<&'static RuleSet> {
    static SET: OnceLock<Option<RuleSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = load_rules(&[] as &[&std::path::Path]).ok()?;
        RuleSet::new(rules, Policy::builtin()).ok()
    })
    .as_ref()
}

/// `text` with every value the built-in detectors find in it (at any confidence) replaced by
/// its partial redaction.
pub fn message(text: &str) -> String {
    let Some(set) = builtin() else {
        return text.to_string();
    };
    let options = ScanOptions {
        min_confidence: Confidence::Low,
        ..ScanOptions::default()
    };
    let mut scanner = Scanner::new(set);
    let mut found = crate::search::search_bytes(&mut scanner, text.as_bytes(), "-", &options);
    found.sort_by_key(|f| f.byte_offset);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        let (start, end) = (f.byte_offset as usize, (f.byte_offset + f.length) as usize);
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&f.redacted);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The text that the tar crate quotes from a header field that is not a number, and what
/// follows it (`... was not a number: jane.doe@fab when getting size for customers.csv`).
const TAR_FIELD: [&str; 2] = [
    "numeric field was not a number: ",
    "numeric field did not have utf-8 text: ",
];
const TAR_FIELD_END: &str = " when getting ";

/// A tar error message (`io::Error` of the tar crate) as printed: the bytes of a header field
/// it quotes become one `*` each, and the rest goes through [`message`]. A damaged or crafted
/// header can hold anything there, and twelve bytes of a value are too few for the detectors
/// to recognise (`jane.doe@fab`).
pub fn tar_message(text: &str) -> String {
    let mut text = text.to_string();
    for quote in TAR_FIELD {
        let Some(start) = text.find(quote).map(|at| at + quote.len()) else {
            continue;
        };
        // A field is at most 12 bytes: it cannot hold the words that follow it.
        let end = text[start..]
            .find(TAR_FIELD_END)
            .map_or(text.len(), |len| start + len);
        let stars = "*".repeat(text[start..end].chars().count());
        text.replace_range(start..end, &stars);
    }
    message(&text)
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`), for a terminal or a line of
/// text: a file name may hold any of them.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Whether a field name looks like a value rather than a name: it holds an `@` (also escaped:
/// `%40`, `\u0040`), starts with `+` or `(`, has six digits or more, three colons or more, or
/// starts with a digit (short array indices and numbers excepted).
pub fn looks_like_value(segment: &str) -> bool {
    let digits = segment.bytes().filter(u8::is_ascii_digit).count();
    let all_digits = digits == segment.len();
    let bytes = segment.as_bytes();
    segment.contains('@')
        || bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%40"))
        || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0040"))
        || segment.starts_with(['+', '('])
        || digits >= 6
        || segment.bytes().filter(|&b| b == b':').count() >= 3
        || (segment.starts_with(|c: char| c.is_ascii_digit()) && !all_digits)
}

/// A key or column name as printed: `*` when it looks like a value.
pub fn key(name: String) -> String {
    if looks_like_value(&name) {
        "*".to_string()
    } else {
        name
    }
}

/// A JSON pointer (`/users/jane@example.org/phone`) as printed: each segment that looks like
/// a value becomes `*` (`/users/*/phone`).
pub fn pointer(pointer: String) -> String {
    if !pointer.split('/').any(looks_like_value) {
        return pointer;
    }
    pointer
        .split('/')
        .map(|s| if looks_like_value(s) { "*" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_their_values() {
        let m = message("bad.toml: invalid type: string \"536-22-1849\", expected a sequence");
        assert_eq!(
            m,
            "bad.toml: invalid type: string \"***-**-**49\", expected a sequence"
        );
        let m = message("unknown variant `zoe.li@kontakt.de`, expected one of `low`, `high`");
        assert!(
            !m.contains("zoe.li@kontakt.de") && m.contains("expected one of"),
            "{m}"
        );
        assert_eq!(message("no such file"), "no such file");
    }

    #[test]
    fn tar_messages_lose_the_field_they_quote() {
        assert_eq!(
            tar_message("numeric field was not a number: jane.doe@fab when getting size for a.csv"),
            "numeric field was not a number: ************ when getting size for a.csv"
        );
        assert_eq!(
            tar_message("numeric field did not have utf-8 text: jos\u{fffd}@posteo"),
            "numeric field did not have utf-8 text: ***********"
        );
        assert_eq!(
            tar_message("archive header checksum mismatch"),
            "archive header checksum mismatch"
        );
    }

    #[test]
    fn control_characters_are_escaped_for_printing() {
        assert!(matches!(
            printable("logs/a b.txt"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(printable("a\nb\u{1b}[31mc\td"), r"a\nb\u{1b}[31mc\td");
        assert_eq!(printable("zoë\r"), r"zoë\r");
    }

    #[test]
    fn keys_that_are_values() {
        for value in [
            "83.149.9.216",
            "zoe.li@kontakt.de",
            "+34 612 873 419",
            "(415) 867-5309",
            "GB82WEST12345698765432",
            "3c:22:fb:9a:41:0e",
            "2a03:2880:f12f:83:face:b00c:0:25de",
            "536-22-1849",
            "zoe.li%40kontakt.de",
            r"zoe.li\u0040kontakt.de",
            r"ZOE.LI\U0040KONTAKT.DE",
        ] {
            assert!(looks_like_value(value), "{value}");
        }
        for name in [
            "email",
            "client_ip",
            "user.id",
            "e164",
            "x-forwarded-for",
            "0",
            "12",
            "ipv4",
        ] {
            assert!(!looks_like_value(name), "{name}");
        }
        assert_eq!(
            pointer("/users/zoe.li@kontakt.de/phone".into()),
            "/users/*/phone"
        );
        assert_eq!(pointer("/users/0/phone".into()), "/users/0/phone");
        assert_eq!(
            pointer(r"/contacts/zoe.li\u0040kontakt.de/mobile".into()),
            "/contacts/*/mobile"
        );
    }
}
