//! JSON and CSV/TSV structured context over arbitrary bytes: shape sniffing, header parsing,
//! field splitting, column lookup, JSON pointers and keyed values. Nothing may panic, and
//! every range returned must lie inside its input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use piiscan::rules::{load_rules, Policy};
use piiscan::scan::RuleSet;
use piiscan::structured::{self, Shape};

fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = load_rules(&[] as &[&std::path::Path]).expect("built-in rules load");
        RuleSet::new(rules, Policy::builtin()).expect("built-in rules compile")
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (head, hay) = data.split_at(3);
    let set = rule_set();
    let eof = head[0] & 1 != 0;
    let path = ["x.json", "x.csv", "x.tsv", "x.log"][(head[0] >> 1) as usize % 4];
    let at = u16::from_le_bytes([head[1], head[2]]) as usize % (hay.len() + 1);

    let shape = structured::sniff(&set.keys, hay, eof, path);
    let line_end = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |p| at + p);
    let line_start = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |p| p + 1);
    let line = &hay[line_start..line_end];
    let _ = structured::json_pointer(line, at - line_start);
    for delimiter in [b',', b'\t', b';', b'|'] {
        let _ = structured::column_at(line, at - line_start, delimiter);
        for (s, e) in structured::fields(line, delimiter) {
            assert!(
                s <= e && e <= line.len(),
                "field {s}..{e} of {}",
                line.len()
            );
        }
    }
    let _ = structured::plausible(line);
    let mut unescaped = [0u8; structured::MAX_VALUE];
    let _ = structured::unescape(line, &mut unescaped);

    for shape in [shape, Shape::Json] {
        let limit = piiscan::read::chunk_cut(hay, eof, 64);
        for skip_first_line in [false, true] {
            let mut out = Vec::new();
            structured::key_values(&set.keys, &shape, hay, limit, skip_first_line, &mut out);
            let mut last = 0;
            for &(rule, s, e) in &out {
                assert!(rule < set.rules.len());
                assert!(s < e && e <= hay.len(), "value {s}..{e} of {}", hay.len());
                assert!(s >= last, "keyed values out of order");
                last = s;
            }
        }
    }
});
