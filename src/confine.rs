//! Files from outside our control, kept in bounds. A cloned repository is untrusted input: every
//! file its config or tree names is resolved, symlinks included, and must lie inside the project
//! and outside `.git/`, or it is refused, never read nor written. And only regular files are
//! opened, so a FIFO never blocks a hook and a device never streams into memory.
use std::fs::Metadata;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Which of the project's files a refusal is about, for saying what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// The handoff (`"path"`, or the default).
    Handoff,
    /// A task's memory file (`"task_path"`).
    Task,
    /// `.claude/handoff.json`.
    Config,
    /// The postmortems folder.
    Postmortems,
    /// CLAUDE.md.
    ClaudeMd,
    /// `.claude/settings.json` or `.claude/settings.local.json`.
    Settings,
    /// A file of the fleet settings: `session`, `queue` or `waves`.
    Fleet,
}

impl Named {
    /// What to do about a refusal.
    fn fix(self) -> &'static str {
        match self {
            Named::Handoff => {
                "point \"path\" in .claude/handoff.json at a file inside the project, or pass \
                 --file FILE (or set HANDOFF_FILE) to use one elsewhere"
            }
            Named::Task => {
                "point \"task_path\" in .claude/handoff.json at a file inside the project"
            }
            Named::Config => "using the defaults; make it a regular file inside the project",
            Named::Postmortems => "postmortems are left out; make it a folder inside the project",
            Named::Settings => {
                "make it a regular file inside the project, or install in another scope \
                 (--scope user)"
            }
            Named::Fleet => {
                "point \"session\", \"queue\" and \"waves\" in .claude/handoff.json at files \
                 inside the project"
            }
            Named::ClaudeMd => {
                "make it a regular file inside the project, or leave it alone with --no-claude-md \
                 (--keep-claude-md for uninstall)"
            }
        }
    }
}

/// Why a path the project names is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Why {
    /// It resolves, symlinks followed, to this path outside the project.
    Outside(PathBuf),
    /// It resolves into a `.git` folder.
    InGit,
    /// It is this kind of thing, not a regular file.
    NotAFile(&'static str),
    /// It is this kind of thing, not a folder.
    NotAFolder(&'static str),
    /// A symlink on the way leads nowhere (or in a loop), so where it ends can't be checked.
    Dangling,
    /// It climbs out (`..`) of a folder that does not exist.
    UpFromMissing,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Outside(p) => write!(f, "resolves to {}, outside the project", p.display()),
            Why::InGit => write!(f, "is inside .git"),
            Why::NotAFile(kind) => write!(f, "is a {kind}, not a regular file"),
            Why::NotAFolder(kind) => write!(f, "is a {kind}, not a folder"),
            Why::Dangling => write!(f, "goes through a symlink that leads nowhere"),
            Why::UpFromMissing => write!(f, "climbs out (..) of a folder that does not exist"),
        }
    }
}

/// A file the project names that `handoff` will not read or write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{named} {why}: not read or written; {}", .what.fix())]
pub(crate) struct Refused {
    /// The path as the project names it.
    pub named: String,
    pub why: Why,
    pub what: Named,
}

/// Resolve `named` (relative to `root`) the way opening it would, symlinks included, and check it
/// lies inside `root` and outside any `.git`. The path returned is under `root` as given, with the
/// links inside the project resolved: a write then replaces the file a link leads to, never the
/// link. Nothing is opened.
pub(crate) fn resolve(root: &Path, named: &Path) -> Result<PathBuf, Why> {
    let Ok(real_root) = std::fs::canonicalize(root) else {
        // No project folder: nothing under it exists, so only the words can leave it.
        let up = named
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        return if up {
            Err(Why::Outside(root.join(named)))
        } else {
            Ok(root.join(named))
        };
    };
    let full = root.join(named);
    let parts: Vec<Component<'_>> = full.components().collect();
    // The longest part of the path that exists (a dangling link counts: it is there).
    let mut n = parts.len();
    while n > 0 && std::fs::symlink_metadata(parts[..n].iter().collect::<PathBuf>()).is_err() {
        n -= 1;
    }
    let mut resolved =
        std::fs::canonicalize(parts[..n].iter().collect::<PathBuf>()).map_err(|_| Why::Dangling)?;
    for part in &parts[n..] {
        match part {
            Component::Normal(name) => resolved.push(name),
            _ => return Err(Why::UpFromMissing),
        }
    }
    let Ok(rel) = resolved.strip_prefix(&real_root) else {
        return Err(Why::Outside(resolved));
    };
    if rel
        .components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"))
    {
        return Err(Why::InGit);
    }
    Ok(root.join(rel))
}

