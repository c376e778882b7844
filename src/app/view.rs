//! Drawing: reads [`App`] and forwards clicks to it. No logic lives here
//! beyond choosing words and colours.
//!
//! Design rules (docs/research on warnings): the verdict is a word and a
//! colour, never colour alone; one opinionated action ("Report") with the
//! rest de-emphasised; URLs in monospace with the registrable domain
//! emphasised; links from the analysed text are never clickable; the
//! organisation's policy card is always beside the verdict.

use egui::{Color32, FontId, RichText};

use super::{App, Watching};
use crate::Verdict;
use crate::analysis::{Analysis, LinkAnalysis};
use crate::desktop::model::{Effect, Model, Screen, Sent, Source, target_words};
use crate::desktop::settings::NotifyLevel;
use crate::report::Kind;
use crate::report::outbox::State;

/// How many points text is, before the system's scale (winit applies the
/// desktop's scale factor, e.g. GNOME's "Large text" or 200 % displays).
pub const BODY_SIZE: f32 = 15.0;

/// Larger default text (people read this in a hurry), colours that pass
/// WCAG 2.1 AA in both themes ([`text_pairs`]), and the theme: the
/// system's light or dark setting, unless `SECONDLOOK_THEME` is `light` or
/// `dark`.
pub fn install_style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        for (text_style, font) in style.text_styles.iter_mut() {
            font.size = match text_style {
                egui::TextStyle::Heading => 22.0,
                egui::TextStyle::Small => 13.0,
                _ => BODY_SIZE,
            };
        }
        style.spacing.item_spacing = egui::vec2(8.0, 8.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
    });
    ctx.style_mut_of(egui::Theme::Dark, |s| tune(&mut s.visuals, true));
    ctx.style_mut_of(egui::Theme::Light, |s| tune(&mut s.visuals, false));
    let preference = match std::env::var("SECONDLOOK_THEME").as_deref() {
        Ok("light") => egui::ThemePreference::Light,
        Ok("dark") => egui::ThemePreference::Dark,
        _ => egui::ThemePreference::System,
    };
    ctx.options_mut(|o| o.theme_preference = preference);
}

/// egui's defaults, with the text colours that fall below 4.5:1 raised.
fn tune(v: &mut egui::Visuals, dark: bool) {
    // Checkbox and button outlines: 3:1 against the panel (WCAG 1.4.11).
    let outline = if dark { 130 } else { 118 };
    v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_gray(outline));
    if dark {
        v.weak_text_color = Some(Color32::from_gray(172));
        v.widgets.noninteractive.fg_stroke.color = Color32::from_gray(200);
        v.hyperlink_color = Color32::from_rgb(120, 185, 255);
        v.error_fg_color = Color32::from_rgb(255, 138, 128);
        v.warn_fg_color = Color32::from_rgb(255, 183, 77);
    } else {
        v.weak_text_color = Some(Color32::from_gray(92));
        v.widgets.noninteractive.fg_stroke.color = Color32::from_gray(40);
        v.hyperlink_color = Color32::from_rgb(0, 86, 170);
        v.error_fg_color = Color32::from_rgb(0xb7, 0x1c, 0x1c);
        v.warn_fg_color = Color32::from_rgb(0x8a, 0x4b, 0x00);
    }
}

/// The blue of the one opinionated action ("Report", "Send").
pub const ACTION_BLUE: Color32 = Color32::from_rgb(0x1f, 0x5f, 0xa8);
/// The red of the urgent action.
pub const URGENT_RED: Color32 = Color32::from_rgb(0xb7, 0x1c, 0x1c);

