//! The history folder: dated copies of the handoff, saved before each compaction and read by
//! `handoff history`.
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::fs_atomic::{self, Durability};

/// Dated copies kept per project; older ones are removed.
pub(crate) const KEEP: usize = 50;

/// Copies in the history folder, oldest first (their names sort by time).
pub(crate) fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_copy(n))
        .collect();
    names.sort();
    names
}

/// A copy's file name: Markdown, not hidden (temp files are).
fn is_copy(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        && !name.starts_with('.')
}

/// `2026-11-21T12-00-00Z-manual.md`: sorts by time, and says what made it.
pub(crate) fn name(now: DateTime<Utc>, trigger: &str) -> String {
    format!("{}-{trigger}.md", now.format("%Y-%m-%dT%H-%M-%SZ"))
}

/// Save `bytes` as a new copy unless the newest already has these bytes (a compaction can fire
/// its event several times), then drop all but the newest [`KEEP`]. Returns whether one was
/// written.
pub(crate) fn save(
    dir: &Path,
    bytes: &[u8],
    now: DateTime<Utc>,
    trigger: &str,
) -> std::io::Result<bool> {
    let mut copies = list(dir);
    if let Some(newest) = copies.last() {
        if std::fs::read(dir.join(newest)).is_ok_and(|b| b == bytes) {
            return Ok(false);
        }
    }
    let name = name(now, trigger);
    fs_atomic::write(&dir.join(&name), bytes, Durability::Synced)?;
    copies.push(name);
    for old in copies.iter().rev().skip(KEEP) {
        let _ = std::fs::remove_file(dir.join(old));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn names_sort_by_time() {
        assert_eq!(
            name(at("2026-11-21T09:05:03Z"), "manual"),
            "2026-11-21T09-05-03Z-manual.md"
        );
        for (file, copy) in [
            ("a.md", true),
            ("a.MD", true),
            (".a.md.tmp", false),
            (".a.md", false),
            ("a.txt", false),
        ] {
            assert_eq!(is_copy(file), copy, "{file}");
        }
    }

    #[test]
    fn saves_once_per_content_and_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let t = at("2026-11-21T12:00:00Z");
        assert!(save(dir.path(), b"one", t, "auto").unwrap());
        assert!(!save(dir.path(), b"one", t + chrono::Duration::seconds(1), "auto").unwrap());
        for i in 0..KEEP + 3 {
            let when = t + chrono::Duration::seconds(10 + i64::try_from(i).unwrap());
            save(dir.path(), format!("v{i}").as_bytes(), when, "manual").unwrap();
        }
        let copies = list(dir.path());
        assert_eq!(copies.len(), KEEP);
        let newest = std::fs::read(dir.path().join(copies.last().unwrap())).unwrap();
        assert_eq!(newest, format!("v{}", KEEP + 2).as_bytes());
    }
}
