//! The outline: a text's sections and their blocks, and the one rule for which headings are the
//! document's parts. Pure.
//!
//! A document is split at its section headings (the level the file uses for its parts: `##` under a
//! single `#` title, else the shallowest). ATX (`## Title`) and setext (`Title` over `===` or `---`)
//! headings both count; headings in fences and comments don't. A section's body is split into
//! blocks: a top-level line with everything indented under it (a bullet and its sub-bullets), a
//! whole fenced code block, a table header with its separator row.
use super::roles::Role;
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
    /// What the section is for, from its title.
    pub role: Option<Role>,
    /// Whether a cut keeps its newest entries (a document's sections), or its leading blocks (a
    /// list already in the order to keep it).
    pub by_time: bool,
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
    /// A heading of this level; `true` for a setext one (its text line and underline).
    Heading(u8, bool),
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
            return Kind::Heading(hashes as u8, false);
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

/// The level of a setext heading made of `text` over `underline`, if they are one.
fn setext_level(text: &str, underline: &str) -> Option<u8> {
    let u = underline.as_bytes();
    // Most lines start with something else: decided by the first byte.
    let ch = *u.first()?;
    if ch != b'=' && ch != b'-' {
        return None;
    }
    let under = underline.trim_end();
    if !under.bytes().all(|b| b == ch) {
        return None;
    }
    let t = text.trim();
    let b = t.as_bytes();
    // A list item or a table row over `---` is not a heading's text.
    let list = matches!(b.first(), Some(b'-' | b'*' | b'+'))
        && matches!(b.get(1), Some(b' ' | b'\t'))
        || b.first().is_some_and(u8::is_ascii_digit)
            && t.trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with(['.', ')']);
    if t.is_empty() || list || t.starts_with('|') || t.starts_with('>') {
        return None;
    }
    Some(if ch == b'=' { 1 } else { 2 })
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
            Kind::TopLevel => {
                // A one-line paragraph over `===` or `---` is a setext heading.
                let after_blank = out.last().is_none_or(|(k, l): &(Kind, &str)| {
                    matches!(k, Kind::Heading(..)) || l.trim().is_empty()
                });
                if after_blank && first_end < rest.len() {
                    let next_end = rest[first_end..]
                        .find('\n')
                        .map_or(rest.len(), |i| first_end + i + 1);
                    if let Some(level) = setext_level(first, &rest[first_end..next_end]) {
                        out.push((Kind::Heading(level, true), &rest[..next_end]));
                        rest = &rest[next_end..];
                        continue;
                    }
                }
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
            Kind::Heading(l, _) => Some(*l),
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

/// Heading text without `#`s, trailing `#`s and surrounding emphasis; of a setext heading, its
/// first line.
pub fn heading_title(line: &str) -> String {
    let first = line.split(['\n', '\r']).next().unwrap_or("");
    let t = first.trim();
    let t = if t.starts_with('#') {
        t.trim_start_matches('#')
            .trim()
            .trim_end_matches('#')
            .trim()
    } else {
        t
    };
    t.trim_matches(|c| c == '*' || c == '_').trim().to_string()
}

/// Whether a block is a heading (ATX or setext) below the section level.
pub fn is_sub_heading(block: &str) -> bool {
    let b = block.trim_start();
    if b.starts_with('#') {
        return true;
    }
    let mut lines = block.split_inclusive('\n');
    match (lines.next(), lines.next()) {
        (Some(text), Some(under)) => setext_level(text, under).is_some(),
        _ => false,
    }
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
            Kind::Heading(l, _) if l <= level => {
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

/// The one rule for which sections are the document's parts: the headed sections at the deepest
/// level the outline split at, except a lone `#` title. Returns their indices into `spans`, and
/// the heading level a new part gets.
pub fn parts(spans: &[Span]) -> (Vec<usize>, u8) {
    let headed = || {
        spans
            .iter()
            .enumerate()
            .filter(|(_, s)| s.heading.is_some())
    };
    let level = headed().map(|(_, s)| s.level).max().unwrap_or(0);
    let mut parts: Vec<usize> = headed()
        .filter(|(_, s)| s.level == level)
        .map(|(i, _)| i)
        .collect();
    // A lone `# Title` is the document's name, not a part.
    if parts.len() == 1 && headed().count() == 1 && level == 1 {
        parts.clear();
    }
    let level = if parts.is_empty() { 2 } else { level };
    (parts, level)
}

/// The titles of the document's parts, in file order; any line endings.
pub fn part_titles(text: &str) -> Vec<String> {
    let text = normalize_newlines(text);
    let mut spans = outline(&text);
    let (parts, _) = parts(&spans);
    parts
        .into_iter()
        .map(|i| std::mem::take(&mut spans[i].title))
        .collect()
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
                role: Role::of_title(&span.title),
                by_time: true,
                title: span.title,
                block_units: blocks.iter().map(|b| utf16_len(b)).collect(),
                blocks,
            }
        })
        .collect();
    Document { sections }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn setext_headings_are_headings() {
        let doc = parse("Handoff\n=======\n\nintro\n\nCurrent State\n-------------\nok\n\nKnown Issues\n---\n- a\n- b\n---\n");
        assert_eq!(titles(&doc), ["Handoff", "Current State", "Known Issues"]);
        assert_eq!(doc.sections[0].heading, Some("Handoff\n=======\n"));
        assert_eq!(doc.sections[2].role, Some(Role::Failed));
        // Under a list item, in a fence, or after a paragraph line: not a heading.
        let doc = parse("## A\n- item\n---\n```\nx\n---\n```\npara\nmore\n---\n");
        assert_eq!(titles(&doc), ["A"]);
        assert!(is_sub_heading("Detail\n------\n"));
        assert!(is_sub_heading("### 2026-11-20\n"));
        assert!(!is_sub_heading("- a\n---\n"));
    }

    #[test]
    fn the_parts_are_below_a_lone_title() {
        for (text, want) in [
            ("# T\n## A\n## B\n", &["A", "B"][..]),
            ("# A\n# B\n", &["A", "B"]),
            ("# T\nintro\n", &[]),
            ("## Only\n", &["Only"]),
            ("T\n===\n\nA\n---\nx\n\nB\n---\n", &["A", "B"]),
            ("# T\r\n## A\r\n## B\r\n", &["A", "B"]),
            ("# T\r## A\r## B\r", &["A", "B"]),
        ] {
            assert_eq!(part_titles(text), want, "{text:?}");
        }
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
