//! Discovering inputs: what the user named, walked in parallel with the `ignore` crate.
//!
//! The walk honours .gitignore, .ignore and .piiscanignore (unless `--no-ignore`) and skips
//! hidden entries (unless `--hidden`). Everything it does not scan (walk errors, over-size
//! files, special files) is returned as a skipped input with a reason, never dropped.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// What discovery needs to know: where to look, what to leave out and how. Owned and apart
/// from the rest of the configuration, so that discovery can run while the rule set compiles
/// (`Config::from_args`): both take tens of milliseconds, and a pre-commit hook waits for both.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub paths: Vec<PathBuf>,
    pub threads: usize,
    pub max_filesize: Option<u64>,
    pub no_ignore: bool,
    pub hidden: bool,
    pub follow: bool,
    /// Globs of paths to scan (all when empty) and to leave out.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// The configuration file in effect, if any (its globs are relative to its directory).
    pub config_file: Option<PathBuf>,
    /// `--staged` / `--diff BASE`: scan a git change instead of walking paths.
    pub change: Option<crate::git::Change>,
    /// `--shard K/N`: scan only this worker's share of the inputs.
    pub shard: Option<crate::shard::Shard>,
    /// The path standard input (`-`) gets in reports (`--stdin-name`).
    pub stdin_name: String,
    /// The file the report is written to (`--output`), its directory resolved: never scanned.
    /// A report written inside the scanned tree would otherwise be scanned by the next run
    /// (its redacted values and fingerprints taken for data), or by this one if the walk meets
    /// it after it is created.
    pub report: Option<PathBuf>,
}

impl Walk {
    /// `output`, as `Walk::report` compares it: its directory resolved (links, `..`), so that
    /// any path the walk finds it by resolves to the same.
    pub fn report_path(output: &Path) -> Option<PathBuf> {
        let name = output.file_name()?;
        let dir = match output.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(dir).ok()?.join(name))
    }

    /// Whether `path` is the report this run writes.
    fn is_report(&self, path: &Path) -> bool {
        self.report.as_ref().is_some_and(|report| {
            path.file_name() == report.file_name()
                && std::fs::canonicalize(path).is_ok_and(|p| &p == report)
        })
    }
}

/// A file to scan.
#[derive(Debug, Clone, Default)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as reports show it: as named or relative to the named directory, `/`-separated.
    pub display: String,
    /// The path fingerprints and baseline entries hold (see [`Anchor`]): the same whichever
    /// directory piiscan runs in and however the input is named.
    pub anchored: String,
    pub len: u64,
    /// Content already read (a staged or committed git blob) instead of a file on disk.
    pub blob: Option<std::sync::Arc<Vec<u8>>>,
    /// With `--staged`/`--diff`: the lines the change adds; only findings on them are reported.
    pub added_lines: Option<std::sync::Arc<crate::git::ChangedFile>>,
}

/// Where the paths in fingerprints and baseline entries start: the directory of the
/// configuration file in effect (where its `baseline` is resolved, and what a team commits),
/// else the working directory. An input under it is named by its path from there, so that a
/// baseline recorded at a repository's root still matches when piiscan runs in a subdirectory
/// or is given an absolute path; any other input by its displayed path. Without a
/// configuration file, inputs named relative to the working directory keep their displayed
/// path.
///
/// Paths are compared absolute. The anchor is resolved once (symbolic links, `..`), and so is
/// each named input once: a directory wholly, a file's directory only, its name kept. What a
/// walk finds below a named directory is taken as found. So a symbolic link to a file counts as
/// where it is, not where it points, whether it is named or found.
#[derive(Debug)]
pub struct Anchor {
    dir: PathBuf,
    cwd: PathBuf,
    /// Each named input, and where it is.
    roots: BTreeMap<PathBuf, PathBuf>,
}

impl Anchor {
    /// The anchor of a run over `roots` (the inputs as named). `None` when the working
    /// directory cannot be read: fingerprints then hold the displayed paths.
    pub fn new(walk: &Walk, roots: &[PathBuf]) -> Option<Anchor> {
        let cwd = std::env::current_dir().ok()?;
        Some(Anchor::at(walk.config_file.as_deref(), &cwd, roots))
    }

