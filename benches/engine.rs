//! Throughput of the engine alone (in-memory, one thread) and of a whole `scan` (walk, read,
//! threads, summary output), on corpora written by fixtures/gen/corpus.py.
//!
//! `cargo bench --bench engine` generates fixtures/corpus/{normal,low} (20 MB each) on first
//! use. It also runs on fixtures/corpus/sparse (real source code, where the sieve pays) when
//! `bash benches/compare.sh sparse` has written it. Criterion reports MB/s (its "thrpt" line).

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use piiscan::cli::Cli;
use piiscan::config::{Config, ScanOptions};
use piiscan::scan::Scanner;
use piiscan::search::search_bytes;

fn corpus(density: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("fixtures/corpus").join(density);
    if !dir.join("logs").exists() {
        let status = Command::new("python3")
            .arg(root.join("fixtures/gen/corpus.py"))
            .arg("--out")
            .arg(&dir)
            .args(["--size", "20MB", "--seed", "1", "--density", density])
            .status()
            .expect("python3 runs the corpus generator");
        assert!(status.success(), "corpus generation failed");
    }
    dir
}

/// Every file of a corpus, concatenated, for the in-memory engine bench.
fn load(dir: &Path) -> Vec<u8> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .iter()
        .flat_map(|p| std::fs::read(p).unwrap())
        .collect()
}

fn config(dir: &Path, threads: usize) -> Config {
    use clap::Parser;
    let cli = Cli::parse_from([
        "piiscan".as_ref(),
        "scan".as_ref(),
        dir.as_os_str(),
        "--format".as_ref(),
        "summary".as_ref(),
        "--output".as_ref(),
        "/dev/null".as_ref(),
        "--threads".as_ref(),
        threads.to_string().as_ref(),
    ]);
    match cli.command {
        piiscan::cli::Command::Scan(args) => Config::from_args(&args).unwrap(),
        _ => unreachable!(),
    }
}

fn benches(c: &mut Criterion) {
    let sparse = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus/sparse");
    let mut densities = vec!["normal", "low"];
    if sparse.is_dir() {
        densities.push("sparse");
    } else {
        println!("skipping engine/sparse: run `bash benches/compare.sh sparse` to write it");
    }
    for density in densities {
        let dir = if density == "sparse" {
            sparse.clone()
        } else {
            corpus(density)
        };
        let data = load(&dir);
        let cfg = config(&dir, 1);
        let options = ScanOptions::default();

        let mut group = c.benchmark_group(format!("engine/{density}"));
        group.sample_size(10);
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function("1 thread, in memory", |b| {
            let mut scanner = Scanner::new(&cfg.rules);
            b.iter(|| search_bytes(&mut scanner, &data, "corpus", &options).len())
        });
        group.finish();

        let mut group = c.benchmark_group(format!("scan/{density}"));
        group.sample_size(10);
        group.throughput(Throughput::Bytes(data.len() as u64));
        for threads in [1, 2] {
            let cfg = config(&dir, threads);
            group.bench_function(format!("{threads} threads, summary"), |b| {
                b.iter(|| piiscan::run::scan(&cfg).unwrap().totals.findings)
            });
        }
        group.finish();
    }
}

criterion_group!(engine, benches);
criterion_main!(engine);
