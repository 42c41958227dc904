//! piiscan finds personal data in source trees, logs and exports, and classifies each finding
//! into the categories of personal information a privacy policy declares.
//!
//! The pipeline, one module per stage: [`discover`] -> [`read`] -> [`scan`] -> [`judge`] ->
//! [`report`], driven by [`run`]. See docs/ARCHITECTURE.md.

/// Writes a line to standard error, as `eprintln!` does, but ignores a failed write: a closed
/// or full stderr (`2>&1 | head`, `2>/dev/full`) must neither panic nor stop the report from
/// being written.
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod archive;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod decompress;
pub mod discover;
pub mod finding;
pub mod generated;
pub mod git;
pub mod judge;
pub mod progress;
pub mod read;
pub mod records;
pub mod report;
pub mod rules;
pub mod run;
pub mod scan;
pub mod scrub;
pub mod search;
pub mod shard;
pub mod sieve;
pub mod spill;
pub mod split;
pub mod structured;
pub mod suppress;
pub mod validate;
