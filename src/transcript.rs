//! Reading Claude Code's transcript (JSONL): what the session did since a saved offset, and how full
//! the context is, read from the end. Cost follows what is read, never the size of the whole file.
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use memchr::memmem;
use serde::Deserialize;

/// Tools that change files.
pub(crate) const EDIT_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];

/// Prompts and failed commands kept from one stretch of transcript (the newest).
pub(crate) const MAX_KEPT: usize = 20;
/// Longest prompt or command line kept, in characters.
pub(crate) const MAX_LINE_CHARS: usize = 160;

/// How far back `context_usage` looks for a usage record before giving up.
const MAX_TAIL_SCAN: u64 = 32 * 1024 * 1024;
/// Read size when scanning backwards.
const TAIL_CHUNK: u64 = 64 * 1024;
/// Lines longer than this are passed over by `context_usage` unparsed: a usage record that long
/// carries a huge tool call, and the one before it is close enough.
const MAX_USAGE_LINE: u64 = 4 * 1024 * 1024;
/// Lines longer than this are passed over by `activity_since` (a huge paste or tool result), so
/// what it holds in memory stays bounded however much was appended.
pub(crate) const MAX_LINE: usize = 16 * 1024 * 1024;

/// What a stretch of transcript shows the session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Activity {
    /// Files written or edited, first-seen order, no repeats.
    pub edited: Vec<String>,
    /// The same paths as a set, so each new one costs the same however many came before.
    pub edited_seen: HashSet<String>,
    /// Prompts typed by the user (not tool results, commands or compaction summaries).
    pub prompts: u32,
    /// The first line of each prompt, oldest first; the newest [`MAX_KEPT`].
    pub asked: Vec<String>,
    /// Bash commands (first line) whose result was an error, oldest first; the newest [`MAX_KEPT`].
    pub failed: Vec<String>,
    /// Bash calls whose result was not in this stretch: (tool use id, command).
    pub pending: Vec<(String, String)>,
    /// Error results whose Bash call came before this stretch: tool use ids.
    pub failed_ids: Vec<String>,
    /// Offset just past the last complete line read: where the next read starts.
    pub end: u64,
    /// Whether [`Activity::end`] is inside a line too long to read, still being written: the next
    /// read passes over the rest of it.
    pub mid_line: bool,
    /// Texts of the main-chain assistant messages read, oldest first.
    pub texts: Vec<String>,
    /// Prompts read before the last of [`Activity::texts`]: a prompt after it starts a new turn.
    pub prompts_before_last_text: u32,
}

