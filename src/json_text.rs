//! Edit JSON as text: add, replace and remove members and elements while every byte we don't touch
//! stays as it was (indentation, line endings, key order, escapes, number spellings). Pure: no I/O.
//!
//! The caller validates the text with serde_json first; the span parser here assumes valid JSON.
//! Each edit returns new text; callers re-parse between edits, which keeps the code simple and is
//! cheap for files the size of settings.json.
//!
//! New content follows the surrounding layout:
//! - in a multi-line container, a new child goes on its own line, indented like its siblings;
//! - in a single-line container (`[1, 2]`, a minified file), it is added inline;
//! - in a "hugging" container (`[{` … `}]`), it is added as `}, {` … `}`;
//! - an empty container is opened up one indent unit deeper than its own line (inline if the whole
//!   file is minified).
//!
//! Removing the child that was added last gives back the original bytes exactly.
use serde_json::Value;

/// One step into a document: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The member with this key (the last one, if the key repeats, as JSON parsers do).
    Key(String),
    /// The element at this index.
    Index(usize),
}

/// A parsed value and where it sits in the text.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// What kind of value it is, with its children.
    pub kind: Kind,
}

/// The shape of a [`Node`].
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// `{…}` with its members in order.
    Object(Vec<Member>),
    /// `[…]` with its elements in order.
    Array(Vec<Node>),
    /// A string, number, `true`, `false` or `null`.
    Scalar,
}

/// An object member: `"key": value`.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// The decoded key.
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub start: usize,
    /// Byte offset just past the key's closing quote.
    pub key_end: usize,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The children's spans: members from key to value, elements as they are.
    fn child_spans(&self) -> Vec<(usize, usize)> {
        match &self.kind {
            Kind::Object(members) => members.iter().map(|m| (m.start, m.value.end)).collect(),
            Kind::Array(items) => items.iter().map(|n| (n.start, n.end)).collect(),
            Kind::Scalar => Vec::new(),
        }
    }

    /// How many members or elements it has.
    pub(crate) fn len(&self) -> usize {
        match &self.kind {
            Kind::Object(m) => m.len(),
            Kind::Array(a) => a.len(),
            Kind::Scalar => 0,
        }
    }

    /// Whether it has no members or elements.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The member called `key` (the last one, if it repeats).
    pub(crate) fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            Kind::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The node at `path` below this one.
    pub(crate) fn at(&self, path: &[Step]) -> Option<&Node> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match (first, &self.kind) {
            (Step::Key(k), Kind::Object(_)) => &self.member(k)?.value,
            (Step::Index(i), Kind::Array(items)) => items.get(*i)?,
            _ => return None,
        };
        child.at(rest)
    }

    /// The value as serde_json sees it.
    pub(crate) fn value(&self, text: &str) -> Value {
        serde_json::from_str(&text[self.start..self.end]).unwrap_or(Value::Null)
    }
}

/// Parse `text` (already known to be valid JSON) into a tree of spans.
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        b: text.as_bytes(),
        pos: 0,
    };
    p.ws();
    let node = p.value()?;
    Some(node)
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.pos)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    /// The comma-separated children of the container opening at `pos`, up to `close`; `item`
    /// parses one child, starting at its first byte.
    fn list(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.pos += 1;
        self.ws();
        if self.b.get(self.pos) == Some(&close) {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.ws();
            item(self)?;
            self.ws();
            match *self.b.get(self.pos)? {
                b',' => self.pos += 1,
                c if c == close => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self) -> Option<Node> {
        let start = self.pos;
        match *self.b.get(self.pos)? {
            b'{' => {
                let mut members = Vec::new();
                self.list(b'}', |p| {
                    let key_start = p.pos;
                    p.string()?;
                    let key_end = p.pos;
                    let key = serde_json::from_slice(&p.b[key_start..key_end]).ok()?;
                    p.ws();
                    p.expect(b':')?;
                    p.ws();
                    let value = p.value()?;
                    members.push(Member {
                        key,
                        start: key_start,
                        key_end,
                        value,
                    });
                    Some(())
                })?;
                Some(Node {
                    start,
                    end: self.pos,
                    kind: Kind::Object(members),
                })
            }
            b'[' => {
                let mut items = Vec::new();
                self.list(b']', |p| {
                    items.push(p.value()?);
                    Some(())
                })?;
                Some(Node {
                    start,
                    end: self.pos,
                    kind: Kind::Array(items),
                })
            }
            b'"' => {
                self.string()?;
                Some(Node {
                    start,
                    end: self.pos,
                    kind: Kind::Scalar,
                })
            }
            _ => {
                // Numbers and literals: everything up to the next delimiter.
                while self.b.get(self.pos).is_some_and(|c| {
                    !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.pos += 1;
                }
                (self.pos > start).then_some(Node {
                    start,
                    end: self.pos,
                    kind: Kind::Scalar,
                })
            }
        }
    }

    fn string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            match *self.b.get(self.pos)? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => self.pos += 1,
            }
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }
}

