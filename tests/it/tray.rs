//! The tray icon, end to end: the real app (`secondlook --background`) on a
//! private X server and session bus, with this test playing the desktop's
//! StatusNotifierWatcher and tray host. The app must register its item,
//! expose its title, state and icon, and its menu must work: "Open Second
//! Look" shows the window, "Quit" ends the process.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::support::{Bin, wait_for};

#[derive(Default, Clone)]
struct Watcher {
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        self.items
            .lock()
            .unwrap()
            .push((sender, service.to_owned()));
    }
    fn register_status_notifier_host(&self, _service: &str) {}
    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .unwrap()
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    }
    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }
    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// Menu labels and ids, depth first.
fn items(layout: &Layout, out: &mut Vec<(i32, String)>) {
    if let Some(Ok(label)) = layout.1.get("label").map(|v| String::try_from(v.clone())) {
        out.push((layout.0, label));
    }
    for child in &layout.2 {
        let inner = Value::from(child.clone());
        let inner = match inner {
            Value::Value(v) => *v,
            v => v,
        };
        if let Ok(child) = Layout::try_from(OwnedValue::try_from(inner).unwrap()) {
            items(&child, out);
        }
    }
}

fn window_visible(display: &str) -> bool {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Second Look$"])
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_tray_registers_shows_state_and_its_menu_opens_and_quits() {
    let (Some(x), Some(bus)) = (crate::session::xvfb(), crate::session::bus()) else {
        crate::skip("needs Xvfb and dbus-daemon (.ci/run installs them)");
        return;
    };
    if Command::new("xdotool").arg("version").output().is_err() {
        crate::skip("needs xdotool (.ci/run installs it)");
        return;
    }
    let watcher = Watcher::default();
    let conn = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.kde.StatusNotifierWatcher")
        .unwrap()
        .serve_at("/StatusNotifierWatcher", watcher.clone())
        .unwrap()
        .build()
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut app = Bin::desktop(
        &x.display,
        &bus.address,
        &crate::data("twilio.toml"),
        dir.path(),
    )
    .arg("--background")
    .spawn();

    let (sender, service) = wait_for("the item to register", Duration::from_secs(20), || {
        watcher.items.lock().unwrap().first().cloned()
    });
    let dest = if service.starts_with('/') {
        sender.clone()
    } else {
        service.clone()
    };
    let path = if service.starts_with('/') {
        service.clone()
    } else {
        "/StatusNotifierItem".to_owned()
    };
    let item = zbus::blocking::Proxy::new(
        &conn,
        dest.as_str(),
        path.as_str(),
        "org.kde.StatusNotifierItem",
    )
    .unwrap();
    assert_eq!(item.get_property::<String>("Title").unwrap(), "Second Look");
    assert_eq!(item.get_property::<String>("Status").unwrap(), "Active");
    let icons: Vec<(i32, i32, Vec<u8>)> = item.get_property("IconPixmap").unwrap();
    assert!(
        icons
            .iter()
            .any(|(w, h, px)| *w == 32 && *h == 32 && px.len() == 32 * 32 * 4),
        "icon sizes"
    );
    assert!(
        !window_visible(&x.display),
        "--background starts without a window"
    );

    let menu_path: OwnedObjectPath = item.get_property("Menu").unwrap();
    let menu = zbus::blocking::Proxy::new(
        &conn,
        dest.as_str(),
        menu_path.as_str(),
        "com.canonical.dbusmenu",
    )
    .unwrap();
    let (_rev, layout): (u32, Layout) = menu
        .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
        .unwrap();
    let mut labels = Vec::new();
    items(&layout, &mut labels);
    let names: Vec<&str> = labels.iter().map(|(_, l)| l.as_str()).collect();
    for expected in [
        "Open Second Look",
        "Check clipboard now",
        "Pause watching",
        "For 15 minutes",
        "For 1 hour",
        "Until I resume",
        "Report a message…",
        "I already opened a link or typed my password…",
        "Quit",
    ] {
        assert!(names.contains(&expected), "{expected:?} not in {names:?}");
    }
    let id = |name: &str| {
        labels
            .iter()
            .find(|(_, l)| l == name)
            .map(|(i, _)| *i)
            .unwrap()
    };
    let click = |id: i32| {
        let _: () = menu
            .call("Event", &(id, "clicked", Value::I32(0), 0u32))
            .unwrap();
    };

    click(id("Open Second Look"));
    wait_for("the window to open", Duration::from_secs(10), || {
        window_visible(&x.display).then_some(())
    });

    click(id("Quit"));
    let status = wait_for("the app to quit", Duration::from_secs(10), || {
        app.try_wait().unwrap()
    });
    assert!(status.success(), "{status:?}");
}
