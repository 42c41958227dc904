//! Archive member walking (zip through its central directory, tar from the stream, nested
//! archives, compressed layers) over arbitrary bytes, both as a seekable file and as a stream
//! (a zip on a stream is spooled to a temporary file). Nothing may panic or hang, limits must
//! hold, and every gap must carry a reason and a path inside the input.
#![no_main]

use std::io::Cursor;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use piiscan::config::ScanOptions;
use piiscan::decompress::Limits;
use piiscan::read::Opened;
use piiscan::rules::{load_rules, Policy};
use piiscan::scan::{RuleSet, Scanner};
use piiscan::search::{self, Gap, InputPath, Outcome};

const LIMITS: Limits = Limits {
    max_decompressed: 4 << 20,
    max_ratio: Some(1000),
    ratio_after: 1 << 20,
    max_depth: 3,
    max_layers: 3,
};

fn rule_set() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let rules = load_rules(&[] as &[&std::path::Path]).expect("built-in rules load");
        RuleSet::new(rules, Policy::builtin()).expect("built-in rules compile")
    })
}

fn check(outcome: &Outcome) {
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
    for f in &outcome.findings {
        assert!(f.path.starts_with("a.zip"));
    }
}

fuzz_target!(|data: &[u8]| {
    let set = rule_set();
    let mut scanner = Scanner::new(set);
    let options = ScanOptions {
        chunk_size: 4096,
        limits: LIMITS,
        ..ScanOptions::default()
    };
    let mut buf = Vec::new();
    let path = InputPath::from("a.zip");
    let seekable = search::search(
        &mut scanner,
        Opened::Seekable(Box::new(Cursor::new(data))),
        &path,
        &options,
        &mut buf,
    );
    check(&seekable);
    let streamed = search::search(
        &mut scanner,
        Opened::Stream(Box::new(data)),
        &path,
        &options,
        &mut buf,
    );
    check(&streamed);
});
