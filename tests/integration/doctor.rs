//! `handoff doctor`: one line per check, exit 1 when something is broken.
use crate::install::write_home;
use crate::support::Test;

const CMD: &str = "/opt/my tools/handoff";

/// The output with paths, the binary and git's version made stable.
fn stable(t: &Test, out: &crate::support::Output) -> String {
    t.redact_all(&out.to_string())
        .lines()
        .map(|l| match l.find("git version ") {
            Some(i) => format!("{}git version [VERSION]\n", &l[..i]),
            None => format!("{l}\n"),
        })
        .collect()
}

#[test]
fn fresh_project_fails_with_what_to_do() {
    let t = Test::new();
    let out = t.run(&["doctor"], "").failure(1);
    insta::assert_snapshot!(stable(&t, &out));
}

#[test]
fn set_up_project_passes() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["install"], "").success();
    let out = t.run(&["doctor"], "").success();
    insta::assert_snapshot!(stable(&t, &out));
}

#[test]
fn duplicates_and_missing_commands_fail() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["install", "--command", CMD], "").success();
    t.run(
        &["install", "--scope", "user", "--command", CMD, "--force"],
        "",
    )
    .warns();
    let out = t.run(&["doctor"], "").failure(1);
    insta::assert_snapshot!(stable(&t, &out));
}

#[test]
fn json_output_for_scripts() {
    let t = Test::new();
    let out = t.run(&["doctor", "--json"], "").failure(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let checks = v["checks"].as_array().unwrap();
    assert!(checks
        .iter()
        .all(|c| c["check"].is_string() && c["message"].is_string()));
    let status = |name: &str| {
        checks
            .iter()
            .find(|c| c["check"] == name)
            .map(|c| c["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("hooks").as_deref(), Some("fail"));
    assert_eq!(status("handoff").as_deref(), Some("fail"));
    assert_eq!(status("state").as_deref(), Some("ok"));
}

#[test]
fn reports_a_handoff_that_did_not_reach_the_model_whole() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["install"], "").success();
    let key: String = t
        .project()
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let cut = r#"{"type":"user","message":{"content":"SessionStart hook additional context: <persisted-output>Output too large (12KB)"}}"#;
    write_home(
        &t,
        &format!(".claude/projects/{key}/abc.jsonl"),
        &format!("{cut}\n"),
    );
    let out = t.run(&["doctor"], "").failure(1);
    assert!(
        out.stdout.contains(
            "FAIL  session   the last session (abc.jsonl) got the handoff as a file path"
        ),
        "{out}"
    );

    let whole = r#"{"type":"attachment","attachment":{"type":"hook_additional_context","hookName":"SessionStart","content":["x"]}}"#;
    write_home(
        &t,
        &format!(".claude/projects/{key}/abc.jsonl"),
        &format!("{cut}\n{whole}\n"),
    );
    let out = t.run(&["doctor"], "").success();
    assert!(
        out.stdout
            .contains("ok    session   the last session (abc.jsonl) received the handoff whole"),
        "{out}"
    );
}

/// Sections left out to fit are not "whole": doctor says how much arrived and what was left out.
#[test]
fn says_what_was_left_out_to_fit() {
    let t = Test::new();
    t.run(&["install"], "").success();
    let done = "- did a task and wrote it down\n".repeat(400);
    let big = format!(
        "# H\n\n## Current State\n\n- fine\n\n## What Was Done\n\n{done}\n## Key Discoveries\n\n{}\n",
        "- found a thing that matters quite a lot\n".repeat(200)
    );
    t.write("docs/SESSION-HANDOFF.md", &big);
    let key: String = t
        .project()
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let arrived = r##"{"type":"attachment","attachment":{"type":"hook_additional_context","hookName":"SessionStart","content":["# H\n\n## Current State\n\n- fine\n"]}}"##;
    write_home(
        &t,
        &format!(".claude/projects/{key}/abc.jsonl"),
        &format!("{arrived}\n"),
    );
    let out = t.run(&["doctor"], "");
    let line = out
        .stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("session"))
        .unwrap_or_default()
        .to_string();
    insta::assert_snapshot!(line);
}

/// Our hooks under an event no supported version fires, or a matcher that never matches.
#[test]
fn flags_hooks_that_never_run() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["install", "--command", CMD], "").success();
    let settings = t
        .read(".claude/settings.json")
        .replacen(
            "\"SessionStart\": [\n      {\n",
            "\"SessionStart\": [\n      {\n        \"matcher\": \"startup\",\n",
            1,
        )
        .replacen(
            "\"PreCompact\": [\n      {\n",
            "\"PreCompact\": [\n      {\n        \"matcher\": \"Manual\",\n",
            1,
        )
        .replace("\"SessionEnd\"", "\"Sessionend\"");
    t.write(".claude/settings.json", &settings);
    let out = t.run(&["doctor"], "");
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.contains("never")).collect();
    insta::assert_snapshot!(t.redact_all(&lines.join("\n")));
}

#[test]
fn over_budget_handoff_warns_only_when_the_always_kept_parts_are() {
    let big = format!("# H\n\n## Next\n\n{}\n", "😀".repeat(5_000));
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", &big);
    let out = t.run(&["doctor"], "");
    let line = |out: &str| {
        out.lines()
            .find(|l| l.contains("handoff   docs/"))
            .unwrap_or_default()
            .to_string()
    };
    insta::assert_snapshot!("kept_parts_over_budget", line(&out.stdout));
    // A log grown past the budget is the intended use: said, not warned about.
    let log = format!(
        "# H\n\n## Next\n\n- a\n\n## Build Log\n\n{}",
        "- x\n".repeat(3_000)
    );
    t.write("docs/SESSION-HANDOFF.md", &log);
    let out = t.run(&["doctor"], "");
    insta::assert_snapshot!("log_over_budget", line(&out.stdout));
}

#[test]
fn invalid_settings_are_named_with_line_and_column() {
    let t = Test::new();
    t.write(".claude/settings.local.json", "{\n  \"a\": 1,\n}\n");
    let out = t.run(&["doctor"], "").failure(1);
    assert!(
        t.redact(&out.stdout)
            .contains("FAIL  hooks     [PROJECT]/.claude/settings.local.json:3:1: not valid JSON"),
        "{out}"
    );
}

#[test]
fn a_key_twice_fails_and_lookalikes_are_named() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["install", "--command", CMD], "").success();
    let settings = t.read(".claude/settings.json").replacen(
        "\"hooks\": {",
        "\"hooks\": {\n    \"Notification\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"handoff hook --to slack\"}]}],",
        1,
    );
    t.write(".claude/settings.json", &settings);
    t.write(
        ".claude/settings.local.json",
        "{\n  \"model\": \"opus\",\n  \"model\": \"haiku\"\n}\n",
    );
    let out = t.run(&["doctor"], "").failure(1);
    insta::assert_snapshot!(stable(&t, &out));
}
