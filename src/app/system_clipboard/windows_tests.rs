//! Run on Windows, or under Wine (`scripts/check-windows`): the real
//! Windows clipboard, written with the formats password managers set.
#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clipboard_win::{Clipboard, options::NoClear, raw};

use super::Checked;
use super::windows::WindowsClipboard;
use crate::desktop::clipboard::{Clip, ClipboardSource};

const MESSAGE: &str = "Your password expired, log in at twilio-okta.net";

/// Put `text` on the clipboard, with extra `(format name, bytes)`.
fn copy(text: &str, extra: &[(&str, &[u8])]) {
    let _open = Clipboard::new_attempts(50).unwrap();
    raw::empty().unwrap();
    raw::set_string_with(text, NoClear).unwrap();
    for (name, data) in extra {
        let format = raw::register_format(name).unwrap().get();
        raw::set_without_clear(format, data).unwrap();
    }
}

#[test]
fn windows_clipboard_text_is_read_and_changes_are_seen() {
    // One test, so that no other test writes the clipboard meanwhile.
    let mut source = Checked(WindowsClipboard::new());
    copy(MESSAGE, &[]);
    let first = source.change_token();
    assert!(first.is_some(), "GetClipboardSequenceNumber gives a token");
    assert_eq!(
        source.read(64 * 1024).unwrap(),
        Clip::Text {
            text: MESSAGE.to_owned(),
            total: MESSAGE.len()
        }
    );
    assert_eq!(source.change_token(), first, "reading is not a change");

    // A password manager's copy: each marker alone hides the text.
    for marker in [
        "ExcludeClipboardContentFromMonitorProcessing",
        "Clipboard Viewer Ignore",
    ] {
        copy("hunter2-secret", &[(marker, b"\0")]);
        assert_eq!(source.read(64 * 1024).unwrap(), Clip::Concealed, "{marker}");
    }
    copy(
        "hunter2-secret",
        &[("CanIncludeInClipboardHistory", &0u32.to_le_bytes())],
    );
    assert_eq!(source.read(64 * 1024).unwrap(), Clip::Concealed);
    // ... but history allowed (1) is ordinary text.
    copy(
        MESSAGE,
        &[("CanIncludeInClipboardHistory", &1u32.to_le_bytes())],
    );
    assert!(matches!(source.read(64 * 1024).unwrap(), Clip::Text { .. }));
    assert_ne!(source.change_token(), first, "every copy is a change");

    // The cap: at most `max` bytes are read, and the total says more.
    let long = format!("{MESSAGE} {}é", "x".repeat(100_000));
    copy(&long, &[]);
    match source.read(1000).unwrap() {
        Clip::Text { text, total } => {
            assert!(
                text.len() <= 1000 && text.starts_with(MESSAGE),
                "{}",
                text.len()
            );
            assert!(total > 1000, "{total}");
        }
        other => panic!("{other:?}"),
    }

    // An empty clipboard.
    {
        let _open = Clipboard::new_attempts(50).unwrap();
        raw::empty().unwrap();
    }
    assert_eq!(source.read(64 * 1024).unwrap(), Clip::Empty);
}
