//! Per-session memory between hook calls: one small JSON file per session, in the project's state
//! folder (outside the work tree). Two sessions never share a file; old ones are pruned.
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fs_atomic::{self, Durability};
use crate::transcript;

/// Edited files kept by name; past this only the count grows, so state stays small.
pub(crate) const MAX_EDITED: usize = 200;

/// Session files untouched for this long are deleted.
pub(crate) const PRUNE_AFTER: Duration = Duration::from_secs(14 * 24 * 3600);

/// Enough of a file's identity to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Fingerprint {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// FNV-1a of the content.
    pub hash: u64,
}

impl Fingerprint {
    /// Fingerprint `path`; `None` when it doesn't exist or can't be read.
    pub(crate) fn of(path: &Path) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        let meta = std::fs::metadata(path).ok()?;
        Some(Self {
            len: bytes.len() as u64,
            mtime_ns: mtime_ns(&meta),
            hash: crate::project::fnv1a64(&bytes),
        })
    }

    /// Whether `path` still has this content; checks size and time first, reading only when needed.
    pub(crate) fn matches(self, path: &Path) -> bool {
        let Ok(meta) = std::fs::metadata(path) else {
            return false;
        };
        if meta.len() != self.len {
            return false;
        }
        if mtime_ns(&meta) == self.mtime_ns {
            return true;
        }
        // Touched: compare content, so saving without changes doesn't count as an update.
        Self::of(path).is_some_and(|now| now.hash == self.hash)
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// What one session remembers between hook calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct SessionState {
    /// Claude Code's session id.
    pub session_id: String,
    /// When SessionStart (or the first hook call) saw this session.
    pub started_at: Option<DateTime<Utc>>,
    /// The handoff as it was at the start; `None` if it didn't exist.
    pub handoff_at_start: Option<Fingerprint>,
    /// The transcript being followed.
    pub transcript_path: String,
    /// How far the transcript has been read.
    pub transcript_offset: u64,
    /// Whether that offset is inside a line too long to read ([`transcript::Activity::mid_line`]).
    pub transcript_mid_line: bool,
    /// Files edited in this session (from the transcript): the first [`MAX_EDITED`], first-seen
    /// order.
    pub edited: Vec<String>,
    /// How many distinct files were edited (see [`SessionState::edited_count`]). Past the list, a
    /// file is told apart only from the others read at the same time, so one edited again in a
    /// later turn counts twice.
    pub edited_total: usize,
    /// The last assistant message read: (prompts read before it, FNV-1a of its trimmed text).
    pub last_text: Option<(u32, u64)>,
    /// User prompts seen in the transcript (a prompt key when the event has no `prompt_id`).
    pub prompts: u32,
    /// The prompt whose Stop last told the agent to update the handoff (a block or a nudge).
    pub blocked_prompt: Option<String>,
    /// A Stop waited for the transcript and it never appeared (a session that isn't saved): later
    /// ones don't wait for it.
    pub transcript_missing: bool,
    /// The prompt whose Stop last showed a reminder.
    pub reminded_prompt: Option<String>,
    /// Whether the context warning has been given for the current crossing of the threshold.
    pub context_warned: bool,
    /// The first line of each prompt, newest last (the newest [`transcript::MAX_KEPT`]).
    pub asked: Vec<String>,
    /// Bash commands that failed, newest last (the newest [`transcript::MAX_KEPT`]).
    pub failed: Vec<String>,
    /// Bash calls whose result has not been read yet: (tool use id, command).
    pub pending_bash: Vec<(String, String)>,
    /// The handoff as SessionStart last gave it to this session, so a resume can tell whether it
    /// changed since.
    pub given: Option<Given>,
}

/// A version of the handoff given to a session: hashes of the whole and of each section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Given {
    /// When it was given.
    pub at: Option<DateTime<Utc>>,
    /// FNV-1a of the whole text (line endings as LF).
    pub hash: u64,
    /// Each section's title and FNV-1a, in file order.
    pub sections: Vec<(String, u64)>,
}

impl SessionState {
    /// A fresh state for a session starting now.
    pub(crate) fn new(session_id: &str, now: DateTime<Utc>) -> Self {
        Self {
            session_id: session_id.to_string(),
            started_at: Some(now),
            ..Self::default()
        }
    }

