//! The hook event as Claude Code sends it, read leniently: unknown fields are ignored, and a field
//! that is missing, `null` or of the wrong type takes its default instead of failing the event.
use serde::{Deserialize, Deserializer};

/// One hook event. Only the fields `handoff` uses; see the contract for the rest.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub(crate) struct HookInput {
    #[serde(deserialize_with = "lenient")]
    pub hook_event_name: String,
    #[serde(deserialize_with = "lenient")]
    pub session_id: String,
    #[serde(deserialize_with = "lenient")]
    pub transcript_path: String,
    #[serde(deserialize_with = "lenient")]
    pub cwd: String,
    /// Correlates every event of one user prompt; absent before the first prompt.
    #[serde(deserialize_with = "lenient")]
    pub prompt_id: Option<String>,
    /// SessionStart: `startup`, `resume`, `clear`, `compact` or `fork`.
    #[serde(deserialize_with = "lenient")]
    pub source: String,
    /// SessionStart: the model, when Claude Code says.
    #[serde(deserialize_with = "lenient")]
    pub model: Option<String>,
    /// Stop: true while continuing because a Stop hook blocked.
    #[serde(deserialize_with = "lenient")]
    pub stop_hook_active: bool,
    /// Stop: the text of the message the agent stopped on.
    #[serde(deserialize_with = "lenient")]
    pub last_assistant_message: String,
    /// Stop: background work in flight that will wake the session (empty when none).
    #[serde(deserialize_with = "lenient")]
    pub background_tasks: Vec<serde_json::Value>,
    /// Stop: the session's scheduled wake-ups (cron tasks, `/loop`; empty when none).
    #[serde(deserialize_with = "lenient")]
    pub session_crons: Vec<serde_json::Value>,
    /// PreCompact: `manual` or `auto`.
    #[serde(deserialize_with = "lenient")]
    pub trigger: String,
    /// SessionEnd: why the session ended.
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    /// Set when the event comes from inside a subagent.
    #[serde(deserialize_with = "lenient")]
    pub agent_id: Option<String>,
}

/// `#[serde(default)]` alone covers missing fields, not `null` or a wrong type; this covers both.
fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// Why the bytes on stdin are not a hook event.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BadInput {
    #[error("not UTF-8 ({0})")]
    NotUtf8(#[from] std::str::Utf8Error),
    #[error("stdin was empty; run `handoff hook` from a Claude Code hook")]
    Empty,
    #[error("expected a JSON object")]
    NotAnObject,
    #[error("not a JSON object ({0})")]
    Json(#[from] serde_json::Error),
}

impl HookInput {
    /// Parse one event; whitespace around it is fine, anything that isn't a JSON object is not.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, BadInput> {
        let text = std::str::from_utf8(bytes)?.trim();
        if text.is_empty() {
            return Err(BadInput::Empty);
        }
        // serde would also accept a JSON array as a struct; an event is always an object.
        if !text.starts_with('{') {
            return Err(BadInput::NotAnObject);
        }
        Ok(serde_json::from_str(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_real_payload() {
        for name in [
            "SessionStart-startup",
            "SessionStart-resume",
            "SessionStart-clear",
            "SessionStart-compact",
            "UserPromptSubmit",
            "Stop",
            "PreCompact-auto",
            "PreCompact-manual",
            "PostCompact-auto",
            "SessionEnd-clear",
            "SessionEnd-other",
            "PostToolUse",
        ] {
            let path = format!(
                "{}/tests/fixtures/claude-code-2.1.328/{name}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let input = HookInput::parse(&std::fs::read(&path).unwrap()).unwrap();
            assert_eq!(input.hook_event_name, name.split('-').next().unwrap());
            assert!(!input.session_id.is_empty());
        }
    }

    #[test]
    fn nulls_wrong_types_and_unknown_fields_take_defaults() {
        let input = HookInput::parse(
            br#"{"hook_event_name":"Stop","session_id":null,"stop_hook_active":"yes",
                 "prompt_id":7,"future_field":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(input.hook_event_name, "Stop");
        assert_eq!(input.session_id, "");
        assert!(!input.stop_hook_active);
        assert_eq!(input.prompt_id, None);
    }

    #[test]
    fn missing_everything_is_an_empty_event() {
        assert_eq!(HookInput::parse(b" {} \n").unwrap(), HookInput::default());
    }

    #[test]
    fn garbage_is_an_error_with_a_reason() {
        for bad in [
            &b""[..],
            b"   ",
            b"not json",
            b"[1,2]",
            b"\"str\"",
            b"{\"a\":",
            b"\xff\xfe",
        ] {
            assert!(HookInput::parse(bad).is_err(), "{bad:?}");
        }
    }
}
