//! Scale-out: deterministic shards and record mode (Spark / Hadoop Streaming workers).

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

/// Every finding of a JSONL scan as a comparable line (paths included).
fn scan_lines(dir: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let (out, err, code) = stdout_of(
        piiscan(dir)
            .args(["scan", ".", "--format", "jsonl", "--fail-on", "never"])
            .args(extra)
            // A scan that hangs (a worker waiting for what it keeps itself) fails, not stalls.
            .timeout(std::time::Duration::from_secs(120)),
    );
    assert_eq!(code, 0, "{extra:?}: hung or failed: {err}");
    out.lines().map(str::to_string).collect()
}

fn tree_with_many_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let sub = dir.path().join(format!("part{}", i % 7));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            sub.join(format!("f{i}.log")),
            format!(
                "client 81.2.{}.{} user{i}@fabrikam-mail.com\n",
                i % 200,
                7 + i % 100
            ),
        )
        .unwrap();
    }
    dir
}

#[test]
fn the_union_of_all_shards_is_the_unsharded_scan() {
    let dir = tree_with_many_files();
    let all = scan_lines(dir.path(), &[]);
    assert_eq!(all.len(), 120);
    for n in [1, 2, 3, 5, 8] {
        let mut union: Vec<String> = Vec::new();
        let mut sizes = Vec::new();
        for k in 1..=n {
            let part = scan_lines(dir.path(), &["--shard", &format!("{k}/{n}")]);
            sizes.push(part.len());
            union.extend(part);
        }
        union.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(union, expected, "{n} shards");
        if n > 1 {
            assert!(
                sizes.iter().all(|&s| s < all.len()),
                "{n} shards: {sizes:?}"
            );
        }
    }
}

#[test]
fn shard_index_and_kubernetes_job_index_agree_with_shard() {
    let dir = tree_with_many_files();
    let a = scan_lines(dir.path(), &["--shard", "2/3"]);
    let b = scan_lines(dir.path(), &["--shard-index", "1", "--shard-count", "3"]);
    assert_eq!(a, b);
    let (out, _, _) = stdout_of(
        piiscan(dir.path())
            .args([
                "scan",
                ".",
                "--format",
                "jsonl",
                "--fail-on",
                "never",
                "--shard-count",
                "3",
            ])
            .env("JOB_COMPLETION_INDEX", "1"),
    );
    assert_eq!(out.lines().map(str::to_string).collect::<Vec<_>>(), a);
    // Shards are taken relative to the scan root: naming the root differently changes nothing.
    let parent = dir.path().parent().unwrap();
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    let (out, _, _) = stdout_of(piiscan(parent).args([
        "scan",
        name,
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "--shard",
        "2/3",
    ]));
    let rel: BTreeSet<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .trim_start_matches(&format!("{name}/"))
                .to_string()
        })
        .collect();
    let direct: BTreeSet<String> = a
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(rel, direct);
    let (_, err, code) = stdout_of(piiscan(dir.path()).args(["scan", ".", "--shard", "4/3"]));
    assert_eq!(code, 2);
    assert!(err.contains("`4/3` is not a shard"), "{err}");
}

fn record_mode(input: &str, args: &[&str]) -> (Vec<Value>, String, i32) {
    let bin = assert_cmd::cargo::cargo_bin("piiscan");
    // Spark starts piped children with an almost empty environment, from its own directory.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args(["scan", "-"])
        .args(args)
        .env_clear()
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Feed stdin from another thread: piiscan writes while it reads, and a full stdout pipe
    // would otherwise block both sides.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    let rows = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        rows,
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn record_mode_jsonl_keeps_paths_order_and_offsets() {
    let input = [
        r#"{"path": "logs/a.log", "text": "client 81.2.69.142 mail bob.new@fabrikam-mail.com"}"#,
        "this line is not JSON",
        r#"{"path": "exports/b.csv", "text": "Zoë,+44 20 3183 4967"}"#,
        r#"{"path": "logs/c.log", "text": "nothing here"}"#,
    ]
    .join("\n");
    let (rows, err, code) = record_mode(&input, &["--input-format", "jsonl"]);
    assert_eq!(code, 0, "a worker exits 0 even with findings: {err}");
    let got: Vec<(u64, &str, &str, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["record"].as_u64().unwrap(),
                r["path"].as_str().unwrap(),
                r["rule"].as_str().unwrap(),
                r["byte_offset"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "logs/a.log", "ipv4", 7, 8),
            (1, "logs/a.log", "email", 24, 25),
            (3, "exports/b.csv", "phone", 5, 5),
        ]
    );
    assert!(err.contains("record 2: not a JSON object"), "{err}");
    assert!(!err.contains("bob.new"), "no value on stderr");
}