    /// Whether the handoff at `path` differs from how it was at the start of the session.
    pub(crate) fn handoff_changed(&self, path: &Path) -> bool {
        match self.handoff_at_start {
            Some(fp) => !fp.matches(path),
            None => path.exists(),
        }
    }

    /// Distinct files edited; state saved before the count existed has only the list.
    pub(crate) fn edited_count(&self) -> usize {
        self.edited_total.max(self.edited.len())
    }

    /// Fold in what the transcript showed since the last read; returns the assistant messages read.
    pub(crate) fn absorb(&mut self, activity: transcript::Activity) -> Vec<String> {
        self.edited_total = self.edited_count();
        self.edited.truncate(MAX_EDITED);
        let mut known: HashSet<String> = self.edited.iter().cloned().collect();
        for path in activity.edited {
            if known.contains(&path) {
                continue;
            }
            self.edited_total += 1;
            if self.edited.len() < MAX_EDITED {
                known.insert(path.clone());
                self.edited.push(path);
            }
        }
        if let Some(text) = activity.texts.last() {
            self.last_text = Some((
                self.prompts + activity.prompts_before_last_text,
                text_hash(text),
            ));
        }
        self.prompts += activity.prompts;
        for line in activity.asked {
            transcript::keep_newest(&mut self.asked, line);
        }
        // Errors whose call was read last time.
        for id in activity.failed_ids {
            if let Some(i) = self.pending_bash.iter().position(|(p, _)| *p == id) {
                let (_, command) = self.pending_bash.remove(i);
                transcript::keep_newest(&mut self.failed, command);
            }
        }
        for command in activity.failed {
            transcript::keep_newest(&mut self.failed, command);
        }
        for call in activity.pending {
            transcript::keep_newest(&mut self.pending_bash, call);
        }
        self.transcript_offset = activity.end;
        self.transcript_mid_line = activity.mid_line;
        activity.texts
    }
}

/// What [`SessionState::last_text`] keeps of a message.
pub(crate) fn text_hash(text: &str) -> u64 {
    crate::project::fnv1a64(text.trim().as_bytes())
}

/// The file that holds a session's state.
pub(crate) fn path_for(sessions_dir: &Path, session_id: &str) -> PathBuf {
    let safe = !session_id.is_empty()
        && session_id.len() <= 128
        && session_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let name = if safe {
        session_id.to_string()
    } else {
        format!("x{:016x}", crate::project::fnv1a64(session_id.as_bytes()))
    };
    sessions_dir.join(format!("{name}.json"))
}

