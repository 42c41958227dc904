//! Searching one input: its chunks go through the scanner and the judge, and what the judge
//! keeps becomes a located, redacted, fingerprinted finding.

use std::io::Read;
use std::sync::Arc;

use crate::archive::{self, Input};
use crate::config::ScanOptions;
use crate::decompress;
use crate::finding::{self, Context, Finding, Redaction};
use crate::judge::{self, Verdict};
use crate::read::{self, Opened};
use crate::scan::{Candidate, RuleSet, Scanner};
use crate::structured::{self, Shape};
use crate::suppress;

/// Why an input was not scanned, or not scanned to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// Not scanned at all (binary, too large, unreadable...).
    Skipped(String),
    /// Scanned up to `bytes`, then reading failed: findings before that point are kept.
    Incomplete { bytes: u64, reason: String },
}

/// What searching one input produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Findings suppressed by the allowlist or an inline `piiscan:ignore`.
    pub suppressed: u64,
    pub bytes: u64,
    pub gap: Option<Gap>,
    /// Archive members scanned (nested archives and their members included); the archive
    /// itself is not counted here.
    pub members_scanned: u64,
    /// Archive members not scanned, or not to the end, with their paths, in archive order.
    pub member_gaps: Vec<(String, Gap)>,
}

/// Per-input state carried from chunk to chunk.
struct Cursor {
    /// Offset in the input of the current chunk's first byte.
    base: u64,
    /// Line number at the current chunk's first byte.
    line: u64,
    /// Columns already on the current line when a chunk starts mid-line.
    carry_chars: u64,
    carry_utf16: u64,
    /// Occurrences of each (rule, masked line), for fingerprints.
    occurrences: finding::Occurrences,
    /// JSON, CSV/TSV (with its header row) or plain text: decided from the first chunk.
    shape: Shape,
    /// Bytes at the start of the current chunk that are only context: the end of a line cut
    /// by the previous chunk (`read::keep_before`), and a candidate accepted across its cut.
    from: usize,
    /// Bytes at the start of the current chunk kept from the previous one (`from` without the
    /// resumed candidate): keyed values ending before them were reported with that chunk.
    kept: usize,
    /// Value spans (in the input) of the matches the judge accepted in the part of the previous
    /// chunk whose keyed values were left to this one (and those carried into it that reach
    /// into this one): a keyed value that one of them overlaps is dropped, as in one whole pass.
    accepted: Vec<(u64, u64)>,
    /// Where the current chunk is cut, if not where `read::chunk_cut` would: a line start at
    /// least `MAX_MATCH_LEN` bytes before the chunk's end, where a part of the input ends
    /// (`search_part`).
    stop: Option<usize>,
}

/// An input's paths: as reports show it, and as its fingerprints and baseline entries hold it
/// (`discover::InputFile::anchored`). An archive member's are its archive's, with `!member`.
#[derive(Debug, Clone)]
pub struct InputPath {
    pub shown: Arc<str>,
    pub anchored: Arc<str>,
}

impl InputPath {
    /// The paths of the archive member `name` of this input.
    pub fn member(&self, name: &str) -> InputPath {
        InputPath {
            shown: Arc::from(format!("{}!{name}", self.shown)),
            anchored: Arc::from(format!("{}!{name}", self.anchored)),
        }
    }
}

/// An input whose fingerprints hold the path it is shown with (in memory, a record).
impl From<&str> for InputPath {
    fn from(path: &str) -> InputPath {
        let path: Arc<str> = Arc::from(path);
        InputPath {
            shown: path.clone(),
            anchored: path,
        }
    }
}

/// Why an input with a NUL byte in its first 8 KiB is not scanned (`read::looks_binary`).
pub const BINARY: &str = "binary file";

/// Search `opened` (already opened from `path`) and return its findings in offset order.
/// Compressed inputs and archives are decompressed and unpacked as streams (see `archive`);
/// findings of archive members carry the members' paths (`export.zip!customers.csv`).
pub fn search(
    scanner: &mut Scanner<'_>,
    opened: Opened<'_>,
    path: &InputPath,
    options: &ScanOptions,
    buf: &mut Vec<u8>,
) -> Outcome {
    let map = match opened {
        Opened::Mapped(map) => map,
        Opened::Stream(reader) => {
            return archive::search_input(scanner, Input::Stream(reader), path, options, buf)
        }
        Opened::Seekable(file) => {
            return archive::search_input(scanner, Input::Seekable(file), path, options, buf)
        }
    };
    let mut out = Outcome::default();
    let mut cursor = Cursor::new();
    let data: &[u8] = &map;
    if read::looks_binary(data) {
        out.gap = Some(Gap::Skipped(BINARY.into()));
        return out;
    }
    let mut start = 0;
    loop {
        let end = (start + chunk_len(options, start == 0)).min(data.len());
        let eof = end == data.len();
        let consumed = search_chunk(
            scanner,
            &data[start..end],
            eof,
            &mut cursor,
            path,
            options,
            &mut out,
        );
        start += consumed;
        read::release_mapped(&map, start);
        if eof {
            break;
        }
    }
    out.bytes = data.len() as u64;
    out
}

/// Search a stream of text (already decompressed and unpacked) in chunks. A read error keeps
/// the findings before it and reports the input as incomplete.
pub(crate) fn search_plain(
    scanner: &mut Scanner<'_>,
    reader: &mut dyn Read,
    path: &InputPath,
    options: &ScanOptions,
    buf: &mut Vec<u8>,
) -> Outcome {
    let mut out = Outcome::default();
    let mut cursor = Cursor::new();
    buf.clear();
    let mut first = true;
    loop {
        let eof = match read::fill(reader, buf, chunk_len(options, first)) {
            Ok(eof) => eof,
            Err(e) => {
                // Scan what arrived (unless it is binary), then report the rest as missing.
                let bytes = cursor.base + buf.len() as u64;
                let binary = first && read::looks_binary(buf);
                if !buf.is_empty() && !binary {
                    search_chunk(scanner, buf, true, &mut cursor, path, options, &mut out);
                }
                out.bytes = bytes;
                out.gap = Some(read_gap(&e, bytes));
                return out;
            }
        };
        if first {
            first = false;
            // UTF-16 with a byte order mark: scanned as UTF-8, transcoded as a stream.
            if let Some(big_endian) = read::utf16_bom(buf) {
                let head = buf.split_off(2);
                let mut utf8 = read::Utf16Decoder::new(head, reader, big_endian);
                return search_plain(scanner, &mut utf8, path, options, buf);
            }
            if read::looks_binary(buf) {
                out.gap = Some(Gap::Skipped(BINARY.into()));
                return out;
            }
            if !eof {
                if let Some(long_input) = &mut scanner.long_input {
                    long_input();
                }
            }
        }
        let consumed = search_chunk(scanner, buf, eof, &mut cursor, path, options, &mut out);
        if eof {
            out.bytes = cursor.base;
            break;
        }
        buf.drain(..consumed);
    }
    out
}

