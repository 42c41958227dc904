//! Values found through their field name alone (a `first_name` column, a `"city"` key): the
//! key says what they are, so these only check that the value has the right kind of text.

use super::Check;

/// Longest value looked at.
const MAX_INPUT: usize = 128;

fn printable(input: &[u8]) -> bool {
    !input.is_empty()
        && input.len() <= MAX_INPUT
        && input
            .iter()
            .all(|&b| b >= 0x80 || b.is_ascii_graphic() || b == b' ')
        // Most values are ASCII, which is UTF-8: the full check (a call per value) only for
        // the others.
        && (input.is_ascii() || std::str::from_utf8(input).is_ok())
}

fn has_letter(input: &[u8]) -> bool {
    input.iter().any(|&b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// `person-name`: letters (any script), spaces, apostrophes, hyphens, dots and commas; no
/// digits, no `@`; at most 64 bytes.
pub(crate) fn validate_person_name(input: &[u8]) -> Check {
    if !printable(input) || input.len() > 64 || !has_letter(input) {
        return Check::Reject;
    }
    if !input
        .iter()
        .all(|&b| b >= 0x80 || b.is_ascii_alphabetic() || b" '-.,".contains(&b))
    {
        return Check::Reject;
    }
    Check::Pass
}

/// Words that fill `state`, `region` and `country` fields of records that are not places.
const NOT_PLACES: &[&[u8]] = &[
    b"active",
    b"inactive",
    b"pending",
    b"open",
    b"opened",
    b"closed",
    b"done",
    b"new",
    b"running",
    b"stopped",
    b"started",
    b"failed",
    b"success",
    b"succeeded",
    b"ok",
    b"error",
    b"enabled",
    b"disabled",
    b"ready",
    b"idle",
    b"busy",
    b"unknown",
    b"none",
    b"default",
    b"draft",
    b"published",
    b"archived",
    b"deleted",
    b"blocked",
    b"expired",
    b"locked",
    b"unlocked",
    b"suspended",
    b"verified",
    b"unverified",
    b"approved",
    b"rejected",
    b"cancelled",
    b"canceled",
    b"completed",
    b"processing",
    b"queued",
    b"valid",
    b"invalid",
    b"on",
    b"off",
    b"up",
    b"down",
    b"global",
    b"local",
];

/// `place-name`: a city, region or country name or code: letters (any script), spaces and
/// `'-.,()`; no digits; not a status word (`active`, `pending`, `closed`...).
pub(crate) fn validate_place_name(input: &[u8]) -> Check {
    if !printable(input) || !has_letter(input) {
        return Check::Reject;
    }
    if NOT_PLACES.iter().any(|w| input.eq_ignore_ascii_case(w)) {
        return Check::Reject;
    }
    if !input
        .iter()
        .all(|&b| b >= 0x80 || b.is_ascii_alphabetic() || b" '-.,()".contains(&b))
    {
        return Check::Reject;
    }
    Check::Pass
}

/// `street-address`: a street and house number: printable, with a letter and a digit, and a
/// space or a non-ASCII character (`Hauptstraße 12`, `朝阳区建国路12号`; not `0x52908400...`).
pub(crate) fn validate_street_address(input: &[u8]) -> Check {
    if !printable(input) || !has_letter(input) || !input.iter().any(u8::is_ascii_digit) {
        return Check::Reject;
    }
    if !input.iter().any(|&b| b == b' ' || b >= 0x80) {
        return Check::Reject;
    }
    Check::Pass
}

/// `postal-code`: 3 to 10 letters and digits with at most one space or dash, at least one
/// digit (`94103`, `SW1A 1AA`, `75008`, `1012 AB`).
pub(crate) fn validate_postal_code(input: &[u8]) -> Check {
    if !(3..=10).contains(&input.len()) {
        return Check::Reject;
    }
    if !input
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-')
    {
        return Check::Reject;
    }
    let separators = input.iter().filter(|&&b| b == b' ' || b == b'-').count();
    if separators > 1 || !input.iter().any(u8::is_ascii_digit) || super::all_same(input) {
        return Check::Reject;
    }
    Check::Pass
}

/// `free-text`: a job title, a company: printable text with a letter, at most 128 bytes.
pub(crate) fn validate_free_text(input: &[u8]) -> Check {
    if !printable(input) || !has_letter(input) {
        return Check::Reject;
    }
    Check::Pass
}

/// `username`: 2 to 64 printable characters without spaces.
pub(crate) fn validate_username(input: &[u8]) -> Check {
    if !printable(input) || input.len() < 2 || input.len() > 64 || input.contains(&b' ') {
        return Check::Reject;
    }
    Check::Pass
}

/// `identifier`: an account or customer id: 3 to 64 letters, digits and `-_.:#`, with at
/// least one digit or letter-digit mix, not all the same character.
pub(crate) fn validate_identifier(input: &[u8]) -> Check {
    if !printable(input) || input.len() < 3 || input.len() > 64 {
        return Check::Reject;
    }
    if !input
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b"-_.:#".contains(&b))
    {
        return Check::Reject;
    }
    if !input.iter().any(u8::is_ascii_digit) || super::all_same(input) {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for s in [
            "Ana",
            "José Müller",
            "O'Brien",
            "de Vries",
            "王",
            "Anne-Marie",
            "Jr.",
        ] {
            assert_eq!(validate_person_name(s.as_bytes()), Check::Pass, "{s}");
        }
        for s in ["", "R2D2", "a@b.co", "x\ty", "   ", "\u{7f}"] {
            assert_eq!(validate_person_name(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }

    #[test]
    fn places() {
        for s in [
            "Berlin",
            "Frankfurt am Main",
            "DE",
            "北京",
            "Nîmes",
            "St. Louis",
        ] {
            assert_eq!(validate_place_name(s.as_bytes()), Check::Pass, "{s}");
        }
        for s in ["10115", "", "Berlin 10"] {
            assert_eq!(validate_place_name(s.as_bytes()), Check::Reject, "{s}");
        }
    }

    #[test]
    fn addresses_postcodes_and_text() {
        for s in [
            "Hauptstraße 12",
            "12 High Road",
            "朝阳区建国路12号",
            "221B Baker Street",
        ] {
            assert_eq!(validate_street_address(s.as_bytes()), Check::Pass, "{s}");
        }
        for s in [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "Main Street",
            "12",
        ] {
            assert_eq!(validate_street_address(s.as_bytes()), Check::Reject, "{s}");
        }
        for s in ["94103", "SW1A 1AA", "1012 AB", "75008"] {
            assert_eq!(validate_postal_code(s.as_bytes()), Check::Pass, "{s}");
        }
        for s in ["12", "ABCDE", "1 2 3", "00000", "12345678901"] {
            assert_eq!(validate_postal_code(s.as_bytes()), Check::Reject, "{s}");
        }
        assert_eq!(validate_free_text(b"Head of Procurement"), Check::Pass);
        assert_eq!(validate_free_text(b"12345"), Check::Reject);
        assert_eq!(validate_place_name(b"active"), Check::Reject);
    }

    #[test]
    fn usernames_and_identifiers() {
        assert_eq!(validate_username(b"jdoe_84"), Check::Pass);
        assert_eq!(validate_username(b"j doe"), Check::Reject);
        assert_eq!(validate_identifier(b"cus_8f3k2L9"), Check::Pass);
        assert_eq!(validate_identifier(b"10482"), Check::Pass);
        assert_eq!(validate_identifier(b"abcdef"), Check::Reject);
        assert_eq!(validate_identifier(b"000"), Check::Reject);
    }
}
