//! List items and entries: markers (priority, status, timestamp) taken off a list line, and the
//! time an entry carries, whatever its form (a checkpoint stamp, a date in the line, a dated
//! sub-heading or table row). Pure.
use std::ops::Range;

use serde::Serialize;

use crate::templates;

/// A list item's first line, taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The text after the markers.
    pub text: String,
    /// `P0`, `P1`, … when the item has a priority.
    pub priority: Option<String>,
    /// `IN_PROGRESS`, `COMPLETED`, `PENDING`, `DONE`, `BLOCKED` or `TODO`; a ticked box is `DONE`.
    pub status: Option<String>,
    /// When it was written: `2026-11-21T12:00:00Z` (UTC), `2026-11-21T12:00:00` (no zone given), or
    /// a date alone.
    pub timestamp: Option<String>,
}

/// An [`Item`] with where its parts are in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Marks {
    pub(super) item: Item,
    /// The status marker and its separator, within the text after the list marker.
    pub(super) status: Option<Range<usize>>,
    /// Where the text starts, within the text after the list marker.
    pub(super) text_start: usize,
}

/// Words that mark an item's status.
const STATUSES: &[&str] = &[
    "IN_PROGRESS",
    "IN PROGRESS",
    "COMPLETED",
    "PENDING",
    "DONE",
    "BLOCKED",
    "TODO",
];

/// A top-level list line: its marker (`- `, `3. `) and what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ListLine<'a> {
    pub(super) marker: &'a str,
    /// The number and delimiter of an ordered item.
    pub(super) number: Option<(u32, char)>,
    /// The rest of the line, without its line ending.
    pub(super) rest: &'a str,
}

pub(super) fn list_line(line: &str) -> Option<ListLine<'_>> {
    let end = memchr::memchr2(b'\n', b'\r', line.as_bytes()).unwrap_or(line.len());
    let line = &line[..end];
    let b = line.as_bytes();
    let (len, number) = match b.first()? {
        b'-' | b'*' | b'+' => (1, None),
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let delim = *b.get(digits)?;
            if digits > 9 || !(delim == b'.' || delim == b')') {
                return None;
            }
            (
                digits + 1,
                Some((line[..digits].parse().ok()?, delim as char)),
            )
        }
        _ => return None,
    };
    match b.get(len) {
        Some(b' ' | b'\t') => {}
        None if number.is_none() => {}
        _ => return None,
    }
    let spaces = line[len..].len() - line[len..].trim_start().len();
    Some(ListLine {
        marker: &line[..len + spaces],
        number,
        rest: &line[len + spaces..],
    })
}

/// Take the markers off the front of an item: a checkbox, a priority, a status, a timestamp, in any
/// order, each with the separator after it.
pub(super) fn marks(rest: &str) -> Marks {
    let mut item = Item::default();
    let mut status = None;
    let mut pos = 0;
    for box_ in ["[ ] ", "[x] ", "[X] "] {
        if rest.starts_with(box_) {
            let done = box_ != "[ ] ";
            item.status = Some(if done { "DONE" } else { "TODO" }.into());
            status = Some(0..box_.len());
            pos = box_.len();
        }
    }
    loop {
        let s = &rest[pos..];
        let at = pos + (s.len() - s.trim_start().len());
        let s = &rest[at..];
        let token = if item.priority.is_none() {
            priority_token(s).map(|(p, n)| {
                item.priority = Some(p);
                n
            })
        } else {
            None
        };
        let token = token.or_else(|| {
            if item.status.is_some() {
                return None;
            }
            status_token(s).map(|(st, n)| {
                item.status = Some(st);
                n
            })
        });
        let token = token.or_else(|| {
            if item.timestamp.is_some() {
                return None;
            }
            stamp_token(s).map(|(ts, n)| {
                item.timestamp = Some(ts);
                n
            })
        });
        let Some(n) = token else { break };
        let end = at + n + separator(&rest[at + n..]);
        if item.status.is_some() && status.is_none() {
            status = Some(at..end);
        }
        pos = end;
    }
    let text_start = pos + (rest[pos..].len() - rest[pos..].trim_start().len());
    item.text = rest[text_start..].trim_end().to_string();
    Marks {
        item,
        status,
        text_start,
    }
}

/// Length of a separator after a marker: spaces, then at most one of `—`, `–`, `-` or `:` with the
/// spaces after it.
fn separator(s: &str) -> usize {
    let t = s.trim_start();
    let mut n = s.len() - t.len();
    for sep in ["—", "–", "-", ":"] {
        if let Some(after) = t.strip_prefix(sep) {
            if after.is_empty() || after.starts_with([' ', '\t']) {
                n += sep.len() + (after.len() - after.trim_start().len());
            }
            break;
        }
    }
    n
}

/// Strip one of `**`, `__` off the front.
fn strip_bold(s: &str) -> &str {
    s.strip_prefix("**")
        .or_else(|| s.strip_prefix("__"))
        .unwrap_or(s)
}

