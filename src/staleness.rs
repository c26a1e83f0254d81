//! How far the code has moved on since the handoff was last updated, from git.
//!
//! HEAD is read straight from `.git` (no process); `git` runs only when HEAD or the handoff changed
//! since the last look, and the answer is cached in the project's state folder. Then it is one
//! `git log`, started early ([`start`]) so it runs while the hook does its own work, and asked
//! for its answer ([`Pending::finish`]) when the hook needs it.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::fs_atomic::{self, Durability};
use crate::git::{run_all, GitError, Repo, Running, Until};

/// First-parent commits searched back for the handoff's last change; beyond, the count is "N+".
/// The walk is most of a cold SessionStart's cost (100 commits: 6.4x `cat`; 30: 4.6x), and past 30
/// commits the handoff is stale whatever the exact number.
pub(crate) const WALK_LIMIT: usize = 30;
/// Changed paths named in the header.
pub(crate) const TOP_PATHS: usize = 3;

/// How long git may take in SessionStart and PreCompact, well inside the hooks' 10 s timeout.
pub(crate) const HOOK_DEADLINE: Duration = Duration::from_secs(3);
/// How long git may take in SessionEnd, whose hooks share 1.5 s.
pub(crate) const SESSION_END_DEADLINE: Duration = Duration::from_millis(500);
/// How long git may take for a command: nobody times those out, but CI shouldn't hang.
pub(crate) const COMMAND_DEADLINE: Duration = Duration::from_secs(10);

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

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    key: String,
    value: Staleness,
}

/// Staleness of `handoff` (absolute), using and refreshing the cache at `cache`; git is stopped
/// when it runs past `limit`. `Ok(None)` when the project isn't in a git repository.
#[cfg(test)]
pub(crate) fn check(
    root: &Path,
    handoff: &Path,
    cache: &Path,
    limit: Duration,
) -> Result<Option<Staleness>, GitError> {
    start(root, handoff, cache, limit).finish()
}

/// A staleness answer on its way: already known (from the cache, or without git), or a `git log`
/// running in the background. Dropped unfinished, git is stopped.
pub(crate) struct Pending(Step);

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Step::Known(_) => "Pending(known)",
            Step::Walking(_) => "Pending(git log running)",
        })
    }
}

enum Step {
    Known(Result<Option<Staleness>, GitError>),
    Walking(Box<Walk>),
}

/// What a running walk's answer is made from.
struct Walk {
    log: Running,
    repo: Repo,
    branch: Option<String>,
    head: String,
    rel: String,
    handoff: PathBuf,
    mtime_secs: Option<u64>,
    cache: PathBuf,
    key: String,
    deadline: Instant,
    limit: Duration,
}

/// Start finding the staleness of `handoff`: from the cache when HEAD and the handoff haven't
/// moved, else by starting `git log` (stopped at `limit` from now).
pub(crate) fn start(root: &Path, handoff: &Path, cache: &Path, limit: Duration) -> Pending {
    Pending(step(root, handoff, cache, limit).unwrap_or_else(|e| Step::Known(Err(e))))
}

/// The walk started, or the answer when none is needed.
fn step(root: &Path, handoff: &Path, cache: &Path, limit: Duration) -> Result<Step, GitError> {
    let known = |value| Ok(Step::Known(Ok(value)));
    let deadline = Instant::now() + limit;
    let Some(repo) = Repo::find(root)? else {
        return known(None);
    };
    let (branch, head) = repo.head(limit)?;
    let Some(head) = head else {
        // An unborn branch: nothing committed yet.
        return known(Some(Staleness {
            branch,
            ..Staleness::default()
        }));
    };
    // A handoff outside the work tree (`--file`) has no history here to count against.
    let Some(rel) = relative_to(handoff, &repo.top) else {
        return known(None);
    };
    let mtime = std::fs::metadata(handoff)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
    let key = format!("{head} {} {rel}", mtime.map_or(0, |d| d.as_nanos()));
    if let Some(hit) = std::fs::read(cache)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
        .filter(|c| c.key == key)
    {
        return known(Some(hit.value));
    }
    // Whole once the commit after the walk's last has begun.
    let until = Until {
        byte: RECORD,
        times: WALK_LIMIT,
    };
    let log = Running::git_until(&repo.top, &log_args(&head), Some(until))?;
    Ok(Step::Walking(Box::new(Walk {
        log,
        repo,
        branch,
        head,
        rel,
        handoff: handoff.to_path_buf(),
        mtime_secs: mtime.map(|d| d.as_secs()),
        cache: cache.to_path_buf(),
        key,
        deadline,
        limit,
    })))
}

