//! Record mode: piiscan as a worker under Apache Spark (`RDD.pipe`, SQL `TRANSFORM`) and
//! Hadoop Streaming. Standard input is a stream of records, one per line; standard output gets
//! one JSON line per finding, in input order, flushed after every batch.
//!
//! - `--input-format lines`: each line is a record; its path is `--stdin-name`.
//! - `--input-format jsonl`: each line is a JSON object with a path field and a text field
//!   (`--path-field`, `--text-field`; default `path` and `text`), so the file a record came
//!   from travels with it.
//!
//! Each finding carries `record` (1-based, counting every input line) and offsets inside the
//! record's text. The process exits 0 whatever it finds: a worker that exits non-zero kills
//! the distributed job. Records that cannot be read or scanned (a NUL byte makes a record
//! binary, as it does a file) are reported on stderr and counted as skipped.

use std::io::{self, BufRead, Write};

use anyhow::Result;
use serde::Serialize;

use crate::config::Config;
use crate::report::{FindingJson, RunInfo};
use crate::scan::Scanner;
use crate::search::{search_slice, Gap, Outcome, BINARY};

/// Records scanned together, then written and flushed.
const BATCH_RECORDS: usize = 2048;
const BATCH_BYTES: usize = 8 << 20;

/// The largest record read; longer lines are skipped with a message (bounded memory).
pub const MAX_RECORD: usize = 64 << 20;

/// How standard input is cut into records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    Lines,
    Jsonl {
        path_field: String,
        text_field: String,
    },
}

#[derive(Serialize)]
struct RecordFinding<'a> {
    record: u64,
    #[serde(flatten)]
    finding: FindingJson<'a>,
}

/// What record mode read and found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RecordTotals {
    pub records: u64,
    pub findings: u64,
    /// Records not read, not scanned, or not scanned to their end.
    pub bad_records: u64,
}

/// Run record mode over `input`, writing findings to `output`.
pub fn run(
    config: &Config,
    format: &InputFormat,
    input: &mut (dyn BufRead + '_),
    output: &mut dyn Write,
) -> Result<RecordTotals> {
    let mut totals = RecordTotals::default();
    let run = RunInfo::new(config);
    let threads = config.walk.threads.max(1);
    let mut scanners: Vec<Scanner> = (0..threads).map(|_| Scanner::new(&config.rules)).collect();
    let mut batch: Vec<(u64, String, Vec<u8>)> = Vec::new();
    let mut batch_bytes = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = io::Read::take(&mut *input, MAX_RECORD as u64 + 1).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        totals.records += 1;
        let number = totals.records;
        if line.len() > MAX_RECORD && line.last() != Some(&b'\n') {
            // Skip the rest of an over-long record without holding it.
            let mut rest = Vec::new();
            while input.read_until(b'\n', &mut rest)? > 0 && rest.last() != Some(&b'\n') {
                rest.clear();
            }
            warn!("piiscan: record {number}: longer than {MAX_RECORD} bytes, skipped");
            totals.bad_records += 1;
            continue;
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        let record = match format {
            InputFormat::Lines => Some((config.walk.stdin_name.clone(), std::mem::take(&mut line))),
            InputFormat::Jsonl {
                path_field,
                text_field,
            } => parse_json_record(&line, path_field, text_field),
        };
        match record {
            Some((path, text)) => {
                batch_bytes += text.len();
                batch.push((number, path, text));
            }
            None => {
                warn!(
                    "piiscan: record {number}: not a JSON object with string fields `{}` and `{}`, skipped",
                    match format {
                        InputFormat::Jsonl { path_field, .. } => path_field.as_str(),
                        InputFormat::Lines => "path",
                    },
                    match format {
                        InputFormat::Jsonl { text_field, .. } => text_field.as_str(),
                        InputFormat::Lines => "text",
                    }
                );
                totals.bad_records += 1;
            }
        }
        if batch.len() >= BATCH_RECORDS || batch_bytes >= BATCH_BYTES {
            flush(config, &run, &mut scanners, &mut batch, output, &mut totals)?;
            batch_bytes = 0;
        }
    }
    flush(config, &run, &mut scanners, &mut batch, output, &mut totals)?;
    Ok(totals)
}

fn parse_json_record(line: &[u8], path_field: &str, text_field: &str) -> Option<(String, Vec<u8>)> {
    let value: serde_json::Value = serde_json::from_slice(line).ok()?;
    let obj = value.as_object()?;
    let path = obj.get(path_field)?.as_str()?.to_string();
    let text = obj.get(text_field)?.as_str()?.as_bytes().to_vec();
    Some((path, text))
}

/// Scan a batch on the scanners' threads (contiguous slices, so order is kept), write its
/// findings in record order, report the records not scanned (or not to the end) on stderr,
/// flush, count, and empty the batch.
fn flush(
    config: &Config,
    run: &RunInfo,
    scanners: &mut [Scanner],
    batch: &mut Vec<(u64, String, Vec<u8>)>,
    output: &mut dyn Write,
    totals: &mut RecordTotals,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let per = batch.len().div_ceil(scanners.len());
    let results: Vec<Vec<Outcome>> = std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .chunks(per)
            .zip(scanners.iter_mut())
            .map(|(records, scanner)| {
                s.spawn(move || {
                    records
                        .iter()
                        .map(|(_, path, text)| search_slice(scanner, text, path, &config.options))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("record scanner thread"))
            .collect()
    });
    for ((record, path, _), outcome) in batch.iter().zip(results.iter().flatten()) {
        for f in &outcome.findings {
            serde_json::to_writer(
                &mut *output,
                &RecordFinding {
                    record: *record,
                    finding: FindingJson::new(run, f),
                },
            )?;
            output.write_all(b"\n")?;
            totals.findings += 1;
        }
        if report_gaps(*record, path, outcome) {
            totals.bad_records += 1;
        }
    }
    output.flush()?;
    batch.clear();
    Ok(())
}

/// Report on stderr what of record `number` was not scanned, or not to the end (its members'
/// too, should it be an archive); whether there was any such part.
fn report_gaps(number: u64, path: &str, outcome: &Outcome) -> bool {
    for (member, gap) in &outcome.member_gaps {
        // `path!name`: the record's path is not repeated.
        let name = member
            .strip_prefix(path)
            .and_then(|rest| rest.strip_prefix('!'))
            .unwrap_or(member);
        warn!("piiscan: record {number}: member {name}: {}", gap_text(gap));
    }
    if let Some(gap) = &outcome.gap {
        warn!("piiscan: record {number}: {}", gap_text(gap));
    }
    outcome.gap.is_some() || !outcome.member_gaps.is_empty()
}

fn gap_text(gap: &Gap) -> String {
    match gap {
        // A record is no file: say what made it binary.
        Gap::Skipped(reason) if reason == BINARY => "binary (a NUL byte), skipped".to_string(),
        Gap::Skipped(reason) => format!("{reason}, skipped"),
        Gap::Incomplete { reason, .. } => format!("incomplete: {reason}"),
    }
}

/// Record mode on the process's standard input and output.
pub fn run_stdio(config: &Config, format: &InputFormat) -> Result<RecordTotals> {
    let stdin = io::stdin();
    let mut input = io::BufReader::with_capacity(1 << 20, stdin.lock());
    let stdout = io::stdout();
    let mut output = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let totals = run(config, format, &mut input, &mut output)?;
    warn!(
        "piiscan: {} records, {} findings{}",
        totals.records,
        totals.findings,
        if totals.bad_records > 0 {
            format!(", {} records skipped", totals.bad_records)
        } else {
            String::new()
        }
    );
    Ok(totals)
}