/// WCAG 2.1 relative luminance of an opaque colour.
pub fn luminance(c: Color32) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.040_45 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2.1 contrast ratio (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Every text colour the window draws with its background, and whether it
/// is large text (the 3:1 threshold): what the contrast test checks.
pub fn text_pairs(v: &egui::Visuals) -> Vec<(String, Color32, Color32, bool)> {
    let mut pairs = Vec::new();
    let backgrounds = [
        ("panel", v.panel_fill),
        ("window", v.window_fill),
        ("text box", v.text_edit_bg_color()),
        ("group", v.panel_fill),
    ];
    for (bg_name, bg) in backgrounds {
        for (name, fg) in [
            ("text", v.text_color()),
            ("weak text", v.weak_text_color()),
            ("strong text", v.strong_text_color()),
            ("link", v.hyperlink_color),
            ("error", v.error_fg_color),
            ("warning", v.warn_fg_color),
        ] {
            pairs.push((format!("{name} on {bg_name}"), fg, bg, false));
        }
    }
    for (name, w) in [
        ("button", &v.widgets.inactive),
        ("hovered button", &v.widgets.hovered),
        ("pressed button", &v.widgets.active),
    ] {
        pairs.push((
            format!("{name} text"),
            w.fg_stroke.color,
            w.weak_bg_fill,
            false,
        ));
    }
    pairs.push((
        "checkbox and button outline".into(),
        v.widgets.inactive.bg_stroke.color,
        v.panel_fill,
        true,
    ));
    pairs.push((
        "selected tab".into(),
        v.selection.stroke.color,
        v.selection.bg_fill,
        false,
    ));
    for verdict in [
        Verdict::Dangerous,
        Verdict::Suspicious,
        Verdict::Unknown,
        Verdict::Safe,
    ] {
        let (word, bg, fg) = verdict_style(verdict);
        pairs.push((format!("{word} badge"), fg, bg, false));
    }
    pairs.push(("Report button".into(), Color32::WHITE, ACTION_BLUE, false));
    pairs.push(("urgent button".into(), Color32::WHITE, URGENT_RED, false));
    pairs
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

/// The verdict's shape, drawn beside its word so it is not told by colour
/// alone (red and green look alike to red-green colour-blind people):
/// a stop sign with a cross, a warning triangle, a question mark, a tick.
fn verdict_icon(ui: &mut egui::Ui, v: Verdict, size: f32, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let p = ui.painter();
    let c = rect.center();
    let r = size * 0.45;
    let stroke = egui::Stroke::new((size / 9.0).max(1.5), color);
    match v {
        Verdict::Dangerous => {
            let pts: Vec<egui::Pos2> = (0..8)
                .map(|i| {
                    let a = std::f32::consts::TAU * (i as f32 + 0.5) / 8.0;
                    c + r * egui::vec2(a.cos(), a.sin())
                })
                .collect();
            p.add(egui::Shape::closed_line(pts, stroke));
            let k = r * 0.45;
            p.line_segment([c + egui::vec2(-k, -k), c + egui::vec2(k, k)], stroke);
            p.line_segment([c + egui::vec2(-k, k), c + egui::vec2(k, -k)], stroke);
        }
        Verdict::Suspicious => {
            let pts = vec![
                c + egui::vec2(0.0, -r),
                c + egui::vec2(r, r * 0.8),
                c + egui::vec2(-r, r * 0.8),
            ];
            p.add(egui::Shape::closed_line(pts, stroke));
            p.line_segment(
                [c + egui::vec2(0.0, -r * 0.35), c + egui::vec2(0.0, r * 0.3)],
                stroke,
            );
            p.circle_filled(c + egui::vec2(0.0, r * 0.58), stroke.width * 0.7, color);
        }
        Verdict::Unknown => {
            p.circle_stroke(c, r, stroke);
            p.text(
                c,
                egui::Align2::CENTER_CENTER,
                "?",
                FontId::proportional(size * 0.7),
                color,
            );
        }
        Verdict::Safe => {
            p.circle_stroke(c, r, stroke);
            p.line(
                vec![
                    c + egui::vec2(-r * 0.5, 0.0),
                    c + egui::vec2(-r * 0.1, r * 0.4),
                    c + egui::vec2(r * 0.55, -r * 0.4),
                ],
                stroke,
            );
        }
    }
}

fn badge(ui: &mut egui::Ui, v: Verdict) {
    let (word, bg, fg) = verdict_style(v);
    egui::Frame::new()
        .fill(bg)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 4.0;
                verdict_icon(ui, v, 16.0, fg);
                ui.label(RichText::new(word).color(fg).strong());
            });
        });
}

