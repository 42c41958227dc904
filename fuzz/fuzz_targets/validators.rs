//! Every validator on arbitrary bytes: the first byte picks the validator (over
//! `validate::NAMES`), the rest is the candidate. A validator must never panic, whatever it is
//! given, and must give the same answer twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use piiscan::validate;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, candidate)) = data.split_first() else {
        return;
    };
    let name = validate::NAMES[pick as usize % validate::NAMES.len()];
    let check = validate::lookup(name).expect("every listed validator exists");
    let first = check(candidate);
    assert_eq!(first, check(candidate), "{name} is not deterministic");
});
