//! `handoff install`: add the hooks to a settings.json, keeping everything else in it.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::cli::InstallArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::fs_atomic::{self, Durability};
use crate::project::Project;
use crate::scope::{self, Scope};
use crate::settings::{self, Registration, SettingsError};

/// Install the hooks in the chosen scope and warn about copies elsewhere.
pub(crate) fn run(args: &InstallArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let path = settings_path(args.scope, &project, env)?;
    let shown = scope::display(&path, &project.root, env);
    let command = match &args.command {
        Some(c) => c.clone(),
        None => std::env::current_exe().map_err(Error::OwnPath)?,
    };
    let registration = Registration::with_command(&command.to_string_lossy());
    let old = read_optional(&path)?;
    let edit = settings::install(old.as_deref().unwrap_or_default(), &registration)
        .map_err(|e| settings_error(&path, &e))?;
    let changed = old.as_deref() != Some(edit.text.as_str());
    if args.dry_run {
        print!(
            "{}",
            diff(old.as_deref().unwrap_or_default(), &edit.text, &shown)
        );
        if !changed {
            println!("{shown}: the hooks are already installed; nothing would change.");
        }
    } else if changed {
        let backup = write_with_backup(&path, old.as_deref(), &edit.text, &project, args.scope)?;
        println!(
            "Installed the handoff hooks in {shown} ({} scope):",
            args.scope.name()
        );
        for change in &edit.changes {
            println!("  {change}");
        }
        if let Some(backup) = backup {
            println!(
                "The previous file is saved as {}.",
                scope::display(&backup, &project.root, env)
            );
        }
        println!("They take effect in the next Claude Code session started in this project.");
    } else {
        fs_atomic::sweep(&path);
        println!("{shown}: the hooks are already installed; nothing changed.");
    }
    for warning in lookalikes(&edit.text, &shown) {
        eprintln!("handoff: warning: {warning}");
    }
    for warning in elsewhere(args.scope, &project, env) {
        eprintln!("handoff: warning: {warning}");
    }
    if !project.handoff_exists() && !args.dry_run {
        println!(
            "There is no {} yet: run `handoff init` to create it.",
            project.handoff_display
        );
    }
    Ok(ExitCode::SUCCESS)
}

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

/// Warnings about our hooks in scopes other than `scope`, or the plugin: each event would run twice.
pub(crate) fn elsewhere(scope: Scope, project: &Project, env: &Env) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut plugin_in = None;
    for other in Scope::ALL {
        let Some(path) = other.settings_path(&project.root, env) else {
            continue;
        };
        let Ok(Some(text)) = read_optional(&path) else {
            continue;
        };
        let shown = scope::display(&path, &project.root, env);
        if other != scope && !settings::find_ours(&text).is_empty() {
            warnings.push(format!(
                "the hooks are also in {shown} ({} scope), so each would run twice; \
                 remove one copy with `handoff uninstall --scope {}`",
                other.name(),
                other.name()
            ));
        }
        if plugin_in.is_none()
            && serde_json::from_str::<Value>(&text).is_ok_and(|v| settings::plugin_enabled(&v))
        {
            plugin_in = Some(shown);
        }
    }
    if let Some(shown) = plugin_in {
        warnings.push(format!(
            "the handoff plugin is enabled ({shown}), so each hook would run twice; \
             use either the plugin or `handoff install`, not both"
        ));
    }
    warnings
}
