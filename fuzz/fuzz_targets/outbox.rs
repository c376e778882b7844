//! The outbox file format read back: arbitrary bytes never panic, and what
//! parses writes back to the same entry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secondlook::report::outbox::Entry;

fuzz_target!(|data: &[u8]| {
    let Ok(entry) = serde_json::from_slice::<Entry>(data) else {
        return;
    };
    let written = serde_json::to_vec(&entry).expect("an entry serialises");
    let back: Entry = serde_json::from_slice(&written).expect("what we write reads back");
    assert_eq!(back, entry);
});
