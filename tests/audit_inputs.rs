//! Audit inputs: compressed files (by their magic bytes), archives, standard input, and what a
//! damaged or hostile input does to a scan. Fixtures are made here, in a temporary directory,
//! from fixtures/tree with the same crates piiscan reads them with.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::Path;

use common::*;
use serde_json::Value;

fn plain(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).expect("fixture exists")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap()
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Two gzip members, split at `at`: `cat a.gz b.gz`.
fn gzip_two_members(data: &[u8], at: usize) -> Vec<u8> {
    let mut out = gzip(&data[..at]);
    out.extend(gzip(&data[at..]));
    out
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn write(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, data).unwrap();
}

/// `piiscan scan ARGS --format json` in `dir`: the document, stderr and the exit code.
fn scan_json(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> (Value, String, i32) {
    let mut cmd = piiscan(dir);
    cmd.arg("scan").args(args).args(["--format", "json"]);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let (out, err, code) = stdout_of(&mut cmd);
    let doc = serde_json::from_str(&out).unwrap_or_else(|_| panic!("JSON output; stderr: {err}"));
    (doc, err, code)
}

/// What must not change between plain, compressed, archived and piped input: everything but
/// the path (and the fingerprint, which hashes the path).
type Key = (String, u64, u64, u64, u64, String);

fn key(f: &Value) -> Key {
    (
        f["rule"].as_str().unwrap().to_string(),
        f["byte_offset"].as_u64().unwrap(),
        f["line"].as_u64().unwrap(),
        f["column"].as_u64().unwrap(),
        f["length"].as_u64().unwrap(),
        f["redacted"].as_str().unwrap().to_string(),
    )
}

/// Findings by path, in output order.
fn by_path(doc: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for f in doc["findings"].as_array().unwrap() {
        map.entry(f["path"].as_str().unwrap().to_string())
            .or_default()
            .push(f.clone());
    }
    map
}

fn keys(findings: &[Value]) -> Vec<Key> {
    findings.iter().map(key).collect()
}

fn skipped(doc: &Value) -> Vec<(String, String)> {
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

fn paths(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_same_content_gives_the_same_findings_however_it_is_packed() {
    for fixture in ["customers.csv", "logs/app.jsonl"] {
        let text = plain(fixture);
        let name = Path::new(fixture).file_name().unwrap().to_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, &format!("plain/{name}"), &text);
        write(d, &format!("gz/{name}.gz"), &gzip(&text));
        write(
            d,
            &format!("multi/{name}.gz"),
            &gzip_two_members(&text, text.len() / 2),
        );
        write(d, &format!("zst/{name}.zst"), &zstd(&text));
        write(d, &format!("bz2/{name}.bz2"), &bzip2(&text));
        write(d, &format!("xz/{name}.xz"), &xz(&text));
        write(d, "x.zip", &zip(&[(name, &text)]));
        write(d, "x.tar.gz", &gzip(&tar(&[(name, &text)])));
        write(d, "x.tar", &tar(&[(name, &text)]));
        write(d, "x.tar.zst", &zstd(&tar(&[(name, &text)])));
        write(d, "x.tar.bz2", &bzip2(&tar(&[(name, &text)])));
        write(d, "x.tar.xz", &xz(&tar(&[(name, &text)])));

        let (doc, err, _) = scan_json(d, &["."], None);
        assert!(
            skipped(&doc).is_empty(),
            "{fixture}: nothing skipped; {err}"
        );
        let found = by_path(&doc);
        let expected = keys(&found[&format!("plain/{name}")]);
        assert!(
            expected.len() >= 3,
            "{fixture}: {} findings",
            expected.len()
        );
        for path in [
            format!("gz/{name}.gz"),
            format!("multi/{name}.gz"),
            format!("zst/{name}.zst"),
            format!("bz2/{name}.bz2"),
            format!("xz/{name}.xz"),
            format!("x.zip!{name}"),
            format!("x.tar.gz!{name}"),
            format!("x.tar!{name}"),
            format!("x.tar.zst!{name}"),
            format!("x.tar.bz2!{name}"),
            format!("x.tar.xz!{name}"),
        ] {
            let got = found.get(&path).map(|f| keys(f)).unwrap_or_default();
            assert!(
                got == expected,
                "{fixture}: findings of {path} differ from the plain file's"
            );
        }
        // 6 single inputs and 6 archives of one member each, the archives counted too.
        assert_eq!(doc["summary"]["files_scanned"], 6 + 6 * 2, "{fixture}");
        assert_eq!(
            doc["summary"]["bytes_scanned"].as_u64().unwrap(),
            12 * text.len() as u64,
            "{fixture}: bytes are decompressed bytes"
        );

        // Standard input, plain and compressed, named as the plain file: fingerprints match too.
        let plain_doc = scan_json(&d.join("plain"), &[name], None).0;
        for input in [text.clone(), gzip(&text), xz(&text)] {
            let (doc, err, _) = scan_json(d, &["-", "--stdin-name", name], Some(input));
            assert!(skipped(&doc).is_empty(), "{err}");
            assert!(
                doc["findings"] == plain_doc["findings"],
                "{fixture}: findings on stdin differ from the file's"
            );
        }
    }
}

#[test]
fn compression_is_told_by_magic_bytes_not_by_name() {
    let text = plain("customers.csv");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "data.log", &gzip(&text));
    write(dir.path(), "export.dat", &zip(&[("customers.csv", &text)]));
    write(dir.path(), "plain.csv", &text);
    let (doc, err, _) = scan_json(dir.path(), &["."], None);
    assert!(skipped(&doc).is_empty(), "{err}");
    let found = by_path(&doc);
    let expected = keys(&found["plain.csv"]);
    assert!(keys(&found["data.log"]) == expected);
    assert!(keys(&found["export.dat!customers.csv"]) == expected);
}

#[test]
fn a_value_straddling_a_chunk_boundary_inside_a_compressed_stream_is_found() {
    let chunk = 4096;
    let mut text = vec![b'x'; chunk - 10];
    text.extend_from_slice(b" mail jane.roe@fabrikam-mail.com ok\n");
    text.extend(std::iter::repeat_n(b'y', 3 * chunk));
    text.extend_from_slice(b"\nlast ip 81.2.69.142\n");
    let at = chunk - 10 + 6 + 5; // a gzip member boundary inside the address, too
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "one.log.gz", &gzip(&text));
    write(dir.path(), "two.log.gz", &gzip_two_members(&text, at));
    write(dir.path(), "t.log.zst", &zstd(&text));
    let chunk_arg = chunk.to_string();
    let (doc, err, _) = scan_json(dir.path(), &[".", "--chunk-size", &chunk_arg], None);
    assert!(skipped(&doc).is_empty(), "{err}");
    let found = by_path(&doc);
    for path in ["one.log.gz", "two.log.gz", "t.log.zst"] {
        let rows = &found[path];
        let emails: Vec<_> = rows.iter().filter(|f| f["rule"] == "email").collect();
        assert_eq!(emails.len(), 1, "{path}: the address is found once");
        assert_eq!(emails[0]["byte_offset"], chunk - 10 + 6, "{path}");
        assert_eq!(emails[0]["column"], chunk - 10 + 7, "{path}");
        let ips: Vec<_> = rows.iter().filter(|f| f["rule"] == "ipv4").collect();
        assert_eq!(ips.len(), 1, "{path}");
        assert_eq!(ips[0]["line"], 3, "{path}: lines carry across chunks");
    }
}

