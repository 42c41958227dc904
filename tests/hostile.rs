//! Hostile inputs: every one must give a clear message naming the input, let the scan go on
//! (another file's finding is still reported), and be disclosed in the output (the JSON
//! summary's `skipped`) when it was not scanned, or not to the end. `--strict` turns any such
//! gap into exit 2. Nothing may hang, block, or use memory that grows with the input.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A file whose finding must be reported whatever else is in the tree.
const GOOD: &str = "good.txt";
const GOOD_TEXT: &str = "contact: jane.roe@fabrikam-mail.com\n";

fn write(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, data).unwrap();
}

/// `piiscan scan ARGS --format json` in `dir`: the document, stderr and the exit code.
fn scan_json(dir: &Path, args: &[&str]) -> (Value, String, i32) {
    let (out, err, code) =
        stdout_of(
            piiscan(dir)
                .arg("scan")
                .args(args)
                .args(["--format", "json", "--no-config"]),
        );
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (doc, err, code)
}

/// path -> reason, from the JSON summary.
fn skipped(doc: &Value) -> BTreeMap<String, String> {
    doc["summary"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn found_in(doc: &Value, path: &str) -> usize {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .count()
}

/// The three promises: named on stderr, disclosed in `skipped`, and the scan went on.
#[track_caller]
fn assert_disclosed(doc: &Value, err: &str, path: &str, reason_part: &str) {
    let gaps = skipped(doc);
    let reason = gaps
        .get(path)
        .unwrap_or_else(|| panic!("{path} not in skipped: {gaps:?}\n{err}"));
    assert!(
        reason.contains(reason_part),
        "{path}: {reason:?} lacks {reason_part:?}"
    );
    assert!(
        err.contains(&format!("piiscan: skipped {path}: {reason}")),
        "stderr does not name {path}: {err}"
    );
    assert!(found_in(doc, GOOD) >= 1, "the scan did not go on: {doc}");
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn invalid_utf8_and_mixed_encodings_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    // Latin-1, a stray continuation byte, an overlong sequence, a lone surrogate in UTF-8.
    let mut mixed = b"Jos\xe9 M\xfcller \x80\xc0\xaf \xed\xa0\x80 ".to_vec();
    mixed.extend_from_slice(b"mail zoe.li@kontakt.de ok\n");
    write(dir.path(), "latin1.txt", &mixed);
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    assert!(skipped(&doc).is_empty(), "{err}");
    assert_eq!(found_in(&doc, "latin1.txt"), 1, "{doc}");
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "latin1.txt")
        .unwrap();
    let at = mixed.windows(3).position(|w| w == b"zoe").unwrap();
    assert_eq!(f["byte_offset"], at);
    // Columns count every byte that does not continue a UTF-8 sequence.
    let column = 1 + mixed[..at].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    assert_eq!(f["column"], column);
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded_and_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let text = "héllo 😀\ncontact: jane.roe@fabrikam-mail.com, ssn 536-22-1849\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend(u.to_le_bytes());
        be.extend(u.to_be_bytes());
    }
    write(dir.path(), "le.txt", &le);
    write(dir.path(), "be.txt", &be);
    write(dir.path(), "utf8.txt", text.as_bytes());
    // Without a byte order mark, UTF-16 is indistinguishable from binary: skipped, visibly.
    write(dir.path(), "nobom.txt", &le[2..]);
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    let rows = |path: &str| -> Vec<(String, u64, u64, u64)> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == path)
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                    f["byte_offset"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let utf8 = rows("utf8.txt");
    assert_eq!(utf8.len(), 2, "{doc}");
    // Offsets, lines and columns refer to the decoded (UTF-8) text, without the mark.
    assert_eq!(rows("le.txt"), utf8, "{err}");
    assert_eq!(rows("be.txt"), utf8, "{err}");
    assert_eq!(skipped(&doc)["nobom.txt"], "binary file");
}

