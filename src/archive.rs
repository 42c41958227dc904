//! The layers of an input: compression (gzip, zstd, bzip2, xz) and archives (zip, tar), told
//! apart by their first bytes, peeled off as streams until plain text is left for the search.
//!
//! Each archive member is scanned as an input of its own, with the path `archive!member`
//! (`export.zip!customers/2024.csv`, nested: `a.zip!inner.tar.gz!x.csv`), in the archive's
//! order. Members that are not scanned (binary, encrypted, nested too deep) or not to the end
//! (damaged, stopped by a limit) are returned with their paths and reasons.
//!
//! Memory stays bounded: tar members are read straight from the (decompressed) stream; a zip
//! file is read member by member through its central directory; a zip that is not a seekable
//! file (standard input, a member of another archive) is first copied to an anonymous
//! temporary file, since its directory is at its end.

use std::io::{self, Read, Seek, SeekFrom};

use crate::config::ScanOptions;
use crate::decompress::{self, Budget, Compressed, Guarded, Kind, Limits, Peeked, StreamError};
use crate::read::Seekable;
use crate::scan::Scanner;
use crate::search::{self, Gap, InputPath, Outcome};

/// An input the search reads with `read` calls.
pub enum Input<'a> {
    /// Standard input, memory, anything that cannot seek.
    Stream(Box<dyn Read + Send + 'a>),
    /// A regular file (a zip's directory can be read in place).
    Seekable(Box<dyn Seekable + 'a>),
}

/// What one input's layers share.
struct Ctx<'c, 's> {
    scanner: &'c mut Scanner<'s>,
    options: &'c ScanOptions,
    buf: &'c mut Vec<u8>,
    limits: Limits,
    budget: Budget,
}

/// How deep a stream sits in its input.
#[derive(Debug, Clone, Copy)]
struct Level {
    /// Archives around it.
    archives: usize,
    /// Compression layers peeled off since the innermost archive (or the input itself).
    layers: usize,
}

/// Search `input` (opened from `path`): decompress and unpack it as its first bytes say, and
/// scan the text inside. Findings of archive members carry the members' paths.
pub fn search_input(
    scanner: &mut Scanner<'_>,
    input: Input<'_>,
    path: &InputPath,
    options: &ScanOptions,
    buf: &mut Vec<u8>,
) -> Outcome {
    let limits = options.limits;
    let mut ctx = Ctx {
        scanner,
        options,
        buf,
        limits,
        budget: Budget::new(limits.max_decompressed),
    };
    let top = Level {
        archives: 0,
        layers: 0,
    };
    match input {
        Input::Stream(reader) => search_top(&mut ctx, reader, path),
        Input::Seekable(file) => {
            // Looked at once: only a zip goes back to its start (most inputs are small files,
            // and each system call counts).
            let peeked = Peeked::new(file, decompress::PEEK);
            if decompress::detect(peeked.head()) != Kind::Zip {
                return search_peeked(&mut ctx, peeked, path);
            }
            let mut file = peeked.into_inner();
            match file.seek(SeekFrom::Start(0)) {
                Ok(_) => zip_archive(&mut ctx, file, path, top),
                Err(e) => skipped(format!("cannot read: {e}")),
            }
        }
    }
}

/// An input's outer stream: a compressed one is decompressed on a thread of its own, a block
/// ahead of the search, so that decompressing and scanning one big file use two cores.
fn search_top<R: Read + Send>(ctx: &mut Ctx<'_, '_>, reader: R, path: &InputPath) -> Outcome {
    search_peeked(ctx, Peeked::new(reader, decompress::PEEK), path)
}

/// `search_top` with the stream's first bytes already looked at.
fn search_peeked<R: Read + Send>(
    ctx: &mut Ctx<'_, '_>,
    peeked: Peeked<R>,
    path: &InputPath,
) -> Outcome {
    let kind = decompress::detect(peeked.head());
    if !kind.is_compressed() {
        let top = Level {
            archives: 0,
            layers: 0,
        };
        return search_stream(ctx, peeked.into_reader(), path, top);
    }
    let decoder = match decompress::decoder(kind, peeked, ctx.limits, ctx.budget.clone()) {
        Ok(decoder) => decoder,
        Err(e) => return skipped(format!("cannot decompress {}: {e}", kind.name())),
    };
    std::thread::scope(|s| {
        let ahead = decompress::ReadAhead::spawn(s, decoder);
        let level = Level {
            archives: 0,
            layers: 1,
        };
        search_stream(ctx, Box::new(ahead), path, level)
    })
}

fn skipped(reason: String) -> Outcome {
    Outcome {
        gap: Some(Gap::Skipped(reason)),
        ..Outcome::default()
    }
}

/// One stream: tell what it is, and scan it, decompress it or unpack it.
fn search_stream(
    ctx: &mut Ctx<'_, '_>,
    reader: Box<dyn Read + '_>,
    path: &InputPath,
    level: Level,
) -> Outcome {
    let mut peeked = Peeked::new(reader, decompress::PEEK);
    let kind = decompress::detect(peeked.head());
    match kind {
        Kind::Plain => {
            let mut reader = peeked.into_reader();
            search::search_plain(ctx.scanner, &mut reader, path, ctx.options, ctx.buf)
        }
        Kind::Gzip | Kind::Zstd | Kind::Bzip2 | Kind::Xz => {
            if level.layers >= ctx.limits.max_layers {
                return skipped(format!(
                    "compressed more than {} times over",
                    ctx.limits.max_layers
                ));
            }
            match decompress::decoder(kind, peeked, ctx.limits, ctx.budget.clone()) {
                Ok(decoder) => search_stream(
                    ctx,
                    Box::new(decoder),
                    path,
                    Level {
                        layers: level.layers + 1,
                        ..level
                    },
                ),
                Err(e) => skipped(format!("cannot decompress {}: {e}", kind.name())),
            }
        }
        Kind::Zip | Kind::Tar => {
            if level.archives >= ctx.limits.max_depth {
                return skipped(format!(
                    "{} archive nested more than {} archives deep (not unpacked)",
                    kind.name(),
                    ctx.limits.max_depth
                ));
            }
            if kind == Kind::Tar {
                return tar_archive(ctx, Box::new(peeked), path, level);
            }
            // A zip's directory is at its end: copy the stream to a temporary file first.
            let spooled = tempfile::tempfile().and_then(|mut tmp| {
                io::copy(&mut peeked, &mut tmp)?;
                tmp.seek(SeekFrom::Start(0))?;
                Ok(tmp)
            });
            match spooled {
                Ok(tmp) => zip_archive(ctx, Box::new(tmp), path, level),
                Err(e) => skipped(format!(
                    "zip archive unreadable: {}",
                    decompress::stream_error(&e).map_or_else(|| e.to_string(), |se| se.to_string())
                )),
            }
        }
    }
}

/// The level of an archive's members.
fn inside(level: Level) -> Level {
    Level {
        archives: level.archives + 1,
        layers: 0,
    }
}

/// Add a member's outcome to its archive's.
fn absorb(out: &mut Outcome, path: &InputPath, member: Outcome) {
    let scanned = !matches!(member.gap, Some(Gap::Skipped(_)));
    out.members_scanned += member.members_scanned + u64::from(scanned);
    out.findings.extend(member.findings);
    out.suppressed += member.suppressed;
    out.bytes += member.bytes;
    out.member_gaps.extend(member.member_gaps);
    if let Some(gap) = member.gap {
        out.member_gaps.push((path.shown.to_string(), gap));
    }
}

/// Why an archive stopped before its end.
fn archive_gap(kind: &str, members: usize, out: &Outcome, e: &dyn std::fmt::Display) -> Gap {
    let reason = format!("{kind} archive unreadable after {members} members: {e}");
    if members == 0 {
        Gap::Skipped(reason)
    } else {
        Gap::Incomplete {
            bytes: out.bytes,
            reason,
        }
    }
}

/// A tar error as printed: the tar crate quotes the bytes of a header field that is not a
/// number, which can be anything (see `scrub::tar_message`).
fn tar_reason(e: &io::Error) -> String {
    match decompress::stream_error(e) {
        Some(se) => se.to_string(),
        None => crate::scrub::tar_message(&e.to_string()),
    }
}

fn limit_gap(kind: &str, members: usize, out: &Outcome, limit: u64) -> Gap {
    Gap::Incomplete {
        bytes: out.bytes,
        reason: format!(
            "{kind} archive stopped after {members} members: more than --max-decompressed ({}) decompressed from this input",
            decompress::human_size(limit)
        ),
    }
}

fn zip_archive(
    ctx: &mut Ctx<'_, '_>,
    mut source: Box<dyn Seekable + '_>,
    path: &InputPath,
    level: Level,
) -> Outcome {
    let mut zip = match zip::ZipArchive::new(&mut source) {
        Ok(zip) => zip,
        Err(e) => return skipped(format!("corrupt zip archive: {e}")),
    };
    let mut out = zip_members(ctx, &mut zip, path, level);
    let (start, listed) = (zip.central_directory_start(), zip.len());
    drop(zip);
    // The crate lists one member per name: members that share a name with a later one were
    // not searched, and the output says so.
    let hidden = directory_records(&mut source, start).map_or(0, |n| n.saturating_sub(listed));
    if hidden > 0 && out.gap.is_none() {
        out.gap = Some(Gap::Incomplete {
            bytes: out.bytes,
            reason: format!(
                "{hidden} of its zip members not scanned: a later member has the same name"
            ),
        });
    }
    out
}

/// How many records the zip central directory that starts at `start` holds, up to the first
/// that is not one.
fn directory_records(source: &mut (impl Read + Seek), start: u64) -> io::Result<usize> {
    /// A record's signature, and the length of its fixed part, which ends with the lengths
    /// of the name, extra field and comment that follow it.
    const SIGNATURE: [u8; 4] = *b"PK\x01\x02";
    const FIXED: usize = 46;
    source.seek(SeekFrom::Start(start))?;
    let mut source = io::BufReader::new(source);
    let mut fixed = [0u8; FIXED];
    let mut records = 0;
    while source.read_exact(&mut fixed).is_ok() && fixed[..4] == SIGNATURE {
        records += 1;
        let len = |at: usize| i64::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
        source.seek_relative(len(28) + len(30) + len(32))?;
    }
    Ok(records)
}

/// Search the members of `zip`, in the order of its directory.
fn zip_members<R: Read + Seek>(
    ctx: &mut Ctx<'_, '_>,
    zip: &mut zip::ZipArchive<R>,
    path: &InputPath,
    level: Level,
) -> Outcome {
    let mut out = Outcome::default();
    for i in 0..zip.len() {
        if ctx.budget.exhausted() {
            out.gap = Some(limit_gap("zip", i, &out, ctx.limits.max_decompressed));
            break;
        }
        let name = zip.name_for_index(i).unwrap_or("?").to_string();
        let member_path = path.member(&name);
        let member = match zip.by_index(i) {
            Ok(member) => member,
            Err(zip::result::ZipError::UnsupportedArchive(what))
                if what == zip::result::ZipError::PASSWORD_REQUIRED =>
            {
                out.member_gaps.push((
                    member_path.shown.to_string(),
                    Gap::Skipped("encrypted".into()),
                ));
                continue;
            }
            Err(e) => {
                out.member_gaps.push((
                    member_path.shown.to_string(),
                    Gap::Skipped(format!("cannot read zip member: {e}")),
                ));
                continue;
            }
        };
        if member.is_dir() || member.is_symlink() {
            continue;
        }
        // Stored members cost nothing to expand: only compressed ones count against the limits.
        let (limits, budget) = if member.compression() == zip::CompressionMethod::Stored {
            let limits = Limits {
                max_ratio: None,
                ..ctx.limits
            };
            (limits, Budget::new(u64::MAX))
        } else {
            (ctx.limits, ctx.budget.clone())
        };
        let compressed = Compressed::Known(member.compressed_size());
        let reader = Guarded::new(member, "zip", compressed, limits, budget);
        // Earlier members' findings go out before this member's batches (see `spill`).
        crate::spill::flush(&mut out.findings, &mut ctx.scanner.sink);
        let result = search_stream(ctx, Box::new(reader), &member_path, inside(level));
        absorb(&mut out, &member_path, result);
    }
    out
}

fn tar_archive(
    ctx: &mut Ctx<'_, '_>,
    source: Box<dyn Read + '_>,
    path: &InputPath,
    level: Level,
) -> Outcome {
    let mut archive = tar::Archive::new(source);
    let mut out = Outcome::default();
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return skipped(format!("corrupt tar archive: {}", tar_reason(&e))),
    };
    let mut members = 0;
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.gap = Some(archive_gap("tar", members, &out, &tar_reason(&e)));
                break;
            }
        };
        members += 1;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member_path = path.member(&name);
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::GNUSparse {
            out.member_gaps.push((
                member_path.shown.to_string(),
                Gap::Skipped("sparse file in a tar archive".into()),
            ));
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            // Directories, links, devices: not data.
            continue;
        }
        let size = entry.size();
        let reader = Exact {
            inner: &mut entry,
            left: size,
        };
        // Earlier members' findings go out before this member's batches (see `spill`).
        crate::spill::flush(&mut out.findings, &mut ctx.scanner.sink);
        let result = search_stream(ctx, Box::new(reader), &member_path, inside(level));
        absorb(&mut out, &member_path, result);
        if ctx.budget.exhausted() {
            out.gap = Some(limit_gap("tar", members, &out, ctx.limits.max_decompressed));
            break;
        }
    }
    out
}

/// An archive member of a known size: ending early is an error, not a short member.
struct Exact<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.left > 0 && !buf.is_empty() {
            return Err(StreamError::Truncated { format: "tar" }.into_io());
        }
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}
