//! The handoff as something to edit and query, for the toolkit commands: find a section by what it
//! is for, add an entry, move an item from the queue to the done list, mark one in progress, take
//! list items apart. Pure: every byte outside the edited sections is kept, and a CRLF file gets CRLF
//! lines.
use std::ops::Range;

use std::borrow::Cow;

use serde::Serialize;

use crate::handoff::{self, Span};
use crate::templates;

/// What a section is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The queue: What's Next, Next Session Start, Remaining Work.
    Next,
    /// What happened: What Was Done, Progress Markers, Build Log.
    Done,
    /// Approaches that didn't work.
    Failed,
    /// Decisions and their reasons.
    Decision,
    /// Things learned.
    Discovery,
}

impl Role {
    /// Every role, in the order a title is tested against them.
    pub const ALL: [Role; 5] = [
        Role::Next,
        Role::Failed,
        Role::Decision,
        Role::Discovery,
        Role::Done,
    ];

    /// Titles that play this role, most specific first, matched as whole words in any case.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Role::Next => &[
                "what's next",
                "next session start",
                "remaining work",
                "next steps",
                "next actions",
                "next up",
                "todo",
                "next",
            ],
            Role::Done => &[
                "what was done",
                "progress markers",
                "build log",
                "done",
                "progress",
                "completed",
                "changelog",
            ],
            Role::Failed => &[
                "what failed",
                "what didn't work",
                "dead ends",
                "failures",
                "failed",
            ],
            Role::Decision => &[
                "key decisions",
                "decisions made",
                "decisions log",
                "decision log",
                "decisions",
                "decision",
            ],
            Role::Discovery => &[
                "key discoveries",
                "discoveries",
                "discovery",
                "learnings",
                "findings",
            ],
        }
    }

    /// The title of the section created when a document has none for this role.
    pub fn new_title(self) -> &'static str {
        match self {
            Role::Next => "What's Next",
            Role::Done => "What Was Done This Session",
            Role::Failed => "What Failed",
            Role::Decision => "Key Decisions",
            Role::Discovery => "Key Discoveries",
        }
    }

    /// The role a section with this title plays, if any.
    pub fn of_title(title: &str) -> Option<Role> {
        Self::ALL
            .into_iter()
            .find(|r| r.aliases().iter().any(|a| handoff::title_matches(title, a)))
    }
}

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
struct Marks {
    item: Item,
    /// The status marker and its separator, within the text after the list marker.
    status: Option<Range<usize>>,
    /// Where the text starts, within the text after the list marker.
    text_start: usize,
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
struct ListLine<'a> {
    marker: &'a str,
    /// The number and delimiter of an ordered item.
    number: Option<(u32, char)>,
    /// The rest of the line, without its line ending.
    rest: &'a str,
}

