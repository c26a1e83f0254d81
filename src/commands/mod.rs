//! One file per subcommand, dispatched from one screen.
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::env::Env;
use crate::error::Result;

mod completions;
mod doctor;
mod hook;
mod init;
mod install;
mod uninstall;

/// Run the parsed command line.
pub fn run(cli: &Cli, env: &Env) -> Result<ExitCode> {
    match &cli.command {
        Command::Hook => Ok(hook::run(env)),
        Command::Init(args) => init::run(args, env),
        Command::Install(args) => install::run(args, env),
        Command::Uninstall(args) => uninstall::run(args, env),
        Command::Doctor(args) => doctor::run(args, env),
        Command::Completions { shell } => completions::completions(*shell),
        Command::Man { dir } => completions::man(dir.as_deref()),
    }
}
