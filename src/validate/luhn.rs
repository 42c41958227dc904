//! Luhn (mod 10) checksum, the plain `luhn` validator and the `credit-card` validator.

use super::{all_same, grouped_digits, number, Check, MAX_DIGITS};

/// Whether a run of ASCII digits passes the Luhn check. False for any non-digit byte or
/// empty input.
pub(crate) fn luhn_ok(ascii_digits: &[u8]) -> bool {
    if ascii_digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &b) in ascii_digits.iter().rev().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return false;
        }
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// `luhn`: the input is ASCII digits only (2 to 32 of them) and passes the Luhn check.
/// All-zero input is rejected: it passes the arithmetic but identifies nothing.
pub(crate) fn validate_luhn(input: &[u8]) -> Check {
    if input.len() < 2 || input.len() > MAX_DIGITS || !input.iter().all(u8::is_ascii_digit) {
        return Check::Reject;
    }
    if input.iter().all(|&b| b == b'0') || !luhn_ok(input) {
        return Check::Reject;
    }
    Check::Pass
}

/// Card numbers that payment processors publish for testing integrations. They pass every
/// check, but finding one is evidence of test data, not of a leaked card.
const TEST_CARDS: &[&[u8]] = &[
    // Visa
    b"4111111111111111",
    b"4242424242424242",
    b"4012888888881881",
    b"4222222222222",
    b"4000056655665556",
    b"4000000000000002",
    b"4000000000009995",
    b"4000000000000077",
    // Mastercard
    b"5555555555554444",
    b"5105105105105100",
    b"5200828282828210",
    b"2223003122003222",
    b"2222400070000005",
    // American Express
    b"378282246310005",
    b"371449635398431",
    b"378734493671000",
    // Discover
    b"6011111111111117",
    b"6011000990139424",
    // Diners Club
    b"30569309025904",
    b"38520000023237",
    b"36227206271667",
    // JCB
    b"3530111333300000",
    b"3566002020360505",
    b"3566111111111113",
    // UnionPay
    b"6200000000000005",
];

/// Card networks: issuer number prefix ranges and the lengths each issues.
/// A range is `(prefix length, low, high)` over the first `prefix length` digits.
struct Network {
    ranges: &'static [(usize, u32, u32)],
    min_len: usize,
    max_len: usize,
    /// When set, only these lengths (Visa).
    lengths: &'static [usize],
}

const NETWORKS: &[Network] = &[
    // Visa
    Network {
        ranges: &[(1, 4, 4)],
        min_len: 13,
        max_len: 19,
        lengths: &[13, 16, 19],
    },
    // Mastercard
    Network {
        ranges: &[(2, 51, 55), (4, 2221, 2720)],
        min_len: 16,
        max_len: 16,
        lengths: &[],
    },
    // American Express
    Network {
        ranges: &[(2, 34, 34), (2, 37, 37)],
        min_len: 15,
        max_len: 15,
        lengths: &[],
    },
    // Discover
    Network {
        ranges: &[
            (4, 6011, 6011),
            (3, 644, 649),
            (2, 65, 65),
            (6, 622_126, 622_925),
        ],
        min_len: 16,
        max_len: 19,
        lengths: &[],
    },
    // Diners Club
    Network {
        ranges: &[(3, 300, 305), (2, 36, 36), (2, 38, 39)],
        min_len: 14,
        max_len: 19,
        lengths: &[],
    },
    // JCB
    Network {
        ranges: &[(4, 3528, 3589)],
        min_len: 16,
        max_len: 19,
        lengths: &[],
    },
    // UnionPay
    Network {
        ranges: &[(2, 62, 62)],
        min_len: 16,
        max_len: 19,
        lengths: &[],
    },
    // Maestro: the IINs Mastercard issues it under, not the whole 50 and 56-69 blocks, which
    // let any long integer starting 5 or 6 pass as a card.
    Network {
        ranges: &[
            (4, 5018, 5018),
            (4, 5020, 5020),
            (4, 5038, 5038),
            (4, 5893, 5893),
            (4, 6304, 6304),
            (4, 6759, 6759),
            (4, 6761, 6763),
        ],
        min_len: 12,
        max_len: 19,
        lengths: &[],
    },
];

/// Whether some card network issues numbers of this prefix and length.
fn known_issuer(d: &[u8]) -> bool {
    NETWORKS.iter().any(|n| {
        let len_ok = if n.lengths.is_empty() {
            (n.min_len..=n.max_len).contains(&d.len())
        } else {
            n.lengths.contains(&d.len())
        };
        len_ok
            && n.ranges
                .iter()
                .any(|&(plen, lo, hi)| d.len() >= plen && (lo..=hi).contains(&number(&d[..plen])))
    })
}

