//! JSON and JSON Lines.
//!
//! One finding is one object with exactly these fields (docs/output.md is the reference):
//! `rule`, `name`, `categories`, `ccpa`, `confidence`, `path`, `line`, `column`, `byte_offset`,
//! `length`, `redacted`, `fingerprint`, `context`, plus `value` with `--redact none` and
//! `explain` with `--explain`. JSON Lines writes one per line as findings arrive; JSON writes
//! `{"findings": [...], "summary": {...}}` with the totals and skipped inputs.

use std::io::{self, Write};

use serde::Serialize;

use super::{Render, Reporter, RunInfo, Totals};
use crate::finding::{Context, Explain, Finding, Fingerprint};

/// The serialized form of a finding: the fields its rule decides, then its own.
#[derive(Serialize)]
pub struct FindingJson<'a> {
    #[serde(flatten)]
    pub head: FindingHead<'a>,
    #[serde(flatten)]
    pub own: FindingOwn<'a>,
}

/// The fields of a finding that its rule decides: the same for all its findings.
#[derive(Serialize)]
pub struct FindingHead<'a> {
    pub rule: &'a str,
    pub name: &'a str,
    pub categories: &'a [String],
    pub ccpa: &'a [String],
}

/// The fields of a finding of its own.
#[derive(Serialize)]
pub struct FindingOwn<'a> {
    pub confidence: &'a str,
    pub path: &'a str,
    pub line: u64,
    pub column: u64,
    pub byte_offset: u64,
    pub length: u64,
    pub redacted: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<&'a str>,
    pub fingerprint: Fingerprint,
    pub context: &'a Context,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<&'a Explain>,
}

