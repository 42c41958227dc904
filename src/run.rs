//! Driving a scan: discover inputs, search them on worker threads, and hand the results to one
//! reporter in path order.
//!
//! Workers take work items by index from a shared counter: an input, or a part of a large one
//! that several threads search at once (`split`). Each worker makes its findings ready
//! itself (filters them, counts them in its own share of the totals, renders them when the
//! format renders findings one by one) and sends them through a channel, small inputs several
//! at a time (`DONE_BATCH`); the reporting thread puts them back in order and mostly copies
//! bytes. Workers never run more than
//! `AHEAD_PER_THREAD` inputs ahead of the reporter, and the batches of large inputs that are not
//! yet next to be written never hold more than `AHEAD_FINDINGS` findings in memory in all:
//! rendered output past that waits in a temporary file, other findings make their worker wait.
//! The shares of the totals are merged when the workers are done.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::config::Config;
use crate::discover::{self, InputFile, Skipped};
use crate::finding::Finding;
use crate::read;
use crate::report::{self, Render, RunInfo, Totals};
use crate::scan::Scanner;
use crate::search::{self, Gap, Outcome, PartEnd};
use crate::split::{self, Split};

const AHEAD_PER_THREAD: usize = 64;

/// Findings of large inputs that may wait, in batches, for the inputs before them to be
/// written (a few megabytes, rendered or not). A worker on a dense input goes on scanning while
/// an earlier input is still being scanned, instead of waiting at its first batch, and only
/// waits past this. Findings the format does not show one by one (the data map) are counted
/// where they are found and never wait.
const AHEAD_FINDINGS: usize = 4 * crate::spill::SPILL_AT;

/// Findings of the input being written that may be on their way to the writer, in batches:
/// two, so that a worker renders the next batch while the writer copies the last one. Past
/// this the worker waits: a writer slowed by its reader (`| jq`, a full pipe) would otherwise
/// collect up to the channel's length of batches, hundreds of megabytes of a dense input.
const NEXT_FINDINGS: usize = 2 * crate::spill::SPILL_AT;

/// Findings in the last batch of a finished input past which it goes out on its own, as the
/// batches sent while it was scanned, rather than with the outcomes kept for `DONE_BATCH`.
/// Smaller ones wait with the outcomes, unbudgeted, for every input run ahead (128 with two
/// threads): at 128 findings that is a few megabytes at most. At 1,024, 400 files of about
/// 1,000 findings each read by a slow reader took 58 MB; now 19 MB. Source trees, with a few
/// findings per file, still send one message per `DONE_BATCH` inputs.
const FINISHED_AS_BATCH: usize = crate::spill::SPILL_AT / 32;

/// Finished inputs a worker keeps before sending them to the writer together, and the most
/// findings they may hold. One message per input would wake the writer for each one: on a
/// source tree of small files, those thread switches cost more than reading the files.
const DONE_BATCH: usize = 32;
const DONE_BATCH_FINDINGS: usize = 4096;

/// What a worker sends the writer: a batch of a large input's findings while it is being
/// scanned (and which budget it counts against), then finished inputs: each one's outcome and
/// remaining findings, in input order.
enum Message {
    Part(usize, Ready, Budget),
    Done(Vec<(usize, Outcome, Ready)>),
}

/// Which count of `Progress` a batch on its way to the writer holds findings in, released
/// once it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Budget {
    /// `ahead`: the input is not next to be written (`AHEAD_FINDINGS`).
    Ahead,
    /// `next`: the input is the one being written (`NEXT_FINDINGS`).
    Next,
    /// Nothing held in memory: a spill file.
    Free,
}

/// Findings made ready on the thread that found them: filtered, counted in that thread's share
/// of the totals and, when the format renders each finding on its own, rendered there (the
/// writer then only copies bytes, so it never becomes the bottleneck).
struct Ready {
    body: Body,
    /// How many findings this holds in memory, rendered or not (none for the data map).
    held: usize,
}

impl Ready {
    /// Whether this holds nothing for the writer: no findings, rendered or not.
    fn is_empty(&self) -> bool {
        match &self.body {
            Body::Findings(findings) => findings.is_empty(),
            Body::Rendered(bytes) => bytes.is_empty(),
            Body::Spilled(_) => false,
        }
    }
}

enum Body {
    /// Findings for the reporter, when the format does not render them one by one.
    Findings(Vec<Finding>),
    Rendered(Vec<u8>),
    /// Rendered findings of an input that ran ahead, kept in a temporary file (see `Outbox`).
    Spilled(File),
}

/// Spill files open at once, at most (each holds a file descriptor until it is written); past
/// this, a worker with rendered output ahead waits, as with findings that are not rendered.
const MAX_SPILL_FILES: usize = 32;

/// A spill file goes to the reporter in pieces of this size.
const COPY_CHUNK: u64 = 1 << 20;

/// Where a worker sends what it made ready: the channel to the writer, and the progress that
/// says whether the input is next to be written and how much waits there already.
struct Outbox<'a> {
    tx: mpsc::SyncSender<Message>,
    written: &'a (Mutex<Progress>, Condvar),
}

