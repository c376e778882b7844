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
    h.get_by_label_contains("Dangerous: do not open the link");
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
    h.get_by_label_contains("Safe: the link goes to a domain the policy lists as owned (Twilio)");
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
    h.get_by_label_contains("Dangerous: do not open the link");

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
    h.get_by_label_contains("Dangerous: do not open the link");
}

#[test]
fn the_policy_card_sits_beside_the_verdict_inside_the_window() {
    let f = Fixture::new("");
    let mut h = harness(f.app());
    paste(&mut h, INCIDENT);
    let card = h.get_by_label_contains("Twilio will never ask").rect();
    let verdict = h
        .get_by_label_contains("Dangerous: do not open the link")
        .rect();
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
    h.get_by_label_contains("Dangerous: do not open the link");
}
