//! Properties of the engine that must hold for any input, checked with proptest:
//!
//! - chunked scanning finds exactly what whole-buffer scanning finds (same rules, offsets,
//!   lines, columns, fingerprints, confidence), whatever the chunk size;
//! - redaction never outputs the raw value;
//! - fingerprints do not change when lines are inserted above a finding;
//! - rules gated by their keywords (searched only near one) find exactly what they find when
//!   searched everywhere;
//! - matches that span lines are found whatever the chunk size;
//! - the sieve, which finds where candidates can be before the search, changes nothing: the
//!   scanner offers the same candidates with it and without it;
//! - a large file searched in parts, each from a line start, and counted only where the
//!   search before it ended cleanly, finds what one pass finds (see `split`).

use std::sync::OnceLock;

use piiscan::config::ScanOptions;
use piiscan::finding::{redact, Confidence, Finding, Redaction};
use piiscan::rules::{load_rules, Policy, RedactStyle};
use piiscan::scan::{Candidate, RuleSet, Scanner, SieveUse};
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
    "+34 612 873 419",
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

/// A text of lines, sometimes with a line longer than any overlap, and inline directives
/// (`piiscan:ignore-next-line`) on lines of their own, so that a chunk's cut falls between a
/// directive and the line it applies to. (Not before the long line: a directive applies to a
/// line longer than a chunk only as far as the chunk that holds the line's start.)
fn text() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(line(), 1..120),
        prop::option::of(0usize..120),
        prop::collection::vec(prop::bool::weighted(0.15), 120),
    )
        .prop_map(|(lines, long_at, directives)| {
            let mut lines = lines;
            let long_at = long_at.map(|at| at % lines.len());
            if let Some(at) = long_at {
                let long = lines.concat();
                lines[at] = long.repeat(3);
            }
            let mut text = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                if directives[i] && long_at != Some(i) {
                    text.extend_from_slice(b"# piiscan:ignore-next-line\n");
                }
                text.extend_from_slice(line);
                text.push(b'\n');
            }
            text.pop();
            text
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
        f.fingerprint.to_string(),
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

/// A keyed value longer than small chunks move on is left over by several chunks in turn; a
/// match accepted inside it, in the first of them, still drops it, as in one whole pass.
#[test]
fn a_long_keyed_value_left_over_by_several_chunks_is_dropped_as_in_one_pass() {
    // One line of JSON records whose `ua` value (a user agent by its key) holds an address.
    let record = format!(
        "{{\"ua\":\"Mozihla/5.0 (Linux; Android 14; Pixel 8) {} ana.souza@mailbox.org {}\",\"n\":1}} ",
        "x".repeat(20),
        "y".repeat(700)
    );
    let text = record.repeat(30).into_bytes();
    let whole = scan(&text, "t.json", ScanOptions::default().chunk_size);
    let rules: Vec<&str> = whole
        .iter()
        .map(|f| rule_set().rules[f.rule].rule.id.as_str())
        .collect();
    assert_eq!(rules, ["email"; 30]);
    let whole: Vec<Key> = whole.iter().map(key).collect();
    for chunk_size in (2048..2700).step_by(37) {
        let chunked: Vec<Key> = scan(&text, "t.json", chunk_size).iter().map(key).collect();
        assert_eq!(chunked, whole, "chunk size {chunk_size}");
    }
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
            .map(|f| (f.rule, f.fingerprint.to_string()))
            .collect();
        let mut moved = inserted.join("\n").into_bytes();
        moved.push(b'\n');
        let shift = moved.len() as u64;
        moved.extend_from_slice(&text);
        let after = scan(&moved, "t.log", ScanOptions::default().chunk_size);
        prop_assert!(after.iter().all(|f| f.byte_offset >= shift), "a finding in the filler");
        let after: Vec<(usize, String)> =
            after.iter().map(|f| (f.rule, f.fingerprint.to_string())).collect();
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

/// User rules with keywords: one replacing the built-in `ipv4` (so that it comes before the
/// other built-in rules), one overlapping it, one whose match may span lines. With `keys`
/// they are searched over every byte; without, only near their keywords.
fn gated_rules(searched_everywhere: bool) -> RuleSet {
    // id, pattern, keywords, validator, example, counterexample.
    const RULES: &[[&str; 6]] = &[
        // Replaces the built-in rule: it comes before the other built-in rules.
        [
            "ipv4",
            r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b",
            r#""addr", "host""#,
            "ipv4",
            "host 83.149.9.216",
            "83.149.9.216",
        ],
        // Overlaps the one above.
        [
            "ticket-ip",
            r"\b83\.149\.[0-9]+\.[0-9]+\b",
            r#""ticket""#,
            "",
            "ticket 83.149.9.216",
            "83.149.9.216",
        ],
        // May span lines.
        [
            "member-ref",
            r"\bREF\s+M[0-9]{4}\b",
            r#""member""#,
            "",
            "member REF M1234",
            "REF M1234",
        ],
        // May start with a line break.
        [
            "badge-next-line",
            r"\s(?P<value>B-[0-9]{6})\b",
            r#""badge""#,
            "",
            "badge B-123456",
            "B-123456",
        ],
        // Far longer than the judge's window, its keyword after it.
        [
            "long-note",
            r"\bX[a-z ]{1,1000}Y\b",
            r#""tag""#,
            "",
            "Xab cdY tag",
            "Xab cdY",
        ],
    ];
    let keys = if searched_everywhere {
        "keys = [\"zzqx_never_a_key\"]"
    } else {
        ""
    };
    let mut text = String::new();
    for [id, pattern, keywords, validator, example, counterexample] in RULES {
        let validator = if validator.is_empty() {
            String::new()
        } else {
            format!("validator = \"{validator}\"")
        };
        text.push_str(&format!(
            "[[rule]]\nid = \"{id}\"\nname = \"{id}\"\ndescription = \"A user rule.\"\n\
             categories = [\"account-credentials\"]\npattern = '{pattern}'\n\
             keywords = [{keywords}]\n{validator}\nconfidence = \"medium\"\n{keys}\n\
             examples = [\"{example}\"]\ncounterexamples = [\"{counterexample}\"]\n\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("user.toml"), text).unwrap();
    let rules = load_rules(&[dir.path()]).expect("user rules load");
    RuleSet::new(rules, Policy::builtin()).expect("user rules compile")
}

fn gated_sets() -> &'static (RuleSet, RuleSet) {
    static SETS: OnceLock<(RuleSet, RuleSet)> = OnceLock::new();
    SETS.get_or_init(|| (gated_rules(false), gated_rules(true)))
}

/// A match of `long-note` far longer than the judge's window (998 letters between `X` and `Y`).
fn long_note() -> String {
    format!("X{}Y", "a".repeat(998))
}

/// Lines with the gated rules' keywords and values (and the built-in ones), sometimes under a
/// CSV header that names a keyword.
fn gated_text() -> impl Strategy<Value = Vec<u8>> {
    const WORDS: &[&str] = &[
        "addr",
        "host=",
        "ticket",
        "member",
        "Member:",
        "REF",
        "M1234",
        "REF M5678",
        "\n",
        "83.149.9.216",
        "10.1.2.3",
        "999.1.1.1",
        "83.149.77.1",
        ",",
        "the",
        "ip",
        "user",
        "maria.garcia@correo-ejemplo.es",
        "4539 1488 0343 6467",
        "\t",
        "  ",
        "\n1,REF M1234,83.149.9.216\n",
        "\n2,ticket,10.1.2.3\n",
        "badge",
        "badge=",
        "\nB-123456",
        "B-654321",
        "tag",
    ];
    let mut words: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
    words.push(long_note());
    (
        prop::collection::vec(prop::sample::select(words), 0..400),
        any::<bool>(),
    )
        .prop_map(|(words, csv)| {
            let mut text = if csv {
                b"id,member_no,ip\n".to_vec()
            } else {
                Vec::new()
            };
            text.extend_from_slice(words.join(" ").as_bytes());
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn gated_rules_find_what_they_find_searched_everywhere(
        text in gated_text(),
        chunk_size in prop::sample::select(vec![2048usize, 8 << 20]),
        csv_path in any::<bool>(),
    ) {
        let (gated, everywhere) = gated_sets();
        let path = if csv_path { "t.csv" } else { "t.log" };
        let options = ScanOptions {
            min_confidence: Confidence::Low,
            chunk_size,
            ..ScanOptions::default()
        };
        let found = |set: &RuleSet| -> Vec<Key> {
            search_bytes(&mut Scanner::new(set), &text, path, &options)
                .iter()
                .map(key)
                .collect()
        };
        prop_assert_eq!(found(gated), found(everywhere));
    }

    #[test]
    fn matches_spanning_lines_are_found_whatever_the_chunk_size(
        text in gated_text(),
        // From twice the room a longest match (1 KiB) needs with its context on both sides.
        chunk_size in 4096usize..10_000,
        csv_path in any::<bool>(),
        searched_everywhere in any::<bool>(),
    ) {
        let (gated, everywhere) = gated_sets();
        let set = if searched_everywhere { everywhere } else { gated };
        let path = if csv_path { "t.csv" } else { "t.log" };
        let found = |chunk_size: usize| -> Vec<Key> {
            let options = ScanOptions {
                min_confidence: Confidence::Low,
                chunk_size,
                ..ScanOptions::default()
            };
            search_bytes(&mut Scanner::new(set), &text, path, &options)
                .iter()
                .map(key)
                .collect()
        };
        prop_assert_eq!(found(chunk_size), found(8 << 20), "chunk size {}", chunk_size);
    }
}

#[test]
fn gated_rules_are_found_near_their_keywords_only() {
    let (gated, _) = gated_sets();
    let id = |f: &Finding| gated.rules[f.rule].rule.id.clone();
    let options = ScanOptions::default();
    let found = |text: &str| -> Vec<String> {
        search_bytes(&mut Scanner::new(gated), text.as_bytes(), "t.log", &options)
            .iter()
            .map(id)
            .collect()
    };
    assert_eq!(found("host 83.149.9.216"), ["ipv4"]);
    assert_eq!(found("seen 83.149.9.216"), Vec::<String>::new());
    assert_eq!(found("ticket 83.149.9.216"), ["ticket-ip"]);
    assert_eq!(found("a member REF\nM1234"), ["member-ref"]);
    // A match may start with the keyword line's own line break.
    assert_eq!(found("badge\nB-123456 x"), ["badge-next-line"]);
    assert_eq!(found(&format!("{} tag", long_note())), ["long-note"]);
    // A column named after the keyword lends it to its values, on every line.
    let csv = "id,member_no,ip\n1,REF M1234,10.1.2.3\n2,REF M5678,10.1.2.4\n";
    let csv_found: Vec<String> =
        search_bytes(&mut Scanner::new(gated), csv.as_bytes(), "t.csv", &options)
            .iter()
            .map(id)
            .collect();
    assert_eq!(csv_found, ["member-ref", "member-ref"]);
    // Two lines apart, the keyword says nothing about the value.
    let far = format!("host\n{}\n83.149.9.216", "x ".repeat(40));
    assert_eq!(found(&far), Vec::<String>::new());
}

/// Every candidate the scanner offers over `text`, with the judge rejecting some of them (so
/// that other rules are tried at the same start and the search resumes a byte later), from
/// `from` on.
fn offered(text: &[u8], from: usize, sieve: SieveUse) -> Vec<(usize, usize, usize)> {
    let mut scanner = Scanner::new(rule_set());
    scanner.sieve = sieve;
    let mut offered = Vec::new();
    scanner.scan_from(text, from, text.len(), true, false, |_, c: Candidate| {
        offered.push((c.start, c.end, c.rule));
        (c.start + c.rule) % 3 != 0
    });
    offered
}

/// Mostly plain words, with identifiers now and then: the sparse text the sieve is for.
fn sparse_text() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            12 => prop::sample::select(FILLER).prop_map(|w| w.as_bytes().to_vec()),
            1 => prop::sample::select(IDENTIFIERS).prop_map(|w| w.as_bytes().to_vec()),
        ],
        0..1500,
    )
    .prop_map(|words| words.join(&b' '))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_sieve_changes_no_candidate(
        text in prop_oneof![text(), sparse_text()],
        from in 0usize..200,
    ) {
        let from = from.min(text.len());
        let sieved = offered(&text, from, SieveUse::Always);
        let searched = offered(&text, from, SieveUse::Never);
        prop_assert_eq!(sieved.len(), searched.len(), "{} bytes from {}", text.len(), from);
        prop_assert!(sieved == searched, "{} bytes from {}", text.len(), from);
    }

    #[test]
    fn scanning_with_the_sieve_finds_what_scanning_without_it_finds(
        text in sparse_text(),
        chunk_size in 2048usize..20_000,
    ) {
        let find = |sieve: SieveUse| {
            let mut scanner = Scanner::new(rule_set());
            scanner.sieve = sieve;
            let options = ScanOptions {
                min_confidence: Confidence::Low,
                chunk_size,
                ..ScanOptions::default()
            };
            search_bytes(&mut scanner, &text, "t.log", &options).iter().map(key).collect::<Vec<Key>>()
        };
        prop_assert_eq!(find(SieveUse::Always), find(SieveUse::Never), "chunk size {}", chunk_size);
    }
}

/// Lines whose matches may span the line break after them (`password:` then its value on the
/// next line, a latitude then its longitude), besides the usual words and identifiers, as
/// plain text, JSON Lines or CSV.
fn text_across_lines() -> impl Strategy<Value = (Vec<u8>, &'static str)> {
    let piece = prop_oneof![
        4 => line(),
        1 => Just(b"login password:".to_vec()),
        1 => Just(b"  Sunshine2024 then".to_vec()),
        1 => Just(b"lat 48.8566,".to_vec()),
        1 => Just(b" 2.3522 here".to_vec()),
        1 => Just(b"# piiscan:ignore-next-line".to_vec()),
        1 => Just(br#"{"email": "jose.mueller@posteo.de", "first_name": "Jos\u00e9"}"#.to_vec()),
        1 => Just(b"7,maria.garcia@correo-ejemplo.es,+34 612 873 419".to_vec()),
    ];
    (
        prop::collection::vec(piece, 1..160),
        prop::sample::select(vec!["t.log", "t.jsonl", "t.csv"]),
    )
        .prop_map(|(lines, path)| {
            let mut text = match path {
                "t.csv" => b"id,email,phone\n".to_vec(),
                _ => Vec::new(),
            };
            text.extend_from_slice(&lines.join(&b'\n'));
            (text, path)
        })
}

type PartKey = (usize, u64, u64, Confidence, u64);

/// What the data map counts of a finding.
fn part_key(f: &Finding) -> PartKey {
    (f.rule, f.byte_offset, f.length, f.confidence, f.value_hash)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn searching_in_parts_finds_what_one_pass_finds(
        (text, path) in text_across_lines(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 1..12),
        // From twice the room a longest match (1 KiB) needs with its context on both sides, as
        // for chunked scanning above.
        chunk_size in prop::sample::select(vec![4096usize, 5000, 8 << 20]),
    ) {
        use piiscan::split::search_bytes_in_parts;
        let set = rule_set();
        let options = ScanOptions {
            min_confidence: Confidence::Low,
            chunk_size,
            ..ScanOptions::counts_only()
        };
        let mut whole: Vec<PartKey> = search_bytes(&mut Scanner::new(set), &text, path, &options)
            .iter()
            .map(part_key)
            .collect();
        // Parts start at line starts, as `split::plan` cuts them.
        let line_starts = piiscan::split::line_starts(&text);
        prop_assume!(!line_starts.is_empty());
        let mut starts: Vec<u64> = cuts.iter().map(|c| *c.get(&line_starts)).collect();
        starts.push(0);
        starts.sort();
        starts.dedup();
        let mut parts: Vec<PartKey> =
            search_bytes_in_parts(&mut Scanner::new(set), &text, &starts, path, &options)
                .iter()
                .map(part_key)
                .collect();
        whole.sort();
        parts.sort();
        prop_assert_eq!(parts, whole, "{} parts", starts.len());
    }
}

/// The generator above does make matches cross part boundaries (the property would hold
/// trivially if no search ever went on into the next part).
#[test]
fn a_match_across_a_line_break_makes_the_search_go_on_into_the_next_part() {
    use piiscan::search::{search_part, PartEnd};
    let set = rule_set();
    let options = ScanOptions {
        min_confidence: Confidence::Low,
        ..ScanOptions::counts_only()
    };
    let text = b"a line\nlogin password:\n  Sunshine2024 then\nmore\nlast line\n";
    let value_line = 23;
    assert_eq!(&text[value_line - 1..value_line + 3], b"\n  S");
    let starts = [value_line as u64, value_line as u64 + 20];
    let mut crossed = Vec::new();
    let mut reader = &text[..];
    let (outcome, end) = search_part(
        &mut Scanner::new(set),
        &mut reader,
        0,
        piiscan::structured::Shape::Plain,
        &starts,
        &"t.log".into(),
        &options,
        &mut Vec::new(),
        |n| crossed.push(n),
    );
    assert_eq!(crossed, [0], "the password's match crosses the first stop");
    assert_eq!(end, PartEnd::Stop(1));
    assert_eq!(outcome.bytes, starts[1]);
    let rules: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| set.rules[f.rule].rule.id.as_str())
        .collect();
    assert_eq!(rules, ["password"]);
}

/// A match left over at a part's stop starts on a line after a directive: the search that goes
/// on past the stop keeps the directive's line, so the match is suppressed as in one pass.
#[test]
fn a_match_left_over_at_a_stop_keeps_the_directive_before_its_line() {
    let set = rule_set();
    let options = ScanOptions {
        min_confidence: Confidence::Low,
        ..ScanOptions::counts_only()
    };
    let mut text = b"filler line\n".repeat(100);
    text.extend_from_slice(b"# piiscan:ignore-next-line\nlat 48.8566,\n 2.3522 here\nend\n");
    let stop = text.len() as u64 - b" 2.3522 here\nend\n".len() as u64;
    let whole = search_bytes(&mut Scanner::new(set), &text, "t.log", &options);
    assert!(whole.is_empty(), "suppressed in one pass");
    let parts = piiscan::split::search_bytes_in_parts(
        &mut Scanner::new(set),
        &text,
        &[0, stop],
        "t.log",
        &options,
    );
    assert!(parts.is_empty(), "{} found in parts", parts.len());
}
