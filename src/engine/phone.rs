//! Phone numbers in a message, for the callback rule.
//!
//! A careful linear scan, not a full numbering plan (a crate such as
//! `phonenumber` would add its metadata for little gain: the rule needs to
//! know that a number to call is there, not which country it belongs to).
//! A number is an optional `+` or `(` and then digits in groups separated by
//! single spaces, `-`, `.`, `/` or parentheses, with 7 to 15 digits in all
//! (ITU E.164 allows at most 15). Not numbers: amounts (`£1000`, `$48.84`),
//! times and dates (`10:10`, `15/16` are cut at `:` or too short), digits
//! glued to letters (`G8P`, `X29`), one-time codes (6 digits).

/// Phone numbers in `text`, as written, at most `max`.
pub fn find(text: &str, max: usize) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < max {
        let c = b.get(i).copied().unwrap_or(0);
        let starts = c.is_ascii_digit() || ((c == b'+' || c == b'(') && next_is_digit(b, i + 1));
        if !starts || glued_before(b, i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = 0;
        let mut end = i;
        let mut j = i;
        let mut separators = 0;
        let (mut groups, mut group, mut longest) = (0, 0, 0);
        // The number as it stood before its last group, for a last group
        // glued to letters ("0203 880 4127 (24h line)").
        let mut before_last = (0, 0, 0, 0);
        while let Some(&c) = b.get(j) {
            if c.is_ascii_digit() {
                if separators > 0 || group == 0 {
                    before_last = (end, digits, groups, longest);
                    groups += 1;
                    group = 0;
                }
                digits += 1;
                group += 1;
                longest = longest.max(group);
                separators = 0;
                j += 1;
                end = j;
            } else if (c == b'+' && j == start)
                || (matches!(c, b' ' | b'-' | b'.' | b'/' | b'(' | b')') && separators < 2)
            {
                // A separator counts only between digits (or opening a group).
                separators += 1;
                j += 1;
            } else {
                break;
            }
        }
        let mut glued_after = b
            .get(end)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'%');
        if glued_after && groups > 1 && b.get(before_last.0).is_some_and(|c| *c == b' ') {
            (end, digits, groups, longest) = before_last;
            glued_after = false;
        }
        // A decimal amount ends ".dd" after a currency: "48.84".
        let money = start
            .checked_sub(1)
            .and_then(|k| text.get(..=k))
            .and_then(|s| s.chars().next_back())
            .is_some_and(|c| matches!(c, '£' | '$' | '€' | '¥' | '₹'));
        // Groups of three or more, or French-style pairs (01 23 45 67 89).
        let grouped = groups <= 6 && (longest >= 3 || (groups >= 4 && longest == 2));
        if (7..=15).contains(&digits)
            && grouped
            && !glued_after
            && !money
            && let Some(s) = text.get(start..end)
        {
            out.push(s.trim_start_matches('(').to_owned());
        }
        i = j.max(i + 1);
    }
    out
}

fn next_is_digit(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// Digits glued to a letter before them are a reference, not a number;
/// so are digits after a dot that follows one ("v1.2.3"), but not after a
/// sentence's full stop in a script without spaces ("…ます.050-…").
fn glued_before(b: &[u8], i: usize) -> bool {
    let Some(k) = i.checked_sub(1) else {
        return false;
    };
    match b.get(k) {
        Some(b'.') => k
            .checked_sub(1)
            .and_then(|j| b.get(j))
            .is_none_or(|c| c.is_ascii() && !c.is_ascii_whitespace()),
        Some(c) => c.is_ascii_alphanumeric() || *c == b'-',
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn numbers_found() {
        assert_eq!(
            find("call +1 (415) 555-0132 now", 5),
            vec!["+1 (415) 555-0132"]
        );
        assert_eq!(
            find("Please CALL 08712402902 immediately", 5),
            vec!["08712402902"]
        );
        assert_eq!(
            find("Call Free 0800 1956669 or text", 5),
            vec!["0800 1956669"]
        );
        assert_eq!(find("電話 0120-123-456 まで", 5), vec!["0120-123-456"]);
        assert_eq!(find("ring 020 7946 0018.", 5), vec!["020 7946 0018"]);
        assert_eq!(
            find("停止となります.050-3184-6627 へ", 5),
            vec!["050-3184-6627"]
        );
        assert_eq!(
            find("Phone 0203 880 4127 (24h line)", 5),
            vec!["0203 880 4127"]
        );
    }

    #[test]
    fn not_numbers() {
        for text in [
            "Your code is 482913.",
            "won £1000 cash",
            "refund of $48.84 owed",
            "meet at 10:10 on 15/16",
            "Ref G8P12345678x",
            "version 1.2.3",
            "1 2 3 4 5 6 7 8",
        ] {
            assert!(find(text, 5).is_empty(), "{text}: {:?}", find(text, 5));
        }
    }

    #[test]
    fn linear_on_long_input() {
        let text = "1 ".repeat(100_000);
        assert!(find(&text, 20).len() <= 20);
    }
}