/// customers.csv, repeated with distinct row ids, so a cut in the middle leaves findings.
fn many_customers() -> Vec<u8> {
    let text = String::from_utf8(plain("customers.csv")).unwrap();
    let mut out = String::new();
    for i in 0..400 {
        for (j, line) in text.lines().enumerate() {
            if j > 0 || i == 0 {
                out.push_str(&format!("{line},{i}\n"));
            }
        }
    }
    out.into_bytes()
}

#[test]
fn a_truncated_gzip_keeps_the_findings_before_the_cut_and_is_reported_incomplete() {
    let text = many_customers();
    let whole = gzip(&text);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/cut.csv.gz", &whole[..whole.len() / 2]);
    write(dir.path(), "b/other.csv", &plain("customers.csv"));
    let clean = gzip(&vec![b'z'; 100_000]);
    write(dir.path(), "clean/cut.txt.gz", &clean[..clean.len() / 2]);

    let (doc, err, code) = scan_json(dir.path(), &["a", "b"], None);
    assert_eq!(
        code, 1,
        "findings still fail the run; the gap does not change it"
    );
    let found = by_path(&doc);
    let cut = &found["a/cut.csv.gz"];
    assert!(cut.len() > 100, "findings before the cut: {}", cut.len());
    let full = scan_json(dir.path(), &["-", "--stdin-name", "x"], Some(text.clone())).0;
    let all = doc["findings"].as_array().unwrap().len();
    assert!(cut.len() < full["findings"].as_array().unwrap().len());
    assert!(found.contains_key("b/other.csv"), "the scan goes on");
    assert_eq!(all, cut.len() + found["b/other.csv"].len());
    let gaps = skipped(&doc);
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].0, "a/cut.csv.gz");
    assert!(
        gaps[0]
            .1
            .starts_with("incomplete: gzip stream truncated after "),
        "{}",
        gaps[0].1
    );
    assert!(err.contains("skipped a/cut.csv.gz: incomplete: gzip stream truncated after "));
    // Every finding lies before the point where the stream stopped.
    let stopped: u64 = gaps[0].1["incomplete: gzip stream truncated after ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(cut
        .iter()
        .all(|f| f["byte_offset"].as_u64().unwrap() < stopped));
    assert!(doc["findings"] != full["findings"]);

    let (doc, _, code) = scan_json(dir.path(), &["clean"], None);
    assert_eq!(code, 0, "a gap alone does not fail the run");
    assert!(skipped(&doc)[0]
        .1
        .starts_with("incomplete: gzip stream truncated"));
}

