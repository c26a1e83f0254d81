//! The pinned Claude Code CLI: installed once with npm into a cache folder outside the repo, reused
//! after that. When it cannot be installed the tests are skipped with one line on stderr, or fail
//! when `HANDOFF_E2E=require` (CI), so they never pass without running.
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The Claude Code version these tests were written against.
pub(crate) const VERSION: &str = "2.1.328";
const PACKAGE: &str = "@anthropic-ai/claude-code";

/// The CLI executable, or `None` when the tests must be skipped.
pub(crate) fn executable() -> Option<PathBuf> {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let installed = INSTALLED.get_or_init(|| {
        let result = install();
        if let Err(reason) = &result {
            let line = format!("e2e: skipped: npm could not install {PACKAGE}@{VERSION}: {reason}");
            if required() {
                return Err(line);
            }
            // Straight to stderr, past the test harness's capture, and only once per run.
            let _ = writeln!(std::io::stderr(), "{line}");
        }
        result
    });
    match installed {
        Ok(path) => Some(path.clone()),
        Err(line) if required() => panic!("{line} (HANDOFF_E2E=require)"),
        Err(_) => None,
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

/// Install the pinned version unless the cache already holds it, and check that it runs.
fn install() -> Result<PathBuf, String> {
    let root = cache_root()?;
    let dir = root.join(format!("claude-code-{VERSION}"));
    if version_of(&bin_in(&dir)).as_deref() == Some(VERSION) {
        return Ok(bin_in(&dir));
    }
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    // Install beside the target and rename, so an interrupted install never looks complete.
    let staging = root.join(format!(
        "claude-code-{VERSION}.partial-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let npm = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&staging)
        .arg(format!("{PACKAGE}@{VERSION}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
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
        Some(v) if v == VERSION => Ok(bin_in(&dir)),
        Some(v) => Err(format!("installed CLI reports version {v}")),
        None => Err(format!("{} does not run", bin_in(&dir).display())),
    }
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
