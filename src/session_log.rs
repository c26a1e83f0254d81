//! The session log: one JSON line per digest, written at PreCompact and SessionEnd from the
//! transcript, so what a session did survives even when its handoff wasn't updated.
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fs_atomic;

/// How much of the log's end is read for its newest entries.
const TAIL_BYTES: u64 = 256 * 1024;

/// One digest of a session, as far as it got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Entry {
    /// Claude Code's session id.
    pub session_id: String,
    /// When the session started, RFC 3339.
    pub start: Option<String>,
    /// When this digest was written, RFC 3339.
    pub end: String,
    /// SessionEnd's reason, or `compact-auto` / `compact-manual` for a digest before compaction.
    pub reason: String,
    /// Whether the handoff changed during the session.
    pub handoff_updated: bool,
    /// Files the session wrote or edited (the handoff aside), relative to the project root: the
    /// first [`crate::state::MAX_EDITED`].
    pub files_touched: Vec<String>,
    /// How many files it wrote or edited, listed or not (see [`Entry::files_count`]).
    pub files_total: usize,
    /// Prompts the user typed.
    pub prompts: u32,
    /// The first line of each prompt, oldest first (the newest 20).
    pub asked: Vec<String>,
    /// Bash commands whose result was an error, oldest first (the newest 20).
    pub failed_commands: Vec<String>,
    /// The task, when the session worked on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
}

impl Entry {
    /// When this digest was written.
    pub(crate) fn end_time(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.end)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Files changed; entries written before the count existed have only the list.
    pub(crate) fn files_count(&self) -> usize {
        self.files_total.max(self.files_touched.len())
    }

    /// Whether it was written before a compaction rather than at the session's end.
    pub(crate) fn before_compaction(&self) -> bool {
        self.reason.starts_with("compact")
    }

    /// "3 prompts, 2 files changed, 1 failed command; handoff not updated"
    pub(crate) fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}, {}, {}; handoff {}",
            plural(self.prompts as usize, "prompt", "prompts"),
            plural(self.files_count(), "file changed", "files changed"),
            plural(
                self.failed_commands.len(),
                "failed command",
                "failed commands"
            ),
            if self.handoff_updated {
                "updated"
            } else {
                "not updated"
            }
        )
    }
}

impl Entry {
    /// Redact the text the transcript gave (prompts, commands): none is written or shown whole.
    fn redacted(mut self) -> Self {
        crate::redact::redact_all(&mut self.asked);
        crate::redact::redact_all(&mut self.failed_commands);
        self
    }
}

/// Append one entry, secrets redacted.
pub(crate) fn append(path: &Path, entry: &Entry) -> std::io::Result<()> {
    let json = serde_json::to_string(&entry.clone().redacted()).map_err(std::io::Error::other)?;
    fs_atomic::append_line(path, &json)
}

/// Every entry, oldest first; lines that don't parse are skipped. A missing log is empty.
pub(crate) fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    match fs_err::read(path) {
        Ok(bytes) => Ok(parse(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

fn parse(bytes: &[u8]) -> Vec<Entry> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .filter_map(|l| serde_json::from_slice(l).ok())
        // Entries written before redaction existed are redacted when read.
        .map(Entry::redacted)
        .collect()
}

/// The newest entries (from the log's last 256 KB), oldest first. Cheap on a long log.
pub(crate) fn tail(path: &Path) -> Vec<Entry> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let start = len.saturating_sub(TAIL_BYTES);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(start)).is_err() || file.read_to_end(&mut bytes).is_err() {
        return Vec::new();
    }
    // Started mid-line: drop the partial first line.
    let bytes = if start > 0 {
        bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(&[][..], |i| &bytes[i + 1..])
    } else {
        &bytes[..]
    };
    parse(bytes)
}

/// The newest entry, reading only as much of the log's end as it takes (this runs at every
/// session start).
pub(crate) fn last(path: &Path) -> Option<Entry> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    for window in [16 * 1024, TAIL_BYTES] {
        let start = len.saturating_sub(window);
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(start)).ok()?;
        file.read_to_end(&mut bytes).ok()?;
        let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        if start > 0 {
            // Started mid-line: the first piece is partial.
            lines.remove(0);
        }
        let found = lines
            .iter()
            .rev()
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .find_map(|l| serde_json::from_slice(l).ok());
        if found.is_some() || start == 0 {
            return found.map(Entry::redacted);
        }
    }
    None
}

/// Sessions with a digest written after `since` (counted once each, from the log's end).
pub(crate) fn sessions_since(entries: &[Entry], since: DateTime<Utc>) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    for e in entries.iter().rev() {
        // `end` is kept to the second: a session that ended in the same second as `since` may have
        // ended after it, so it counts, as in SessionStart's digest rule.
        if e.end_time()
            .is_none_or(|t| t.timestamp() < since.timestamp())
        {
            break;
        }
        if !seen.contains(&e.session_id.as_str()) {
            seen.push(&e.session_id);
        }
    }
    seen.len()
}