/// Why reading an input stopped after `bytes` bytes.
fn read_gap(e: &std::io::Error, bytes: u64) -> Gap {
    match decompress::stream_error(e) {
        // A damaged or stopped stream is incomplete, even with nothing before it.
        Some(se) => Gap::Incomplete {
            bytes,
            reason: se.reason(bytes),
        },
        None if bytes == 0 => Gap::Skipped(format!("cannot read: {e}")),
        _ => Gap::Incomplete {
            bytes,
            reason: format!("read error after {bytes} bytes: {e}"),
        },
    }
}

/// Where a search of part of an input ended (see [`search_part`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartEnd {
    /// At `stops[n]`, in the state a search starting there begins in: the next part's own
    /// search finds what this one would have.
    Stop(usize),
    /// At the end of the input (or where reading failed).
    End,
}

/// Search a large plain-text input from `start` (0, or a line start) up to the first of
/// `stops` (line starts after `start`, ascending) where the search ends in the state a fresh
/// search starting there begins in: no candidate crosses it and nothing is left over. That
/// holds unless a match spans the line break before it (`password:` at the end of a line, its
/// value on the next): then the search goes on into the next part, calling `crossed(n)` for
/// each stop passed, and so finds exactly what one pass over the whole input finds. `reader`
/// is positioned at `start`; `shape` is the input's, sniffed from its first chunk.
/// Findings are those of `[start, end)` only; `bytes` of the outcome is how many were searched.
#[allow(clippy::too_many_arguments)]
pub fn search_part(
    scanner: &mut Scanner<'_>,
    reader: &mut dyn Read,
    start: u64,
    shape: Shape,
    stops: &[u64],
    path: &InputPath,
    options: &ScanOptions,
    buf: &mut Vec<u8>,
    mut crossed: impl FnMut(usize),
) -> (Outcome, PartEnd) {
    let mut out = Outcome::default();
    let mut cursor = Cursor::new();
    cursor.base = start;
    cursor.shape = shape;
    buf.clear();
    let mut next_stop = 0;
    loop {
        let stop = stops.get(next_stop).copied();
        let stop_in = stop.map(|s| (s - cursor.base) as usize);
        // A chunk that ends the part holds the bytes a match starting before its stop may
        // take, as a chunk cut anywhere does (`read::chunk_cut`). Otherwise the chunk ends at
        // or before the stop, and so does its cut.
        let want = match stop_in {
            Some(at) if at < options.chunk_size.max(buf.len()) => at + crate::scan::MAX_MATCH_LEN,
            _ => options.chunk_size,
        };
        let eof = match read::fill(reader, buf, want) {
            Ok(eof) => eof,
            Err(e) => {
                let bytes = cursor.base + buf.len() as u64;
                if !buf.is_empty() {
                    search_chunk(scanner, buf, true, &mut cursor, path, options, &mut out);
                }
                out.bytes = bytes - start;
                out.gap = Some(read_gap(&e, bytes));
                return (out, PartEnd::End);
            }
        };
        let forced = stop_in
            .filter(|&at| at + crate::scan::MAX_MATCH_LEN <= buf.len() || (eof && at < buf.len()));
        cursor.stop = forced;
        let consumed = search_chunk(
            scanner,
            buf,
            eof && forced.is_none(),
            &mut cursor,
            path,
            options,
            &mut out,
        );
        if eof && forced.is_none() {
            out.bytes = cursor.base - start;
            return (out, PartEnd::End);
        }
        buf.drain(..consumed);
        let Some(stop) = stop.filter(|&s| forced.is_some() || cursor.base == s) else {
            continue;
        };
        if cursor.base == stop && cursor.from == 0 && cursor.kept == 0 {
            out.bytes = stop - start;
            return (out, PartEnd::Stop(next_stop));
        }
        crossed(next_stop);
        next_stop += 1;
    }
}

impl Cursor {
    fn new() -> Cursor {
        Cursor {
            base: 0,
            line: 1,
            carry_chars: 0,
            carry_utf16: 0,
            occurrences: finding::Occurrences::default(),
            shape: Shape::Unknown,
            from: 0,
            kept: 0,
            accepted: Vec::new(),
            stop: None,
        }
    }
}

/// How many bytes a chunk holds: the first at least all that sniffing the input's shape looks
/// at, so that a first line longer than a (small) chunk is sniffed as in one pass.
fn chunk_len(options: &ScanOptions, first: bool) -> usize {
    if first {
        first_chunk_len(options)
    } else {
        options.chunk_size
    }
}

/// The length of an input's first chunk: all that sniffing its shape looks at (a byte order
/// mark and `MAX_HEADER` bytes), and one byte more, so that the chunk tells whether the input
/// ends there. A first line without a newline is sniffed as a whole line only when the input
/// ends within those bytes, and an input of exactly that length would otherwise not know it
/// ends there, as one whole pass does.
pub fn first_chunk_len(options: &ScanOptions) -> usize {
    options
        .chunk_size
        .max(structured::BOM.len() + structured::MAX_HEADER + 1)
}

/// Search an in-memory input (tests, examples, benchmarks).
pub fn search_bytes(
    scanner: &mut Scanner<'_>,
    data: &[u8],
    path: &str,
    options: &ScanOptions,
) -> Vec<Finding> {
    search_slice(scanner, data, path, options).findings
}

/// Search an in-memory input: its findings, and what of it was not searched (a record of
/// record mode can be binary, or damaged compressed data).
pub fn search_slice(
    scanner: &mut Scanner<'_>,
    data: &[u8],
    path: &str,
    options: &ScanOptions,
) -> Outcome {
    let reader: Box<dyn Read + Send + '_> = Box::new(data);
    let mut buf = Vec::new();
    search(
        scanner,
        Opened::Stream(reader),
        &path.into(),
        options,
        &mut buf,
    )
}