/// About 3 MB of log lines with a customer row now and then: more than a zstd or bzip2 block.
fn long_log() -> Vec<u8> {
    let rows = many_customers();
    let rows: Vec<&[u8]> = rows.split(|&b| b == b'\n').collect();
    let mut out = Vec::new();
    for i in 0..30_000 {
        out.extend_from_slice(
            format!(
                "{i:06} worker-{} finished batch {} in {} ms, nothing to report\n",
                i % 7,
                i * 31 % 9973,
                i % 250
            )
            .as_bytes(),
        );
        if i % 100 == 0 {
            out.extend_from_slice(rows[i / 100 % rows.len()]);
            out.push(b'\n');
        }
    }
    out
}

#[test]
fn truncated_zstd_bzip2_and_xz_are_reported_incomplete_too() {
    let text = long_log();
    let dir = tempfile::tempdir().unwrap();
    for (name, data) in [
        ("t.zst", zstd(&text)),
        ("t.bz2", bzip2(&text)),
        ("t.xz", xz(&text)),
    ] {
        write(dir.path(), name, &data[..data.len() * 2 / 3]);
    }
    let (doc, err, _) = scan_json(dir.path(), &["."], None);
    let gaps = skipped(&doc);
    assert_eq!(gaps.len(), 3, "{err}");
    for (path, reason) in &gaps {
        assert!(reason.starts_with("incomplete: "), "{path}: {reason}");
        assert!(
            reason.contains("truncated after") || reason.contains("corrupt after"),
            "{path}: {reason}"
        );
    }
    let found = by_path(&doc);
    for name in ["t.zst", "t.bz2", "t.xz"] {
        assert!(found.get(name).is_some_and(|f| !f.is_empty()), "{name}");
    }
}

