//! `ipv4` and `ipv6`: IP addresses, judged by the range they fall in.

use super::{common_step, Check};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Longest IPv4 input: `255.255.255.255`.
const MAX_V4: usize = 15;
/// Longest IPv6 input: brackets, 45 characters of address, and a zone of up to 16.
const MAX_V6: usize = 2 + 45 + 1 + 16;

/// `ipv4`: a dotted quad as `std::net::Ipv4Addr` parses it (four decimal octets, each at
/// most 255, no leading zeros).
pub(crate) fn validate_v4(input: &[u8]) -> Check {
    if input.len() < 7 || input.len() > MAX_V4 {
        return Check::Reject;
    }
    match std::str::from_utf8(input).map(str::parse::<Ipv4Addr>) {
        Ok(Ok(addr)) => classify_v4(addr),
        _ => Check::Reject,
    }
}

/// Judges an IPv4 address by its range.
fn classify_v4(addr: Ipv4Addr) -> Check {
    let [a, b, c, _] = addr.octets();
    match (a, b, c) {
        // 0.0.0.0/8 "this network": never a host's address; in text mostly version numbers.
        (0, _, _) => Check::Reject,
        // 255.255.255.255 and netmasks (255.255.255.0, 255.255.0.0, ...).
        (255, _, _) => Check::Reject,
        (127, _, _) => Check::Weak("loopback (127.0.0.0/8)"),
        (10, _, _) | (192, 168, _) => Check::Weak("private range (RFC 1918)"),
        (172, 16..=31, _) => Check::Weak("private range (RFC 1918)"),
        (169, 254, _) => Check::Weak("link-local (169.254.0.0/16)"),
        (100, 64..=127, _) => Check::Weak("shared address space (RFC 6598)"),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => {
            Check::Weak("documentation range (RFC 5737)")
        }
        (198, 18..=19, _) => Check::Weak("benchmarking range (RFC 2544)"),
        (192, 0, 0) => Check::Weak("IETF protocol assignments (192.0.0.0/24)"),
        (224..=239, _, _) => Check::Weak("multicast (224.0.0.0/4)"),
        (240..=254, _, _) => Check::Weak("reserved (240.0.0.0/4)"),
        _ if PUBLIC_RESOLVERS_V4.contains(&addr.octets()) => Check::Weak(PUBLIC_RESOLVER),
        _ if placeholder(addr.octets()) => Check::Weak(PLACEHOLDER),
        _ if addr.octets().iter().all(|&o| o < SMALL_OCTET) => Check::Doubt(SMALL_NUMBERS),
        _ if addr.octets()[..3].iter().all(|&o| o < SMALL_LEAD) => Check::Doubt(SMALL_LEAD_NUMBERS),
        _ => Check::Pass,
    }
}

/// Public DNS resolvers (Cloudflare, Google, Quad9, OpenDNS): configuration, not anybody's
/// connection.
const PUBLIC_RESOLVERS_V4: &[[u8; 4]] = &[
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [9, 9, 9, 9],
    [149, 112, 112, 112],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
];
const PUBLIC_RESOLVER: &str = "public DNS resolver";

/// Written by hand for examples and tests: `1.2.3.4`, `4.3.2.1`, `12.34.56.78`, `2.2.2.2`.
const PLACEHOLDER: &str = "placeholder address (octets in a progression)";

/// Whether the octets step by a difference people pick when they make an address up (`5.5.5.5`,
/// `1.2.3.4`, `4.3.2.1`, `20.30.40.50`, `11.22.33.44`, `12.34.56.78`): six real addresses in
/// 65,536 do, while tests and examples favour them. Other steps (`81.104.127.150`) are chance.
fn placeholder(octets: [u8; 4]) -> bool {
    matches!(common_step(&octets), Some(-1..=1 | 10 | 11 | 22))
}

/// Every octet of an address below this: section numbers (`23.3.1.3`, `IEEE 802.11 7.3.1.6`),
/// OIDs (`2.5.29.14`) and versions (`2.6.35.5`) are made of small numbers, while four random
/// octets all fall below 64 once in 256.
const SMALL_OCTET: u8 = 64;
const SMALL_NUMBERS: &str = "four small numbers, as in section numbers, OIDs and versions";

