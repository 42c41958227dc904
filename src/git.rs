//! Inputs from git: the staged content of a commit being made (`--staged`) and what a branch
//! adds since its merge base with another (`--diff BASE`), each with the line numbers the
//! change adds. Only the changed files are listed and read; the tree is never walked.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context as _, Result};

/// What to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The index against HEAD (or the empty tree before the first commit).
    Staged,
    /// HEAD against its merge base with this revision.
    Diff(String),
}

/// One changed file: its path (relative to the repository root), its new content's blob id,
/// and the line numbers (1-based) that the change adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    pub path: String,
    pub blob: String,
    /// git's status letter: A(dded), C(opied), M(odified) or R(enamed).
    pub status: char,
    pub added: Vec<RangeInclusive<u64>>,
    /// git takes the old or the new content as binary (a compressed file, an archive, UTF-16
    /// text) and shows no lines for it.
    pub binary: bool,
}

impl ChangedFile {
    /// Whether the change adds `line`. git cannot say which lines of a binary file changed,
    /// and what piiscan reads in it (decompressed text, archive members) has lines of its own:
    /// every line counts, as every line of a new file is added. A gate would rather report a
    /// finding again than miss a new one.
    pub fn adds_line(&self, line: u64) -> bool {
        self.binary || self.added.iter().any(|r| r.contains(&line))
    }
}

fn git(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(repo)
        .args(["-c", "core.quotePath=false", "--no-pager"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command, what: &str) -> Result<Vec<u8>> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot run git ({what})"))?;
    if !out.status.success() {
        bail!(
            "git {what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// The top of the work tree containing `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf> {
    let out = run(git(dir).args(["rev-parse", "--show-toplevel"]), "rev-parse")?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim_end()))
}

/// The revisions to compare for `change`: `None` for the old side means "compare the index
/// with HEAD" (git picks the empty tree itself when there is no commit yet).
fn diff_args(repo: &Path, change: &Change) -> Result<Vec<String>> {
    Ok(match change {
        Change::Staged => vec!["--cached".into()],
        Change::Diff(base) => {
            let out = run(git(repo).args(["merge-base", base, "HEAD"]), "merge-base")
                .with_context(|| format!("cannot find the merge base of {base} and HEAD"))?;
            vec![
                String::from_utf8_lossy(&out).trim().to_string(),
                "HEAD".into(),
            ]
        }
    })
}

/// Common options: added, copied, modified and renamed files; submodules left out; lines of
/// the content itself (no external diff or text conversion configured for it).
const FILTER: [&str; 5] = [
    "-M",
    "--diff-filter=ACMR",
    "--ignore-submodules",
    "--no-ext-diff",
    "--no-textconv",
];

/// The files a change adds or modifies, with the lines it adds.
pub fn changed_files(repo: &Path, change: &Change) -> Result<Vec<ChangedFile>> {
    let revs = diff_args(repo, change)?;
    // `git diff` of the change with `options`; `what` names it in an error.
    let diff = |options: &[&str], what: &str| {
        run(
            git(repo).arg("diff").args(options).args(FILTER).args(&revs),
            what,
        )
    };
    let mut files = parse_raw(&diff(&["--raw", "-z", "--no-abbrev"], "diff --raw")?);
    let added = parse_added_lines(&diff(&["-U0", "--no-color"], "diff -U0")?);
    let binary = parse_binary(&diff(&["--numstat", "-z"], "diff --numstat")?);
    for f in &mut files {
        f.added = added.get(&f.path).cloned().unwrap_or_default();
        f.binary = binary.contains(&f.path);
    }
    // A file the change adds no line to (only removes some) has nothing to report. A binary
    // one is read: piiscan may decompress or unpack it, or lists it as skipped.
    files.retain(|f| !f.added.is_empty() || f.binary);
    Ok(files)
}

/// The new paths git takes as binary, from `--numstat -z` records: `added\tdeleted\tpath\0`,
/// or `added\tdeleted\t\0old\0new\0` for a rename, with `-` for both counts when binary.
fn parse_binary(numstat: &[u8]) -> HashSet<String> {
    let mut fields = numstat.split(|&b| b == 0);
    let mut out = HashSet::new();
    while let Some(record) = fields.next() {
        let mut parts = record.splitn(3, |&b| b == b'\t');
        let (Some(added), Some(_), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        // A rename leaves the path empty: the old and the new path follow.
        let path = if path.is_empty() {
            fields.next();
            fields.next().unwrap_or_default()
        } else {
            path
        };
        if added == b"-" {
            out.insert(String::from_utf8_lossy(path).into_owned());
        }
    }
    out
}

/// `:old_mode new_mode old_oid new_oid status\0path\0[new_path\0]` records.
fn parse_raw(raw: &[u8]) -> Vec<ChangedFile> {
    let mut fields = raw.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut out = Vec::new();
    while let Some(meta) = fields.next() {
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        if parts.len() < 5 {
            break;
        }
        let status = parts[4];
        let Some(mut path) = fields.next() else { break };
        if status.starts_with('R') || status.starts_with('C') {
            match fields.next() {
                Some(new_path) => path = new_path,
                None => break,
            }
        }
        // Gitlinks (submodules) have mode 160000: their content is another repository. Content
        // that did not change (a pure rename, a mode change) has nothing new in it.
        if parts[1] == "160000" || parts[2] == parts[3] {
            continue;
        }
        out.push(ChangedFile {
            path: String::from_utf8_lossy(path).into_owned(),
            blob: parts[3].to_string(),
            status: status.chars().next().unwrap_or('M'),
            added: Vec::new(),
            binary: false,
        });
    }
    out
}

/// Added line ranges per new path, from a `-U0` patch.
fn parse_added_lines(patch: &[u8]) -> HashMap<String, Vec<RangeInclusive<u64>>> {
    let mut out: HashMap<String, Vec<RangeInclusive<u64>>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in patch.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"+++ ") {
            current = if rest == b"/dev/null" {
                None
            } else {
                // git ends a name containing spaces with a tab; quoted names use C escapes.
                let name = rest.strip_suffix(b"\t").unwrap_or(rest);
                let name = unquote(name);
                Some(name.strip_prefix("b/").unwrap_or(&name).to_string())
            };
        } else if line.starts_with(b"@@ ") {
            let (Some(path), Some(range)) = (&current, hunk_new_range(line)) else {
                continue;
            };
            out.entry(path.clone()).or_default().push(range);
        }
    }
    out
}

