//! The hooks of a pipeline's sessions: start files and earlier waves at SessionStart, end files
//! and queue claims at Stop.
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;

use crate::support::{now, reply_line, set_mtime, tool_use_line, Test, HANDOFF};

const CONFIG: &str = r#"{"session": {"start": ["plan/task-{task}.md", "review/*.md", "todo.md", "missing.md"],
  "end": ["review/findings-{task}.md", "done.md"]},
 "queue": {"todo": "todo.md", "done": "done.md", "lease": "2h"},
 "waves": "discovery/wave-{wave}", "stop": "STOP"}"#;

fn pipeline(stop: &str) -> Test {
    let t = Test::new().env("HANDOFF_TASK", Some("T-7"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write("working/T-7/session_memory.md", HANDOFF);
    t.write(".claude/handoff.json", &CONFIG.replace("STOP", stop));
    t.write(
        "plan/task-T-7.md",
        "# Task T-7\n\nFetch the urls, note what breaks.\n",
    );
    t.write("review/completed.md", "- T-1 done\n- T-2 done\n");
    t.write(
        "todo.md",
        "# Todo\n\n- [ ] https://a.example\n- [ ] https://b.example\n",
    );
    t
}

#[test]
fn session_start_shows_the_start_files_that_exist() {
    let t = pipeline("nudge");
    let context = t.hook("SessionStart-startup", &json!({})).context();
    insta::assert_snapshot!("start_files_fit", t.redact(&context));
    // Without the task, its plan is not looked for.
    let t = t.env("HANDOFF_TASK", None);
    let context = t.hook("SessionStart-startup", &json!({})).context();
    assert!(!context.contains("plan/task-"), "{context}");
    assert!(context.contains("[handoff] Start file review/completed.md:\n- T-1 done\n"));
}

#[test]
fn start_files_that_do_not_fit_are_cut_to_whole_lines_and_named() {
    let t = pipeline("nudge");
    let mut plan = String::from("# Task T-7\n\n");
    for i in 0..3_000 {
        let _ = writeln!(plan, "{i}. step {i} of the plan 🐢");
    }
    t.write("plan/task-T-7.md", &plan);
    let context = t.hook("SessionStart-startup", &json!({})).context();
    let units = context.encode_utf16().count();
    assert!(units <= 9_000, "{units}");
    // The handoff's top sections first, then the plan's leading lines, in the order given.
    assert!(context.contains("## What's Next\n"), "{context}");
    assert!(
        context.contains("[handoff] Start file plan/task-T-7.md:\n# Task T-7\n\n0. step 0"),
        "{context}"
    );
    let tail = context.rsplit_once("\n\n").unwrap().1;
    insta::assert_snapshot!("start_files_partly_fit", t.redact(tail));
}

/// `count` findings in wave `n`, each a few lines long.
fn findings(t: &Test, n: u32, count: usize) {
    for i in 0..count {
        t.write(
            &format!("discovery/wave-{n}/finding-{i:03}.md"),
            &format!("# Wave {n} finding {i}\n\nThe site {i} of wave {n} answers slowly.\n\nMore detail.\n"),
        );
    }
}

#[test]
fn a_wave_session_sees_earlier_waves_only_within_the_budget() {
    let t = pipeline("nudge").env("HANDOFF_WAVE", Some("4"));
    for n in 1..=5 {
        findings(&t, n, 120);
    }
    for budget in [None, Some("10000")] {
        let config = match budget {
            Some(b) => CONFIG.replace("\"stop\"", &format!("\"budget\": {b}, \"stop\"")),
            None => CONFIG.to_string(),
        };
        t.write(".claude/handoff.json", &config.replace("STOP", "nudge"));
        let context = t.hook("SessionStart-startup", &json!({})).context();
        let units = context.encode_utf16().count();
        let cap = budget.map_or(9_000, |b| b.parse().unwrap());
        assert!(units <= cap, "{units}");
        assert!(context.contains(
            "[handoff] This session is in wave 4: write its findings into discovery/wave-4/, one file each; \
             the findings of waves 1 to 3, newest first, follow."
        ));
        // Newest wave first; never its own wave nor a later one.
        let w3 = context
            .find("### Wave 3 (discovery/wave-3)")
            .expect("wave 3");
        assert!(context[w3..].contains("- `discovery/wave-3/finding-000.md` — Wave 3 finding 0: The site 0 of wave 3 answers slowly."));
        assert!(!context.contains("wave-4/finding"), "own wave shown");
        assert!(!context.contains("wave-5"), "a later wave shown");
        assert!(context.contains("(`handoff wave` lists them all)"));
        assert!(context.contains("## What's Next\n"));
    }
    // A few findings arrive whole.
    let t = pipeline("nudge").env("HANDOFF_WAVE", Some("3"));
    findings(&t, 1, 2);
    findings(&t, 2, 1);
    findings(&t, 3, 4);
    let context = t.hook("SessionStart-startup", &json!({})).context();
    let relay = context
        .split_once("[handoff] This session is in wave 3")
        .unwrap()
        .1;
    insta::assert_snapshot!("wave_relay_whole", relay);
}

/// A turn that edits `file`, then Stop.
fn work_then_stop(t: &Test, file: &str) -> serde_json::Value {
    let path = t.project().join(file).display().to_string();
    t.append_transcript(&tool_use_line("Edit", &path));
    t.append_transcript(&reply_line("done"));
    t.hook("Stop", &json!({})).json()
}

/// What Stop said, whatever the mode's reply shape.
fn said(reply: &serde_json::Value) -> String {
    reply["systemMessage"]
        .as_str()
        .or_else(|| reply["reason"].as_str())
        .or_else(|| reply["hookSpecificOutput"]["additionalContext"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn stop_names_unwritten_end_files_and_a_held_claim_in_every_mode() {
    let mut out = String::new();
    for mode in ["remind", "nudge", "enforce"] {
        let t = pipeline(mode).env("HANDOFF_AGENT", Some("agent-7"));
        // Written before this session: not this session's output.
        t.write("done.md", "# Done\n");
        set_mtime(
            &t.project().join("done.md"),
            now() - Duration::from_secs(3_600),
        );
        t.with_transcript();
        t.hook("SessionStart-startup", &json!({}));
        assert_eq!(t.run(&["queue", "claim"], "").stdout, "https://a.example\n");
        let reply = work_then_stop(&t, "src/lib.rs");
        let _ = writeln!(out, "{mode}: {}\n", t.redact(&said(&reply)));
    }
    insta::assert_snapshot!("stop_end_files_and_claim", out);
}

#[test]
fn stop_after_the_outputs_are_written_asks_only_for_the_handoff() {
    let t = pipeline("remind").env("HANDOFF_AGENT", Some("agent-7"));
    t.with_transcript();
    t.hook("SessionStart-startup", &json!({}));
    t.run(&["queue", "claim"], "");
    // The item finished (done.md written now) and the findings written: nothing owed but the
    // handoff.
    assert_eq!(t.run(&["queue", "done", "1"], "").code, Some(0));
    t.write("review/findings-T-7.md", "# Findings\n");
    for f in ["done.md", "review/findings-T-7.md"] {
        set_mtime(&t.project().join(f), now() + Duration::from_secs(60));
    }
    let said = said(&work_then_stop(&t, "src/lib.rs"));
    assert!(said.contains("was not updated this session"), "{said}");
    assert!(!said.contains("end files"), "{said}");
    assert!(!said.contains("queue item"), "{said}");
}

#[test]
fn a_held_claim_is_named_even_when_no_file_changed() {
    let t = pipeline("nudge").env("HANDOFF_AGENT", Some("agent-7"));
    t.write("done.md", "");
    t.write("review/findings-T-7.md", "");
    for f in ["done.md", "review/findings-T-7.md"] {
        set_mtime(&t.project().join(f), now() + Duration::from_secs(60));
    }
    t.with_transcript();
    t.hook("SessionStart-startup", &json!({}));
    t.run(&["queue", "claim"], "");
    t.append_transcript(&reply_line("done"));
    let reply = t.hook("Stop", &json!({})).json();
    assert_eq!(
        said(&reply),
        "[handoff] You still hold queue item 1 (\"https://a.example\"): finish it with `handoff queue \
         done 1`, or give it back with `handoff queue release 1`."
    );
    // Someone else's claim is not this session's.
    let other = pipeline("nudge").env("HANDOFF_AGENT", Some("someone-else"));
    other.write("done.md", "");
    other.write("review/findings-T-7.md", "");
    for f in ["done.md", "review/findings-T-7.md"] {
        set_mtime(&other.project().join(f), now() + Duration::from_secs(60));
    }
    other.with_transcript();
    other.hook("SessionStart-startup", &json!({}));
    other.run(&["queue", "claim", "--as", "agent-7"], "");
    other.append_transcript(&reply_line("done"));
    assert_eq!(other.hook("Stop", &json!({})).stdout, "");
}

#[test]
fn a_start_file_outside_the_project_is_refused_with_one_line() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(
        ".claude/handoff.json",
        r#"{"session": {"start": ["../outside.md", "todo.md"]}}"#,
    );
    t.write("todo.md", "- [ ] a\n");
    std::fs::write(t.project().join("../outside.md"), "secret plans\n").unwrap();
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(out.stderr.contains("outside.md"), "{out}");
    let context = out.context();
    assert!(!context.contains("secret plans"), "{context}");
    assert!(
        context.ends_with("[handoff] Start file todo.md:\n- [ ] a"),
        "{context}"
    );
}
