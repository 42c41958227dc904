//! The sieve: a cheaper pass over a chunk that finds the regions where candidates of the one
//! regex over all (ungated) patterns can start, so that its search skips everything else.
//!
//! Why: a lazy DFA steps one byte at a time, and each step waits for the previous one's table
//! lookup, so a single search runs at about 400 MB/s whatever the CPU can do in parallel. No
//! literal prefilter applies to detectors that start with a digit or a letter. The sieve runs
//! the same patterns as a DFA in `LANES` independent lanes over consecutive parts of the
//! chunk, interleaved in one loop: the lookups of different lanes overlap, and where personal
//! data is sparse the pass runs about twice as fast as one search.
//!
//! How it stays exact:
//! - The forward DFA reports every position where a match of any pattern ends (match kind
//!   `All`); for each such end a reverse DFA finds the earliest start of a match ending there.
//!   Each (start, end) pair is a region, and regions are merged: every match starts inside a
//!   merged region and ends inside the same one.
//! - A lane starts afresh where its part begins, so a match that starts in its part but ends
//!   in the next is still its to find: it goes on past its part until its DFA state is a start
//!   state again. A start state holds only what a fresh start holds, so from there on every
//!   thread still alive is also alive in the lane that covers those bytes.
//! - If a lazy DFA's cache fills up during the pass, its states are forgotten; the sieve then
//!   gives up on the chunk and the caller searches all of it. So it does when the table of
//!   transitions the lanes share is full and the chunk needs one more, when a lane finds no
//!   start state within `MAX_OVERRUN` bytes past its part, or when the regions would have the
//!   search visit more of the chunk than the caller allows (dense data, where the search would
//!   visit most bytes anyway).
//!
//! The lanes step through one table of transitions that all threads share and extend
//! ([`Transitions`]): a DFA state one thread has built is there for the others.

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use regex_automata::util::start;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::Hir;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Independent lanes per pass: enough to hide the latency of a table lookup on current CPUs
/// while the lanes' states stay in registers. Five ran 2 to 5% faster than four on source
/// code; six and eight ran slower.
const LANES: usize = 5;

/// How far a lane may go past its part to wait for a start state before the sieve gives up.
const MAX_OVERRUN: usize = 64 << 10;

/// Lazy DFA cache per direction and thread; like the main regex's, it grows only as states
/// are built.
const CACHE_CAPACITY: usize = 8 << 20;

/// The shared table of the lanes' transitions ([`Transitions`]), in bytes of entries; it is
/// written (and so takes memory) only as rows are added: 1 KiB each. Threads that reach one
/// state by different paths make a row each, so the rows grow with the threads: the 824 MB
/// `large` corpus needs about 5,000 with one thread, 6,300 with two, 9,200 with eight and
/// 9,900 with sixteen, of the 16,384 there is room for.
const TABLE_CAPACITY: usize = 16 << 20;

/// The bytes of search one match end stands for, at most. The lanes estimate how much of the
/// chunk the search will visit: each match end counts the bytes since the previous one in its
/// lane, up to this many, and [`END_COST`] more. Matches crowded together (the numbers of an
/// SVG path, a table of test values) make one region, searched once, and count about its
/// length; matches spread out count this many each (the match, and the search's start again
/// in the next region). Spread evenly, one per 512 bytes then counts about half the chunk.
const END_SPAN: usize = 256;

/// What each match end costs besides the bytes it stands for, in bytes of search: the reverse
/// search back to its start.
const END_COST: usize = 16;

/// The share of `max_visit` the lanes may use up from the start (see [`visit_allowed`]).
const FIRST_SHARE: usize = 256;

/// How many bytes the search may visit, as the lanes estimate it (see [`END_SPAN`]), after
/// `i` of their `part` bytes each: a small share of the chunk's `max_visit` from the start,
/// the rest in proportion to how far they are. Dense data then ends the pass within its first
/// few kilobytes, before the lanes have built the DFA states of much more text than they give
/// up on; a crowd of matches further on (an HTML page's icons) fits in what the lanes have
/// earned by then.
fn visit_allowed(max_visit: usize, i: usize, part: usize) -> usize {
    // What the lanes have yet to cover is taken off, rounded down: ends spread evenly up to
    // the limit never stop the pass.
    let later = max_visit - max_visit / FIRST_SHARE;
    let rest = (later as u128 * part.saturating_sub(i) as u128) / part.max(1) as u128;
    max_visit - rest as usize
}

/// The lanes' usual step from `i` on: one table lookup per lane, as long as every lane's next
/// state is known and not a match. Lane `k` steps over `lanes[k * part..(k + 1) * part]`.
/// Returns where a lane would meet another, or the lanes' end.
///
/// Kept out of [`Sieve::match_ends`] (never inlined), so that its few values stay in
/// registers whatever the code around it: inlined, a change elsewhere in the pass once made
/// this loop spill to the stack and the whole scan 8% slower.
///
/// Each lane's step is a chain of dependent loads, one per byte, and the chain's latency is
/// what the pass runs at. So the chain holds nothing but the loads: a byte's column of the
/// table (`entries + byte`) is worked out apart from the row (the bytes are known ahead), and
/// the next load adds the row that the previous one gave within its address; the rows are
/// kept as `usize`, so no zero extension comes between either. The lanes are found from one
/// pointer and their spacing rather than five slices, whose pointers did not fit in the
/// registers. Against five slices and the row added to the byte first: the `large` corpus 822
/// to 788 ms with one thread, `sparse` 4% faster with two.
#[inline(never)]
fn known_steps(
    table: &Transitions,
    rows: &mut [Entry; LANES],
    lanes: &[u8],
    part: usize,
    mut i: usize,
) -> usize {
    assert!(lanes.len() >= LANES * part);
    let entries = table.entries.as_ptr();
    let mut row: [usize; LANES] = rows.map(|r| r as usize);
    while i < part {
        let next: [usize; LANES] = std::array::from_fn(|k| {
            // SAFETY: `k < LANES` and `i < part`, so `k * part + i` is within `lanes`
            // (asserted above). `row[k]` is the offset of a row of `entries` (rows are handed
            // out only where one fits, see `Transitions::new_row`, and a lane holds only row
            // offsets: flagged entries stop it), and a row has an entry for every byte.
            unsafe {
                let byte = *lanes.as_ptr().add(k * part + i);
                let column = entries.add(usize::from(byte));
                (*column.add(row[k])).load(Ordering::Acquire) as usize
            }
        });
        // A flagged entry (unknown, or a match) stops the lanes; one test for all of them.
        if next.iter().fold(0, |any, &e| any | e) & FLAGGED as usize != 0 {
            break;
        }
        row = next;
        i += 1;
    }
    *rows = row.map(|r| r as Entry);
    i
}

