//! The desktop window, headless (egui_kittest, through the AccessKit tree
//! a screen reader sees): the incident SMS, a safe link, the report flow,
//! locked settings, and secret clipboard content.

use egui::accesskit;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use secondlook::app::{App, Event, view};
use secondlook::desktop::clipboard::WatchEvent;
use secondlook::desktop::model::Model;
use secondlook::policy::layers::{Locations, load};
use secondlook::report::outbox::Outbox;

const INCIDENT: &str =
    "Twilio IT: your password expired. Log in at twilio-okta.net to keep access.";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(extra_policy: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let policy = format!(
            "{}\n[report]\nemail = \"phishing@twilio.example\"\n{extra_policy}",
            std::fs::read_to_string(crate::data("twilio.toml")).unwrap()
        );
        std::fs::write(dir.path().join("policy.toml"), policy).unwrap();
        Fixture { dir }
    }

    /// A policy that says nowhere where reports go.
    fn without_destination() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(crate::data("twilio.toml"), dir.path().join("policy.toml")).unwrap();
        Fixture { dir }
    }

    /// With `lines` added to the policy's `[organization]`.
    fn with_organization(lines: &str, extra_policy: &str) -> Fixture {
        let f = Fixture::new(extra_policy);
        let p = f.dir.path().join("policy.toml");
        let policy = std::fs::read_to_string(&p).unwrap().replacen(
            "[organization]\n",
            &format!("[organization]\n{lines}\n"),
            1,
        );
        std::fs::write(&p, policy).unwrap();
        f
    }

    fn app(&self) -> App {
        let eff = load(&Locations {
            managed: vec![self.dir.path().join("policy.toml")],
            user: vec![],
            data_dir: None,
        });
        assert!(eff.problems.is_empty(), "{:?}", eff.problems);
        App::offline(Model::new(eff, Some(self.outbox())))
    }

    fn outbox(&self) -> Outbox {
        Outbox::new(&self.dir.path().join("data"))
    }
}

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1000.0, 800.0))
        .build_ui_state(
            |ui, app: &mut App| {
                view::install_style(ui.ctx());
                view::ui(app, ui);
            },
            app,
        )
}

fn paste(h: &mut Harness<'static, App>, text: &str) {
    let input = h.get_by_label("Paste a text message or link");
    input.focus();
    h.run();
    h.get_by_label("Paste a text message or link")
        .type_text(text);
    h.run();
}

#[test]
fn the_incident_sms_is_dangerous_names_twilio_and_shows_the_policy_card() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    assert_eq!(
        h.state().model.analysis.as_ref().map(|a| a.verdict),
        Some(secondlook::Verdict::Dangerous)
    );
    // The verdict in words (not colour alone), the reason naming the brand,
    // "Did you mean", the real sign-in page, and the policy card.
    h.get_by_label_contains("Do not open the link");
    assert_eq!(
        h.query_all_by_label_contains("DANGEROUS").count(),
        2,
        "banner and badge"
    );
    h.get_by_label_contains("twilio-okta.net is not Twilio's: it adds “-okta” to Twilio's name");
    h.get_by_label("twilio.com?");
    h.get_by_label("Go to the real sign-in page (twilio.okta.com)");
    h.get_by_label_contains("Twilio will never ask for your password or 2FA code");
    h.get_by_label("Set by your organisation");
    h.get_by_label("Report this message");
    // The link is shown, in monospace, but is not a link anyone can click.
    let shown = h.get_by_label("twilio-okta.net");
    assert_ne!(shown.accesskit_node().role(), accesskit::Role::Link);
    assert!(h.query_all_by_role(accesskit::Role::Link).all(|n| {
        !n.accesskit_node()
            .label()
            .unwrap_or_default()
            .contains("twilio-okta")
    }));
}