/// The whole window.
pub fn ui(app: &mut App, ui: &mut egui::Ui) {
    let dropped = ui.ctx().input(|i| i.raw.dropped_files.clone());
    for f in dropped {
        app.drop_file(Some(f.path()), None);
    }
    egui::Panel::top("top").show(ui, |ui| top_bar(app, ui));
    // The policy card on the right, always beside the verdict; the screen
    // on the left. Split by hand: a side panel in 0.37 does not narrow a
    // central panel inside a plain `Ui`.
    let full = ui.available_rect_before_wrap();
    let card_width = (full.width() * 0.30).clamp(220.0, 340.0);
    let (left, right) = full.split_left_right_at_x(full.max.x - card_width);
    let frame = egui::Frame::central_panel(ui.style());
    ui.scope_builder(egui::UiBuilder::new().max_rect(left), |ui| {
        frame.show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            if app.model.screen == Screen::Check {
                // Scrolls its reasons itself; the actions stay in view.
                check_screen(app, ui);
                return;
            }
            egui::ScrollArea::vertical()
                .id_salt("main")
                .auto_shrink([false, false])
                .show(ui, |ui| match app.model.screen {
                    Screen::Check => {}
                    Screen::Report => report_screen(app, ui),
                    Screen::Reports => reports_screen(app, ui),
                    Screen::Settings => settings_screen(app, ui),
                    Screen::Urgent => urgent_screen(app, ui),
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
    if app.close_dialog {
        close_dialog(app, ui.ctx());
    }
}

/// No tray: closing the window asks, so protection never stops silently.
fn close_dialog(app: &mut App, ctx: &egui::Context) {
    egui::Modal::new(egui::Id::unique("close-dialog")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.label(RichText::new("Keep watching copied links?").heading());
        ui.label("This desktop shows no tray icon. If you keep watching, Second Look stays on in the background and warns you about dangerous links you copy; open this window again from Second Look in your applications menu.");
        ui.horizontal_wrapped(|ui| {
            let keep = egui::Button::new(
                RichText::new("Keep watching in the background")
                    .strong()
                    .color(Color32::WHITE),
            )
            .fill(ACTION_BLUE);
            if ui.add(keep).clicked() {
                app.apply(ui.ctx(), Effect::Hide);
            }
            if ui.button("Quit: stop watching").clicked() {
                app.apply(ui.ctx(), Effect::Quit);
            }
            if ui.button("Cancel").clicked() {
                app.close_dialog = false;
            }
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
                let effect = app.model.show_screen(screen);
                app.apply(ui.ctx(), effect);
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
                Watching::Paused(_) if ui.button("Resume watching").clicked() => {
                    app.apply(ui.ctx(), Effect::Resume);
                }
                Watching::On if ui.button("Pause 15 min").clicked() => {
                    let pause = Effect::Pause(Some(std::time::Duration::from_secs(15 * 60)));
                    app.apply(ui.ctx(), pause);
                }
                _ => {}
            }
            ui.label(RichText::new(text).weak());
        });
    });
    let error = ui.visuals().error_fg_color;
    for problem in &app.model.effective.problems {
        ui.colored_label(
            error,
            format!("Policy problem (protection continues with the last valid policy): {problem}"),
        );
    }
    if let Watching::Unavailable(why) = &app.watching {
        ui.label(RichText::new(why).weak());
    }
    if let Some(s) = &app.app_status {
        let r = ui.label(RichText::new(s).weak());
        if let Some(why) = app.status_detail.as_ref().or(app.tray_problem.as_ref()) {
            r.on_hover_text(why);
        }
    }
    ui.add_space(2.0);
}

/// `#rrggbb` (validated by the policy check) as a colour.
pub fn parse_color(s: &str) -> Option<Color32> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(hex, 16).ok()?;
    Some(Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// Pieces of an address that may each move to the next line but never
/// break inside: scheme and host as one, then each `/segment`.
pub fn address_pieces(url: &str) -> Vec<&str> {
    let host_start = url.find("://").map_or(0, |i| i + 3);
    let mut cuts = vec![0];
    for (i, c) in url.char_indices() {
        if c == '/' && i >= host_start {
            cuts.push(i);
        }
    }
    cuts.push(url.len());
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| url.get(w[0]..w[1]))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Show `pieces` in a row that wraps only between them.
fn unbroken_row(ui: &mut egui::Ui, pieces: &[(String, Color32, bool)], font: &FontId) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for (text, color, strong) in pieces {
            let mut t = RichText::new(text).font(font.clone()).color(*color);
            if *strong {
                t = t.strong();
            }
            ui.add(egui::Label::new(t).wrap_mode(egui::TextWrapMode::Extend));
        }
    });
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
    let accent = org.color.as_deref().and_then(parse_color);
    ui.horizontal(|ui| {
        if let Some(c) = accent {
            let (r, _) = ui.allocate_exact_size(egui::vec2(6.0, 28.0), egui::Sense::hover());
            ui.painter().rect_filled(r, 2.0, c);
        }
        if app.logo_texture.is_none()
            && let Some(img) = app.logo.take()
        {
            app.logo_texture = Some(ui.ctx().load_texture(
                "organization-logo",
                img,
                Default::default(),
            ));
        }
        if let Some(t) = &app.logo_texture {
            ui.add(
                egui::Image::new(t)
                    .max_height(40.0)
                    .max_width(120.0)
                    .alt_text(format!("{name} logo")),
            );
        }
        ui.label(RichText::new(&name).heading().strong());
    });
    if managed {
        let label = ["organization.never_ask", "organization.name"]
            .iter()
            .find_map(|k| model.effective.locked_label(k))
            .unwrap_or("Set by your organisation");
        ui.label(RichText::new(label).small().strong());
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
    let text = ui.visuals().text_color();
    let mut help_clicked = false;
    if let Some(sign_in) = org.sign_in.first() {
        ui.label("Sign in only at:");
        let pieces: Vec<_> = address_pieces(sign_in)
            .into_iter()
            .map(|p| (p.to_owned(), text, false))
            .collect();
        unbroken_row(ui, &pieces, &FontId::monospace(BODY_SIZE));
    }
    if org.help_contact.is_some() || org.help_url.is_some() || org.help_phone.is_some() {
        ui.separator();
        ui.label(RichText::new("Not sure? Ask your security team").strong());
        if let Some(p) = &org.help_phone {
            let hours = org
                .help_hours
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            ui.label(format!("Help desk: {p}{hours}"));
        }
        if let Some(c) = &org.help_contact {
            ui.label(c);
        }
        if let Some(u) = &org.help_url {
            // The organisation's own page, from the policy.
            help_clicked = ui.link(RichText::new(u).monospace()).clicked();
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
    let closing = if app.has_tray() {
        "Closing this window keeps Second Look watching copied links; quit it from its tray icon."
    } else {
        "Closing this window asks whether to keep watching copied links in the background."
    };
    ui.label(RichText::new(closing).small().weak());
    if help_clicked {
        let effect = app.model.open_help();
        app.apply(ui.ctx(), effect);
    }
}

/// The paste box's widget id ([`App::before_input`] asks whether it has
/// the keyboard).
pub fn paste_box_id() -> egui::Id {
    egui::Id::unique("secondlook-paste-box")
}

fn check_screen(app: &mut App, ui: &mut egui::Ui) {
    let label = ui.label(RichText::new("Paste a text message or link").strong());
    let mut response = None;
    egui::ScrollArea::vertical()
        .id_salt("paste")
        .max_height((ui.available_height() * 0.22).clamp(48.0, 110.0))
        .show(ui, |ui| {
            let edit = egui::TextEdit::multiline(&mut app.model.input)
                .id(paste_box_id())
                .hint_text("e.g. \"Your password expired, log in at …\" (Ctrl+V, or drop a text file or a QR code picture here)")
                .desired_rows(3)
                .desired_width(f32::INFINITY);
            response = Some(ui.add(edit).labelled_by(label.id));
        });
    if let Some(response) = response {
        if app.focus_paste {
            response.request_focus();
            app.focus_paste = false;
        }
        if response.changed() {
            app.model.input_edited();
        }
        response.context_menu(|ui| {
            if ui.button("Paste").clicked() {
                response.request_focus();
                ui.ctx()
                    .send_viewport_cmd(egui::ViewportCommand::RequestPaste);
                ui.close();
            }
            if ui.button("Clear").clicked() {
                app.model.clear();
                ui.close();
            }
        });
    }
    ui.horizontal(|ui| {
        match app.model.source {
            Source::Clipboard => ui.label(RichText::new("From your clipboard").weak()),
            Source::QrCode => ui.label(RichText::new("From a QR code").weak()),
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
    let analysis = shown_in_a_language_with_glyphs(ui.ctx(), analysis);
    ui.add_space(4.0);
    verdict_banner(ui, &analysis);
    ui.horizontal_wrapped(|ui| {
        let risky =
            analysis.verdict >= Verdict::Suspicious || !analysis.message_findings.is_empty();
        let report = egui::Button::new(
            RichText::new("Report this message")
                .strong()
                .color(Color32::WHITE),
        )
        .fill(ACTION_BLUE);
        if ui.add(report).clicked() {
            app.model.begin_report();
        }
        if risky {
            let words = if analysis.links.is_empty() {
                "I already replied, called or gave a code"
            } else {
                "I already opened it / typed my password or code"
            };
            let urgent = egui::Button::new(RichText::new(words).strong().color(Color32::WHITE))
                .fill(URGENT_RED);
            if ui.add(urgent).clicked() {
                app.model.begin_urgent();
            }
        }
        if analysis.verdict >= Verdict::Suspicious
            && !analysis.links.is_empty()
            && let Some(url) = app.model.real_sign_in()
        {
            let host = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| url.clone());
            if ui
                .button(format!("Go to the real sign-in page ({host})"))
                .clicked()
            {
                // The policy's sign-in page, never a link from the text.
                let effect = app.model.go_to_sign_in();
                app.apply(ui.ctx(), effect);
            }
        }
    });
    // The actions right under the verdict, the reasons scrolling below
    // them: both stay in view however long the message is.
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .id_salt("reasons")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (i, l) in analysis.links.iter().enumerate() {
                link_card(ui, i, l);
            }
            for f in &analysis.message_findings {
                ui.label(RichText::new(f.explanation()).color(ui.visuals().strong_text_color()));
            }
            for n in &analysis.notes {
                ui.label(RichText::new(n).italics().weak());
            }
        });
}

/// The analysis as shown: worded in the message's language where the
/// window has a font with every letter of its headline and sentences, in
/// English otherwise (a Japanese message on a machine without a Japanese
/// font would get a headline of boxes). The message's own text shows as the
/// system draws it either way.
fn shown_in_a_language_with_glyphs(ctx: &egui::Context, analysis: Analysis) -> Analysis {
    if !analysis.worded_in_another_language() {
        return analysis;
    }
    let font = egui::FontId::proportional(17.0);
    let mut sentences = vec![headline(&analysis)];
    sentences.extend(analysis.message_findings.iter().map(|f| f.explanation()));
    let drawable = ctx.fonts_mut(|f| sentences.iter().all(|s| f.has_glyphs(&font, s)));
    if drawable {
        analysis
    } else {
        analysis.in_english()
    }
}

/// The verdict's headline without a repeat of its word ("Dangerous: do
/// not…" under "DANGEROUS" reads "Do not…").
pub fn headline(analysis: &Analysis) -> String {
    let (word, _, _) = verdict_style(analysis.verdict);
    let explanation = analysis.explanation();
    let first = explanation.lines().next().unwrap_or_default();
    let rest = first
        .get(..word.len())
        .filter(|p| p.eq_ignore_ascii_case(word))
        .and_then(|_| first.get(word.len()..))
        .and_then(|r| r.strip_prefix(':'))
        .map(str::trim_start);
    match rest {
        Some(r) if !r.is_empty() => {
            let mut c = r.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        _ => first.to_owned(),
    }
}

fn verdict_banner(ui: &mut egui::Ui, analysis: &Analysis) {
    let (word, bg, fg) = verdict_style(analysis.verdict);
    let headline = headline(analysis);
    egui::Frame::new()
        .fill(bg)
        .corner_radius(6.0)
        .inner_margin(12)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                verdict_icon(ui, analysis.verdict, 28.0, fg);
                ui.label(RichText::new(word).size(24.0).strong().color(fg));
            });
            ui.label(RichText::new(&headline).size(17.0).color(fg));
        });
}

