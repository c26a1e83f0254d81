//! `handoff overview`: every project's handoff under some folders, stalest first.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::OverviewArgs;
use crate::config;
use crate::doc::items::Item;
use crate::doc::roles::Role;
use crate::doc::view;
use crate::env::Env;
use crate::fleet::store::Queue;
use crate::fleet::waves;
use crate::project::{self, Project};
use crate::session_log;
use crate::staleness;
use crate::timefmt;

/// Folders never looked into: dependencies and build output are big and hold no projects of ours.
const SKIP: &[&str] = &["node_modules", "target"];

/// One project's row.
#[derive(Debug, Clone, Serialize)]
struct Row {
    /// The project, relative to the folder it was found under.
    project: String,
    /// The project's root, absolute.
    path: String,
    /// The handoff, relative to the project root.
    handoff: String,
    /// When the handoff last changed, RFC 3339.
    modified: Option<String>,
    /// "3 days ago"
    age: Option<String>,
    /// Commits on HEAD since the handoff's last update; `null` outside git.
    commits_since: Option<usize>,
    /// Whether the count stopped at its limit (show it as "N+").
    more: bool,
    /// The first What's Next item.
    next: Option<String>,
    /// The newest What Failed item.
    failed: Option<String>,
    /// Sessions logged since the handoff last changed.
    sessions_since: usize,
    /// The project's queue, when it has one.
    queue: Option<QueueRow>,
    /// The newest wave with a folder, when the project has waves.
    wave: Option<u32>,
    #[serde(skip)]
    modified_at: Option<DateTime<Utc>>,
}

/// A queue in numbers.
#[derive(Debug, Clone, Serialize)]
struct QueueRow {
    pending: usize,
    claimed: usize,
    done: usize,
    /// When the oldest claim still holding began, RFC 3339.
    oldest_claim: Option<String>,
    /// "3 hours ago"
    oldest_claim_age: Option<String>,
}

/// The queue's counts, or `None` without a queue (a broken one warns once).
fn queue_row(project: &Project, shown: &str, env: &Env) -> Option<QueueRow> {
    project.config.fleet.queue.as_ref()?;
    let read = Queue::of(project).and_then(|q| Ok((q.read()?, q.lease)));
    let (snapshot, lease) = match read {
        Ok(found) => found,
        Err(e) => {
            eprintln!("handoff: {shown}: {e}");
            return None;
        }
    };
    let summary = snapshot.summary(env.now, lease);
    Some(QueueRow {
        pending: summary.pending,
        claimed: summary.claimed,
        done: summary.done,
        oldest_claim: summary.oldest_claim.map(timefmt::rfc3339),
        oldest_claim_age: summary.oldest_claim.map(|t| timefmt::age(t, env.now)),
    })
}

/// Find the projects, read each (in parallel: a cold staleness cache runs git), print the rows.
pub(crate) fn run(args: &OverviewArgs, env: &Env) -> ExitCode {
    // The project handoffs, whatever task or file this shell is on.
    let env = &env.without_var("HANDOFF_TASK").without_var("HANDOFF_FILE");
    let dirs = if args.dirs.is_empty() {
        vec![env.cwd.clone()]
    } else {
        args.dirs.iter().map(|d| env.cwd.join(d)).collect()
    };
    let mut found: Vec<(PathBuf, String)> = Vec::new();
    for dir in &dirs {
        let mut roots = Vec::new();
        find_projects(dir, args.depth, &mut roots);
        for root in roots {
            let shown = match root.strip_prefix(dir) {
                Ok(rel) if !rel.as_os_str().is_empty() => project::display_relative(dir, &root),
                _ => dir.file_name().map_or_else(
                    || dir.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
            };
            if !found.iter().any(|(r, _)| *r == root) {
                found.push((root, shown));
            }
        }
    }
    let mut rows = read_all(&found, env);
    // Stalest first: most commits behind, then the oldest update.
    rows.sort_by(|a, b| {
        b.commits_since
            .unwrap_or(0)
            .cmp(&a.commits_since.unwrap_or(0))
            .then(a.modified_at.cmp(&b.modified_at))
            .then(a.project.cmp(&b.project))
    });
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
    } else if rows.is_empty() {
        let places: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        println!(
            "No project with a handoff under {} (looked {} folders down; --depth changes it).",
            places.join(", "),
            args.depth
        );
    } else {
        print!("{}", table(&rows));
    }
    ExitCode::SUCCESS
}