#[test]
fn a_corrupt_zip_is_reported_and_the_scan_goes_on() {
    let text = plain("customers.csv");
    let dir = tempfile::tempdir().unwrap();
    let mut bad = b"PK\x03\x04".to_vec();
    bad.extend(std::iter::repeat_n(0xa5, 300));
    write(dir.path(), "bad.zip", &bad);
    let good = zip(&[("a.csv", &text), ("b.csv", &text)]);
    write(dir.path(), "cut.zip", &good[..good.len() - 30]);
    // A member whose compressed bytes are damaged.
    let mut damaged = zip(&[("a.csv", &text), ("b.csv", &text)]);
    let at = 30 + "a.csv".len() + 20;
    damaged[at] ^= 0xff;
    damaged[at + 1] ^= 0xff;
    write(dir.path(), "damaged.zip", &damaged);
    write(dir.path(), "z.csv", &text);
    let (doc, err, _) = scan_json(dir.path(), &["."], None);
    let gaps: BTreeMap<String, String> = skipped(&doc).into_iter().collect();
    assert!(gaps["bad.zip"].starts_with("corrupt zip archive"), "{err}");
    assert!(gaps["cut.zip"].starts_with("corrupt zip archive"), "{err}");
    assert!(
        gaps.get("damaged.zip!a.csv")
            .is_some_and(|r| r.contains("zip stream corrupt") || r.contains("cannot read")),
        "{err}"
    );
    let found = by_path(&doc);
    assert!(
        !found["damaged.zip!b.csv"].is_empty(),
        "the next member is scanned"
    );
    assert!(!found["z.csv"].is_empty(), "the scan goes on");
}

/// Every `from` in `bytes` (a zip's names, in its local headers and in its directory)
/// replaced by `to`, of the same length: the zip writer refuses two members of one name.
fn rename(bytes: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let mut at = 0;
    while let Some(i) = bytes[at..]
        .windows(from.len())
        .position(|w| w == from.as_bytes())
    {
        bytes[at + i..at + i + to.len()].copy_from_slice(to.as_bytes());
        at += i + to.len();
    }
}

#[test]
fn a_zip_with_members_of_one_name_is_reported_incomplete() {
    // Of members that share a name, only the last is listed by the zip reader: the others
    // are not searched, and the output must say so.
    let dir = tempfile::tempdir().unwrap();
    let mut dup = zip(&[
        ("a.txt", b"mark.t@fabrikam-mail.com\n"),
        ("b.txt", b"client 81.2.69.142\n"),
        ("c.txt", b"jane.roe@fabrikam-mail.com\n"),
        ("d.txt", b"nothing here\n"),
    ]);
    rename(&mut dup, "c.txt", "a.txt");
    rename(&mut dup, "d.txt", "a.txt");
    write(dir.path(), "dup.zip", &dup);
    write(dir.path(), "z.csv", &plain("customers.csv"));
    let (doc, err, _) = scan_json(dir.path(), &["."], None);
    let reason = "incomplete: 2 of its zip members not scanned: a later member has the same name";
    assert_eq!(
        skipped(&doc),
        [("dup.zip".to_string(), reason.to_string())],
        "{err}"
    );
    assert!(
        err.contains(&format!("piiscan: skipped dup.zip: {reason}")),
        "{err}"
    );
    let found = by_path(&doc);
    assert_eq!(
        found["dup.zip!b.txt"].len(),
        1,
        "the other members are searched"
    );
    assert!(
        !found.contains_key("dup.zip!a.txt"),
        "the last a.txt holds nothing"
    );
    assert!(!found["z.csv"].is_empty(), "the scan goes on");
    // The same from standard input, which is copied to a temporary file first.
    let (doc, _, _) = scan_json(dir.path(), &["-"], Some(dup));
    assert_eq!(skipped(&doc)[0].1, reason);
}

