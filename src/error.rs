//! The crate's error type, and the one place that decides exit codes.
use std::path::PathBuf;

/// Exit code for a command that ran and found problems (e.g. `doctor`, `check`).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad command-line usage. Deliberately not 2: Claude Code treats exit 2 from a hook as
/// "block", so a hook registered with a stale argument must never produce it.
pub const EXIT_USAGE: u8 = 64;

/// Everything that can go wrong in `handoff`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written; fs-err already names the path and the operation.
    #[error(transparent)]
    Io(#[from] std::io::Error),

    /// A JSON file we must not overwrite blindly is not valid JSON.
    #[error("{path}:{line}:{column}: not valid JSON ({message}); fix or remove it, then run again — it was left untouched")]
    InvalidJson {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// A JSON file we must not overwrite blindly has a key twice in one object: readers keep the
    /// last one, so an edit could bring the hidden one into force.
    #[error("{path}:{line}:{column}: the key \"{key}\" appears again (first on line {first_line}), and JSON readers keep only the last one; merge the two, then run again — it was left untouched")]
    DuplicateKey {
        path: PathBuf,
        line: usize,
        column: usize,
        first_line: usize,
        key: String,
    },

    /// The hook event on stdin could not be understood.
    #[error("could not read the hook event on stdin: {0}")]
    HookInput(String),

    /// A file the project names leads outside it, into `.git`, or to something that isn't a file.
    #[error(transparent)]
    Refused(#[from] crate::confine::Refused),

    /// A queue or wave command could not do what was asked.
    #[error(transparent)]
    Fleet(#[from] crate::fleet::FleetError),

    /// The command line asks for something impossible (clap checks the rest); exits 64.
    #[error("{0}")]
    Usage(String),

    /// A command found problems and has already reported them; exit non-zero without more output.
    #[error("")]
    Quiet(u8),

    /// Anything else, with a message that says what to do next.
    #[error("{0}")]
    Message(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Quiet(code) => *code,
            Error::Usage(_) => EXIT_USAGE,
            _ => EXIT_FAILURE,
        }
    }

    /// Build an [`Error::InvalidJson`] from a serde_json error.
    pub fn invalid_json(path: impl Into<PathBuf>, e: &serde_json::Error) -> Self {
        let message = e.to_string();
        // serde_json appends " at line L column C"; we print those up front instead.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_string();
        Error::InvalidJson {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_never_exit_2() {
        assert_ne!(EXIT_USAGE, 2);
        assert_ne!(Error::Message("x".into()).exit_code(), 2);
        assert_eq!(Error::Usage("x".into()).exit_code(), EXIT_USAGE);
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": [1,],\n}").unwrap_err();
        let msg = Error::invalid_json("s.json", &e).to_string();
        assert!(msg.starts_with("s.json:2:"), "{msg}");
        assert!(!msg.contains(" at line "), "{msg}");
    }
}