/// A digest for tests of what shows one: two prompts, two files, a failed command.
#[cfg(test)]
pub(crate) fn sample_entry() -> Entry {
    Entry {
        session_id: "old".into(),
        end: "2026-11-21T10:00:00Z".into(),
        reason: "clear".into(),
        prompts: 2,
        files_touched: vec!["src/a.rs".into(), "src/b.rs".into()],
        asked: vec!["fix the parser".into(), "now add tests".into()],
        failed_commands: vec!["cargo test".into()],
        ..Entry::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, end: &str) -> Entry {
        Entry {
            session_id: id.into(),
            end: end.into(),
            ..Entry::default()
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn summaries() {
        let mut e = Entry::default();
        assert_eq!(
            e.summary(),
            "0 prompts, 0 files changed, 0 failed commands; handoff not updated"
        );
        e.prompts = 1;
        e.files_touched = vec!["a".into()];
        e.failed_commands = vec!["x".into()];
        e.handoff_updated = true;
        assert_eq!(
            e.summary(),
            "1 prompt, 1 file changed, 1 failed command; handoff updated"
        );
    }

    #[test]
    fn old_lines_and_bad_lines_are_read_leniently() {
        let log = concat!(
            r#"{"session_id":"a","start":null,"end":"2026-11-21T10:00:00Z","reason":"clear","handoff_updated":false,"files_touched":["x"],"prompts":2}"#,
            "\n",
            "not json\n",
            "\n",
            r#"{"session_id":"b","end":"2026-11-21T11:00:00Z","asked":["hi"],"future":1}"#,
            "\n",
        );
        let entries = parse(log.as_bytes());
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].files_touched, ["x"]);
        assert_eq!(entries[1].asked, ["hi"]);
    }

    #[test]
    fn a_torn_last_line_neither_shows_nor_swallows_the_next_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions.jsonl");
        append(&path, &entry("a", "2026-11-21T10:00:00Z")).unwrap();
        let whole = std::fs::read_to_string(&path).unwrap();
        let torn = format!("{whole}{}", &whole[..whole.len() / 2]);
        crate::fs_atomic::write(&path, torn.as_bytes(), crate::fs_atomic::Durability::Fast)
            .unwrap();
        assert_eq!(read(&path).unwrap().len(), 1);
        append(&path, &entry("b", "2026-11-21T11:00:00Z")).unwrap();
        let ids: Vec<String> = read(&path)
            .unwrap()
            .into_iter()
            .map(|e| e.session_id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(last(&path).unwrap().session_id, "b");
    }

    #[test]
    fn secrets_are_redacted_when_written_and_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions.jsonl");
        // Built at run time, so the repository holds nothing token-shaped.
        let secret = format!("ghp_{}", "a1B2c3".repeat(6));
        let mut e = entry("a", "2026-11-21T10:00:00Z");
        e.asked = vec![format!("use {secret}")];
        e.failed_commands = vec![format!("GH_TOKEN={secret} gh pr list")];
        append(&path, &e).unwrap();
        // A line written before redaction existed.
        let old = serde_json::to_string(&entry("b", "2026-11-21T11:00:00Z")).unwrap();
        fs_atomic::append_line(
            &path,
            &old.replace("\"asked\":[]", &format!("\"asked\":[\"{secret}\"]")),
        )
        .unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written.matches(&secret).count(), 1, "{written}");
        let entries = read(&path).unwrap();
        assert_eq!(entries[0].asked, ["use [REDACTED github token]"]);
        assert_eq!(
            entries[0].failed_commands,
            ["GH_TOKEN=[REDACTED github token] gh pr list"]
        );
        assert_eq!(entries[1].asked, ["[REDACTED github token]"]);
        assert_eq!(tail(&path)[1].asked, ["[REDACTED github token]"]);
        assert_eq!(last(&path).unwrap().asked, ["[REDACTED github token]"]);
    }

    #[test]
    fn tail_reads_the_newest_entries_of_a_long_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions.jsonl");
        for i in 0..3_000 {
            let mut e = entry(&format!("s{i}"), "2026-11-21T10:00:00Z");
            e.asked = vec!["x".repeat(100)];
            append(&path, &e).unwrap();
        }
        let tail = tail(&path);
        assert!(tail.len() < 3_000 && tail.len() > 100, "{}", tail.len());
        assert_eq!(last(&path).unwrap().session_id, "s2999");
        assert_eq!(last(&dir.path().join("missing")), None);
    }

    #[test]
    fn sessions_since_counts_each_session_once() {
        let entries = [
            entry("a", "2026-11-21T09:00:00Z"),
            entry("b", "2026-11-21T10:00:00Z"),
            entry("b", "2026-11-21T10:30:00Z"),
            entry("c", "2026-11-21T11:00:00Z"),
        ];
        for (since, want) in [
            ("2026-11-21T08:00:00Z", 3),
            // a ended in the same second: it may have ended after the update.
            ("2026-11-21T09:00:00Z", 3),
            ("2026-11-21T09:00:01Z", 2),
            ("2026-11-21T10:45:00Z", 1),
            // Within the second c ended in (logged to the second): c may have ended after it.
            ("2026-11-21T11:00:00.400Z", 1),
            ("2026-11-21T12:00:00Z", 0),
        ] {
            assert_eq!(sessions_since(&entries, t(since)), want, "{since}");
        }
    }
}
