//! The one builder: a throwaway HOME and project wired to the hook, the stand-in model, and `claude`
//! runs against them; and the loops that run a scenario on every client under test.
use std::cell::RefCell;
use std::ffi::OsString;
use std::fmt;
use std::os::unix::process::CommandExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::claude::{self, Cli};
use crate::stand_in::{Reply, Request, StandIn};

/// The handoff file, relative to the project.
pub(crate) const HANDOFF: &str = "docs/SESSION-HANDOFF.md";
/// A model with a 200,000-token window, so usage numbers map to percentages simply.
pub(crate) const MODEL: &str = "claude-sonnet-4-5";
/// However stuck a run gets, it is killed after this.
const RUN_LIMIT: Duration = Duration::from_secs(120);
const EVENTS: [&str; 5] = [
    "SessionStart",
    "UserPromptSubmit",
    "Stop",
    "PreCompact",
    "SessionEnd",
];

/// The model the client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// `--model MODEL`.
    Pinned,
    /// No `--model`: the CLI's own default, which most users run and which gets the SessionStart
    /// context in another place.
    Default,
}

/// What a scenario runs on: one Claude Code version, asking for one model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client {
    cli: &'static Cli,
    model: Model,
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.model {
            Model::Pinned => write!(f, "Claude Code {} with {MODEL}", self.cli.version),
            Model::Default => write!(f, "Claude Code {} with its default model", self.cli.version),
        }
    }
}

/// Run `scenario` on every Claude Code version under test (`HANDOFF_E2E_CLAUDE`), asking for
/// `MODEL`. Nothing runs when the tests are skipped.
pub(crate) fn on_each_version(scenario: impl Fn(Client)) {
    on_each(&[Model::Pinned], scenario);
}

/// Run `scenario` on every version, with `MODEL` and with the CLI's default model: for what
/// SessionStart puts in front of the model, which lands in a different place for each.
pub(crate) fn on_each_version_and_model(scenario: impl Fn(Client)) {
    on_each(&[Model::Pinned, Model::Default], scenario);
}

/// Every client gets its turn even after one fails, so the failure says which ones it is on.
fn on_each(models: &[Model], scenario: impl Fn(Client)) {
    let Some(clis) = claude::installed() else {
        return;
    };
    let mut failures = Vec::new();
    for cli in clis {
        for &model in models {
            let client = Client { cli, model };
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| scenario(client))) {
                failures.push(format!("on {client}: {}", panic_text(&*panic)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failed {}",
        failures.join("\n\nfailed ")
    );
}

/// The message a panic carried.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(a panic without a message)")
}

/// Setups running at once: one per core (two on two cores nearly halve the suite's time), and no
/// more than this, so a big machine does not start dozens of CLIs.
const AT_ONCE: usize = 4;

/// One end-to-end setup.
pub(crate) struct E2e {
    client: Client,
    stand_in: StandIn,
    home: TempDir,
    project: PathBuf,
    /// Tool-permission rules every run passes as `--allowedTools`.
    allowed: RefCell<Vec<String>>,
    _project_dir: TempDir,
    _slot: Slot,
}

/// A place among the setups that may run at once, given back when dropped.
struct Slot;

static TAKEN: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

impl Slot {
    fn take() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut taken = TAKEN.lock().unwrap_or_else(PoisonError::into_inner);
        while *taken >= cores.min(AT_ONCE) {
            taken = FREED.wait(taken).unwrap_or_else(PoisonError::into_inner);
        }
        *taken += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *TAKEN.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        FREED.notify_one();
    }
}

/// What one `claude -p` process left behind.
#[derive(Debug)]
pub(crate) struct Run {
    /// The `result` object the CLI printed last.
    pub(crate) result: Value,
}

impl Run {
    /// The session the run ended in (a new one after `/clear`).
    pub(crate) fn session_id(&self) -> &str {
        self.result["session_id"].as_str().unwrap_or_default()
    }
}

impl E2e {
    /// A fresh project with `handoff` installed, run by `client`, and a model that answers with
    /// `script`.
    pub(crate) fn start(
        client: Client,
        script: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let e2e = Self::unwired(client, script);
        e2e.install();
        e2e
    }