/// Load a session's state; `Ok(None)` when there is none yet. A damaged file counts as none.
pub(crate) fn load(sessions_dir: &Path, session_id: &str) -> std::io::Result<Option<SessionState>> {
    match fs_err::read(path_for(sessions_dir, session_id)) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A session's state could not be saved (a read-only or full disk, a file in the way).
#[derive(Debug, thiserror::Error)]
#[error("could not save session state: {source}")]
pub(crate) struct SaveError {
    /// The sessions folder.
    pub dir: PathBuf,
    pub source: std::io::Error,
}

/// Save a session's state.
pub(crate) fn save(sessions_dir: &Path, state: &SessionState) -> Result<(), SaveError> {
    let error = |source| SaveError {
        dir: sessions_dir.to_path_buf(),
        source,
    };
    let json = serde_json::to_vec(state).map_err(|e| error(std::io::Error::other(e)))?;
    // State can be rebuilt; skipping fsync keeps hooks fast.
    fs_atomic::write(
        &path_for(sessions_dir, &state.session_id),
        &json,
        Durability::Fast,
    )
    .map_err(error)
}

/// Delete session files not touched within `max_age`; returns how many were removed.
pub(crate) fn prune(sessions_dir: &Path, now: SystemTime, max_age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(sessions_dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > max_age);
        if old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed "now" (2026-11-21 12:00 UTC): tests never read the real clock.
    fn t0() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_262_400)
    }

    fn set_mtime(path: &Path, t: SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SessionState::new("abc-123", t0().into());
        s.edited.push("a.rs".into());
        save(dir.path(), &s).unwrap();
        assert_eq!(load(dir.path(), "abc-123").unwrap(), Some(s));
        assert_eq!(load(dir.path(), "other").unwrap(), None);
    }

    #[test]
    fn damaged_state_counts_as_none() {
        let dir = tempfile::tempdir().unwrap();
        fs_atomic::write(&path_for(dir.path(), "s"), b"{not json", Durability::Fast).unwrap();
        assert_eq!(load(dir.path(), "s").unwrap(), None);
    }

    #[test]
    fn unknown_fields_and_missing_ones_are_fine() {
        let s: SessionState = serde_json::from_str(r#"{"session_id":"s","future":1}"#).unwrap();
        assert_eq!(s.session_id, "s");
        assert_eq!(s.transcript_offset, 0);
    }

    #[test]
    fn odd_session_ids_get_safe_file_names() {
        let dir = Path::new("/d");
        assert_eq!(path_for(dir, "abc-1_2"), Path::new("/d/abc-1_2.json"));
        let odd = path_for(dir, "../../etc/passwd");
        assert_eq!(odd.parent(), Some(dir));
        assert_ne!(path_for(dir, ""), path_for(dir, "x"));
    }

    #[test]
    fn fingerprint_sees_content_not_touches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.md");
        fs_atomic::write(&path, b"one", Durability::Fast).unwrap();
        let fp = Fingerprint::of(&path).unwrap();
        assert!(fp.matches(&path));
        // Same bytes, new mtime: unchanged.
        let later = std::fs::metadata(&path).unwrap().modified().unwrap() + Duration::from_secs(5);
        set_mtime(&path, later);
        assert!(fp.matches(&path));
        fs_atomic::write(&path, b"two", Durability::Fast).unwrap();
        assert!(!fp.matches(&path));
        std::fs::remove_file(&path).unwrap();
        assert!(!fp.matches(&path));
    }

    #[test]
    fn handoff_changed_covers_creation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.md");
        let s = SessionState::default();
        assert!(!s.handoff_changed(&path));
        fs_atomic::write(&path, b"new", Durability::Fast).unwrap();
        assert!(s.handoff_changed(&path));
    }

    #[test]
    fn a_failure_read_after_its_call_is_matched_to_it() {
        let mut s = SessionState::default();
        s.absorb(transcript::Activity {
            asked: vec!["run the tests".into()],
            pending: vec![
                ("t1".into(), "cargo test".into()),
                ("t2".into(), "ls".into()),
            ],
            end: 10,
            ..transcript::Activity::default()
        });
        s.absorb(transcript::Activity {
            failed_ids: vec!["t1".into(), "unknown".into()],
            failed: vec!["make".into()],
            end: 20,
            ..transcript::Activity::default()
        });
        assert_eq!(s.failed, ["cargo test", "make"]);
        assert_eq!(s.pending_bash, [("t2".to_string(), "ls".to_string())]);
        assert_eq!(s.asked, ["run the tests"]);
        assert_eq!(s.transcript_offset, 20);
    }

    #[test]
    fn edited_files_keep_a_capped_list_and_the_total() {
        let mut s = SessionState::default();
        let read = |from: usize, to: usize| transcript::Activity {
            edited: (from..to).map(|i| format!("f{i}")).collect(),
            ..transcript::Activity::default()
        };
        let _ = s.absorb(read(0, 150));
        // Overlapping the list: only the new ones count.
        let _ = s.absorb(read(100, 40_000));
        assert_eq!(s.edited.len(), MAX_EDITED);
        assert_eq!(s.edited[..2], ["f0", "f1"]);
        assert_eq!(s.edited_count(), 40_000);
        // State saved before the count existed: the list is the count.
        let old: SessionState = serde_json::from_str(r#"{"edited":["a","b"]}"#).unwrap();
        assert_eq!(old.edited_count(), 2);
    }

    #[test]
    fn prune_removes_only_old_files() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &SessionState::new("old", t0().into())).unwrap();
        save(dir.path(), &SessionState::new("new", t0().into())).unwrap();
        let old = path_for(dir.path(), "old");
        set_mtime(&old, t0() - Duration::from_secs(30 * 24 * 3600));
        set_mtime(
            &path_for(dir.path(), "new"),
            t0() - Duration::from_secs(3600),
        );
        assert_eq!(prune(dir.path(), t0(), PRUNE_AFTER), 1);
        assert!(!old.exists());
        assert!(path_for(dir.path(), "new").exists());
    }
}
