//! Structured context: where a value sits in a JSON line or a CSV/TSV row, and the values that
//! only their field name identifies.
//!
//! Nothing here parses every line of every input. An input's *shape* is decided once, from its
//! first bytes ([`sniff`]): JSON (it starts with an object or an array), CSV/TSV (its first row is
//! a header naming at least one field some rule lists in `keys`), or plain. Then:
//!
//! - For a finding, its JSON pointer (`/user/email`) or CSV column name is computed on demand
//!   from the bytes of its line ([`json_pointer`], [`column_at`]).
//! - Rules that are *detected by key* (person names, cities, user ids... which no pattern can
//!   find) get their values from [`key_values`]: in JSON, one Aho-Corasick pass over the chunk
//!   finds only the keys such rules list (in every common spelling); in CSV, only the listed
//!   columns of each row are visited.
//!
//! Key names are rule data (`keys = [...]`). They are compared ignoring ASCII case and the
//! separators `_`, `-`, `.`, `/` and space, so `first_name`, `firstName` and `FIRST-NAME` are
//! one key. A dotted or nested key (`user.email`, `/customer/name`) matches when the whole key,
//! its last segment, or its last two segments together are listed.

use std::collections::HashMap;

use crate::rules::Rule;

/// Longest key compared, in bytes after normalisation.
pub const MAX_KEY: usize = 64;

/// The decode buffer's size: longer values are judged as written.
pub const MAX_VALUE: usize = 256;

/// Longest field value the structured pass reports (a long user agent fits).
pub const MAX_FIELD: usize = 1024;

/// A header row is looked for in this many first bytes; an input's first chunk holds at least
/// as many (when it has them), so that its shape does not depend on the chunk size.
pub const MAX_HEADER: usize = 8192;

fn is_separator(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b'.' | b'/' | b' ')
}

/// `key` lowercased with separators removed, in `out`; `None` when empty or too long.
pub fn normalize<'o>(key: &[u8], out: &'o mut [u8; MAX_KEY]) -> Option<&'o [u8]> {
    let mut n = 0;
    for &b in key {
        if is_separator(b) {
            continue;
        }
        if n == MAX_KEY {
            return None;
        }
        out[n] = b.to_ascii_lowercase();
        n += 1;
    }
    (n > 0).then_some(&out[..n])
}

/// The words of a key as written in a rule: `emailAddress` and `email_address` are
/// `["email", "address"]`.
fn key_words(spelling: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in spelling.chars() {
        if c.is_ascii() && is_separator(c as u8) {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The hasher of the key tables: foldhash with a fixed seed. The keys come from the rules and
/// from JSON keys in the input, short and many (a JSON log has a key every few dozen bytes);
/// SipHash, the standard one, showed up in profiles of CSV exports, and FNV-1a's multiply per
/// byte in those of JSON logs.
type KeyHasher = foldhash::fast::FixedState;

/// The field names of every rule.
#[derive(Debug, Default)]
pub struct KeyTable {
    /// Normalised key -> the rules listing it, in load order.
    map: HashMap<Box<[u8]>, Vec<usize>, KeyHasher>,
    /// Every spelling (`first_name`, `first-name`, `firstname`...; lowercase, compared
    /// ignoring ASCII case) of the keys of rules detected by key: the JSON keys worth a look.
    spellings: std::collections::HashSet<Box<[u8]>, KeyHasher>,
    /// The longest spelling's length.
    longest_spelling: usize,
    /// Per rule: whether it is detected by key.
    detected: Vec<bool>,
}

impl KeyTable {
    pub fn new(rules: &[Rule]) -> Result<KeyTable, String> {
        let mut map: HashMap<Box<[u8]>, Vec<usize>, KeyHasher> = HashMap::default();
        let mut spellings = std::collections::HashSet::<Box<[u8]>, _>::default();
        let mut buf = [0u8; MAX_KEY];
        for (index, rule) in rules.iter().enumerate() {
            for key in &rule.keys {
                let Some(norm) = normalize(key.as_bytes(), &mut buf) else {
                    // The key itself is not echoed: error output must not carry data.
                    return Err(format!(
                        "rule `{}`: a key is empty or longer than {MAX_KEY} bytes",
                        rule.id
                    ));
                };
                let rules = map.entry(norm.into()).or_default();
                if !rules.contains(&index) {
                    rules.push(index);
                }
                if rule.detected_by_key() {
                    let words = key_words(key);
                    for sep in ["", "_", "-", ".", " "] {
                        spellings.insert(words.join(sep).into_bytes().into());
                    }
                }
            }
        }
        Ok(KeyTable {
            map,
            longest_spelling: spellings.iter().map(|s| s.len()).max().unwrap_or(0),
            spellings,
            detected: rules.iter().map(Rule::detected_by_key).collect(),
        })
    }

    /// Where the JSON key that ends with the quote at `close` starts, when the key, or its
    /// part after one of its dots, is a spelling of a key that detects values: the position of
    /// its opening quote, or of the leftmost such dot (as a search for the quoted spellings,
    /// `"first_name"` and `.first_name"`, from left to right would find them).
    fn spelled_key(&self, hay: &[u8], close: usize) -> Option<usize> {
        let spelled = |text: &[u8]| {
            if text.len() > self.longest_spelling {
                return None;
            }
            if !text.iter().any(u8::is_ascii_uppercase) {
                return self.spellings.contains(text).then_some(());
            }
            let mut buf = [0u8; 256];
            let buf = buf.get_mut(..text.len())?;
            for (to, &b) in buf.iter_mut().zip(text) {
                *to = b.to_ascii_lowercase();
            }
            self.spellings.contains(&buf[..]).then_some(())
        };
        // A spelling holds no quote: the nearest one before the key's end opens it.
        let lo = close.saturating_sub(self.longest_spelling + 1);
        let open = memchr::memrchr(b'"', &hay[lo..close]).map(|q| lo + q);
        if let Some(open) = open {
            if spelled(&hay[open + 1..close]).is_some() {
                return Some(open);
            }
        }
        let from = open.map_or(lo, |q| q + 1);
        (from..close).find(|&dot| hay[dot] == b'.' && spelled(&hay[dot + 1..close]).is_some())
    }

    /// The rules that list `key`: the whole key, else its last segment, else its last two
    /// segments (segments split at `.` and `/`).
    pub fn rules_for(&self, key: &[u8]) -> &[usize] {
        if self.map.is_empty() {
            return &[];
        }
        let mut buf = [0u8; MAX_KEY];
        let lookup = |k: &[u8], buf: &mut [u8; MAX_KEY]| -> Option<&[usize]> {
            normalize(k, buf)
                .and_then(|n| self.map.get(n))
                .map(Vec::as_slice)
        };
        if let Some(r) = lookup(key, &mut buf) {
            return r;
        }
        let trimmed = key
            .iter()
            .rposition(|&b| !matches!(b, b'.' | b'/'))
            .map_or(&key[..0], |e| &key[..=e]);
        let Some(last) = trimmed.iter().rposition(|&b| matches!(b, b'.' | b'/')) else {
            return &[];
        };
        if let Some(r) = lookup(&trimmed[last + 1..], &mut buf) {
            return r;
        }
        let parent = trimmed[..last]
            .iter()
            .rposition(|&b| matches!(b, b'.' | b'/'))
            .map_or(0, |p| p + 1);
        lookup(&trimmed[parent..], &mut buf).unwrap_or(&[])
    }

    /// Whether `rule` lists `key`.
    pub fn lists(&self, rule: usize, key: &[u8]) -> bool {
        self.rules_for(key).contains(&rule)
    }

    /// The rule that reports values under `key` by itself: the last rule loaded that lists the
    /// key, when that rule is detected by key.
    pub fn detecting_rule(&self, key: &[u8]) -> Option<usize> {
        let &rule = self.rules_for(key).last()?;
        self.detected[rule].then_some(rule)
    }

    fn any(&self) -> bool {
        !self.map.is_empty()
    }
}

/// How the fields of a line are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// CSV/TSV: fields split at this delimiter (outside quotes); the first line names them.
    Delimited(u8),
    /// An Apache/nginx combined-format access log: the fields are fixed by the format.
    AccessLog,
}

/// The names of the fields of each line: a CSV/TSV header row, or the fixed fields of an
/// access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub layout: Layout,
    /// Field names, trimmed of quotes and spaces.
    pub names: Vec<Box<[u8]>>,
    /// (field, rule) for the fields whose values a rule detects by key, by field.
    pub detect: Vec<(usize, usize)>,
    /// For each field, the rules whose `keys` list its name (looked up once, not per value).
    pub listed: Vec<Vec<usize>>,
}

/// The fields of the combined log format, named as a rule's `keys` can list them.
pub const ACCESS_LOG_FIELDS: [&str; 9] = [
    "remote_host",
    "ident",
    "remote_user",
    "time",
    "request",
    "status",
    "bytes",
    "referer",
    "user_agent",
];

impl Header {
    /// Whether the input's first line is the header rather than data.
    pub fn header_row(&self) -> bool {
        matches!(self.layout, Layout::Delimited(_))
    }

    /// The field of `line` that byte `at` lies in: its index and its content's span.
    pub fn field_at(&self, line: &[u8], at: usize) -> Option<(usize, (usize, usize))> {
        self.field_at_cached(line, at, &LineFields::default())
    }

    /// [`Header::field_at`], remembering the fields of the line in `cache` for the next
    /// value on the same line (a CSV row or an access-log line holds many, and each is asked
    /// about twice: by the judge, then for the finding's context).
    pub fn field_at_cached(
        &self,
        line: &[u8],
        at: usize,
        cache: &LineFields,
    ) -> Option<(usize, (usize, usize))> {
        let fields = self.split(line, cache);
        match self.layout {
            Layout::Delimited(_) => {
                let i = fields
                    .partition_point(|&(raw_end, _)| raw_end < at)
                    .min(fields.len().checked_sub(1)?);
                Some((i, fields[i].1))
            }
            Layout::AccessLog => fields
                .iter()
                .position(|&(_, (s, e))| s <= at && at <= e)
                .map(|i| (i, fields[i].1)),
        }
    }

    /// The fields of `line` as (raw end: the delimiter or the line's end, content span), split
    /// once and kept in `cache` for the next calls about the same line.
    fn split<'c>(&self, line: &[u8], cache: &'c LineFields) -> std::cell::RefMut<'c, [Field]> {
        let mut last = cache.last.borrow_mut();
        let (key, fields) = &mut *last;
        let this = (line.as_ptr() as usize, line.len());
        if *key != Some(this) {
            *key = Some(this);
            fields.clear();
            match self.layout {
                Layout::Delimited(d) => delimited_fields(line, d, fields),
                Layout::AccessLog => {
                    if let Some(spans) = access_log_fields(line) {
                        fields.extend(spans.iter().map(|&(s, e)| (e, (s, e))));
                    }
                }
            }
        }
        std::cell::RefMut::map(last, |(_, fields)| &mut fields[..])
    }

    /// Whether `rule` lists the name of field `index` among its keys.
    pub fn lists(&self, index: usize, rule: usize) -> bool {
        self.listed
            .get(index)
            .is_some_and(|rules| rules.contains(&rule))
    }

    /// The name of field `index`.
    pub fn name(&self, index: usize) -> Option<&[u8]> {
        self.names.get(index).map(|n| &n[..])
    }
}

