//! `handoff postmortem`: a new postmortem from the template; prints its path.
use std::process::ExitCode;

use crate::cli::PostmortemArgs;
use crate::doc::file as document;
use crate::env::Env;
use crate::error::Result;
use crate::fs_atomic;
use crate::postmortem;
use crate::project::{self, Project};
use crate::templates;

/// Write `docs/postmortems/YYYY-MM-DD-<slug>.md` (never over an existing one) and print its path.
pub(crate) fn run(args: &PostmortemArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let title = document::words(&args.title, "title")?;
    let date = env.now.format("%Y-%m-%d").to_string();
    let dir = project.postmortems_dir()?;
    let text = templates::fill(templates::POSTMORTEM, &[("title", &title), ("date", &date)]);
    // Create-new, not check-then-write: of two runs with one title, each gets its own file.
    let mut n = 1;
    let path = loop {
        let path = dir.join(postmortem::file_name(&date, &title, n));
        if fs_atomic::create_new(&path, text.as_bytes())? {
            break path;
        }
        n += 1;
    };
    // Only the path, so `$EDITOR "$(handoff postmortem …)"` works.
    println!("{}", project::display_relative(&project.root, &path));
    Ok(ExitCode::SUCCESS)
}
