//! A small builder that runs the real binary with its own HOME, state folder and project.
#![allow(dead_code)] // each test module uses its own part of the builder

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

/// The clock every test runs at (`HANDOFF_NOW`).
pub const NOW: &str = "2026-11-21T12:00:00Z";
/// A fixture of each event `handoff` handles.
pub const EVERY_EVENT: [&str; 5] = [
    "SessionStart-startup",
    "UserPromptSubmit",
    "Stop",
    "PreCompact-auto",
    "SessionEnd-other",
];
/// Where the real fixtures say the project and home are.
const FIXTURE_PROJECT: &str = "/home/dev/src/app";
const FIXTURE_HOME: &str = "/home/dev";

/// The real payloads and transcript, recorded with Claude Code 2.1.328.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/claude-code-2.1.328")
}

/// A throwaway world: HOME, a state folder and a project, plus the environment to run in.
pub struct Test {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// What a run printed.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Assert exit 0 with nothing on stderr, and return self: a quiet command that starts to
    /// warn fails the test.
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "expected success:\n{self}");
        assert_eq!(self.stderr, "", "expected nothing on stderr:\n{self}");
        self
    }

    /// Assert exit 0 with a warning on stderr, which the caller then checks.
    #[track_caller]
    pub fn warns(self) -> Self {
        assert_eq!(self.code, Some(0), "expected success:\n{self}");
        assert_ne!(self.stderr, "", "expected a warning on stderr:\n{self}");
        self
    }

    /// Assert exit `code` and return self.
    #[track_caller]
    pub fn failure(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "expected exit {code}:\n{self}");
        self
    }

    /// stdout as JSON; panics if it isn't exactly one JSON object.
    pub fn json(&self) -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?}", self.stdout));
        assert!(v.is_object(), "stdout is not an object: {v}");
        v
    }

    /// stdout as a JSON array; panics if it isn't one.
    pub fn json_array(&self) -> Vec<serde_json::Value> {
        match serde_json::from_str(self.stdout.trim()) {
            Ok(serde_json::Value::Array(a)) => a,
            other => panic!("stdout is not a JSON array ({other:?}): {:?}", self.stdout),
        }
    }

    /// The additionalContext of a hook reply.
    pub fn context(&self) -> String {
        self.json()["hookSpecificOutput"]["additionalContext"]
            .as_str()
            .expect("additionalContext")
            .to_string()
    }
}

impl Test {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["home", "project", "state"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        let mut t = Self {
            dir,
            env: Vec::new(),
        };
        let home = t.home().display().to_string();
        let state = t.state().display().to_string();
        let project = t.project().display().to_string();
        t.env = vec![
            ("HOME".into(), home),
            ("HANDOFF_STATE_DIR".into(), state),
            ("CLAUDE_PROJECT_DIR".into(), project),
            ("HANDOFF_NOW".into(), NOW.into()),
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            // Far from UTC, so output that followed the machine's zone would show it.
            ("TZ".into(), "Pacific/Kiritimati".into()),
        ];
        t
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// Set (or with `None`, remove) an environment variable for the runs.
    pub fn env(mut self, key: &str, value: Option<&str>) -> Self {
        self.set_env(key, value);
        self
    }

    /// [`Test::env`] in place, for a test that changes it between runs.
    pub fn set_env(&mut self, key: &str, value: Option<&str>) {
        self.env.retain(|(k, _)| k != key);
        if let Some(v) = value {
            self.env.push((key.into(), v.into()));
        }
    }

    /// Write a file under the project, dated two hours before [`NOW`].
    pub fn write(&self, rel: &str, content: &str) -> &Self {
        let path = self.project().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        set_mtime(&path, now() - Duration::from_secs(2 * 3600));
        self
    }

    /// Read a file under the project.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.project().join(rel)).expect("read")
    }

