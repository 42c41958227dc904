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
pub fn plan(
    path: &Path,
    display: &str,
    parts: usize,
    set: &RuleSet,
    options: &ScanOptions,
) -> Option<Plan> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = Vec::new();
    let first = crate::search::first_chunk_len(options);
    if read::fill(&mut file, &mut head, first).ok()? {
        return None;
    }
    if !plain_text(&head) {
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

/// Whether an input whose first chunk is `head` is searched as plain text: not compressed, not
/// an archive, not binary, not UTF-16.
fn plain_text(head: &[u8]) -> bool {
    decompress::detect(&head[..head.len().min(decompress::PEEK)]) == Kind::Plain
        && read::utf16_bom(head).is_none()
        && !read::looks_binary(head)
}

/// Search `data` in parts starting at `starts` (line starts, ascending, the first 0), as the
/// threads of a run search a split file, and return the findings of the searches that stand,
/// as `Split` counts them: from part 0, each search says where the next one that stands
/// begins. Input that is not plain text is searched whole, as part 0 does in a run. For
/// tests and fuzzing, which compare it with `search::search_bytes`.
pub fn search_bytes_in_parts(
    scanner: &mut crate::scan::Scanner<'_>,
    data: &[u8],
    starts: &[u64],
    path: &str,
    options: &ScanOptions,
) -> Vec<crate::finding::Finding> {
    let first = &data[..data.len().min(crate::search::first_chunk_len(options))];
    if !plain_text(first) {
        return crate::search::search_bytes(scanner, data, path, options);
    }
    let keys = &scanner.rule_set().keys;
    let shape = structured::sniff(keys, first, first.len() == data.len(), path);
    let path: crate::search::InputPath = path.into();
    let mut findings = Vec::new();
    let mut k = 0;
    while k < starts.len() {
        let start = starts[k];
        let mut reader = &data[start as usize..];
        let (outcome, end) = crate::search::search_part(
            scanner,
            &mut reader,
            start,
            shape.clone(),
            &starts[k + 1..],
            &path,
            options,
            &mut Vec::new(),
            |_| {},
        );
        findings.extend(outcome.findings);
        k = match end {
            PartEnd::Stop(n) => {
                assert_eq!(
                    start + outcome.bytes,
                    starts[k + 1 + n],
                    "part {k} ends at a stop"
                );
                k + 1 + n
            }
            PartEnd::End => starts.len(),
        };
    }
    findings
}

/// Every line start of `data` after its first byte, where a part may start (tests and fuzzing
/// pick parts from them).
pub fn line_starts(data: &[u8]) -> Vec<u64> {
    memchr::memchr_iter(b'\n', data)
        .map(|i| i as u64 + 1)
        .filter(|&start| start < data.len() as u64)
        .collect()
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
            let Part::Done(count, outcome, end) =
                std::mem::replace(&mut self.parts[k], Part::Settled)
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
        let finished =
            (was_open && self.next == self.parts.len()).then(|| std::mem::take(&mut self.outcome));
        Settled { counts, finished }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Gap;

    fn searched(bytes: u64) -> Outcome {
        Outcome {
            bytes,
            ..Outcome::default()
        }
    }

    #[test]
    fn files_are_split_only_when_large_and_in_parts_of_about_the_part_size() {
        assert_eq!(parts_for(0, 100), 1);
        assert_eq!(parts_for(199, 100), 1);
        assert_eq!(parts_for(200, 100), 2);
        assert_eq!(parts_for(1050, 100), 10);
        assert_eq!(parts_for(2 << 30, PART_SIZE), 64);
    }

    #[test]
    fn parts_that_end_cleanly_count_in_order_and_the_file_finishes_once() {
        let split: Split<&str> = Split::new(3);
        assert!(split.begin(2));
        // Part 2 is done first: it waits for the parts before it.
        let settled = split.end(2, "c", searched(30), PartEnd::End);
        assert!(settled.counts.is_empty() && settled.finished.is_none());
        assert!(split.begin(0));
        assert!(split.begin(1));
        let settled = split.end(0, "a", searched(10), PartEnd::Stop(0));
        assert_eq!(settled.counts, ["a"]);
        assert!(settled.finished.is_none());
        let settled = split.end(1, "b", searched(20), PartEnd::Stop(0));
        assert_eq!(settled.counts, ["b", "c"]);
        assert_eq!(settled.finished.expect("all parts counted").bytes, 60);
    }

    #[test]
    fn a_search_that_goes_on_into_the_next_part_drops_that_part_s_own_counts() {
        let split: Split<&str> = Split::new(4);
        for k in 0..4 {
            assert!(split.begin(k));
        }
        // Part 1 was searched from its own start, but part 0's search went on into it and
        // ended cleanly at part 2: part 1's counts, and where it says it ended, are dropped.
        assert!(split
            .end(1, "b", searched(20), PartEnd::End)
            .counts
            .is_empty());
        split.crossed(0, 1);
        let settled = split.end(0, "a+b", searched(30), PartEnd::Stop(1));
        assert_eq!(settled.counts, ["a+b"]);
        let settled = split.end(3, "d", searched(40), PartEnd::End);
        assert!(settled.counts.is_empty(), "part 3 waits for part 2");
        let settled = split.end(2, "c", searched(30), PartEnd::Stop(0));
        assert_eq!(settled.counts, ["c", "d"]);
        assert_eq!(settled.finished.expect("covered").bytes, 100);
    }

    #[test]
    fn only_a_search_that_stands_lets_a_later_part_go_unsearched() {
        let split: Split<&str> = Split::new(3);
        assert!(split.begin(0));
        assert!(split.begin(1));
        // Part 1's own search may yet be dropped: what it went on into must still be searched.
        split.crossed(1, 2);
        assert!(split.begin(2));
        let split: Split<&str> = Split::new(3);
        assert!(split.begin(0));
        // Part 0's search stands: a part it went on into is not searched again.
        split.crossed(0, 1);
        assert!(!split.begin(1));
        assert!(split.begin(2));
        let settled = split.end(0, "a+b", searched(20), PartEnd::Stop(1));
        assert_eq!(settled.counts, ["a+b"]);
        let settled = split.end(2, "c", searched(10), PartEnd::End);
        assert_eq!(settled.counts, ["c"]);
        assert!(settled.finished.is_some());
    }

    #[test]
    fn a_read_error_ends_the_file_there_and_is_reported() {
        let split: Split<&str> = Split::new(3);
        for k in 0..3 {
            assert!(split.begin(k));
        }
        let failed = Outcome {
            bytes: 5,
            gap: Some(Gap::Incomplete {
                bytes: 15,
                reason: "read error after 15 bytes".into(),
            }),
            ..Outcome::default()
        };
        assert!(split
            .end(2, "c", searched(10), PartEnd::End)
            .counts
            .is_empty());
        assert_eq!(
            split.end(0, "a", searched(10), PartEnd::Stop(0)).counts,
            ["a"]
        );
        let settled = split.end(1, "b", failed, PartEnd::End);
        assert_eq!(settled.counts, ["b"], "what came before the error counts");
        let outcome = settled.finished.expect("nothing after the error stands");
        assert_eq!(outcome.bytes, 15);
        assert!(matches!(
            outcome.gap,
            Some(Gap::Incomplete { bytes: 15, .. })
        ));
    }

    fn plan_of(bytes: &[u8], parts: usize) -> Option<Plan> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input");
        std::fs::write(&path, bytes).unwrap();
        let set = crate::scan::RuleSet::built_in();
        let options = ScanOptions {
            chunk_size: 4096,
            ..ScanOptions::default()
        };
        plan(&path, "input", parts, &set, &options)
    }

    #[test]
    fn parts_start_at_line_starts_and_carry_the_file_s_shape() {
        let mut csv = b"id,email\n".to_vec();
        for i in 0..2000 {
            csv.extend_from_slice(format!("{i},user{i}@example.org\n").as_bytes());
        }
        let plan = plan_of(&csv, 4).expect("plain text, long enough");
        assert_eq!(plan.starts.len(), 4);
        assert_eq!(plan.starts[0], 0);
        for (k, &start) in plan.starts.iter().enumerate().skip(1) {
            assert_eq!(csv[start as usize - 1], b'\n', "part {k} starts a line");
            assert!(start >= csv.len() as u64 / 4 * k as u64);
        }
        assert!(matches!(plan.shape, Shape::Fields(_)));
    }

    #[test]
    fn inputs_that_are_not_plain_text_or_have_no_lines_are_not_split() {
        let text = b"a line of text\n".repeat(2000);
        assert!(plan_of(&text, 2).is_some());
        // Fits in the first chunk: nothing to share.
        assert!(plan_of(&text[..3000], 2).is_none());
        let mut gzip = vec![0x1f, 0x8b, 0x08, 0];
        gzip.extend_from_slice(&text);
        assert!(plan_of(&gzip, 2).is_none());
        let mut binary = text.clone();
        binary[100] = 0;
        assert!(plan_of(&binary, 2).is_none());
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend_from_slice(&text);
        assert!(plan_of(&utf16, 2).is_none());
        assert!(plan_of(&b"x".repeat(30_000), 2).is_none(), "one line");
    }
}
