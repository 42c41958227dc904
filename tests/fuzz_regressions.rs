//! Every input that ever broke a fuzz target (or a property test), replayed through the same
//! checks as the target it broke: tests/fuzz_inputs/TARGET/NAME, with TARGET one of fuzz/'s
//! targets. A new crash found with `cargo fuzz run TARGET` is fixed, then its artifact is
//! copied here under a name that says what it broke. See docs/SECURITY.md.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

use piiscan::config::ScanOptions;
use piiscan::decompress::{self, Budget, Kind, Limits};
use piiscan::finding::{Confidence, Finding, Redaction};
use piiscan::read::{self, Opened};
use piiscan::rules::{self, load_rules, Policy};
use piiscan::scan::{RuleSet, Scanner};
use piiscan::search::{self, search_bytes, Gap, InputPath, Outcome};
use piiscan::structured::{self, Shape};
use piiscan::validate;

fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = load_rules(&[] as &[&std::path::Path]).expect("built-in rules load");
        RuleSet::new(rules, Policy::builtin()).expect("built-in rules compile")
    })
}

/// The inputs kept for `target`, as (name, bytes).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_inputs")
        .join(target);
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.sort();
    found
        .into_iter()
        .filter(|p: &PathBuf| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Run `check` on every input of `target`, naming the one that fails.
fn replay(target: &str, check: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(
            result.is_ok(),
            "tests/fuzz_inputs/{target}/{name} fails again"
        );
    }
}

// The checks below are those of the fuzz targets in fuzz/fuzz_targets/, kept in step.

fn validators(data: &[u8]) {
    let Some((&pick, candidate)) = data.split_first() else {
        return;
    };
    let name = validate::NAMES[pick as usize % validate::NAMES.len()];
    let check = validate::lookup(name).expect("every listed validator exists");
    assert_eq!(
        check(candidate),
        check(candidate),
        "{name} is not deterministic"
    );
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

fn scanner(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let (head, text) = data.split_at(3);
    // Repeated to span several chunks (libFuzzer's inputs are short), so every cut falls at
    // another place in the fuzzer's bytes: inside values, lines and multi-byte characters.
    let text = &text.repeat((2 * 10240 / text.len().max(1)).clamp(1, 64));
    let chunk_size = 2048 + (u16::from_le_bytes([head[0], head[1]]) as usize % 8192);
    let path = ["input.txt", "input.json", "input.csv", "input.tsv"][head[2] as usize % 4];
    let mut scanner = Scanner::new(rule_set());
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
    in_parts(&mut scanner, text, path, chunk_size, head[0], &expected);
}

/// The fuzz target's check of a search in parts, each from a line start (every few: `every`),
/// as threads search a large file for the data map: the findings of the whole search.
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
        piiscan::split::search_bytes_in_parts(scanner, text, &starts, path, &counts)
            .iter()
            .map(|f| (f.rule, f.byte_offset, f.length, f.confidence))
            .collect();
    got.sort();
    let mut want: Vec<(usize, u64, u64, Confidence)> =
        expected.iter().map(|k| (k.0, k.1, k.2, k.7)).collect();
    want.sort();
    assert_eq!(got, want, "chunk size {chunk_size}, {} parts", starts.len());
}

const LIMITS: Limits = Limits {
    max_decompressed: 4 << 20,
    max_ratio: Some(1000),
    ratio_after: 1 << 20,
    max_depth: 3,
    max_layers: 3,
};

fn decompress(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = [Kind::Gzip, Kind::Zstd, Kind::Bzip2, Kind::Xz][pick as usize % 4];
    if let Ok(mut d) = decompress::decoder(kind, rest, LIMITS, Budget::new(LIMITS.max_decompressed))
    {
        let mut out = Vec::new();
        let result = d
            .by_ref()
            .take(LIMITS.max_decompressed + 1)
            .read_to_end(&mut out);
        assert!(out.len() as u64 <= LIMITS.max_decompressed, "size limit");
        if let Err(e) = result {
            assert!(decompress::stream_error(&e).is_some(), "not named: {e}");
            assert!(d.read(&mut [0u8; 64]).is_err(), "errors are sticky");
        }
    }
    for overlap in [0usize, 1, 7, 64, 4096] {
        let eof = pick & 0x80 != 0;
        let cut = read::chunk_cut(rest, eof, overlap);
        assert!(cut <= rest.len());
        if eof {
            assert_eq!(cut, rest.len());
        } else if rest.len() > overlap {
            assert!(cut > 0 && cut >= rest.len() - overlap);
        }
    }
    let mut scanner = Scanner::new(rule_set());
    let options = ScanOptions {
        chunk_size: 256 + (pick as usize) * 16,
        limits: LIMITS,
        ..ScanOptions::default()
    };
    let outcome = search::search(
        &mut scanner,
        Opened::Stream(Box::new(rest)),
        &"fuzz.bin".into(),
        &options,
        &mut Vec::new(),
    );
    assert!(outcome.bytes <= LIMITS.max_decompressed.max(rest.len() as u64));
}

