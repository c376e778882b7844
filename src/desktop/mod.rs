//! What the desktop app does, without drawing anything: the clipboard
//! watcher ([`clipboard`]), the user's settings and how the organisation
//! locks them ([`settings`]), start-at-login ([`autostart`]) and the
//! window's model ([`model`]: the text being checked, its verdict, the
//! report being prepared). The egui window (`src/app`, feature `gui`) only
//! shows this state and forwards clicks, so all of it is tested without a
//! display.

pub mod autostart;
pub mod clipboard;
pub mod instance;
pub mod model;
pub mod settings;
