//! The repository around the project, and its HEAD, read from `.git` without running git.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{run_all, GitError};

/// A repository found above the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repo {
    /// The work tree's top folder.
    pub top: PathBuf,
    /// The `.git` folder (for a linked worktree, its private one).
    pub git_dir: PathBuf,
    /// Where shared refs live (differs from `git_dir` in linked worktrees).
    pub common_dir: PathBuf,
}

impl Repo {
    /// Find the repository containing `start`, without running git; `Ok(None)` when there is none.
    pub(crate) fn find(start: &Path) -> Result<Option<Self>, GitError> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let dot_git = d.join(".git");
            let broken = |why: &str| GitError::Broken {
                dot_git: dot_git.clone(),
                why: why.to_string(),
            };
            let Ok(meta) = std::fs::metadata(&dot_git) else {
                dir = d.parent();
                continue;
            };
            let git_dir = if meta.is_dir() {
                dot_git.clone()
            } else if meta.is_file() && meta.len() <= 4096 {
                // A linked worktree or submodule: ".git" holds "gitdir: <path>".
                let text = std::fs::read_to_string(&dot_git).map_err(|e| broken(&e.to_string()))?;
                let target = text
                    .trim()
                    .strip_prefix("gitdir:")
                    .ok_or_else(|| broken("no \"gitdir:\" line"))?
                    .trim();
                d.join(target)
            } else {
                return Err(broken("neither a folder nor a \"gitdir:\" file"));
            };
            // Without HEAD it is not a repository (a gitdir that was moved or deleted).
            if !git_dir.join("HEAD").is_file() {
                return Err(broken(&format!("no HEAD in {}", git_dir.display())));
            }
            return Ok(Some(Self::with_git_dir(d.to_path_buf(), git_dir)));
        }
        Ok(None)
    }

    fn with_git_dir(top: PathBuf, git_dir: PathBuf) -> Self {
        let common_dir = std::fs::read_to_string(git_dir.join("commondir"))
            .map_or_else(|_| git_dir.clone(), |c| git_dir.join(c.trim()));
        Self {
            top,
            git_dir,
            common_dir,
        }
    }

    /// The branch name (if any) and the commit HEAD points at (if any): read from files, or from
    /// git when the refs aren't plain files (reftable).
    pub(crate) fn head(
        &self,
        limit: Duration,
    ) -> Result<(Option<String>, Option<String>), GitError> {
        match self.head_from_files() {
            Some(head) => Ok(head),
            None => self.head_from_git(limit),
        }
    }

    /// `None` when the files can't tell: a reftable repository (HEAD names `refs/heads/.invalid`).
    fn head_from_files(&self) -> Option<(Option<String>, Option<String>)> {
        let head = std::fs::read_to_string(self.git_dir.join("HEAD")).ok()?;
        let head = head.trim();
        let Some(reference) = head.strip_prefix("ref:") else {
            return Some((None, Some(head.to_string())));
        };
        let reference = reference.trim();
        let oid = self.resolve(reference);
        if oid.is_none() && self.common_dir.join("reftable").is_dir() {
            return None;
        }
        let branch = reference.strip_prefix("refs/heads/").unwrap_or(reference);
        Some((Some(branch.to_string()), oid))
    }

    fn head_from_git(&self, limit: Duration) -> Result<(Option<String>, Option<String>), GitError> {
        let deadline = Instant::now() + limit;
        // A failure is an answer here: detached (no symbolic ref) or unborn (no commit).
        let line = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(ToString::to_string).collect();
            match run_all(&self.top, &[args], deadline, limit) {
                Ok(out) => Ok(out
                    .into_iter()
                    .next()
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())),
                Err(GitError::Failed(_)) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let branch = line(&["symbolic-ref", "-q", "HEAD"])?.map(|r| {
            r.strip_prefix("refs/heads/")
                .map_or(r.clone(), str::to_string)
        });
        let oid = line(&["rev-parse", "-q", "--verify", "HEAD^{commit}"])?;
        Ok((branch, oid))
    }

    fn resolve(&self, reference: &str) -> Option<String> {
        for dir in [&self.git_dir, &self.common_dir] {
            if let Ok(oid) = std::fs::read_to_string(dir.join(reference)) {
                return Some(oid.trim().to_string());
            }
        }
        let packed = std::fs::read_to_string(self.common_dir.join("packed-refs")).ok()?;
        packed.lines().find_map(|line| {
            let (oid, name) = line.split_once(' ')?;
            (name == reference).then(|| oid.to_string())
        })
    }
}
