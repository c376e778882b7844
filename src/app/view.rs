//! Drawing: reads [`App`] and forwards clicks to it. No logic lives here
//! beyond choosing words and colours.
//!
//! Design rules (docs/research on warnings): the verdict is a word and a
//! colour, never colour alone; one opinionated action ("Report") with the
//! rest de-emphasised; URLs in monospace with the registrable domain
//! emphasised; links from the analysed text are never clickable; the
//! organisation's policy card is always beside the verdict.

use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, TextFormat};

use super::{App, Watching};
use crate::Verdict;
use crate::analysis::{Analysis, LinkAnalysis};
use crate::desktop::model::{Model, Screen, Sent, Source};
use crate::desktop::settings::NotifyLevel;
use crate::report::Kind;
use crate::report::outbox::State;

/// Larger default text: people read this in a hurry.
pub fn install_style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        for (text_style, font) in style.text_styles.iter_mut() {
            font.size = match text_style {
                egui::TextStyle::Heading => 22.0,
                egui::TextStyle::Small => 12.0,
                _ => 15.0,
            };
        }
        style.spacing.item_spacing = egui::vec2(8.0, 8.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
    });
}

/// The verdict's word and colours (background, text). The word carries
/// the meaning; the colour repeats it.
pub fn verdict_style(v: Verdict) -> (&'static str, Color32, Color32) {
    match v {
        Verdict::Dangerous => (
            "DANGEROUS",
            Color32::from_rgb(0xb7, 0x1c, 0x1c),
            Color32::WHITE,
        ),
        Verdict::Suspicious => (
            "SUSPICIOUS",
            Color32::from_rgb(0xf0, 0xa0, 0x00),
            Color32::BLACK,
        ),
        Verdict::Unknown => (
            "UNKNOWN",
            Color32::from_rgb(0x54, 0x63, 0x78),
            Color32::WHITE,
        ),
        Verdict::Safe => ("SAFE", Color32::from_rgb(0x2e, 0x7d, 0x32), Color32::WHITE),
    }
}

fn badge(ui: &mut egui::Ui, v: Verdict) {
    let (word, bg, fg) = verdict_style(v);
    egui::Frame::new()
        .fill(bg)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(word).color(fg).strong());
        });
}

/// The whole window.
pub fn ui(app: &mut App, ui: &mut egui::Ui) {
    egui::Panel::top("top").show(ui, |ui| top_bar(app, ui));
    // The policy card on the right, always beside the verdict; the screen
    // on the left. Split by hand: a side panel in 0.37 does not narrow a
    // central panel inside a plain `Ui`.
    let full = ui.available_rect_before_wrap();
    let card_width = (full.width() * 0.32).clamp(220.0, 320.0);
    let (left, right) = full.split_left_right_at_x(full.max.x - card_width);
    let frame = egui::Frame::central_panel(ui.style());
    ui.scope_builder(egui::UiBuilder::new().max_rect(left), |ui| {
        frame.show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("main")
                .auto_shrink([false, false])
                .show(ui, |ui| match app.model.screen {
                    Screen::Check => check_screen(app, ui),
                    Screen::Report => report_screen(app, ui),
                    Screen::Reports => reports_screen(app, ui),
                    Screen::Settings => settings_screen(app, ui),
                });
        });
    });
    ui.scope_builder(egui::UiBuilder::new().max_rect(right), |ui| {
        egui::Frame::side_top_panel(ui.style())
            .inner_margin(12)
            .show(ui, |ui| {
                ui.set_min_size(ui.available_size());
                egui::ScrollArea::vertical()
                    .id_salt("card")
                    .auto_shrink([false, false])
                    .show(ui, |ui| policy_card(app, ui));
            });
    });
}

