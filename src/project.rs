//! Where things live: the project root, its handoff file, and its private state folder.
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::env::Env;

/// A project as `handoff` sees it.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project root: `$CLAUDE_PROJECT_DIR`, else the event's `cwd`, else the current directory.
    pub root: PathBuf,
    /// Settings from `.claude/handoff.json`.
    pub config: Config,
    /// The handoff file, absolute.
    pub handoff: PathBuf,
    /// The handoff file as shown to people and the model: relative to the root, with `/`.
    pub handoff_display: String,
    /// This project's state folder (outside the work tree, so it never shows in `git status`).
    pub state_dir: PathBuf,
}

impl Project {
    /// Find the project for this process; `event_cwd` is the hook event's `cwd`, if any.
    pub fn discover(env: &Env, event_cwd: Option<&str>) -> Self {
        let root = env
            .var("CLAUDE_PROJECT_DIR")
            .map(PathBuf::from)
            .or_else(|| event_cwd.filter(|s| !s.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| env.cwd.clone());
        Self::at(env, root)
    }

    /// The project rooted at `root`.
    pub fn at(env: &Env, root: PathBuf) -> Self {
        let root = if root.is_absolute() {
            root
        } else {
            env.cwd.join(root)
        };
        let config = Config::load(&root);
        let handoff = root.join(&config.path);
        let handoff_display = display_relative(&root, &handoff);
        let state_dir = state_root(env).join("projects").join(project_key(&root));
        Self {
            root,
            config,
            handoff,
            handoff_display,
            state_dir,
        }
    }

    /// Folder of per-session state files.
    pub fn sessions_dir(&self) -> PathBuf {
        self.state_dir.join("sessions")
    }

    /// Folder of dated copies of the handoff, saved before each compaction.
    pub fn history_dir(&self) -> PathBuf {
        self.state_dir.join("history")
    }

    /// The session log: one JSON line per finished session.
    pub fn session_log(&self) -> PathBuf {
        self.state_dir.join("sessions.jsonl")
    }
}

/// The root of all of `handoff`'s state: `$HANDOFF_STATE_DIR`, else `$CLAUDE_PLUGIN_DATA/state` when
/// running as a plugin, else `$XDG_STATE_HOME/handoff`, else `~/.local/state/handoff`.
pub fn state_root(env: &Env) -> PathBuf {
    if let Some(dir) = env.var("HANDOFF_STATE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = env.var("CLAUDE_PLUGIN_DATA") {
        return Path::new(dir).join("state");
    }
    if let Some(dir) = env.var("XDG_STATE_HOME") {
        return Path::new(dir).join("handoff");
    }
    if let Some(dir) = env.var("LOCALAPPDATA") {
        return Path::new(dir).join("handoff");
    }
    match env.home() {
        Some(home) => home.join(".local").join("state").join("handoff"),
        None => std::env::temp_dir().join("handoff-state"),
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
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `path` relative to `root` when inside it, with `/` separators; else `path` as it is.
pub fn display_relative(root: &Path, path: &Path) -> String {
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
    use chrono::Utc;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> Env {
        let vars: BTreeMap<_, _> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        Env::new(vars, Utc::now(), PathBuf::from("/work/here"))
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
            p.handoff,
            PathBuf::from("/nonexistent/p/docs/SESSION-HANDOFF.md")
        );
        assert_eq!(p.handoff_display, "docs/SESSION-HANDOFF.md");
    }

    #[test]
    fn state_root_order() {
        assert_eq!(
            state_root(&env(&[("HANDOFF_STATE_DIR", "/s"), ("HOME", "/h")])),
            PathBuf::from("/s")
        );
        assert_eq!(
            state_root(&env(&[("CLAUDE_PLUGIN_DATA", "/d"), ("HOME", "/h")])),
            PathBuf::from("/d/state")
        );
        assert_eq!(
            state_root(&env(&[("HOME", "/h")])),
            PathBuf::from("/h/.local/state/handoff")
        );
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
