//! Whole sessions, event after event, as Claude Code would send them.
use serde_json::json;

use std::fmt::Write as _;

use crate::support::{prompt_line, reply_line, tool_use_line, usage_line, Test, HANDOFF};

fn enforce() -> Test {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(".claude/handoff.json", r#"{"stop": "enforce"}"#);
    t
}

/// A turn that edits `file` and ends with "done", as the Stop fixture reports.
fn work(t: &Test, file: &str) {
    let path = t.project().join(file).display().to_string();
    t.append_transcript(&tool_use_line("Edit", &path));
    t.append_transcript(&reply_line("done"));
}

#[test]
fn enforce_blocks_once_then_lets_the_agent_stop() {
    let t = enforce();
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    work(&t, "src/lib.rs");

    let first = t.hook("Stop", &json!({}));
    let reply = first.json();
    assert_eq!(reply["decision"], "block");
    let reason = reply["reason"].as_str().unwrap();
    insta::assert_snapshot!(t.redact(reason));

    // Claude Code continues; the agent stops again without updating: no second block.
    t.append_transcript(&reply_line("done"));
    let second = t.hook("Stop", &json!({"stop_hook_active": true}));
    assert!(second.json().get("decision").is_none(), "{second:?}");
    assert!(second.json()["systemMessage"].is_string());

    // Even if the flag is (wrongly) false, one block per prompt.
    t.append_transcript(&reply_line("done"));
    let third = t.hook("Stop", &json!({"stop_hook_active": false}));
    assert_eq!(third.stdout, "", "{third:?}");

    // A new prompt that does more work is blocked again.
    t.append_transcript(&prompt_line("more"));
    work(&t, "src/main.rs");
    let next = t.hook("Stop", &json!({"prompt_id": "another-prompt"}));
    assert_eq!(next.json()["decision"], "block");
}

#[test]
fn stop_waits_for_the_turn_to_reach_the_transcript() {
    // Claude Code writes the transcript asynchronously: the edit and the last message may land
    // after Stop starts. Stop waits for the message it reports, so it still sees the edit.
    let t = enforce();
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    let path = t.project().join("src/lib.rs").display().to_string();
    let late = format!("{}{}", tool_use_line("Edit", &path), reply_line("done"));
    let writer = t.append_transcript_after(std::time::Duration::from_millis(150), &late);
    let out = t.hook("Stop", &json!({}));
    writer.join().unwrap();
    assert_eq!(out.json()["decision"], "block", "{out:?}");
}

#[test]
fn updating_the_handoff_ends_the_block() {
    let t = enforce();
    t.hook("SessionStart-startup", &json!({}));
    work(&t, "src/lib.rs");
    assert_eq!(t.hook("Stop", &json!({})).json()["decision"], "block");
    let handoff = t.project().join("docs/SESSION-HANDOFF.md");
    t.append_transcript(&tool_use_line("Edit", &handoff.display().to_string()));
    std::fs::write(&handoff, format!("{HANDOFF}- Updated\n")).unwrap();
    t.append_transcript(&reply_line("done"));
    let out = t.hook("Stop", &json!({"stop_hook_active": true}));
    assert_eq!(out.stdout, "");
}

#[test]
fn no_work_no_words() {
    let t = enforce();
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("what does this do?"));
    t.append_transcript(&tool_use_line("Read", "/etc/hosts"));
    t.append_transcript(&reply_line("done"));
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");
}