/// Whether `dir` is a project with a handoff: its config, or the default handoff, is there.
fn is_project(dir: &Path) -> bool {
    dir.join(config::CONFIG_PATH).is_file() || dir.join(config::DEFAULT_PATH).is_file()
}

/// Projects at or below `dir`, at most `depth` folders down; hidden folders, dependencies, build
/// output and symbolic links are not entered.
fn find_projects(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if is_project(dir) {
        out.push(dir.to_path_buf());
    }
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && !SKIP.contains(&name.as_ref())
        })
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        find_projects(&sub, depth - 1, out);
    }
}

/// Read every project, a few at a time.
fn read_all(found: &[(PathBuf, String)], env: &Env) -> Vec<Row> {
    let workers = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .saturating_mul(4)
        .clamp(1, 16)
        .min(found.len().max(1));
    let next = AtomicUsize::new(0);
    let rows = Mutex::new(Vec::with_capacity(found.len()));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((root, shown)) = found.get(i) else {
                    break;
                };
                if let Some(row) = read_one(root, shown, env) {
                    rows.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(row);
                }
            });
        }
    });
    rows.into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read_one(root: &Path, shown: &str, env: &Env) -> Option<Row> {
    let project = Project::at(env, root.to_path_buf());
    for warning in &project.config.warnings {
        eprintln!("handoff: {shown}: {warning}");
    }
    let path = match project.handoff() {
        Ok(path) => path,
        Err(refused) => {
            eprintln!("handoff: {shown}: {refused}");
            return None;
        }
    };
    let text = crate::confine::read_regular(path, crate::confine::MAX_HANDOFF_BYTES).ok()?;
    let text = String::from_utf8_lossy(&text);
    let modified_at = project.handoff_modified();
    let git = project
        .staleness(staleness::COMMAND_DEADLINE)
        .ok()
        .flatten();
    let structure = view::structure(&text);
    let items = |role: Role| {
        structure
            .sections
            .iter()
            .find(|s| s.role == Some(role))
            .map(|s| s.items.clone())
            .unwrap_or_default()
    };
    let next = items(Role::Next).into_iter().next().map(|i| describe(&i));
    let failed = newest(items(Role::Failed)).map(|i| describe(&i));
    let log = session_log::tail(&project.session_log());
    let sessions_since = match modified_at {
        Some(m) => session_log::sessions_since(&log, m),
        None => 0,
    };
    Some(Row {
        project: shown.to_string(),
        path: project.root.display().to_string(),
        handoff: project.handoff_display.clone(),
        modified: modified_at.map(timefmt::rfc3339),
        age: modified_at.map(|m| timefmt::age(m, env.now)),
        commits_since: git.as_ref().map(|g| g.commits_since),
        more: git.as_ref().is_some_and(|g| g.more),
        next,
        failed,
        sessions_since,
        queue: queue_row(&project, shown, env),
        wave: project
            .config
            .fleet
            .waves
            .as_deref()
            .and_then(|w| waves::current(&project.root, w)),
        modified_at,
    })
}

/// The newest item: the latest timestamp when items have them, else the last one.
fn newest(items: Vec<Item>) -> Option<Item> {
    let stamped = items
        .iter()
        .filter(|i| i.timestamp.is_some())
        .max_by(|a, b| a.timestamp.cmp(&b.timestamp))
        .cloned();
    stamped.or_else(|| items.into_iter().last())
}

