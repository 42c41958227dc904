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
//! - If the lazy DFA's cache fills up during the pass, its states are forgotten; the sieve
//!   then gives up on the chunk and the caller searches all of it. So it does when a lane
//!   finds no start state within `MAX_OVERRUN` bytes past its part, or when the regions would
//!   have the search visit more of the chunk than the caller allows (dense data, where the
//!   search would visit most bytes anyway).

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use regex_automata::util::start;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::Hir;

/// Independent lanes per pass: enough to hide the latency of a table lookup on current CPUs
/// without spilling the lanes' state out of registers.
const LANES: usize = 4;

/// How far a lane may go past its part to wait for a start state before the sieve gives up.
const MAX_OVERRUN: usize = 64 << 10;

/// Lazy DFA cache per direction; like the main regex's, it grows only as states are built.
const CACHE_CAPACITY: usize = 8 << 20;

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

/// The lanes' usual step from `i` on: one table lookup per lane, as long as no lane meets a
/// tagged state (a match, or one not built yet). Returns where a lane would meet one, or the
/// lanes' end. Tags are the high bits of a state ID, so the largest ID is tagged if any is.
///
/// Kept out of [`Sieve::match_ends`] (never inlined), so that its few values stay in
/// registers whatever the code around it: inlined, a change elsewhere in the pass once made
/// this loop spill to the stack and the whole scan 8% slower.
#[inline(never)]
fn untagged_steps(
    dfa: &DFA,
    cache: &DfaCache,
    sid: &mut [LazyStateID; LANES],
    lanes: &[&[u8]; LANES],
    mut i: usize,
) -> usize {
    // All lanes are as long as the first: cut to that length, no index below needs a check.
    let len = lanes[0].len();
    let lanes: [&[u8]; LANES] = std::array::from_fn(|k| &lanes[k][..len]);
    let mut state = *sid;
    while i < len {
        let next: [LazyStateID; LANES] = std::array::from_fn(|k| {
            // SAFETY: `state[k]` is untagged (start states are checked by the caller, later
            // states before they are kept) and was built in this cache, which has not been
            // cleared since: a clear ends the pass.
            unsafe { dfa.next_state_untagged_unchecked(cache, state[k], lanes[k][i]) }
        });
        if next.iter().max().is_some_and(|s| s.is_tagged()) {
            break;
        }
        state = next;
        i += 1;
    }
    *sid = state;
    i
}

/// The forward and reverse DFAs of the main pass's patterns.
#[derive(Debug)]
pub struct Sieve {
    forward: DFA,
    reverse: DFA,
}

/// One thread's mutable state for a [`Sieve`].
#[derive(Debug)]
pub struct SieveCache {
    forward: DfaCache,
    reverse: DfaCache,
    /// The forward DFA's start states, valid while its cache has been cleared `starts_for`
    /// times.
    starts: Vec<LazyStateID>,
    starts_for: Option<usize>,
    /// Match ends found by the lanes, kept to reuse the allocation.
    ends: Vec<usize>,
    /// The forward DFA's cache for [`Sieve::patterns_at`], apart from the lanes': its anchored
    /// states never clear theirs. Made on first use.
    anchored: Option<DfaCache>,
}

/// Why the sieve stopped early: the lazy DFA's cache was cleared (its states are forgotten),
/// or the chunk holds more matches than the caller allows.
struct GaveUp;

