//! `ca-sin`: Canadian Social Insurance Number.

use super::luhn::luhn_ok;
use super::{grouped_digits, Check};

/// `ca-sin`: nine digits, plain or grouped 3-3-3 by spaces or dashes (one kind only),
/// passing Luhn. The first digit tells the region of issue; 8 is never issued. Numbers
/// starting with 0 are not issued to people either, but 0 is where published examples
/// live (the Government of Canada's own sample is 046 454 286), so they are weak rather
/// than rejected.
pub(crate) fn validate(input: &[u8]) -> Check {
    let Some(g) = grouped_digits(input, b" -") else {
        return Check::Reject;
    };
    if !matches!(g.groups(), [9] | [3, 3, 3]) {
        return Check::Reject;
    }
    let d = g.digits();
    if d[0] == b'8' || !luhn_ok(d) {
        return Check::Reject;
    }
    if d[0] == b'0' {
        return Check::Weak("unissued SIN range (leading 0), used for examples");
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_pass() {
        for s in [
            "130 692 544",
            "130692544",
            "130-692-544",
            "276 349 818",
            "562 384 727",
            // 9: temporary residents.
            "912 345 675",
            "123 456 782",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn published_example_is_weak() {
        for s in ["046 454 286", "046454286", "046-454-286"] {
            assert!(matches!(validate(s.as_bytes()), Check::Weak(_)), "{s}");
        }
    }

    #[test]
    fn leading_eight_is_rejected() {
        // 800 000 002 passes Luhn, but no SIN starts with 8.
        assert!(luhn_ok(b"800000002"));
        assert_eq!(validate(b"800 000 002"), Check::Reject);
    }

    #[test]
    fn checksum_failures_are_rejected() {
        for s in ["046 454 287", "130 692 545", "130 692 454", "123 456 789"] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }

    #[test]
    fn malformed_is_rejected() {
        for s in [
            "",
            "13069254",
            "1306925440",
            "130 692-544",
            "1306 92 544",
            "130  692 544",
            "130.692.544",
            "130 692 54a",
            " 130 692 544",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }
}