/// The layout conventions of a document, detected once and used for everything we add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Style {
    /// One level of indentation: two or four spaces, a tab, or whatever the file uses.
    pub unit: String,
    /// `"\r\n"` if the file uses CRLF line endings, else `"\n"`.
    pub newline: &'static str,
    /// Whether a space follows `:` and `,` in inline values.
    pub spaced: bool,
    /// The whole document is on one line (minified).
    pub minified: bool,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            unit: "  ".into(),
            newline: "\n",
            spaced: true,
            minified: false,
        }
    }
}

impl Style {
    /// Detect the style of `text`, whose root is `root`.
    pub(crate) fn detect(text: &str, root: &Node) -> Self {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let minified = !text[root.start..root.end].contains('\n') && !root.is_empty();
        // The unit is the indentation of the first child that starts on a line of its own, less
        // the indentation of its parent's line.
        let unit = first_indented_child(text, root)
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "  ".to_string());
        let spaced = first_member(root).is_none_or(|m| {
            text[m.key_end..m.value.start].contains(' ')
                || text[m.key_end..m.value.start].contains('\t')
        });
        Self {
            unit,
            newline,
            spaced,
            minified,
        }
    }
}

fn first_member(node: &Node) -> Option<&Member> {
    match &node.kind {
        Kind::Object(members) => members.first(),
        Kind::Array(items) => items.iter().find_map(first_member),
        Kind::Scalar => None,
    }
}

fn first_indented_child(text: &str, node: &Node) -> Option<String> {
    let parent_indent = line_indent(text, node.start);
    for (start, _) in node.child_spans() {
        if starts_line(text, start) {
            let own = line_indent(text, start);
            return own.strip_prefix(parent_indent).map(str::to_string);
        }
    }
    let children: Vec<&Node> = match &node.kind {
        Kind::Object(m) => m.iter().map(|m| &m.value).collect(),
        Kind::Array(a) => a.iter().collect(),
        Kind::Scalar => Vec::new(),
    };
    children
        .into_iter()
        .find_map(|c| first_indented_child(text, c))
}

/// The spaces and tabs at the start of the line holding `pos`.
fn line_indent(text: &str, pos: usize) -> &str {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[line_start..];
    let n = rest
        .bytes()
        .take_while(|c| *c == b' ' || *c == b'\t')
        .count();
    &rest[..n]
}

/// Whether only spaces and tabs stand between the start of the line and `pos`.
fn starts_line(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..pos]
        .bytes()
        .all(|c| c == b' ' || c == b'\t')
        && text[..pos].contains('\n')
}

/// Something to add to a container.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Item<'a> {
    /// A member, for objects.
    Member(&'a str, &'a Value),
    /// An element, for arrays.
    Element(&'a Value),
}

/// Render a value: objects and arrays of containers one child per line at `base` + unit, arrays of
/// scalars inline; with `inline`, everything on one line.
pub(crate) fn render(value: &Value, style: &Style, base: &str, inline: bool) -> String {
    let mut out = String::new();
    render_into(&mut out, value, style, base, inline);
    out
}

fn render_into(out: &mut String, value: &Value, style: &Style, base: &str, inline: bool) {
    let colon = if style.spaced { ": " } else { ":" };
    let comma = if style.spaced { ", " } else { "," };
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            let inner = format!("{base}{}", style.unit);
            for (i, (k, v)) in map.iter().enumerate() {
                if inline {
                    out.push_str(if i > 0 { comma } else { "" });
                } else {
                    out.push_str(if i > 0 { "," } else { "" });
                    out.push_str(style.newline);
                    out.push_str(&inner);
                }
                out.push_str(&scalar(&Value::String(k.clone())));
                out.push_str(colon);
                render_into(out, v, style, &inner, inline);
            }
            if !inline {
                out.push_str(style.newline);
                out.push_str(base);
            }
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            let flat = inline || items.iter().all(|v| !v.is_object() && !v.is_array());
            out.push('[');
            let inner = format!("{base}{}", style.unit);
            for (i, v) in items.iter().enumerate() {
                if flat {
                    out.push_str(if i > 0 { comma } else { "" });
                } else {
                    out.push_str(if i > 0 { "," } else { "" });
                    out.push_str(style.newline);
                    out.push_str(&inner);
                }
                render_into(out, v, style, &inner, flat);
            }
            if !flat {
                out.push_str(style.newline);
                out.push_str(base);
            }
            out.push(']');
        }
        other => out.push_str(&scalar(other)),
    }
}