/// Scan one chunk, report the findings that start before its cut, advance the cursor to the
/// next chunk's first byte (the cut, less the context kept before it: `read::keep_before`),
/// and return how many bytes of this chunk the next one no longer needs.
///
/// Two sources of findings are merged in offset order: the scanner's candidates, and (in JSON
/// and CSV/TSV inputs) the values that rules detected by key find under their keys and columns
/// (`structured::key_values`). A keyed value that a scanner finding overlaps is dropped: the
/// pattern's match is the more specific claim.
fn search_chunk(
    scanner: &mut Scanner<'_>,
    hay: &[u8],
    eof: bool,
    cursor: &mut Cursor,
    path: &InputPath,
    options: &ScanOptions,
    out: &mut Outcome,
) -> usize {
    let overlap = read::overlap_for(options.chunk_size);
    let mut cut = read::chunk_cut(hay, eof, overlap);
    // Bytes of a line cut here that the next chunk keeps as context. When they reach back to
    // the line's start, the cut moves there instead: the next chunk has the whole line.
    let mut keep = if eof {
        0
    } else {
        read::keep_before(hay, cut, overlap)
    };
    if keep > 0 && keep < cut && hay[cut - keep - 1] == b'\n' {
        cut -= keep;
        keep = 0;
    }
    let forced = cursor.stop.take();
    if let Some(stop) = forced {
        debug_assert!(stop > 0 && hay[stop - 1] == b'\n' && !eof);
        cut = stop;
        keep = 0;
    }
    // Keyed values of a longer line cut here that run into the cut are left to the next chunk.
    let keyed_limit = cut;
    let from = std::mem::take(&mut cursor.from);
    let kept = std::mem::take(&mut cursor.kept);
    let base = cursor.base;
    let accepted: Vec<(usize, usize)> = std::mem::take(&mut cursor.accepted)
        .into_iter()
        .map(|(a, b)| {
            (
                a.saturating_sub(base) as usize,
                b.saturating_sub(base) as usize,
            )
        })
        .collect();
    let mut accepted_late = Vec::new();
    let set = scanner.rule_set();
    if cursor.shape == Shape::Unknown {
        cursor.shape = structured::sniff(&set.keys, hay, eof, &path.shown);
    }
    let shape = std::mem::take(&mut cursor.shape);
    let line_fields = structured::LineFields::default();
    let keyword_scan = crate::scan::KeywordScan::default();
    let site = judge::Site {
        shape: &shape,
        at_line_start: cursor.carry_chars == 0,
        at_input_start: cursor.base == 0,
        by_key: false,
        fields: Some(&line_fields),
        keywords: Some(&keyword_scan),
    };
    // Keyed values of the previous chunk's lines were reported with it; one that ran into its
    // cut (inside a line) was left for this chunk, which has the line's start, unless a match
    // accepted there overlaps it (then it is dropped, as in one whole pass).
    let mut keyed = structured::KeyedValues::new(
        &set.keys,
        &shape,
        hay,
        keyed_limit,
        cursor.base == 0,
        kept,
        &accepted,
    );
    let mut emit = Emit {
        set,
        path,
        options,
        site,
        base: cursor.base,
        carry_chars: cursor.carry_chars,
        carry_utf16: cursor.carry_utf16,
        line: cursor.line,
        counted_to: 0,
        occurrences: &mut cursor.occurrences,
        has_ignores: memchr::memmem::find(hay, suppress::DIRECTIVE).is_some(),
        directives: LineDirectives::default(),
        column_mark: (usize::MAX, 0, 0, 0),
        line_prefixes: vec![None; set.rules.len()],
        column_names: Vec::new(),
        pointers: structured::PointerReader::default(),
        passed: scanner.passed.take(),
    };
    // A column whose name holds a gated rule's keyword lends it to every value in it.
    let open_gates = matches!(&shape, Shape::Fields(header)
        if header.names.iter().any(|name| set.has_gate_word(name)));
    // The scanner lends its sink to the judge below for the length of the search.
    let mut sink = scanner.sink.take();
    let resume = scanner.scan_from(hay, from, cut, eof, open_gates, |hay, cand| {
        // Keyed values ending before the match starts come before it, whatever the judge
        // says of it (no later match starts before it either). Reported first, they and the
        // judge ask about lines in order: the fields of a CSV row are kept for one row at a
        // time, and reported after the judge looked at the next row, a row's keyed values
        // had it split again.
        while let Some((rule, s, e)) = keyed.peek(cand.start, &line_fields) {
            if e > cand.start {
                break;
            }
            emit.keyed(hay, rule, s, e, out);
            crate::spill::maybe(&mut out.findings, &mut sink);
            keyed.pop();
        }
        let verdict = judge::judge_at(set, hay, cand, options.explain, site);
        if verdict == Verdict::Reject {
            return false;
        }
        // Keyed values before this match are reported first; those it overlaps are dropped.
        let (vs, ve) = (cand.value_start, cand.value_end);
        while let Some((rule, s, e)) = keyed.peek(ve, &line_fields) {
            if e <= vs {
                emit.keyed(hay, rule, s, e, out);
                crate::spill::maybe(&mut out.findings, &mut sink);
            } else if s >= ve {
                break;
            }
            keyed.pop();
        }
        emit.verdict(hay, cand, verdict, out);
        // Near the cut: a keyed value left to the next chunk may overlap it (the limit moves
        // back by up to one match when a candidate is left over at the chunk's end).
        if ve + 2 * crate::scan::MAX_MATCH_LEN > keyed_limit {
            accepted_late.push((base + vs as u64, base + ve as u64));
        }
        crate::spill::maybe(&mut out.findings, &mut sink);
        true
    });
    // Where the next chunk starts: at the cut, less the end of a line cut there (context
    // only), and where its search resumes. What this chunk leaves over is searched again by
    // the next one, which then starts before the first of it with its line's context: a
    // candidate crossing the cut (it may go on past this chunk's end, and its line is not
    // whole), and the keyed values from there on or running into the cut (the key is then in
    // the next chunk, and the fingerprint's context is that of one whole pass). The scan
    // leaves over only candidates past `read::LOOKBEHIND`, and values are at most
    // `structured::MAX_FIELD` bytes: the input moves on.
    let keyed_limit = keyed_limit.min(resume);
    let mut running_into_limit = None;
    while let Some((rule, s, e)) = keyed.peek(usize::MAX, &line_fields) {
        keyed.pop();
        if s >= keyed_limit {
            continue;
        }
        // A value running into a cut inside a line may be cut short: the next chunk has it.
        if eof || e < keyed_limit {
            emit.keyed(hay, rule, s, e, out);
            crate::spill::maybe(&mut out.findings, &mut sink);
        } else {
            running_into_limit = Some(running_into_limit.map_or(s, |r: usize| r.min(s)));
        }
    }
    let left_over = (resume < cut).then_some(resume).into_iter();
    let mut next = cut - keep;
    if let Some(first) = left_over.chain(running_into_limit).min() {
        next = next.min((first - read::keep_before(hay, first, overlap)).max(1));
    }
    // A next chunk starting at a line start keeps the line before as context too when it holds
    // an inline directive. It must still move on, unless this chunk ends a part: the search
    // then goes on to the part's next stop (`search_part`).
    if !eof {
        let directive = directive_line_before(hay, next, overlap);
        if directive < next || (forced.is_some() && directive > 0) {
            next -= directive;
        }
    }
    let resume_next = resume - next;
    scanner.passed = emit.passed.take();
    // Move the cursor to the next chunk's first byte. Lines are counted only when findings
    // show them (a pass over every byte: 1.4% of a sparse data map).
    if options.line_numbers {
        let (line, counted_to) = (emit.line, emit.counted_to);
        let newlines = |span: &[u8]| memchr::memchr_iter(b'\n', span).count() as u64;
        cursor.line = if counted_to <= next {
            line + newlines(&hay[counted_to..next])
        } else {
            line - newlines(&hay[next..counted_to])
        };
    }
    match memchr::memrchr(b'\n', &hay[..next]) {
        Some(p) => {
            let (c, u) = columns(&hay[p + 1..next]);
            cursor.carry_chars = c;
            cursor.carry_utf16 = u;
        }
        None => {
            let (c, u) = columns(&hay[..next]);
            cursor.carry_chars += c;
            cursor.carry_utf16 += u;
        }
    }
    cursor.base += next as u64;
    cursor.shape = shape;
    cursor.from = resume_next;
    cursor.kept = keyed_limit - next;
    // A keyed value longer than the chunks move on may be left over more than once (tiny
    // chunks): the matches carried in still overlap it.
    accepted_late.extend(
        accepted
            .iter()
            .filter(|&&(_, b)| b > next)
            .map(|&(a, b)| (base + a as u64, base + b as u64)),
    );
    cursor.accepted = accepted_late;
    // A large input's findings go out as it is scanned, not all at its end.
    crate::spill::maybe(&mut out.findings, &mut sink);
    scanner.sink = sink;
    next
}