/// What starts each commit in the walk's output (`%x1e`).
const RECORD: u8 = 0x1e;

/// The walk: [`WALK_LIMIT`] first-parent commits from `head` (and one more, whose start says the
/// last is complete), each with the blobs it changed (a merge, what it brings), whatever the
/// user's configuration says of logs.
fn log_args(head: &str) -> Vec<String> {
    [
        "-c",
        "core.quotePath=false",
        // A merge's diff against its first parent: implied by --first-parent since git 2.29,
        // asked for with -m before it, and kept so by this whatever the user's config says.
        "-c",
        "log.diffMerges=first-parent",
        "log",
        "-m",
        "--first-parent",
        &format!("-n{}", WALK_LIMIT + 1),
        "--format=%x1e%H %T %ct %P",
        "--raw",
        "--no-abbrev",
        "--root",
        "--no-renames",
        "--no-color",
        "--no-show-signature",
        head,
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

impl Pending {
    /// No answer to wait for: there is no handoff to ask about.
    pub(crate) fn nothing() -> Self {
        Self(Step::Known(Ok(None)))
    }

    /// The answer: git's, once it has finished (at most until the deadline), cached for next
    /// time.
    pub(crate) fn finish(self) -> Result<Option<Staleness>, GitError> {
        match self.0 {
            Step::Known(known) => known,
            Step::Walking(walk) => walk.finish().map(Some),
        }
    }
}

impl Walk {
    fn finish(mut self) -> Result<Staleness, GitError> {
        let log = self.read_log()?;
        // Their own time: the walk's began with the hook, before its other work.
        let follow_up = Instant::now() + self.limit;
        let run = |jobs: &[Vec<String>]| run_all(&self.repo.top, jobs, follow_up, self.limit);
        let tree = if let Some(tree) = self.worktree(&log) {
            tree
        } else {
            // Ignored and hidden untracked files too: never committed, as the walk would say.
            let status = [
                "status",
                "--porcelain=v1",
                "--ignored=matching",
                "--untracked-files=all",
                "--",
                &self.rel,
            ];
            let out = run(&[status.iter().map(ToString::to_string).collect()])?;
            Worktree::from_status(out.first().map_or("", String::as_str))
        };
        let plan = plan(&log, &self.rel, tree, self.mtime_secs);
        let commits_since = match &plan.count {
            Count::Known(n) => *n,
            Count::Ask { since, not } => {
                let mut a = vec!["rev-list".to_string(), "--count".to_string()];
                a.extend(since.map(|t| format!("--since=@{t}")));
                a.push(self.head.clone());
                a.extend(not.iter().map(|oid| format!("^{oid}")));
                let count = run(&[a])?.concat();
                count.trim().parse().map_err(|_| {
                    GitError::Failed(format!("git rev-list --count printed {:?}", count.trim()))
                })?
            }
        };
        let value = Staleness {
            branch: self.branch,
            commits_since,
            more: plan.more,
            top_paths: plan.top_paths,
        };
        let cached = Cached {
            key: self.key,
            value,
        };
        if let Ok(json) = serde_json::to_vec(&cached) {
            // A cache that can't be written only costs speed next time.
            let _ = fs_atomic::write(&self.cache, &json, Durability::Fast);
        }
        Ok(cached.value)
    }

    /// The walk's commits, once git has given them.
    fn read_log(&mut self) -> Result<Vec<LogEntry>, GitError> {
        let mut log = parse_log(&self.log.stdout(self.deadline, self.limit)?);
        log.truncate(WALK_LIMIT);
        Ok(log)
    }

    /// The handoff in the work tree, told from the walk, its bytes and the index without a
    /// second git; `None` when only `git status` can tell.
    fn worktree(&self, log: &[LogEntry]) -> Option<Worktree> {
        let head_tree = log.first().map(|e| e.tree.as_str());
        let newest = log
            .iter()
            .find_map(|e| e.changes.iter().find(|c| c.path == self.rel));
        if let Some(change) = newest {
            if change.deleted() {
                // Not in HEAD: whatever is there now is untracked or only added.
                return Some(Worktree::NeverCommitted);
            }
            let bytes =
                crate::confine::read_regular(&self.handoff, crate::confine::MAX_HANDOFF_BYTES)
                    .ok()?;
            if crate::git::is_blob(&bytes, &change.blob)? {
                return Some(Worktree::Clean);
            }
            // Not byte for byte, but git may still take it as the blob: through a filter
            // (autocrlf, LFS) it checked out, or not looking (assume-unchanged). Its index says.
            let index = self.index()?;
            let meta = std::fs::metadata(&self.handoff).ok()?;
            let written = crate::git::index_written(&self.repo.git_dir);
            if let Some(entry) = index.entry.filter(|e| e.oid == change.blob) {
                if entry.unchanged || entry.matches(&meta, written) {
                    return Some(Worktree::Clean);
                }
            }
            // Line ends may differ only by a conversion: git knows its attributes.
            if memchr::memmem::find(&bytes, b"\r\n").is_some() {
                return None;
            }
            return Some(Worktree::Modified);
        }
        if log.len() < WALK_LIMIT {
            // The whole first-parent history, and no commit brought the handoff.
            return Some(Worktree::NeverCommitted);
        }
        // Committed before the walk's reach, or never: the index knows which when its
        // cache-tree vouches that it holds HEAD's tree. Past the walk, clean and modified count
        // alike ("30+"), so "committed" is all it needs to say.
        let index = self.index()?;
        if index.tree.as_deref() != head_tree {
            return None;
        }
        Some(if index.tracked {
            Worktree::Clean
        } else {
            Worktree::NeverCommitted
        })
    }

    fn index(&self) -> Option<crate::git::Lookup> {
        crate::git::index_lookup(&self.repo.git_dir, &self.rel, self.head.len() / 2)
    }
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

/// The handoff in the work tree against HEAD.
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
    /// From `git status --porcelain=v1 --ignored=matching -- <handoff>`.
    fn from_status(status: &str) -> Self {
        match status.lines().next().map(str::trim_end) {
            None | Some("") => Self::Clean,
            Some(l)
                if l.starts_with("??")
                    || l.starts_with("!!")
                    || l.starts_with('A')
                    || l.get(1..2) == Some("A") =>
            {
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
        _ => log
            .iter()
            .position(|e| e.changes.iter().any(|c| c.path == rel)),
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
        for change in &entry.changes {
            *touched.entry(&change.path).or_default() += 1;
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

/// A commit from the walk ([`log_args`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogEntry {
    pub oid: String,
    /// Its root tree.
    pub tree: String,
    /// Committer time, seconds since the epoch.
    pub time: u64,
    /// More than one parent.
    pub merge: bool,
    /// What the commit changed (against its first parent).
    pub changes: Vec<Change>,
}

/// One path a commit changed, from `--raw`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// Relative to the work tree's top.
    pub path: String,
    /// The blob it holds after the commit; all zeros when the commit deleted it.
    pub blob: String,
}

impl Change {
    fn deleted(&self) -> bool {
        self.blob.bytes().all(|b| b == b'0')
    }
}

/// Parse the walk: per commit, `RS <oid> <tree> <time> <parents>`, then `--raw` lines
/// (`:<mode> <mode> <blob> <blob> <status> TAB <path>`).
pub(crate) fn parse_log(text: &str) -> Vec<LogEntry> {
    text.split('\x1e')
        .filter_map(|record| {
            let mut lines = record.lines();
            let mut header = lines.next()?.split_whitespace();
            let oid = header.next()?.to_string();
            let tree = header.next()?.to_string();
            let time = header.next()?.parse().ok()?;
            let merge = header.count() > 1;
            let changes = lines
                .filter_map(|line| {
                    // `::` starts a combined diff's line, which names no single blob.
                    let (meta, path) = line.strip_prefix(':')?.split_once('\t')?;
                    if meta.starts_with(':') {
                        return None;
                    }
                    Some(Change {
                        path: unquote(path),
                        blob: meta.split_whitespace().nth(3)?.to_string(),
                    })
                })
                .collect();
            Some(LogEntry {
                oid,
                tree,
                time,
                merge,
                changes,
            })
        })
        .collect()
}

/// A path as git prints it: as it is, or in C quotes when it has a quote, a backslash or a control
/// character in it (`core.quotePath=false` keeps other bytes as they are).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_string();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(e) = bytes.next() else { break };
        out.push(match e {
            b'a' => 7,
            b'b' => 8,
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 11,
            b'f' => 12,
            b'r' => b'\r',
            b'0'..=b'3' => {
                let mut value = e - b'0';
                for _ in 0..2 {
                    let d = bytes.next().unwrap_or(b'0');
                    value = value.wrapping_mul(8).wrapping_add(d.wrapping_sub(b'0') & 7);
                }
                value
            }
            other => other,
        });
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    #[test]
    fn quoted_paths_are_unquoted() {
        assert_eq!(unquote("docs/H.md"), "docs/H.md");
        assert_eq!(
            unquote("\"docs/a\\tb \\\"q\\\" \\\\.md\""),
            "docs/a\tb \"q\" \\.md"
        );
        assert_eq!(unquote("\"caf\\303\\251.md\""), "café.md");
    }

    fn entry(time: u64, paths: &[&str]) -> LogEntry {
        LogEntry {
            oid: format!("c{time}"),
            tree: format!("t{time}"),
            time,
            merge: false,
            changes: paths
                .iter()
                .map(|p| Change {
                    path: (*p).to_string(),
                    blob: format!("b{time}"),
                })
                .collect(),
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
        let z = "0".repeat(40);
        let raw = |blob: &str, status: &str, path: &str| {
            format!(
                ":100644 100644 {} {blob} {status}\t{path}\n",
                "1".repeat(40)
            )
        };
        let text = format!(
            "\x1eaaa taa 300 p1\n\n{}{}\x1ebbb tbb 200 p2 p3\n\n:{}\x1eccc tcc 100\n\n{}",
            raw("b300", "M", "src/a.rs"),
            raw(&z, "D", "docs/é ü.md"),
            // A combined diff's line names no one blob: left out.
            raw("b200", "MM", "docs/H.md"),
            raw("b100", "A", "docs/H.md"),
        );
        let log = parse_log(&text);
        let aaa = LogEntry {
            oid: "aaa".into(),
            tree: "taa".into(),
            changes: vec![
                Change {
                    path: "src/a.rs".into(),
                    blob: "b300".into(),
                },
                Change {
                    path: "docs/é ü.md".into(),
                    blob: z.clone(),
                },
            ],
            ..entry(300, &[])
        };
        let bbb = LogEntry {
            oid: "bbb".into(),
            tree: "tbb".into(),
            ..merge(200, &[])
        };
        let ccc = LogEntry {
            oid: "ccc".into(),
            tree: "tcc".into(),
            ..entry(100, &["docs/H.md"])
        };
        assert_eq!(log, [aaa, bbb, ccc]);
        assert!(log[0].changes[1].deleted() && !log[0].changes[0].deleted());
    }

    #[test]
    fn worktree_states_from_status() {
        for (status, want) in [
            ("", Worktree::Clean),
            (" M docs/H.md\n", Worktree::Modified),
            ("M  docs/H.md\n", Worktree::Modified),
            ("?? docs/H.md\n", Worktree::NeverCommitted),
            ("!! docs/H.md\n", Worktree::NeverCommitted),
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
    fn an_update_brought_by_a_merge_is_the_handoffs_last_commit() {
        if !git_installed() {
            return;
        }
        // trunk: handoff (1), work (3); side from 1 updates the handoff (2); trunk merges it (4,
        // whose tree takes the update), then one more commit (5).
        let mut s = String::new();
        commit(&mut s, "trunk", 1, &[], "docs/H.md");
        commit(&mut s, "side", 2, &[1], "docs/H.md");
        commit(&mut s, "trunk", 3, &[1], "a.rs");
        commit(&mut s, "trunk", 4, &[3, 2], "docs/H.md");
        commit(&mut s, "trunk", 5, &[4], "a.rs");
        let dir = imported(&s, &[]);
        let root = dir.path();
        assert_eq!(told(root, "docs/H.md"), Some(Worktree::Clean));
        let got = staleness_of(root, &root.join("docs/H.md"));
        assert_eq!((got.commits_since, got.more), (1, false));
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

    /// How the walk alone (no `git status`) sees the handoff at `rel`; `None` when it would ask git.
    fn told(root: &Path, rel: &str) -> Option<Worktree> {
        let Pending(Step::Walking(mut walk)) =
            start(root, &root.join(rel), &root.join("c"), COMMAND_DEADLINE)
        else {
            panic!("no walk started");
        };
        let log = walk.read_log().unwrap();
        walk.worktree(&log)
    }

    #[test]
    #[allow(clippy::similar_names)]
    fn one_git_tells_the_handoffs_state_in_the_usual_cases() {
        if !git_installed() {
            return;
        }
        let h = "docs/H.md";
        // Short: the handoff (1), work (2), then it is deleted (3) and work goes on (4).
        let mut short = String::new();
        commit(&mut short, "trunk", 1, &[], h);
        commit(&mut short, "trunk", 2, &[1], "a.rs");
        let dir = imported(&short, &[]);
        let root = dir.path();
        assert_eq!(told(root, h), Some(Worktree::Clean));
        // Checked out through autocrlf: not the blob's bytes, but the index vouches for them.
        git(root, &["config", "core.autocrlf", "true"]);
        std::fs::remove_file(root.join(h)).unwrap();
        git(root, &["checkout", "--", h]);
        assert_eq!(std::fs::read(root.join(h)).unwrap(), b"1\r\n");
        std::thread::sleep(Duration::from_millis(1100));
        // The index, written after the file, must be seen as written later (not racy).
        git(root, &["update-index", "--really-refresh", "-q"]);
        assert_eq!(told(root, h), Some(Worktree::Clean), "autocrlf");
        git(root, &["config", "core.autocrlf", "false"]);
        // Line ends changed by hand: only git knows whether a conversion applies.
        fs_atomic::write(&root.join(h), b"1\r\n", Durability::Fast).unwrap();
        assert_eq!(told(root, h), None, "CRLF written by hand");
        fs_atomic::write(&root.join(h), b"edited\n", Durability::Fast).unwrap();
        assert_eq!(told(root, h), Some(Worktree::Modified));
        assert_eq!(told(root, "docs/New.md"), Some(Worktree::NeverCommitted));
        git(root, &["rm", "-qf", h]);
        git(root, &["commit", "-qm", "gone"]);
        fs_atomic::write(&root.join(h), b"back\n", Durability::Fast).unwrap();
        assert_eq!(
            told(root, h),
            Some(Worktree::NeverCommitted),
            "deleted, then written again"
        );

        // Long: the handoff's commit is past the walk; the index tells whether it is in HEAD.
        let mut long = String::new();
        commit(&mut long, "trunk", 1, &[], h);
        for m in 2..=(WALK_LIMIT as u32 + 10) {
            commit(&mut long, "trunk", m, &[m - 1], "a.rs");
        }
        let dir = imported(&long, &[]);
        let root = dir.path();
        assert_eq!(told(root, h), Some(Worktree::Clean));
        assert_eq!(told(root, "docs/New.md"), Some(Worktree::NeverCommitted));
        // Staged but never committed: the index can't vouch for HEAD, so git is asked.
        fs_atomic::write(&root.join("docs/New.md"), b"new\n", Durability::Fast).unwrap();
        git(root, &["add", "docs/New.md"]);
        assert_eq!(told(root, "docs/New.md"), None);
        let new = root.join("docs/New.md");
        let got = staleness_of(root, &new);
        assert_eq!(
            (got.commits_since, got.more),
            (0, false),
            "written after every commit"
        );
        // Taken out of the index but still in HEAD: not "never committed"; git is asked.
        git(root, &["rm", "-q", "--cached", h]);
        assert_eq!(told(root, h), None);
        let got = staleness_of(root, &root.join(h));
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

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(crate::git::seconds(HOOK_DEADLINE), "3 s");
        assert_eq!(crate::git::seconds(SESSION_END_DEADLINE), "0.5 s");
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
