//! Reading inputs into bytes for the scanner, in bounded memory.
//!
//! Every input is scanned as a sequence of chunks (at most `CHUNK_SIZE` bytes, with an overlap
//! carried over so nothing is lost at a boundary), so memory stays bounded whatever the size.
//!
//! Files up to `CHUNK_SIZE` are read whole with one `read`. A larger file is memory-mapped only
//! when it looks settled: its modification time is more than `SETTLED_AFTER` in the past. A
//! mapped file that another process truncates makes the next access to a vanished page raise
//! SIGBUS and kill the scan, and the files that get truncated are the ones being written to
//! right now (a live log, `logrotate copytruncate`). Those, and anything not a regular file,
//! are read with plain `read` calls into a reused buffer instead, which at worst sees a short
//! read. Pages of the mapping already scanned are released as the scan moves on, so a mapped
//! 2 GB file does not hold 2 GB resident.
//!
//! Compressed files and archives (told by their first bytes, see `decompress::detect`) are
//! never mapped: they are read as streams and decompressed and unpacked by `archive`.

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, SystemTime};

use memmap2::{Mmap, UncheckedAdvice};

/// The most bytes scanned at once.
pub const CHUNK_SIZE: usize = 8 << 20;

/// Bytes carried from one chunk into the next (at least one maximal match and its context).
/// Smaller chunks (tests) carry half their size.
pub const OVERLAP: usize = 4096;

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
pub fn open_file(path: &Path, meta: &Metadata, allow_mmap: bool) -> io::Result<Opened<'static>> {
    let mut file = File::open(path)?;
    let large = meta.len() > CHUNK_SIZE as u64;
    let settled = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > SETTLED_AFTER);
    if allow_mmap && large && settled && meta.is_file() && is_plain(&mut file)? {
        // SAFETY: the mapping is read-only and the file is settled (see the module docs); a
        // concurrent truncation of a settled file is the one case this cannot rule out.
        if let Ok(map) = unsafe { Mmap::map(&file) } {
            let _ = map.advise(memmap2::Advice::Sequential);
            return Ok(Opened::Mapped(map));
        }
    }
    Ok(Opened::Seekable(Box::new(file)))
}

/// Whether a file is neither compressed nor an archive (by its first bytes); leaves it at its
/// start.
fn is_plain(file: &mut File) -> io::Result<bool> {
    let mut head = Vec::with_capacity(crate::decompress::PEEK);
    file.by_ref()
        .take(crate::decompress::PEEK as u64)
        .read_to_end(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(crate::decompress::detect(&head) == crate::decompress::Kind::Plain)
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
/// input ended. `read_to_end` on a `Take` grows the buffer as data arrives and reuses its
/// capacity, so a small file never costs a chunk-sized allocation or zeroing.
pub fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    if buf.len() >= want {
        return Ok(false);
    }
    let missing = (want - buf.len()) as u64;
    reader.take(missing).read_to_end(buf)?;
    Ok(buf.len() < want)
}

/// Where to end the part of a chunk reported now: after the last newline in the overlap, so
/// that lines are whole, else `overlap` bytes before the end.
pub fn chunk_cut(hay: &[u8], eof: bool, overlap: usize) -> usize {
    if eof {
        return hay.len();
    }
    let tail_start = hay.len().saturating_sub(overlap);
    match memchr::memrchr(b'\n', &hay[tail_start..]) {
        Some(p) if tail_start + p + 1 < hay.len() || tail_start == 0 => tail_start + p + 1,
        _ => tail_start,
    }
}

/// The overlap used with chunks of `chunk_size` bytes.
pub fn overlap_for(chunk_size: usize) -> usize {
    OVERLAP.min(chunk_size / 2)
}

/// Does this look like a binary file (a NUL byte near the start)?
pub fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(8192)]).is_some()
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
    fn cut_prefers_a_newline_in_the_overlap() {
        let mut hay = vec![b'a'; OVERLAP * 2];
        hay[OVERLAP * 2 - 10] = b'\n';
        assert_eq!(chunk_cut(&hay, false, OVERLAP), OVERLAP * 2 - 9);
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
            let meta = std::fs::metadata(&path).unwrap();
            let opened = open_file(&path, &meta, true).unwrap();
            assert_eq!(matches!(opened, Opened::Mapped(_)), mapped, "{name}");
            if let Opened::Seekable(mut file) = opened {
                let mut head = [0; 3];
                file.read_exact(&mut head).unwrap();
                assert_eq!(head, [0x1f, 0x8b, 0x08], "read from the start again");
            }
        }
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary("héllo".as_bytes()));
    }
}
