//! One path's place in git's index (`.git/index`), read by hand: whether it is tracked, and which
//! root tree the index matches when its cache-tree says so. Formats 2, 3 and 4 are read; a split
//! index that doesn't hold the path, or anything unexpected, is "can't tell" and left to git.
use std::path::Path;
use std::time::SystemTime;

/// What the index says of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// The path has an entry (at any stage), or lies in a sparse directory entry; an
    /// intent-to-add entry (`git add -N`) holds nothing and doesn't count.
    pub tracked: bool,
    /// The root tree the whole index equals, from a valid cache-tree (written by commit,
    /// checkout, reset and merge). When it is HEAD's tree, a tracked path is in HEAD.
    pub tree: Option<String>,
    /// The path's own entry (stage 0), when it has one.
    pub entry: Option<Entry>,
}

/// An index entry: what git staged for a path, and the file's state when it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The staged blob.
    pub oid: String,
    /// The file's modification time then, seconds and nanoseconds.
    pub mtime: (u32, u32),
    /// The file's size then (truncated to 32 bits, as git keeps it).
    pub size: u32,
    /// Marked assume-unchanged or skip-worktree: git does not look at the file.
    pub unchanged: bool,
}

impl Entry {
    /// Whether the file still has the stat data git recorded, so git would take it as the
    /// staged blob without reading it. A file written in the second the index was (racy git)
    /// doesn't count: git reads it too.
    pub(crate) fn matches(
        &self,
        file: &std::fs::Metadata,
        index_written: Option<SystemTime>,
    ) -> bool {
        let Ok(modified) = file.modified() else {
            return false;
        };
        let Ok(since) = modified.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let racy = index_written.is_none_or(|written| modified >= written);
        !racy
            && self.size == file.len() as u32
            && self.mtime == (since.as_secs() as u32, since.subsec_nanos())
    }
}

/// Look `rel` (relative to the work tree's top, `/`-separated) up in `git_dir`'s index, whose
/// object ids are `hash_len` bytes. `None` when only git can tell.
pub(crate) fn lookup(git_dir: &Path, rel: &str, hash_len: usize) -> Option<Lookup> {
    match std::fs::read(git_dir.join("index")) {
        Ok(bytes) => parse(&bytes, rel.as_bytes(), hash_len),
        // No index yet: nothing is staged or tracked.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Lookup {
            tracked: false,
            tree: None,
            entry: None,
        }),
        Err(_) => None,
    }
}

/// When the index was last written, for [`Entry::matches`].
pub(crate) fn written(git_dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(git_dir.join("index"))
        .ok()?
        .modified()
        .ok()
}

const MODE_SPARSE_DIR: u32 = 0o040_000;
const FLAG_ASSUME_VALID: u16 = 0x8000;
const FLAG_EXTENDED: u16 = 0x4000;
const FLAG_STAGE: u16 = 0x3000;
const FLAG_SKIP_WORKTREE: u16 = 0x4000;
const FLAG_INTENT_TO_ADD: u16 = 0x2000;
/// Bytes of an entry before its object id: ctime, mtime, dev, ino, mode, uid, gid, size.
const STAT_LEN: usize = 40;

