//! The Claude Code CLIs under test: each version installed once with npm into a cache folder
//! outside the repo, reused after that. When one cannot be installed the tests are skipped with one
//! line on stderr, or fail when `HANDOFF_E2E=require` (CI), so they never pass without running.
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The versions to run on unless `HANDOFF_E2E_CLAUDE` lists others: the one the tests were written
/// against, and the newest.
const DEFAULT_VERSIONS: [&str; 2] = ["2.1.328", "2.1.332"];
const PACKAGE: &str = "@anthropic-ai/claude-code";
/// How long the registry may take to say whether a version exists, retries included.
const PREFLIGHT_LIMIT: Duration = Duration::from_secs(12);

/// One installed Claude Code CLI.
#[derive(Debug)]
pub(crate) struct Cli {
    /// As npm and `claude --version` spell it: `2.1.332`.
    pub(crate) version: String,
    pub(crate) bin: PathBuf,
}

/// Every CLI the tests run on, installed on first use; `None` when the tests must be skipped.
pub(crate) fn installed() -> Option<&'static [Cli]> {
    static INSTALLED: OnceLock<Result<Vec<Cli>, String>> = OnceLock::new();
    let installed = INSTALLED.get_or_init(|| {
        // The first version that cannot be installed ends the attempt: the next would wait as long.
        let result = versions()
            .into_iter()
            .map(|version| match install(&version) {
                Ok(bin) => Ok(Cli { version, bin }),
                Err(reason) => Err(format!(
                    "npm could not install {PACKAGE}@{version}: {reason}"
                )),
            })
            .collect();
        if let Err(reason) = &result {
            if !required() {
                // Straight to stderr, past the test harness's capture, and only once per run.
                let _ = writeln!(std::io::stderr(), "e2e: skipped: {reason}");
            }
        }
        result
    });
    match installed {
        Ok(clis) => Some(clis),
        Err(reason) if required() => panic!("e2e: failed: {reason} (HANDOFF_E2E=require)"),
        Err(_) => None,
    }
}

/// `HANDOFF_E2E_CLAUDE=2.1.328,2.1.332`: the versions to run on, in order.
#[allow(clippy::disallowed_methods)] // the test process's own settings, not the binary's
fn versions() -> Vec<String> {
    let listed: Vec<String> = std::env::var("HANDOFF_E2E_CLAUDE")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    if listed.is_empty() {
        DEFAULT_VERSIONS.iter().map(|v| (*v).to_string()).collect()
    } else {
        listed
    }
}

/// `HANDOFF_E2E=require` turns a skip into a failure.
#[allow(clippy::disallowed_methods)] // the test process's own settings, not the binary's
fn required() -> bool {
    std::env::var("HANDOFF_E2E").is_ok_and(|v| v == "require")
}

/// `$HANDOFF_E2E_CACHE`, else `~/.cache/handoff-e2e`.
#[allow(clippy::disallowed_methods)] // the test process's own settings, not the binary's
fn cache_root() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("HANDOFF_E2E_CACHE").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home =
        std::env::var_os("HOME").ok_or("HOME is not set and neither is HANDOFF_E2E_CACHE")?;
    Ok(Path::new(&home).join(".cache").join("handoff-e2e"))
}

fn bin_in(dir: &Path) -> PathBuf {
    dir.join("node_modules/@anthropic-ai/claude-code/bin/claude.exe")
}

/// Install `version` unless the cache already holds it, and check that it runs.
fn install(version: &str) -> Result<PathBuf, String> {
    let root = cache_root()?;
    let dir = root.join(format!("claude-code-{version}"));
    if version_of(&bin_in(&dir)).as_deref() == Some(version) {
        return Ok(bin_in(&dir));
    }
    preflight(version)?;
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    // Install beside the target and rename, so an interrupted install never looks complete.
    let staging = root.join(format!(
        "claude-code-{version}.partial-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let npm = npm()
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&staging)
        .arg(format!("{PACKAGE}@{version}"))
        .spawn()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    let (status, _, stderr) = wait_bounded(npm, Duration::from_secs(600))
        .map_err(|_| "npm install took over 10 minutes".to_string())?;
    if !status.success() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(npm_reason(&stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&staging, &dir)
        .map_err(|e| format!("cannot move the install into place: {e}"))?;
    match version_of(&bin_in(&dir)) {
        Some(v) if v == version => Ok(bin_in(&dir)),
        Some(v) => Err(format!("installed CLI reports version {v}")),
        None => Err(format!("{} does not run", bin_in(&dir).display())),
    }
}

/// Ask the registry whether `version` exists, with no retries and a short timeout: without a
/// registry, npm install alone retries for over a minute before it gives up.
fn preflight(version: &str) -> Result<(), String> {
    let npm = npm()
        .args([
            "view",
            "--fetch-retries=0",
            "--fetch-timeout=8000",
            "--loglevel=error",
        ])
        .arg(format!("{PACKAGE}@{version}"))
        .arg("version")
        .spawn()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    let (status, stdout, stderr) = wait_bounded(npm, PREFLIGHT_LIMIT)
        .map_err(|_| format!("the registry did not answer within {PREFLIGHT_LIMIT:?}"))?;
    if !status.success() {
        return Err(npm_reason(&stderr));
    }
    if stdout.trim() != version {
        return Err(format!("the registry has no version {version}"));
    }
    Ok(())
}

/// npm with no input and both outputs piped, in its own process group so a timeout kills it all.
fn npm() -> Command {
    let mut npm = Command::new("npm");
    npm.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    npm
}

/// The line of npm's error output that says what went wrong, without its stack and log path.
fn npm_reason(stderr: &str) -> String {
    let mut lines = stderr
        .lines()
        .map(|l| l.strip_prefix("npm error").unwrap_or(l).trim())
        .filter(|l| !l.is_empty());
    let noise = ["code ", "syscall ", "errno ", "A complete log", "at "];
    lines
        .clone()
        .find(|l| !noise.iter().any(|n| l.starts_with(n)))
        .or_else(|| lines.next())
        .unwrap_or("npm failed without saying why")
        .to_string()
}

/// The version the executable prints (`2.1.328 (Claude Code)`), if it runs.
fn version_of(bin: &Path) -> Option<String> {
    let out = Command::new(bin)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().next().map(str::to_string)
}

/// Wait for a child started in its own process group with piped stdout/stderr, killing the whole
/// group after `limit`. Returns its status and output, or the output so far when it was killed.
pub(crate) fn wait_bounded(
    mut child: std::process::Child,
    limit: Duration,
) -> Result<(std::process::ExitStatus, String, String), (String, String)> {
    // Drain both pipes on their own threads so a chatty child never blocks on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if start.elapsed() > limit {
            // The group, not just the child: its own children would keep the pipes open.
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    match status {
        Some(status) => Ok((status, stdout, stderr)),
        None => Err((stdout, stderr)),
    }
}