/// An entry of [`Transitions`]: the offset of a row (its number times 256), with [`FLAGGED`]
/// set for a match state, or [`UNKNOWN`].
type Entry = u32;

/// An entry with this bit set is a transition into a match state (the rest is the row), or
/// [`UNKNOWN`].
const FLAGGED: Entry = 1 << 31;

/// An entry whose transition has not been computed yet.
const UNKNOWN: Entry = Entry::MAX;

/// The origin of a start row (see [`Transitions::origin`]): this bit and the index of its kind
/// in [`START_KINDS`].
const START_ORIGIN: u32 = 1 << 31;

/// The bytes before a lane that stand for each kind of unanchored start state: none (the
/// input's start), a line feed, a carriage return, a byte that is not a word byte, a word
/// byte. The kinds have a shared start row each.
const START_KINDS: [Option<u8>; 5] = [None, Some(b'\n'), Some(b'\r'), Some(b' '), Some(b'a')];

/// The forward DFA's transitions, in one table that all threads step through and extend.
///
/// Why: a lazy DFA's states live in one thread's cache, so each thread built the states of
/// every text it met, and the sieve's determinization was paid once per thread (on 100 MB of
/// source code, half of each thread's time in the lanes). Here a transition computed by one
/// thread is there for the others.
///
/// A row per DFA state, 256 entries per row: one per byte, so that the lanes' step needs no
/// lookup of the byte's class (3% less time on the `large` corpus than rows of one entry per
/// class). An entry is the next state's row offset, with [`FLAGGED`] set if it is a match
/// state, or [`UNKNOWN`]. A thread that meets an unknown entry computes it with its own lazy
/// DFA and writes it, for every byte of the class, where no thread has meanwhile (compare and
/// swap); it finds its lazy DFA's state for a row by replaying how the row was first reached
/// (each row keeps the row and byte it came from), so a thread determinizes only the states
/// on the way to where it extends the table. Entries only go from unknown to known, and a
/// row's unknowns, origin and byte are written before the entry that first points to it is
/// published (release), so a lane that reads an entry (acquire) sees all of them. Two threads
/// may make a row each for the same state (and both rows may be used); both are correct.
///
/// Rows are never forgotten (a lazy DFA's cache that is cleared forgets only that thread's
/// way into them). When the table is full, no row is added any more, and a chunk that needs
/// a new one is given up on.
struct Transitions {
    entries: Box<[AtomicU32]>,
    /// The bytes of each of the DFA's byte classes: a step computed for one byte is entered
    /// for all bytes of its class at once.
    class_bytes: Vec<Vec<u8>>,
    classes: [u8; 256],
    /// For each row: the row it was first reached from, or [`START_ORIGIN`] and an index of
    /// [`START_KINDS`] for a start row; and the byte it was reached by.
    origin: Box<[AtomicU32]>,
    byte: Box<[AtomicU8]>,
    /// Rows handed out so far (may pass the capacity: then the table is full).
    rows: AtomicUsize,
    /// The start row of each of [`START_KINDS`], or [`UNKNOWN`] until a thread makes it.
    starts: [AtomicU32; START_KINDS.len()],
}

