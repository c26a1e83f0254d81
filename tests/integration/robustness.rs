//! Hostile or broken surroundings: odd numbers in the transcript, a clock set back, and (below)
//! slow git, huge transcript lines and a state folder that can't be written. Hooks still exit 0
//! with one reply or none, and never loop.
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{
    mkfifo, prompt_line, reply_line, tool_use_line, usage_line, within, Test, EVERY_EVENT, HANDOFF,
};

/// A project with one commit of the handoff.
fn repository() -> Test {
    let t = Test::new();
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    assert!(t.git(&["add", "."]) && t.git(&["commit", "-qm", "handoff"]));
    t
}

/// Put a `git` that runs `script` first on the PATH the binary sees.
#[cfg(unix)]
fn fake_git(t: &mut Test, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let bin = t.home().join("fake-bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let git = bin.join("git");
    std::fs::write(&git, format!("#!/bin/sh\n{script}\n")).expect("write git");
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    t.set_env("PATH", Some(&path));
}

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
    let out = t.hook_with_stderr("UserPromptSubmit", &json!({}));
    assert_eq!(out.stderr, "");
    // The record before it is the reading: 180K of the 167K at which 200K compacts.
    assert!(
        out.context().starts_with(
            "[handoff] Context is 107% of the way to compaction (180,000 of the 167,000 tokens"
        ),
        "{out}"
    );

    let only_bad = Test::new();
    only_bad.append_transcript(&prompt_line("hi"));
    only_bad.append_transcript(&overflowing_usage_line());
    let out = only_bad.hook_with_stderr("UserPromptSubmit", &json!({}));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
}

#[test]
fn a_clock_set_back_never_ends_a_session_before_it_started() {
    let mut t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.set_env("HANDOFF_NOW", Some("2026-11-21T12:00:00Z"));
    t.hook_with_stderr("SessionStart-startup", &json!({}));
    t.set_env("HANDOFF_NOW", Some("2026-11-21T09:30:00Z"));
    t.hook_with_stderr("SessionEnd-other", &json!({}));
    let log = t.run(&["log"], "").success();
    assert!(
        log.stdout
            .starts_with("2026-11-21 12:00–12:00 UTC  ended (other)"),
        "{log}"
    );
}

/// Far beyond any of the deadlines, far below the 30 s the fake git sleeps.
const WELL_BEFORE_GIT_ANSWERS: Duration = Duration::from_secs(15);

#[cfg(unix)]
#[test]
fn a_git_that_hangs_costs_the_start_its_staleness_not_its_handoff() {
    let mut t = repository();
    fake_git(&mut t, "sleep 30");
    let started = Instant::now();
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(started.elapsed() < WELL_BEFORE_GIT_ANSWERS, "{out}");
    let ctx = out.context();
    let header: Vec<&str> = ctx.lines().take(3).collect();
    insta::assert_snapshot!(header.join("\n"), @r"
    [handoff] docs/SESSION-HANDOFF.md is this project's session handoff, last changed 2 hours ago (2026-11-21 10:00 UTC).
    [handoff] Git did not answer within 3 s: commits since the handoff was updated are not shown.
    ");
    assert!(ctx.contains("## What's Next"), "{ctx}");
    assert_eq!(
        out.stderr,
        "handoff: git did not answer within 3 s, so commits since the handoff was updated are left out this time\n"
    );
}

#[cfg(unix)]
#[test]
fn a_git_that_hangs_keeps_session_end_inside_its_budget() {
    let mut t = repository();
    fake_git(&mut t, "sleep 30");
    let started = Instant::now();
    let out = t.hook_with_stderr("SessionEnd-other", &json!({}));
    assert!(started.elapsed() < WELL_BEFORE_GIT_ANSWERS, "{out}");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    // The digest was written before git was asked.
    assert_eq!(
        t.run(&["log", "--json"], "")
            .success()
            .stdout
            .lines()
            .count(),
        1
    );
}

#[test]
fn a_git_file_leading_nowhere_is_not_a_detached_head() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(".git", "gitdir: ../gone/.git/worktrees/app\n");
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    let ctx = out.context();
    assert!(!ctx.contains("Git:"), "{ctx}");
    assert_eq!(
        t.redact(&out.stderr),
        "handoff: [PROJECT]/.git does not lead to a git repository (no HEAD in [PROJECT]/../gone/.git/worktrees/app); fix or remove it to see commits since the handoff was updated\n"
    );
}

#[test]
fn a_fifo_as_the_transcript_is_refused_not_waited_on() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(".claude/handoff.json", r#"{"stop": "enforce"}"#);
    mkfifo(&t.transcript());
    let t = std::sync::Arc::new(t);
    for event in EVERY_EVENT {
        let run = t.clone();
        let out = within(WELL_BEFORE_GIT_ANSWERS, move || {
            run.hook_with_stderr(event, &json!({}))
        });
        assert!(!out.stdout.contains("block"), "{event}: {out}");
        let stderr = t.redact(&out.stderr);
        assert!(
            stderr.is_empty()
                || stderr.lines().count() == 1 && stderr.contains("is a FIFO, not a regular file"),
            "{event}: {stderr}"
        );
    }
}

