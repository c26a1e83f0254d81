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
                eprintln!("handoff: {}", one_line(&outcome.warnings.join("; ")));
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

/// `text` on one line: a newline or other control character (which a repository's file names or
/// config could carry) is shown escaped.
fn one_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn warnings_stay_on_one_line() {
        assert_eq!(
            super::one_line("a\nb\r\u{1b}[31m ok é"),
            "a\\nb\\r\\u{1b}[31m ok é"
        );
    }
}
