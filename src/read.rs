//! Reading inputs into bytes for the scanner, in bounded memory.
//!
//! Every input is scanned as a sequence of chunks (at most `CHUNK_SIZE` bytes, with an overlap
//! carried over so nothing is lost at a boundary), so memory stays bounded whatever the size.
//!
//! Files are read with plain `read` calls into a reused buffer (files up to `CHUNK_SIZE` whole)
//! through the standard library's own readers, which read into the buffer's spare room as it is,
//! unzeroed (see `decompress::Peeked::into_reader`); a file truncated meanwhile at worst gives a
//! short read. With `--mmap`, a larger file is memory-mapped when it looks settled: its
//! modification time is more than `SETTLED_AFTER` in the past. A mapped file that another process
//! truncates makes the next access to a vanished page raise SIGBUS and kill the scan, and the files
//! that get truncated are the ones being written to right now (a live log, `logrotate
//! copytruncate`); but a quiet log can be rotated too, which is why mapping is not the default.
//! Pages of the mapping already scanned are released as the scan moves on, so a mapped 2 GB file
//! does not hold 2 GB resident.
//!
//! Compressed files and archives (told by their first bytes, see `decompress::detect`) are
//! never mapped: they are read as streams and decompressed and unpacked by `archive`.

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, SystemTime};

use memmap2::{Mmap, UncheckedAdvice};

/// The most bytes scanned at once (per thread). 4 MiB scans as fast as 8 MiB and keeps peak
/// memory lower.
pub const CHUNK_SIZE: usize = 4 << 20;

/// How far back from a chunk's end its cut may move to a line start, and so the bytes carried
/// into the next chunk: at least one maximal match and its context. Lines shorter than this
/// are never cut, so the next chunk reads a long CSV row or JSON record whole, with its
/// columns and keys (a few kilobytes was too little for real exports). Smaller chunks (tests)
/// carry half their size.
pub const OVERLAP: usize = 64 << 10;

/// A file modified longer ago than this is taken not to be written to any more.
pub const SETTLED_AFTER: Duration = Duration::from_secs(300);

/// An opened input.
pub enum Opened<'a> {
    /// A settled large regular file, mapped read-only.
    Mapped(Mmap),
    /// Anything read with `read` calls that cannot seek (stdin, memory).
    Stream(Box<dyn Read + Send + 'a>),
    /// A file read with `read` calls (small files, live files, compressed files, archives).
    Seekable(Box<dyn Seekable + 'a>),
}

/// A source that can also seek (a zip archive's directory is at its end).
pub trait Seekable: Read + Seek + Send {}

impl<T: Read + Seek + Send> Seekable for T {}

/// Open a file from the walk, choosing between mapping and reading as explained above.
/// Without `--mmap` (the default) a file is only opened: its metadata would cost one more
/// system call per file, and on a source tree of small files each one counts.
pub fn open_file(path: &Path, allow_mmap: bool) -> io::Result<Opened<'static>> {
    let mut file = File::open(path)?;
    if allow_mmap && worth_mapping(&file.metadata()?) && is_plain(&mut file)? {
        // SAFETY: the mapping is read-only and the file is settled (see the module docs); a
        // concurrent truncation of a settled file is the one case this cannot rule out.
        if let Ok(map) = unsafe { Mmap::map(&file) } {
            let _ = map.advise(memmap2::Advice::Sequential);
            return Ok(Opened::Mapped(map));
        }
    }
    Ok(Opened::Seekable(Box::new(file)))
}

/// Whether a file is a large regular file that looks settled (see the module docs).
fn worth_mapping(meta: &Metadata) -> bool {
    let settled = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > SETTLED_AFTER);
    meta.is_file() && meta.len() > CHUNK_SIZE as u64 && settled
}

/// Whether a file is neither compressed nor an archive (by its first bytes); leaves it at its
/// start.
fn is_plain(file: &mut File) -> io::Result<bool> {
    let mut head = Vec::with_capacity(crate::decompress::PEEK);
    file.by_ref()
        .take(crate::decompress::PEEK as u64)
        .read_to_end(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(
        crate::decompress::detect(&head) == crate::decompress::Kind::Plain
            && utf16_bom(&head).is_none(),
    )
}

/// Tell the kernel the scanned part of a mapping is no longer needed, to keep RSS bounded.
pub fn release_mapped(map: &Mmap, upto: usize) {
    let page = 4096;
    let len = upto / page * page;
    if len > 0 {
        // SAFETY: the mapping is a read-only, file-backed shared mapping: dropping its pages only
        // makes the kernel read them again from the file if they are touched later.
        unsafe {
            let _ = map.unchecked_advise_range(UncheckedAdvice::DontNeed, 0, len);
        }
    }
}

/// Fill `buf` from `reader` until it holds `want` bytes or the input ends. Returns whether the
/// input ended. The buffer's capacity is reused from input to input, and only what the reads
/// fill is touched: the pages of a chunk-sized allocation that a small file does not fill are
/// never written.
pub fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    if buf.len() >= want {
        return Ok(false);
    }
    let missing = want - buf.len();
    // Room for exactly the chunk: `read_to_end` would otherwise double the buffer when it
    // fills, and every scanning thread would keep twice the chunk size for the rest of the run.
    buf.reserve_exact(missing);
    reader.take(missing as u64).read_to_end(buf)?;
    Ok(buf.len() < want)
}