/// The parts of a link as shown: `(text, emphasised)`. The part that
/// decides whose address it is is emphasised: the registrable domain, or
/// for a tenant on a shared platform (`twilio.okta.com`) the tenant with
/// the platform, because `okta.com` alone says nothing about whose it is.
/// Host labels are separate pieces (a line may break after a dot, never
/// inside a name); the rest breaks before `/`, `?`, `&` and `#`.
pub fn link_pieces(l: &LinkAnalysis) -> Vec<(String, bool)> {
    let text = &l.link.text;
    let host = &l.link.written_host;
    let registrable = l.link.host.as_ref().and_then(|h| h.registrable.as_ref());
    let labels = registrable.map_or(0, |r| r.split('.').count());
    let shared = registrable.is_some_and(|r| crate::rules::hosting::is_shared_platform(r));
    let Some(start) = (!host.is_empty())
        .then(|| text.find(host.as_str()))
        .flatten()
    else {
        return vec![(text.clone(), true)];
    };
    let h = host.trim_end_matches('.');
    let end = start + h.len();
    let keep = labels + usize::from(shared && h.split('.').count() > labels);
    let mut cut = h.len();
    for _ in 0..keep {
        cut = h.get(..cut).and_then(|s| s.rfind('.')).unwrap_or(0);
    }
    let reg_start = if cut == 0 { start } else { start + cut + 1 };
    if !(text.is_char_boundary(reg_start) && text.is_char_boundary(end) && reg_start < end) {
        return vec![(text.clone(), true)];
    }
    let mut out = Vec::new();
    if let Some(prefix) = text.get(..start).filter(|p| !p.is_empty()) {
        out.push((prefix.to_owned(), false));
    }
    if let Some(sub) = text.get(start..reg_start) {
        for label in sub.split_inclusive('.') {
            out.push((label.to_owned(), false));
        }
    }
    out.push((
        text.get(reg_start..end).unwrap_or_default().to_owned(),
        true,
    ));
    let rest = text.get(end..).unwrap_or_default();
    let mut piece = String::new();
    for c in rest.chars() {
        if (matches!(c, '/' | '?' | '&' | '#') && !piece.is_empty()) || piece.len() >= 32 {
            out.push((std::mem::take(&mut piece), false));
        }
        piece.push(c);
    }
    if !piece.is_empty() {
        out.push((piece, false));
    }
    out
}

