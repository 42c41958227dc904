//! The streaming decompressors and the chunk logic behind them: the first byte picks a format
//! (gzip, zstd, bzip2, xz) and the rest is fed to its guarded decoder; then the same bytes go
//! through the whole search (format told by magic bytes) with a small chunk size. Nothing may
//! panic or hang, every decoder failure must be a named `StreamError`, the size limit must
//! hold, and `chunk_cut` must always make progress within the chunk.
#![no_main]

use std::io::Read;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use piiscan::config::ScanOptions;
use piiscan::decompress::{self, Budget, Kind, Limits};
use piiscan::read::{self, Opened};
use piiscan::rules::{load_rules, Policy};
use piiscan::scan::{RuleSet, Scanner};
use piiscan::search::{self, Gap, InputPath};

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

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = [Kind::Gzip, Kind::Zstd, Kind::Bzip2, Kind::Xz][pick as usize % 4];
    let budget = Budget::new(LIMITS.max_decompressed);
    if let Ok(mut d) = decompress::decoder(kind, rest, LIMITS, budget) {
        let mut out = Vec::new();
        let result = d
            .by_ref()
            .take(LIMITS.max_decompressed + 1)
            .read_to_end(&mut out);
        assert!(out.len() as u64 <= LIMITS.max_decompressed, "size limit");
        if let Err(e) = result {
            assert!(
                decompress::stream_error(&e).is_some(),
                "{} decoder error not named: {e}",
                kind.name()
            );
            // Sticky: a failed stream never looks like a clean end afterwards.
            assert!(d.read(&mut [0u8; 64]).is_err(), "errors are sticky");
        }
    }

    // Chunk cuts: within the chunk, the whole chunk at the end, progress otherwise.
    for overlap in [0usize, 1, 7, 64, 4096] {
        let eof = pick & 0x80 != 0;
        let cut = read::chunk_cut(rest, eof, overlap);
        assert!(cut <= rest.len());
        if eof {
            assert_eq!(cut, rest.len());
        } else if rest.len() > overlap {
            assert!(
                cut > 0 && cut >= rest.len() - overlap,
                "cut {cut} len {}",
                rest.len()
            );
        }
    }

    // The whole search, the format told by the first bytes.
    let set = rule_set();
    let mut scanner = Scanner::new(set);
    let options = ScanOptions {
        chunk_size: 256 + (pick as usize) * 16,
        limits: LIMITS,
        ..ScanOptions::default()
    };
    let mut buf = Vec::new();
    let path = InputPath::from("fuzz.bin");
    let outcome = search::search(
        &mut scanner,
        Opened::Stream(Box::new(rest)),
        &path,
        &options,
        &mut buf,
    );
    assert!(outcome.bytes <= LIMITS.max_decompressed.max(rest.len() as u64));
    if let Some(Gap::Skipped(reason) | Gap::Incomplete { reason, .. }) = &outcome.gap {
        assert!(!reason.is_empty());
    }
});