#[test]
fn skip_and_off_say_nothing() {
    let t = enforce().env("HANDOFF_SKIP", Some("1"));
    t.hook("SessionStart-startup", &json!({}));
    work(&t, "a.rs");
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");

    let t = Test::new().env("HANDOFF_STOP", Some("off"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    work(&t, "a.rs");
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");
}

#[test]
fn remind_once_per_prompt() {
    let t = Test::new().env("HANDOFF_STOP", Some("remind"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    work(&t, "a.rs");
    let out = t.hook("Stop", &json!({}));
    assert!(out.json()["systemMessage"]
        .as_str()
        .unwrap()
        .starts_with("handoff: docs/SESSION-HANDOFF.md was not updated"));
    t.append_transcript(&reply_line("done"));
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");
}

#[test]
fn work_before_a_resume_is_not_this_sessions_work() {
    let t = Test::new().env("HANDOFF_STOP", Some("remind"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    work(&t, "old.rs");
    t.hook("SessionStart-resume", &json!({}));
    t.append_transcript(&reply_line("done"));
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");
    work(&t, "new.rs");
    let msg = t.hook("Stop", &json!({"prompt_id": "p2"})).json()["systemMessage"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("new.rs") && !msg.contains("old.rs"), "{msg}");
}

#[test]
fn context_warning_once_per_crossing() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&usage_line("claude-sonnet-4-5", 100_000));
    assert_eq!(t.hook("UserPromptSubmit", &json!({})).stdout, "");

    t.append_transcript(&usage_line("claude-sonnet-4-5", 170_000));
    let out = t.hook("UserPromptSubmit", &json!({}));
    insta::assert_snapshot!(out.context());
    assert_eq!(t.hook("UserPromptSubmit", &json!({})).stdout, "");

    // Compaction brings it down; the next crossing warns again.
    t.append_transcript(
        "{\"type\":\"system\",\"subtype\":\"compact_boundary\",\"compactMetadata\":{\"postTokens\":3000}}\n",
    );
    assert_eq!(t.hook("UserPromptSubmit", &json!({})).stdout, "");
    t.append_transcript(&usage_line("claude-sonnet-4-5", 180_000));
    assert!(t
        .hook("UserPromptSubmit", &json!({}))
        .context()
        .contains("107% of the way to compaction"));
}

#[test]
fn only_a_prompt_a_person_typed_takes_the_warning() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.append_transcript(&usage_line("claude-sonnet-4-5", 170_000));
    for source in [
        "loop_wakeup",
        "schedule_wakeup",
        "poll_event",
        "system",
        "sdk",
    ] {
        let out = t.hook("UserPromptSubmit", &json!({ "source": source }));
        assert_eq!(out.stdout, "", "{source}");
    }
    // The warning was not used up by them.
    let out = t.hook("UserPromptSubmit", &json!({ "source": "user" }));
    insta::assert_snapshot!(out.context());
}

#[test]
fn the_warning_keys_off_the_configured_compaction_window() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    // 85,000 tokens of a 1M window would be quiet; with a 100,000-token auto-compact window
    // Claude Code compacts at 67,000.
    t.append_transcript(&usage_line("claude-opus-4-6", 85_000));
    assert_eq!(t.hook("UserPromptSubmit", &json!({})).stdout, "");
    t.write(".claude/settings.json", r#"{"autoCompactWindow": 100000}"#);
    let out = t.hook("UserPromptSubmit", &json!({}));
    insta::assert_snapshot!(out.context());
}

#[test]
fn the_compaction_window_from_the_users_settings_and_the_environment() {
    let user = Test::new();
    user.append_transcript(&usage_line("claude-opus-4-6", 85_000));
    std::fs::create_dir_all(user.home().join(".claude")).unwrap();
    std::fs::write(
        user.home().join(".claude/settings.json"),
        r#"{"autoCompactWindow": "100k"}"#,
    )
    .unwrap();
    assert!(user
        .hook("UserPromptSubmit", &json!({}))
        .context()
        .contains("of the 67,000 tokens"));
    let env = Test::new().env("CLAUDE_CODE_AUTO_COMPACT_WINDOW", Some("100000"));
    env.append_transcript(&usage_line("claude-opus-4-6", 85_000));
    assert!(env
        .hook("UserPromptSubmit", &json!({}))
        .context()
        .contains("of the 67,000 tokens"));
}

#[test]
fn a_settings_file_that_cant_be_parsed_is_passed_over_in_one_line() {
    let t = Test::new();
    t.append_transcript(&usage_line("claude-opus-4-6", 85_000));
    t.write(".claude/settings.json", "{ not json");
    let out = t.hook_with_stderr("UserPromptSubmit", &json!({}));
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("settings.json"), "{}", out.stderr);
}

#[test]
fn context_window_follows_the_model_and_the_config() {
    let t = Test::new();
    t.append_transcript(&usage_line("claude-opus-4-6", 170_000));
    // 17% of a 1M window: quiet.
    assert_eq!(t.hook("UserPromptSubmit", &json!({})).stdout, "");
    t.write(
        ".claude/handoff.json",
        r#"{"context_window": 200000, "context_warn_percent": 50}"#,
    );
    assert!(t
        .hook("UserPromptSubmit", &json!({}))
        .context()
        .contains("101% of the way to compaction"));
}

#[test]
fn the_real_transcript_at_99_percent_warns() {
    // Cut the real transcript just after its 990,000-token turn on a 1M model.
    let t = Test::new();
    let text = t.localise(&crate::support::read_fixture("transcript.jsonl"));
    let cut: String = text.split_inclusive('\n').take(8).collect();
    t.append_transcript(&cut);
    assert!(t
        .hook("UserPromptSubmit", &json!({}))
        .context()
        .contains("102% of the way to compaction"));
}

#[test]
fn precompact_saves_one_copy_per_compaction() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    for _ in 0..3 {
        t.hook("PreCompact-auto", &json!({}));
    }
    let history: Vec<_> = std::fs::read_dir(t.state().join("projects"))
        .unwrap()
        .flatten()
        .flat_map(|p| {
            std::fs::read_dir(p.path().join("history"))
                .unwrap()
                .flatten()
        })
        .collect();
    assert_eq!(history.len(), 1);
}

#[test]
fn compaction_re_injects_the_handoff() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    t.hook("PreCompact-manual", &json!({}));
    let ctx = t.hook("SessionStart-compact", &json!({})).context();
    assert!(ctx.contains("just compacted"));
    assert!(ctx.contains("## What's Next\n- P0: finish the CLI"));
}

