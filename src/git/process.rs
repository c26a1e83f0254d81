//! git run with a deadline. Its pipes are read from the moment it starts, so it never stalls on a
//! full pipe while the hook does its own work, and it is stopped when it runs past the deadline.
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use super::GitError;

/// How long a child that has closed its pipes gets to exit, even past the deadline.
const EXIT_GRACE: Duration = Duration::from_millis(100);

/// A child whose stdout and stderr are being read; dropped unfinished, it is stopped.
pub(crate) struct Running {
    child: Option<Child>,
    pipes: Receiver<Pipe>,
}

/// What a reader thread sends when its pipe is done.
enum Pipe {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    /// Stdout holds all that was asked for ([`Running::git_until`]), before git has exited.
    Complete(Vec<u8>),
}

/// Stdout holds all that is needed once `byte` has been read more than `times` times.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Until {
    pub byte: u8,
    pub times: usize,
}

impl Running {
    /// Start `git -C top <args>`.
    pub(crate) fn git(top: &Path, args: &[String]) -> Result<Self, GitError> {
        Self::git_until(top, args, None)
    }

    /// Start `git -C top <args>`; once its stdout holds what `until` asks for, that is the
    /// answer, without waiting for git to exit (its teardown is a good part of a short run).
    pub(crate) fn git_until(
        top: &Path,
        args: &[String],
        until: Option<Until>,
    ) -> Result<Self, GitError> {
        let child = Command::new("git")
            .arg("-C")
            .arg(top)
            .args(args)
            // Into a pipe git flushes after every commit; buffered, a log is a few writes, not a
            // wakeup of this process per commit.
            .env("GIT_FLUSH", "0")
            // `git status` would otherwise take index.lock to refresh the index, and a user's own
            // git command at that moment would fail on it.
            .env("GIT_OPTIONAL_LOCKS", "0")
            // Never wait for a password or an editor: a hook or an agent can't answer.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_EDITOR", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    GitError::NotInstalled
                } else {
                    GitError::Spawn(e)
                }
            })?;
        Ok(Self::reading(child, until))
    }

    /// Start reading a child's pipes, each on its own thread, so neither can fill and stall it.
    pub(crate) fn watch(child: Child) -> Self {
        Self::reading(child, None)
    }

    fn reading(mut child: Child, until: Option<Until>) -> Self {
        let (tx, pipes) = channel();
        if let Some(mut out) = child.stdout.take() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                // Room for a walk's output up front: reads of the pipe's size, not a growing probe.
                let mut buf = Vec::with_capacity(64 * 1024);
                let mut chunk = [0; 16 * 1024];
                let mut seen = 0;
                loop {
                    let n = match out.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(until) = until {
                        seen += memchr::memchr_iter(until.byte, &chunk[..n]).count();
                        if seen > until.times {
                            let _ = tx.send(Pipe::Complete(buf));
                            return;
                        }
                    }
                }
                let _ = tx.send(Pipe::Stdout(buf));
            });
        } else {
            let _ = tx.send(Pipe::Stdout(Vec::new()));
        }
        if let Some(mut err) = child.stderr.take() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = err.read_to_end(&mut buf);
                let _ = tx.send(Pipe::Stderr(buf));
            });
        } else {
            let _ = tx.send(Pipe::Stderr(Vec::new()));
        }
        Self {
            child: Some(child),
            pipes,
        }
    }

    /// The child's output, or `None` (and the child stopped) when it is still running at
    /// `deadline`. Stdout that was complete early is the output, with a success status.
    pub(crate) fn output(&mut self, deadline: Instant) -> Result<Option<Output>, GitError> {
        let Some(mut child) = self.child.take() else {
            return Ok(None);
        };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        for _ in 0..2 {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.pipes.recv_timeout(left) {
                Ok(Pipe::Stdout(buf)) => stdout = buf,
                Ok(Pipe::Stderr(buf)) => stderr = buf,
                Ok(Pipe::Complete(buf)) => {
                    // git is finishing, or stops at its next write now that nobody reads: it is
                    // reaped off this thread.
                    std::thread::spawn(move || child.wait());
                    return Ok(Some(Output {
                        status: std::process::ExitStatus::default(),
                        stdout: buf,
                        stderr: Vec::new(),
                    }));
                }
                Err(_) => {
                    // A reader thread may outlive this if git left a child holding the pipes;
                    // it ends with the process.
                    stop(child);
                    return Ok(None);
                }
            }
        }
        // The pipes are closed, so git is exiting: look again soon, then less often, until the
        // deadline, and a moment past it for a git that closed them just before.
        let deadline = deadline.max(Instant::now() + EXIT_GRACE);
        let mut pause = Duration::from_micros(20);
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    return Ok(Some(Output {
                        status,
                        stdout,
                        stderr,
                    }))
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(1));
                }
                Ok(None) => {
                    stop(child);
                    return Ok(None);
                }
                Err(e) => return Err(GitError::Spawn(e)),
            }
        }
    }

    /// Its stdout, when it succeeded by `deadline`; else why not (`limit` is the deadline as
    /// the user configured it, for the message).
    pub(crate) fn stdout(
        &mut self,
        deadline: Instant,
        limit: Duration,
    ) -> Result<String, GitError> {
        let out = self.output(deadline)?.ok_or(GitError::TimedOut(limit))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let first = err.lines().next().unwrap_or("").trim();
            return Err(GitError::Failed(first.to_string()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            stop(child);
        }
    }
}