fn check_outcome(outcome: &Outcome) {
    let gaps = outcome
        .member_gaps
        .iter()
        .map(|(p, g)| (p.as_str(), g))
        .chain(outcome.gap.as_ref().map(|g| ("a.zip", g)));
    for (path, gap) in gaps {
        assert!(path.starts_with("a.zip"), "gap outside the input: {path}");
        match gap {
            Gap::Skipped(reason) | Gap::Incomplete { reason, .. } => assert!(!reason.is_empty()),
        }
    }
    assert!(outcome.findings.iter().all(|f| f.path.starts_with("a.zip")));
}

fn archive(data: &[u8]) {
    let mut scanner = Scanner::new(rule_set());
    let options = ScanOptions {
        chunk_size: 4096,
        limits: LIMITS,
        ..ScanOptions::default()
    };
    let path = InputPath::from("a.zip");
    let mut buf = Vec::new();
    let seekable = Opened::Seekable(Box::new(Cursor::new(data.to_vec())));
    check_outcome(&search::search(
        &mut scanner,
        seekable,
        &path,
        &options,
        &mut buf,
    ));
    let stream = Opened::Stream(Box::new(Cursor::new(data.to_vec())));
    check_outcome(&search::search(
        &mut scanner,
        stream,
        &path,
        &options,
        &mut buf,
    ));
}

fn structured(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let (head, hay) = data.split_at(3);
    let set = rule_set();
    let eof = head[0] & 1 != 0;
    let path = ["x.json", "x.csv", "x.tsv", "x.log"][(head[0] >> 1) as usize % 4];
    let at = u16::from_le_bytes([head[1], head[2]]) as usize % (hay.len() + 1);
    let shape = structured::sniff(&set.keys, hay, eof, path);
    let line_end = hay[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(hay.len(), |p| at + p);
    let line_start = hay[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = &hay[line_start..line_end];
    let _ = structured::json_pointer(line, at - line_start);
    for delimiter in [b',', b'\t', b';', b'|'] {
        let _ = structured::column_at(line, at - line_start, delimiter);
        for (s, e) in structured::fields(line, delimiter) {
            assert!(s <= e && e <= line.len());
        }
    }
    let _ = structured::plausible(line);
    let mut unescaped = [0u8; structured::MAX_VALUE];
    let _ = structured::unescape(line, &mut unescaped);
    for shape in [shape, Shape::Json] {
        let limit = read::chunk_cut(hay, eof, 64);
        for skip_first_line in [false, true] {
            let mut out = Vec::new();
            structured::key_values(&set.keys, &shape, hay, limit, skip_first_line, &mut out);
            let mut last = 0;
            for &(rule, s, e) in &out {
                assert!(rule < set.rules.len());
                assert!(s < e && e <= hay.len());
                assert!(s >= last, "keyed values out of order");
                last = s;
            }
        }
    }
}

fn config(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| {
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(rest)
            .unwrap();
        path
    };
    match pick % 4 {
        0 => {
            if let Err(e) = piiscan::config_file::load(&file(".piiscan.toml")) {
                assert!(e.contains(".piiscan.toml"), "{e}");
            }
        }
        1 => match rules::parse_rule_file("fuzz.toml", &text) {
            Ok(parsed) => {
                if let Err(e) = RuleSet::new(parsed, Policy::builtin()) {
                    assert!(!e.to_string().is_empty());
                }
            }
            Err(e) => assert!(e.to_string().starts_with("fuzz.toml: "), "{e}"),
        },
        2 => {
            if let Err(e) = Policy::parse("policy.toml", &text) {
                assert!(e.to_string().starts_with("policy.toml: "), "{e}");
            }
        }
        _ => {
            if let Err(e) = piiscan::baseline::Baseline::load(&file("baseline.json")) {
                assert!(e.contains("baseline.json"), "{e}");
            }
        }
    }
}

#[test]
fn validators_regressions() {
    replay("validators", validators);
}

#[test]
fn scanner_regressions() {
    replay("scanner", scanner);
}

#[test]
fn decompress_regressions() {
    replay("decompress", decompress);
}

#[test]
fn archive_regressions() {
    replay("archive", archive);
}

#[test]
fn structured_regressions() {
    replay("structured", structured);
}

#[test]
fn config_regressions() {
    replay("config", config);
}

/// The input that made chunked scanning report a value twice (once whole, once the part after
/// a cut that fell inside it, mid-line) before chunks resumed where the scan stopped.
#[test]
fn a_value_across_a_mid_line_cut_is_reported_once() {
    let mut text = vec![b'x'; 2043];
    text.extend_from_slice(b" jane.roe@fabrikam-mail.com and more ");
    text.extend(std::iter::repeat_n(b'y', 3000));
    let options = ScanOptions {
        chunk_size: 4096,
        ..ScanOptions::default()
    };
    let found = search_bytes(&mut Scanner::new(rule_set()), &text, "t", &options);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].byte_offset, 2044);
}