/// The length of the line just before `cut` when `cut` starts a line and that line holds an
/// inline directive (`piiscan:ignore-next-line` applies to the line at the cut): the next chunk
/// keeps it as context, as it keeps the start of a line cut in two (`read::keep_before`, whose
/// bounds it shares).
fn directive_line_before(hay: &[u8], cut: usize, overlap: usize) -> usize {
    if cut == 0 || hay[cut - 1] != b'\n' {
        return 0;
    }
    let start = memchr::memrchr(b'\n', &hay[..cut - 1]).map_or(0, |p| p + 1);
    let line = &hay[start..cut];
    let room = read::LOOKBEHIND.min(overlap.saturating_sub(256));
    if line.len() > room || memchr::memmem::find(line, suppress::DIRECTIVE).is_none() {
        return 0;
    }
    line.len()
}

/// Turns kept candidates of one chunk into located, redacted, fingerprinted findings.
struct Emit<'a, 's> {
    set: &'a RuleSet,
    path: &'a InputPath,
    options: &'a ScanOptions,
    site: judge::Site<'s>,
    base: u64,
    carry_chars: u64,
    carry_utf16: u64,
    /// Line number at `counted_to`: newlines are counted once, forward, between findings.
    line: u64,
    counted_to: usize,
    occurrences: &'a mut finding::Occurrences,
    /// Whether the chunk holds an inline `piiscan:ignore` at all (most do not: one search per
    /// chunk instead of one per finding).
    has_ignores: bool,
    /// The directives of the line of the last finding and of the line before it.
    directives: LineDirectives,
    /// The line start, offset, and columns (characters, UTF-16 units) of the last finding.
    column_mark: (usize, usize, u64, u64),
    /// Each rule's start of a masked line in this input, once it has a finding.
    line_prefixes: Vec<Option<finding::LinePrefix>>,
    /// The names of the columns findings were in, as printed, by column index.
    column_names: Vec<Option<Arc<str>>>,
    /// Reads the JSON pointers of findings, one line at a time.
    pointers: structured::PointerReader,
    /// The scanner's [`crate::scan::Scanner::passed`], lent for the chunk.
    passed: Option<crate::report::Passed>,
}

impl Emit<'_, '_> {
    /// A value found under its key or column by the structured pass.
    fn keyed(&mut self, hay: &[u8], rule: usize, vs: usize, ve: usize, out: &mut Outcome) {
        let cand = Candidate {
            rule,
            start: vs,
            end: ve,
            value_start: vs,
            value_end: ve,
        };
        let site = judge::Site {
            by_key: true,
            ..self.site
        };
        let verdict = judge::judge_at(self.set, hay, cand, self.options.explain, site);
        self.verdict(hay, cand, verdict, out);
    }

    /// Column `index`'s name as printed (a name that is itself a value is not: `scrub`), made
    /// once per chunk and shared by the findings in that column.
    fn column_name(&mut self, header: &structured::Header, index: usize) -> Option<Arc<str>> {
        // Only columns the header names: their count is bounded by the header's length.
        let name = header.name(index)?;
        if self.column_names.len() <= index {
            self.column_names.resize(index + 1, None);
        }
        let printed = self.column_names[index].get_or_insert_with(|| {
            crate::scrub::key(String::from_utf8_lossy(name).into_owned()).into()
        });
        Some(printed.clone())
    }

    fn verdict(&mut self, hay: &[u8], cand: Candidate, verdict: Verdict, out: &mut Outcome) {
        let (confidence, key, explain) = match verdict {
            Verdict::Reject => return,
            Verdict::Suppressed => {
                out.suppressed += 1;
                return;
            }
            Verdict::Keep {
                confidence,
                key,
                explain,
            } => (confidence, key, explain),
        };
        if confidence < self.options.min_confidence {
            return;
        }
        let (set, options, path) = (self.set, self.options, self.path);
        let compiled = &set.rules[cand.rule];
        let (vs, ve) = (cand.value_start, cand.value_end);
        if options.line_numbers {
            self.line += memchr::memchr_iter(b'\n', &hay[self.counted_to..vs]).count() as u64;
            self.counted_to = vs;
        }
        let (whole_line_start, whole_line_end) = self.site.line_around(hay, vs, ve);
        let line_start = whole_line_start.max(vs.saturating_sub(512));
        let line_end = whole_line_end.min(ve + 512);
        if self.has_ignores
            && self.directives.ignore(
                set,
                hay,
                (whole_line_start, whole_line_end),
                line_end,
                cand.rule,
            )
        {
            out.suppressed += 1;
            return;
        }
        // Every finding is fingerprinted, shown or not: identical masked lines are numbered,
        // and the number of one that is shown counts those before it.
        let (before, after) = (&hay[line_start..vs], &hay[ve..line_end]);
        let fingerprint = if self.options.fingerprints {
            let prefix = self.line_prefixes[cand.rule]
                .get_or_insert_with(|| finding::LinePrefix::new(&compiled.rule.id, &path.anchored));
            finding::MaskedLine::after(prefix, before, after).fingerprint(self.occurrences)
        } else {
            finding::Fingerprint::default()
        };
        // A finding its reporter will not show is only counted, never built (the data map
        // shows none; HTML 20 of each category; SARIF 25,000 in all).
        if let Some(passed) = self.passed.as_mut() {
            if !passed.send_parts(cand.rule, confidence, &path.shown) {
                let value_hash = finding::value_hash(&hay[vs..ve]);
                let counts = passed.passed_over();
                counts.add_parts(set, &path.shown, cand.rule, confidence, value_hash);
                return;
            }
        }
        // Columns count from the previous finding when it is on the same line (a CSV row or
        // JSON record holds many), not from the line's start each time. A line starting at 0
        // began in an earlier chunk: its columns so far are carried.
        let (from, mut chars, mut utf16) = match self.column_mark {
            (line, at, c, u) if line == whole_line_start && at <= vs => (at, c, u),
            _ if whole_line_start == 0 => (0, self.carry_chars, self.carry_utf16),
            _ => (whole_line_start, 0, 0),
        };
        if options.details {
            let (c, u) = columns(&hay[from..vs]);
            chars += c;
            utf16 += u;
            self.column_mark = (whole_line_start, vs, chars, utf16);
        }
        let value = &hay[vs..ve];
        let mut context = Context {
            key: key
                .filter(|_| options.details)
                .map(|k| String::from_utf8_lossy(&hay[k]).into_owned()),
            ..Context::default()
        };
        // Structured context, computed for findings only, from their line's bytes.
        let line_known = line_start_known(whole_line_start, &self.site);
        if line_known && options.details {
            let line_bytes = &hay[whole_line_start..whole_line_end];
            let at = vs - whole_line_start;
            match self.site.shape {
                Shape::Json => {
                    context.json_pointer = self.pointers.pointer(whole_line_start, line_bytes, at)
                }
                Shape::Fields(header)
                    if !(header.header_row()
                        && self.site.at_input_start
                        && whole_line_start == 0) =>
                {
                    let column = self.site.field_at(header, line_bytes, at);
                    context.column = column.and_then(|(index, _)| self.column_name(header, index));
                }
                _ => {}
            }
        }
        // A key, pointer segment or column that is itself a value is not printed (`scrub`).
        context.key = context.key.map(crate::scrub::key);
        context.json_pointer = context.json_pointer.map(crate::scrub::pointer);
        out.findings.push(Finding {
            rule: cand.rule,
            path: path.shown.clone(),
            anchored: path.anchored.clone(),
            // 0 when not counted (the data map): no line is line 0.
            line: if options.line_numbers { self.line } else { 0 },
            column: chars + 1,
            column_utf16: utf16 + 1,
            length_utf16: if options.details { columns(value).1 } else { 0 },
            byte_offset: self.base + vs as u64,
            length: (ve - vs) as u64,
            confidence,
            redacted: if options.details {
                finding::redact(
                    value,
                    compiled.rule.redact,
                    match options.redaction {
                        Redaction::None => Redaction::Partial,
                        other => other,
                    },
                )
            } else {
                String::new()
            },
            value: (options.redaction == Redaction::None)
                .then(|| String::from_utf8_lossy(value).into_owned()),
            fingerprint,
            value_hash: finding::value_hash(value),
            context,
            explain,
        });
    }
}