#[test]
fn record_mode_lines_and_custom_fields() {
    let (rows, _, code) = record_mode(
        "a 81.2.69.142\n\nc bob.new@fabrikam-mail.com\n",
        &["--input-format", "lines", "--stdin-name", "part-00001"],
    );
    assert_eq!(code, 0);
    let got: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["record"].as_u64().unwrap(), r["path"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(1, "part-00001"), (3, "part-00001")]);

    let (rows, _, _) = record_mode(
        r#"{"file": "x.log", "line": "ip 81.2.69.142"}"#,
        &[
            "--input-format",
            "jsonl",
            "--path-field",
            "file",
            "--text-field",
            "line",
        ],
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["path"], "x.log");

    // Many records: output order follows input order across batches and threads.
    let many: String = (0..5000)
        .map(|i| format!("{{\"path\": \"p{i}\", \"text\": \"u{i}@fabrikam-mail.com\"}}\n"))
        .collect();
    let (rows, _, _) = record_mode(&many, &["--input-format", "jsonl", "--threads", "2"]);
    let records: Vec<u64> = rows.iter().map(|r| r["record"].as_u64().unwrap()).collect();
    assert_eq!(records, (1..=5000).collect::<Vec<u64>>());
}

#[test]
fn a_record_that_cannot_be_scanned_is_reported_and_counted() {
    // A NUL byte makes a record binary, as it does a file: not scanned, and said so.
    let input = [
        r#"{"path": "p", "text": "a\u0000b jane.roe@fabrikam-mail.com"}"#,
        r#"{"path": "q", "text": "jane.roe@fabrikam-mail.com"}"#,
        "this line is not JSON",
    ]
    .join("\n");
    let (rows, err, code) = record_mode(&input, &["--input-format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let records: Vec<u64> = rows.iter().map(|r| r["record"].as_u64().unwrap()).collect();
    assert_eq!(records, [2]);
    assert!(
        err.contains("piiscan: record 1: binary (a NUL byte), skipped\n"),
        "{err}"
    );
    assert!(
        err.contains("piiscan: record 3: not a JSON object"),
        "{err}"
    );
    assert!(
        err.contains("piiscan: 3 records, 1 findings, 2 records skipped"),
        "{err}"
    );
    assert!(!err.contains("jane.roe"), "no value on stderr: {err}");

    // A line that starts as bzip2 data does not decompress: not scanned to its end.
    let (rows, err, _) = record_mode(
        "x\0y jane.roe@fabrikam-mail.com\nz jane.roe@fabrikam-mail.com\nBZh91AY&SY jane\n",
        &["--input-format", "lines"],
    );
    assert_eq!(rows.len(), 1);
    assert!(
        err.contains("piiscan: record 1: binary (a NUL byte), skipped\n"),
        "{err}"
    );
    assert!(
        err.contains("piiscan: record 3: incomplete: bzip2 stream"),
        "{err}"
    );
    assert!(
        err.contains("piiscan: 3 records, 1 findings, 2 records skipped"),
        "{err}"
    );
}

#[test]
fn record_mode_needs_stdin() {
    let (_, err, code) =
        stdout_of(piiscan(&root()).args(["scan", "src", "--input-format", "lines"]));
    assert_eq!(code, 2);
    assert!(err.contains("reads records from standard input"), "{err}");
}

/// Big inputs (far more findings than a batch, see `spill`) between small ones.
fn tree_with_big_inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, n) in [("b.log", 20_000), ("e.log", 30_000), ("f.log", 30_000)] {
        let big: String = (0..n)
            .map(|i| format!("client 81.2.{}.{} ok\n", i % 250, 7 + i % 200))
            .collect();
        std::fs::write(dir.path().join(name), big).unwrap();
    }
    for name in ["a.log", "c.log", "d.log"] {
        std::fs::write(dir.path().join(name), "mail bob.new@fabrikam-mail.com\n").unwrap();
    }
    dir
}

