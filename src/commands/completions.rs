//! `handoff completions` and `handoff man`: generated from the clap definition, so they never drift.
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Result;

/// Print the completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "handoff", &mut out);
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
