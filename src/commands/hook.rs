//! `handoff hook`: the thin edge between Claude Code and [`crate::hook`].
use std::io::{Read, Write};
use std::process::ExitCode;

use crate::env::Env;

/// Read the event, reply, and exit 0 whatever happens: a hook must never break a session.
pub(crate) fn run(env: &Env) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("handoff: could not read the hook event on stdin: {e}");
        return ExitCode::SUCCESS;
    }
    // A panic must not reach the user as a multi-line trace or a non-zero exit.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "handoff: internal error{at}: {msg}; please report it (the session is unaffected)"
        );
    }));
    let outcome = std::panic::catch_unwind(|| crate::hook::handle(&input, env));
    let reply = match outcome {
        Ok(outcome) => {
            if !outcome.warnings.is_empty() {
                // One line, however many problems: stderr is shown to the user as a notice.
                eprintln!("handoff: {}", outcome.warnings.join("; "));
            }
            outcome.reply
        }
        Err(_) => None,
    };
    if let Some(reply) = reply {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe means nobody is listening; nothing useful to do about it.
        let _ = writeln!(stdout, "{reply}").and_then(|()| stdout.flush());
    }
    ExitCode::SUCCESS
}