/// The content spans of the nine fields of a combined-format access log line (`host ident
/// user [time] "request" status bytes "referer" "user agent"`), or `None` for a line of
/// another shape. An unterminated user agent runs to the end of the line.
pub fn access_log_fields(line: &[u8]) -> Option<[(usize, usize); 9]> {
    let mut out = [(0usize, 0usize); 9];
    let mut i = 0;
    let token = |i: &mut usize| -> Option<(usize, usize)> {
        let s = *i;
        while *i < line.len() && line[*i] != b' ' {
            *i += 1;
        }
        (*i > s).then_some((s, *i))
    };
    let space = |i: &mut usize| -> Option<()> { (line.get(*i) == Some(&b' ')).then(|| *i += 1) };
    let quoted = |i: &mut usize, open: u8, close: u8, last: bool| -> Option<(usize, usize)> {
        if line.get(*i) != Some(&open) {
            return None;
        }
        let s = *i + 1;
        let mut j = s;
        // Requests and user agents are the long fields: jump from backslash to quote.
        loop {
            match memchr::memchr2(b'\\', close, line.get(j..).unwrap_or_default()) {
                Some(p) if line[j + p] == b'\\' => j += p + 2,
                Some(p) => {
                    j += p;
                    break;
                }
                None if last => {
                    *i = line.len();
                    return Some((s, line.len()));
                }
                None => return None,
            }
        }
        *i = j + 1;
        Some((s, j))
    };
    for (n, slot) in out.iter_mut().enumerate().take(3) {
        *slot = token(&mut i)?;
        if n < 2 {
            space(&mut i)?;
        }
    }
    space(&mut i)?;
    out[3] = quoted(&mut i, b'[', b']', false)?;
    space(&mut i)?;
    out[4] = quoted(&mut i, b'"', b'"', false)?;
    space(&mut i)?;
    out[5] = token(&mut i)?;
    if out[5].1 - out[5].0 != 3 || !line[out[5].0..out[5].1].iter().all(u8::is_ascii_digit) {
        return None;
    }
    space(&mut i)?;
    out[6] = token(&mut i)?;
    space(&mut i)?;
    out[7] = quoted(&mut i, b'"', b'"', false)?;
    space(&mut i)?;
    out[8] = quoted(&mut i, b'"', b'"', true)?;
    Some(out)
}

/// How an input is laid out, decided once from its first bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Shape {
    /// Not decided yet (no bytes seen).
    #[default]
    Unknown,
    Plain,
    /// JSON: NDJSON lines or a JSON document.
    Json,
    /// Lines of named fields: CSV/TSV with a header row, or a combined-format access log.
    Fields(Box<Header>),
}

