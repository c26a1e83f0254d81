//! Wiring a project into Claude Code, shared by `init`, `install`, `uninstall` and `doctor`: the
//! settings files and CLAUDE.md as files (read, back up, write through links), where the hooks
//! already run (a scope, the plugin), and the list of projects `install` wired, so one binary
//! can serve many projects and `install.sh --purge` can say which still use it.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::confine::{self, Named};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::fs_atomic::{self, Durability};
use crate::project::Project;
use crate::scope::{self, Scope};
use crate::settings::{self, SettingsError};

/// The settings file of `scope`, or an error that says how to fix a missing home folder.
pub(crate) fn settings_path(scope: Scope, project: &Project, env: &Env) -> Result<PathBuf> {
    let path = scope
        .settings_path(&project.root, env)
        .ok_or(Error::NoHome)?;
    // The project's own settings come with the repository: written only if they stay inside it.
    if let Ok(rel) = path.strip_prefix(&project.root) {
        crate::confine::file(&project.root, rel, crate::confine::Named::Settings)?;
    }
    Ok(path)
}

/// A settings error, naming the file and what to do.
pub(crate) fn settings_error(path: &Path, e: &SettingsError) -> Error {
    match e {
        SettingsError::Json(e) => Error::invalid_json(path, e),
        SettingsError::DuplicateKey {
            key,
            line,
            column,
            first_line,
        } => Error::DuplicateKey {
            path: path.to_path_buf(),
            line: *line,
            column: *column,
            first_line: *first_line,
            key: key.clone(),
        },
        SettingsError::Shape(problem) => Error::SettingsShape {
            path: path.to_path_buf(),
            problem: problem.clone(),
        },
    }
}

/// Settings and CLAUDE.md files are small; past this, something is wrong (a link to a device).
const MAX_TEXT_FILE: u64 = 8 * 1024 * 1024;

