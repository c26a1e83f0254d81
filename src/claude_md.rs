//! The session-protocol block in CLAUDE.md, between markers so it is added once, updated in place
//! and removed exactly. Pure: text in, text out.

/// The line that opens our block.
pub(crate) const BEGIN: &str = "<!-- handoff:begin -->";
/// The line that closes our block.
pub(crate) const END: &str = "<!-- handoff:end -->";

/// The block for `body`, markers included, without a final newline.
pub(crate) fn block(body: &str, newline: &str) -> String {
    let body = body.trim().replace("\r\n", "\n").replace('\n', newline);
    format!("{BEGIN}{newline}{body}{newline}{END}")
}

fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Why our block can't be found: one marker is there without the other, so where it ends is a
/// guess we don't make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Markers {
    #[error("has `{END}` without `{BEGIN}`")]
    EndWithoutBegin,
    #[error("has `{BEGIN}` without `{END}`")]
    BeginWithoutEnd,
}

/// Where our block is: from the start of `BEGIN` to the end of `END`.
fn find(text: &str) -> Result<Option<(usize, usize)>, Markers> {
    let Some(begin) = text.find(BEGIN) else {
        return if text.contains(END) {
            Err(Markers::EndWithoutBegin)
        } else {
            Ok(None)
        };
    };
    match text[begin..].find(END) {
        Some(end) => Ok(Some((begin, begin + end + END.len()))),
        None => Err(Markers::BeginWithoutEnd),
    }
}

/// CLAUDE.md with our block added or brought up to date; `None` when it is already current.
/// A missing file (`existing` = `None`) becomes the block alone.
pub(crate) fn upsert(existing: Option<&str>, body: &str) -> Result<Option<String>, Markers> {
    let Some(text) = existing else {
        return Ok(Some(format!("{}\n", block(body, "\n"))));
    };
    let newline = newline_of(text);
    let new_block = block(body, newline);
    if let Some((from, to)) = find(text)? {
        if text[from..to] == new_block {
            return Ok(None);
        }
        return Ok(Some(format!("{}{new_block}{}", &text[..from], &text[to..])));
    }
    let mut out = text.to_string();
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(newline);
    }
    out.push_str(&new_block);
    out.push_str(newline);
    Ok(Some(out))
}

/// CLAUDE.md without our block (and the blank line we put before it); `None` when there is no
/// block. An empty result means the file held nothing else.
pub(crate) fn remove(text: &str) -> Result<Option<String>, Markers> {
    let Some((from, mut to)) = find(text)? else {
        return Ok(None);
    };
    for nl in ["\r\n", "\n"] {
        if text[to..].starts_with(nl) {
            to += nl.len();
            break;
        }
    }
    let mut before = &text[..from];
    for blank in ["\r\n\r\n", "\n\n"] {
        if before.ends_with(blank) {
            before = &before[..before.len() - blank.len() / 2];
            break;
        }
    }
    let out = format!("{before}{}", &text[to..]);
    Ok(Some(if out.trim().is_empty() {
        String::new()
    } else {
        out
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Read the handoff.\n";

    #[test]
    fn upsert_then_remove_round_trips() {
        let cases: &[(Option<&str>, &str)] = &[
            (None, ""),
            (Some(""), ""),
            (Some("# Project\n"), "# Project\n"),
            (
                Some("# Project\r\n\r\nText\r\n"),
                "# Project\r\n\r\nText\r\n",
            ),
            // No final newline: we add one, and it stays.
            (Some("# Project"), "# Project\n"),
        ];
        for (before, after) in cases {
            let added = upsert(*before, BODY).unwrap().unwrap();
            assert!(added.contains(BEGIN) && added.contains(END), "{added:?}");
            assert_eq!(
                upsert(Some(&added), BODY).unwrap(),
                None,
                "second run: {before:?}"
            );
            assert_eq!(
                remove(&added).unwrap().as_deref(),
                Some(*after),
                "{before:?}"
            );
        }
    }

    #[test]
    fn upsert_keeps_crlf_and_replaces_an_old_block_in_place() {
        let text = format!("a\r\n\r\n{BEGIN}\r\nold\r\n{END}\r\nz\r\n");
        let out = upsert(Some(&text), "new\nlines").unwrap().unwrap();
        assert_eq!(
            out,
            format!("a\r\n\r\n{BEGIN}\r\nnew\r\nlines\r\n{END}\r\nz\r\n")
        );
    }

    #[test]
    fn remove_keeps_text_after_the_block() {
        let text = format!("a\n\n{BEGIN}\nx\n{END}\nb\n");
        assert_eq!(remove(&text).unwrap().as_deref(), Some("a\nb\n"));
        assert_eq!(remove("no block\n").unwrap(), None);
    }

    #[test]
    fn a_broken_block_is_an_error() {
        assert_eq!(
            upsert(Some(&format!("{BEGIN}\nx\n")), BODY),
            Err(Markers::BeginWithoutEnd)
        );
        assert_eq!(
            remove(&format!("x\n{END}\n")),
            Err(Markers::EndWithoutBegin)
        );
    }
}
