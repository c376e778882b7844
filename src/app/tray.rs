//! The tray icon and its menu. On Linux and the BSDs it is a
//! StatusNotifierItem over D-Bus (crate `ksni`, pure Rust: no GTK to build
//! or install); KDE, GNOME with the AppIndicator extension, XFCE, Cinnamon,
//! waybar and others show it. Without a tray host the app still runs: the
//! window stays the way in and closing it quits.
//!
//! Menu clicks are forwarded as [`Action`]s through the app's channel and
//! wake the window; the tray never touches app state itself.

use std::time::Duration;

use super::icon::IconState;

/// What a tray click asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show the window.
    Open,
    /// Check what is on the clipboard now.
    CheckNow,
    /// Pause watching for a while (`None`: until resumed).
    Pause(Option<Duration>),
    /// Watch again.
    Resume,
    /// Open the report screen.
    Report,
    /// Quit the app.
    Quit,
}

/// The tray, if the session has a tray host.
pub struct Tray {
    #[cfg(all(unix, not(target_os = "macos")))]
    handle: ksni::blocking::Handle<Sni>,
}

#[cfg(all(unix, not(target_os = "macos")))]
struct Sni {
    state: IconState,
    paused: bool,
    send: Box<dyn Fn(Action) + Send>,
}

#[cfg(all(unix, not(target_os = "macos")))]
fn argb(size: u32, state: IconState) -> ksni::Icon {
    let mut data = super::icon::rgba(size, state);
    for px in data.chunks_exact_mut(4) {
        px.rotate_right(1); // RGBA -> ARGB (network byte order)
    }
    ksni::Icon {
        width: size as i32,
        height: size as i32,
        data,
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
impl ksni::Tray for Sni {
    fn id(&self) -> String {
        "second-look".into()
    }
    fn title(&self) -> String {
        "Second Look".into()
    }
    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        [22, 32, 48].iter().map(|&s| argb(s, self.state)).collect()
    }
    fn tool_tip(&self) -> ksni::ToolTip {
        let description = match self.state {
            IconState::Watching => "Watching copied links",
            IconState::Paused => "Paused: copied links are not checked",
            IconState::Warning => "A copied link looked dangerous: open Second Look",
        };
        ksni::ToolTip {
            title: "Second Look".into(),
            description: description.into(),
            ..Default::default()
        }
    }
    fn status(&self) -> ksni::Status {
        match self.state {
            IconState::Warning => ksni::Status::NeedsAttention,
            _ => ksni::Status::Active,
        }
    }
    fn activate(&mut self, _x: i32, _y: i32) {
        (self.send)(Action::Open);
    }
    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        use ksni::menu::{StandardItem, SubMenu};
        fn item(label: &str, action: Action) -> ksni::MenuItem<Sni> {
            StandardItem {
                label: label.into(),
                activate: Box::new(move |t: &mut Sni| (t.send)(action)),
                ..Default::default()
            }
            .into()
        }
        let pause: ksni::MenuItem<Sni> = if self.paused {
            item("Resume watching", Action::Resume)
        } else {
            SubMenu {
                label: "Pause watching".into(),
                submenu: vec![
                    item(
                        "For 15 minutes",
                        Action::Pause(Some(Duration::from_secs(15 * 60))),
                    ),
                    item("For 1 hour", Action::Pause(Some(Duration::from_secs(3600)))),
                    item("Until I resume", Action::Pause(None)),
                ],
                ..Default::default()
            }
            .into()
        };
        vec![
            item("Open Second Look", Action::Open),
            item("Check clipboard now", Action::CheckNow),
            pause,
            item("Report a message…", Action::Report),
            ksni::MenuItem::Separator,
            item("Quit", Action::Quit),
        ]
    }
}

impl Tray {
    /// Show the tray icon; `send` forwards menu clicks to the app.
    pub fn start(send: impl Fn(Action) + Send + 'static) -> Result<Tray, String> {
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            use ksni::blocking::TrayMethods as _;
            let sni = Sni {
                state: IconState::Watching,
                paused: false,
                send: Box::new(send),
            };
            sni.spawn()
                .map(|handle| Tray { handle })
                .map_err(|e| format!("no tray is available in this session ({e})"))
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        {
            drop(send);
            Err("the tray icon is not built for this system yet".to_owned())
        }
    }

    /// Show the state.
    pub fn set_state(&self, state: IconState, paused: bool) {
        #[cfg(all(unix, not(target_os = "macos")))]
        self.handle.update(|t| {
            t.state = state;
            t.paused = paused;
        });
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        let _ = (state, paused);
    }
}
