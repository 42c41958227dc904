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
];

/// `password`: a secret of 1 to 128 printable characters that is not a placeholder
/// (`********`, `<redacted>`, `null`, `changeme`), a template or environment reference
/// (`${DB_PASSWORD}`, `{{ vault.pw }}`, `%(pw)s`, `$PASSWORD`), or code (`os.environ[...]`,
/// `self.password`, `getpass()`, `==`).
pub(crate) fn validate(input: &[u8]) -> Check {
    if input.is_empty() || input.len() > MAX_INPUT {
        return Check::Reject;
    }
    if !input.iter().all(|&b| b.is_ascii_graphic() || b >= 0x80) {
        return Check::Reject;
    }
    if NOT_SECRETS.iter().any(|p| input.eq_ignore_ascii_case(p)) {
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
        b'$' | b'{' | b'<' | b'%' | b'(' | b'[' | b'=' | b'!' | b'@'
    ) {
        return Check::Reject;
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
    if dotted {
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
        ] {
            assert_eq!(validate(s.as_bytes()), Check::Reject, "{s}");
        }
    }
}
