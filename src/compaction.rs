//! Where Claude Code will compact the conversation: its auto-compact window (environment, then the
//! local, project and user settings), less the room it keeps for the summary, as the client
//! computes it (read from the 2.1.328 and 2.1.332 binaries; see docs/DEVELOPMENT.md).
use std::path::{Path, PathBuf};

use crate::confine::Named;
use crate::env::Env;

/// The smallest auto-compact window the client accepts; smaller values read as this.
pub(crate) const MIN_WINDOW: u64 = 100_000;
/// Output room the client keeps below the window: `min(max output tokens, 20,000)`.
pub(crate) const SUMMARY_ROOM: u64 = 20_000;
/// Headroom below that at which automatic compaction fires.
pub(crate) const TRIGGER_ROOM: u64 = 13_000;
/// Settings files larger than this are not read.
const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// What decides the compaction point, gathered from the environment and settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Inputs {
    /// The configured auto-compact window, if any (`None` is "auto": the model's window).
    pub window: Option<u64>,
    /// `CLAUDE_AUTOCOMPACT_PCT_OVERRIDE`: compact at this percentage of the window, if sooner.
    pub pct_override: Option<f64>,
    /// `DISABLE_AUTO_COMPACT` or `DISABLE_COMPACT`: no automatic compaction at all.
    pub disabled: bool,
}

/// The token count at which the client compacts, for a model whose window is `model_window`;
/// with automatic compaction off, the window itself (where the client stops).
pub(crate) fn point(model_window: u64, inputs: &Inputs) -> u64 {
    let window = inputs
        .window
        .map_or(model_window, |w| w.max(MIN_WINDOW).min(model_window));
    if inputs.disabled {
        return window;
    }
    let effective = window.saturating_sub(SUMMARY_ROOM);
    let trigger = effective.saturating_sub(TRIGGER_ROOM);
    match inputs.pct_override.filter(|p| *p > 0.0 && *p <= 100.0) {
        // Whole tokens, as the client floors them.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        Some(p) => ((effective as f64 * p / 100.0).floor() as u64).min(trigger),
        None => trigger,
    }
}

/// "200k", "200000", "1m", "1.5M" → tokens; anything else (including "auto") → `None`.
pub(crate) fn parse_window(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    let (digits, scale) = match t.strip_suffix('k') {
        Some(d) => (d, 1_000.0),
        None => match t.strip_suffix('m') {
            Some(d) => (d, 1_000_000.0),
            None => (t.as_str(), 1.0),
        },
    };
    let n: f64 = digits.trim().parse().ok()?;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    (n.is_finite() && n > 0.0 && n * scale < 1e12).then(|| (n * scale).round() as u64)
}

/// What a settings file says of the window.
enum Setting {
    /// Nothing usable (the client ignores an invalid value): files below it decide.
    Unset,
    /// "auto": the model's window, overriding files below it.
    Auto,
    /// This many tokens.
    Tokens(u64),
}

fn window_setting(json: &serde_json::Value) -> Setting {
    let parsed = match json.get("autoCompactWindow") {
        Some(serde_json::Value::Number(n)) => n.as_u64().filter(|n| *n > 0),
        Some(serde_json::Value::String(s)) if s.trim() == "auto" => return Setting::Auto,
        Some(serde_json::Value::String(s)) => parse_window(s),
        _ => None,
    };
    parsed.map_or(Setting::Unset, Setting::Tokens)
}

/// Gather the inputs: the environment first (it takes precedence in the client), then the local,
/// project and user settings. A settings file that can't be read or parsed is passed over; its
/// problem is returned for one stderr line.
pub(crate) fn inputs(env: &Env, root: &Path) -> (Inputs, Option<String>) {
    let mut problem = None;
    let disabled = env.flag("DISABLE_AUTO_COMPACT") || env.flag("DISABLE_COMPACT");
    let pct_override = env
        .var("CLAUDE_AUTOCOMPACT_PCT_OVERRIDE")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|p| *p > 0.0 && *p <= 100.0);
    let mut window = env
        .var("CLAUDE_CODE_AUTO_COMPACT_WINDOW")
        .and_then(parse_window);
    if window.is_none() {
        let mut files: Vec<Result<PathBuf, SettingsError>> =
            [".claude/settings.local.json", ".claude/settings.json"]
                .iter()
                .map(|rel| {
                    crate::confine::file(root, Path::new(rel), Named::Settings)
                        .map_err(SettingsError::Refused)
                })
                .collect();
        if let Some(home) = env.home() {
            files.push(Ok(home.join(".claude/settings.json")));
        }
        for file in files {
            let read = file.and_then(|path| read_settings(&path));
            match read {
                Ok(Some(json)) => {
                    match window_setting(&json) {
                        Setting::Unset => continue,
                        Setting::Auto => window = None,
                        Setting::Tokens(n) => window = Some(n),
                    }
                    break;
                }
                Ok(None) => {}
                Err(e) => {
                    problem.get_or_insert(e);
                }
            }
        }
    }
    (
        Inputs {
            window,
            pct_override,
            disabled,
        },
        problem.map(|e: SettingsError| e.to_string()),
    )
}

