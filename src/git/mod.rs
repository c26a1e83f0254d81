//! What `handoff` reads from git: the repository and its HEAD (`repo`, from files), git itself run
//! under a deadline (`process`), and what is cheaper read by hand than asked of a second git: the
//! index (`index`) and blob ids (`blob`).
use std::path::PathBuf;
use std::time::Duration;

mod blob;
mod index;
mod process;
mod repo;

pub(crate) use blob::is_blob;
pub(crate) use index::{lookup as index_lookup, written as index_written, Lookup};
pub(crate) use process::{collect, run_all, Running, Until};
pub(crate) use repo::Repo;

/// Why git's view of the handoff is missing; what needs it goes on without.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GitError {
    /// There is no `git` to run.
    #[error("git is not installed or not on PATH; install it to see commits since the handoff was updated")]
    NotInstalled,
    /// `git` could not be started.
    #[error("could not run git: {0}; commits since the handoff was updated are left out")]
    Spawn(#[source] std::io::Error),
    /// git failed; its first line of stderr.
    #[error("git failed: {0}; commits since the handoff was updated are left out")]
    Failed(String),
    /// git was still running at the deadline, and was stopped.
    #[error("git did not answer within {}, so commits since the handoff was updated are left out this time", seconds(*.0))]
    TimedOut(Duration),
    /// A `.git` file or folder that leads to no repository.
    #[error("{} does not lead to a git repository ({}); fix or remove it to see commits since the handoff was updated", .dot_git.display(), .why)]
    Broken { dot_git: PathBuf, why: String },
}

/// "3 s", "0.5 s"
pub(crate) fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}