/// Where to end the part of a chunk reported now: after the last newline in the overlap, so
/// that lines are whole, else `overlap` bytes before the end. The newline is looked for at
/// least `MAX_MATCH_LEN` bytes before the end (when the overlap allows), so that every match
/// starting before the cut is whole in the chunk: a match cut short by the chunk's end could
/// not be found at all, and the next chunk resumes at the cut.
pub fn chunk_cut(hay: &[u8], eof: bool, overlap: usize) -> usize {
    if eof {
        return hay.len();
    }
    let tail_start = hay.len().saturating_sub(overlap);
    let tail_end = hay
        .len()
        .saturating_sub(crate::scan::MAX_MATCH_LEN)
        .max(tail_start);
    match memchr::memrchr(b'\n', &hay[tail_start..tail_end]) {
        Some(p) => tail_start + p + 1,
        None if tail_start == 0 => memchr::memrchr(b'\n', hay).map_or(0, |p| p + 1),
        None => tail_start,
    }
}

/// The overlap used with chunks of `chunk_size` bytes.
pub fn overlap_for(chunk_size: usize) -> usize {
    OVERLAP.min(chunk_size / 2)
}

/// Most bytes of a line kept before a cut that falls inside the line: the next chunk starts
/// with them as context only (word boundaries, the judge's window, the 512 bytes before a value
/// that its fingerprint covers, for a keyed value of up to 256 bytes that starts before the cut
/// and is reported with the next chunk), so a long line cut in two is judged as if it were
/// whole. Chunks of 2 KiB or more keep all of it.
pub const LOOKBEHIND: usize = 768;

/// How many bytes before `cut` the next chunk keeps as context (see [`LOOKBEHIND`]): none when
/// the cut is at a line start, else the part of the cut line before it, at most `LOOKBEHIND`
/// and the overlap less 256 bytes (so every chunk moves on by 256 bytes or more).
pub fn keep_before(hay: &[u8], cut: usize, overlap: usize) -> usize {
    if cut == 0 || hay[cut - 1] == b'\n' {
        return 0;
    }
    let lo = cut - cut.min(LOOKBEHIND).min(overlap.saturating_sub(256));
    match memchr::memrchr(b'\n', &hay[lo..cut]) {
        Some(p) => cut - (lo + p + 1),
        None => cut - lo,
    }
}

/// Does this look like a binary file (a NUL byte near the start)?
pub fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(8192)]).is_some()
}

/// Whether `head` starts with a UTF-16 byte order mark: `Some(true)` for big-endian (FE FF),
/// `Some(false)` for little-endian (FF FE). (A UTF-32LE mark, FF FE 00 00, is not UTF-16.)
pub fn utf16_bom(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, 0, 0, ..] => None,
        [0xFE, 0xFF, ..] => Some(true),
        [0xFF, 0xFE, ..] => Some(false),
        _ => None,
    }
}

