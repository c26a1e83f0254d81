//! Writes that never leave a torn file: write a temp file beside the target, sync, rename.
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use fs_err as fs;

/// How hard to try to keep the bytes across a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync before the rename: for the user's files (handoff, settings, logs).
    Synced,
    /// Skip fsync: for our own caches and state, which can be rebuilt.
    Fast,
}

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Replace `path` with `bytes` atomically, creating parent folders as needed.
pub fn write(path: &Path, bytes: &[u8], durability: Durability) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    // Unique per process and per call, so concurrent writers never share a temp file.
    let seq = TMP_SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{seq}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if durability == Durability::Synced {
            // Some errors from the last write() are reported only on sync or close.
            file.sync_all()?;
        }
        drop(file);
        keep_permissions(path, &tmp);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Never leave our temp file behind.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Give the temp file the target's permissions, so an atomic replace doesn't change them.
fn keep_permissions(target: &Path, tmp: &Path) {
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = std::fs::set_permissions(tmp, meta.permissions());
    }
}

/// Read-modify-write `path` under an exclusive lock on `lock`, then replace `path` atomically.
///
/// The lock is a separate file that is never replaced, so every updater locks the same one (a lock
/// on `path` itself would be lost at the rename). `change` gets the current bytes (`None` when the
/// file is missing) and returns the new ones, or `None` to leave the file alone. Concurrent updaters
/// take turns, so none loses another's change, and readers see the old file or the new one.
pub fn update<T, E: From<std::io::Error>>(
    path: &Path,
    lock: &Path,
    change: impl FnOnce(Option<Vec<u8>>) -> Result<(Option<Vec<u8>>, T), E>,
) -> Result<T, E> {
    if let Some(dir) = lock.parent() {
        fs::create_dir_all(dir)?;
    }
    let guard = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)?;
    guard.file().lock()?;
    let result = (|| {
        let current = match fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let (new, out) = change(current)?;
        if let Some(bytes) = new {
            write(path, &bytes, Durability::Synced)?;
        }
        Ok(out)
    })();
    // Closing the file releases the lock too; unlocking first just makes it prompt.
    let _ = guard.file().unlock();
    result
}

/// Append one record to a log under an exclusive lock, in a single write, so concurrent writers
/// never interleave or lose lines.
pub fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.file().lock()?;
    let mut buf = String::with_capacity(line.len() + 1);
    buf.push_str(line.trim_end_matches('\n'));
    buf.push('\n');
    let result = file
        .write_all(buf.as_bytes())
        .and_then(|()| file.sync_data());
    let _ = file.file().unlock();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.md");
        write(&path, b"one", Durability::Synced).unwrap();
        write(&path, b"two", Durability::Fast).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["file.md"]);
    }

    #[test]
    fn append_line_adds_exactly_one_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        append_line(&path, "a").unwrap();
        append_line(&path, "b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\nb\n");
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        let lock = dir.path().join("locks/doc.lock");
        std::thread::scope(|s| {
            for t in 0..4 {
                let (path, lock) = (&path, &lock);
                s.spawn(move || {
                    for i in 0..25 {
                        update(path, lock, |old| {
                            let mut text = old.unwrap_or_default();
                            text.extend_from_slice(format!("{t}-{i}\n").as_bytes());
                            Ok::<_, std::io::Error>((Some(text), ()))
                        })
                        .unwrap();
                    }
                });
            }
        });
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 100);
    }

    #[test]
    fn update_can_leave_the_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        let n = update(&path, &dir.path().join("l"), |old| {
            assert_eq!(old, None);
            Ok::<_, std::io::Error>((None, 7))
        })
        .unwrap();
        assert_eq!(n, 7);
        assert!(!path.exists());
    }

    #[test]
    fn concurrent_appends_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::thread::scope(|s| {
            for t in 0..8 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..50 {
                        append_line(path, &format!("{t}-{i}-{}", "x".repeat(300))).unwrap();
                    }
                });
            }
        });
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 400);
        assert!(text.lines().all(|l| l.ends_with(&"x".repeat(300))));
    }
}
