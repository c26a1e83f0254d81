//! `.claude/handoff.json`: per-project settings, read leniently — a bad field is reported and ignored.
use std::path::Path;

use serde_json::Value;

use crate::confine::Named;

/// A config larger than this is not read: settings fit in a few hundred bytes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Where the handoff lives when the config says nothing.
pub(crate) const DEFAULT_PATH: &str = "docs/SESSION-HANDOFF.md";
/// Default budget for everything SessionStart injects, in UTF-16 code units.
pub(crate) const DEFAULT_BUDGET: usize = 9_000;
/// Claude Code replaces additionalContext longer than this (UTF-16 units) with a file path.
pub(crate) const MAX_BUDGET: usize = 10_000;
/// Below this there is no room for a useful handoff.
pub(crate) const MIN_BUDGET: usize = 1_000;
/// The config file, relative to the project root.
pub(crate) const CONFIG_PATH: &str = ".claude/handoff.json";
/// Where a task's memory lives when the config says nothing; `{task}` is the task's id.
pub(crate) const DEFAULT_TASK_PATH: &str = "working/{task}/session_memory.md";
/// `handoff check`: commits HEAD may be ahead of the handoff's last update.
pub(crate) const DEFAULT_MAX_COMMITS: usize = 20;
/// `handoff check`: sections a handoff must have, each a role's name (any title the roles table
/// gives that role) or `a|b` title alternatives (whole words, any case).
pub(crate) const DEFAULT_REQUIRED: &[&str] = &["next"];

/// What the Stop hook does when a session did work but left the handoff untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum StopMode {
    /// Say nothing.
    Off,
    /// Show the user a reminder (`systemMessage`).
    Remind,
    /// Tell the agent, as context, what to update, once per prompt; it may then stop. The default:
    /// the one reply the model hears that is never a block.
    #[default]
    Nudge,
    /// Block the stop once per prompt, telling the agent what to update.
    Enforce,
}

impl StopMode {
    /// Parse `off`, `remind`, `nudge` or `enforce` (case-insensitive).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(Self::Off),
            "remind" => Some(Self::Remind),
            "nudge" => Some(Self::Nudge),
            "enforce" | "block" => Some(Self::Enforce),
            _ => None,
        }
    }
}

/// The project's settings, every field with a working default.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Config {
    /// The handoff file, relative to the project root.
    pub path: String,
    /// Budget for SessionStart's additionalContext, in UTF-16 units, at most [`MAX_BUDGET`].
    pub budget: usize,
    /// What Stop does.
    pub stop: StopMode,
    /// Percent of the context window at which UserPromptSubmit warns.
    pub context_warn_percent: u8,
    /// Override for the context window size in tokens.
    pub context_window: Option<u64>,
    /// Section priority for packing: each entry is `a|b|c` alternatives, `*` stands for the rest.
    pub priority: Vec<String>,
    /// A task's memory file, relative to the project root, with `{task}` for its id.
    pub task_path: String,
    /// `handoff check`: sections the handoff must have, each `a|b` alternatives.
    pub required: Vec<String>,
    /// `handoff check`: commits HEAD may be ahead of the handoff's last update.
    pub max_commits: usize,
    /// Sessions working as a pipeline: boundary files, the queue, git sync, waves.
    pub fleet: Fleet,
    /// Problems found while reading the file, one line each, for stderr.
    pub warnings: Vec<String>,
    /// Why the file could not be read at all (defaults stand in for everything), if so.
    pub unreadable: Option<String>,
}

/// How long a claim holds when the config says nothing.
pub(crate) const DEFAULT_LEASE: std::time::Duration = std::time::Duration::from_secs(2 * 3600);

/// The settings for a fleet of sessions coordinated through files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Fleet {
    /// `session.start`: files a session reads first, in order (globs; `{task}`, `{wave}`).
    pub start: Vec<String>,
    /// `session.end`: files a session is expected to write before it stops.
    pub end: Vec<String>,
    /// `queue`: the todo and done files; `None` when the project has no queue.
    pub queue: Option<QueueConfig>,
    /// `sync`: how queue changes reach other machines.
    pub sync: Sync,
    /// `waves`: the folder of wave N's findings, with `{wave}` for N.
    pub waves: Option<String>,
}

