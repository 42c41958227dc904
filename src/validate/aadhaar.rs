//! `aadhaar`: India's 12-digit Aadhaar number, protected by a Verhoeff check digit.

use super::{all_same, grouped_digits, Check};

/// Multiplication in the dihedral group D5, elements numbered 0-4 for the rotations and
/// 5-9 for the reflections: the `d` table of Verhoeff's scheme.
const fn build_d() -> [[u8; 10]; 10] {
    let mut t = [[0u8; 10]; 10];
    let mut j = 0;
    while j < 10 {
        let mut k = 0;
        while k < 10 {
            t[j][k] = match (j < 5, k < 5) {
                // rotation * rotation
                (true, true) => ((j + k) % 5) as u8,
                // rotation * reflection
                (true, false) => (5 + (j + k - 5) % 5) as u8,
                // reflection * rotation
                (false, true) => (5 + (j - 5 + 5 - k) % 5) as u8,
                // reflection * reflection
                (false, false) => ((j + 5 - k) % 5) as u8,
            };
            k += 1;
        }
        j += 1;
    }
    t
}

/// The position-dependent permutations: `p[i] = p[1]^i`, where
/// `p[1] = (0 1 5 8 9 4 2 7)(3 6)`.
const fn build_p() -> [[u8; 10]; 8] {
    const P1: [u8; 10] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
    let mut t = [[0u8; 10]; 8];
    let mut x = 0;
    while x < 10 {
        t[0][x] = x as u8;
        x += 1;
    }
    let mut i = 1;
    while i < 8 {
        let mut x = 0;
        while x < 10 {
            t[i][x] = P1[t[i - 1][x] as usize];
            x += 1;
        }
        i += 1;
    }
    t
}

const D: [[u8; 10]; 10] = build_d();
const P: [[u8; 10]; 8] = build_p();
/// Inverse of each element of D5.
#[cfg(test)]
const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Whether a run of ASCII digits ends in a correct Verhoeff check digit.
pub(crate) fn verhoeff_ok(ascii_digits: &[u8]) -> bool {
    let mut c = 0u8;
    for (i, &b) in ascii_digits.iter().rev().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return false;
        }
        c = D[usize::from(c)][usize::from(P[i % 8][usize::from(digit)])];
    }
    !ascii_digits.is_empty() && c == 0
}

/// `aadhaar`: twelve digits, plain or grouped 4-4-4 by single spaces, not starting with 0
/// or 1, ending in a Verhoeff check digit.
pub(crate) fn validate(input: &[u8]) -> Check {
    let Some(g) = grouped_digits(input, b" ") else {
        return Check::Reject;
    };
    if !matches!(g.groups(), [12] | [4, 4, 4]) {
        return Check::Reject;
    }
    let d = g.digits();
    if d[0] < b'2' || all_same(d) || !verhoeff_ok(d) {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check digit Verhoeff's scheme appends to `ascii_digits`.
    fn check_digit(ascii_digits: &[u8]) -> u8 {
        let mut c = 0u8;
        for (i, &b) in ascii_digits.iter().rev().enumerate() {
            c = D[usize::from(c)][usize::from(P[(i + 1) % 8][usize::from(b - b'0')])];
        }
        b'0' + INV[usize::from(c)]
    }

    #[test]
    fn tables_match_the_published_ones() {
        assert_eq!(D[1], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5]);
        assert_eq!(D[4], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8]);
        assert_eq!(D[5], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1]);
        assert_eq!(D[7], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3]);
        assert_eq!(D[9], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        assert_eq!(P[2], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2]);
        assert_eq!(P[3], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7]);
        assert_eq!(P[7], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]);
        for (j, &inv) in INV.iter().enumerate() {
            assert_eq!(D[j][usize::from(inv)], 0, "{j}");
        }
        // D5 is not commutative, which is what lets Verhoeff catch transpositions.
        assert_ne!(D[1][5], D[5][1]);
    }

    #[test]
    fn published_verhoeff_vectors() {
        // (payload, check digit) pairs from the standard worked examples.
        for (payload, want) in [
            (&b"236"[..], b'3'),
            (b"12345", b'1'),
            (b"142857", b'0'),
            (b"123456789012", b'0'),
            (b"8473643095483728456789", b'2'),
        ] {
            assert_eq!(
                check_digit(payload),
                want,
                "{}",
                String::from_utf8_lossy(payload)
            );
            let mut full = payload.to_vec();
            full.push(want);
            assert!(verhoeff_ok(&full));
            for wrong in b'0'..=b'9' {
                if wrong != want {
                    *full.last_mut().unwrap() = wrong;
                    assert!(!verhoeff_ok(&full));
                }
            }
        }
        assert!(verhoeff_ok(b"2363"));
        assert!(!verhoeff_ok(b"2364"));
        assert!(!verhoeff_ok(b""));
    }

    #[test]
    fn valid_aadhaar_numbers_pass() {
        // Check digits computed independently of this module.
        for s in [
            "234567890124",
            "2345 6789 0124",
            "498765432102",
            "7392 1845 6010",
            "999988887779",
            "505050505051",
            "2817 3645 0915",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn single_errors_and_transpositions_are_rejected() {
        let good = *b"234567890124";
        for i in 0..12 {
            for delta in 1..10u8 {
                let mut s = good;
                s[i] = b'0' + (s[i] - b'0' + delta) % 10;
                if s[0] >= b'2' {
                    assert_eq!(
                        validate(&s),
                        Check::Reject,
                        "{}",
                        String::from_utf8_lossy(&s)
                    );
                }
            }
            if i < 11 && good[i] != good[i + 1] {
                let mut s = good;
                s.swap(i, i + 1);
                assert_eq!(validate(&s), Check::Reject, "swap at {i}");
            }
        }
    }

    #[test]
    fn leading_zero_or_one_is_rejected() {
        // Both carry correct check digits (1234567890120 is a Verhoeff vector).
        let zero = [b"01234567890".as_slice(), &[check_digit(b"01234567890")]].concat();
        let one = [b"12345678901".as_slice(), &[check_digit(b"12345678901")]].concat();
        assert!(verhoeff_ok(&zero) && verhoeff_ok(&one));
        assert_eq!(validate(&zero), Check::Reject);
        assert_eq!(validate(&one), Check::Reject);
    }

    #[test]
    fn malformed_is_rejected() {
        for s in [
            "",
            "23456789012",
            "2345678901244",
            "2345-6789-0124",
            "234 567 890 124",
            "2345  6789 0124",
            "2345 67890124",
            "2345 6789 012a",
            "222222222222",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }
}
