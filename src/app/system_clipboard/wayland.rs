//! Wayland without XWayland: the wlr data-control protocol (KDE Plasma,
//! sway, Hyprland and other wlroots desktops). Each new selection is the
//! change; its MIME types are what it offers. GNOME has no such protocol:
//! [`WaylandClipboard::open`] says so.

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::pipe::{PipeFlags, pipe_with};
use wayland_client::backend::{ObjectId, WaylandError};
use wayland_client::globals::{GlobalListContents, registry_queue_init};
use wayland_client::protocol::{wl_registry, wl_seat};
use wayland_client::{Connection, Dispatch, EventQueue, Proxy, QueueHandle, event_created_child};
use wayland_protocols_wlr::data_control::v1::client::{
    zwlr_data_control_device_v1::{self, ZwlrDataControlDeviceV1},
    zwlr_data_control_manager_v1::ZwlrDataControlManagerV1,
    zwlr_data_control_offer_v1::{self, ZwlrDataControlOfferV1},
};

use super::{MAX_PNG_BYTES, Offer, Platform, TEXT_TARGETS, err};
use crate::desktop::clipboard::Clip;

/// What the compositor told us about the clipboard.
#[derive(Default)]
struct State {
    /// Offers announced but not yet made the selection: their types.
    offers: HashMap<ObjectId, Vec<String>>,
    /// The clipboard's current offer and its MIME types.
    selection: Option<(ZwlrDataControlOfferV1, Vec<String>)>,
    /// How many times the selection changed.
    changes: u64,
    /// The compositor ended our access (the seat went away).
    finished: bool,
}

pub struct WaylandClipboard {
    _conn: Connection,
    queue: EventQueue<State>,
    state: State,
    _device: ZwlrDataControlDeviceV1,
}

impl WaylandClipboard {
    pub fn open(socket: Option<&std::path::Path>) -> Result<WaylandClipboard, String> {
        let conn = match socket {
            Some(path) => std::os::unix::net::UnixStream::connect(path)
                .map_err(err)
                .and_then(|s| Connection::from_socket(s).map_err(err))?,
            None => Connection::connect_to_env().map_err(err)?,
        };
        let (globals, mut queue) = registry_queue_init::<State>(&conn).map_err(err)?;
        let qh = queue.handle();
        let manager: ZwlrDataControlManagerV1 = globals.bind(&qh, 1..=2, ()).map_err(|_| {
            "This Wayland desktop does not let apps watch the clipboard (no data-control protocol, as on GNOME); paste messages into this window instead.".to_owned()
        })?;
        let seat: wl_seat::WlSeat = globals.bind(&qh, 1..=7, ()).map_err(err)?;
        let device = manager.get_data_device(&seat, &qh, ());
        let mut state = State::default();
        queue.roundtrip(&mut state).map_err(err)?;
        Ok(WaylandClipboard {
            _conn: conn,
            queue,
            state,
            _device: device,
        })
    }

    /// Take in whatever the compositor sent, without waiting.
    fn pump(&mut self) -> Result<(), String> {
        self.queue.flush().map_err(err)?;
        if let Some(guard) = self.queue.prepare_read() {
            match guard.read() {
                Ok(_) => {}
                Err(WaylandError::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(err(e)),
            }
        }
        self.queue.dispatch_pending(&mut self.state).map_err(err)?;
        Ok(())
    }

    /// Ask the owner for `mime` and read at most `max` bytes of it,
    /// giving up after 500 ms: `(bytes, more was sent)`.
    fn receive(
        &mut self,
        offer: &ZwlrDataControlOfferV1,
        mime: &str,
        max: usize,
    ) -> Result<(Vec<u8>, bool), String> {
        let (reader, writer) = pipe_with(PipeFlags::CLOEXEC | PipeFlags::NONBLOCK).map_err(err)?;
        offer.receive(mime.to_owned(), writer.as_fd());
        self.queue.flush().map_err(err)?;
        drop(writer);
        let deadline = Instant::now() + Duration::from_millis(500);
        let mut bytes = Vec::new();
        let mut chunk = vec![0u8; 16 * 1024];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(err(
                    "the application that owns the clipboard did not answer",
                ));
            }
            let timeout = Timespec {
                tv_sec: 0,
                tv_nsec: i64::from(left.subsec_nanos()),
            };
            let mut fds = [PollFd::new(&reader, PollFlags::IN)];
            if poll(&mut fds, Some(&timeout)).map_err(err)? == 0 {
                continue;
            }
            match rustix::io::read(&reader, &mut chunk) {
                Ok(0) => return Ok((bytes, false)),
                Ok(n) => {
                    bytes.extend_from_slice(&chunk[..n]);
                    if bytes.len() > max {
                        return Ok((bytes, true));
                    }
                }
                Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => {}
                Err(e) => return Err(err(e)),
            }
        }
    }
}