/// `"queue": {"todo": ..., "done": ..., "lease": "2h"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueueConfig {
    /// The file of items to do, relative to the project root.
    pub todo: String,
    /// The file finished items move to.
    pub done: String,
    /// How long a claim holds before the item is free again.
    pub lease: std::time::Duration,
}

/// How queue changes are shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Sync {
    /// Only this clone's files.
    #[default]
    Off,
    /// Pull, change, commit and push the queue files on every change.
    Git,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            path: DEFAULT_PATH.to_string(),
            budget: DEFAULT_BUDGET,
            stop: StopMode::default(),
            context_warn_percent: 80,
            context_window: None,
            priority: crate::doc::roles::default_priority(),
            task_path: DEFAULT_TASK_PATH.to_string(),
            required: DEFAULT_REQUIRED.iter().map(ToString::to_string).collect(),
            max_commits: DEFAULT_MAX_COMMITS,
            fleet: Fleet::default(),
            warnings: Vec::new(),
            unreadable: None,
        }
    }
}

impl Config {
    /// Read `<root>/.claude/handoff.json`; a missing file gives the defaults, a broken one (or
    /// one that leads outside the project, or isn't a regular file) the defaults plus a warning.
    pub(crate) fn load(root: &Path) -> Self {
        let warn = |warning: String| Self {
            warnings: vec![warning.clone()],
            unreadable: Some(warning),
            ..Self::default()
        };
        let path = match crate::confine::file(root, Path::new(CONFIG_PATH), Named::Config) {
            Ok(path) => path,
            Err(refused) => return warn(refused.to_string()),
        };
        match crate::confine::read_regular(&path, MAX_CONFIG_BYTES) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Self::parse(&text, &path.display().to_string()),
                Err(_) => warn(format!(
                    "{}: not UTF-8 text; using defaults",
                    path.display()
                )),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(e) => warn(format!("{e}; using defaults")),
        }
    }

    /// Parse the config text; `origin` names it in warnings.
    pub(crate) fn parse(text: &str, origin: &str) -> Self {
        let mut config = Self::default();
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let warning = format!(
                    "{origin}:{}:{}: not valid JSON ({e}); using defaults",
                    e.line(),
                    e.column()
                );
                config.warnings.push(warning.clone());
                config.unreadable = Some(warning);
                return config;
            }
        };
        let Some(map) = value.as_object() else {
            let warning = format!("{origin}: expected a JSON object; using defaults");
            config.warnings.push(warning.clone());
            config.unreadable = Some(warning);
            return config;
        };
        let mut bad = |key: &str, want: &str| {
            config
                .warnings
                .push(format!("{origin}: \"{key}\" should be {want}; ignored"));
        };
        let mut out = Self::default();
        for (key, v) in map {
            match key.as_str() {
                "path" => match v.as_str().filter(|s| !s.trim().is_empty()) {
                    Some(s) => out.path = s.trim().to_string(),
                    None => bad(key, "a relative file path"),
                },
                "budget" => match v.as_u64() {
                    Some(n) => out.budget = (n as usize).clamp(MIN_BUDGET, MAX_BUDGET),
                    None => bad(key, "a number of UTF-16 units (at most 10000)"),
                },
                "stop" => match v.as_str().and_then(StopMode::parse) {
                    Some(m) => out.stop = m,
                    None => bad(key, "\"off\", \"remind\", \"nudge\" or \"enforce\""),
                },
                "context_warn_percent" => match v.as_u64().filter(|n| (1..=100).contains(n)) {
                    Some(n) => out.context_warn_percent = n as u8,
                    None => bad(key, "a percentage from 1 to 100"),
                },
                "context_window" => match v {
                    Value::Null => {}
                    _ => match v.as_u64().filter(|n| *n >= 1_000) {
                        Some(n) => out.context_window = Some(n),
                        None => bad(key, "a number of tokens"),
                    },
                },
                "priority" => match string_list(v) {
                    Some(list) if !list.is_empty() => out.priority = list,
                    _ => bad(key, "a list of section names"),
                },
                "task_path" => match v.as_str().filter(|s| s.contains("{task}")) {
                    Some(s) => out.task_path = s.trim().to_string(),
                    None => bad(key, "a relative file path containing {task}"),
                },
                "check" => {
                    let Some(check) = v.as_object() else {
                        bad(key, "an object with \"required\" and \"max_commits\"");
                        continue;
                    };
                    if let Some(r) = check.get("required") {
                        match string_list(r) {
                            Some(list) => out.required = list,
                            None => bad("check.required", "a list of section names"),
                        }
                    }
                    if let Some(m) = check.get("max_commits") {
                        match m.as_u64() {
                            // Counts stop at the walk's end ("30+"): a larger limit could never fail.
                            Some(n) if n as usize >= crate::staleness::WALK_LIMIT => bad(
                                "check.max_commits",
                                &format!(
                                    "a number of commits under {}, where the count stops",
                                    crate::staleness::WALK_LIMIT
                                ),
                            ),
                            Some(n) => out.max_commits = n as usize,
                            None => bad("check.max_commits", "a number of commits"),
                        }
                    }
                }
                "session" | "queue" | "sync" | "waves" => {
                    parse_fleet(&mut out.fleet, key, v, &mut bad);
                }
                // Unknown keys are left for newer versions and other tools.
                _ => {}
            }
        }
        out.warnings = config.warnings;
        out
    }
}

