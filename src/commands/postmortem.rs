//! `handoff postmortem`: a new postmortem from the template; prints its path.
use std::process::ExitCode;

use crate::cli::PostmortemArgs;
use crate::document;
use crate::env::Env;
use crate::error::Result;
use crate::fs_atomic::{self, Durability};
use crate::postmortem;
use crate::project::{self, Project};
use crate::templates;

/// Write `docs/postmortems/YYYY-MM-DD-<slug>.md` (never over an existing one) and print its path.
pub(crate) fn run(args: &PostmortemArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let title = document::words(&args.title, "title")?;
    let date = env.now.format("%Y-%m-%d").to_string();
    let dir = project.postmortems_dir()?;
    let name = postmortem::file_name(&date, &title, |n| dir.join(n).exists());
    let text = templates::fill(templates::POSTMORTEM, &[("title", &title), ("date", &date)]);
    let path = dir.join(&name);
    fs_atomic::write(&path, text.as_bytes(), Durability::Synced)?;
    // Only the path, so `$EDITOR "$(handoff postmortem …)"` works.
    println!("{}", project::display_relative(&project.root, &path));
    Ok(ExitCode::SUCCESS)
}
