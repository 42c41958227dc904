//! Suppression: values a team has allowlisted, well-known test data, and inline
//! `piiscan:ignore` comments. Suppressed findings are counted, never reported.

use std::collections::HashSet;

use regex::bytes::RegexSet;

/// Values never reported, from the configuration, plus the built-in test-data allowlist.
#[derive(Debug, Clone)]
pub struct Allowlist {
    values: HashSet<Vec<u8>>,
    patterns: Option<RegexSet>,
    /// Suppress well-known test data (see `validate::is_test_data`).
    pub builtin: bool,
}

impl Default for Allowlist {
    fn default() -> Self {
        Allowlist {
            values: HashSet::new(),
            patterns: None,
            builtin: true,
        }
    }
}

impl Allowlist {
    pub fn new(values: &[String], patterns: &[String], builtin: bool) -> Result<Allowlist, String> {
        let patterns = if patterns.is_empty() {
            None
        } else {
            Some(
                regex::bytes::RegexSetBuilder::new(patterns)
                    .size_limit(4 << 20)
                    .build()
                    .map_err(|e| {
                        format!(
                            "allowlist pattern: {}",
                            e.to_string().lines().last().unwrap_or_default().trim()
                        )
                    })?,
            )
        };
        Ok(Allowlist {
            values: values.iter().map(|v| v.as_bytes().to_vec()).collect(),
            patterns,
            builtin,
        })
    }

    /// Is this exact value allowlisted?
    pub fn allows(&self, value: &[u8]) -> bool {
        self.values.contains(value) || self.patterns.as_ref().is_some_and(|p| p.is_match(value))
    }
}

/// The inline suppression marker.
pub const DIRECTIVE: &[u8] = b"piiscan:ignore";

/// Does an inline comment suppress a finding of `rule` on `line` (the finding's line, without
/// its newline), given the line before it (`previous`, if any)?
///
/// `piiscan:ignore` on the line, or `piiscan:ignore-next-line` on the line before, suppress
/// every rule; `piiscan:ignore[email,phone]` (either form) only the rules named.
pub fn inline_ignored(line: &[u8], previous: Option<&[u8]>, rule: &str) -> bool {
    directive_applies(line, false, rule)
        || previous.is_some_and(|p| directive_applies(p, true, rule))
}

fn directive_applies(line: &[u8], next_line: bool, rule: &str) -> bool {
    let mut rest = line;
    while let Some(at) = memchr::memmem::find(rest, DIRECTIVE) {
        let mut after = &rest[at + DIRECTIVE.len()..];
        let is_next = after.starts_with(b"-next-line");
        if is_next {
            after = &after[b"-next-line".len()..];
        }
        if is_next == next_line {
            if after.first() != Some(&b'[') {
                return true;
            }
            if let Some(end) = memchr::memchr(b']', after) {
                let listed = after[1..end]
                    .split(|&b| b == b',')
                    .any(|r| r.trim_ascii() == rule.as_bytes());
                if listed {
                    return true;
                }
            }
        }
        rest = &rest[at + DIRECTIVE.len()..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_directives() {
        assert!(inline_ignored(
            b"x = 'a@b.co' # piiscan:ignore",
            None,
            "email"
        ));
        assert!(inline_ignored(
            b"x = 'a@b.co' // piiscan:ignore[email, phone]",
            None,
            "email"
        ));
        assert!(!inline_ignored(
            b"x = 'a@b.co' // piiscan:ignore[phone]",
            None,
            "email"
        ));
        assert!(inline_ignored(
            b"x = 'a@b.co'",
            Some(b"# piiscan:ignore-next-line"),
            "email"
        ));
        assert!(inline_ignored(
            b"x",
            Some(b"# piiscan:ignore-next-line[email]"),
            "email"
        ));
        assert!(!inline_ignored(
            b"x",
            Some(b"# piiscan:ignore-next-line[ipv4]"),
            "email"
        ));
        assert!(!inline_ignored(b"x", Some(b"# piiscan:ignore"), "email"));
        assert!(!inline_ignored(
            b"x # piiscan:ignore-next-line",
            None,
            "email"
        ));
    }

    #[test]
    fn allowlist_values_and_patterns() {
        let a = Allowlist::new(
            &["support@acme.io".into()],
            &[r"@acme-corp\.com$".into()],
            true,
        )
        .unwrap();
        assert!(a.allows(b"support@acme.io"));
        assert!(a.allows(b"jo@acme-corp.com"));
        assert!(!a.allows(b"jo@acme-corp.com.evil"));
        assert!(Allowlist::new(&[], &["(".into()], true).is_err());
    }
}
