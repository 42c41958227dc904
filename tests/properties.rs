//! Properties of the engine that must hold for any input, checked with proptest:
//!
//! - chunked scanning finds exactly what whole-buffer scanning finds (same rules, offsets,
//!   lines, columns, fingerprints, confidence), whatever the chunk size;
//! - redaction never outputs the raw value;
//! - fingerprints do not change when lines are inserted above a finding.

use std::sync::OnceLock;

use piiscan::config::ScanOptions;
use piiscan::finding::{redact, Confidence, Finding, Redaction};
use piiscan::rules::{load_rules, Policy, RedactStyle};
use piiscan::scan::{RuleSet, Scanner};
use piiscan::search::search_bytes;
use proptest::prelude::*;

fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = load_rules(&[] as &[&std::path::Path]).expect("built-in rules load");
        RuleSet::new(rules, Policy::builtin()).expect("built-in rules compile")
    })
}

/// Valid identifiers of most built-in rules (the values of tests/common's PLANTED and more).
const IDENTIFIERS: &[&str] = &[
    "maria.garcia@correo-ejemplo.es",
    "jose.mueller@posteo.de",
    "83.149.9.216",
    "2a03:2880:f12f:83:face:b00c:0:25de",
    "+34 612 345 678",
    "(415) 867-5309",
    "4539 1488 0343 6467",
    "5425-2334-3010-9903",
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "536-22-1849",
    "3c:22:fb:9a:41:0e",
];

/// Words around the identifiers: context words, separators, multi-byte characters, invalid
/// UTF-8, keys, so that boundaries fall in every kind of place.
const FILLER: &[&str] = &[
    "the",
    "user",
    "email:",
    "ip=",
    "card",
    "phone",
    "iban",
    "version",
    "sha",
    "Zoë",
    "北京",
    "😀",
    "\u{fffd}",
    "ssn",
    "mac",
    "--",
    "\"",
    "\t",
    "GET /a?b=c",
    "1.2.3",
    "0x00ff",
];

/// One line of filler words with identifiers planted among them.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(FILLER).prop_map(|w| w.as_bytes().to_vec()),
            1 => prop::sample::select(IDENTIFIERS).prop_map(|w| w.as_bytes().to_vec()),
            1 => Just(vec![0xC3]), // a stray UTF-8 lead byte
        ],
        0..60,
    )
    .prop_map(|words| words.join(&b' '))
}

/// A text of lines, sometimes with a line longer than any overlap.
fn text() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(line(), 1..120),
        prop::option::of(0usize..120),
    )
        .prop_map(|(lines, long_at)| {
            let mut lines = lines;
            if let Some(at) = long_at {
                let at = at % lines.len();
                let long = lines.concat();
                lines[at] = long.repeat(3);
            }
            lines.join(&b'\n')
        })
}

type Key = (usize, u64, u64, u64, u64, u64, String, Confidence);

fn key(f: &Finding) -> Key {
    (
        f.rule,
        f.byte_offset,
        f.length,
        f.line,
        f.column,
        f.column_utf16,
        f.fingerprint.clone(),
        f.confidence,
    )
}

fn scan(text: &[u8], path: &str, chunk_size: usize) -> Vec<Finding> {
    let mut scanner = Scanner::new(rule_set());
    let options = ScanOptions {
        min_confidence: Confidence::Low,
        chunk_size,
        ..ScanOptions::default()
    };
    search_bytes(&mut scanner, text, path, &options)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn chunked_scanning_finds_what_whole_buffer_scanning_finds(
        text in text(),
        chunk_size in 2048usize..20_000,
    ) {
        let whole: Vec<Key> = scan(&text, "t.log", ScanOptions::default().chunk_size)
            .iter()
            .map(key)
            .collect();
        let chunked: Vec<Key> = scan(&text, "t.log", chunk_size).iter().map(key).collect();
        prop_assert_eq!(chunked, whole, "chunk size {}, {} bytes", chunk_size, text.len());
    }

    #[test]
    fn fingerprints_do_not_change_when_lines_are_inserted_above(
        text in text(),
        inserted in prop::collection::vec("[a-z]{1,12}( [a-z]{1,12}){0,8}", 1..30),
    ) {
        let before: Vec<(usize, String)> = scan(&text, "t.log", ScanOptions::default().chunk_size)
            .iter()
            .map(|f| (f.rule, f.fingerprint.clone()))
            .collect();
        let mut moved = inserted.join("\n").into_bytes();
        moved.push(b'\n');
        let shift = moved.len() as u64;
        moved.extend_from_slice(&text);
        let after = scan(&moved, "t.log", ScanOptions::default().chunk_size);
        prop_assert!(after.iter().all(|f| f.byte_offset >= shift), "a finding in the filler");
        let after: Vec<(usize, String)> =
            after.iter().map(|f| (f.rule, f.fingerprint.clone())).collect();
        prop_assert_eq!(after, before);
    }

    #[test]
    fn redaction_never_outputs_the_raw_value(
        value in "[A-Za-z0-9][A-Za-z0-9@.%+_:/ -]{3,40}",
    ) {
        for style in [RedactStyle::Tail, RedactStyle::Email, RedactStyle::Shape] {
            for mode in [Redaction::Partial, Redaction::Full] {
                let shown = redact(value.as_bytes(), style, mode);
                prop_assert_ne!(&shown, &value, "{:?}/{:?}", style, mode);
                prop_assert!(
                    !shown.contains(value.as_str()),
                    "{:?}/{:?} shows the value: {}", style, mode, shown
                );
            }
        }
    }

    #[test]
    fn redaction_hides_every_planted_identifier_in_every_rule_style(
        pick in 0..IDENTIFIERS.len(),
    ) {
        let value = IDENTIFIERS[pick];
        for rule in &rule_set().rules {
            for mode in [Redaction::Partial, Redaction::Full] {
                let shown = redact(value.as_bytes(), rule.rule.redact, mode);
                prop_assert!(!shown.contains(value), "{}: {}", rule.rule.id, shown);
            }
        }
    }
}

/// Every planted identifier is actually found by the generator's scan (the properties above
/// would hold trivially for a scanner that finds nothing).
#[test]
fn the_planted_identifiers_are_found() {
    let text = IDENTIFIERS.join(" and ");
    let found = scan(text.as_bytes(), "t.log", ScanOptions::default().chunk_size);
    assert!(
        found.len() >= IDENTIFIERS.len() - 1,
        "{} found",
        found.len()
    );
}
