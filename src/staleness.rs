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

/// First-parent commits searched back for the handoff's last change; beyond, the count is "N+".
pub(crate) const WALK_LIMIT: usize = 100;
/// Changed paths named in the header.
pub(crate) const TOP_PATHS: usize = 3;

/// How long git may take in SessionStart and PreCompact, well inside the hooks' 10 s timeout.
pub(crate) const HOOK_DEADLINE: Duration = Duration::from_secs(3);
/// How long git may take in SessionEnd, whose hooks share 1.5 s.
pub(crate) const SESSION_END_DEADLINE: Duration = Duration::from_millis(500);
/// How long git may take for a command: nobody times those out, but CI shouldn't hang.
pub(crate) const COMMAND_DEADLINE: Duration = Duration::from_secs(10);

/// Why git's view of the handoff is missing; what needs it goes on without.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GitError {
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
pub(crate) fn seconds(d: Duration) -> String {
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
pub(crate) struct Staleness {
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
pub(crate) struct Repo {
    /// The work tree's top folder.
    pub top: PathBuf,
    /// The `.git` folder (for a linked worktree, its private one).
    pub git_dir: PathBuf,
    /// Where shared refs live (differs from `git_dir` in linked worktrees).
    pub common_dir: PathBuf,
}

impl Repo {
    /// Find the repository containing `start`, without running git; `Ok(None)` when there is none.
    pub(crate) fn find(start: &Path) -> Result<Option<Self>, GitError> {
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

    /// The branch name (if any) and the commit HEAD points at (if any): read from files, or from
    /// git when the refs aren't plain files (reftable).
    pub(crate) fn head(
        &self,
        limit: Duration,
    ) -> Result<(Option<String>, Option<String>), GitError> {
        match self.head_from_files() {
            Some(head) => Ok(head),
            None => self.head_from_git(limit),
        }
    }

    /// `None` when the files can't tell: a reftable repository (HEAD names `refs/heads/.invalid`).
    fn head_from_files(&self) -> Option<(Option<String>, Option<String>)> {
        let head = std::fs::read_to_string(self.git_dir.join("HEAD")).ok()?;
        let head = head.trim();
        let Some(reference) = head.strip_prefix("ref:") else {
            return Some((None, Some(head.to_string())));
        };
        let reference = reference.trim();
        let oid = self.resolve(reference);
        if oid.is_none() && self.common_dir.join("reftable").is_dir() {
            return None;
        }
        let branch = reference.strip_prefix("refs/heads/").unwrap_or(reference);
        Some((Some(branch.to_string()), oid))
    }

    fn head_from_git(&self, limit: Duration) -> Result<(Option<String>, Option<String>), GitError> {
        let deadline = Instant::now() + limit;
        // A failure is an answer here: detached (no symbolic ref) or unborn (no commit).
        let line = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(ToString::to_string).collect();
            match run_all(&self.top, &[args], deadline, limit) {
                Ok(out) => Ok(out
                    .into_iter()
                    .next()
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())),
                Err(GitError::Failed(_)) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let branch = line(&["symbolic-ref", "-q", "HEAD"])?.map(|r| {
            r.strip_prefix("refs/heads/")
                .map_or(r.clone(), str::to_string)
        });
        let oid = line(&["rev-parse", "-q", "--verify", "HEAD^{commit}"])?;
        Ok((branch, oid))
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
pub(crate) fn check(
    root: &Path,
    handoff: &Path,
    cache: &Path,
    deadline: Duration,
) -> Result<Option<Staleness>, GitError> {
    let Some(repo) = Repo::find(root)? else {
        return Ok(None);
    };
    let (branch, oid) = repo.head(deadline)?;
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
    let mut value = from_git(&repo.top, &oid, &rel, mtime.map(|d| d.as_secs()), deadline)?;
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

/// Ask git: which commit last changed the handoff, how many commits HEAD has that it lacks, and
/// what they touch. One walk of at most [`WALK_LIMIT`] first-parent commits finds the change (a
/// merge counts as changing what it brings); a second git runs only when merges need counting.
fn from_git(
    top: &Path,
    head: &str,
    rel: &str,
    mtime_secs: Option<u64>,
    limit: Duration,
) -> Result<Staleness, GitError> {
    let deadline = Instant::now() + limit;
    let run = |jobs: &[Vec<String>]| run_all(top, jobs, deadline, limit);
    let args = |a: &[&str]| a.iter().map(ToString::to_string).collect::<Vec<_>>();
    let most = format!("-n{WALK_LIMIT}");
    let [status, log] = two(run(&[
        args(&["status", "--porcelain=v1", "--", rel]),
        args(&[
            "log",
            "--first-parent",
            &most,
            "--no-renames",
            "--format=%x1e%H %ct %P",
            "--name-only",
            head,
        ]),
    ])?);
    let log = parse_log(&log);
    let plan = plan(&log, rel, Worktree::from_status(&status), mtime_secs);
    let commits_since = match &plan.count {
        Count::Known(n) => *n,
        Count::Ask { since, not } => {
            let mut a = vec!["rev-list".to_string(), "--count".to_string()];
            a.extend(since.map(|t| format!("--since=@{t}")));
            a.push(head.to_string());
            a.extend(not.iter().map(|oid| format!("^{oid}")));
            let [count, _] = two(run(&[a])?);
            count.trim().parse().map_err(|_| {
                GitError::Failed(format!("git rev-list --count printed {:?}", count.trim()))
            })?
        }
    };
    Ok(Staleness {
        branch: None,
        commits_since,
        more: plan.more,
        top_paths: plan.top_paths,
    })
}

/// The handoff in the work tree, from `git status --porcelain=v1 -- <handoff>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Worktree {
    /// As committed.
    Clean,
    /// Committed, with changes not yet committed.
    Modified,
    /// Not in HEAD: untracked or only added.
    NeverCommitted,
}

impl Worktree {
    fn from_status(status: &str) -> Self {
        match status.lines().next().map(str::trim_end) {
            None | Some("") => Self::Clean,
            Some(l) if l.starts_with("??") || l.starts_with('A') || l.get(1..2) == Some("A") => {
                Self::NeverCommitted
            }
            Some(_) => Self::Modified,
        }
    }
}

/// What the walk settles, and what is left to ask git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub count: Count,
    pub more: bool,
    pub top_paths: Vec<(String, usize)>,
}

/// The count of commits since the update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Count {
    /// Read off the walk: no merge among the commits counted.
    Known(usize),
    /// `git rev-list --count HEAD ^<not>`, only commits after `since` when given.
    Ask {
        since: Option<u64>,
        not: Option<String>,
    },
}

/// Decide from a first-parent walk (newest first): the handoff's last commit is the first that
/// changed it; never committed, it was last updated when the file was written (`mtime`).
pub(crate) fn plan(log: &[LogEntry], rel: &str, tree: Worktree, mtime: Option<u64>) -> Plan {
    let last = match tree {
        Worktree::NeverCommitted => None,
        _ => log.iter().position(|e| e.paths.iter().any(|p| p == rel)),
    };
    // An uncommitted edit is the newest update: only commits after it count.
    let since = match tree {
        Worktree::Clean => None,
        Worktree::Modified | Worktree::NeverCommitted => mtime,
    };
    let reached_limit = log.len() >= WALK_LIMIT;
    if last.is_none() && tree != Worktree::NeverCommitted && reached_limit {
        // Committed, but before the walk's reach.
        return Plan {
            count: Count::Known(log.len()),
            more: true,
            top_paths: top_paths(log),
        };
    }
    let newer = |e: &&LogEntry| since.is_none_or(|t| e.time > t);
    let counted: Vec<&LogEntry> = log[..last.unwrap_or(log.len())]
        .iter()
        .take_while(newer)
        .collect();
    // The walk saw every commit to count: it found the update, passed the edit's time, or ended.
    let whole = last.is_some() || counted.len() < log.len() || !reached_limit;
    let count = if whole && counted.iter().all(|e| !e.merge) {
        Count::Known(counted.len())
    } else {
        Count::Ask {
            since,
            not: last.map(|i| log[i].oid.clone()),
        }
    };
    Plan {
        count,
        more: false,
        top_paths: top_paths(counted.iter().copied()),
    }
}

/// The paths the commits changed most, with how many commits touched each.
pub(crate) fn top_paths<'a>(log: impl IntoIterator<Item = &'a LogEntry>) -> Vec<(String, usize)> {
    let mut touched: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for entry in log {
        for path in &entry.paths {
            *touched.entry(path).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = touched
        .into_iter()
        .map(|(p, n)| (p.to_string(), n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(TOP_PATHS);
    top
}

/// The outputs of the (up to) two commands `run_all` was given.
fn two(outputs: Vec<String>) -> [String; 2] {
    let mut it = outputs.into_iter();
    [it.next().unwrap_or_default(), it.next().unwrap_or_default()]
}

/// Run git commands at once (this is the slow path of a hook), each stopped at `deadline`; their
/// stdout, or the first failure.
fn run_all(
    top: &Path,
    jobs: &[Vec<String>],
    deadline: Instant,
    limit: Duration,
) -> Result<Vec<String>, GitError> {
    let mut children = Vec::new();
    for args in jobs {
        match spawn_git(top, args) {
            Ok(child) => children.push(child),
            Err(e) => {
                children.into_iter().for_each(stop);
                return Err(e);
            }
        }
    }
    let mut outputs = Vec::new();
    let mut children = children.into_iter();
    while let Some(child) = children.next() {
        let out = match collect(child, deadline) {
            Ok(Some(out)) => out,
            other => {
                children.for_each(stop);
                return Err(other.err().unwrap_or(GitError::TimedOut(limit)));
            }
        };
        if !out.status.success() {
            children.for_each(stop);
            let err = String::from_utf8_lossy(&out.stderr);
            let first = err.lines().next().unwrap_or("").trim();
            return Err(GitError::Failed(first.to_string()));
        }
        outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Ok(outputs)
}

fn spawn_git(top: &Path, args: &[String]) -> Result<Child, GitError> {
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
}

/// Kill a child and reap it.
pub(crate) fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A child's output, or `None` (and the child killed) when it is still running at `deadline`. Each
/// pipe is read on its own thread, so neither can fill and stall git before the deadline.
pub(crate) fn collect(mut child: Child, deadline: Instant) -> Result<Option<Output>, GitError> {
    let (tx, rx) = std::sync::mpsc::channel();
    for (which, pipe) in [
        (
            0,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            1,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            let _ = tx.send((which, buf));
        });
    }
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let Ok((which, buf)) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        else {
            // A reader thread may outlive this if git left a child holding the pipes; it ends
            // with the process.
            stop(child);
            return Ok(None);
        };
        if which == 0 {
            stdout = buf;
        } else {
            stderr = buf;
        }
    }
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

/// A commit from `git log --format=%x1e%H %ct %P --name-only`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogEntry {
    pub oid: String,
    /// Committer time, seconds since the epoch.
    pub time: u64,
    /// More than one parent.
    pub merge: bool,
    /// Paths the commit changed (against its first parent), relative to the work tree's top.
    pub paths: Vec<String>,
}

/// Parse `git log --format=%x1e%H %ct %P --name-only`.
pub(crate) fn parse_log(text: &str) -> Vec<LogEntry> {
    text.split('\x1e')
        .filter_map(|record| {
            let mut lines = record.lines();
            let mut header = lines.next()?.split_whitespace();
            let oid = header.next()?.to_string();
            let time = header.next()?.parse().ok()?;
            let merge = header.count() > 1;
            let paths = lines
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            Some(LogEntry {
                oid,
                time,
                merge,
                paths,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(time: u64, paths: &[&str]) -> LogEntry {
        LogEntry {
            oid: format!("c{time}"),
            time,
            merge: false,
            paths: paths.iter().map(ToString::to_string).collect(),
        }
    }

    fn merge(time: u64, paths: &[&str]) -> LogEntry {
        LogEntry {
            merge: true,
            ..entry(time, paths)
        }
    }

    #[test]
    fn parses_git_log_output() {
        let text = "\x1eaaa 300 p1\n\nsrc/a.rs\nREADME.md\n\x1ebbb 200 p2 p3\n\n\x1eccc 100\n\ndocs/H.md\n";
        assert_eq!(
            parse_log(text),
            [
                LogEntry {
                    oid: "aaa".into(),
                    ..entry(300, &["src/a.rs", "README.md"])
                },
                LogEntry {
                    oid: "bbb".into(),
                    ..merge(200, &[])
                },
                LogEntry {
                    oid: "ccc".into(),
                    ..entry(100, &["docs/H.md"])
                }
            ]
        );
    }

    #[test]
    fn worktree_states_from_status() {
        for (status, want) in [
            ("", Worktree::Clean),
            (" M docs/H.md\n", Worktree::Modified),
            ("M  docs/H.md\n", Worktree::Modified),
            ("?? docs/H.md\n", Worktree::NeverCommitted),
            ("A  docs/H.md\n", Worktree::NeverCommitted),
            (" A docs/H.md\n", Worktree::NeverCommitted),
        ] {
            assert_eq!(Worktree::from_status(status), want, "{status:?}");
        }
    }

    type Case<'a> = (&'a str, &'a [LogEntry], Worktree, Option<u64>, Count, bool);

    #[test]
    #[allow(clippy::too_many_lines)] // one table
    fn plans() {
        let h = "docs/H.md";
        let linear = [
            entry(500, &["src/a.rs"]),
            entry(400, &["src/a.rs", "src/b.rs"]),
            entry(300, &["c.rs"]),
            entry(200, &[h, "src/a.rs"]),
            entry(100, &["src/z.rs"]),
        ];
        let with_merge = [
            entry(500, &["a"]),
            merge(400, &["b", "c"]),
            entry(300, &[h]),
        ];
        let long: Vec<_> = (0..WALK_LIMIT as u64)
            .map(|t| entry(9000 - t, &["a"]))
            .collect();
        let known = Count::Known;
        let ask = |since, not: Option<&str>| Count::Ask {
            since,
            not: not.map(str::to_string),
        };
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (
                "linear: read off the walk",
                &linear,
                Worktree::Clean,
                Some(450),
                known(3),
                false,
            ),
            (
                "updated in HEAD",
                &linear[3..],
                Worktree::Clean,
                None,
                known(0),
                false,
            ),
            (
                "an edit counts from its time",
                &linear,
                Worktree::Modified,
                Some(450),
                known(1),
                false,
            ),
            (
                "an edit after everything",
                &linear,
                Worktree::Modified,
                Some(999),
                known(0),
                false,
            ),
            (
                "a merge is counted by git",
                &with_merge,
                Worktree::Clean,
                None,
                ask(None, Some("c300")),
                false,
            ),
            (
                "a merge before the edit is not",
                &with_merge,
                Worktree::Modified,
                Some(450),
                known(1),
                false,
            ),
            (
                "never committed: by time",
                &linear,
                Worktree::NeverCommitted,
                Some(350),
                known(2),
                false,
            ),
            (
                "never committed, history ended",
                &linear[..3],
                Worktree::NeverCommitted,
                None,
                known(3),
                false,
            ),
            (
                "never committed, walk ran out",
                &long,
                Worktree::NeverCommitted,
                Some(1),
                ask(Some(1), None),
                false,
            ),
            (
                "committed before the walk's reach",
                &long,
                Worktree::Clean,
                None,
                known(WALK_LIMIT),
                true,
            ),
        ];
        for (name, log, tree, mtime, count, more) in cases {
            let p = plan(log, h, *tree, *mtime);
            assert_eq!((&p.count, p.more), (count, *more), "{name}");
        }
        let p = plan(&linear, h, Worktree::Clean, None);
        assert_eq!(
            p.top_paths,
            [
                ("src/a.rs".into(), 2),
                ("c.rs".into(), 1),
                ("src/b.rs".into(), 1)
            ]
        );
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

    fn git_installed() -> bool {
        let ok = Command::new("git").arg("--version").output().is_ok();
        if !ok {
            eprintln!("skipped: git not installed");
        }
        ok
    }

    /// The staleness of `handoff` in the repository at `root`, cached in `root/c`.
    fn staleness_of(root: &Path, handoff: &Path) -> Staleness {
        check(root, handoff, &root.join("c"), COMMAND_DEADLINE)
            .unwrap()
            .unwrap()
    }

    /// A repository from a `git fast-import` stream; commits are made in seconds this way.
    fn imported(stream: &str, init: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &[&["init", "-q", "-b", "trunk"], init].concat());
        let mut child = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(["fast-import", "--quiet"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), stream.as_bytes()).unwrap();
        drop(child.stdin.take());
        assert!(child.wait().unwrap().success());
        git(dir.path(), &["reset", "-q", "--hard", "trunk"]);
        dir
    }

    /// A fast-import commit on `branch` changing `path`; marks are 1-based commit numbers.
    fn commit(out: &mut String, branch: &str, mark: u32, parents: &[u32], path: &str) {
        use std::fmt::Write as _;
        let _ = write!(
            out,
            "commit refs/heads/{branch}\nmark :{mark}\ncommitter T <t@e> {} +0000\ndata 1\nc\n",
            1_700_000_000 + u64::from(mark)
        );
        for (i, p) in parents.iter().enumerate() {
            let _ = writeln!(out, "{} :{p}", if i == 0 { "from" } else { "merge" });
        }
        let _ = write!(out, "M 100644 inline {path}\ndata 2\n{}\n\n", mark % 10);
    }

    #[test]
    fn a_merge_of_many_commits_counts_each_of_them() {
        if !git_installed() {
            return;
        }
        // trunk: handoff (1), work (2); side from 2: 1,224 commits; trunk: work, then the merge.
        let side = 1224;
        let mut s = String::new();
        commit(&mut s, "trunk", 1, &[], "docs/H.md");
        commit(&mut s, "trunk", 2, &[1], "a.rs");
        for m in 3..3 + side {
            let parent = if m == 3 { 2 } else { m - 1 };
            commit(&mut s, "side", m, &[parent], &format!("s/{}.rs", m % 7));
        }
        commit(&mut s, "trunk", 3 + side, &[2], "b.rs");
        commit(&mut s, "trunk", 4 + side, &[3 + side, 2 + side], "b.rs");
        let dir = imported(&s, &[]);
        let root = dir.path();
        let got = staleness_of(root, &root.join("docs/H.md"));
        // work + side + work + merge, all reachable from HEAD and not from the handoff's commit.
        assert_eq!((got.commits_since, got.more), (1 + 1224 + 1 + 1, false));
        assert_eq!(got.branch.as_deref(), Some("trunk"));
    }

    #[test]
    fn beyond_the_walk_the_count_is_a_floor() {
        if !git_installed() {
            return;
        }
        let mut s = String::new();
        commit(&mut s, "trunk", 1, &[], "docs/H.md");
        for m in 2..=(WALK_LIMIT as u32 + 10) {
            commit(&mut s, "trunk", m, &[m - 1], "a.rs");
        }
        let dir = imported(&s, &[]);
        let root = dir.path();
        let got = staleness_of(root, &root.join("docs/H.md"));
        assert_eq!((got.commits_since, got.more), (WALK_LIMIT, true));
    }

    #[test]
    fn a_reftable_repository_is_read_through_git() {
        if !git_installed() {
            return;
        }
        let mut s = String::new();
        commit(&mut s, "trunk", 1, &[], "docs/H.md");
        commit(&mut s, "trunk", 2, &[1], "a.rs");
        commit(&mut s, "trunk", 3, &[2], "a.rs");
        let dir = imported(&s, &["--ref-format=reftable"]);
        let root = dir.path();
        if !root.join(".git/reftable").is_dir() {
            eprintln!("skipped: this git has no reftable");
            return;
        }
        let got = staleness_of(root, &root.join("docs/H.md"));
        assert_eq!(got.branch.as_deref(), Some("trunk"));
        assert_eq!(got.commits_since, 2);
        let repo = Repo::find(root).unwrap().unwrap();
        git(root, &["checkout", "-q", "--detach"]);
        let (branch, oid) = repo.head(COMMAND_DEADLINE).unwrap();
        assert_eq!(branch, None);
        assert_eq!(oid.map(|o| o.len()), Some(40));
    }

    #[test]
    fn never_committed_counts_commits_after_the_file_was_written() {
        if !git_installed() {
            return;
        }
        let mut s = String::new();
        for m in 1..=5 {
            let parents: &[u32] = if m == 1 { &[] } else { &[m - 1] };
            commit(&mut s, "trunk", m, parents, "a.rs");
        }
        let dir = imported(&s, &[]);
        let root = dir.path();
        let handoff = root.join("docs/H.md");
        fs_atomic::write(&handoff, b"# H\n", Durability::Fast).unwrap();
        // Written between commits 3 and 4.
        let written = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_003);
        std::fs::File::options()
            .write(true)
            .open(&handoff)
            .unwrap()
            .set_modified(written)
            .unwrap();
        let got = staleness_of(root, &handoff);
        assert_eq!((got.commits_since, got.more), (2, false));
    }

    #[test]
    fn the_cache_answers_until_head_or_the_handoff_moves() {
        if !git_installed() {
            return;
        }
        let mut s = String::new();
        commit(&mut s, "trunk", 1, &[], "docs/H.md");
        commit(&mut s, "trunk", 2, &[1], "a.rs");
        let dir = imported(&s, &[]);
        let root = dir.path();
        let (handoff, cache) = (root.join("docs/H.md"), root.join("c"));
        let first = check(root, &handoff, &cache, COMMAND_DEADLINE)
            .unwrap()
            .unwrap();
        assert_eq!(first.commits_since, 1);
        // A planted answer under the same key is what comes back: git did not run.
        let mut planted: Cached = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        planted.value.commits_since = 42;
        fs_atomic::write(
            &cache,
            &serde_json::to_vec(&planted).unwrap(),
            Durability::Fast,
        )
        .unwrap();
        let hit = check(root, &handoff, &cache, COMMAND_DEADLINE)
            .unwrap()
            .unwrap();
        assert_eq!(hit.commits_since, 42);
        // A new commit moves HEAD: a miss, counted again.
        fs_atomic::write(&root.join("a.rs"), b"new", Durability::Fast).unwrap();
        git(root, &["commit", "-qam", "more"]);
        let miss = check(root, &handoff, &cache, COMMAND_DEADLINE)
            .unwrap()
            .unwrap();
        assert_eq!(miss.commits_since, 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_child_writing_much_to_stderr_is_read_to_the_end() {
        // Past a pipe's 64 KiB on stderr, before anything on stdout.
        let child = Command::new("sh")
            .args(["-c", "head -c 300000 /dev/zero >&2; echo done"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = collect(child, Instant::now() + COMMAND_DEADLINE)
            .unwrap()
            .expect("not a timeout");
        assert_eq!(
            (out.stdout, out.stderr.len()),
            (b"done\n".to_vec(), 300_000)
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
