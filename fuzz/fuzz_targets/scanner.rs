//! The candidate scanner and the judge over arbitrary bytes, with the built-in rules: the
//! first two bytes pick a chunk size (at least 2 KiB, so the overlap holds any match), and
//! the findings of the chunked search must be exactly those of a whole-buffer search, and so
//! must those of a search after the sieve on every chunk, and (counted) those of a search in
//! parts from line starts, as threads search a large file for the data map.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use piiscan::config::ScanOptions;
use piiscan::finding::{Confidence, Finding, Redaction};
use piiscan::rules::{load_rules, Policy};
use piiscan::scan::{RuleSet, Scanner, SieveUse};
use piiscan::search::search_bytes;
use piiscan::split::search_bytes_in_parts;

fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = load_rules(&[] as &[&std::path::Path]).expect("built-in rules load");
        RuleSet::new(rules, Policy::builtin()).expect("built-in rules compile")
    })
}

type Key = (usize, u64, u64, u64, u64, u64, String, Confidence, String);

fn key(f: &Finding) -> Key {
    (
        f.rule,
        f.byte_offset,
        f.length,
        f.line,
        f.column,
        f.column_utf16,
        f.fingerprint.to_string(),
        f.confidence,
        f.redacted.clone(),
    )
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (head, text) = data.split_at(3);
    // Repeated to span several chunks (libFuzzer's inputs are short), so every cut falls at
    // another place in the fuzzer's bytes: inside values, lines and multi-byte characters.
    let text = &text.repeat((2 * 10240 / text.len().max(1)).clamp(1, 64));
    let chunk_size = 2048 + (u16::from_le_bytes([head[0], head[1]]) as usize % 8192);
    let path = match head[2] % 4 {
        0 => "input.txt",
        1 => "input.json",
        2 => "input.csv",
        _ => "input.tsv",
    };
    let set = rule_set();
    let mut scanner = Scanner::new(set);
    scanner.sieve = SieveUse::Never;
    let whole = ScanOptions {
        min_confidence: Confidence::Low,
        redaction: Redaction::Full,
        ..ScanOptions::default()
    };
    let expected: Vec<Key> = search_bytes(&mut scanner, text, path, &whole)
        .iter()
        .map(key)
        .collect();
    for f in &expected {
        assert!(f.1 + f.2 <= text.len() as u64, "a finding past the end");
    }
    let chunked = ScanOptions {
        chunk_size,
        ..whole
    };
    let got: Vec<Key> = search_bytes(&mut scanner, text, path, &chunked)
        .iter()
        .map(key)
        .collect();
    assert_eq!(got, expected, "chunk size {chunk_size}");
    scanner.sieve = SieveUse::Always;
    let sieved: Vec<Key> = search_bytes(&mut scanner, text, path, &chunked)
        .iter()
        .map(key)
        .collect();
    assert_eq!(sieved, expected, "chunk size {chunk_size}, sieved");
    in_parts(&mut scanner, text, path, chunk_size, head[0], &expected);
});

/// The findings of a search in parts, each from a line start (every few: `every`), as threads
/// search a large file for the data map, must be those of the whole search.
fn in_parts(
    scanner: &mut Scanner<'_>,
    text: &[u8],
    path: &str,
    chunk_size: usize,
    every: u8,
    expected: &[Key],
) {
    let mut starts = vec![0];
    let line_starts = piiscan::split::line_starts(text);
    starts.extend(line_starts.into_iter().step_by(1 + every as usize % 7));
    let counts = ScanOptions {
        min_confidence: Confidence::Low,
        chunk_size,
        ..ScanOptions::counts_only()
    };
    let mut got: Vec<(usize, u64, u64, Confidence)> =
        search_bytes_in_parts(scanner, text, &starts, path, &counts)
            .iter()
            .map(|f| (f.rule, f.byte_offset, f.length, f.confidence))
            .collect();
    got.sort();
    let mut want: Vec<(usize, u64, u64, Confidence)> =
        expected.iter().map(|k| (k.0, k.1, k.2, k.7)).collect();
    want.sort();
    assert_eq!(got, want, "chunk size {chunk_size}, {} parts", starts.len());
}
