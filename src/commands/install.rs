//! `handoff install`: add the hooks to a settings.json, keeping everything else in it.
use std::process::ExitCode;

use crate::cli::InstallArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::fs_atomic;
use crate::project::Project;
use crate::scope::{self, Scope};
use crate::settings::{self, Registration};
use crate::wiring::{
    self, diff, lookalikes, read_optional, settings_error, settings_path, write_with_backup,
};

/// Install the hooks in the chosen scope; refuse a second copy (another scope, the plugin) unless
/// forced, since every hook would then run twice.
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
    let others = elsewhere(args.scope, &project, env);
    if changed && !args.dry_run && !args.force && !others.is_empty() {
        return Err(Error::SecondCopy(others.join("; ")));
    }
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
        wiring::remember_or_warn(&project, args.scope, true);
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
        wiring::remember_or_warn(&project, args.scope, true);
        println!("{shown}: the hooks are already installed; nothing changed.");
    }
    for warning in lookalikes(&edit.text, &shown) {
        eprintln!("handoff: warning: {warning}");
    }
    for warning in &others {
        eprintln!("handoff: warning: {warning}, or each hook runs twice");
    }
    if !project.handoff_exists() && !args.dry_run {
        println!(
            "There is no {} yet: run `handoff init` to create it.",
            project.handoff_display
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Other places our hooks already run from (another scope, the plugin): wiring this scope too
/// would run each hook twice.
fn elsewhere(scope: Scope, project: &Project, env: &Env) -> Vec<String> {
    let mut found: Vec<String> = wiring::installed_scopes(project, env)
        .into_iter()
        .filter(|(s, _)| *s != scope)
        .map(|(s, shown)| {
            format!(
                "the hooks are also in {shown} ({} scope); remove that copy with \
                 `handoff uninstall --scope {}`",
                s.name(),
                s.name()
            )
        })
        .collect();
    if let Some(shown) = wiring::plugin_enabled_in(project, env) {
        found.push(format!(
            "the handoff plugin is enabled ({shown}) and runs the same hooks; use the plugin alone, \
             or disable it with `claude plugin disable handoff@handoff`"
        ));
    }
    found
}
