//! The Wayland clipboard path (no XWayland) against a real compositor
//! (sway, headless, started by the test) through the wlr data-control
//! protocol: a copy a password manager marks secret is skipped without its
//! text ever being asked for; ordinary text is read and checked; a copied
//! image's QR code is read and checked.
//!
//! Needs `sway` (installed by `.ci/run`); without it the test says so and
//! checks nothing.

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secondlook::app::system_clipboard::open_wayland;
use secondlook::desktop::clipboard::{Clip, ClipboardSource, WatchEvent, Watcher};
use wayland_client::globals::{GlobalListContents, registry_queue_init};
use wayland_client::protocol::{wl_registry, wl_seat};
use wayland_client::{Connection, Dispatch, QueueHandle};
use wayland_protocols_wlr::data_control::v1::client::{
    zwlr_data_control_device_v1::{self, ZwlrDataControlDeviceV1},
    zwlr_data_control_manager_v1::{self, ZwlrDataControlManagerV1},
    zwlr_data_control_offer_v1::ZwlrDataControlOfferV1,
    zwlr_data_control_source_v1::{self, ZwlrDataControlSourceV1},
};

/// An application owning the clipboard (a password manager offers its
/// secret as text *and* marks it); records which types were asked for.
struct Owner {
    requested: Arc<Mutex<Vec<String>>>,
}

struct OwnerState {
    data: Vec<u8>,
    requested: Arc<Mutex<Vec<String>>>,
    cancelled: bool,
}

fn own(socket: &std::path::Path, text: &str, secret: bool) -> Owner {
    let mut types = vec!["text/plain;charset=utf-8", "text/plain"];
    if secret {
        types.push("x-kde-passwordManagerHint");
    }
    own_as(socket, &types, text.as_bytes().to_vec())
}

/// Own the clipboard offering `types`, answering every request with `data`.
fn own_as(socket: &std::path::Path, types: &[&str], data: Vec<u8>) -> Owner {
    let types: Vec<String> = types.iter().map(|t| (*t).to_owned()).collect();
    let requested = Arc::new(Mutex::new(Vec::new()));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let mut state = OwnerState {
        data,
        requested: requested.clone(),
        cancelled: false,
    };
    let socket = socket.to_owned();
    std::thread::spawn(move || {
        let stream = std::os::unix::net::UnixStream::connect(socket).unwrap();
        let conn = Connection::from_socket(stream).unwrap();
        let (globals, mut queue) = registry_queue_init::<OwnerState>(&conn).unwrap();
        let qh = queue.handle();
        let manager: ZwlrDataControlManagerV1 = globals.bind(&qh, 1..=2, ()).unwrap();
        let seat: wl_seat::WlSeat = globals.bind(&qh, 1..=7, ()).unwrap();
        let device = manager.get_data_device(&seat, &qh, ());
        let source = manager.create_data_source(&qh, ());
        for t in types {
            source.offer(t);
        }
        device.set_selection(Some(&source));
        queue.roundtrip(&mut state).unwrap();
        ready_tx.send(()).unwrap();
        while !state.cancelled {
            if queue.blocking_dispatch(&mut state).is_err() {
                break;
            }
        }
    });
    ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    Owner { requested }
}

