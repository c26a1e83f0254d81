//! The handoff document: sections and blocks, packed by priority under a UTF-16 budget. Pure: no I/O.
//!
//! A document is split at its section headings (the level the file uses for its parts: `##` under a
//! single `#` title, else the shallowest). A section's body is split into blocks: a top-level line
//! with everything indented under it (a bullet and its sub-bullets), a whole fenced code block, a
//! table header with its separator row. Packing drops whole sections, then trailing blocks, never
//! part of a line.

/// Default section priority, highest first; `*` is every section not named.
pub const DEFAULT_PRIORITY: &[&str] = &[
    "next session start|what's next|next steps|next actions|next up|next|todo|remaining work",
    "what failed|failed|failures|dead ends|what didn't work|blockers|blocked|known issues|pitfalls",
    "current state|state|status|active session|active context|current focus",
    "key decisions|decisions|decisions made|decisions log|decision log|constraints",
    "*",
    "what was done|done|completed|build log|session log|changelog|history",
];

/// Length in UTF-16 code units, the unit Claude Code measures hook output in.
pub fn utf16_len(s: &str) -> usize {
    // One unit per char (std counts chars fast), plus one more for each char outside the BMP
    // (a 4-byte sequence, lead byte >= 0xF0); pure ASCII needs no second pass.
    let chars = s.chars().count();
    if chars == s.len() {
        return chars;
    }
    chars + s.bytes().filter(|&b| b >= 0xF0).count()
}

/// One part of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    /// The heading line with its newline, or `None` for text before the first heading.
    pub heading: Option<&'a str>,
    /// Heading level (1–6); 0 for the text before the first heading.
    pub level: u8,
    /// The heading's text, without `#`s and emphasis.
    pub title: String,
    /// The body, as blocks that are kept or dropped whole.
    pub blocks: Vec<&'a str>,
    /// Each block's size in UTF-16 units, measured once.
    pub block_units: Vec<usize>,
}

impl Section<'_> {
    /// Size of the heading in UTF-16 units.
    pub fn heading_units(&self) -> usize {
        self.heading.map_or(0, utf16_len)
    }

    /// Size of the whole section in UTF-16 units.
    pub fn units(&self) -> usize {
        self.heading_units() + self.block_units.iter().sum::<usize>()
    }

    /// Blocks that carry content (not blank lines alone).
    pub fn item_count(&self) -> usize {
        self.blocks.iter().filter(|b| !b.trim().is_empty()).count()
    }
}

/// A parsed handoff, borrowing the (LF-normalised) text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// Every part in file order; the first may be the heading-less preamble.
    pub sections: Vec<Section<'a>>,
}

/// Replace CRLF and lone CR line endings with LF.
pub fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    }
}

/// A line's role, as far as splitting is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An ATX heading of this level.
    Heading(u8),
    /// Opens a fenced code block.
    FenceOpen,
    /// Opens an HTML comment that does not close on the same line.
    CommentOpen,
    /// A table separator row (`|---|:--:|`).
    TableSeparator,
    /// A non-blank line starting at the left margin.
    TopLevel,
    /// A blank or indented line: belongs to the block above.
    Continuation,
}

fn classify(line: &str) -> Kind {
    // Most lines are prose or list items: decided by their first bytes, without a scan.
    let b = line.as_bytes();
    let plain = match b.first() {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'*' || *c == b'+' => true,
        // `- x` cannot be a table separator: those hold only `|-: `.
        Some(b'-') => b.get(1) == Some(&b' ') && b.get(2).is_some_and(u8::is_ascii_alphanumeric),
        _ => false,
    };
    if plain {
        return Kind::TopLevel;
    }
    let trimmed = line.trim_end();
    if trimmed.is_empty() {
        return Kind::Continuation;
    }
    let indent = line.len() - line.trim_start().len();
    let body = line.trim_start();
    if indent <= 3 && (body.starts_with("```") || body.starts_with("~~~")) {
        return Kind::FenceOpen;
    }
    if indent <= 3 && body.starts_with("<!--") && !body.contains("-->") {
        return Kind::CommentOpen;
    }
    if indent <= 3 && body.starts_with('#') {
        let hashes = body.bytes().take_while(|&b| b == b'#').count();
        let rest = &body[hashes..];
        if hashes <= 6 && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return Kind::Heading(hashes as u8);
        }
    }
    if is_table_separator(body) {
        return Kind::TableSeparator;
    }
    if indent >= 2 || line.starts_with('\t') {
        Kind::Continuation
    } else {
        Kind::TopLevel
    }
}

