//! `handoff uninstall`: remove our hooks from a settings.json and our block from CLAUDE.md.
use std::process::ExitCode;

use crate::claude_md;
use crate::cli::UninstallArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::scope;
use crate::settings;
use crate::wiring::{
    self, claude_md_path, confined_claude_md, diff, is_symlink, read_optional, settings_error,
    settings_path, write_through, write_with_backup,
};

/// Remove exactly what `install` and `init` added; keep the handoff itself.
pub(crate) fn run(args: &UninstallArgs, env: &Env) -> Result<ExitCode> {
    if args.list_wired {
        for (wired, path) in wiring::still_wired(env) {
            println!(
                "{}\t{}\t{}",
                wired.scope.name(),
                wired.root.display(),
                path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let project = Project::for_command(env);
    let path = settings_path(args.scope, &project, env)?;
    let shown = scope::display(&path, &project.root, env);
    let old = read_optional(&path)?;
    let settings_edit = match &old {
        Some(text) => Some(settings::uninstall(text).map_err(|e| settings_error(&path, &e))?),
        None => None,
    };

    let md_path = claude_md_path(&project.root);
    let md_shown = scope::display(&md_path, &project.root, env);
    let md_real = if args.keep_claude_md {
        None
    } else {
        Some(confined_claude_md(&project.root, &md_path)?)
    };
    let md_old = match &md_real {
        Some(path) => read_optional(path)?,
        None => None,
    };
    let md_new = match &md_old {
        Some(text) => claude_md::remove(text).map_err(|problem| Error::ClaudeMd {
            shown: md_shown.clone(),
            problem,
        })?,
        None => None,
    };

    if args.dry_run {
        if let (Some(old), Some(edit)) = (&old, &settings_edit) {
            print!("{}", diff(old, &edit.text, &shown));
        }
        if let (Some(old), Some(new)) = (&md_old, &md_new) {
            print!("{}", diff(old, new, &md_shown));
        }
        return Ok(ExitCode::SUCCESS);
    }

    match (&old, &settings_edit) {
        (Some(old), Some(edit)) if !edit.changes.is_empty() => {
            let backup = write_with_backup(&path, Some(old), &edit.text, &project, args.scope)?;
            wiring::remember_or_warn(&project, args.scope, false);
            println!(
                "Removed the handoff hooks from {shown} ({} scope):",
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
        }
        _ => println!("{shown}: no handoff hooks; nothing to remove."),
    }
    if let (Some(new), Some(md_real)) = (&md_new, &md_real) {
        if new.is_empty() && !is_symlink(&md_path) {
            fs_err::remove_file(&md_path)?;
            println!("Removed {md_shown}: it held only the session protocol.");
        } else {
            write_through(md_real, new)?;
            println!("Removed the session protocol from {md_shown}.");
        }
    }
    if project.handoff_exists() {
        println!("Kept {}: it is yours.", project.handoff_display);
    }
    Ok(ExitCode::SUCCESS)
}
