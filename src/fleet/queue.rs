//! The todo and done files as text (pure): Markdown task lists a person can read and edit.
//!
//! ```text
//! - [ ] an item nobody holds
//! - [~] an item (claimed by alice since 2026-12-01T12:00:00Z)
//! - [x] a finished item (done by alice on 2026-12-01T13:10:00Z, claimed 2026-12-01T12:00:00Z)
//! ```
//!
//! Only item lines are ever rewritten; headings, notes and blank lines keep their bytes. A done
//! entry remembers its claim, so an item found both done and still claimed with that same claim
//! (a process stopped between writing the done file and the todo file) is known to be finished.
use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Who holds an item, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claim {
    pub by: String,
    pub since: DateTime<Utc>,
}

impl Claim {
    /// Whether the claim has outlived `lease` at `now`, freeing the item.
    pub(crate) fn expired(&self, now: DateTime<Utc>, lease: Duration) -> bool {
        let lease = chrono::TimeDelta::from_std(lease).unwrap_or(chrono::TimeDelta::MAX);
        self.since
            .checked_add_signed(lease)
            .is_none_or(|end| end <= now)
    }
}

/// One item of the todo file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub text: String,
    pub claim: Option<Claim>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// Any line that is not an item, kept as it is.
    Other(String),
    /// An item, with what came before its checkbox (indent and bullet), and the line as read
    /// with the item it said, so an item left alone keeps its bytes.
    Item {
        prefix: String,
        item: Item,
        read: Option<(String, Item)>,
    },
}

/// The todo file: its lines, items numbered from 1 in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Todo {
    lines: Vec<Line>,
    newline: &'static str,
}

/// The timestamp format of the marks: RFC 3339 to the second, UTC.
fn stamp(t: DateTime<Utc>) -> String {
    crate::timefmt::rfc3339(t)
}

fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A name or text as one line that can't be mistaken for a mark: no controls, no parentheses
/// in names.
pub(crate) fn clean(s: &str, name: bool) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            '(' | ')' if name => '-',
            c => c,
        })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `- [ ] ` or `* [~] `: the prefix, the box's mark and the rest.
fn split_item(line: &str) -> Option<(&str, char, &str)> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let after_bullet = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))?;
    let mut chars = after_bullet.chars();
    let (open, mark, close) = (chars.next()?, chars.next()?, chars.next()?);
    if open != '[' || close != ']' {
        return None;
    }
    let text = chars.as_str();
    let text = text.strip_prefix(' ').unwrap_or(text);
    let prefix_len = line.len() - after_bullet.len();
    Some((&line[..prefix_len], mark, text))
}

/// A line as an item: the prefix it is rewritten with, and the item; `None` for other lines.
fn read_item(line: &str) -> Option<(String, Item)> {
    let pending = |text: &str| Item {
        text: text.trim().to_string(),
        claim: None,
    };
    if let Some((prefix, mark, rest)) = split_item(line) {
        return match mark {
            _ if rest.trim().is_empty() => None,
            ' ' => Some((prefix.to_string(), pending(rest))),
            '~' => Some((prefix.to_string(), parse_claimed(rest))),
            _ => None,
        };
    }
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.is_empty() || trimmed.starts_with(['#', '>']) || trimmed.starts_with("```") {
        return None;
    }
    // `- x`, `* x`, `1. x` or `1) x`, or a plain line: its text, unmarked.
    let numbered = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&n| n > 0)
        .and_then(|n| {
            trimmed[n..]
                .strip_prefix(". ")
                .or_else(|| trimmed[n..].strip_prefix(") "))
        });
    let text = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
        .or(numbered)
        .unwrap_or(trimmed);
    if text.trim().is_empty() || matches!(trimmed.trim(), "-" | "*") {
        return None;
    }
    Some((format!("{indent}- "), pending(text)))
}

/// `TEXT (claimed by NAME since TIME)`; a `[~]` without a readable mark is held by nobody known
/// since long ago, so its lease has run out.
fn parse_claimed(text: &str) -> Item {
    let parsed = text
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once(" (claimed by "))
        .and_then(|(item, mark)| {
            let (by, since) = mark.rsplit_once(" since ")?;
            Some(Item {
                text: item.trim().to_string(),
                claim: Some(Claim {
                    by: by.trim().to_string(),
                    since: parse_stamp(since)?,
                }),
            })
        });
    parsed.unwrap_or_else(|| Item {
        text: text.trim().to_string(),
        claim: Some(Claim {
            by: "unknown".into(),
            since: DateTime::<Utc>::UNIX_EPOCH,
        }),
    })
}

