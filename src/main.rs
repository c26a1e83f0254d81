//! `handoff`: keeps a session handoff file in front of Claude Code across sessions and compactions.
use std::process::ExitCode;

fn main() -> ExitCode {
    handoff::run(std::env::args_os())
}