    /// The anchor of `config_file` (or of `cwd` without one), for `roots` named in `cwd`.
    fn at(config_file: Option<&Path>, cwd: &Path, roots: &[PathBuf]) -> Anchor {
        let cwd = resolved(cwd);
        let dir = match config_file.and_then(|p| p.parent()) {
            Some(dir) => resolved(&cwd.join(dir)),
            None => cwd.clone(),
        };
        let roots = roots
            .iter()
            .map(|root| (root.clone(), locate(root, &cwd)))
            .collect();
        Anchor { dir, cwd, roots }
    }

    /// The anchored path of `path` (a named input, or found below one), if it lies under the
    /// anchor.
    pub fn path_of(&self, path: &Path) -> Option<String> {
        relative_to(&self.location(path), &self.dir).filter(|p| !p.is_empty())
    }

    /// [`Anchor::path_of`] for a file a walk found below a named input, from its directory's
    /// anchored path, which `last` keeps for the next file: a walk meets files directory by
    /// directory, and resolving each path anew cost 12,000 instructions a file (a fifth of a
    /// scan of 100,000 small files).
    pub fn path_in(&self, path: &Path, last: &mut LastDir) -> Option<String> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return self.path_of(path);
        };
        if last
            .as_ref()
            .is_none_or(|(known, _)| known.as_os_str() != dir.as_os_str())
        {
            *last = Some((
                dir.to_path_buf(),
                relative_to(&self.location(dir), &self.dir),
            ));
        }
        let anchored_dir = last.as_ref()?.1.as_deref()?;
        let name = name.to_string_lossy();
        Some(if anchored_dir.is_empty() {
            name.into_owned()
        } else {
            format!("{anchored_dir}/{name}")
        })
    }

    /// Where `path` (a named input, or found below one) is, absolute.
    fn location(&self, path: &Path) -> PathBuf {
        match path.ancestors().find_map(|a| self.roots.get_key_value(a)) {
            Some((root, at)) => at.join(path.strip_prefix(root).unwrap_or(path)),
            None => self.cwd.join(path),
        }
    }
}

/// The last directory [`Anchor::path_in`] worked out, and its anchored path (`""`: the anchor
/// itself; `None`: not under it).
pub type LastDir = Option<(PathBuf, Option<String>)>;

/// Where a named input is (absolute): a directory resolved, a file's directory resolved and
/// its name kept. `..` and `.` are taken as written when the path cannot be resolved.
fn locate(path: &Path, cwd: &Path) -> PathBuf {
    let absolute = cwd.join(path);
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) if !absolute.is_dir() => resolved(dir).join(name),
        _ => resolved(&absolute),
    }
}

/// `path` with its symbolic links and `..` resolved, or with `.` and `..` taken as written when
/// it cannot be (it does not exist).
fn resolved(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| lexical(path))
}

/// `path` without `.`, and with each `..` removing the name before it.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` (absolute) relative to `dir` (absolute, resolved), `/`-separated, if it lies under
/// it (`""`: it is `dir`); `.` and `..` are taken as written.
fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let lexical = lexical(path);
    let rest = lexical.strip_prefix(dir).ok()?;
    let names: Vec<_> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    Some(names.join("/"))
}

/// An input that was not scanned (or not to the end), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// The inputs of a run, sorted by display path so output order does not depend on threads.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<InputFile>,
    pub skipped: Vec<Skipped>,
}

/// The inputs of a run: the files of a git change with `--staged`/`--diff`, else a walk.
pub fn inputs(walk: &Walk) -> anyhow::Result<Discovered> {
    let mut found = match &walk.change {
        Some(change) => discover_change(walk, change)?,
        None => discover(walk),
    };
    if let Some(shard) = walk.shard {
        let roots = &walk.paths;
        found
            .files
            .retain(|f| shard.owns(crate::shard::relative_to_root(&f.display, roots)));
        found
            .skipped
            .retain(|s| shard.owns(crate::shard::relative_to_root(&s.path, roots)));
    }
    Ok(found)
}

/// `include`/`exclude` globs of the configuration, relative to its directory.
pub struct PathFilter {
    root: PathBuf,
    include: Option<ignore::overrides::Override>,
    exclude: Option<ignore::overrides::Override>,
}