fn link_card(ui: &mut egui::Ui, index: usize, l: &LinkAnalysis) {
    egui::Frame::group(ui.style())
        .inner_margin(10)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                badge(ui, l.verdict);
                // Not a hyperlink: links from the analysed text never open.
                let weak = ui.visuals().weak_text_color();
                let strong = ui.visuals().strong_text_color();
                let pieces: Vec<_> = link_pieces(l)
                    .into_iter()
                    .map(|(t, s)| (t, if s { strong } else { weak }, s))
                    .collect();
                ui.scope(|ui| unbroken_row(ui, &pieces, &FontId::monospace(16.0)))
                    .response
                    .on_hover_text(format!("Link {}: Second Look will not open it", index + 1));
            });
            if let Some(h) = &l.link.host
                && let Some(reg) = &h.registrable
                && crate::rules::hosting::is_shared_platform(reg)
                && let Some(sub) = h.ascii.strip_suffix(reg.as_str())
                && let Some(tenant) = sub.trim_end_matches('.').rsplit('.').next()
                && !tenant.is_empty()
            {
                ui.label(
                    RichText::new(format!(
                        "{reg} is a service many companies share: what decides whose address this is, is the name in front of it, “{tenant}”."
                    ))
                    .weak(),
                );
            }
            if let Some(h) = &l.link.host
                && (h.non_ascii || h.ascii.contains("xn--") || l.link.refanged())
            {
                ui.label(
                    RichText::new(format!("Real address: {}", h.ascii))
                        .monospace()
                        .weak(),
                );
            }
            let written = l.explanation();
            let mut explanation = written.as_str();
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