    /// Read a file under the project, or `None` if it doesn't exist.
    pub fn try_read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.project().join(rel)).ok()
    }

    /// The transcript path the fixtures point at, inside this test's HOME.
    pub fn transcript(&self) -> PathBuf {
        self.home()
            .join(".claude/projects/-home-dev-src-app/e0a64499-1ed4-4269-be88-97bbf6fa62de.jsonl")
    }

    /// Put the real transcript where the fixtures point, paths rewritten to this test's folders.
    pub fn with_transcript(&self) -> &Self {
        let text = self.localise(&read_fixture("transcript.jsonl"));
        let path = self.transcript();
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write transcript");
        self
    }

    /// Append lines to the transcript.
    pub fn append_transcript(&self, lines: &str) -> &Self {
        let path = self.transcript();
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("open transcript");
        f.write_all(self.localise(lines).as_bytes())
            .expect("append");
        self
    }

    /// [`Test::append_transcript`] after `delay`, on its own thread: the client writes a turn's
    /// lines after the hook may have started.
    pub fn append_transcript_after(
        &self,
        delay: Duration,
        lines: &str,
    ) -> std::thread::JoinHandle<()> {
        let path = self.transcript();
        let text = self.localise(lines);
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .expect("open transcript");
            f.write_all(text.as_bytes()).expect("append");
        })
    }

    /// Rewrite the fixtures' /home/dev paths to this test's folders.
    pub fn localise(&self, text: &str) -> String {
        text.replace(FIXTURE_PROJECT, &self.project().display().to_string())
            .replace(FIXTURE_HOME, &self.home().display().to_string())
    }

    /// Run `handoff <args>` with `stdin`.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_program(Path::new(env!("CARGO_BIN_EXE_handoff")), args, stdin)
    }

    /// Run `handoff <args>` in the project's folder `sub`, which is created.
    pub fn run_in(&self, sub: &str, args: &[&str]) -> Output {
        let dir = self.project().join(sub);
        std::fs::create_dir_all(&dir).expect("mkdir");
        self.run_at(&dir, Path::new(env!("CARGO_BIN_EXE_handoff")), args, "")
    }

    /// Run any program (e.g. `bash install.sh`) in the same world.
    pub fn run_program(&self, program: &Path, args: &[&str], stdin: &str) -> Output {
        self.run_at(&self.project(), program, args, stdin)
    }

    fn run_at(&self, cwd: &Path, program: &Path, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(program)
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run handoff");
        let written = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        // A program may exit without reading its input; that is its answer, not a test failure.
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
        let out = child.wait_with_output().expect("wait");
        Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `handoff <args>` in this world, to spawn and stop by hand (stdin, stdout and stderr null).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_handoff"));
        command
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(self.project())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    /// Run `handoff hook` with a fixture event, paths rewritten, fields overridden by `patch`.
    /// Nothing may appear on stderr: see [`Test::hook_with_stderr`] for a hook that should warn.
    #[track_caller]
    pub fn hook(&self, fixture: &str, patch: &serde_json::Value) -> Output {
        let out = self.hook_with_stderr(fixture, patch);
        assert_eq!(out.stderr, "", "a quiet hook wrote to stderr:\n{out}");
        out
    }

    /// [`Test::hook`] for a hook expected to warn: at most one line on stderr, which the caller
    /// checks.
    #[track_caller]
    pub fn hook_with_stderr(&self, fixture: &str, patch: &serde_json::Value) -> Output {
        let text = self.localise(&read_fixture(&format!("{fixture}.json")));
        let mut event: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
        if let (Some(e), Some(p)) = (event.as_object_mut(), patch.as_object()) {
            for (k, v) in p {
                e.insert(k.clone(), v.clone());
            }
        }
        let out = self.run(&["hook"], &event.to_string());
        assert_eq!(out.code, Some(0), "a hook must always exit 0: {out:?}");
        // PreCompact's stdout is appended to the compaction's instructions: plain text, never
        // taken for JSON.
        let plain = fixture.starts_with("PreCompact") && !out.stdout.trim_start().starts_with('{');
        assert!(
            out.stdout.trim().is_empty() || plain || out.json().is_object(),
            "stdout must be empty or one JSON object (PreCompact: plain text): {out:?}"
        );
        assert!(
            out.stderr.lines().count() <= 1,
            "a hook says at most one line on stderr:\n{out}"
        );
        out
    }

    /// Run git in the project as a throwaway identity; false when git fails.
    pub fn git(&self, args: &[&str]) -> bool {
        git(&self.project(), args)
    }

    /// Replace this test's temp paths with stable placeholders, for snapshots.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.project().display().to_string(), "[PROJECT]")
            .replace(&self.home().display().to_string(), "[HOME]")
            .replace(&self.state().display().to_string(), "[STATE]")
    }

    /// [`Test::redact`], plus the binary's path and the project's state-folder name (which ends
    /// in a hash of the random project path).
    pub fn redact_all(&self, text: &str) -> String {
        let key = handoff::project_key(&self.project());
        self.redact(&text.replace(env!("CARGO_BIN_EXE_handoff"), "[BIN]"))
            .replace(&key, "[KEY]")
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = self.code.map_or_else(|| "signal".into(), |c| c.to_string());
        write!(
            f,
            "status: {code}\n--- stdout\n{}--- stderr\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Run git in `dir` as a throwaway identity, its commits dated [`NOW`]; false when git fails.
/// Panics when git is not installed: the tests that need it must not pass without it.
pub fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .env("GIT_AUTHOR_DATE", NOW)
        .env("GIT_COMMITTER_DATE", NOW)
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git is needed for this test: install git")
        .status
        .success()
}

/// Run `f` on its own thread and return what it returns, failing the test if that takes longer
/// than `limit`: for a run that must not hang (a FIFO, a git that sleeps).
#[track_caller]
pub fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("still running after {limit:?}: stuck"))
}

