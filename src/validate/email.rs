//! `email`: e-mail addresses (the dot-atom form of RFC 5322 with a DNS domain).

use super::Check;

/// Longest address a mail path can carry (RFC 5321).
const MAX_EMAIL: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;

/// File extensions of web assets named like `icon@2x.png`; none is a top-level domain.
const ASSET_EXTENSIONS: &[&[u8]] = &[
    b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"js", b"css", b"map", b"ts", b"json",
];

/// Second-level domains reserved for examples (RFC 2606).
const EXAMPLE_DOMAINS: &[&[u8]] = &[b"example.com", b"example.org", b"example.net"];
/// Top-level domains reserved for testing and examples (RFC 2606, RFC 6761).
const RESERVED_TLDS: &[&[u8]] = &[b"test", b"example", b"invalid", b"localhost"];

const RESERVED: &str = "reserved example domain";

/// Top-level domains of private networks: `.internal` (set aside by ICANN for private use),
/// `.local` (mDNS) and names that will never be delegated because so many networks use them.
/// An address there is a real mailbox inside an organisation.
const PRIVATE_TLDS: &[&[u8]] = &[
    b"internal",
    b"local",
    b"localdomain",
    b"lan",
    b"corp",
    b"home",
    b"intranet",
    b"private",
];
const UNDELEGATED: &str = "top-level domain not in the IANA root zone";

/// Whether `tld` (letters, or an `xn--` label) is delegated in the root zone, or private.
fn tld_known(tld: &[u8]) -> bool {
    let mut lower = [0u8; MAX_LABEL];
    let Some(lower) = lower.get_mut(..tld.len()) else {
        return false;
    };
    lower.copy_from_slice(tld);
    lower.make_ascii_lowercase();
    PRIVATE_TLDS.contains(&&*lower) || std::str::from_utf8(lower).is_ok_and(tld::exist)
}

/// A UUID (`A29863FA-F388-40C3-AA25-0FD06B09B5BF`): the local part of a message or content
/// identifier (`<uuid@gmail.com>`), which no mailbox is named.
fn is_uuid(local: &[u8]) -> bool {
    local.len() == 36
        && local.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Characters allowed in an unquoted local part, besides dots.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&b)
}

fn local_ok(local: &[u8]) -> bool {
    (1..=MAX_LOCAL).contains(&local.len())
        && local
            .split(|&b| b == b'.')
            .all(|atom| !atom.is_empty() && atom.iter().all(|&b| is_atext(b)))
}

fn label_ok(label: &[u8]) -> bool {
    (1..=MAX_LABEL).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
}

/// A top-level domain: letters only, or an internationalised `xn--` A-label.
fn tld_ok(tld: &[u8]) -> bool {
    if tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--") {
        return true;
    }
    tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)
}

