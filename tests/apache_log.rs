//! A real Apache access log (../shared/data/apache-access-log/access.log, 10,000 lines of the
//! combined log format): every client IPv4 address is found once per line, in the host field;
//! the user agents are found; and nothing is reported from the timestamps, the request lines,
//! the status codes or the byte counts. Failure messages show line numbers, rules and redacted
//! values only.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::net::Ipv4Addr;
use std::ops::Range;

use common::*;
use serde_json::Value;

/// Byte ranges (within the line) of the fields this test cares about.
struct Fields {
    host: Range<usize>,
    /// Everything from the `[` of the timestamp to the byte count's end.
    middle: Range<usize>,
    referer: Range<usize>,
    user_agent: Range<usize>,
}

/// Split a combined-format line on its own terms (independently of piiscan's parser).
fn fields(line: &[u8]) -> Option<Fields> {
    let host_end = line.iter().position(|&b| b == b' ')?;
    let time_start = line.iter().position(|&b| b == b'[')?;
    // The request is the first quoted string; the referrer and the user agent follow the
    // status and the byte count.
    let quotes: Vec<usize> = line
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'"' && (i == 0 || line[i - 1] != b'\\'))
        .map(|(i, _)| i)
        .collect();
    if quotes.len() < 5 {
        return None;
    }
    let referer = quotes[2] + 1..quotes[3];
    // A user agent cut off by the log writer has no closing quote: it runs to the end.
    let user_agent = quotes[4] + 1..quotes.get(5).copied().unwrap_or(line.len());
    Some(Fields {
        host: 0..host_end,
        middle: time_start..quotes[2],
        referer,
        user_agent,
    })
}

#[test]
fn apache_access_log() {
    let Some(log) = shared("data/apache-access-log/access.log") else {
        return;
    };
    let text = std::fs::read(&log).unwrap();
    let out = piiscan(&root())
        .arg("scan")
        .arg(&log)
        .args(["--format", "jsonl", "--min-confidence", "low"])
        .args(["--fail-on", "never", "--no-progress"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Findings by line number.
    let mut by_line: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    for row in String::from_utf8(out.stdout).unwrap().lines() {
        let f: Value = serde_json::from_str(row).unwrap();
        by_line
            .entry(f["line"].as_u64().unwrap() as usize)
            .or_default()
            .push(f);
    }

    let allowed: HashSet<&str> = ["ipv4", "ipv6", "user-agent", "email"].into();
    let mut problems = Vec::new();
    let mut distinct_hosts = HashSet::new();
    let mut distinct_found = HashSet::new();
    let (mut ipv4_lines, mut agents, mut agents_found) = (0usize, 0usize, 0usize);
    let mut line_start = 0usize;
    for (index, line) in text.split(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        let start = line_start;
        line_start += line.len() + 1;
        if line.is_empty() {
            continue;
        }
        let Some(f) = fields(line) else {
            problems.push(format!("line {number}: not in the combined log format"));
            continue;
        };
        let findings = by_line.remove(&number).unwrap_or_default();
        let span = |f: &Value| {
            let s = f["byte_offset"].as_u64().unwrap() as usize - start;
            s..s + f["length"].as_u64().unwrap() as usize
        };
        let inside =
            |r: &Range<usize>, field: &Range<usize>| field.start <= r.start && r.end <= field.end;
        let describe = |f: &Value| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["redacted"].as_str().unwrap()
            )
        };

        // Every finding is an allowed kind, inside the host, referrer or user-agent field.
        for finding in &findings {
            let r = span(finding);
            let rule = finding["rule"].as_str().unwrap();
            if !allowed.contains(rule) {
                problems.push(format!("line {number}: unexpected {}", describe(finding)));
            }
            if !(inside(&r, &f.host) || inside(&r, &f.referer) || inside(&r, &f.user_agent)) {
                let place = if r.start < f.middle.end && f.middle.start < r.end {
                    "timestamp, request, status or byte count"
                } else {
                    "no field"
                };
                problems.push(format!(
                    "line {number}: {} reported from the {place}",
                    describe(finding)
                ));
            }
        }

        // The client address: one ipv4 finding at column 1 covering the whole host field.
        let host = &line[f.host.clone()];
        if let Some(addr) = std::str::from_utf8(host)
            .ok()
            .and_then(|h| h.parse::<Ipv4Addr>().ok())
        {
            ipv4_lines += 1;
            distinct_hosts.insert(addr);
            let in_host: Vec<&Value> = findings
                .iter()
                .filter(|x| inside(&span(x), &f.host))
                .collect();
            match in_host.as_slice() {
                [one] if one["rule"] == "ipv4" && one["column"] == 1 && span(one) == f.host => {
                    distinct_found.insert(addr);
                }
                other => problems.push(format!(
                    "line {number}: the client address gave {:?}",
                    other.iter().map(|x| describe(x)).collect::<Vec<_>>()
                )),
            }
        }

        // The user agent: a user-agent finding in its field (or, when the agent carries a
        // contact address, the address).
        let agent = &line[f.user_agent.clone()];
        if agent != b"-" && !agent.is_empty() {
            agents += 1;
            let found = findings.iter().any(|x| {
                inside(&span(x), &f.user_agent)
                    && (x["rule"] == "user-agent"
                        || (x["rule"] == "email" && agent.contains(&b'@')))
            });
            if found {
                agents_found += 1;
            } else {
                problems.push(format!("line {number}: user agent not found"));
            }
        }
    }
    for (number, rest) in by_line {
        problems.push(format!(
            "line {number}: {} findings past the last line",
            rest.len()
        ));
    }

    eprintln!(
        "{ipv4_lines} lines with an IPv4 client ({} distinct, {} found); {agents} user agents, {agents_found} found",
        distinct_hosts.len(),
        distinct_found.len()
    );
    assert!(
        ipv4_lines > 9000,
        "only {ipv4_lines} lines with an IPv4 client"
    );
    assert_eq!(distinct_found.len(), distinct_hosts.len());
    assert!(
        problems.is_empty(),
        "{} problems, e.g.:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}
