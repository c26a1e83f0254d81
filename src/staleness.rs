//! How far the code has moved on since the handoff was last updated, from git.
//!
//! HEAD is read straight from `.git` (no process); `git` runs only when HEAD or the handoff changed
//! since the last look, and the answer is cached in the project's state folder.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::fs_atomic::{self, Durability};

/// Commits walked at most; beyond that the count is shown as "N+".
pub const WALK_LIMIT: usize = 500;
/// Changed paths named in the header.
pub const TOP_PATHS: usize = 3;

/// Git's view of the handoff's age.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Staleness {
    /// The checked-out branch; `None` when HEAD is detached.
    pub branch: Option<String>,
    /// Commits on HEAD since the handoff was last committed or modified.
    pub commits_since: usize,
    /// Whether the walk stopped at [`WALK_LIMIT`] before finding the update.
    pub more: bool,
    /// The paths those commits changed most, with how many commits touched each.
    pub top_paths: Vec<(String, usize)>,
}

/// A repository found above the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The work tree's top folder.
    pub top: PathBuf,
    /// The `.git` folder (for a linked worktree, its private one).
    pub git_dir: PathBuf,
    /// Where shared refs live (differs from `git_dir` in linked worktrees).
    pub common_dir: PathBuf,
}

impl Repo {
    /// Find the repository containing `start`, without running git.
    pub fn find(start: &Path) -> Option<Self> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let dot_git = d.join(".git");
            if dot_git.is_dir() {
                return Some(Self::with_git_dir(d.to_path_buf(), dot_git));
            }
            if dot_git.is_file() {
                // A linked worktree or submodule: ".git" holds "gitdir: <path>".
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let target = text.trim().strip_prefix("gitdir:")?.trim();
                let git_dir = d.join(target);
                return Some(Self::with_git_dir(d.to_path_buf(), git_dir));
            }
            dir = d.parent();
        }
        None
    }

    fn with_git_dir(top: PathBuf, git_dir: PathBuf) -> Self {
        let common_dir = std::fs::read_to_string(git_dir.join("commondir"))
            .map_or_else(|_| git_dir.clone(), |c| git_dir.join(c.trim()));
        Self {
            top,
            git_dir,
            common_dir,
        }
    }

    /// The branch name (if any) and the commit HEAD points at (if any), read from files.
    pub fn head(&self) -> (Option<String>, Option<String>) {
        let Ok(head) = std::fs::read_to_string(self.git_dir.join("HEAD")) else {
            return (None, None);
        };
        let head = head.trim();
        match head.strip_prefix("ref:") {
            Some(reference) => {
                let reference = reference.trim();
                let branch = reference
                    .strip_prefix("refs/heads/")
                    .unwrap_or(reference)
                    .to_string();
                (Some(branch), self.resolve(reference))
            }
            None => (None, Some(head.to_string())),
        }
    }

    fn resolve(&self, reference: &str) -> Option<String> {
        for dir in [&self.git_dir, &self.common_dir] {
            if let Ok(oid) = std::fs::read_to_string(dir.join(reference)) {
                return Some(oid.trim().to_string());
            }
        }
        let packed = std::fs::read_to_string(self.common_dir.join("packed-refs")).ok()?;
        packed.lines().find_map(|line| {
            let (oid, name) = line.split_once(' ')?;
            (name == reference).then(|| oid.to_string())
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    key: String,
    value: Staleness,
}

/// Staleness of `handoff` (absolute), using and refreshing the cache at `cache`.
/// `Ok(None)` when the project isn't in a git repository.
pub fn check(root: &Path, handoff: &Path, cache: &Path) -> Result<Option<Staleness>, String> {
    let Some(repo) = Repo::find(root) else {
        return Ok(None);
    };
    let (branch, oid) = repo.head();
    let Some(oid) = oid else {
        // An unborn branch: nothing committed yet.
        return Ok(Some(Staleness {
            branch,
            ..Staleness::default()
        }));
    };
    let rel = crate::project::display_relative(&repo.top, handoff);
    let mtime = std::fs::metadata(handoff)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
    let key = format!("{oid} {} {rel}", mtime.map_or(0, |d| d.as_nanos()));
    if let Some(hit) = std::fs::read(cache)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
        .filter(|c| c.key == key)
    {
        return Ok(Some(hit.value));
    }
    let mut value = from_git(&repo.top, &rel, mtime.map(|d| d.as_secs()))?;
    value.branch = branch;
    let cached = Cached { key, value };
    if let Ok(json) = serde_json::to_vec(&cached) {
        // A cache that can't be written only costs speed next time.
        let _ = fs_atomic::write(cache, &json, Durability::Fast);
    }
    Ok(Some(cached.value))
}

/// Ask git: is the handoff modified in the work tree, and what do recent commits touch?
fn from_git(top: &Path, rel: &str, mtime_secs: Option<u64>) -> Result<Staleness, String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(top)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    let not_found = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "git is not installed or not on PATH; staleness left out".to_string()
        } else {
            format!("could not run git: {e}; staleness left out")
        }
    };
    // Both run at once: this is the slow path of a hook.
    let status = git(&["status", "--porcelain=v1", "--", rel]).map_err(not_found)?;
    let limit = format!("-n{WALK_LIMIT}");
    let log = git(&[
        "log",
        &limit,
        "--no-renames",
        "--format=%x1e%H %ct",
        "--name-only",
        "HEAD",
    ])
    .map_err(not_found)?;
    let status = status.wait_with_output().map_err(|e| e.to_string())?;
    let log = log.wait_with_output().map_err(|e| e.to_string())?;
    if !log.status.success() {
        let err = String::from_utf8_lossy(&log.stderr);
        let first = err.lines().next().unwrap_or("").trim();
        return Err(format!("git log failed: {first}; staleness left out"));
    }
    let dirty = !status.stdout.is_empty();
    let log = String::from_utf8_lossy(&log.stdout);
    Ok(walk(
        &parse_log(&log),
        rel,
        dirty.then_some(mtime_secs).flatten(),
    ))
}