/// The UTF-8 byte order mark, which sniffing looks past.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decide the shape of an input from its first bytes (`eof`: they are all of it).
pub fn sniff(table: &KeyTable, first: &[u8], eof: bool, path: &str) -> Shape {
    let body = first.strip_prefix(BOM).unwrap_or(first);
    let mut rest = body.iter().copied().skip_while(u8::is_ascii_whitespace);
    match rest.next() {
        Some(b'{') => return Shape::Json,
        Some(b'[') => {
            if matches!(
                rest.find(|b| !b.is_ascii_whitespace()),
                Some(b'{' | b'[' | b'"' | b']')
            ) {
                return Shape::Json;
            }
            return Shape::Plain;
        }
        _ => {}
    }
    if !table.any() {
        return Shape::Plain;
    }
    let window = &body[..body.len().min(MAX_HEADER)];
    let line = match memchr::memchr(b'\n', window) {
        Some(n) => &window[..n],
        None if eof && body.len() <= MAX_HEADER => window,
        None => return Shape::Plain,
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if access_log_fields(line).is_some() {
        let names: Vec<Box<[u8]>> = ACCESS_LOG_FIELDS
            .iter()
            .map(|n| n.as_bytes().into())
            .collect();
        let detect = detect_columns(table, &names);
        let listed = listed_columns(table, &names);
        return Shape::Fields(Box::new(Header {
            layout: Layout::AccessLog,
            names,
            detect,
            listed,
        }));
    }
    match header(table, line, path) {
        Some(h) => Shape::Fields(Box::new(h)),
        None => Shape::Plain,
    }
}

fn listed_columns(table: &KeyTable, names: &[Box<[u8]>]) -> Vec<Vec<usize>> {
    names.iter().map(|n| table.rules_for(n).to_vec()).collect()
}

fn detect_columns(table: &KeyTable, names: &[Box<[u8]>]) -> Vec<(usize, usize)> {
    names
        .iter()
        .enumerate()
        .filter_map(|(col, n)| table.detecting_rule(n).map(|rule| (col, rule)))
        .collect()
}

fn header(table: &KeyTable, line: &[u8], path: &str) -> Option<Header> {
    let count = |d: u8| memchr::memchr_iter(d, line).count();
    let tsv = path.ends_with(".tsv") || path.ends_with(".tab");
    let delimiter = if tsv && count(b'\t') > 0 {
        b'\t'
    } else {
        *[b',', b'\t', b';', b'|']
            .iter()
            .max_by_key(|&&d| (count(d), d == b','))
            .filter(|&&d| count(d) > 0)?
    };
    let mut names = Vec::new();
    for (s, e) in fields(line, delimiter) {
        let name = &line[s..e];
        let ok = !name.is_empty()
            && name.len() <= MAX_KEY
            && (name[0].is_ascii_alphabetic() || name[0] == b'_' || name[0] >= 0x80)
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b >= 0x80 || b"_ .-/()#".contains(&b));
        if !ok {
            return None;
        }
        names.push(Box::<[u8]>::from(name));
    }
    if names.len() < 2 || !names.iter().any(|n| !table.rules_for(n).is_empty()) {
        return None;
    }
    let detect = detect_columns(table, &names);
    let listed = listed_columns(table, &names);
    Some(Header {
        layout: Layout::Delimited(delimiter),
        names,
        detect,
        listed,
    })
}

/// The fields of a CSV/TSV line as byte ranges of their content: surrounding spaces and
/// quotes are trimmed, delimiters inside quotes do not split.
pub fn fields(line: &[u8], delimiter: u8) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0usize;
    let mut done = line.is_empty();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = at;
        let mut quoted = false;
        let mut i = start;
        // Fields are short: a plain loop beats a vectorised search per field.
        let end = loop {
            match line.get(i) {
                None => break line.len(),
                Some(b'"') => quoted = !quoted,
                Some(&b) if b == delimiter && !quoted => break i,
                Some(_) => {}
            }
            i += 1;
        };
        if end >= line.len() {
            done = true;
        }
        at = end + 1;
        Some(trim_field(line, start, end))
    })
}

fn trim_field(line: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && matches!(line[s], b' ' | b'\t' | b'\r') {
        s += 1;
    }
    while e > s && matches!(line[e - 1], b' ' | b'\t' | b'\r') {
        e -= 1;
    }
    if e - s >= 2 && line[s] == b'"' && line[e - 1] == b'"' {
        s += 1;
        e -= 1;
    }
    (s, e)
}

/// A field of a line: where it ends raw (at its delimiter or the line's end), and its content's
/// span.
type Field = (usize, (usize, usize));

/// The fields of the line a [`Header::field_at_cached`] call last split, for the calls that
/// follow on the same line. It holds the line's address, so it must not outlive the buffer
/// it was used with: one per chunk.
#[derive(Debug)]
pub struct LineFields {
    /// The line's address and length, and its fields.
    #[allow(clippy::type_complexity)]
    last: std::cell::RefCell<(Option<(usize, usize)>, Vec<Field>)>,
    /// The bounds of the line [`LineFields::line_around`] last found for a span without a line
    /// break (so one whole line of the chunk: [`LineFields::known_line`] relies on it).
    line: std::cell::Cell<(usize, usize)>,
    /// What each column's name says to each rule ([`LineFields::column_words`]), by column
    /// and rule; `None` until asked.
    column_words: std::cell::RefCell<Vec<Option<NameWords>>>,
}

impl Default for LineFields {
    fn default() -> Self {
        LineFields {
            last: Default::default(),
            line: std::cell::Cell::new((usize::MAX, 0)),
            column_words: Default::default(),
        }
    }
}

/// What a column's name says about a value in it, for one rule: [`LineFields::column_words`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NameWords {
    pub keyword: bool,
    pub context: bool,
    pub negative: bool,
}

impl LineFields {
    /// What the name of column `column` says to rule `rule` (of `rules`), worked out by `read`
    /// the first time and kept for the chunk: every row of an export asks again about the
    /// same few names, and reading them each time cost 1.7% of a dense export's instructions.
    pub fn column_words(
        &self,
        column: usize,
        rule: usize,
        rules: usize,
        read: impl FnOnce() -> NameWords,
    ) -> NameWords {
        let at = column * rules + rule;
        let known = self.column_words.borrow().get(at).copied().flatten();
        if let Some(words) = known {
            return words;
        }
        let words = read();
        let mut table = self.column_words.borrow_mut();
        if table.len() <= at {
            // Whole rows of rules: a header's columns bound the table.
            table.resize((column + 1) * rules, None);
        }
        table[at] = Some(words);
        words
    }

    /// The line [`LineFields::line_around`] last kept, if it holds `start..end`: one whole line,
    /// so that the judge may cut a candidate's context window from it.
    pub fn known_line(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let (s, e) = self.line.get();
        (s <= start && end <= e).then_some((s, e))
    }

    /// The line holding `hay[start..end]`: from after the newline before `start` (or 0) to
    /// the newline after `end` (or the end of `hay`). Values come in order and a line holds
    /// many, so the last line found is kept for the next.
    pub fn line_around(&self, hay: &[u8], start: usize, end: usize) -> (usize, usize) {
        if let Some(line) = self.known_line(start, end) {
            return line;
        }
        let s = memchr::memrchr(b'\n', &hay[..start]).map_or(0, |p| p + 1);
        let e = memchr::memchr(b'\n', &hay[end..]).map_or(hay.len(), |p| end + p);
        // A value that runs over a line break (a pair of coordinates split over two lines)
        // has both lines for its own; the next value on the second line has only that one.
        if memchr::memchr(b'\n', &hay[start..end]).is_none() {
            self.line.set((s, e));
        }
        (s, e)
    }
}

/// Every field of a delimited `line` as (raw end: the delimiter or the line's end, content
/// span), as [`column_at`] and [`fields`] find them (an empty line has one empty field here,
/// none there), in one pass that jumps from delimiter to quote.
fn delimited_fields(line: &[u8], delimiter: u8, out: &mut Vec<Field>) {
    let mut quoted = false;
    let mut start = 0;
    for p in memchr::memchr2_iter(delimiter, b'"', line) {
        if line[p] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            out.push((p, trim_field(line, start, p)));
            start = p + 1;
        }
    }
    out.push((
        line.len(),
        trim_field(line, start.min(line.len()), line.len()),
    ));
}

/// The index of the CSV/TSV column that byte `at` of `line` lies in.
pub fn column_at(line: &[u8], at: usize, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut column = 0;
    for &b in &line[..at.min(line.len())] {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            column += 1;
        }
    }
    column
}

/// The JSON pointer (RFC 6901) of the value that byte `at` of `line` lies in, when `line` is a
/// JSON object or array (one NDJSON record). A value inside a string (an address in a log
/// message) gets the pointer of that string.
pub fn json_pointer(line: &[u8], at: usize) -> Option<String> {
    PointerReader::default().pointer(0, line, at)
}

/// An object or array the reading is in.
#[derive(Debug)]
enum Frame {
    /// With the span of the key read last.
    Object {
        key: Option<(usize, usize)>,
    },
    Array {
        index: usize,
    },
}

