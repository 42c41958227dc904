//! Driving a scan: discover inputs, search them on worker threads, and hand the results to one
//! reporter in path order.
//!
//! Workers take inputs by index from a shared counter and send each input's findings through a
//! channel; the reporting thread puts them back in order. Workers never run more than
//! `AHEAD_PER_THREAD` inputs ahead of the reporter, and the batches of large inputs that are not
//! yet next to be written never hold more than `AHEAD_FINDINGS` findings in all, so results
//! waiting to be written stay bounded.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::config::Config;
use crate::discover::{self, InputFile, Skipped};
use crate::finding::Finding;
use crate::read;
use crate::report::{self, RunInfo, Totals};
use crate::scan::Scanner;
use crate::search::{self, Gap, Outcome};

const AHEAD_PER_THREAD: usize = 64;

/// Findings of large inputs that may wait, in batches, for the inputs before them to be
/// written (a few megabytes). A worker on a dense input goes on scanning while an earlier input is
/// still being scanned, instead of waiting at its first batch, and only waits past this.
const AHEAD_FINDINGS: usize = 4 * crate::spill::SPILL_AT;

/// What a worker sends the writer: a batch of a large input's findings while it is being
/// scanned (and whether it counts against `AHEAD_FINDINGS`), then the input's outcome (with
/// its remaining findings).
enum Message {
    Part(usize, Vec<Finding>, bool),
    Done(usize, Outcome),
}

/// What workers and the writer share: how many inputs are written, and how many findings
/// sent ahead wait in the writer.
#[derive(Default)]
struct Progress {
    written: usize,
    ahead: usize,
}

/// The writing side of a run: the reporter, the totals it counts, and the first write error.
struct Writer<'w> {
    reporter: &'w mut dyn report::Reporter,
    run: &'w RunInfo<'w>,
    config: &'w Config,
    files: &'w [InputFile],
    totals: &'w mut Totals,
    failed: &'w mut bool,
    result: io::Result<()>,
    /// Batches of inputs not yet next to be written, in the order they came.
    parts: BTreeMap<usize, Vec<(Vec<Finding>, bool)>>,
    written: &'w (Mutex<Progress>, Condvar),
}

impl Writer<'_> {
    /// Write the batches of input `i` waiting in `parts`, and release what they held.
    fn write_parts(&mut self, i: usize) {
        for (batch, counted) in self.parts.remove(&i).unwrap_or_default() {
            if counted {
                let (lock, cv) = self.written;
                lock.lock().expect("progress lock").ahead -= batch.len();
                cv.notify_all();
            }
            if self.result.is_ok() {
                self.result = emit(
                    &mut *self.reporter,
                    self.run,
                    self.config,
                    &self.files[i],
                    batch,
                    self.totals,
                    self.failed,
                );
            }
        }
    }

    /// Write input `i`'s outcome: its gaps and its remaining findings.
    fn record(&mut self, i: usize, outcome: Outcome) {
        if self.result.is_ok() {
            self.result = record(
                &mut *self.reporter,
                self.run,
                self.config,
                &self.files[i],
                outcome,
                self.totals,
                self.failed,
            );
        }
    }
}

/// What a finished run reports back to `main`.
#[derive(Debug)]
pub struct RunResult {
    pub totals: Totals,
    /// Whether any reported finding reached `--fail-on`.
    pub failed: bool,
}