fn is_table_separator(body: &str) -> bool {
    let t = body.trim();
    // The character test first: it stops at the first letter of an ordinary line.
    t.bytes()
        .all(|c| matches!(c, b'|' | b'-' | b':' | b' ' | b'\t'))
        && t.contains('-')
        && t.contains('|')
}

/// The marker that closes a fence opened by `line`: the same character, at least as many.
fn fence_marker(line: &str) -> (u8, usize) {
    let body = line.trim_start().as_bytes();
    let ch = body[0];
    (ch, body.iter().take_while(|&&b| b == ch).count())
}

fn closes_fence(line: &str, (ch, len): (u8, usize)) -> bool {
    let body = line.trim();
    body.len() >= len && body.bytes().all(|b| b == ch)
}

/// Lines with their newlines, each tagged with its role; fence and comment bodies are folded into
/// the line that opened them, so headings inside them are never mistaken for sections.
fn logical_lines(text: &str) -> Vec<(Kind, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let first = &rest[..first_end];
        let kind = classify(first);
        let mut end = first_end;
        match kind {
            Kind::FenceOpen => {
                let marker = fence_marker(first);
                // An unclosed fence runs to the end of the file, as in CommonMark.
                end = rest.len();
                let mut pos = first_end;
                while pos < rest.len() {
                    let line_end = rest[pos..].find('\n').map_or(rest.len(), |i| pos + i + 1);
                    if closes_fence(&rest[pos..line_end], marker) {
                        end = line_end;
                        break;
                    }
                    pos = line_end;
                }
            }
            Kind::CommentOpen => {
                end = rest[first_end..].find("-->").map_or(rest.len(), |i| {
                    let close = first_end + i;
                    rest[close..]
                        .find('\n')
                        .map_or(rest.len(), |j| close + j + 1)
                });
            }
            _ => {}
        }
        out.push((kind, &rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// The heading level that divides this document into its parts.
fn section_level(lines: &[(Kind, &str)]) -> Option<u8> {
    let levels: Vec<u8> = lines
        .iter()
        .filter_map(|(k, _)| match k {
            Kind::Heading(l) => Some(*l),
            _ => None,
        })
        .collect();
    let min = *levels.iter().min()?;
    let at_min = levels.iter().filter(|&&l| l == min).count();
    // A single top heading is the document's title; its parts are the next level down.
    if at_min == 1 && levels.first() == Some(&min) {
        if let Some(next) = levels.iter().copied().filter(|&l| l > min).min() {
            return Some(next);
        }
    }
    Some(min)
}

/// Heading text without `#`s, trailing `#`s and surrounding emphasis.
pub fn heading_title(line: &str) -> String {
    let t = line.trim().trim_start_matches('#').trim();
    let t = t.trim_end_matches('#').trim();
    t.trim_matches(|c| c == '*' || c == '_').trim().to_string()
}

/// A section as byte ranges into the text it came from: for edits, where positions matter and
/// sizes don't.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The heading line with its newline, or `None` for text before the first heading.
    pub heading: Option<std::ops::Range<usize>>,
    /// Heading level (1–6); 0 for the text before the first heading.
    pub level: u8,
    /// The heading's text, without `#`s and emphasis.
    pub title: String,
    /// The body's blocks, in order and contiguous.
    pub blocks: Vec<std::ops::Range<usize>>,
}

impl Span {
    /// Where the section starts (its heading, or its first block).
    pub fn start(&self) -> usize {
        self.heading
            .as_ref()
            .or(self.blocks.first())
            .map_or(0, |r| r.start)
    }

    /// Where the section's body starts (just after the heading line).
    pub fn body_start(&self) -> usize {
        self.heading
            .as_ref()
            .map_or_else(|| self.start(), |h| h.end)
    }

    /// Where the section ends (the next one's start, or the end of the text).
    pub fn end(&self) -> usize {
        self.blocks
            .last()
            .map_or_else(|| self.body_start(), |b| b.end)
    }
}

/// Split a text into sections and blocks, as byte ranges. Line endings may be LF or CRLF; the
/// ranges include them.
pub fn outline(text: &str) -> Vec<Span> {
    let lines = logical_lines(text);
    let level = section_level(&lines).unwrap_or(0);
    let mut spans: Vec<Span> = Vec::new();
    let mut current = Span {
        heading: None,
        level: 0,
        title: String::new(),
        blocks: Vec::new(),
    };
    // The block being built.
    let mut block: Option<std::ops::Range<usize>> = None;
    let offset = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
    for (kind, line) in lines {
        let start = offset(line);
        let end = start + line.len();
        match kind {
            Kind::Heading(l) if l <= level => {
                current.blocks.extend(block.take());
                let done = std::mem::replace(
                    &mut current,
                    Span {
                        heading: Some(start..end),
                        level: l,
                        title: heading_title(line),
                        blocks: Vec::new(),
                    },
                );
                if done.heading.is_some() || !done.blocks.is_empty() {
                    spans.push(done);
                }
            }
            Kind::Continuation | Kind::TableSeparator if block.is_some() => {
                if let Some(b) = &mut block {
                    b.end = end;
                }
            }
            _ => {
                current.blocks.extend(block.take());
                block = Some(start..end);
            }
        }
    }
    current.blocks.extend(block);
    if current.heading.is_some() || !current.blocks.is_empty() {
        spans.push(current);
    }
    spans
}

/// Split a handoff into sections and blocks. `text` must already have LF line endings.
pub fn parse(text: &str) -> Document<'_> {
    let sections = outline(text)
        .into_iter()
        .map(|span| {
            let blocks: Vec<&str> = span.blocks.iter().map(|r| &text[r.clone()]).collect();
            Section {
                heading: span.heading.map(|r| &text[r]),
                level: span.level,
                title: span.title,
                block_units: blocks.iter().map(|b| utf16_len(b)).collect(),
                blocks,
            }
        })
        .collect();
    Document { sections }
}

/// Lowercase words of a title or pattern, padded with spaces for whole-word matching.
fn words(s: &str) -> String {
    let mut out = String::from(" ");
    for c in s.chars() {
        let c = if c == '’' || c == '‘' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Whether `title` contains `pattern` as whole words, ignoring case and punctuation
/// ("What's Next (P0/P1)" contains "what's next").
pub fn title_matches(title: &str, pattern: &str) -> bool {
    let pattern = words(pattern);
    !pattern.trim().is_empty() && words(title).contains(pattern.as_str())
}

/// A priority list, normalised once: groups of whole-word patterns, and where `*` stands.
#[derive(Debug, Clone)]
pub struct Priority {
    groups: Vec<Vec<String>>,
    rest: usize,
}

impl Priority {
    /// Compile `priority` (entries of `a|b|c` alternatives, `*` for every other section).
    pub fn new(priority: &[String]) -> Self {
        let groups: Vec<Vec<String>> = priority
            .iter()
            .map(|group| {
                group
                    .split('|')
                    .map(words)
                    .filter(|w| !w.trim().is_empty() && w.trim() != "*")
                    .collect()
            })
            .collect();
        let rest = priority
            .iter()
            .position(|p| p.trim() == "*")
            .unwrap_or(priority.len());
        Self { groups, rest }
    }

    /// Rank of a section title (lower is more important).
    pub fn rank(&self, title: &str) -> usize {
        let title = words(title);
        self.groups
            .iter()
            .position(|group| group.iter().any(|w| title.contains(w.as_str())))
            .unwrap_or(self.rest)
    }
}

/// What packing left out of one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omission {
    /// The section's title (or "preamble").
    pub title: String,
    /// Items kept.
    pub kept: usize,
    /// Items in the section.
    pub total: usize,
}

/// The result of packing a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// The kept text, in document order.
    pub text: String,
    /// Length of `text` in UTF-16 units.
    pub units: usize,
    /// Sections cut or dropped, in document order.
    pub omitted: Vec<Omission>,
}

/// Packs one document under different budgets; the section order is worked out once.
#[derive(Debug, Clone)]
pub struct Packer<'d, 'a> {
    doc: &'d Document<'a>,
    /// Section indices, most important first.
    order: Vec<usize>,
}

impl<'d, 'a> Packer<'d, 'a> {
    /// Order the sections of `doc` by `priority`. The preamble (title, dates) ranks first.
    pub fn new(doc: &'d Document<'a>, priority: &[String]) -> Self {
        Self::with_ranks(doc, &Self::ranks(doc, priority))
    }

    /// Each section's rank, lower first: 0 for the masthead, else 1 + its group in `priority`.
    pub fn ranks(doc: &Document<'_>, priority: &[String]) -> Vec<usize> {
        let priority = Priority::new(priority);
        doc.sections
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // The preamble and a lone title heading above the sections are the masthead.
                let masthead = i == 0
                    && (s.heading.is_none()
                        || doc.sections.get(1).is_some_and(|next| next.level > s.level));
                if masthead {
                    0
                } else {
                    priority.rank(&s.title) + 1
                }
            })
            .collect()
    }

    /// Order the sections of `doc` by `ranks` (one per section, lower first; ties keep file order).
    pub fn with_ranks(doc: &'d Document<'a>, ranks: &[usize]) -> Self {
        let mut order: Vec<usize> = (0..doc.sections.len()).collect();
        order.sort_by_key(|&i| (ranks.get(i).copied().unwrap_or(usize::MAX), i));
        Self { doc, order }
    }

    /// Keep the most important parts within `budget` UTF-16 units.
    ///
    /// Sections are taken whole in priority order while they fit; one that doesn't fit keeps its
    /// heading and as many of its leading blocks as fit. The kept parts are printed in document
    /// order.
    pub fn pack(&self, budget: usize) -> Packed {
        let doc = self.doc;
        let n = doc.sections.len();
        // Per section: how many leading blocks are kept, or None when the section is left out.
        let mut kept: Vec<Option<usize>> = vec![None; n];
        let mut left = budget;
        for &i in &self.order {
            let s = &doc.sections[i];
            // One unit per section for the newline that may separate it from the next.
            let whole = s.units() + 1;
            if whole <= left {
                kept[i] = Some(s.blocks.len());
                left -= whole;
                continue;
            }
            let heading = s.heading_units() + 1;
            if heading >= left {
                continue;
            }
            let mut used = heading;
            let mut count = 0;
            for &u in &s.block_units {
                if used + u > left {
                    break;
                }
                used += u;
                count += 1;
            }
            // A sub-heading with nothing under it says nothing.
            while count > 0 && s.blocks[count - 1].trim_start().starts_with('#') {
                count -= 1;
                used -= s.block_units[count];
            }
            if count > 0 {
                kept[i] = Some(count);
                left -= used;
            }
        }

        let mut text = String::new();
        // Kept in step with `text` from the measured parts, so the text is never measured again.
        let mut units = 0;
        let newline = |text: &mut String, units: &mut usize| {
            text.push('\n');
            *units += 1;
        };
        let mut omitted = Vec::new();
        for (s, &k) in doc.sections.iter().zip(&kept) {
            if k != Some(s.blocks.len()) {
                let shown = s.blocks[..k.unwrap_or(0)]
                    .iter()
                    .filter(|b| !b.trim().is_empty())
                    .count();
                omitted.push(Omission {
                    title: if s.title.is_empty() {
                        "preamble".into()
                    } else {
                        s.title.clone()
                    },
                    kept: shown,
                    total: s.item_count(),
                });
            }
            let Some(k) = k else { continue };
            if !text.is_empty() && !text.ends_with("\n\n") {
                newline(&mut text, &mut units);
            }
            if let Some(h) = s.heading {
                text.push_str(h);
                units += s.heading_units();
                if !h.ends_with('\n') {
                    newline(&mut text, &mut units);
                }
            }
            for (b, u) in s.blocks[..k].iter().zip(&s.block_units) {
                text.push_str(b);
                units += u;
            }
            if !text.ends_with('\n') {
                newline(&mut text, &mut units);
            }
        }
        Packed {
            text,
            units,
            omitted,
        }
    }
}