/// Whether a marker ends here: end of line, whitespace.
fn ends_token(s: &str) -> bool {
    s.is_empty() || s.starts_with([' ', '\t'])
}

/// `**P0**:`, `P1:`, `[P2]`, `(P0)`, `**P0:**`: the priority and the length taken.
fn priority_token(s: &str) -> Option<(String, usize)> {
    let t = strip_bold(s);
    let t = t.strip_prefix(['[', '(']).unwrap_or(t);
    let t = t.strip_prefix(['P', 'p'])?;
    let digit = t.chars().next().filter(char::is_ascii_digit)?;
    let t = &t[1..];
    let t = t.strip_prefix([']', ')']).unwrap_or(t);
    let t = strip_bold(t);
    let t = t.strip_prefix(':').unwrap_or(t);
    let t = strip_bold(t);
    ends_token(t).then(|| (format!("P{digit}"), s.len() - t.len()))
}

/// `IN_PROGRESS:`, `**COMPLETED**:`, `[BLOCKED]`: the status and the length taken.
fn status_token(s: &str) -> Option<(String, usize)> {
    let t = strip_bold(s);
    let t = t.strip_prefix('[').unwrap_or(t);
    let word = STATUSES.iter().find(|w| t.starts_with(*w))?;
    let t = &t[word.len()..];
    let t = t.strip_prefix(']').unwrap_or(t);
    let t = strip_bold(t);
    let t = t.strip_prefix(':').unwrap_or(t);
    let t = strip_bold(t);
    ends_token(t).then(|| (word.replace(' ', "_"), s.len() - t.len()))
}

/// `2026-11-21`, `2026-11-21 12:00 UTC`, `2026-11-21T12:00:00Z`: the timestamp and the length taken.
pub(super) fn stamp_token(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let digits = |r: Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let date_ok =
        digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-');
    if !date_ok || !digits(8..10) {
        return None;
    }
    let date = &s[..10];
    let mut n = 10;
    let mut time = None;
    let has_time = matches!(b.get(10), Some(b' ' | b'T'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16);
    if has_time {
        let mut secs = "00";
        n = 16;
        if b.get(16) == Some(&b':') && digits(17..19) {
            secs = &s[17..19];
            n = 19;
        }
        time = Some(format!("{}:{secs}", &s[11..16]));
    }
    let mut utc = false;
    if time.is_some() {
        if s[n..].starts_with(" UTC") {
            n += 4;
            utc = true;
        } else if s[n..].starts_with('Z') {
            n += 1;
            utc = true;
        }
    }
    let rest = &s[n..];
    if !(ends_token(rest) || rest.starts_with(':')) {
        return None;
    }
    let stamp = match time {
        Some(t) if utc => format!("{date}T{t}Z"),
        Some(t) => format!("{date}T{t}"),
        None => date.to_string(),
    };
    Some((stamp, n))
}

/// Take a list item's first line apart; `None` when the line is not a list item.
pub fn parse_item(line: &str) -> Option<Item> {
    list_line(line).map(|l| marks(l.rest).item)
}

/// When an entry was written, as `yyyymmddHHMM` (the time 0000 when only a date is given): the
/// first `YYYY-MM-DD` in its first line, with the `HH:MM` after it. Comparable, never allocated.
pub fn entry_time(block: &str) -> Option<u64> {
    let line = &block.as_bytes()[..memchr::memchr(b'\n', block.as_bytes()).unwrap_or(block.len())];
    let num = |r: Range<usize>| -> Option<u64> {
        let d = line.get(r)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0u64, |n, &c| n * 10 + u64::from(c - b'0')))
    };
    // A date's first hyphen sits 4 bytes in: look only where there is one.
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'-', &line[from..]).map(|i| from + i) {
        from = i + 1;
        let Some(start) = i.checked_sub(4) else {
            continue;
        };
        let boundary = start == 0 || !line[start - 1].is_ascii_alphanumeric();
        let (Some(y), Some(m), Some(d)) = (num(start..i), num(i + 1..i + 3), num(i + 4..i + 6))
        else {
            continue;
        };
        let after = line.get(i + 6).copied();
        if !boundary
            || line.get(i + 3) != Some(&b'-')
            || after.is_some_and(|c| c.is_ascii_digit())
            || !(1..=12).contains(&m)
            || !(1..=31).contains(&d)
        {
            continue;
        }
        let time = match (
            line.get(i + 6),
            num(i + 7..i + 9),
            line.get(i + 9),
            num(i + 10..i + 12),
        ) {
            (Some(b' ' | b'T'), Some(h), Some(b':'), Some(min)) if h < 24 && min < 60 => {
                h * 100 + min
            }
            _ => 0,
        };
        return Some(((y * 100 + m) * 100 + d) * 10_000 + time);
    }
    None
}