/// The first three octets of an address below this, whatever the last: a section deep in a
/// standard (`IEEE 802.11 8.4.2.97`), an X.500 attribute's OID (`2.5.4.65`), a version
/// (`Guile 3.0.5.130`), while one random address in 4,096 starts so.
const SMALL_LEAD: u8 = 16;
const SMALL_LEAD_NUMBERS: &str =
    "three small numbers first, as in section numbers, OIDs and versions";

/// `ipv6`: an address as `std::net::Ipv6Addr` parses it, optionally in brackets and with a
/// zone (`fe80::1%eth0`). IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`)
/// addresses are judged by their IPv4 part.
pub(crate) fn validate_v6(input: &[u8]) -> Check {
    if input.len() < 2 || input.len() > MAX_V6 {
        return Check::Reject;
    }
    let mut s = input;
    if let [b'[', inner @ .., b']'] = s {
        s = inner;
    }
    if let Some(pct) = s.iter().position(|&b| b == b'%') {
        let zone = &s[pct + 1..];
        let zone_ok = !zone.is_empty()
            && zone.len() <= 16
            && zone
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !zone_ok {
            return Check::Reject;
        }
        s = &s[..pct];
    }
    if s.iter().filter(|&&b| b == b':').count() < 2 {
        return Check::Reject;
    }
    match std::str::from_utf8(s).map(str::parse::<Ipv6Addr>) {
        Ok(Ok(addr)) => classify_v6(addr),
        _ => Check::Reject,
    }
}

/// The IPv6 addresses of the same public DNS resolvers.
const PUBLIC_RESOLVERS_V6: &[[u16; 8]] = &[
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111],
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001],
    [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888],
    [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844],
    [0x2620, 0xfe, 0, 0, 0, 0, 0, 0xfe],
    [0x2620, 0x119, 0x35, 0, 0, 0, 0, 0x35],
];

