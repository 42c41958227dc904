//! The progress bar on stderr: bytes and files done, throughput, the input being read.
//!
//! Shown when stderr is a terminal and `CI` is not set, or with `--progress`; never with
//! `--no-progress`. It stays off the hot path: bytes are counted per `read` call of an input
//! (a decoder reads its source in blocks of tens of KiB; the chunked search reads MiBs), a
//! mapped file counts when it is done, and the path and file count change once per input.
//! Bytes are bytes on disk (compressed bytes for compressed inputs), so the total is known
//! up front; standard input has no total.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::config::Config;
use crate::discover::{self, InputFile};
use crate::read::Opened;

/// A progress bar for one run; cleared when dropped.
pub struct Progress {
    bar: ProgressBar,
    files_total: usize,
    files_done: AtomicU64,
}

impl Progress {
    /// The bar for a run over `files`, or `None` when none is to be shown.
    pub fn new(config: &Config, files: &[InputFile]) -> Option<Progress> {
        if !config.progress {
            return None;
        }
        let stdin = files.iter().any(|f| discover::is_stdin(&f.path));
        let total: u64 = files.iter().map(|f| f.len).sum();
        let target = {
            use std::io::IsTerminal;
            if io::stderr().is_terminal() {
                ProgressDrawTarget::stderr_with_hz(4)
            } else {
                // --progress into a pipe or a file: draw anyway (indicatif would stay silent).
                ProgressDrawTarget::term_like_with_hz(Box::new(Stderr), 1)
            }
        };
        let (bar, template) = if stdin {
            (
                ProgressBar::with_draw_target(None, target),
                "{spinner} {elapsed_precise} {binary_bytes} {binary_bytes_per_sec} {msg}",
            )
        } else {
            (
                ProgressBar::with_draw_target(Some(total), target),
                "{spinner} {elapsed_precise} [{bar:24}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
            )
        };
        let style = ProgressStyle::with_template(template)
            .expect("a valid progress template")
            .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(250));
        Some(Progress {
            bar,
            files_total: files.len(),
            files_done: AtomicU64::new(0),
        })
    }

    fn message(&self, path: &str) {
        let done = self.files_done.load(Ordering::Relaxed);
        self.bar
            .set_message(format!("{done}/{} files {path}", self.files_total));
    }

    /// An input is being opened: show its path, and count the bytes read from it.
    pub fn track<'a>(&self, file: &InputFile, opened: Opened<'a>) -> (Opened<'a>, Arc<AtomicU64>) {
        self.message(&file.display);
        let counted = Arc::new(AtomicU64::new(0));
        let opened = match opened {
            Opened::Mapped(map) => Opened::Mapped(map),
            Opened::Stream(r) => Opened::Stream(Box::new(Tracked {
                inner: r,
                bar: self.bar.clone(),
                counted: counted.clone(),
            })),
            Opened::Seekable(r) => Opened::Seekable(Box::new(Tracked {
                inner: r,
                bar: self.bar.clone(),
                counted: counted.clone(),
            })),
        };
        (opened, counted)
    }

    /// An input is done: count the rest of its size (all of it, for a mapped file).
    pub fn done(&self, file: &InputFile, counted: &AtomicU64) {
        let counted = counted.load(Ordering::Relaxed);
        self.bar.inc(file.len.saturating_sub(counted));
        self.files_done.fetch_add(1, Ordering::Relaxed);
        self.message(&file.display);
    }
}

impl Progress {
    /// A part of a split input is searched (see `split`): count its bytes.
    pub fn part_done(&self, file: &InputFile, bytes: u64) {
        self.bar.inc(bytes);
        self.message(&file.display);
    }

    /// All parts of a split input are counted.
    pub fn split_done(&self, file: &InputFile) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
        self.message(&file.display);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A reader that moves the bar by the bytes read through it.
struct Tracked<R> {
    inner: R,
    bar: ProgressBar,
    counted: Arc<AtomicU64>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counted.fetch_add(n as u64, Ordering::Relaxed);
        self.bar.inc(n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Tracked<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// stderr when it is not a terminal, for `--progress`: lines are redrawn with `\r`.
#[derive(Debug)]
struct Stderr;

impl TermLike for Stderr {
    fn width(&self) -> u16 {
        120
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        writeln!(io::stderr(), "{s}")
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        write!(io::stderr(), "{s}")
    }
    fn clear_line(&self) -> io::Result<()> {
        write!(io::stderr(), "\r\x1b[2K")
    }
    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}
