//! How far the code has moved on since the handoff was last updated, from git.
//!
//! HEAD is read straight from `.git` (no process); `git` runs only when HEAD or the handoff changed
//! since the last look, and the answer is cached in the project's state folder.
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::fs_atomic::{self, Durability};

/// Commits walked at most; beyond that the count is shown as "N+".
pub const WALK_LIMIT: usize = 500;
/// Changed paths named in the header.
pub const TOP_PATHS: usize = 3;

/// How long git may take in SessionStart and PreCompact, well inside the hooks' 10 s timeout.
pub const HOOK_DEADLINE: Duration = Duration::from_secs(3);
/// How long git may take in SessionEnd, whose hooks share 1.5 s.
pub const SESSION_END_DEADLINE: Duration = Duration::from_millis(500);
/// How long git may take for a command: nobody times those out, but CI shouldn't hang.
pub const COMMAND_DEADLINE: Duration = Duration::from_secs(10);

/// Why git's view of the handoff is missing; what needs it goes on without.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// There is no `git` to run.
    #[error("git is not installed or not on PATH; install it to see commits since the handoff was updated")]
    NotInstalled,
    /// `git` could not be started.
    #[error("could not run git: {0}; commits since the handoff was updated are left out")]
    Spawn(#[source] std::io::Error),
    /// `git log` failed; its first line of stderr.
    #[error("git log failed: {0}; commits since the handoff was updated are left out")]
    Failed(String),
    /// git was still running at the deadline, and was stopped.
    #[error("git did not answer within {}, so commits since the handoff was updated are left out this time", seconds(*.0))]
    TimedOut(Duration),
    /// A `.git` file or folder that leads to no repository.
    #[error("{} does not lead to a git repository ({}); fix or remove it to see commits since the handoff was updated", .dot_git.display(), .why)]
    Broken { dot_git: PathBuf, why: String },
}

/// "3 s", "0.5 s"
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

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
    /// Find the repository containing `start`, without running git; `Ok(None)` when there is none.
    pub fn find(start: &Path) -> Result<Option<Self>, GitError> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let dot_git = d.join(".git");
            let broken = |why: &str| GitError::Broken {
                dot_git: dot_git.clone(),
                why: why.to_string(),
            };
            let Ok(meta) = std::fs::metadata(&dot_git) else {
                dir = d.parent();
                continue;
            };
            let git_dir = if meta.is_dir() {
                dot_git.clone()
            } else if meta.is_file() && meta.len() <= 4096 {
                // A linked worktree or submodule: ".git" holds "gitdir: <path>".
                let text = std::fs::read_to_string(&dot_git).map_err(|e| broken(&e.to_string()))?;
                let target = text
                    .trim()
                    .strip_prefix("gitdir:")
                    .ok_or_else(|| broken("no \"gitdir:\" line"))?
                    .trim();
                d.join(target)
            } else {
                return Err(broken("neither a folder nor a \"gitdir:\" file"));
            };
            // Without HEAD it is not a repository (a gitdir that was moved or deleted).
            if !git_dir.join("HEAD").is_file() {
                return Err(broken(&format!("no HEAD in {}", git_dir.display())));
            }
            return Ok(Some(Self::with_git_dir(d.to_path_buf(), git_dir)));
        }
        Ok(None)
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

/// Staleness of `handoff` (absolute), using and refreshing the cache at `cache`; git is stopped
/// when it runs past `deadline`. `Ok(None)` when the project isn't in a git repository.
pub fn check(
    root: &Path,
    handoff: &Path,
    cache: &Path,
    deadline: Duration,
) -> Result<Option<Staleness>, GitError> {
    let Some(repo) = Repo::find(root)? else {
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
    // A handoff outside the work tree (`--file`) has no history here to count against.
    let Some(rel) = relative_to(handoff, &repo.top) else {
        return Ok(None);
    };
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
    let mut value = from_git(&repo.top, &rel, mtime.map(|d| d.as_secs()), deadline)?;
    value.branch = branch;
    let cached = Cached { key, value };
    if let Ok(json) = serde_json::to_vec(&cached) {
        // A cache that can't be written only costs speed next time.
        let _ = fs_atomic::write(cache, &json, Durability::Fast);
    }
    Ok(Some(cached.value))
}

/// `path` relative to the work tree `top`, resolving links only when the plain paths disagree;
/// `None` outside it.
fn relative_to(path: &Path, top: &Path) -> Option<String> {
    if path.starts_with(top) {
        return Some(crate::project::display_relative(top, path));
    }
    let (path, top) = (
        std::fs::canonicalize(path).ok()?,
        std::fs::canonicalize(top).ok()?,
    );
    path.starts_with(&top)
        .then(|| crate::project::display_relative(&top, &path))
}

/// Ask git: is the handoff modified in the work tree, and what do recent commits touch?
fn from_git(
    top: &Path,
    rel: &str,
    mtime_secs: Option<u64>,
    limit: Duration,
) -> Result<Staleness, GitError> {
    let deadline = Instant::now() + limit;
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(top)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    GitError::NotInstalled
                } else {
                    GitError::Spawn(e)
                }
            })
    };
    // Both run at once: this is the slow path of a hook.
    let status = git(&["status", "--porcelain=v1", "--", rel])?;
    let most = format!("-n{WALK_LIMIT}");
    let log = git(&[
        "log",
        &most,
        "--no-renames",
        "--format=%x1e%H %ct",
        "--name-only",
        "HEAD",
    ]);
    let log = match log {
        Ok(log) => log,
        Err(e) => {
            stop(status);
            return Err(e);
        }
    };
    let status = match collect(status, deadline) {
        Ok(Some(out)) => out,
        other => {
            stop(log);
            return Err(other.err().unwrap_or(GitError::TimedOut(limit)));
        }
    };
    let log = collect(log, deadline)?.ok_or(GitError::TimedOut(limit))?;
    if !log.status.success() {
        let err = String::from_utf8_lossy(&log.stderr);
        let first = err.lines().next().unwrap_or("").trim();
        return Err(GitError::Failed(first.to_string()));
    }
    let dirty = !status.stdout.is_empty();
    let log = String::from_utf8_lossy(&log.stdout);
    Ok(walk(
        &parse_log(&log),
        rel,
        dirty.then_some(mtime_secs).flatten(),
    ))
}

