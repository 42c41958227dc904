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

    /// Is this exact value allowlisted? Asked of every candidate, and most runs have no
    /// allowlist: that is found out first, inline.
    #[inline]
    pub fn allows(&self, value: &[u8]) -> bool {
        (!self.values.is_empty() && self.values.contains(value))
            || self.patterns.as_ref().is_some_and(|p| p.is_match(value))
    }
}

/// The inline suppression marker.
pub const DIRECTIVE: &[u8] = b"piiscan:ignore";

/// The longest list of rules a directive may name (`piiscan:ignore[...]`): a `[` with no `]`
/// within it starts no list, so a line of such openings is not read to its end for each.
const MAX_RULE_LIST: usize = 1024;

/// One inline directive of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Where its text ends in the line, after its list of rules if it has one.
    pub end: usize,
    /// `piiscan:ignore-next-line`, rather than `piiscan:ignore`.
    pub next_line: bool,
    /// The rules it names, as the indices `rule_index` gave them; `None`: every rule.
    pub rules: Option<Vec<usize>>,
}

impl Directive {
    /// Whether it suppresses findings of the rule `index` names.
    pub fn applies(&self, rule: usize) -> bool {
        self.rules
            .as_ref()
            .is_none_or(|rules| rules.contains(&rule))
    }
}

/// The directives in `line`, in order, with the rules they name looked up by `rule_index`
/// (names it does not know are left out). Read once per line, not once per finding on it.
pub fn directives(line: &[u8], rule_index: impl Fn(&[u8]) -> Option<usize>) -> Vec<Directive> {
    let mut found = Vec::new();
    for at in memchr::memmem::find_iter(line, DIRECTIVE) {
        let mut end = at + DIRECTIVE.len();
        let next_line = line[end..].starts_with(b"-next-line");
        if next_line {
            end += b"-next-line".len();
        }
        if line.get(end) != Some(&b'[') {
            found.push(Directive {
                end,
                next_line,
                rules: None,
            });
            continue;
        }
        let list = &line[end + 1..line.len().min(end + 1 + MAX_RULE_LIST)];
        let Some(close) = memchr::memchr(b']', list) else {
            continue;
        };
        let mut rules: Vec<usize> = list[..close]
            .split(|&b| b == b',')
            .filter_map(|name| rule_index(name.trim_ascii()))
            .collect();
        rules.sort_unstable();
        rules.dedup();
        found.push(Directive {
            end: end + 2 + close,
            next_line,
            rules: Some(rules),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Does an inline comment suppress a finding of `rule` on `line` (without its newline),
    /// given the line before it (`previous`, if any)? As the search asks it of
    /// [`directives`]: `piiscan:ignore` on the line, or `piiscan:ignore-next-line` on the line
    /// before, suppress every rule; `piiscan:ignore[email,phone]` (either form) only those named.
    fn inline_ignored(line: &[u8], previous: Option<&[u8]>, rule: &str) -> bool {
        let named = |name: &[u8]| (name == rule.as_bytes()).then_some(0);
        directives(line, named)
            .iter()
            .any(|d| !d.next_line && d.applies(0))
            || previous.is_some_and(|p| {
                directives(p, named)
                    .iter()
                    .any(|d| d.next_line && d.applies(0))
            })
    }

    #[test]
    fn directives_are_read_with_their_rules_and_where_they_end() {
        let index = |name: &[u8]| match name {
            b"email" => Some(3),
            b"phone" => Some(1),
            _ => None,
        };
        let line = b"a # piiscan:ignore[phone, nope,email,email] b piiscan:ignore-next-line c";
        let found = directives(line, index);
        assert_eq!(
            found,
            [
                Directive {
                    end: 43,
                    next_line: false,
                    rules: Some(vec![1, 3]),
                },
                Directive {
                    end: 70,
                    next_line: true,
                    rules: None,
                },
            ]
        );
        assert_eq!(
            &line[..found[0].end],
            b"a # piiscan:ignore[phone, nope,email,email]"
        );
        assert!(line[..found[1].end].ends_with(b"b piiscan:ignore-next-line"));
        assert!(found[0].applies(3) && !found[0].applies(2) && found[1].applies(2));
        // A `[` with no `]` within reach names no rules, and is no directive.
        let open = format!(
            "piiscan:ignore[{} piiscan:ignore",
            "x".repeat(MAX_RULE_LIST)
        );
        let found = directives(open.as_bytes(), index);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rules, None);
    }

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
