//! The crate's error type, and the one place that decides exit codes.
use std::path::PathBuf;

/// Exit code for a command that ran and found problems (e.g. `doctor`, `check`).
pub(crate) const EXIT_FAILURE: u8 = 1;
/// Exit code for bad command-line usage. Deliberately not 2: Claude Code treats exit 2 from a hook as
/// "block", so a hook registered with a stale argument must never produce it.
pub(crate) const EXIT_USAGE: u8 = 64;

/// Everything that can go wrong in `handoff`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
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

    /// A file the project names leads outside it, into `.git`, or to something that isn't a file.
    #[error(transparent)]
    Refused(#[from] crate::confine::Refused),

    /// The handoff (or a task's file) a command reads does not exist yet.
    #[error("{shown} does not exist: create it with `{create}`")]
    NoHandoff { shown: String, create: String },

    /// `$HANDOFF_TASK` names no task (the line says what to do).
    #[error("{0}")]
    BadTask(String),

    /// A text file we read is not UTF-8.
    #[error("{shown} is not UTF-8 text (byte {byte}); convert it to UTF-8, then run again")]
    NotUtf8 { shown: String, byte: usize },

    /// The folder of the lock that keeps concurrent edits apart can't be made.
    #[error("{0}: the lock that keeps concurrent edits apart lives there; make it writable, or set HANDOFF_STATE_DIR to a folder that is")]
    LockFolder(#[source] std::io::Error),

    /// A settings file's JSON is valid but not the shape Claude Code reads.
    #[error("{}: {problem}; fix it by hand, then run again — it was left untouched", .path.display())]
    SettingsShape { path: PathBuf, problem: String },

    /// A JSON file we add a key to is not an object.
    #[error("{}: expected a JSON object; fix it by hand, then run again — it was left untouched", .0.display())]
    NotAnObject(PathBuf),

    /// CLAUDE.md has one of our markers without the other.
    #[error("{shown} {problem}; fix it by hand, then run again")]
    ClaudeMd {
        shown: String,
        problem: crate::claude_md::Markers,
    },

    /// The user scope's settings live in a home folder we can't find.
    #[error("cannot find the home folder for the user scope; set HOME (or CLAUDE_CONFIG_DIR)")]
    NoHome,

    /// The hooks need this program's path, and the system won't say it.
    #[error("could not find this program's own path ({0}); pass it with --command PATH")]
    OwnPath(#[source] std::io::Error),

    /// `init --path` names an absolute path; the config keeps paths relative to the project.
    #[error("--path {} must be relative to the project root ({})", .path.display(), .root.display())]
    AbsolutePath { path: PathBuf, root: PathBuf },

    /// `history show N` or `history diff N` names a copy that isn't there.
    #[error("there is no copy {n}: there are {count}; `handoff history` lists them")]
    NoSuchCopy { n: usize, count: usize },

    /// A queue item given by number or words isn't there, or isn't one.
    #[error("{shown}: {problem}")]
    Item {
        shown: String,
        problem: crate::doc::edit::PickError,
    },

    /// Words the command needs came out empty (clap checks the rest); exits 64.
    #[error("the {0} is empty; give it as an argument")]
    Empty(&'static str),

    /// Stdout could not be written, for a reason other than its reader going away.
    #[error("could not write the output: {0}")]
    Stdout(String),
    /// A queue or wave command could not do what was asked.
    #[error(transparent)]
    Fleet(#[from] crate::fleet::FleetError),

    /// A command found problems and has already reported them; exit non-zero without more output.
    #[error("")]
    Quiet(u8),

    /// `install` would wire a second copy of hooks that already run from elsewhere.
    #[error(
        "{0}; a second copy would run every hook twice and inject the handoff twice, so nothing \
         was changed (--force installs it anyway)"
    )]
    SecondCopy(String),
}

impl Error {
    /// The process exit code for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Error::Quiet(code) => *code,
            Error::Empty(_) | Error::BadTask(_) => EXIT_USAGE,
            _ => EXIT_FAILURE,
        }
    }

    /// Build an [`Error::InvalidJson`] from a serde_json error.
    pub(crate) fn invalid_json(path: impl Into<PathBuf>, e: &serde_json::Error) -> Self {
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
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_never_exit_2() {
        assert_ne!(EXIT_USAGE, 2);
        assert_ne!(Error::NoHome.exit_code(), 2);
        assert_eq!(Error::Empty("item").exit_code(), EXIT_USAGE);
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": [1,],\n}").unwrap_err();
        let msg = Error::invalid_json("s.json", &e).to_string();
        assert!(msg.starts_with("s.json:2:"), "{msg}");
        assert!(!msg.contains(" at line "), "{msg}");
    }
}