impl PathFilter {
    pub fn new(walk: &Walk) -> anyhow::Result<Option<PathFilter>> {
        if walk.include.is_empty() && walk.exclude.is_empty() {
            return Ok(None);
        }
        let root = match walk.config_file.as_ref().and_then(|p| p.parent()) {
            Some(dir) => dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
            None => std::env::current_dir()?,
        };
        let build = |globs: &[String],
                     negate: bool|
         -> anyhow::Result<Option<ignore::overrides::Override>> {
            if globs.is_empty() {
                return Ok(None);
            }
            let mut b = ignore::overrides::OverrideBuilder::new(&root);
            for g in globs {
                if negate {
                    b.add(&format!("!{g}"))?;
                } else {
                    b.add(g)?;
                }
            }
            Ok(Some(b.build()?))
        };
        Ok(Some(PathFilter {
            include: build(&walk.include, false)?,
            exclude: build(&walk.exclude, true)?,
            root,
        }))
    }

    /// Is `path` (relative to the working directory, or absolute) to be scanned?
    pub fn allows(&self, path: &Path) -> bool {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let clean: PathBuf = absolute
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let Ok(relative) = clean.strip_prefix(&self.root) else {
            return self.include.is_none();
        };
        if self
            .include
            .as_ref()
            .is_some_and(|o| !o.matched(relative, false).is_whitelist())
        {
            return false;
        }
        !self
            .exclude
            .as_ref()
            .is_some_and(|o| o.matched(relative, false).is_ignore())
    }
}

/// The files a git change adds or modifies, read from git (the index for `--staged`, HEAD for
/// `--diff`), without walking the tree.
fn discover_change(walk: &Walk, change: &crate::git::Change) -> anyhow::Result<Discovered> {
    let repo = crate::git::toplevel(&std::env::current_dir()?)?;
    let filter = PathFilter::new(walk)?;
    let mut files = crate::git::changed_files(&repo, change)?;
    files.retain(|f| {
        filter
            .as_ref()
            .is_none_or(|flt| flt.allows(&repo.join(&f.path)))
    });
    let anchor = Anchor::new(walk, std::slice::from_ref(&repo));
    let mut found = Discovered::default();
    crate::git::read_blobs(
        &repo,
        &files,
        walk.max_filesize,
        |file, content, size| match content {
            None => found.skipped.push(Skipped {
                path: file.path.clone(),
                reason: format!(
                    "larger than --max-filesize ({size} > {} bytes)",
                    walk.max_filesize.unwrap_or(0)
                ),
            }),
            Some(data) => {
                let path = repo.join(&file.path);
                found.files.push(InputFile {
                    anchored: anchor
                        .as_ref()
                        .and_then(|a| a.path_of(&path))
                        .unwrap_or_else(|| file.path.clone()),
                    path,
                    display: file.path.clone(),
                    len: size,
                    blob: Some(std::sync::Arc::new(data)),
                    added_lines: Some(std::sync::Arc::new(file.clone())),
                })
            }
        },
    )?;
    found.files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(found)
}

