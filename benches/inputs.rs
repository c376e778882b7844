//! Deterministic inputs shared by the benchmarks and the profiling example.

/// About 1 MB of chat-like text with a link every few lines, some lookalikes.
pub fn clipboard_text(bytes: usize) -> String {
    let lines = [
        "Hi team, the notes from today's meeting are below, see https://docs.example.com/notes?id=42.",
        "Reminder: the quarterly review is on Thursday at 10am in the big room.",
        "Your password expires today, log in at twilio-sso.com to keep access.",
        "Thanks! I'll send the slides to it-support@example.org later (after lunch).",
        "Check www.example.co.uk and hxxps[:]//bad-site[.]net/x before the call.",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
    ];
    let mut out = String::with_capacity(bytes + 128);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(lines[i % lines.len()]);
        out.push('\n');
        i += 1;
    }
    out
}

/// `n` domains for the bulk path: lookalikes, real names and random words, deterministic.
pub fn domains(n: usize) -> Vec<String> {
    let words = [
        "secure", "login", "portal", "shop", "news", "blue", "river", "cloud", "data", "mail",
    ];
    let brands = ["twilio", "sendgrid", "authy", "example", "acme", "contoso"];
    let tlds = ["com", "net", "org", "io", "co.uk", "de", "info"];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let r = next();
            let w = words[(r % words.len() as u64) as usize];
            let b = brands[((r >> 8) % brands.len() as u64) as usize];
            let t = tlds[((r >> 16) % tlds.len() as u64) as usize];
            match (r >> 24) % 4 {
                0 => format!("{b}-{w}.{t}"),
                1 => format!("{w}{}.{t}", (r >> 32) % 1000),
                2 => format!("{b}.{t}"),
                _ => format!("www.{w}-{w}.{t}"),
            }
        })
        .collect()
}

/// About 1 MB of the patterns that were slow before they were fixed:
/// invisible characters, defanged links, nested brackets, look-alike dots.
pub fn worst_case(bytes: usize) -> String {
    let unit = "\u{200B}[.]hxxps[:]//tw\u{200B}ilio-okta[[.]]net (x) [ [ \u{3002} ] ] twilio.com@evil.example ";
    let mut out = String::with_capacity(bytes + unit.len());
    while out.len() < bytes {
        out.push_str(unit);
    }
    out
}
