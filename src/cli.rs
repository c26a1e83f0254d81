//! The command line, declared with clap and free of side effects; `///` comments are the help text.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::scope::Scope;
use crate::templates::Template;

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

    /// Create the handoff file from a template and add the session protocol to CLAUDE.md.
    ///
    /// Never overwrites: an existing handoff is left as it is, and the CLAUDE.md block (between
    /// `<!-- handoff:begin -->` and `<!-- handoff:end -->`) is added once and updated in place.
    ///
    /// Example: handoff init --template campaign
    Init(InitArgs),

    /// Add the hooks to Claude Code's settings.json, keeping everything else in the file.
    ///
    /// Registers `handoff hook` for SessionStart, UserPromptSubmit, Stop, PreCompact and SessionEnd,
    /// or updates handoff's own entries in place. Only the bytes that must change do: indentation
    /// (spaces or tabs), CRLF line endings, the final newline and every other key stay as they are,
    /// and new entries follow the layout around them. Running it again changes nothing; the previous
    /// file is kept as settings.json.bak. A file that is not valid JSON is left untouched.
    ///
    /// Example: handoff install --scope local --dry-run
    Install(InstallArgs),

    /// Remove the hooks from settings.json and the session protocol from CLAUDE.md.
    ///
    /// Removes only handoff's own entries (and the groups, lists and `hooks` object that leaves
    /// empty), and the block between the handoff markers in this project's CLAUDE.md. The handoff
    /// file itself is kept.
    ///
    /// Example: handoff uninstall --scope user
    Uninstall(UninstallArgs),

    /// Check the setup: binary, hooks in each scope, the handoff and its size, state folder, git,
    /// and whether the last session received the handoff whole.
    ///
    /// Prints one line per check and exits 1 if any check fails.
    ///
    /// Example: handoff doctor --json
    Doctor(DoctorArgs),

    /// Print a shell completion script.
    ///
    /// Example: handoff completions bash > ~/.local/share/bash-completion/completions/handoff
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff), or write one page per command into a folder.
    ///
    /// Example: handoff man | man -l -
    Man {
        /// Write handoff.1, handoff-init.1, … into this folder instead of printing handoff.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Options of `handoff init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The template for a new handoff file.
    #[arg(long, short, value_enum, default_value_t)]
    pub template: Template,
    /// Where to put the handoff, relative to the project root (saved in .claude/handoff.json);
    /// default: the configured path, docs/SESSION-HANDOFF.md.
    #[arg(long, value_name = "FILE")]
    pub path: Option<PathBuf>,
    /// Leave CLAUDE.md alone.
    #[arg(long)]
    pub no_claude_md: bool,
}

/// Options of `handoff install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Which settings file to edit.
    #[arg(long, value_enum, default_value_t)]
    pub scope: Scope,
    /// The program the hooks run; default: this binary's absolute path.
    #[arg(long, value_name = "PATH")]
    pub command: Option<PathBuf>,
    /// Print the change as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `handoff uninstall`.
#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Which settings file to edit.
    #[arg(long, value_enum, default_value_t)]
    pub scope: Scope,
    /// Print the changes as unified diffs and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Leave CLAUDE.md alone.
    #[arg(long)]
    pub keep_claude_md: bool,
}

/// Options of `handoff doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the checks as one JSON object, for scripts.
    #[arg(long)]
    pub json: bool,
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
