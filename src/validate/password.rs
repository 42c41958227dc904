//! `password`: the secret part of a `password=...` assignment or of URL userinfo.

use super::Check;

/// Longest secret looked at.
const MAX_INPUT: usize = 128;

/// Values that stand for "no password here": placeholders, types and literals.
const NOT_SECRETS: &[&[u8]] = &[
    b"null",
    b"none",
    b"nil",
    b"true",
    b"false",
    b"undefined",
    b"empty",
    b"str",
    b"string",
    b"bool",
    b"text",
    b"password",
    b"passwd",
    b"pass",
    b"pwd",
    b"passphrase",
    b"secret",
    b"redacted",
    b"hidden",
    b"masked",
    b"required",
    b"optional",
    b"changeme",
    b"example",
    b"your_password",
    b"yourpassword",
    b"mypassword",
    b"xxx",
    b"<password>",
    // Type names, from code that declares a password field (`password: String`).
    b"integer",
    b"boolean",
    b"number",
    b"object",
    b"char",
    b"bytes",
    b"bytearray",
    b"usize",
    b"isize",
    b"option",
    b"secretstring",
    b"securestring",
    b"charfield",
    b"textfield",
    // Code words after `pass:` / `password =` in source.
    b"match",
    b"self",
    b"this",
    b"await",
    b"return",
    b"function",
    b"lambda",
];

/// Shortest secret reported: shorter values next to a password key are nearly always code
/// (`PASS = 0`, `let pass = 1 + ...`).
const MIN_INPUT: usize = 4;

/// `password`: a secret of 4 to 128 printable characters that is not a placeholder
/// (`********`, `<redacted>`, `null`, `changeme`, a setting's choices `true/false`), a template
/// or environment reference (`${DB_PASSWORD}`, `{{ vault.pw }}`, `%(pw)s`, `$PASSWORD`), or
/// code: a call, an index, a dotted or `::` path (`os.environ[...]`, `self.password`,
/// `getpass()`), a variable or constant name (`new_password`, `LSA_UNICODE_STRING`), a type
/// (`String`, `u32`, `*mut`), a numeric literal with a suffix (`6021u32`, `0x4000_000D`).
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.len() < MIN_INPUT || input.len() > MAX_INPUT {
        return Check::Reject;
    }
    if !input.iter().all(|&b| b.is_ascii_graphic() || b >= 0x80) {
        return Check::Reject;
    }
    // A placeholder, or the choices a setting takes as documentation lists them
    // (`force_pass: true/false`). A bare `yes` or `off` is shorter than any secret.
    let placeholder = |part: &[u8]| {
        NOT_SECRETS
            .iter()
            .chain(&[&b"yes"[..], b"no", b"on", b"off"])
            .any(|p| part.eq_ignore_ascii_case(p))
    };
    if input.split(|&b| b == b'/').all(placeholder) {
        return Check::Reject;
    }
    if input
        .iter()
        .all(|&b| matches!(b, b'*' | b'x' | b'X' | b'.' | b'#' | b'?'))
    {
        return Check::Reject;
    }
    if matches!(
        input[0],
        b'$' | b'{' | b'<' | b'%' | b'(' | b'[' | b'=' | b'!' | b'@' | b':' | b'*' | b'&' | b'_'
    ) {
        return Check::Reject;
    }
    // A constant or type name: upper case and underscores (`NTSTATUS`, `LSA_UNICODE_STRING`).
    let upper = input
        .iter()
        .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if upper && (input.contains(&b'_') || !input.iter().any(u8::is_ascii_digit)) {
        return Check::Reject;
    }
    // A type or variable name: letters and underscores with an underscore or a camel hump and
    // no digit (`InputScope`, `Uri_PROPERTY`, `EapUsernamePasswordCredential`).
    let identifier = input[0].is_ascii_alphabetic()
        && input.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_')
        && (input.contains(&b'_') || camel_words(input));
    if identifier {
        return Check::Reject;
    }
    // A numeric literal with a type suffix or in hex: `6021u32`, `0x4000000D`.
    if input[0].is_ascii_digit() {
        let suffix = &input[input.iter().take_while(|b| b.is_ascii_digit()).count()..];
        const SUFFIXES: &[&[u8]] = &[
            b"u8", b"u16", b"u32", b"u64", b"u128", b"usize", b"i8", b"i16", b"i32", b"i64",
            b"i128", b"isize", b"f32", b"f64", b"L", b"UL", b"LL", b"ULL",
        ];
        let hex = input.starts_with(b"0x")
            && input[2..]
                .iter()
                .all(|b| b.is_ascii_hexdigit() || *b == b'_' || b.is_ascii_alphanumeric());
        if SUFFIXES.contains(&suffix) || hex {
            return Check::Reject;
        }
    }
    // Code, not a literal: a call, an index, or a dotted name (`self.password`, `cfg.db.pw`).
    if input.iter().any(|&b| matches!(b, b'(' | b'[')) {
        return Check::Reject;
    }
    let dotted = input.contains(&b'.')
        && input.split(|&b| b == b'.').all(|part| {
            !part.is_empty()
                && (part[0].is_ascii_alphabetic() || part[0] == b'_')
                && part.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        });
    if dotted || input.windows(2).any(|w| w == b"::") {
        return Check::Reject;
    }
    // A snake_case name is a variable, not a literal (`password = user_input`).
    let snake = input.contains(&b'_')
        && input.first().is_some_and(u8::is_ascii_lowercase)
        && input.last().is_some_and(u8::is_ascii_lowercase)
        && input.iter().all(|&b| b.is_ascii_lowercase() || b == b'_');
    if snake {
        return Check::Reject;
    }
    // A variable holding the password (`new_password`, `db_pwd`), not the password.
    let identifier = input.contains(&b'_')
        && input
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if identifier
        && [&b"pass"[..], b"pwd", b"secret"]
            .iter()
            .any(|w| input.windows(w.len()).any(|x| x == *w))
    {
        return Check::Reject;
    }
    Check::Pass
}

