//! Compressed inputs: what an input is (by its first bytes, not its name), streaming decoders,
//! and the guards that stop a decompression bomb.
//!
//! A decoder is a `Read` that the chunked search reads like any other stream, so memory stays
//! one chunk whatever the size, and offsets are in the decompressed text. Each decoder is wrapped
//! in a [`Guarded`] reader that
//!
//! - names what went wrong: a decoder's early end of input becomes "gzip stream truncated", any
//!   other decoder error "gzip stream corrupt: ...", so the search can report the input as
//!   incomplete with a reason and keep the findings before the damage;
//! - stops after `--max-decompressed` bytes, counted over everything decompressed from one input
//!   (all layers and archive members together), and
//! - stops a stream that expands more than `max_ratio` times its compressed size once it has
//!   produced `ratio_after` bytes (an explicit `--max-decompressed` lifts this check).
//!
//! Errors are sticky: once a guarded stream has failed, every later read fails the same way, so
//! an archive reader cannot mistake a failed member for a clean end of the archive.

use std::error::Error;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes looked at to tell what an input is (a tar header is 512 bytes).
pub const PEEK: usize = 512;

/// What an input's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    Zip,
    Tar,
    /// Anything else: scanned as text (or skipped as binary).
    Plain,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gzip => "gzip",
            Kind::Zstd => "zstd",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::Plain => "plain",
        }
    }

    /// A compressed stream (one input, decompressed in place).
    pub fn is_compressed(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Zstd | Kind::Bzip2 | Kind::Xz)
    }

    /// An archive (members scanned as inputs of their own).
    pub fn is_archive(self) -> bool {
        matches!(self, Kind::Zip | Kind::Tar)
    }
}

/// Tell what `head` (the first [`PEEK`] bytes of an input, or all of a shorter one) is.
pub fn detect(head: &[u8]) -> Kind {
    const BZ_BLOCK: [u8; 6] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    const BZ_END: [u8; 6] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
    if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        Kind::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        // A skippable frame (0x184D2A5?) may come first.
        || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
    {
        Kind::Zstd
    } else if head.len() >= 10
        && head.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (head[4..10] == BZ_BLOCK || head[4..10] == BZ_END)
    {
        Kind::Bzip2
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Kind::Xz
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Kind::Zip
    } else if is_tar_header(head) {
        Kind::Tar
    } else {
        Kind::Plain
    }
}

/// A POSIX or GNU tar header: `ustar` at offset 257 and a valid header checksum (the sum of
/// the header's bytes with the checksum field read as spaces, written in octal at 148..156).
fn is_tar_header(head: &[u8]) -> bool {
    if head.len() < 512 || &head[257..262] != b"ustar" {
        return false;
    }
    let field = &head[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|b| *b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    let Ok(Ok(stored)) = std::str::from_utf8(&digits).map(|s| u32::from_str_radix(s, 8)) else {
        return false;
    };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                b as u32
            }
        })
        .sum();
    sum == stored
}

/// The limits that stop decompression (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes decompressed from one input, all layers and archive members together.
    pub max_decompressed: u64,
    /// Stop a stream that produces more than this many bytes per compressed byte...
    pub max_ratio: Option<u64>,
    /// ...once it has produced this many bytes.
    pub ratio_after: u64,
    /// Deepest archive nesting unpacked: `a.zip!b.tar!c.csv` is 2 levels.
    pub max_depth: usize,
    /// Most compression layers on one stream (a `.gz` of a `.gz` is 2).
    pub max_layers: usize,
}

impl Limits {
    pub const DEFAULT_MAX_DECOMPRESSED: u64 = 10 << 30;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_decompressed: Self::DEFAULT_MAX_DECOMPRESSED,
            max_ratio: Some(1000),
            ratio_after: 100 << 20,
            max_depth: 3,
            max_layers: 3,
        }
    }
}

/// Bytes decompressed so far from one input, shared by all its decoders.
#[derive(Debug, Clone)]
pub struct Budget {
    used: Arc<AtomicU64>,
    max: u64,
}

impl Budget {
    pub fn new(max: u64) -> Budget {
        Budget {
            used: Arc::new(AtomicU64::new(0)),
            max,
        }
    }

