//! Queue changes shared through git: pull with rebase, change the queue files, commit only them,
//! push. A push the remote rejects (another clone pushed first) drops our commit and tries again
//! on the new remote state; a change that can't be made puts the clone back where it was.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::FleetError;
use crate::git::{self, GitError};
use crate::staleness;

/// How long to keep trying a change the remote keeps rejecting: with many clones, one can lose
/// the race many times in a row while the others keep winning, so patience is time, not a count.
pub(crate) const PATIENCE: Duration = Duration::from_secs(60);
/// How long each git command may take.
pub(crate) const DEADLINE: Duration = staleness::COMMAND_DEADLINE;

/// A work tree and the queue files (relative to its top) that changes commit.
#[derive(Debug, Clone)]
pub(crate) struct Sync {
    pub top: PathBuf,
    pub files: Vec<String>,
}

impl Sync {
    /// The repository holding `root`, with `files` (absolute) as paths inside its work tree.
    pub(crate) fn find(root: &Path, files: &[&Path]) -> Result<Self, FleetError> {
        let repo = git::Repo::find(root)
            .map_err(|e| FleetError::Git(e.to_string()))?
            .ok_or_else(|| {
                FleetError::Git(format!(
                    "{} is not in a git repository; clone the shared repository, or turn \"sync\" off",
                    root.display()
                ))
            })?;
        let top = std::fs::canonicalize(&repo.top).unwrap_or(repo.top);
        let files = files
            .iter()
            .map(|f| {
                let real = f
                    .parent()
                    .and_then(|d| std::fs::canonicalize(d).ok())
                    .map_or_else(
                        || f.to_path_buf(),
                        |d| d.join(f.file_name().unwrap_or_default()),
                    );
                crate::project::display_relative(&top, &real)
            })
            .collect();
        Ok(Self { top, files })
    }

    /// Make one change through the remote. `change` edits the files and says whether it changed
    /// them; it runs again on each retry, on the remote's newer state. `message` is the commit's.
    pub(crate) fn run<T>(
        &self,
        message: &str,
        mut change: impl FnMut() -> Result<(T, bool), FleetError>,
    ) -> Result<T, FleetError> {
        let before = self.head()?;
        let fail = |step: String, e: FleetError| {
            self.restore(before.as_deref());
            Err(FleetError::SyncFailed {
                step,
                why: Box::new(e),
            })
        };
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            if let Err(e) = self.git(&["pull", "--rebase", "--autostash", "-q"]) {
                return fail("git pull --rebase failed".into(), e);
            }
            let (out, changed) = match change() {
                Ok(done) => done,
                Err(e) => {
                    // Nothing of ours to undo; the files may be half edited only on a write error.
                    self.discard();
                    return Err(e);
                }
            };
            if !changed {
                return Ok(out);
            }
            let mut add = vec!["add", "--"];
            add.extend(self.files.iter().map(String::as_str));
            let mut commit = vec!["commit", "-q", "--no-verify", "-m", message, "--"];
            commit.extend(self.files.iter().map(String::as_str));
            if let Err(e) = self.git(&add).and_then(|()| self.git(&commit)) {
                return fail("git commit failed".into(), e);
            }
            match self.git(&["push", "-q"]) {
                Ok(()) => return Ok(out),
                Err(e) if started.elapsed() >= PATIENCE => {
                    return fail(
                        format!(
                            "git push failed {} times in {}, last",
                            attempt + 1,
                            git::seconds(PATIENCE)
                        ),
                        e,
                    );
                }
                Err(_) => {
                    // Someone pushed first: drop our commit, and redo the change on theirs.
                    let _ = self.git(&["reset", "-q", "--soft", "HEAD~1"]);
                    self.discard();
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                }
            }
        }
    }

    /// The commit HEAD is at, if any.
    fn head(&self) -> Result<Option<String>, FleetError> {
        match self.output(&["rev-parse", "-q", "--verify", "HEAD"]) {
            Ok(oid) => Ok(Some(oid.trim().to_string())),
            Err(FleetError::Git(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Put the queue files back as HEAD has them (staged and in the work tree).
    fn discard(&self) {
        let mut reset = vec!["reset", "-q", "--"];
        reset.extend(self.files.iter().map(String::as_str));
        let _ = self.git(&reset);
        let mut checkout = vec!["checkout", "-q", "--"];
        checkout.extend(self.files.iter().map(String::as_str));
        let _ = self.git(&checkout);
    }

    /// Leave the clone as it was before the change: no rebase under way, HEAD back at `before`,
    /// the queue files as they were.
    fn restore(&self, before: Option<&str>) {
        let git_dir = self.top.join(".git");
        if git_dir.join("rebase-merge").exists() || git_dir.join("rebase-apply").exists() {
            let _ = self.git(&["rebase", "--abort"]);
        }
        if let Some(oid) = before {
            let _ = self.git(&["reset", "-q", "--keep", oid]);
        }
        self.discard();
    }

    fn git(&self, args: &[&str]) -> Result<(), FleetError> {
        self.output(args).map(|_| ())
    }

    /// Run git in the work tree, stopped at [`DEADLINE`]; its stdout, or its first stderr line.
    fn output(&self, args: &[&str]) -> Result<String, FleetError> {
        let args_owned: Vec<String> = args.iter().map(ToString::to_string).collect();
        let mut running = git::Running::git(&self.top, &args_owned).map_err(|e| {
            FleetError::Git(match e {
                GitError::Spawn(e) => format!("could not run git: {e}"),
                other => other.to_string(),
            })
        })?;
        let out = running
            .output(Instant::now() + DEADLINE)
            .map_err(|e| FleetError::Git(e.to_string()))?
            .ok_or_else(|| {
                FleetError::Git(format!(
                    "git {} did not finish within {}",
                    args.first().unwrap_or(&""),
                    git::seconds(DEADLINE)
                ))
            })?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        Err(FleetError::Git(first.to_string()))
    }
}

/// How long to wait before try `attempt + 1`: growing, and spread between processes so clones
/// that collided don't collide again in step.
fn backoff(attempt: u32) -> Duration {
    let spread = u64::from(std::process::id()).wrapping_mul(2_654_435_761)
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::from(d.subsec_nanos()));
    let base = 5 * u64::from(attempt.min(20));
    Duration::from_millis(base + spread % 40)
}