/// A commit from `git log`: time and changed paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Committer time, seconds since the epoch.
    pub time: u64,
    /// Paths the commit changed, relative to the work tree's top.
    pub paths: Vec<String>,
}

/// Parse `git log --format=%x1e%H %ct --name-only`.
pub fn parse_log(text: &str) -> Vec<LogEntry> {
    text.split('\x1e')
        .filter_map(|record| {
            let mut lines = record.lines();
            let header = lines.next()?;
            let time = header.split_whitespace().nth(1)?.parse().ok()?;
            let paths = lines
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            Some(LogEntry { time, paths })
        })
        .collect()
}

/// Count commits, newest first, until one that committed the handoff, or — when the handoff has
/// uncommitted changes made at `modified_at` — one older than that.
pub fn walk(log: &[LogEntry], rel: &str, modified_at: Option<u64>) -> Staleness {
    let mut count = 0;
    let mut found = false;
    let mut touched: Vec<(String, usize)> = Vec::new();
    for entry in log {
        let committed_here = entry.paths.iter().any(|p| p == rel);
        let before_edit = modified_at.is_some_and(|m| entry.time <= m);
        if committed_here || before_edit {
            found = true;
            break;
        }
        count += 1;
        for path in &entry.paths {
            match touched.iter_mut().find(|(p, _)| p == path) {
                Some((_, n)) => *n += 1,
                None => touched.push((path.clone(), 1)),
            }
        }
    }
    touched.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    touched.truncate(TOP_PATHS);
    Staleness {
        branch: None,
        commits_since: count,
        more: !found && log.len() >= WALK_LIMIT,
        top_paths: touched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(time: u64, paths: &[&str]) -> LogEntry {
        LogEntry {
            time,
            paths: paths.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn parses_git_log_output() {
        let text = "\x1eaaa 300\n\nsrc/a.rs\nREADME.md\n\x1ebbb 200\n\n\x1eccc 100\n\ndocs/H.md\n";
        assert_eq!(
            parse_log(text),
            [
                entry(300, &["src/a.rs", "README.md"]),
                entry(200, &[]),
                entry(100, &["docs/H.md"])
            ]
        );
    }

    #[test]
    fn counts_commits_since_the_handoff_was_committed() {
        let log = [
            entry(500, &["src/a.rs"]),
            entry(400, &["src/a.rs", "src/b.rs"]),
            entry(300, &["c.rs"]),
            entry(200, &["docs/H.md", "src/a.rs"]),
            entry(100, &["src/z.rs"]),
        ];
        let s = walk(&log, "docs/H.md", None);
        assert_eq!(s.commits_since, 3);
        assert!(!s.more);
        assert_eq!(
            s.top_paths,
            [
                ("src/a.rs".into(), 2),
                ("c.rs".into(), 1),
                ("src/b.rs".into(), 1)
            ]
        );
    }

    #[test]
    fn an_uncommitted_edit_counts_from_its_time() {
        let log = [
            entry(500, &["a"]),
            entry(400, &["b"]),
            entry(300, &["docs/H.md"]),
        ];
        assert_eq!(walk(&log, "docs/H.md", Some(450)).commits_since, 1);
        assert_eq!(walk(&log, "docs/H.md", Some(999)).commits_since, 0);
    }

    #[test]
    fn never_committed_counts_everything_and_says_more_at_the_limit() {
        let log: Vec<_> = (0..WALK_LIMIT as u64)
            .map(|t| entry(1000 - t, &["a"]))
            .collect();
        let s = walk(&log, "docs/H.md", None);
        assert_eq!(s.commits_since, WALK_LIMIT);
        assert!(s.more);
    }

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn reads_a_real_repository_and_caches_the_answer() {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("skipped: git not installed");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "trunk"]);
        let handoff = root.join("docs/H.md");
        fs_atomic::write(&handoff, b"# H\n", Durability::Fast).unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", "handoff"]);
        for i in 0..3 {
            fs_atomic::write(
                &root.join("a.rs"),
                format!("{i}").as_bytes(),
                Durability::Fast,
            )
            .unwrap();
            git(root, &["add", "."]);
            git(root, &["commit", "-qm", "work"]);
        }
        let cache = root.join("cache.json");
        let s = check(root, &handoff, &cache).unwrap().unwrap();
        assert_eq!(s.branch.as_deref(), Some("trunk"));
        assert_eq!(s.commits_since, 3);
        assert_eq!(s.top_paths, [("a.rs".into(), 3)]);
        assert!(cache.exists());
        // Answered from the cache: HEAD and the handoff are unchanged.
        let cached: Cached = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        assert_eq!(cached.value, s);
        assert_eq!(check(root, &handoff, &cache).unwrap().unwrap(), s);
    }

    #[test]
    fn no_repository_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let h = dir.path().join("H.md");
        assert_eq!(check(dir.path(), &h, &dir.path().join("c")).unwrap(), None);
    }
}