/// Keep the most important parts of `doc` within `budget` UTF-16 units (see [`Packer::pack`]).
pub fn pack(doc: &Document<'_>, budget: usize, priority: &[String]) -> Packed {
    Packer::new(doc, priority).pack(budget)
}

/// Cut `text` to at most `budget` UTF-16 units at a line boundary: the last resort that keeps the
/// hard limit whatever the inputs.
pub fn truncate_lines(text: &str, budget: usize) -> &str {
    if utf16_len(text) <= budget {
        return text;
    }
    let mut used = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let u = utf16_len(line);
        if used + u > budget {
            break;
        }
        used += u;
        end += line.len();
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn prio() -> Vec<String> {
        DEFAULT_PRIORITY.iter().map(ToString::to_string).collect()
    }

    fn titles<'a>(doc: &'a Document<'_>) -> Vec<&'a str> {
        doc.sections.iter().map(|s| s.title.as_str()).collect()
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        for (s, n) in [
            ("", 0),
            ("abc", 3),
            ("é", 1),
            ("日本", 2),
            ("😀", 2),
            ("a😀b", 4),
            ("🐢 ✅", 4),
        ] {
            assert_eq!(utf16_len(s), n, "{s:?}");
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s:?}");
        }
    }

    #[test]
    fn sections_under_a_single_title_are_the_second_level() {
        let doc = parse("# Handoff\nLast Updated: today\n\n## Current State\nok\n### Detail\nx\n## What's Next\n- a\n- b\n");
        assert_eq!(titles(&doc), ["Handoff", "Current State", "What's Next"]);
        assert_eq!(doc.sections[1].blocks, ["ok\n", "### Detail\n", "x\n"]);
        assert_eq!(doc.sections[2].blocks, ["- a\n", "- b\n"]);
    }

    #[test]
    fn several_top_headings_are_sections() {
        let doc = parse("# A\na\n# B\nb\n");
        assert_eq!(titles(&doc), ["A", "B"]);
    }

    #[test]
    fn preamble_without_heading() {
        let doc = parse("intro\n\n## One\n1\n");
        assert_eq!(doc.sections[0].heading, None);
        assert_eq!(doc.sections[0].blocks, ["intro\n\n"]);
        assert_eq!(titles(&doc), ["", "One"]);
    }

    #[test]
    fn headings_inside_fences_and_comments_are_not_sections() {
        let text = "## A\n```sh\n## not a heading\n```\n<!--\n## nor this\n-->\n## B\n";
        let doc = parse(text);
        assert_eq!(titles(&doc), ["A", "B"]);
        assert_eq!(doc.sections[0].blocks.len(), 2);
    }

    #[test]
    fn a_fence_marker_mid_line_is_not_a_fence() {
        let doc = parse("## A\n- use ```json here\n## B\nb\n");
        assert_eq!(titles(&doc), ["A", "B"]);
    }

    #[test]
    fn bullets_keep_their_children_and_tables_their_header() {
        let doc =
            parse("## A\n- one\n  - child\n  more\n- two\n\n| h | i |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(
            doc.sections[0].blocks,
            [
                "- one\n  - child\n  more\n",
                "- two\n\n",
                "| h | i |\n|---|---|\n",
                "| 1 | 2 |\n"
            ]
        );
    }

    #[test]
    fn bold_headings_lose_their_emphasis() {
        assert_eq!(
            heading_title("## **1. Current focus**\n"),
            "1. Current focus"
        );
        assert_eq!(heading_title("### What's Next ###"), "What's Next");
    }

    #[test]
    fn ranks_follow_the_priority_list() {
        let p = Priority::new(&prio());
        for (title, want) in [
            ("Next Session Start", 0),
            ("What's Next (prioritised, P0/P1/P2)", 0),
            ("What’s Next", 0),
            ("What Failed (approaches that didn't work and why)", 1),
            ("Current State", 2),
            ("Key Decisions (with reasoning)", 3),
            ("Decisions Made", 3),
            ("Key Discoveries", 4),
            ("Progress Markers", 4),
            ("What Was Done This Session", 5),
            ("Nextcloud notes", 4),
        ] {
            assert_eq!(p.rank(title), want, "{title}");
        }
    }

    const FULL: &str = "# Handoff\nLast Updated: 2026-11-21\n\n## Current State\nBuilds.\n\n## What Was Done This Session\n- a\n- b\n\n## What Failed\n- x\n\n## What's Next\n- P0 one\n- P1 two\n\n## Key Decisions\n- d\n";

    #[test]
    fn pack_keeps_everything_that_fits() {
        let doc = parse(FULL);
        let packed = pack(&doc, 10_000, &prio());
        assert_eq!(packed.text, FULL);
        assert_eq!(packed.units, utf16_len(FULL));
        assert!(packed.omitted.is_empty());
    }

    #[test]
    fn pack_drops_low_priority_sections_first_and_keeps_order() {
        let doc = parse(FULL);
        let need: usize = [
            "# Handoff\nLast Updated: 2026-11-21\n\n",
            "## What's Next\n- P0 one\n- P1 two\n\n",
            "## What Failed\n- x\n\n",
        ]
        .iter()
        .map(|s| utf16_len(s) + 1)
        .sum();
        let packed = pack(&doc, need, &prio());
        assert_eq!(
            packed.text,
            "# Handoff\nLast Updated: 2026-11-21\n\n## What Failed\n- x\n\n## What's Next\n- P0 one\n- P1 two\n\n"
        );
        let dropped: Vec<_> = packed.omitted.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(
            dropped,
            [
                "Current State",
                "What Was Done This Session",
                "Key Decisions"
            ]
        );
        assert!(utf16_len(&packed.text) <= need);
    }

    #[test]
    fn pack_cuts_between_bullets_never_inside_one() {
        let doc = parse("## What's Next\n- first item\n- second item\n- third item\n");
        let budget = utf16_len("## What's Next\n- first item\n- second item\n") + 1;
        let packed = pack(&doc, budget, &prio());
        assert_eq!(packed.text, "## What's Next\n- first item\n- second item\n");
        assert_eq!(
            packed.omitted,
            [Omission {
                title: "What's Next".into(),
                kept: 2,
                total: 3
            }]
        );
    }

    #[test]
    fn pack_counts_emoji_as_two_units() {
        // 100 emoji = 200 units: must not fit in a budget sized for 100 chars.
        let line = format!("- {}\n", "😀".repeat(100));
        let text = format!("## What's Next\n- short\n{line}");
        let doc = parse(&text);
        let budget = utf16_len("## What's Next\n- short\n") + 1 + 110;
        let packed = pack(&doc, budget, &prio());
        assert_eq!(packed.text, "## What's Next\n- short\n");
        let budget = utf16_len(&text) + 1;
        assert_eq!(pack(&doc, budget, &prio()).text, text);
    }

    #[test]
    fn pack_never_exceeds_the_budget() {
        let mut text = String::from("# T\n");
        for s in 0..30 {
            let _ = writeln!(text, "## Section {s}");
            for b in 0..20 {
                let _ = writeln!(text, "- item {b} 🐢 {}", "ü".repeat(s * b % 17));
            }
        }
        let doc = parse(&text);
        for budget in [0, 1, 10, 100, 999, 5_000, 9_000] {
            let packed = pack(&doc, budget, &prio());
            assert!(utf16_len(&packed.text) <= budget, "budget {budget}");
            assert_eq!(utf16_len(&packed.text), packed.units, "budget {budget}");
        }
    }

    #[test]
    fn text_without_headings_packs_by_line() {
        let text = "a: 1\nb: 2\nc: 3\n";
        let packed = pack(&parse(text), 11, &prio());
        assert_eq!(packed.text, "a: 1\nb: 2\n");
    }

    #[test]
    fn truncate_lines_stops_at_a_line_boundary() {
        assert_eq!(truncate_lines("ab\ncd\n", 5), "ab\n");
        assert_eq!(truncate_lines("ab\ncd\n", 6), "ab\ncd\n");
        assert_eq!(truncate_lines("😀\n", 2), "");
    }

    #[test]
    fn outline_gives_byte_ranges_and_keeps_crlf() {
        let lf = "# T\n\n## A\n- a\n  more\n\n## B\n```\n## no\n```\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf, crlf.as_str()] {
            let spans = outline(text);
            let titles: Vec<&str> = spans.iter().map(|s| s.title.as_str()).collect();
            assert_eq!(titles, ["T", "A", "B"], "{text:?}");
            // Contiguous: every byte belongs to exactly one section.
            assert_eq!(spans[0].start(), 0);
            assert_eq!(spans[0].end(), spans[1].start());
            assert_eq!(spans[1].end(), spans[2].start());
            assert_eq!(spans[2].end(), text.len());
            let a = &spans[1];
            assert_eq!(
                &text[a.blocks[0].clone()].replace('\r', ""),
                "- a\n  more\n\n"
            );
        }
    }

    #[test]
    fn crlf_is_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}