impl<'a> FindingHead<'a> {
    pub fn new(rule: &'a crate::scan::CompiledRule) -> FindingHead<'a> {
        FindingHead {
            rule: &rule.rule.id,
            name: &rule.rule.name,
            categories: &rule.categories,
            ccpa: &rule.ccpa,
        }
    }
}

impl<'a> FindingOwn<'a> {
    pub fn new(f: &'a Finding) -> FindingOwn<'a> {
        FindingOwn {
            confidence: f.confidence.as_str(),
            path: &f.path,
            line: f.line,
            column: f.column,
            byte_offset: f.byte_offset,
            length: f.length,
            redacted: &f.redacted,
            value: f.value.as_deref(),
            fingerprint: f.fingerprint,
            context: &f.context,
            explain: f.explain.as_deref(),
        }
    }
}

impl<'a> FindingJson<'a> {
    pub fn new(run: &'a RunInfo, f: &'a Finding) -> FindingJson<'a> {
        FindingJson {
            head: FindingHead::new(&run.rules.rules[f.rule]),
            own: FindingOwn::new(f),
        }
    }
}

/// Each rule's findings open with the same bytes, `{"rule":...,"ccpa":[...],`: made once per
/// run, so that rendering a finding escapes only its own strings.
pub fn finding_heads(rules: &crate::scan::RuleSet) -> Vec<Vec<u8>> {
    rules
        .rules
        .iter()
        .map(|rule| {
            let mut head = serde_json::to_vec(&FindingHead::new(rule)).unwrap_or_default();
            // `{...}` becomes `{...,`: the finding's own fields follow.
            head.pop();
            head.push(b',');
            head
        })
        .collect()
}

/// Append one finding as a JSON object: its rule's head, then its own fields, byte for byte
/// what serializing [`FindingOwn`] writes. Written field by field because this is the cost of
/// JSON output on dense data: through serde, a finding took about 3,500 instructions, most of
/// them escaping strings that need none. `path` is the finding's path already written as a
/// JSON string ([`string`]): the findings of one input share it, so it is escaped once.
pub fn write_finding(run: &RunInfo, f: &Finding, path: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    out.extend_from_slice(&run.finding_heads[f.rule]);
    // The confidence and the fingerprint's hex digits never need escaping.
    out.extend_from_slice(b"\"confidence\":\"");
    out.extend_from_slice(f.confidence.as_str().as_bytes());
    out.extend_from_slice(b"\",\"path\":");
    out.extend_from_slice(path);
    for (name, n) in [
        (&b",\"line\":"[..], f.line),
        (b",\"column\":", f.column),
        (b",\"byte_offset\":", f.byte_offset),
        (b",\"length\":", f.length),
    ] {
        out.extend_from_slice(name);
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
    out.extend_from_slice(b",\"redacted\":");
    string(out, &f.redacted)?;
    if let Some(value) = &f.value {
        out.extend_from_slice(b",\"value\":");
        string(out, value)?;
    }
    out.extend_from_slice(b",\"fingerprint\":\"");
    out.extend_from_slice(f.fingerprint.hex().as_bytes());
    out.extend_from_slice(b"\",\"context\":{");
    let mut first = true;
    for (name, field) in [
        (&b"\"key\":"[..], f.context.key.as_deref()),
        (b"\"json_pointer\":", f.context.json_pointer.as_deref()),
        (b"\"column\":", f.context.column.as_deref()),
    ] {
        if let Some(text) = field {
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(name);
            string(out, text)?;
        }
    }
    out.push(b'}');
    if let Some(explain) = &f.explain {
        out.extend_from_slice(b",\"explain\":");
        serde_json::to_writer(&mut *out, explain)?;
    }
    out.push(b'}');
    Ok(())
}

/// Append `text` as a JSON string. Most need no escaping and are copied as they are; the
/// others are escaped by serde_json, so both write the same bytes.
pub fn string(out: &mut Vec<u8>, text: &str) -> io::Result<()> {
    // Without short-circuiting, so that the check runs over many bytes at once.
    let escape = text.bytes().fold(false, |any, b| {
        any | (b == b'"') | (b == b'\\') | (b < 0x20)
    });
    if escape {
        serde_json::to_writer(&mut *out, text)?;
    } else {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
    Ok(())
}

/// What comes before every item of the document's `findings` array; the first item's is
/// replaced by the document's opening.
pub(super) const ITEM_SEPARATOR: &[u8] = b",\n  ";

pub struct Json {
    out: Box<dyn Write + Send>,
    lines: bool,
    any: bool,
    /// One input's findings are rendered here, then written at once: serde_json writes a
    /// finding in dozens of small pieces, each a dynamic call on `out`.
    buf: Vec<u8>,
}

impl Json {
    pub fn document(out: Box<dyn Write + Send>) -> Json {
        Json {
            out,
            lines: false,
            any: false,
            buf: Vec::new(),
        }
    }
    /// How this format renders findings.
    fn kind(&self) -> Render {
        if self.lines {
            Render::JsonLines
        } else {
            Render::JsonItems
        }
    }

    pub fn lines(out: Box<dyn Write + Send>) -> Json {
        Json {
            out,
            lines: true,
            any: false,
            buf: Vec::new(),
        }
    }
}

impl Reporter for Json {
    fn findings(&mut self, run: &RunInfo, findings: &[Finding]) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let result = self
            .kind()
            .render(run, findings, &mut buf)
            .and_then(|()| self.rendered(&buf));
        self.buf = buf;
        result
    }

    fn render(&self) -> Option<Render> {
        Some(self.kind())
    }

    fn rendered(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if !self.lines && !self.any {
            self.out.write_all(b"{\"findings\": [\n  ")?;
            bytes = bytes.strip_prefix(ITEM_SEPARATOR).unwrap_or(bytes);
        }
        self.any = true;
        self.out.write_all(bytes)
    }

    fn finish(&mut self, _run: &RunInfo, totals: &Totals) -> io::Result<()> {
        if !self.lines {
            self.out.write_all(if self.any {
                b"\n],\n\"summary\": "
            } else {
                b"{\"findings\": [],\n\"summary\": "
            })?;
            serde_json::to_writer_pretty(&mut self.out, &SummaryJson::new(totals))?;
            self.out.write_all(b"}\n")?;
        }
        self.out.flush()
    }
}

/// The `summary` object of a JSON document (and of `--format summary --output x.json`).
#[derive(Serialize)]
pub struct SummaryJson<'a> {
    pub version: &'a str,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub findings: u64,
    pub by_rule: &'a std::collections::BTreeMap<String, u64>,
    pub by_category: &'a std::collections::BTreeMap<String, super::CategoryTotals>,
    pub skipped: &'a [crate::discover::Skipped],
    pub suppressed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_stale: Option<u64>,
}

impl<'a> SummaryJson<'a> {
    pub fn new(t: &'a Totals) -> SummaryJson<'a> {
        SummaryJson {
            version: env!("CARGO_PKG_VERSION"),
            files_scanned: t.files_scanned,
            bytes_scanned: t.bytes_scanned,
            findings: t.findings,
            by_rule: &t.by_rule,
            by_category: &t.by_category,
            skipped: &t.skipped,
            suppressed: t.suppressed,
            baseline_stale: t.baseline_stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn rules() -> &'static crate::scan::RuleSet {
        static RULES: OnceLock<crate::scan::RuleSet> = OnceLock::new();
        RULES.get_or_init(crate::scan::RuleSet::built_in)
    }

    fn run_info() -> RunInfo<'static> {
        RunInfo {
            rules: rules(),
            color: false,
            sarif_category: None,
            paths: &[],
            started: std::time::SystemTime::UNIX_EPOCH,
            min_confidence: Confidence::Low,
            finding_heads: finding_heads(rules()),
        }
    }

    /// Text with what JSON must escape (quotes, backslashes, control characters) and what it
    /// must not (non-ASCII, `/`, DEL).
    fn text() -> impl Strategy<Value = String> {
        "[a-z0-9 ./*@\"\\\\\u{0}-\u{1f}\u{7f}é€😀]{0,12}"
    }

    proptest! {
        #[test]
        fn a_finding_is_written_as_serde_serializes_it(
            rule in 0..rules().rules.len(),
            path in text(),
            numbers in prop::array::uniform4(any::<u64>()),
            confidence in prop::sample::select(vec![
                Confidence::Low, Confidence::Medium, Confidence::High,
            ]),
            redacted in text(),
            value in prop::option::of(text()),
            fingerprint in any::<[u8; 16]>(),
            context in prop::array::uniform3(prop::option::of(text())),
            explain in any::<bool>(),
        ) {
            let [key, json_pointer, column] = context;
            let f = Finding {
                rule,
                path: path.into(),
                line: numbers[0],
                column: numbers[1],
                byte_offset: numbers[2],
                length: numbers[3],
                confidence,
                redacted,
                value,
                fingerprint: fingerprint.into(),
                context: Context { key, json_pointer, column: column.map(Into::into) },
                explain: explain.then(|| Box::new(Explain {
                    validator: Some("luhn \"ok\"".into()),
                    context_words: vec!["e-mail\n".into()],
                    ..Explain::default()
                })),
                ..Finding::default()
            };
            let run = run_info();
            let mut written = Vec::new();
            let mut path = Vec::new();
            string(&mut path, &f.path).unwrap();
            write_finding(&run, &f, &path, &mut written).unwrap();
            let expected = serde_json::to_vec(&FindingJson::new(&run, &f)).unwrap();
            prop_assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(expected).unwrap());
        }
    }
}
