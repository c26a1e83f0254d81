//! One file per subcommand, dispatched from one screen.
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::env::Env;
use crate::error::Result;

mod hook;

/// Run the parsed command line.
pub fn run(cli: &Cli, env: &Env) -> Result<ExitCode> {
    match &cli.command {
        Command::Hook => Ok(hook::run(env)),
    }
}