fn list_line(line: &str) -> Option<ListLine<'_>> {
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
fn marks(rest: &str) -> Marks {
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
fn stamp_token(s: &str) -> Option<(String, usize)> {
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

/// The line ending a document uses: its first line's (CRLF or LF).
fn newline(text: &str) -> &'static str {
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Whether a block is nothing but blank lines.
fn is_blank(block: &str) -> bool {
    block.trim().is_empty()
}

/// The length of `block` up to the end of its last non-blank line.
fn content_len(block: &str) -> usize {
    let mut end = 0;
    let mut pos = 0;
    for line in block.split_inclusive('\n') {
        pos += line.len();
        if !line.trim().is_empty() {
            end = pos;
        }
    }
    end
}

/// A list block that is one of the templates' placeholders.
/// A one-line list item that is one of the templates' placeholders (one with lines under it says
/// something, so it stays).
fn is_placeholder_block(block: &str) -> bool {
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

/// A section's body, cut into what edits need: blank lines before, content blocks, blank lines
/// after. Blocks borrow the document until an edit changes them, so a long section costs little.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Body<'t> {
    lead: String,
    /// Content blocks with their line endings; the last one has no trailing blank lines.
    blocks: Vec<Cow<'t, str>>,
    tail: String,
}

/// Cut a block to its first `n` bytes without copying a borrowed one.
fn cut(block: &mut Cow<'_, str>, n: usize) {
    match block {
        Cow::Borrowed(b) => *b = &b[..n],
        Cow::Owned(b) => b.truncate(n),
    }
}

/// How a section writes its list items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStyle {
    Bullet(char),
    /// An ordered list: the next number, the delimiter, and whether the numbers run 1, 2, 3 (so
    /// they are kept running after an edit).
    Ordered {
        next: u32,
        delim: char,
        running: Option<u32>,
    },
}

impl<'t> Body<'t> {
    fn empty() -> Self {
        Self {
            lead: String::new(),
            blocks: Vec::new(),
            tail: String::new(),
        }
    }

    fn of(text: &'t str, span: &Span) -> Self {
        let whole = &text[span.body_start()..span.end()];
        let mut blocks: Vec<Cow<'t, str>> = span
            .blocks
            .iter()
            .map(|r| Cow::Borrowed(&text[r.clone()]))
            .collect();
        let Some(first) = blocks.iter().position(|b| !is_blank(b)) else {
            return Self {
                tail: whole.to_string(),
                ..Self::empty()
            };
        };
        let lead = blocks.drain(..first).collect::<String>();
        let mut tail = String::new();
        if let Some(last) = blocks.last_mut() {
            let n = content_len(last);
            tail = last[n..].to_string();
            cut(last, n);
        }
        Self { lead, blocks, tail }
    }

    fn render(&self) -> String {
        let mut out = self.lead.clone();
        for b in &self.blocks {
            out.push_str(b);
        }
        out.push_str(&self.tail);
        out
    }

    /// The list items: (block index, parsed line), placeholders left out.
    fn items(&self) -> Vec<(usize, Item)> {
        self.blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let item = marks(list_line(b)?.rest).item;
                (!templates::is_placeholder(&item.text)).then_some((i, item))
            })
            .collect()
    }

    fn style(&self) -> ListStyle {
        // The last list item decides; only an ordered list needs the others.
        let Some(last) = self.blocks.iter().rev().find_map(|b| list_line(b)) else {
            return ListStyle::Bullet('-');
        };
        match last.number {
            None => ListStyle::Bullet(last.marker.chars().next().unwrap_or('-')),
            Some((n, delim)) => {
                let lines: Vec<ListLine<'_>> =
                    self.blocks.iter().filter_map(|b| list_line(b)).collect();
                let numbers: Vec<u32> =
                    lines.iter().filter_map(|l| l.number.map(|x| x.0)).collect();
                let ordered_only = numbers.len() == lines.len();
                let runs = numbers.windows(2).all(|w| w[1] == w[0] + 1);
                let running = (ordered_only && runs).then(|| numbers[0]);
                let next = if numbers.len() > 1 && running.is_none() {
                    n
                } else {
                    n + 1
                };
                ListStyle::Ordered {
                    next,
                    delim,
                    running,
                }
            }
        }
    }

    /// Drop the templates' placeholder items.
    fn remove_placeholders(&mut self) {
        let before = self.blocks.len();
        self.blocks.retain(|b| !is_placeholder_block(b));
        if self.blocks.len() != before {
            self.trim_last();
        }
    }

    /// The last block ends at its last non-blank line; the blank lines after it are the tail's.
    /// With no blocks left, the blank line under the heading goes too.
    fn trim_last(&mut self) {
        match self.blocks.last_mut() {
            Some(last) => {
                let n = content_len(last);
                cut(last, n);
            }
            None => self.lead.clear(),
        }
    }

    /// Make sure the last block ends with a line ending, and with a blank line when `blank`.
    fn close_last(&mut self, nl: &str, blank: bool) {
        let lead_blank = self.lead.is_empty();
        if let Some(last) = self.blocks.last_mut() {
            if !last.ends_with('\n') {
                last.to_mut().push_str(nl);
            }
            if blank && content_len(last) == last.len() {
                last.to_mut().push_str(nl);
            }
        } else if lead_blank {
            // A blank line under the heading, as the templates have it.
            self.lead.push_str(nl);
        }
    }

    /// Add `block` at the end: right under a list or table it continues, else after a blank line.
    fn push(&mut self, block: String, nl: &str) {
        let continues = self.blocks.last().is_some_and(|last| {
            let first_line = block.split('\n').next().unwrap_or("");
            let last_line = last.trim_end().rsplit('\n').next().unwrap_or("");
            let list = list_line(&block).is_some() && list_line(last).is_some();
            let table = first_line.starts_with('|') && last_line.trim_start().starts_with('|');
            list || table
        });
        self.close_last(nl, !continues);
        self.blocks.push(Cow::Owned(block));
    }

    /// Renumber an ordered list that ran 1, 2, 3 before the edit.
    fn renumber(&mut self, style: ListStyle) {
        let ListStyle::Ordered {
            running: Some(start),
            ..
        } = style
        else {
            return;
        };
        let mut n = start;
        for b in &mut self.blocks {
            let Some(l) = list_line(b) else { continue };
            let Some((old, _)) = l.number else { continue };
            let digits = old.to_string().len();
            if old != n {
                b.to_mut().replace_range(..digits, &n.to_string());
            }
            n += 1;
        }
    }
}

/// A document being edited.
#[derive(Debug)]
struct Doc<'t> {
    text: &'t str,
    nl: &'static str,
    spans: Vec<Span>,
    /// Indices of the spans that are the document's parts (not its title or preamble).
    parts: Vec<usize>,
    /// The heading level of a new part.
    level: u8,
}

impl<'t> Doc<'t> {
    fn new(text: &'t str) -> Self {
        let spans = handoff::outline(text);
        let headed: Vec<usize> = (0..spans.len())
            .filter(|&i| spans[i].heading.is_some())
            .collect();
        let level = headed.iter().map(|&i| spans[i].level).max().unwrap_or(0);
        let mut parts: Vec<usize> = headed
            .iter()
            .copied()
            .filter(|&i| spans[i].level == level)
            .collect();
        // A lone `# Title` is the document's name, not a part.
        if parts.len() == 1 && headed.len() == 1 && level == 1 {
            parts.clear();
        }
        let level = if parts.is_empty() { 2 } else { level };
        Self {
            text,
            nl: newline(text),
            spans,
            parts,
            level,
        }
    }

    /// The part that plays `role`: the most specific title wins, then the first in the file. A
    /// part plays one role only (its first in [`Role::ALL`]), so two edits never hit one section.
    fn find(&self, role: Role) -> Option<usize> {
        role.aliases().iter().find_map(|alias| {
            self.parts.iter().copied().find(|&i| {
                let title = &self.spans[i].title;
                handoff::title_matches(title, alias) && Role::of_title(title) == Some(role)
            })
        })
    }

