//! The toolkit's edits: add an entry to the section that plays a role, push onto the queue, move
//! an item from the queue to the done list, mark one in progress. Pure: every byte outside the
//! edited sections is kept, and a CRLF (or CR) file gets CRLF (or CR) lines.
use std::borrow::Cow;
use std::ops::Range;

use super::items::{is_placeholder_block, list_line, marks, stamp_token, Item, ListLine};
use super::outline::{self, Span};
use super::roles::Role;
use crate::templates;

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

/// A section's body, cut into what edits need: blank lines before, content blocks, blank lines
/// after. Blocks borrow the document until an edit changes them, so a long section costs little.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Body<'t> {
    lead: String,
    /// Content blocks with their line endings; the last one has no trailing blank lines.
    pub(super) blocks: Vec<Cow<'t, str>>,
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
    pub(super) fn items(&self) -> Vec<(usize, Item)> {
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
pub(super) struct Doc<'t> {
    text: &'t str,
    nl: &'static str,
    pub(super) spans: Vec<Span>,
    /// Indices of the spans that are the document's parts (not its title or preamble).
    pub(super) parts: Vec<usize>,
    /// The heading level of a new part.
    level: u8,
}

impl<'t> Doc<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let spans = outline::outline(text);
        let (parts, level) = outline::parts(&spans);
        Self {
            text,
            nl: newline(text),
            spans,
            parts,
            level,
        }
    }

    /// The part that plays `role`: the most specific title wins, then the first in the file. A
    /// part plays one role only (its first in the table), so two edits never hit one section.
    fn find(&self, role: Role) -> Option<usize> {
        role.aliases().iter().find_map(|alias| {
            self.parts
                .iter()
                .copied()
                .find(|&i| role.named_by(&self.spans[i].title, alias))
        })
    }

    pub(super) fn body(&self, i: usize) -> Body<'t> {
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
pub(super) fn as_lf(text: &str) -> (Cow<'_, str>, bool) {
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
    let title = outline::heading_title(line);
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

/// `text` with the date of a `Last updated: YYYY-MM-DD` line above the first section set to
/// `date` (every other byte kept), so an edit dates the file; unchanged when it has none.
pub fn mark_updated(text: String, date: &str) -> String {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("## ") || line.starts_with("```") {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(k) = lower.find("last updated") {
            let found = (k..line.len()).find(|&i| is_date(&line.as_bytes()[i..]));
            if let Some(i) = found {
                let mut text = text;
                text.replace_range(at + i..at + i + 10, date);
                return text;
            }
        }
        at += line.len();
    }
    text
}

/// Whether `b` starts with a `YYYY-MM-DD` date.
fn is_date(b: &[u8]) -> bool {
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
        && !b.get(10).is_some_and(u8::is_ascii_digit)
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
#[cfg(test)]
mod tests {
    #[test]
    fn an_edit_dates_the_masthead() {
        let d = "2026-12-01";
        for (text, want) in [
            (
                "# H\nLast updated: 2026-09-01\n\n## Next\n",
                "# H\nLast updated: 2026-12-01\n\n## Next\n",
            ),
            (
                "# H\r\n\r\n**Last Updated:** 2026-09-01 (session 4)\r\n",
                "# H\r\n\r\n**Last Updated:** 2026-12-01 (session 4)\r\n",
            ),
            (
                "# H\n> _last updated 2026-09-01_\n",
                "# H\n> _last updated 2026-12-01_\n",
            ),
            // Only the masthead's, only a date, nothing else.
            ("# H\n\n## Log\nLast updated: 2026-09-01\n", ""),
            ("# H\nLast updated: yesterday\n", ""),
            ("# H\nLast updated: 2026-09-011\n", ""),
            ("# H\nUpdated 2026-09-01\n", ""),
        ] {
            let want = if want.is_empty() { text } else { want };
            assert_eq!(mark_updated(text.to_string(), d), want, "{text:?}");
        }
    }

    use super::super::view::structure;
    use super::*;

    const QUEUE: &str = "# T\n\n## What Was Done This Session\n\n- (nothing yet)\n\n## What's Next\n\n- **P0**: ship\n  - with docs\n- **P1**: polish\n- **P2**: later\n\n## Key Decisions\n- k\n";
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
        // Known Issues is where failures go; no second section is made.
        let edit = append(
            "# T\n\n## Known Issues\n\n- flaky test\n\n## What's Next\n",
            Role::Failed,
            STAMP,
            "x",
            TODAY,
        );
        assert_eq!(
            (edit.section.as_str(), edit.created),
            ("Known Issues", false)
        );
        assert!(!edit.text.contains("What Failed"), "{}", edit.text);
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
