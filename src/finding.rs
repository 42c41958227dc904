//! A finding, and the two things that make it safe to print: redaction and a value-free
//! fingerprint.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::RedactStyle;

/// How sure piiscan is that a match is personal data.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    #[default]
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
    pub fn raise(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }
    pub fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--redact`: how values appear in output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redaction {
    /// Keep a hint of the shape (last characters, e-mail domain's TLD).
    #[default]
    Partial,
    /// Show nothing of the value.
    Full,
    /// Show the raw value: for a local audit only.
    None,
}

/// Where a finding sits in structured data, when piiscan can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Context {
    /// The key the value is assigned to on its line (`email=...`, `"email": "..."`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Where the value sits in a JSON record (RFC 6901: `/user/email`), for JSON inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// The name of the CSV/TSV column the value is in, for inputs with a header row. Shared:
    /// every row of an export has a finding in the same few columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<Arc<str>>,
}

/// Why a finding got its confidence (`--explain`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Explain {
    pub base: Confidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validator: Option<String>,
    /// What the validator said: `pass`, or why the evidence is weak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// The key or column, listed in the rule's `keys`, that the value sits under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub context_words: Vec<String>,
    pub negative_words: Vec<String>,
}

/// One reported occurrence of personal data.
#[derive(Debug, Clone, Default)]
pub struct Finding {
    /// Index of the rule in the compiled rule set.
    pub rule: usize,
    pub path: Arc<str>,
    /// The path its fingerprint holds, and its baseline entry (`discover::InputFile::anchored`).
    pub anchored: Arc<str>,
    /// 1-based line; 0 when the run does not number lines (`ScanOptions::line_numbers`).
    pub line: u64,
    /// 1-based column in Unicode scalar values.
    pub column: u64,
    /// 1-based column in UTF-16 code units (SARIF's default).
    pub column_utf16: u64,
    /// Length of the value in UTF-16 code units.
    pub length_utf16: u64,
    pub byte_offset: u64,
    pub length: u64,
    pub confidence: Confidence,
    /// The value redacted (`partial` or `full`; `partial` when `--redact none`).
    pub redacted: String,
    /// The raw value, only with `--redact none`.
    pub value: Option<String>,
    pub fingerprint: Fingerprint,
    /// A hash of the raw value ([`value_hash`]), for counting distinct values without keeping
    /// them.
    pub value_hash: u64,
    pub context: Context,
    /// Boxed: only `--explain` fills it, and every finding is moved several times.
    pub explain: Option<Box<Explain>>,
}

/// The hash of a raw value that distinct values are counted by (never output): the same in
/// every thread and run. foldhash rather than the standard SipHash, which took 3.6% of the
/// instructions of a dense export's data map.
pub fn value_hash(value: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(VALUE_HASH_SEED).hash_one(value)
}

/// Any fixed seed will do: it only has to be the same wherever values are counted.
const VALUE_HASH_SEED: u64 = 0x7069_6973_6361_6e31;

/// Render a value for output.
pub fn redact(value: &[u8], style: RedactStyle, mode: Redaction) -> String {
    match mode {
        Redaction::None => String::from_utf8_lossy(value).into_owned(),
        Redaction::Full => "[REDACTED]".to_string(),
        Redaction::Partial => match style {
            RedactStyle::Email => redact_email(value),
            RedactStyle::Tail => mask(value, 2),
            RedactStyle::Shape => mask(value, 0),
            // Punctuation is part of a secret: nothing of it is kept but its length.
            RedactStyle::Secret => "*".repeat(String::from_utf8_lossy(value).chars().count()),
        },
    }
}

/// Mask letters and digits, keep separators, and reveal the last `keep` alphanumerics when the
/// value is long enough that they do not narrow it down (at least 8 alphanumerics).
fn mask(value: &[u8], keep: usize) -> String {
    let alnum = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    let hidden = if alnum >= 8 { alnum - keep } else { alnum };
    let mut seen = 0;
    let mut out = String::with_capacity(value.len());
    for &b in value {
        let shown = if b.is_ascii_alphanumeric() {
            seen += 1;
            seen > hidden
        } else {
            b.is_ascii_punctuation() || b == b' '
        };
        // Every byte shown is ASCII: pushed as is, no UTF-8 to check.
        out.push(if shown { char::from(b) } else { '*' });
    }
    out
}

fn redact_email(value: &[u8]) -> String {
    // The `@` may be URL- or JSON-escaped (`%40`, `\u0040`) in the file.
    let found = [&b"@"[..], b"%40", b"\\u0040"].iter().find_map(|sep| {
        value
            .windows(sep.len())
            .rposition(|w| w.eq_ignore_ascii_case(sep))
            .map(|at| (at, sep.len()))
    });
    let Some((at, sep_len)) = found else {
        return mask(value, 0);
    };
    let (local, domain) = (&value[..at], &value[at + sep_len..]);
    let tld_start = domain
        .iter()
        .rposition(|&b| b == b'.')
        .unwrap_or(domain.len());
    let mut out = String::with_capacity(value.len());
    // A part of one or two characters shows none of them: its first would be half of it.
    let first_and_stars = |out: &mut String, part: &[u8]| match part {
        [] => {}
        [_] | [_, _] => out.push_str("**"),
        [first, rest @ ..] => {
            out.push(if first.is_ascii() {
                *first as char
            } else {
                '*'
            });
            out.extend(std::iter::repeat_n('*', rest.len()));
        }
    };
    first_and_stars(&mut out, local);
    out.push_str(&String::from_utf8_lossy(&value[at..at + sep_len]));
    first_and_stars(&mut out, &domain[..tld_start]);
    out.push_str(&String::from_utf8_lossy(&domain[tld_start..]));
    out
}

/// A finding's masked line: the rule, the path, and the line with the value cut out (trimmed).
/// Its fingerprint survives the finding moving up or down the file and holds nothing of the
/// value. Identical masked lines within one input are numbered ([`Occurrences`]), and the
/// number goes into the fingerprint.
#[derive(Clone)]
pub struct MaskedLine(Sha256);

/// What every masked line of one rule in one input starts with (a version tag, the rule, the
/// path), hashed once: with a typical path it fills a SHA-256 block, which the lines of a dense
/// input would otherwise each hash again.
#[derive(Clone)]
pub struct LinePrefix(Sha256);

impl LinePrefix {
    pub fn new(rule_id: &str, path: &str) -> LinePrefix {
        let mut h = Sha256::new();
        h.update(b"piiscan-fp-v1\0");
        h.update(rule_id.as_bytes());
        h.update(b"\0");
        h.update(path.as_bytes());
        h.update(b"\0");
        LinePrefix(h)
    }
}

impl MaskedLine {
    pub fn new(rule_id: &str, path: &str, line_before: &[u8], line_after: &[u8]) -> MaskedLine {
        MaskedLine::after(&LinePrefix::new(rule_id, path), line_before, line_after)
    }

    /// The masked line of `prefix`'s rule and path.
    pub fn after(prefix: &LinePrefix, line_before: &[u8], line_after: &[u8]) -> MaskedLine {
        let mut h = prefix.0.clone();
        h.update(line_before.trim_ascii_start());
        h.update(b"\0<value>\0");
        h.update(line_after.trim_ascii_end());
        h.update(b"\0");
        MaskedLine(h)
    }

    /// The fingerprint of the next finding on this masked line, numbered by `occurrences`.
    ///
    /// Most masked lines occur once, so the digest of the first occurrence is computed first
    /// and also serves as the line's key in `occurrences`: one SHA-256 finalisation per
    /// finding instead of two. Only a repeated line hashes again, with its number.
    pub fn fingerprint(self, occurrences: &mut Occurrences) -> Fingerprint {
        let first = self.digest(0);
        let digest = match occurrences.next(key_of(&first), || self.shared_key()) {
            0 => first,
            occurrence => self.digest(occurrence),
        };
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Fingerprint(bytes)
    }

    /// SHA-256 of the masked line and the `occurrence`-th finding's number.
    fn digest(&self, occurrence: u32) -> [u8; 32] {
        let mut h = self.0.clone();
        h.update(occurrence.to_le_bytes());
        h.finalize().into()
    }

    /// The key of this line in the counters that lines share once an input has more distinct
    /// lines than [`Occurrences`] numbers exactly: SHA-256 of the masked line alone, as since
    /// fingerprints were introduced, so that numbering (and so fingerprints) stay the same.
    fn shared_key(&self) -> u64 {
        key_of(&self.0.clone().finalize())
    }
}

/// A digest's first 8 bytes as a key in [`Occurrences`]. Never output.
fn key_of(digest: &[u8]) -> u64 {
    u64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
}

/// Numbers repeated identical masked lines within one input, for fingerprints. Exact for up
/// to `EXACT` distinct lines; beyond that (a huge export), new lines share a fixed table of
/// counters, so memory stays bounded and numbering stays deterministic.
#[derive(Debug, Default)]
pub struct Occurrences {
    exact: std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<PreHashed>>,
    shared: Vec<u32>,
}

impl Occurrences {
    const EXACT: usize = 1 << 17;
    const SHARED: usize = 1 << 16;

    /// The occurrence number of the masked line `key` identifies (0 for its first), counted
    /// in the shared table by `shared_key` once the exact one is full.
    pub fn next(&mut self, key: u64, shared_key: impl FnOnce() -> u64) -> u32 {
        if let Some(n) = self.exact.get_mut(&key) {
            *n += 1;
            return *n - 1;
        }
        if self.exact.len() < Self::EXACT {
            self.exact.insert(key, 1);
            return 0;
        }
        if self.shared.is_empty() {
            self.shared = vec![0; Self::SHARED];
        }
        let slot = &mut self.shared[(shared_key() as usize) % Self::SHARED];
        *slot += 1;
        *slot - 1
    }
}

/// The hasher of maps keyed by hashes (masked-line keys, value hashes): they are hashes
/// already, so hashing them again (SipHash, the default) would only cost time.
#[derive(Debug, Default, Clone, Copy)]
pub struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in so the hasher stays correct.
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A finding's fingerprint: the first 16 bytes of the SHA-256 of its masked line and
/// number, written as 32 lower-case hex digits. Kept as bytes: a dense run makes millions of
/// them, and only the formats that print one spell it out (no allocation per finding).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The 32 hex digits, on the stack.
    pub fn hex(&self) -> FingerprintHex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 32];
        for (i, &b) in self.0.iter().enumerate() {
            out[2 * i] = DIGITS[(b >> 4) as usize];
            out[2 * i + 1] = DIGITS[(b & 15) as usize];
        }
        FingerprintHex(out)
    }
}

impl From<[u8; 16]> for Fingerprint {
    fn from(bytes: [u8; 16]) -> Fingerprint {
        Fingerprint(bytes)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}

/// A fingerprint's hex digits.
pub struct FingerprintHex([u8; 32]);

impl FingerprintHex {
    /// The digits as bytes, for output that writes them as they are.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::ops::Deref for FingerprintHex {
    type Target = str;
    fn deref(&self) -> &str {
        // Hex digits only: always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint of the `occurrence`-th finding on a masked line.
    fn fingerprint(rule: &str, path: &str, before: &[u8], after: &[u8], occurrence: u32) -> String {
        let mut occurrences = Occurrences::default();
        let line = MaskedLine::new(rule, path, before, after);
        for _ in 0..occurrence {
            line.clone().fingerprint(&mut occurrences);
        }
        line.fingerprint(&mut occurrences).to_string()
    }

    /// The documented bytes of a fingerprint: SHA-256 of the masked line and the number.
    fn documented(rule: &str, path: &str, before: &[u8], after: &[u8], occurrence: u32) -> String {
        let mut bytes = format!("piiscan-fp-v1\0{rule}\0{path}\0").into_bytes();
        for part in [before, b"\0<value>\0", after, b"\0"] {
            bytes.extend_from_slice(part);
        }
        bytes.extend_from_slice(&occurrence.to_le_bytes());
        Sha256::digest(&bytes)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn email_partial() {
        assert_eq!(
            redact(
                b"jane.doe@example.com",
                RedactStyle::Email,
                Redaction::Partial
            ),
            "j*******@e******.com"
        );
        // Parts of one or two characters show none of them.
        assert_eq!(
            redact(b"a@b.io", RedactStyle::Email, Redaction::Partial),
            "**@**.io"
        );
        assert_eq!(
            redact(b"xy@cde.de", RedactStyle::Email, Redaction::Partial),
            "**@c**.de"
        );
    }

    #[test]
    fn secrets_keep_nothing_but_their_length() {
        for (value, shown) in [
            (&b"P@$$-w0rd!#"[..], "***********"),
            (b"..--..", "******"),
            ("pässwörd".as_bytes(), "********"),
        ] {
            assert_eq!(
                redact(value, RedactStyle::Secret, Redaction::Partial),
                shown
            );
        }
        assert_eq!(
            redact(b"..--..", RedactStyle::Secret, Redaction::Full),
            "[REDACTED]"
        );
    }

    #[test]
    fn tail_keeps_separators_and_last_two() {
        assert_eq!(
            redact(
                b"4539-1488-0343-6467",
                RedactStyle::Tail,
                Redaction::Partial
            ),
            "****-****-****-**67"
        );
        assert_eq!(
            redact(b"203.0.113.9", RedactStyle::Tail, Redaction::Partial),
            "***.*.**3.9"
        );
        assert_eq!(
            redact(b"10.0.0.1", RedactStyle::Tail, Redaction::Partial),
            "**.*.*.*"
        );
    }

    #[test]
    fn escaped_at_sign_is_kept_and_the_rest_masked() {
        assert_eq!(
            redact(
                b"jane.doe%40example.com",
                RedactStyle::Email,
                Redaction::Partial
            ),
            "j*******%40e******.com"
        );
        assert_eq!(
            redact(
                br"jane\u0040mail.io",
                RedactStyle::Email,
                Redaction::Partial
            ),
            r"j***\u0040m***.io"
        );
    }

    #[test]
    fn full_and_none() {
        assert_eq!(
            redact(b"123-45-6789", RedactStyle::Tail, Redaction::Full),
            "[REDACTED]"
        );
        assert_eq!(
            redact(b"123-45-6789", RedactStyle::Tail, Redaction::None),
            "123-45-6789"
        );
    }

    #[test]
    fn fingerprint_ignores_value_and_line_number_but_not_occurrence() {
        let a = fingerprint("email", "a.txt", b"  to: ", b" ok", 0);
        let b = fingerprint("email", "a.txt", b"to: ", b" ok  ", 0);
        assert_eq!(a, b);
        assert_ne!(a, fingerprint("email", "a.txt", b"to: ", b" ok", 1));
        assert_ne!(a, fingerprint("email", "b.txt", b"to: ", b" ok", 0));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn lines_after_one_shared_prefix_hash_as_the_documented_bytes() {
        // A path longer than a SHA-256 block, so the shared state holds whole blocks.
        let path = "logs/2026/11/some/deep/directory/of/rotated/logs/for/one/service/app.log";
        let prefix = LinePrefix::new("email", path);
        for (before, after) in [(&b"to: "[..], &b" ok"[..]), (b"cc: ", b""), (b"", b"x")] {
            let mut occurrences = Occurrences::default();
            for occurrence in 0..3 {
                assert_eq!(
                    MaskedLine::after(&prefix, before, after)
                        .fingerprint(&mut occurrences)
                        .to_string(),
                    documented("email", path, before, after, occurrence)
                );
            }
        }
    }

    #[test]
    fn repeated_lines_are_numbered_in_order_and_other_lines_start_at_zero() {
        let mut occurrences = Occurrences::default();
        let line = |before: &[u8]| MaskedLine::new("ipv4", "a.log", before, b" GET /");
        assert_eq!(
            line(b"from ").fingerprint(&mut occurrences).to_string(),
            documented("ipv4", "a.log", b"from ", b" GET /", 0)
        );
        assert_eq!(
            line(b"to ").fingerprint(&mut occurrences).to_string(),
            documented("ipv4", "a.log", b"to ", b" GET /", 0)
        );
        assert_eq!(
            line(b"from ").fingerprint(&mut occurrences).to_string(),
            documented("ipv4", "a.log", b"from ", b" GET /", 1)
        );
    }

    #[test]
    fn past_the_exact_counters_lines_are_counted_by_their_shared_key() {
        let mut occurrences = Occurrences::default();
        for key in 0..Occurrences::EXACT as u64 {
            assert_eq!(occurrences.next(key, || unreachable!()), 0);
        }
        // A line counted exactly goes on being counted there.
        assert_eq!(occurrences.next(7, || unreachable!()), 1);
        // New lines share the counter their shared key picks, whatever their own key.
        let past = Occurrences::EXACT as u64;
        assert_eq!(occurrences.next(past, || 42), 0);
        assert_eq!(occurrences.next(past + 1, || 42), 1);
        assert_eq!(occurrences.next(past + 2, || 43), 0);
    }

    #[test]
    fn the_shared_key_is_the_digest_of_the_masked_line_alone() {
        let line = MaskedLine::new("email", "a.txt", b"to: ", b" ok");
        let digest = Sha256::digest(b"piiscan-fp-v1\0email\0a.txt\0to: \0<value>\0 ok\0");
        assert_eq!(
            line.shared_key(),
            u64::from_le_bytes(digest[..8].try_into().unwrap())
        );
    }
}