/// Make a FIFO at `path` (and its folder); panics when `mkfifo` fails, so its tests never pass
/// without it.
pub fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo is needed for this test");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// [`NOW`] as a SystemTime.
pub fn now() -> SystemTime {
    let t = chrono::DateTime::parse_from_rfc3339(NOW).expect("NOW");
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(t.timestamp()).expect("after 1970"))
}

pub fn set_mtime(path: &Path, t: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(t)
        .expect("set mtime");
}

/// Whether `CI` is set: there, what a test needs must be present, so a skip becomes a failure.
#[allow(clippy::disallowed_methods)] // the test process's own setting
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The files of one kind (`handoffs`, `settings`) in the shared corpus of real files from public
/// repositories, beside this project, sorted. `None`, after one line on stderr, when it is absent;
/// with `CI` set its absence fails the test instead, so CI never passes without it.
pub fn corpus(kind: &str) -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(kind);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        #[allow(clippy::disallowed_methods)] // the test process's own setting
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "no corpus at {} (CI is set, so this fails rather than skips)",
            dir.display()
        );
        eprintln!("skipped: no corpus at {}", dir.display());
        return None;
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "the corpus at {} is empty",
        dir.display()
    );
    Some(files)
}

pub fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join(name)).expect("fixture")
}

/// One transcript line: an assistant turn that calls a tool on `path`.
pub fn tool_use_line(tool: &str, path: &str) -> String {
    format!(
        "{}\n",
        serde_json::json!({
            "type": "assistant", "isSidechain": false,
            "message": {"model": "claude-sonnet-4-5", "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": tool,
                             "input": {"file_path": path, "content": "x"}}],
                "usage": {"input_tokens": 1000, "output_tokens": 5}}
        })
    )
}

/// One transcript line: the agent's last message of a turn (what Stop reports as
/// `last_assistant_message` in the fixture).
pub fn reply_line(text: &str) -> String {
    format!(
        "{}\n",
        serde_json::json!({
            "type": "assistant", "isSidechain": false,
            "message": {"model": "claude-sonnet-4-5", "role": "assistant", "stop_reason": "end_turn",
                "content": [{"type": "text", "text": text}],
                "usage": {"input_tokens": 1000, "output_tokens": 5}}
        })
    )
}

/// One transcript line: a user prompt.
pub fn prompt_line(text: &str) -> String {
    format!(
        "{}\n",
        serde_json::json!({"type": "user", "isSidechain": false,
                           "message": {"role": "user", "content": text}})
    )
}

/// One transcript line: an assistant reply reporting `tokens` of input.
pub fn usage_line(model: &str, tokens: u64) -> String {
    format!(
        "{}\n",
        serde_json::json!({
            "type": "assistant", "isSidechain": false,
            "message": {"model": model, "role": "assistant",
                "content": [{"type": "text", "text": "ok"}],
                "usage": {"input_tokens": tokens, "cache_creation_input_tokens": 0,
                          "cache_read_input_tokens": 0, "output_tokens": 0}}
        })
    )
}

/// A handoff in the shape of the default template.
pub const HANDOFF: &str = "# Session Handoff\n\nLast Updated: 2026-11-21\n\n## Current State\nThe parser works; the CLI is half done.\n\n## What Was Done This Session\n- Wrote the parser\n- Added tests for emoji 🐢\n\n## What Failed\n- Regex-based parsing: broke on nested fences\n\n## What's Next\n- P0: finish the CLI\n- P1: write the README\n\n## Key Decisions\n- Budget in UTF-16 units: that is what Claude Code measures\n";

/// Run each command line, collecting `$ command`, its output and a non-zero exit.
pub fn session(t: &Test, commands: &[&[&str]]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for args in commands {
        let run = t.run(args, "");
        let _ = write!(
            out,
            "$ handoff {}\n{}{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
        if run.code != Some(0) {
            let _ = writeln!(out, "[exit {}]", run.code.unwrap_or(-1));
        }
    }
    out
}
