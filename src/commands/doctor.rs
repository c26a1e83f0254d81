//! `handoff doctor`: one line per check, each either fine or saying what to do.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};

use crate::cli::DoctorArgs;
use crate::doc::{outline, pack};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::fs_atomic::{self, Durability};
use crate::project::Project;
use crate::scope::{self, Scope};
use crate::settings;

use crate::wiring::{lookalikes, read_optional, settings_error};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    /// Works, but could be better.
    Warn,
    /// Broken: doctor exits 1.
    Fail,
    /// Nothing to check yet.
    Skip,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }
}

#[derive(Debug)]
struct Check {
    name: &'static str,
    status: Status,
    message: String,
}

fn check(name: &'static str, status: Status, message: impl Into<String>) -> Check {
    Check {
        name,
        status,
        message: message.into(),
    }
}

/// Run every check, print them, and exit 1 if any failed.
pub(crate) fn run(args: &DoctorArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let mut checks = vec![binary()];
    checks.extend(hooks(&project, env));
    checks.extend(handoff_file(&project));
    checks.extend(
        project
            .config
            .warnings
            .iter()
            .map(|w| check("config", Status::Warn, w.clone())),
    );
    checks.push(state(&project));
    checks.push(git());
    checks.push(last_session(&project, env));
    let failed = checks.iter().any(|c| c.status == Status::Fail);
    if args.json {
        let list: Vec<Value> = checks
            .iter()
            .map(|c| json!({"check": c.name, "status": c.status.label().to_ascii_lowercase(), "message": c.message}))
            .collect();
        println!("{}", json!({"ok": !failed, "checks": list}));
    } else {
        for c in &checks {
            println!("{:<5} {:<9} {}", c.status.label(), c.name, c.message);
        }
    }
    if failed {
        Err(Error::Quiet(crate::error::EXIT_FAILURE))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn binary() -> Check {
    let version = env!("CARGO_PKG_VERSION");
    match std::env::current_exe() {
        Ok(path) => check(
            "binary",
            Status::Ok,
            format!("handoff {version} at {}", path.display()),
        ),
        Err(e) => check(
            "binary",
            Status::Warn,
            format!(
                "handoff {version}, but its own path is unknown ({e}): install with --command PATH"
            ),
        ),
    }
}

/// Where the hooks are installed, whether twice, and whether the program they run exists.
fn hooks(project: &Project, env: &Env) -> Vec<Check> {
    let mut out = Vec::new();
    let mut places = Vec::new();
    let mut commands = Vec::new();
    let registration = settings::Registration::plugin();
    let wanted: Vec<&str> = registration.events().collect();
    for s in Scope::ALL {
        let Some(path) = s.settings_path(&project.root, env) else {
            continue;
        };
        let shown = scope::display(&path, &project.root, env);
        let text = match read_optional(&path) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(e) => {
                out.push(check("hooks", Status::Fail, e.to_string()));
                continue;
            }
        };
        let value = match serde_json::from_str::<Value>(&text) {
            Ok(v) => v,
            Err(e) if !text.trim().is_empty() => {
                out.push(check(
                    "hooks",
                    Status::Fail,
                    Error::invalid_json(&path, &e).to_string(),
                ));
                continue;
            }
            Err(_) => Value::Null,
        };
        if let Err(e) = settings::check(&text) {
            out.push(check(
                "hooks",
                Status::Fail,
                settings_error(&path, &e).to_string(),
            ));
            continue;
        }
        for warning in lookalikes(&text, &shown) {
            out.push(check("hooks", Status::Warn, warning));
        }
        let found = settings::find_ours(&text);
        if found.is_empty() {
            continue;
        }
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|e| !found.iter().any(|f| f.event == *e))
            .collect();
        if !missing.is_empty() {
            out.push(check(
                "hooks",
                Status::Warn,
                format!(
                    "{shown} lacks {}: run `handoff install --scope {}`",
                    missing.join(", "),
                    s.name()
                ),
            ));
        }
        places.push(format!("{} ({shown})", s.name()));
        out.extend(never_run(&value, &found, &shown));
        for f in found {
            let c = f.command().to_string();
            if !commands.contains(&c) {
                commands.push(c);
            }
        }
    }
    if let Some(shown) = crate::wiring::plugin_enabled_in(project, env) {
        places.push(format!("the plugin (enabled in {shown})"));
    }
    out.insert(
        0,
        match places.len() {
            0 => check(
                "hooks",
                Status::Fail,
                "not installed: run `handoff install` (or install the plugin)",
            ),
            1 => check("hooks", Status::Ok, format!("installed in {}", places[0])),
            _ => check(
                "hooks",
                Status::Fail,
                format!(
                    "installed in {}: each hook runs more than once; keep one (`handoff uninstall --scope …`)",
                    places.join(" and ")
                ),
            ),
        },
    );
    for c in commands {
        out.push(hook_command(&c));
    }
    out
}