impl std::fmt::Debug for Transitions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transitions")
            .field("rows", &self.rows.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A zeroed table of atomics, without writing it: zeroed memory is mapped as it is first
/// written, so rows never used cost nothing.
fn zeroed_atomics(len: usize) -> Box<[AtomicU32]> {
    const _: () = assert!(std::mem::align_of::<u32>() == std::mem::align_of::<AtomicU32>());
    let zeroed = vec![0u32; len].into_boxed_slice();
    // SAFETY: `AtomicU32` has the size and bit validity of `u32` and, as checked above, the
    // same alignment; the memory is owned by this box alone.
    unsafe { Box::from_raw(Box::into_raw(zeroed) as *mut [AtomicU32]) }
}

impl Transitions {
    /// The table for `dfa`, with room for `capacity` bytes of entries.
    fn new(dfa: &DFA, capacity: usize) -> Transitions {
        let mut classes = [0u8; 256];
        let mut class_bytes = vec![Vec::new(); dfa.byte_classes().alphabet_len()];
        for (byte, class) in (0..=255u8).zip(classes.iter_mut()) {
            *class = dfa.byte_classes().get(byte);
            class_bytes[usize::from(*class)].push(byte);
        }
        // Row numbers must stay below the flag (and so below `UNKNOWN`).
        let rows = (capacity / (256 * 4)).min(FLAGGED as usize >> 8);
        Transitions {
            entries: zeroed_atomics(rows * 256),
            class_bytes,
            classes,
            origin: zeroed_atomics(rows),
            byte: (0..rows).map(|_| AtomicU8::new(0)).collect(),
            rows: AtomicUsize::new(0),
            starts: std::array::from_fn(|_| AtomicU32::new(UNKNOWN)),
        }
    }

    fn index(row: Entry, byte: u8) -> usize {
        row as usize + usize::from(byte)
    }

    /// The number of the row at offset `row`.
    fn number(row: Entry) -> usize {
        row as usize >> 8
    }

    /// The entry for a step from `row` over `byte`.
    fn entry(&self, row: Entry, byte: u8) -> Entry {
        self.entries[Transitions::index(row, byte)].load(Ordering::Acquire)
    }

    /// A new row, all unknown, reached from `origin` by `byte`; not yet published.
    fn new_row(&self, origin: u32, byte: u8) -> Result<Entry, GaveUp> {
        let number = self.rows.fetch_add(1, Ordering::Relaxed);
        // Only a row that fits in `entries` is handed out (`known_steps` relies on it).
        let Some(entries) = self.entries.get(number << 8..(number + 1) << 8) else {
            return Err(GaveUp);
        };
        for entry in entries {
            entry.store(UNKNOWN, Ordering::Relaxed);
        }
        self.origin[number].store(origin, Ordering::Relaxed);
        self.byte[number].store(byte, Ordering::Relaxed);
        // Below `FLAGGED`: `new` makes no more than `FLAGGED >> 8` rows.
        Ok((number << 8) as Entry)
    }

    /// Sets the entries for a step from `row` over `byte`, and over every other byte of its
    /// class (they step alike), to `entry` where no thread has already: returns the entry
    /// that stays for `byte`.
    fn publish(&self, row: Entry, byte: u8, entry: Entry) -> Entry {
        let mut stays = entry;
        for &other in &self.class_bytes[usize::from(self.classes[usize::from(byte)])] {
            if let Err(first) = self.entries[Transitions::index(row, other)].compare_exchange(
                UNKNOWN,
                entry,
                Ordering::Release,
                Ordering::Acquire,
            ) {
                if other == byte {
                    stays = first;
                }
            }
        }
        stays
    }

    /// Whether `row` is one of the start rows.
    fn is_start(&self, row: Entry) -> bool {
        self.starts
            .iter()
            .any(|start| start.load(Ordering::Relaxed) == row)
    }

    /// The start row of `START_KINDS[kind]`, made if no thread has yet.
    fn start_row(&self, kind: usize) -> Result<Entry, GaveUp> {
        let row = self.starts[kind].load(Ordering::Acquire);
        if row != UNKNOWN {
            return Ok(row);
        }
        let made = self.new_row(START_ORIGIN | kind as u32, 0)?;
        Ok(
            match self.starts[kind].compare_exchange(
                UNKNOWN,
                made,
                Ordering::Release,
                Ordering::Acquire,
            ) {
                Ok(_) => made,
                Err(first) => first,
            },
        )
    }
}

/// `dfa`'s unanchored start state after `look_behind`, in `cache`.
fn unanchored_start(
    dfa: &DFA,
    cache: &mut DfaCache,
    look_behind: Option<u8>,
) -> Result<LazyStateID, GaveUp> {
    let config = start::Config::new()
        .anchored(Anchored::No)
        .look_behind(look_behind);
    dfa.start_state(cache, &config).map_err(|_| GaveUp)
}

/// One thread's way into [`Transitions`]: its lazy DFA, and which of its states each row
/// stands for, as far as it has needed to know.
#[derive(Debug)]
struct Lanes {
    cache: DfaCache,
    /// The cache's clear count these maps are valid for.
    clears: usize,
    /// The lazy DFA state of each row (by number), where known.
    states: Vec<Option<LazyStateID>>,
    /// A row for each lazy DFA state met.
    rows: HashMap<LazyStateID, Entry>,
    /// This cache's state for each of [`START_KINDS`].
    starts: Vec<LazyStateID>,
    /// Rows waiting to be replayed (kept to reuse the allocation).
    path: Vec<Entry>,
}

impl Lanes {
    fn new(dfa: &DFA) -> Lanes {
        let cache = dfa.create_cache();
        Lanes {
            clears: cache.clear_count(),
            cache,
            states: Vec::new(),
            rows: HashMap::new(),
            starts: Vec::new(),
            path: Vec::new(),
        }
    }

    /// Forgets every state if the cache was cleared since they were noted: the IDs no longer
    /// name them. Returns whether it was.
    fn cleared(&mut self) -> bool {
        if self.cache.clear_count() == self.clears {
            return false;
        }
        self.clears = self.cache.clear_count();
        self.states.clear();
        self.rows.clear();
        self.starts.clear();
        true
    }

    /// Notes that `row` stands for `state`.
    fn note(&mut self, row: Entry, state: LazyStateID) {
        let number = Transitions::number(row);
        if self.states.len() <= number {
            self.states.resize(number + 1, None);
        }
        self.states[number] = Some(state);
        self.rows.entry(state).or_insert(row);
    }

    /// The lazy DFA state that `row` stands for, found by replaying the steps that first led
    /// to it from a start row (only those not known already).
    fn state(&mut self, dfa: &DFA, table: &Transitions, row: Entry) -> Result<LazyStateID, GaveUp> {
        let mut path = std::mem::take(&mut self.path);
        path.clear();
        let mut at = row;
        let mut state = loop {
            let number = Transitions::number(at);
            if let Some(Some(state)) = self.states.get(number) {
                break *state;
            }
            let origin = table.origin[number].load(Ordering::Relaxed);
            if origin & START_ORIGIN != 0 {
                let kind = (origin & !START_ORIGIN) as usize;
                let state = unanchored_start(dfa, &mut self.cache, START_KINDS[kind])?;
                self.note(at, state);
                break state;
            }
            path.push(at);
            at = origin;
        };
        while let Some(at) = path.pop() {
            let byte = table.byte[Transitions::number(at)].load(Ordering::Relaxed);
            state = dfa
                .next_state(&mut self.cache, state, byte)
                .map_err(|_| GaveUp)?;
            // After a clear, `state` names nothing: it must not be stepped from.
            if self.cleared() {
                return Err(GaveUp);
            }
            self.note(at, state);
        }
        self.path = path;
        if self.cleared() {
            return Err(GaveUp);
        }
        Ok(state)
    }

    /// The start row for a lane after `look_behind`.
    fn start(
        &mut self,
        dfa: &DFA,
        table: &Transitions,
        look_behind: Option<u8>,
    ) -> Result<Entry, GaveUp> {
        if self.starts.is_empty() {
            for (kind, &look_behind) in START_KINDS.iter().enumerate() {
                let state = unanchored_start(dfa, &mut self.cache, look_behind)?;
                // Start states are untagged when the DFA has no prefilter, as here; the lanes'
                // usual step relies on it.
                if state.is_tagged() {
                    return Err(GaveUp);
                }
                self.starts.push(state);
                let row = table.start_row(kind)?;
                self.note(row, state);
            }
        }
        let state = unanchored_start(dfa, &mut self.cache, look_behind)?;
        if self.cleared() {
            return Err(GaveUp);
        }
        match self.starts.iter().position(|&s| s == state) {
            Some(kind) => table.start_row(kind),
            None => Err(GaveUp),
        }
    }

    /// The entry for a step from `row` over `byte`, computed if no thread has yet. A step into
    /// a dead or quit state is never entered in the table: the lanes give up on it.
    fn compute(
        &mut self,
        dfa: &DFA,
        table: &Transitions,
        row: Entry,
        byte: u8,
    ) -> Result<Entry, GaveUp> {
        let from = self.state(dfa, table, row)?;
        let next = dfa
            .next_state(&mut self.cache, from, byte)
            .map_err(|_| GaveUp)?;
        if self.cleared() || next.is_dead() || next.is_quit() {
            return Err(GaveUp);
        }
        let to = match self.rows.get(&next) {
            Some(&to) => to,
            None => {
                let to = table.new_row(row, byte)?;
                self.note(to, next);
                to
            }
        };
        let entry = if next.is_match() { to | FLAGGED } else { to };
        Ok(table.publish(row, byte, entry))
    }

    /// Whether the input ending after `row`'s state ends a match there.
    fn eoi_is_match(&mut self, dfa: &DFA, table: &Transitions, row: Entry) -> Result<bool, GaveUp> {
        let state = self.state(dfa, table, row)?;
        let eoi = dfa
            .next_eoi_state(&mut self.cache, state)
            .map_err(|_| GaveUp)?;
        if self.cleared() {
            return Err(GaveUp);
        }
        Ok(eoi.is_match())
    }
}

/// The forward and reverse DFAs of the main pass's patterns.
#[derive(Debug)]
pub struct Sieve {
    forward: DFA,
    reverse: DFA,
    /// The forward DFA's transitions for the lanes, shared by all threads; made on first use.
    transitions: OnceLock<Transitions>,
    table_capacity: usize,
}

/// One thread's mutable state for a [`Sieve`].
#[derive(Debug)]
pub struct SieveCache {
    /// This thread's way into the shared transitions; made on first use.
    lanes: Option<Lanes>,
    reverse: DfaCache,
    /// Match ends found by the lanes, kept to reuse the allocation.
    ends: Vec<usize>,
    /// The forward DFA's cache for [`Sieve::patterns_at`], apart from the lanes': its anchored
    /// states never clear theirs. Made on first use.
    anchored: Option<DfaCache>,
}

/// Why the sieve stopped early: a lazy DFA's cache was cleared (its states are forgotten), the
/// shared table of transitions is full, or the chunk holds more matches than the caller allows.
struct GaveUp;

impl Sieve {
    /// The sieve over `patterns` (parsed as the rule set parses them), or `None` when one of
    /// them can match the empty string: an
    /// empty match makes every DFA state a match state (there would be nothing to skip), and
    /// a region of no bytes cannot hold it for the search.
    pub fn new(patterns: &[Hir]) -> Result<Option<Sieve>, String> {
        Sieve::with_capacities(patterns, CACHE_CAPACITY, TABLE_CAPACITY)
    }

    /// [`Sieve::new`] with lazy DFA caches of `cache_capacity` bytes and a table of
    /// transitions of `table_capacity` (tests make them small).
    fn with_capacities(
        patterns: &[Hir],
        cache_capacity: usize,
        table_capacity: usize,
    ) -> Result<Option<Sieve>, String> {
        if patterns
            .iter()
            .any(|hir| hir.properties().minimum_len().is_none_or(|n| n == 0))
        {
            return Ok(None);
        }
        let build = |reverse: bool| {
            let nfa = thompson::Compiler::new()
                .configure(
                    thompson::Config::new()
                        .reverse(reverse)
                        .utf8(false)
                        .which_captures(thompson::WhichCaptures::None)
                        .nfa_size_limit(Some(64 << 20)),
                )
                .build_many_from_hir(patterns)
                .map_err(|e| e.to_string())?;
            DFA::builder()
                .configure(
                    DFA::config()
                        .match_kind(MatchKind::All)
                        .cache_capacity(cache_capacity),
                )
                .build_from_nfa(nfa)
                .map_err(|e| e.to_string())
        };
        Ok(Some(Sieve {
            forward: build(false)?,
            reverse: build(true)?,
            transitions: OnceLock::new(),
            table_capacity,
        }))
    }

    pub fn create_cache(&self) -> SieveCache {
        SieveCache {
            lanes: None,
            reverse: self.reverse.create_cache(),
            ends: Vec::new(),
            anchored: None,
        }
    }

    /// Which patterns have a match that starts exactly at `start` (and ends anywhere up to the
    /// end of `hay`), as bits of `found` (bit `p % 64` of word `p / 64` for pattern `p`).
    /// Returns false, with `found` meaningless, when that is not known: the walk reached
    /// `MAX_WALK` bytes with some match still possible, or the lazy DFA gave up.
    ///
    /// Why: a candidate the judge rejects gives every later pattern that can start with its
    /// first byte a chance at the same start, one anchored search each, and almost none
    /// matches (a rejected pair of decimals is tried as two kinds of street address, a
    /// rejected address as a MAC, an IMEI, an Aadhaar number...). One walk of this DFA, which
    /// follows every pattern at once, tells which of them can.
    pub fn patterns_at(
        &self,
        cache: &mut SieveCache,
        hay: &[u8],
        start: usize,
        found: &mut Vec<u64>,
    ) -> bool {
        /// Most bytes walked: matches that long are rare, and beyond it every pattern is tried.
        const MAX_WALK: usize = 256;
        let dfa = &self.forward;
        let cache = cache.anchored.get_or_insert_with(|| dfa.create_cache());
        found.clear();
        found.resize(dfa.pattern_len().div_ceil(64), 0);
        let mut note = |cache: &DfaCache, sid: LazyStateID| {
            for i in 0..dfa.match_len(cache, sid) {
                let p = dfa.match_pattern(cache, sid, i).as_usize();
                found[p / 64] |= 1 << (p % 64);
            }
        };
        let input = Input::new(hay)
            .span(start..hay.len())
            .anchored(Anchored::Yes);
        let Ok(mut sid) = dfa.start_state_forward(cache, &input) else {
            return false;
        };
        let end = hay.len().min(start + MAX_WALK);
        for &b in &hay[start..end] {
            // A match state is entered one byte after its match ends.
            sid = match dfa.next_state(cache, sid, b) {
                Ok(next) => next,
                Err(_) => return false,
            };
            if sid.is_tagged() {
                if sid.is_match() {
                    note(cache, sid);
                } else if sid.is_dead() {
                    return true;
                } else if sid.is_quit() {
                    return false;
                }
            }
        }
        if end < hay.len() {
            return false;
        }
        match dfa.next_eoi_state(cache, sid) {
            Ok(eoi) => {
                if eoi.is_match() {
                    note(cache, eoi);
                }
                true
            }
            Err(_) => false,
        }
    }

    /// Fill `regions` with sorted, disjoint spans of `hay` that hold the start and end of every
    /// match starting at or after `from` (ends exclusive). Returns false, with `regions`
    /// meaningless, when the sieve gave up on this chunk (a cache was cleared, the shared
    /// table of transitions is full, or it found match ends that would have the search visit
    /// more than `max_visit` bytes, as estimated with [`END_SPAN`], or its reverse searches
    /// went back over more bytes than that in all): then everything must be searched.
    pub fn regions(
        &self,
        cache: &mut SieveCache,
        hay: &[u8],
        from: usize,
        max_visit: Option<usize>,
        regions: &mut Vec<(usize, usize)>,
    ) -> bool {
        regions.clear();
        let from = from.min(hay.len());
        let mut ends = std::mem::take(&mut cache.ends);
        ends.clear();
        let max_visit = max_visit.unwrap_or(usize::MAX);
        let found = self
            .match_ends(
                cache.lanes.get_or_insert_with(|| Lanes::new(&self.forward)),
                hay,
                from,
                max_visit,
                &mut ends,
            )
            .is_ok()
            && self.match_starts(cache, hay, from, &ends, max_visit, regions);
        cache.ends = ends;
        if !found {
            return false;
        }
        regions.sort_unstable();
        let mut merged = 0;
        for i in 0..regions.len() {
            let (start, end) = regions[i];
            if merged > 0 && start <= regions[merged - 1].1 {
                let last = &mut regions[merged - 1].1;
                *last = (*last).max(end);
            } else {
                regions[merged] = (start, end);
                merged += 1;
            }
        }
        regions.truncate(merged);
        true
    }

    /// Every position of `hay` after `from` where a match of some pattern starting at or after
    /// `from` ends, in lane order (a lane's ends ascending; lanes may report an end twice).
    fn match_ends(
        &self,
        own: &mut Lanes,
        hay: &[u8],
        from: usize,
        max_visit: usize,
        ends: &mut Vec<usize>,
    ) -> Result<(), GaveUp> {
        let dfa = &self.forward;
        let table = self
            .transitions
            .get_or_init(|| Transitions::new(dfa, self.table_capacity));
        let part = (hay.len() - from) / LANES;
        let begin: [usize; LANES] = std::array::from_fn(|k| from + k * part);
        let mut rows = [0; LANES];
        for k in 0..LANES {
            rows[k] = own.start(dfa, table, begin[k].checked_sub(1).map(|i| hay[i]))?;
        }
        // The bytes the search would visit (see `END_SPAN`), and each lane's last match end.
        let mut visit = 0usize;
        let mut last_end = begin;
        // All lanes in step over the first `part` bytes of their parts.
        let mut i = 0;
        while i < part {
            // The usual steps, as long as every lane's next state is known and no match.
            i = known_steps(table, &mut rows, &hay[from..], part, i);
            if i == part {
                break;
            }
            // One careful step for every lane, then the usual ones again.
            for k in 0..LANES {
                let found = ends.len();
                rows[k] = self.step(table, own, rows[k], hay, begin[k] + i, ends)?;
                if ends.len() > found {
                    visit += (begin[k] + i - last_end[k]).min(END_SPAN) + END_COST;
                    last_end[k] = begin[k] + i;
                }
            }
            // The allowance is never below its first share: that cheap test comes first.
            if visit > max_visit / FIRST_SHARE && visit > visit_allowed(max_visit, i, part) {
                return Err(GaveUp);
            }
            i += 1;
        }
        // Each lane then finishes alone: the rest of its part (the last part is longer by
        // the remainder), then on until no match that started in its part can still be going.
        for k in 0..LANES {
            let part_end = if k + 1 < LANES {
                begin[k + 1]
            } else {
                hay.len()
            };
            let mut at = begin[k] + part;
            let mut row = rows[k];
            while at < hay.len() && (at < part_end || !table.is_start(row)) {
                // A long run without a start state (a base64 blob holds an email's local part
                // all along) would have several lanes step over it one careful step at a time.
                if at >= part_end + MAX_OVERRUN {
                    return Err(GaveUp);
                }
                row = self.step(table, own, row, hay, at, ends)?;
                at += 1;
            }
            if at == hay.len() && own.eoi_is_match(dfa, table, row)? {
                ends.push(hay.len());
            }
        }
        Ok(())
    }

    /// One forward step of a lane from `row` over `hay[at]`, recording a match that ends at
    /// `at`.
    fn step(
        &self,
        table: &Transitions,
        own: &mut Lanes,
        row: Entry,
        hay: &[u8],
        at: usize,
        ends: &mut Vec<usize>,
    ) -> Result<Entry, GaveUp> {
        let mut entry = table.entry(row, hay[at]);
        if entry == UNKNOWN {
            entry = own.compute(&self.forward, table, row, hay[at])?;
        }
        // Match states are delayed by one byte: this one says a match ends where `at` starts.
        if entry & FLAGGED != 0 {
            ends.push(at);
        }
        Ok(entry & !FLAGGED)
    }

    /// For each match end, the span from the earliest start (at or after `from`) of a match
    /// ending there. Returns false if the reverse DFA gave up, or once the spans add up to more
    /// than `max_visit` bytes.
    ///
    /// Each end is searched back from on its own, so a run of ends one byte apart (the open
    /// tail of a user agent, every byte of which ends a match) costs time quadratic in its
    /// length: the lanes count such a run as its length, and this bound stops it.
    fn match_starts(
        &self,
        cache: &mut SieveCache,
        hay: &[u8],
        from: usize,
        ends: &[usize],
        max_visit: usize,
        regions: &mut Vec<(usize, usize)>,
    ) -> bool {
        let mut walked = 0usize;
        for &end in ends {
            let input = Input::new(hay).span(from..end).anchored(Anchored::Yes);
            let start = match self.reverse.try_search_rev(&mut cache.reverse, &input) {
                Ok(Some(start)) => start.offset(),
                // The forward DFA saw a match end here: one starts somewhere after `from`.
                Ok(None) => from,
                Err(_) => return false,
            };
            walked += end - start;
            if walked > max_visit {
                return false;
            }
            regions.push((start, end));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex_automata::meta;
    use regex_automata::util::syntax;

    const PATTERNS: &[&str] = &[
        r"\b[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b",
        r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b",
        r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b",
        r"(?i:pass(?:word)?)\s{0,3}[:=]\s{0,3}[^\s]{1,16}",
        r"[0-9]*x",
    ];

    /// The sieve over `patterns`, parsed as the rule set parses them.
    fn sieve_of(patterns: &[&str]) -> Option<Sieve> {
        Sieve::new(&parsed(patterns)).unwrap()
    }

    fn parsed(patterns: &[&str]) -> Vec<Hir> {
        let syntax = syntax::Config::new().unicode(false).utf8(false);
        patterns
            .iter()
            .map(|p| syntax::parse_with(p, &syntax).unwrap())
            .collect()
    }

    fn sieve() -> Sieve {
        sieve_of(PATTERNS).unwrap()
    }

    /// Every match the main search could report: at each start, the leftmost-first match of
    /// the patterns anchored there.
    fn matches(hay: &[u8], from: usize) -> Vec<(usize, usize)> {
        let regex = meta::Regex::builder()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .build_many(PATTERNS)
            .unwrap();
        (from..=hay.len())
            .filter_map(|at| {
                let input = Input::new(hay).span(at..hay.len()).anchored(Anchored::Yes);
                regex.search(&input).map(|m| (m.start(), m.end()))
            })
            .collect()
    }

    /// The regions of `hay` after `from`, by a sieve over [`PATTERNS`] made for it.
    fn regions(hay: &[u8], from: usize, max_visit: Option<usize>) -> Option<Vec<(usize, usize)>> {
        let sieve = sieve();
        regions_with(&sieve, &mut sieve.create_cache(), hay, from, max_visit)
    }

    /// The regions `sieve` finds, or `None` if it gives up.
    fn regions_with(
        sieve: &Sieve,
        cache: &mut SieveCache,
        hay: &[u8],
        from: usize,
        max_visit: Option<usize>,
    ) -> Option<Vec<(usize, usize)>> {
        let mut regions = Vec::new();
        sieve
            .regions(cache, hay, from, max_visit, &mut regions)
            .then_some(regions)
    }

    fn assert_covered(hay: &[u8], from: usize) {
        let regions = regions(hay, from, None).expect("the sieve ran");
        for pair in regions.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "regions sorted and disjoint: {regions:?}"
            );
        }
        for (start, end) in matches(hay, from) {
            assert!(
                regions.iter().any(|&(s, e)| s <= start && end <= e),
                "match {start}..{end} outside the regions {regions:?}"
            );
        }
    }

    #[test]
    fn text_without_matches_has_no_region() {
        let hay = b"just some words, nothing to see here; again and again. ".repeat(40);
        assert_eq!(regions(&hay, 0, None), Some(vec![]));
    }

    #[test]
    fn a_region_is_the_match_and_nothing_around_it() {
        let mut hay = b"some words ".repeat(30);
        let at = hay.len();
        hay.extend_from_slice(b"mail ana@example.org today ");
        hay.extend(b"more words ".repeat(30));
        let email = (at + 5, at + 5 + "ana@example.org".len());
        assert_eq!(regions(&hay, 0, None), Some(vec![email]));
    }

    #[test]
    fn a_match_longer_than_a_lane_part_is_found_by_the_lane_it_starts_in() {
        // Each lane covers 22 to 28 bytes; the email's local part runs over several of them.
        let mut hay = b"x ".repeat(10);
        hay.extend(b"a".repeat(60));
        hay.extend_from_slice(b"@example.org ");
        hay.extend(b"y ".repeat(10));
        assert_covered(&hay, 0);
        assert_covered(&hay, 7);
    }

    #[test]
    fn a_match_whose_start_repeats_is_covered_from_its_first_byte() {
        // `[0-9]*x`: after the digits, the DFA state is a start state again, while the match
        // that began at the first digit is still going.
        let mut hay = b"- ".repeat(20);
        hay.extend(b"7".repeat(90));
        hay.extend_from_slice(b"x ");
        hay.extend(b"- ".repeat(20));
        assert_covered(&hay, 0);
    }

    #[test]
    fn patterns_that_match_the_empty_string_have_no_sieve() {
        assert!(sieve_of(&[r"[0-9]{3}", r"(?m)^(?:[A-Z]{2}[0-9]{6})?"]).is_none());
        assert!(sieve_of(&[r"[0-9]{3}", r"\b[0-9]*\b"]).is_none());
        assert!(sieve_of(&[r"[0-9]{3}"]).is_some());
    }

    #[test]
    fn dense_matches_stop_the_sieve() {
        let hay = b"10.0.0.1 ".repeat(100);
        assert_eq!(regions(&hay, 0, Some(hay.len() / 2)), None);
        assert!(regions(&hay, 0, None).is_some());
    }

    /// `n` addresses back to back, each a match: ` 10.0.0.1 `.
    fn addresses(n: usize) -> Vec<u8> {
        b" 10.0.0.1 ".repeat(n)
    }

    /// A lane part of 2,000 bytes for each lane, each `part` padded with spaces.
    fn a_part_per_lane(mut part: Vec<u8>) -> Vec<u8> {
        assert!(part.len() <= 2000);
        part.resize(2000, b' ');
        part.repeat(LANES)
    }

    #[test]
    fn matches_spread_out_count_a_span_each() {
        // Five addresses 400 bytes apart in each lane: match ends of a span and a cost each.
        let part: Vec<u8> = (0..5)
            .flat_map(|_| [b"w".repeat(390), addresses(1)].concat())
            .collect();
        let hay = a_part_per_lane(part);
        let ends = 5 * LANES;
        let visit = ends * (END_SPAN + END_COST);
        assert_eq!(
            regions(&hay, 0, Some(visit + 160)).map(|r| r.len()),
            Some(ends)
        );
        assert_eq!(regions(&hay, 0, Some(visit * 3 / 4)), None);
    }

    #[test]
    fn matches_crowded_in_one_place_count_its_length_and_keep_the_sieve() {
        // Ten addresses back to back three quarters into each lane (the numbers of an SVG
        // path in a page): ten match ends a lane, counted as one region of 100 bytes or so a
        // lane and their ends' cost, about 500 bytes a lane. Counted a span each, they would
        // be 2,720 a lane.
        let part = [b"w".repeat(1500), addresses(10)].concat();
        let hay = a_part_per_lane(part);
        assert_eq!(
            regions(&hay, 0, Some(hay.len() / 2)).map(|r| r.len()),
            Some(10 * LANES)
        );
        assert_eq!(regions(&hay, 0, Some(250 * LANES)), None);
    }

    #[test]
    fn matches_crowded_at_the_start_stop_the_sieve_before_the_limit() {
        // The first 300 bytes of each lane are addresses: the search would visit about 800
        // bytes a lane, under the limit of 1,000 a lane, but from their first bytes the lanes
        // are over their allowance: dense text, given up on before the lanes go further.
        let hay = a_part_per_lane(addresses(30));
        assert_eq!(regions(&hay, 0, Some(1000 * LANES)), None);
        assert_eq!(regions(&hay, 0, None).map(|r| r.len()), Some(30 * LANES));
    }

    #[test]
    fn the_allowance_grows_from_a_small_share_to_the_whole_limit() {
        assert_eq!(visit_allowed(2560, 0, 1000), 10);
        assert_eq!(visit_allowed(2560, 500, 1000), 10 + 1275);
        assert_eq!(visit_allowed(2560, 1000, 1000), 2560);
        // No overflow when there is no limit.
        assert_eq!(visit_allowed(usize::MAX, 0, 2), usize::MAX / FIRST_SHARE);
        assert!(visit_allowed(usize::MAX, 2, 2) > usize::MAX / 8 * 7);
    }

    #[test]
    fn a_long_run_of_match_ends_stops_the_sieve() {
        // Every byte of the tail ends a match, and each end is searched back from to `ua/`:
        // the reverse searches of 900 ends go over 400,000 bytes, a short run's over 5,000.
        let sieve = sieve_of(&[r"\bua/[a-z]+"]).unwrap();
        let regions = |run: usize, max_visit| {
            let mut hay = b"w ".repeat(3500);
            hay.extend_from_slice(b"ua/");
            hay.extend(b"a".repeat(run));
            hay.resize(8000, b' ');
            regions_with(&sieve, &mut sieve.create_cache(), &hay, 0, max_visit)
        };
        assert_eq!(regions(900, Some(20_000)), None);
        assert_eq!(regions(900, None), Some(vec![(7000, 7903)]));
        assert_eq!(regions(100, Some(20_000)), Some(vec![(7000, 7103)]));
    }

    #[test]
    fn a_long_run_without_a_start_state_stops_the_sieve() {
        // An email's local part never ends: no lane reaches a start state after its part.
        let hay = b"a".repeat(4 * MAX_OVERRUN);
        assert_eq!(regions(&hay, 0, None), None);
    }

    /// The patterns with a match starting at `start`, one anchored search each, as the scanner
    /// tries them after a rejected candidate.
    fn matching_at(hay: &[u8], start: usize) -> Vec<usize> {
        let regex = meta::Regex::builder()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .build_many(PATTERNS)
            .unwrap();
        (0..PATTERNS.len())
            .filter(|&p| {
                let input = Input::new(hay)
                    .span(start..hay.len())
                    .anchored(Anchored::Pattern(regex_automata::PatternID::must(p)));
                regex.search(&input).is_some()
            })
            .collect()
    }

    /// What [`Sieve::patterns_at`] says matches at `start`, if it can tell.
    fn patterns_at(sieve: &Sieve, hay: &[u8], start: usize) -> Option<Vec<usize>> {
        let mut cache = sieve.create_cache();
        let mut found = Vec::new();
        sieve
            .patterns_at(&mut cache, hay, start, &mut found)
            .then(|| {
                (0..PATTERNS.len())
                    .filter(|&p| found[p / 64] >> (p % 64) & 1 == 1)
                    .collect()
            })
    }

    #[test]
    fn patterns_at_names_every_pattern_with_a_match_there() {
        let sieve = sieve();
        let hay = b"to ana@example.org, from 10.0.0.1: 536-22-1849 password: x 77x";
        let at = |text: &str| {
            hay.windows(text.len())
                .position(|w| w == text.as_bytes())
                .unwrap()
        };
        assert_eq!(patterns_at(&sieve, hay, at("ana@")), Some(vec![0]));
        assert_eq!(patterns_at(&sieve, hay, at("10.0")), Some(vec![1]));
        assert_eq!(patterns_at(&sieve, hay, at("536-")), Some(vec![2]));
        assert_eq!(patterns_at(&sieve, hay, at("password")), Some(vec![3]));
        // At the end of the text too.
        assert_eq!(patterns_at(&sieve, hay, at("77x")), Some(vec![4]));
        // Inside a word, `\b` holds no match; between words, none starts.
        assert_eq!(patterns_at(&sieve, hay, at("na@")), Some(vec![]));
        assert_eq!(patterns_at(&sieve, hay, at(", from")), Some(vec![]));
    }

    #[test]
    fn patterns_at_cannot_tell_past_its_walk() {
        // A local part as long as this may still become an email.
        let mut hay = b"a".repeat(300);
        hay.extend_from_slice(b"@example.org");
        assert_eq!(patterns_at(&sieve(), &hay, 0), None);
        assert_eq!(patterns_at(&sieve(), &hay[200..], 0), Some(vec![0]));
    }

    const FRAGMENTS: &[&str] = &[
        " ",
        " ",
        "\n",
        "word",
        "a.b",
        "ana@example.org",
        "x@y",
        "@",
        ".",
        "10.0.0.1",
        "1.2.3",
        "536-22-1849",
        "12-34",
        "password: hunter2",
        "pass=",
        "7",
        "99x",
        "x",
        "aaaa",
        "-",
        "%",
        "é",
    ];

    /// A text of `len` fragments, picked by a little generator from `seed`.
    fn text(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .flat_map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                FRAGMENTS[(state % FRAGMENTS.len() as u64) as usize].bytes()
            })
            .collect()
    }

    #[test]
    fn threads_sharing_one_table_find_what_each_would_alone() {
        let shared = sieve();
        let texts: Vec<Vec<u8>> = (0..24).map(|seed| text(seed, 400)).collect();
        let alone: Vec<_> = texts.iter().map(|t| regions(t, 0, None)).collect();
        assert!(alone.iter().all(Option::is_some));
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (shared, texts, alone) = (&shared, &texts, &alone);
                scope.spawn(move || {
                    let mut cache = shared.create_cache();
                    // Each thread in its own order, so that they extend the table at once.
                    for i in (0..texts.len()).map(|i| (i * 7 + thread * 5) % texts.len()) {
                        assert_eq!(
                            regions_with(shared, &mut cache, &texts[i], 0, None),
                            alone[i]
                        );
                    }
                });
            }
        });
    }

    #[test]
    fn a_step_is_entered_for_every_byte_of_its_class_and_no_other() {
        let sieve = sieve();
        let dfa = &sieve.forward;
        let table = Transitions::new(dfa, TABLE_CAPACITY);
        let mut lanes = Lanes::new(dfa);
        let Ok(row) = lanes.start(dfa, &table, Some(b' ')) else {
            panic!("no start row");
        };
        // Two bytes of one class, and one of another.
        let class = |b: u8| dfa.byte_classes().get(b);
        let (a, b) = (0..=255u8)
            .flat_map(|a| (a + 1..=255).map(move |b| (a, b)))
            .find(|&(a, b)| class(a) == class(b))
            .unwrap();
        let other = (0..=255u8).find(|&c| class(c) != class(a)).unwrap();
        let Ok(entry) = lanes.compute(dfa, &table, row, a) else {
            panic!("no step");
        };
        assert_ne!(entry, UNKNOWN);
        assert_eq!(table.entry(row, a), entry);
        assert_eq!(table.entry(row, b), entry);
        assert_eq!(table.entry(row, other), UNKNOWN);
    }

    #[test]
    fn a_full_table_gives_up_and_misses_nothing() {
        let hirs = parsed(PATTERNS);
        // Room for the start rows and a few more (a row is 256 entries of 4 bytes).
        let small = Sieve::with_capacities(&hirs, CACHE_CAPACITY, 12 * 256 * 4)
            .unwrap()
            .unwrap();
        let mut cache = small.create_cache();
        let results: Vec<_> = (0..10)
            .map(|seed| {
                let hay = text(seed, 300);
                (
                    regions_with(&small, &mut cache, &hay, 0, None),
                    regions(&hay, 0, None),
                )
            })
            .collect();
        for (got, expected) in &results {
            assert!(got.is_none() || got == expected, "{got:?} / {expected:?}");
        }
        assert!(results.iter().any(|(got, _)| got.is_none()));
        // A text the rows made so far cover still gets its regions.
        let spaces = b" ".repeat(100);
        assert_eq!(
            regions_with(&small, &mut cache, &spaces, 0, None),
            Some(vec![])
        );
    }

    #[test]
    fn a_thread_whose_cache_is_cleared_finds_its_rows_again() {
        let hirs = parsed(PATTERNS);
        // Eight times the smallest lazy DFA cache the DFA can be built with: it is cleared
        // every few texts, and the thread has to find its way into the table's rows again.
        let smallest = (1..)
            .find(|k| Sieve::with_capacities(&hirs, k * 1024, TABLE_CAPACITY).is_ok())
            .unwrap()
            * 1024;
        let small = Sieve::with_capacities(&hirs, 8 * smallest, TABLE_CAPACITY)
            .unwrap()
            .unwrap();
        let mut cache = small.create_cache();
        let mut found = 0;
        for seed in 0..30 {
            let hay = text(seed, 300);
            let got = regions_with(&small, &mut cache, &hay, 0, None);
            assert!(
                got.is_none() || got == regions(&hay, 0, None),
                "seed {seed}"
            );
            found += usize::from(got.is_some());
        }
        let clears = cache
            .lanes
            .as_ref()
            .map_or(0, |lanes| lanes.cache.clear_count());
        assert!(clears > 0, "the cache was never cleared");
        assert!(found > 0, "the sieve never ran to the end");
    }

    fn fragment() -> impl Strategy<Value = &'static str> {
        prop::sample::select(FRAGMENTS)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn every_match_lies_in_one_region(
            parts in prop::collection::vec(fragment(), 0..80),
            from in 0usize..40,
        ) {
            let hay = parts.concat().into_bytes();
            assert_covered(&hay, from.min(hay.len()));
        }

        #[test]
        fn a_table_grown_on_other_texts_finds_what_a_fresh_one_finds(
            parts in prop::collection::vec(fragment(), 0..80),
        ) {
            // One sieve for every case: its table holds the rows of the cases before.
            static SHARED: OnceLock<Sieve> = OnceLock::new();
            let shared = SHARED.get_or_init(sieve);
            let hay = parts.concat().into_bytes();
            let mut cache = shared.create_cache();
            prop_assert_eq!(regions_with(shared, &mut cache, &hay, 0, None), regions(&hay, 0, None));
        }

        #[test]
        fn patterns_at_agrees_with_one_search_per_pattern(
            parts in prop::collection::vec(fragment(), 0..30),
        ) {
            let hay = parts.concat().into_bytes();
            let sieve = sieve();
            for start in 0..hay.len() {
                match patterns_at(&sieve, &hay, start) {
                    Some(found) => prop_assert_eq!(found, matching_at(&hay, start), "at {}", start),
                    // Only a walk cut short cannot tell.
                    None => prop_assert!(hay.len() - start > 256, "at {}", start),
                }
            }
        }
    }
}
