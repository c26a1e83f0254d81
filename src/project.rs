//! Where things live: the project root, its handoff file, and its private state folder.
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::confine::{self, Named, Refused};
use crate::env::Env;

/// A project as `handoff` sees it.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    /// The project root ([`find_root`]).
    pub root: PathBuf,
    /// Settings from `.claude/handoff.json`.
    pub config: Config,
    /// The handoff file to read and write, or why it is refused; see [`Project::handoff`].
    handoff: Result<PathBuf, Refused>,
    /// The handoff file as configured, joined to the root: what an edit of it is called.
    handoff_named: PathBuf,
    /// The handoff file as shown to people and the model: relative to the root, with `/`.
    pub handoff_display: String,
    /// The task whose memory file is [`Project::handoff`] (`--task`, `$HANDOFF_TASK`), if any.
    pub task: Option<String>,
    /// The project-wide handoff as shown to people and the model; it differs from
    /// [`Project::handoff`] when a task is selected.
    #[allow(clippy::struct_field_names)] // the project's handoff, as against a task's
    pub project_handoff_display: String,
    /// This project's (or task's) state folder, outside the work tree so it never shows in
    /// `git status`; each task has its own.
    pub state_dir: PathBuf,
    /// Where all of `handoff`'s state lives ([`state_root`]).
    pub state_root: PathBuf,
}

/// Why a folder is the project root, for the line that names it when it isn't the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RootFrom {
    /// `$CLAUDE_PROJECT_DIR`.
    ProjectDir,
    /// It holds `.claude/handoff.json`.
    Config,
    /// It holds `.claude/`.
    ClaudeFolder,
    /// It holds the handoff (at the default path).
    Handoff,
    /// It is the git work tree's top.
    Git,
    /// Nothing above says otherwise.
    Cwd,
}

impl RootFrom {
    /// What chose the root, as the notice names it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            RootFrom::ProjectDir => "$CLAUDE_PROJECT_DIR",
            RootFrom::Config => crate::config::CONFIG_PATH,
            RootFrom::ClaudeFolder => ".claude/",
            RootFrom::Handoff => crate::config::DEFAULT_PATH,
            RootFrom::Git => "the git work tree",
            RootFrom::Cwd => "the current folder",
        }
    }
}

/// The project root every command and hook uses: `$CLAUDE_PROJECT_DIR` when set, else the nearest
/// folder at or above `start` holding `.claude/handoff.json`, else the nearest holding `.claude/`
/// or the default handoff, else the git work tree's top, else `start`. The `.claude/` of Claude
/// Code's own folder (`~/.claude`) is the user's, not a project's.
pub(crate) fn find_root(env: &Env, start: &Path) -> (PathBuf, RootFrom) {
    if let Some(dir) = env.var("CLAUDE_PROJECT_DIR") {
        return (absolute(env, Path::new(dir)), RootFrom::ProjectDir);
    }
    let start = absolute(env, start);
    let users = crate::scope::claude_dir(env);
    let claude_folder = |dir: &Path| {
        let folder = dir.join(".claude");
        Some(&folder) != users.as_ref() && folder.is_dir()
    };
    let nearest = |holds: &dyn Fn(&Path) -> Option<RootFrom>| {
        start
            .ancestors()
            .find_map(|dir| holds(dir).map(|from| (dir.to_path_buf(), from)))
    };
    nearest(&|dir| {
        (claude_folder(dir) && dir.join(crate::config::CONFIG_PATH).is_file())
            .then_some(RootFrom::Config)
    })
    .or_else(|| {
        nearest(&|dir| {
            if claude_folder(dir) {
                Some(RootFrom::ClaudeFolder)
            } else {
                dir.join(crate::config::DEFAULT_PATH)
                    .is_file()
                    .then_some(RootFrom::Handoff)
            }
        })
    })
    .or_else(|| nearest(&|dir| dir.join(".git").exists().then_some(RootFrom::Git)))
    .unwrap_or((start, RootFrom::Cwd))
}