#[test]
fn nul_bytes_make_a_binary_file_that_is_skipped_visibly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    write(
        dir.path(),
        "data.bin",
        b"jane.roe@fabrikam-mail.com\0\0\x01\x02 536-22-1849",
    );
    let (doc, err, code) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_disclosed(&doc, &err, "data.bin", "binary file");
    let (_, err, code) = scan_json(dir.path(), &[".", "--strict"]);
    assert_eq!(code, 2, "--strict: a skipped input is exit 2");
    assert!(
        err.contains("--strict: 1 input(s) not scanned completely"),
        "{err}"
    );
}

#[test]
fn strict_exits_0_or_1_on_a_complete_scan_and_2_on_any_gap_even_without_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.txt", b"nothing personal here\n");
    let (_, _, code) = scan_json(dir.path(), &[".", "--strict"]);
    assert_eq!(code, 0);
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let (_, _, code) = scan_json(dir.path(), &[".", "--strict"]);
    assert_eq!(code, 1);
    std::fs::remove_file(dir.path().join(GOOD)).unwrap();
    write(dir.path(), "blob.bin", b"\0\0\0");
    let (doc, _, code) = scan_json(dir.path(), &[".", "--strict"]);
    assert_eq!(doc["summary"]["findings"], 0);
    assert_eq!(code, 2, "no findings, but an input was not scanned");
    let (_, _, code) = scan_json(dir.path(), &["."]);
    assert_eq!(
        code, 0,
        "without --strict a gap does not change the exit code"
    );
}

#[test]
fn a_100_mb_single_line_is_scanned_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.log");
    let value = b"jane.roe@fabrikam-mail.com";
    let filler = b"lorem ipsum dolor sit amet ".repeat(4096);
    let size = 100 << 20;
    // Values at the start, across the cut of the first chunk (no newline: the cut falls 4 KiB
    // before its end), every chunk size after, and at the very end.
    let chunk = piiscan::read::CHUNK_SIZE;
    let mut line = Vec::with_capacity(size + 64);
    let mut planted = Vec::new();
    let plant = |line: &mut Vec<u8>, planted: &mut Vec<usize>| {
        line.push(b' ');
        planted.push(line.len());
        line.extend_from_slice(value);
        line.push(b' ');
    };
    plant(&mut line, &mut planted);
    let mut next = chunk - 4096 - 10;
    while line.len() < size {
        let room = next - line.len();
        if room <= filler.len() {
            line.extend_from_slice(&filler[..room]);
            plant(&mut line, &mut planted);
            next += chunk;
        } else {
            line.extend_from_slice(&filler);
        }
    }
    plant(&mut line, &mut planted);
    std::fs::write(&path, &line).unwrap();
    drop(line);

    let started = Instant::now();
    let (out, err, code) = stdout_of(
        piiscan(dir.path())
            .args(["scan", "one-line.log", "--format", "jsonl", "--no-mmap"])
            .arg("--no-config"),
    );
    let took = started.elapsed();
    assert_eq!(code, 1, "{err}");
    let offsets: Vec<usize> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|f| f["rule"] == "email")
        .map(|f| f["byte_offset"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(offsets, planted, "each value found once, where it is");
    assert!(took < Duration::from_secs(120), "took {took:?}");
    let peak = children_peak_rss_kib();
    assert!(peak < 256 << 10, "peak RSS {peak} KiB for a 100 MB line");
}

/// The largest peak resident set of any child process waited for so far, in KiB.
fn children_peak_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss
    }
}

#[test]
fn a_10_gb_sparse_file_is_skipped_quickly_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let sparse = std::fs::File::create(dir.path().join("sparse.img")).unwrap();
    if sparse.set_len(10 << 30).is_err() {
        eprintln!("notice: this file system has no sparse files; skipping");
        return;
    }
    drop(sparse);
    let started = Instant::now();
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    assert!(started.elapsed() < Duration::from_secs(30), "took too long");
    // Zeros are binary: the first chunk says so, nothing else is read.
    assert_disclosed(&doc, &err, "sparse.img", "binary file");
    let (doc, err, _) = scan_json(dir.path(), &[".", "--max-filesize", "1G"]);
    assert_disclosed(&doc, &err, "sparse.img", "larger than --max-filesize");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_truncated_gzip_keeps_what_came_before_and_is_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let mut text = Vec::new();
    for i in 0..20_000 {
        text.extend(format!("{i} user{i}@fabrikam-mail.com signed in\n").bytes());
    }
    let full = gzip(&text);
    write(dir.path(), "app.log.gz", &full[..full.len() / 2]);
    let (doc, err, code) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_disclosed(
        &doc,
        &err,
        "app.log.gz",
        "incomplete: gzip stream truncated after",
    );
    assert!(
        found_in(&doc, "app.log.gz") > 100,
        "findings before the cut"
    );
    let (_, _, code) = scan_json(dir.path(), &[".", "--strict"]);
    assert_eq!(code, 2);
}