/// Whether `input` (letters only) reads as words in camel case: `InputScope`, `inputScope`,
/// every hump a capital and at least two small letters, at least two words. A random password
/// (`kdJfhQwRtYu`) has humps of other lengths.
fn camel_words(input: &[u8]) -> bool {
    let mut words = 0;
    let mut i = 0;
    while i < input.len() {
        let start = i;
        i += 1;
        while i < input.len() && input[i].is_ascii_lowercase() {
            i += 1;
        }
        let first = start == 0;
        let ok = if input[start].is_ascii_uppercase() {
            i - start >= 3
        } else {
            first
        };
        if !ok {
            return false;
        }
        words += 1;
    }
    words >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_pass() {
        for s in [
            "hunter2",
            "S3cr3t!",
            "correct-horse-battery",
            "p@ss:w0rd",
            "Zürich2024",
            "HUNTER22",
            "kdJfhQwRtYuPz",
            "123456",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }

    #[test]
    fn placeholders_and_code_are_rejected() {
        for s in [
            "",
            "********",
            "xxxx",
            "null",
            "None",
            "${DB_PASSWORD}",
            "{{vault.pw}}",
            "%(pw)s",
            "$PASSWORD",
            "<redacted>",
            "os.environ[\"PW\"]",
            "self.password",
            "getpass()",
            "==",
            "changeme",
            "two words",
            "new_password",
            "db_pwd",
            "user_input",
            "LSA_UNICODE_STRING",
            "NTSTATUS",
            "*mut",
            "6021u32",
            "0x4000000D_u32",
            "__u32",
            "277",
            "String",
            "InputScope",
            "Uri_PROPERTY",
            "match",
            "password::validate",
            "true/false",
            "Yes/No/none",
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
        // One part that is no placeholder makes a secret.
        for s in ["true/hunter2", "on/0ff!x"] {
            assert_eq!(validate(s.as_bytes()), Check::Pass, "{s}");
        }
    }
}