/// The line a command prints on stderr when its project root is not the current folder, so
/// nobody wonders which handoff it read or wrote.
pub(crate) fn root_notice(env: &Env) -> Option<String> {
    let (root, from) = find_root(env, &env.cwd);
    (root != env.cwd).then(|| {
        format!(
            "handoff: project root: {} (from {})",
            root.display(),
            from.describe()
        )
    })
}

fn absolute(env: &Env, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        env.cwd.join(path)
    }
}

impl Project {
    /// The project of a hook event: [`find_root`] from the event's `cwd` (else the current folder).
    pub(crate) fn discover(env: &Env, event_cwd: Option<&str>) -> Self {
        let start = event_cwd
            .filter(|s| !s.is_empty())
            .map_or_else(|| env.cwd.clone(), PathBuf::from);
        Self::at(env, find_root(env, &start).0)
    }

    /// The project a command works on: [`find_root`] from the current folder.
    pub(crate) fn for_command(env: &Env) -> Self {
        Self::at(env, find_root(env, &env.cwd).0)
    }

    /// The project rooted at `root`; `$HANDOFF_TASK` selects a task's memory file, and
    /// `$HANDOFF_FILE` (the user's own choice, so it may be anywhere) replaces the configured
    /// handoff.
    pub(crate) fn at(env: &Env, root: PathBuf) -> Self {
        let root = if root.is_absolute() {
            root
        } else {
            env.cwd.join(root)
        };
        let config = Config::load(&root);
        let users_file = env.var("HANDOFF_FILE").map(|f| env.cwd.join(f));
        let project_handoff = users_file
            .clone()
            .unwrap_or_else(|| root.join(&config.path));
        let project_handoff_display = display_relative(&root, &project_handoff);
        let state_root = state_root(env);
        let mut state_dir = state_root.join("projects").join(project_key(&root));
        // An id `--task` would refuse is passed over here (the project's handoff is used);
        // [`bad_task`] says so.
        let task = env.var("HANDOFF_TASK").and_then(|id| parse_task(id).ok());
        let (handoff_named, handoff) = match (&task, users_file) {
            (Some(id), _) => {
                let key = task_key(id);
                state_dir = state_dir.join("tasks").join(&key);
                let named = config.task_path.replace("{task}", &key);
                let checked = confine::file(&root, Path::new(&named), Named::Task);
                (root.join(named), checked)
            }
            (None, Some(file)) => (file.clone(), confine::users_file(&file)),
            (None, None) => {
                let checked = confine::file(&root, Path::new(&config.path), Named::Handoff);
                (project_handoff, checked)
            }
        };
        let handoff_display = display_relative(&root, &handoff_named);
        Self {
            root,
            config,
            handoff,
            handoff_named,
            handoff_display,
            task,
            project_handoff_display,
            state_dir,
            state_root,
        }
    }

    /// The handoff file to read and write: the configured one with the symlinks inside the project
    /// resolved, or why it is refused (it leads outside the project or into `.git`, or is not a
    /// regular file), in which case nothing may read or write it.
    pub(crate) fn handoff(&self) -> Result<&Path, Refused> {
        self.handoff.as_deref().map_err(Clone::clone)
    }

    /// Why the handoff is refused, if it is.
    pub(crate) fn refused(&self) -> Option<&Refused> {
        self.handoff.as_ref().err()
    }

    /// Whether the handoff exists (a refused one doesn't, as far as anyone may tell).
    pub(crate) fn handoff_exists(&self) -> bool {
        self.handoff().is_ok_and(Path::exists)
    }

    /// Whether `path` (from the transcript) names the handoff, as configured or as resolved.
    pub(crate) fn is_handoff(&self, path: &Path) -> bool {
        let resolved = self.handoff.as_deref().ok();
        [Some(self.handoff_named.as_path()), resolved]
            .into_iter()
            .flatten()
            .any(|h| h == path || h.ends_with(path))
    }

