//! `geo-coordinates`: a latitude/longitude pair, or one coordinate found under its key.

use super::Check;

/// Longest input looked at (`-33.8688197, 151.2092955` and a key between them fit easily).
const MAX_INPUT: usize = 96;

/// A decimal coordinate: its absolute value in millionths (saturating) and how many decimals
/// it has.
fn coordinate(s: &[u8]) -> Option<(u64, usize)> {
    let s = s
        .strip_prefix(b"+")
        .or_else(|| s.strip_prefix(b"-"))
        .unwrap_or(s);
    let dot = s.iter().position(|&b| b == b'.');
    let (int, frac) = match dot {
        Some(d) => (&s[..d], &s[d + 1..]),
        None => (s, &s[..0]),
    };
    if int.is_empty() || int.len() > 3 || frac.len() > 15 {
        return None;
    }
    if !int.iter().chain(frac).all(u8::is_ascii_digit) || (dot.is_some() && frac.is_empty()) {
        return None;
    }
    let whole = super::number(int) as u64;
    let mut millionths = 0u64;
    for i in 0..6 {
        millionths = millionths * 10 + frac.get(i).map_or(0, |b| u64::from(b - b'0'));
    }
    Some((whole * 1_000_000 + millionths, frac.len()))
}

/// The numbers in `input`: runs of sign, digits and a dot, separated by anything else
/// (`,`, spaces, `&lon=`, `","lng":`).
fn numbers(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    input
        .split(|&b| !(b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+')))
        .filter(|p| p.iter().any(u8::is_ascii_digit))
}

/// `geo-coordinates`: a latitude (within ±90) and a longitude (within ±180), in that order,
/// with anything between them (`52.5200, 13.4050`, `lat=52.52&lon=13.40`); or one coordinate
/// (within ±180) when a key said what it is. At least one decimal is needed, and `0, 0` (the
/// "null island" of missing data) is rejected. Fewer than four decimals (about 10 m) is a
/// coarse location: one confidence level lower.
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.is_empty() || input.len() > MAX_INPUT {
        return Check::Reject;
    }
    let mut parts = numbers(input);
    let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
        return Check::Reject;
    };
    let Some((a, da)) = coordinate(first) else {
        return Check::Reject;
    };
    let decimals = match second {
        None => {
            if a > 180_000_000 || da == 0 || a == 0 {
                return Check::Reject;
            }
            da
        }
        Some(second) => {
            let Some((b, db)) = coordinate(second) else {
                return Check::Reject;
            };
            if a > 90_000_000 || b > 180_000_000 || (a == 0 && b == 0) || da.max(db) == 0 {
                return Check::Reject;
            }
            da.min(db)
        }
    };
    if decimals < 4 {
        return Check::Lower("coarse location (fewer than 4 decimals)");
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precise_pairs_pass() {
        for s in [
            "52.520008, 13.404954",
            "-33.8688,151.2093",
            "40.7128 -74.0060",
            "lat=48.8566&lon=2.3522",
            r#"48.856613","lng":2.352222"#,
            "+35.6762,+139.6503",
            "-90.0000, -180.0000",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn coarse_pairs_are_lower() {
        for s in ["52.52, 13.40", "40.7, -74.0", "51.5, 0"] {
            assert!(matches!(validate(s.as_bytes()), Check::Lower(_)), "{s}");
        }
    }

    #[test]
    fn single_coordinates_under_a_key() {
        assert_eq!(validate(b"13.404954"), Check::Pass);
        assert_eq!(validate(b"-122.4194"), Check::Pass);
        assert!(matches!(validate(b"52.52"), Check::Lower(_)));
        assert_eq!(validate(b"181.0000"), Check::Reject);
        assert_eq!(validate(b"42"), Check::Reject);
    }

    #[test]
    fn impossible_or_empty_locations_are_rejected() {
        for s in [
            "91.0000, 13.4050",
            "45.0000, 180.5000",
            "0.0000, 0.0000",
            "12, 13",
            "1.2.3, 4.5",
            "1.2, 3.4, 5.6",
            "abc",
            "1234.5678, 1.0",
            "52., 13.4",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }
}