/// Whether the digits repeat a pattern of two to four (`5454545454545454`, `636363636363636`):
/// filler and fractions' expansions, not an account.
fn repeating(d: &[u8]) -> bool {
    (2..=4).any(|period| d.len() > 2 * period && d[period..].iter().zip(d).all(|(a, b)| a == b))
}

const UNGROUPED: &str = "digits written without grouping, as any long integer is";

/// `credit-card`: 13 to 19 digits, optionally grouped by spaces or by dashes (one kind
/// only), passing Luhn, with a prefix and length that a card network issues. A plain run of
/// digits is one confidence level lower: one long integer in ten passes Luhn, and source
/// code and data are full of them (hashes, seeds, 64-bit constants), while people and forms
/// write card numbers in groups; a card key settles it, a word such as `card` makes up for it.
pub(crate) fn validate_credit_card(input: &[u8]) -> Check {
    let Some(g) = grouped_digits(input, b" -") else {
        return Check::Reject;
    };
    let d = g.digits();
    if !(13..=19).contains(&d.len()) || all_same(d) || !luhn_ok(d) || !known_issuer(d) {
        return Check::Reject;
    }
    if TEST_CARDS.contains(&d) {
        return Check::Weak("published test card number");
    }
    if repeating(d) {
        return Check::Reject;
    }
    if g.groups().len() == 1 {
        return Check::Doubt(UNGROUPED);
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_published_vectors() {
        // The worked example from ISO/IEC 7812-1 annex and most textbooks.
        assert!(luhn_ok(b"79927398713"));
        for wrong in 0..=9u8 {
            if wrong != 3 {
                let mut s = *b"79927398710";
                s[10] = b'0' + wrong;
                assert!(!luhn_ok(&s), "{}", String::from_utf8_lossy(&s));
            }
        }
        assert!(luhn_ok(b"0"));
        assert!(luhn_ok(b"18"));
        assert!(luhn_ok(b"059"));
        assert!(!luhn_ok(b"1"));
        assert!(!luhn_ok(b""));
        assert!(!luhn_ok(b"12a4"));
    }

    #[test]
    fn luhn_validator() {
        assert_eq!(validate_luhn(b"79927398713"), Check::Pass);
        assert_eq!(validate_luhn(b"79927398710"), Check::Reject);
        assert_eq!(validate_luhn(b"4111111111111111"), Check::Pass);
        assert_eq!(validate_luhn(b"4111 1111 1111 1111"), Check::Reject);
        assert_eq!(validate_luhn(b"0000000000"), Check::Reject);
        assert_eq!(validate_luhn(b"0"), Check::Reject);
        assert_eq!(validate_luhn(b""), Check::Reject);
        assert_eq!(validate_luhn(&[b'0'; 40]), Check::Reject);
        assert_eq!(validate_luhn(b"-79927398713"), Check::Reject);
    }

    #[test]
    fn every_listed_test_card_is_structurally_valid() {
        for card in TEST_CARDS {
            let s = String::from_utf8_lossy(card);
            assert!(luhn_ok(card), "{s} fails Luhn");
            assert!(known_issuer(card), "{s} has no issuer");
            assert_eq!(
                validate_credit_card(card),
                Check::Weak("published test card number"),
                "{s}"
            );
        }
    }

    #[test]
    fn test_cards_from_the_brief_are_weak() {
        for card in [
            "4111111111111111",
            "4242424242424242",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "5105105105105100",
            "4012888888881881",
            "371449635398431",
            "30569309025904",
            "3530111333300000",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "3782 822463 10005",
        ] {
            assert_eq!(
                validate_credit_card(card.as_bytes()),
                Check::Weak("published test card number"),
                "{card}"
            );
        }
    }

    /// Builds a number of `len` digits starting with `prefix`, padded with a fixed filler
    /// and finished with the Luhn check digit.
    fn make(prefix: &str, len: usize) -> String {
        let mut s: Vec<u8> = prefix.bytes().collect();
        let filler = b"73920581466";
        let mut i = 0;
        while s.len() < len - 1 {
            s.push(filler[i % filler.len()]);
            i += 1;
        }
        for c in b'0'..=b'9' {
            s.push(c);
            if luhn_ok(&s) {
                return String::from_utf8(s).unwrap();
            }
            s.pop();
        }
        unreachable!()
    }

    #[test]
    fn issuer_table() {
        let pass = [
            ("4", 13),
            ("4", 16),
            ("4", 19),
            ("51", 16),
            ("55", 16),
            ("2221", 16),
            ("2720", 16),
            ("34", 15),
            ("37", 15),
            ("6011", 16),
            ("6011", 19),
            ("644", 16),
            ("649", 19),
            ("65", 16),
            ("622126", 16),
            ("622925", 19),
            ("300", 14),
            ("305", 19),
            ("36", 14),
            ("38", 14),
            ("39", 16),
            ("3528", 16),
            ("3589", 19),
            ("62", 16),
            ("62", 19),
            ("5018", 13),
            ("5893", 16),
            ("6304", 16),
            ("6763", 19),
        ];
        for (prefix, len) in pass {
            let n = make(prefix, len);
            assert_eq!(
                validate_credit_card(n.as_bytes()),
                Check::Doubt(UNGROUPED),
                "{n}"
            );
        }
        let reject = [
            ("4", 14),
            ("4", 15),
            ("4", 17),
            ("4", 18),
            ("51", 15),
            ("55", 19),
            ("56", 12),
            ("2220", 16),
            ("2721", 16),
            ("34", 16),
            ("37", 14),
            ("306", 14),
            ("35", 15),
            ("3527", 16),
            ("3590", 16),
            ("1", 16),
            ("0", 16),
            ("7", 16),
            ("8", 16),
            ("9", 16),
            ("33", 16),
            ("4", 20),
            // Outside Maestro's IINs, though in the old 50 and 56-69 blocks.
            ("50", 13),
            ("56", 16),
            ("5019", 16),
            ("6760", 16),
            ("69", 19),
        ];
        for (prefix, len) in reject {
            let n = make(prefix, len);
            assert_eq!(validate_credit_card(n.as_bytes()), Check::Reject, "{n}");
        }
    }

    #[test]
    fn checksum_failures_are_rejected() {
        assert_eq!(validate_credit_card(b"4111111111111112"), Check::Reject);
        assert_eq!(validate_credit_card(b"4242424242424241"), Check::Reject);
        assert_eq!(validate_credit_card(b"378282246310006"), Check::Reject);
        // Changing any one digit breaks Luhn.
        assert_eq!(validate_credit_card(b"5555555555555444"), Check::Reject);
    }

    #[test]
    fn separators_must_be_consistent() {
        let n = make("4", 16);
        let spaced = format!("{} {} {} {}", &n[..4], &n[4..8], &n[8..12], &n[12..]);
        let dashed = spaced.replace(' ', "-");
        assert_eq!(validate_credit_card(spaced.as_bytes()), Check::Pass);
        assert_eq!(validate_credit_card(dashed.as_bytes()), Check::Pass);
        let mixed = format!("{}-{} {}-{}", &n[..4], &n[4..8], &n[8..12], &n[12..]);
        assert_eq!(validate_credit_card(mixed.as_bytes()), Check::Reject);
        let doubled = format!("{}  {} {} {}", &n[..4], &n[4..8], &n[8..12], &n[12..]);
        assert_eq!(validate_credit_card(doubled.as_bytes()), Check::Reject);
        let dotted = format!("{}.{}.{}.{}", &n[..4], &n[4..8], &n[8..12], &n[12..]);
        assert_eq!(validate_credit_card(dotted.as_bytes()), Check::Reject);
        let leading = format!(" {n}");
        assert_eq!(validate_credit_card(leading.as_bytes()), Check::Reject);
    }

    #[test]
    fn grouped_numbers_pass_and_plain_runs_are_in_doubt() {
        // Valid cards (Visa, Mastercard, Amex, Maestro) in the groups people write them in.
        for card in [
            "4539 1488 0343 6467",
            "5425-2334-3010-9903",
            "3498 765432 10986",
            "6304 0000 0000 0000 0",
        ] {
            assert_eq!(validate_credit_card(card.as_bytes()), Check::Pass, "{card}");
            let plain = card.replace([' ', '-'], "");
            assert_eq!(
                validate_credit_card(plain.as_bytes()),
                Check::Doubt(UNGROUPED),
                "{plain}"
            );
        }
    }

    #[test]
    fn repeating_patterns_are_rejected() {
        // Luhn-valid and Mastercard- or Maestro-shaped, but filler and repeating decimals.
        for s in ["5454545454545454", "6304630463046304", "675967596759675967"] {
            assert!(repeating(s.as_bytes()), "{s}");
            assert_eq!(validate_credit_card(s.as_bytes()), Check::Reject, "{s}");
        }
        assert!(!repeating(b"4539148803436467"));
        // A published test card that repeats is still reported as test data.
        assert_eq!(
            validate_credit_card(b"4242424242424242"),
            Check::Weak("published test card number")
        );
    }

    #[test]
    fn all_same_digits_are_rejected() {
        // 4444444444444448 would be Visa-shaped, but a run of one digit is filler, not a card.
        for d in b'0'..=b'9' {
            for len in 13..=19 {
                let s = vec![d; len];
                assert_eq!(validate_credit_card(&s), Check::Reject);
            }
        }
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            &b""[..],
            b"4",
            b"411111111111",
            b"41111111111111111111",
            b"4111 1111 1111 111a",
            b"abcd efgh ijkl mnop",
            b"4111\t1111\t1111\t1111",
        ] {
            assert_eq!(validate_credit_card(bad), Check::Reject, "{bad:?}");
        }
    }
}