impl Outbox<'_> {
    /// Send a batch of input `i`, made ready while it is scanned. Once `i` is next to be
    /// written, batches go straight out while fewer than `NEXT_FINDINGS` findings are on their
    /// way, and this thread waits for the writer past that. Before that, a batch waits in the
    /// writer while fewer than `AHEAD_FINDINGS` findings do; past that, rendered output goes
    /// to the input's spill file (`spill`), and findings that are not rendered make this
    /// thread wait. The spill file is sent as soon as `i` is next, and at the latest before
    /// its outcome, so the input's output keeps its order.
    fn part(&self, i: usize, ready: Ready, spill: &mut Option<File>) {
        let (lock, cv) = self.written;
        let mut can_spill = matches!(ready.body, Body::Rendered(_));
        let mut w = lock.lock().expect("progress lock");
        loop {
            if w.written >= i {
                if w.next > 0 && w.next + ready.held > NEXT_FINDINGS {
                    w = wait(cv, w);
                    continue;
                }
                w.next += ready.held;
                drop(w);
                self.send_spill(i, spill);
                let _ = self.tx.send(Message::Part(i, ready, Budget::Next));
                return;
            }
            if spill.is_none() && w.ahead + ready.held <= AHEAD_FINDINGS {
                w.ahead += ready.held;
                drop(w);
                let _ = self.tx.send(Message::Part(i, ready, Budget::Ahead));
                return;
            }
            if can_spill && (spill.is_some() || w.spill_files < MAX_SPILL_FILES) {
                let fresh = spill.is_none();
                if fresh {
                    w.spill_files += 1;
                }
                drop(w);
                if let Body::Rendered(bytes) = &ready.body {
                    if spill_bytes(spill, bytes).is_ok() {
                        return;
                    }
                }
                // No room for a spill file: wait with the batch in memory instead.
                can_spill = false;
                w = lock.lock().expect("progress lock");
                if fresh && spill.is_none() {
                    w.spill_files -= 1;
                }
                continue;
            }
            w = wait(cv, w);
        }
    }

    /// Send input `i`'s spill file, if it has one.
    fn send_spill(&self, i: usize, spill: &mut Option<File>) {
        if let Some(file) = spill.take() {
            let ready = Ready {
                body: Body::Spilled(file),
                held: 0,
            };
            let _ = self.tx.send(Message::Part(i, ready, Budget::Free));
        }
    }
}

/// Wait for the writer to move on, counted in `waiting` so that it wakes this thread only when
/// one waits.
fn wait<'g>(cv: &Condvar, mut w: MutexGuard<'g, Progress>) -> MutexGuard<'g, Progress> {
    w.waiting += 1;
    let mut w = cv.wait(w).expect("progress lock");
    w.waiting -= 1;
    w
}

/// Change the progress the workers wait on, and wake those that wait.
fn release(written: &(Mutex<Progress>, Condvar), change: impl FnOnce(&mut Progress)) {
    let (lock, cv) = written;
    let mut w = lock.lock().expect("progress lock");
    change(&mut w);
    if w.waiting > 0 {
        cv.notify_all();
    }
}

/// Append rendered bytes to an input's spill file, made on first use; on failure the file is
/// left as it was.
fn spill_bytes(spill: &mut Option<File>, bytes: &[u8]) -> io::Result<()> {
    let file = match spill {
        Some(file) => file,
        None => spill.insert(tempfile::tempfile()?),
    };
    let before = file.stream_position()?;
    file.write_all(bytes).inspect_err(|_| {
        let _ = file.set_len(before);
        let _ = file.seek(SeekFrom::Start(before));
    })
}

/// A scanning thread's share of the run: what it counted, and whether a finding it made ready
/// reaches `--fail-on`.
#[derive(Default)]
struct Share {
    totals: Totals,
    failed: bool,
    /// Rendered output of the input being scanned that ran ahead of the writer (`Outbox`).
    spill: Option<File>,
    /// Finished inputs not yet sent (see `DONE_BATCH`).
    done: Vec<(usize, Outcome, Ready)>,
    /// Bytes per finding of the last batch rendered, to size the next one's buffer: grown by
    /// doubling, a batch of JSON Lines (1.5 MB) would be copied again at each step.
    rendered_size: usize,
    /// Which findings that are not rendered go to the writer (all without it).
    passed: Option<report::Passed>,
}

impl Share {
    /// Keep input `i`'s outcome and findings with those to send together, and send them when
    /// there are enough. Returns false once the writer is gone.
    fn finished(
        &mut self,
        outbox: &Outbox<'_>,
        i: usize,
        outcome: Outcome,
        mut ready: Ready,
    ) -> bool {
        // Many findings of an input that ends ahead of the writer go as a batch, under the
        // same budget as the batches of inputs being scanned: kept with the outcomes, those of
        // every input run ahead would wait in memory while a slow reader holds the writer.
        if ready.held >= FINISHED_AS_BATCH && matches!(ready.body, Body::Rendered(_)) {
            if !self.send_done(outbox) {
                return false;
            }
            let batch = std::mem::replace(
                &mut ready,
                Ready {
                    body: Body::Rendered(Vec::new()),
                    held: 0,
                },
            );
            outbox.part(i, batch, &mut self.spill);
        }
        // What the input spilled goes before its outcome.
        outbox.send_spill(i, &mut self.spill);
        self.done.push((i, outcome, ready));
        let held: usize = self.done.iter().map(|(_, _, ready)| ready.held).sum();
        if self.done.len() < DONE_BATCH && held < DONE_BATCH_FINDINGS {
            return true;
        }
        self.send_done(outbox)
    }

