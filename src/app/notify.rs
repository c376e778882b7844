//! Desktop notifications (notify-rust: D-Bus on Linux, toasts on Windows,
//! Notification Center on macOS). A notification
//! names the brand imitated and the verdict, never the copied text or
//! link: notification daemons may keep a history.

use crate::analysis::Analysis;

/// The notification's title and body for an analysis, or `None` when
/// nothing is risky.
pub fn message(analysis: &Analysis) -> Option<(String, String)> {
    let worst = analysis.links.iter().max_by_key(|l| l.verdict)?;
    if worst.verdict < crate::Verdict::Suspicious {
        return None;
    }
    let brand = worst.brand.as_ref().map(|b| b.name());
    let title = match (worst.verdict, brand) {
        (crate::Verdict::Dangerous, Some(b)) => format!("Dangerous link: imitates {b}"),
        (crate::Verdict::Dangerous, None) => "Dangerous link copied".to_owned(),
        (_, Some(b)) => format!("Suspicious link: may imitate {b}"),
        (_, None) => "Suspicious link copied".to_owned(),
    };
    let body = "Do not open it or enter a password or code. Click to see why.".to_owned();
    Some((title, body))
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