    fn room(&self) -> u64 {
        self.max.saturating_sub(self.used.load(Ordering::Relaxed))
    }

    fn spend(&self, n: usize) {
        self.used.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Whether the limit has been reached (nothing more will be decompressed).
    pub fn exhausted(&self) -> bool {
        self.room() == 0
    }
}

/// Why a stream stopped early. It travels inside an `io::Error` from the reader that failed to
/// the search, which reports it with the number of bytes scanned before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamError {
    /// The compressed data ended in the middle of a stream.
    Truncated { format: &'static str },
    /// The decoder rejected the data (`detail` is the decoder's message; it holds no data).
    Corrupt {
        format: &'static str,
        detail: String,
    },
    /// `--max-decompressed` was reached.
    TooLarge { limit: u64 },
    /// The stream expanded more than `ratio` times.
    Ratio { ratio: u64 },
}

impl StreamError {
    /// The reason reported for an input that stopped after `bytes` bytes.
    pub fn reason(&self, bytes: u64) -> String {
        match self {
            StreamError::Truncated { format } => {
                format!("{format} stream truncated after {bytes} bytes")
            }
            StreamError::Corrupt { format, detail } => {
                format!("{format} stream corrupt after {bytes} bytes: {detail}")
            }
            StreamError::TooLarge { limit } => format!(
                "stopped after {bytes} bytes: more than --max-decompressed ({}) decompressed from this input",
                human_size(*limit)
            ),
            StreamError::Ratio { ratio } => format!(
                "stopped after {bytes} bytes: expands more than {ratio}:1, likely a decompression bomb (an explicit --max-decompressed scans it up to that size)"
            ),
        }
    }

    /// Whether this is one of the limits (not damage): nothing more of the input is read.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            StreamError::TooLarge { .. } | StreamError::Ratio { .. }
        )
    }

    pub fn into_io(self) -> io::Error {
        let kind = match self {
            StreamError::Truncated { .. } => io::ErrorKind::UnexpectedEof,
            StreamError::Corrupt { .. } => io::ErrorKind::InvalidData,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, self)
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Truncated { format } => write!(f, "{format} stream truncated"),
            StreamError::Corrupt { format, detail } => {
                write!(f, "{format} stream corrupt: {detail}")
            }
            StreamError::TooLarge { limit } => {
                write!(f, "more than --max-decompressed ({})", human_size(*limit))
            }
            StreamError::Ratio { ratio } => write!(f, "expands more than {ratio}:1"),
        }
    }
}

impl Error for StreamError {}

/// The [`StreamError`] inside `e`, however deeply an archive reader wrapped it.
pub fn stream_error(e: &io::Error) -> Option<&StreamError> {
    let mut cur: Option<&(dyn Error + 'static)> = e.get_ref().map(|r| r as _);
    while let Some(err) = cur {
        if let Some(se) = err.downcast_ref::<StreamError>() {
            return Some(se);
        }
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if let Some(inner) = io.get_ref() {
                cur = Some(inner as _);
                continue;
            }
        }
        cur = err.source();
    }
    None
}

/// `1073741824` -> `1G`, `1500` -> `1500 bytes`.
pub fn human_size(n: u64) -> String {
    for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] {
        if n >= 1 << shift && n % (1 << shift) == 0 {
            return format!("{}{unit}", n >> shift);
        }
    }
    format!("{n} bytes")
}

/// A reader that counts the bytes read through it into a shared counter.
pub struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> (Counted<R>, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            Counted {
                inner,
                count: count.clone(),
            },
            count,
        )
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// How many compressed bytes a guarded stream has consumed.
pub enum Compressed {
    /// Counted as the decoder reads them.
    Counted(Arc<AtomicU64>),
    /// Known up front (an archive member's compressed size, which its reader cannot exceed).
    Known(u64),
}

impl Compressed {
    fn get(&self) -> u64 {
        match self {
            Compressed::Counted(c) => c.load(Ordering::Relaxed),
            Compressed::Known(n) => *n,
        }
    }
}

