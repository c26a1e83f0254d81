//! `handoff checkpoint`: one timestamped entry in the section it belongs to.
use std::process::ExitCode;

use crate::cli::{CheckpointArgs, CheckpointKind};
use crate::doc::edit;
use crate::doc::file;
use crate::doc::roles::Role;
use crate::env::Env;
use crate::error::Result;
use crate::project::Project;
use crate::timefmt;

/// The section a kind of checkpoint goes to.
fn role(kind: &CheckpointKind) -> Role {
    if kind.decision {
        Role::Decision
    } else if kind.discovery {
        Role::Discovery
    } else if kind.failed {
        Role::Failed
    } else if kind.next {
        Role::Next
    } else {
        Role::Done
    }
}

/// Append the entry under the lock and say where it went.
pub(crate) fn run(args: &CheckpointArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let text = file::words(&args.text, "checkpoint text")?;
    let role = role(&args.kind);
    let stamp = timefmt::stamp(env.now);
    let today = env.now.format("%Y-%m-%d").to_string();
    let changed = file::change(&project, env, |old| {
        let edit = edit::append(old, role, &stamp, &text, &today);
        let report = (edit.section, edit.created);
        Ok((Some(edit::mark_updated(edit.text, &today)), report))
    })?;
    let (section, new_section) = changed.value;
    if changed.created {
        println!(
            "Created {} from the {} template.",
            project.handoff_display,
            file::template(&project).name()
        );
    }
    let new = if new_section { " (a new section)" } else { "" };
    println!("Added to {section}{new} in {}.", project.handoff_display);
    Ok(ExitCode::SUCCESS)
}
