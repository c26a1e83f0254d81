//! The session boundary: the files a session reads first (`session.start`) and the ones it is
//! expected to write before it stops (`session.end`), as the config names them.
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::confine::{self, Named, Refused};

/// What a pattern's placeholders stand for in this session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Vars<'a> {
    /// `{task}`: the task id (`--task`, `$HANDOFF_TASK`).
    pub task: Option<&'a str>,
    /// `{wave}`: the wave (`--wave`, `$HANDOFF_WAVE`).
    pub wave: Option<u32>,
}

impl Vars<'_> {
    /// A wave's placeholders alone (a wave's folder knows no task).
    pub(crate) fn wave(n: u32) -> Self {
        Self {
            task: None,
            wave: Some(n),
        }
    }
}

/// `pattern` with `{task}` and `{wave}` filled in; `None` when it needs one this session lacks
/// (a task's plan means nothing outside a task).
pub(crate) fn fill(pattern: &str, vars: Vars<'_>) -> Option<String> {
    let mut out = pattern.to_string();
    if out.contains("{task}") {
        // The id as a safe file name, so `{task}` can never climb out of its folder.
        out = out.replace("{task}", &crate::project::task_key(vars.task?));
    }
    if out.contains("{wave}") {
        out = out.replace("{wave}", &vars.wave?.to_string());
    }
    Some(out)
}

/// A boundary file found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// As people read it: relative to the project root, `/` between folders.
    pub shown: String,
    /// The file to read.
    pub path: PathBuf,
}

/// The start files that exist, in the order the patterns give (a glob's matches sorted), each
/// once; files that lead outside the project are refused, not read.
pub(crate) fn start_files(
    root: &Path,
    patterns: &[String],
    vars: Vars<'_>,
) -> (Vec<Found>, Vec<Refused>) {
    let (mut found, mut refused) = (Vec::new(), Vec::new());
    for pattern in patterns.iter().filter_map(|p| fill(p, vars)) {
        for rel in super::glob::expand(root, &pattern) {
            match confine::file(root, &rel, Named::Fleet) {
                Ok(path) if path.is_file() => {
                    if !found.iter().any(|f: &Found| f.path == path) {
                        let shown = crate::project::display_relative(Path::new(""), &rel);
                        found.push(Found { shown, path });
                    }
                }
                Ok(_) => {}
                Err(r) => refused.push(r),
            }
        }
    }
    (found, refused)
}

/// The end patterns this session has not written since `since`: a plain file that is missing or
/// older, a glob none of whose matches is newer. Shown filled in, in the config's order.
pub(crate) fn unwritten_end_files(
    root: &Path,
    patterns: &[String],
    vars: Vars<'_>,
    since: SystemTime,
) -> Vec<String> {
    let written = |rel: &Path| {
        confine::file(root, rel, Named::Fleet)
            .ok()
            .and_then(|p| std::fs::metadata(p).ok())
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t >= since)
    };
    patterns
        .iter()
        .filter_map(|p| fill(p, vars))
        .filter(|pattern| {
            !super::glob::expand(root, pattern)
                .iter()
                .any(|rel| written(rel))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const TASK: Vars<'static> = Vars {
        task: Some("T-7"),
        wave: Some(3),
    };

    #[test]
    fn placeholders() {
        for (pattern, vars, want) in [
            ("plan/task-{task}.md", TASK, Some("plan/task-T-7.md")),
            (
                "discovery/wave-{wave}/*.md",
                TASK,
                Some("discovery/wave-3/*.md"),
            ),
            ("plan/task-{task}.md", Vars::default(), None),
            (
                "review/completed.md",
                Vars::default(),
                Some("review/completed.md"),
            ),
            (
                "x/{task}.md",
                Vars {
                    task: Some("../../etc"),
                    wave: None,
                },
                Some("x/etc-e2c00c1f.md"),
            ),
        ] {
            assert_eq!(fill(pattern, vars).as_deref(), want, "{pattern}");
        }
    }

    fn project(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::File::create(p).unwrap();
        }
        dir
    }

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn start_files_exist_in_order_once() {
        let dir = project(&["plan/task-T-7.md", "review/b.md", "review/a.md", "todo.md"]);
        let patterns = list(&[
            "todo.md",
            "plan/task-{task}.md",
            "missing.md",
            "review/*.md",
            "review/a.md",
        ]);
        let (found, refused) = start_files(dir.path(), &patterns, TASK);
        let shown: Vec<&str> = found.iter().map(|f| f.shown.as_str()).collect();
        assert_eq!(
            shown,
            ["todo.md", "plan/task-T-7.md", "review/a.md", "review/b.md"]
        );
        assert!(refused.is_empty());
        let (found, refused) = start_files(dir.path(), &list(&["../outside.md"]), TASK);
        assert!(found.is_empty());
        assert_eq!(refused.len(), 1);
    }

    #[test]
    fn end_files_not_written_since() {
        let dir = project(&["done.md", "review/findings-T-7.md", "old.md"]);
        // Fixed times: the session started at `since`; old.md was last written an hour before.
        let since = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        for (f, t) in [
            ("done.md", since + Duration::from_secs(10)),
            ("review/findings-T-7.md", since),
            ("old.md", since - Duration::from_secs(3600)),
        ] {
            std::fs::File::options()
                .write(true)
                .open(dir.path().join(f))
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
        let patterns = list(&[
            "done.md",
            "old.md",
            "missing.md",
            "review/findings-{task}.md",
            "review/*.md",
            "notes/*.md",
        ]);
        assert_eq!(
            unwritten_end_files(dir.path(), &patterns, TASK, since),
            ["old.md", "missing.md", "notes/*.md"]
        );
    }
}
