//! `phone`: telephone numbers, international (E.164 with `+`), North American (NANP) and
//! national forms.

use super::{all_same, common_step, number, Check};

/// Longest input looked at.
const MAX_INPUT: usize = 40;
/// E.164 allows at most 15 digits.
const MAX_PHONE_DIGITS: usize = 15;
/// Most digit groups a written number has.
const MAX_PHONE_GROUPS: usize = 8;

const FICTIONAL_NANP: &str = "fictional 555-01xx number";
const FICTIONAL_UK: &str = "fictional number (Ofcom drama range)";
const UNFORMATTED: &str = "bare digits without separators or country code";
const PLACEHOLDER: &str = "placeholder number (digits in sequence)";

/// Digits in sequence (`1234567`, `98765`) that make a number a placeholder: one real number
/// in tens of thousands holds six, while examples and tests (`+44 1234567`) favour them.
const SEQUENCE_RUN: usize = 6;

/// Whether the digits hold a run of `SEQUENCE_RUN` stepping up or down by one.
fn in_sequence(d: &[u8]) -> bool {
    d.windows(SEQUENCE_RUN)
        .any(|run| matches!(common_step(run), Some(1 | -1)))
}

/// Integer limits (2^31 - 1, 2^32 and their neighbours) written with a sign: `+2147483647` in
/// source code and documentation is a bound, not a phone.
fn integer_limit(d: &[u8]) -> bool {
    [
        &b"2147483647"[..],
        b"2147483648",
        b"4294967295",
        b"4294967296",
    ]
    .contains(&d)
}

/// A number as written: its digits and how they were grouped.
struct Phone {
    digits: [u8; MAX_PHONE_DIGITS],
    len: usize,
    groups: [u8; MAX_PHONE_GROUPS],
    ngroups: usize,
    plus: bool,
    /// Separator characters seen (space, dash, dot, parentheses).
    seps: usize,
    /// Every separator seen is a dot.
    dots_only: bool,
}

impl Phone {
    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    fn groups(&self) -> &[u8] {
        &self.groups[..self.ngroups]
    }

    fn end_run(&mut self, run: usize) -> Option<()> {
        if self.ngroups == MAX_PHONE_GROUPS {
            return None;
        }
        // A run is at most MAX_PHONE_DIGITS long, so it fits a u8.
        self.groups[self.ngroups] = run as u8;
        self.ngroups += 1;
        Some(())
    }
}

fn is_plain_sep(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.')
}

/// Splits a written number into digits and groups. Accepts a leading `+`, digits, and
/// between digit groups one space, dash or dot, possibly next to a parenthesis: `(415)
/// 555-2671`, `+44 (0) 20 7946 0958`. A trunk prefix written `(0)` after the country code
/// is dropped. Anything else (letters of an extension, doubled separators, unbalanced or
/// nested parentheses, a trailing separator) gives `None`.
fn parse(input: &[u8]) -> Option<Phone> {
    if input.is_empty() || input.len() > MAX_INPUT {
        return None;
    }
    let (plus, body) = match input {
        [b'+', rest @ ..] => (true, rest),
        _ => (false, input),
    };
    let mut p = Phone {
        digits: [0; MAX_PHONE_DIGITS],
        len: 0,
        groups: [0; MAX_PHONE_GROUPS],
        ngroups: 0,
        plus,
        seps: 0,
        dots_only: true,
    };
    let mut gap = [0u8; 2];
    let mut gap_len = 0;
    let mut run = 0;
    let mut in_paren = false;
    for &b in body {
        if b.is_ascii_digit() {
            if run == 0 {
                let g = &gap[..gap_len];
                if p.len == 0 {
                    // Before the first digit: nothing, or `(` when there is no `+`.
                    match g {
                        [] => {}
                        [b'('] if !plus => in_paren = true,
                        _ => return None,
                    }
                } else if in_paren {
                    // The parenthesised group must close before anything else.
                    match g {
                        [b')'] => {}
                        [b')', s] if is_plain_sep(*s) => {}
                        _ => return None,
                    }
                    in_paren = false;
                    let last = p.groups[p.ngroups - 1];
                    if last == 1 && p.digits[p.len - 1] == b'0' && p.ngroups > 1 {
                        // `+44 (0) 20 ...`: the national trunk prefix, not part of the number.
                        p.len -= 1;
                        p.ngroups -= 1;
                    }
                } else {
                    match g {
                        [s] if is_plain_sep(*s) => {}
                        [b'('] => in_paren = true,
                        [s, b'('] if is_plain_sep(*s) => in_paren = true,
                        _ => return None,
                    }
                }
                gap_len = 0;
            }
            if p.len == MAX_PHONE_DIGITS {
                return None;
            }
            p.digits[p.len] = b;
            p.len += 1;
            run += 1;
        } else if is_plain_sep(b) || b == b'(' || b == b')' {
            if run > 0 {
                p.end_run(run)?;
                run = 0;
            }
            if gap_len == gap.len() {
                return None;
            }
            gap[gap_len] = b;
            gap_len += 1;
            p.seps += 1;
            p.dots_only &= b == b'.';
        } else {
            return None;
        }
    }
    if run == 0 || in_paren {
        return None;
    }
    p.end_run(run)?;
    Some(p)
}

