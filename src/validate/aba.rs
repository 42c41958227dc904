//! `aba-routing`: ABA routing transit numbers of United States banks.

use super::{all_same, number, Check};

/// `aba-routing`: nine digits with no separators. The first two digits are a Federal
/// Reserve district (00-12, thrift institutions 21-32, electronic 61-72, traveller's
/// cheques 80), and `3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9)` is a multiple of 10.
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.len() != 9 || !input.iter().all(u8::is_ascii_digit) || all_same(input) {
        return Check::Reject;
    }
    if !matches!(number(&input[..2]), 0..=12 | 21..=32 | 61..=72 | 80) {
        return Check::Reject;
    }
    let d = |i: usize| u32::from(input[i] - b'0');
    let sum = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5) + d(8));
    if sum % 10 != 0 {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_routing_numbers_pass() {
        for s in [
            "011000015", // Federal Reserve Bank of Boston
            "021000021", // JPMorgan Chase, New York
            "026009593", // Bank of America, New York
            "121000248", // Wells Fargo, California
            "322271627", // JPMorgan Chase, California (thrift range)
            "111000025", // Bank of America, Texas
            "091000019", // Wells Fargo, Minnesota
            "071000013", // JPMorgan Chase, Illinois
            "021200339", // Bank of America, New Jersey
            "011401533", // Wells Fargo, Connecticut
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn every_single_digit_change_is_rejected() {
        let good = *b"021000021";
        for i in 0..9 {
            for delta in 1..10u8 {
                let mut s = good;
                s[i] = b'0' + (s[i] - b'0' + delta) % 10;
                assert_eq!(
                    validate(&s),
                    Check::Reject,
                    "{}",
                    String::from_utf8_lossy(&s)
                );
            }
        }
    }

    #[test]
    fn prefix_ranges() {
        // Numbers with a valid checksum for each leading pair, built by fixing the last digit.
        fn with_check(prefix: &[u8; 2]) -> [u8; 9] {
            let mut s = [b'0'; 9];
            s[..2].copy_from_slice(prefix);
            s[2] = b'4';
            s[4] = b'7';
            for last in b'0'..=b'9' {
                s[8] = last;
                let d = |i: usize| u32::from(s[i] - b'0');
                let sum = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + d(2) + d(5) + d(8);
                if sum % 10 == 0 {
                    return s;
                }
            }
            unreachable!()
        }
        for p in 0..100u8 {
            let prefix = [b'0' + p / 10, b'0' + p % 10];
            let s = with_check(&prefix);
            let allowed = matches!(p, 0..=12 | 21..=32 | 61..=72 | 80);
            let want = if allowed { Check::Pass } else { Check::Reject };
            assert_eq!(validate(&s), want, "{}", String::from_utf8_lossy(&s));
        }
    }

    #[test]
    fn malformed_is_rejected() {
        for s in [
            "",
            "02100002",
            "0210000210",
            "021-000-021",
            "021 000 021",
            "02100002a",
            "000000000",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }
}