#[test]
fn a_zip_bomb_stops_at_the_limit_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    // 64 MiB of text that compresses about 1000:1.
    let block = vec![b'a'; 1 << 20];
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("bomb.txt", options).unwrap();
    for _ in 0..64 {
        w.write_all(&block).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20);
    write(dir.path(), "bomb.zip", &bomb);
    let started = Instant::now();
    let (doc, err, _) = scan_json(dir.path(), &[".", "--max-decompressed", "4M"]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_disclosed(
        &doc,
        &err,
        "bomb.zip!bomb.txt",
        "incomplete: stopped after 4194304 bytes: more than --max-decompressed (4M)",
    );
}

/// A tar of `members` whose last header has `text` written over its bytes from `at` (the size
/// field is at 124, 12 bytes), with the header's checksum made right again: the header is
/// read, and its field is what fails.
fn tar_with_bad_field(members: &[(&str, &[u8])], at: usize, text: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut header_at = 0;
    for (i, (name, data)) in members.iter().enumerate() {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
        if i + 1 < members.len() {
            header_at += 512 + data.len().div_ceil(512) * 512;
        }
    }
    let mut bytes = b.into_inner().unwrap();
    let header = &mut bytes[header_at..header_at + 512];
    header[at..at + text.len()].copy_from_slice(text);
    // The checksum: the sum of the header's bytes with its own 8 counted as spaces, in octal.
    header[148..156].fill(b' ');
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    bytes
}

#[test]
fn a_tar_header_field_that_is_not_a_number_is_reported_without_its_text() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let rows: &[u8] = b"id,email\n1,zoe.li@kontakt.de\n";
    // The size field holds part of an e-mail address; of a card number (over the size and
    // the modification time); bytes that are not UTF-8.
    write(
        dir.path(),
        "badsize.tar",
        &tar_with_bad_field(&[("customers.csv", rows)], 124, b"jane.doe@fab"),
    );
    write(
        dir.path(),
        "card.tar",
        &tar_with_bad_field(
            &[("a.csv", rows), ("customers.csv", rows)],
            124,
            b"4539148803436467",
        ),
    );
    write(
        dir.path(),
        "latin1.tar",
        &tar_with_bad_field(&[("customers.csv", rows)], 124, b"jos\xe9@posteo"),
    );
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    assert_disclosed(
        &doc,
        &err,
        "badsize.tar",
        "tar archive unreadable after 0 members: numeric field was not a number: ************ when getting size for customers.csv",
    );
    assert_disclosed(
        &doc,
        &err,
        "card.tar",
        "incomplete: tar archive unreadable after 1 members: numeric field was not a number: ************ when getting size for customers.csv",
    );
    assert_eq!(
        found_in(&doc, "card.tar!a.csv"),
        1,
        "the member before is scanned"
    );
    assert_disclosed(
        &doc,
        &err,
        "latin1.tar",
        "numeric field did not have utf-8 text: *********** when getting size for customers.csv",
    );
    let out = doc.to_string();
    for value in ["jane.doe", "453914880343", "posteo", "jos"] {
        assert!(!err.contains(value), "{value} on stderr: {err}");
        assert!(!out.contains(value), "{value} in the output: {out}");
    }
}

#[test]
fn a_deeply_nested_archive_stops_at_three_levels_visibly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let mut nested = zip(&[("deepest.txt", GOOD_TEXT.as_bytes())]);
    for level in (1..=6).rev() {
        nested = zip(&[(&format!("l{level}.zip"), &nested)]);
    }
    write(dir.path(), "nested.zip", &nested);
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    assert_disclosed(
        &doc,
        &err,
        "nested.zip!l1.zip!l2.zip!l3.zip",
        "nested more than 3 archives deep",
    );
}

