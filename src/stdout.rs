//! A calm shell citizen: when the reader of our output goes away (`handoff show | head -1`), the
//! output is over, not failed. Commands print with `println!`, which panics on a write error, and
//! with `write!`, which returns one; both end here as a quiet exit 0.
use std::any::Any;
use std::io::ErrorKind;
use std::panic::{self, AssertUnwindSafe};

/// What became of a write to stdout that `println!` could not make.
#[derive(Debug, PartialEq, Eq)]
enum Failed {
    /// The reader closed the pipe: nothing is wrong.
    Closed,
    /// Anything else (a full disk behind a redirect): worth one line.
    Other(String),
}

/// Run `command`, turning std's "failed printing to stdout" panic into [`Failed`] instead of a
/// trace; any other panic goes on as it was.
fn catch_stdout<T>(command: impl FnOnce() -> T) -> Result<T, Failed> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if stdout_failure(info.payload()).is_none() {
            previous(info);
        }
    }));
    let outcome = panic::catch_unwind(AssertUnwindSafe(command));
    // Hooks and tests that come after keep the default report of a real panic.
    drop(panic::take_hook());
    outcome.map_err(|payload| match stdout_failure(payload.as_ref()) {
        Some(failed) => failed,
        None => panic::resume_unwind(payload),
    })
}

/// Run a command; a closed stdout ends it with exit 0 and no word, whether it showed up as a
/// panic of `println!` or as an `io::Error` from `write!`.
pub(crate) fn run(
    command: impl FnOnce() -> crate::error::Result<std::process::ExitCode>,
) -> crate::error::Result<std::process::ExitCode> {
    match catch_stdout(command) {
        Err(Failed::Closed) => Ok(std::process::ExitCode::SUCCESS),
        Err(Failed::Other(why)) => Err(crate::error::Error::Stdout(why)),
        Ok(Err(crate::error::Error::Io(e))) if e.kind() == ErrorKind::BrokenPipe => {
            Ok(std::process::ExitCode::SUCCESS)
        }
        Ok(outcome) => outcome,
    }
}

/// Whether a panic's payload is std's "failed printing to stdout: <io error>", and which kind.
fn stdout_failure(payload: &(dyn Any + Send)) -> Option<Failed> {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    let why = message.strip_prefix("failed printing to stdout: ")?;
    Some(if is_broken_pipe(why) {
        Failed::Closed
    } else {
        Failed::Other(why.to_string())
    })
}

/// Whether an io error's text ("Broken pipe (os error 32)") is a broken pipe on this platform:
/// the code is read back, so the words' language doesn't matter.
fn is_broken_pipe(why: &str) -> bool {
    why.rsplit_once("(os error ")
        .and_then(|(_, code)| code.strip_suffix(')')?.parse::<i32>().ok())
        .is_some_and(|code| std::io::Error::from_raw_os_error(code).kind() == ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)] // 32 is EPIPE on Linux and macOS
    fn a_closed_pipe_is_told_from_other_failures() {
        for (message, expected) in [
            (
                "failed printing to stdout: Broken pipe (os error 32)",
                Some(Failed::Closed),
            ),
            (
                "failed printing to stdout: No space left on device (os error 28)",
                Some(Failed::Other(
                    "No space left on device (os error 28)".into(),
                )),
            ),
            ("failed printing to stderr: Broken pipe (os error 32)", None),
            ("index out of bounds", None),
        ] {
            let payload: Box<dyn Any + Send> = Box::new(message.to_string());
            assert_eq!(stdout_failure(payload.as_ref()), expected, "{message}");
            let payload: Box<dyn Any + Send> = Box::new(message);
            assert_eq!(stdout_failure(payload.as_ref()), expected, "{message}");
        }
    }

    #[test]
    fn other_panics_go_on() {
        let outcome = panic::catch_unwind(|| catch_stdout(|| panic!("boom")));
        assert!(outcome.is_err());
        assert_eq!(catch_stdout(|| 7), Ok(7));
    }
}