#[test]
fn a_zip_bomb_stops_at_max_decompressed() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("zeros.txt", options).unwrap();
    let block = vec![b'0'; 1 << 20];
    for _ in 0..200 {
        w.write_all(&block).unwrap();
    }
    w.start_file("after.csv", options).unwrap();
    w.write_all(&plain("customers.csv")).unwrap();
    let bomb = w.finish().unwrap().into_inner();
    assert!(
        bomb.len() < 1 << 20,
        "200 MB compress to {} bytes",
        bomb.len()
    );
    write(dir.path(), "bomb.zip", &bomb);
    write(dir.path(), "z.csv", &plain("customers.csv"));

    let (doc, err, _) = scan_json(dir.path(), &[".", "--max-decompressed", "1M"], None);
    let gaps: BTreeMap<String, String> = skipped(&doc).into_iter().collect();
    let reason = &gaps["bomb.zip!zeros.txt"];
    assert!(
        reason.starts_with(
            "incomplete: stopped after 1048576 bytes: more than --max-decompressed (1M)"
        ),
        "{reason}; {err}"
    );
    assert!(
        gaps["bomb.zip"].contains("stopped after 1 members"),
        "{}",
        gaps["bomb.zip"]
    );
    assert!(!by_path(&doc)["z.csv"].is_empty(), "the scan goes on");
    assert!(doc["summary"]["bytes_scanned"].as_u64().unwrap() < 2 << 20);
}

#[test]
fn archives_nest_up_to_three_levels() {
    let text = plain("customers.csv");
    let l4 = zip(&[("deepest.csv", &text)]);
    let l3 = zip(&[("c3.csv", &text), ("l4.zip", &l4)]);
    let l2 = gzip(&tar(&[("c2.csv", &text), ("l3.zip", &l3)]));
    let l1 = zip(&[("c1.csv", &text), ("inner.tar.gz", &l2)]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.zip", &l1);
    let (doc, err, _) = scan_json(dir.path(), &["."], None);
    let found = by_path(&doc);
    let expected =
        keys(&by_path(&scan_json(&fixtures(), &["customers.csv"], None).0)["customers.csv"]);
    for path in [
        "a.zip!c1.csv",
        "a.zip!inner.tar.gz!c2.csv",
        "a.zip!inner.tar.gz!l3.zip!c3.csv",
    ] {
        assert!(keys(&found[path]) == expected, "{path}");
    }
    assert_eq!(
        paths(&doc)
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3,
        "nothing deeper is scanned"
    );
    let gaps = skipped(&doc);
    assert_eq!(
        gaps,
        [(
            "a.zip!inner.tar.gz!l3.zip!l4.zip".to_string(),
            "zip archive nested more than 3 archives deep (not unpacked)".to_string()
        )],
        "{err}"
    );
    // Members come in the archive's order.
    let order: Vec<String> = paths(&doc).into_iter().fold(Vec::new(), |mut v, p| {
        if v.last() != Some(&p) {
            v.push(p);
        }
        v
    });
    assert_eq!(
        order,
        [
            "a.zip!c1.csv",
            "a.zip!inner.tar.gz!c2.csv",
            "a.zip!inner.tar.gz!l3.zip!c3.csv"
        ]
    );
}

#[test]
fn binary_members_are_skipped_visibly_and_archive_order_is_kept() {
    let text = plain("customers.csv");
    let image = plain("image.bin");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.tar",
        &tar(&[("z.csv", &text), ("image.bin", &image), ("a.csv", &text)]),
    );
    write(dir.path(), "n.csv", &text);
    let (doc, _, _) = scan_json(dir.path(), &["."], None);
    assert_eq!(
        skipped(&doc),
        [("m.tar!image.bin".to_string(), "binary file".to_string())]
    );
    let mut order = paths(&doc);
    order.dedup();
    assert_eq!(order, ["m.tar!z.csv", "m.tar!a.csv", "n.csv"]);
}

#[test]
fn a_zero_byte_file_is_scanned_without_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.txt", b"");
    write(dir.path(), "empty.gz", &gzip(b""));
    write(dir.path(), "empty.zip", &zip(&[]));
    let (doc, err, code) = scan_json(dir.path(), &["."], None);
    assert_eq!(code, 0, "{err}");
    assert!(skipped(&doc).is_empty(), "{err}");
    assert_eq!(doc["summary"]["files_scanned"], 3);
    assert_eq!(doc["summary"]["bytes_scanned"], 0);
    let (doc, err, code) = scan_json(dir.path(), &["-"], Some(Vec::new()));
    assert_eq!((code, skipped(&doc).len()), (0, 0), "{err}");
}

