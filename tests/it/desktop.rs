//! The window as a person uses it, on a real X server (Xvfb) with real key
//! presses (xdotool) and a real clipboard owner (xclip): Ctrl+V puts the
//! clipboard's text in the paste box, Ctrl+C copies it back out, Shift+Insert
//! pastes too, and so does the paste box's context menu; a text file dragged
//! onto the window (XDND, as a file manager drags it) is checked; and a
//! second start of `secondlook` brings the running copy's window forward
//! instead of starting a second watcher.
//!
//! What the box holds is read back through the real clipboard (select all,
//! Ctrl+C, `xclip -o`), not through the app's memory.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Bin, Running, wait_for};

fn tools_missing() -> Option<&'static str> {
    for tool in ["xdotool", "xclip"] {
        let found = Command::new(tool)
            .arg(if tool == "xclip" {
                "-version"
            } else {
                "version"
            })
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            return Some(tool);
        }
    }
    None
}

/// Xvfb with xdotool and xclip, or `None` after saying what is missing.
fn x_server() -> Option<crate::session::Xvfb> {
    let Some(x) = crate::session::xvfb() else {
        crate::skip("needs Xvfb (.ci/run installs it)");
        return None;
    };
    if let Some(tool) = tools_missing() {
        crate::skip(&format!("needs {tool} (.ci/run installs it)"));
        return None;
    }
    Some(x)
}