/// The date of an [`entry_time`]: `2026-11-21`.
pub fn date_of(time: u64) -> String {
    let day = time / 10_000;
    format!(
        "{:04}-{:02}-{:02}",
        day / 10_000,
        day / 100 % 100,
        day % 100
    )
}

/// The priority of a list block (`0` for P0), for ordering a queue.
pub fn priority_of(block: &str) -> Option<u8> {
    let item = marks(list_line(block)?.rest).item;
    item.priority.and_then(|p| p[1..].parse().ok())
}

/// A one-line list item that is one of the templates' placeholders (one with lines under it says
/// something, so it stays).
pub(super) fn is_placeholder_block(block: &str) -> bool {
    // A cheap look at how the block ends first: long sections are mostly real entries.
    let b = block.as_bytes();
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b'\n' | b'\r' | b' ' | b'\t' | b'.') {
        end -= 1;
    }
    let tail = &b[..end];
    templates::PLACEHOLDERS
        .iter()
        .any(|p| tail.ends_with(p.as_bytes()))
        && !block.trim_end().contains('\n')
        && list_line(block).is_some_and(|l| templates::is_placeholder(&marks(l.rest).item.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_carry_their_time() {
        for (block, want) in [
            ("- 2026-11-21 12:00 UTC — new\n", Some(202_611_211_200)),
            ("- 2026-11-21T09:30:15Z: y\n", Some(202_611_210_930)),
            ("### 2026-03-21: shipped\n", Some(202_603_210_000)),
            ("| 2026-11-20 | Adopted | why |\n", Some(202_611_200_000)),
            ("- COMPLETED: 2026-11-20 — x\n", Some(202_611_200_000)),
            (
                "- fixed it (2026-01-05)\n  - 2027-01-01 below\n",
                Some(202_601_050_000),
            ),
            ("- no date\n- 2026-11-21\n", None),
            ("- v12026-11-21 is not a date\n", None),
            ("- 2026-13-01 nor this\n", None),
            ("- 2026-11-211\n", None),
            ("- a-b-c 10-2026-11\n", None),
            ("", None),
        ] {
            assert_eq!(entry_time(block), want, "{block:?}");
        }
        assert_eq!(date_of(202_611_211_200), "2026-11-21");
        assert_eq!(priority_of("- **P1**: x\n"), Some(1));
        assert_eq!(priority_of("- x\n"), None);
    }

    /// text, priority, status, timestamp
    type Parts<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

    #[test]
    fn items_come_apart() {
        let cases: &[(&str, Option<Parts<'_>>)] = &[
            ("- plain", Some(("plain", None, None, None))),
            (
                "- **P0**: the thing",
                Some(("the thing", Some("P0"), None, None)),
            ),
            ("- **P1:** x", Some(("x", Some("P1"), None, None))),
            ("* [P2] x", Some(("x", Some("P2"), None, None))),
            ("- P0 - x", Some(("x", Some("P0"), None, None))),
            ("- (p1) x", Some(("x", Some("P1"), None, None))),
            (
                "1. Read this file.",
                Some(("Read this file.", None, None, None)),
            ),
            (
                "- **P0**: IN_PROGRESS: x",
                Some(("x", Some("P0"), Some("IN_PROGRESS"), None)),
            ),
            (
                "- COMPLETED: 2026-11-20 — x",
                Some(("x", None, Some("COMPLETED"), Some("2026-11-20"))),
            ),
            ("- [x] shipped", Some(("shipped", None, Some("DONE"), None))),
            ("- [ ] ship", Some(("ship", None, Some("TODO"), None))),
            (
                "- 2026-11-21 12:00 UTC — new",
                Some(("new", None, None, Some("2026-11-21T12:00:00Z"))),
            ),
            (
                "- 2026-11-21T09:30:15Z: y",
                Some(("y", None, None, Some("2026-11-21T09:30:15Z"))),
            ),
            (
                "- 2026-11-21 09:30 local",
                Some(("local", None, None, Some("2026-11-21T09:30:00"))),
            ),
            (
                "- Done the thing",
                Some(("Done the thing", None, None, None)),
            ),
            (
                "- P2P networking",
                Some(("P2P networking", None, None, None)),
            ),
            ("- 2026 plans", Some(("2026 plans", None, None, None))),
            (
                "- IN PROGRESS x",
                Some(("x", None, Some("IN_PROGRESS"), None)),
            ),
            ("- ", Some(("", None, None, None))),
            ("**P0**: not a list", None),
            ("---", None),
            ("12345678901. no", None),
            ("text", None),
        ];
        for (line, want) in cases {
            let got = parse_item(line);
            let got = got.as_ref().map(|i| {
                (
                    i.text.as_str(),
                    i.priority.as_deref(),
                    i.status.as_deref(),
                    i.timestamp.as_deref(),
                )
            });
            assert_eq!(got, *want, "{line:?}");
        }
    }
}
