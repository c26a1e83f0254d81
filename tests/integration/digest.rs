//! Session digests: written at PreCompact and SessionEnd from the transcript, shown by `handoff log`
//! and, when the handoff wasn't updated, at the next session start — always within the budget.
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;

use crate::support::{
    now, prompt_line, read_fixture, reply_line, set_mtime, tool_use_line, Output, Test, HANDOFF,
};

const PATH: &str = "docs/SESSION-HANDOFF.md";

fn bash_call(id: &str, command: &str) -> String {
    format!(
        "{}\n",
        json!({"type": "assistant", "message": {"role": "assistant", "content": [
            {"type": "tool_use", "id": id, "name": "Bash", "input": {"command": command}}]}})
    )
}

fn bash_result(id: &str, error: bool) -> String {
    format!(
        "{}\n",
        json!({"type": "user", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": id, "content": "Exit code 101", "is_error": error}]}})
    )
}

/// A session that asks, edits, runs a failing and a passing command, and never touches the handoff.
fn forgetful_session(t: &Test, session: &serde_json::Value) {
    t.hook("SessionStart-startup", session);
    t.append_transcript(&prompt_line("fix the parser\nit breaks on nested fences"));
    let file = t.project().join("src/parser.rs").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &file));
    t.append_transcript(&bash_call("b1", "cargo test --all\n# and more"));
    // Stop reads the call (and the turn's last message, which it waits for); the call's failed
    // result comes in a later read.
    t.append_transcript(&reply_line("done"));
    t.hook("Stop", session);
    t.append_transcript(&bash_result("b1", true));
    t.append_transcript(&bash_call("b2", "ls"));
    t.append_transcript(&bash_result("b2", false));
    t.append_transcript(&prompt_line("now the printer"));
}

#[test]
fn the_log_and_the_next_session_see_what_a_forgetful_session_did() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    forgetful_session(&t, &json!({}));
    t.hook("SessionEnd-clear", &json!({}));

    insta::assert_snapshot!("log", t.run(&["log"], "").success().stdout);
    let json_log = t.run(&["log", "--json"], "").success().stdout;
    assert_eq!(json_log.lines().count(), 1);
    assert!(
        json_log.contains(r#""failed_commands":["cargo test --all"]"#),
        "{json_log}"
    );

    let next = json!({"session_id": "bb635468-496d-419d-a2ed-f8721b3b65b6"});
    let ctx = t.hook("SessionStart-clear", &next).context();
    let digest = ctx.split_once("\n\n[handoff] The last session").unwrap().1;
    insta::assert_snapshot!(
        "shown_at_start",
        format!("[handoff] The last session{digest}")
    );

    // Once the handoff is updated, the digest has done its job.
    t.run(&["checkpoint", "parser fixed"], "").success();
    set_mtime(&t.project().join(PATH), now() + Duration::from_secs(60));
    let ctx = t
        .hook("SessionStart-startup", &json!({"session_id": "third"}))
        .context();
    assert!(!ctx.contains("The last session"), "{ctx}");
}

#[test]
fn after_a_compaction_the_session_sees_its_own_digest() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    forgetful_session(&t, &json!({}));
    t.hook("PreCompact-auto", &json!({}));
    let ctx = t.hook("SessionStart-compact", &json!({})).context();
    assert!(
        ctx.contains("[handoff] Before the compaction this session had not updated docs/SESSION-HANDOFF.md. From its transcript:\n- Changed: src/parser.rs\n- Asked: now the printer\n- Asked: fix the parser\n- Failed: `cargo test --all`"),
        "{ctx}"
    );
    // A resume has its conversation: no digest.
    let ctx = t.hook("SessionStart-resume", &json!({})).context();
    assert!(!ctx.contains("From its transcript"), "{ctx}");
    // The log has the compaction's digest and, later, the end's.
    t.hook("SessionEnd-other", &json!({}));
    let log = t.run(&["log"], "").success().stdout;
    assert!(
        log.contains("before compaction") && log.contains("ended (other)"),
        "{log}"
    );
    assert_eq!(
        t.run(&["log", "-n", "1"], "")
            .success()
            .stdout
            .lines()
            .next()
            .map(|l| l.contains("ended (other)")),
        Some(true)
    );
}

#[test]
fn an_empty_log_says_where_digests_come_from() {
    let t = Test::new();
    insta::assert_snapshot!(t.run(&["log"], "").success().stdout, @"No sessions logged for docs/SESSION-HANDOFF.md yet: the SessionEnd and PreCompact hooks write a digest of each.");
}