/// Whether the digits after `+` start with an assigned country code. Zone 0 does not exist
/// and the blocks +28x, +83x and +89x are unassigned, as are +80x other than +800 and +808.
fn country_code_assigned(d: &[u8]) -> bool {
    match d {
        [b'0', ..] => false,
        [b'2', b'8', ..] | [b'8', b'3', ..] | [b'8', b'9', ..] => false,
        [b'8', b'0', c, ..] => matches!(c, b'0' | b'8'),
        _ => true,
    }
}

/// Checks a ten-digit North American number `NPA NXX XXXX`.
fn nanp(d: &[u8]) -> Check {
    debug_assert_eq!(d.len(), 10);
    let (npa, nxx, line) = (&d[..3], &d[3..6], &d[6..]);
    if npa[0] < b'2' || nxx[0] < b'2' || npa[1..] == *b"11" {
        return Check::Reject;
    }
    if nxx == b"555" && (100..=199).contains(&number(line)) {
        return Check::Weak(FICTIONAL_NANP);
    }
    Check::Pass
}

/// Whether a UK national significant number (without 44 or the trunk 0) falls in a range
/// Ofcom keeps for drama: 020 7946 0xxx, 07700 900xxx, 01632 960xxx.
fn uk_drama(nsn: &[u8]) -> bool {
    nsn.len() == 10
        && [&b"2079460"[..], b"7700900", b"1632960"]
            .iter()
            .any(|prefix| nsn.starts_with(prefix))
}

/// Eight digits that read as a calendar date: `YYYYMMDD`, `YYYY-MM-DD`, `DD.MM.YYYY`,
/// `MM-DD-YYYY` and the like, years 1900 to 2099.
fn looks_like_date(d: &[u8], groups: &[u8]) -> bool {
    if d.len() != 8 {
        return false;
    }
    let year = |s: &[u8]| (1900..=2099).contains(&number(s));
    let month = |s: &[u8]| (1..=12).contains(&number(s));
    let day = |s: &[u8]| (1..=31).contains(&number(s));
    let ymd = year(&d[..4]) && month(&d[4..6]) && day(&d[6..]);
    let dmy = day(&d[..2]) && month(&d[2..4]) && year(&d[4..]);
    let mdy = month(&d[..2]) && day(&d[2..4]) && year(&d[4..]);
    match groups {
        [8] => ymd || dmy || mdy,
        [4, 2, 2] => ymd,
        [2, 2, 4] => dmy || mdy,
        _ => false,
    }
}

/// Four dot-separated groups of at most three digits, each at most 255: an IPv4 address.
fn looks_like_ipv4(p: &Phone) -> bool {
    if !p.dots_only || p.seps != 3 || p.ngroups != 4 {
        return false;
    }
    let mut at = 0;
    p.groups().iter().all(|&g| {
        let g = usize::from(g);
        let ok = g <= 3 && number(&p.digits()[at..at + g]) <= 255;
        at += g;
        ok
    })
}

/// `phone`: numbers with `+` follow E.164 (8 to 15 digits, an assigned country code); +1
/// numbers, and ten digits (eleven with a leading 1) written plain or grouped 3-3-4, follow
/// the North American plan; other national numbers need 7 to 15 digits and, to count as
/// more than weak evidence, at least one separator. Dates, IPv4 addresses, runs of one
/// digit, integer limits and anything with letters (such as an extension) are rejected;
/// numbers with six digits in sequence are placeholders.
pub(crate) fn validate(input: &[u8]) -> Check {
    let Some(p) = parse(input) else {
        return Check::Reject;
    };
    match validate_parsed(&p) {
        Check::Pass | Check::Weak(UNFORMATTED) if in_sequence(p.digits()) => {
            Check::Weak(PLACEHOLDER)
        }
        check => check,
    }
}

