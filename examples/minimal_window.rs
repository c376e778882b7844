//! The baseline for the app's memory benchmark: an eframe window built with
//! exactly the app's eframe features (glow, x11, wayland, accesskit,
//! default fonts), showing one label. `scripts/bench-app` compares
//! Second Look's resident memory with this one's.

#![allow(clippy::unwrap_used, clippy::expect_used)] // an example: a panic is the error message

fn main() -> eframe::Result {
    eframe::run_native(
        "Minimal eframe window",
        eframe::NativeOptions {
            viewport: egui::ViewportBuilder::default()
                .with_title("Minimal eframe window")
                .with_inner_size([980.0, 700.0]),
            ..Default::default()
        },
        Box::new(|_cc| Ok(Box::new(Minimal))),
    )
}

struct Minimal;

impl eframe::App for Minimal {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default_margins().show(ui, |ui| {
            ui.label("Hello");
        });
    }
}