impl Dispatch<ZwlrDataControlSourceV1, ()> for OwnerState {
    fn event(
        state: &mut Self,
        _: &ZwlrDataControlSourceV1,
        event: zwlr_data_control_source_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        match event {
            zwlr_data_control_source_v1::Event::Send { mime_type, fd } => {
                state.requested.lock().unwrap().push(mime_type.clone());
                let answer: &[u8] = if mime_type == "x-kde-passwordManagerHint" {
                    b"secret"
                } else {
                    &state.data
                };
                let _ = std::fs::File::from(fd).write_all(answer);
            }
            zwlr_data_control_source_v1::Event::Cancelled => state.cancelled = true,
            _ => {}
        }
    }
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for OwnerState {
    fn event(
        _: &mut Self,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<wl_seat::WlSeat, ()> for OwnerState {
    fn event(
        _: &mut Self,
        _: &wl_seat::WlSeat,
        _: wl_seat::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<ZwlrDataControlManagerV1, ()> for OwnerState {
    fn event(
        _: &mut Self,
        _: &ZwlrDataControlManagerV1,
        _: zwlr_data_control_manager_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<ZwlrDataControlDeviceV1, ()> for OwnerState {
    fn event(
        _: &mut Self,
        _: &ZwlrDataControlDeviceV1,
        _: zwlr_data_control_device_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }

    wayland_client::event_created_child!(OwnerState, ZwlrDataControlDeviceV1, [
        zwlr_data_control_device_v1::EVT_DATA_OFFER_OPCODE => (ZwlrDataControlOfferV1, ()),
    ]);
}

impl Dispatch<ZwlrDataControlOfferV1, ()> for OwnerState {
    fn event(
        _: &mut Self,
        _: &ZwlrDataControlOfferV1,
        _: <ZwlrDataControlOfferV1 as wayland_client::Proxy>::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

/// Wait until the source sees a new selection.
fn changed(source: &mut Box<dyn ClipboardSource>, before: Option<u64>) -> Option<u64> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = source.change_token();
        if now != before || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The watcher's next event, polling as its thread does; `what` was not
/// noticed within 5 s fails the test.
fn next_event(watcher: &mut Watcher<Box<dyn ClipboardSource>>, what: &str) -> WatchEvent {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(e) = watcher.step(false, Instant::now()) {
            return e;
        }
        assert!(Instant::now() < deadline, "{what} was not noticed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn wayland_secret_content_is_skipped_unread_and_ordinary_text_is_checked() {
    let Some(sway) = crate::session::sway() else {
        crate::skip("no sway on this machine (`apt-get install sway`; .ci/run installs it)");
        return;
    };
    let mut source = open_wayland(Some(&sway.socket)).unwrap();
    let before = source.change_token();
    assert!(before.is_some(), "the data-control device is live");

    let password = own(&sway.socket, "hunter2 twilio-okta.net", true);
    let after = changed(&mut source, before);
    assert_ne!(after, before, "the new selection was announced");
    assert_eq!(source.read(64 * 1024).unwrap(), Clip::Concealed);
    std::thread::sleep(Duration::from_millis(200));
    let asked = password.requested.lock().unwrap().clone();
    assert!(asked.is_empty(), "the secret was asked for: {asked:?}");

    // Ordinary text (the negative control): read, through the watcher.
    let message = "Twilio IT: your password expired, log in at twilio-okta.net";
    let chat = own(&sway.socket, message, false);
    let policy = Arc::new(Mutex::new(Arc::new(crate::twilio())));
    let mut watcher = Watcher::new(source, policy, None);
    match next_event(&mut watcher, "the copy") {
        WatchEvent::Checked { text, analysis, .. } => {
            assert_eq!(text, message);
            assert_eq!(analysis.verdict, secondlook::Verdict::Dangerous);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        chat.requested.lock().unwrap().as_slice(),
        ["text/plain;charset=utf-8"],
        "the text was asked for once, as UTF-8"
    );
}

/// A QR code for `text` as a PNG, as a screenshot tool copies it.
pub(crate) fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let n = code.width();
    let size = (n + 8) * 4;
    let mut img = image::RgbaImage::from_pixel(size as u32, size as u32, image::Rgba([255; 4]));
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = ((i % n + 4) * 4, (i / n + 4) * 4);
            for y in my..my + 4 {
                for x in mx..mx + 4 {
                    img.put_pixel(x as u32, y as u32, image::Rgba([0, 0, 0, 255]));
                }
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn wayland_copied_image_qr_code_is_checked() {
    let Some(sway) = crate::session::sway() else {
        crate::skip("no sway on this machine (`apt-get install sway`; .ci/run installs it)");
        return;
    };
    let source = open_wayland(Some(&sway.socket)).unwrap();
    let policy = Arc::new(Mutex::new(Arc::new(crate::twilio())));
    let mut watcher = Watcher::new(source, policy, Some(secondlook::app::qr::decode));
    let _ = watcher.step(false, Instant::now());

    let screenshot = own_as(
        &sway.socket,
        &["image/png"],
        qr_png("https://twilio-okta.net/login"),
    );
    match next_event(&mut watcher, "the copied image") {
        WatchEvent::Checked {
            text,
            analysis,
            origin,
        } => {
            assert_eq!(text, "https://twilio-okta.net/login");
            assert_eq!(origin, secondlook::desktop::clipboard::Origin::QrCode);
            assert_eq!(analysis.verdict, secondlook::Verdict::Dangerous);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        screenshot.requested.lock().unwrap().as_slice(),
        ["image/png"]
    );
}

#[test]
fn without_data_control_the_reason_is_given() {
    // No compositor at all at this path: a clear error, not a hang.
    let e = match open_wayland(Some(std::path::Path::new("/nonexistent/wayland-0"))) {
        Ok(_) => panic!("opened a clipboard that does not exist"),
        Err(e) => e,
    };
    assert!(e.contains("cannot be read"), "{e}");
}
