//! A small builder that runs the real binary with its own HOME, state folder and project.
//!
//! ```ignore
//! let t = Test::new().write(".claude/settings.json", "{}");
//! let out = t.run(&["install"]).success();
//! let _s = t.insta().bind_to_scope();
//! insta::assert_snapshot!(out);
//! ```
//!
//! The child gets an empty environment plus PATH, HOME, HANDOFF_STATE_DIR and a pinned
//! HANDOFF_NOW, so nothing from the developer's shell (e.g. `CLAUDE_PROJECT_DIR`) leaks in.
#![allow(dead_code)] // each test module uses a different part of the builder

use std::ffi::OsString;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_handoff");

/// A throwaway world to run `handoff` in: `home/`, `state/` and `project/` in one temp folder.
pub(crate) struct Test {
    dir: tempfile::TempDir,
    env: Vec<(OsString, OsString)>,
    stdin: Vec<u8>,
    cwd: PathBuf,
}

/// What one run produced.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) status: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Test {
    pub(crate) fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("handoff-test")
            .tempdir()
            .expect("temp dir");
        // Canonical, so paths the binary prints (current_exe, cwd) match our filters.
        let root = dir.path().canonicalize().expect("canonical temp dir");
        for sub in ["home", "state", "project"] {
            std::fs::create_dir_all(root.join(sub)).expect("create test dirs");
        }
        Self {
            env: Vec::new(),
            stdin: Vec::new(),
            cwd: root.join("project"),
            dir,
        }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().canonicalize().expect("canonical temp dir")
    }

    /// The fake home folder.
    pub(crate) fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// The project folder, the child's working directory by default.
    pub(crate) fn project(&self) -> PathBuf {
        self.root().join("project")
    }

    /// `HANDOFF_STATE_DIR`.
    pub(crate) fn state(&self) -> PathBuf {
        self.root().join("state")
    }

    /// Set an environment variable for every run.
    pub(crate) fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Bytes for the child's stdin.
    pub(crate) fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// Run in this folder (relative to the project) instead of the project root.
    pub(crate) fn current_dir(mut self, rel: &str) -> Self {
        self.cwd = self.project().join(rel);
        self
    }

    /// Write a file relative to the project, creating folders.
    pub(crate) fn write(self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        write_file(&self.project().join(rel), contents.as_ref());
        self
    }

    /// Write a file relative to the home folder, creating folders.
    pub(crate) fn write_home(self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        write_file(&self.home().join(rel), contents.as_ref());
        self
    }

    /// A project file's contents, or `None` if it doesn't exist.
    pub(crate) fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.project().join(rel)).ok()
    }

    /// A home file's contents, or `None` if it doesn't exist.
    pub(crate) fn read_home(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.home().join(rel)).ok()
    }

    /// Run `handoff` with `args`.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_program(Path::new(BIN), args)
    }

    /// Run any program (e.g. `bash`) in the same world.
    #[allow(clippy::disallowed_methods)] // PATH comes from the test runner so `git` and `bash` resolve
    pub(crate) fn run_program(&self, program: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(&self.cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("HANDOFF_STATE_DIR", self.state())
            .env("HANDOFF_NOW", "2026-01-02T03:04:05Z")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn the program under test");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&self.stdin).expect("write stdin");
        drop(stdin);
        let out = child.wait_with_output().expect("wait for the program");
        Output {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// insta settings whose filters replace this world's paths, and the binary's, with stable
    /// names: `let _s = t.insta().bind_to_scope();` before the snapshot assertions.
    pub(crate) fn insta(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        for (regex, with) in self.filters() {
            settings.add_filter(&regex, with);
        }
        settings
    }

    /// The filters behind [`Test::insta`], as (regex, replacement) pairs.
    pub(crate) fn filters(&self) -> Vec<(String, String)> {
        vec![
            (regex_escape(BIN), "[BIN]".into()),
            (
                regex_escape(&self.project().to_string_lossy()),
                "[PROJECT]".into(),
            ),
            (
                regex_escape(&self.home().to_string_lossy()),
                "[HOME]".into(),
            ),
            (
                regex_escape(&self.state().to_string_lossy()),
                "[STATE]".into(),
            ),
            // A project's state folder name ends in a hash of its (random) path.
            (
                r"\[STATE\]/projects/[^/\s]+".into(),
                "[STATE]/projects/[KEY]".into(),
            ),
        ]
    }
}

impl Output {
    /// Assert exit 0 and return self.
    #[track_caller]
    pub(crate) fn success(self) -> Self {
        assert_eq!(self.status, 0, "expected success:\n{self}");
        self
    }

    /// Assert this exit code and return self.
    #[track_caller]
    pub(crate) fn status(self, code: i32) -> Self {
        assert_eq!(self.status, code, "expected exit {code}:\n{self}");
        self
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status: {}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

fn write_file(path: &Path, contents: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create parent folder");
    }
    #[allow(clippy::disallowed_methods)] // test fixtures, not user files
    std::fs::write(path, contents).expect("write test file");
}

/// Escape a literal for use in an insta filter (a regex).
pub(crate) fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$-".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Make carriage returns visible, since snapshots normalise line endings.
pub(crate) fn show_cr(text: &str) -> String {
    text.replace('\r', "␍")
}
