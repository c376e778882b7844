//! Policy files: checking never panics, every problem points inside the
//! file, and a file the checker accepts compiles.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secondlook::policy::validate;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let problems = validate::check(text, "p.toml");
    let lines = text.split('\n').count();
    for p in &problems {
        assert!(p.line >= 1 && p.line <= lines && p.column >= 1, "{p}");
    }
    let compiled = secondlook::Policy::from_toml(text, "p.toml");
    if problems.is_empty() {
        assert!(
            compiled.is_ok(),
            "checked clean but does not compile: {:?}",
            compiled.err()
        );
    }
});