    /// The project's name: its folder's.
    pub(crate) fn name(&self) -> String {
        self.root.file_name().map_or_else(
            || "this project".into(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Git's view of the handoff's age, from the cache in the state folder when HEAD and the
    /// handoff haven't moved (hooks, `status`, `check` and `overview` share it); git gets
    /// `deadline` to answer.
    pub(crate) fn staleness(
        &self,
        deadline: std::time::Duration,
    ) -> Result<Option<crate::staleness::Staleness>, crate::git::GitError> {
        self.start_staleness(deadline).finish()
    }

    /// [`Self::staleness`], started now and finished when it is needed: git runs meanwhile.
    pub(crate) fn start_staleness(
        &self,
        deadline: std::time::Duration,
    ) -> crate::staleness::Pending {
        let Ok(handoff) = self.handoff() else {
            return crate::staleness::Pending::nothing();
        };
        let cache = self.state_dir.join("staleness.json");
        crate::staleness::start(&self.root, handoff, &cache, deadline)
    }

    /// When the handoff last changed, if it exists.
    pub(crate) fn handoff_modified(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        std::fs::metadata(self.handoff().ok()?)
            .and_then(|m| m.modified())
            .ok()
            .map(crate::timefmt::from_system)
    }

    /// The folder of postmortems, shared by every task, or why it is refused.
    pub(crate) fn postmortems_dir(&self) -> Result<PathBuf, Refused> {
        confine::folder(&self.root, Path::new(POSTMORTEMS_DIR), Named::Postmortems)
    }

    /// The lock taken around every read-modify-write of the handoff. It lives in the state root,
    /// keyed by the handoff's real path, so every process that edits the file takes the same lock
    /// whichever way it named the project.
    pub(crate) fn lock_file(&self) -> PathBuf {
        let handoff = self.handoff().unwrap_or(&self.handoff_named);
        let real = handoff
            .parent()
            .and_then(|dir| std::fs::canonicalize(dir).ok())
            .zip(handoff.file_name())
            .map_or_else(|| handoff.to_path_buf(), |(dir, name)| dir.join(name));
        let key = fnv1a64(real.to_string_lossy().as_bytes());
        self.state_root
            .join("locks")
            .join(format!("{key:016x}.lock"))
    }

    /// Folder of per-session state files.
    pub(crate) fn sessions_dir(&self) -> PathBuf {
        self.state_dir.join("sessions")
    }

    /// Folder of dated copies of the handoff, saved before each compaction.
    pub(crate) fn history_dir(&self) -> PathBuf {
        self.state_dir.join("history")
    }

    /// Folder of the previous content of the settings files `install` and `uninstall` change:
    /// the project's state, shared by its tasks, so no backup lands in the work tree.
    pub(crate) fn backups_dir(&self) -> PathBuf {
        self.state_root
            .join("projects")
            .join(project_key(&self.root))
            .join("backups")
    }

    /// The session log: one JSON line per finished session.
    pub(crate) fn session_log(&self) -> PathBuf {
        self.state_dir.join("sessions.jsonl")
    }
}

/// Postmortems, relative to the project root.
pub(crate) const POSTMORTEMS_DIR: &str = "docs/postmortems";

/// A `$HANDOFF_TASK` that `--task` would refuse, and why (the project's handoff is used instead).
pub(crate) fn bad_task(env: &Env) -> Option<String> {
    let id = env.var("HANDOFF_TASK")?;
    parse_task(id)
        .err()
        .map(|e| format!("$HANDOFF_TASK {id:?} is not a task id ({e})"))
}

/// A `--task` that can't name a task.
#[derive(Debug, thiserror::Error)]
#[error("a task id is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")]
pub(crate) struct BadTask;

/// Whether `id` can name a task: letters, digits, `.`, `_` and `-`, not starting with `.`, at most
/// 64 characters. (A clap value parser, so `--task ../x` is a usage error.)
pub(crate) fn parse_task(id: &str) -> Result<String, BadTask> {
    if task_key(id) == id {
        Ok(id.to_string())
    } else {
        Err(BadTask)
    }
}

/// A task id as a file-name-safe key: the id itself when it is safe, else its safe characters
/// plus a hash of the whole (so a `$HANDOFF_TASK` of `../x` can't leave the project).
pub(crate) fn task_key(id: &str) -> String {
    let safe = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if safe {
        return id.to_string();
    }
    let kept: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(32)
        .collect();
    format!("{kept}-{:08x}", fnv1a64(id.as_bytes()) as u32)
}

/// The root of all of `handoff`'s state: `$HANDOFF_STATE_DIR`, else `$XDG_STATE_HOME/handoff`, else
/// `~/.local/state/handoff`, however the hooks were installed: a command run from a shell never
/// sees `$CLAUDE_PLUGIN_DATA`, so the plugin's data folder is used only without a home folder. A
/// relative value is ignored, as the XDG rules say: it would put the state inside whatever folder
/// we run in.
pub(crate) fn state_root(env: &Env) -> PathBuf {
    let absolute = |key: &str| env.var(key).map(Path::new).filter(|p| p.is_absolute());
    if let Some(dir) = absolute("HANDOFF_STATE_DIR") {
        return dir.to_path_buf();
    }
    if let Some(dir) = absolute("XDG_STATE_HOME") {
        return dir.join("handoff");
    }
    if let Some(dir) = absolute("LOCALAPPDATA") {
        return dir.join("handoff");
    }
    match (env.home(), absolute("CLAUDE_PLUGIN_DATA")) {
        (Some(home), _) => home.join(".local").join("state").join("handoff"),
        (None, Some(dir)) => dir.join("state"),
        (None, None) => std::env::temp_dir().join("handoff-state"),
    }
}

/// A folder name for a project: its last path component (readable) plus a hash of the whole path
/// (unique, and short enough for any file system).
pub fn project_key(root: &Path) -> String {
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(48)
        .collect();
    let hash = fnv1a64(root.to_string_lossy().as_bytes());
    if name.is_empty() {
        format!("{hash:016x}")
    } else {
        format!("{name}-{hash:016x}")
    }
}

/// FNV-1a, 64 bit: a stable hash (unlike std's, which may change between Rust releases).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `path` relative to `root` when inside it, with `/` separators; else `path` as it is.
pub(crate) fn display_relative(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::for_test(pairs, "/work/here")
    }

    #[test]
    fn root_prefers_project_dir_then_event_cwd_then_cwd() {
        let e = env(&[("CLAUDE_PROJECT_DIR", "/p"), ("HOME", "/h")]);
        assert_eq!(Project::discover(&e, Some("/c")).root, PathBuf::from("/p"));
        let e = env(&[("HOME", "/h")]);
        assert_eq!(Project::discover(&e, Some("/c")).root, PathBuf::from("/c"));
        assert_eq!(
            Project::discover(&e, Some("")).root,
            PathBuf::from("/work/here")
        );
        assert_eq!(
            Project::discover(&e, None).root,
            PathBuf::from("/work/here")
        );
    }

    #[test]
    fn handoff_path_defaults_and_displays_relative() {
        let p = Project::discover(&env(&[("HOME", "/h")]), Some("/nonexistent/p"));
        assert_eq!(
            p.handoff().unwrap(),
            Path::new("/nonexistent/p/docs/SESSION-HANDOFF.md")
        );
        assert_eq!(p.handoff_display, "docs/SESSION-HANDOFF.md");
    }

    #[test]
    fn state_root_order() {
        assert_eq!(
            state_root(&env(&[("HANDOFF_STATE_DIR", "/s"), ("HOME", "/h")])),
            PathBuf::from("/s")
        );
        // The plugin's hooks and a shell share one state folder: the plugin's is only a fallback.
        assert_eq!(
            state_root(&env(&[("CLAUDE_PLUGIN_DATA", "/d"), ("HOME", "/h")])),
            PathBuf::from("/h/.local/state/handoff")
        );
        assert_eq!(
            state_root(&env(&[
                ("CLAUDE_PLUGIN_DATA", "/d"),
                ("XDG_STATE_HOME", "/x")
            ])),
            PathBuf::from("/x/handoff")
        );
        assert_eq!(
            state_root(&env(&[("CLAUDE_PLUGIN_DATA", "/d")])),
            PathBuf::from("/d/state")
        );
        assert_eq!(
            state_root(&env(&[("HOME", "/h")])),
            PathBuf::from("/h/.local/state/handoff")
        );
    }

    #[test]
    fn relative_state_folders_are_ignored() {
        for key in [
            "HANDOFF_STATE_DIR",
            "CLAUDE_PLUGIN_DATA",
            "XDG_STATE_HOME",
            "LOCALAPPDATA",
        ] {
            assert_eq!(
                state_root(&env(&[(key, "state"), ("HOME", "/h")])),
                PathBuf::from("/h/.local/state/handoff"),
                "{key}"
            );
        }
        assert_eq!(
            state_root(&env(&[
                ("HANDOFF_STATE_DIR", "./s"),
                ("XDG_STATE_HOME", "/x")
            ])),
            PathBuf::from("/x/handoff")
        );
    }

    #[test]
    fn a_task_has_its_own_file_and_state() {
        let plain = Project::discover(&env(&[("HOME", "/h")]), Some("/p"));
        let e = env(&[("HOME", "/h"), ("HANDOFF_TASK", "T-1")]);
        let task = Project::discover(&e, Some("/p"));
        assert_eq!(
            task.handoff().unwrap(),
            Path::new("/p/working/T-1/session_memory.md")
        );
        assert_eq!(task.handoff_display, "working/T-1/session_memory.md");
        assert_eq!(task.project_handoff_display, plain.handoff_display);
        assert_eq!(task.state_dir, plain.state_dir.join("tasks/T-1"));
        assert_ne!(task.lock_file(), plain.lock_file());
        let other = Project::discover(&env(&[("HOME", "/h"), ("HANDOFF_TASK", "T-2")]), Some("/p"));
        assert_ne!(task.sessions_dir(), other.sessions_dir());
        assert_ne!(task.session_log(), other.session_log());
        assert_ne!(task.history_dir(), other.history_dir());
    }

    #[test]
    fn a_task_env_var_that_task_would_refuse_is_passed_over() {
        for id in ["../../etc", "a/b", ".hidden"] {
            let e = env(&[("HOME", "/h"), ("HANDOFF_TASK", id)]);
            let p = Project::discover(&e, Some("/p"));
            assert_eq!(p.task, None, "{id:?}");
            assert_eq!(p.handoff_display, "docs/SESSION-HANDOFF.md", "{id:?}");
            assert!(
                bad_task(&e).is_some_and(|w| w.contains("HANDOFF_TASK")),
                "{id:?}"
            );
        }
        assert_eq!(bad_task(&env(&[("HANDOFF_TASK", "T-1")])), None);
        assert_eq!(bad_task(&env(&[])), None);
    }

    #[test]
    fn task_ids_are_checked_and_made_safe() {
        for (id, ok) in [
            ("T-1", true),
            ("feature.login_2", true),
            ("", false),
            (".hidden", false),
            ("../x", false),
            ("a/b", false),
            ("with space", false),
        ] {
            assert_eq!(parse_task(id).is_ok(), ok, "{id:?}");
            let key = task_key(id);
            assert!(
                !key.contains(['/', '\\', ' ']) && !key.starts_with('.'),
                "{key}"
            );
        }
        assert_ne!(task_key("a/b"), task_key("a\\b"));
    }

    #[test]
    fn the_handoff_is_confined_unless_the_user_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("app");
        let config = root.join(crate::config::CONFIG_PATH);
        crate::fs_atomic::write(
            &config,
            br#"{"path":"../x.md"}"#,
            crate::fs_atomic::Durability::Fast,
        )
        .unwrap();
        let e = env(&[("HOME", "/h")]);
        let p = Project::at(&e, root.clone());
        assert_eq!(p.refused().map(|r| r.named.as_str()), Some("../x.md"));
        assert!(!p.handoff_exists());
        let mine = dir.path().join("mine.md");
        let p = Project::at(
            &e.with_var("HANDOFF_FILE", &mine.display().to_string()),
            root,
        );
        assert_eq!(p.handoff().unwrap(), mine);
        assert_eq!(p.handoff_display, mine.display().to_string());
        assert_eq!(p.project_handoff_display, p.handoff_display);
    }

    #[test]
    fn commands_find_the_project_above_the_current_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("app");
        std::fs::create_dir_all(root.join(".claude")).unwrap();
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        let config = root.join(".claude/handoff.json");
        crate::fs_atomic::write(&config, b"{}", crate::fs_atomic::Durability::Fast).unwrap();
        let vars = BTreeMap::from([("HOME".to_string(), "/h".to_string())]);
        let e = Env::new(vars, chrono::DateTime::UNIX_EPOCH, root.join("src/deep"));
        assert_eq!(Project::for_command(&e).root, root);
    }

