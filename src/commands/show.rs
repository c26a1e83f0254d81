//! `handoff show`: the handoff as it is, or its structure as JSON (docs/json-schema.md).
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::ShowArgs;
use crate::doc::file;
use crate::doc::view::{self, SectionView};
use crate::env::Env;
use crate::error::Result;
use crate::project::Project;

/// The version of the JSON below; it changes only when a field changes meaning or goes away.
pub(crate) const SCHEMA: u32 = 1;

/// `handoff show --json`, as documented in docs/json-schema.md.
#[derive(Debug, Serialize)]
struct Shown<'a> {
    schema: u32,
    path: &'a str,
    task: Option<&'a str>,
    title: Option<String>,
    intro: String,
    units: usize,
    budget: usize,
    sections: Vec<SectionView>,
}

/// Print the file, or its structure.
pub(crate) fn run(args: &ShowArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let text = file::read_existing(&project)?;
    let mut stdout = std::io::stdout().lock();
    if !args.json {
        stdout.write_all(text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let structure = view::structure(&text);
    let shown = Shown {
        schema: SCHEMA,
        path: &project.handoff_display,
        task: project.task.as_deref(),
        title: structure.title,
        intro: structure.intro,
        units: crate::doc::utf16_len(&text),
        budget: project.config.budget,
        sections: structure.sections,
    };
    let json = serde_json::to_string_pretty(&shown).unwrap_or_default();
    writeln!(stdout, "{json}")?;
    Ok(ExitCode::SUCCESS)
}
