//! Hostile or broken surroundings: odd numbers in the transcript, a clock set back, and (below)
//! slow git, huge transcript lines and a state folder that can't be written. Hooks still exit 0
//! with one reply or none, and never loop.
use serde_json::json;

use crate::support::{prompt_line, usage_line, Test, HANDOFF};

/// A transcript line whose usage numbers add up past `u64::MAX`.
fn overflowing_usage_line() -> String {
    format!(
        "{}\n",
        json!({
            "type": "assistant", "isSidechain": false,
            "message": {"model": "claude-sonnet-4-5", "role": "assistant",
                "content": [{"type": "text", "text": "ok"}],
                "usage": {"input_tokens": u64::MAX, "cache_read_input_tokens": u64::MAX,
                          "output_tokens": 10}}
        })
    )
}

#[test]
fn usage_that_overflows_is_skipped_not_shown() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.append_transcript(&usage_line("claude-sonnet-4-5", 180_000));
    t.append_transcript(&overflowing_usage_line());
    let out = t.hook("UserPromptSubmit", &json!({}));
    assert_eq!(out.stderr, "");
    // The record before it is the reading: 90% of 200K.
    assert!(
        out.context()
            .starts_with("[handoff] Context is 90% full (180,000 of 200,000 tokens)"),
        "{out}"
    );

    let only_bad = Test::new();
    only_bad.append_transcript(&prompt_line("hi"));
    only_bad.append_transcript(&overflowing_usage_line());
    let out = only_bad.hook("UserPromptSubmit", &json!({}));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
}

#[test]
fn a_clock_set_back_never_ends_a_session_before_it_started() {
    let mut t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.set_env("HANDOFF_NOW", Some("2026-11-21T12:00:00Z"));
    t.hook("SessionStart-startup", &json!({}));
    t.set_env("HANDOFF_NOW", Some("2026-11-21T09:30:00Z"));
    t.hook("SessionEnd-other", &json!({}));
    let log = t.run(&["log"], "").success();
    assert!(
        log.stdout
            .starts_with("2026-11-21 12:00–12:00 UTC  ended (other)"),
        "{log}"
    );
}