#[test]
fn a_huge_handoff_postmortems_and_a_digest_stay_within_the_budget() {
    let t = Test::new();
    let mut big = String::from("# Handoff\n\n## What Was Done This Session\n");
    while big.len() < 80_000 {
        big.push_str("- Refactored another module and wrote notes about it 📦 ünïcödé\n");
    }
    big.push_str("\n## What's Next\n- P0: ship\n\n## What Failed\n- Approach A: too slow\n");
    t.write(PATH, &big);
    for i in 0..30 {
        t.write(
            &format!("docs/postmortems/2026-10-{:02}-incident-{i}.md", i % 28 + 1),
            &format!(
                "# Postmortem: Incident {i} {}\n\n## Prevention\n\n- {}\n",
                "😀".repeat(20),
                "check ".repeat(40)
            ),
        );
    }
    // A long session that never updated the handoff.
    t.hook("SessionStart-startup", &json!({}));
    let mut transcript = String::new();
    for i in 0..40 {
        transcript += &prompt_line(&format!("prompt {i}: {}", "word ".repeat(60)));
        transcript += &tool_use_line(
            "Write",
            &t.project()
                .join(format!("src/f{i}.rs"))
                .display()
                .to_string(),
        );
        transcript += &bash_call(
            &format!("c{i}"),
            &format!("make target-{i} {}", "x".repeat(200)),
        );
        transcript += &bash_result(&format!("c{i}"), true);
    }
    t.append_transcript(&transcript);
    t.hook("SessionEnd-other", &json!({}));

    for budget in [None, Some(10_000), Some(4_000)] {
        if let Some(b) = budget {
            t.write(".claude/handoff.json", &format!("{{\"budget\": {b}}}"));
        }
        let limit = budget.unwrap_or(9_000);
        let ctx = t
            .hook("SessionStart-startup", &json!({"session_id": "next"}))
            .context();
        let units = ctx.encode_utf16().count();
        assert!(units <= limit, "{limit}: {units}");
        assert!(ctx.contains("## What's Next\n- P0: ship"), "{limit}");
        assert!(
            ctx.contains("## What Failed\n- Approach A: too slow"),
            "{limit}"
        );
        assert!(
            ctx.contains("did not update docs/SESSION-HANDOFF.md"),
            "{limit}"
        );
        assert!(
            ctx.contains("[handoff] Postmortems in docs/postmortems/"),
            "{limit}"
        );
        assert!(ctx.ends_with("read it when you need them."), "{limit}");
        let mut report = String::new();
        let _ = write!(report, "{limit}: {units} units");
        eprintln!("{report}");
    }
}

/// `handoff hook` on `event` with files limited to `blocks` × 512 bytes: a write past that fails
/// part-way, as on a full disk.
#[cfg(unix)]
fn hook_with_file_limit(t: &Test, event: &serde_json::Value, blocks: usize) -> Output {
    let script = r#"trap "" XFSZ; ulimit -f "$1"; shift; exec "$@""#;
    let blocks = blocks.to_string();
    t.run_program(
        std::path::Path::new("/bin/sh"),
        &[
            "-c",
            script,
            "sh",
            &blocks,
            env!("CARGO_BIN_EXE_handoff"),
            "hook",
        ],
        &event.to_string(),
    )
}

#[cfg(unix)]
#[test]
fn a_short_write_to_the_log_is_rolled_back() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    forgetful_session(&t, &json!({}));
    t.hook("SessionEnd-clear", &json!({}));
    let log = t
        .state()
        .join("projects")
        .join(handoff::project_key(&t.project()))
        .join("sessions.jsonl");
    // Twenty whole entries before, so the limit falls inside the next one.
    let before = std::fs::read_to_string(&log).unwrap().repeat(20);
    std::fs::write(&log, &before).unwrap();

    let next = json!({"session_id": "bb635468-496d-419d-a2ed-f8721b3b65b6"});
    t.hook("SessionStart-clear", &next);
    for i in 0..10 {
        t.append_transcript(&prompt_line(&format!("prompt {i}: {}", "long ".repeat(30))));
    }
    let mut end: serde_json::Value =
        serde_json::from_str(&t.localise(&read_fixture("SessionEnd-other.json"))).unwrap();
    end["session_id"] = next["session_id"].clone();
    let out = hook_with_file_limit(&t, &end, before.len() / 512 + 1);
    insta::assert_snapshot!("full_disk", t.redact_all(&out.to_string()));
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(
        after == before,
        "rolled back: {} bytes, {} before; ends {:?}",
        after.len(),
        before.len(),
        &after[after.len().saturating_sub(80)..]
    );

    // With room again, the digest is written whole after the old entries.
    t.hook("SessionEnd-other", &next);
    let entries = t.run(&["log", "--json"], "").success().stdout;
    assert_eq!(entries.lines().count(), 21, "{entries}");
    assert!(entries.lines().last().unwrap().contains("prompt 9: long"));
}

#[test]
fn secrets_in_failed_commands_and_prompts_reach_neither_the_log_nor_the_next_session() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    // Built at run time, so the repository holds nothing token-shaped.
    let bearer = format!("sk-ant-api03-{}", "Zx9Qw8".repeat(8));
    let github = format!("ghp_{}", "Rt5Yu6".repeat(6));
    let session = json!({});
    t.hook("SessionStart-startup", &session);
    t.append_transcript(&prompt_line(&format!("deploy with PASSWORD={github}")));
    let file = t.project().join("deploy.sh").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &file));
    t.append_transcript(&bash_call(
        "c1",
        &format!("curl -H \"Authorization: Bearer {bearer}\" https://api.example.com/v1"),
    ));
    t.append_transcript(&bash_result("c1", true));
    t.append_transcript(&bash_call(
        "c2",
        &format!("git push https://bot:{github}@github.com/o/r.git main"),
    ));
    t.append_transcript(&reply_line("done"));
    // The push's call is read here and its failure later, from the state.
    t.hook("Stop", &session);
    t.append_transcript(&bash_result("c2", true));
    t.hook("SessionEnd-clear", &session);

    let secrets = |text: &str| text.contains(&bearer) || text.contains(&github);
    for dir in [t.state(), t.home()] {
        for file in walk(&dir) {
            if file.extension().is_some_and(|e| e == "jsonl") && file.starts_with(t.home()) {
                continue; // the transcript itself is Claude Code's
            }
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(!secrets(&text), "{} holds a secret", file.display());
        }
    }
    let log = t.run(&["log"], "").success().stdout;
    assert!(!secrets(&log));
    insta::assert_snapshot!("log_redacted", log);
    let next = json!({"session_id": "bb635468-496d-419d-a2ed-f8721b3b65b6"});
    let ctx = t.hook("SessionStart-clear", &next).context();
    assert!(!secrets(&ctx));
    let digest = ctx.split_once("\n\n[handoff] The last session").unwrap().1;
    insta::assert_snapshot!(
        "shown_at_start_redacted",
        format!("[handoff] The last session{digest}")
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