fn top_bar(app: &mut App, ui: &mut egui::Ui) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Second Look").heading().strong());
        ui.separator();
        let screens = [
            (Screen::Check, "Check a message"),
            (Screen::Reports, "My reports"),
            (Screen::Settings, "Settings"),
        ];
        for (screen, label) in screens {
            if ui
                .selectable_label(app.model.screen == screen, label)
                .clicked()
            {
                if screen == Screen::Reports {
                    app.model.refresh_reports();
                }
                app.model.screen = screen;
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let text = match &app.watching {
                Watching::On => "Watching copied links".to_owned(),
                Watching::Paused(None) => "Paused until you resume".to_owned(),
                Watching::Paused(Some(t)) => {
                    let mins = t
                        .saturating_duration_since(std::time::Instant::now())
                        .as_secs()
                        .div_ceil(60);
                    format!("Paused for {mins} more min")
                }
                Watching::Off => "Not watching the clipboard".to_owned(),
                Watching::Unavailable(_) => "Clipboard watch unavailable".to_owned(),
            };
            match &app.watching {
                Watching::Paused(_) if ui.button("Resume watching").clicked() => app.resume(),
                Watching::On if ui.button("Pause 15 min").clicked() => {
                    app.pause(Some(std::time::Duration::from_secs(15 * 60)));
                }
                _ => {}
            }
            ui.label(RichText::new(text).weak());
        });
    });
    for problem in &app.model.effective.problems {
        ui.colored_label(
            Color32::from_rgb(0xb7, 0x1c, 0x1c),
            format!("Policy problem (protection continues with the last valid policy): {problem}"),
        );
    }
    if let Watching::Unavailable(why) = &app.watching {
        ui.label(RichText::new(why).weak());
    }
    if let Some(s) = &app.app_status {
        let r = ui.label(RichText::new(s).weak());
        if let Some(why) = &app.tray_problem {
            r.on_hover_text(why);
        }
    }
    ui.add_space(2.0);
}

fn policy_card(app: &mut App, ui: &mut egui::Ui) {
    let model = &app.model;
    let org = &model.policy.organization;
    let managed = model.effective.is_locked("organization.never_ask")
        || model.effective.is_locked("organization.name");
    ui.add_space(6.0);
    let name = if org.name.trim().is_empty() {
        "Your security rules".to_owned()
    } else {
        org.name.clone()
    };
    ui.label(RichText::new(name).heading().strong());
    if managed {
        ui.label(RichText::new("Set by your organisation").small().strong());
    } else if org.name.trim().is_empty() {
        ui.label(
            RichText::new("General advice: your organisation has not configured Second Look.")
                .small()
                .weak(),
        );
    }
    ui.separator();
    for promise in &org.never_ask {
        ui.label(RichText::new(format!("• {promise}")).strong());
    }
    if let Some(sign_in) = org.sign_in.first() {
        ui.label("Sign in only at:");
        ui.label(RichText::new(sign_in).monospace());
    }
    if org.help_contact.is_some() || org.help_url.is_some() {
        ui.separator();
        ui.label(RichText::new("Not sure? Ask your security team").strong());
        if let Some(c) = &org.help_contact {
            ui.label(c);
        }
        if let Some(u) = &org.help_url {
            // The organisation's own page, from the policy.
            if ui.link(RichText::new(u).monospace()).clicked() {
                let _ = super::open_external(u);
            }
        }
    }
    ui.separator();
    ui.label(
        RichText::new(
            "Second Look never opens the links it checks; it looks at them on this computer only.",
        )
        .small()
        .weak(),
    );
}

