//! Desktop notifications (notify-rust: D-Bus on Linux, toasts on Windows,
//! Notification Center on macOS). A notification
//! names the brand imitated and the verdict, never the copied text or
//! link: notification daemons may keep a history.

use crate::analysis::Analysis;

/// The notification's title and body for an analysis, or `None` when
/// nothing is risky.
pub fn message(analysis: &Analysis) -> Option<(String, String)> {
    // Among equally bad links, one that imitates a brand names it.
    let worst = analysis
        .links
        .iter()
        .max_by_key(|l| (l.verdict, !l.on_brand_site()))?;
    if worst.verdict < crate::Verdict::Suspicious {
        return None;
    }
    let brand = worst.brand.as_ref().map(|b| b.name());
    let title = title(worst.verdict, brand, worst.on_brand_site());
    let body = "Do not open it or enter a password or code. Click to see why.".to_owned();
    Some((title, body))
}

/// The title for the worst link: the brand it imitates, or the brand's
/// own site it goes through (a page of the brand's site that leads
/// elsewhere does not imitate it).
fn title(verdict: crate::Verdict, brand: Option<&str>, through: bool) -> String {
    let dangerous = verdict == crate::Verdict::Dangerous;
    let risk = if dangerous { "Dangerous" } else { "Suspicious" };
    match brand {
        Some(b) if through => format!("{risk} link through {} site", crate::rules::possessive(b)),
        Some(b) if dangerous => format!("Dangerous link: imitates {b}"),
        Some(b) => format!("Suspicious link: may imitate {b}"),
        None => format!("{risk} link copied"),
    }
}

/// Show a notification from a helper thread (the notification service
/// is a D-Bus call, or a toast, the UI thread does not wait for);
/// `on_click` runs there when the user clicks it, `on_error` when it cannot
/// be shown (no notification daemon), for the window to come up instead.
/// An error here: the helper thread could not be started.
pub fn show(
    title: &str,
    body: &str,
    on_click: impl FnOnce() + Send + 'static,
    on_error: impl FnOnce(String) + Send + 'static,
) -> Result<(), String> {
    let mut n = notify_rust::Notification::new();
    n.appname("Second Look")
        .summary(title)
        .body(body)
        .icon("second-look")
        .timeout(notify_rust::Timeout::Milliseconds(15_000));
    #[cfg(any(windows, all(unix, not(target_os = "macos"))))]
    {
        // Critical: stays until dismissed (a "reminder" toast on Windows,
        // which needs a button).
        n.action("default", "Show why")
            .urgency(notify_rust::Urgency::Critical);
    }
    std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            #[cfg(any(windows, all(unix, not(target_os = "macos"))))]
            {
                let handle = match n.show() {
                    Ok(h) => h,
                    Err(e) => return on_error(e.to_string()),
                };
                // A click on the body or on the button.
                #[cfg(windows)]
                let _ = handle.wait_for_response(move |r: &notify_rust::NotificationResponse| {
                    if r.is_default_action()
                        || *r == notify_rust::NotificationResponse::Action("default".into())
                    {
                        on_click();
                    }
                });
                #[cfg(not(windows))]
                handle.wait_for_action(|action| {
                    if action == "default" {
                        on_click();
                    }
                });
            }
            #[cfg(not(any(windows, all(unix, not(target_os = "macos")))))]
            {
                drop(on_click);
                if let Err(e) = n.show() {
                    on_error(e.to_string());
                }
            }
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::{message, title};
    use crate::Verdict::{Dangerous, Suspicious};
    use crate::rules::testing::twilio;

    #[test]
    fn the_title_names_the_brand_imitated_or_the_brands_site_the_link_goes_through() {
        let p = twilio();
        let of = |text: &str| message(&crate::analyze(text, &p)).map(|(t, _)| t);
        assert_eq!(
            of("log in at twilio-okta.net").as_deref(),
            Some("Dangerous link: imitates Twilio")
        );
        assert_eq!(of("see twilio.com"), None);
        assert_eq!(
            title(Suspicious, Some("Twilio"), false),
            "Suspicious link: may imitate Twilio"
        );
        assert_eq!(
            title(Suspicious, Some("Twilio"), true),
            "Suspicious link through Twilio's site"
        );
        assert_eq!(
            title(Dangerous, Some("Twilio"), true),
            "Dangerous link through Twilio's site"
        );
        assert_eq!(title(Dangerous, None, false), "Dangerous link copied");
        assert_eq!(title(Suspicious, None, false), "Suspicious link copied");
    }
}