/// Judges an IPv6 address by its range.
fn classify_v6(addr: Ipv6Addr) -> Check {
    if addr.is_unspecified() {
        return Check::Reject;
    }
    if addr.is_loopback() {
        return Check::Weak("loopback (::1)");
    }
    if let Some(v4) = addr.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = addr.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let o = addr.octets();
        return classify_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    if PUBLIC_RESOLVERS_V6.contains(&s) {
        return Check::Weak(PUBLIC_RESOLVER);
    }
    match s[0] {
        0xfe80..=0xfebf => Check::Weak("link-local (fe80::/10)"),
        0xfec0..=0xfeff => Check::Weak("deprecated site-local (fec0::/10)"),
        0xfc00..=0xfdff => Check::Weak("unique local (fc00::/7)"),
        0xff00..=0xffff => Check::Weak("multicast (ff00::/8)"),
        0x2001 if s[1] == 0x0db8 => Check::Weak("documentation range (RFC 3849)"),
        0x3fff if s[1] < 0x1000 => Check::Weak("documentation range (RFC 9637)"),
        // The 6bone test network, returned in 2006 and never routed since (RFC 3701).
        0x3ffe => Check::Weak("retired 6bone test network (3ffe::/16)"),
        0x0000..=0x00ff => Check::Weak("reserved (0000::/8)"),
        // IANA has handed out only 2000::/3 for global unicast; the rest is reserved by the
        // IETF and routes nowhere. What looks like an address there is most often source code:
        // `dfa::`, `f64::MAX` and `Add::add` are made of hex digits and colons.
        0x2000..=0x3fff => Check::Pass,
        _ => Check::Weak("reserved by the IETF (outside 2000::/3)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Check {
        validate_v4(s.as_bytes())
    }

    fn v6(s: &str) -> Check {
        validate_v6(s.as_bytes())
    }

    #[test]
    fn public_v4_passes() {
        for s in [
            "93.184.216.34",
            "151.101.1.69",
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "169.253.1.1",
            "223.255.255.255",
            "64.1.2.3",
            "3.2.31.64",
        ] {
            assert_eq!(v4(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn resolvers_and_placeholders_are_weak() {
        for s in [
            "8.8.8.8",
            "8.8.4.4",
            "1.1.1.1",
            "1.0.0.1",
            "9.9.9.9",
            "208.67.222.222",
        ] {
            assert_eq!(v4(s), Check::Weak(PUBLIC_RESOLVER), "{s}");
        }
        for s in [
            "2001:4860:4860::8888",
            "2606:4700:4700::1111",
            "[2620:fe::fe]",
        ] {
            assert_eq!(v6(s), Check::Weak(PUBLIC_RESOLVER), "{s}");
        }
        for s in [
            "1.2.3.4",
            "4.3.2.1",
            "12.34.56.78",
            "11.22.33.44",
            "20.30.40.50",
            "2.2.2.2",
            "123.123.123.123",
        ] {
            assert_eq!(v4(s), Check::Weak(PLACEHOLDER), "{s}");
        }
        assert!(crate::validate::is_test_data(PLACEHOLDER));
        // Steps nobody picks by hand are chance, and the address is as good as any.
        for s in ["81.104.127.150", "200.150.100.50", "65.70.75.80"] {
            assert_eq!(v4(s), Check::Pass, "{s}");
        }
        // A private or documentation range says more than the progression.
        assert_eq!(v4("10.10.10.10"), Check::Weak("private range (RFC 1918)"));
    }

    #[test]
    fn small_numbers_are_in_doubt() {
        // Section numbers, OIDs and versions seen in real source code and documentation.
        for s in [
            "23.3.1.3",
            "7.3.1.6",
            "2.5.29.14",
            "2.5.4.44",
            "2.6.35.5",
            "1.0.0.0",
        ] {
            assert_eq!(v4(s), Check::Doubt(SMALL_NUMBERS), "{s}");
        }
        // Seen in C headers, Rust bindings and Python's sources.
        for s in [
            "8.4.2.97",
            "9.4.2.168",
            "2.5.4.65",
            "3.0.5.130",
            "1.1.1.255",
        ] {
            assert_eq!(v4(s), Check::Doubt(SMALL_LEAD_NUMBERS), "{s}");
        }
        // An address whose first three numbers are not all small passes.
        for s in ["16.4.2.97", "8.16.2.97", "8.4.16.97", "5.9.100.20"] {
            assert_eq!(v4(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn special_v4_ranges_are_weak() {
        let cases = [
            ("127.0.0.1", "loopback (127.0.0.0/8)"),
            ("127.255.255.254", "loopback (127.0.0.0/8)"),
            ("10.0.0.1", "private range (RFC 1918)"),
            ("10.255.255.255", "private range (RFC 1918)"),
            ("172.16.0.1", "private range (RFC 1918)"),
            ("172.31.255.255", "private range (RFC 1918)"),
            ("192.168.1.1", "private range (RFC 1918)"),
            ("169.254.169.254", "link-local (169.254.0.0/16)"),
            ("100.64.0.1", "shared address space (RFC 6598)"),
            ("100.127.255.254", "shared address space (RFC 6598)"),
            ("192.0.2.1", "documentation range (RFC 5737)"),
            ("198.51.100.42", "documentation range (RFC 5737)"),
            ("203.0.113.255", "documentation range (RFC 5737)"),
            ("198.18.0.1", "benchmarking range (RFC 2544)"),
            ("198.19.255.255", "benchmarking range (RFC 2544)"),
            ("192.0.0.8", "IETF protocol assignments (192.0.0.0/24)"),
            ("224.0.0.251", "multicast (224.0.0.0/4)"),
            ("239.255.255.250", "multicast (224.0.0.0/4)"),
            ("240.0.0.1", "reserved (240.0.0.0/4)"),
            ("254.255.255.255", "reserved (240.0.0.0/4)"),
        ];
        for (s, why) in cases {
            assert_eq!(v4(s), Check::Weak(why), "{s}");
        }
    }

    #[test]
    fn unusable_v4_is_rejected() {
        for s in [
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "255.255.255.0",
            "255.255.0.0",
            "255.0.0.0",
            "255.255.255.252",
        ] {
            assert_eq!(v4(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn malformed_v4_is_rejected() {
        for s in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "01.2.3.4",
            "1.02.3.4",
            "1.2.3.04",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1..3.4",
            "1.2.3.",
            "a.b.c.d",
            "1.2.3.4/24",
            "1.2.3.4:80",
            "0x1.2.3.4",
            "+1.2.3.4",
            "1.2.3.4.",
            "1234.1.1.1",
            "8.8.8.8.8.8.8.8",
        ] {
            assert_eq!(v4(s), Check::Reject, "{s:?}");
        }
    }

    #[test]
    fn public_v6_passes() {
        for s in [
            "2001:4860:4860::8844:1",
            "2606:4700:4700::1112",
            "2a00:1450:4001:82a::200e",
            "2001:0db9::1",
            "2001:db7:ffff::1",
            "2620:0:2d0:200::7",
            "[2001:4860:4861::8888]",
            "2001:4860:4860:0:0:0:1:8888",
            "2001:4860:4860:0000:0000:0000:0001:8888",
            "2000::1",
            "3fff:1000::1",
            "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:93.184.216.34",
            "64:ff9b::93.184.216.34",
        ] {
            assert_eq!(v6(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn special_v6_ranges_are_weak() {
        let cases = [
            ("::1", "loopback (::1)"),
            ("[::1]", "loopback (::1)"),
            ("0:0:0:0:0:0:0:1", "loopback (::1)"),
            ("fe80::1", "link-local (fe80::/10)"),
            ("fe80::1ff:fe23:4567:890a%eth0", "link-local (fe80::/10)"),
            ("[fe80::1%25]", "link-local (fe80::/10)"),
            ("febf:ffff::1", "link-local (fe80::/10)"),
            ("fec0::1", "deprecated site-local (fec0::/10)"),
            ("fc00::1", "unique local (fc00::/7)"),
            ("fd12:3456:789a:1::1", "unique local (fc00::/7)"),
            ("2001:db8::1", "documentation range (RFC 3849)"),
            ("3ffe::1", "retired 6bone test network (3ffe::/16)"),
            ("3ffe:b00::127", "retired 6bone test network (3ffe::/16)"),
            (
                "2001:DB8:85A3::8A2E:370:7334",
                "documentation range (RFC 3849)",
            ),
            (
                "2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff",
                "documentation range (RFC 3849)",
            ),
            ("3fff::1", "documentation range (RFC 9637)"),
            ("3fff:fff::1", "documentation range (RFC 9637)"),
            ("ff02::1", "multicast (ff00::/8)"),
            ("ff05::1:3", "multicast (ff00::/8)"),
            ("::ffff:192.168.1.1", "private range (RFC 1918)"),
            ("::ffff:c0a8:101", "private range (RFC 1918)"),
            ("::ffff:127.0.0.1", "loopback (127.0.0.0/8)"),
            ("::ffff:203.0.113.7", "documentation range (RFC 5737)"),
            ("64:ff9b::10.0.0.1", "private range (RFC 1918)"),
            ("::1.2.3.4", "reserved (0000::/8)"),
            ("::2", "reserved (0000::/8)"),
            ("100::1", "reserved by the IETF (outside 2000::/3)"),
            ("1fff:ffff::1", "reserved by the IETF (outside 2000::/3)"),
            ("4000::1", "reserved by the IETF (outside 2000::/3)"),
            ("fbff:1::1", "reserved by the IETF (outside 2000::/3)"),
            ("fe00::1", "reserved by the IETF (outside 2000::/3)"),
            ("fe7f::1", "reserved by the IETF (outside 2000::/3)"),
            ("dfa::", "reserved by the IETF (outside 2000::/3)"),
            ("f64::", "reserved by the IETF (outside 2000::/3)"),
            ("Add::add", "reserved by the IETF (outside 2000::/3)"),
        ];
        for (s, why) in cases {
            assert_eq!(v6(s), Check::Weak(why), "{s}");
        }
    }

    #[test]
    fn unusable_v6_is_rejected() {
        for s in [
            "::",
            "[::]",
            "0:0:0:0:0:0:0:0",
            "::%eth0",
            "::ffff:0.0.0.0",
            "::ffff:255.255.255.255",
            "::ffff:255.255.255.0",
        ] {
            assert_eq!(v6(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn malformed_v6_is_rejected() {
        for s in [
            "",
            ":",
            ":::",
            "1:2",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "2001:db8::1::1",
            "2001:db8:::1",
            "12345::1",
            "g::1",
            "[2001:db8::1",
            "2001:db8::1]",
            "[[::1]]",
            "fe80::1%",
            "fe80::1%eth 0",
            "fe80::1%eth0%eth1",
            "fe80::1%abcdefghijklmnopq",
            "::ffff:1.2.3.256",
            "::ffff:01.2.3.4",
            "12:34:56",
            "10:30",
            "1.2.3.4",
            "std::vec::Vec",
            " ::1",
            "::1 ",
        ] {
            assert_eq!(v6(s), Check::Reject, "{s:?}");
        }
    }
}