    /// Send the finished inputs kept here. Called before this thread could wait for the
    /// writer, which may be waiting for one of them. Returns false once the writer is gone.
    fn send_done(&mut self, outbox: &Outbox<'_>) -> bool {
        self.done.is_empty()
            || outbox
                .tx
                .send(Message::Done(std::mem::take(&mut self.done)))
                .is_ok()
    }

    /// Count the findings the search passed over (`report::Passed::passed_over`) since the last
    /// call, as `ready` counts those it is given. Those of an input whose search panicked
    /// are not counted: the scanner that held them was rebuilt, and the input is reported as
    /// not scanned.
    fn count_passed_over(&mut self, config: &Config, scanner: &mut Scanner<'_>) {
        let Some(passed) = scanner.passed.as_mut() else {
            return;
        };
        let counted = passed.passed_over();
        let rules = &config.rules.rules;
        self.failed |= counted
            .any_counted(|rule, confidence| config.fails(&rules[rule].categories, confidence));
        self.totals.take_counts(&config.rules, counted);
    }

    /// Filter one input's findings (added lines, baseline), count them, and render them if
    /// the format says how.
    fn ready(
        &mut self,
        config: &Config,
        run: &RunInfo,
        render: Option<Render>,
        file: &InputFile,
        mut findings: Vec<Finding>,
    ) -> Ready {
        if let Some(change) = &file.added_lines {
            // Scored with the whole file as context, reported only where the change adds lines.
            findings.retain(|f| change.adds_line(f.line));
        }
        if let Some(baseline) = &config.baseline {
            let before = findings.len();
            findings.retain(|f| !baseline.contains(&f.fingerprint.hex()));
            self.totals.suppressed += (before - findings.len()) as u64;
        }
        for f in &findings {
            self.totals.add(run.rules, f);
            if config.fails(&run.rules.rules[f.rule].categories, f.confidence) {
                self.failed = true;
            }
        }
        if let (None, Some(passed)) = (render, &mut self.passed) {
            findings.retain(|f| passed.send(f));
            // The batch waits for the writer counted by its findings, not by its capacity
            // (4,096 findings, about 1 MB): a worker running ahead would keep thousands.
            findings.shrink_to_fit();
        }
        let held = match render {
            Some(Render::Nothing) => 0,
            _ => findings.len(),
        };
        if let Some(render) = render {
            let mut bytes = Vec::with_capacity(findings.len() * self.rendered_size);
            // Rendering into memory cannot fail; if it ever did, the reporter gets the findings
            // and reports the error itself.
            if render.render(run, &findings, &mut bytes).is_ok() {
                if !findings.is_empty() {
                    // With room to spare: findings vary in length from batch to batch.
                    self.rendered_size = bytes.len() / findings.len() * 9 / 8 + 1;
                }
                return Ready {
                    body: Body::Rendered(bytes),
                    held,
                };
            }
        }
        Ready {
            body: Body::Findings(findings),
            held,
        }
    }
}

/// What workers and the writer share: how many inputs are written, and how many findings
/// sent ahead wait in the writer.
#[derive(Default)]
struct Progress {
    written: usize,
    ahead: usize,
    /// Findings of the input being written on their way to the writer (`NEXT_FINDINGS`).
    next: usize,
    /// Spill files made and not yet copied by the writer.
    spill_files: usize,
    /// Workers waiting for one of the above to change.
    waiting: usize,
}

/// The writing side of a run: the reporter, the totals it counts, and the first write error.
struct Writer<'w> {
    reporter: &'w mut dyn report::Reporter,
    run: &'w RunInfo<'w>,
    files: &'w [InputFile],
    totals: &'w mut Totals,
    result: io::Result<()>,
    /// Batches of inputs not yet next to be written, in the order they came.
    parts: BTreeMap<usize, Vec<(Ready, Budget)>>,
    written: &'w (Mutex<Progress>, Condvar),
}