impl Sieve {
    /// The sieve over `patterns` (parsed as the rule set parses them), or `None` when one of
    /// them can match the empty string: an
    /// empty match makes every DFA state a match state (there would be nothing to skip), and
    /// a region of no bytes cannot hold it for the search.
    pub fn new(patterns: &[Hir]) -> Result<Option<Sieve>, String> {
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
                        .cache_capacity(CACHE_CAPACITY),
                )
                .build_from_nfa(nfa)
                .map_err(|e| e.to_string())
        };
        Ok(Some(Sieve {
            forward: build(false)?,
            reverse: build(true)?,
        }))
    }

    pub fn create_cache(&self) -> SieveCache {
        SieveCache {
            forward: self.forward.create_cache(),
            reverse: self.reverse.create_cache(),
            starts: Vec::new(),
            starts_for: None,
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
    /// meaningless, when the sieve gave up on this chunk (its cache was cleared, or it found
    /// match ends that would have the search visit more than `max_visit` bytes, as estimated
    /// with [`END_SPAN`], or its reverse searches went back over more bytes than that in all):
    /// then everything must be searched.
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
            .match_ends(cache, hay, from, max_visit, &mut ends)
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
        cache: &mut SieveCache,
        hay: &[u8],
        from: usize,
        max_visit: usize,
        ends: &mut Vec<usize>,
    ) -> Result<(), GaveUp> {
        let dfa = &self.forward;
        let clears = cache.forward.clear_count();
        if cache.starts_for != Some(clears) {
            cache.starts.clear();
            for look_behind in [None, Some(b'\n'), Some(b'\r'), Some(b' '), Some(b'a')] {
                let sid = self.start(cache, look_behind)?;
                cache.starts.push(sid);
            }
            if cache.forward.clear_count() != clears {
                return Err(GaveUp);
            }
            cache.starts_for = Some(clears);
        }
        let part = (hay.len() - from) / LANES;
        let begin: [usize; LANES] = std::array::from_fn(|k| from + k * part);
        let mut sid = [LazyStateID::default(); LANES];
        for k in 0..LANES {
            sid[k] = self.start(cache, begin[k].checked_sub(1).map(|i| hay[i]))?;
        }
        // Start states are untagged when the DFA has no prefilter, as here; the lockstep
        // loop below relies on it.
        if sid.iter().any(|s| s.is_tagged()) {
            return Err(GaveUp);
        }
        if cache.forward.clear_count() != clears {
            return Err(GaveUp);
        }
        // The bytes the search would visit (see `END_SPAN`), and each lane's last match end.
        let mut visit = 0usize;
        let mut last_end = begin;
        // All lanes in step over the first `part` bytes of their parts.
        let lanes: [&[u8]; LANES] = std::array::from_fn(|k| &hay[begin[k]..begin[k] + part]);
        let mut i = 0;
        while i < part {
            // The usual steps, as long as no lane meets a tagged state.
            i = untagged_steps(dfa, &cache.forward, &mut sid, &lanes, i);
            // Careful steps until every lane is in an untagged state again.
            while i < part {
                for k in 0..LANES {
                    let found = ends.len();
                    sid[k] = self.step(cache, clears, sid[k], hay, begin[k] + i, ends)?;
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
                if !sid.iter().max().is_some_and(|s| s.is_tagged()) {
                    break;
                }
            }
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
            let mut state = sid[k];
            while at < hay.len() && (at < part_end || !cache.starts.contains(&state)) {
                // A long run without a start state (a base64 blob holds an email's local part
                // all along) would have several lanes step over it one careful step at a time.
                if at >= part_end + MAX_OVERRUN {
                    return Err(GaveUp);
                }
                state = self.step(cache, clears, state, hay, at, ends)?;
                at += 1;
            }
            if at == hay.len() {
                let eoi = dfa
                    .next_eoi_state(&mut cache.forward, state)
                    .map_err(|_| GaveUp)?;
                if eoi.is_match() {
                    ends.push(hay.len());
                }
            }
        }
        Ok(())
    }

    /// The forward DFA's unanchored start state after `look_behind`.
    fn start(
        &self,
        cache: &mut SieveCache,
        look_behind: Option<u8>,
    ) -> Result<LazyStateID, GaveUp> {
        let config = start::Config::new()
            .anchored(Anchored::No)
            .look_behind(look_behind);
        self.forward
            .start_state(&mut cache.forward, &config)
            .map_err(|_| GaveUp)
    }

    /// One forward step of a lane over `hay[at]`, recording a match that ends at `at`.
    fn step(
        &self,
        cache: &mut SieveCache,
        clears: usize,
        state: LazyStateID,
        hay: &[u8],
        at: usize,
        ends: &mut Vec<usize>,
    ) -> Result<LazyStateID, GaveUp> {
        let next = self
            .forward
            .next_state(&mut cache.forward, state, hay[at])
            .map_err(|_| GaveUp)?;
        if cache.forward.clear_count() != clears || next.is_dead() || next.is_quit() {
            return Err(GaveUp);
        }
        // Match states are delayed by one byte: this one says a match ends where `at` starts.
        if next.is_match() {
            ends.push(at);
        }
        Ok(next)
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
        let syntax = syntax::Config::new().unicode(false).utf8(false);
        let hirs: Vec<Hir> = patterns
            .iter()
            .map(|p| syntax::parse_with(p, &syntax).unwrap())
            .collect();
        Sieve::new(&hirs).unwrap()
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

    fn regions(hay: &[u8], from: usize, max_visit: Option<usize>) -> Option<Vec<(usize, usize)>> {
        let sieve = sieve();
        let mut cache = sieve.create_cache();
        let mut regions = Vec::new();
        sieve
            .regions(&mut cache, hay, from, max_visit, &mut regions)
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
        // Each lane covers 25 bytes; the email's local part runs over three of them.
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

    /// Four lane parts of 2,000 bytes, each `part` padded with spaces.
    fn four_lanes(mut part: Vec<u8>) -> Vec<u8> {
        assert!(part.len() <= 2000);
        part.resize(2000, b' ');
        part.repeat(LANES)
    }

    #[test]
    fn matches_spread_out_count_a_span_each() {
        // Five addresses 400 bytes apart in each lane: 20 match ends of a span and a cost each.
        let part: Vec<u8> = (0..5)
            .flat_map(|_| [b"w".repeat(390), addresses(1)].concat())
            .collect();
        let hay = four_lanes(part);
        assert_eq!(20 * (END_SPAN + END_COST), 5440);
        assert_eq!(regions(&hay, 0, Some(5600)).map(|r| r.len()), Some(20));
        assert_eq!(regions(&hay, 0, Some(4000)), None);
    }

    #[test]
    fn matches_crowded_in_one_place_count_its_length_and_keep_the_sieve() {
        // Ten addresses back to back three quarters into each lane (the numbers of an SVG
        // path in a page): 40 match ends, counted as four regions of 100 bytes or so and
        // their ends' cost, about 2,000 bytes. Counted a span each, they would be 10,880.
        let part = [b"w".repeat(1500), addresses(10)].concat();
        let hay = four_lanes(part);
        assert_eq!(
            regions(&hay, 0, Some(hay.len() / 2)).map(|r| r.len()),
            Some(40)
        );
        assert_eq!(regions(&hay, 0, Some(1000)), None);
    }

    #[test]
    fn matches_crowded_at_the_start_stop_the_sieve_before_the_limit() {
        // The first 300 bytes of each lane are addresses: the search would visit about 3,100
        // bytes, under the limit of 4,000, but from their first bytes the lanes are over
        // their allowance: dense text, given up on before the lanes go further.
        let hay = four_lanes(addresses(30));
        assert_eq!(regions(&hay, 0, Some(4000)), None);
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
            let mut cache = sieve.create_cache();
            let mut regions = Vec::new();
            sieve
                .regions(&mut cache, &hay, 0, max_visit, &mut regions)
                .then_some(regions)
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

    fn fragment() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
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
        ])
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