/// The inline directives (`piiscan:ignore`) of one line and of the line before it, read once
/// for all the findings on the line: a long line of findings would otherwise be searched for
/// them, and its directives parsed, once per finding.
#[derive(Debug, Default)]
struct LineDirectives {
    /// The start of the line they were read for.
    line: Option<usize>,
    on_line: Vec<suppress::Directive>,
    on_previous: Vec<suppress::Directive>,
}

impl LineDirectives {
    /// Whether a directive suppresses a finding of `rule` on the line `(start, end)` of
    /// `hay`: one on the line whose text ends before `until` (a long line is looked at only
    /// up to a little past the finding, as its chunk may end there), or a `-next-line` one on
    /// the line before.
    fn ignore(
        &mut self,
        set: &RuleSet,
        hay: &[u8],
        (start, end): (usize, usize),
        until: usize,
        rule: usize,
    ) -> bool {
        if self.line != Some(start) {
            let rule_index = |name: &[u8]| {
                std::str::from_utf8(name)
                    .ok()
                    .and_then(|name| set.find_rule(name))
            };
            let previous = start.checked_sub(1).map(|end| {
                let from = memchr::memrchr(b'\n', &hay[..end]).map_or(0, |p| p + 1);
                &hay[from..end]
            });
            self.line = Some(start);
            self.on_line = suppress::directives(&hay[start..end], rule_index);
            self.on_previous =
                previous.map_or_else(Vec::new, |p| suppress::directives(p, rule_index));
        }
        self.on_line
            .iter()
            .any(|d| !d.next_line && start + d.end <= until && d.applies(rule))
            || self
                .on_previous
                .iter()
                .any(|d| d.next_line && d.applies(rule))
    }
}

/// Whether the line holding `vs` starts inside this chunk (at `line_start`).
fn line_start_known(line_start: usize, site: &judge::Site) -> bool {
    line_start > 0 || site.at_line_start
}

