//! `iban`: International Bank Account Number (ISO 13616).

use super::Check;

/// Longest IBAN any country issues.
const MAX_IBAN: usize = 34;
/// Longest input looked at: 34 characters grouped in fours with single spaces.
const MAX_INPUT: usize = MAX_IBAN + MAX_IBAN / 4 + 1;

/// IBAN length of each country in the SWIFT IBAN registry, sorted by country code.
/// Dependent territories that use their parent's code (e.g. Jersey uses GB, Réunion uses FR)
/// have no entry of their own.
const LENGTHS: &[([u8; 2], u8)] = &[
    (*b"AD", 24), // Andorra
    (*b"AE", 23), // United Arab Emirates
    (*b"AL", 28), // Albania
    (*b"AT", 20), // Austria
    (*b"AZ", 28), // Azerbaijan
    (*b"BA", 20), // Bosnia and Herzegovina
    (*b"BE", 16), // Belgium
    (*b"BG", 22), // Bulgaria
    (*b"BH", 22), // Bahrain
    (*b"BI", 27), // Burundi
    (*b"BR", 29), // Brazil
    (*b"BY", 28), // Belarus
    (*b"CH", 21), // Switzerland
    (*b"CR", 22), // Costa Rica
    (*b"CY", 28), // Cyprus
    (*b"CZ", 24), // Czechia
    (*b"DE", 22), // Germany
    (*b"DJ", 27), // Djibouti
    (*b"DK", 18), // Denmark
    (*b"DO", 28), // Dominican Republic
    (*b"EE", 20), // Estonia
    (*b"EG", 29), // Egypt
    (*b"ES", 24), // Spain
    (*b"FI", 18), // Finland (and Åland)
    (*b"FK", 18), // Falkland Islands
    (*b"FO", 18), // Faroe Islands
    (*b"FR", 27), // France (and overseas departments and territories)
    (*b"GB", 22), // United Kingdom (and Crown Dependencies)
    (*b"GE", 22), // Georgia
    (*b"GI", 23), // Gibraltar
    (*b"GL", 18), // Greenland
    (*b"GR", 27), // Greece
    (*b"GT", 28), // Guatemala
    (*b"HN", 28), // Honduras
    (*b"HR", 21), // Croatia
    (*b"HU", 28), // Hungary
    (*b"IE", 22), // Ireland
    (*b"IL", 23), // Israel
    (*b"IQ", 23), // Iraq
    (*b"IS", 26), // Iceland
    (*b"IT", 27), // Italy
    (*b"JO", 30), // Jordan
    (*b"KW", 30), // Kuwait
    (*b"KZ", 20), // Kazakhstan
    (*b"LB", 28), // Lebanon
    (*b"LC", 32), // Saint Lucia
    (*b"LI", 21), // Liechtenstein
    (*b"LT", 20), // Lithuania
    (*b"LU", 20), // Luxembourg
    (*b"LV", 21), // Latvia
    (*b"LY", 25), // Libya
    (*b"MC", 27), // Monaco
    (*b"MD", 24), // Moldova
    (*b"ME", 22), // Montenegro
    (*b"MK", 19), // North Macedonia
    (*b"MN", 20), // Mongolia
    (*b"MR", 27), // Mauritania
    (*b"MT", 31), // Malta
    (*b"MU", 30), // Mauritius
    (*b"NI", 28), // Nicaragua
    (*b"NL", 18), // Netherlands
    (*b"NO", 15), // Norway
    (*b"OM", 23), // Oman
    (*b"PK", 24), // Pakistan
    (*b"PL", 28), // Poland
    (*b"PS", 29), // Palestine
    (*b"PT", 25), // Portugal
    (*b"QA", 29), // Qatar
    (*b"RO", 24), // Romania
    (*b"RS", 22), // Serbia
    (*b"RU", 33), // Russia
    (*b"SA", 24), // Saudi Arabia
    (*b"SC", 31), // Seychelles
    (*b"SD", 18), // Sudan
    (*b"SE", 24), // Sweden
    (*b"SI", 19), // Slovenia
    (*b"SK", 24), // Slovakia
    (*b"SM", 27), // San Marino
    (*b"SO", 23), // Somalia
    (*b"ST", 25), // São Tomé and Príncipe
    (*b"SV", 28), // El Salvador
    (*b"TL", 23), // Timor-Leste
    (*b"TN", 24), // Tunisia
    (*b"TR", 26), // Türkiye
    (*b"UA", 29), // Ukraine
    (*b"VA", 22), // Vatican City
    (*b"VG", 24), // British Virgin Islands
    (*b"XK", 20), // Kosovo
    (*b"YE", 30), // Yemen
];

/// The registry length for an upper-case country code.
fn country_length(cc: [u8; 2]) -> Option<usize> {
    LENGTHS
        .binary_search_by(|(code, _)| code.cmp(&cc))
        .ok()
        .map(|i| usize::from(LENGTHS[i].1))
}