#[test]
fn large_inputs_stream_their_findings_in_order_whatever_the_threads() {
    // The later big inputs are scanned while an earlier one is, and make more findings ahead
    // than the writer holds for them (`run::AHEAD_FINDINGS`): the rest waits in spill files.
    let dir = tree_with_big_inputs();
    let one = scan_lines(dir.path(), &["-j", "1"]);
    let four = scan_lines(dir.path(), &["-j", "4"]);
    assert_eq!(one.len(), 80_003);
    assert!(one == four, "output differs between 1 and 4 threads");
    let keys: Vec<(String, u64)> = one
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["path"].as_str().unwrap().to_string(),
                v["byte_offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn many_small_inputs_between_big_ones_are_written_in_order_whatever_the_threads() {
    // Far more small inputs than a worker keeps before sending them (`run::DONE_BATCH`) or may
    // run ahead of the writer, with big inputs among them that send findings while scanned and
    // whose worker may have to wait: a worker must send what it keeps before it waits.
    let dir = tempfile::tempdir().unwrap();
    let mut want = 0;
    for i in 0..400 {
        let name = format!("f{i:03}.log");
        if i % 97 == 50 {
            let big: String = (0..12_000)
                .map(|k| format!("client 81.2.{}.{} ok\n", k % 250, 7 + k % 200))
                .collect();
            std::fs::write(dir.path().join(name), big).unwrap();
            want += 12_000;
        } else {
            let line = format!("mail user{i}@fabrikam-mail.com\n");
            std::fs::write(dir.path().join(name), line).unwrap();
            want += 1;
        }
    }
    let paths = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["path"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let one = scan_lines(dir.path(), &["-j", "1"]);
    assert_eq!(one.len(), want);
    let in_order = paths(&one);
    assert!(in_order.windows(2).all(|w| w[0] <= w[1]), "out of order");
    for threads in ["2", "4"] {
        let many = scan_lines(dir.path(), &["-j", threads]);
        assert!(
            one == many,
            "output differs between 1 and {threads} threads"
        );
    }
}

#[test]
fn the_data_map_and_the_json_document_are_the_same_whatever_the_threads() {
    // Each scanning thread counts its own findings; the counts are merged at the end.
    let dir = tree_with_big_inputs();
    let run = |format: &str, threads: &str| scan_as(dir.path(), format, &["-j", threads]);
    let one = run("summary", "1");
    assert!(one.contains("80003 findings"), "{one}");
    assert_eq!(one, run("summary", "4"));
    let document: Value = serde_json::from_str(&run("json", "1")).unwrap();
    assert_eq!(document["findings"].as_array().unwrap().len(), 80_003);
    assert_eq!(document["summary"]["findings"], 80_003);
    let four: Value = serde_json::from_str(&run("json", "4")).unwrap();
    assert!(
        document == four,
        "the JSON document differs between 1 and 4 threads"
    );
}

#[test]
fn a_large_file_searched_in_parts_by_several_threads_counts_what_one_thread_counts() {
    // Parts of 8 KiB: each file below is searched by several threads at once, and some
    // matches span the line break at a part's start (a password on the line after its key),
    // so the search before it must go on into that part.
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for i in 0..12_000 {
        log.push_str(&match i % 6 {
            0 => format!("login user{i}@fabrikam-mail.com password:\n"),
            1 => format!("  Summer{i}x from 81.2.{}.{}\n", i % 250, 7 + i % 200),
            2 => "lat 48.8566,\n".to_string(),
            3 => " 2.3522 seen\n".to_string(),
            4 => format!("card 4111 1111 1111 1111 # piiscan:ignore {i}\n"),
            _ => format!("phone +44 20 7946 0{:03} ok\n", i % 1000),
        });
    }
    std::fs::write(dir.path().join("app.log"), &log).unwrap();
    let mut csv = String::from("id,email,phone,dob\n");
    for i in 0..8_000 {
        csv.push_str(&format!(
            "{i},user{i}@fabrikam-mail.com,+44 20 7946 0{:03},1980-01-{:02}\n",
            i % 1000,
            1 + i % 28
        ));
    }
    std::fs::write(dir.path().join("export.csv"), &csv).unwrap();
    // Compressed: split by its size on disk, but searched whole by the thread of part 0.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(log.repeat(3).as_bytes()).unwrap();
    std::fs::write(dir.path().join("old.log.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.path().join("small.log"),
        "mail bob.new@fabrikam-mail.com\n",
    )
    .unwrap();

    let run = |threads: &str, extra: &[&str]| {
        stdout_of(
            piiscan(dir.path())
                .args(["scan", ".", "--format", "summary", "-j", threads])
                .args(["--part-size", "8192", "--chunk-size", "4096"])
                .args(extra)
                .timeout(std::time::Duration::from_secs(120)),
        )
    };
    let (one, one_err, one_code) = run("1", &[]);
    assert!(one.contains("4 files"), "{one}");
    assert!(one_err.contains("findings suppressed"), "{one_err}");
    for threads in ["2", "3"] {
        let (many, many_err, many_code) = run(threads, &[]);
        assert_eq!(one, many, "the data map differs with {threads} threads");
        assert_eq!(one_err, many_err, "{threads} threads");
        assert_eq!(one_code, many_code, "{threads} threads");
    }
    // The JSON data map has every count, distinct values included. It is written outside the
    // scanned directory, where the walk could find it.
    let maps = tempfile::tempdir().unwrap();
    let map = |threads: &str| -> Value {
        let out = maps.path().join(format!("map-{threads}.json"));
        let (_, err, code) = run(
            threads,
            &["--fail-on", "never", "-o", out.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
    };
    let one_map = map("1");
    assert!(one_map["findings"].as_u64().unwrap() > 40_000, "{one_map}");
    assert_eq!(one_map, map("2"));
}

#[test]
fn a_cut_with_no_line_start_near_it_leaves_its_part_to_the_one_before() {
    // A line of 3 MiB: the cuts inside it more than a megabyte from its end find no line
    // start, so the file has fewer parts than its size asks for. The threads given the parts
    // past the plan's last must search nothing (the last part runs to the end of the file).
    let dir = tempfile::tempdir().unwrap();
    let lines = |n: usize| -> String {
        (0..n)
            .map(|i| format!("login user{i}@fabrikam-mail.com from 81.2.69.{}\n", i % 200))
            .collect()
    };
    let mut log = lines(4000);
    log.push_str(&"x".repeat(3 << 20));
    log.push('\n');
    log.push_str(&lines(40_000));
    std::fs::write(dir.path().join("app.log"), &log).unwrap();
    let run = |threads: &str| {
        stdout_of(
            piiscan(dir.path())
                .args(["scan", ".", "--format", "summary", "-j", threads])
                .args(["--part-size", "65536"])
                .timeout(std::time::Duration::from_secs(120)),
        )
    };
    let (one, one_err, one_code) = run("1");
    assert!(one.contains("88000 findings"), "{one}");
    assert_eq!(one_code, 1);
    for threads in ["2", "4"] {
        assert_eq!(run(threads), (one.clone(), one_err.clone(), one_code));
    }
}