/// `validate` before the placeholder check, which applies to whatever this accepts.
fn validate_parsed(p: &Phone) -> Check {
    let d = p.digits();
    // No numbering plan ends a number on a lone digit: `+35236450.6` is a decimal.
    if all_same(d) || (p.seps == 0 && integer_limit(d)) || p.groups().last() == Some(&1) {
        return Check::Reject;
    }
    if p.plus {
        if !(8..=MAX_PHONE_DIGITS).contains(&d.len()) || !country_code_assigned(d) {
            return Check::Reject;
        }
        if d[0] == b'1' {
            return if d.len() == 11 {
                nanp(&d[1..])
            } else {
                Check::Reject
            };
        }
        if d.starts_with(b"44") && uk_drama(&d[2..]) {
            return Check::Weak(FICTIONAL_UK);
        }
        return Check::Pass;
    }
    if looks_like_date(d, p.groups()) || looks_like_ipv4(p) {
        return Check::Reject;
    }
    match (d.len(), p.groups()) {
        (10, [10] | [3, 3, 4]) if d[0] != b'0' => return nanp(d),
        (11, [11] | [1, 3, 3, 4]) if d[0] == b'1' => return nanp(&d[1..]),
        (7, [3, 4]) if d.starts_with(b"555") && d[3] == b'0' && d[4] == b'1' => {
            return Check::Weak(FICTIONAL_NANP)
        }
        _ => {}
    }
    if !(7..=MAX_PHONE_DIGITS).contains(&d.len()) {
        return Check::Reject;
    }
    if d.len() == 11 && d[0] == b'0' && uk_drama(&d[1..]) {
        return Check::Weak(FICTIONAL_UK);
    }
    if p.seps == 0 {
        return Check::Weak(UNFORMATTED);
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Check {
        validate(s.as_bytes())
    }

    #[test]
    fn international_numbers_pass() {
        for s in [
            "+14155552671",
            "+1 415 555 2671",
            "+1 (415) 555-2671",
            "+1-415-555-2671",
            "+1.415.555.2671",
            "+44 20 7183 6429",
            "+44 (0) 20 7183 6429",
            "+44 7911 173846",
            "+49 30 183746",
            "+49 (0)30 1834 5672",
            "+33 1 72 45 18 39",
            "+33172451839",
            "+91 98261 43750",
            "+86 138 0013 8000",
            "+81 3-1834-5672",
            "+61 2 9836 5472",
            "+7 495 183-45-62",
            "+800 1834 5672",
            "+808 1834 5672",
            "+354 183 4562",
        ] {
            assert_eq!(check(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn e164_limits() {
        // Eight digits is the shortest accepted, fifteen the longest.
        assert_eq!(check("+4721834562"), Check::Pass);
        assert_eq!(check("+47212345"), Check::Pass);
        assert_eq!(check("+4721234"), Check::Reject);
        assert_eq!(check("+861834562790413"), Check::Pass);
        assert_eq!(check("+8612345678901234"), Check::Reject);
        assert_eq!(check("+123"), Check::Reject);
        assert_eq!(check("+"), Check::Reject);
    }

    #[test]
    fn unassigned_country_codes_are_rejected() {
        for s in [
            "+0 123 456 789",
            "+01 234 567 890",
            "+28 123 456 789",
            "+289 123 456 78",
            "+83 123 456 789",
            "+89 123 456 789",
            "+801 234 5678",
            "+807 234 5678",
        ] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn nanp_rules() {
        for s in [
            "(415) 555-2671",
            "415-555-2671",
            "415.555.2671",
            "415 555 2671",
            "4155552671",
            "1-415-555-2671",
            "1 (415) 555-2671",
            "14155552671",
            "+1 800 275 2273",
        ] {
            assert_eq!(check(s), Check::Pass, "{s}");
        }
        for s in [
            // Area codes start with 2-9 and are not N11.
            "+1 015 555 2671",
            "+1 115 555 2671",
            "+1 911 555 2671",
            "+1 411 555 2671",
            "(211) 555-2671",
            // Exchanges start with 2-9.
            "+1 415 055 2671",
            "+1 415 155 2671",
            "415-155-2671",
            // +1 numbers have exactly ten more digits.
            "+1 415 555 267",
            "+1 415 555 26711",
            // A ten-digit run starting with 1 is a Unix timestamp, not a NANP number.
            "1700000000",
        ] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn fictional_555_numbers_are_weak() {
        for s in [
            "+1 212 555 0100",
            "+12025550173",
            "(212) 555-0123",
            "212-555-0199",
            "1-800-555-0150",
            "555-0142",
        ] {
            assert_eq!(check(s), Check::Weak(FICTIONAL_NANP), "{s}");
        }
        // Just outside the reserved block, and other 555 lines.
        for s in ["(212) 555-0200", "(212) 555-0099", "(212) 555-1212"] {
            assert_eq!(check(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn uk_drama_numbers_are_weak() {
        for s in [
            "+44 20 7946 0958",
            "+44 (0) 20 7946 0123",
            "020 7946 0000",
            "+44 7700 900123",
            "07700 900999",
            "01632 960001",
        ] {
            assert_eq!(check(s), Check::Weak(FICTIONAL_UK), "{s}");
        }
        assert_eq!(check("020 7946 1000"), Check::Pass);
    }

    #[test]
    fn national_numbers() {
        for s in [
            "020 7183 6429",
            "030 1834562",
            "030-1834562",
            "06-18345627",
            "020 183 4562",
            "01 72 45 18 39",
            "(02) 9836 5472",
            // Ten digits grouped 3-3-4 but with a trunk 0: Delft, not North America.
            "(015) 555-2671",
            "0044 20 7183 6429",
            "183-4562",
        ] {
            assert_eq!(check(s), Check::Pass, "{s}");
        }
        // Without separators or a country code the digits could be anything.
        for s in ["0201834562", "1834562", "018345627901234"] {
            assert_eq!(check(s), Check::Weak(UNFORMATTED), "{s}");
        }
        // Too few or too many digits.
        for s in ["123-45", "12 34 56", "0123 4567 8901 2345"] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn digits_in_sequence_are_placeholders() {
        for s in [
            "+44 1234567",
            "+44 2345678",
            "+33 1 23 45 67 89",
            "+1 234 567 8901",
            "(987) 654-3210",
            "+91 98765 43210",
            "030 1234567",
        ] {
            assert_eq!(check(s), Check::Weak(PLACEHOLDER), "{s}");
        }
        assert!(crate::validate::is_test_data(PLACEHOLDER));
        // Five in a row is as far as chance goes in real numbers.
        assert_eq!(check("+44 20 7123 4597"), Check::Pass);
        assert!(in_sequence(b"0123456") && in_sequence(b"9876543210") && !in_sequence(b"12345"));
    }

    #[test]
    fn integer_limits_are_rejected() {
        for s in ["+2147483647", "+2147483648", "+4294967295", "+4294967296"] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
        // Grouped like a phone number, the same digits are one.
        assert_eq!(check("+21 4748 3647"), Check::Pass);
    }

    #[test]
    fn a_lone_last_digit_is_a_fraction() {
        for s in ["+35236450.6", "+6073641856.9", "+44 20 7183 642 9"] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn all_same_digits_are_rejected() {
        for s in [
            "0000000000",
            "+1 111 111 1111",
            "+44 4444 444444",
            "999-9999",
            "(222) 222-2222",
        ] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn dates_are_rejected() {
        for s in [
            "2024-01-15",
            "20240115",
            "2024.01.15",
            "2024 01 15",
            "15.01.2024",
            "15-01-2024",
            "01-15-2024",
            "19991231",
            "31121999",
        ] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
        // Eight digits that are not a date in that grouping stay phone-like.
        assert_eq!(check("2024-13-45"), Check::Pass);
        assert_eq!(check("22 18 34 56"), Check::Pass);
        assert_eq!(check("1834-5672"), Check::Pass);
    }

    #[test]
    fn ip_addresses_are_rejected() {
        for s in ["192.168.100.200", "10.20.30.40", "172.16.254.1"] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
        // A dotted number with a group over 255 is not an address.
        assert_eq!(check("212.555.2671"), Check::Pass);
    }

    #[test]
    fn extensions_and_junk_are_rejected() {
        for s in [
            "555-1234 x123",
            "+1 415 555 2671 x12",
            "+1 415 555 2671 ext. 12",
            "415-555-2671ext123",
            "(415 555-2671",
            "415) 555-2671",
            "((415)) 555-2671",
            "(415)(555)-2671",
            "415--555-2671",
            "415 - 555 - 2671",
            "+1 415 555 2671 ",
            " +1 415 555 2671",
            "+ 1 415 555 2671",
            "++1 415 555 2671",
            "1+415 555 2671",
            "+(1) 415 555 2671",
            "415/555/2671",
            "415_555_2671",
            "(415)",
            "()415 555 2671",
            "1 2 3 4 5 6 7 8 9",
            "+1\u{a0}415\u{a0}555\u{a0}2671",
        ] {
            assert_eq!(check(s), Check::Reject, "{s:?}");
        }
    }

    #[test]
    fn parse_drops_only_a_trunk_zero() {
        let p = parse(b"+44 (0) 20 7123 4567").unwrap();
        assert_eq!(p.digits(), b"442071234567");
        assert_eq!(p.groups(), &[2, 2, 4, 4]);
        let p = parse(b"(0) 20 7123 4567").unwrap();
        assert_eq!(p.digits(), b"02071234567");
        let p = parse(b"(415) 555-2671").unwrap();
        assert_eq!(p.groups(), &[3, 3, 4]);
        assert_eq!(p.seps, 4);
    }
}
