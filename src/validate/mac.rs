//! `mac-address`: IEEE 802 48-bit MAC addresses.

use super::{common_step, Check};

/// Value of one hex digit.
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Reads the six octets of `aa:bb:cc:dd:ee:ff`, `aa-bb-cc-dd-ee-ff` or `aabb.ccdd.eeff`.
fn parse(input: &[u8]) -> Option<[u8; 6]> {
    // Positions of the separators, and which separators each form allows.
    let (seps, allowed): (&[usize], &[u8]) = match input.len() {
        17 => (&[2, 5, 8, 11, 14], b":-"),
        14 => (&[4, 9], b"."),
        _ => return None,
    };
    let sep = input[seps[0]];
    if !allowed.contains(&sep) {
        return None;
    }
    let mut octets = [0u8; 6];
    let mut nibbles = 0;
    for (i, &b) in input.iter().enumerate() {
        if seps.contains(&i) {
            if b != sep {
                return None;
            }
            continue;
        }
        let v = hex(b)?;
        octets[nibbles / 2] = octets[nibbles / 2] << 4 | v;
        nibbles += 1;
    }
    Some(octets)
}

const PLACEHOLDER: &str = "placeholder address (octets in a progression or hex words)";

/// Whether the address is one written by hand for an example: octets that step by one
/// constant difference (`00:01:02:03:04:05`, `11:22:33:44:55:66`), or hex words such as
/// `00:de:ad:be:ef:00`.
fn placeholder(octets: [u8; 6]) -> bool {
    let progression = common_step(&octets).is_some();
    let value = octets.iter().fold(0u64, |v, &o| v << 8 | u64::from(o));
    // Each word as (value, hex digits), looked for at every nibble offset of the 48 bits.
    let words: [(u64, u32); 4] = [
        (0xdead_beef, 8),
        (0xc0_ffee, 6),
        (0xcafe_babe, 8),
        (0xfeed_face, 8),
    ];
    let has_word = words.iter().any(|&(word, digits)| {
        let mask = (1u64 << (4 * digits)) - 1;
        (0..=12 - digits).any(|shift| (value >> (4 * shift)) & mask == word)
    });
    progression || has_word
}

/// `mac-address`: six octets in colon, dash or Cisco dot form, one separator throughout.
/// All-zero and broadcast addresses are rejected; multicast (group bit) and locally
/// administered (randomised, virtual) addresses are weak, placeholders are test data, and the
/// Cisco form in decimal digits only (`1098.7654.3210`) is in doubt (see `Check::Doubt`): one
/// real address in 280 has no hex letter, while dotted groups of four digits are common.
pub(crate) fn validate(input: &[u8]) -> Check {
    let Some(octets) = parse(input) else {
        return Check::Reject;
    };
    if octets == [0; 6] || octets == [0xff; 6] {
        return Check::Reject;
    }
    if placeholder(octets) {
        return Check::Weak(PLACEHOLDER);
    }
    if octets[0] & 0x01 != 0 {
        return Check::Weak("multicast address");
    }
    if octets[0] & 0x02 != 0 {
        return Check::Weak("locally administered address");
    }
    if input.len() == 14 && input.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        return Check::Doubt("Cisco form in decimal digits only");
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_three_forms() {
        let want = [0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e];
        assert_eq!(parse(b"00:1a:2b:3c:4d:5e"), Some(want));
        assert_eq!(parse(b"00-1A-2B-3C-4D-5E"), Some(want));
        assert_eq!(parse(b"001a.2b3c.4d5e"), Some(want));
    }

    #[test]
    fn universal_unicast_passes() {
        for s in [
            "00:1a:2b:3c:4d:5e",
            "00-1A-2B-3C-4D-5E",
            "001a.2b3c.4d5e",
            "3c:22:fb:12:34:56",
            "a4:83:e7:01:02:03",
            "F0:18:98:AB:CD:EF",
            "00:00:00:00:00:01",
            "fc:ff:ff:ff:ff:ff",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn zero_and_broadcast_are_rejected() {
        for s in [
            "00:00:00:00:00:00",
            "00-00-00-00-00-00",
            "0000.0000.0000",
            "ff:ff:ff:ff:ff:ff",
            "FF-FF-FF-FF-FF-FF",
            "ffff.ffff.ffff",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }

    #[test]
    fn multicast_and_local_are_weak() {
        for s in [
            "01:00:5e:00:00:fb",
            "33:33:00:00:00:01",
            "01-80-C2-00-00-00",
            "0100.5e7f.fffa",
        ] {
            assert_eq!(
                validate(s.as_bytes()),
                Check::Weak("multicast address"),
                "{s}"
            );
        }
        for s in [
            "02:42:ac:11:00:02",
            "52:54:00:12:34:56",
            "da:a1:19:0e:42:07",
            "0242.ac11.0002",
        ] {
            assert_eq!(
                validate(s.as_bytes()),
                Check::Weak("locally administered address"),
                "{s}"
            );
        }
    }

    #[test]
    fn placeholders_are_test_data() {
        for s in [
            "00:01:02:03:04:05",
            "11:22:33:44:55:66",
            "12:34:56:78:9a:bc",
            "00:de:ad:be:ef:00",
            "00-C0-FF-EE-00-01",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Weak(PLACEHOLDER), "{s}");
        }
        assert!(crate::validate::is_test_data(PLACEHOLDER));
    }

    #[test]
    fn decimal_cisco_form_is_in_doubt() {
        assert_eq!(
            validate(b"1098.7654.3210"),
            Check::Doubt("Cisco form in decimal digits only")
        );
        // The same digits with colons, or one hex letter, are an ordinary address.
        assert_eq!(validate(b"10:98:76:54:32:10"), Check::Pass);
        assert_eq!(validate(b"1098.7654.321a"), Check::Pass);
    }

    #[test]
    fn malformed_is_rejected() {
        for s in [
            "",
            "00:1a:2b:3c:4d",
            "00:1a:2b:3c:4d:5e:6f",
            "00:1a:2b-3c:4d:5e",
            "00:1a:2b:3c:4d:5g",
            "001a2b3c4d5e",
            "00.1a.2b.3c.4d.5e",
            "001a:2b3c:4d5e",
            "001a-2b3c-4d5e",
            "001a.2b3c-4d5e",
            "0:1a:2b:3c:4d:5e0",
            "00::1a:2b:3c:4d:5",
            " 0:1a:2b:3c:4d:5e",
            "00:1a:2b:3c:4d:5e ",
            "12:34:56:78:90:1z",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s:?}");
        }
    }
}