/// Our hooks in one settings file that never run: an unknown event, a matcher that never matches.
fn never_run(settings: &Value, found: &[settings::Found], shown: &str) -> Vec<Check> {
    found
        .iter()
        .filter_map(|f| {
            let matcher = settings["hooks"][&f.event][f.group]["matcher"].as_str();
            crate::events::problem(&f.event, matcher)
        })
        .map(|problem| check("hooks", Status::Warn, format!("{shown}: {problem}")))
        .collect()
}

/// Whether the program a hook runs exists and which version it is.
fn hook_command(command: &str) -> Check {
    let path = Path::new(command);
    if !path.is_absolute() || command.contains('$') {
        return check(
            "command",
            Status::Skip,
            format!("{command} (resolved when the hook runs)"),
        );
    }
    if !path.is_file() {
        return check(
            "command",
            Status::Fail,
            format!(
                "{command} does not exist: run `handoff install` again from the installed binary"
            ),
        );
    }
    let version = std::process::Command::new(path)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match version {
        Some(v) if v.ends_with(env!("CARGO_PKG_VERSION")) => {
            check("command", Status::Ok, format!("{command} ({v})"))
        }
        Some(v) => check(
            "command",
            Status::Warn,
            format!(
                "{command} is {v}, this is {}: reinstall one of them",
                env!("CARGO_PKG_VERSION")
            ),
        ),
        None => check(
            "command",
            Status::Fail,
            format!("{command} does not run: rebuild it, or run `handoff install` again"),
        ),
    }
}

/// The handoff exists, has sections, fits the budget, and holds no secret (one check each).
fn handoff_file(project: &Project) -> Vec<Check> {
    let shown = &project.handoff_display;
    let path = match project.handoff() {
        Ok(path) => path,
        Err(refused) => return vec![check("handoff", Status::Fail, refused.to_string())],
    };
    let text = match crate::confine::open_regular(path).and_then(std::io::read_to_string) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec![check(
                "handoff",
                Status::Fail,
                format!("{shown} does not exist: run `handoff init`"),
            )]
        }
        Err(e) => return vec![check("handoff", Status::Fail, e.to_string())],
    };
    let mut out = vec![handoff_size(project, &text)];
    out.extend(
        super::check::secrets(&text)
            .into_iter()
            .map(|(line, p)| check("secret", Status::Fail, format!("{shown}:{line}: {p}"))),
    );
    out
}

/// The handoff has sections and fits the budget.
fn handoff_size(project: &Project, text: &str) -> Check {
    let shown = &project.handoff_display;
    let sections = section_count(text);
    let units = crate::doc::utf16_len(text);
    let budget = project.config.budget;
    let fit = crate::doc::fit::Fit::of(text, budget);
    let plural = if sections == 1 { "" } else { "s" };
    let size = format!("{sections} section{plural}, {units} of {budget} UTF-16 units");
    if sections == 0 {
        check(
            "handoff",
            Status::Warn,
            format!(
                "{shown}: {size}; add `## ` headings so the least important parts can be cut first"
            ),
        )
    } else if let Some(note) = fit.note() {
        // Growing past the budget is the intended use; only the always-kept parts outgrowing it warn.
        let status = if fit.must_trim() {
            Status::Warn
        } else {
            Status::Ok
        };
        check("handoff", status, format!("{shown}: {size}; {note}"))
    } else {
        check("handoff", Status::Ok, format!("{shown}: {size}"))
    }
}

/// Number of sections (headings at the document's section level, below the title), as the
/// SessionStart hook sees them.
fn section_count(text: &str) -> usize {
    crate::doc::outline::part_titles(text).len()
}

