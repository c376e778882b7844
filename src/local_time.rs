//! Times a person reads: in the computer's time zone and in the user's own
//! date and time format, never the RFC 3339 UTC text the outbox and the
//! wire formats keep.
//!
//! The user's format is the one their system is set to: on Windows the
//! short date and time of the Region settings (`sShortDate`,
//! `sShortTime` under `HKCU\Control Panel\International`); elsewhere the
//! locale that sets how times are written (`LC_ALL`, `LC_TIME`, `LANG`),
//! as the numeric date order, separators and 12- or 24-hour clock of that
//! language and country. Only numbers and the AM/PM mark are printed, so
//! no month or day name needs translating. Without a preference (the `C`
//! locale) it is "Tue 1 Dec 2026, 21:40".

/// The format used when the system states none (`C`, `POSIX`, unset).
const NEUTRAL: &str = "%a %-d %b %Y, %H:%M";

/// An RFC 3339 time (`2026-12-01T20:40:00Z`) in this computer's time zone
/// and the user's format ("01.12.2026, 21:40" in Germany, "12/1/2026,
/// 9:40 PM" in the US); the text as stored when it cannot be read.
pub fn local(rfc3339: &str) -> String {
    in_zone(
        rfc3339,
        &jiff::tz::TimeZone::system(),
        &user_pattern(),
        false,
    )
}

/// Like [`local`], followed by the offset from UTC ("01.12.2026, 21:40
/// (UTC+01:00)"): for text read on another computer (the report body the
/// security team reads).
pub fn local_with_offset(rfc3339: &str) -> String {
    in_zone(
        rfc3339,
        &jiff::tz::TimeZone::system(),
        &user_pattern(),
        true,
    )
}

/// `rfc3339` in `tz` with the strftime `pattern`, the offset after it when
/// asked; the text itself when it is not a time.
pub fn in_zone(rfc3339: &str, tz: &jiff::tz::TimeZone, pattern: &str, offset: bool) -> String {
    let Ok(t) = rfc3339.parse::<jiff::Timestamp>() else {
        return rfc3339.to_owned();
    };
    let z = t.to_zoned(tz.clone());
    let mut s = jiff::fmt::strtime::format(pattern, &z)
        .or_else(|_| jiff::fmt::strtime::format(NEUTRAL, &z))
        .unwrap_or_else(|_| rfc3339.to_owned());
    if offset && let Ok(o) = jiff::fmt::strtime::format("%:z", &z) {
        s.push_str(&format!(" (UTC{o})"));
    }
    s
}

/// The strftime pattern of the user's date and time format.
pub fn user_pattern() -> String {
    #[cfg(windows)]
    if let Some(p) = windows_pattern() {
        return p;
    }
    let locale = ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|l| !l.trim().is_empty()));
    locale_pattern(locale.as_deref().unwrap_or("")).to_owned()
}

/// The Region settings' short date and short time, converted.
#[cfg(windows)]
fn windows_pattern() -> Option<String> {
    let key = winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER)
        .open_subkey("Control Panel\\International")
        .ok()?;
    let date: String = key.get_value("sShortDate").ok()?;
    let time: String = key
        .get_value("sShortTime")
        .or_else(|_| key.get_value("sTimeFormat"))
        .ok()?;
    Some(format!(
        "{} {}",
        windows_picture(&date),
        windows_picture(&time)
    ))
}