/// Reads the JSON pointers ([`json_pointer`]) of values on a line from left to right. A record
/// holds many findings, reported in offset order: each goes on from where the one before
/// stopped, instead of reading the line again from its start.
#[derive(Debug, Default)]
pub struct PointerReader {
    /// Which line is being read (its start in the chunk), and the last offset asked about.
    line: Option<usize>,
    last_at: usize,
    /// Where the next token starts; `None` once nothing further on the line is a value.
    next: Option<usize>,
    stack: Vec<Frame>,
    expect_key: bool,
    /// The value that held the last offset asked about (its first and last byte): later
    /// offsets in it (a log message holding many findings) have its pointer, read once.
    current: Option<(usize, usize)>,
}

/// Nesting deeper than this gives no pointers for the rest of its line: a pointer per finding
/// of a line nested a million deep would be megabytes each.
const MAX_POINTER_DEPTH: usize = 128;

/// Pointers longer than this (long keys, many of them) are not given, for the same reason.
const MAX_POINTER_LEN: usize = 2048;

impl PointerReader {
    /// The pointer of the value that byte `at` of `line` lies in, as [`json_pointer`] gives it.
    /// `line_id` tells lines apart; on one line, an `at` before the last one starts the
    /// reading over.
    pub fn pointer(&mut self, line_id: usize, line: &[u8], at: usize) -> Option<String> {
        if self.line != Some(line_id) || at < self.last_at {
            self.line = Some(line_id);
            self.stack.clear();
            self.expect_key = false;
            self.current = None;
            self.next = line
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .filter(|&i| matches!(line[i], b'{' | b'['));
        }
        self.last_at = at;
        if self
            .current
            .is_some_and(|(first, last)| first <= at && at <= last)
        {
            return self.path(line);
        }
        self.current = None;
        let mut i = self.next?;
        // Stops at the token that holds `at`, unread: a later `at` may lie in it too.
        let (found, next) = loop {
            if i >= line.len() || i > at {
                // `at` is in a key or between tokens, not in a value.
                break (false, Some(i));
            }
            match line[i] {
                b'{' | b'[' if self.stack.len() >= MAX_POINTER_DEPTH => break (false, None),
                b'{' => {
                    self.stack.push(Frame::Object { key: None });
                    self.expect_key = true;
                    i += 1;
                }
                b'[' => {
                    self.stack.push(Frame::Array { index: 0 });
                    self.expect_key = false;
                    i += 1;
                }
                b'}' | b']' => {
                    self.stack.pop();
                    if self.stack.is_empty() {
                        break (false, None);
                    }
                    i += 1;
                }
                b',' => {
                    match self.stack.last_mut() {
                        Some(Frame::Array { index }) => *index += 1,
                        Some(Frame::Object { .. }) => self.expect_key = true,
                        None => break (false, None),
                    }
                    i += 1;
                }
                b':' => {
                    self.expect_key = false;
                    i += 1;
                }
                b'"' => {
                    let Some(end) = string_end(line, i + 1) else {
                        break (false, None);
                    };
                    if self.expect_key {
                        if let Some(Frame::Object { key }) = self.stack.last_mut() {
                            *key = Some((i + 1, end));
                        }
                        self.expect_key = false;
                    } else if at <= end {
                        self.current = Some((i, end));
                        break (true, Some(i));
                    }
                    i = end + 1;
                }
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                _ => {
                    let end = line[i..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r'))
                        .map_or(line.len(), |p| i + p);
                    if at < end {
                        self.current = Some((i, end - 1));
                        break (true, Some(i));
                    }
                    i = end.max(i + 1);
                }
            }
        };
        self.next = next;
        if found {
            self.path(line)
        } else {
            None
        }
    }

    /// The pointer of the objects and arrays the reading is in, unless it is longer than
    /// [`MAX_POINTER_LEN`].
    fn path(&self, line: &[u8]) -> Option<String> {
        let len: usize = self
            .stack
            .iter()
            .map(|frame| match frame {
                Frame::Object { key: Some((s, e)) } => 1 + e - s,
                Frame::Object { key: None } => 1,
                Frame::Array { index } => 2 + index.checked_ilog10().unwrap_or(0) as usize,
            })
            .sum();
        if len > MAX_POINTER_LEN {
            return None;
        }
        let mut p = String::new();
        for frame in &self.stack {
            p.push('/');
            match frame {
                Frame::Object { key: Some((s, e)) } => {
                    for c in String::from_utf8_lossy(&line[*s..*e]).chars() {
                        match c {
                            '~' => p.push_str("~0"),
                            '/' => p.push_str("~1"),
                            c => p.push(c),
                        }
                    }
                }
                Frame::Object { key: None } => {}
                Frame::Array { index } => p.push_str(&index.to_string()),
            }
        }
        Some(p)
    }
}

/// The index of the quote that closes a JSON string whose content starts at `from`.
fn string_end(line: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let p = memchr::memchr2(b'"', b'\\', &line[i..])?;
        if line[i + p] == b'\\' {
            i += p + 2;
            if i > line.len() {
                return None;
            }
        } else {
            return Some(i + p);
        }
    }
}

/// Values in `hay[..limit]` (whole lines) under the keys or columns of rules detected by key,
/// as (rule, start, end), in offset order. `skip_first_line`: `hay` starts with the header row.
pub fn key_values(
    table: &KeyTable,
    shape: &Shape,
    hay: &[u8],
    limit: usize,
    skip_first_line: bool,
    out: &mut Vec<(usize, usize, usize)>,
) {
    let mut values = KeyedValues::new(table, shape, hay, limit, skip_first_line, 0, &[]);
    let rows = LineFields::default();
    while let Some(value) = values.peek(usize::MAX, &rows) {
        out.push(value);
        values.pop();
    }
}

/// The values of one chunk under the keys or columns of rules detected by key, as (rule, start,
/// end), in offset order ([`key_values`]), for the search to merge with its matches. A JSON
/// chunk's are found at once. A CSV/TSV or access log's are read row by row as the search
/// reaches the rows ([`KeyedValues::peek`]), each row split through the chunk's
/// [`LineFields`], where the judge then finds the same row's fields for its values: a row is
/// split once, not once here and again there (the second split was 4% of a dense export's
/// instructions).
pub struct KeyedValues<'h> {
    hay: &'h [u8],
    /// The header of the rows to read (none in JSON).
    rows: Option<&'h Header>,
    /// Where the first row not yet read starts; the rows end at `limit`.
    next_row: usize,
    limit: usize,
    /// The last field a rule detects values in.
    last_field: usize,
    /// Values read, of which the first `taken` have been taken.
    ready: Vec<(usize, usize, usize)>,
    taken: usize,
    /// Values ending before `kept`, or overlapping one of the spans `accepted`, are left out.
    kept: usize,
    accepted: &'h [(usize, usize)],
}