fn urgent_screen(app: &mut App, ui: &mut egui::Ui) {
    ui.label(RichText::new("Act now: what to do").heading());
    let steps = app.model.what_to_do();
    egui::Frame::new()
        .stroke(egui::Stroke::new(2.0, ui.visuals().error_fg_color))
        .corner_radius(6.0)
        .inner_margin(12)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            for (i, step) in steps.iter().enumerate() {
                ui.label(RichText::new(format!("{}. {step}", i + 1)).strong());
            }
        });
    ui.add_space(6.0);
    let sent = app.model.urgent.as_ref().and_then(|u| u.sent.clone());
    let Some(sent) = sent else {
        ui.label(RichText::new("What did you do? Tick everything that applies.").strong());
        for (what, words) in crate::desktop::model::ENTERED_CHOICES {
            let mut on = app
                .model
                .urgent
                .as_ref()
                .is_some_and(|u| u.entered.contains(&what));
            if ui.checkbox(&mut on, words).changed() {
                app.model.set_entered(what, on);
            }
        }
        let label =
            ui.label("Anything else for the security team (optional): when, what you typed where");
        if let Some(u) = app.model.urgent.as_mut() {
            ui.add(
                egui::TextEdit::singleline(&mut u.note)
                    .hint_text("typed my password at 10:40, then the page went blank")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        }
        let what = if app.model.input.trim().is_empty() {
            "This sends an urgent report with what you ticked."
        } else {
            "This sends an urgent report with the message shown and what you ticked."
        };
        ui.label(RichText::new(what).weak());
        ui.horizontal_wrapped(|ui| {
            let send = egui::Button::new(
                RichText::new("Tell my security team now")
                    .strong()
                    .color(Color32::WHITE),
            )
            .fill(URGENT_RED);
            if ui.add(send).clicked() {
                let effect = app.model.send_urgent();
                app.apply(ui.ctx(), effect);
            }
            if ui.button("Back").clicked() {
                let effect = app.model.show_screen(Screen::Check);
                app.apply(ui.ctx(), effect);
            }
        });
        return;
    };
    let delivered = match &sent {
        Sent::Queued { id } => app
            .model
            .reports
            .iter()
            .find(|e| &e.report.id == id)
            .is_some_and(|e| e.delivered()),
        _ => false,
    };
    match sent {
        Sent::Queued { .. } if delivered => {
            ui.label(
                RichText::new("Your security team has been told: your urgent report reached them.")
                    .strong(),
            );
        }
        Sent::Queued { .. } => {
            ui.label(RichText::new("Your urgent report is saved on this computer and is on its way to your security team. If you are offline it waits and goes as soon as you are back online. Follow the steps above now; do not wait for it.").strong());
        }
        Sent::MailClient { .. } => {
            ui.label(RichText::new("Your urgent report is saved. Send it from your mail program now, then follow the steps above:").strong());
            if ui.button("Open my mail program").clicked() {
                let effect = app.model.open_mail_program();
                app.apply(ui.ctx(), effect);
            }
        }
        Sent::SavedOnly { path, .. } => {
            ui.label(RichText::new("Your organisation has not said where reports go. Your urgent report is saved here; call the help desk and tell them about it:").strong());
            ui.label(RichText::new(path).monospace());
        }
        Sent::Failed(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
    if ui.button("Back to the message").clicked() {
        let effect = app.model.show_screen(Screen::Check);
        app.apply(ui.ctx(), effect);
    }
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
    let technical: Vec<String> = draft.targets.iter().map(|t| t.describe()).collect();
    let r = ui.label(RichText::new(destination).strong());
    if !technical.is_empty() {
        r.on_hover_text(technical.join("\n"));
    }
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
            let effect = app.model.confirm_report();
            app.apply(ui.ctx(), effect);
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
        Some(Sent::MailClient { .. }) => {
            ui.label(
                RichText::new("Your report is saved. Send it from your mail program:").strong(),
            );
            if ui.button("Open my mail program").clicked() {
                let effect = app.model.open_mail_program();
                app.apply(ui.ctx(), effect);
            }
        }
        Some(Sent::SavedOnly { id, path }) => {
            ui.label(RichText::new("Saved on this computer — not sent. Your organisation has not said where reports go: forward it to your security team.").strong());
            ui.label(RichText::new(path).monospace());
            if let Some(c) = &app.model.policy.organization.help_contact {
                ui.label(format!("Your security team: {c}"));
            }
            ui.horizontal(|ui| {
                if ui.button("Open the folder").clicked() {
                    let effect = app.model.open_outbox_folder();
                    app.apply(ui.ctx(), effect);
                }
                if ui.button("Copy the report text").clicked() {
                    let effect = app.model.copy_report_text(&id);
                    app.apply(ui.ctx(), effect);
                }
            });
        }
        Some(Sent::Failed(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
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
        let effect = app.model.retry_now();
        app.apply(ui.ctx(), effect);
    }
    for e in &app.model.reports {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                let state = Model::state_label(e);
                if e.report.urgent {
                    ui.label(
                        RichText::new("URGENT")
                            .strong()
                            .color(ui.visuals().error_fg_color),
                    );
                }
                ui.label(RichText::new(state).strong());
                ui.label(RichText::new(local_time(&e.report.created)).weak());
                ui.label(RichText::new(e.report.subject()).monospace());
            });
            for c in &e.channels {
                let line = match (c.state, &c.last_error) {
                    (State::Delivered, _) => format!(
                        "Delivered to {}{}",
                        target_words(&c.target),
                        c.delivered_at
                            .as_deref()
                            .map(|t| format!(", {}", local_time(t)))
                            .unwrap_or_default()
                    ),
                    (State::Pending, Some(err)) => format!(
                        "Not delivered yet to {} ({}): {}",
                        target_words(&c.target),
                        attempts(c.attempts),
                        delivery_problem(err)
                    ),
                    (State::Pending, None) => {
                        format!("Waiting to go to {}", target_words(&c.target))
                    }
                    (State::Sending, _) => format!("Being sent to {}", target_words(&c.target)),
                };
                // The technical detail is for IT, on hover.
                let detail = match &c.last_error {
                    Some(err) => format!("{}: {err}", c.target.describe()),
                    None => c.target.describe(),
                };
                ui.label(line).on_hover_text(detail);
            }
        });
    }
}