/// A decoder's output, named and limited (see the module docs).
pub struct Guarded<R> {
    inner: R,
    format: &'static str,
    compressed: Compressed,
    produced: u64,
    limits: Limits,
    budget: Budget,
    failed: Option<StreamError>,
}

impl<R: Read> Guarded<R> {
    pub fn new(
        inner: R,
        format: &'static str,
        compressed: Compressed,
        limits: Limits,
        budget: Budget,
    ) -> Guarded<R> {
        Guarded {
            inner,
            format,
            compressed,
            produced: 0,
            limits,
            budget,
            failed: None,
        }
    }

    fn fail(&mut self, e: StreamError) -> io::Error {
        self.failed = Some(e.clone());
        e.into_io()
    }

    fn name_error(&self, e: io::Error) -> StreamError {
        match stream_error(&e) {
            Some(se) => se.clone(),
            None if e.kind() == io::ErrorKind::UnexpectedEof => StreamError::Truncated {
                format: self.format,
            },
            None => StreamError::Corrupt {
                format: self.format,
                detail: e.to_string(),
            },
        }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(e.clone().into_io());
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(ratio) = self.limits.max_ratio {
            if self.produced >= self.limits.ratio_after
                && self.produced > ratio.saturating_mul(self.compressed.get().max(1))
            {
                return Err(self.fail(StreamError::Ratio { ratio }));
            }
        }
        let room = self.budget.room();
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let want = if room == 0 { 1 } else { want };
        match self.inner.read(&mut buf[..want]) {
            Ok(0) => Ok(0),
            Ok(_) if room == 0 => {
                let limit = self.budget.max;
                Err(self.fail(StreamError::TooLarge { limit }))
            }
            Ok(n) => {
                self.produced += n as u64;
                self.budget.spend(n);
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let se = self.name_error(e);
                Err(self.fail(se))
            }
        }
    }
}

/// A streaming decoder for one of the compressed kinds.
pub enum Decoder<R: Read> {
    Gzip(flate2::read::MultiGzDecoder<Counted<R>>),
    Zstd(zstd::stream::read::Decoder<'static, BufReader<Counted<R>>>),
    Bzip2(bzip2::read::MultiBzDecoder<Counted<R>>),
    Xz(liblzma::read::XzDecoder<Counted<R>>),
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Gzip(d) => d.read(buf),
            Decoder::Zstd(d) => d.read(buf),
            Decoder::Bzip2(d) => d.read(buf),
            Decoder::Xz(d) => d.read(buf),
        }
    }
}

/// Decode `src` (of compressed kind `kind`), guarded by `limits` and `budget`. Concatenated
/// streams (multi-member gzip, several zstd frames, pbzip2 output, several xz streams) are
/// decoded one after another as one text.
pub fn decoder<R: Read>(
    kind: Kind,
    src: R,
    limits: Limits,
    budget: Budget,
) -> io::Result<Guarded<Decoder<R>>> {
    let (src, count) = Counted::new(src);
    let decoder = match kind {
        Kind::Gzip => Decoder::Gzip(flate2::read::MultiGzDecoder::new(src)),
        Kind::Zstd => Decoder::Zstd(zstd::stream::read::Decoder::new(src)?),
        Kind::Bzip2 => Decoder::Bzip2(bzip2::read::MultiBzDecoder::new(src)),
        Kind::Xz => Decoder::Xz(liblzma::read::XzDecoder::new_multi_decoder(src)),
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a compressed stream", other.name()),
            ))
        }
    };
    Ok(Guarded::new(
        decoder,
        kind.name(),
        Compressed::Counted(count),
        limits,
        budget,
    ))
}

/// Bytes a [`ReadAhead`] hands over at once, and how many such blocks may wait.
const AHEAD_BLOCK: usize = 256 << 10;
const AHEAD_BLOCKS: usize = 8;

/// A reader fed by a thread that reads `inner` ahead (a decoder, so decompressing and scanning
/// run on two cores). At most `AHEAD_BLOCKS` blocks of `AHEAD_BLOCK` bytes wait in between;
/// when the reader is dropped, the thread stops at its next block.
pub struct ReadAhead {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    block: Vec<u8>,
    pos: usize,
    failed: Option<(io::ErrorKind, String, Option<StreamError>)>,
}

