//! Baselines: findings a team has reviewed and accepted, recorded by value-free fingerprint so
//! later scans report only what is new.
//!
//! The file is JSON, versioned, with one entry per line, sorted, and no line numbers, so two
//! branches that add different findings rarely conflict when merged:
//!
//! ```text
//! {"piiscan-baseline": 1, "findings": [
//! {"fingerprint": "2f1c…", "rule": "email", "path": "src/settings.py"},
//! {"fingerprint": "9ab0…", "rule": "ipv4", "path": "logs/access.log"}
//! ]}
//! ```

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

pub const VERSION: u64 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "piiscan-baseline")]
    version: u64,
    findings: Vec<EntryOnDisk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryOnDisk {
    fingerprint: String,
    rule: String,
    path: String,
}

/// A loaded baseline; remembers which entries matched during a scan.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: HashMap<String, (Entry, AtomicBool)>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}: not a piiscan baseline: {e}",
                path.display(),
                e.line()
            )
        })?;
        if file.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (this piiscan reads version {VERSION})",
                path.display(),
                file.version
            ));
        }
        // A fingerprint is 32 hexadecimal digits: anything else (a value pasted in by hand)
        // would never match, and is not echoed.
        if let Some(n) = file.findings.iter().position(|e| {
            e.fingerprint.len() != 32 || !e.fingerprint.bytes().all(|b| b.is_ascii_hexdigit())
        }) {
            return Err(format!(
                "{}: entry {}: the fingerprint is not 32 hexadecimal digits, as piiscan writes them",
                path.display(),
                n + 1
            ));
        }
        let entries = file
            .findings
            .into_iter()
            .map(|e| {
                let entry = Entry {
                    path: e.path,
                    rule: e.rule,
                    fingerprint: e.fingerprint.clone(),
                };
                (e.fingerprint, (entry, AtomicBool::new(false)))
            })
            .collect();
        Ok(Baseline { entries })
    }

    /// Is this finding known? Marks the entry as still matching.
    pub fn contains(&self, fingerprint: &str) -> bool {
        match self.entries.get(fingerprint) {
            Some((_, seen)) => {
                seen.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Entries that matched nothing in this scan (fixed or moved to another file), of those
    /// whose file it searched (`searched` says which, by the path entries hold; an archive
    /// member's entry counts by its archive's): a scan of part of a tree says nothing of the
    /// rest.
    pub fn stale(&self, searched: impl Fn(&str) -> bool) -> usize {
        self.entries
            .values()
            .filter(|(entry, seen)| {
                let file = entry.path.split('!').next().unwrap_or_default();
                !seen.load(Ordering::Relaxed) && searched(file)
            })
            .count()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The reporter behind `piiscan baseline`: collects entries, writes the file at the end.
pub struct Recorder {
    path: std::path::PathBuf,
    entries: BTreeSet<Entry>,
}

impl Recorder {
    pub fn new(path: &Path) -> io::Result<Recorder> {
        // Fail before scanning when the file cannot be written.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Recorder {
            path: path.to_path_buf(),
            entries: BTreeSet::new(),
        })
    }
}

impl crate::report::Reporter for Recorder {
    fn findings(
        &mut self,
        run: &crate::report::RunInfo,
        findings: &[crate::finding::Finding],
    ) -> io::Result<()> {
        for f in findings {
            self.entries.insert(Entry {
                path: f.anchored.to_string(),
                rule: run.rules.rules[f.rule].rule.id.clone(),
                fingerprint: f.fingerprint.to_string(),
            });
        }
        Ok(())
    }

    fn finish(
        &mut self,
        _run: &crate::report::RunInfo,
        _totals: &crate::report::Totals,
    ) -> io::Result<()> {
        let named = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot write the baseline file {}: {e}",
                    self.path.display()
                ),
            )
        };
        let mut out = io::BufWriter::new(std::fs::File::create(&self.path).map_err(named)?);
        write(&mut out, &self.entries)
            .and_then(|()| out.flush())
            .map_err(named)
    }
}

/// Write a baseline file: sorted, one entry per line.
pub fn write(out: &mut dyn Write, entries: &BTreeSet<Entry>) -> io::Result<()> {
    writeln!(out, "{{\"piiscan-baseline\": {VERSION}, \"findings\": [")?;
    let mut first = true;
    for e in entries {
        if !first {
            writeln!(out, ",")?;
        }
        first = false;
        write!(
            out,
            "{{\"fingerprint\": {}, \"rule\": {}, \"path\": {}}}",
            serde_json::to_string(&e.fingerprint)?,
            serde_json::to_string(&e.rule)?,
            serde_json::to_string(&e.path)?
        )?;
    }
    if !first {
        writeln!(out)?;
    }
    writeln!(out, "]}}")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_stale_count() {
        let entries: BTreeSet<Entry> = [
            Entry {
                path: "b.txt".into(),
                rule: "email".into(),
                fingerprint: "f2".repeat(16),
            },
            Entry {
                path: "a.txt".into(),
                rule: "ipv4".into(),
                fingerprint: "f1".repeat(16),
            },
        ]
        .into();
        let mut buf = Vec::new();
        write(&mut buf, &entries).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.lines().nth(1).unwrap().contains("a.txt"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, &text).unwrap();
        let b = Baseline::load(&p).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.contains(&"f1".repeat(16)));
        assert!(!b.contains("nope"));
        assert_eq!(b.stale(|_| true), 1);
        assert_eq!(b.stale(|path| path == "a.txt"), 0, "b.txt was not searched");
        assert_eq!(b.stale(|path| path == "b.txt"), 1);
    }

    #[test]
    fn bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, "{\"piiscan-baseline\": 9, \"findings\": []}").unwrap();
        assert!(Baseline::load(&p).unwrap_err().contains("version 9"));
        std::fs::write(&p, "{oops").unwrap();
        let err = Baseline::load(&p).unwrap_err();
        assert!(err.contains("b.json:1: not a piiscan baseline"), "{err}");
        let entry = |fingerprint: &str| {
            format!(r#"{{"fingerprint": "{fingerprint}", "rule": "email", "path": "a"}}"#)
        };
        let good = entry(&"0a".repeat(16));
        for bad in ["jane.roe@fabrikam-mail.com", "abc", &"0g".repeat(16)] {
            let text = format!(
                r#"{{"piiscan-baseline": 1, "findings": [{good}, {}]}}"#,
                entry(bad)
            );
            std::fs::write(&p, text).unwrap();
            let err = Baseline::load(&p).unwrap_err();
            assert!(err.ends_with("b.json: entry 2: the fingerprint is not 32 hexadecimal digits, as piiscan writes them"), "{err}");
            assert!(!err.contains("fabrikam"), "{err}");
        }
    }
}