/// Context in use, from the newest usage record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContextUsage {
    /// Tokens the next request will carry.
    pub tokens: u64,
    /// The model that reported it, when known.
    pub model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    subtype: Option<String>,
    #[serde(rename = "isSidechain")]
    sidechain: bool,
    #[serde(rename = "isMeta")]
    meta: bool,
    #[serde(rename = "isCompactSummary")]
    compact_summary: bool,
    message: Option<Message>,
    #[serde(rename = "compactMetadata")]
    compact: Option<CompactMetadata>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Message {
    model: Option<String>,
    usage: Option<Usage>,
    content: Content,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Items(Vec<Item>),
    #[default]
    Other,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Item {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    id: Option<String>,
    input: Option<ToolInput>,
    text: Option<String>,
    tool_use_id: Option<String>,
    is_error: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ToolInput {
    file_path: Option<String>,
    notebook_path: Option<String>,
    command: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[allow(clippy::struct_field_names)] // the names are the transcript's
struct Usage {
    input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CompactMetadata {
    #[serde(rename = "postTokens")]
    post_tokens: Option<u64>,
}

/// Read the transcript from `offset` to its last complete line and report what happened there;
/// `mid_line` says `offset` is inside a line too long to read (from [`Activity::mid_line`]). A
/// transcript shorter than `offset` (replaced or truncated) is read from the start.
pub(crate) fn activity_since(
    path: &Path,
    offset: u64,
    mid_line: bool,
) -> std::io::Result<Activity> {
    read_activity(path, offset, mid_line, MAX_LINE)
}

/// [`activity_since`], passing over lines longer than `cap`.
fn read_activity(
    path: &Path,
    offset: u64,
    mid_line: bool,
    cap: usize,
) -> std::io::Result<Activity> {
    let mut file = crate::confine::open_regular(path)?;
    let len = file.metadata()?.len();
    let (start, mid_line) = if offset > len {
        (0, false)
    } else {
        (offset, mid_line)
    };
    file.seek(SeekFrom::Start(start))?;
    let mut reader = BufReader::with_capacity(256 * 1024, file.take(len - start));
    let mut activity = Activity {
        end: start,
        mid_line,
        ..Activity::default()
    };
    let mut line = Vec::new();
    loop {
        let read = read_line(&mut reader, &mut line, cap)?;
        if read.bytes == 0 {
            break;
        }
        let too_long = activity.mid_line || read.too_long;
        if !read.ended {
            // A line without its newline is still being written: leave it for next time, unless
            // it is already too long to read, when the next read starts past what is here.
            if too_long {
                activity.end += read.bytes;
                activity.mid_line = true;
            }
            break;
        }
        activity.end += read.bytes;
        activity.mid_line = false;
        if !too_long {
            scan_line(&line, &mut activity);
        }
    }
    Ok(activity)
}

/// What [`read_line`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineRead {
    /// Bytes consumed, the newline included.
    bytes: u64,
    /// Whether the line ended with a newline (else the input ended first).
    ended: bool,
    /// Whether it was longer than the cap, and so not kept.
    too_long: bool,
}

/// Read one line into `line` (emptied first), keeping at most `cap` bytes: a longer line is read
/// to its end but not kept, so memory stays bounded whatever the input.
fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<LineRead> {
    line.clear();
    let mut read = LineRead {
        bytes: 0,
        ended: false,
        too_long: false,
    };
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(read);
        }
        let (take, ended) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !read.too_long && line.len() + take > cap {
            read.too_long = true;
            line.clear();
        }
        if !read.too_long {
            line.extend_from_slice(&buf[..take]);
        }
        reader.consume(take);
        read.bytes += take as u64;
        if ended {
            read.ended = true;
            return Ok(read);
        }
    }
}

fn scan_line(line: &[u8], activity: &mut Activity) {
    let tool_use = memmem::find(line, br#""tool_use""#).is_some();
    let user = memmem::find(line, br#""type":"user""#).is_some();
    // Tool results are skipped unless one is an error.
    let result = user && memmem::find(line, br#""tool_result""#).is_some();
    let failed = result && memmem::find(line, br#""is_error":true"#).is_some();
    let prompt = user && !result;
    let text = memmem::find(line, br#""type":"assistant""#).is_some()
        && memmem::find(line, br#""type":"text""#).is_some();
    if !tool_use && !prompt && !failed && !text {
        return;
    }
    let Ok(parsed) = serde_json::from_slice::<Line>(line) else {
        return;
    };
    let Some(message) = parsed.message else {
        return;
    };
    // Tool results (with an error) and typed prompts are both `user` lines.
    match (parsed.kind.as_str(), message.content) {
        ("assistant", Content::Items(items)) if !parsed.sidechain => {
            let mut said = String::new();
            for item in items {
                if item.kind == "text" {
                    said.push_str(item.text.as_deref().unwrap_or_default());
                    continue;
                }
                if item.kind != "tool_use" {
                    continue;
                }
                let name = item.name.as_deref().unwrap_or("");
                let Some(input) = item.input else { continue };
                if name == "Bash" {
                    if let (Some(id), Some(command)) = (item.id, input.command) {
                        keep_newest(&mut activity.pending, (id, first_line(&command)));
                    }
                    continue;
                }
                let path = input.file_path.or(input.notebook_path);
                if let (true, Some(path)) = (EDIT_TOOLS.contains(&name), path) {
                    if activity.edited_seen.insert(path.clone()) {
                        activity.edited.push(path);
                    }
                }
            }
            if !said.is_empty() && message.model.as_deref() != Some("<synthetic>") {
                activity.prompts_before_last_text = activity.prompts;
                activity.texts.push(said);
            }
        }
        ("user", Content::Items(items)) if !parsed.sidechain && result => {
            for item in items {
                if item.kind != "tool_result" || item.is_error != Some(true) {
                    continue;
                }
                let Some(id) = item.tool_use_id else { continue };
                match activity.pending.iter().position(|(p, _)| *p == id) {
                    Some(i) => {
                        let (_, command) = activity.pending.remove(i);
                        keep_newest(&mut activity.failed, command);
                    }
                    None => activity.failed_ids.push(id),
                }
            }
        }
        ("user", content) if !parsed.sidechain && !parsed.meta && !parsed.compact_summary => {
            let text = match content {
                Content::Text(text) => Some(text),
                // A prompt with an image attached: its text part.
                Content::Items(items) => items
                    .into_iter()
                    .find(|i| i.kind == "text")
                    .and_then(|i| i.text),
                Content::Other => None,
            };
            let Some(text) = text else { return };
            // Slash commands, shell escapes and their output are recorded as user lines too.
            let t = text.trim_start();
            let not_typed = [
                "<command-",
                "<local-command",
                "<bash-",
                "[Request interrupted",
            ];
            if !not_typed.iter().any(|p| t.starts_with(p)) {
                activity.prompts += 1;
                keep_newest(&mut activity.asked, first_line(t));
            }
        }
        _ => {}
    }
}

/// Push onto a list that keeps only its newest [`MAX_KEPT`] entries.
pub(crate) fn keep_newest<T>(list: &mut Vec<T>, item: T) {
    list.push(item);
    if list.len() > MAX_KEPT {
        list.remove(0);
    }
}

/// The first non-blank line of `text`, secrets redacted, at most [`MAX_LINE_CHARS`] characters (an
/// ellipsis marks a cut).
pub(crate) fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    // Secrets go before the cut, which could leave part of one no longer recognisable.
    let line = &*crate::redact::redact(line);
    if line.chars().count() <= MAX_LINE_CHARS {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(MAX_LINE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// How full the context is: the newest main-chain usage record, or the size after the newest
/// compaction when that came later. Reads backwards from the end, at most 32 MiB
/// and each line once (twice when it spans two reads); `None` if nothing is found.
pub(crate) fn context_usage(path: &Path) -> std::io::Result<Option<ContextUsage>> {
    let mut file = crate::confine::open_regular(path)?;
    let len = file.metadata()?.len();
    let mut pos = len;
    // The end of the newest line not yet examined.
    let mut end = len;
    let mut chunk = Vec::new();
    while pos > 0 && len - pos < MAX_TAIL_SCAN {
        let start = pos.saturating_sub(TAIL_CHUNK);
        chunk.clear();
        file.seek(SeekFrom::Start(start))?;
        (&mut file).take(pos - start).read_to_end(&mut chunk)?;
        let mut search = chunk.len();
        while let Some(nl) = memchr::memrchr(b'\n', &chunk[..search]) {
            let line_start = start + nl as u64 + 1;
            if let Some(found) = usage_at(&mut file, &chunk, start, line_start..end)? {
                return Ok(Some(found));
            }
            end = line_start - 1;
            search = nl;
        }
        if start == 0 {
            return usage_at(&mut file, &chunk, start, 0..end);
        }
        pos = start;
    }
    Ok(None)
}

/// The usage record on the line at `range` of the file, taken from `chunk` (which starts at
/// offset `chunk_start`) when the line lies within it, else read again; long lines are passed over.
fn usage_at(
    file: &mut fs_err::File,
    chunk: &[u8],
    chunk_start: u64,
    range: std::ops::Range<u64>,
) -> std::io::Result<Option<ContextUsage>> {
    if range.end - range.start > MAX_USAGE_LINE {
        return Ok(None);
    }
    let chunk_end = chunk_start + chunk.len() as u64;
    if range.start >= chunk_start && range.end <= chunk_end {
        let at = (range.start - chunk_start) as usize;
        return Ok(usage_in(
            &chunk[at..at + (range.end - range.start) as usize],
        ));
    }
    let mut line = Vec::new();
    file.seek(SeekFrom::Start(range.start))?;
    (&mut *file)
        .take(range.end - range.start)
        .read_to_end(&mut line)?;
    Ok(usage_in(&line))
}

fn usage_in(line: &[u8]) -> Option<ContextUsage> {
    let boundary = memmem::find(line, b"compact_boundary").is_some();
    let usage = memmem::find(line, br#""usage""#).is_some();
    if !boundary && !usage {
        return None;
    }
    let parsed: Line = serde_json::from_slice(line).ok()?;
    if parsed.kind == "system" && parsed.subtype.as_deref() == Some("compact_boundary") {
        return Some(ContextUsage {
            tokens: parsed.compact.and_then(|c| c.post_tokens).unwrap_or(0),
            model: None,
        });
    }
    if parsed.kind != "assistant" || parsed.sidechain {
        return None;
    }
    let message = parsed.message?;
    if message.model.as_deref() == Some("<synthetic>") {
        return None;
    }
    let u = message.usage?;
    let tokens = [
        u.input_tokens,
        u.cache_creation_input_tokens,
        u.cache_read_input_tokens,
        u.output_tokens,
    ]
    .into_iter()
    .flatten()
    .try_fold(0u64, u64::checked_add)
    // A total no context window comes near is a damaged record, not a reading.
    .filter(|t| *t <= MAX_TOKENS)?;
    Some(ContextUsage {
        tokens,
        model: message.model,
    })
}

/// Usage records above this many tokens (100 times the largest window) are ignored.
pub(crate) const MAX_TOKENS: u64 = 100 * EXTENDED_WINDOW;
/// The standard context window, in tokens.
pub(crate) const STANDARD_WINDOW: u64 = 200_000;
/// The extended context window, in tokens.
pub(crate) const EXTENDED_WINDOW: u64 = 1_000_000;

/// The context window for `model`: 1M for models known to have it (Opus and Sonnet 4.6 and later,
/// or a `[1m]` model name), else 200K; usage already past 200K proves the larger window.
pub(crate) fn window_for(model: Option<&str>, observed_tokens: u64) -> u64 {
    if observed_tokens > STANDARD_WINDOW {
        return EXTENDED_WINDOW;
    }
    let Some(model) = model.map(str::to_ascii_lowercase) else {
        return STANDARD_WINDOW;
    };
    if model.contains("[1m]") {
        return EXTENDED_WINDOW;
    }
    let parts: Vec<&str> = model.split(['-', '.', '@']).collect();
    let Some(family) = parts.iter().position(|p| *p == "opus" || *p == "sonnet") else {
        return STANDARD_WINDOW;
    };
    // Version numbers follow the family; a long number is a date stamp, not a version.
    let version: Vec<u32> = parts[family + 1..]
        .iter()
        .take_while(|p| p.len() <= 2)
        .map_while(|p| p.parse().ok())
        .take(2)
        .collect();
    match version.as_slice() {
        [major, ..] if *major >= 5 => EXTENDED_WINDOW,
        [4, minor, ..] if *minor >= 6 => EXTENDED_WINDOW,
        _ => STANDARD_WINDOW,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const FIXTURE: &str = include_str!("../tests/fixtures/claude-code-2.1.328/transcript.jsonl");

    fn file_with(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn activity_finds_edits_and_prompts_in_the_real_transcript() {
        let f = file_with(FIXTURE);
        let a = activity_since(f.path(), 0, false).unwrap();
        assert_eq!(a.edited, ["/home/dev/src/app/work.txt"]);
        // "please do work", "big context please", "after big"
        assert_eq!(a.prompts, 3);
        assert_eq!(a.end, FIXTURE.len() as u64);
        assert_eq!(a.texts, ["done", "big", "ok"]);
    }

    #[test]
    fn activity_reads_only_what_was_appended() {
        let f = file_with(FIXTURE);
        let first = activity_since(f.path(), 0, false).unwrap();
        let again = activity_since(f.path(), first.end, false).unwrap();
        assert_eq!(
            again,
            Activity {
                end: first.end,
                ..Activity::default()
            }
        );
    }

    #[test]
    fn a_partial_last_line_waits_for_its_newline() {
        let line = r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Edit","input":{"file_path":"a.rs"}}]}}"#;
        let f = file_with(&format!("{line}\n{}", &line[..20]));
        let a = activity_since(f.path(), 0, false).unwrap();
        assert_eq!(a.edited, ["a.rs"]);
        assert_eq!(a.end, line.len() as u64 + 1);
    }

    #[test]
    fn reads_and_sidechains_are_not_edits() {
        let text = concat!(
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Read","input":{"file_path":"r.rs"}}]}}"#,
            "\n",
            r#"{"type":"assistant","isSidechain":true,"message":{"content":[{"type":"tool_use","name":"Write","input":{"file_path":"s.rs"}}]}}"#,
            "\n",
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"NotebookEdit","input":{"notebook_path":"n.ipynb"}}]}}"#,
            "\n",
            "not json at all\n",
        );
        let a = activity_since(file_with(text).path(), 0, false).unwrap();
        assert_eq!(a.edited, ["n.ipynb"]);
    }

    #[test]
    fn prompts_and_failed_commands_for_the_digest() {
        let text = [
            r#"{"type":"user","message":{"content":"fix the parser\nit breaks on fences"}}"#,
            r#"{"type":"user","message":{"content":"<command-name>/clear</command-name>"}}"#,
            r#"{"type":"user","isMeta":true,"message":{"content":"caveat"}}"#,
            r#"{"type":"user","message":{"content":[{"type":"text","text":"look at this"},{"type":"image"}]}}"#,
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"a","name":"Bash","input":{"command":"cargo test\n--all"}},{"type":"tool_use","id":"b","name":"Bash","input":{"command":"ls"}}]}}"#,
            r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"a","is_error":true,"content":"Exit code 101"},{"type":"tool_result","tool_use_id":"b","content":"ok"}]}}"#,
            r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"older","is_error":true,"content":"x"}]}}"#,
            r#"{"type":"user","isSidechain":true,"message":{"content":"subagent prompt"}}"#,
        ]
        .join("\n")
            + "\n";
        let a = activity_since(file_with(&text).path(), 0, false).unwrap();
        assert_eq!(a.asked, ["fix the parser", "look at this"]);
        assert_eq!(a.prompts, 2);
        assert_eq!(a.failed, ["cargo test"]);
        // `ls` succeeded, but results that aren't errors are not read: it stays pending.
        assert_eq!(a.pending, [("b".to_string(), "ls".to_string())]);
        assert_eq!(a.failed_ids, ["older"]);
    }

    #[test]
    fn long_lines_are_cut_and_lists_keep_the_newest() {
        let long = "é".repeat(500);
        assert_eq!(first_line(&long).chars().count(), MAX_LINE_CHARS);
        assert!(first_line(&long).ends_with('…'));
        assert_eq!(first_line("\n\n  second  \nthird"), "second");
        let mut list = Vec::new();
        for i in 0..30 {
            keep_newest(&mut list, i);
        }
        assert_eq!(list.len(), MAX_KEPT);
        assert_eq!(list[0], 10);
    }

    #[test]
    fn lines_too_long_to_keep_are_passed_over() {
        let edit = |path: &str| {
            format!(
                r#"{{"type":"assistant","message":{{"content":[{{"type":"tool_use","name":"Edit","input":{{"file_path":"{path}"}}}}]}}}}"#
            )
        };
        let long = format!("{}{}", edit("long.rs"), " ".repeat(500));
        let text = format!("{}\n{long}\n{}\n", edit("a.rs"), edit("b.rs"));
        let a = read_activity(file_with(&text).path(), 0, false, 400).unwrap();
        assert_eq!(a.edited, ["a.rs", "b.rs"]);
        assert_eq!(a.end, text.len() as u64);
        assert!(!a.mid_line);
    }

    #[test]
    fn a_long_line_still_being_written_is_passed_over_once() {
        let edit = r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Edit","input":{"file_path":"a.rs"}}]}}"#;
        let mut f = file_with(&format!("{edit}\n{}", "x".repeat(1000)));
        let a = read_activity(f.path(), 0, false, 400).unwrap();
        assert_eq!(a.edited, ["a.rs"]);
        // Past what is there, remembering it is inside the long line.
        assert_eq!(a.end, edit.len() as u64 + 1001);
        assert!(a.mid_line);
        // Nothing new: still inside it.
        let b = read_activity(f.path(), a.end, a.mid_line, 400).unwrap();
        assert_eq!((b.end, b.mid_line), (a.end, true));
        // It ends, and the next line is read.
        f.write_all(format!("yyy\n{}\n", edit.replace("a.rs", "b.rs")).as_bytes())
            .unwrap();
        let c = read_activity(f.path(), b.end, b.mid_line, 400).unwrap();
        assert_eq!(c.edited, ["b.rs"]);
        assert!(!c.mid_line);
    }

    #[test]
    fn read_line_keeps_at_most_the_cap() {
        let mut line = Vec::new();
        let mut input = std::io::BufReader::with_capacity(4, &b"abcdefgh\nij"[..]);
        let r = read_line(&mut input, &mut line, 5).unwrap();
        assert_eq!((r.bytes, r.ended, r.too_long), (9, true, true));
        assert!(line.is_empty());
        let r = read_line(&mut input, &mut line, 5).unwrap();
        assert_eq!((r.bytes, r.ended, r.too_long), (2, false, false));
        assert_eq!(line, b"ij");
    }

    #[test]
    fn an_offset_past_the_end_rereads_from_the_start() {
        let f = file_with(FIXTURE);
        let a = activity_since(f.path(), u64::MAX, false).unwrap();
        assert_eq!(a.edited.len(), 1);
    }

    #[test]
    fn context_after_the_last_compaction_is_its_post_tokens() {
        let f = file_with(FIXTURE);
        let u = context_usage(f.path()).unwrap().unwrap();
        assert_eq!(u.tokens, 2532);
    }

    #[test]
    fn context_at_each_point_of_the_real_transcript() {
        // Cut the transcript after each line and check the estimate a hook would see there.
        let lines: Vec<&str> = FIXTURE.lines().collect();
        let mut seen = Vec::new();
        for n in 1..=lines.len() {
            let f = file_with(&(lines[..n].join("\n") + "\n"));
            seen.push(context_usage(f.path()).unwrap().map(|u| u.tokens));
        }
        assert_eq!(
            seen,
            [
                None,
                Some(1005),
                Some(1005),
                Some(1005),
                Some(1005),
                // A synthetic "No response requested." line does not count.
                Some(1005),
                Some(1005),
                Some(990_005),
                Some(990_005),
                Some(990_005),
                // The auto compaction: its postTokens.
                Some(2640),
                Some(2640),
                Some(1005),
                Some(1005),
                Some(2532),
                Some(2532),
                Some(2532),
                Some(2532),
                Some(2532),
            ]
        );
    }

    #[test]
    fn context_scan_crosses_chunk_boundaries() {
        let usage = r#"{"type":"assistant","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":170000,"output_tokens":5}}}"#;
        let filler = format!(
            r#"{{"type":"user","message":{{"content":"{}"}}}}"#,
            "x".repeat(100_000)
        );
        let text = format!("{usage}\n{filler}\n{filler}\n");
        let u = context_usage(file_with(&text).path()).unwrap().unwrap();
        assert_eq!(u.tokens, 170_005);
        assert_eq!(u.model.as_deref(), Some("claude-sonnet-4-5"));
    }

    #[test]
    fn usage_that_overflows_is_not_a_reading() {
        let line = |input: u64, output: u64| {
            format!(
                r#"{{"type":"assistant","message":{{"model":"m","usage":{{"input_tokens":{input},"output_tokens":{output}}}}}}}"#
            )
        };
        for bad in [
            line(u64::MAX, 10),
            line(MAX_TOKENS, 1),
            line(u64::MAX / 2 + 1, u64::MAX / 2 + 1),
        ] {
            let text = format!("{}\n{bad}\n", line(1000, 5));
            let u = context_usage(file_with(&text).path()).unwrap().unwrap();
            assert_eq!(u.tokens, 1005, "{bad}");
        }
        // A number too big for u64 makes the line unreadable, so it is skipped too.
        let text = format!(
            "{}\n{}\n",
            line(1000, 5),
            line(1, 1).replace(":1,", ":99999999999999999999,")
        );
        assert_eq!(
            context_usage(file_with(&text).path())
                .unwrap()
                .unwrap()
                .tokens,
            1005
        );
    }

    #[test]
    fn a_huge_line_after_the_usage_is_passed_over_unparsed() {
        let usage = r#"{"type":"assistant","message":{"model":"m","usage":{"input_tokens":1000,"output_tokens":5}}}"#;
        // Too long to parse, and it looks like a usage record.
        let huge = format!(
            r#"{{"type":"assistant","message":{{"usage":{{"input_tokens":7}},"content":"{}"}}}}"#,
            "x".repeat(MAX_USAGE_LINE as usize)
        );
        let text = format!("{usage}\n{huge}\n");
        let u = context_usage(file_with(&text).path()).unwrap().unwrap();
        assert_eq!(u.tokens, 1005);
        // Unterminated, too.
        let text = format!("{usage}\n{huge}");
        let u = context_usage(file_with(&text).path()).unwrap().unwrap();
        assert_eq!(u.tokens, 1005);
    }

    #[test]
    fn empty_transcript_has_no_usage() {
        assert_eq!(context_usage(file_with("").path()).unwrap(), None);
    }

    #[test]
    fn windows() {
        for (model, tokens, want) in [
            (None, 0, STANDARD_WINDOW),
            (Some("claude-sonnet-4-5-20250929"), 0, STANDARD_WINDOW),
            (Some("claude-sonnet-4-5[1m]"), 0, EXTENDED_WINDOW),
            (Some("claude-opus-4-6"), 0, EXTENDED_WINDOW),
            (Some("claude-sonnet-4-6"), 0, EXTENDED_WINDOW),
            (Some("claude-opus-5-5"), 0, EXTENDED_WINDOW),
            (Some("claude-haiku-4-5"), 0, STANDARD_WINDOW),
            (Some("claude-3-5-sonnet-20241022"), 0, STANDARD_WINDOW),
            (Some("claude-opus-4-1"), 0, STANDARD_WINDOW),
            (Some("some-other-model"), 250_000, EXTENDED_WINDOW),
        ] {
            assert_eq!(window_for(model, tokens), want, "{model:?}");
        }
    }
}