fn check_screen(app: &mut App, ui: &mut egui::Ui) {
    let label = ui.label(RichText::new("Paste a text message or link").strong());
    let edit = egui::TextEdit::multiline(&mut app.model.input)
        .hint_text("e.g. \"Your password expired, log in at …\"")
        .desired_rows(4)
        .desired_width(f32::INFINITY);
    let response = ui.add(edit).labelled_by(label.id);
    if response.changed() {
        app.model.input_edited();
    }
    ui.horizontal(|ui| {
        match app.model.source {
            Source::Clipboard => ui.label(RichText::new("From your clipboard").weak()),
            Source::QrCode => ui.label(RichText::new("From a QR code in a copied image").weak()),
            Source::Pasted => ui.label(""),
        };
        if !app.model.input.is_empty() && ui.small_button("Clear").clicked() {
            app.model.clear();
        }
    });
    if let Some(s) = &app.model.status {
        ui.label(RichText::new(s).italics());
    }
    let Some(analysis) = app.model.analysis.clone() else {
        ui.add_space(12.0);
        ui.label(RichText::new("Copy a link or paste a message and Second Look explains whether it imitates your organisation or a well-known brand.").weak());
        return;
    };
    ui.add_space(6.0);
    verdict_banner(ui, &analysis);
    for (i, l) in analysis.links.iter().enumerate() {
        link_card(ui, i, l);
    }
    for f in &analysis.message_findings {
        ui.label(RichText::new(&f.explanation).color(ui.visuals().strong_text_color()));
    }
    for n in &analysis.notes {
        ui.label(RichText::new(n).italics().weak());
    }
    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        let risky = analysis.verdict >= Verdict::Suspicious;
        let report = egui::Button::new(
            RichText::new("Report this message")
                .strong()
                .color(Color32::WHITE),
        )
        .fill(Color32::from_rgb(0x1f, 0x5f, 0xa8));
        if ui.add(report).clicked() {
            app.model.begin_report();
        }
        if risky && let Some(url) = app.model.real_sign_in() {
            let host = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| url.clone());
            if ui
                .button(format!("Go to the real sign-in page ({host})"))
                .clicked()
            {
                // The policy's sign-in page, never a link from the text.
                if let Err(e) = super::open_external(&url) {
                    app.app_status = Some(e);
                }
            }
        }
    });
}

fn verdict_banner(ui: &mut egui::Ui, analysis: &Analysis) {
    let (word, bg, fg) = verdict_style(analysis.verdict);
    let headline = analysis.explanation.lines().next().unwrap_or_default();
    egui::Frame::new()
        .fill(bg)
        .corner_radius(6.0)
        .inner_margin(12)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(word).size(24.0).strong().color(fg));
            ui.label(RichText::new(headline).size(16.0).color(fg));
        });
}

/// The link as written, monospace, with its registrable domain emphasised
/// and the rest greyed.
pub fn link_job(ui: &egui::Ui, l: &LinkAnalysis) -> LayoutJob {
    let font = FontId::monospace(16.0);
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    let text = &l.link.text;
    let mut job = LayoutJob::default();
    let fmt = |color| TextFormat {
        font_id: font.clone(),
        color,
        ..Default::default()
    };
    let host = &l.link.written_host;
    let labels = l
        .link
        .host
        .as_ref()
        .and_then(|h| h.registrable.as_ref())
        .map_or(0, |r| r.split('.').count());
    let span = (!host.is_empty())
        .then(|| text.find(host.as_str()))
        .flatten()
        .map(|start| {
            let h = host.trim_end_matches('.');
            let mut cut = h.len();
            for _ in 0..labels {
                cut = h.get(..cut).and_then(|s| s.rfind('.')).unwrap_or(0);
            }
            let reg_start = if cut == 0 { start } else { start + cut + 1 };
            (reg_start, start + h.len())
        });
    match span {
        Some((a, b)) if a < b && text.is_char_boundary(a) && text.is_char_boundary(b) => {
            job.append(text.get(..a).unwrap_or(""), 0.0, fmt(weak));
            job.append(text.get(a..b).unwrap_or(""), 0.0, fmt(strong));
            job.append(text.get(b..).unwrap_or(""), 0.0, fmt(weak));
        }
        _ => job.append(text, 0.0, fmt(strong)),
    }
    job
}