/// UTF-16 text transcoded to UTF-8 as a stream, in bounded memory: `head` (bytes already read,
/// after the byte order mark) first, then the rest of `inner`. Unpaired surrogates and an odd
/// final byte become U+FFFD. Offsets in what it yields are offsets in the UTF-8 text.
pub struct Utf16Decoder<R> {
    inner: R,
    big_endian: bool,
    /// Undecoded input (at most one block plus a held-back unit).
    pending: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Utf16Decoder<R> {
    const BLOCK: usize = 64 << 10;

    pub fn new(head: Vec<u8>, inner: R, big_endian: bool) -> Utf16Decoder<R> {
        Utf16Decoder {
            inner,
            big_endian,
            pending: head,
            out: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    /// Decode what is pending, holding back a final odd byte or high surrogate until more
    /// input (or the end) says what it belongs to.
    fn decode(&mut self) {
        let unit = |p: &[u8]| {
            let b = [p[0], p[1]];
            if self.big_endian {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let mut n = self.pending.len() / 2 * 2;
        if !self.eof && n >= 2 && (0xD800..0xDC00).contains(&unit(&self.pending[n - 2..n])) {
            n -= 2;
        }
        let units = self.pending[..n].chunks_exact(2).map(unit);
        self.out.clear();
        self.pos = 0;
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut tmp = [0u8; 4];
            self.out
                .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        self.pending.drain(..n);
        if self.eof && !self.pending.is_empty() {
            self.pending.clear();
            self.out.extend_from_slice(
                char::REPLACEMENT_CHARACTER
                    .encode_utf8(&mut [0; 4])
                    .as_bytes(),
            );
        }
    }
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.eof && self.pending.is_empty() {
                return Ok(0);
            }
            if !self.eof && self.pending.len() < Self::BLOCK {
                let have = self.pending.len();
                self.pending.resize(have + Self::BLOCK, 0);
                let got = match self.inner.read(&mut self.pending[have..]) {
                    Ok(n) => n,
                    Err(e) => {
                        self.pending.truncate(have);
                        return Err(e);
                    }
                };
                self.pending.truncate(have + got);
                self.eof = got == 0;
            }
            self.decode();
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_reads_until_want_or_eof() {
        let mut r: &[u8] = b"hello world";
        let mut buf = Vec::new();
        assert!(!fill(&mut r, &mut buf, 5).unwrap());
        assert_eq!(buf, b"hello");
        assert!(fill(&mut r, &mut buf, 100).unwrap());
        assert_eq!(buf, b"hello world");
    }

    #[test]
    fn cut_prefers_a_newline_in_the_overlap_a_longest_match_before_the_end() {
        let max = crate::scan::MAX_MATCH_LEN;
        let mut hay = vec![b'a'; OVERLAP * 2];
        hay[OVERLAP * 2 - max - 10] = b'\n';
        assert_eq!(chunk_cut(&hay, false, OVERLAP), OVERLAP * 2 - max - 9);
        // A newline nearer the end than a longest match is passed over.
        hay[OVERLAP * 2 - 10] = b'\n';
        assert_eq!(chunk_cut(&hay, false, OVERLAP), OVERLAP * 2 - max - 9);
        let hay = vec![b'a'; OVERLAP * 2];
        assert_eq!(chunk_cut(&hay, false, OVERLAP), OVERLAP);
        assert_eq!(chunk_cut(&hay, true, OVERLAP), OVERLAP * 2);
    }

    #[test]
    fn large_settled_files_are_mapped_unless_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - SETTLED_AFTER * 2;
        let mut gzip_like = vec![0x1f, 0x8b, 0x08];
        gzip_like.resize(CHUNK_SIZE + 1, b'a');
        let plain = vec![b'a'; CHUNK_SIZE + 1];
        for (name, data, mapped) in [("a.log", &plain, true), ("a.dat", &gzip_like, false)] {
            let path = dir.path().join(name);
            std::fs::write(&path, data).unwrap();
            File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(old)
                .unwrap();
            let opened = open_file(&path, true).unwrap();
            assert_eq!(matches!(opened, Opened::Mapped(_)), mapped, "{name}");
            if let Opened::Seekable(mut file) = opened {
                let mut head = [0; 3];
                file.read_exact(&mut head).unwrap();
                assert_eq!(head, [0x1f, 0x8b, 0x08], "read from the start again");
            }
        }
    }

    #[test]
    fn utf16_is_transcoded_in_any_block_split() {
        let text = "mail zoë@kontakt.de 😀 end\n".repeat(5000);
        for big_endian in [false, true] {
            let mut bytes = Vec::new();
            for u in text.encode_utf16() {
                bytes.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            let bom: &[u8] = if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            };
            let mut file = bom.to_vec();
            file.extend(&bytes);
            assert_eq!(utf16_bom(&file), Some(big_endian));
            // Heads of every parity, so a surrogate pair and a unit are split everywhere.
            for split in [0, 1, 2, 3, 7, 20] {
                let mut d = Utf16Decoder::new(bytes[..split].to_vec(), &bytes[split..], big_endian);
                let mut out = String::new();
                d.read_to_string(&mut out).unwrap();
                assert!(out == text, "split {split}");
            }
        }
        let mut d = Utf16Decoder::new(vec![b'a', 0, 0x00, 0xD8, b'b'], &b""[..], false);
        let mut out = String::new();
        d.read_to_string(&mut out).unwrap();
        assert_eq!(out, "a\u{FFFD}\u{FFFD}");
        assert_eq!(utf16_bom(&[0xFF, 0xFE, 0, 0]), None);
        assert_eq!(utf16_bom(b"plain"), None);
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary("héllo".as_bytes()));
    }
}
