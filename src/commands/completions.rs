//! `handoff completions` and `handoff man`: generated from the clap definition, so they never drift.
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Result;

/// Print the completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    // Built in memory: clap_complete panics on a write error, a closed pipe included.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "handoff", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Print the man page, or write one page per command into `dir`.
pub(crate) fn man(dir: Option<&Path>) -> Result<ExitCode> {
    let command = Cli::command();
    if let Some(dir) = dir {
        fs_err::create_dir_all(dir)?;
        clap_mangen::generate_to(command, dir)?;
    } else {
        let mut out = std::io::stdout().lock();
        clap_mangen::Man::new(command).render(&mut out)?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