    fn body(&self, i: usize) -> Body<'t> {
        Body::of(self.text, &self.spans[i])
    }

    /// The range a section's body occupies.
    fn body_range(&self, i: usize) -> Range<usize> {
        self.spans[i].body_start()..self.spans[i].end()
    }

    /// Text that appends a new part with this title and body at the end of the document.
    fn new_part(&self, title: &str, body: &Body) -> String {
        let nl = self.nl;
        let mut out = String::new();
        if !self.text.is_empty() {
            if !self.text.ends_with('\n') {
                out.push_str(nl);
            }
            if !self.text.ends_with("\n\n") && !self.text.ends_with("\n\r\n") {
                out.push_str(nl);
            }
        }
        out.push_str(&"#".repeat(usize::from(self.level)));
        out.push(' ');
        out.push_str(title);
        out.push_str(nl);
        out.push_str(&body.render());
        out
    }

    /// Replace the given ranges (which must not overlap) and keep every other byte.
    fn splice(&self, mut edits: Vec<(Range<usize>, String)>) -> String {
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        let mut out = String::with_capacity(self.text.len() + 256);
        let mut pos = 0;
        for (r, new) in edits {
            out.push_str(&self.text[pos..r.start]);
            out.push_str(&new);
            pos = r.end;
        }
        out.push_str(&self.text[pos..]);
        out
    }

    /// The body for `role` and where it goes: an existing part, or a new one at the end.
    fn target(&self, role: Role) -> (Body<'t>, Option<usize>) {
        match self.find(role) {
            Some(i) => (self.body(i), Some(i)),
            None => (Body::empty(), None),
        }
    }

    /// The edit that writes `body` back for the target found by [`Doc::target`].
    fn write_back(&self, role: Role, body: &Body, at: Option<usize>) -> (Range<usize>, String) {
        let Some(i) = at else {
            let end = self.text.len();
            return (end..end, self.new_part(role.new_title(), body));
        };
        let heading_ends_line = self.spans[i]
            .heading
            .as_ref()
            .is_none_or(|h| self.text[h.clone()].ends_with('\n'));
        let body = body.render();
        let body = if heading_ends_line || body.is_empty() {
            body
        } else {
            format!("{}{body}", self.nl)
        };
        (self.body_range(i), body)
    }

    fn title(&self, at: Option<usize>, role: Role) -> String {
        at.map_or_else(|| role.new_title().into(), |i| self.spans[i].title.clone())
    }
}

/// The result of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The whole new text.
    pub text: String,
    /// The section written to.
    pub section: String,
    /// Whether that section had to be created.
    pub created: bool,
}

impl Edit {
    /// The edit of an LF copy, written back with the CR line endings of the original.
    fn in_cr(mut self, cr: bool) -> Self {
        if cr {
            self.text = self.text.replace('\n', "\r");
        }
        self
    }
}

/// A text whose lines end in a lone CR (classic Mac OS) as LF, and whether it was one: such a file
/// is a document like the others, its sections and items found and its line endings kept.
fn as_lf(text: &str) -> (Cow<'_, str>, bool) {
    let cr = memchr::memchr(b'\r', text.as_bytes()).is_some()
        && memchr::memchr(b'\n', text.as_bytes()).is_none();
    if cr {
        (Cow::Owned(text.replace('\r', "\n")), true)
    } else {
        (Cow::Borrowed(text), false)
    }
}

/// One list item to write: `- {prefix}{text}`, with more lines indented under it.
fn item_block(marker: &str, prefix: &str, text: &str, nl: &str) -> String {
    let indent = " ".repeat(marker.chars().count());
    let mut out = String::new();
    for (i, line) in text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
    {
        if i == 0 {
            out.push_str(marker);
            out.push_str(prefix);
            out.push_str(line.trim_start());
        } else {
            out.push_str(&indent);
            out.push_str(line);
        }
        out.push_str(nl);
    }
    out
}

/// A table row for tables that log entries: the stamp in the first column, the text in the second.
fn table_row(header: &str, stamp: &str, text: &str, nl: &str) -> String {
    let columns = header.trim().trim_matches('|').split('|').count().max(1);
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|");
    if columns == 1 {
        return format!("| {stamp} — {text} |{nl}");
    }
    format!("| {stamp} | {text} |{}{nl}", " |".repeat(columns - 2))
}

/// The marker for a new item in a section written in `style`.
fn new_marker(style: ListStyle) -> String {
    match style {
        ListStyle::Bullet(c) => format!("{c} "),
        ListStyle::Ordered { next, delim, .. } => format!("{next}{delim} "),
    }
}

/// If the body's last sub-heading is a date other than `today`, start today's: reuse an empty one,
/// else add a heading. Sections without dated sub-headings are left alone.
fn date_heading(body: &mut Body, today: &str, nl: &str) {
    let Some(i) = body.blocks.iter().rposition(|b| b.starts_with('#')) else {
        return;
    };
    let line = body.blocks[i].lines().next().unwrap_or("");
    let hashes = line.len() - line.trim_start_matches('#').len();
    let title = handoff::heading_title(line);
    if stamp_token(&title).is_none() || title.starts_with(today) {
        return;
    }
    let heading = format!("{} {today}{nl}", "#".repeat(hashes));
    if i + 1 == body.blocks.len() {
        // An empty day: rename it.
        let eol = body.blocks[i]
            .find(['\r', '\n'])
            .unwrap_or(body.blocks[i].len());
        body.blocks[i]
            .to_mut()
            .replace_range(..eol, heading.trim_end());
        return;
    }
    body.push(heading, nl);
}

/// Append an entry (`- {stamp} — {text}`) to the part that plays `role`, creating it at the end
/// when there is none. Template placeholders in that part go; a table gets a row instead of a
/// bullet; a log kept under dated sub-headings gets today's.
pub fn append(text: &str, role: Role, stamp: &str, entry: &str, today: &str) -> Edit {
    let (text, cr) = as_lf(text);
    let doc = Doc::new(&text);
    let nl = doc.nl;
    let (mut body, at) = doc.target(role);
    body.remove_placeholders();
    if role == Role::Done {
        date_heading(&mut body, today, nl);
    }
    let last_line = body.blocks.last().map(|b| {
        b.trim_end()
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .trim_start()
            .to_string()
    });
    let block = match last_line {
        Some(l) if l.starts_with('|') => {
            // The header is the row above the `|---|` line.
            let header = body
                .blocks
                .iter()
                .rev()
                .find_map(|b| {
                    let mut lines = b.lines();
                    let first = lines.next()?;
                    let sep = lines.next()?.trim();
                    (sep.starts_with('|') && sep.contains('-')).then_some(first)
                })
                .unwrap_or(&l)
                .to_string();
            table_row(&header, stamp, entry, nl)
        }
        _ => item_block(&new_marker(body.style()), &format!("{stamp} — "), entry, nl),
    };
    body.push(block, nl);
    let section = doc.title(at, role);
    let edit = doc.write_back(role, &body, at);
    Edit {
        text: doc.splice(vec![edit]),
        section,
        created: at.is_none(),
    }
    .in_cr(cr)
}