impl Writer<'_> {
    /// Write the batches of input `i` waiting in `parts`, and release what they held.
    fn write_parts(&mut self, i: usize) {
        for (batch, budget) in self.parts.remove(&i).unwrap_or_default() {
            let held = batch.held;
            self.write(batch);
            // Released once written: a writer blocked by its reader holds the worker back.
            match budget {
                Budget::Ahead => release(self.written, |w| w.ahead -= held),
                Budget::Next => release(self.written, |w| w.next -= held),
                Budget::Free => {}
            }
        }
    }

    fn write(&mut self, ready: Ready) {
        let spilled = matches!(ready.body, Body::Spilled(_));
        let body = ready.body;
        if self.result.is_ok() {
            self.result = match body {
                Body::Findings(findings) => self.reporter.findings(self.run, &findings),
                Body::Rendered(bytes) if bytes.is_empty() => Ok(()),
                Body::Rendered(bytes) => self.reporter.rendered(&bytes),
                Body::Spilled(file) => self.copy_spilled(file),
            };
        } else {
            drop(body);
        }
        // The spill file is closed by now (copied, or dropped after a write error).
        if spilled {
            release(self.written, |w| w.spill_files -= 1);
        }
    }

    /// Copy a spill file to the reporter, a megabyte at a time.
    fn copy_spilled(&mut self, mut file: File) -> io::Result<()> {
        file.seek(SeekFrom::Start(0))?;
        let mut buf = Vec::with_capacity(COPY_CHUNK as usize);
        loop {
            buf.clear();
            (&mut file).take(COPY_CHUNK).read_to_end(&mut buf)?;
            if buf.is_empty() {
                return Ok(());
            }
            self.reporter.rendered(&buf)?;
        }
    }

    fn record(&mut self, i: usize, outcome: Outcome, ready: Ready) {
        record(self.totals, &self.files[i], outcome);
        self.write(ready);
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
    if let Some(path) = &config.output {
        refuse_to_overwrite_an_input(path, &config.walk.paths)?;
    }
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

/// Fails when `output` is one of the files named as inputs: creating the report would empty
/// it before it is read, and the scan would find it clean.
fn refuse_to_overwrite_an_input(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    let Ok(out) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    let same = |input: &PathBuf| std::fs::canonicalize(input).is_ok_and(|p| p == out);
    if let Some(input) = inputs.iter().find(|input| same(input)) {
        anyhow::bail!(
            "the output file {} is also an input ({}): it would be emptied before it is read",
            output.display(),
            input.display()
        );
    }
    Ok(())
}

/// Run a scan into a given reporter (`piiscan baseline` brings its own).
pub fn scan_into(config: &Config, mut reporter: Box<dyn report::Reporter>) -> Result<RunResult> {
    let started = Instant::now();
    let run = RunInfo::new(config);

    let discovered = config.inputs()?;
    let mut totals = Totals::default();
    totals.skipped = discovered.skipped;
    let files = discovered.files;
    let mut failed = false;
    let progress = crate::progress::Progress::new(config, &files);

    let render = reporter.render();
    let uses = reporter.uses();
    // Work items: (input, part). A large plain file of a run that only counts is searched in
    // parts by several threads (see `split`); every other input is one item.
    let splits: BTreeMap<usize, Split<PartCounts>> = files
        .iter()
        .enumerate()
        .filter_map(|(i, file)| {
            let parts = parts_of(config, render, file);
            (parts > 1).then(|| (i, Split::new(parts)))
        })
        .collect();
    let work: Vec<(usize, usize)> = (0..files.len())
        .flat_map(|i| {
            let parts = splits.get(&i).map_or(1, |split| split.parts);
            (0..parts).map(move |k| (i, k))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let written = Arc::new((Mutex::new(Progress::default()), Condvar::new()));
    let window = AHEAD_PER_THREAD * config.walk.threads.max(1);
    let (tx, rx) = mpsc::sync_channel::<Message>(window);

    let write_result: io::Result<()> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..config.walk.threads.max(1).min(work.len().max(1)))
            .map(|_| {
                let tx = tx.clone();
                let (next, files, written, run) = (&next, &files, written.clone(), &run);
                let (work, splits) = (&work, &splits);
                let progress = progress.as_ref();
                let uses = uses.clone();
                s.spawn(move || {
                    let share = Mutex::new(Share {
                        passed: (!uses.all())
                            .then(|| report::Passed::new(uses.clone(), &config.rules)),
                        ..Share::default()
                    });
                    // What the part being searched counts, kept aside until it stands.
                    let part_share = Mutex::new(Share::default());
                    let outbox = Outbox {
                        tx,
                        written: &written,
                    };
                    let mut scanner = Scanner::new(&config.rules);
                    // The search asks too, when every finding it finds reaches the reporter
                    // (no baseline or git change drops some first): those passed over are
                    // counted as they are found and never built (`count_passed_over`).
                    if !uses.all() && config.baseline.is_none() && config.walk.change.is_none() {
                        scanner.passed = Some(report::Passed::new(uses.clone(), &config.rules));
                    }
                    let mut buf = Vec::new();
                    loop {
                        let item = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(i, part)) = work.get(item) else {
                            break;
                        };
                        let (lock, cv) = &*written;
                        let must_wait = i >= lock.lock().expect("progress lock").written + window;
                        // The writer may be waiting for an input kept here: send them before
                        // waiting (a long input sends them too: `long_input` below).
                        if must_wait
                            && !share
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .send_done(&outbox)
                        {
                            break;
                        }
                        let mut w = lock.lock().expect("progress lock");
                        while i >= w.written + window {
                            w = wait(cv, w);
                        }
                        drop(w);
                        let file = &files[i];
                        if let Some(split) = splits.get(&i) {
                            // The writer may be waiting for inputs finished here.
                            if !share
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .send_done(&outbox)
                            {
                                break;
                            }
                            let settled = search_part(
                                &mut scanner,
                                &part_share,
                                split,
                                part,
                                file,
                                config,
                                run,
                                render,
                                &mut buf,
                                progress,
                            );
                            let mut share = share.lock().unwrap_or_else(PoisonError::into_inner);
                            for counts in settled.counts {
                                share.totals.merge(&config.rules, counts.totals);
                                share.failed |= counts.failed;
                            }
                            if let Some(outcome) = settled.finished {
                                let ready = Ready {
                                    body: Body::Rendered(Vec::new()),
                                    held: 0,
                                };
                                if !share.finished(&outbox, i, outcome, ready) {
                                    break;
                                }
                            }
                            continue;
                        }
                        // Batches of a large input go out while it is scanned (see `spill`);
                        // those of an input not next to be written wait in the writer, up to
                        // `AHEAD_FINDINGS`.
                        scanner.sink = Some(Box::new({
                            let (outbox, share) = (&outbox, &share);
                            move |batch: Vec<Finding>| {
                                let mut share =
                                    share.lock().unwrap_or_else(PoisonError::into_inner);
                                let ready = share.ready(config, run, render, file, batch);
                                // Inputs finished before this one go first: `part` may wait
                                // for the writer to reach it.
                                share.send_done(outbox);
                                // The data map keeps few of a dense input's findings: a batch
                                // left empty would only wake the writer (a thread switch per
                                // 4,096 findings, 5% of a dense export's time).
                                if !ready.is_empty() {
                                    outbox.part(i, ready, &mut share.spill);
                                }
                            }
                        }));
                        // An input longer than a chunk (a small gzip may hold gigabytes) takes
                        // long: the inputs kept meanwhile go to the writer now.
                        scanner.long_input = Some(Box::new({
                            let (outbox, share) = (&outbox, &share);
                            move || {
                                share
                                    .lock()
                                    .unwrap_or_else(PoisonError::into_inner)
                                    .send_done(outbox);
                            }
                        }));
                        let mut outcome = guarded(
                            &mut scanner,
                            &config.rules,
                            |scanner| search_file(scanner, file, config, &mut buf, progress),
                            internal_error,
                        );
                        scanner.sink = None;
                        scanner.long_input = None;
                        let findings = std::mem::take(&mut outcome.findings);
                        let mut share = share.lock().unwrap_or_else(PoisonError::into_inner);
                        share.count_passed_over(config, &mut scanner);
                        // A panic here would leave the writer waiting for this input (and the
                        // ones kept with it) for ever: it becomes a skipped input instead.
                        let ready = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            share.ready(config, run, render, file, findings)
                        }))
                        .unwrap_or_else(|_| {
                            outcome = internal_error();
                            Ready {
                                body: Body::Rendered(Vec::new()),
                                held: 0,
                            }
                        });
                        if !share.finished(&outbox, i, outcome, ready) {
                            break;
                        }
                    }
                    share
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .send_done(&outbox);
                    drop(scanner);
                    share.into_inner().unwrap_or_else(PoisonError::into_inner)
                })
            })
            .collect();
        drop(tx);

        let mut pending: BTreeMap<usize, (Outcome, Ready)> = BTreeMap::new();
        let mut next_out = 0;
        let mut writer = Writer {
            reporter: &mut *reporter,
            run: &run,
            files: &files,
            totals: &mut totals,
            result: Ok(()),
            parts: BTreeMap::new(),
            written: &written,
        };
        for message in rx {
            let done = match message {
                Message::Part(i, batch, budget) => {
                    writer.parts.entry(i).or_default().push((batch, budget));
                    // After a write error nothing is written: batches are dropped at once,
                    // and what they held released, so that no worker waits for ever.
                    if i == next_out || writer.result.is_err() {
                        writer.write_parts(i);
                    }
                    continue;
                }
                Message::Done(done) => done,
            };
            for (i, outcome, ready) in done {
                pending.insert(i, (outcome, ready));
            }
            let before = next_out;
            while let Some((outcome, ready)) = pending.remove(&next_out) {
                // A worker sends an input's batches before its outcome, so all are here.
                writer.write_parts(next_out);
                writer.record(next_out, outcome, ready);
                next_out += 1;
            }
            // After a write error `written` stays past every input (set below).
            if next_out > before && writer.result.is_ok() {
                release(&written, |w| w.written = next_out);
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
        let result = writer.result;
        // Each worker's counts join the writer's.
        for worker in workers {
            match worker.join() {
                Ok(share) => {
                    totals.merge(&config.rules, share.totals);
                    failed |= share.failed;
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        result
    });
    write_result?;
    drop(progress);
    totals.duration = started.elapsed();
    if let (Some(baseline), None) = (&config.baseline, &config.walk.change) {
        // Only a whole scan can tell that an entry matches nothing any more, and only of the
        // files it searched.
        let searched: std::collections::HashSet<&str> =
            files.iter().map(|f| f.anchored.as_str()).collect();
        totals.baseline_stale = Some(baseline.stale(|path| searched.contains(path)) as u64);
    }
    totals.finalize(&config.rules);
    for s in &totals.skipped {
        warn!(
            "piiscan: skipped {}: {}",
            crate::scrub::printable(&s.path),
            crate::scrub::printable(&s.reason)
        );
    }
    if totals.suppressed > 0 || totals.baseline_stale.is_some_and(|n| n > 0) {
        let mut line = format!(
            "piiscan: {} findings suppressed (allowlist, inline ignores, baseline)",
            totals.suppressed
        );
        if let Some(stale) = totals.baseline_stale.filter(|&n| n > 0) {
            line.push_str(&format!("; {stale} baseline entries match nothing any more (refresh with `piiscan baseline`)"));
        }
        warn!("{line}");
    }
    if failed && config.walk.change.is_some() && totals.findings > 0 {
        warn!(
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

/// What `skipped` says of an input whose search panicked.
const INTERNAL_ERROR: &str =
    "internal error: piiscan failed on this input (a bug; please report it with the message above)";

/// Run one input's (or part's) `search`, turning a panic (a bug) into what `failed` says,
/// the input reported as not scanned: the rest of the scan goes on, and no other worker is
/// left waiting for its turn to write. The scanner is rebuilt, as its caches may have been
/// left half-updated.
fn guarded<'s, T>(
    scanner: &mut Scanner<'s>,
    rules: &'s crate::scan::RuleSet,
    search: impl FnOnce(&mut Scanner<'s>) -> T,
    failed: impl FnOnce() -> T,
) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| search(scanner))) {
        Ok(searched) => searched,
        Err(_) => {
            *scanner = Scanner::new(rules);
            failed()
        }
    }
}

/// The outcome of an input whose search or rendering panicked.
fn internal_error() -> Outcome {
    Outcome {
        gap: Some(Gap::Skipped(INTERNAL_ERROR.into())),
        ..Outcome::default()
    }
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
        None => read::open_file(&file.path, config.mmap),
    };
    // A way for the tests to check that a panic on one input spares the rest of the scan.
    #[cfg(debug_assertions)]
    if std::env::var_os("PIISCAN_TEST_PANIC_ON").is_some_and(|name| file.path.ends_with(name)) {
        panic!("PIISCAN_TEST_PANIC_ON: {}", file.display);
    }
    match opened {
        Ok(opened) => {
            let (opened, counted) = match progress {
                Some(p) => {
                    let (opened, counted) = p.track(file, opened);
                    (opened, Some(counted))
                }
                None => (opened, None),
            };
            let outcome = search::search(scanner, opened, &input_path(file), &config.options, buf);
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

/// The paths `file`'s findings are shown with and fingerprinted with.
fn input_path(file: &InputFile) -> search::InputPath {
    search::InputPath {
        shown: Arc::from(file.display.as_str()),
        anchored: Arc::from(file.anchored.as_str()),
    }
}

/// What a part of a split input counted, kept aside until it stands (see `split`).
#[derive(Debug, Default)]
struct PartCounts {
    totals: Totals,
    failed: bool,
}

/// How many parts `file` is searched in: more than one only for a large plain file on disk,
/// with more than one thread, in a run that only counts findings. Line numbers and
/// fingerprints count in file order; a baseline needs fingerprints and a git change line
/// numbers, so neither is split either.
fn parts_of(config: &Config, render: Option<Render>, file: &InputFile) -> usize {
    let counts_only = matches!(render, Some(Render::Nothing))
        && !config.options.fingerprints
        && !config.options.line_numbers;
    if !counts_only
        || config.walk.threads < 2
        || file.blob.is_some()
        || discover::is_stdin(&file.path)
    {
        return 1;
    }
    split::parts_for(file.len, config.part_size)
}

/// Search part `k` of a split input (the whole input, from part 0, when it turns out not to be
/// plain text), counting its findings aside in `part_share`, and say what that settles.
#[allow(clippy::too_many_arguments)]
fn search_part<'s>(
    scanner: &mut Scanner<'s>,
    part_share: &'s Mutex<Share>,
    split: &Split<PartCounts>,
    k: usize,
    file: &'s InputFile,
    config: &'s Config,
    run: &'s RunInfo,
    render: Option<Render>,
    buf: &mut Vec<u8>,
    progress: Option<&crate::progress::Progress>,
) -> split::Settled<PartCounts> {
    let plan = split.plan.get_or_init(|| {
        split::plan(
            &file.path,
            &file.display,
            split.parts,
            &config.rules,
            &config.options,
        )
    });
    // The plan may have fewer parts than planned for (no line start near one of the cuts):
    // the parts past its last are covered by the one before them, as part 0 covers all of an
    // input that is not split after all.
    let planned = plan.as_ref().map_or(1, |p| p.starts.len());
    if k >= planned || !split.begin(k) {
        // Part 0 searches all of it, or a counted search went on into this part.
        return split::Settled {
            counts: Vec::new(),
            finished: None,
        };
    }
    *part_share.lock().unwrap_or_else(PoisonError::into_inner) = Share::default();
    scanner.sink = Some(Box::new(move |batch: Vec<Finding>| {
        let mut share = part_share.lock().unwrap_or_else(PoisonError::into_inner);
        share.ready(config, run, render, file, batch);
    }));
    let path = input_path(file);
    let (mut outcome, end) = match plan {
        None => (
            guarded(
                scanner,
                &config.rules,
                |scanner| search_file(scanner, file, config, buf, progress),
                internal_error,
            ),
            PartEnd::End,
        ),
        Some(plan) => {
            let start = plan.starts[k];
            let stops = &plan.starts[k + 1..];
            let opened = File::open(&file.path).and_then(|mut f| {
                f.seek(SeekFrom::Start(start))?;
                Ok(f)
            });
            match opened {
                // A panic ends the input there, reported as not scanned.
                Ok(mut reader) => guarded(
                    scanner,
                    &config.rules,
                    |scanner| {
                        search::search_part(
                            scanner,
                            &mut reader,
                            start,
                            plan.shape.clone(),
                            stops,
                            &path,
                            &config.options,
                            buf,
                            |n| split.crossed(k, k + 1 + n),
                        )
                    },
                    || (internal_error(), PartEnd::End),
                ),
                Err(e) => (
                    Outcome {
                        gap: Some(Gap::Incomplete {
                            bytes: start,
                            reason: format!("cannot read after {start} bytes: {e}"),
                        }),
                        ..Outcome::default()
                    },
                    PartEnd::End,
                ),
            }
        }
    };
    scanner.sink = None;
    if let (Some(p), Some(_)) = (progress, plan) {
        p.part_done(file, outcome.bytes);
    }
    let mut share = part_share.lock().unwrap_or_else(PoisonError::into_inner);
    let findings = std::mem::take(&mut outcome.findings);
    share.ready(config, run, render, file, findings);
    share.count_passed_over(config, scanner);
    let counts = PartCounts {
        totals: std::mem::take(&mut share.totals),
        failed: share.failed,
    };
    drop(share);
    let settled = split.end(k, counts, outcome, end);
    if let (Some(p), Some(_), Some(_)) = (progress, plan, &settled.finished) {
        p.split_done(file);
    }
    settled
}

/// Count one input's outcome: its gaps (archive members' too), and what was scanned.
fn record(totals: &mut Totals, file: &InputFile, outcome: Outcome) {
    // Archive members are inputs of their own: `archive!member`.
    for (path, gap) in outcome.member_gaps {
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
            return;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_thinned_for_its_reporter_waits_at_its_size_not_its_capacity() {
        let args = crate::cli::ScanArgs::parse(&["piiscan", "scan", "-", "--no-config"]);
        let config = Config::from_args(&args).unwrap();
        let run = RunInfo::new(&config);
        let mut share = Share {
            passed: Some(report::Passed::new(
                report::Uses::FirstOfEachCategory(1),
                &config.rules,
            )),
            ..Share::default()
        };
        let path: Arc<str> = Arc::from("a.csv");
        let mut batch = Vec::with_capacity(crate::spill::SPILL_AT);
        batch.extend((1..=crate::spill::SPILL_AT as u64).map(|line| Finding {
            path: path.clone(),
            line,
            ..Finding::default()
        }));
        let ready = share.ready(&config, &run, None, &InputFile::default(), batch);
        // Every finding counts; only the first of its rule's categories goes to the writer.
        assert_eq!(share.totals.findings, crate::spill::SPILL_AT as u64);
        assert_eq!(ready.held, 1);
        let Body::Findings(sent) = ready.body else {
            panic!("findings that are not rendered go as findings")
        };
        assert_eq!(sent.len(), 1);
        assert!(sent.capacity() < 16, "capacity {}", sent.capacity());
    }

    fn rendered(text: &str, held: usize) -> Ready {
        Ready {
            body: Body::Rendered(text.as_bytes().to_vec()),
            held,
        }
    }

    fn text(message: Message) -> (usize, String) {
        let Message::Part(i, ready, _) = message else {
            panic!("expected a batch");
        };
        let bytes = match ready.body {
            Body::Rendered(bytes) => bytes,
            Body::Spilled(mut file) => {
                let mut bytes = Vec::new();
                file.seek(SeekFrom::Start(0)).unwrap();
                file.read_to_end(&mut bytes).unwrap();
                bytes
            }
            Body::Findings(_) => panic!("expected rendered findings"),
        };
        (i, String::from_utf8(bytes).unwrap())
    }

    fn outbox(written: &(Mutex<Progress>, Condvar)) -> (Outbox<'_>, mpsc::Receiver<Message>) {
        let (tx, rx) = mpsc::sync_channel(16);
        (Outbox { tx, written }, rx)
    }

    #[test]
    fn rendered_batches_past_the_budget_wait_in_a_spill_file_and_keep_their_order() {
        let written = (Mutex::new(Progress::default()), Condvar::new());
        let (outbox, rx) = outbox(&written);
        let mut spill = None;
        // Input 1 runs ahead of input 0: the first batch fits in the writer's budget, the next
        // ones go to the spill file, and so does a small one after them (order).
        outbox.part(1, rendered("a", AHEAD_FINDINGS), &mut spill);
        outbox.part(1, rendered("b", 10), &mut spill);
        outbox.part(1, rendered("c", 1), &mut spill);
        assert_eq!(text(rx.try_recv().unwrap()), (1, "a".into()));
        assert!(rx.try_recv().is_err(), "spilled batches are not sent yet");
        assert!(spill.is_some());
        // Once input 1 is next to be written, the spill file goes first, then the new batch.
        written.0.lock().unwrap().written = 1;
        outbox.part(1, rendered("d", 1), &mut spill);
        assert_eq!(text(rx.try_recv().unwrap()), (1, "bc".into()));
        assert_eq!(text(rx.try_recv().unwrap()), (1, "d".into()));
        assert!(spill.is_none());
    }

    #[test]
    fn past_the_spill_file_limit_a_worker_waits_for_the_writer() {
        let written = (Mutex::new(Progress::default()), Condvar::new());
        written.0.lock().unwrap().spill_files = MAX_SPILL_FILES;
        let (outbox, rx) = outbox(&written);
        std::thread::scope(|s| {
            let worker = s.spawn(|| {
                let mut spill = None;
                outbox.part(1, rendered("a", AHEAD_FINDINGS + 1), &mut spill);
                spill
            });
            std::thread::sleep(std::time::Duration::from_millis(100));
            assert!(
                !worker.is_finished(),
                "no spill file may be made past the limit"
            );
            // The writer copies one spill file and closes it.
            written.0.lock().unwrap().spill_files -= 1;
            written.1.notify_all();
            let spill = worker.join().unwrap();
            assert!(spill.is_some());
        });
        assert_eq!(written.0.lock().unwrap().spill_files, MAX_SPILL_FILES);
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn batches_of_the_input_being_written_wait_once_two_are_on_their_way() {
        let written = (Mutex::new(Progress::default()), Condvar::new());
        let (outbox, rx) = outbox(&written);
        std::thread::scope(|s| {
            let worker = s.spawn(|| {
                let mut spill = None;
                for text in ["a", "b", "c"] {
                    outbox.part(0, rendered(text, NEXT_FINDINGS / 2), &mut spill);
                }
                spill
            });
            std::thread::sleep(std::time::Duration::from_millis(100));
            assert!(!worker.is_finished(), "a third batch waits for the writer");
            assert_eq!(written.0.lock().unwrap().next, NEXT_FINDINGS);
            // The writer writes the first batch and releases what it held.
            assert_eq!(text(rx.try_recv().unwrap()), (0, "a".into()));
            release(&written, |w| w.next -= NEXT_FINDINGS / 2);
            assert!(worker.join().unwrap().is_none(), "nothing spilled");
        });
        assert_eq!(text(rx.try_recv().unwrap()), (0, "b".into()));
        assert_eq!(text(rx.try_recv().unwrap()), (0, "c".into()));
        assert_eq!(written.0.lock().unwrap().next, NEXT_FINDINGS);
    }

    #[test]
    fn one_batch_larger_than_the_budget_still_goes_out() {
        let written = (Mutex::new(Progress::default()), Condvar::new());
        let (outbox, rx) = outbox(&written);
        outbox.part(0, rendered("big", 3 * NEXT_FINDINGS), &mut None);
        assert_eq!(text(rx.try_recv().unwrap()), (0, "big".into()));
    }

    #[test]
    fn many_findings_of_an_input_finished_ahead_go_out_under_the_batch_budget() {
        let written = (Mutex::new(Progress::default()), Condvar::new());
        let (outbox, rx) = outbox(&written);
        let mut share = Share::default();
        // Input 0 is still being written; 1 and 2 end ahead of it. Input 1's findings go out
        // at once as a batch counted ahead, input 2's few wait with its outcome.
        assert!(share.finished(
            &outbox,
            1,
            Outcome::default(),
            rendered("x", FINISHED_AS_BATCH)
        ));
        assert_eq!(text(rx.try_recv().unwrap()), (1, "x".into()));
        assert_eq!(written.0.lock().unwrap().ahead, FINISHED_AS_BATCH);
        assert!(share.finished(&outbox, 2, Outcome::default(), rendered("y", 1)));
        assert!(
            rx.try_recv().is_err(),
            "small inputs are kept to be sent together"
        );
        let kept: Vec<(usize, usize)> = share.done.iter().map(|(i, _, r)| (*i, r.held)).collect();
        assert_eq!(kept, [(1, 0), (2, 1)]);
    }

    #[test]
    fn an_input_ending_ahead_sends_its_spill_file() {
        let written = (Mutex::new(Progress::default()), Condvar::new());
        let (outbox, rx) = outbox(&written);
        let mut spill = None;
        outbox.part(2, rendered("x", AHEAD_FINDINGS + 1), &mut spill);
        assert!(rx.try_recv().is_err());
        outbox.send_spill(2, &mut spill);
        assert_eq!(text(rx.try_recv().unwrap()), (2, "x".into()));
        assert!(spill.is_none());
    }
}