/// Folds one alphanumeric character into a running remainder mod 97, reading letters as
/// the two-digit numbers 10 (A) to 35 (Z).
fn mod97_step(rem: u32, c: u8) -> u32 {
    if c.is_ascii_digit() {
        (rem * 10 + u32::from(c - b'0')) % 97
    } else {
        (rem * 100 + u32::from(c - b'A') + 10) % 97
    }
}

/// `iban`: country code, two check digits and the national account number (BBAN), with
/// optional single spaces anywhere between characters, in either case. The length must be
/// the registry length for the country and the whole must be 1 mod 97.
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.len() < 4 || input.len() > MAX_INPUT {
        return Check::Reject;
    }
    // Normalise into a stack buffer: drop single spaces, upper-case letters.
    let mut buf = [0u8; MAX_IBAN];
    let mut len = 0;
    let mut prev_space = true; // rejects a leading space
    for &b in input {
        if b == b' ' {
            if prev_space {
                return Check::Reject;
            }
            prev_space = true;
            continue;
        }
        if !b.is_ascii_alphanumeric() || len == MAX_IBAN {
            return Check::Reject;
        }
        buf[len] = b.to_ascii_uppercase();
        len += 1;
        prev_space = false;
    }
    if prev_space {
        return Check::Reject;
    }
    let iban = &buf[..len];
    let (cc, check, bban) = match iban {
        [a, b, c, d, rest @ ..] => ([*a, *b], [*c, *d], rest),
        _ => return Check::Reject,
    };
    if !cc.iter().all(u8::is_ascii_uppercase) || !check.iter().all(u8::is_ascii_digit) {
        return Check::Reject;
    }
    if country_length(cc) != Some(len) {
        return Check::Reject;
    }
    // ISO 7064 MOD 97-10 yields check digits 02..=98 only.
    let check_value = (check[0] - b'0') * 10 + (check[1] - b'0');
    if !(2..=98).contains(&check_value) {
        return Check::Reject;
    }
    // The number checked is BBAN, then country code, then check digits.
    let rem = bban
        .iter()
        .chain(cc.iter())
        .chain(check.iter())
        .fold(0u32, |rem, &c| mod97_step(rem, c));
    if rem != 1 {
        return Check::Reject;
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Example IBANs as published in the SWIFT IBAN registry and by national banking
    /// associations.
    const REGISTRY_EXAMPLES: &[&str] = &[
        "AD1200012030200359100100",
        "AE070331234567890123456",
        "AL47212110090000000235698741",
        "AT611904300234573201",
        "AZ21NABZ00000000137010001944",
        "BA391290079401028494",
        "BE68539007547034",
        "BG80BNBG96611020345678",
        "BH67BMAG00001299123456",
        "BR1800360305000010009795493C1",
        "BY13NBRB3600900000002Z00AB00",
        "CH9300762011623852957",
        "CR05015202001026284066",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DE89370400440532013000",
        "DK5000400440116243",
        "DO28BAGR00000001212453611324",
        "EE382200221020145685",
        "EG380019000500000000263180002",
        "ES9121000418450200051332",
        "FI2112345600000785",
        "FO6264600001631634",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "GB82WEST12345698765432",
        "GE29NB0000000101904917",
        "GI75NWBK000000007099453",
        "GL8964710001000206",
        "GR1601101250000000012300695",
        "GT82TRAJ01020000001210029690",
        "HR1210010051863000160",
        "HU42117730161111101800000000",
        "IE29AIBK93115212345678",
        "IL620108000000099999999",
        "IQ98NBIQ850123456789012",
        "IS140159260076545510730339",
        "IT60X0542811101000000123456",
        "JO94CBJO0010000000000131000302",
        "KW81CBKU0000000000001234560101",
        "KZ86125KZT5004100100",
        "LB62099900000001001901229114",
        "LC55HEMM000100010012001200023015",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "LV80BANK0000435195001",
        "MC5811222000010123456789030",
        "MD24AG000225100013104168",
        "ME25505000012345678951",
        "MK07250120000058984",
        "MR1300020001010000123456753",
        "MT84MALT011000012345MTLCAST001S",
        "MU17BOMM0101101030300200000MUR",
        "NL91ABNA0417164300",
        "NO9386011117947",
        "PK36SCBL0000001123456702",
        "PL61109010140000071219812874",
        "PS92PALS000000000400123456702",
        "PT50000201231234567890154",
        "QA58DOHB00001234567890ABCDEFG",
        "RO49AAAA1B31007593840000",
        "RS35260005601001611379",
        "SA0380000000608010167519",
        "SC18SSCB11010000000000001497USD",
        "SE4550000000058398257466",
        "SI56263300012039086",
        "SK3112000000198742637541",
        "SM86U0322509800000000270100",
        "TL380080012345678910157",
        "TN5910006035183598478831",
        "TR330006100519786457841326",
        "UA213223130000026007233566001",
        "VA59001123000012345678",
        "VG96VPVG0000012345678901",
        "XK051212012345678906",
    ];

    #[test]
    fn table_is_sorted_and_complete() {
        for pair in LENGTHS.windows(2) {
            assert!(pair[0].0 < pair[1].0);
        }
        assert!(LENGTHS.len() >= 80, "{} countries", LENGTHS.len());
        for (cc, len) in LENGTHS {
            assert!(cc.iter().all(u8::is_ascii_uppercase));
            assert!((15..=34).contains(len));
        }
    }

    #[test]
    fn registry_examples_pass() {
        for iban in REGISTRY_EXAMPLES {
            assert_eq!(validate(iban.as_bytes()), Check::Pass, "{iban}");
        }
        assert!(REGISTRY_EXAMPLES.len() >= 15);
    }

    #[test]
    fn examples_match_the_length_table() {
        for iban in REGISTRY_EXAMPLES {
            let cc = [iban.as_bytes()[0], iban.as_bytes()[1]];
            assert_eq!(country_length(cc), Some(iban.len()), "{iban}");
        }
    }

    #[test]
    fn print_format_and_lower_case_pass() {
        for iban in [
            "GB82 WEST 1234 5698 7654 32",
            "DE89 3704 0044 0532 0130 00",
            "FR14 2004 1010 0505 0001 3M02 606",
            "gb82west12345698765432",
            "nl91 abna 0417 1643 00",
            "Be68539007547034",
        ] {
            assert_eq!(validate(iban.as_bytes()), Check::Pass, "{iban}");
        }
    }

    #[test]
    fn any_changed_character_is_rejected() {
        for iban in REGISTRY_EXAMPLES {
            let bytes = iban.as_bytes();
            for i in 2..bytes.len() {
                let mut changed = bytes.to_vec();
                changed[i] = if changed[i].is_ascii_digit() {
                    b'0' + (changed[i] - b'0' + 1) % 10
                } else {
                    b'A' + (changed[i] - b'A' + 1) % 26
                };
                assert_eq!(
                    validate(&changed),
                    Check::Reject,
                    "{}",
                    String::from_utf8_lossy(&changed)
                );
            }
        }
    }

    #[test]
    fn swapped_adjacent_characters_are_rejected() {
        let s = b"DE89370400440532013000";
        for i in 4..s.len() - 1 {
            if s[i] != s[i + 1] {
                let mut t = *s;
                t.swap(i, i + 1);
                assert_eq!(validate(&t), Check::Reject, "{i}");
            }
        }
    }

    #[test]
    fn wrong_length_is_rejected() {
        assert_eq!(validate(b"GB82WEST1234569876543"), Check::Reject);
        assert_eq!(validate(b"GB82WEST123456987654321"), Check::Reject);
        assert_eq!(validate(b"DE8937040044053201300"), Check::Reject);
        assert_eq!(validate(b"NL91ABNA041716430"), Check::Reject);
        assert_eq!(validate(b"NO938601111794"), Check::Reject);
    }

    #[test]
    fn unknown_country_is_rejected() {
        // Same BBAN and a check value recomputed to be right for the fake country code:
        // the country table must reject it regardless.
        for cc in ["US", "XX", "ZZ", "AA", "CA", "JP"] {
            let bban = b"WEST12345698765432";
            let mut rem = 0;
            for &c in bban.iter().chain(cc.as_bytes()).chain(b"00") {
                rem = mod97_step(rem, c);
            }
            let check = 98 - rem;
            let iban = format!("{cc}{check:02}WEST12345698765432");
            assert_eq!(validate(iban.as_bytes()), Check::Reject, "{iban}");
        }
    }

    #[test]
    fn impossible_check_digits_are_rejected() {
        // 00, 01 and 99 are never produced by the MOD 97-10 computation, even where the
        // remainder would happen to work out (99 = 2 mod 97).
        let mut rem = 0;
        for &c in b"WEST12345698765432GB00" {
            rem = mod97_step(rem, c);
        }
        let check = 98 - rem;
        assert_eq!(check, 82);
        assert_eq!(validate(b"GB00WEST12345698765432"), Check::Reject);
        assert_eq!(validate(b"GB01WEST12345698765432"), Check::Reject);
        assert_eq!(validate(b"GB99WEST12345698765432"), Check::Reject);
    }

    #[test]
    fn malformed_input_is_rejected() {
        for bad in [
            "",
            "GB",
            "GB82",
            "G882WEST12345698765432",
            "GBX2WEST12345698765432",
            "GB82-WEST-1234-5698-7654-32",
            "GB82  WEST12345698765432",
            " GB82WEST12345698765432",
            "GB82WEST12345698765432 ",
            "GB82WEST1234569876543\u{e9}",
            "12GBWEST12345698765432",
            "GB82WEST12345698765432GB82WEST12345698765432",
        ] {
            assert_eq!(validate(bad.as_bytes()), Check::Reject, "{bad:?}");
        }
    }
}