/// The queue: the items of the part that plays [`Role::Next`], numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    /// The section's title.
    pub section: String,
    /// The items, placeholders left out.
    pub items: Vec<Item>,
}

/// The document's queue, or `None` when it has no such section.
pub fn queue(text: &str) -> Option<Queue> {
    let (text, _) = as_lf(text);
    let doc = Doc::new(&text);
    let i = doc.find(Role::Next)?;
    Some(Queue {
        section: doc.spans[i].title.clone(),
        items: doc
            .body(i)
            .items()
            .into_iter()
            .map(|(_, item)| item)
            .collect(),
    })
}

/// Add an item to the queue: after the last one of the same or higher priority, else before the
/// first of lower priority, else at the end.
pub fn push(text: &str, item: &str, priority: Option<u8>) -> Edit {
    let (text, cr) = as_lf(text);
    let doc = Doc::new(&text);
    let nl = doc.nl;
    let (mut body, at) = doc.target(Role::Next);
    body.remove_placeholders();
    let style = body.style();
    let prefix = priority.map(|p| format!("**P{p}**: ")).unwrap_or_default();
    let block = item_block(&new_marker(style), &prefix, item, nl);
    let rank = |item: &Item| {
        item.priority
            .as_deref()
            .and_then(|p| p[1..].parse::<u8>().ok())
    };
    let items = body.items();
    let position = priority.and_then(|p| {
        let after = items
            .iter()
            .rev()
            .find(|(_, it)| rank(it).is_some_and(|r| r <= p));
        match after {
            Some((i, _)) => Some(i + 1),
            None => items
                .iter()
                .find(|(_, it)| rank(it).is_some_and(|r| r > p))
                .map(|(i, _)| *i),
        }
    });
    match position {
        Some(i) if i < body.blocks.len() => {
            // The new item copies the spacing of the list around it (tight or loose).
            let next_to = if i > 0 && list_line(&body.blocks[i - 1]).is_some() {
                &body.blocks[i - 1]
            } else {
                &body.blocks[i]
            };
            let gap = next_to[content_len(next_to)..].to_string();
            body.blocks.insert(i, Cow::Owned(block + &gap));
        }
        _ => body.push(block, nl),
    }
    body.renumber(style);
    let section = doc.title(at, Role::Next);
    let edit = doc.write_back(Role::Next, &body, at);
    Edit {
        text: doc.splice(vec![edit]),
        section,
        created: at.is_none(),
    }
    .in_cr(cr)
}

/// Which queue item a command means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Its number in the list, from 1.
    Number(usize),
    /// Words in its text (any case).
    Text(String),
}

impl Selector {
    /// A number when `s` is one, else text.
    pub fn parse(s: &str) -> Self {
        match s.trim().trim_end_matches('.').parse() {
            Ok(n) => Selector::Number(n),
            Err(_) => Selector::Text(s.trim().to_string()),
        }
    }
}

/// Why a queue item could not be picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickError {
    /// The document has no queue section, or it is empty.
    Empty,
    /// No item has this number; the queue has this many.
    NoNumber(usize, usize),
    /// No item contains this text.
    NoMatch(String),
    /// Several items contain this text: their numbers.
    Ambiguous(String, Vec<usize>),
}

impl std::fmt::Display for PickError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PickError::Empty => write!(f, "the queue is empty; add to it with `handoff next add`"),
            PickError::NoNumber(n, len) => write!(
                f,
                "there is no item {n}: the queue has {len}; `handoff next` lists them"
            ),
            PickError::NoMatch(t) => {
                write!(f, "no item contains \"{t}\"; `handoff next` lists them")
            }
            PickError::Ambiguous(t, numbers) => {
                let numbers: Vec<String> = numbers.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "\"{t}\" matches items {}; give the number instead",
                    numbers.join(", ")
                )
            }
        }
    }
}

/// Find the item `sel` means: its number (from 1), block index and parsed line.
fn pick(body: &Body, sel: &Selector) -> Result<(usize, usize, Item), PickError> {
    let items = body.items();
    if items.is_empty() {
        return Err(PickError::Empty);
    }
    match sel {
        Selector::Number(n) => match n.checked_sub(1).and_then(|k| items.get(k)) {
            Some((i, item)) => Ok((*n, *i, item.clone())),
            None => Err(PickError::NoNumber(*n, items.len())),
        },
        Selector::Text(t) => {
            let needle = t.to_lowercase();
            let found: Vec<usize> = (0..items.len())
                .filter(|&k| items[k].1.text.to_lowercase().contains(&needle))
                .collect();
            match found.as_slice() {
                [] => Err(PickError::NoMatch(t.clone())),
                [k] => Ok((k + 1, items[*k].0, items[*k].1.clone())),
                _ => Err(PickError::Ambiguous(
                    t.clone(),
                    found.iter().map(|k| k + 1).collect(),
                )),
            }
        }
    }
}

/// Mark a queue item `IN_PROGRESS`. Returns the edit (unchanged text when it already was) and the
/// item as it was.
pub fn start(text: &str, sel: &Selector) -> Result<(Edit, Item), PickError> {
    let (lf, cr) = as_lf(text);
    let doc = Doc::new(&lf);
    let at = doc.find(Role::Next).ok_or(PickError::Empty)?;
    let mut body = doc.body(at);
    let (_, i, item) = pick(&body, sel)?;
    let section = doc.spans[at].title.clone();
    if item.status.as_deref() == Some("IN_PROGRESS") {
        let edit = Edit {
            text: text.to_string(),
            section,
            created: false,
        };
        return Ok((edit, item));
    }
    let line = list_line(&body.blocks[i]).ok_or(PickError::Empty)?;
    let m = marks(line.rest);
    let base = line.marker.len();
    let block = body.blocks[i].to_mut();
    match m.status {
        Some(r) => block.replace_range(base + r.start..base + r.end, "IN_PROGRESS: "),
        None => block.insert_str(base + m.text_start, "IN_PROGRESS: "),
    }
    let edit = doc.write_back(Role::Next, &body, Some(at));
    Ok((
        Edit {
            text: doc.splice(vec![edit]),
            section,
            created: false,
        }
        .in_cr(cr),
        item,
    ))
}