/// The selection's offer and its MIME types.
pub struct WaylandOffer<'a> {
    clipboard: &'a mut WaylandClipboard,
    offer: ZwlrDataControlOfferV1,
    types: Vec<String>,
}

impl Platform for WaylandClipboard {
    const TEXT: &'static [&'static str] = TEXT_TARGETS;
    const IMAGE: &'static [&'static str] = &["image/png"];
    type Offer<'a> = WaylandOffer<'a>;

    fn change_token(&mut self) -> Option<u64> {
        self.pump().ok()?;
        (!self.state.finished).then_some(self.state.changes)
    }

    fn offer(&mut self) -> Result<Option<WaylandOffer<'_>>, String> {
        self.pump()?;
        let Some((offer, types)) = self.state.selection.clone() else {
            return Ok(None);
        };
        Ok(Some(WaylandOffer {
            clipboard: self,
            offer,
            types,
        }))
    }
}

impl Offer for WaylandOffer<'_> {
    fn formats(&self) -> &[String] {
        &self.types
    }

    fn read_text(self, mime: &str, max: usize) -> Result<Clip, String> {
        let (bytes, more) = self.clipboard.receive(&self.offer, mime, max)?;
        let total = if more {
            bytes.len().max(max + 1)
        } else {
            bytes.len()
        };
        let kept = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned();
        Ok(super::text_clip(kept, more, total, max))
    }

    /// An image (no text), for the QR codes in it.
    fn read_image(self, mime: &str) -> Result<Clip, String> {
        let (bytes, more) = self.clipboard.receive(&self.offer, mime, MAX_PNG_BYTES)?;
        Ok(if more {
            Clip::Empty
        } else {
            super::decode_png(&bytes)
        })
    }
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for State {
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

impl Dispatch<wl_seat::WlSeat, ()> for State {
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

impl Dispatch<ZwlrDataControlManagerV1, ()> for State {
    fn event(
        _: &mut Self,
        _: &ZwlrDataControlManagerV1,
        _: <ZwlrDataControlManagerV1 as Proxy>::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<ZwlrDataControlDeviceV1, ()> for State {
    fn event(
        state: &mut Self,
        _: &ZwlrDataControlDeviceV1,
        event: zwlr_data_control_device_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        use zwlr_data_control_device_v1::Event;
        match event {
            Event::DataOffer { id } => {
                state.offers.insert(id.id(), Vec::new());
            }
            Event::Selection { id } => {
                state.changes += 1;
                if let Some((old, _)) = state.selection.take() {
                    old.destroy();
                }
                state.selection = id.map(|offer| {
                    let types = state.offers.remove(&offer.id()).unwrap_or_default();
                    (offer, types)
                });
            }
            Event::PrimarySelection { id: Some(offer) } => {
                // The middle-click selection is not watched.
                state.offers.remove(&offer.id());
                offer.destroy();
            }
            Event::Finished => state.finished = true,
            _ => {}
        }
    }

    event_created_child!(State, ZwlrDataControlDeviceV1, [
        zwlr_data_control_device_v1::EVT_DATA_OFFER_OPCODE => (ZwlrDataControlOfferV1, ()),
    ]);
}

impl Dispatch<ZwlrDataControlOfferV1, ()> for State {
    fn event(
        state: &mut Self,
        offer: &ZwlrDataControlOfferV1,
        event: zwlr_data_control_offer_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let zwlr_data_control_offer_v1::Event::Offer { mime_type } = event {
            state.offers.entry(offer.id()).or_default().push(mime_type);
        }
    }
}