    /// [`E2e::start`] without `handoff install`: for a test that wires the hooks another way.
    pub(crate) fn unwired(
        client: Client,
        script: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let slot = Slot::take();
        let mut project_dir = tempfile::tempdir().expect("temp project");
        let mut home = tempfile::tempdir().expect("temp HOME");
        if keep() {
            project_dir.disable_cleanup(true);
            home.disable_cleanup(true);
            eprintln!(
                "e2e: keeping project {} and HOME {}",
                project_dir.path().display(),
                home.path().display()
            );
        }
        // The CLI resolves symlinks (macOS /var -> /private/var); paths in requests use the real one.
        let project = project_dir
            .path()
            .canonicalize()
            .expect("canonical project path");
        Self {
            client,
            stand_in: StandIn::start(Arc::new(script), &project),
            home,
            project,
            allowed: RefCell::default(),
            _project_dir: project_dir,
            _slot: slot,
        }
    }

    /// Wire the hooks the way users do: `handoff install` in the project.
    fn install(&self) {
        let out = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .arg("install")
            .current_dir(&self.project)
            .env_clear()
            .env("PATH", path_var())
            .env("HOME", self.home())
            .output()
            .expect("run handoff install");
        assert!(
            out.status.success(),
            "handoff install failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `claude ARGS…` (a subcommand such as `plugin install`) in the project with the test's
    /// environment; panics unless it succeeds, and returns its stdout.
    pub(crate) fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(&self.client.cli.bin)
            .args(args)
            .current_dir(&self.project)
            .env_clear()
            .env("PATH", cli_path_var())
            .env("HOME", self.home())
            .env("TMPDIR", self.home())
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("DISABLE_TELEMETRY", "1")
            .env("DISABLE_AUTOUPDATER", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run claude");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "claude {args:?} exited with {}\nstdout:\n{stdout}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// `handoff ARGS…` from a shell in the project (the test's HOME, no Claude Code variables);
    /// panics unless it succeeds, and returns its stdout.
    pub(crate) fn handoff(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_handoff"))
            .args(args)
            .current_dir(&self.project)
            .env_clear()
            .env("PATH", path_var())
            .env("HOME", self.home())
            .output()
            .expect("run handoff");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "handoff {args:?} exited with {}\nstdout:\n{stdout}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// Wire every event to `command args…` instead, in exec form.
    pub(crate) fn hook(&self, command: &Path, args: &[&str]) -> &Self {
        let handler = json!({"type": "command", "command": command, "args": args, "timeout": 10});
        let hooks: serde_json::Map<String, Value> = EVENTS
            .iter()
            .map(|event| ((*event).to_string(), json!([{"hooks": [handler]}])))
            .collect();
        self.write(
            ".claude/settings.json",
            &json!({ "hooks": hooks }).to_string(),
        )
    }

    /// Let the model use a tool without a prompt, in every run from now on: `--allowedTools RULE`.
    /// `-p` cannot ask, so without a rule a Bash call is refused (the file tools are allowed by
    /// `acceptEdits`). For example `Bash(handoff:*)`: `handoff` on the CLI's PATH is this build.
    pub(crate) fn allow(&self, rule: &str) -> &Self {
        self.allowed.borrow_mut().push(rule.to_string());
        self
    }

    /// Write a project file, creating its folder.
    pub(crate) fn write(&self, relative: &str, text: &str) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folder");
        #[allow(clippy::disallowed_methods)] // a throwaway fixture, not a user's file
        std::fs::write(&path, text).expect("write fixture");
        self
    }

    /// Read a project file.
    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_default()
    }

    /// A path inside the project, absolute.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.project.join(relative)
    }

    /// The throwaway HOME the CLI and the hook run with.
    pub(crate) fn home(&self) -> &Path {
        self.home.path()
    }

    /// Every request the model received so far, oldest first.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.stand_in.requests()
    }

    /// The newest request the model received.
    pub(crate) fn last_request(&self) -> Request {
        self.requests()
            .pop()
            .expect("the model received no request")
    }

    /// A new session with one prompt: `claude -p PROMPT`.
    pub(crate) fn prompt(&self, prompt: &str) -> Run {
        self.run(&["-p", prompt, "--output-format", "json"], None)
    }

    /// Continue a session with one prompt: `claude --resume ID -p PROMPT`.
    pub(crate) fn resume(&self, session_id: &str, prompt: &str) -> Run {
        self.run(
            &[
                "--resume",
                session_id,
                "-p",
                prompt,
                "--output-format",
                "json",
            ],
            None,
        )
    }