/// Move a queue item to the done list, dated: `- {date} — {text}` (or `- COMPLETED: {date} — …` in a
/// list of progress markers), with the lines under it. Returns the edit (naming the done section)
/// and the item.
pub fn done(text: &str, sel: &Selector, date: &str) -> Result<(Edit, Item), PickError> {
    let (text, cr) = as_lf(text);
    let doc = Doc::new(&text);
    let nl = doc.nl;
    let from = doc.find(Role::Next).ok_or(PickError::Empty)?;
    let mut queue = doc.body(from);
    let style = queue.style();
    let (_, i, item) = pick(&queue, sel)?;
    let moved = queue.blocks.remove(i);
    queue.trim_last();
    queue.renumber(style);
    // The lines under the item move with it.
    let extra: Vec<&str> = moved
        .split_inclusive('\n')
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();

    let (mut body, at) = doc.target(Role::Done);
    let markers = body
        .blocks
        .iter()
        .filter_map(|b| list_line(b))
        .any(|l| marks(l.rest).item.status.is_some());
    body.remove_placeholders();
    date_heading(&mut body, date, nl);
    let prefix = if markers { "COMPLETED: " } else { "" };
    let mut block = item_block(
        &new_marker(body.style()),
        &format!("{prefix}{date} — "),
        &item.text,
        nl,
    );
    for line in extra {
        block.push_str(line.trim_end_matches(['\r', '\n']));
        block.push_str(nl);
    }
    body.push(block, nl);
    let section = doc.title(at, Role::Done);
    let edits = vec![
        doc.write_back(Role::Next, &queue, Some(from)),
        doc.write_back(Role::Done, &body, at),
    ];
    Ok((
        Edit {
            text: doc.splice(edits),
            section,
            created: at.is_none(),
        }
        .in_cr(cr),
        item,
    ))
}

/// One part of the document, for reading (`show --json`, `status`, `overview`, `check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionView {
    /// The heading's text.
    pub title: String,
    /// The heading's level (2 for `##`).
    pub level: u8,
    /// What the section is for, when the toolkit knows.
    pub role: Option<Role>,
    /// The heading's line number, from 1.
    pub line: usize,
    /// The list items at the section's top level, placeholders left out.
    pub items: Vec<Item>,
    /// The body as written, without the blank lines around it, with LF line endings.
    pub text: String,
}

/// A document, for reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Structure {
    /// The single top heading above the parts, if there is one.
    pub title: Option<String>,
    /// The text between the title and the first part, trimmed, LF.
    pub intro: String,
    /// The parts, in file order.
    pub sections: Vec<SectionView>,
}