pub fn discover(walk: &Walk) -> Discovered {
    let filter = PathFilter::new(walk).ok().flatten();
    let named: Vec<PathBuf> = walk
        .paths
        .iter()
        .filter(|p| !is_stdin(p))
        .cloned()
        .collect();
    let anchor = Anchor::new(walk, &named);
    let found = Mutex::new(Discovered::default());
    let mut paths = walk.paths.iter().filter(|p| !is_stdin(p));
    let Some(first) = paths.next() else {
        return with_stdin(walk, Discovered::default());
    };
    // Named files only (an editor or a script passing a few): one walker. The parallel walk's
    // idle workers sleep a millisecond at a time until the walk ends, and here there is
    // nothing to share: a scan of one small file took 7.2 ms with two, 6.0 ms with one.
    let threads = if walk.paths.iter().all(|p| is_stdin(p) || p.is_file()) {
        1
    } else {
        walk.threads
    };
    let mut builder = WalkBuilder::new(first);
    for p in paths {
        builder.add(p);
    }
    builder
        .hidden(!walk.hidden)
        .follow_links(walk.follow)
        .threads(threads)
        .ignore(!walk.no_ignore)
        .git_ignore(!walk.no_ignore)
        .git_global(!walk.no_ignore)
        .git_exclude(!walk.no_ignore)
        .parents(!walk.no_ignore)
        .require_git(false);
    if !walk.no_ignore {
        builder.add_custom_ignore_filename(".piiscanignore");
    }
    builder.build_parallel().run(|| {
        let found = &found;
        let filter = &filter;
        let anchor = &anchor;
        let mut last_dir = None;
        Box::new(move |entry| {
            let mut result = Discovered::default();
            match entry {
                Err(err) => result.skipped.push(walk_error(&err)),
                Ok(entry) => {
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    let wanted = filter.as_ref().is_none_or(|f| f.allows(entry.path()));
                    if !is_dir && wanted {
                        let named = entry.depth() == 0;
                        classify(
                            entry.path(),
                            named,
                            walk,
                            (anchor.as_ref(), &mut last_dir),
                            &mut result,
                        );
                    }
                }
            }
            let mut all = found.lock().expect("walk results lock");
            all.files.append(&mut result.files);
            all.skipped.append(&mut result.skipped);
            WalkState::Continue
        })
    });
    let mut found = found.into_inner().expect("walk results lock");
    found.files.sort_by(|a, b| a.display.cmp(&b.display));
    found.files.dedup_by(|a, b| a.display == b.display);
    // Paths named twice (`. ./`, a directory and a file in it) are walked twice: their
    // files are searched once, and their skipped entries listed once.
    found
        .skipped
        .sort_by(|a, b| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
    found.skipped.dedup();
    with_stdin(walk, found)
}

/// `-` names standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Put standard input first when `-` was named (`piiscan scan - other/`), as `--stdin-name`.
fn with_stdin(walk: &Walk, mut found: Discovered) -> Discovered {
    if walk.paths.iter().any(|p| is_stdin(p)) {
        found.files.insert(
            0,
            InputFile {
                path: PathBuf::from("-"),
                display: walk.stdin_name.clone(),
                anchored: walk.stdin_name.clone(),
                ..InputFile::default()
            },
        );
    }
    found
}

fn classify(
    path: &Path,
    named: bool,
    walk: &Walk,
    (anchor, last_dir): (Option<&Anchor>, &mut LastDir),
    out: &mut Discovered,
) {
    let display = display_path(path);
    // Symlinks that the walk does not follow are metadata'd as themselves.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.skipped.push(Skipped {
                path: display,
                reason: format!("cannot read: {e}"),
            });
            return;
        }
    };
    // Not an input, and not listed as skipped either: whether the walk meets it depends on
    // when the report is created.
    if walk.is_report(path) {
        return;
    }
    if !meta.is_file() {
        // A FIFO or a device would block or never end; a dangling or unfollowed link is not data.
        if named || !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            out.skipped.push(Skipped {
                path: display,
                reason: "not a regular file".into(),
            });
        }
        return;
    }
    if let Some(max) = walk.max_filesize {
        if meta.len() > max {
            out.skipped.push(Skipped {
                path: display,
                reason: format!("larger than --max-filesize ({} > {max} bytes)", meta.len()),
            });
            return;
        }
    }
    out.files.push(InputFile {
        path: path.to_path_buf(),
        anchored: anchor
            .and_then(|a| {
                if named {
                    a.path_of(path)
                } else {
                    a.path_in(path, last_dir)
                }
            })
            .unwrap_or_else(|| display.clone()),
        display,
        len: meta.len(),
        ..InputFile::default()
    });
}

/// `./a/b` -> `a/b`, and `\` -> `/` on Windows.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

