//! `passport-number`: the number of a passport, found next to the word passport.

use super::{all_same, Check};

/// `passport-number`: 6 to 9 letters and digits, upper case, with at least two digits (US
/// and UK: nine digits or a letter and eight; Germany: nine of `CFGHJKLMNPRTVWXYZ0-9`; India:
/// a letter and seven digits; France: two digits, two letters, five digits; Canada: two
/// letters, six digits). All the same character is rejected.
pub(crate) fn validate(input: &[u8]) -> Check {
    if !(6..=9).contains(&input.len()) {
        return Check::Reject;
    }
    if !input
        .iter()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return Check::Reject;
    }
    let digits = input.iter().filter(|b| b.is_ascii_digit()).count();
    if digits < 2 || all_same(input) {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passport_numbers() {
        for s in [
            "C01X00T47",
            "123456789",
            "A12345678",
            "J8369854",
            "12AB34567",
            "AB123456",
            "C06G19WTZ",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
        for s in [
            "12345",
            "1234567890",
            "ABCDEFGH",
            "abc12345",
            "111111111",
            "AB-12345",
            "PHOTO1",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }
}
