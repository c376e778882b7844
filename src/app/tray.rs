//! The tray icon and its menu. On Linux and the BSDs it is a
//! StatusNotifierItem over D-Bus (crate `ksni`, pure Rust: no GTK to build
//! or install); KDE, GNOME with the AppIndicator extension, XFCE, Cinnamon,
//! waybar and others show it. On Windows (notification area) and macOS
//! (menu bar) it is tauri's `tray-icon`, created on the UI thread, which
//! runs the event loop those systems need. Without a tray host the app
//! still runs: the launcher brings the running copy's window forward
//! ([`crate::desktop::instance`]) and closing the window asks whether to
//! keep watching.
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
    /// "I already opened it / typed my password or code": the urgent screen.
    Urgent,
    /// Quit the app.
    Quit,
}

/// The tray, if the session has a tray host.
pub struct Tray {
    /// The icon's state, for the `tray-update` thread: ksni's update waits
    /// for the tray's D-Bus service, which the UI thread must not.
    #[cfg(all(unix, not(target_os = "macos")))]
    updates: std::sync::mpsc::Sender<(IconState, bool)>,
    #[cfg(any(windows, target_os = "macos"))]
    native: native::NativeTray,
}

/// The menu, the same on every system: `(id, label, action)`; the pause
/// entries form a submenu.
const MENU: [(&str, &str, Action); 5] = [
    ("open", "Open Second Look", Action::Open),
    ("check", "Check clipboard now", Action::CheckNow),
    ("report", "Report a message…", Action::Report),
    (
        "urgent",
        "I already opened a link or typed my password…",
        Action::Urgent,
    ),
    ("quit", "Quit", Action::Quit),
];
const PAUSE_MENU: &[(&str, &str, Action)] = &[
    (
        "pause-15m",
        "For 15 minutes",
        Action::Pause(Some(Duration::from_secs(15 * 60))),
    ),
    (
        "pause-1h",
        "For 1 hour",
        Action::Pause(Some(Duration::from_secs(3600))),
    ),
    ("pause", "Until I resume", Action::Pause(None)),
];
const RESUME: (&str, &str, Action) = ("resume", "Resume watching", Action::Resume);

/// The tooltip for a state.
fn describe(state: IconState) -> &'static str {
    match state {
        IconState::Watching => "Watching copied links",
        IconState::Paused => "Paused: copied links are not checked",
        IconState::Warning => "A copied link looked dangerous: open Second Look",
    }
}

