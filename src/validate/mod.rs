//! Validators that confirm or reject a candidate match found by a rule's pattern.
//!
//! A rule file names a validator (`validator = "luhn"`); [`lookup`] turns that name into a
//! plain function pointer. Validators run on the hot path, once per candidate match, so
//! none of them allocates: digits are gathered into fixed-size stack buffers and over-long
//! input is rejected before any work is done.

mod aadhaar;
mod aba;
mod date;
mod device;
mod email;
mod geo;
mod iban;
mod imei;
mod ip;
mod luhn;
mod mac;
mod nino;
mod passport;
mod password;
mod phone;
mod sin;
mod ssn;
mod text;

/// Outcome of checking a candidate match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Not a real identifier of this kind (checksum fails, impossible value): drop it.
    Reject,
    /// Structurally valid but weak evidence (reserved/private/documentation/test range, ...):
    /// reported with low confidence. The str says why, e.g. "private range (RFC 1918)".
    Weak(&'static str),
    /// Valid, but less telling than the rule's usual match (coarse coordinates...): one
    /// confidence level lower than context would make it. The str says why.
    Lower(&'static str),
    /// Valid, but a shape other things share (a plain run of digits, four small numbers): one
    /// confidence level lower unless the value sits under a key the rule lists, which says
    /// what it is. The str says why.
    Doubt(&'static str),
    /// Valid.
    Pass,
}

/// A validator gets the exact matched bytes (may contain separators like spaces, dashes, dots, colons).
pub type Validator = fn(&[u8]) -> Check;

/// All validator names, sorted, for docs and error messages.
pub const NAMES: &[&str] = &[
    "aadhaar",
    "aba-routing",
    "advertising-id",
    "android-id",
    "ca-sin",
    "credit-card",
    "date-of-birth",
    "email",
    "free-text",
    "geo-coordinates",
    "iban",
    "identifier",
    "imei",
    "ipv4",
    "ipv6",
    "luhn",
    "mac-address",
    "passport-number",
    "password",
    "person-name",
    "phone",
    "place-name",
    "postal-code",
    "street-address",
    "uk-nino",
    "us-ssn",
    "username",
];

/// Whether a `Check::Weak` reason marks well-known test or documentation data (example
/// domains, documentation address ranges, fictional phone numbers, published test cards,
/// placeholders such as `1.2.3.4`), which the built-in allowlist suppresses.
pub fn is_test_data(reason: &str) -> bool {
    [
        "reserved example",
        "documentation range",
        "published test",
        "fictional",
        "placeholder",
    ]
    .iter()
    .any(|p| reason.starts_with(p))
}

/// Look up a validator by the name used in rule files (`validator = "luhn"`).
pub fn lookup(name: &str) -> Option<Validator> {
    let v: Validator = match name {
        "aadhaar" => aadhaar::validate,
        "aba-routing" => aba::validate,
        "advertising-id" => device::validate_advertising_id,
        "android-id" => device::validate_android_id,
        "ca-sin" => sin::validate,
        "credit-card" => luhn::validate_credit_card,
        "date-of-birth" => date::validate,
        "email" => email::validate,
        "free-text" => text::validate_free_text,
        "geo-coordinates" => geo::validate,
        "iban" => iban::validate,
        "identifier" => text::validate_identifier,
        "imei" => imei::validate,
        "ipv4" => ip::validate_v4,
        "ipv6" => ip::validate_v6,
        "luhn" => luhn::validate_luhn,
        "mac-address" => mac::validate,
        "passport-number" => passport::validate,
        "password" => password::validate,
        "person-name" => text::validate_person_name,
        "phone" => phone::validate,
        "place-name" => text::validate_place_name,
        "postal-code" => text::validate_postal_code,
        "street-address" => text::validate_street_address,
        "uk-nino" => nino::validate,
        "us-ssn" => ssn::validate,
        "username" => text::validate_username,
        _ => return None,
    };
    Some(v)
}

/// Most digits any validator needs to hold (credit cards have at most 19).
pub(crate) const MAX_DIGITS: usize = 32;
/// Most digit groups [`grouped_digits`] records.
pub(crate) const MAX_GROUPS: usize = 8;
/// Longest input [`grouped_digits`] looks at; anything longer is rejected unread.
pub(crate) const MAX_GROUPED_INPUT: usize = 64;

/// Digits gathered from a separated number, held on the stack.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Grouped {
    /// ASCII digits (`b'0'..=b'9'`), separators removed.
    buf: [u8; MAX_DIGITS],
    len: usize,
    /// Length of each run of digits between separators.
    groups: [u8; MAX_GROUPS],
    ngroups: usize,
}

impl Grouped {
    /// The ASCII digits, separators removed.
    pub(crate) fn digits(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Lengths of the digit groups, in order; a single entry when there were no separators.
    pub(crate) fn groups(&self) -> &[u8] {
        &self.groups[..self.ngroups]
    }
}

/// Gathers the digits of `input`, which must be runs of ASCII digits joined by single
/// separator bytes taken from `seps`, the same separator throughout.
///
/// Returns `None` for any other byte, a leading, trailing or doubled separator, two different
/// separators, more than [`MAX_DIGITS`] digits, more than [`MAX_GROUPS`] groups, or input
/// longer than [`MAX_GROUPED_INPUT`] bytes.
pub(crate) fn grouped_digits(input: &[u8], seps: &[u8]) -> Option<Grouped> {
    if input.is_empty() || input.len() > MAX_GROUPED_INPUT {
        return None;
    }
    let mut out = Grouped {
        buf: [0; MAX_DIGITS],
        len: 0,
        groups: [0; MAX_GROUPS],
        ngroups: 0,
    };
    let mut sep: Option<u8> = None;
    let mut run = 0u8;
    for &b in input {
        if b.is_ascii_digit() {
            if out.len == MAX_DIGITS {
                return None;
            }
            out.buf[out.len] = b;
            out.len += 1;
            run += 1;
        } else if seps.contains(&b) {
            if run == 0 || sep.is_some_and(|s| s != b) || out.ngroups + 1 >= MAX_GROUPS {
                return None;
            }
            sep = Some(b);
            out.groups[out.ngroups] = run;
            out.ngroups += 1;
            run = 0;
        } else {
            return None;
        }
    }
    if run == 0 {
        return None;
    }
    out.groups[out.ngroups] = run;
    out.ngroups += 1;
    Some(out)
}

/// The difference every value steps by (`1.2.3.4`: 1, `00:01:02:...`: 1, `98765`: -1), if
/// there are at least two values and one difference holds throughout: how hand-made
/// placeholders are told from real identifiers.
pub(crate) fn common_step(values: &[u8]) -> Option<i16> {
    let step = i16::from(*values.get(1)?) - i16::from(values[0]);
    values
        .windows(2)
        .all(|w| i16::from(w[1]) - i16::from(w[0]) == step)
        .then_some(step)
}

/// Whether every byte of a non-empty slice is the same.
pub(crate) fn all_same(bytes: &[u8]) -> bool {
    match bytes.split_first() {
        Some((first, rest)) => rest.iter().all(|b| b == first),
        None => false,
    }
}

/// The number written by a run of ASCII digits (at most 9 of them, so it fits a `u32`).
pub(crate) fn number(ascii_digits: &[u8]) -> u32 {
    debug_assert!(ascii_digits.len() <= 9);
    ascii_digits
        .iter()
        .fold(0u32, |n, &b| n * 10 + u32::from(b.wrapping_sub(b'0') % 10))
}

#[cfg(test)]
pub(crate) mod test_support {
    /// A small deterministic xorshift generator, so the fuzz-style tests need no dependency.
    pub(crate) struct Rng(u64);

    impl Rng {
        pub(crate) fn new(seed: u64) -> Self {
            Rng(seed | 1)
        }

        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Many random-ish inputs: short strings drawn from characters the validators care about,
    /// raw bytes of every value, and a few very long strings.
    pub(crate) fn noise() -> Vec<Vec<u8>> {
        const ALPHABET: &[u8] = b"0123456789abcdefxABCDEFQZ:-. +()@%[]/._\x00\xff\xc3\xa9ext";
        let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut out = Vec::new();
        for _ in 0..20_000 {
            let len = rng.below(48);
            let s: Vec<u8> = (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect();
            out.push(s);
        }
        for _ in 0..2_000 {
            let len = rng.below(40);
            out.push((0..len).map(|_| rng.next() as u8).collect());
        }
        for n in [0usize, 1, 63, 64, 65, 255, 256, 1000, 100_000] {
            out.push(vec![b'1'; n]);
            out.push(b"12:".repeat(n / 3 + 1));
            out.push(b"a@".repeat(n / 2 + 1));
            out.push(b"4111 ".repeat(n / 5 + 1));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_unique_and_resolvable() {
        for pair in NAMES.windows(2) {
            assert!(pair[0] < pair[1], "{} !< {}", pair[0], pair[1]);
        }
        for name in NAMES {
            assert!(lookup(name).is_some(), "{name} has no validator");
        }
    }

    #[test]
    fn each_name_resolves_to_its_validator() {
        let cases: &[(&str, &[u8], Check)] = &[
            ("aadhaar", b"2345 6789 0124", Check::Pass),
            ("aba-routing", b"021000021", Check::Pass),
            (
                "advertising-id",
                b"38400000-8cf0-11bd-b23e-10b96e40000d",
                Check::Pass,
            ),
            ("android-id", b"9774d56d682e549c", Check::Pass),
            ("ca-sin", b"130 692 544", Check::Pass),
            (
                "credit-card",
                b"4111 1111 1111 1111",
                Check::Weak("published test card number"),
            ),
            ("date-of-birth", b"1985-03-14", Check::Pass),
            ("email", b"jane.doe@gmail.com", Check::Pass),
            ("free-text", b"Head of Procurement", Check::Pass),
            ("geo-coordinates", b"52.520008, 13.404954", Check::Pass),
            ("iban", b"DE89 3704 0044 0532 0130 00", Check::Pass),
            ("identifier", b"cus_8f3k2L9", Check::Pass),
            ("imei", b"490154203237518", Check::Pass),
            (
                "ipv4",
                b"192.168.0.1",
                Check::Weak("private range (RFC 1918)"),
            ),
            (
                "ipv6",
                b"2001:db8::1",
                Check::Weak("documentation range (RFC 3849)"),
            ),
            ("luhn", b"79927398713", Check::Pass),
            ("mac-address", b"00:1a:2b:3c:4d:5e", Check::Pass),
            ("passport-number", b"C01X00T47", Check::Pass),
            ("password", b"hunter2", Check::Pass),
            ("person-name", "José Müller".as_bytes(), Check::Pass),
            ("phone", b"+1 (415) 555-2671", Check::Pass),
            ("place-name", b"Frankfurt am Main", Check::Pass),
            ("postal-code", b"SW1A 1AA", Check::Pass),
            ("street-address", b"221B Baker Street", Check::Pass),
            ("uk-nino", b"AB 12 34 56 C", Check::Pass),
            ("us-ssn", b"536-90-4399", Check::Pass),
            ("username", b"jdoe_84", Check::Pass),
        ];
        assert_eq!(cases.len(), NAMES.len());
        for (name, input, want) in cases {
            let v = lookup(name).unwrap();
            assert_eq!(v(input), *want, "{name}");
        }
    }

    #[test]
    fn unknown_names_are_not_found() {
        for name in [
            "",
            "Luhn",
            "LUHN",
            "credit_card",
            "ssn",
            "ip",
            "mac",
            " luhn",
        ] {
            assert!(lookup(name).is_none(), "{name:?} should not resolve");
        }
    }

    #[test]
    fn every_validator_rejects_empty_and_overlong_input() {
        let long_digits = vec![b'7'; 10_000];
        let long_text = b"ab:".repeat(5_000);
        for name in NAMES {
            let v = lookup(name).unwrap();
            assert_eq!(v(b""), Check::Reject, "{name} on empty input");
            assert_eq!(v(&long_digits), Check::Reject, "{name} on long digits");
            assert_eq!(v(&long_text), Check::Reject, "{name} on long text");
            assert_eq!(v(b"   "), Check::Reject, "{name} on blanks");
            assert_eq!(v(b"\xff\xfe\x00"), Check::Reject, "{name} on binary");
        }
    }

    #[test]
    fn no_validator_panics_on_noise() {
        let inputs = test_support::noise();
        for name in NAMES {
            let v = lookup(name).unwrap();
            for input in &inputs {
                let _ = v(input);
            }
        }
    }

    #[test]
    fn no_validator_panics_on_mutated_valid_input() {
        // Near misses reach deeper into each validator than pure noise does.
        const SEEDS: &[&[u8]] = &[
            b"4111 1111 1111 1111",
            b"3782-822463-10005",
            b"79927398713",
            b"GB82 WEST 1234 5698 7654 32",
            b"536-90-4399",
            b"93.184.216.34",
            b"[fe80::1ff:fe23:4567:890a%eth0]",
            b"::ffff:192.168.1.1",
            b"00:1a:2b:3c:4d:5e",
            b"001a.2b3c.4d5e",
            b"+44 (0) 20 7946 0958",
            b"1 (415) 555-2671",
            b"first.last@mail.example.com",
            b"icon@2x.png",
            b"49-015420-323751-8",
            b"046 454 286",
            b"2345 6789 0124",
            b"021000021",
            b"AB 12 34 56 C",
        ];
        const BYTES: &[u8] = b"0123456789 -.:()+@%[]/xXaAfFzZ\x00\xff";
        let mut rng = test_support::Rng::new(42);
        let validators: Vec<Validator> = NAMES.iter().map(|n| lookup(n).unwrap()).collect();
        for seed in SEEDS {
            for v in &validators {
                let _ = v(seed);
            }
            for _ in 0..2_000 {
                let mut s = seed.to_vec();
                for _ in 0..1 + rng.below(3) {
                    let pick = BYTES[rng.below(BYTES.len())];
                    match rng.below(4) {
                        0 if !s.is_empty() => {
                            let i = rng.below(s.len());
                            s[i] = pick;
                        }
                        1 => {
                            let i = rng.below(s.len() + 1);
                            s.insert(i, pick);
                        }
                        2 if !s.is_empty() => {
                            let i = rng.below(s.len());
                            s.remove(i);
                        }
                        _ => {
                            let i = rng.below(s.len() + 1);
                            s.truncate(i);
                        }
                    }
                }
                for v in &validators {
                    let _ = v(&s);
                }
            }
        }
    }

    #[test]
    fn weak_reasons_are_not_empty() {
        let inputs = test_support::noise();
        for name in NAMES {
            let v = lookup(name).unwrap();
            for input in &inputs {
                if let Check::Weak(why) = v(input) {
                    assert!(!why.is_empty(), "{name} gave an empty reason");
                }
            }
        }
    }

    #[test]
    fn common_step_needs_one_difference_throughout() {
        assert_eq!(common_step(&[1, 2, 3, 4]), Some(1));
        assert_eq!(common_step(&[200, 150, 100, 50]), Some(-50));
        assert_eq!(common_step(&[5, 5, 5]), Some(0));
        assert_eq!(common_step(&[1, 2, 4]), None);
        assert_eq!(common_step(&[7]), None);
        assert_eq!(common_step(&[]), None);
    }

    #[test]
    fn grouped_digits_accepts_consistent_separators() {
        let g = grouped_digits(b"4111 1111 1111 1111", b" -").unwrap();
        assert_eq!(g.digits(), b"4111111111111111");
        assert_eq!(g.groups(), &[4, 4, 4, 4]);

        let g = grouped_digits(b"078-05-1120", b" -").unwrap();
        assert_eq!(g.digits(), b"078051120");
        assert_eq!(g.groups(), &[3, 2, 4]);

        let g = grouped_digits(b"123456789", b" -").unwrap();
        assert_eq!(g.groups(), &[9]);
    }

    #[test]
    fn grouped_digits_rejects_bad_shapes() {
        for bad in [
            &b""[..],
            b"-",
            b"1234-5678 9012",
            b"1234--5678",
            b"-1234",
            b"1234-",
            b"12a4",
            b"1234.5678",
            b"1 2 3 4 5 6 7 8 9",
        ] {
            assert!(grouped_digits(bad, b" -").is_none(), "{:?}", bad);
        }
        assert!(grouped_digits(&[b'1'; 33], b" ").is_none());
        assert!(grouped_digits(&[b'1'; 32], b" ").is_some());
        let mut long = vec![b'1'; 20];
        long.extend(std::iter::repeat_n(b' ', 50));
        assert!(grouped_digits(&long, b" ").is_none());
    }

    #[test]
    fn helpers() {
        assert!(all_same(b"1111"));
        assert!(all_same(b"7"));
        assert!(!all_same(b""));
        assert!(!all_same(b"1112"));
        assert_eq!(number(b"0123"), 123);
        assert_eq!(number(b"999999999"), 999_999_999);
        assert_eq!(number(b""), 0);
    }
}