/// A file's text, or `None` if it doesn't exist; only a regular file is opened (a FIFO would hang).
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>> {
    match crate::confine::read_regular(path, MAX_TEXT_FILE) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|e| Error::NotUtf8 {
                shown: path.display().to_string(),
                byte: e.utf8_error().valid_up_to(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Write `new` atomically, first keeping the previous content (if any) in the project's state
/// folder; returns where, so the output can name it.
pub(crate) fn write_with_backup(
    path: &Path,
    old: Option<&str>,
    new: &str,
    project: &Project,
    scope: Scope,
) -> Result<Option<PathBuf>> {
    let backup = match old.filter(|t| !t.is_empty()) {
        Some(old) => {
            let backup = backup_path(path, project, scope);
            fs_atomic::write(&backup, old.as_bytes(), Durability::Synced)?;
            Some(backup)
        }
        None => None,
    };
    write_through(path, new)?;
    Ok(backup)
}

/// Where the previous content of `scope`'s settings file is kept: one backup per scope, replaced
/// by each change.
pub(crate) fn backup_path(path: &Path, project: &Project, scope: Scope) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "settings.json".into(), |n| n.to_string_lossy());
    project
        .backups_dir()
        .join(format!("{}-{name}.bak", scope.name()))
}

/// Whether `path` is a symbolic link.
pub(crate) fn is_symlink(path: &Path) -> bool {
    fs_err::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Write `text` atomically to `path`, or to the file it links to: settings kept in a dotfiles
/// repository and CLAUDE.md → AGENTS.md are often symlinks, and the link must survive.
pub(crate) fn write_through(path: &Path, text: &str) -> Result<()> {
    let target = if is_symlink(path) {
        fs_err::canonicalize(path)?
    } else {
        path.to_path_buf()
    };
    fs_atomic::write(&target, text.as_bytes(), Durability::Synced)?;
    Ok(())
}

/// A unified diff from `old` to `new`, both named `name`; empty when they are equal.
pub(crate) fn diff(old: &str, new: &str, name: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Warnings about entries in `text` that run `handoff hook` but aren't ours, so are left as they are.
pub(crate) fn lookalikes(text: &str, shown: &str) -> Vec<String> {
    settings::find_lookalikes(text)
        .iter()
        .map(|f| {
            format!(
                "{shown} also runs `{}` on {}, which `handoff install` leaves alone; if it repeats \
                 these hooks, remove it by hand, or handoff runs twice there",
                f.command_line(),
                f.event
            )
        })
        .collect()
}

/// CLAUDE.md at the project root, or `.claude/CLAUDE.md` if only that one exists.
pub(crate) fn claude_md_path(root: &Path) -> PathBuf {
    let top = root.join("CLAUDE.md");
    let inner = root.join(".claude").join("CLAUDE.md");
    if !top.exists() && inner.exists() {
        inner
    } else {
        top
    }
}

/// The CLAUDE.md at `path` as the file to read and write, refused when it leads outside the
/// project or isn't a regular file (a link inside the project leads to its target).
pub(crate) fn confined_claude_md(root: &Path, path: &Path) -> Result<PathBuf> {
    let named = path.strip_prefix(root).unwrap_or(path);
    Ok(confine::file(root, named, Named::ClaudeMd)?)
}

/// The scopes whose settings file already holds our hooks, each with the file as shown.
pub(crate) fn installed_scopes(project: &Project, env: &Env) -> Vec<(Scope, String)> {
    Scope::ALL
        .into_iter()
        .filter_map(|s| {
            let path = s.settings_path(&project.root, env)?;
            let text = read_optional(&path).ok().flatten()?;
            (!settings::find_ours(&text).is_empty())
                .then(|| (s, scope::display(&path, &project.root, env)))
        })
        .collect()
}

/// The settings file (as shown) that enables the handoff plugin for this project, if the plugin
/// is on: the narrowest scope that says either way decides (local, then project, then user), as
/// Claude Code reads them.
pub(crate) fn plugin_enabled_in(project: &Project, env: &Env) -> Option<String> {
    let (shown, on) = Scope::ALL.into_iter().rev().find_map(|s| {
        let path = s.settings_path(&project.root, env)?;
        let text = read_optional(&path).ok().flatten()?;
        let on = settings::plugin_setting(&serde_json::from_str::<Value>(&text).ok()?)?;
        Some((scope::display(&path, &project.root, env), on))
    })?;
    on.then_some(shown)
}

/// A project `install` wired: its root and the scope it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wired {
    /// The scope whose settings file holds the hooks.
    pub scope: Scope,
    /// The project root `install` ran in.
    pub root: PathBuf,
}

/// The list of wired projects, one `scope<TAB>root` line each, in the state root.
fn wired_list(state_root: &Path) -> PathBuf {
    state_root.join("wired.tsv")
}

fn parse_wired(text: &str) -> Vec<Wired> {
    text.lines()
        .filter_map(|line| {
            let (scope, root) = line.split_once('\t')?;
            let scope = Scope::ALL.into_iter().find(|s| s.name() == scope)?;
            Some(Wired {
                scope,
                root: PathBuf::from(root),
            })
        })
        .collect()
}

fn render_wired(list: &[Wired]) -> String {
    list.iter().fold(String::new(), |mut text, w| {
        let _ = writeln!(text, "{}\t{}", w.scope.name(), w.root.display());
        text
    })
}

/// Add (`add = true`) or drop `project`'s `scope` in the list of wired projects; a failure costs
/// only `install.sh --purge`'s listing, so it warns and carries on.
pub(crate) fn remember_or_warn(project: &Project, scope: Scope, add: bool) {
    let entry = Wired {
        scope,
        root: project.root.clone(),
    };
    if let Err(e) = remember(&project.state_root, &entry, add) {
        eprintln!("handoff: warning: could not update the list of wired projects: {e}");
    }
}

/// Add (`add = true`) or drop `entry` in the list of wired projects; concurrent runs take turns.
pub(crate) fn remember(state_root: &Path, entry: &Wired, add: bool) -> Result<()> {
    let path = wired_list(state_root);
    let lock = state_root.join("locks").join("wired.lock");
    fs_atomic::update(&path, &lock, |old| {
        let old = old.map(|b| String::from_utf8_lossy(&b).into_owned());
        let mut list = parse_wired(old.as_deref().unwrap_or_default());
        list.retain(|w| w != entry);
        if add {
            list.push(entry.clone());
        }
        let new = render_wired(&list);
        let changed = old.as_deref().unwrap_or_default() != new;
        Ok::<_, Error>((changed.then(|| new.into_bytes()), ()))
    })
}

/// The wired projects whose settings file still holds our hooks, each once (a user-scope wiring
/// is one file for every project).
pub(crate) fn still_wired(env: &Env) -> Vec<(Wired, PathBuf)> {
    let root = crate::project::state_root(env);
    let text = std::fs::read_to_string(wired_list(&root)).unwrap_or_default();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out = Vec::new();
    for wired in parse_wired(&text) {
        let Some(path) = wired.scope.settings_path(&wired.root, env) else {
            continue;
        };
        let holds_ours = read_optional(&path)
            .ok()
            .flatten()
            .is_some_and(|t| !settings::find_ours(&t).is_empty());
        if holds_ours && !seen.contains(&path) {
            seen.push(path.clone());
            out.push((wired, path));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wired_list_round_trips_and_skips_what_it_cannot_read() {
        let list = [
            Wired {
                scope: Scope::Project,
                root: PathBuf::from("/a b/c"),
            },
            Wired {
                scope: Scope::User,
                root: PathBuf::from("/d"),
            },
        ];
        let text = render_wired(&list);
        assert_eq!(text, "project\t/a b/c\nuser\t/d\n");
        assert_eq!(parse_wired(&text), list);
        for junk in ["", "\n", "nope\t/x\n", "project /x\n"] {
            assert_eq!(parse_wired(junk), [], "{junk:?}");
        }
    }

    #[test]
    fn remember_adds_once_and_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let a = Wired {
            scope: Scope::Local,
            root: PathBuf::from("/p/a"),
        };
        remember(dir.path(), &a, true).unwrap();
        remember(dir.path(), &a, true).unwrap();
        let text = std::fs::read_to_string(wired_list(dir.path())).unwrap();
        assert_eq!(parse_wired(&text), std::slice::from_ref(&a));
        remember(dir.path(), &a, false).unwrap();
        let text = std::fs::read_to_string(wired_list(dir.path())).unwrap();
        assert_eq!(text, "");
    }
}
