//! `handoff` gives Claude Code a memory that survives new sessions and context compaction.
//!
//! Two ways in, both thin: the command line (`cli` → `commands`) and the hook event on stdin
//! (`hook`). Underneath is a pure core — [`doc`] (the document: outline, roles, packing, edits),
//! `transcript` (what the session did, how full the context is) — and the edges: `project`
//! (where things live), `confine` (what a repository names stays inside it), `state`
//! (per-session memory between hook calls), `staleness` (git), `fs_atomic` (writes that never
//! leave a torn file).
//!
//! Setting up: `settings` edits Claude Code's settings.json through `json_text`, which keeps
//! every byte it doesn't have to change; `claude_md` manages the protocol block in CLAUDE.md;
//! `templates` holds the files `init` writes; `scope` says where each settings file lives;
//! `wiring` is what `init`, `install`, `uninstall` and `doctor` share about wiring a project.
//!
//! The memory toolkit: `doc::edit` changes one section of the handoff and keeps every other byte,
//! `doc::file` runs those edits under a lock; `session_log` holds the session digests and
//! `postmortem` the postmortem index, both shown at SessionStart. `inject` keeps what the hooks
//! hand the client from forging its tags or hiding text in invisible controls.
//!
//! Pipelines of sessions: [`fleet`] holds the session boundary, the shared todo/done queue (under a
//! lock, or through git) and the findings relayed from wave to wave.

mod claude_md;
mod cli;
mod commands;
mod compaction;
mod config;
mod confine;
mod copies;
pub mod doc;
mod env;
mod error;
mod events;
mod fleet;
mod fs_atomic;
mod git;
mod hook;
mod inject;
mod json_text;
mod postmortem;
mod project;
mod redact;
mod scope;
mod session_log;
mod settings;
mod staleness;
mod state;
mod stdout;
mod templates;
mod timefmt;
mod transcript;
mod wiring;

// The public surface is what the tests outside the crate drive in process, and no more: `run` is
// the binary; the rest is for tests/integration (fuzz.rs feeds hook events, edits and packing
// without a process per case; install.rs and digest.rs find the state folder and our hooks).
pub use env::Env;
pub use hook::handle as handle_hook;
pub use inject::sanitize;
pub use project::project_key;
pub use settings::{find_ours, is_ours};

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
    match stdout::run(|| commands::run(&cli, &env)) {
        Ok(code) => code,
        // Already reported by the command itself.
        Err(error::Error::Quiet(code)) => ExitCode::from(code),
        Err(e) => {
            eprintln!("handoff: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
