//! `us-ssn`: United States Social Security Number.

use super::{grouped_digits, number, Check};

/// Numbers that were printed in advertising, on sample cards or are the standard
/// placeholder. Real-looking, but not anyone's number in practice.
const ADVERTISED: &[&[u8]] = &[
    b"078051120", // Woolworth wallet insert sample card (1938)
    b"219099999", // Social Security Board pamphlet sample (1940)
    b"123456789", // the usual placeholder
    b"457555462", // publicly advertised by an identity-protection company
    b"111223333", // a placeholder in documentation and tutorials
];

/// `us-ssn`: nine digits as `AAA-GG-SSSS`, `AAA GG SSSS` or `AAAGGSSSS`. The area may not be
/// 000, 666 or 900-999, the group may not be 00 and the serial may not be 0000.
pub(crate) fn validate(input: &[u8]) -> Check {
    let Some(g) = grouped_digits(input, b"- ") else {
        return Check::Reject;
    };
    if !matches!(g.groups(), [9] | [3, 2, 4]) {
        return Check::Reject;
    }
    let d = g.digits();
    let area = number(&d[..3]);
    let group = number(&d[3..5]);
    let serial = number(&d[5..]);
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return Check::Reject;
    }
    if ADVERTISED.contains(&d) {
        return Check::Weak("advertised or placeholder SSN");
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_formats_pass() {
        for s in [
            "536-90-4399",
            "536 90 4399",
            "536904399",
            "001-01-0001",
            "899-99-9999",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn advertised_numbers_are_weak() {
        for s in [
            "078-05-1120",
            "219-09-9999",
            "123-45-6789",
            "111-22-3333",
            "078051120",
            "123 45 6789",
        ] {
            assert_eq!(
                validate(s.as_bytes()),
                Check::Weak("advertised or placeholder SSN"),
                "{s}"
            );
        }
    }

    #[test]
    fn impossible_areas_groups_and_serials_are_rejected() {
        for s in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "950-12-3456",
            "999-99-9999",
            // SSA reserves 987-65-4320..4329 for advertising; the 9xx rule covers them.
            "987-65-4320",
            "123-00-4567",
            "123-45-0000",
            "000000000",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }

    #[test]
    fn separators_must_be_consistent_and_well_placed() {
        for s in [
            "536-90 4399",
            "536 90-4399",
            "5369-04-399",
            "53-690-4399",
            "536--90-4399",
            "536.90.4399",
            "536/90/4399",
            "-536-90-4399",
            "536-90-4399-",
            "536_90_4399",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }

    #[test]
    fn wrong_digit_counts_are_rejected() {
        for s in [
            "536-90-439",
            "536-90-43999",
            "53690439",
            "5369043999",
            "",
            "abc-de-fghi",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }
}
