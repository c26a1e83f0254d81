//! `handoff` gives Claude Code a memory that survives new sessions and context compaction.
//!
//! Two ways in, both thin: the command line ([`cli`] → [`commands`]) and the hook event on stdin
//! ([`hook`]). Underneath is a pure core — [`handoff`] (parse and pack the document under a budget),
//! [`transcript`] (what the session did, how full the context is) — and the edges: [`project`]
//! (where things live), [`confine`] (what a repository names stays inside it), [`state`]
//! (per-session memory between hook calls), [`staleness`] (git), [`fs_atomic`] (writes that never
//! leave a torn file).
//!
//! Setting up: [`settings`] edits Claude Code's settings.json through [`json_text`], which keeps
//! every byte it doesn't have to change; [`claude_md`] manages the protocol block in CLAUDE.md;
//! [`templates`] holds the files `init` writes; [`scope`] says where each settings file lives.
//!
//! The memory toolkit: [`edit`] changes one section of the handoff and keeps every other byte,
//! [`document`] runs those edits under a lock; [`session_log`] holds the session digests and
//! [`postmortem`] the postmortem index, both shown at SessionStart. [`inject`] keeps what the hooks
//! hand the client from forging its tags or hiding text in invisible controls.
//!
//! Pipelines of sessions: [`fleet`] holds the session boundary, the shared todo/done queue (under a
//! lock, or through git) and the findings relayed from wave to wave.

pub mod claude_md;
pub mod cli;
pub mod commands;
pub mod config;
pub mod confine;
pub mod document;
pub mod edit;
pub mod env;
pub mod error;
pub mod fleet;
pub mod fs_atomic;
pub mod handoff;
pub mod hook;
pub mod inject;
pub mod json_text;
pub mod postmortem;
pub mod project;
pub mod redact;
pub mod scope;
pub mod session_log;
pub mod settings;
pub mod staleness;
pub mod state;
pub mod templates;
pub mod timefmt;
pub mod transcript;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

/// Parse the arguments, run the command, and turn the outcome into an exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout and usage errors to stderr.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(error::EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let env = env::Env::from_process();
    match commands::run(&cli, &env) {
        Ok(code) => code,
        // Already reported by the command itself.
        Err(error::Error::Quiet(code)) => ExitCode::from(code),
        Err(e) => {
            eprintln!("handoff: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