fn link_card(ui: &mut egui::Ui, index: usize, l: &LinkAnalysis) {
    egui::Frame::group(ui.style())
        .inner_margin(10)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                badge(ui, l.verdict);
                // Not a hyperlink: links from the analysed text never open.
                ui.label(link_job(ui, l))
                    .on_hover_text(format!("Link {}: Second Look will not open it", index + 1));
            });
            if let Some(h) = &l.link.host
                && (h.non_ascii || h.ascii.contains("xn--") || l.link.refanged())
            {
                ui.label(
                    RichText::new(format!("Real address: {}", h.ascii))
                        .monospace()
                        .weak(),
                );
            }
            let mut explanation = l.explanation.as_str();
            if let Some(d) = &l.did_you_mean {
                explanation = explanation
                    .trim_end_matches(&format!(" Did you mean {d}?"))
                    .trim_end();
            }
            ui.label(RichText::new(explanation).color(ui.visuals().strong_text_color()));
            if let Some(d) = &l.did_you_mean {
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Did you mean").strong());
                    ui.label(RichText::new(format!("{d}?")).monospace().strong());
                });
            }
        });
}

fn report_screen(app: &mut App, ui: &mut egui::Ui) {
    ui.label(RichText::new("Report this message to your security team").heading());
    let destination = app.model.destination();
    let send_label = app.model.send_label();
    let Some(draft) = app.model.draft.as_mut() else {
        app.model.screen = Screen::Check;
        return;
    };
    ui.label("This is exactly what will be sent. Nothing else from this computer or your clipboard is included.");
    let mut kind = draft.report.kind;
    ui.horizontal(|ui| {
        ui.radio_value(
            &mut kind,
            Kind::Phishing,
            "Phishing: it wants a password, code or money",
        );
        ui.radio_value(&mut kind, Kind::Junk, "Just spam");
    });
    let label = ui.label("Note for the security team (optional): who sent it, when");
    let mut note = draft.report.note.clone().unwrap_or_default();
    let changed = ui
        .add(
            egui::TextEdit::singleline(&mut note)
                .hint_text("came from +1 555 0100, claimed to be IT")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .changed();
    ui.checkbox(
        &mut draft.show_json,
        "Show the exact data that is sent (JSON)",
    );
    let preview = if draft.show_json {
        serde_json::to_string_pretty(&draft.report).unwrap_or_default()
    } else {
        format!(
            "Subject: {}\n\n{}",
            draft.report.subject(),
            draft.report.readable()
        )
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("preview")
            .max_height(260.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(RichText::new(preview).monospace().size(13.0));
            });
    });
    ui.label(RichText::new(destination).strong());
    if kind != draft.report.kind {
        app.model.set_kind(kind);
    }
    if changed {
        app.model.set_note(&note);
    }
    ui.horizontal(|ui| {
        let send = egui::Button::new(RichText::new(send_label).strong().color(Color32::WHITE))
            .fill(Color32::from_rgb(0x1f, 0x5f, 0xa8));
        if ui.add(send).clicked() {
            app.send_report();
        }
        if ui.button("Cancel").clicked() {
            app.model.cancel_report();
        }
    });
}