/// "1 attempt", "3 attempts".
pub fn attempts(n: u32) -> String {
    if n == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{n} attempts")
    }
}

/// A delivery error in words a person can act on.
pub fn delivery_problem(err: &str) -> &'static str {
    let e = err.to_ascii_lowercase();
    let unreachable = [
        "os error",
        "refused",
        "timed out",
        "timeout",
        "dns",
        "resolve",
        "unreachable",
        "connect",
        "network",
        "no route",
        "reset",
    ];
    if e.contains("401") || e.contains("403") || e.contains("auth") || e.contains("credential") {
        "The report server did not accept Second Look's credentials; Second Look will keep trying. Tell your IT team."
    } else if unreachable.iter().any(|w| e.contains(w)) {
        "Could not reach the report server; Second Look will keep trying."
    } else {
        "The report server did not take the report yet; Second Look will keep trying."
    }
}

/// An RFC 3339 time from the outbox in this computer's time zone and the
/// user's format (see [`crate::local_time`]).
pub fn local_time(rfc3339: &str) -> String {
    crate::local_time::local(rfc3339)
}

/// The reporter's e-mail address, confirmed once (or left out by policy).
fn reporter_email_setting(app: &mut App, ui: &mut egui::Ui) {
    let label = ui.label(RichText::new("Your e-mail address in reports").strong());
    if app.model.policy.report.include_identity == Some(false) {
        ui.label("Your organisation's policy leaves your name and address out of reports.");
        return;
    }
    ui.label(
        RichText::new(
            "Your security team replies to it if they have a question about a message you reported.",
        )
        .weak(),
    );
    ui.horizontal(|ui| {
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut app.reporter_email)
                    .hint_text("ada@example.com")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
        let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Use this address").clicked() || entered {
            app.confirm_reporter_email();
        }
    });
    let in_use = match &app.reporter_email_in_use {
        Some(a) => format!("Reports give: {a}"),
        None => "Reports give no address yet: enter yours above.".to_owned(),
    };
    ui.label(RichText::new(in_use).small());
    if let Some(n) = &app.reporter_email_note {
        ui.label(RichText::new(n).italics());
    }
}