#[test]
fn a_link_to_an_owned_domain_is_safe_and_an_unknown_one_is_not() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, "https://www.twilio.com/en-us/security");
    h.get_by_label_contains("The link goes to a domain the policy lists as owned (Twilio)");
    assert!(h.query_by_label_contains("DANGEROUS").is_none());
    h.get_by_label("Clear").click();
    h.run();
    paste(&mut h, "see example.org");
    h.get_by_label_contains("Unknown is not safe");
    assert!(h.query_by_label_contains("SAFE").is_none());
}

#[test]
fn report_preview_cancel_then_send() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    h.get_by_label("Report this message").click();
    h.run();
    h.get_by_label_contains("This is exactly what will be sent");
    h.get_by_label_contains("Subject: Phishing: Second Look report – twilio-okta.net");
    h.get_by_label_contains("addressed to phishing@twilio.example");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(f.outbox().list().0.is_empty(), "cancel saves nothing");
    h.get_by_label_contains("Do not open the link");

    h.get_by_label("Report this message").click();
    h.run();
    let note = h.get_by_label("Note for the security team (optional): who sent it, when");
    note.focus();
    h.run();
    h.get_by_label("Note for the security team (optional): who sent it, when")
        .type_text("from +1 555 0100");
    h.run();
    h.get_by_label_contains("Note from the reporter: from +1 555 0100");
    h.get_by_label("Send report").click();
    h.run();
    let (entries, errors) = f.outbox().list();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(entries.len(), 1);
    let r = &entries[0].report;
    assert_eq!(r.note.as_deref(), Some("from +1 555 0100"));
    assert_eq!(r.text, INCIDENT);
    h.get_by_label("Open my mail program");
}

#[test]
fn with_nowhere_to_send_the_report_is_saved_not_sent() {
    let f = Fixture::without_destination();
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    h.get_by_label("Report this message").click();
    h.run();
    h.get_by_label_contains("it will be saved on this computer, not sent");
    assert!(h.query_by_label("Send report").is_none(), "nothing is sent");
    h.get_by_label("Save report").click();
    h.run();
    h.get_by_label_contains(
        "Saved on this computer — not sent. Your organisation has not said where reports go",
    );
    h.get_by_label("Open the folder");
    h.get_by_label("Copy the report text");
    assert_eq!(
        h.get_all_by_label("Saved on this computer — not sent")
            .count(),
        1,
        "the list entry"
    );
    assert!(h.query_by_label("Delivered").is_none());
    assert_eq!(f.outbox().list().0.len(), 1);
}

#[test]
fn settings_the_organisation_locked_are_shown_disabled() {
    let f = Fixture::new("[desktop]\nwatch_clipboard = true\nnotify = \"dangerous\"\n");
    let mut h = harness(f.app());
    h.get_by_label("Settings").click();
    h.run();
    let watch = h.get_by_label("Watch the clipboard for links");
    assert!(watch.accesskit_node().is_disabled());
    assert!(
        h.get_by_label("Dangerous links only")
            .accesskit_node()
            .is_disabled()
    );
    // Start at login is not locked by this policy.
    assert!(
        !h.get_by_label("Start Second Look when I log in")
            .accesskit_node()
            .is_disabled()
    );
    assert_eq!(
        h.get_all_by_label("Set by your organisation").count(),
        3,
        "card + two settings"
    );
}

#[test]
fn secret_clipboard_content_is_not_shown_or_kept() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(&ctx, Event::Watch(WatchEvent::SkippedSecret));
    h.run();
    h.get_by_label_contains("marked secret by a password manager, so it was not read");
    assert!(h.state().model.input.is_empty());
    assert!(h.state().model.analysis.is_none());
}

#[test]
fn a_risky_copied_link_replaces_the_view_and_turns_the_icon_red() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    let policy = h.state().model.policy.clone();
    let analysis = secondlook::analyze("twilio-sso.com", &policy);
    let ctx = h.ctx.clone();
    h.state_mut().handle(
        &ctx,
        Event::Watch(WatchEvent::Checked {
            text: "twilio-sso.com".into(),
            analysis: Box::new(analysis),
            origin: secondlook::desktop::clipboard::Origin::Text,
        }),
    );
    h.run();
    assert!(h.state().warning);
    h.get_by_label("From your clipboard");
    h.get_by_label_contains("Do not open the link");
}

