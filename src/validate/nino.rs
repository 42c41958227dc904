//! `uk-nino`: United Kingdom National Insurance number.

use super::Check;

/// Longest input looked at: nine characters with a space between each.
const MAX_INPUT: usize = 17;

/// Letters never used in either prefix position.
const NEVER: &[u8] = b"DFIQUV";
/// Prefixes that are never allocated.
const BAD_PREFIXES: &[&[u8; 2]] = &[b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];

/// `uk-nino`: two prefix letters, six digits and a suffix letter A-D, e.g. `AB123456C` or
/// `AB 12 34 56 C`, single spaces allowed between characters, either case. Neither prefix
/// letter may be D, F, I, Q, U or V, the second may not be O, and BG, GB, KN, NK, NT, TN
/// and ZZ are not allocated. HMRC's published example QQ 12 34 56 C is weak.
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.len() > MAX_INPUT {
        return Check::Reject;
    }
    let mut n = [0u8; 9];
    let mut len = 0;
    let mut prev_space = true;
    for &b in input {
        if b == b' ' {
            if prev_space {
                return Check::Reject;
            }
            prev_space = true;
            continue;
        }
        if len == n.len() {
            return Check::Reject;
        }
        n[len] = b.to_ascii_uppercase();
        len += 1;
        prev_space = false;
    }
    if prev_space || len != n.len() {
        return Check::Reject;
    }
    let (prefix, number, suffix) = (&n[..2], &n[2..8], n[8]);
    if !prefix.iter().all(u8::is_ascii_uppercase)
        || !number.iter().all(u8::is_ascii_digit)
        || !(b'A'..=b'D').contains(&suffix)
    {
        return Check::Reject;
    }
    if prefix == b"QQ" {
        return Check::Weak("published example NINO (QQ prefix)");
    }
    if NEVER.contains(&prefix[0])
        || NEVER.contains(&prefix[1])
        || prefix[1] == b'O'
        || BAD_PREFIXES.iter().any(|p| p[..] == *prefix)
    {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_formats_pass() {
        for s in [
            "AB123456C",
            "AB 12 34 56 C",
            "AB 123456 C",
            "ab123456c",
            "JG103759A",
            "ZY987654D",
            "OA123456B",
            "CE000001A",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn published_example_is_weak() {
        for s in ["QQ123456C", "QQ 12 34 56 C", "qq123456a"] {
            assert_eq!(
                validate(s.as_bytes()),
                Check::Weak("published example NINO (QQ prefix)"),
                "{s}"
            );
        }
    }

    #[test]
    fn forbidden_letters_are_rejected() {
        for first in NEVER {
            let s = [*first, b'A', b'1', b'2', b'3', b'4', b'5', b'6', b'A'];
            assert_eq!(
                validate(&s),
                Check::Reject,
                "{}",
                String::from_utf8_lossy(&s)
            );
        }
        for second in b"DFIQUVO" {
            let s = [b'A', *second, b'1', b'2', b'3', b'4', b'5', b'6', b'A'];
            assert_eq!(
                validate(&s),
                Check::Reject,
                "{}",
                String::from_utf8_lossy(&s)
            );
        }
    }

    #[test]
    fn unallocated_prefixes_are_rejected() {
        for p in ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "bg", "tn"] {
            let s = format!("{p}123456A");
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }

    #[test]
    fn malformed_is_rejected() {
        for s in [
            "",
            "AB123456",
            "AB123456E",
            "AB1234567",
            "AB12345C",
            "AB1234567C",
            "A1123456C",
            "1B123456C",
            "AB12345XC",
            "AB  123456C",
            " AB123456C",
            "AB123456C ",
            "AB-12-34-56-C",
            "AB123456CC",
            "\u{c4}B123456C",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }
}