#[test]
fn sixty_kilobyte_handoff_fits_the_budget() {
    let t = Test::new();
    let mut big = String::from("# Handoff\n\n## What Was Done This Session\n");
    while big.len() < 60_000 {
        big.push_str("- Refactored another module and wrote notes about it 📦\n");
    }
    big.push_str("\n## What's Next\n- P0: ship\n\n## What Failed\n- Approach A: too slow\n");
    t.write("docs/SESSION-HANDOFF.md", &big);
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    assert!(
        ctx.encode_utf16().count() <= 9_000,
        "{}",
        ctx.encode_utf16().count()
    );
    assert!(ctx.contains("## What's Next\n- P0: ship"));
    assert!(ctx.contains("## What Failed\n- Approach A: too slow"));
    assert!(ctx.ends_with("The full file is docs/SESSION-HANDOFF.md; read it when you need them."));
}

#[test]
fn custom_path_and_budget_from_config() {
    let t = Test::new();
    t.write(
        ".claude/handoff.json",
        r#"{"path": "NOTES.md", "budget": 2000}"#,
    );
    let mut notes = String::from("## What's Next\n- P0: ship\n\n## Log\n");
    for i in 0..200 {
        let _ = writeln!(notes, "- entry {i}");
    }
    t.write("NOTES.md", &notes);
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    assert!(ctx.starts_with("[handoff] NOTES.md is this project's session handoff"));
    assert!(ctx.encode_utf16().count() <= 2_000);
    assert!(ctx.contains("- P0: ship") && ctx.contains("Log: "), "{ctx}");
    // A log cut to fit keeps its newest entries: the last ones.
    assert!(
        ctx.contains("- entry 199\n") && !ctx.contains("- entry 0\n"),
        "{ctx}"
    );
}