#[test]
fn the_policy_card_sits_beside_the_verdict_inside_the_window() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    let card = h.get_by_label_contains("Twilio will never ask").rect();
    let verdict = h.get_by_label_contains("Do not open the link").rect();
    let input = h.get_by_label("Paste a text message or link").rect();
    assert!(
        card.min.x > verdict.max.x && card.min.x > input.max.x,
        "{card:?} {verdict:?} {input:?}"
    );
    assert!(card.max.x <= 1000.0, "{card:?}");
}

#[test]
fn the_report_button_is_reachable_and_usable_with_the_keyboard() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    // Escape leaves the text box (Tab types a tab there), then Tab walks
    // the controls in order.
    h.key_press(egui::Key::Escape);
    h.run();
    let mut reached = false;
    for _ in 0..12 {
        h.key_press(egui::Key::Tab);
        h.run();
        if h.get_by_label("Report this message").is_focused() {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab never reached the report button");
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label_contains("This is exactly what will be sent");
}

#[test]
fn i_already_typed_it_shows_what_to_do_at_once_and_sends_an_urgent_report() {
    let f = Fixture::with_organization("help_phone = \"+1 555 0100\"\nhelp_hours = \"24/7\"", "");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    h.get_by_label("I already opened it / typed my password or code")
        .click();
    h.run();
    // The steps are there before anything is ticked or sent (offline too).
    h.get_by_label_contains("Call the help desk now: +1 555 0100 (24/7).");
    h.get_by_label_contains("Change your password now at https://twilio.okta.com");
    assert!(
        f.outbox().list().0.is_empty(),
        "nothing sent without a click"
    );
    h.get_by_label("I typed my password").click();
    h.run();
    h.get_by_label("I approved a sign-in request on my phone")
        .click();
    h.run();
    h.get_by_label_contains("signing in as you right now");
    h.get_by_label("Tell my security team now").click();
    h.run();
    let (entries, errors) = f.outbox().list();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(entries.len(), 1);
    let r = &entries[0].report;
    assert!(r.urgent);
    assert_eq!(
        r.entered,
        vec![
            secondlook::report::Entered::Password,
            secondlook::report::Entered::ApprovedPush
        ]
    );
    assert_eq!(r.text, INCIDENT);
    // Only a mailbox in this policy: the mail program finishes the job,
    // and the steps stay on screen.
    h.get_by_label_contains("Your urgent report is saved");
    h.get_by_label("Open my mail program");
    h.get_by_label_contains("Call the help desk now: +1 555 0100 (24/7).");
}

#[test]
fn screen_readers_get_names_for_the_verdict_the_reasons_and_every_button() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    assert_eq!(
        h.get_all_by_label("DANGEROUS").count(),
        2,
        "banner and badge"
    );
    h.get_by_label_contains("Do not open the link");
    h.get_by_label_contains("twilio-okta.net is not Twilio's");
    for name in [
        "Report this message",
        "I already opened it / typed my password or code",
        "Go to the real sign-in page (twilio.okta.com)",
        "Clear",
        "Check a message",
        "My reports",
        "Settings",
    ] {
        let node = h.get_by_label(name);
        assert_eq!(
            node.accesskit_node().role(),
            accesskit::Role::Button,
            "{name}"
        );
    }
    // The verdict word is said once, not "DANGEROUS" then "Dangerous:".
    assert!(h.query_by_label_contains("Dangerous:").is_none());
}