impl Todo {
    /// Read the todo file's text. `[ ]` and `[~]` items, and plain lines, `- x`, `* x` and
    /// `1. x` (pending, rewritten as `- [ ] x` once changed), are items; headings, comments,
    /// quotes, blank lines and `[x]` lines are kept as they are.
    pub(crate) fn parse(text: &str) -> Self {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut in_comment = false;
        let lines = text
            .lines()
            .map(|line| {
                let parsed = if in_comment || line.trim_start().starts_with("<!--") {
                    in_comment = !line.contains("-->");
                    None
                } else {
                    read_item(line)
                };
                match parsed {
                    Some((prefix, item)) => Line::Item {
                        prefix,
                        read: Some((line.to_string(), item.clone())),
                        item,
                    },
                    None => Line::Other(line.to_string()),
                }
            })
            .collect();
        Self { lines, newline }
    }

    /// The file's text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Other(text) => out.push_str(text),
                Line::Item {
                    read: Some((line, was)),
                    item,
                    ..
                } if was == item => out.push_str(line),
                Line::Item { prefix, item, .. } => {
                    out.push_str(prefix);
                    match &item.claim {
                        None => {
                            out.push_str("[ ] ");
                            out.push_str(&item.text);
                        }
                        Some(c) => {
                            out.push_str("[~] ");
                            out.push_str(&item.text);
                            let _ = write!(out, " (claimed by {} since {})", c.by, stamp(c.since));
                        }
                    }
                }
            }
            out.push_str(self.newline);
        }
        out
    }

    /// The items in file order (item N is `items()[N - 1]`).
    pub(crate) fn items(&self) -> Vec<&Item> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                Line::Item { item, .. } => Some(item),
                Line::Other(_) => None,
            })
            .collect()
    }

    fn item_mut(&mut self, index: usize) -> Option<&mut Item> {
        self.lines
            .iter_mut()
            .filter_map(|l| match l {
                Line::Item { item, .. } => Some(item),
                Line::Other(_) => None,
            })
            .nth(index)
    }

    /// Add an item after the last one (or at the end of the file).
    pub(crate) fn add(&mut self, text: &str) {
        let prefix = self
            .lines
            .iter()
            .rev()
            .find_map(|l| match l {
                Line::Item { prefix, .. } => Some(prefix.clone()),
                Line::Other(_) => None,
            })
            .unwrap_or_else(|| "- ".into());
        let at = self
            .lines
            .iter()
            .rposition(|l| matches!(l, Line::Item { .. }))
            .map_or(self.lines.len(), |i| i + 1);
        let item = Item {
            text: text.to_string(),
            claim: None,
        };
        self.lines.insert(
            at,
            Line::Item {
                prefix,
                item,
                read: None,
            },
        );
    }

    /// Take the first item nobody holds (or whose claim ran out) for `by`; its index.
    pub(crate) fn claim(&mut self, by: &str, now: DateTime<Utc>, lease: Duration) -> Option<usize> {
        let index = self
            .items()
            .iter()
            .position(|i| i.claim.as_ref().is_none_or(|c| c.expired(now, lease)))?;
        self.set_claim(
            index,
            Some(Claim {
                by: by.to_string(),
                since: now,
            }),
        );
        Some(index)
    }

    /// The items `by` still holds at `now` (for Stop: finish or release them).
    pub(crate) fn held_by(&self, by: &str, now: DateTime<Utc>, lease: Duration) -> Vec<&Item> {
        self.items()
            .into_iter()
            .filter(|i| {
                i.claim
                    .as_ref()
                    .is_some_and(|c| c.by == by && !c.expired(now, lease))
            })
            .collect()
    }

    /// Set or clear item `index`'s claim.
    pub(crate) fn set_claim(&mut self, index: usize, claim: Option<Claim>) {
        if let Some(item) = self.item_mut(index) {
            item.claim = claim;
        }
    }

    /// Remove item `index`, returning it.
    pub(crate) fn remove(&mut self, index: usize) -> Option<Item> {
        let line = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, Line::Item { .. }))
            .nth(index)?
            .0;
        match self.lines.remove(line) {
            Line::Item { item, .. } => Some(item),
            Line::Other(_) => None,
        }
    }

    /// Drop the items the done file already records with their claim; how many went.
    pub(crate) fn reconcile(&mut self, done: &[Done]) -> usize {
        let before = self.lines.len();
        self.lines.retain(|l| match l {
            Line::Item { item, .. } => !done.iter().any(|d| d.finishes(item)),
            Line::Other(_) => true,
        });
        before - self.lines.len()
    }

    /// Which item `words` means: its number, its exact text, or the one item containing them.
    pub(crate) fn pick(&self, words: &str) -> Result<usize, Pick> {
        let items = self.items();
        let words = words.trim();
        if words.is_empty() {
            return Err(Pick::Blank);
        }
        if let Ok(n) = words.parse::<usize>() {
            return match n {
                1.. if n <= items.len() => Ok(n - 1),
                _ => Err(Pick::NoNumber(n, items.len())),
            };
        }
        if let Some(i) = items.iter().position(|i| i.text == words) {
            return Ok(i);
        }
        let needle = words.to_lowercase();
        let hits: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.text.to_lowercase().contains(&needle))
            .map(|(n, _)| n)
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(Pick::NoMatch(words.to_string())),
            many => Err(Pick::Ambiguous(
                words.to_string(),
                many.iter().map(|n| n + 1).collect(),
            )),
        }
    }
}