#[test]
fn a_huge_line_after_the_last_usage_is_passed_over() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.append_transcript(&usage_line("claude-sonnet-4-5", 180_000));
    // 16 MB of one prompt, with text that looks like a usage record inside.
    let huge = prompt_line(&format!("\"usage\" {}", "x".repeat(16 * 1024 * 1024)));
    t.append_transcript(&huge);
    let out = t.hook_with_stderr("UserPromptSubmit", &json!({}));
    assert!(
        out.context().starts_with(
            "[handoff] Context is 107% of the way to compaction (180,000 of the 167,000 tokens"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn stop_passes_over_a_huge_unterminated_append_and_reads_on_after_it() {
    let t = Test::new().env("HANDOFF_STOP", Some("remind"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook_with_stderr("SessionStart-startup", &json!({}));
    // 20 MB with no newline yet: longer than any line that is read.
    t.append_transcript(&format!(
        "{{\"type\":\"user\",\"message\":{{\"content\":\"{}",
        "x".repeat(20 << 20)
    ));
    assert_eq!(
        t.hook_with_stderr("Stop", &json!({"last_assistant_message": ""}))
            .stdout,
        ""
    );
    t.append_transcript("\"}}\n");
    let path = t.project().join("src/lib.rs").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &path));
    t.append_transcript(&reply_line("done"));
    let out = t.hook_with_stderr("Stop", &json!({}));
    assert!(
        out.json()["systemMessage"]
            .as_str()
            .unwrap()
            .contains("src/lib.rs changed"),
        "{out}"
    );
}

/// A project that enforces the handoff update, with a file where its state folder should be.
fn enforce_without_state() -> Test {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(".claude/handoff.json", r#"{"stop": "enforce"}"#);
    let blocker = t.home().join("state-is-a-file");
    std::fs::write(&blocker, "x").expect("write");
    t.env("HANDOFF_STATE_DIR", Some(&blocker.display().to_string()))
}

#[test]
fn stop_never_blocks_when_it_cannot_record_the_block() {
    let t = enforce_without_state();
    t.hook_with_stderr("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    let path = t.project().join("src/lib.rs").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &path));
    for (i, active) in [false, true, false, false, true].into_iter().enumerate() {
        t.append_transcript(&reply_line("done"));
        let out = t.hook_with_stderr("Stop", &json!({"stop_hook_active": active}));
        assert_eq!(out.stdout, "", "stop {i}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "stop {i}: {out}");
        assert!(
            out.stderr
                .contains("Stop does not ask for the handoff update"),
            "stop {i}: {out}"
        );
    }
    insta::assert_snapshot!(
        t.redact_all(&t.hook_with_stderr("Stop", &json!({"prompt_id": "another"})).stderr),
        @"handoff: could not save session state: failed to create directory `[HOME]/state-is-a-file/projects/[KEY]/sessions`: Not a directory (os error 20); until it can be, Stop does not ask for the handoff update, as it could not keep that to once per prompt — make that folder writable, or set HANDOFF_STATE_DIR to one that is"
    );
}

#[test]
fn stop_never_says_not_updated_right_after_an_update_it_could_not_record() {
    let t = enforce_without_state().env("HANDOFF_STOP", Some("remind"));
    t.hook_with_stderr("SessionStart-startup", &json!({}));
    let handoff = t
        .project()
        .join("docs/SESSION-HANDOFF.md")
        .display()
        .to_string();
    t.append_transcript(&tool_use_line(
        "Edit",
        &t.project().join("a.rs").display().to_string(),
    ));
    t.append_transcript(&tool_use_line("Edit", &handoff));
    t.write("docs/SESSION-HANDOFF.md", &format!("{HANDOFF}- updated\n"));
    t.append_transcript(&reply_line("done"));
    let out = t.hook_with_stderr("Stop", &json!({}));
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn stop_never_blocks_when_the_state_folder_breaks_mid_session() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(".claude/handoff.json", r#"{"stop": "enforce"}"#);
    t.hook_with_stderr("SessionStart-startup", &json!({}));
    let projects = t.state().join("projects");
    let project = std::fs::read_dir(&projects)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // A file where the sessions folder was: unwritable for root too, unlike a read-only folder.
    let sessions = project.join("sessions");
    std::fs::remove_dir_all(&sessions).unwrap();
    std::fs::write(&sessions, "x").unwrap();
    let path = t.project().join("src/lib.rs").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &path));
    let mut blocks = 0;
    for _ in 0..5 {
        t.append_transcript(&reply_line("done"));
        let out = t.hook_with_stderr("Stop", &json!({}));
        blocks += usize::from(out.stdout.contains("block"));
        assert!(out.stderr.lines().count() <= 1, "{out}");
    }
    assert_eq!(blocks, 0);
}

#[test]
fn the_context_warning_is_not_repeated_when_it_cannot_be_recorded() {
    let t = enforce_without_state();
    t.append_transcript(&usage_line("claude-sonnet-4-5", 190_000));
    for i in 0..3 {
        let out = t.hook_with_stderr("UserPromptSubmit", &json!({}));
        assert_eq!(out.stdout, "", "prompt {i}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "prompt {i}: {out}");
    }
}

#[test]
fn a_handoff_outside_the_repository_has_no_commit_count() {
    let t = repository();
    for i in 0..3 {
        // A new length each time: the pinned mtime alone would hide the change from git.
        t.write("src.rs", &"x".repeat(i + 1));
        assert!(t.git(&["add", "."]) && t.git(&["commit", "-qm", "work"]));
    }
    let mine = t.home().join("mine.md");
    std::fs::write(&mine, HANDOFF).unwrap();
    let out = t
        .run(&["status", "--file", &mine.display().to_string()], "")
        .success();
    assert!(!out.stdout.contains("commit"), "{out}");
    // Inside the repository the same command counts them.
    let out = t.run(&["status"], "").success();
    assert!(out.stdout.contains("3 commits"), "{out}");
}

#[test]
fn a_runaway_handoff_is_reported_not_read() {
    let t = Test::new();
    let big = "- x\n".repeat(5 * 1024 * 1024);
    t.write(
        "docs/SESSION-HANDOFF.md",
        &format!("# H\n\n## What's Next\n{big}"),
    );
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(out.context().contains("larger than"), "{}", out.context());
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
}