fn parse(b: &[u8], rel: &[u8], hash_len: usize) -> Option<Lookup> {
    if b.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(b, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(b, 8)?;
    let mut at = 12;
    let mut tracked = false;
    let mut entry = None;
    // Format 4 gives each path as a part of the previous one plus a suffix.
    let mut name: Vec<u8> = Vec::new();
    for _ in 0..count {
        let mode = be32(b, at + 24)?;
        let flags = be16(b, at + STAT_LEN + hash_len)?;
        let mut name_at = at + STAT_LEN + hash_len + 2;
        let (mut intent_to_add, mut skip_worktree) = (false, false);
        if flags & FLAG_EXTENDED != 0 {
            let extended = be16(b, name_at)?;
            intent_to_add = extended & FLAG_INTENT_TO_ADD != 0;
            skip_worktree = extended & FLAG_SKIP_WORKTREE != 0;
            name_at += 2;
        }
        let start = at;
        if version == 4 {
            let (strip, used) = varint(b.get(name_at..)?)?;
            let suffix_at = name_at + used;
            let len = memchr::memchr(0, b.get(suffix_at..)?)?;
            name.truncate(name.len().checked_sub(strip)?);
            name.extend_from_slice(&b[suffix_at..suffix_at + len]);
            at = suffix_at + len + 1;
        } else {
            let len = memchr::memchr(0, b.get(name_at..)?)?;
            name.clear();
            name.extend_from_slice(&b[name_at..name_at + len]);
            // Padded with 1 to 8 NULs to a multiple of 8 bytes.
            at += (name_at - at + len + 8) & !7;
        }
        let holds = name == rel
            || (mode == MODE_SPARSE_DIR && name.ends_with(b"/") && rel.starts_with(&name));
        tracked |= holds && !intent_to_add;
        if name == rel && !intent_to_add && flags & FLAG_STAGE == 0 {
            let oid = b.get(start + STAT_LEN..start + STAT_LEN + hash_len)?;
            entry = Some(Entry {
                oid: hex(oid),
                mtime: (be32(b, start + 8)?, be32(b, start + 12)?),
                size: be32(b, start + 36)?,
                unchanged: flags & FLAG_ASSUME_VALID != 0 || skip_worktree,
            });
        }
    }
    let mut tree = None;
    let mut split = false;
    let end = b.len().checked_sub(hash_len)?;
    while at + 8 <= end {
        let size = be32(b, at + 4)? as usize;
        let data = b.get(at + 8..at + 8 + size)?;
        match &b[at..at + 4] {
            b"TREE" => tree = root_tree(data, hash_len),
            // The entries above are only what changed since a shared index.
            b"link" => split = true,
            _ => {}
        }
        at += 8 + size;
    }
    if split && !tracked {
        return None;
    }
    Some(Lookup {
        tracked,
        tree,
        entry,
    })
}

/// The root's tree id from a cache-tree extension, if the root is valid: its first record is
/// `"" NUL <entries> SP <subtrees> LF <id>`, with entries -1 (and no id) once invalidated.
fn root_tree(data: &[u8], hash_len: usize) -> Option<String> {
    let rest = data.strip_prefix(b"\0")?;
    let newline = memchr::memchr(b'\n', rest)?;
    let counts = std::str::from_utf8(&rest[..newline]).ok()?;
    let entries: i64 = counts.split(' ').next()?.parse().ok()?;
    if entries < 0 {
        return None;
    }
    let oid = rest.get(newline + 1..newline + 1 + hash_len)?;
    Some(hex(oid))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut hex, byte| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// Format 4's prefix length: git's offset varint (7 bits a byte, high bit "more", plus one per
/// continuation). The value and the bytes it took.
fn varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut value = usize::from(*b.first()? & 0x7f);
    let mut used = 1;
    while b[used - 1] & 0x80 != 0 {
        let byte = *b.get(used)?;
        value = value.checked_add(1)?.checked_mul(128)? | usize::from(byte & 0x7f);
        used += 1;
    }
    Some((value, used))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs_atomic::{self, Durability};
    use std::process::Command;

    fn put(path: &Path, text: &str) {
        put_bytes(path, text.as_bytes());
    }

    fn put_bytes(path: &Path, bytes: &[u8]) {
        fs_atomic::write(path, bytes, Durability::Fast).unwrap();
    }

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@e"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// A committed repository with `docs/H.md` among other files, made with `init`'s options.
    fn repo(init: &[&str]) -> Option<tempfile::TempDir> {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("skipped: git not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &[&["init", "-q"], init].concat());
        for path in [
            "a.rs",
            "docs/A.md",
            "docs/H.md",
            "docs/Hz.md",
            "zz/long-name-of-a-file.rs",
        ] {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            put(&file, path);
        }
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", "one"]);
        Some(dir)
    }

    fn look(root: &Path, rel: &str) -> Option<Lookup> {
        let len = git(root, &["rev-parse", "HEAD"]).len() / 2;
        lookup(&root.join(".git"), rel, len)
    }

    fn head_tree(root: &Path) -> Option<String> {
        Some(git(root, &["rev-parse", "HEAD^{tree}"])).filter(|t| !t.is_empty())
    }

    #[test]
    fn a_committed_path_is_tracked_and_the_index_matches_head() {
        for init in [&[][..], &["--object-format=sha256"]] {
            let Some(dir) = repo(init) else { return };
            let root = dir.path();
            for rel in ["docs/H.md", "a.rs", "zz/long-name-of-a-file.rs"] {
                let got = look(root, rel).unwrap();
                assert_eq!(
                    (got.tracked, got.tree),
                    (true, head_tree(root)),
                    "{rel} {init:?}"
                );
            }
            assert!(!look(root, "docs/H").unwrap().tracked);
            assert!(!look(root, "docs/nope.md").unwrap().tracked);
        }
    }

    #[test]
    fn the_entry_holds_the_staged_blob_and_the_files_stat() {
        let Some(dir) = repo(&[]) else { return };
        let root = dir.path();
        let rel = "docs/H.md";
        let entry = look(root, rel).unwrap().entry.unwrap();
        assert_eq!(entry.oid, git(root, &["rev-parse", "HEAD:docs/H.md"]));
        assert!(!entry.unchanged);
        let file = std::fs::metadata(root.join(rel)).unwrap();
        // git writes the index after the files, so they aren't racy once a second has passed.
        let later = SystemTime::now() + std::time::Duration::from_secs(2);
        assert!(entry.matches(&file, Some(later)));
        assert!(!entry.matches(&file, Some(SystemTime::UNIX_EPOCH)), "racy");
        put(&root.join(rel), "a different length");
        let edited = std::fs::metadata(root.join(rel)).unwrap();
        assert!(!entry.matches(&edited, Some(later + std::time::Duration::from_secs(60))));
        git(root, &["update-index", "--assume-unchanged", rel]);
        assert!(look(root, rel).unwrap().entry.unwrap().unchanged);
    }

    #[test]
    fn every_index_format_reads_alike() {
        let Some(dir) = repo(&[]) else { return };
        let root = dir.path();
        for version in ["2", "3", "4"] {
            git(root, &["update-index", "--index-version", version]);
            for rel in ["docs/H.md", "docs/Hz.md", "zz/long-name-of-a-file.rs"] {
                assert!(
                    look(root, rel).unwrap().tracked,
                    "{rel} in format {version}"
                );
            }
            assert!(
                !look(root, "docs/B.md").unwrap().tracked,
                "format {version}"
            );
        }
    }

    #[test]
    fn staging_a_new_file_leaves_the_tree_unknown() {
        let Some(dir) = repo(&[]) else { return };
        let root = dir.path();
        put(&root.join("docs/New.md"), "new");
        // Intent to add: an entry that holds nothing yet (and makes the index format 3).
        git(root, &["add", "-N", "docs/New.md"]);
        assert!(!look(root, "docs/New.md").unwrap().tracked);
        git(root, &["add", "docs/New.md"]);
        let got = look(root, "docs/New.md").unwrap();
        // Tracked, but not in HEAD: the cache-tree no longer vouches for the root.
        assert!(got.tracked);
        assert_ne!(got.tree, head_tree(root));
    }

    #[test]
    fn a_split_index_never_reads_as_untracked() {
        let Some(dir) = repo(&[]) else { return };
        let root = dir.path();
        git(root, &["update-index", "--split-index"]);
        put(&root.join("docs/H.md"), "changed");
        git(root, &["add", "docs/H.md"]);
        // The entries may sit in the shared index, which isn't read: then only git can tell.
        for rel in ["docs/H.md", "a.rs"] {
            let got = look(root, rel);
            assert!(got.as_ref().is_none_or(|l| l.tracked), "{rel}: {got:?}");
        }
        assert_eq!(look(root, "docs/nope.md"), None);
    }

    #[test]
    fn no_index_is_nothing_tracked_and_garbage_is_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let none = Lookup {
            tracked: false,
            tree: None,
            entry: None,
        };
        assert_eq!(lookup(dir.path(), "a", 20), Some(none));
        for bytes in [
            &b"DIRC"[..],
            b"DIRC\0\0\0\x05\0\0\0\0",
            b"not an index at all",
        ] {
            put_bytes(&dir.path().join("index"), bytes);
            assert_eq!(lookup(dir.path(), "a", 20), None, "{bytes:?}");
        }
        // An entry cut short.
        let mut cut = b"DIRC\0\0\0\x02\0\0\0\x01".to_vec();
        cut.extend([0; 30]);
        put_bytes(&dir.path().join("index"), &cut);
        assert_eq!(lookup(dir.path(), "a", 20), None);
    }

    #[test]
    fn varints_are_gits_offsets() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0x81, 0x01]), Some((257, 2)));
        assert_eq!(varint(&[0x80]), None);
        assert_eq!(varint(&[0xff; 40]), None, "too long for a length");
    }
}