/// Kill a child and reap it.
pub(crate) fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A child's output, or `None` (and the child killed) when it is still running at `deadline`. The
/// pipes are read on a thread, so a full pipe can't stall git before the deadline.
pub(crate) fn collect(mut child: Child, deadline: Instant) -> Result<Option<Output>, GitError> {
    let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        if let Some(pipe) = stdout.as_mut() {
            let _ = pipe.read_to_end(&mut out);
        }
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_end(&mut err);
        }
        let _ = tx.send((out, err));
    });
    let Ok((stdout, stderr)) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
    else {
        // The reader thread may outlive this if git left a child holding the pipes; it ends
        // with the process.
        stop(child);
        return Ok(None);
    };
    // The pipes are closed, so git is exiting; it still gets no more than the deadline.
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return Ok(Some(Output {
                    status,
                    stdout,
                    stderr,
                }))
            }
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(None) => {
                stop(child);
                return Ok(None);
            }
            Err(e) => return Err(GitError::Spawn(e)),
        }
    }
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
        let s = check(root, &handoff, &cache, COMMAND_DEADLINE)
            .unwrap()
            .unwrap();
        assert_eq!(s.branch.as_deref(), Some("trunk"));
        assert_eq!(s.commits_since, 3);
        assert_eq!(s.top_paths, [("a.rs".into(), 3)]);
        assert!(cache.exists());
        // Answered from the cache: HEAD and the handoff are unchanged.
        let cached: Cached = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        assert_eq!(cached.value, s);
        assert_eq!(
            check(root, &handoff, &cache, COMMAND_DEADLINE)
                .unwrap()
                .unwrap(),
            s
        );
    }

    #[test]
    fn a_git_file_leading_nowhere_is_an_error_not_a_detached_head() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let h = root.join("H.md");
        let cache = root.join("c");
        for text in ["gitdir: /nonexistent/worktrees/x\n", "not a gitdir line\n"] {
            fs_atomic::write(&root.join(".git"), text.as_bytes(), Durability::Fast).unwrap();
            let e = check(root, &h, &cache, COMMAND_DEADLINE).unwrap_err();
            assert!(matches!(e, GitError::Broken { .. }), "{e}");
            assert!(e.to_string().contains("fix or remove it"), "{e}");
        }
        // A `.git` folder without HEAD is no repository either.
        std::fs::remove_file(root.join(".git")).unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        let e = check(root, &h, &cache, COMMAND_DEADLINE).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("{}", root.join(".git").display())),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_child_past_its_deadline_is_stopped() {
        let child = Command::new("sh")
            .args(["-c", "sleep 30"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let out = collect(child, started + Duration::from_millis(100)).unwrap();
        assert!(out.is_none());
        assert!(started.elapsed() < Duration::from_secs(10));
        let quick = Command::new("sh")
            .args(["-c", "echo hi; echo oops >&2"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = collect(quick, Instant::now() + COMMAND_DEADLINE)
            .unwrap()
            .unwrap();
        assert_eq!(
            (out.stdout, out.stderr),
            (b"hi\n".to_vec(), b"oops\n".to_vec())
        );
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(HOOK_DEADLINE), "3 s");
        assert_eq!(seconds(SESSION_END_DEADLINE), "0.5 s");
    }

    #[test]
    fn no_repository_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let h = dir.path().join("H.md");
        assert_eq!(
            check(dir.path(), &h, &dir.path().join("c"), COMMAND_DEADLINE).unwrap(),
            None
        );
    }
}