/// A retina scale tag such as `2x` or `3x`, or a bare number: `icon@2x.png`.
fn is_scale_tag(label: &[u8]) -> bool {
    let digits = label.strip_suffix(b"x").unwrap_or(label);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

fn is_asset_extension(label: &[u8]) -> bool {
    ASSET_EXTENSIONS
        .iter()
        .any(|ext| ext.eq_ignore_ascii_case(label))
}

/// `email`: `local@domain` with a dot-atom local part of 1 to 64 characters and a domain of
/// 4 to 253 characters in at least two labels (1 to 63 letters, digits or inner hyphens),
/// ending in an alphabetic top-level domain. Asset names such as `icon@2x.png` and message
/// identifiers (`<uuid@host>`) are rejected; RFC 2606 example domains, and top-level domains
/// that are neither delegated nor private (`jane@dom.ain`), are weak.
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.len() > MAX_EMAIL {
        return Check::Reject;
    }
    let Some(at) = input.iter().position(|&b| b == b'@') else {
        return Check::Reject;
    };
    let (local, domain) = (&input[..at], &input[at + 1..]);
    if !local_ok(local) || is_uuid(local) || !(4..=MAX_DOMAIN).contains(&domain.len()) {
        return Check::Reject;
    }
    if !domain.split(|&b| b == b'.').all(label_ok) {
        return Check::Reject;
    }
    let mut labels = domain.split(|&b| b == b'.');
    let first = labels.next().unwrap_or_default();
    let Some(tld) = domain
        .rsplit(|&b| b == b'.')
        .next()
        .filter(|t| t.len() < domain.len())
    else {
        return Check::Reject; // a single label
    };
    if !tld_ok(tld) || is_asset_extension(tld) {
        return Check::Reject;
    }
    if is_scale_tag(first) && labels.any(is_asset_extension) {
        return Check::Reject;
    }
    let reserved_sld = EXAMPLE_DOMAINS.iter().any(|d| {
        domain.len() >= d.len()
            && domain[domain.len() - d.len()..].eq_ignore_ascii_case(d)
            && (domain.len() == d.len() || domain[domain.len() - d.len() - 1] == b'.')
    });
    if reserved_sld || RESERVED_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)) {
        return Check::Weak(RESERVED);
    }
    if !tld_known(tld) {
        return Check::Weak(UNDELEGATED);
    }
    Check::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Check {
        validate(s.as_bytes())
    }

    #[test]
    fn ordinary_addresses_pass() {
        for s in [
            "john.doe@gmail.com",
            "jane_doe+newsletter@sub.domain.co.uk",
            "a@b.co",
            "o'brien@eircom.ie",
            "first.last@company-name.de",
            "x@xn--80ak6aa92e.com",
            "user@xn--e1afmkfd.xn--p1ai",
            "Mixed.Case@Example-Mail.COM",
            "1234@mail.ru",
            "user@1and1.com",
            "postmaster@123.example-isp.net",
            "!#$%&'*+/=?^_`{|}~-@weird.org",
            "user@notexample.com",
            "user@example.com.au",
            "user@example.co",
        ] {
            assert_eq!(check(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn reserved_domains_are_weak() {
        for s in [
            "user@example.com",
            "user@EXAMPLE.COM",
            "user@mail.example.org",
            "a@example.net",
            "a@foo.test",
            "a@site.example",
            "a@x.invalid",
            "a@my.localhost",
        ] {
            assert_eq!(check(s), Check::Weak(RESERVED), "{s}");
        }
    }

    #[test]
    fn undelegated_top_level_domains_are_weak() {
        for s in [
            "person@dom.ain",
            "a@b.baz",
            "bob@host.wasm",
            "x@y.mathematik",
        ] {
            assert_eq!(check(s), Check::Weak(UNDELEGATED), "{s}");
        }
        // Delegated (new gTLDs and IDN ones among them), in any case, and private networks.
        for s in [
            "a@b.COM",
            "a@b.Foo",
            "a@b.star",
            "a@b.xn--p1ai",
            "jane@mail.acme.internal",
            "jane@acme.corp",
            "svc@build01.local",
        ] {
            assert_eq!(check(s), Check::Pass, "{s}");
        }
    }

    #[test]
    fn message_identifiers_are_rejected() {
        assert_eq!(
            check("A29863FA-F388-40C3-AA25-0FD06B09B5BF@gmail.com"),
            Check::Reject
        );
        // One character off the UUID shape, it could be a mailbox.
        assert_eq!(
            check("A29863FA-F388-40C3-AA25-0FD06B09B5B@gmail.com"),
            Check::Pass
        );
    }

    #[test]
    fn asset_names_are_rejected() {
        for s in [
            "icon@2x.png",
            "logo@3x.jpg",
            "hero@2x.jpeg",
            "spinner@2x.gif",
            "arrow@2x.svg",
            "bg@2x.webp",
            "app@1.5x.png",
            "icon@2x.PNG",
            "icon@2x.png.br",
            "icon@2.png.gz",
            "name@host.js",
            "module@types.ts",
            "config@app.json",
            "styles@main.css",
            "bundle@vendor.map",
        ] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
        // A scale-looking first label alone is not an asset name.
        assert_eq!(check("team@2x.com"), Check::Pass);
    }

    #[test]
    fn version_strings_are_rejected() {
        for s in [
            "pkg@1.2.3",
            "lodash@4.17.21",
            "react@18.2.0",
            "1@2.3",
            "left-pad@1.3.0",
        ] {
            assert_eq!(check(s), Check::Reject, "{s}");
        }
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        let long_local = format!("{}@gmail.com", "a".repeat(65));
        let ok_local = format!("{}@gmail.com", "a".repeat(64));
        let long_label = format!("a@{}.com", "b".repeat(64));
        let ok_label = format!("a@{}.com", "b".repeat(63));
        let long_domain = format!("a@{}com", "abcdefghi.".repeat(26));
        assert_eq!(check(&ok_local), Check::Pass);
        assert_eq!(check(&ok_label), Check::Pass);
        for s in [
            "",
            "@",
            "a@",
            "@gmail.com",
            "a@b",
            "a@b.c",
            "a@bc",
            "a@@gmail.com",
            "a@b@gmail.com",
            ".a@gmail.com",
            "a.@gmail.com",
            "a..b@gmail.com",
            "a b@gmail.com",
            "\"a b\"@gmail.com",
            "a@-gmail.com",
            "a@gmail-.com",
            "a@gmail..com",
            "a@.gmail.com",
            "a@gmail.com.",
            "a@gma_il.com",
            "a@gmail.c0m",
            "a@gmail.x",
            "a@gmail.xn--",
            "a@[192.168.0.1]",
            "a@192.168.0.1",
            "j\u{f6}rg@gmail.com",
            "a@gm\u{e4}il.com",
            "a@gmail.com ",
            &long_local,
            &long_label,
            &long_domain,
        ] {
            assert_eq!(check(s), Check::Reject, "{s:?}");
        }
    }
}
