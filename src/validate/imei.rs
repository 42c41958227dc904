//! `imei`: International Mobile Equipment Identity (3GPP TS 23.003).

use super::luhn::luhn_ok;
use super::{all_same, grouped_digits, Check};

/// `imei`: 15 digits ending in a Luhn check digit, written plain or grouped by spaces,
/// dashes or slashes (one kind only) as `AA-BBBBBB-CCCCCC-D`, `TTTTTTTT-SSSSSS-D` or the
/// older `TTTTTT/FF/SSSSSS/D`. A Type Allocation Code of all zeros is never allocated.
pub(crate) fn validate(input: &[u8]) -> Check {
    let Some(g) = grouped_digits(input, b" -/") else {
        return Check::Reject;
    };
    if !matches!(g.groups(), [15] | [2, 6, 6, 1] | [8, 6, 1] | [6, 2, 6, 1]) {
        return Check::Reject;
    }
    let d = g.digits();
    if all_same(d) || d[..8].iter().all(|&b| b == b'0') || !luhn_ok(d) {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples_pass() {
        for s in [
            // The worked Luhn example for IMEIs, in each written form.
            "490154203237518",
            "49-015420-323751-8",
            "49015420 323751 8",
            "490154/20/323751/8",
            // Other commonly cited sample IMEIs.
            "35-209900-176148-1",
            "352099001761481",
            "356938035643809",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn wrong_check_digit_is_rejected() {
        for last in b'0'..=b'9' {
            let mut s = *b"490154203237518";
            s[14] = last;
            let want = if last == b'8' {
                Check::Pass
            } else {
                Check::Reject
            };
            assert_eq!(validate(&s), want, "{}", last as char);
        }
    }

    #[test]
    fn zero_tac_and_repeated_digits_are_rejected() {
        // 000000000000000 and 000000001234566 pass Luhn but have no allocated TAC.
        assert_eq!(validate(b"000000000000000"), Check::Reject);
        assert_eq!(validate(b"000000001234566"), Check::Reject);
        assert!(luhn_ok(b"000000001234566"));
        assert_eq!(validate(b"555555555555555"), Check::Reject);
    }

    #[test]
    fn wrong_lengths_and_shapes_are_rejected() {
        for s in [
            "",
            "49015420323751",
            "4901542032375180",
            // IMEISV: 16 digits, no check digit.
            "3520990017614823",
            "49-015420-323751 8",
            "4901-5420-3237-518",
            "49.015420.323751.8",
            "49--015420-323751-8",
            "-490154203237518",
            "49015420323751x",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }
}