impl<'h> KeyedValues<'h> {
    /// The values of `hay[..limit]` in `shape` (`skip_first_line`: `hay` starts with the
    /// header row), less those ending before `kept` or overlapping a span of `accepted`.
    pub fn new(
        table: &KeyTable,
        shape: &'h Shape,
        hay: &'h [u8],
        limit: usize,
        skip_first_line: bool,
        kept: usize,
        accepted: &'h [(usize, usize)],
    ) -> KeyedValues<'h> {
        let mut values = KeyedValues {
            hay,
            rows: None,
            next_row: 0,
            limit,
            last_field: 0,
            ready: Vec::new(),
            taken: 0,
            kept,
            accepted,
        };
        match shape {
            Shape::Json => {
                let mut found = Vec::new();
                json_key_values(table, hay, limit, &mut found);
                found.retain(|&v| values.wanted(v));
                values.ready = found;
            }
            Shape::Fields(header) if !header.detect.is_empty() => {
                values.last_field = header.detect.last().map_or(0, |&(c, _)| c);
                if skip_first_line && header.header_row() {
                    values.next_row = memchr::memchr(b'\n', &hay[..limit]).map_or(limit, |p| p + 1);
                }
                values.rows = Some(header);
            }
            _ => {}
        }
        values
    }

    fn wanted(&self, (_, s, e): (usize, usize, usize)) -> bool {
        e >= self.kept && !self.accepted.iter().any(|&(a, b)| s < b && a < e)
    }

    /// The next value, reading the rows that start before `bound` while none is ready: a
    /// value starting before `bound` is in one of them, and a row the search has not reached
    /// yet is left unsplit, so that `rows` still holds the fields of the row the judge asks
    /// about.
    #[inline]
    pub fn peek(&mut self, bound: usize, rows: &LineFields) -> Option<(usize, usize, usize)> {
        if let (true, Some(header)) = (self.taken == self.ready.len(), self.rows) {
            self.read_rows(header, bound, rows);
        }
        self.ready.get(self.taken).copied()
    }

    /// Take the value [`KeyedValues::peek`] returned.
    #[inline]
    pub fn pop(&mut self) {
        self.taken += 1;
    }

    /// Read rows starting before `bound` until one holds a value.
    fn read_rows(&mut self, header: &Header, bound: usize, rows: &LineFields) {
        self.ready.clear();
        self.taken = 0;
        while self.ready.is_empty() && self.next_row < self.limit.min(bound) {
            self.read_row(header, rows);
        }
    }

    /// Read the values of the row at `next_row`.
    fn read_row(&mut self, header: &Header, rows: &LineFields) {
        let (hay, start) = (self.hay, self.next_row);
        let end = memchr::memchr(b'\n', &hay[start..self.limit]).map_or(self.limit, |p| start + p);
        self.next_row = end + 1;
        let line = &hay[start..end];
        // The judge asks about the line with its `\r`, and a CSV field's content is trimmed of
        // it anyway: split as it is, a CRLF row is split once too. An access log's last field
        // runs to the line's end, so there the `\r` is left out (and the judge splits again).
        let line = match header.layout {
            Layout::Delimited(_) => line,
            Layout::AccessLog => line.strip_suffix(b"\r").unwrap_or(line),
        };
        let fields = header.split(line, rows);
        for (field, &(_, (s, e))) in fields.iter().enumerate().take(self.last_field + 1) {
            if let Ok(i) = header.detect.binary_search_by_key(&field, |&(c, _)| c) {
                let value = (header.detect[i].1, start + s, start + e);
                if plausible(&line[s..e]) && self.wanted(value) {
                    self.ready.push(value);
                }
            }
        }
    }
}

/// The values of the JSON keys that rules detect by key. Each key is found from the colon
/// after it (one vectorised search for `:` over the chunk), then looked up among the
/// spellings of the listed keys: JSON lines hold a key every few dozen bytes, and an
/// automaton over the spellings, stepped byte by byte, was a sixth of the time on JSON logs.
fn json_key_values(
    table: &KeyTable,
    hay: &[u8],
    limit: usize,
    out: &mut Vec<(usize, usize, usize)>,
) {
    if table.spellings.is_empty() {
        return;
    }
    // A key ends before `limit`; its colon may follow it after spaces.
    let mut colons_end = limit;
    while colons_end < hay.len() && matches!(hay[colons_end], b' ' | b'\t') {
        colons_end += 1;
    }
    let colons_end = (colons_end + 1).min(hay.len());
    let mut resume = 0;
    // The first line end at or after the last value looked at (values come in offset order).
    let mut line_end = 0;
    for colon in memchr::memchr_iter(b':', &hay[..colons_end]) {
        let mut e = colon;
        while e > 0 && matches!(hay[e - 1], b' ' | b'\t') {
            e -= 1;
        }
        // `e` is the key's closing quote.
        let Some(e) = e.checked_sub(1).filter(|&e| hay[e] == b'"' && e < limit) else {
            continue;
        };
        let Some(hit) = table.spelled_key(hay, e) else {
            continue;
        };
        // The hit is `"key"` (the whole key) or `.key"` (the last segment of a dotted key).
        let s = hit + 1;
        if s < resume {
            continue;
        }
        let key_start = match hay[hit] {
            b'"' => s,
            _ => {
                let from = s.saturating_sub(MAX_KEY);
                match memchr::memrchr(b'"', &hay[from..s]) {
                    Some(q)
                        if hay[from + q + 1..s]
                            .iter()
                            .all(|&b| b.is_ascii_alphanumeric() || is_separator(b)) =>
                    {
                        from + q + 1
                    }
                    _ => continue,
                }
            }
        };
        if key_start >= 2 && hay[key_start - 2] == b'\\' {
            continue;
        }
        let Some(rule) = table.detecting_rule(&hay[key_start..e]) else {
            continue;
        };
        let mut i = colon + 1;
        while i < hay.len() && matches!(hay[i], b' ' | b'\t') {
            i += 1;
        }
        if i >= hay.len() {
            continue;
        }
        let (vs, ve) = if hay[i] == b'"' {
            // The line's end, looked for once per line, not once per value: a record of many
            // values on one long line would otherwise be read to its end for each of them.
            if line_end < i {
                line_end = memchr::memchr(b'\n', &hay[i..]).map_or(hay.len(), |p| i + p);
            }
            match string_end(&hay[..line_end], i + 1) {
                Some(end) => trim_spaces(hay, i + 1, end),
                None => continue,
            }
        } else if hay[i] == b'-' || hay[i].is_ascii_digit() {
            let end = hay[i..]
                .iter()
                .position(|b| !(b.is_ascii_digit() || b"+-.eE".contains(b)))
                .map_or(hay.len(), |p| i + p);
            (i, end)
        } else {
            continue;
        };
        resume = ve;
        if plausible(&hay[vs..ve]) {
            out.push((rule, vs, ve));
        }
    }
}

fn trim_spaces(hay: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && hay[s] == b' ' {
        s += 1;
    }
    while e > s && hay[e - 1] == b' ' {
        e -= 1;
    }
    (s, e)
}

/// Field values that stand for no value.
const PLACEHOLDERS: &[&[u8]] = &[
    b"null",
    b"none",
    b"nil",
    b"n/a",
    b"na",
    b"-",
    b"--",
    b"?",
    b"unknown",
    b"undefined",
    b"redacted",
    b"[redacted]",
    b"<redacted>",
    b"true",
    b"false",
    b"tbd",
    b"todo",
];

/// The longest of [`PLACEHOLDERS`], and the bytes they start with (in either case): most
/// values are ruled out as placeholders by these two, before any comparison (a dense export
/// asks about every field).
const LONGEST_PLACEHOLDER: usize = {
    let (mut longest, mut i) = (0, 0);
    while i < PLACEHOLDERS.len() {
        if PLACEHOLDERS[i].len() > longest {
            longest = PLACEHOLDERS[i].len();
        }
        i += 1;
    }
    longest
};
const PLACEHOLDER_FIRST_BYTES: [bool; 256] = {
    let mut first = [false; 256];
    let mut i = 0;
    while i < PLACEHOLDERS.len() {
        let b = PLACEHOLDERS[i][0];
        first[b.to_ascii_lowercase() as usize] = true;
        first[b.to_ascii_uppercase() as usize] = true;
        i += 1;
    }
    first
};

