//! The command line, declared with clap and free of side effects; `///` comments are the help text.
use clap::{Parser, Subcommand};

/// Keep a session handoff in front of Claude Code across new sessions and compactions.
#[derive(Debug, Parser)]
#[command(name = "handoff", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run as a Claude Code hook: read one event on stdin, reply on stdout.
    ///
    /// Wire it for SessionStart, UserPromptSubmit, Stop, PreCompact and SessionEnd. It always exits
    /// 0 and never blocks by accident: problems go to stderr as one line.
    ///
    /// Example: echo '{"hook_event_name":"SessionStart","source":"startup"}' | handoff hook
    Hook,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
