//! Files generated from the clap definition in `cli.rs`: shell completion scripts and man pages.
//!
//! `piiscan completions SHELL` prints a script; the same scripts are checked in under
//! `completions/` and the man pages under `docs/`. `tests/docs_cli.rs` regenerates all of them
//! in memory and fails when a checked-in copy is stale; `PIISCAN_BLESS=1 cargo test --test
//! docs_cli` rewrites them.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The shells `piiscan completions` supports, in the order their files are listed.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The binary name completions and man pages are written for.
const BIN: &str = "piiscan";

/// Directory (relative to the repository root) of the checked-in completion scripts.
pub const COMPLETIONS_DIR: &str = "completions";

/// Directory (relative to the repository root) of the checked-in man pages.
pub const MAN_DIR: &str = "docs";

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    out
}

/// The file name a shell's script is checked in as (`piiscan.bash`, `_piiscan`, ...).
pub fn completion_file_name(shell: Shell) -> String {
    use clap_complete::Generator;
    shell.file_name(BIN)
}

/// Every man page: `piiscan.1` and one page per (nested) subcommand, `piiscan-scan.1`,
/// `piiscan-rules-test.1`..., as (file name, roff source).
pub fn man_pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    man_page_tree(&cmd, &mut pages)?;
    Ok(pages)
}

fn man_page_tree(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
    pages.push(man_page(cmd)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() != "help" {
            man_page_tree(sub, pages)?;
        }
    }
    Ok(())
}

/// One page: clap_mangen's sections, then examples (the command's `after_help`) kept as
/// written rather than refilled, the exit status on the top page, and cross references.
fn man_page(cmd: &clap::Command) -> io::Result<(String, Vec<u8>)> {
    let man = clap_mangen::Man::new(cmd.clone())
        .manual("piiscan manual")
        .source(concat!("piiscan ", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    if !subs.is_empty() {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(text) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        let text = text.to_string();
        let body = text.strip_prefix("Examples:\n").unwrap_or(&text);
        writeln!(out, ".SH EXAMPLES")?;
        // Indented paragraphs (command lines) keep their layout; prose is filled as usual.
        for (i, para) in body.split("\n\n").enumerate() {
            if i > 0 {
                writeln!(out, ".PP")?;
            }
            let indented = para.lines().all(|l| l.starts_with(' '));
            if indented {
                writeln!(out, ".nf")?;
            }
            for line in para.lines() {
                writeln!(
                    out,
                    "{}",
                    roff_line(if indented { line } else { line.trim() })
                )?;
            }
            if indented {
                writeln!(out, ".fi")?;
            }
        }
    }
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    if name == BIN {
        writeln!(out, ".SH \"EXIT STATUS\"")?;
        for (code, meaning) in [
            (
                "0",
                "Success: nothing was reported at or above \\-\\-fail\\-on; every rule passed its examples.",
            ),
            (
                "1",
                "Findings at or above \\-\\-fail\\-on (default medium); for rules test, an example or counterexample failed.",
            ),
            (
                "2",
                "Usage, configuration or fatal error; a malformed rule or policy file is named with the rule and the problem.",
            ),
        ] {
            writeln!(out, ".TP\n{code}\n{meaning}")?;
        }
    }
    if cmd.get_version().is_some() || cmd.get_long_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    let mut see_also: Vec<String> = Vec::new();
    if let Some((parent, _)) = name.rsplit_once('-') {
        see_also.push(parent.to_string());
    }
    see_also.extend(subs.iter().map(|s| format!("{name}-{}", s.get_name())));
    if !see_also.is_empty() {
        writeln!(out, ".SH \"SEE ALSO\"")?;
        let refs: Vec<String> = see_also
            .iter()
            .map(|n| format!("\\fB{}\\fR(1)", n.replace('-', "\\-")))
            .collect();
        writeln!(out, "{}", refs.join(", "))?;
    }
    Ok((man.get_filename(), out))
}

/// One line of running text for roff's no-fill mode: backslashes and dashes escaped, and a
/// leading `.` or `'` kept from being read as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Every generated file, as (path relative to the repository root, contents).
pub fn files() -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = SHELLS
        .iter()
        .map(|&shell| {
            (
                PathBuf::from(COMPLETIONS_DIR).join(completion_file_name(shell)),
                completion(shell),
            )
        })
        .collect();
    for (name, page) in man_pages()? {
        files.push((PathBuf::from(MAN_DIR).join(name), page));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_conventional_ones() {
        let names: Vec<String> = SHELLS.iter().map(|&s| completion_file_name(s)).collect();
        assert_eq!(
            names,
            [
                "piiscan.bash",
                "_piiscan",
                "piiscan.fish",
                "_piiscan.ps1",
                "piiscan.elv"
            ]
        );
    }

    #[test]
    fn man_pages_cover_every_subcommand() {
        let pages = man_pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "piiscan.1",
            "piiscan-scan.1",
            "piiscan-rules.1",
            "piiscan-rules-test.1",
            "piiscan-policy.1",
            "piiscan-completions.1",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }

    #[test]
    fn roff_escapes() {
        assert_eq!(roff_line("  piiscan scan --x"), "  piiscan scan \\-\\-x");
        assert_eq!(roff_line(".hidden"), "\\&.hidden");
        assert_eq!(roff_line("a\\b"), "a\\eb");
    }
}
