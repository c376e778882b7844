//! Link extraction on arbitrary bytes: spans inside the input, on character
//! boundaries, holding exactly the link's text; normalising is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secondlook::{extract, text};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let norm = text::normalize(&input);
    let (links, _) = extract::find_links(&input, &norm, secondlook::MAX_LINKS);
    for l in &links {
        assert!(
            l.span.start <= l.span.end && l.span.end <= input.len(),
            "{:?}",
            l.span
        );
        assert!(input.is_char_boundary(l.span.start) && input.is_char_boundary(l.span.end));
        assert_eq!(input.get(l.span.clone()), Some(l.text.as_str()));
    }
    let again = text::normalize(&norm.text);
    assert_eq!(again.text, norm.text, "normalising is not idempotent");
});