/// [`resolve`] for a file: it must also be a regular file, or not exist yet.
pub(crate) fn file(root: &Path, named: &Path, what: Named) -> Result<PathBuf, Refused> {
    resolve_as(root, named, what, std::fs::Metadata::is_file, Why::NotAFile)
}

/// [`resolve`] for a folder: it must also be a folder, or not exist yet.
pub(crate) fn folder(root: &Path, named: &Path, what: Named) -> Result<PathBuf, Refused> {
    resolve_as(
        root,
        named,
        what,
        std::fs::Metadata::is_dir,
        Why::NotAFolder,
    )
}

/// [`resolve`], then what is there (if anything) must pass `is_wanted`.
fn resolve_as(
    root: &Path,
    named: &Path,
    what: Named,
    is_wanted: fn(&std::fs::Metadata) -> bool,
    not_wanted: fn(&'static str) -> Why,
) -> Result<PathBuf, Refused> {
    let refused = |why| Refused {
        named: shown(named),
        why,
        what,
    };
    let path = resolve(root, named).map_err(refused)?;
    match std::fs::metadata(&path) {
        Ok(meta) if !is_wanted(&meta) => Err(refused(not_wanted(kind(&meta)))),
        _ => Ok(path),
    }
}

/// A file the user named themselves (on the command line, in their environment): it may be
/// anywhere, but must be a regular file or not exist yet. Links are resolved, so writes go to
/// the file they lead to.
pub(crate) fn users_file(path: &Path) -> Result<PathBuf, Refused> {
    let refused = |why| Refused {
        named: path.display().to_string(),
        why,
        what: Named::Handoff,
    };
    let resolved = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) if std::fs::symlink_metadata(path).is_ok() => return Err(refused(Why::Dangling)),
        Err(_) => path.to_path_buf(),
    };
    match std::fs::metadata(&resolved) {
        Ok(meta) if !meta.is_file() => Err(refused(Why::NotAFile(kind(&meta)))),
        _ => Ok(resolved),
    }
}

/// A named path as people read it: `/` between the parts of a relative one.
fn shown(named: &Path) -> String {
    if named.is_absolute() {
        named.display().to_string()
    } else {
        crate::project::display_relative(Path::new(""), named)
    }
}

/// What kind of thing `meta` describes, in a word, for a message.
pub(crate) fn kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_file() {
        return "file";
    }
    if t.is_dir() {
        return "folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
    }
    "special file"
}

/// An error saying `path` is a `kind`, not a regular file.
fn not_a_file(path: &Path, kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a {kind}, not a regular file; not read",
            path.display()
        ),
    )
}

/// Open `path` for reading if it is a regular file (symlinks followed). Its type is checked
/// before opening, as opening a FIFO waits for a writer, and again on the open file.
pub(crate) fn open_regular(path: &Path) -> io::Result<fs_err::File> {
    let meta = fs_err::metadata(path)?;
    if !meta.is_file() {
        return Err(not_a_file(path, kind(&meta)));
    }
    let file = fs_err::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_a_file(path, kind(&meta)));
    }
    Ok(file)
}

/// The largest handoff read: far past any budget, small enough that a runaway file can't stall a
/// hook (the model is shown at most 10,000 UTF-16 units of it anyway).
pub(crate) const MAX_HANDOFF_BYTES: u64 = 16 * 1024 * 1024;