/// Why `queue done` or `queue release` could not tell which item was meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Pick {
    #[error("the item is empty; give its text or its number from `handoff queue`")]
    Blank,
    #[error("there is no item {0} (the queue has {1}); `handoff queue` numbers them")]
    NoNumber(usize, usize),
    #[error("no item matches \"{0}\"; `handoff queue` lists them")]
    NoMatch(String),
    #[error("\"{0}\" matches items {items}; give its number or more words", items = list(.1))]
    Ambiguous(String, Vec<usize>),
}

fn list(ns: &[usize]) -> String {
    ns.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One entry of the done file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Done {
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// When its claim began, if the entry says.
    pub claimed: Option<DateTime<Utc>>,
    /// Who moved it to the done file, when not its holder.
    pub finisher: Option<String>,
}

impl Done {
    /// The entry for `item` finished at `at` by `finisher`, under its claim's holder.
    pub(crate) fn of(item: &Item, at: DateTime<Utc>, finisher: &str) -> Self {
        let claim = item.claim.as_ref();
        let by = claim.map_or_else(|| finisher.to_string(), |c| c.by.clone());
        Self {
            finisher: (by != finisher).then(|| finisher.to_string()),
            text: item.text.clone(),
            by,
            at,
            claimed: claim.map(|c| c.since),
        }
    }

    /// Whether this entry records `item` finished under its current claim.
    fn finishes(&self, item: &Item) -> bool {
        item.claim.as_ref().is_some_and(|c| {
            self.text == item.text && self.by == c.by && self.claimed == Some(c.since)
        })
    }

    /// The line for the done file, without a newline.
    pub(crate) fn render(&self) -> String {
        let claimed = self
            .claimed
            .map(|t| format!(", claimed {}", stamp(t)))
            .unwrap_or_default();
        let finisher = self
            .finisher
            .as_ref()
            .map(|f| format!(", finished by {f}"))
            .unwrap_or_default();
        format!(
            "- [x] {} (done by {} on {}{claimed}{finisher})",
            self.text,
            self.by,
            stamp(self.at)
        )
    }

    /// The entries of a done file (`[x]` items); other lines are not entries.
    pub(crate) fn parse_all(text: &str) -> Vec<Done> {
        text.lines()
            .filter_map(|line| match split_item(line) {
                Some((_, 'x' | 'X', rest)) => Some(Self::parse(rest)),
                _ => None,
            })
            .collect()
    }

    fn parse(rest: &str) -> Self {
        let parsed = rest
            .strip_suffix(')')
            .and_then(|t| t.rsplit_once(" (done by "))
            .and_then(|(text, mark)| {
                let (mark, finisher) = match mark.rsplit_once(", finished by ") {
                    Some((m, f)) => (m, Some(f.trim().to_string())),
                    None => (mark, None),
                };
                let (mark, claimed) = match mark.rsplit_once(", claimed ") {
                    Some((m, c)) => (m, parse_stamp(c)),
                    None => (mark, None),
                };
                let (by, at) = mark.rsplit_once(" on ")?;
                Some(Self {
                    text: text.trim().to_string(),
                    by: by.trim().to_string(),
                    at: parse_stamp(at)?,
                    claimed,
                    finisher,
                })
            });
        parsed.unwrap_or_else(|| Self {
            text: rest.trim().to_string(),
            by: "unknown".into(),
            at: DateTime::<Utc>::UNIX_EPOCH,
            claimed: None,
            finisher: None,
        })
    }
}

/// The done file's text with `entry` appended (a newline added first if the file lacks one).
pub(crate) fn append_done(existing: &str, entry: &Done) -> String {
    let newline = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&entry.render());
    out.push_str(newline);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_stamp(s).unwrap()
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn parses_items_and_keeps_other_lines() {
        let text = "# Todo\n\n- [ ] one\n* [~] two (claimed by al ice since 2026-12-01T12:00:00Z)\n  - [~] three\n- [x] done here\n- plain bullet\n- [ ]\n";
        let todo = Todo::parse(text);
        let items = todo.items();
        assert_eq!(items.len(), 4);
        assert_eq!(items[3].text, "plain bullet");
        assert_eq!(items[0].text, "one");
        assert_eq!(items[0].claim, None);
        assert_eq!(
            items[1].claim,
            Some(Claim {
                by: "al ice".into(),
                since: t("2026-12-01T12:00:00Z")
            })
        );
        // A claim without a readable mark has run out long ago.
        assert!(items[2]
            .claim
            .as_ref()
            .unwrap()
            .expired(t("2026-01-01T00:00:00Z"), HOUR));
        assert_eq!(todo.render(), text);
        let crlf = "- [ ] a\r\n- [ ] b\r\n";
        assert_eq!(Todo::parse(crlf).render(), crlf);
    }

    #[test]
    fn claims_skip_held_items_until_the_lease_runs_out() {
        let now = t("2026-12-01T12:00:00Z");
        let mut todo = Todo::parse(
            "- [~] a (claimed by x since 2026-12-01T11:00:00Z)\n- [~] b (claimed by y since 2026-12-01T09:59:59Z)\n- [ ] c\n",
        );
        // b's two-hour lease ended a second ago.
        assert_eq!(todo.claim("me", now, 2 * HOUR), Some(1));
        assert_eq!(todo.claim("me", now, 2 * HOUR), Some(2));
        assert_eq!(todo.claim("me", now, 2 * HOUR), None);
        assert_eq!(
            todo.render(),
            "- [~] a (claimed by x since 2026-12-01T11:00:00Z)\n- [~] b (claimed by me since 2026-12-01T12:00:00Z)\n- [~] c (claimed by me since 2026-12-01T12:00:00Z)\n"
        );
        let held: Vec<&str> = todo
            .held_by("me", now, 2 * HOUR)
            .iter()
            .map(|i| i.text.as_str())
            .collect();
        assert_eq!(held, ["b", "c"]);
        assert!(todo.held_by("me", now + 2 * HOUR, 2 * HOUR).is_empty());
        // An hour later, a's lease is over too.
        assert_eq!(todo.claim("other", now + HOUR, 2 * HOUR), Some(0));
    }

    #[test]
    fn add_goes_after_the_last_item() {
        for (before, after) in [
            ("", "- [ ] new\n"),
            ("# Todo\n\n", "# Todo\n\n- [ ] new\n"),
            (
                "# Todo\n- [ ] a\n\n<!-- Notes -->\n",
                "# Todo\n- [ ] a\n- [ ] new\n\n<!-- Notes -->\n",
            ),
            ("  * [ ] a\n", "  * [ ] a\n  * [ ] new\n"),
            ("https://a.example\n", "https://a.example\n- [ ] new\n"),
        ] {
            let mut todo = Todo::parse(before);
            todo.add("new");
            assert_eq!(todo.render(), after, "{before:?}");
        }
    }

    #[test]
    fn plain_lines_bullets_and_numbers_are_pending_items() {
        let text = "# Todo\n<!-- how to\nuse this -->\n> a quote\nhttps://a.example\n- b\n* c\n  12. d\n3) e\n- [x] done\n-\n\n";
        let mut todo = Todo::parse(text);
        let texts: Vec<&str> = todo.items().iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["https://a.example", "b", "c", "d", "e"]);
        assert!(todo.items().iter().all(|i| i.claim.is_none()));
        assert_eq!(todo.render(), text);
        // Only the touched line is rewritten, as a task-list item.
        let now = t("2026-12-01T12:00:00Z");
        todo.claim("me", now, HOUR);
        todo.set_claim(3, todo.items()[0].claim.clone());
        assert_eq!(
            todo.render(),
            "# Todo\n<!-- how to\nuse this -->\n> a quote\n- [~] https://a.example (claimed by me since 2026-12-01T12:00:00Z)\n- b\n* c\n  - [~] d (claimed by me since 2026-12-01T12:00:00Z)\n3) e\n- [x] done\n-\n\n"
        );
    }

    #[test]
    fn picks_by_number_text_or_words() {
        let todo = Todo::parse("- [ ] fetch a.com\n- [ ] fetch b.com\n- [ ] fetch\n");
        assert_eq!(todo.pick("2"), Ok(1));
        assert_eq!(todo.pick("fetch"), Ok(2));
        assert_eq!(todo.pick("B.COM"), Ok(1));
        assert_eq!(todo.pick("4"), Err(Pick::NoNumber(4, 3)));
        assert_eq!(todo.pick("0"), Err(Pick::NoNumber(0, 3)));
        assert_eq!(todo.pick("zzz"), Err(Pick::NoMatch("zzz".into())));
        // An empty string is in every text: it names nothing.
        assert_eq!(todo.pick(""), Err(Pick::Blank));
        assert_eq!(todo.pick("  "), Err(Pick::Blank));
        assert_eq!(
            todo.pick(".com"),
            Err(Pick::Ambiguous(".com".into(), vec![1, 2]))
        );
    }

    #[test]
    fn done_entries_round_trip_and_reconcile() {
        let now = t("2026-12-01T13:00:00Z");
        let mut todo = Todo::parse(
            "- [~] a (claimed by x since 2026-12-01T12:00:00Z)\n- [~] a (claimed by y since 2026-12-01T12:30:00Z)\n- [ ] b\n",
        );
        let entry = Done::of(todo.items()[0], now, "x");
        assert_eq!(
            entry.render(),
            "- [x] a (done by x on 2026-12-01T13:00:00Z, claimed 2026-12-01T12:00:00Z)"
        );
        let text = append_done("# Done\n", &entry);
        let parsed = Done::parse_all(&text);
        assert_eq!(parsed, [entry]);
        // Only the copy under that same claim is finished.
        assert_eq!(todo.reconcile(&parsed), 1);
        assert_eq!(todo.items().len(), 2);
        assert_eq!(todo.reconcile(&parsed), 0);
        // A finisher other than the holder is named after the holder's claim.
        let other = Done::of(todo.items()[0], now, "bob");
        assert_eq!(
            other.render(),
            "- [x] a (done by y on 2026-12-01T13:00:00Z, claimed 2026-12-01T12:30:00Z, finished by bob)"
        );
        assert_eq!(Done::parse_all(&other.render()), [other]);
        let unclaimed = Item {
            text: "c".into(),
            claim: None,
        };
        assert_eq!(
            Done::of(&unclaimed, now, "bob").render(),
            "- [x] c (done by bob on 2026-12-01T13:00:00Z)"
        );
        let odd = Done::parse_all("- [x] by hand\n- [ ] not done\n");
        assert_eq!(odd.len(), 1);
        assert_eq!(
            (odd[0].text.as_str(), odd[0].by.as_str()),
            ("by hand", "unknown")
        );
    }

    #[test]
    fn names_and_texts_are_one_clean_line() {
        assert_eq!(clean("a\nb\t c", false), "a b c");
        assert_eq!(clean("bot (v2)", true), "bot -v2-");
        assert_eq!(clean("x (y)", false), "x (y)");
    }
}