#[test]
fn an_unreadable_file_and_directory_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    write(dir.path(), "secret.txt", GOOD_TEXT.as_bytes());
    write(dir.path(), "locked/inside.txt", GOOD_TEXT.as_bytes());
    let perm = |p: &str, mode| {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(mode)).unwrap()
    };
    perm("secret.txt", 0o000);
    perm("locked", 0o000);
    let readable_anyway = std::fs::read(dir.path().join("secret.txt")).is_ok();
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    perm("locked", 0o755);
    perm("secret.txt", 0o644);
    if readable_anyway || is_root() {
        eprintln!("notice: running as root, which reads files without permission; only checking that the scan completes");
        assert!(found_in(&doc, GOOD) == 1);
        return;
    }
    assert_disclosed(&doc, &err, "secret.txt", "cannot read: Permission denied");
    assert_disclosed(&doc, &err, "locked", "Permission denied");
}

#[test]
fn a_symlink_loop_is_reported_with_follow() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    let started = Instant::now();
    let (doc, err, _) = scan_json(dir.path(), &[".", "-L"]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_disclosed(&doc, &err, "sub/up", "symbolic link loop");
    assert_disclosed(&doc, &err, "self", "Too many levels of symbolic links");
    assert_eq!(found_in(&doc, GOOD), 1, "found once, not once per loop");

    // Named twice: each input searched once, and each skipped one listed once.
    let (doc, err, _) = scan_json(dir.path(), &[".", "./", "self"]);
    assert_eq!(found_in(&doc, GOOD), 1);
    assert_eq!(
        doc["summary"]["skipped"].as_array().unwrap().len(),
        1,
        "{doc}"
    );
    assert_eq!(err.matches("skipped self").count(), 1, "{err}");
}

#[test]
fn a_fifo_and_a_device_never_block_and_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let started = Instant::now();
    // In a walked directory, and named explicitly, with /dev/zero beside it.
    let (doc, err, _) = scan_json(dir.path(), &["."]);
    assert_disclosed(&doc, &err, "pipe", "not a regular file");
    let (doc, err, _) = scan_json(dir.path(), &["pipe", "/dev/zero", GOOD]);
    assert_disclosed(&doc, &err, "pipe", "not a regular file");
    assert_disclosed(&doc, &err, "/dev/zero", "not a regular file");
    assert!(started.elapsed() < Duration::from_secs(30), "blocked");
}

#[test]
fn a_file_gone_before_it_is_read_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    let (doc, err, code) = scan_json(dir.path(), &["vanished.log", GOOD]);
    assert_eq!(code, 1);
    assert_disclosed(&doc, &err, "vanished.log", "cannot read: No such file");
    let (_, _, code) = scan_json(dir.path(), &["vanished.log", GOOD, "--strict"]);
    assert_eq!(code, 2);
}

#[test]
fn a_live_log_truncated_while_it_is_scanned_keeps_what_was_read_and_the_scan_goes_on() {
    use std::io::BufRead;
    // A log written just now is read with `read` (never mapped), so truncation cannot fault.
    let dir = tempfile::tempdir().unwrap();
    let line = "2024-05-01T10:00:00Z login ok from 81.2.69.160 for jane.roe@fabrikam-mail.com\n";
    let lines = 400_000;
    write(dir.path(), "live.log", line.repeat(lines).as_bytes());
    write(dir.path(), "zz-good.txt", GOOD_TEXT.as_bytes());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("piiscan"))
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "jsonl", "-j", "1", "--no-progress"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The log's findings stream out in batches while it is scanned: the first one shows the
    // scan is inside the file; cut the file then.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("live.log"), "{first}");
    std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("live.log"))
        .unwrap()
        .set_len(1000)
        .unwrap();
    let rest: Vec<String> = out.lines().map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(1), "{err}");
    // The scan went on to the next file, and kept the log's findings read before the cut: at
    // least the first batch, at most all of them.
    let in_file = |name: &str| rest.iter().filter(|l| l.contains(name)).count();
    assert_eq!(in_file("zz-good.txt"), 1);
    let live = 1 + in_file("live.log");
    assert!((4096..=2 * lines).contains(&live), "{live}");
}