/// A child's output, or `None` (and the child killed) when it is still running at `deadline`.
pub(crate) fn collect(child: Child, deadline: Instant) -> Result<Option<Output>, GitError> {
    Running::watch(child).output(deadline)
}

/// Run git commands at once, each stopped at `deadline`; their stdout, or the first failure (the
/// others are stopped).
pub(crate) fn run_all(
    top: &Path,
    jobs: &[Vec<String>],
    deadline: Instant,
    limit: Duration,
) -> Result<Vec<String>, GitError> {
    let running = jobs
        .iter()
        .map(|args| Running::git(top, args))
        .collect::<Result<Vec<_>, _>>()?;
    running
        .into_iter()
        .map(|mut r| r.stdout(deadline, limit))
        .collect()
}

/// Kill a child and reap it.
pub(crate) fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Child {
        Command::new("sh")
            .args(["-c", script])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    #[test]
    fn a_child_writing_much_to_stderr_is_read_to_the_end() {
        // Past a pipe's 64 KiB on stderr, before anything on stdout.
        let child = sh("head -c 300000 /dev/zero >&2; echo done");
        let out = collect(child, Instant::now() + Duration::from_secs(10))
            .unwrap()
            .expect("not a timeout");
        assert_eq!(
            (out.stdout, out.stderr.len()),
            (b"done\n".to_vec(), 300_000)
        );
    }

    #[test]
    fn a_child_past_its_deadline_is_stopped() {
        let started = Instant::now();
        let out = collect(sh("sleep 30"), started + Duration::from_millis(100)).unwrap();
        assert!(out.is_none());
        assert!(started.elapsed() < Duration::from_secs(10));
        let out = collect(
            sh("echo hi; echo oops >&2"),
            Instant::now() + Duration::from_secs(10),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (out.stdout, out.stderr),
            (b"hi\n".to_vec(), b"oops\n".to_vec())
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_child_left_unfinished_is_stopped_when_dropped() {
        let running = Running::watch(sh("sleep 30"));
        let pid = running.child.as_ref().unwrap().id();
        drop(running);
        // Reaped: no process has that id any more (or a new one took it, which is not ours).
        let alive = std::path::Path::new(&format!("/proc/{pid}/status")).exists()
            && std::fs::read_to_string(format!("/proc/{pid}/status"))
                .is_ok_and(|s| s.contains("sleep"));
        assert!(!alive);
    }

    #[test]
    fn complete_output_is_taken_without_waiting_for_the_exit() {
        let started = Instant::now();
        let mut running = Running::reading(
            sh("echo 'one two'; exec sleep 5"),
            Some(Until {
                byte: b'\n',
                times: 0,
            }),
        );
        let out = running
            .stdout(started + Duration::from_secs(20), Duration::from_secs(20))
            .unwrap();
        assert_eq!(out, "one two\n");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_failure_is_its_first_line_of_stderr() {
        let e = Running::watch(sh(
            "echo 'fatal: not a git repository' >&2; echo more >&2; exit 128",
        ))
        .stdout(
            Instant::now() + Duration::from_secs(10),
            Duration::from_secs(10),
        )
        .unwrap_err();
        assert!(
            matches!(&e, GitError::Failed(line) if line == "fatal: not a git repository"),
            "{e}"
        );
    }
}