#[test]
fn every_text_colour_passes_wcag_aa_in_the_light_and_the_dark_theme() {
    assert!((view::contrast(egui::Color32::BLACK, egui::Color32::WHITE) - 21.0).abs() < 1e-6);
    assert!((view::contrast(egui::Color32::GRAY, egui::Color32::GRAY) - 1.0).abs() < 1e-9);
    let ctx = egui::Context::default();
    view::install_style(&ctx);
    let mut failures = Vec::new();
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        let visuals = ctx.style_of(theme).visuals.clone();
        for (name, fg, bg, large) in view::text_pairs(&visuals) {
            let ratio = view::contrast(fg, bg);
            let needed = if large { 3.0 } else { 4.5 };
            if ratio < needed {
                failures.push(format!("{theme:?}: {name} {ratio:.2}:1 < {needed}:1"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_tenant_on_a_shared_platform_is_emphasised_with_its_platform_and_domains_do_not_break() {
    let policy = crate::twilio();
    let a = secondlook::analyze("https://twilio.okta.com/app/sso?x=1", &policy);
    let pieces = view::link_pieces(&a.links[0]);
    let strong: Vec<_> = pieces
        .iter()
        .filter(|(_, s)| *s)
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(strong, ["twilio.okta.com"], "{pieces:?}");
    let a = secondlook::analyze("https://login.secure.twilio-okta.net/a/b", &policy);
    let pieces: Vec<_> = view::link_pieces(&a.links[0]);
    assert_eq!(
        pieces,
        [
            ("https://".to_owned(), false),
            ("login.".to_owned(), false),
            ("secure.".to_owned(), false),
            ("twilio-okta.net".to_owned(), true),
            ("/a".to_owned(), false),
            ("/b".to_owned(), false),
        ]
    );
    assert_eq!(
        view::address_pieces("https://twilio.okta.com/app/x"),
        ["https://twilio.okta.com", "/app", "/x"]
    );
}

#[test]
fn the_reports_screen_speaks_plainly_about_a_server_it_cannot_reach() {
    let f = Fixture::new("\n[[report.webhook]]\nurl = \"http://127.0.0.1:9/report\"\n");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    h.get_by_label("Report this message").click();
    h.run();
    h.get_by_label("Send report").click();
    h.run();
    // One attempt against a closed port (what the background thread does).
    secondlook::report::deliver::send_due(&f.outbox(), true);
    h.state_mut().model.refresh_reports();
    h.run();
    h.get_by_label_contains(
        "(1 attempt): Could not reach the report server; Second Look will keep trying.",
    );
    h.get_by_label_contains("your security team's reporting system");
    let created = f.outbox().list().0[0].report.created.clone();
    let iso_date = created.get(..11).unwrap().to_owned(); // "2026-12-01T"
    for internal in ["os error", "127.0.0.1", "attempts)", iso_date.as_str()] {
        assert!(
            h.query_by_label_contains(internal).is_none(),
            "{internal:?} is shown"
        );
    }
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label_contains("Rules in use, the first one winning: your organisation's policy");
    assert!(h.query_by_label_contains(" < ").is_none());
}

#[test]
fn the_close_dialog_keeps_watching_unless_the_user_quits() {
    let f = Fixture::new("");
    let mut app = f.app();
    app.close_dialog = true;
    let mut h = harness(app);
    h.run();
    h.get_by_label_contains("Keep watching copied links?");
    h.get_by_label("Quit: stop watching");
    h.get_by_label("Keep watching in the background").click();
    h.run();
    assert!(!h.state().close_dialog);
    assert!(
        h.query_by_label_contains("Keep watching copied links?")
            .is_none()
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_dropped_qr_picture_and_a_dropped_text_file_are_checked() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    let png = f.dir.path().join("qr.png");
    std::fs::write(
        &png,
        crate::wayland_clipboard::qr_png("https://twilio-okta.net/login"),
    )
    .unwrap();
    h.state_mut().drop_file(Some(&png), None);
    h.run();
    h.get_by_label("From a QR code");
    h.get_by_label_contains("Do not open the link");
    let txt = f.dir.path().join("sms.txt");
    std::fs::write(&txt, "see example.org").unwrap();
    h.state_mut().drop_file(Some(&txt), None);
    h.run();
    h.get_by_label_contains("Unknown is not safe");
    let bin = f.dir.path().join("x.bin");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x81]).unwrap();
    h.state_mut().drop_file(Some(&bin), None);
    h.run();
    h.get_by_label_contains("this file is neither");
}

#[cfg(target_os = "linux")]
#[test]
fn the_logo_is_a_small_png_from_a_file_or_a_data_uri_and_nothing_else() {
    use base64::Engine as _;
    let png = crate::wayland_clipboard::qr_png("logo");
    let uri = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    assert!(secondlook::policy::check_logo(&uri).is_ok());
    let img = secondlook::app::load_logo(&uri).expect("a PNG data URI is shown");
    assert!(img.size[0] > 0 && img.size[1] > 0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logo.png");
    std::fs::write(&file, &png).unwrap();
    assert!(secondlook::app::load_logo(file.to_str().unwrap()).is_some());
    // Not a PNG, too big, a web address, a relative path: refused.
    std::fs::write(&file, b"GIF89a").unwrap();
    assert!(secondlook::app::load_logo(file.to_str().unwrap()).is_none());
    std::fs::write(&file, vec![0u8; 300 << 10]).unwrap();
    assert!(secondlook::policy::logo_bytes(file.to_str().unwrap()).is_err());
    for bad in [
        "https://example.com/logo.png",
        "logo.png",
        "/etc/logo.gif",
        "data:image/gif;base64,R0lGOD",
        "data:image/png;base64,!!!",
    ] {
        assert!(secondlook::policy::check_logo(bad).is_err(), "{bad}");
    }
    // The policy check says so, with the line.
    let problems = secondlook::policy::validate::check(
        "[organization]\nlogo = \"https://example.com/logo.png\"\n",
        "p.toml",
    );
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("does not download logos")),
        "{problems:?}"
    );
}

#[test]
fn in_a_small_window_a_long_text_keeps_the_verdict_and_the_actions_in_view() {
    let f = Fixture::new("");
    let (w, h_px) = (700.0, 460.0);
    let mut h = Harness::builder()
        .with_size(egui::vec2(w, h_px))
        .build_ui_state(
            |ui, app: &mut App| {
                view::install_style(ui.ctx());
                view::ui(app, ui);
            },
            f.app(),
        );
    let long = "Twilio IT: your password expired and your schedule changed. Log in at twilio-okta.net to keep access, or use the backup page https://login.secure.twilio-sso.com/reset/account?user=you&ref=sms. Questions: twilio.okta.com/help. Also see twilio-help.com, twilio-support.net and authy-verify.com. Reply STOP to opt out, see bit.ly/3xYz.";
    paste(&mut h, long);
    h.run();
    h.run();
    for name in [
        "Report this message",
        "I already opened it / typed my password or code",
    ] {
        let r = h.get_by_label(name).rect();
        assert!(
            r.max.y <= h_px && r.min.y >= 0.0 && r.max.x <= w,
            "{name}: {r:?}"
        );
    }
    let banner = h
        .get_by_label("Do not open the link, reply or enter anything.")
        .rect();
    assert!(banner.max.y < h_px, "{banner:?}");
}

#[test]
fn a_managed_policy_emptied_while_running_is_shown_and_its_last_valid_version_kept() {
    let f = Fixture::new("[indicators]\nblocked = [\"twilio-help.net\"]\n");
    let managed = f.dir.path().join("policy.toml");
    let data = f.dir.path().join("data");
    let watched = managed.clone();
    // The app's policy-watch thread: a Watcher polled, its Effective sent as
    // an event.
    let (mut w, first) = secondlook::policy::layers::Watcher::new(move || Locations {
        managed: secondlook::policy::layers::expand(&watched),
        user: vec![],
        data_dir: Some(data.clone()),
    });
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let mut h = harness(App::offline(Model::new(first, Some(f.outbox()))));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&managed, "").unwrap();
    let eff = w.poll().expect("the truncation is noticed");
    let ctx = h.ctx.clone();
    h.state_mut().handle(&ctx, Event::Policy(Box::new(eff)));
    h.run();
    h.get_by_label_contains("is empty (0 bytes)");
    h.get_by_label_contains("Protection continues with the last valid version");
    paste(&mut h, "Reset at https://twilio-help.net/now");
    assert_eq!(
        h.state().model.analysis.as_ref().map(|a| a.verdict),
        Some(secondlook::Verdict::Dangerous),
        "the managed indicator is still in force"
    );
    paste(&mut h, INCIDENT);
    h.get_by_label_contains("Do not open the link");
}

#[test]
fn the_reporter_confirms_their_e_mail_address_once_in_settings() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    h.get_by_label("Settings").click();
    h.run();
    let field = "Your e-mail address in reports";
    let type_in = |h: &mut Harness<'static, App>, text: &str| {
        h.state_mut().reporter_email.clear();
        h.get_by_label(field).focus();
        h.run();
        h.get_by_label(field).type_text(text);
        h.run();
        h.get_by_label("Use this address").click();
        h.run();
    };
    type_in(&mut h, "ada at twilio");
    h.get_by_label_contains(
        "Not saved: \"ada at twilio\" is not an e-mail address like ada@example.com",
    );
    let kept = f
        .dir
        .path()
        .join("data")
        .join(secondlook::report::REPORTER_EMAIL_FILE);
    assert!(!kept.exists(), "an invalid address is not kept");
    type_in(&mut h, " ada@twilio.example ");
    h.get_by_label("Saved. Your reports now give ada@twilio.example as the address to reply to.");
    h.get_by_label("Reports give: ada@twilio.example");
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "ada@twilio.example\n"
    );
    // Confirmed once: the next start shows it, and reports carry it (the
    // command line reads the same place).
    let mut h = harness(f.app());
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label("Reports give: ada@twilio.example");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_secondlook"))
        .args(["report", "--json", "--policy"])
        .arg(f.dir.path().join("policy.toml"))
        .arg("log in at twilio-okta.net")
        .env("SECONDLOOK_DATA_DIR", f.dir.path().join("data"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["reporter"]["email"], "ada@twilio.example");
    // Where a works council has the identity left out, there is no field.
    let f = Fixture::new("include_identity = false\n");
    let mut h = harness(f.app());
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label("Your organisation's policy leaves your name and address out of reports.");
    assert!(h.query_by_label("Use this address").is_none());
}