    /// A new session that starts from a copy of another's conversation, with one prompt:
    /// `claude --resume ID --fork-session -p PROMPT`.
    pub(crate) fn fork(&self, session_id: &str, prompt: &str) -> Run {
        self.run(
            &[
                "--resume",
                session_id,
                "--fork-session",
                "-p",
                prompt,
                "--output-format",
                "json",
            ],
            None,
        )
    }

    /// Several prompts (slash commands included) typed into one new session, in order.
    pub(crate) fn prompts(&self, prompts: &[&str]) -> Run {
        // One JSON user message per line, as `--input-format stream-json` reads them.
        let input: String = prompts
            .iter()
            .map(|p| {
                json!({"type": "user", "message": {"role": "user", "content": p}}).to_string()
                    + "\n"
            })
            .collect();
        let args = [
            "-p",
            "--input-format",
            "stream-json",
            "--output-format",
            "stream-json",
            "--verbose",
        ];
        self.run(&args, Some(input))
    }

    /// The session's transcript, one JSON value per line.
    pub(crate) fn transcript(&self, session_id: &str) -> Vec<Value> {
        let projects = self.home().join(".claude/projects");
        // The folder name is the CLI's own mangling of the cwd; find the file instead of guessing it.
        let file = std::fs::read_dir(&projects)
            .into_iter()
            .flatten()
            .flatten()
            .map(|dir| dir.path().join(format!("{session_id}.jsonl")))
            .find(|path| path.is_file())
            .unwrap_or_else(|| {
                panic!(
                    "no transcript for {session_id} under {}",
                    projects.display()
                )
            });
        std::fs::read_to_string(file)
            .expect("read transcript")
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    fn run(&self, args: &[&str], stdin: Option<String>) -> Run {
        let mut command = Command::new(&self.client.cli.bin);
        command
            .args(args)
            .args(match self.client.model {
                Model::Pinned => ["--model", MODEL].as_slice(),
                Model::Default => &[],
            })
            .args(["--permission-mode", "acceptEdits"])
            .args(
                self.allowed
                    .borrow()
                    .iter()
                    .flat_map(|rule| ["--allowedTools", rule]),
            )
            .current_dir(&self.project)
            // Nothing of the developer's own environment leaks in: no keys, no settings, no proxies.
            .env_clear()
            .env("PATH", cli_path_var())
            .env("HOME", self.home())
            // The CLI's scratch files (/tmp/claude-<uid>/…) go with the HOME instead of piling up.
            .env("TMPDIR", self.home())
            .env("ANTHROPIC_BASE_URL", self.stand_in.url())
            .env("ANTHROPIC_API_KEY", "e2e-stand-in")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("DISABLE_TELEMETRY", "1")
            .env("DISABLE_AUTOUPDATER", "1")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so a timeout can kill the hooks it started too.
            .process_group(0);
        let mut child = command.spawn().expect("start claude");
        if let Some(input) = stdin {
            use std::io::Write;
            let mut pipe = child.stdin.take().expect("stdin pipe");
            pipe.write_all(input.as_bytes()).expect("write prompts");
        }
        let (status, stdout, stderr) = match claude::wait_bounded(child, RUN_LIMIT) {
            Ok(done) => done,
            Err((stdout, stderr)) => {
                panic!("claude {args:?} ran over {RUN_LIMIT:?} and was killed\nstdout:\n{stdout}\nstderr:\n{stderr}");
            }
        };
        assert!(
            status.success(),
            "claude {args:?} exited with {status}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        // Both output formats end with one `result` object on its own line.
        let result = stdout
            .lines()
            .rev()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|v| v["type"] == "result")
            .unwrap_or_else(|| {
                panic!("no result from claude {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}")
            });
        assert_eq!(
            result["is_error"], false,
            "claude {args:?} reported an error: {result}"
        );
        Run { result }
    }
}

/// `HANDOFF_E2E_KEEP=1` keeps each test's project and HOME for a look after a failure.
#[allow(clippy::disallowed_methods)] // the test process's own settings, not the binary's
fn keep() -> bool {
    std::env::var_os("HANDOFF_E2E_KEEP").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The test process's PATH, so the CLI finds `git` and a shell as usual.
#[allow(clippy::disallowed_methods)] // the test process's own settings, not the binary's
fn path_var() -> OsString {
    std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into())
}

/// The CLI's PATH: the folder of the `handoff` under test first, so a Bash tool call runs this
/// build and never one installed on the machine.
fn cli_path_var() -> OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_handoff"))
        .parent()
        .expect("the binary's folder");
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&path_var()));
    std::env::join_paths(dirs).expect("a PATH without separators in its folders")
}