/// Read a regular file whole, at most `limit` bytes; a longer one is an error.
pub(crate) fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use io::Read;
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is larger than {limit} bytes; not read", path.display()),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs_atomic::{write, Durability};

    /// A project folder with a file, a folder, a `.git` and a file outside it.
    fn world() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        let outside = dir.path().join("outside/secret");
        write(&root.join("docs/H.md"), b"h", Durability::Fast).unwrap();
        write(&root.join(".git/config"), b"[core]", Durability::Fast).unwrap();
        write(&outside, b"key", Durability::Fast).unwrap();
        (dir, root, outside)
    }

    #[cfg(unix)]
    fn link(target: &Path, at: &Path) {
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, at).unwrap();
    }

    #[test]
    fn paths_inside_the_project_are_kept() {
        let (_dir, root, _) = world();
        for named in [
            "docs/H.md",
            "docs/new.md",
            "new/folder/file.md",
            "./docs/../docs/H.md",
        ] {
            let got = resolve(&root, Path::new(named)).unwrap();
            assert!(got.starts_with(&root), "{named}: {}", got.display());
        }
        assert_eq!(
            resolve(&root, Path::new("docs/H.md")).unwrap(),
            root.join("docs/H.md")
        );
    }

    #[test]
    fn paths_that_leave_the_project_or_enter_git_are_refused() {
        let (_dir, root, outside) = world();
        let real_outside = std::fs::canonicalize(&outside).unwrap();
        assert_eq!(
            resolve(&root, Path::new("../outside/secret")),
            Err(Why::Outside(real_outside.clone()))
        );
        assert!(matches!(
            resolve(&root, Path::new("../../../../../../etc/passwd")),
            Err(Why::Outside(_))
        ));
        assert_eq!(resolve(&root, &outside), Err(Why::Outside(real_outside)));
        assert!(matches!(
            resolve(&root, Path::new("../new.md")),
            Err(Why::Outside(_))
        ));
        assert_eq!(resolve(&root, Path::new(".git/config")), Err(Why::InGit));
        assert_eq!(resolve(&root, Path::new("sub/.git/HEAD")), Err(Why::InGit));
        assert_eq!(
            resolve(&root, Path::new("missing/../../x")),
            Err(Why::UpFromMissing)
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_checked() {
        let (_dir, root, outside) = world();
        link(&outside, &root.join("docs/key.md"));
        link(outside.parent().unwrap(), &root.join("linked"));
        link(Path::new("../.git/config"), &root.join("docs/git.md"));
        link(Path::new("H.md"), &root.join("docs/alias.md"));
        link(Path::new("/nonexistent/x"), &root.join("docs/dangling.md"));
        assert!(matches!(
            resolve(&root, Path::new("docs/key.md")),
            Err(Why::Outside(_))
        ));
        assert!(matches!(
            resolve(&root, Path::new("linked/secret")),
            Err(Why::Outside(_))
        ));
        assert!(matches!(
            resolve(&root, Path::new("linked/new.md")),
            Err(Why::Outside(_))
        ));
        assert_eq!(resolve(&root, Path::new("docs/git.md")), Err(Why::InGit));
        assert_eq!(
            resolve(&root, Path::new("docs/dangling.md")),
            Err(Why::Dangling)
        );
        // A link inside the project leads to its target, so writes go there.
        assert_eq!(
            resolve(&root, Path::new("docs/alias.md")).unwrap(),
            root.join("docs/H.md")
        );
        // The root may be reached through a link: the answer stays under the root as given.
        let via = root.parent().unwrap().join("via");
        link(&root, &via);
        assert_eq!(
            resolve(&via, Path::new("docs/alias.md")).unwrap(),
            via.join("docs/H.md")
        );
    }

    #[test]
    fn files_and_folders_must_be_what_they_are_named_as() {
        let (_dir, root, _) = world();
        let e = file(&root, Path::new("docs"), Named::Handoff).unwrap_err();
        assert_eq!(e.why, Why::NotAFile("folder"));
        assert!(e.to_string().starts_with(
            "docs is a folder, not a regular file: not read or written; point \"path\""
        ));
        let e = folder(&root, Path::new("docs/H.md"), Named::Postmortems).unwrap_err();
        assert_eq!(e.why, Why::NotAFolder("file"));
        assert!(folder(&root, Path::new("docs"), Named::Postmortems).is_ok());
        assert!(folder(&root, Path::new("docs/postmortems"), Named::Postmortems).is_ok());
    }

    #[test]
    fn a_missing_project_is_judged_by_its_words() {
        let root = Path::new("/nonexistent/project");
        assert_eq!(
            resolve(root, Path::new("docs/H.md")).unwrap(),
            root.join("docs/H.md")
        );
        assert!(matches!(
            resolve(root, Path::new("../x")),
            Err(Why::Outside(_))
        ));
        assert!(matches!(
            resolve(root, Path::new("/etc/passwd")),
            Err(Why::Outside(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_users_own_file_may_be_anywhere_but_must_be_a_file() {
        let (_dir, root, outside) = world();
        link(&outside, &root.join("mine.md"));
        assert_eq!(
            users_file(&root.join("mine.md")).unwrap(),
            std::fs::canonicalize(&outside).unwrap()
        );
        assert_eq!(
            users_file(&root.join("new.md")).unwrap(),
            root.join("new.md")
        );
        let e = users_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.why, Why::NotAFile("device"));
    }

    #[test]
    fn regular_files_open_and_folders_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        crate::fs_atomic::write(&file, b"hello", crate::fs_atomic::Durability::Fast).unwrap();
        assert!(open_regular(&file).is_ok());
        assert_eq!(read_regular(&file, 5).unwrap(), b"hello");
        let e = read_regular(&file, 4).unwrap_err();
        assert!(e.to_string().contains("larger than 4 bytes"), "{e}");
        let e = open_regular(dir.path()).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a folder, not a regular file; not read"),
            "{e}"
        );
        assert_eq!(
            open_regular(&dir.path().join("missing"))
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo not available");
            return;
        }
        let e = open_regular(&fifo).unwrap_err();
        assert!(
            e.to_string().contains("is a FIFO, not a regular file"),
            "{e}"
        );
        let e = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("is a device"), "{e}");
    }
}
