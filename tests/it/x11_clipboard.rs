//! The real X11 clipboard path against a real X server (Xvfb, started by
//! the test): content a password manager marks secret is skipped without
//! its text ever being requested; ordinary text is read and checked.
//!
//! Needs `Xvfb` (installed by `.ci/run`); without it the test says so and
//! checks nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secondlook::app::system_clipboard::open_x11;
use secondlook::desktop::clipboard::{Clip, ClipboardSource, WatchEvent, Watcher};
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    AtomEnum, ConnectionExt as _, CreateWindowAux, EventMask, PropMode, SELECTION_NOTIFY_EVENT,
    SelectionNotifyEvent, WindowClass,
};
use x11rb::wrapper::ConnectionExt as _;

/// An application owning CLIPBOARD, like a password manager or a chat app.
struct Owner {
    stop: Arc<AtomicBool>,
    requested: Arc<Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn own(display: &str, text: &str, secret: bool) -> Owner {
    let stop = Arc::new(AtomicBool::new(false));
    let requested = Arc::new(Mutex::new(Vec::new()));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let thread = {
        let (stop, requested) = (stop.clone(), requested.clone());
        let (display, text) = (display.to_owned(), text.to_owned());
        std::thread::spawn(move || {
            let (conn, screen) = x11rb::connect(Some(&display)).unwrap();
            let root = conn.setup().roots[screen].root;
            let win = conn.generate_id().unwrap();
            conn.create_window(
                0,
                win,
                root,
                0,
                0,
                1,
                1,
                0,
                WindowClass::INPUT_OUTPUT,
                0,
                &CreateWindowAux::new(),
            )
            .unwrap();
            let atom = |n: &str| {
                conn.intern_atom(false, n.as_bytes())
                    .unwrap()
                    .reply()
                    .unwrap()
                    .atom
            };
            let clipboard = atom("CLIPBOARD");
            let targets = atom("TARGETS");
            let utf8 = atom("UTF8_STRING");
            let hint = atom("x-kde-passwordManagerHint");
            conn.set_selection_owner(win, clipboard, x11rb::CURRENT_TIME)
                .unwrap();
            conn.flush().unwrap();
            ready_tx.send(()).unwrap();
            while !stop.load(Ordering::SeqCst) {
                let Some(ev) = conn.poll_for_event().unwrap() else {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                };
                let Event::SelectionRequest(req) = ev else {
                    continue;
                };
                let name = conn
                    .get_atom_name(req.target)
                    .unwrap()
                    .reply()
                    .unwrap()
                    .name;
                requested
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&name).into_owned());
                let mut property = req.property;
                if req.target == targets {
                    let mut offered = vec![targets, utf8];
                    if secret {
                        offered.push(hint);
                    }
                    conn.change_property32(
                        PropMode::REPLACE,
                        req.requestor,
                        req.property,
                        AtomEnum::ATOM,
                        &offered,
                    )
                    .unwrap();
                } else if req.target == utf8 {
                    conn.change_property8(
                        PropMode::REPLACE,
                        req.requestor,
                        req.property,
                        utf8,
                        text.as_bytes(),
                    )
                    .unwrap();
                } else if req.target == hint && secret {
                    conn.change_property8(
                        PropMode::REPLACE,
                        req.requestor,
                        req.property,
                        AtomEnum::STRING,
                        b"secret",
                    )
                    .unwrap();
                } else {
                    property = x11rb::NONE;
                }
                let notify = SelectionNotifyEvent {
                    response_type: SELECTION_NOTIFY_EVENT,
                    sequence: 0,
                    time: req.time,
                    requestor: req.requestor,
                    selection: req.selection,
                    target: req.target,
                    property,
                };
                conn.send_event(false, req.requestor, EventMask::NO_EVENT, notify)
                    .unwrap();
                conn.flush().unwrap();
            }
        })
    };
    ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    Owner {
        stop,
        requested,
        thread: Some(thread),
    }
}

#[test]
fn secret_content_is_skipped_unread_and_ordinary_text_is_checked() {
    let Some(x) = crate::session::xvfb() else {
        crate::skip("no Xvfb on this machine (`apt-get install xvfb`; .ci/run installs it)");
        return;
    };
    let mut source = open_x11(&x.display).unwrap();
    let before = source.change_token();

    let password = own(&x.display, "hunter2 twilio-okta.net", true);
    std::thread::sleep(Duration::from_millis(100));
    assert_ne!(
        source.change_token(),
        before,
        "XFixes told us the owner changed"
    );
    assert_eq!(source.read(64 * 1024).unwrap(), Clip::Concealed);
    let asked = password.requested.lock().unwrap().clone();
    assert!(
        !asked.iter().any(|t| t == "UTF8_STRING"),
        "the secret text was requested: {asked:?}"
    );
    drop(password);

    let sms = own(&x.display, "Log in at twilio-okta.net", false);
    std::thread::sleep(Duration::from_millis(100));
    let policy = Arc::new(Mutex::new(Arc::new(crate::twilio())));
    let mut watcher = Watcher::new(source, policy, None);
    match watcher.step(false, Instant::now()) {
        Some(WatchEvent::Checked { text, analysis, .. }) => {
            assert_eq!(text, "Log in at twilio-okta.net");
            assert_eq!(analysis.verdict, secondlook::Verdict::Dangerous);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        sms.requested
            .lock()
            .unwrap()
            .iter()
            .any(|t| t == "UTF8_STRING")
    );
    assert!(
        watcher.step(false, Instant::now()).is_none(),
        "no change, no second read"
    );
}