/// The action behind a menu id.
#[cfg_attr(all(unix, not(target_os = "macos")), allow(dead_code))]
fn action_for(id: &str) -> Option<Action> {
    MENU.iter()
        .chain(PAUSE_MENU)
        .chain(std::iter::once(&RESUME))
        .find(|(i, _, _)| *i == id)
        .map(|&(_, _, a)| a)
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
        ksni::ToolTip {
            title: "Second Look".into(),
            description: describe(self.state).into(),
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
        fn item(&(_, label, action): &(&str, &str, Action)) -> ksni::MenuItem<Sni> {
            StandardItem {
                label: label.into(),
                activate: Box::new(move |t: &mut Sni| (t.send)(action)),
                ..Default::default()
            }
            .into()
        }
        let pause: ksni::MenuItem<Sni> = if self.paused {
            item(&RESUME)
        } else {
            SubMenu {
                label: "Pause watching".into(),
                submenu: PAUSE_MENU.iter().map(item).collect(),
                ..Default::default()
            }
            .into()
        };
        let [open, check, report, urgent, quit] = &MENU;
        vec![
            item(open),
            item(check),
            pause,
            item(report),
            item(urgent),
            ksni::MenuItem::Separator,
            item(quit),
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
            let handle = sni
                .spawn()
                .map_err(|e| format!("no tray is available in this session ({e})"))?;
            let (updates, states) = std::sync::mpsc::channel::<(IconState, bool)>();
            std::thread::Builder::new()
                .name("tray-update".into())
                .spawn(move || {
                    while let Ok((state, paused)) = states.recv() {
                        handle.update(|t| {
                            t.state = state;
                            t.paused = paused;
                        });
                    }
                })
                .map_err(|e| format!("the tray icon cannot be updated ({e})"))?;
            Ok(Tray { updates })
        }
        #[cfg(any(windows, target_os = "macos"))]
        {
            native::NativeTray::start(send).map(|native| Tray { native })
        }
        #[cfg(not(any(unix, windows)))]
        {
            drop(send);
            Err("the tray icon is not built for this system".to_owned())
        }
    }

    /// Show the state.
    pub fn set_state(&self, state: IconState, paused: bool) {
        #[cfg(all(unix, not(target_os = "macos")))]
        let _ = self.updates.send((state, paused));
        #[cfg(any(windows, target_os = "macos"))]
        self.native.set_state(state, paused);
        #[cfg(not(any(unix, windows)))]
        let _ = (state, paused);
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod native {
    use std::sync::{Arc, Mutex};

    use tray_icon::menu::{IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
    use tray_icon::{
        Icon, MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent,
    };

    use super::{Action, IconState, MENU, PAUSE_MENU, RESUME, action_for, describe};

    fn icon(state: IconState) -> Result<Icon, String> {
        let size = 32;
        Icon::from_rgba(crate::app::icon::rgba(size, state), size, size).map_err(|e| e.to_string())
    }

    /// The app's click forwarder, shared by the menu and icon handlers
    /// (which must be `Sync`).
    type Forward = Arc<Mutex<Box<dyn Fn(Action) + Send>>>;

    pub struct NativeTray {
        icon: TrayIcon,
        pause: Submenu,
        resume: MenuItem,
        shown: Mutex<(IconState, bool)>,
    }

    fn item(&(id, label, _): &(&str, &str, Action)) -> MenuItem {
        MenuItem::with_id(id, label, true, None)
    }

    impl NativeTray {
        pub fn start(send: impl Fn(Action) + Send + 'static) -> Result<NativeTray, String> {
            let fail =
                |e: &dyn std::fmt::Display| format!("no tray is available in this session ({e})");
            let [open, check, report, urgent, quit] = MENU.map(|m| item(&m));
            let pause_items: Vec<MenuItem> = PAUSE_MENU.iter().map(item).collect();
            let pause_refs: Vec<&dyn IsMenuItem> =
                pause_items.iter().map(|i| i as &dyn IsMenuItem).collect();
            let pause =
                Submenu::with_items("Pause watching", true, &pause_refs).map_err(|e| fail(&e))?;
            let resume = item(&RESUME);
            resume.set_enabled(false);
            let menu = Menu::with_items(&[
                &open,
                &check,
                &pause,
                &resume,
                &report,
                &urgent,
                &PredefinedMenuItem::separator(),
                &quit,
            ])
            .map_err(|e| fail(&e))?;
            let icon = TrayIconBuilder::new()
                .with_id("second-look")
                .with_tooltip(format!("Second Look: {}", describe(IconState::Watching)))
                .with_icon(icon(IconState::Watching)?)
                .with_menu(Box::new(menu))
                .with_menu_on_left_click(false)
                .build()
                .map_err(|e| fail(&e))?;
            // The handlers run on the UI thread's event loop; they only
            // forward the click to the app's channel.
            let send: Forward = Arc::new(Mutex::new(Box::new(send)));
            let on_menu = Arc::clone(&send);
            MenuEvent::set_event_handler(Some(move |e: MenuEvent| {
                if let (Some(a), Ok(send)) = (action_for(e.id().as_ref()), on_menu.lock()) {
                    send(a);
                }
            }));
            TrayIconEvent::set_event_handler(Some(move |e: TrayIconEvent| {
                let open = matches!(
                    e,
                    TrayIconEvent::Click {
                        button: MouseButton::Left,
                        button_state: MouseButtonState::Up,
                        ..
                    } | TrayIconEvent::DoubleClick { .. }
                );
                if open && let Ok(send) = send.lock() {
                    send(Action::Open);
                }
            }));
            Ok(NativeTray {
                icon,
                pause,
                resume,
                shown: Mutex::new((IconState::Watching, false)),
            })
        }

        pub fn set_state(&self, state: IconState, paused: bool) {
            let Ok(mut shown) = self.shown.lock() else {
                return;
            };
            if *shown == (state, paused) {
                return;
            }
            *shown = (state, paused);
            if let Ok(i) = icon(state) {
                let _ = self.icon.set_icon(Some(i));
            }
            let _ = self
                .icon
                .set_tooltip(Some(format!("Second Look: {}", describe(state))));
            self.pause.set_enabled(!paused);
            self.resume.set_enabled(paused);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_id_is_unique_and_leads_to_its_action() {
        let all: Vec<_> = MENU
            .iter()
            .chain(PAUSE_MENU)
            .chain(std::iter::once(&RESUME))
            .collect();
        for (id, label, action) in &all {
            assert_eq!(action_for(id), Some(*action), "{id} ({label})");
        }
        let mut ids: Vec<_> = all.iter().map(|(id, _, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate menu ids");
        assert_eq!(action_for("unknown"), None);
        // The menu, in words.
        let labels: Vec<_> = all.iter().map(|(_, l, _)| *l).collect();
        assert_eq!(
            labels,
            [
                "Open Second Look",
                "Check clipboard now",
                "Report a message…",
                "I already opened a link or typed my password…",
                "Quit",
                "For 15 minutes",
                "For 1 hour",
                "Until I resume",
                "Resume watching"
            ]
        );
    }
}
