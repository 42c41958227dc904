//! Device and advertising identifiers: `advertising-id` (IDFA, AAID/GAID) and `android-id`.

use super::{all_same, Check};

/// `advertising-id`: a UUID in the 8-4-4-4-12 form, upper or lower case. The all-zero UUID
/// is what iOS and Android report when the user limited ad tracking: no identifier at all.
pub(crate) fn validate_advertising_id(input: &[u8]) -> Check {
    if input.len() != 36 {
        return Check::Reject;
    }
    let mut hex = [0u8; 32];
    let mut n = 0;
    for (i, &b) in input.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return Check::Reject;
            }
        } else if b.is_ascii_hexdigit() {
            hex[n] = b.to_ascii_lowercase();
            n += 1;
        } else {
            return Check::Reject;
        }
    }
    if all_same(&hex) {
        return Check::Reject;
    }
    Check::Pass
}

/// `android-id`: 16 hexadecimal digits (Settings.Secure.ANDROID_ID), not all the same digit
/// and not all decimal (a 16-digit decimal number is a card or an order number far more
/// often than an ID that happens to have no letter).
pub(crate) fn validate_android_id(input: &[u8]) -> Check {
    if input.len() != 16 || !input.iter().all(u8::is_ascii_hexdigit) {
        return Check::Reject;
    }
    if all_same(input) || input.iter().all(u8::is_ascii_digit) {
        return Check::Reject;
    }
    if input.iter().any(u8::is_ascii_lowercase) && input.iter().any(u8::is_ascii_uppercase) {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advertising_ids() {
        assert_eq!(
            validate_advertising_id(b"38400000-8cf0-11bd-b23e-10b96e40000d"),
            Check::Pass
        );
        assert_eq!(
            validate_advertising_id(b"EA7583CD-A667-48BC-B806-42ECB2B48606"),
            Check::Pass
        );
        for bad in [
            &b"00000000-0000-0000-0000-000000000000"[..],
            b"38400000-8cf0-11bd-b23e-10b96e40000",
            b"38400000_8cf0-11bd-b23e-10b96e40000d",
            b"g8400000-8cf0-11bd-b23e-10b96e40000d",
        ] {
            assert_eq!(validate_advertising_id(bad), Check::Reject);
        }
    }

    #[test]
    fn android_ids() {
        assert_eq!(validate_android_id(b"9774d56d682e549c"), Check::Pass);
        assert_eq!(validate_android_id(b"A1B2C3D4E5F60718"), Check::Pass);
        for bad in [
            &b"0000000000000000"[..],
            b"4539148803436467",
            b"9774d56d682e549",
            b"9774d56d682e549g",
            b"9774d56D682e549c",
        ] {
            assert_eq!(validate_android_id(bad), Check::Reject);
        }
    }
}