fn scalar(v: &Value) -> String {
    // Serializing a Value cannot fail: its map keys are strings.
    serde_json::to_string(v).unwrap_or_default()
}

fn render_item(item: Item<'_>, style: &Style, base: &str, inline: bool) -> String {
    match item {
        Item::Element(v) => render(v, style, base, inline),
        Item::Member(k, v) => {
            let colon = if style.spaced { ": " } else { ":" };
            format!(
                "{}{colon}{}",
                scalar(&Value::String(k.to_string())),
                render(v, style, base, inline)
            )
        }
    }
}

fn splice(text: &str, from: usize, to: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..from]);
    out.push_str(with);
    out.push_str(&text[to..]);
    out
}

/// Add `item` at the end of `container`, laid out like its neighbours.
pub(crate) fn append(text: &str, container: &Node, item: Item<'_>, style: &Style) -> String {
    let spans = container.child_spans();
    let comma = if style.spaced { ", " } else { "," };
    let Some(&(_, last_end)) = spans.last() else {
        // Empty: open it up one level deeper than its own line.
        let inner_from = container.start + 1;
        let inner_to = container.end - 1;
        if style.minified {
            return splice(
                text,
                inner_from,
                inner_to,
                &render_item(item, style, "", true),
            );
        }
        let outer = line_indent(text, container.start);
        let inner = format!("{outer}{}", style.unit);
        let with = format!(
            "{nl}{inner}{}{nl}{outer}",
            render_item(item, style, &inner, false),
            nl = style.newline
        );
        return splice(text, inner_from, inner_to, &with);
    };
    let multiline = text[container.start..container.end].contains('\n');
    if !multiline {
        let with = format!("{comma}{}", render_item(item, style, "", true));
        return splice(text, last_end, last_end, &with);
    }
    let first_start = spans[0].0;
    if !starts_line(text, first_start) {
        // Hugging layout: `[{` … `}, {` … `}]`.
        let base = line_indent(text, last_end).to_string();
        let with = format!("{comma}{}", render_item(item, style, &base, false));
        return splice(text, last_end, last_end, &with);
    }
    let last_start = spans.last().map_or(0, |s| s.0);
    let base = if starts_line(text, last_start) {
        line_indent(text, last_start).to_string()
    } else {
        format!("{}{}", line_indent(text, container.start), style.unit)
    };
    let with = format!(
        ",{}{base}{}",
        style.newline,
        render_item(item, style, &base, false)
    );
    splice(text, last_end, last_end, &with)
}

/// Remove the child at `index` of `container`, with the separator that joined it to the others.
pub(crate) fn remove(text: &str, container: &Node, index: usize) -> String {
    let spans = container.child_spans();
    if spans.len() <= 1 {
        return splice(text, container.start + 1, container.end - 1, "");
    }
    if index > 0 {
        splice(text, spans[index - 1].1, spans[index].1, "")
    } else {
        splice(text, spans[0].0, spans[1].0, "")
    }
}

/// Replace `node` with `value`, laid out for the line it starts on.
pub(crate) fn replace(text: &str, node: &Node, value: &Value, style: &Style) -> String {
    let inline = (!text[node.start..node.end].contains('\n') && !node.is_empty()) || style.minified;
    let base = line_indent(text, node.start).to_string();
    splice(
        text,
        node.start,
        node.end,
        &render(value, style, &base, inline),
    )
}

/// Set `key` in `object` to `value`: replace it if present and different, append it if absent.
/// Returns `None` when nothing changes.
pub(crate) fn set_member(
    text: &str,
    object: &Node,
    key: &str,
    value: &Value,
    style: &Style,
) -> Option<String> {
    match object.member(key) {
        Some(m) if m.value.value(text) == *value => None,
        Some(m) => Some(replace(text, &m.value, value, style)),
        None => Some(append(text, object, Item::Member(key, value), style)),
    }
}