/// One of the fleet keys into `fleet`; `bad(key, want)` reports a field that is ignored.
fn parse_fleet(fleet: &mut Fleet, key: &str, v: &Value, bad: &mut impl FnMut(&str, &str)) {
    match key {
        "session" => {
            let Some(session) = v.as_object() else {
                return bad(key, "an object with \"start\" and \"end\" lists of files");
            };
            for (name, list) in [("start", &mut fleet.start), ("end", &mut fleet.end)] {
                if let Some(value) = session.get(name) {
                    match string_list(value) {
                        Some(files) => {
                            *list = files.into_iter().filter(|f| !f.trim().is_empty()).collect();
                        }
                        None => bad(&format!("session.{name}"), "a list of files or globs"),
                    }
                }
            }
        }
        "queue" => {
            let Some(queue) = v.as_object() else {
                return bad(key, "an object with \"todo\", \"done\" and \"lease\"");
            };
            let file = |name: &str, bad: &mut dyn FnMut(&str, &str)| match queue
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
            {
                Some(f) if !f.is_empty() => Some(f.to_string()),
                _ => {
                    bad(&format!("queue.{name}"), "a relative file path");
                    None
                }
            };
            let (todo, done) = (file("todo", bad), file("done", bad));
            let lease = match queue.get("lease") {
                None => DEFAULT_LEASE,
                Some(l) => l
                    .as_str()
                    .and_then(parse_duration)
                    .or_else(|| {
                        l.as_u64()
                            .filter(|s| *s > 0)
                            .map(std::time::Duration::from_secs)
                    })
                    .unwrap_or_else(|| {
                        bad(
                            "queue.lease",
                            "a duration above zero such as \"2h\", \"1h30m\" or 7200 (seconds)",
                        );
                        DEFAULT_LEASE
                    }),
            };
            if let (Some(todo), Some(done)) = (todo, done) {
                if todo == done {
                    return bad("queue.done", "a different file from queue.todo");
                }
                fleet.queue = Some(QueueConfig { todo, done, lease });
            }
        }
        "sync" => match v.as_str().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            Some("git") => fleet.sync = Sync::Git,
            Some("off" | "none" | "") => fleet.sync = Sync::Off,
            _ => bad(key, "\"git\" or \"off\""),
        },
        "waves" => match v.as_str().map(str::trim) {
            Some(w) if w.contains("{wave}") && inside(w) => fleet.waves = Some(w.to_string()),
            _ => bad(
                key,
                "a folder path inside the project containing {wave} (no `..`, not absolute)",
            ),
        },
        _ => {}
    }
}