#[test]
fn memory_mapping_is_opt_in_and_finds_the_same() {
    // A file over one chunk, not modified for an hour: the one kind `--mmap` maps.
    let dir = tempfile::tempdir().unwrap();
    let block = format!(
        "{}login ok for jane.roe@fabrikam-mail.com\n",
        "GET /static/app.js 200 cache hit, nothing personal here\n".repeat(200)
    );
    let blocks = (9 << 20) / block.len() + 1;
    write(dir.path(), "old.log", block.repeat(blocks).as_bytes());
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(dir.path().join("old.log"))
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let (read, _, code) = scan_json(dir.path(), &["old.log"]);
    assert_eq!(code, 1);
    assert_eq!(found_in(&read, "old.log"), blocks);
    let (mapped, _, code) = scan_json(dir.path(), &["old.log", "--mmap"]);
    assert_eq!(code, 1);
    assert_eq!(mapped["findings"], read["findings"]);
}

/// `piiscan scan .` in `dir`: exit code and stderr, for configuration errors.
fn scan_err(dir: &Path, args: &[&str]) -> (i32, String) {
    let started = Instant::now();
    let (out, err, code) = stdout_of(piiscan(dir).arg("scan").arg(".").args(args));
    assert!(started.elapsed() < Duration::from_secs(30), "{err}");
    assert!(out.is_empty(), "nothing is scanned: {out}");
    (code, err)
}

