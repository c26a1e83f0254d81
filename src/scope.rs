//! The settings files Claude Code reads hooks from, and where they live.
use std::path::{Path, PathBuf};

use crate::env::Env;

/// Which settings file to edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Scope {
    /// `.claude/settings.json`: shared with everyone who clones the project.
    #[default]
    Project,
    /// `.claude/settings.local.json`: this checkout only (not committed).
    Local,
    /// `~/.claude/settings.json`: every project of this user.
    User,
}

impl Scope {
    /// Every scope, in the order Claude Code's docs list them.
    pub(crate) const ALL: [Scope; 3] = [Scope::User, Scope::Project, Scope::Local];

    /// The scope's name as typed on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scope::Project => "project",
            Scope::Local => "local",
            Scope::User => "user",
        }
    }

    /// The scope's settings file for the project at `root`; `None` for `user` without a home.
    pub(crate) fn settings_path(self, root: &Path, env: &Env) -> Option<PathBuf> {
        match self {
            Scope::Project => Some(root.join(".claude").join("settings.json")),
            Scope::Local => Some(root.join(".claude").join("settings.local.json")),
            Scope::User => claude_dir(env).map(|d| d.join("settings.json")),
        }
    }
}

/// Claude Code's own folder: `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
pub(crate) fn claude_dir(env: &Env) -> Option<PathBuf> {
    env.var("CLAUDE_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| env.home().map(|h| h.join(".claude")))
}

/// A path as shown to the user: relative inside the project, `~/…` inside the home folder.
pub(crate) fn display(path: &Path, root: &Path, env: &Env) -> String {
    if let Ok(rel) = path.strip_prefix(root) {
        return crate::project::display_relative(root, &root.join(rel));
    }
    if let Some(home) = env.home() {
        if let Ok(rel) = path.strip_prefix(&home) {
            return format!(
                "~/{}",
                crate::project::display_relative(&home, &home.join(rel))
            );
        }
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::for_test(pairs, "/p")
    }

    #[test]
    fn settings_paths() {
        let e = env(&[("HOME", "/h")]);
        let root = Path::new("/p");
        let cases = [
            (Scope::Project, "/p/.claude/settings.json"),
            (Scope::Local, "/p/.claude/settings.local.json"),
            (Scope::User, "/h/.claude/settings.json"),
        ];
        for (scope, want) in cases {
            assert_eq!(scope.settings_path(root, &e), Some(PathBuf::from(want)));
        }
        let e = env(&[("HOME", "/h"), ("CLAUDE_CONFIG_DIR", "/c")]);
        assert_eq!(
            Scope::User.settings_path(root, &e),
            Some(PathBuf::from("/c/settings.json"))
        );
    }

    #[test]
    fn display_paths() {
        let e = env(&[("HOME", "/h")]);
        let root = Path::new("/h/p");
        let cases = [
            ("/h/p/.claude/settings.json", ".claude/settings.json"),
            ("/h/.claude/settings.json", "~/.claude/settings.json"),
            ("/elsewhere/x", "/elsewhere/x"),
        ];
        for (path, want) in cases {
            assert_eq!(display(Path::new(path), root, &e), want);
        }
    }
}