#[test]
fn stdin_comes_first_beside_other_paths_and_is_named() {
    let text = plain("customers.csv");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "d/a.csv", &text);
    let (doc, err, code) = scan_json(dir.path(), &["d", "-"], Some(gzip(&text)));
    assert_eq!(code, 1, "{err}");
    let mut order = paths(&doc);
    order.dedup();
    assert_eq!(order, ["<stdin>", "d/a.csv"]);
    let (doc, _, _) = scan_json(
        dir.path(),
        &["-", "d", "--stdin-name", "upload.csv"],
        Some(text.clone()),
    );
    let mut order = paths(&doc);
    order.dedup();
    assert_eq!(order, ["upload.csv", "d/a.csv"]);
    // Text output shows the name too.
    let (out, _, _) = stdout_of(
        piiscan(dir.path())
            .args(["scan", "-", "--stdin-name", "upload.csv"])
            .write_stdin(zip(&[("inner.csv", &text)])),
    );
    assert!(
        out.lines().all(|l| l.starts_with("upload.csv!inner.csv:")),
        "{out}"
    );
}

#[test]
fn progress_bar_only_when_asked_for_outside_a_terminal() {
    let (_, err, _) = stdout_of(piiscan(&fixtures()).args(["scan", ".", "--progress"]));
    assert!(err.contains("files"), "a forced bar is drawn: {err}");
    for extra in [
        &[][..],
        &["--no-progress"][..],
        &["--progress", "--no-progress"][..],
    ] {
        let (_, err, _) = stdout_of(piiscan(&fixtures()).args(["scan", "."]).args(extra));
        assert!(
            err.lines().all(|l| l.starts_with("piiscan: ")),
            "no bar in a pipe ({extra:?}): {err}"
        );
    }
}

/// A directory of dense inputs: each holds many batches of findings (see `spill.rs`), and
/// they end with last batches large and small.
fn dense_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, rows) in [9_000, 5_200, 300, 12_000, 4_500, 50].iter().enumerate() {
        let mut text = String::new();
        for r in 0..*rows {
            text.push_str(&format!(
                "10.0.{i}.{} client 81.2.{}.{} user{r}@fabrikam-mail.com\n",
                r % 250,
                r % 200,
                r % 250
            ));
        }
        std::fs::write(dir.path().join(format!("app-{i}.log")), text).unwrap();
    }
    dir
}

/// The scan's JSON Lines, read by a reader that takes `pause` between small reads, or that
/// stops after the first line.
fn jsonl_read_slowly(dir: &Path, pause: std::time::Duration, first_line_only: bool) -> String {
    use std::io::Read;
    let bin = assert_cmd::cargo::cargo_bin("piiscan");
    let mut child = std::process::Command::new(bin)
        .args(["scan", ".", "--format", "jsonl", "--fail-on", "never"])
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut out = Vec::new();
    let mut piece = [0u8; 16 << 10];
    loop {
        let n = stdout.read(&mut piece).unwrap();
        out.extend_from_slice(&piece[..n]);
        if n == 0 || (first_line_only && out.contains(&b'\n')) {
            break;
        }
        std::thread::sleep(pause);
    }
    drop(stdout);
    // A worker waiting for a writer that stopped would hang here.
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("piiscan did not stop");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    String::from_utf8(out).unwrap()
}

#[test]
fn a_slow_reader_gets_the_same_output_in_the_same_order() {
    let dir = dense_tree();
    let fast = scan_as(dir.path(), "jsonl", &[]);
    assert_eq!(
        fast.lines().count(),
        2 * (9_000 + 5_200 + 300 + 12_000 + 4_500 + 50)
    );
    let slow = jsonl_read_slowly(dir.path(), std::time::Duration::from_millis(1), false);
    assert!(slow == fast, "the slowly read output differs");
}

#[test]
fn a_reader_that_stops_early_stops_the_scan() {
    let dir = dense_tree();
    let first = jsonl_read_slowly(dir.path(), std::time::Duration::ZERO, true);
    let line = first.lines().next().unwrap();
    let row: Value = serde_json::from_str(line).unwrap();
    assert_eq!(row["path"], "app-0.log");
}