fn reports_screen(app: &mut App, ui: &mut egui::Ui) {
    ui.label(RichText::new("My reports").heading());
    match app.model.sent.clone() {
        Some(Sent::Queued { .. }) => {
            ui.label(RichText::new("Your report is saved and on its way. It is kept here until your security team's systems accept it, even if you are offline or restart.").strong());
        }
        Some(Sent::MailClient { mailto, .. }) => {
            ui.label(
                RichText::new("Your report is saved. Send it from your mail program:").strong(),
            );
            if ui.button("Open my mail program").clicked()
                && let Err(e) = super::open_external(&mailto)
            {
                app.app_status = Some(e);
            }
        }
        Some(Sent::SavedOnly { id, path }) => {
            ui.label(RichText::new("Saved on this computer — not sent. Your organisation has not said where reports go: forward it to your security team.").strong());
            ui.label(RichText::new(path).monospace());
            if let Some(c) = &app.model.policy.organization.help_contact {
                ui.label(format!("Your security team: {c}"));
            }
            ui.horizontal(|ui| {
                if ui.button("Open the folder").clicked()
                    && let Some(o) = &app.model.outbox
                    && let Err(e) = super::open_folder(o.dir())
                {
                    app.app_status = Some(e);
                }
                if ui.button("Copy the report text").clicked()
                    && let Some(text) = app.model.report_text(&id)
                {
                    ui.ctx().copy_text(text);
                }
            });
        }
        Some(Sent::Failed(e)) => {
            ui.colored_label(Color32::from_rgb(0xb7, 0x1c, 0x1c), e);
        }
        None => {}
    }
    if let Some(paused) = crate::report::deliver::paused() {
        ui.colored_label(Color32::from_rgb(0xb7, 0x1c, 0x1c), paused);
    }
    if let Some(thanks) = app.model.thank_you() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(thanks).strong());
        });
    }
    ui.separator();
    if app.model.reports.is_empty() {
        ui.label(RichText::new("No reports yet.").weak());
    }
    let pending = app.model.reports.iter().any(|e| !e.delivered());
    if pending && ui.button("Retry now").clicked() {
        app.retry_now();
    }
    for e in &app.model.reports {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                let state = Model::state_label(e);
                ui.label(RichText::new(state).strong());
                ui.label(RichText::new(&e.report.created).weak());
                ui.label(RichText::new(e.report.subject()).monospace());
            });
            for c in &e.channels {
                let line = match (c.state, &c.last_error) {
                    (State::Delivered, _) => format!(
                        "Delivered to {}: {}",
                        c.target.describe(),
                        c.delivered_at.clone().unwrap_or_default()
                    ),
                    (State::Pending, Some(err)) => format!(
                        "Not yet delivered to {} ({} attempts): {err}",
                        c.target.describe(),
                        c.attempts
                    ),
                    (State::Pending, None) => format!("Waiting: {}", c.target.describe()),
                };
                ui.label(line);
            }
        });
    }
}

fn settings_screen(app: &mut App, ui: &mut egui::Ui) {
    ui.label(RichText::new("Settings").heading());
    let s = app.settings;
    let locked_note = |ui: &mut egui::Ui, locked: bool| {
        if locked {
            ui.label(RichText::new("Set by your organisation").small().weak());
        }
    };
    ui.horizontal(|ui| {
        let mut v = s.watch_clipboard.value;
        if ui
            .add_enabled(
                !s.watch_clipboard.locked,
                egui::Checkbox::new(&mut v, "Watch the clipboard for links"),
            )
            .changed()
        {
            app.set_watch_clipboard(v);
        }
        locked_note(ui, s.watch_clipboard.locked);
    });
    ui.horizontal(|ui| {
        let mut v = if s.start_at_login.locked {
            s.start_at_login.value
        } else {
            app.autostart.enabled()
        };
        if ui
            .add_enabled(
                !s.start_at_login.locked,
                egui::Checkbox::new(&mut v, "Start Second Look when I log in"),
            )
            .changed()
        {
            app.set_start_at_login(v);
        }
        locked_note(ui, s.start_at_login.locked);
    });
    ui.label("Notify me about copied links that are:");
    ui.horizontal(|ui| {
        let mut level = s.notify.value;
        for l in [
            NotifyLevel::Suspicious,
            NotifyLevel::Dangerous,
            NotifyLevel::Off,
        ] {
            ui.add_enabled_ui(!s.notify.locked, |ui| {
                ui.radio_value(&mut level, l, l.label());
            });
        }
        if level != s.notify.value {
            app.set_notify(level);
        }
        locked_note(ui, s.notify.locked);
    });
    ui.separator();
    ui.label(RichText::new("Policy in effect").strong());
    let layers: Vec<String> = app
        .model
        .effective
        .layers
        .iter()
        .map(ToString::to_string)
        .collect();
    ui.label(format!("Layers (lowest first): {}", layers.join(" < ")));
    ui.label(format!(
        "{} brands protected; version {}",
        app.model.policy.brands.len(),
        crate::VERSION
    ));
    if let Some(o) = &app.model.outbox {
        ui.label(format!("Reports are kept in {}", o.dir().display()));
    }
    ui.label(RichText::new("Text size: Ctrl + and Ctrl − (Cmd on a Mac).").weak());
}
