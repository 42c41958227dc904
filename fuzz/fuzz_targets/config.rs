//! Configuration, rule, policy and baseline parsing over arbitrary text: the first byte picks
//! the parser. Every failure must be an error naming the file, never a panic or a hang; a
//! rule file that parses must compile into a rule set (or fail with a message), whose
//! rules' own regexes then compile when needed.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use piiscan::rules::{self, Policy};
use piiscan::scan::RuleSet;

fn temp_file(name: &str, data: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .expect("temp file");
    (dir, path)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match pick % 4 {
        0 => {
            let (_dir, path) = temp_file(".piiscan.toml", rest);
            if let Err(e) = piiscan::config_file::load(&path) {
                assert!(
                    e.contains(".piiscan.toml"),
                    "config error without the file: {e}"
                );
            }
        }
        1 => match rules::parse_rule_file("fuzz.toml", &text) {
            Ok(parsed) => {
                let ids: Vec<String> = parsed.iter().map(|r| r.id.clone()).collect();
                match RuleSet::new(parsed, Policy::builtin()) {
                    // A rule's own regexes compile when first needed: loading checked them.
                    Ok(set) => {
                        for r in &set.rules {
                            for re in r.preceded_by.iter().chain(&r.followed_by) {
                                assert!(re.regex().is_some(), "rule {}", r.rule.id);
                            }
                        }
                    }
                    Err(e) => assert!(!e.to_string().is_empty(), "{ids:?}"),
                }
            }
            Err(e) => assert!(e.to_string().starts_with("fuzz.toml: "), "{e}"),
        },
        2 => {
            if let Err(e) = Policy::parse("policy.toml", &text) {
                assert!(e.to_string().starts_with("policy.toml: "), "{e}");
            }
        }
        _ => {
            let (_dir, path) = temp_file("baseline.json", rest);
            if let Err(e) = piiscan::baseline::Baseline::load(&path) {
                assert!(
                    e.contains("baseline.json"),
                    "baseline error without the file: {e}"
                );
            }
        }
    }
});