/// A Windows date or time picture (`dd.MM.yyyy`, `h:mm tt`, `'de' MMMM`)
/// as a strftime pattern. Letters it does not know are kept as text.
pub fn windows_picture(picture: &str) -> String {
    let chars: Vec<char> = picture.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\'' {
            // Quoted text, '' inside being a quote.
            i += 1;
            while let Some(&q) = chars.get(i) {
                i += 1;
                if q == '\'' {
                    if chars.get(i) == Some(&'\'') {
                        out.push('\'');
                        i += 1;
                        continue;
                    }
                    break;
                }
                push_literal(&mut out, q);
            }
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        i += run;
        let spec = match (c, run) {
            ('d', 1) => "%-d",
            ('d', 2) => "%d",
            ('d', 3) => "%a",
            ('d', _) => "%A",
            ('M', 1) => "%-m",
            ('M', 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('y', 1 | 2) => "%y",
            ('y', _) => "%Y",
            ('g', _) => "",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('t', _) => "%p",
            _ => {
                for _ in 0..run {
                    push_literal(&mut out, c);
                }
                continue;
            }
        };
        out.push_str(spec);
    }
    out.trim().to_owned()
}

fn push_literal(out: &mut String, c: char) {
    if c == '%' {
        out.push_str("%%");
    } else {
        out.push(c);
    }
}

/// The numeric date and time format of a POSIX locale name
/// (`de_DE.UTF-8`, `en_US`, `ja_JP.eucJP@x`): the date order, separator and
/// clock that language and country write (CLDR's short forms, with
/// four-digit years).
pub fn locale_pattern(locale: &str) -> &'static str {
    let name = locale
        .split(['.', '@'])
        .next()
        .unwrap_or("")
        .replace('-', "_");
    let (lang, country) = match name.split_once('_') {
        Some((l, c)) => (l.to_ascii_lowercase(), c.to_ascii_uppercase()),
        None => (name.to_ascii_lowercase(), String::new()),
    };
    const US: &str = "%-m/%-d/%Y, %-I:%M %p";
    const DMY_DOTS: &str = "%d.%m.%Y, %H:%M";
    const DMY_SLASHES: &str = "%d/%m/%Y, %H:%M";
    const YMD_DASHES: &str = "%Y-%m-%d %H:%M";
    const YMD_SLASHES: &str = "%Y/%m/%d %H:%M";
    match (lang.as_str(), country.as_str()) {
        ("c" | "posix" | "", _) => NEUTRAL,
        (_, "US" | "PH") => US,
        ("en", "CA") | ("fr", "CA") | ("sv" | "lt", _) => YMD_DASHES,
        ("en", "ZA") | ("ja" | "zh", _) => YMD_SLASHES,
        ("ko", _) => "%Y. %-m. %-d. %H:%M",
        ("hu", _) => "%Y. %m. %d. %H:%M",
        ("nl", "BE") => "%d/%m/%Y %H:%M",
        ("nl", _) => "%d-%m-%Y %H:%M",
        ("en", "") => US,
        (
            "de" | "ru" | "uk" | "pl" | "cs" | "sk" | "fi" | "nb" | "nn" | "no" | "da" | "tr"
            | "ro" | "hr" | "sl" | "et" | "lv" | "bg" | "sr" | "is" | "be" | "kk" | "az" | "mk"
            | "bs",
            _,
        ) => DMY_DOTS,
        (
            "en" | "fr" | "es" | "it" | "pt" | "el" | "ga" | "ca" | "gl" | "eu" | "vi" | "id"
            | "ms" | "he" | "ar" | "hi" | "th" | "cy" | "mt",
            _,
        ) => DMY_SLASHES,
        _ => NEUTRAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(pattern: &str, offset: bool) -> String {
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(1));
        in_zone("2026-12-01T20:40:05Z", &tz, pattern, offset)
    }

    #[test]
    fn times_are_local_and_in_the_locale_s_format() {
        let cases = [
            ("de_DE.UTF-8", "01.12.2026, 21:40"),
            ("en_US.UTF-8", "12/1/2026, 9:40 PM"),
            ("en_GB.UTF-8", "01/12/2026, 21:40"),
            ("fr_FR.UTF-8", "01/12/2026, 21:40"),
            ("nl_NL", "01-12-2026 21:40"),
            ("sv_SE.UTF-8", "2026-12-01 21:40"),
            ("ja_JP.UTF-8", "2026/12/01 21:40"),
            ("C.UTF-8", "Tue 1 Dec 2026, 21:40"),
            ("", "Tue 1 Dec 2026, 21:40"),
            ("tlh_QO", "Tue 1 Dec 2026, 21:40"),
        ];
        for (locale, want) in cases {
            assert_eq!(at(locale_pattern(locale), false), want, "{locale}");
        }
        assert_eq!(
            at(locale_pattern("de_DE"), true),
            "01.12.2026, 21:40 (UTC+01:00)"
        );
        // Not a time: shown as stored, never an empty string.
        let tz = jiff::tz::TimeZone::UTC;
        assert_eq!(in_zone("yesterday", &tz, NEUTRAL, false), "yesterday");
    }

    #[test]
    fn windows_region_pictures_become_strftime_patterns() {
        assert_eq!(windows_picture("dd.MM.yyyy"), "%d.%m.%Y");
        assert_eq!(windows_picture("M/d/yyyy"), "%-m/%-d/%Y");
        assert_eq!(windows_picture("h:mm tt"), "%-I:%M %p");
        assert_eq!(windows_picture("HH:mm"), "%H:%M");
        assert_eq!(windows_picture("d 'de' MMMM 'de' yyyy"), "%-d de %B de %Y");
        assert_eq!(windows_picture("yyyy'年'M'月'd'日'"), "%Y年%-m月%-d日");
        assert_eq!(windows_picture("'100%' d"), "100%% %-d");
        assert_eq!(
            at(
                &format!(
                    "{} {}",
                    windows_picture("dd.MM.yyyy"),
                    windows_picture("HH:mm")
                ),
                false
            ),
            "01.12.2026 21:40"
        );
        assert_eq!(
            at(
                &format!(
                    "{} {}",
                    windows_picture("M/d/yyyy"),
                    windows_picture("h:mm tt")
                ),
                false
            ),
            "12/1/2026 9:40 PM"
        );
    }
}