/// `@@ -a,b +c,d @@` -> c..=c+d-1 (d defaults to 1; d = 0 adds nothing).
fn hunk_new_range(line: &[u8]) -> Option<RangeInclusive<u64>> {
    let text = std::str::from_utf8(line).ok()?;
    let plus = text.split(' ').find(|p| p.starts_with('+'))?;
    let mut it = plus[1..].splitn(2, ',');
    let start: u64 = it.next()?.parse().ok()?;
    let count: u64 = match it.next() {
        Some(c) => c.parse().ok()?,
        None => 1,
    };
    (count > 0).then(|| start..=start + count - 1)
}

/// Undo git's C-style quoting of unusual file names (`"a\tb\303\251"`).
fn unquote(name: &[u8]) -> String {
    if name.len() < 2 || name[0] != b'"' || name[name.len() - 1] != b'"' {
        return String::from_utf8_lossy(name).into_owned();
    }
    let inner = &name[1..name.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'\\' && i + 1 < inner.len() {
            let c = inner[i + 1];
            if c.is_ascii_digit() && inner.len() >= i + 4 {
                let oct = &inner[i + 1..i + 4];
                if let Ok(v) = u8::from_str_radix(std::str::from_utf8(oct).unwrap_or("x"), 8) {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
            out.push(match c {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                other => other,
            });
            i += 2;
        } else {
            out.push(inner[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Read the blobs of `files` with one `git cat-file --batch`, calling `each` with each file
/// and its content, in order. Blobs larger than `max` are passed as `None`.
pub fn read_blobs(
    repo: &Path,
    files: &[ChangedFile],
    max: Option<u64>,
    mut each: impl FnMut(&ChangedFile, Option<Vec<u8>>, u64),
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut child = git(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run git cat-file")?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let ids: String = files.iter().map(|f| format!("{}\n", f.blob)).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(ids.as_bytes());
    });
    let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
    for f in files {
        let mut header = String::new();
        out.read_line(&mut header)?;
        let mut parts = header.split_whitespace();
        let (_, kind, size) = (parts.next(), parts.next(), parts.next());
        if kind == Some("missing") || size.is_none() {
            bail!("git has no blob for {}", f.path);
        }
        let size: u64 = size.unwrap_or("0").parse().context("git cat-file header")?;
        if max.is_some_and(|m| size > m) {
            std::io::copy(&mut (&mut out).take(size + 1), &mut std::io::sink())?;
            each(f, None, size);
            continue;
        }
        let mut content = Vec::with_capacity(size as usize);
        (&mut out).take(size).read_to_end(&mut content)?;
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline)?;
        each(f, Some(content), size);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks() {
        assert_eq!(hunk_new_range(b"@@ -0,0 +1,2 @@"), Some(1..=2));
        assert_eq!(hunk_new_range(b"@@ -3 +4 @@ fn x"), Some(4..=4));
        assert_eq!(hunk_new_range(b"@@ -3,2 +2,0 @@"), None);
    }

    #[test]
    fn raw_records_with_renames_and_submodules() {
        let raw = b":000000 100644 0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 A\0new file.txt\0:100644 100644 2222222222222222222222222222222222222222 3333333333333333333333333333333333333333 R087\0old.txt\0moved/new.txt\0:000000 160000 0000000000000000000000000000000000000000 4444444444444444444444444444444444444444 A\0vendor/sub\0";
        let files = parse_raw(raw);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["new file.txt", "moved/new.txt"]);
        assert_eq!(files[1].blob, "3333333333333333333333333333333333333333");
    }

    #[test]
    fn unchanged_content_is_left_out() {
        let raw = b":100644 100644 2222222222222222222222222222222222222222 2222222222222222222222222222222222222222 R100\0a.zip\0b.zip\0:100644 100755 5555555555555555555555555555555555555555 5555555555555555555555555555555555555555 M\0run.sh\0";
        assert!(parse_raw(raw).is_empty());
    }

    #[test]
    fn binary_paths_from_numstat() {
        let numstat = b"2\t0\ta\tb.txt\0-\t-\tnew.csv.gz\0-\t-\t\0old.zip\0moved/new.zip\x001\t1\t\0x.txt\0y.txt\0";
        let mut binary: Vec<String> = parse_binary(numstat).into_iter().collect();
        binary.sort();
        assert_eq!(binary, ["moved/new.zip", "new.csv.gz"]);
    }

    #[test]
    fn added_lines_per_file_with_odd_names() {
        let patch = "diff --git a/x b/x\n--- /dev/null\n+++ b/my file.txt\t\n@@ -0,0 +1,2 @@\n+a\n+b\n+++ \"b/tab\\there\\303\\251\"\n@@ -1 +1,3 @@\n";
        let added = parse_added_lines(patch.as_bytes());
        assert_eq!(added["my file.txt"], vec![1..=2]);
        assert_eq!(added["tab\there\u{e9}"], vec![1..=3]);
    }
}