#[test]
fn bad_input_fails_open() {
    let t = Test::new();
    for input in [
        "",
        "garbage",
        "[1,2]",
        "{\"hook_event_name\":",
        "\u{0}\u{1}",
    ] {
        let out = t.run(&["hook"], input);
        assert_eq!(out.code, Some(0), "{input:?}");
        assert_eq!(out.stdout, "", "{input:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{input:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("handoff: "), "{}", out.stderr);
    }
}

#[test]
fn unknown_events_are_ignored() {
    let t = Test::new();
    let out = t.hook("PostToolUse", &json!({}));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    let out = t.run(&["hook"], r#"{"hook_event_name":"SomethingNew"}"#);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""));
}

#[test]
fn an_unwritable_state_folder_still_injects() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    // A file where the state folder should be: every write there fails.
    let blocker = t.project().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let t = t.env("HANDOFF_STATE_DIR", Some(&blocker.display().to_string()));
    t.append_transcript(&reply_line("done"));
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(out.context().contains("## What's Next"));
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    for event in [
        "Stop",
        "UserPromptSubmit",
        "PreCompact-auto",
        "SessionEnd-other",
    ] {
        let out = t.hook_with_stderr(event, &json!({}));
        assert!(out.stderr.lines().count() <= 1, "{event}: {}", out.stderr);
    }
}

#[test]
fn an_unreadable_handoff_is_reported_not_fatal() {
    let t = Test::new();
    // A folder where the handoff should be.
    std::fs::create_dir_all(t.project().join("docs/SESSION-HANDOFF.md")).unwrap();
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(
        out.context().contains("is a folder, not a regular file"),
        "{out:?}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn a_broken_config_warns_and_uses_defaults() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(".claude/handoff.json", "{\"stop\": ");
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(out.context().contains("## What's Next"));
    assert!(
        out.stderr.contains(".claude/handoff.json:1:"),
        "{}",
        out.stderr
    );
}

#[test]
fn two_sessions_in_one_project_keep_separate_state() {
    let t = enforce();
    t.hook("SessionStart-startup", &json!({"session_id": "a"}));
    t.hook("SessionStart-startup", &json!({"session_id": "b"}));
    work(&t, "x.rs");
    assert_eq!(
        t.hook("Stop", &json!({"session_id": "a"})).json()["decision"],
        "block"
    );
    // b reads the same transcript fixture path but has its own record of blocks.
    assert_eq!(
        t.hook("Stop", &json!({"session_id": "b"})).json()["decision"],
        "block"
    );
}

#[test]
fn session_end_logs_one_line_per_session() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    work(&t, "src/a.rs");
    t.append_transcript(&prompt_line("then this"));
    t.hook("SessionEnd-clear", &json!({}));
    // /clear starts a new session with its own transcript.
    let next = json!({
        "session_id": "bb635468-496d-419d-a2ed-f8721b3b65b6",
        "transcript_path": t.home().join("next.jsonl").display().to_string(),
    });
    t.hook("SessionStart-clear", &next);
    let mut end = next;
    end["reason"] = json!("prompt_input_exit");
    t.hook("SessionEnd-other", &end);
    let project = std::fs::read_dir(t.state().join("projects"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let log = std::fs::read_to_string(project.path().join("sessions.jsonl")).unwrap();
    insta::assert_snapshot!(log);
}

#[test]
fn git_staleness_in_the_header() {
    let t = Test::new();
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    assert!(t.git(&["add", "."]));
    assert!(t.git(&["commit", "-qm", "handoff"]));
    for (i, f) in ["src/a.rs", "src/a.rs", "src/b.rs"].iter().enumerate() {
        // A different size each time, so git sees the change despite the pinned mtime.
        t.write(f, &"x".repeat(i + 1));
        assert!(t.git(&["add", "."]));
        assert!(t.git(&["commit", "-qm", "work"]));
    }
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    let header: Vec<&str> = ctx.lines().take(2).collect();
    insta::assert_snapshot!(header.join("\n"));
}

/// The runs of git a cold SessionStart makes, through a `git` on PATH that notes each one.
#[cfg(unix)]
fn git_runs_at_start(t: &mut Test) -> (String, Vec<String>) {
    use std::os::unix::fs::PermissionsExt as _;
    let real = std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("git"))
                .find(|g| g.is_file())
        })
        .expect("git is needed for this test: install git");
    let bin = t.home().join("bin");
    std::fs::create_dir_all(&bin).expect("a bin folder in the test home");
    let log = t.home().join("git-runs");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
        log.display(),
        real.display()
    );
    std::fs::write(bin.join("git"), script).expect("the git that notes its runs");
    std::fs::set_permissions(bin.join("git"), std::fs::Permissions::from_mode(0o755))
        .expect("an executable git");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    t.set_env("PATH", Some(&path));
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    let runs = std::fs::read_to_string(&log).unwrap_or_default();
    let header = ctx.lines().nth(1).unwrap_or_default().to_string();
    (header, runs.lines().map(str::to_string).collect())
}