impl ReadAhead {
    pub fn spawn<'scope, R: Read + Send + 'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        mut inner: R,
    ) -> ReadAhead {
        let (tx, rx) = std::sync::mpsc::sync_channel(AHEAD_BLOCKS);
        scope.spawn(move || loop {
            let mut block = Vec::with_capacity(AHEAD_BLOCK);
            match inner
                .by_ref()
                .take(AHEAD_BLOCK as u64)
                .read_to_end(&mut block)
            {
                Ok(0) => break,
                Ok(_) => {
                    if tx.send(Ok(block)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    // What arrived before the error first, then the error.
                    if !block.is_empty() && tx.send(Ok(block)).is_err() {
                        break;
                    }
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        });
        ReadAhead {
            rx,
            block: Vec::new(),
            pos: 0,
            failed: None,
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((kind, message, stream)) = &self.failed {
            return Err(match stream {
                Some(se) => se.clone().into_io(),
                None => io::Error::new(*kind, message.clone()),
            });
        }
        while self.pos == self.block.len() {
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    let stream = stream_error(&e).cloned();
                    self.failed = Some((e.kind(), e.to_string(), stream));
                    return Err(e);
                }
                // The thread is done: the end of the input.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.block.len() - self.pos);
        buf[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A reader whose first bytes have been looked at: it gives them back, then the rest. An error
/// met while looking is returned after the bytes that came before it.
pub struct Peeked<R> {
    head: Vec<u8>,
    pos: usize,
    pending: Option<io::Error>,
    inner: R,
}

impl<R: Read> Peeked<R> {
    /// Read up to `n` bytes of `inner` ahead.
    pub fn new(mut inner: R, n: usize) -> Peeked<R> {
        let mut head = vec![0; n];
        let mut len = 0;
        let mut pending = None;
        while len < n {
            match inner.read(&mut head[len..]) {
                Ok(0) => break,
                Ok(k) => len += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    pending = Some(e);
                    break;
                }
            }
        }
        head.truncate(len);
        Peeked {
            head,
            pos: 0,
            pending,
            inner,
        }
    }

    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The reader, past the bytes looked at.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The stream from where it was read up to, as one reader. Without a read error held
    /// back, the bytes looked at and the rest are chained with the standard library's readers,
    /// which read into a buffer's spare room as it is: a reader of this crate's own has every
    /// chunk's 4 MiB zeroed before each read into it (its `read` takes initialised bytes),
    /// one more pass over every byte of the input.
    pub fn into_reader<'a>(mut self) -> Box<dyn Read + 'a>
    where
        R: 'a,
    {
        if self.pending.is_some() {
            return Box::new(self);
        }
        self.head.drain(..self.pos);
        Box::new(io::Cursor::new(self.head).chain(self.inner))
    }
}

impl<R: Read> Read for Peeked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.head.len() {
            let n = buf.len().min(self.head.len() - self.pos);
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            if self.pos == self.head.len() {
                self.head = Vec::new();
                self.pos = 0;
            }
            return Ok(n);
        }
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const TEXT: &[u8] = b"id,email\n1,jane.roe@fabrikam-mail.com\n2,nobody\n";

    fn compress(kind: Kind, data: &[u8]) -> Vec<u8> {
        match kind {
            Kind::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Kind::Zstd => zstd::stream::encode_all(data, 3).unwrap(),
            Kind::Bzip2 => {
                let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Kind::Xz => {
                let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            _ => unreachable!(),
        }
    }

    fn decode_all(kind: Kind, data: &[u8], limits: Limits) -> (Vec<u8>, Option<StreamError>) {
        let mut d = decoder(kind, data, limits, Budget::new(limits.max_decompressed)).unwrap();
        let mut out = Vec::new();
        let err = d.read_to_end(&mut out).err();
        (
            out,
            err.map(|e| stream_error(&e).expect("a named error").clone()),
        )
    }

    const COMPRESSED: [Kind; 4] = [Kind::Gzip, Kind::Zstd, Kind::Bzip2, Kind::Xz];

    #[test]
    fn magic_bytes() {
        for kind in COMPRESSED {
            assert_eq!(detect(&compress(kind, TEXT)), kind, "{}", kind.name());
            assert_eq!(detect(&compress(kind, b"")), kind, "empty {}", kind.name());
        }
        assert_eq!(detect(b"PK\x03\x04\x14\x00"), Kind::Zip);
        assert_eq!(detect(b"PK\x05\x06\0\0\0\0"), Kind::Zip);
        assert_eq!(detect(TEXT), Kind::Plain);
        assert_eq!(detect(b""), Kind::Plain);
        assert_eq!(detect(b"\x1f"), Kind::Plain);
        // Text that merely starts like a magic number.
        assert_eq!(detect(b"BZh9 is not bzip2\n"), Kind::Plain);
        assert_eq!(detect(b"PK is a column\n"), Kind::Plain);
        // Zstd skippable frame.
        assert_eq!(detect(&[0x5e, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]), Kind::Zstd);
    }

    #[test]
    fn tar_header_needs_magic_and_checksum() {
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(TEXT.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, "customers.csv", TEXT)
            .unwrap();
        let mut tar = builder.into_inner().unwrap();
        assert_eq!(detect(&tar[..PEEK]), Kind::Tar);
        assert_eq!(detect(&tar[..PEEK - 1]), Kind::Plain);
        tar[0] ^= 1; // the name changes, the checksum no longer matches
        assert_eq!(detect(&tar[..PEEK]), Kind::Plain);
        let mut text = vec![b' '; 600];
        text[257..262].copy_from_slice(b"ustar");
        assert_eq!(detect(&text), Kind::Plain);
    }

    #[test]
    fn every_format_round_trips_and_concatenated_streams_continue() {
        for kind in COMPRESSED {
            let (out, err) = decode_all(kind, &compress(kind, TEXT), Limits::default());
            assert_eq!((out.as_slice(), err), (TEXT, None), "{}", kind.name());
            let mut two = compress(kind, &TEXT[..10]);
            two.extend(compress(kind, &TEXT[10..]));
            let (out, err) = decode_all(kind, &two, Limits::default());
            assert_eq!(
                (out.as_slice(), err),
                (TEXT, None),
                "two {} streams",
                kind.name()
            );
        }
    }

    #[test]
    fn truncation_is_an_error_not_an_early_end() {
        let big: Vec<u8> = TEXT.iter().copied().cycle().take(200_000).collect();
        for kind in COMPRESSED {
            let full = compress(kind, &big);
            for cut in [full.len() / 2, full.len() - 1] {
                let (out, err) = decode_all(kind, &full[..cut], Limits::default());
                // Cut inside the trailer, every byte may have come out; the error must still.
                assert!(out.len() <= big.len(), "{} cut at {cut}", kind.name());
                assert_eq!(
                    out,
                    big[..out.len()],
                    "{}: the bytes before the cut",
                    kind.name()
                );
                assert!(
                    matches!(
                        err,
                        Some(StreamError::Truncated { .. } | StreamError::Corrupt { .. })
                    ),
                    "{} cut at {cut}: {err:?}",
                    kind.name()
                );
            }
        }
    }

    #[test]
    fn size_limit_stops_exactly_at_the_limit() {
        let zeros = vec![0u8; 1 << 20];
        for kind in COMPRESSED {
            let limits = Limits {
                max_decompressed: 1000,
                ..Limits::default()
            };
            let (out, err) = decode_all(kind, &compress(kind, &zeros), limits);
            assert_eq!(out.len(), 1000, "{}", kind.name());
            assert_eq!(err, Some(StreamError::TooLarge { limit: 1000 }));
            // A stream of exactly the limit is fine.
            let limits = Limits {
                max_decompressed: zeros.len() as u64,
                ..Limits::default()
            };
            let (out, err) = decode_all(kind, &compress(kind, &zeros), limits);
            assert_eq!((out.len(), err), (zeros.len(), None), "{}", kind.name());
        }
    }

    #[test]
    fn ratio_limit_stops_a_bomb_but_not_text() {
        let limits = Limits {
            max_ratio: Some(100),
            ratio_after: 64 << 10,
            ..Limits::default()
        };
        let zeros = vec![0u8; 4 << 20];
        let (out, err) = decode_all(Kind::Gzip, &compress(Kind::Gzip, &zeros), limits);
        assert_eq!(err, Some(StreamError::Ratio { ratio: 100 }));
        assert!(out.len() < zeros.len());
        let text: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("{i} user{} signed in\n", i * 7919 % 10007).into_bytes())
            .collect();
        let (out, err) = decode_all(Kind::Gzip, &compress(Kind::Gzip, &text), limits);
        assert_eq!((out.len(), err), (text.len(), None));
    }

    #[test]
    fn errors_are_sticky() {
        let full = compress(Kind::Gzip, &vec![b'a'; 100_000]);
        let mut d = decoder(
            Kind::Gzip,
            &full[..full.len() / 2],
            Limits::default(),
            Budget::new(u64::MAX),
        )
        .unwrap();
        let mut out = Vec::new();
        assert!(d.read_to_end(&mut out).is_err());
        assert!(d.read(&mut [0; 16]).is_err());
    }

    #[test]
    fn peeked_gives_back_the_head_then_the_rest_then_a_pending_error() {
        let mut p = Peeked::new(&b"hello world"[..], 5);
        assert_eq!(p.head(), b"hello");
        let mut all = String::new();
        p.read_to_string(&mut all).unwrap();
        assert_eq!(all, "hello world");

        struct Failing(bool);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    Err(io::Error::other("boom"))
                } else {
                    buf[..3].copy_from_slice(b"abc");
                    Ok(3)
                }
            }
        }
        let mut p = Peeked::new(Failing(false), 10);
        assert_eq!(p.head(), b"abc");
        let mut buf = [0; 10];
        assert_eq!(p.read(&mut buf).unwrap(), 3);
        assert!(p.read(&mut buf).is_err());

        // As one reader again: the same bytes, and the error held back after them.
        let mut all = Vec::new();
        let p = Peeked::new(&b"hello world"[..], 5);
        p.into_reader().read_to_end(&mut all).unwrap();
        assert_eq!(all, b"hello world");
        let mut p = Peeked::new(&b"hello world"[..], 5);
        assert_eq!(p.read(&mut buf[..2]).unwrap(), 2);
        all.clear();
        p.into_reader().read_to_end(&mut all).unwrap();
        assert_eq!(all, b"llo world");
        let mut r = Peeked::new(Failing(false), 10).into_reader();
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert!(r.read(&mut buf).is_err());
    }

    #[test]
    fn read_ahead_passes_everything_then_the_error() {
        let big: Vec<u8> = TEXT.iter().copied().cycle().take(3 << 20).collect();
        let full = compress(Kind::Gzip, &big);
        std::thread::scope(|s| {
            let d = decoder(
                Kind::Gzip,
                &full[..],
                Limits::default(),
                Budget::new(u64::MAX),
            );
            let mut r = ReadAhead::spawn(s, d.unwrap());
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert!(out == big);
        });
        std::thread::scope(|s| {
            let cut = &full[..full.len() / 2];
            let d = decoder(Kind::Gzip, cut, Limits::default(), Budget::new(u64::MAX));
            let mut r = ReadAhead::spawn(s, d.unwrap());
            let mut out = Vec::new();
            let e = r.read_to_end(&mut out).unwrap_err();
            assert_eq!(
                stream_error(&e),
                Some(&StreamError::Truncated { format: "gzip" })
            );
            assert!(!out.is_empty() && out == big[..out.len()]);
            assert!(r.read(&mut [0; 8]).is_err(), "sticky");
        });
        // Dropping the reader early stops the thread (the scope would never end otherwise).
        std::thread::scope(|s| {
            let d = decoder(
                Kind::Gzip,
                &full[..],
                Limits::default(),
                Budget::new(u64::MAX),
            );
            let mut r = ReadAhead::spawn(s, d.unwrap());
            r.read_exact(&mut [0; 10]).unwrap();
        });
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_size(10 << 30), "10G");
        assert_eq!(human_size(1 << 20), "1M");
        assert_eq!(human_size(1500), "1500 bytes");
    }
}