/// The state folder can be written.
fn state(project: &Project) -> Check {
    let dir = &project.state_dir;
    let probe = dir.join(".doctor-probe");
    let result = fs_atomic::write(&probe, b"ok", Durability::Fast)
        .and_then(|()| fs_err::remove_file(&probe));
    match result {
        Ok(()) => check(
            "state",
            Status::Ok,
            format!("{} is writable", dir.display()),
        ),
        Err(e) => check(
            "state",
            Status::Fail,
            format!("{e}: make it writable, or set HANDOFF_STATE_DIR to a folder that is"),
        ),
    }
}

fn git() -> Check {
    match std::process::Command::new("git").arg("--version").output() {
        Ok(o) if o.status.success() => check(
            "git",
            Status::Ok,
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
        ),
        _ => check(
            "git",
            Status::Warn,
            "git not found: the handoff can't be checked against recent commits",
        ),
    }
}

/// Whether the newest session's SessionStart context reached the model whole.
fn last_session(project: &Project, env: &Env) -> Check {
    let Some(dir) = scope::claude_dir(env) else {
        return check(
            "session",
            Status::Skip,
            "no home folder, so no transcripts to check",
        );
    };
    let Some(transcript) = newest_transcript(&dir.join("projects"), &project.root) else {
        return check(
            "session",
            Status::Skip,
            "no transcript for this project yet: start a Claude Code session here, then run doctor again",
        );
    };
    let text = match crate::confine::open_regular(&transcript).and_then(std::io::read_to_string) {
        Ok(t) => t,
        Err(e) => return check("session", Status::Warn, e.to_string()),
    };
    let name = transcript
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match injected_whole(&text) {
        Some(true) => arrived(project, &name, last_context_units(&text)),
        Some(false) => check(
            "session",
            Status::Fail,
            format!(
                "the last session ({name}) got the handoff as a file path, not its text: it was too large; \
                 lower \"budget\" in .claude/handoff.json or trim the handoff"
            ),
        ),
        None => check(
            "session",
            Status::Warn,
            format!("the last session ({name}) shows no handoff at start: are the hooks installed and the folder trusted?"),
        ),
    }
}

/// What the last session received, when its context arrived as text: whole, or how much arrived
/// and which sections packing leaves out of the handoff as it is now.
fn arrived(project: &Project, name: &str, units: usize) -> Check {
    let omitted = project
        .handoff()
        .ok()
        .and_then(|p| crate::confine::open_regular(p).ok())
        .and_then(|f| std::io::read_to_string(f).ok())
        .map(|text| left_out(&text, project))
        .unwrap_or_default();
    if omitted.is_empty() {
        return check(
            "session",
            Status::Ok,
            format!("the last session ({name}) received the handoff whole ({units} UTF-16 units)"),
        );
    }
    let parts: Vec<String> = omitted
        .iter()
        .map(|o| {
            if o.kept == 0 {
                o.title.clone()
            } else {
                format!("{} ({} of {} items)", o.title, o.kept, o.total)
            }
        })
        .collect();
    check(
        "session",
        Status::Warn,
        format!(
            "the last session ({name}) received {units} UTF-16 units of context; left out to fit \
             the budget of {}: {}; trim the handoff or raise \"budget\" in .claude/handoff.json",
            project.config.budget,
            parts.join(", ")
        ),
    )
}

/// The sections packing leaves out of `text` (or cuts) under the project's budget and priority:
/// the one place doctor asks the packer.
fn left_out(text: &str, project: &Project) -> Vec<pack::Omission> {
    let text = outline::normalize_newlines(text);
    if outline::utf16_len(&text) <= project.config.budget {
        return Vec::new();
    }
    let doc = outline::parse(&text);
    pack::pack(&doc, project.config.budget, &project.config.priority).omitted
}

/// The length in UTF-16 units of the newest SessionStart context in a transcript: the hook
/// attachment's content, or the text after the label in a message.
fn last_context_units(transcript: &str) -> usize {
    const LABEL: &str = "SessionStart hook additional context: ";
    fn labelled(v: &Value) -> Option<usize> {
        match v {
            Value::String(s) => s
                .find(LABEL)
                .map(|i| outline::utf16_len(&s[i + LABEL.len()..])),
            Value::Array(a) => a.iter().find_map(labelled),
            Value::Object(m) => m.values().find_map(labelled),
            _ => None,
        }
    }
    let Some(line) = transcript.lines().rev().find(|l| is_start_context(l)) else {
        return 0;
    };
    let Ok(v) = serde_json::from_str::<Value>(line) else {
        return 0;
    };
    match &v["attachment"]["content"] {
        Value::String(s) => outline::utf16_len(s),
        Value::Array(parts) => parts
            .iter()
            .filter_map(Value::as_str)
            .map(outline::utf16_len)
            .sum(),
        _ => labelled(&v).unwrap_or(0),
    }
}

