//! One file per subcommand, dispatched from one screen.
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::env::Env;
use crate::error::{Error, Result};

mod check;
mod checkpoint;
mod completions;
mod doctor;
mod history;
mod hook;
mod init;
mod install;
mod log;
mod next;
mod overview;
mod postmortem;
mod queue;
mod show;
mod status;
mod uninstall;
mod wave;

/// Run the parsed command line.
pub(crate) fn run(cli: &Cli, env: &Env) -> Result<ExitCode> {
    // `--task` and `--file` are `$HANDOFF_TASK` and `$HANDOFF_FILE` for this run, so hooks and
    // commands select them the same way.
    let mut env = env.clone();
    if let Some(task) = &cli.task {
        env = env.with_var("HANDOFF_TASK", task);
    }
    if let Some(file) = &cli.file {
        let file = env.cwd.join(file);
        env = env.with_var("HANDOFF_FILE", &file.to_string_lossy());
    }
    if let Some(wave) = cli.wave {
        env = env.with_var("HANDOFF_WAVE", &wave.to_string());
    }
    let env = &env;
    // A hook passes a bad `$HANDOFF_TASK` over with a warning; a command refuses it, as `--task`.
    if !matches!(
        cli.command,
        Command::Hook | Command::Completions { .. } | Command::Man { .. }
    ) {
        if let Some(problem) = crate::project::bad_task(env) {
            return Err(Error::BadTask(format!(
                "{problem}; set it to a task id or unset it"
            )));
        }
    }
    if !matches!(
        cli.command,
        Command::Hook | Command::Overview(_) | Command::Completions { .. } | Command::Man { .. }
    ) {
        // On stderr, so a pipe of the output stays clean.
        if let Some(notice) = crate::project::root_notice(env) {
            eprintln!("{notice}");
        }
    }
    match &cli.command {
        Command::Hook => Ok(hook::run(env)),
        Command::Init(args) => init::run(args, env),
        Command::Install(args) => install::run(args, env),
        Command::Uninstall(args) => uninstall::run(args, env),
        Command::Doctor(args) => doctor::run(args, env),
        Command::Checkpoint(args) => checkpoint::run(args, env),
        Command::Next(args) => next::run(args, env),
        Command::Postmortem(args) => postmortem::run(args, env),
        Command::Log(args) => log::run(args, env),
        Command::Show(args) => show::run(args, env),
        Command::History(args) => history::run(args, env),
        Command::Status(args) => status::run(args, env),
        Command::Overview(args) => Ok(overview::run(args, env)),
        Command::Check(args) => check::run(args, env),
        Command::Queue(args) => queue::run(args, env),
        Command::Wave(args) => wave::run(args, env),
        Command::Completions { shell } => completions::completions(*shell),
        Command::Man { dir } => completions::man(dir.as_deref()),
    }
}

/// The config's problems on stderr, one line each, for commands that read it (as `hook` and
/// `doctor` report them).
pub(crate) fn warn_config(config: &crate::config::Config) {
    for warning in &config.warnings {
        eprintln!("handoff: {warning}");
    }
}