/// Index of the member called `key` in `object` (the last one, if it repeats).
pub(crate) fn member_index(object: &Node, key: &str) -> Option<usize> {
    match &object.kind {
        Kind::Object(members) => members.iter().rposition(|m| m.key == key),
        _ => None,
    }
}

/// A key that appears twice in one object: serde_json and Claude Code keep the last, so an edit
/// could wake a copy the user never sees. Found in document order, nested objects included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The decoded key.
    pub key: String,
    /// Byte offset of its first appearance.
    pub first: usize,
    /// Byte offset of its second appearance.
    pub again: usize,
}

/// The first key that repeats within one object anywhere under `node`.
pub(crate) fn duplicate_key(node: &Node) -> Option<DuplicateKey> {
    match &node.kind {
        Kind::Object(members) => members.iter().enumerate().find_map(|(i, m)| {
            let earlier = members[..i].iter().find(|e| e.key == m.key);
            earlier
                .map(|e| DuplicateKey {
                    key: m.key.clone(),
                    first: e.start,
                    again: m.start,
                })
                .or_else(|| duplicate_key(&m.value))
        }),
        Kind::Array(items) => items.iter().find_map(duplicate_key),
        Kind::Scalar => None,
    }
}

/// The 1-based line and column (in characters) of byte offset `pos`, as editors count them.
pub(crate) fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn root(text: &str) -> Node {
        parse(text).unwrap()
    }

    #[track_caller]
    fn case_append(text: &str, path: &[Step], item: Item<'_>, want: &str) {
        let r = root(text);
        let style = Style::detect(text, &r);
        let got = append(text, r.at(path).unwrap(), item, &style);
        assert_eq!(got, want, "\n--- got:\n{got}\n--- want:\n{want}");
        serde_json::from_str::<Value>(&got).unwrap();
        // Removing what we added gives back the original bytes.
        let r2 = root(&got);
        let c = r2.at(path).unwrap();
        assert_eq!(remove(&got, c, c.len() - 1), text);
    }

    #[test]
    fn append_follows_the_layout() {
        let v = json!({"b": [1]});
        let key = |k: &str| Step::Key(k.into());
        case_append(
            "{\n  \"a\": 1\n}\n",
            &[],
            Item::Member("k", &v),
            "{\n  \"a\": 1,\n  \"k\": {\n    \"b\": [1]\n  }\n}\n",
        );
        case_append(
            "{\n\t\"a\": 1\n}",
            &[],
            Item::Member("k", &v),
            "{\n\t\"a\": 1,\n\t\"k\": {\n\t\t\"b\": [1]\n\t}\n}",
        );
        case_append(
            "{\r\n    \"a\": 1\r\n}\r\n",
            &[],
            Item::Member("k", &v),
            "{\r\n    \"a\": 1,\r\n    \"k\": {\r\n        \"b\": [1]\r\n    }\r\n}\r\n",
        );
        case_append(
            "{\"a\":1}",
            &[],
            Item::Member("k", &v),
            "{\"a\":1,\"k\":{\"b\":[1]}}",
        );
        case_append(
            "{\n  \"a\": [1, 2]\n}",
            &[key("a")],
            Item::Element(&json!(3)),
            "{\n  \"a\": [1, 2, 3]\n}",
        );
        case_append(
            "{\n  \"a\": [{\n    \"x\": 1\n  }]\n}",
            &[key("a")],
            Item::Element(&json!({"y": 2})),
            "{\n  \"a\": [{\n    \"x\": 1\n  }, {\n    \"y\": 2\n  }]\n}",
        );
    }

    #[test]
    fn append_to_empty_containers() {
        let r = root("{}");
        assert_eq!(
            append(
                "{}",
                &r,
                Item::Member("a", &json!(1)),
                &Style::detect("{}", &r)
            ),
            "{\n  \"a\": 1\n}"
        );
        let text = "{\n    \"x\": {\n    },\n    \"y\": 1\n}";
        let r = root(text);
        let got = append(
            text,
            r.at(&[Step::Key("x".into())]).unwrap(),
            Item::Member("a", &json!([{"b": 1}])),
            &Style::detect(text, &r),
        );
        assert_eq!(
            got,
            "{\n    \"x\": {\n        \"a\": [\n            {\n                \"b\": 1\n            }\n        ]\n    },\n    \"y\": 1\n}"
        );
        let text = "{\"x\":{},\"y\":1}";
        let r = root(text);
        let got = append(
            text,
            r.at(&[Step::Key("x".into())]).unwrap(),
            Item::Member("a", &json!(1)),
            &Style::detect(text, &r),
        );
        assert_eq!(got, "{\"x\":{\"a\":1},\"y\":1}");
    }

    #[test]
    fn remove_takes_the_separator_along() {
        let cases: &[(&str, usize, &str)] = &[
            ("[1, 2, 3]", 0, "[2, 3]"),
            ("[1, 2, 3]", 1, "[1, 3]"),
            ("[1, 2, 3]", 2, "[1, 2]"),
            ("[1]", 0, "[]"),
            ("[\n  1,\n  2\n]", 0, "[\n  2\n]"),
            ("[\n  1,\n  2\n]", 1, "[\n  1\n]"),
            ("{\"a\": 1, \"b\": 2}", 1, "{\"a\": 1}"),
            ("{\"a\": 1, \"b\": 2}", 0, "{\"b\": 2}"),
        ];
        for (text, index, want) in cases {
            assert_eq!(remove(text, &root(text), *index), *want, "{text} - {index}");
        }
    }

    #[test]
    fn set_member_replaces_only_what_differs() {
        let text = "{\n  \"c\": \"/old/handoff\",\n  \"t\": 10\n}";
        let r = root(text);
        let style = Style::detect(text, &r);
        assert_eq!(set_member(text, &r, "t", &json!(10), &style), None);
        assert_eq!(
            set_member(text, &r, "c", &json!("/new dir/handoff"), &style).unwrap(),
            "{\n  \"c\": \"/new dir/handoff\",\n  \"t\": 10\n}"
        );
        assert_eq!(
            set_member(text, &r, "args", &json!(["hook"]), &style).unwrap(),
            "{\n  \"c\": \"/old/handoff\",\n  \"t\": 10,\n  \"args\": [\"hook\"]\n}"
        );
    }

    #[test]
    fn style_detection() {
        let cases: &[(&str, &str, &str, bool, bool)] = &[
            ("{\n  \"a\": 1\n}", "  ", "\n", true, false),
            (
                "{\n    \"a\": {\n        \"b\": 1\n    }\n}",
                "    ",
                "\n",
                true,
                false,
            ),
            ("{\n\t\"a\": 1\n}", "\t", "\n", true, false),
            ("{\r\n  \"a\": 1\r\n}\r\n", "  ", "\r\n", true, false),
            ("{\"a\":1}", "  ", "\n", false, true),
            ("{}", "  ", "\n", true, false),
            ("{\"a\": {\n   \"b\": 1}}", "   ", "\n", true, false),
        ];
        for (text, unit, newline, spaced, minified) in cases {
            let s = Style::detect(text, &root(text));
            assert_eq!(
                (s.unit.as_str(), s.newline, s.spaced, s.minified),
                (*unit, *newline, *spaced, *minified),
                "{text:?}"
            );
        }
    }

    #[test]
    fn parse_keeps_spans_and_decodes_keys() {
        let text = r#" {"a\"b": [1, -2.5e3, "x\\"], "c": {"d": null}} "#;
        let r = root(text);
        assert_eq!(&text[r.start..r.end], text.trim());
        let Kind::Object(m) = &r.kind else { panic!() };
        assert_eq!(m[0].key, "a\"b");
        assert_eq!(m[0].value.len(), 3);
        assert_eq!(
            r.at(&[Step::Key("c".into()), Step::Key("d".into())])
                .unwrap()
                .value(text),
            Value::Null
        );
        assert!(r.at(&[Step::Key("zz".into())]).is_none());
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        let cases: &[(&str, Option<(&str, usize)>)] = &[
            ("{\"a\": 1, \"b\": 2}", None),
            ("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}", None),
            (
                "{\"hooks\": {}, \"model\": 1, \"hooks\": {}}",
                Some(("hooks", 26)),
            ),
            ("{\"h\": [{\"a\": 1, \"a\": 2}]}", Some(("a", 16))),
            // Escapes are decoded: both spell "a".
            ("{\"a\": 1, \"\\u0061\": 2}", Some(("a", 9))),
            ("[1, \"a\", \"a\"]", None),
        ];
        for (text, want) in cases {
            let got = duplicate_key(&root(text));
            assert_eq!(
                got.as_ref().map(|d| (d.key.as_str(), d.again)),
                *want,
                "{text}"
            );
        }
    }

    #[test]
    fn line_and_column_count_characters_from_one() {
        let text = "{\n  \"é\": 1,\n  \"b\": 2\n}";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, text.find("\"b").unwrap()), (3, 3));
        assert_eq!(line_column(text, text.find('1').unwrap()), (2, 8));
    }
}