/// Why a settings file's `autoCompactWindow` is left out.
#[derive(Debug, thiserror::Error)]
enum SettingsError {
    #[error("{0}")]
    Refused(crate::confine::Refused),
    #[error("{}: not valid JSON ({source}); its autoCompactWindow is left out", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {source}; its autoCompactWindow is left out", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A settings file's JSON; `Ok(None)` when it doesn't exist.
fn read_settings(path: &Path) -> Result<Option<serde_json::Value>, SettingsError> {
    match crate::confine::read_regular(path, MAX_SETTINGS_BYTES) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|source| SettingsError::Json {
                    path: path.to_path_buf(),
                    source,
                })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SettingsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_points() {
        let i = |window, pct_override, disabled| Inputs {
            window,
            pct_override,
            disabled,
        };
        #[rustfmt::skip]
        let cases = [
            ("auto, 200K model", 200_000, i(None, None, false), 167_000),
            ("auto, 1M model", 1_000_000, i(None, None, false), 967_000),
            ("window set", 1_000_000, i(Some(100_000), None, false), 67_000),
            ("window above the model's", 200_000, i(Some(500_000), None, false), 167_000),
            ("window below the minimum", 200_000, i(Some(50_000), None, false), 67_000),
            ("percentage sooner", 200_000, i(None, Some(50.0), false), 90_000),
            ("percentage later is capped", 200_000, i(None, Some(99.0), false), 167_000),
            ("percentage out of range", 200_000, i(None, Some(0.0), false), 167_000),
            ("automatic compaction off", 200_000, i(Some(100_000), Some(50.0), true), 100_000),
        ];
        for (name, model, inputs, want) in cases {
            assert_eq!(point(model, &inputs), want, "{name}");
        }
    }

    #[test]
    fn window_spellings() {
        for (text, want) in [
            ("200000", Some(200_000)),
            ("200k", Some(200_000)),
            (" 1M ", Some(1_000_000)),
            ("1.5m", Some(1_500_000)),
            ("auto", None),
            ("", None),
            ("-5", None),
            ("lots", None),
        ] {
            assert_eq!(parse_window(text), want, "{text:?}");
        }
    }

    #[test]
    fn environment_then_local_project_user() {
        let dir = tempfile::tempdir().unwrap();
        let (root, home) = (dir.path().join("p"), dir.path().join("h"));
        let write = |path: &Path, text: &str| {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            crate::fs_atomic::write(path, text.as_bytes(), crate::fs_atomic::Durability::Fast)
                .unwrap();
        };
        write(
            &home.join(".claude/settings.json"),
            r#"{"autoCompactWindow":300000}"#,
        );
        let env = Env::for_test(&[("HOME", home.to_str().unwrap())], "/");
        assert_eq!(inputs(&env, &root).0.window, Some(300_000));
        write(
            &root.join(".claude/settings.json"),
            r#"{"autoCompactWindow":"auto"}"#,
        );
        assert_eq!(inputs(&env, &root).0.window, None);
        write(
            &root.join(".claude/settings.json"),
            r#"{"autoCompactWindow":250000}"#,
        );
        assert_eq!(inputs(&env, &root).0.window, Some(250_000));
        write(
            &root.join(".claude/settings.local.json"),
            r#"{"autoCompactWindow":"120k"}"#,
        );
        assert_eq!(inputs(&env, &root).0.window, Some(120_000));
        let env_set = env.with_var("CLAUDE_CODE_AUTO_COMPACT_WINDOW", "110000");
        assert_eq!(inputs(&env_set, &root).0.window, Some(110_000));
        // A broken file is passed over, and named once.
        write(&root.join(".claude/settings.local.json"), "{not json");
        let (got, problem) = inputs(&env, &root);
        assert_eq!(got.window, Some(250_000));
        assert!(problem.unwrap().contains("settings.local.json"));
        let off = env
            .with_var("DISABLE_AUTO_COMPACT", "1")
            .with_var("CLAUDE_AUTOCOMPACT_PCT_OVERRIDE", "60");
        let got = inputs(&off, &root).0;
        assert!(got.disabled);
        assert_eq!(got.pct_override, Some(60.0));
    }
}