fn walk_error(err: &ignore::Error) -> Skipped {
    // Pull the path out of the (possibly nested) error, and describe the cause plainly.
    fn parts(err: &ignore::Error) -> (Option<String>, String) {
        match err {
            ignore::Error::WithPath { path, err } => (Some(display_path(path)), parts(err).1),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                parts(err)
            }
            ignore::Error::Loop { child, .. } => {
                (Some(display_path(child)), "symbolic link loop".to_string())
            }
            ignore::Error::Io(e) => (None, format!("cannot read: {e}")),
            other => (None, other.to_string()),
        }
    }
    let (path, reason) = parts(err);
    Skipped {
        path: path.unwrap_or_else(|| "<walk>".into()),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_paths_do_not_depend_on_the_working_directory_or_how_an_input_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let repo = base.join("repo");
        let src = repo.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("app.py"), "x\n").unwrap();
        let config = repo.join(".piiscan.toml");
        std::fs::write(&config, "").unwrap();
        let anchored = |cwd: &Path, root: &str, found: &str| {
            let roots = [PathBuf::from(root)];
            Anchor::at(Some(&config), cwd, &roots).path_of(Path::new(found))
        };
        let app = Some("src/app.py".to_string());
        // From the root, from a subdirectory, by absolute path, through `..`, named or walked.
        assert_eq!(anchored(&repo, ".", "./src/app.py"), app);
        assert_eq!(anchored(&src, ".", "./app.py"), app);
        assert_eq!(anchored(&src, "app.py", "app.py"), app);
        assert_eq!(anchored(&src, "../src/app.py", "../src/app.py"), app);
        let absolute = repo.to_str().unwrap();
        let found = format!("{absolute}/src/app.py");
        assert_eq!(anchored(&base, absolute, &found), app);
        assert_eq!(anchored(&src, &found, &found), app);
        // A relative --config: its directory is the working directory's.
        let roots = [PathBuf::from(".")];
        let relative = Anchor::at(Some(Path::new(".piiscan.toml")), &repo, &roots);
        assert_eq!(relative.path_of(Path::new("./src/app.py")), app);
        // Outside the anchor: none (the displayed path is used).
        std::fs::write(base.join("other.txt"), "x\n").unwrap();
        assert_eq!(anchored(&src, "../../other.txt", "../../other.txt"), None);
        // Without a configuration file, the working directory is the anchor.
        let roots = [PathBuf::from(".")];
        let no_config = Anchor::at(None, &src, &roots);
        assert_eq!(no_config.path_of(Path::new("./app.py")).unwrap(), "app.py");
    }

    #[test]
    fn a_walk_s_files_are_anchored_from_their_directory_as_each_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().canonicalize().unwrap().join("repo");
        std::fs::create_dir_all(repo.join("src/deep")).unwrap();
        let config = repo.join(".piiscan.toml");
        let found = [
            "./a.txt",
            "./src/b.txt",
            "./src/c.txt",
            "./src/deep/d.txt",
            "./e.txt",
            "./src/f.txt",
        ];
        for (cwd, config) in [
            (repo.clone(), Some(config.as_path())),
            (repo.join("src"), Some(config.as_path())),
            (repo.join("src"), None),
            (tmp.path().to_path_buf(), Some(config.as_path())),
        ] {
            let anchor = Anchor::at(config, &cwd, &[PathBuf::from(".")]);
            let mut last = None;
            for path in found {
                assert_eq!(
                    anchor.path_in(Path::new(path), &mut last),
                    anchor.path_of(Path::new(path)),
                    "{path} from {cwd:?}"
                );
            }
        }
        let anchor = Anchor::at(Some(&config), &repo.join("src"), &[PathBuf::from(".")]);
        let mut last = None;
        assert_eq!(
            anchor
                .path_in(Path::new("./deep/d.txt"), &mut last)
                .as_deref(),
            Some("src/deep/d.txt")
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_count_where_they_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let repo = base.join("repo");
        std::fs::create_dir_all(repo.join("src")).unwrap();
        std::fs::write(repo.join("src/app.py"), "x\n").unwrap();
        std::fs::write(base.join("outside.py"), "x\n").unwrap();
        let config = repo.join(".piiscan.toml");
        std::fs::write(&config, "").unwrap();
        // A directory reached through a link (a working directory's logical path) is where it
        // leads; a linked file is where its name is, named or found by a walk.
        std::os::unix::fs::symlink(&repo, base.join("alias")).unwrap();
        std::os::unix::fs::symlink(base.join("outside.py"), repo.join("src/link.py")).unwrap();
        let anchored = |root: &Path, found: &Path| {
            let roots = [root.to_path_buf()];
            Anchor::at(Some(&config), &base, &roots).path_of(found)
        };
        let alias = base.join("alias");
        assert_eq!(
            anchored(&alias, &alias.join("src/app.py")).unwrap(),
            "src/app.py"
        );
        let link = alias.join("src/link.py");
        assert_eq!(anchored(&link, &link).unwrap(), "src/link.py");
        assert_eq!(anchored(&alias, &link).unwrap(), "src/link.py");
    }
}