/// Whether a field value can be personal data at all: not empty, not a placeholder.
pub fn plausible(value: &[u8]) -> bool {
    if value.is_empty() || value.len() > MAX_FIELD {
        return false;
    }
    if value.len() <= LONGEST_PLACEHOLDER
        && PLACEHOLDER_FIRST_BYTES[usize::from(value[0])]
        && PLACEHOLDERS.iter().any(|p| value.eq_ignore_ascii_case(p))
    {
        return false;
    }
    if value.starts_with(b"${") || value.starts_with(b"{{") || value.starts_with(b"%(") {
        return false;
    }
    let masked = value
        .iter()
        .all(|&b| matches!(b, b'*' | b'x' | b'X' | b'#' | b'.' | b' ' | b'-'));
    !masked
        && value
            .iter()
            .any(|&b| b.is_ascii_alphanumeric() || b >= 0x80)
}

/// The value a validator should judge: URL escapes (`%40`), JSON escapes (`\u0040`, `\/`) and
/// a `+` between digits (a URL-encoded space) decoded into `buf`. Returns `raw` itself when it
/// holds none of them, or when it is too long to decode.
pub fn unescape<'a>(raw: &'a [u8], buf: &'a mut [u8; MAX_VALUE]) -> &'a [u8] {
    // Most values hold none. A short one is looked at byte by byte (a table of the three
    // bytes), a longer one with a vectorised search, whose set-up costs more than the loop on
    // a few dozen bytes (a dense export's names and numbers) but pays on a user agent.
    let escape = |i: usize| raw[i] != b'+' || digit_plus(raw, i);
    let needs = if raw.len() < 32 {
        (0..raw.len()).any(|i| ESCAPES[usize::from(raw[i])] && escape(i))
    } else {
        memchr::memchr3_iter(b'%', b'\\', b'+', raw).any(escape)
    };
    if !needs || raw.len() > MAX_VALUE {
        return raw;
    }
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut n = 0;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        let mut out = [b, 0, 0];
        let mut len = 1;
        let mut used = 1;
        if b == b'%' && i + 2 < raw.len() {
            if let (Some(h), Some(l)) = (hex(raw[i + 1]), hex(raw[i + 2])) {
                out[0] = h << 4 | l;
                used = 3;
            }
        } else if b == b'\\' && i + 1 < raw.len() {
            match raw[i + 1] {
                b'u' if i + 5 < raw.len() => {
                    let digits = raw[i + 2..i + 6]
                        .iter()
                        .try_fold(0u32, |acc, &d| hex(d).map(|d| acc << 4 | u32::from(d)));
                    if let Some(c) = digits.and_then(char::from_u32) {
                        let mut tmp = [0u8; 4];
                        let s = c.encode_utf8(&mut tmp);
                        len = s.len().min(3);
                        out[..len].copy_from_slice(&s.as_bytes()[..len]);
                        used = 6;
                    }
                }
                c @ (b'"' | b'\\' | b'/') => {
                    out[0] = c;
                    used = 2;
                }
                _ => {}
            }
        } else if b == b'+' && digit_plus(raw, i) {
            out[0] = b' ';
        }
        buf[n..n + len].copy_from_slice(&out[..len]);
        n += len;
        i += used;
    }
    &buf[..n]
}

/// The bytes that may start an escape [`unescape`] decodes.
const ESCAPES: [bool; 256] = {
    let mut table = [false; 256];
    table[b'%' as usize] = true;
    table[b'\\' as usize] = true;
    table[b'+' as usize] = true;
    table
};