fn is_start_context(line: &str) -> bool {
    line.contains("SessionStart hook additional context")
        || (line.contains("hook_additional_context") && line.contains("SessionStart"))
}

/// Claude Code's transcript folder names for `root`: every character but letters and digits
/// becomes `-` (what Claude Code does), or only `/` and `.` (what older versions did).
fn transcript_dirs(projects: &Path, root: &Path) -> Vec<PathBuf> {
    let root = root.to_string_lossy();
    let all: String = root
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let some: String = root
        .chars()
        .map(|c| {
            if c == '/' || c == '.' || c == '\\' {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut dirs = vec![projects.join(all)];
    if dirs[0] != projects.join(&some) {
        dirs.push(projects.join(some));
    }
    dirs
}

fn newest_transcript(projects: &Path, root: &Path) -> Option<PathBuf> {
    transcript_dirs(projects, root)
        .into_iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, p)| p)
}

/// In a transcript: `Some(true)` if the last SessionStart context arrived as text,
/// `Some(false)` if it was replaced by `<persisted-output>`, `None` if there is none.
fn injected_whole(transcript: &str) -> Option<bool> {
    transcript
        .lines()
        .rev()
        .find(|l| is_start_context(l))
        .map(|l| !l.contains("<persisted-output>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sections_outside_code_fences() {
        let cases = [
            ("# T\n## A\ntext\n## B\n", 2),
            ("# T\r\n## A\r\n```\r\n## not a section\r\n```\r\n## B", 2),
            ("no headings\n", 0),
            ("", 0),
        ];
        for (text, want) in cases {
            assert_eq!(section_count(text), want, "{text:?}");
        }
    }

    #[test]
    fn finds_whether_the_handoff_arrived_whole() {
        let whole = r##"{"type":"attachment","attachment":{"type":"hook_additional_context","hookName":"SessionStart","content":["# Handoff"]}}"##;
        let cut = r#"{"type":"user","message":{"content":"SessionStart hook additional context: <persisted-output>Output too large"}}"#;
        let cases = [
            (String::new(), None),
            (format!("{whole}\n"), Some(true)),
            (format!("{cut}\n"), Some(false)),
            (format!("{cut}\n{whole}\n"), Some(true)),
            (format!("{whole}\n{cut}\n"), Some(false)),
            ("{\"type\":\"attachment\",\"attachment\":{\"type\":\"hook_additional_context\",\"hookName\":\"UserPromptSubmit\"}}".to_string(), None),
        ];
        for (text, want) in cases {
            assert_eq!(injected_whole(&text), want, "{text}");
        }
    }

    #[test]
    fn measures_the_last_context() {
        let cases = [
            ("", 0),
            (r##"{"type":"attachment","attachment":{"type":"hook_additional_context","hookName":"SessionStart","content":["# Handoff 🐢"]}}"##, 12),
            ("{\"type\":\"user\",\"message\":{\"content\":\"<r>SessionStart hook additional context: abc</r>\"}}\n{\"type\":\"user\",\"message\":{\"content\":\"later\"}}", 7),
            ("not json SessionStart hook additional context", 0),
        ];
        for (text, want) in cases {
            assert_eq!(last_context_units(text), want, "{text}");
        }
    }

    #[test]
    fn transcript_folder_names() {
        let dirs = transcript_dirs(
            Path::new("/h/.claude/projects"),
            Path::new("/home/me/my.app"),
        );
        assert_eq!(dirs, [PathBuf::from("/h/.claude/projects/-home-me-my-app")]);
        let dirs = transcript_dirs(Path::new("/p"), Path::new("/a/b_c"));
        assert_eq!(
            dirs,
            [PathBuf::from("/p/-a-b-c"), PathBuf::from("/p/-a-b_c")]
        );
    }
}
