//! Writes that never leave a torn file: write a temp file beside the target, sync, rename.
//!
//! A process killed mid-write strands its temp file, so each temp is locked while in use and the
//! next write to the same target removes any it can lock: their writers are gone.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use fs_err as fs;

/// How hard to try to keep the bytes across a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// fsync before the rename: for the user's files (handoff, settings, logs).
    Synced,
    /// Skip fsync: for our own caches and state, which can be rebuilt.
    Fast,
}

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Names tried before giving up on creating a temp file.
const TEMP_ATTEMPTS: usize = 100;

/// Replace `path` with `bytes` atomically, creating parent folders as needed.
pub(crate) fn write(path: &Path, bytes: &[u8], durability: Durability) -> std::io::Result<()> {
    let (dir, name) = dir_and_name(path);
    fs::create_dir_all(dir)?;
    // The user's files sit in the work tree, where a stranded temp shows; our own state is
    // outside it, swept by its pruning, so its saves (on every Stop) skip listing the folder.
    if durability == Durability::Synced {
        sweep_stranded(dir, &name);
    }
    let (tmp, mut file) = create_temp(dir, &name)?;
    let result = (|| {
        file.write_all(bytes)?;
        if durability == Durability::Synced {
            // Some errors from the last write() are reported only on sync or close.
            file.sync_all()?;
        }
        keep_permissions(path, &tmp);
        // Windows locks are mandatory: a reader of the renamed file must not meet ours.
        #[cfg(windows)]
        let _ = file.file().unlock();
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Never leave our temp file behind.
        let _ = std::fs::remove_file(&tmp);
    }
    // Closing releases the temp's lock, after the rename so no sweeper takes it for stranded.
    drop(file);
    result
}

/// Create `path` with `bytes` unless it exists; returns whether it did. Of processes creating the
/// same name at once exactly one gets `true`, and no reader sees the file half written: the
/// finished temp file is hard-linked into place, which fails if the name is taken.
pub(crate) fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let (dir, name) = dir_and_name(path);
    fs::create_dir_all(dir)?;
    sweep_stranded(dir, &name);
    let (tmp, mut file) = create_temp(dir, &name)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            // No hard links here (FAT, some network shares): exclusive create, written in place.
            Err(_) => create_in_place(path, bytes),
        });
    let _ = std::fs::remove_file(&tmp);
    drop(file);
    result
}

fn create_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    };
    let result = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = result {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(true)
}

fn dir_and_name(path: &Path) -> (&Path, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    (dir, name)
}

/// `.<name>.<pid>-<seq>.tmp`: unique per process and per call, so writers never share one.
fn temp_name(name: &str, seq: u64) -> String {
    format!(".{name}.{}-{seq}.tmp", std::process::id())
}

/// Whether `file` is a temp file of ours for the target `name` ([`temp_name`]).
fn is_temp_of(file: &str, name: &str) -> bool {
    let Some(rest) = file
        .strip_prefix('.')
        .and_then(|f| f.strip_prefix(name))
        .and_then(|f| f.strip_prefix('.'))
        .and_then(|f| f.strip_suffix(".tmp"))
    else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    rest.split_once('-')
        .is_some_and(|(pid, seq)| digits(pid) && digits(seq))
}

/// Create and lock a new temp file for `name` in `dir`.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, fs::File)> {
    let mut last = None;
    for _ in 0..TEMP_ATTEMPTS {
        let tmp = dir.join(temp_name(name, TMP_SEQ.fetch_add(1, Ordering::Relaxed)));
        let file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => file,
            // A temp of a dead process that had our pid: take another number.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                last = Some(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        match file.file().lock() {
            Ok(()) => {}
            // A file system without locks: sweepers can't lock our temp there either, so it is safe.
            Err(e) if locks_unsupported(&e) => return Ok((tmp, file)),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
        // A sweeper may have taken it for stranded before we locked it.
        if is_same_file(&tmp, &file) {
            return Ok((tmp, file));
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("could not create a temp file")))
}

/// Whether a lock failed because the file system has none (ENOLCK on Linux's NFS without lockd).
fn locks_unsupported(e: &std::io::Error) -> bool {
    const ENOLCK: i32 = if cfg!(target_os = "linux") { 37 } else { 77 };
    e.kind() == std::io::ErrorKind::Unsupported || e.raw_os_error() == Some(ENOLCK)
}