fn digit_plus(raw: &[u8], i: usize) -> bool {
    i > 0 && i + 1 < raw.len() && raw[i - 1].is_ascii_digit() && raw[i + 1].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> KeyTable {
        let rules = crate::rules::load_rules(&[] as &[&std::path::Path]).unwrap();
        KeyTable::new(&rules).unwrap()
    }

    #[test]
    fn keys_are_compared_without_case_and_separators() {
        let mut buf = [0u8; MAX_KEY];
        assert_eq!(normalize(b"First_Name", &mut buf).unwrap(), b"firstname");
        assert_eq!(normalize(b"e-mail", &mut buf).unwrap(), b"email");
        assert!(normalize(b"__", &mut buf).is_none());
        assert_eq!(key_words("emailAddress"), ["email", "address"]);
        assert_eq!(key_words("postal_code"), ["postal", "code"]);
        assert_eq!(key_words("IMEI"), ["imei"]);
    }

    #[test]
    fn dotted_and_nested_keys_match_by_their_last_segments() {
        let t = table();
        let name = |k: &str| t.detecting_rule(k.as_bytes());
        assert!(name("first_name").is_some());
        assert!(name("firstName").is_some());
        assert!(name("user.first_name").is_some());
        assert!(name("/customer/first_name").is_some());
        assert!(name("service_name").is_none());
        assert!(name("name").is_none());
        assert!(!t.rules_for(b"user.email").is_empty());
    }

    #[test]
    fn shapes() {
        let t = table();
        assert_eq!(sniff(&t, b"{\"a\":1}\n", true, "x"), Shape::Json);
        assert_eq!(sniff(&t, b"  [{\"a\":1}]", true, "x"), Shape::Json);
        assert_eq!(sniff(&t, b"[section]\nk=v\n", true, "x.ini"), Shape::Plain);
        assert_eq!(sniff(&t, b"hello world\n", true, "x"), Shape::Plain);
        assert_eq!(sniff(&t, b"a,b,c\n1,2,3\n", true, "x"), Shape::Plain);
        match sniff(&t, b"id,first_name,email\n1,Ana,a@b.co\n", true, "x.csv") {
            Shape::Fields(h) => {
                assert_eq!(h.layout, Layout::Delimited(b','));
                assert_eq!(h.names.len(), 3);
                assert_eq!(h.detect.len(), 1);
                assert_eq!(h.detect[0].0, 1);
            }
            other => panic!("{other:?}"),
        }
        match sniff(&t, b"id\tcity\tcountry\n", true, "x.tsv") {
            Shape::Fields(h) => assert_eq!(h.layout, Layout::Delimited(b'\t')),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn access_log_lines() {
        let line = br#"83.149.9.216 - frank [17/May/2015:10:05:03 +0000] "GET /a?b=\"c\" HTTP/1.1" 200 7 "-" "Mozilla/5.0 (X11)""#;
        let f = access_log_fields(line).unwrap();
        let text: Vec<&[u8]> = f.iter().map(|&(s, e)| &line[s..e]).collect();
        assert_eq!(text[0], b"83.149.9.216");
        assert_eq!(text[2], b"frank");
        assert_eq!(text[5], b"200");
        assert_eq!(text[8], b"Mozilla/5.0 (X11)");
        let cut = br#"1.2.3.4 - - [x] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0 (compat"#;
        assert_eq!(
            &cut[access_log_fields(cut).unwrap()[8].0..],
            b"Mozilla/5.0 (compat"
        );
        assert!(access_log_fields(b"1.2.3.4 - - [x] \"GET /\" 200 5").is_none());
        assert!(access_log_fields(b"hello world").is_none());
        let t = table();
        match sniff(&t, line, true, "access.log") {
            Shape::Fields(h) => {
                assert_eq!(h.layout, Layout::AccessLog);
                let at = line.windows(5).position(|w| w == b"Mozil").unwrap();
                let (i, _) = h.field_at(line, at).unwrap();
                assert_eq!(h.name(i), Some(&b"user_agent"[..]));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn access_log_values_come_from_whole_lines_only() {
        let t = table();
        let hay = concat!(
            "1.2.3.4 - frank [x] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.0\"\n",
            "1.2.3.4 - - [x] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.0\"\n",
            // The remote user's place, but not an access-log line: nothing to report.
            "1.2.3.4 - alice and more words\n",
            "1.2.3.4 - bob [x] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.0\"",
        )
        .as_bytes();
        let Shape::Fields(header) = sniff(&t, hay, true, "access.log") else {
            panic!("not sniffed as an access log");
        };
        assert_eq!(header.layout, Layout::AccessLog);
        let mut out = Vec::new();
        key_values(&t, &Shape::Fields(header), hay, hay.len(), true, &mut out);
        let got: Vec<&[u8]> = out.iter().map(|&(_, s, e)| &hay[s..e]).collect();
        assert_eq!(
            got,
            [&b"frank"[..], b"curl/8.0", b"curl/8.0", b"bob", b"curl/8.0"]
        );
    }

    #[test]
    fn a_column_s_words_are_read_once_per_column_and_rule() {
        let fields = LineFields::default();
        let said = NameWords {
            keyword: true,
            context: true,
            negative: false,
        };
        let mut reads = Vec::new();
        for _ in 0..3 {
            for (column, rule) in [(0, 2), (3, 0), (0, 1)] {
                let words = fields.column_words(column, rule, 3, || {
                    reads.push((column, rule));
                    if rule == 2 {
                        said
                    } else {
                        NameWords::default()
                    }
                });
                let expected = if rule == 2 {
                    said
                } else {
                    NameWords::default()
                };
                assert_eq!(words, expected);
            }
        }
        // A name that says nothing is remembered as such too.
        assert_eq!(reads, [(0, 2), (3, 0), (0, 1)]);
    }

    #[test]
    fn csv_fields_and_columns() {
        let line = br#"1, "Souza, Ana" ,x,"""#;
        let f: Vec<_> = fields(line, b',').map(|(s, e)| &line[s..e]).collect();
        assert_eq!(f, [&b"1"[..], b"Souza, Ana", b"x", b""]);
        assert_eq!(column_at(line, 6, b','), 1);
        assert_eq!(column_at(line, 17, b','), 2);
        assert_eq!(fields(b"", b',').count(), 0);
    }

    #[test]
    fn field_at_agrees_with_column_at_and_fields() {
        for line in [
            &br#"1, "Souza, Ana" ,x,"""#[..],
            b"a,,b,",
            b"ab\"c,d,e",
            b"\"x\"\"y\",z",
            b"",
            b",",
        ] {
            let cache = LineFields::default();
            for at in 0..=line.len() {
                let column = column_at(line, at, b',');
                let Some(span) = fields(line, b',').nth(column) else {
                    continue;
                };
                let header = Header {
                    layout: Layout::Delimited(b','),
                    names: Vec::new(),
                    detect: Vec::new(),
                    listed: Vec::new(),
                };
                assert_eq!(
                    header.field_at_cached(line, at, &cache),
                    Some((column, span))
                );
                assert_eq!(
                    header.field_at(line, at),
                    Some((column, span)),
                    "{:?} at {at}",
                    String::from_utf8_lossy(line)
                );
            }
        }
    }

    #[test]
    fn pointers() {
        let line = br#"{"ts":"2024","user":{"email":"a@b.co","tags":["x","c@d.io"]},"n":5}"#;
        let at = |needle: &str| {
            let p = line
                .windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .unwrap();
            json_pointer(line, p)
        };
        assert_eq!(at("a@b").as_deref(), Some("/user/email"));
        assert_eq!(at("c@d").as_deref(), Some("/user/tags/1"));
        assert_eq!(at("2024").as_deref(), Some("/ts"));
        assert_eq!(at("5}").as_deref(), Some("/n"));
        assert_eq!(json_pointer(b"not json a@b.co", 9), None);
        let esc = br#"{"a/b":"x\"y","m~":"v@w.io"}"#;
        assert_eq!(json_pointer(esc, 20).as_deref(), Some("/m~0"));
        assert_eq!(json_pointer(esc, 8).as_deref(), Some("/a~1b"));
    }

    #[test]
    fn pointers_too_deep_or_too_long_are_not_given() {
        let nested = |depth: usize| {
            let mut line = "[".repeat(depth);
            line.push_str("\"a@b.co\"");
            line.push_str(&"]".repeat(depth));
            line.into_bytes()
        };
        let deepest = nested(MAX_POINTER_DEPTH);
        let pointer = json_pointer(&deepest, MAX_POINTER_DEPTH + 1).unwrap();
        assert_eq!(pointer, "/0".repeat(MAX_POINTER_DEPTH));
        assert_eq!(
            json_pointer(&nested(MAX_POINTER_DEPTH + 1), MAX_POINTER_DEPTH + 2),
            None
        );
        // A million levels: no pointer, and the reading stops at the limit.
        assert_eq!(json_pointer(&nested(1_000_000), 1_000_001), None);
        let key = "k".repeat(MAX_POINTER_LEN);
        let long = format!(r#"{{"{key}":"a@b.co","n":"c@d.io"}}"#);
        assert_eq!(json_pointer(long.as_bytes(), key.len() + 6), None);
        assert_eq!(
            json_pointer(long.as_bytes(), long.find("c@d").unwrap()).as_deref(),
            Some("/n")
        );
    }

    #[test]
    fn every_value_in_one_string_has_the_string_s_pointer() {
        let line = format!(r#"{{"msg":"{}","n":1}}"#, "a@b.co \\n ".repeat(1000));
        let line = line.as_bytes();
        let mut reader = PointerReader::default();
        for at in memchr::memmem::find_iter(line, b"a@b.co") {
            assert_eq!(reader.pointer(0, line, at).as_deref(), Some("/msg"));
        }
        let n = line.len() - 2;
        assert_eq!(reader.pointer(0, line, n).as_deref(), Some("/n"));
    }

    /// Pieces of JSON lines: mostly members of an object, some of them malformed.
    fn json_piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "\"k\":\"v@w.io\",",
            "\"a/b\":[1,\"x\",{\"m~\":\"v\"}],",
            "\"n\": -1.5e3 ,",
            "\"s\":\"x\\\"y z\",",
            "\"o\":{\"p\":[[true],null]},",
            "{",
            "}",
            "]",
            ",",
            ":",
            " ",
            "\"",
            "\\",
            "\n",
        ])
    }

    proptest::proptest! {
        #[test]
        fn reading_a_line_left_to_right_gives_every_pointer_a_fresh_reading_gives(
            pieces in proptest::collection::vec(json_piece(), 0..12),
            back in proptest::collection::vec(proptest::prelude::any::<usize>(), 1..6),
        ) {
            let line = format!("{{{}", pieces.concat()).into_bytes();
            let mut reader = PointerReader::default();
            // Every offset in order (as findings come), then some going back.
            let back = back.into_iter().map(|b| b % line.len());
            for at in (0..line.len()).chain(back) {
                proptest::prop_assert_eq!(
                    reader.pointer(7, &line, at),
                    json_pointer(&line, at),
                    "at {}", at
                );
            }
            // A new line starts a new reading.
            let other = br#"{"n":[1,2]}"#;
            let pointer = reader.pointer(8, other, 8);
            proptest::prop_assert_eq!(pointer.as_deref(), Some("/n/1"));
        }
    }

    #[test]
    fn json_key_values_visit_listed_keys_only() {
        let t = table();
        let hay = br#"{"first_name":"Ana","service":"api","user.last_name": "Souza","msg":"\"city\": x","city":null,"job_title":"CTO"}
"#;
        let mut out = Vec::new();
        key_values(&t, &Shape::Json, hay, hay.len(), false, &mut out);
        let got: Vec<&[u8]> = out.iter().map(|&(_, s, e)| &hay[s..e]).collect();
        assert_eq!(got, [&b"Ana"[..], b"Souza", b"CTO"]);
    }

    #[test]
    fn json_keys_are_found_in_every_spelling_and_only_as_keys() {
        let t = table();
        let values = |hay: &[u8], limit: usize| -> Vec<Vec<u8>> {
            let mut out = Vec::new();
            key_values(&t, &Shape::Json, hay, limit, false, &mut out);
            out.iter().map(|&(_, s, e)| hay[s..e].to_vec()).collect()
        };
        // Case, separators, spaces before the colon, a dotted key's last segment.
        let hay =
            br#"{"FirstName" :"Ana","a.b.last-name"	: "Souza","CITY":"Porto","x.city":"Faro"}"#;
        assert_eq!(
            values(hay, hay.len()),
            [&b"Ana"[..], b"Souza", b"Porto", b"Faro"]
        );
        // An escaped key, a key inside a string, a dotted key whose start is no key's.
        let hay = br#"{"m":"\"city\": \"Porto\"","n":"see city: 7","a+b.city":1,"k":"city"}"#;
        assert!(values(hay, hay.len()).is_empty());
        // Not JSON, but a quote that is escaped does not open a key.
        let hay = br#"{"m":"a \"city": 7}"#;
        assert!(values(hay, hay.len()).is_empty());
        // Keys not listed, and listed keys that detect nothing (`email` has a pattern).
        let hay = br#"{"cityscape":"Porto","email":"ana@example.com","town_hall":"x"}"#;
        assert!(values(hay, hay.len()).is_empty());
        // A key must end before the limit (the chunk's own part); its value may not.
        let hay = br#"{"city":"Porto","city" : "Braga"}"#;
        let second = hay.windows(7).rposition(|w| w == br#""city" "#).unwrap();
        assert_eq!(values(hay, second + 6), [&b"Porto"[..], b"Braga"]);
        assert_eq!(values(hay, second + 5), [&b"Porto"[..]]);
        // Without keys that detect values there is nothing to look for.
        let none = KeyTable::new(&[]).unwrap();
        let mut out = Vec::new();
        key_values(&none, &Shape::Json, hay, hay.len(), false, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn csv_key_values_visit_listed_columns_only() {
        let t = table();
        let hay = b"id,first_name,email,city\n1,Ana,a@b.co,Berlin\n2,\"O'Brien, Jr\",x@y.io,n/a\n";
        let shape = sniff(&t, hay, true, "x.csv");
        let mut out = Vec::new();
        key_values(&t, &shape, hay, hay.len(), true, &mut out);
        let got: Vec<&[u8]> = out.iter().map(|&(_, s, e)| &hay[s..e]).collect();
        assert_eq!(got, [&b"Ana"[..], b"Berlin", b"O'Brien, Jr"]);
    }

    #[test]
    fn keyed_values_read_rows_only_as_far_as_asked_and_leave_their_fields_for_the_judge() {
        let t = table();
        let hay = b"id,first_name,email,city\n1,Ana,a@b.co,Berlin\n2,Li,x@y.io,Porto\n";
        let shape = sniff(&t, hay, true, "x.csv");
        let Shape::Fields(header) = &shape else {
            panic!("not read as CSV: {shape:?}");
        };
        let second_row = hay.len() - b"2,Li,x@y.io,Porto\n".len();
        let rows = LineFields::default();
        let mut values = KeyedValues::new(&t, &shape, hay, hay.len(), true, 0, &[]);
        let mut got: Vec<&[u8]> = Vec::new();
        while let Some((_, s, e)) = values.peek(second_row, &rows) {
            got.push(&hay[s..e]);
            values.pop();
        }
        assert_eq!(got, [&b"Ana"[..], b"Berlin"]);
        // The first row's fields are what the row cache holds: the judge finds them there.
        let first = &hay[b"id,first_name,email,city\n".len()..second_row - 1];
        assert_eq!(
            rows.last.borrow().0,
            Some((first.as_ptr() as usize, first.len()))
        );
        assert_eq!(
            header.field_at_cached(first, 6, &rows),
            Some((2, (6, 12))),
            "the email column of the first row"
        );
        // Past the bound, the second row is read.
        let (_, s, e) = values
            .peek(usize::MAX, &rows)
            .expect("the second row's values");
        assert_eq!(&hay[s..e], b"Li");
        // Values ending before `kept`, or overlapping an accepted match, are left out.
        let city = second_row + b"2,Li,x@y.io,".len();
        let accepted = [(city, city + 2)];
        let mut values = KeyedValues::new(&t, &shape, hay, hay.len(), true, second_row, &accepted);
        let (_, s, e) = values.peek(usize::MAX, &rows).expect("a value");
        assert_eq!(&hay[s..e], b"Li");
        values.pop();
        assert_eq!(values.peek(usize::MAX, &rows), None);
    }

    #[test]
    fn a_crlf_row_is_kept_as_the_judge_asks_about_it() {
        let t = table();
        let hay = b"id,first_name,email,city\r\n1,Ana,a@b.co,Berlin\r\n";
        let shape = sniff(&t, hay, true, "x.csv");
        let rows = LineFields::default();
        let mut values = KeyedValues::new(&t, &shape, hay, hay.len(), true, 0, &[]);
        let mut got: Vec<&[u8]> = Vec::new();
        while let Some((_, s, e)) = values.peek(usize::MAX, &rows) {
            got.push(&hay[s..e]);
            values.pop();
        }
        assert_eq!(got, [&b"Ana"[..], b"Berlin"], "trimmed of the \\r");
        // The row as the judge's line finds it: up to the `\n`, with the `\r`.
        let start = b"id,first_name,email,city\r\n".len();
        let (s, e) = rows.line_around(hay, start + 2, start + 5);
        assert_eq!((s, e), (start, hay.len() - 1));
        assert_eq!(
            rows.last.borrow().0,
            Some((hay[s..].as_ptr() as usize, e - s))
        );
    }

    #[test]
    fn unescaping() {
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(unescape(b"jane%40mail.com", &mut buf), b"jane@mail.com");
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(unescape(br"jane\u0040mail.com", &mut buf), b"jane@mail.com");
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(
            unescape(b"%2B44+20+3123+4567", &mut buf),
            b"+44 20 3123 4567"
        );
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(unescape(b"a+b@c.io", &mut buf), b"a+b@c.io");
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(unescape(b"100%", &mut buf), b"100%");
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(unescape(br"x\/y\u00e9", &mut buf), "x/yé".as_bytes());
        // Values of 32 bytes and more are searched another way: the same answers.
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(
            unescape(b"first.middle.lastname%40example-mail.com", &mut buf),
            b"first.middle.lastname@example-mail.com"
        );
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(
            unescape(b"%2B44+20+3123+4567 or %2B44+20+3123+4568", &mut buf),
            b"+44 20 3123 4567 or +44 20 3123 4568"
        );
        let long = b"a+b+c+d@example-mail-provider.com, 100%";
        let mut buf = [0u8; MAX_VALUE];
        assert_eq!(unescape(long, &mut buf), long);
    }

    #[test]
    fn placeholders_are_not_values() {
        for v in [
            "",
            "null",
            "N/A",
            "-",
            "***",
            "xxxx",
            "${NAME}",
            "[REDACTED]",
        ] {
            assert!(!plausible(v.as_bytes()), "{v}");
        }
        for v in ["Ana", "José", "北京", "12 Main St"] {
            assert!(plausible(v.as_bytes()), "{v}");
        }
        // Every placeholder in any case, however the quick tests before the list rule out
        // values; and values that only start like one.
        for p in PLACEHOLDERS {
            let p = std::str::from_utf8(p).unwrap();
            let title: String = p
                .chars()
                .enumerate()
                .map(|(i, c)| if i == 0 { c.to_ascii_uppercase() } else { c })
                .collect();
            for v in [p.to_string(), p.to_uppercase(), title] {
                assert!(!plausible(v.as_bytes()), "{v}");
            }
        }
        for v in ["Nils", "Tbilisi", "Unknownville", "falsey"] {
            assert!(plausible(v.as_bytes()), "{v}");
        }
    }
}
