//! `date-of-birth`: a calendar date that can be somebody's birthday.

use super::{number, Check};

const MONTHS: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

/// Latest year accepted: dates after it are not birth dates of anyone alive to be audited.
const LAST_YEAR: u32 = 2030;

fn month_name(word: &[u8]) -> Option<u32> {
    if word.len() < 3 || !word.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| word[..3].eq_ignore_ascii_case(m))
        .map(|i| i as u32 + 1)
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) from `1985-03-14`, `14.03.1985`, `14/03/1985`, `03/14/1985` (month
/// first when the first part cannot be a day... and when it can, either reading must be a
/// date), `14 Mar 1985`, `March 14, 1985`.
fn parse(input: &[u8]) -> Option<(u32, u32, u32)> {
    let mut parts = input
        .split(|&b| matches!(b, b'-' | b'.' | b'/' | b' ' | b','))
        .filter(|p| !p.is_empty());
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let num = |p: &[u8]| (p.len() <= 4 && p.iter().all(u8::is_ascii_digit)).then(|| number(p));
    if a.len() == 4 {
        return Some((num(a)?, num(b)?, num(c)?));
    }
    if c.len() != 4 {
        return None;
    }
    let year = num(c)?;
    if let Some(m) = month_name(b) {
        return Some((year, m, num(a)?));
    }
    if let Some(m) = month_name(a) {
        return Some((year, m, num(b)?));
    }
    let (x, y) = (num(a)?, num(b)?);
    // Day first (most of the world) unless that is impossible.
    if y <= 12 {
        Some((year, y, x))
    } else {
        Some((year, x, y))
    }
}

/// `date-of-birth`: a real calendar date (leap years included) between 1900 and 2030, written
/// ISO (`1985-03-14`), day or month first with `.`, `/` or `-` and a four-digit year, or with
/// the month's name (`14 March 1985`, `Mar 14, 1985`).
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.len() < 8 || input.len() > 32 || !input.is_ascii() {
        return Check::Reject;
    }
    let Some((year, month, day)) = parse(input) else {
        return Check::Reject;
    };
    if !(1900..=LAST_YEAR).contains(&year) || !(1..=12).contains(&month) {
        return Check::Reject;
    }
    if day == 0 || day > days_in(month, year) {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_pass() {
        for s in [
            "1985-03-14",
            "14.03.1985",
            "14/03/1985",
            "03/14/1985",
            "29.02.2000",
            "14 Mar 1985",
            "14 March 1985",
            "March 14, 1985",
            "1 Jan 1950",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for s in [
            "1985-02-30",
            "29.02.1900",
            "1985-13-01",
            "32/01/1985",
            "1850-01-01",
            "2099-01-01",
            "13/13/1985",
            "14 Foo 1985",
            "1985-03",
            "85-03-14",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }
}