/// The verdict is worded in the message's language where the window can
/// draw its letters, and in English where it cannot: the harness has only
/// egui's built-in fonts (Latin, no Japanese), as a machine without a
/// Japanese font, so a Japanese message gets an English headline instead of
/// boxes, and a Spanish one keeps its Spanish headline.
#[test]
fn the_verdict_falls_back_to_english_where_no_font_has_the_message_s_letters() {
    let f = Fixture::new("");
    // The pasted text itself shows as boxes, as it would on such a machine.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 800.0))
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, app: &mut App| {
                view::install_style(ui.ctx());
                view::ui(app, ui);
            },
            f.app(),
        );
    paste(
        &mut h,
        "Twilio IT: パスワードの有効期限が切れました。今すぐ https://twilio-okta.net でログインしてください",
    );
    let analysis = h.state().model.analysis.clone();
    assert!(
        analysis
            .as_ref()
            .is_some_and(|a| a.worded_in_another_language())
    );
    assert!(
        analysis.is_some_and(|a| a.explanation().contains("リンクを開かないでください")),
        "the analysis itself is worded in Japanese"
    );
    h.get_by_label_contains("Do not open the link");
    assert!(
        h.query_by_label_contains("リンクを開かないでください")
            .is_none()
    );
    h.get_by_label("Clear").click();
    h.run();
    paste(
        &mut h,
        "Twilio TI: su contraseña caduca hoy. Entre en https://twilio-okta.net para mantenerla.",
    );
    h.get_by_label_contains("no abra el enlace");
}