#[test]
fn a_malformed_config_rule_file_or_baseline_exits_2_naming_file_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());

    write(dir.path(), ".piiscan.toml", b"fail-on = \"sometimes\"\n");
    let (code, err) = scan_err(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains(".piiscan.toml:1: unknown variant `sometimes`"),
        "{err}"
    );
    write(dir.path(), ".piiscan.toml", b"fail-on = [1,\n");
    let (code, err) = scan_err(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains(".piiscan.toml:2: invalid array; expected `]`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    write(dir.path(), ".piiscan.toml", b"\xff\xfe not text");
    let (code, err) = scan_err(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains(".piiscan.toml: cannot read"), "{err}");
    std::fs::remove_file(dir.path().join(".piiscan.toml")).unwrap();

    write(dir.path(), "rules/bad.toml", b"[[rule]\nid = ");
    let (code, err) = scan_err(dir.path(), &["--rules", "rules"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml: invalid TOML"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");

    write(
        dir.path(),
        "baseline.json",
        b"{\"piiscan-baseline\": 1, \"findings\": [{}]}",
    );
    let (code, err) = scan_err(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("baseline.json:1: not a piiscan baseline: missing field"),
        "{err}"
    );
    write(dir.path(), "baseline.json", b"");
    let (code, err) = scan_err(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("baseline.json:1: not a piiscan baseline"),
        "{err}"
    );
    let (code, err) = scan_err(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json: cannot read baseline"), "{err}");

    // A baseline that cannot be written is named, before anything is scanned.
    let (_, err, code) = stdout_of(piiscan(dir.path()).args([
        "baseline",
        ".",
        "--no-config",
        "--output",
        "no/such/dir/b.json",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot write the baseline file no/such/dir/b.json: No such file"),
        "{err}"
    );
    assert!(!err.contains("recorded"), "{err}");

    // A report written over one of the inputs would empty it before it is read.
    let (_, err, code) = stdout_of(piiscan(dir.path()).args([
        "scan",
        ".",
        GOOD,
        "--no-config",
        "--format",
        "json",
        "-o",
        GOOD,
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("is also an input"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(GOOD)).unwrap(),
        GOOD_TEXT
    );
}

/// The hostile user rule `huge` with `pattern`.
fn rule(pattern: &str) -> String {
    user_rule("huge", "contact-information", pattern, "aaaa", "bbbb")
}

#[test]
fn a_user_rule_whose_regex_is_too_large_exits_2_quickly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    for pattern in ["a{1000}{1000}", "[a-z]{65535}", "(?:(?:a{100}){100}){100}"] {
        write(dir.path(), "rules/huge.toml", rule(pattern).as_bytes());
        let (code, err) = scan_err(dir.path(), &["--rules", "rules"]);
        assert_eq!(code, 2, "{pattern}: {err}");
        assert!(err.contains("huge"), "{pattern}: the rule is named: {err}");
        assert!(
            err.contains("too big") || err.contains("size limit") || err.contains("exceeds"),
            "{pattern}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
}

#[test]
fn a_catastrophic_looking_rule_does_not_hang_the_scan() {
    // The engine is a DFA: nested repetition cannot backtrack exponentially.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "rules/nested.toml", rule("(a+)+b").as_bytes());
    write(dir.path(), "input.txt", "a".repeat(200_000).as_bytes());
    let started = Instant::now();
    let (_, err, code) = stdout_of(
        piiscan(dir.path())
            .args(["scan", "input.txt", "--rules", "rules"])
            .arg("--no-config"),
    );
    assert!(code == 0 || code == 1, "{err}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_panic_on_one_input_is_reported_and_the_scan_goes_on() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the test panic is compiled into debug builds only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // More inputs than the threads may run ahead of the writer, the panic early among them:
    // before, the other threads waited for its turn to be written, for ever.
    for i in 0..300 {
        write(dir.path(), &format!("f{i:03}.txt"), GOOD_TEXT.as_bytes());
    }
    write(dir.path(), "f002-boom.txt", GOOD_TEXT.as_bytes());
    for threads in ["1", "4"] {
        let started = Instant::now();
        let mut cmd = piiscan(dir.path());
        cmd.env("PIISCAN_TEST_PANIC_ON", "f002-boom.txt")
            .timeout(Duration::from_secs(120))
            .args([
                "scan",
                ".",
                "--format",
                "json",
                "--no-config",
                "--threads",
                threads,
            ]);
        let (out, err, code) = stdout_of(&mut cmd);
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{threads} threads: hung"
        );
        assert_eq!(code, 1, "{threads} threads: {err}");
        let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        let gaps = skipped(&doc);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(
            gaps["f002-boom.txt"].starts_with("internal error"),
            "{gaps:?}"
        );
        assert!(
            err.contains("piiscan: skipped f002-boom.txt: internal error"),
            "{err}"
        );
        assert_eq!(
            doc["findings"].as_array().unwrap().len(),
            300,
            "{threads} threads"
        );
    }
}

#[test]
fn a_stderr_that_cannot_be_written_neither_stops_the_scan_nor_loses_its_report() {
    // `2>/dev/full`: every write to stderr fails (as it does into a closed pipe). The skipped
    // input's message cannot be shown, but the report must still be written in full.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("notice: /dev/full is absent; skipping this test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), GOOD, GOOD_TEXT.as_bytes());
    write(dir.path(), "data.bin", b"a\0b");
    let out = dir.path().join("report.json");
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("piiscan"))
        .args(["scan", ".", "--format", "json", "--no-config", "-o"])
        .arg(&out)
        .current_dir(dir.path())
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "a finding, and no panic");
    let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(found_in(&doc, GOOD), 1);
    assert_eq!(skipped(&doc)["data.bin"], "binary file");
}

#[test]
fn control_characters_in_file_names_are_printed_escaped() {
    // A newline in a name would forge a line of text output, an escape sequence would reach
    // the terminal. JSON escapes them itself.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a\nb.txt", GOOD_TEXT.as_bytes());
    write(dir.path(), "e\u{1b}[31m.txt", GOOD_TEXT.as_bytes());
    write(dir.path(), "bin\n.dat", b"a\0b");
    let (out, err, code) = stdout_of(piiscan(dir.path()).args(["scan", ".", "--no-config"]));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("a\\nb.txt:1:10 email"), "{out}");
    assert!(out.contains("e\\u{1b}[31m.txt:1:10 email"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
    assert_eq!(
        err.lines().next(),
        Some("piiscan: skipped bin\\n.dat: binary file"),
        "{err}"
    );
    let (doc, _, _) = scan_json(dir.path(), &["."]);
    assert_eq!(found_in(&doc, "a\nb.txt"), 1);
    assert_eq!(skipped(&doc)["bin\n.dat"], "binary file");
}