fn settings_screen(app: &mut App, ui: &mut egui::Ui) {
    ui.label(RichText::new("Settings").heading());
    let s = app.model.settings;
    // "Set by your organisation" (and how: Group Policy, a profile) per key.
    let [watch_note, login_note, notify_note] = [
        "desktop.watch_clipboard",
        "desktop.start_at_login",
        "desktop.notify",
    ]
    .map(|k| app.model.effective.locked_label(k));
    let locked_note = |ui: &mut egui::Ui, label: Option<&str>| {
        if let Some(label) = label {
            ui.label(RichText::new(label).small().weak());
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
            let effect = app.model.set_watch_clipboard(v);
            app.apply(ui.ctx(), effect);
        }
        locked_note(ui, watch_note);
    });
    ui.horizontal(|ui| {
        let mut v = if s.start_at_login.locked {
            s.start_at_login.value
        } else {
            app.model.start_at_login
        };
        if ui
            .add_enabled(
                !s.start_at_login.locked,
                egui::Checkbox::new(&mut v, "Start Second Look when I log in"),
            )
            .changed()
        {
            let effect = app.model.set_start_at_login(v);
            app.apply(ui.ctx(), effect);
        }
        locked_note(ui, login_note);
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
            let effect = app.model.set_notify(level);
            app.apply(ui.ctx(), effect);
        }
        locked_note(ui, notify_note);
    });
    ui.separator();
    reporter_email_setting(app, ui);
    ui.separator();
    ui.label(RichText::new("Policy in effect").strong());
    let layers: Vec<String> = app
        .model
        .effective
        .layers
        .iter()
        .rev()
        .map(|l| match l {
            crate::policy::layers::Source::Builtin => "Second Look's built-in rules".to_owned(),
            crate::policy::layers::Source::User(p) => format!("your own file {}", p.display()),
            crate::policy::layers::Source::Managed(p) => {
                format!("your organisation's policy {}", p.display())
            }
            crate::policy::layers::Source::Feed(url) => {
                format!("your organisation's indicator feed {url}")
            }
        })
        .collect();
    ui.label(format!(
        "Rules in use, the first one winning: {}.",
        layers.join("; then ")
    ));
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