#[cfg(unix)]
#[test]
fn a_cold_start_runs_one_git() {
    let mut t = Test::new();
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    assert!(t.git(&["add", "."]));
    assert!(t.git(&["commit", "-qm", "handoff"]));
    // Past the walk: only the index can say the handoff is in HEAD.
    for i in 0..35 {
        t.write("src/a.rs", &"x".repeat(i + 1));
        assert!(t.git(&["add", "."]));
        assert!(t.git(&["commit", "-qm", "work"]));
    }
    let (header, runs) = git_runs_at_start(&mut t);
    assert_eq!(
        header,
        "[handoff] Git: on main, 30+ commits since the handoff was last updated (most changed: src/a.rs ×30)."
    );
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert!(runs[0].contains(" log -m --first-parent "), "{runs:?}");

    // Within the walk, edited since its commit: the file's blob id tells, still one git.
    let mut t = Test::new();
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    assert!(t.git(&["add", "."]));
    assert!(t.git(&["commit", "-qm", "handoff"]));
    t.write("src/a.rs", "x");
    assert!(t.git(&["add", "."]));
    assert!(t.git(&["commit", "-qm", "work"]));
    t.write("docs/SESSION-HANDOFF.md", &format!("{HANDOFF}\n- edited\n"));
    let (header, runs) = git_runs_at_start(&mut t);
    assert!(header.starts_with("[handoff] Git: on main, "), "{header}");
    assert_eq!(runs.len(), 1, "{runs:?}");
}

