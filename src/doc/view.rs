//! The document for reading (`show --json`, `status`, `overview`, `check`, postmortems): its
//! title, intro and parts, each with its role and list items. Pure.
use serde::Serialize;

use super::edit::{as_lf, Doc};
use super::items::Item;
use super::outline::normalize_newlines;
use super::roles::Role;

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
                text: normalize_newlines(&body.blocks.concat())
                    .trim_end()
                    .to_string(),
            }
        })
        .collect();
    Structure {
        title,
        intro: normalize_newlines(&intro).trim().to_string(),
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let s = structure("Handoff\n=======\n\n## Known Issues\n- flaky\n");
        assert_eq!(s.title.as_deref(), Some("Handoff"));
        assert_eq!(s.sections[0].role, Some(Role::Failed));
    }
}
