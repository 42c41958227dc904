//! One large plain-text file searched by several threads at once, for runs that only count
//! findings (the data map): an audit of one 2 GB export would otherwise keep one core busy and
//! leave the others idle.
//!
//! The file is cut into parts at line starts about [`PART_SIZE`] bytes apart, each one a work
//! item of its own. A part is searched as a fresh input starting at its first line, with the
//! file's shape (sniffed once from its first chunk), and its counts are kept aside. They count
//! only once the part before it is known to have ended exactly at that line start, in the state
//! a fresh search begins in (`search::search_part`): nothing crossed the line break and nothing
//! was left over. That holds unless a match spans the line break (`password:` at the end of a
//! line, its value on the next); then the search before goes on into the part, whose own
//! counts are dropped. So the counts are those of one pass over the whole file, whatever the
//! threads do: parts only decide who searches which bytes.
//!
//! Formats that show findings (line numbers, fingerprints numbered in file order) and runs with
//! a baseline or a git change keep searching each file on one thread.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::config::ScanOptions;
use crate::decompress::{self, Kind};
use crate::read;
use crate::scan::RuleSet;
use crate::search::{Outcome, PartEnd};
use crate::structured::{self, Shape};

/// About how many bytes a part holds. Large enough that a part's fixed costs (opening the
/// file, finding a line start, a lazy DFA state or two) do not show, small enough that two
/// threads finish a file of a few hundred megabytes at about the same time.
pub const PART_SIZE: u64 = 32 << 20;

/// How many parts of about `part_size` bytes a plain file of `len` bytes is searched in (1:
/// not split).
pub fn parts_for(len: u64, part_size: u64) -> usize {
    if len < 2 * part_size {
        1
    } else {
        usize::try_from(len / part_size).unwrap_or(usize::MAX)
    }
}

/// Where a split file's parts start, and its shape.
#[derive(Debug)]
pub struct Plan {
    pub shape: Shape,
    /// Part `k` searches from `starts[k]` (a line start; `starts[0]` is 0).
    pub starts: Vec<u64>,
}

/// Plan the parts of the file at `path`: `None` if it is not plain text (compressed, an
/// archive, binary, UTF-16), cannot be read, or has no line starts to cut at. Its shape is
/// sniffed from the same first chunk as a whole search sniffs it from.
pub fn plan(path: &Path, display: &str, parts: usize, set: &RuleSet, options: &ScanOptions) -> Option<Plan> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = Vec::new();
    let first = options.chunk_size.max(structured::MAX_HEADER);
    if read::fill(&mut file, &mut head, first).ok()? {
        return None;
    }
    let plain = decompress::detect(&head[..head.len().min(decompress::PEEK)]) == Kind::Plain
        && read::utf16_bom(&head).is_none()
        && !read::looks_binary(&head);
    if !plain {
        return None;
    }
    let shape = structured::sniff(&set.keys, &head, false, display);
    let mut starts = vec![0];
    for k in 1..parts as u64 {
        let Ok(Some(start)) = line_start_from(&mut file, len / parts as u64 * k) else {
            continue;
        };
        if start > starts[starts.len() - 1] && start < len {
            starts.push(start);
        }
    }
    (starts.len() > 1).then_some(Plan { shape, starts })
}

/// The first line start at or after `at` (> 0), if one comes within a megabyte.
fn line_start_from(file: &mut File, at: u64) -> io::Result<Option<u64>> {
    file.seek(SeekFrom::Start(at - 1))?;
    let mut window = Vec::new();
    file.by_ref().take(1 << 20).read_to_end(&mut window)?;
    Ok(memchr::memchr(b'\n', &window).map(|i| at + i as u64))
}

/// A split file's parts as threads search them, and which counts stand. `T` is what a part
/// counted (a thread's share of the totals).
#[derive(Debug)]
pub struct Split<T> {
    pub parts: usize,
    pub plan: OnceLock<Option<Plan>>,
    state: Mutex<State<T>>,
}

#[derive(Debug)]
struct State<T> {
    parts: Vec<Part<T>>,
    /// The first part not yet counted or dropped. It starts where a counted search ended
    /// cleanly (or at 0), so its own search stands.
    next: usize,
    /// What the counted parts searched, added up.
    outcome: Outcome,
}

#[derive(Debug)]
enum Part<T> {
    Waiting,
    Running,
    /// Searched: its counts, and where its search ended, wait until its start is known to be
    /// clean.
    Done(T, Outcome, PartEnd),
    /// Counted, or dropped: a counted search covered it.
    Settled,
}

/// What a part's end settles: counts that now stand (in part order), and the file's outcome
/// once the counted searches cover it (exactly once).
#[derive(Debug)]
pub struct Settled<T> {
    pub counts: Vec<T>,
    pub finished: Option<Outcome>,
}

impl<T> Split<T> {
    pub fn new(parts: usize) -> Split<T> {
        Split {
            parts,
            plan: OnceLock::new(),
            state: Mutex::new(State {
                parts: (0..parts).map(|_| Part::Waiting).collect(),
                next: 0,
                outcome: Outcome::default(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Start searching part `k`, unless a counted search already covers it.
    pub fn begin(&self, k: usize) -> bool {
        let mut state = self.state();
        if matches!(state.parts[k], Part::Settled) {
            return false;
        }
        state.parts[k] = Part::Running;
        true
    }

    /// The search of part `from` went on into part `into`. If `from`'s search stands (its
    /// start is known clean), `into` need not be searched on its own: a thread that has not
    /// started it skips it. Otherwise this says nothing yet: `from`'s search may be dropped.
    pub fn crossed(&self, from: usize, into: usize) {
        let mut state = self.state();
        if state.next == from && matches!(state.parts[into], Part::Waiting) {
            state.parts[into] = Part::Settled;
        }
    }

    /// Part `k` is searched: it counted `counts` and ended as `end` says (`PartEnd::Stop(n)`:
    /// cleanly at the start of part `k + 1 + n`).
    pub fn end(&self, k: usize, counts: T, outcome: Outcome, end: PartEnd) -> Settled<T> {
        let mut state = self.state();
        if !matches!(state.parts[k], Part::Settled) {
            state.parts[k] = Part::Done(counts, outcome, end);
        }
        state.settle()
    }
}

impl<T> State<T> {
    /// Count the parts whose searches stand, in order: from part 0, each counted search says
    /// where the next one that stands starts, and the parts it went on into are dropped.
    fn settle(&mut self) -> Settled<T> {
        let mut counts = Vec::new();
        let was_open = self.next < self.parts.len();
        while self.next < self.parts.len() {
            let k = self.next;
            if !matches!(self.parts[k], Part::Done(..)) {
                break;
            }
            let Part::Done(count, outcome, end) = std::mem::replace(&mut self.parts[k], Part::Settled)
            else {
                break;
            };
            counts.push(count);
            self.outcome.bytes += outcome.bytes;
            self.outcome.suppressed += outcome.suppressed;
            if self.outcome.gap.is_none() {
                self.outcome.gap = outcome.gap;
            }
            // The end of the input, or a read error: nothing after it stands (as in one pass,
            // which stops there).
            self.next = match end {
                PartEnd::Stop(n) => k + 1 + n,
                PartEnd::End => self.parts.len(),
            };
            for part in &mut self.parts[k + 1..self.next] {
                *part = Part::Settled;
            }
        }
        let finished = (was_open && self.next == self.parts.len())
            .then(|| std::mem::take(&mut self.outcome));
        Settled { counts, finished }
    }
}