/// Read a document's structure.
pub fn structure(text: &str) -> Structure {
    let (text, _) = as_lf(text);
    let text = text.as_ref();
    let doc = Doc::new(text);
    let first_part = doc.parts.first().copied().unwrap_or(doc.spans.len());
    let mut title = None;
    let mut intro = String::new();
    for span in &doc.spans[..first_part] {
        if span.heading.is_some() && title.is_none() {
            title = Some(span.title.clone());
        }
        if let (Some(a), Some(b)) = (span.blocks.first(), span.blocks.last()) {
            intro.push_str(&text[a.start..b.end]);
        }
    }
    let line_of = |offset: usize| text[..offset].bytes().filter(|&b| b == b'\n').count() + 1;
    let sections = doc
        .parts
        .iter()
        .map(|&i| {
            let span = &doc.spans[i];
            let body = doc.body(i);
            SectionView {
                title: span.title.clone(),
                level: span.level,
                role: Role::of_title(&span.title),
                line: line_of(span.start()),
                items: body.items().into_iter().map(|(_, it)| it).collect(),
                text: handoff::normalize_newlines(&body.blocks.concat())
                    .trim_end()
                    .to_string(),
            }
        })
        .collect();
    Structure {
        title,
        intro: handoff::normalize_newlines(&intro).trim().to_string(),
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-11-21";
    const STAMP: &str = "2026-11-21 12:00 UTC";

    #[track_caller]
    fn appended(text: &str, role: Role, want: &str) {
        let edit = append(text, role, STAMP, "new", TODAY);
        assert_eq!(
            edit.text, want,
            "\n--- got\n{}\n--- want\n{want}",
            edit.text
        );
    }

    #[test]
    fn append_to_each_kind_of_section() {
        let h = Role::Failed;
        // Under the last bullet, before the blank line and the next heading.
        appended(
            "# T\n\n## What Failed\n- a\n\n## Next\n- n\n",
            h,
            "# T\n\n## What Failed\n- a\n- 2026-11-21 12:00 UTC — new\n\n## Next\n- n\n",
        );
        // After a paragraph: a blank line first.
        appended(
            "## What Failed\nWhy things failed.\n## B\n",
            h,
            "## What Failed\nWhy things failed.\n\n- 2026-11-21 12:00 UTC — new\n## B\n",
        );
        // An empty section gets a blank line under its heading.
        appended(
            "## What Failed\n\n## B\n",
            h,
            "## What Failed\n\n- 2026-11-21 12:00 UTC — new\n\n## B\n",
        );
        appended(
            "## What Failed",
            h,
            "## What Failed\n\n- 2026-11-21 12:00 UTC — new\n",
        );
        // At the end of a file without a final newline.
        appended(
            "## What Failed\n- a",
            h,
            "## What Failed\n- a\n- 2026-11-21 12:00 UTC — new\n",
        );
        // The list's own marker.
        appended(
            "## What Failed\n* a\n",
            h,
            "## What Failed\n* a\n* 2026-11-21 12:00 UTC — new\n",
        );
        appended(
            "## What Failed\n1. a\n2. b\n",
            h,
            "## What Failed\n1. a\n2. b\n3. 2026-11-21 12:00 UTC — new\n",
        );
        // Sub-bullets stay with their item.
        appended(
            "## What Failed\n- a\n  - why\n\n## B\n",
            h,
            "## What Failed\n- a\n  - why\n- 2026-11-21 12:00 UTC — new\n\n## B\n",
        );
        // After a code block: a blank line first.
        appended(
            "## What Failed\n```\nx\n```\n",
            h,
            "## What Failed\n```\nx\n```\n\n- 2026-11-21 12:00 UTC — new\n",
        );
    }

    #[test]
    fn missing_sections_are_created_at_the_end() {
        appended(
            "# T\n\n## A\n- a\n",
            Role::Discovery,
            "# T\n\n## A\n- a\n\n## Key Discoveries\n\n- 2026-11-21 12:00 UTC — new\n",
        );
        appended(
            "# T\n\nintro\n",
            Role::Failed,
            "# T\n\nintro\n\n## What Failed\n\n- 2026-11-21 12:00 UTC — new\n",
        );
        appended(
            "# A\n- a\n# B\n- b",
            Role::Next,
            "# A\n- a\n# B\n- b\n\n# What's Next\n\n- 2026-11-21 12:00 UTC — new\n",
        );
        appended(
            "",
            Role::Next,
            "## What's Next\n\n- 2026-11-21 12:00 UTC — new\n",
        );
        let edit = append("## A\n", Role::Decision, STAMP, "x", TODAY);
        assert!(edit.created);
        assert_eq!(edit.section, "Key Decisions");
    }

    #[test]
    fn a_title_is_not_a_section_even_when_it_says_next() {
        appended(
            "# Memory: next-app\n\n## Notes\n- n\n",
            Role::Next,
            "# Memory: next-app\n\n## Notes\n- n\n\n## What's Next\n\n- 2026-11-21 12:00 UTC — new\n",
        );
    }

    #[test]
    fn roles_find_each_templates_sections() {
        let cases = [
            (Role::Decision, "## Decisions Made\n", "Decisions Made"),
            (Role::Decision, "## Decisions Log\n", "Decisions Log"),
            (
                Role::Decision,
                "## Key Decisions (with reasoning)\n",
                "Key Decisions (with reasoning)",
            ),
            (Role::Done, "## Progress Markers\n", "Progress Markers"),
            (Role::Done, "## Build Log\n", "Build Log"),
            (
                Role::Done,
                "## What Was Done This Session\n",
                "What Was Done This Session",
            ),
            (Role::Next, "## Next Session Start\n", "Next Session Start"),
            (Role::Next, "## Remaining Work\n", "Remaining Work"),
            (Role::Next, "## What’s Next\n", "What’s Next"),
            (
                Role::Failed,
                "## What Failed (and why)\n",
                "What Failed (and why)",
            ),
            (Role::Discovery, "## Key Discoveries\n", "Key Discoveries"),
        ];
        for (role, text, title) in cases {
            let text = format!("# T\n## Other\n{text}");
            let edit = append(&text, role, STAMP, "x", TODAY);
            assert_eq!(
                (edit.section.as_str(), edit.created),
                (title, false),
                "{text}"
            );
        }
        // The most specific title wins over the first.
        let edit = append(
            "## Next Steps\n## What's Next\n",
            Role::Next,
            STAMP,
            "x",
            TODAY,
        );
        assert_eq!(edit.section, "What's Next");
    }

    #[test]
    fn bytes_outside_the_section_are_kept_and_crlf_stays_crlf() {
        let text = "# T\r\n\r\n## What Failed\r\n- a\r\n\r\n## B\r\nkeep  \r\n\r\n";
        let edit = append(text, Role::Failed, STAMP, "new", TODAY);
        assert_eq!(
            edit.text,
            "# T\r\n\r\n## What Failed\r\n- a\r\n- 2026-11-21 12:00 UTC — new\r\n\r\n## B\r\nkeep  \r\n\r\n"
        );
        let edit = append(text, Role::Decision, STAMP, "d", TODAY);
        assert!(edit.text.starts_with(text));
        assert!(
            !edit.text.replace("\r\n", "").contains('\n'),
            "{:?}",
            edit.text
        );
    }

    #[test]
    fn placeholders_make_way() {
        appended(
            "## What Failed\n\nApproaches that didn't work.\n\n- (nothing yet)\n\n## B\n",
            Role::Failed,
            "## What Failed\n\nApproaches that didn't work.\n\n- 2026-11-21 12:00 UTC — new\n\n## B\n",
        );
        appended(
            "## Progress Markers\n\n- COMPLETED: (nothing yet)\n- IN_PROGRESS: (nothing yet)\n\n## B\n",
            Role::Done,
            "## Progress Markers\n\n- 2026-11-21 12:00 UTC — new\n\n## B\n",
        );
    }

    #[test]
    fn tables_get_a_row() {
        appended(
            "## Decisions Log\n\n| Date | Decision | Rationale |\n|------|----------|-----------|\n| d | x | y |\n\n## C\n",
            Role::Decision,
            "## Decisions Log\n\n| Date | Decision | Rationale |\n|------|----------|-----------|\n| d | x | y |\n| 2026-11-21 12:00 UTC | new | |\n\n## C\n",
        );
    }

    #[test]
    fn a_dated_log_gets_todays_heading() {
        // Yesterday has entries: today's heading follows.
        appended(
            "# C\n## Build Log\n\n### 2026-11-20\n\n- old\n\n## R\n",
            Role::Done,
            "# C\n## Build Log\n\n### 2026-11-20\n\n- old\n\n### 2026-11-21\n\n- 2026-11-21 12:00 UTC — new\n\n## R\n",
        );
        // Today's heading is already there.
        appended(
            "# C\n## Build Log\n\n### 2026-11-21\n\n- old\n",
            Role::Done,
            "# C\n## Build Log\n\n### 2026-11-21\n\n- old\n- 2026-11-21 12:00 UTC — new\n",
        );
        // The template's empty day is renamed.
        appended(
            "# C\n## Build Log\n\n### 2026-11-01\n\n- (nothing yet)\n\n## R\n",
            Role::Done,
            "# C\n## Build Log\n\n### 2026-11-21\n\n- 2026-11-21 12:00 UTC — new\n\n## R\n",
        );
    }

    #[test]
    fn multi_line_entries_indent_their_other_lines() {
        let edit = append(
            "## What Failed\n",
            Role::Failed,
            STAMP,
            "first\nsecond\n\nthird",
            TODAY,
        );
        assert_eq!(
            edit.text,
            "## What Failed\n\n- 2026-11-21 12:00 UTC — first\n  second\n  third\n"
        );
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

    const QUEUE: &str = "# T\n\n## What Was Done This Session\n\n- (nothing yet)\n\n## What's Next\n\n- **P0**: ship\n  - with docs\n- **P1**: polish\n- **P2**: later\n\n## Key Decisions\n- k\n";

    #[test]
    fn queue_lists_items_without_placeholders() {
        let q = queue(QUEUE).unwrap();
        assert_eq!(q.section, "What's Next");
        let texts: Vec<&str> = q.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["ship", "polish", "later"]);
        let q = queue("## What's Next\n- **P0**: the one thing to do first\n- **P1**: (to do)\n")
            .unwrap();
        assert!(q.items.is_empty());
        assert_eq!(queue("## Other\n- x\n"), None);
    }

    #[track_caller]
    fn pushed(text: &str, item: &str, p: Option<u8>, want: &str) {
        let edit = push(text, item, p);
        assert_eq!(
            edit.text, want,
            "\n--- got\n{}\n--- want\n{want}",
            edit.text
        );
    }

    #[test]
    fn push_keeps_priority_order() {
        let base = "## What's Next\n- **P0**: a\n- **P2**: c\n\n## X\n";
        pushed(
            base,
            "b",
            Some(1),
            "## What's Next\n- **P0**: a\n- **P1**: b\n- **P2**: c\n\n## X\n",
        );
        pushed(
            base,
            "a2",
            Some(0),
            "## What's Next\n- **P0**: a\n- **P0**: a2\n- **P2**: c\n\n## X\n",
        );
        pushed(
            base,
            "z",
            None,
            "## What's Next\n- **P0**: a\n- **P2**: c\n- z\n\n## X\n",
        );
        pushed(
            "## What's Next\n- **P1**: b\n",
            "first",
            Some(0),
            "## What's Next\n- **P0**: first\n- **P1**: b\n",
        );
        // Loose lists stay loose.
        pushed(
            "## What's Next\n\n- **P0**: a\n\n- **P2**: c\n",
            "b",
            Some(1),
            "## What's Next\n\n- **P0**: a\n\n- **P1**: b\n\n- **P2**: c\n",
        );
        // Template placeholders go; a missing section is created.
        pushed(
            "## What's Next\n\n- **P0**: the one thing to do first\n- **P1**: (to do)\n- **P2**: (to do)\n\n## K\n",
            "real",
            Some(1),
            "## What's Next\n\n- **P1**: real\n\n## K\n",
        );
        pushed("# T\n", "x", None, "# T\n\n## What's Next\n\n- x\n");
    }

    #[test]
    fn push_renumbers_an_ordered_list() {
        pushed(
            "## Next Session Start\n\n1. Read this file.\n2. (to do)\n",
            "fix it",
            None,
            "## Next Session Start\n\n1. Read this file.\n2. fix it\n",
        );
        pushed(
            "## Next Session Start\n1. **P1**: b\n2. **P2**: c\n",
            "a",
            Some(0),
            "## Next Session Start\n1. **P0**: a\n2. **P1**: b\n3. **P2**: c\n",
        );
    }

    #[test]
    fn done_moves_an_item_with_its_lines_and_the_date() {
        let (edit, item) = done(QUEUE, &Selector::Number(1), TODAY).unwrap();
        assert_eq!(item.text, "ship");
        assert_eq!(edit.section, "What Was Done This Session");
        assert_eq!(
            edit.text,
            "# T\n\n## What Was Done This Session\n\n- 2026-11-21 — ship\n  - with docs\n\n## What's Next\n\n- **P1**: polish\n- **P2**: later\n\n## Key Decisions\n- k\n"
        );
        let (edit, _) = done(QUEUE, &Selector::parse("LATER"), TODAY).unwrap();
        assert!(
            edit.text.contains("- **P1**: polish\n\n## Key"),
            "{}",
            edit.text
        );
    }

    #[test]
    fn done_in_the_memory_and_campaign_templates() {
        let memory = "# M\n\n## Progress Markers\n\n- COMPLETED: (nothing yet)\n- IN_PROGRESS: (nothing yet)\n\n## Next Session Start\n\n1. Read this file.\n2. fix parser\n3. ship\n";
        let (edit, _) = done(memory, &Selector::parse("parser"), TODAY).unwrap();
        assert_eq!(
            edit.text,
            "# M\n\n## Progress Markers\n\n- COMPLETED: 2026-11-21 — fix parser\n\n## Next Session Start\n\n1. Read this file.\n2. ship\n"
        );
        let campaign = "# C\n\n## Build Log\n\n### 2026-11-20\n\n- old\n\n## Remaining Work\n\n- **P0**: migrate\n";
        let (edit, _) = done(campaign, &Selector::Number(1), TODAY).unwrap();
        assert_eq!(
            edit.text,
            "# C\n\n## Build Log\n\n### 2026-11-20\n\n- old\n\n### 2026-11-21\n\n- 2026-11-21 — migrate\n\n## Remaining Work\n"
        );
    }

    #[test]
    fn done_creates_the_done_section_when_missing() {
        let (edit, _) = done("## What's Next\n- a\n- b\n", &Selector::Number(2), TODAY).unwrap();
        assert_eq!(
            edit.text,
            "## What's Next\n- a\n\n## What Was Done This Session\n\n- 2026-11-21 — b\n"
        );
        assert!(edit.created);
    }

    #[test]
    fn picking_errors() {
        for (sel, want) in [
            (Selector::Number(9), PickError::NoNumber(9, 3)),
            (Selector::Number(0), PickError::NoNumber(0, 3)),
            (
                Selector::parse("nothing"),
                PickError::NoMatch("nothing".into()),
            ),
        ] {
            assert_eq!(done(QUEUE, &sel, TODAY).unwrap_err(), want);
        }
        let two = "## What's Next\n- fix a\n- fix b\n";
        assert_eq!(
            start(two, &Selector::parse("fix")).unwrap_err(),
            PickError::Ambiguous("fix".into(), vec![1, 2])
        );
        assert_eq!(
            start("# T\n", &Selector::Number(1)).unwrap_err(),
            PickError::Empty
        );
        assert_eq!(
            start("## What's Next\n- (to do)\n", &Selector::Number(1)).unwrap_err(),
            PickError::Empty
        );
    }

    #[test]
    fn start_marks_in_progress_once() {
        let cases = [
            ("- **P0**: ship\n", "- **P0**: IN_PROGRESS: ship\n"),
            ("- ship\n", "- IN_PROGRESS: ship\n"),
            ("- PENDING: ship\n", "- IN_PROGRESS: ship\n"),
            ("- [ ] ship\n", "- IN_PROGRESS: ship\n"),
            ("1. ship\r\n", "1. IN_PROGRESS: ship\r\n"),
            (
                "- **P0**: IN_PROGRESS: ship\n",
                "- **P0**: IN_PROGRESS: ship\n",
            ),
        ];
        for (item, want) in cases {
            let text = format!("## What's Next\n{item}## X\n");
            let (edit, _) = start(&text, &Selector::Number(1)).unwrap();
            assert_eq!(
                edit.text,
                format!("## What's Next\n{want}## X\n"),
                "{item:?}"
            );
        }
    }

    #[test]
    fn structure_of_a_handoff() {
        let s = structure("# Handoff\r\n\r\nRead me.\r\n\r\n## What's Next\r\n\r\n- **P0**: a\r\n- (to do)\r\n\r\n## Notes\r\ntext\r\n");
        assert_eq!(s.title.as_deref(), Some("Handoff"));
        assert_eq!(s.intro, "Read me.");
        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.sections[0].role, Some(Role::Next));
        assert_eq!(s.sections[0].line, 5);
        assert_eq!(s.sections[0].items.len(), 1);
        assert_eq!(s.sections[0].text, "- **P0**: a\n- (to do)");
        assert_eq!(s.sections[1].role, None);
        assert_eq!(s.sections[1].text, "text");
    }

    #[test]
    fn a_title_with_two_roles_plays_the_first() {
        // "What's Next" and "What Was Done" in one title: the queue, and the done list is new.
        let text = "## What's Next and What Was Done\n- one\n- two\n";
        let (edit, item) = done(text, &Selector::Number(1), TODAY).unwrap();
        assert_eq!(item.text, "one");
        assert_eq!(
            edit.text,
            "## What's Next and What Was Done\n- two\n\n## What Was Done This Session\n\n- 2026-11-21 — one\n"
        );
        let edit = append(text, Role::Done, STAMP, "new", TODAY);
        assert!(edit.created, "{}", edit.text);
    }

    #[test]
    fn cr_only_files_are_documents_and_stay_cr() {
        let text = "# T\r\r## What's Next\r- one\r- two\r\r## What Was Done\r- old\r";
        let (edit, item) = done(text, &Selector::Number(1), TODAY).unwrap();
        assert_eq!(item.text, "one");
        assert_eq!(
            edit.text,
            "# T\r\r## What's Next\r- two\r\r## What Was Done\r- old\r- 2026-11-21 — one\r"
        );
        let (edit, _) = start(text, &Selector::Number(2)).unwrap();
        assert_eq!(
            edit.text,
            "# T\r\r## What's Next\r- one\r- IN_PROGRESS: two\r\r## What Was Done\r- old\r"
        );
        let edit = push(text, "three", None);
        assert!(edit.text.contains("- two\r- three\r\r"), "{:?}", edit.text);
        let edit = append(text, Role::Failed, STAMP, "a\nb", TODAY);
        assert!(!edit.text.contains('\n'), "{:?}", edit.text);
        assert!(edit
            .text
            .ends_with("## What Failed\r\r- 2026-11-21 12:00 UTC — a\r  b\r"));
        assert_eq!(queue(text).unwrap().items.len(), 2);
        let s = structure(text);
        assert_eq!(s.title.as_deref(), Some("T"));
        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.sections[0].line, 3);
    }

    #[test]
    fn odd_line_endings_never_panic() {
        // Lone CRs among LF lines: found by fuzzing, once a panic in `done`.
        let pieces = [
            "# H",
            "## What's Next",
            "## What Was Done",
            "- one",
            "1. a",
            "",
            "text",
            "  - sub",
            "```",
            "| a |",
            "|---|",
            "<!--",
            "-->",
            "### 2026-01-01",
        ];
        let ends = ["\r", "\n", "\r\n"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..next(10) {
                text.push_str(pieces[next(pieces.len())]);
                text.push_str(ends[next(ends.len())]);
            }
            let _ = done(&text, &Selector::Number(1), TODAY);
            let _ = start(&text, &Selector::Number(1));
            let _ = push(&text, "x", Some(1));
            let _ = append(&text, Role::Done, STAMP, "e", TODAY);
            let _ = structure(&text);
        }
        let found =
            "## What's Next\r## What Was Done\r- one\r\r\n|---|\n- two\r| a |\r# H\r|---|\r\n";
        let _ = done(found, &Selector::Number(1), TODAY);
    }
}