/// "P0 ship it"
fn describe(item: &Item) -> String {
    match &item.priority {
        Some(p) => format!("{p} {}", item.text),
        None => item.text.clone(),
    }
}

/// Cut to `max` characters, with an ellipsis.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn table(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|r| r.project.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(7, 32);
    // Queue and wave columns only where some project works as a pipeline.
    let fleet = rows.iter().any(|r| r.queue.is_some() || r.wave.is_some());
    let fleet_head = if fleet {
        format!(
            "{:>7}  {:>7}  {:>5}  {:<14}  {:>4}  ",
            "PENDING", "CLAIMED", "DONE", "OLDEST CLAIM", "WAVE"
        )
    } else {
        String::new()
    };
    let mut out = format!(
        "{:<width$}  {:<14}  {:>7}  {:>8}  {fleet_head}{:<36}  NEWEST FAILURE\n",
        "PROJECT", "UPDATED", "COMMITS", "SESSIONS", "NEXT"
    );
    for r in rows {
        let commits = match r.commits_since {
            Some(n) if r.more => format!("{n}+"),
            Some(n) => n.to_string(),
            None => "-".into(),
        };
        let fleet_cells = if fleet {
            let q = r.queue.as_ref();
            let n = |f: fn(&QueueRow) -> usize| q.map_or_else(|| "-".into(), |q| f(q).to_string());
            format!(
                "{:>7}  {:>7}  {:>5}  {:<14}  {:>4}  ",
                n(|q| q.pending),
                n(|q| q.claimed),
                n(|q| q.done),
                q.and_then(|q| q.oldest_claim_age.as_deref()).unwrap_or("-"),
                r.wave.map_or_else(|| "-".into(), |w| w.to_string()),
            )
        } else {
            String::new()
        };
        let line = format!(
            "{:<width$}  {:<14}  {commits:>7}  {:>8}  {fleet_cells}{:<36}  {}",
            fit(&r.project, width),
            r.age.as_deref().unwrap_or("-"),
            r.sessions_since,
            fit(r.next.as_deref().unwrap_or("-"), 36),
            fit(r.failed.as_deref().unwrap_or("-"), 40),
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_failure_prefers_timestamps() {
        let item = |text: &str, ts: Option<&str>| Item {
            text: text.into(),
            timestamp: ts.map(Into::into),
            ..Item::default()
        };
        let items = vec![
            item("b", Some("2026-11-21T10:00:00Z")),
            item("a", Some("2026-11-20")),
            item("plain", None),
        ];
        assert_eq!(newest(items).unwrap().text, "b");
        assert_eq!(
            newest(vec![item("x", None), item("y", None)]).unwrap().text,
            "y"
        );
        assert_eq!(newest(vec![]), None);
    }

    #[test]
    fn cells_are_cut_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("日本語テキスト", 3), "日本…");
    }

    #[test]
    fn finds_projects_but_not_in_skipped_folders() {
        let dir = tempfile::tempdir().unwrap();
        let mk = |rel: &str| {
            let p = dir.path().join(rel);
            crate::fs_atomic::write(&p, b"# H\n", crate::fs_atomic::Durability::Fast).unwrap();
        };
        mk("a/docs/SESSION-HANDOFF.md");
        mk("b/.claude/handoff.json");
        mk("group/c/docs/SESSION-HANDOFF.md");
        mk("node_modules/x/docs/SESSION-HANDOFF.md");
        mk("target/y/docs/SESSION-HANDOFF.md");
        mk(".hidden/z/docs/SESSION-HANDOFF.md");
        mk("deep/1/2/3/docs/SESSION-HANDOFF.md");
        let mut out = Vec::new();
        find_projects(dir.path(), 3, &mut out);
        let names: Vec<String> = out
            .iter()
            .map(|p| project::display_relative(dir.path(), p))
            .collect();
        assert_eq!(names, ["a", "b", "group/c"]);
    }
}