pub fn scan(config: &Config) -> Result<RunResult> {
    let out: Box<dyn Write + Send> = match &config.output {
        Some(path) => Box::new(BufWriter::with_capacity(
            1 << 16,
            File::create(path)
                .with_context(|| format!("cannot create output file {}", path.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
    };
    scan_into(
        config,
        report::reporter(config.format, out, config.output.as_deref()),
    )
}

/// Run a scan into a given reporter (`piiscan baseline` brings its own).
pub fn scan_into(config: &Config, mut reporter: Box<dyn report::Reporter>) -> Result<RunResult> {
    let started = Instant::now();
    let run = RunInfo::new(config);

    let discovered = discover::inputs(config)?;
    let mut totals = Totals::default();
    totals.skipped = discovered.skipped;
    let files = discovered.files;
    let mut failed = false;
    let progress = crate::progress::Progress::new(config, &files);

    let next = AtomicUsize::new(0);
    let written = Arc::new((Mutex::new(Progress::default()), Condvar::new()));
    let window = AHEAD_PER_THREAD * config.threads.max(1);
    let (tx, rx) = mpsc::sync_channel::<Message>(window);

    let write_result: io::Result<()> = std::thread::scope(|s| {
        for _ in 0..config.threads.max(1).min(files.len().max(1)) {
            let tx = tx.clone();
            let (next, files, written) = (&next, &files, written.clone());
            let progress = progress.as_ref();
            s.spawn(move || {
                let mut scanner = Scanner::new(&config.rules);
                let mut buf = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() {
                        break;
                    }
                    {
                        let (lock, cv) = &*written;
                        let mut w = lock.lock().expect("progress lock");
                        while i >= w.written + window {
                            w = cv.wait(w).expect("progress lock");
                        }
                    }
                    // Batches of a large input go out while it is scanned, once it is the
                    // next input to be written (see `spill`).
                    let sink = {
                        let (tx, written) = (tx.clone(), written.clone());
                        move |batch: Vec<Finding>| {
                            let (lock, cv) = &*written;
                            let mut w = lock.lock().expect("progress lock");
                            while w.written < i && w.ahead + batch.len() > AHEAD_FINDINGS {
                                w = cv.wait(w).expect("progress lock");
                            }
                            let ahead = w.written < i;
                            if ahead {
                                w.ahead += batch.len();
                            }
                            drop(w);
                            let _ = tx.send(Message::Part(i, batch, ahead));
                        }
                    };
                    let outcome = crate::spill::with_sink(sink, || {
                        search_file(&mut scanner, &files[i], config, &mut buf, progress)
                    });
                    if tx.send(Message::Done(i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);

        let mut pending: BTreeMap<usize, Outcome> = BTreeMap::new();
        let mut next_out = 0;
        let mut writer = Writer {
            reporter: &mut *reporter,
            run: &run,
            config,
            files: &files,
            totals: &mut totals,
            failed: &mut failed,
            result: Ok(()),
            parts: BTreeMap::new(),
            written: &written,
        };
        for message in rx {
            let (i, outcome) = match message {
                Message::Part(i, batch, counted) => {
                    writer.parts.entry(i).or_default().push((batch, counted));
                    if i == next_out {
                        writer.write_parts(i);
                    }
                    continue;
                }
                Message::Done(i, outcome) => (i, outcome),
            };
            pending.insert(i, outcome);
            while let Some(outcome) = pending.remove(&next_out) {
                // A worker sends an input's batches before its outcome, so all are here.
                writer.write_parts(next_out);
                writer.record(next_out, outcome);
                next_out += 1;
                let (lock, cv) = &*written;
                lock.lock().expect("progress lock").written = next_out;
                cv.notify_all();
            }
            // The input now next may be one still being scanned that sent batches ahead.
            writer.write_parts(next_out);
            if writer.result.is_err() {
                // Stop the workers quickly: nobody reads what they would produce.
                next.store(usize::MAX / 2, Ordering::Relaxed);
                let (lock, cv) = &*written;
                lock.lock().expect("progress lock").written = usize::MAX / 2;
                cv.notify_all();
            }
        }
        writer.result
    });
    write_result?;
    drop(progress);
    totals.duration = started.elapsed();
    if let (Some(baseline), None) = (&config.baseline, &config.change) {
        // Only a whole scan can tell that an entry matches nothing any more.
        totals.baseline_stale = Some(baseline.stale() as u64);
    }
    totals.finalize(&config.rules);
    for s in &totals.skipped {
        eprintln!("piiscan: skipped {}: {}", s.path, s.reason);
    }
    if totals.suppressed > 0 || totals.baseline_stale.is_some_and(|n| n > 0) {
        let mut line = format!(
            "piiscan: {} findings suppressed (allowlist, inline ignores, baseline)",
            totals.suppressed
        );
        if let Some(stale) = totals.baseline_stale.filter(|&n| n > 0) {
            line.push_str(&format!("; {stale} baseline entries match nothing any more (refresh with `piiscan baseline`)"));
        }
        eprintln!("{line}");
    }
    if failed && config.change.is_some() && totals.findings > 0 {
        eprintln!(
            "piiscan: blocked: this change adds {} finding(s) of personal data (listed above, values redacted).\n\
             To accept one, add `piiscan:ignore` (or `piiscan:ignore[RULE]`) in a comment on its line or\n\
             `piiscan:ignore-next-line` on the line before, allowlist the value in .piiscan.toml\n\
             ([allowlist] values = [...]), or record all current findings with\n\
             `piiscan baseline . --output .piiscan-baseline.json` and set `baseline` in .piiscan.toml.",
            totals.findings
        );
    }
    reporter.finish(&run, &totals)?;
    Ok(RunResult { totals, failed })
}

fn search_file(
    scanner: &mut Scanner<'_>,
    file: &InputFile,
    config: &Config,
    buf: &mut Vec<u8>,
    progress: Option<&crate::progress::Progress>,
) -> Outcome {
    let opened = match &file.blob {
        Some(data) => Ok(read::Opened::Stream(Box::new(&data[..]))),
        None if discover::is_stdin(&file.path) => Ok(read::Opened::Stream(Box::new(io::stdin()))),
        None => std::fs::metadata(&file.path)
            .and_then(|meta| read::open_file(&file.path, &meta, config.mmap)),
    };
    match opened {
        Ok(opened) => {
            let (opened, counted) = match progress {
                Some(p) => {
                    let (opened, counted) = p.track(file, opened);
                    (opened, Some(counted))
                }
                None => (opened, None),
            };
            let outcome = search::search(
                scanner,
                opened,
                &Arc::from(file.display.as_str()),
                &config.options,
                buf,
            );
            if let (Some(p), Some(counted)) = (progress, counted) {
                p.done(file, &counted);
            }
            outcome
        }
        Err(e) => Outcome {
            gap: Some(Gap::Skipped(format!("cannot read: {e}"))),
            ..Outcome::default()
        },
    }
}

fn record(
    reporter: &mut dyn report::Reporter,
    run: &RunInfo,
    config: &Config,
    file: &InputFile,
    mut outcome: Outcome,
    totals: &mut Totals,
    failed: &mut bool,
) -> io::Result<()> {
    // Archive members are inputs of their own: `archive!member`.
    for (path, gap) in std::mem::take(&mut outcome.member_gaps) {
        let reason = match gap {
            Gap::Skipped(reason) => reason,
            Gap::Incomplete { reason, .. } => format!("incomplete: {reason}"),
        };
        totals.skipped.push(Skipped { path, reason });
    }
    totals.files_scanned += outcome.members_scanned;
    match outcome.gap {
        Some(Gap::Skipped(reason)) => {
            totals.skipped.push(Skipped {
                path: file.display.clone(),
                reason,
            });
            return Ok(());
        }
        Some(Gap::Incomplete { reason, .. }) => totals.skipped.push(Skipped {
            path: file.display.clone(),
            reason: format!("incomplete: {reason}"),
        }),
        None => {}
    }
    totals.files_scanned += 1;
    totals.bytes_scanned += outcome.bytes;
    totals.suppressed += outcome.suppressed;
    emit(
        reporter,
        run,
        config,
        file,
        outcome.findings,
        totals,
        failed,
    )
}

/// Filter one input's findings (added lines, baseline), count them and report them.
fn emit(
    reporter: &mut dyn report::Reporter,
    run: &RunInfo,
    config: &Config,
    file: &InputFile,
    mut findings: Vec<Finding>,
    totals: &mut Totals,
    failed: &mut bool,
) -> io::Result<()> {
    if let Some(change) = &file.added_lines {
        // Scored with the whole file as context, reported only where the change adds lines.
        findings.retain(|f| change.adds_line(f.line));
    }
    if let Some(baseline) = &config.baseline {
        let before = findings.len();
        findings.retain(|f| !baseline.contains(&f.fingerprint));
        totals.suppressed += (before - findings.len()) as u64;
    }
    for f in &findings {
        totals.add(run.rules, f);
        if config.fails(&run.rules.rules[f.rule].categories, f.confidence) {
            *failed = true;
        }
    }
    reporter.findings(run, &findings)
}