    #[test]
    fn the_root_is_the_nearest_marker_in_order_and_never_the_users_claude_folder() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("home/repo");
        let deep = top.join("pkg/src/deep");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(dir.path().join("home/.claude")).unwrap();
        let home = dir.path().join("home").display().to_string();
        let e = Env::new(
            BTreeMap::from([("HOME".to_string(), home)]),
            chrono::DateTime::UNIX_EPOCH,
            deep.clone(),
        );
        let root = |e: &Env| find_root(e, &deep);
        // Nothing marks a project: ~/.claude is Claude Code's own folder, not one.
        assert_eq!(root(&e), (deep.clone(), RootFrom::Cwd));
        std::fs::create_dir_all(top.join(".git")).unwrap();
        assert_eq!(root(&e), (top.clone(), RootFrom::Git));
        let handoff = top.join("pkg").join(crate::config::DEFAULT_PATH);
        let fast = crate::fs_atomic::Durability::Fast;
        crate::fs_atomic::write(&handoff, b"# H\n", fast).unwrap();
        assert_eq!(root(&e), (top.join("pkg"), RootFrom::Handoff));
        std::fs::create_dir_all(deep.join(".claude")).unwrap();
        assert_eq!(root(&e), (deep.clone(), RootFrom::ClaudeFolder));
        std::fs::create_dir_all(top.join(".claude")).unwrap();
        crate::fs_atomic::write(&top.join(crate::config::CONFIG_PATH), b"{}", fast).unwrap();
        assert_eq!(root(&e), (top.clone(), RootFrom::Config));
        let e = e.with_var("CLAUDE_PROJECT_DIR", "/elsewhere");
        assert_eq!(
            root(&e),
            (PathBuf::from("/elsewhere"), RootFrom::ProjectDir)
        );
        assert_eq!(
            root_notice(&e).as_deref(),
            Some("handoff: project root: /elsewhere (from $CLAUDE_PROJECT_DIR)")
        );
        let here = e.with_var("CLAUDE_PROJECT_DIR", &deep.display().to_string());
        assert_eq!(root_notice(&here), None);
    }

    #[test]
    fn project_keys_are_readable_and_distinct() {
        let a = project_key(Path::new("/x/my app"));
        let b = project_key(Path::new("/y/my app"));
        assert!(a.starts_with("my_app-"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, project_key(Path::new("/x/my app")));
    }
}