fn xdotool(display: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `xclip` owns CLIPBOARD with `text` (it forks and serves it until
/// someone else takes the clipboard).
fn set_clipboard(display: &str, text: &str) {
    set_selection(display, "clipboard", text);
}

/// `xclip` owns `selection` (`clipboard` or `primary`) with `text`.
fn set_selection(display: &str, selection: &str, text: &str) {
    let mut c = Command::new("xclip")
        .args(["-selection", selection, "-i"])
        .env("DISPLAY", display)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    assert!(c.wait().unwrap().success());
}

fn clipboard(display: &str) -> Option<String> {
    let out = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .env("DISPLAY", display)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `secondlook` (`--background` if asked) on `display` with no session bus
/// (so no tray and no notifications: the plain GNOME case), everything it
/// writes under `dir`.
fn start(display: &str, dir: &std::path::Path, background: bool) -> Running {
    let app = Bin::desktop(
        display,
        "unix:path=/nonexistent/bus",
        &crate::data("twilio.toml"),
        dir,
    );
    if background {
        app.arg("--background").spawn()
    } else {
        app.spawn()
    }
}

fn visible_window(display: &str) -> Option<String> {
    xdotool(
        display,
        &["search", "--onlyvisible", "--name", "^Second Look$"],
    )
    .and_then(|ids| ids.lines().next().map(str::to_owned))
}

/// Map and unmap notifications for the top-level windows on `display`,
/// from the moment it is made: eframe maps its window after the first frame
/// even when asked for a hidden one, and the app then hides it again. A
/// poll of what is visible cannot tell "not mapped yet" from "hidden
/// again"; these notifications can.
struct MapWatch {
    conn: x11rb::rust_connection::RustConnection,
}

impl MapWatch {
    fn new(display: &str) -> Self {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xproto::{ChangeWindowAttributesAux, ConnectionExt as _, EventMask};
        let (conn, screen) = x11rb::connect(Some(display)).unwrap();
        let root = conn.setup().roots[screen].root;
        conn.change_window_attributes(
            root,
            &ChangeWindowAttributesAux::new().event_mask(EventMask::SUBSTRUCTURE_NOTIFY),
        )
        .unwrap()
        .check()
        .unwrap();
        Self { conn }
    }

    /// Wait until a top-level window has been mapped and then unmapped.
    fn wait_shown_then_hidden(&self, timeout: Duration) {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::Event;
        let mut shown = None;
        wait_for("a window shown and hidden again", timeout, || {
            while let Some(event) = self.conn.poll_for_event().unwrap() {
                match event {
                    Event::MapNotify(e) => shown = Some(e.window),
                    Event::UnmapNotify(e) if shown == Some(e.window) => return Some(()),
                    _ => {}
                }
            }
            None
        });
    }
}

/// Select all in the focused paste box, copy, and read the clipboard until
/// it is `expected` (the app answers the copy asynchronously).
fn box_holds(display: &str, expected: &str) {
    let mut last = None;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        xdotool(display, &["key", "ctrl+a"]);
        xdotool(display, &["key", "ctrl+c"]);
        std::thread::sleep(Duration::from_millis(200));
        last = clipboard(display);
        if last.as_deref() == Some(expected) {
            return;
        }
    }
    panic!("the paste box holds {last:?}, expected {expected:?}");
}

#[test]
fn ctrl_v_and_shift_insert_paste_and_ctrl_c_copies_on_a_real_x_server() {
    let Some(x) = x_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let _app = start(&x.display, dir.path(), false);
    let win = wait_for("the window", Duration::from_secs(30), || {
        visible_window(&x.display)
    });
    // A lure without a link: the clipboard watcher drops it, so pasting is
    // the only way in.
    let sms = "Twilio IT: your verification code is 482913. Reply with it to keep your account.";
    set_clipboard(&x.display, sms);
    std::thread::sleep(Duration::from_millis(700));
    xdotool(&x.display, &["windowfocus", "--sync", &win]).unwrap();
    xdotool(&x.display, &["key", "ctrl+v"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Typed after the paste, so what comes back cannot be the clipboard's
    // own text.
    xdotool(&x.display, &["type", "--delay", "40", " OK"]).unwrap();
    box_holds(&x.display, &format!("{sms} OK"));

    let second = "Log in at twilio-okta.net";
    set_clipboard(&x.display, second);
    std::thread::sleep(Duration::from_millis(700));
    xdotool(&x.display, &["windowfocus", "--sync", &win]).unwrap();
    xdotool(&x.display, &["key", "ctrl+a"]).unwrap();
    xdotool(&x.display, &["key", "shift+Insert"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&x.display, &["type", "--delay", "40", "!"]).unwrap();
    box_holds(&x.display, &format!("{second}!"));

    // Middle-click pastes the PRIMARY selection (what was last selected
    // anywhere), the X11 way.
    // (The copy just made has a link: the watcher shows it in the box,
    // once; let it, then empty the box.)
    std::thread::sleep(Duration::from_millis(1500));
    xdotool(&x.display, &["key", "ctrl+a"]).unwrap();
    xdotool(&x.display, &["key", "Delete"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let selected = "Your parcel is held: reply YES to pay the 1.99 fee.";
    set_selection(&x.display, "primary", selected);
    // The paste box, below the top bar, whatever its status lines say.
    xdotool(&x.display, &["mousemove", "300", "150", "click", "2"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    box_holds(&x.display, selected);
}

/// Copy a message with a link, then paste it into the window: the watcher
/// has already put it in the box, and the paste replaces that text instead
/// of adding a second copy (the link was listed twice).
#[test]
fn pasting_what_the_watcher_already_shows_puts_it_in_the_box_once_on_a_real_x_server() {
    let Some(x) = x_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let _app = start(&x.display, dir.path(), false);
    let win = wait_for("the window", Duration::from_secs(30), || {
        visible_window(&x.display)
    });
    let sms = "Twilio IT: your password expires today, log in at twilio-sso.com to keep it.";
    set_clipboard(&x.display, sms);
    // Let the watcher see the copy and show it in the box.
    std::thread::sleep(Duration::from_millis(1500));
    xdotool(&x.display, &["windowfocus", "--sync", &win]).unwrap();
    xdotool(&x.display, &["key", "ctrl+v"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&x.display, &["type", "--delay", "40", " OK"]).unwrap();
    box_holds(&x.display, &format!("{sms} OK"));
    // Into text the user typed, a paste adds, as in any text box (what
    // the clipboard holds now is the box's own text, copied by box_holds).
    xdotool(&x.display, &["key", "ctrl+End"]).unwrap();
    xdotool(&x.display, &["key", "ctrl+v"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    box_holds(&x.display, &format!("{sms} OK{sms} OK"));
}

#[test]
fn the_context_menu_s_paste_puts_the_clipboard_in_the_box_on_a_real_x_server() {
    let Some(x) = crate::session::xvfb() else {
        return crate::skip("needs Xvfb (.ci/run installs it)");
    };
    if let Some(tool) = tools_missing() {
        return crate::skip(&format!("needs {tool} (.ci/run installs it)"));
    }
    let dir = tempfile::tempdir().unwrap();
    let _app = start(&x.display, dir.path(), false);
    let win = wait_for("the window", Duration::from_secs(30), || {
        visible_window(&x.display)
    });
    // No link: the watcher drops it, so only a paste brings it in.
    let sms = "Twilio HR: your payroll code is 55120, read it to our agent when they call.";
    set_clipboard(&x.display, sms);
    std::thread::sleep(Duration::from_millis(700));
    xdotool(&x.display, &["windowfocus", "--sync", &win]).unwrap();
    // Right-click the paste box (below the top bar), then the menu's first
    // entry, "Paste", just below and right of the pointer.
    xdotool(&x.display, &["mousemove", "300", "150", "click", "3"]).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&x.display, &["mousemove", "325", "162", "click", "1"]).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&x.display, &["type", "--delay", "40", " !"]).unwrap();
    box_holds(&x.display, &format!("{sms} !"));
}

/// Drag `offers` (MIME type, data) from a window of our own onto `target`
/// at root position (`x`, `y`), as a file manager or a browser does (XDND
/// version 5): enter, position, hand over the data when asked, drop.
/// Returns whether the target accepted the drag.
fn xdnd_drop(display: &str, target: u32, x: u16, y: u16, offers: &[(&str, &[u8])]) -> bool {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::{
        ClientMessageEvent, ConnectionExt as _, CreateWindowAux, EventMask, PropMode,
        SELECTION_NOTIFY_EVENT, SelectionNotifyEvent, WindowClass,
    };
    use x11rb::wrapper::ConnectionExt as _;
    let (conn, screen) = x11rb::connect(Some(display)).unwrap();
    let root = conn.setup().roots[screen].root;
    let source = conn.generate_id().unwrap();
    conn.create_window(
        0,
        source,
        root,
        -10,
        -10,
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
    let [selection, enter, position, status, drop, finished, copy] = [
        "XdndSelection",
        "XdndEnter",
        "XdndPosition",
        "XdndStatus",
        "XdndDrop",
        "XdndFinished",
        "XdndActionCopy",
    ]
    .map(atom);
    let types: Vec<u32> = offers.iter().map(|(t, _)| atom(t)).collect();
    conn.set_selection_owner(source, selection, x11rb::CURRENT_TIME)
        .unwrap();
    let send = |kind: u32, data: [u32; 5]| {
        let ev = ClientMessageEvent::new(32, target, kind, data);
        conn.send_event(false, target, EventMask::NO_EVENT, ev)
            .unwrap();
        conn.flush().unwrap();
    };
    let ty = |i: usize| types.get(i).copied().unwrap_or(0);
    send(enter, [source, 5 << 24, ty(0), ty(1), ty(2)]);
    send(
        position,
        [source, 0, (u32::from(x) << 16) | u32::from(y), 0, copy],
    );
    // Answer the target's request for the data; read its status.
    let mut accepted = None;
    let mut served = false;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && !(accepted == Some(false) || (accepted == Some(true) && served))
    {
        match conn.poll_for_event().unwrap() {
            Some(Event::SelectionRequest(r)) => {
                let data = offers
                    .iter()
                    .zip(&types)
                    .find(|(_, t)| **t == r.target)
                    .map(|((_, d), _)| *d);
                let property = match data {
                    Some(d) => {
                        conn.change_property8(
                            PropMode::REPLACE,
                            r.requestor,
                            r.property,
                            r.target,
                            d,
                        )
                        .unwrap();
                        r.property
                    }
                    None => 0,
                };
                let notify = SelectionNotifyEvent {
                    response_type: SELECTION_NOTIFY_EVENT,
                    sequence: 0,
                    time: r.time,
                    requestor: r.requestor,
                    selection: r.selection,
                    target: r.target,
                    property,
                };
                conn.send_event(false, r.requestor, EventMask::NO_EVENT, notify)
                    .unwrap();
                conn.flush().unwrap();
                served = true;
            }
            Some(Event::ClientMessage(m)) if m.type_ == status => {
                accepted = Some(m.data.as_data32()[1] & 1 == 1);
            }
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let accepted = accepted.unwrap_or(false);
    if accepted {
        // One more position, after the data went out: its status comes
        // back only once the target has handled everything sent before it
        // (X keeps the order), so the data has been read when we drop.
        send(
            position,
            [source, 0, (u32::from(x) << 16) | u32::from(y), 0, copy],
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            match conn.poll_for_event().unwrap() {
                Some(Event::ClientMessage(m)) if m.type_ == status => break,
                Some(_) => {}
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
    send(drop, [source, 0, 0, 0, 0]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match conn.poll_for_event().unwrap() {
            Some(Event::ClientMessage(m)) if m.type_ == finished => break,
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    accepted
}

#[test]
fn a_text_file_dragged_onto_the_window_is_checked_and_dragged_text_is_refused() {
    let Some(x) = crate::session::xvfb() else {
        return crate::skip("needs Xvfb (.ci/run installs it)");
    };
    if let Some(tool) = tools_missing() {
        return crate::skip(&format!("needs {tool} (.ci/run installs it)"));
    }
    let dir = tempfile::tempdir().unwrap();
    let _app = start(&x.display, dir.path(), false);
    let win: u32 = wait_for("the window", Duration::from_secs(30), || {
        visible_window(&x.display)
    })
    .parse()
    .unwrap();
    let sms = "Your parcel is held: reply YES to pay the 1.99 fee.";
    let file = dir.path().join("message from my phone.txt");
    std::fs::write(&file, sms).unwrap();
    // A file manager offers the file as a text/uri-list.
    let uri = format!(
        "file://{}\r\n",
        file.display().to_string().replace(' ', "%20")
    );
    assert!(
        xdnd_drop(
            &x.display,
            win,
            300,
            150,
            &[("text/uri-list", uri.as_bytes())]
        ),
        "the window takes dropped files"
    );
    xdotool(&x.display, &["windowfocus", "--sync", &win.to_string()]).unwrap();
    xdotool(&x.display, &["mousemove", "300", "150", "click", "1"]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    box_holds(&x.display, sms);
    // Text dragged from a browser or a mail program comes as text only:
    // winit 0.30 (eframe 0.37) refuses every drag without a file list
    // (docs/security.md, known limits). If this starts to pass, wire the
    // dropped text into the paste box and change this test.
    let text = b"Log in at twilio-okta.net";
    assert!(
        !xdnd_drop(
            &x.display,
            win,
            300,
            150,
            &[("text/plain;charset=utf-8", text), ("UTF8_STRING", text)]
        ),
        "winit now takes dragged text: wire it into the paste box"
    );
}

#[test]
fn a_second_start_shows_the_running_copy_instead_of_watching_twice() {
    let Some(x) = x_server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let maps = MapWatch::new(&x.display);
    // The login copy: in the background, no tray on this desktop.
    let mut first = start(&x.display, dir.path(), true);
    wait_for("the instance socket", Duration::from_secs(30), || {
        dir.path().join("run/instance.sock").exists().then_some(())
    });
    // eframe maps the window for its first frame; the app hides it again.
    // Waiting only for "exists and not visible" passed before the first
    // frame on a loaded machine, and the window was then mapped (a CI run).
    maps.wait_shown_then_hidden(Duration::from_secs(60));
    assert!(visible_window(&x.display).is_none());
    // Another login copy: nothing to show, it just leaves.
    let mut again = start(&x.display, dir.path(), true);
    let status = wait_for(
        "the second background copy to end",
        Duration::from_secs(10),
        || again.try_wait().unwrap(),
    );
    assert!(status.success(), "{status:?}");
    assert!(visible_window(&x.display).is_none());
    // The launcher: the running copy's window comes forward and the new
    // process ends.
    let mut launcher = start(&x.display, dir.path(), false);
    let status = wait_for("the launcher copy to end", Duration::from_secs(10), || {
        launcher.try_wait().unwrap()
    });
    assert!(status.success(), "{status:?}");
    wait_for("the running copy's window", Duration::from_secs(10), || {
        visible_window(&x.display)
    });
    let windows = xdotool(&x.display, &["search", "--name", "^Second Look$"]).unwrap_or_default();
    assert_eq!(windows.lines().count(), 1, "one window: {windows}");
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first copy still runs"
    );
}

/// The XDG desktop portal's Settings, answering one colour scheme.
struct Portal(u32);

#[zbus::interface(name = "org.freedesktop.portal.Settings")]
impl Portal {
    fn read_one(
        &self,
        namespace: &str,
        key: &str,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedValue> {
        if (namespace, key) == ("org.freedesktop.appearance", "color-scheme") {
            Ok(zbus::zvariant::OwnedValue::from(self.0))
        } else {
            Err(zbus::fdo::Error::Failed("unknown setting".into()))
        }
    }
}

#[test]
fn the_theme_follows_the_desktop_s_light_or_dark_setting() {
    let Some(bus) = crate::session::bus() else {
        return crate::skip("needs dbus-daemon (.ci/run installs it)");
    };
    // No portal on the bus: no opinion (egui's own default then).
    assert_eq!(secondlook::app::portal_theme(Some(&bus.address)), None);
    for (scheme, theme) in [
        (2, Some(egui::Theme::Light)),
        (1, Some(egui::Theme::Dark)),
        (0, None),
    ] {
        let _portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .unwrap()
            .name("org.freedesktop.portal.Desktop")
            .unwrap()
            .serve_at("/org/freedesktop/portal/desktop", Portal(scheme))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            secondlook::app::portal_theme(Some(&bus.address)),
            theme,
            "color-scheme {scheme}"
        );
    }
}