#[cfg(unix)]
fn is_same_file(path: &Path, file: &fs::File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(path: &Path, _file: &fs::File) -> bool {
    path.exists()
}

/// Remove temp files stranded beside `path` by killed writers, for a command that found nothing to
/// write this time (a write sweeps them anyway).
pub(crate) fn sweep(path: &Path) {
    let (dir, name) = dir_and_name(path);
    sweep_stranded(dir, &name);
}

/// Remove the temp files for `name` in `dir` whose writers are gone: a live writer holds its
/// temp's lock until the rename, so any temp we can lock was stranded by a killed process.
fn sweep_stranded(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !file_name.to_str().is_some_and(|f| is_temp_of(f, name))
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
            continue;
        }
        let Ok(file) = std::fs::File::open(entry.path()) else {
            continue;
        };
        if file.try_lock().is_ok() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
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
pub(crate) fn update<T, E: From<std::io::Error>>(
    path: &Path,
    lock: &Path,
    change: impl FnOnce(Option<Vec<u8>>) -> Result<(Option<Vec<u8>>, T), E>,
) -> Result<T, E> {
    locked(lock, || {
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
    })
}

/// Run `f` under an exclusive lock on `lock` (created if missing, never replaced), for a change
/// that spans more than one file; processes that lock the same file take turns.
pub(crate) fn locked<T, E: From<std::io::Error>>(
    lock: &Path,
    f: impl FnOnce() -> Result<T, E>,
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
    let result = f();
    // Closing the file releases the lock too; unlocking first just makes it prompt.
    let _ = guard.file().unlock();
    result
}

/// Append one record to a log under an exclusive lock, in a single write, so concurrent writers
/// never interleave or lose lines. A write that fails part-way (a full disk) is rolled back, so no
/// torn line is left to swallow the next record.
pub(crate) fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    // Not O_APPEND: every writer holds the lock, and the rollback needs to truncate.
    let mut file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    file.file().lock()?;
    let result = append_locked(&mut file, line);
    let _ = file.file().unlock();
    result
}

fn append_locked(file: &mut fs::File, line: &str) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    let mut buf = String::with_capacity(line.len() + 2);
    if len > 0 {
        // A line an older version or a crash left unfinished must not swallow this one.
        let mut last = [0u8];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            buf.push('\n');
        }
    }
    buf.push_str(line.trim_end_matches('\n'));
    buf.push('\n');
    file.seek(SeekFrom::Start(len))?;
    let result = file
        .write_all(buf.as_bytes())
        .and_then(|()| file.sync_data());
    if result.is_err() {
        let _ = file.set_len(len);
    }
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

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        for (file, want) in [
            (".doc.md.123-0.tmp", true),
            (".doc.md.1-99.tmp", true),
            (".doc.md.123.tmp", false),
            (".doc.md.a-0.tmp", false),
            (".doc.md.123-0.tmp.bak", false),
            (".other.md.123-0.tmp", false),
            ("doc.md.123-0.tmp", false),
            (".doc.md.-0.tmp", false),
        ] {
            assert_eq!(is_temp_of(file, "doc.md"), want, "{file}");
        }
    }

    #[test]
    fn the_next_write_sweeps_temps_stranded_by_a_killed_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        let put = |name: &str| std::fs::File::create(dir.path().join(name)).unwrap();
        // Stranded: nobody holds their lock.
        put(".doc.md.4000001-0.tmp");
        put(".doc.md.4000002-7.tmp");
        // A live writer's: locked.
        let live = put(".doc.md.4000003-0.tmp");
        live.lock().unwrap();
        // Not ours, or another target's.
        put(".doc.md.4000004.tmp");
        put(".notes.md.4000005-0.tmp");
        // Our own state's saves leave the folder to pruning; the user's files are swept.
        write(&path, b"state", Durability::Fast).unwrap();
        assert_eq!(names_in(dir.path()).len(), 6);
        write(&path, b"new", Durability::Synced).unwrap();
        assert_eq!(
            names_in(dir.path()),
            [
                ".doc.md.4000003-0.tmp",
                ".doc.md.4000004.tmp",
                ".notes.md.4000005-0.tmp",
                "doc.md"
            ]
        );
        drop(live);
        write(&path, b"newer", Durability::Synced).unwrap();
        assert!(!names_in(dir.path()).contains(&".doc.md.4000003-0.tmp".to_string()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "newer");
    }

    #[test]
    fn concurrent_writers_never_sweep_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        std::thread::scope(|s| {
            for t in 0..4 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..50 {
                        write(path, format!("{t}-{i}").as_bytes(), Durability::Fast).unwrap();
                    }
                });
            }
        });
        assert_eq!(names_in(dir.path()), ["doc.md"]);
    }

    #[test]
    fn a_temp_name_in_use_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        let next = TMP_SEQ.load(Ordering::Relaxed);
        let held: Vec<std::fs::File> = (next..next + 5)
            .map(|seq| {
                let f = std::fs::File::create(dir.path().join(temp_name("doc.md", seq))).unwrap();
                f.lock().unwrap();
                f
            })
            .collect();
        write(&path, b"x", Durability::Fast).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "x");
        assert_eq!(names_in(dir.path()).len(), 6);
        drop(held);
    }

    #[test]
    fn create_new_never_replaces_and_one_racer_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pm.md");
        assert!(create_new(&path, b"first").unwrap());
        assert!(!create_new(&path, b"second").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(names_in(dir.path()), ["pm.md"]);

        let raced = dir.path().join("raced.md");
        let wins: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let raced = &raced;
                    s.spawn(move || create_new(raced, format!("{t}").as_bytes()).unwrap())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(wins, 1);
        assert_eq!(names_in(dir.path()), ["pm.md", "raced.md"]);
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
    fn append_line_starts_after_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(b"whole\n{\"torn").unwrap();
        drop(file);
        append_line(&path, "next").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "whole\n{\"torn\nnext\n"
        );
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