/// A relative path that stays below the project root as written (no `..`, no root, no drive).
fn inside(path: &str) -> bool {
    !path.starts_with(['/', '\\', '~'])
        && std::path::Path::new(path).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
        && !path.split(['/', '\\']).any(|part| part == "..")
}

/// `90s`, `30m`, `2h`, `1d`, compounds such as `1h30m`, or a number of seconds; above zero.
pub(crate) fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let mut rest = s.trim();
    let mut secs: u64 = 0;
    if let Ok(n) = rest.parse::<u64>() {
        rest = "";
        secs = n;
    }
    while !rest.is_empty() {
        let split = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(split);
        let n: u64 = digits.parse().ok()?;
        let after = after.trim_start();
        let unit_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let scale = match unit {
            "s" => 1,
            "m" | "min" => 60,
            "h" => 3_600,
            "d" => 86_400,
            _ => return None,
        };
        secs = secs.checked_add(n.checked_mul(scale)?)?;
        rest = next.trim_start();
    }
    (secs > 0).then(|| std::time::Duration::from_secs(secs))
}

/// A JSON list of strings.
fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_modes() {
        for (text, mode) in [
            ("off", Some(StopMode::Off)),
            ("none", Some(StopMode::Off)),
            ("Remind", Some(StopMode::Remind)),
            (" nudge ", Some(StopMode::Nudge)),
            ("enforce", Some(StopMode::Enforce)),
            ("block", Some(StopMode::Enforce)),
            ("sometimes", None),
        ] {
            assert_eq!(StopMode::parse(text), mode, "{text}");
        }
        assert_eq!(StopMode::default(), StopMode::Nudge);
    }

    #[test]
    fn defaults_when_empty() {
        let c = Config::parse("{}", "c.json");
        assert_eq!(c, Config::default());
    }

    #[test]
    fn reads_every_field() {
        let c = Config::parse(
            r#"{"path":"HANDOFF.md","budget":5000,"stop":"Enforce","context_warn_percent":70,
                "context_window":1000000,"priority":["Next","*"],"future":true}"#,
            "c.json",
        );
        assert_eq!(c.path, "HANDOFF.md");
        assert_eq!(c.budget, 5000);
        assert_eq!(c.stop, StopMode::Enforce);
        assert_eq!(c.context_warn_percent, 70);
        assert_eq!(c.context_window, Some(1_000_000));
        assert_eq!(c.priority, ["Next", "*"]);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn task_path_and_check() {
        let c = Config::parse(
            r#"{"task_path":"tasks/{task}.md","check":{"required":["Current State"],"max_commits":5}}"#,
            "c",
        );
        assert_eq!(c.task_path, "tasks/{task}.md");
        assert_eq!(c.required, ["Current State"]);
        assert_eq!(c.max_commits, 5);
        let c = Config::parse(
            r#"{"task_path":"no-placeholder.md","check":{"max_commits":"x"}}"#,
            "c",
        );
        assert_eq!(c.task_path, DEFAULT_TASK_PATH);
        assert_eq!(c.max_commits, DEFAULT_MAX_COMMITS);
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    }

    #[test]
    fn budget_is_capped_at_the_client_limit() {
        assert_eq!(Config::parse(r#"{"budget":50000}"#, "c").budget, MAX_BUDGET);
        assert_eq!(Config::parse(r#"{"budget":3}"#, "c").budget, MIN_BUDGET);
    }

    #[test]
    fn bad_fields_warn_and_keep_defaults() {
        let c = Config::parse(r#"{"stop":"sometimes","budget":"big","path":7}"#, "c.json");
        assert_eq!(c.stop, StopMode::default());
        assert_eq!(c.budget, DEFAULT_BUDGET);
        assert_eq!(c.path, DEFAULT_PATH);
        assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
    }

    #[test]
    fn a_commit_limit_past_the_count_is_refused() {
        let ok = Config::parse(r#"{"check":{"max_commits":29}}"#, "c");
        assert_eq!((ok.max_commits, ok.warnings.len()), (29, 0));
        let big = Config::parse(r#"{"check":{"max_commits":50}}"#, "c");
        assert_eq!(big.max_commits, DEFAULT_MAX_COMMITS);
        assert!(
            big.warnings[0].contains("under 30, where the count stops"),
            "{:?}",
            big.warnings
        );
    }

    #[test]
    fn fleet_keys() {
        let c = Config::parse(
            r#"{"session":{"start":["plan/task-{task}.md","review/*.md"],"end":["done.md"]},
                "queue":{"todo":"todo.md","done":"done.md","lease":"30m"},
                "sync":"git","waves":"discovery/wave-{wave}"}"#,
            "c",
        );
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.fleet.start, ["plan/task-{task}.md", "review/*.md"]);
        assert_eq!(c.fleet.end, ["done.md"]);
        let q = c.fleet.queue.unwrap();
        assert_eq!((q.todo.as_str(), q.done.as_str()), ("todo.md", "done.md"));
        assert_eq!(q.lease.as_secs(), 1800);
        assert_eq!(c.fleet.sync, Sync::Git);
        assert_eq!(c.fleet.waves.as_deref(), Some("discovery/wave-{wave}"));
        let c = Config::parse(
            r#"{"session":[],"queue":{"todo":"a.md","done":"a.md","lease":"soon"},
                "sync":"svn","waves":"discovery"}"#,
            "c",
        );
        assert_eq!(c.fleet, Fleet::default());
        assert_eq!(c.warnings.len(), 5, "{:?}", c.warnings);
        let c = Config::parse(r#"{"queue":{"todo":"t.md","done":"d.md"}}"#, "c");
        assert_eq!(c.fleet.queue.unwrap().lease, DEFAULT_LEASE);
    }

    #[test]
    fn durations() {
        for (s, want) in [
            ("2h", Some(7_200)),
            ("30m", Some(1_800)),
            ("90s", Some(90)),
            ("90", Some(90)),
            ("1d", Some(86_400)),
            (" 5 min", Some(300)),
            ("5min", Some(300)),
            ("0h", None),
            ("1h30m", Some(5_400)),
            ("1h 30m", Some(5_400)),
            ("1d2h3m4s", Some(93_784)),
            ("0", None),
            ("forever", None),
            ("", None),
            ("1h30", None),
            ("30mh", None),
            ("h", None),
            ("2w", None),
            ("-1h", None),
        ] {
            assert_eq!(parse_duration(s).map(|d| d.as_secs()), want, "{s:?}");
        }
    }

    #[test]
    fn leases_and_wave_folders() {
        let lease = |v: &str| {
            let c = Config::parse(
                &format!(r#"{{"queue": {{"todo": "t.md", "done": "d.md", "lease": {v}}}}}"#),
                "c.json",
            );
            (c.fleet.queue.unwrap().lease.as_secs(), c.warnings.len())
        };
        for (v, want) in [
            (r#""1h30m""#, (5_400, 0)),
            ("7200", (7_200, 0)),
            ("0", (7_200, 1)),
            (r#""forever""#, (7_200, 1)),
            ("-5", (7_200, 1)),
        ] {
            assert_eq!(lease(v), want, "{v}");
        }
        for (w, ok) in [
            ("discovery/wave-{wave}", true),
            ("./w/{wave}", true),
            ("../../tmp/w-{wave}", false),
            ("a/../../w-{wave}", false),
            ("/tmp/w-{wave}", false),
            ("~/w-{wave}", false),
            ("w-{wave}/..", false),
        ] {
            let c = Config::parse(&format!(r#"{{"waves": "{w}"}}"#), "c.json");
            assert_eq!(c.fleet.waves.is_some(), ok, "{w}");
            assert_eq!(c.warnings.len(), usize::from(!ok), "{w}");
        }
    }

    #[test]
    fn invalid_json_warns_with_position() {
        let c = Config::parse("{\"stop\": }", "c.json");
        assert!(c.unreadable.is_some());
        assert_eq!(c.stop, StopMode::default());
        assert!(c.warnings[0].starts_with("c.json:1:"), "{:?}", c.warnings);
    }
}