#[test]
fn session_end_prepares_git_staleness_for_the_next_start() {
    let t = Test::new();
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    assert!(t.git(&["add", "."]));
    assert!(t.git(&["commit", "-qm", "handoff"]));
    t.hook("SessionEnd-other", &json!({}));
    let project = std::fs::read_dir(t.state().join("projects"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let cache = std::fs::read_to_string(project.path().join("staleness.json")).unwrap();
    assert!(cache.contains(r#""commits_since":0"#), "{cache}");
}

#[test]
fn a_session_of_40000_files_ends_with_the_total() {
    let t = Test::new().env("HANDOFF_STOP", Some("remind"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    let mut lines = prompt_line("write them all");
    for i in 0..40_000 {
        let path = t
            .project()
            .join(format!("src/f{i}.rs"))
            .display()
            .to_string();
        lines.push_str(&tool_use_line("Write", &path));
    }
    lines.push_str(&reply_line("done"));
    t.append_transcript(&lines);

    t.hook("SessionEnd-other", &json!({}));
    let log = t.run(&["log", "--json"], "").success();
    let entry: serde_json::Value = serde_json::from_str(log.stdout.trim()).unwrap();
    assert_eq!(entry["files_total"], 40_000);
    assert_eq!(entry["files_touched"].as_array().unwrap().len(), 200);
    assert_eq!(entry["files_touched"][0], "src/f0.rs");
    let text = t.run(&["log"], "").success().stdout;
    assert!(text.contains("40000 files changed"), "{text}");
    assert!(text.contains("src/f199.rs, and 39800 more\n"), "{text}");

    let stop = t.hook("Stop", &json!({}));
    let message = stop.json()["systemMessage"].as_str().unwrap().to_string();
    assert!(
        message.contains("src/f0.rs, src/f1.rs, src/f2.rs and 39997 more"),
        "{message}"
    );
}

#[test]
fn a_turn_already_read_is_not_waited_for() {
    // With a minute to settle, a Stop that waited would take that minute.
    let mut t = enforce().env("HANDOFF_STOP_SETTLE_MS", Some("60000"));
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    work(&t, "src/lib.rs");
    let quick = |t: &Test, patch: serde_json::Value| {
        let start = std::time::Instant::now();
        let out = t.hook("Stop", &patch);
        assert!(start.elapsed().as_secs() < 30, "Stop waited: {out:?}");
        out
    };
    assert_eq!(quick(&t, json!({})).json()["decision"], "block");
    // The same turn again: already read, so no wait (and the block stays once per prompt).
    assert!(quick(&t, json!({})).json().get("decision").is_none());
    // A message another hook read first, before the session's offset.
    t.append_transcript(&prompt_line("more"));
    work(&t, "src/main.rs");
    t.hook("PreCompact-manual", &json!({}));
    let out = quick(&t, json!({"prompt_id": "another-prompt"}));
    assert_eq!(out.json()["decision"], "block");

    // A new turn that ends with the same words is still waited for.
    t.set_env("HANDOFF_STOP_SETTLE_MS", None);
    t.append_transcript(&prompt_line("and more"));
    let path = t.project().join("src/late.rs").display().to_string();
    let late = format!("{}{}", tool_use_line("Edit", &path), reply_line("done"));
    let writer = t.append_transcript_after(std::time::Duration::from_millis(150), &late);
    let out = t.hook("Stop", &json!({"prompt_id": "third-prompt"}));
    writer.join().unwrap();
    assert!(
        out.json()["reason"]
            .as_str()
            .unwrap()
            .contains("src/late.rs"),
        "{out:?}"
    );
}

#[test]
fn nudge_tells_the_agent_once_then_the_user() {
    // The default mode: no config.
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    work(&t, "src/lib.rs");

    let first = t.hook("Stop", &json!({}));
    insta::assert_snapshot!(t.redact(&first.stdout));
    assert_eq!(first.json()["hookSpecificOutput"]["hookEventName"], "Stop");
    assert!(first.json().get("decision").is_none(), "never a block");

    // The agent stops again without updating: the user is told, once, and nothing more.
    t.append_transcript(&reply_line("done"));
    let second = t.hook("Stop", &json!({"stop_hook_active": true}));
    assert!(second.json()["systemMessage"].is_string(), "{second:?}");
    t.append_transcript(&reply_line("done"));
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");

    // The next prompt's work is nudged again.
    t.append_transcript(&prompt_line("more"));
    work(&t, "src/main.rs");
    let next = t.hook("Stop", &json!({"prompt_id": "another-prompt"}));
    assert!(next.json()["hookSpecificOutput"]["additionalContext"].is_string());
}

#[test]
fn background_work_defers_the_nudge_and_the_block() {
    for mode in ["nudge", "enforce"] {
        let t = Test::new().env("HANDOFF_STOP", Some(mode));
        t.write("docs/SESSION-HANDOFF.md", HANDOFF);
        t.hook("SessionStart-startup", &json!({}));
        work(&t, "src/lib.rs");
        for waiting in [
            json!({"background_tasks": [{"id": "b1", "status": "running"}]}),
            json!({"session_crons": [{"id": "c1"}]}),
        ] {
            assert_eq!(t.hook("Stop", &waiting).stdout, "", "{mode}: {waiting}");
        }
        // The stop that ends the work asks.
        let out = t.hook(
            "Stop",
            &json!({"background_tasks": [], "session_crons": []}),
        );
        assert_ne!(out.stdout, "", "{mode}");
    }
}

#[test]
fn stop_waits_for_a_transcript_not_written_yet() {
    // A first turn whose transcript lands after Stop starts: the edit is still seen.
    let t = enforce();
    t.hook("SessionStart-startup", &json!({}));
    assert!(!t.transcript().exists());
    std::fs::create_dir_all(t.transcript().parent().unwrap()).unwrap();
    let path = t.project().join("src/lib.rs").display().to_string();
    let late = format!(
        "{}{}{}",
        prompt_line("please do work"),
        tool_use_line("Edit", &path),
        reply_line("done")
    );
    let writer = t.append_transcript_after(std::time::Duration::from_millis(150), &late);
    let out = t.hook("Stop", &json!({}));
    writer.join().unwrap();
    assert_eq!(out.json()["decision"], "block", "{out:?}");
}

#[test]
fn a_transcript_that_never_appears_is_waited_for_once() {
    // A session that is never saved: with a minute to settle, a second wait would take that minute.
    let mut t = enforce().env("HANDOFF_STOP_SETTLE_MS", Some("300"));
    t.hook("SessionStart-startup", &json!({}));
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");
    t.set_env("HANDOFF_STOP_SETTLE_MS", Some("60000"));
    let start = std::time::Instant::now();
    assert_eq!(t.hook("Stop", &json!({})).stdout, "");
    assert!(start.elapsed().as_secs() < 30, "Stop waited again");
}

#[test]
fn resume_says_unchanged_in_one_line_or_what_changed() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    let start = t.hook("SessionStart-startup", &json!({})).context();
    assert!(start.contains("## What's Next"));

    let same = t.hook("SessionStart-resume", &json!({})).context();
    insta::assert_snapshot!("resume_unchanged", t.redact(&same));
    // Again: the same line, which the client drops as a repeat.
    assert_eq!(t.hook("SessionStart-resume", &json!({})).context(), same);

    let changed = HANDOFF
        .replace(
            "- P1: write the README",
            "- P1: write the README\n- P2: a logo",
        )
        .replace(
            "## Key Decisions",
            "## Open Questions\n- Which logo?\n\n## Key Decisions",
        );
    t.write("docs/SESSION-HANDOFF.md", &changed);
    let after = t.hook("SessionStart-resume", &json!({})).context();
    insta::assert_snapshot!("resume_changed", t.redact(&after));
    // That version is now the one given.
    assert!(t
        .hook("SessionStart-resume", &json!({}))
        .context()
        .contains("is unchanged since"));

    // A compaction summarised it away: in full again.
    let compact = t.hook("SessionStart-compact", &json!({})).context();
    assert!(compact.contains("## Open Questions"), "{compact}");
}

#[test]
fn a_resume_without_state_gets_the_handoff_in_full() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    let ctx = t.hook("SessionStart-resume", &json!({})).context();
    assert!(ctx.contains("## What's Next"), "{ctx}");
}

#[test]
fn precompact_tells_the_compaction_what_to_keep() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    // One file edited as long ago as the handoff, one after it (a real, later file time).
    t.write("src/old.rs", "fn o() {}\n");
    work(&t, "src/old.rs");
    std::fs::write(t.project().join("src/lib.rs"), "fn a() {}\n").unwrap();
    work(&t, "src/lib.rs");
    let out = t.hook("PreCompact-manual", &json!({}));
    assert!(!out.stdout.starts_with('{'), "plain text: {out:?}");
    insta::assert_snapshot!(t.redact(&out.stdout));
}

#[test]
fn a_transcript_that_cannot_be_read_is_said_once_and_not_waited_for() {
    // With a minute to settle, a Stop that polled an unreadable transcript would take that minute.
    let t = enforce().env("HANDOFF_STOP_SETTLE_MS", Some("60000"));
    t.hook("SessionStart-startup", &json!({}));
    let start = std::time::Instant::now();
    let out = t.hook_with_stderr("Stop", &json!({"transcript_path": "/dev/zero"}));
    assert!(start.elapsed().as_secs() < 30, "Stop waited: {out:?}");
    assert_eq!(
        out.stderr.matches("could not read the transcript").count(),
        1,
        "{out:?}"
    );
}