/// Width of `bytes` in Unicode scalar values and in UTF-16 code units. Invalid UTF-8 counts
/// one per stray byte, as a lossy decoder would show it.
pub fn columns(bytes: &[u8]) -> (u64, u64) {
    // Most text is ASCII, where a byte is a character and a UTF-16 code unit: one pass of
    // `is_ascii`, which reads a word at a time, settles it.
    if bytes.is_ascii() {
        return (bytes.len() as u64, bytes.len() as u64);
    }
    // Every byte that is not a UTF-8 continuation byte starts a character; one that starts a
    // four-byte sequence is two UTF-16 code units. Two counting passes vectorise; one branchy
    // pass does not.
    let continuation = bytes.iter().filter(|&&b| b & 0xC0 == 0x80).count();
    let four_byte = bytes.iter().filter(|&&b| b >= 0xF0).count();
    let chars = (bytes.len() - continuation) as u64;
    (chars, chars + four_byte as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::Policy;
    use crate::scan::RuleSet;

    fn rule_set() -> RuleSet {
        RuleSet::built_in()
    }

    /// The rule set of the rules in `toml` (a user's rule file), with the built-in policy.
    fn user_rules(toml: &str) -> RuleSet {
        let rules = crate::rules::parse_rule_file("t.toml", toml).unwrap();
        RuleSet::new(rules, Policy::builtin()).unwrap()
    }

    /// A text with planted values on short lines, on a line longer than any overlap, and with
    /// multi-byte characters, so chunk boundaries fall everywhere.
    fn mixed_text() -> Vec<u8> {
        let mut text = String::new();
        for i in 0..3000 {
            match i % 7 {
                0 => text.push_str(&format!("user{i}@mail-{i}.example-corp.io signed in\n")),
                1 => text.push_str(&format!(
                    "client 81.2.{}.{} – Zoë GET /a?b=c\n",
                    i % 250,
                    (i * 7) % 250
                )),
                2 => {
                    text.push_str("card_number=4539148803436467 iban DE89 3704 0044 0532 0130 00\n")
                }
                3 => text
                    .push_str("version 1.2.3.4 at 12:34:56 sha 9f86d081884c7d659a2feaa0c55ad015\n"),
                4 => {
                    for j in 0..40 {
                        text.push_str(&format!("北京 phone +44 20 3123 45{:02} ", j % 100));
                    }
                    text.push('\n');
                }
                _ => text.push_str("ssn: 536-22-1849 mac 3c:22:fb:9a:41:0e\n"),
            }
        }
        text.into_bytes()
    }

    fn key(f: &Finding) -> (usize, u64, u64, u64, u64, u64, finding::Fingerprint) {
        (
            f.rule,
            f.byte_offset,
            f.length,
            f.line,
            f.column,
            f.column_utf16,
            f.fingerprint,
        )
    }

    #[test]
    fn an_input_longer_than_a_chunk_is_announced_once_whatever_its_layers() {
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        scanner.long_input = Some(Box::new({
            let calls = calls.clone();
            move || {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
        let options = ScanOptions {
            chunk_size: 4096,
            ..ScanOptions::default()
        };
        let text = b"client 81.2.69.160 signed in\n".repeat(2000);
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gzip, &text).unwrap();
        let gzip = gzip.finish().unwrap();
        // Short, long, and long behind a compressed file smaller than a chunk.
        assert!(gzip.len() < options.chunk_size);
        for (input, want) in [(&text[..1000], 0), (&text[..], 1), (&gzip[..], 1)] {
            calls.store(0, std::sync::atomic::Ordering::Relaxed);
            search_bytes(&mut scanner, input, "t", &options);
            assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), want);
        }
    }

    #[test]
    fn a_part_ends_at_a_line_start_whatever_the_chunk_size() {
        // Chunks smaller than the look-ahead a stop needs, and stops a chunk's own cut can
        // land on: each search ends at a stop with the bytes up to it searched, and finds only
        // what starts in its part.
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        // With passwords on the line after their key: some searches go on past a stop.
        let mut text = Vec::new();
        for (i, line) in mixed_text().split_inclusive(|&b| b == b'\n').enumerate() {
            text.extend_from_slice(line);
            if i % 5 == 0 {
                text.extend_from_slice(b"login password:\n  Summer2024x ok\n");
            }
        }
        let line_starts = crate::split::line_starts(&text);
        for chunk_size in [256, 300, 1000, 4096] {
            for every in [1, 3, 7, 10, 13, 40] {
                let options = ScanOptions {
                    chunk_size,
                    ..ScanOptions::counts_only()
                };
                let mut starts = vec![0];
                starts.extend(line_starts.iter().step_by(every));
                let (mut k, mut found, mut crossed) = (0, 0, 0);
                while k < starts.len() {
                    let start = starts[k];
                    let (out, end) = search_part(
                        &mut scanner,
                        &mut &text[start as usize..],
                        start,
                        Shape::Plain,
                        &starts[k + 1..],
                        &"t.log".into(),
                        &options,
                        &mut Vec::new(),
                        |_| crossed += 1,
                    );
                    let stop = match end {
                        PartEnd::Stop(n) => starts[k + 1 + n],
                        PartEnd::End => text.len() as u64,
                    };
                    assert_eq!(start + out.bytes, stop, "chunk {chunk_size}, part {k}");
                    assert!(out
                        .findings
                        .iter()
                        .all(|f| (start..stop).contains(&f.byte_offset)));
                    found += out.findings.len();
                    k = match end {
                        PartEnd::Stop(n) => k + 1 + n,
                        PartEnd::End => starts.len(),
                    };
                }
                assert!(found > 1000, "chunk {chunk_size}: {found} findings");
                if every == 1 {
                    assert!(
                        crossed > 0,
                        "chunk {chunk_size}: no search went past a stop"
                    );
                }
            }
        }
    }

    #[test]
    fn a_search_that_goes_on_past_a_stop_still_stops_at_the_next() {
        // After going on past the first stop, more than a (small) chunk is left in the buffer,
        // and the next stop lies inside it: the search must end there, not at the chunk's cut.
        let set = rule_set();
        let mut text = b"login password:\n  Summer2024x ok\n".to_vec();
        let first = 16;
        let mut second = 0;
        for i in 0..200 {
            if text.len() >= 400 && second == 0 {
                second = text.len() as u64;
            }
            text.extend_from_slice(format!("line {i} of filler text\n").as_bytes());
        }
        let options = ScanOptions {
            chunk_size: 256,
            ..ScanOptions::counts_only()
        };
        let mut crossed = Vec::new();
        let (out, end) = search_part(
            &mut Scanner::new(&set),
            &mut &text[..],
            0,
            Shape::Plain,
            &[first, second],
            &"t.log".into(),
            &options,
            &mut Vec::new(),
            |n| crossed.push(n),
        );
        assert_eq!(crossed, [0]);
        assert_eq!(end, PartEnd::Stop(1));
        assert_eq!(out.bytes, second);
    }

    #[test]
    fn chunked_scanning_finds_exactly_what_whole_buffer_scanning_finds() {
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        let text = mixed_text();
        let whole = ScanOptions::default();
        assert!(text.len() < whole.chunk_size);
        let found =
            assert_chunks_change_nothing(&mut scanner, &text, whole, &[2048, 3001, 8192, 65536]);
        assert!(found > 3000, "{found}");
    }

    /// Check that `text` searched in chunks of each size gives the findings of one whole
    /// pass, and return how many there are.
    fn assert_chunks_change_nothing(
        scanner: &mut Scanner<'_>,
        text: &[u8],
        whole: ScanOptions,
        chunk_sizes: &[usize],
    ) -> usize {
        let expected: Vec<_> = search_bytes(scanner, text, "t", &whole)
            .iter()
            .map(key)
            .collect();
        for &chunk_size in chunk_sizes {
            let options = ScanOptions {
                chunk_size,
                ..whole
            };
            let got: Vec<_> = search_bytes(scanner, text, "t", &options)
                .iter()
                .map(key)
                .collect();
            assert_eq!(got.len(), expected.len(), "chunk size {chunk_size}");
            assert!(got == expected, "chunk size {chunk_size}: findings differ");
        }
        expected.len()
    }

    #[test]
    fn a_keyed_value_running_into_the_cut_of_a_long_line_keeps_its_fingerprint() {
        // One JSON line of records whose user agent is found under its key: the next chunk
        // must start far enough before a value left to it for the fingerprint's context.
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        let mut record = b"{\"ua\":\"Moz".to_vec();
        record.extend([0xff; 239]);
        record.extend_from_slice(b"illa\\/5.0 (Linux; Android 14; Pixel 8it\\/537.36\"}");
        let text = record.repeat(68);
        let whole = ScanOptions {
            min_confidence: crate::finding::Confidence::Low,
            ..ScanOptions::default()
        };
        let found = assert_chunks_change_nothing(&mut scanner, &text, whole, &[3132, 4096, 5000]);
        assert_eq!(found, 68);
    }

    #[test]
    fn a_first_line_longer_than_a_chunk_is_sniffed_as_in_one_pass() {
        // An access log whose first line (a long request) is longer than a small chunk: its
        // shape, and so the user agents found in their field, must not depend on the chunk.
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        let line = |path: &str| {
            format!(
                "203.0.113.9 - - [10/Oct/2023:13:55:36 +0000] \"GET /{path} HTTP/1.1\" 200 512 \
                 \"-\" \"ExampleBot/2.1 (+https://bot.example.com/about)\"\n"
            )
        };
        let mut text = line(&"a".repeat(3000));
        for _ in 0..40 {
            text.push_str(&line("index.html"));
        }
        let whole = ScanOptions::default();
        let user_agent = set.find_rule("user-agent").unwrap();
        let in_one_pass = search_bytes(&mut scanner, text.as_bytes(), "t", &whole);
        assert_eq!(
            in_one_pass.iter().filter(|f| f.rule == user_agent).count(),
            41
        );
        assert_chunks_change_nothing(&mut scanner, text.as_bytes(), whole, &[2048, 3001]);
    }

    #[test]
    fn a_one_line_input_of_exactly_the_sniffed_length_is_sniffed_as_in_one_pass() {
        // No newline at all, and exactly as long as sniffing looks: one whole pass knows the
        // input ends there and reads its one line as an access log (its user agent is found in
        // its field); a first chunk of that length must know it too.
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        let mut text = b"203.0.113.9 - - [10/Oct/2023:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \
                         \"-\" \"ExampleBot/2.1\" "
            .to_vec();
        text.resize(structured::MAX_HEADER, b'x');
        let whole = ScanOptions::default();
        let user_agent = set.find_rule("user-agent").unwrap();
        // With a byte order mark too, which sniffing looks past.
        let with_bom = [structured::BOM, &text[..]].concat();
        for text in [&text[..], &with_bom[..]] {
            let in_one_pass = search_bytes(&mut scanner, text, "t", &whole);
            assert!(in_one_pass.iter().any(|f| f.rule == user_agent));
            assert_chunks_change_nothing(&mut scanner, text, whole, &[2048, 4096, 8192]);
        }
    }

    #[test]
    fn a_value_straddling_a_chunk_boundary_is_found_once() {
        let set = rule_set();
        let mut scanner = Scanner::new(&set);
        let chunk_size = 4096;
        // No newline near the boundary: the cut falls inside the padding, before the value.
        let mut text = vec![b'x'; chunk_size - 10];
        text.extend_from_slice(b" mail jane.roe@fabrikam-mail.com ok");
        let options = ScanOptions {
            chunk_size,
            ..ScanOptions::default()
        };
        let found = search_bytes(&mut scanner, &text, "t", &options);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].byte_offset as usize, chunk_size - 10 + 6);
        assert_eq!(found[0].column as usize, chunk_size - 10 + 7);
    }

    #[test]
    fn a_match_crossing_a_line_cut_and_reaching_the_chunk_end_is_found() {
        // A pattern that may cross a newline (`\s+`): a match starting on the line before a
        // cut and ending exactly where the chunk ends is left to the next chunk, which must
        // start early enough to see it whole.
        let set = user_rules(
            r#"
[[rule]]
id = "member-number"
name = "Member number"
description = "A member number."
confidence = "high"
categories = ["identifiers"]
pattern = 'MEMBER:\s+[0-9]{4,8}'
examples = ["MEMBER: 12345678"]
counterexamples = ["MEMBER: 12"]
"#,
        );
        let mut scanner = Scanner::new(&set);
        let chunk_size = 2048;
        for tail in 4..8 {
            // The newline lands `tail` bytes before the end of the first chunk: a match runs
            // from before it to the chunk's last byte, and goes on in the next chunk.
            let mut text = vec![b'x'; chunk_size - tail - 9];
            text.extend_from_slice(b" MEMBER:\n12345678 and more\n");
            let start = chunk_size - tail - 8;
            let whole = search_bytes(&mut scanner, &text, "t", &ScanOptions::default());
            assert_eq!(whole.len(), 1, "tail {tail}: whole");
            let options = ScanOptions {
                chunk_size,
                ..ScanOptions::default()
            };
            let found = search_bytes(&mut scanner, &text, "t", &options);
            let offsets: Vec<u64> = found.iter().map(|f| f.byte_offset).collect();
            assert_eq!(offsets, [start as u64], "tail {tail}");
            assert_eq!(found[0].line, 1, "tail {tail}");
            assert_eq!(key(&found[0]), key(&whole[0]), "tail {tail}");
        }
    }

    #[test]
    fn columns_count_chars_and_utf16() {
        assert_eq!(columns("abc".as_bytes()), (3, 3));
        assert_eq!(columns("é😀".as_bytes()), (2, 3));
    }

    /// The findings of `text` scanned whole as `path`, with the default options.
    fn scan_text(set: &RuleSet, text: &str, path: &str) -> Vec<Finding> {
        search_bytes(
            &mut Scanner::new(set),
            text.as_bytes(),
            path,
            &ScanOptions::default(),
        )
    }

    #[test]
    fn a_finding_shown_after_others_passed_over_keeps_its_fingerprint() {
        use crate::report::{Passed, Uses};
        let set = RuleSet::built_in();
        // The same masked line three times: two low-confidence addresses (private), then a
        // high one. Keeping the best one of each level, a reporter is sent the first and the
        // third; the third is the masked line's third occurrence whether or not the second
        // was built.
        let text = "host 10.1.2.3\nhost 10.1.2.4\nhost 81.2.69.142\n";
        let options = ScanOptions {
            min_confidence: finding::Confidence::Low,
            ..ScanOptions::default()
        };
        let all = search_bytes(&mut Scanner::new(&set), text.as_bytes(), "a.log", &options);
        assert_eq!(all.len(), 3);
        let mut scanner = Scanner::new(&set);
        scanner.passed = Some(Passed::new(
            Uses::Best {
                n: 1,
                floor: Default::default(),
            },
            &set,
        ));
        let sent = search_bytes(&mut scanner, text.as_bytes(), "a.log", &options);
        let lines_and_fingerprints = |found: &[&Finding]| {
            found
                .iter()
                .map(|f| (f.line, f.fingerprint))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lines_and_fingerprints(&sent.iter().collect::<Vec<_>>()),
            lines_and_fingerprints(&[&all[0], &all[2]])
        );
    }

    fn rules_of(set: &RuleSet, found: &[Finding]) -> Vec<String> {
        found
            .iter()
            .map(|f| set.rules[f.rule].rule.id.clone())
            .collect()
    }

    #[test]
    fn a_long_row_across_a_cut_keeps_its_columns() {
        // Rows of 20 KB where a chunk ends: the cut goes back to the start of the row (the
        // overlap reaches it), so the next chunk reads the row whole, with its columns.
        let set = rule_set();
        let mut csv = String::from("id,note,city,mobile\n");
        let mut i = 0;
        while csv.len() < 250_000 {
            csv.push_str(&format!("{i},short,Lisbon,+44 20 7946 0{:03}\n", i % 1000));
            i += 1;
        }
        for j in 0..6 {
            let note = format!(
                "\"{}, Springfield, {}\"",
                "x".repeat(5000),
                "y".repeat(15000)
            );
            csv.push_str(&format!("{j},{note},Porto,212-736-3100\n"));
        }
        let options = |chunk_size| ScanOptions {
            chunk_size,
            ..ScanOptions::default()
        };
        let chunked = search_bytes(
            &mut Scanner::new(&set),
            csv.as_bytes(),
            "x.csv",
            &options(256 << 10),
        );
        let whole = search_bytes(
            &mut Scanner::new(&set),
            csv.as_bytes(),
            "x.csv",
            &options(1 << 20),
        );
        let shown = |found: &[Finding]| -> Vec<_> {
            found
                .iter()
                .map(|f| {
                    (
                        f.byte_offset,
                        f.rule,
                        f.confidence,
                        f.context.column.clone(),
                    )
                })
                .collect()
        };
        let (chunked_shown, whole_shown) = (shown(&chunked), shown(&whole));
        let first_difference = chunked_shown
            .iter()
            .zip(&whole_shown)
            .position(|(a, b)| a != b);
        assert_eq!(chunked_shown.len(), whole_shown.len());
        assert_eq!(first_difference, None);
        let tail: Vec<_> = chunked
            .iter()
            .filter(|f| f.byte_offset > 250_000)
            .map(|f| f.context.column.as_deref())
            .collect();
        assert_eq!(tail, [Some("city"), Some("mobile")].repeat(6));
    }

    #[test]
    fn a_value_after_one_that_runs_over_a_line_break_has_its_own_line() {
        let set = rule_set();
        let text = "location gps 52.520008,\n13.404954 mail jane.roe@fabrikam-mail.com\n";
        let options = ScanOptions {
            min_confidence: crate::finding::Confidence::Low,
            ..ScanOptions::default()
        };
        let found = search_bytes(&mut Scanner::new(&set), text.as_bytes(), "x", &options);
        assert_eq!(rules_of(&set, &found), ["geo-coordinates", "email"]);
        assert_eq!((found[0].line, found[0].column), (1, 14));
        assert_eq!((found[1].line, found[1].column), (2, 16));
        // Its fingerprint is that of its own line, as if the line before held nothing.
        let alone = "location\n13.404954 mail jane.roe@fabrikam-mail.com\n";
        let found_alone = search_bytes(&mut Scanner::new(&set), alone.as_bytes(), "x", &options);
        assert_eq!(
            found[1].fingerprint,
            found_alone.last().unwrap().fingerprint
        );
    }

    #[test]
    fn keyed_values_merge_with_pattern_findings_in_offset_order() {
        let set = rule_set();
        // `username` holds an address: the email pattern's finding wins over the column.
        let csv = "id,first_name,username,city\n7,Zoë,zoe.li@kontakt.de,Köln\n";
        let found = scan_text(&set, csv, "x.csv");
        assert_eq!(rules_of(&set, &found), ["person-name", "email", "city"]);
        let offsets: Vec<u64> = found.iter().map(|f| f.byte_offset).collect();
        assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
        assert_eq!(found[0].column, 3);
        assert_eq!(found[1].context.column.as_deref(), Some("username"));
        assert_eq!(found[2].context.column.as_deref(), Some("city"));
        assert_eq!(found[0].line, 2);
    }

    #[test]
    fn a_value_its_column_found_is_not_raised_by_the_other_cells_of_its_row() {
        let set = user_rules(
            r#"
[[rule]]
id = "nickname"
name = "Nickname"
description = "A nickname."
confidence = "medium"
categories = ["identifiers"]
keys = ["nickname"]
detect_by_key = true
context = ["alias"]
examples = ["nickname\nzed77\n"]
counterexamples = ["nickname\nnull\n"]
"#,
        );
        let confidences = |text: &str, path: &str| -> Vec<crate::finding::Confidence> {
            scan_text(&set, text, path)
                .iter()
                .map(|f| f.confidence)
                .collect()
        };
        // `alias` is the next cell's value, not a word about this one.
        assert_eq!(
            confidences("nickname,note\nzed77,alias\n", "x.csv"),
            [crate::finding::Confidence::Medium]
        );
        // Under a JSON key, the record's other keys do describe it.
        assert_eq!(
            confidences("{\"alias\":{\"nickname\":\"zed77\"}}\n", "x.json"),
            [crate::finding::Confidence::High]
        );
    }

    #[test]
    fn a_column_named_like_a_value_is_printed_as_a_star_on_every_row() {
        let set = rule_set();
        // The second column's name has seven digits: it could be a value, and is not printed.
        let csv = "email,ref 1234567,city\n\
                   ana.souza@mailbox.org,bo.chen@mailbox.org,Lisbon\n\
                   carla.reis@mailbox.org,dan.ito@mailbox.org,Berlin\n";
        let found = scan_text(&set, csv, "x.csv");
        let columns: Vec<(u64, Option<&str>)> = found
            .iter()
            .map(|f| (f.line, f.context.column.as_deref()))
            .collect();
        assert_eq!(
            columns,
            [
                (2, Some("email")),
                (2, Some("*")),
                (2, Some("city")),
                (3, Some("email")),
                (3, Some("*")),
                (3, Some("city")),
            ]
        );
        // One name per column, shared by its findings.
        let (a, b) = (&found[0].context.column, &found[3].context.column);
        assert!(a
            .as_ref()
            .zip(b.as_ref())
            .is_some_and(|(a, b)| Arc::ptr_eq(a, b)));
    }

    #[test]
    fn a_column_s_name_speaks_for_every_row_as_it_does_when_explained() {
        use crate::finding::Confidence::{High, Low, Medium};
        let set = rule_set();
        // A header with a column a rule knows (`city`); `remote` and `peer` are context words
        // of the address rule, `build` a negative one.
        let csv = "city,note,remote_peer,build\n\
                   Lisbon,81.2.69.160,81.2.69.161,81.2.69.162\n\
                   Porto,81.2.69.170,81.2.69.171,81.2.69.172\n";
        let confidences = |explain| {
            let options = ScanOptions {
                explain,
                min_confidence: Low,
                ..ScanOptions::default()
            };
            search_bytes(&mut Scanner::new(&set), csv.as_bytes(), "x.csv", &options)
                .iter()
                .filter(|f| set.rules[f.rule].rule.id == "ipv4")
                .map(|f| (f.line, f.confidence))
                .collect::<Vec<_>>()
        };
        let expected = [
            (2, Medium),
            (2, High),
            (2, Low),
            (3, Medium),
            (3, High),
            (3, Low),
        ];
        assert_eq!(confidences(false), expected);
        assert_eq!(confidences(true), expected);
    }

    #[test]
    fn json_findings_carry_their_pointer() {
        let set = rule_set();
        let json = r#"{"ts":"2024-01-01T00:00:00Z","user":{"first_name":"Ana","email":"ana.souza@mail.com.br"},"tags":["x"]}
{"msg":"no keys here"}
"#;
        let found = scan_text(&set, json, "a.jsonl");
        assert_eq!(rules_of(&set, &found), ["person-name", "email"]);
        assert_eq!(
            found[0].context.json_pointer.as_deref(),
            Some("/user/first_name")
        );
        assert_eq!(
            found[1].context.json_pointer.as_deref(),
            Some("/user/email")
        );
        assert_eq!(found[1].context.key.as_deref(), Some("email"));
    }

    #[test]
    fn plain_text_has_no_structured_findings() {
        let set = rule_set();
        let text = "first_name,city\nthe first_name column holds Ana\n{\"city\":\"Köln\"}\n";
        // The first line names known columns, so this is CSV; its rows hold no field of those
        // columns' kind that passes the validators.
        let found = scan_text(&set, text, "t.txt");
        assert!(found.is_empty(), "{:?}", rules_of(&set, &found));
        let text = "note: {\"first_name\":\"Ana\"}\n";
        let found = scan_text(&set, text, "t.txt");
        assert!(found.is_empty(), "{:?}", rules_of(&set, &found));
    }

    #[test]
    fn escaped_values_are_validated_decoded_and_located_as_written() {
        let set = rule_set();
        let text =
            "GET /v?email=jane.roe%40fabrikam-mail.com&t=1 {\"to\":\"m.rossi\\u0040libero.it\"}\n";
        let found = scan_text(&set, text, "t.log");
        assert_eq!(rules_of(&set, &found), ["email", "email"]);
        let at = |f: &Finding| &text[f.byte_offset as usize..(f.byte_offset + f.length) as usize];
        assert_eq!(at(&found[0]), "jane.roe%40fabrikam-mail.com");
        assert_eq!(at(&found[1]), r"m.rossi\u0040libero.it");
        assert_eq!(found[0].redacted, "j*******%40f************.com");
    }
}
