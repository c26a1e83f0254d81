//! Task files: `--task` and `$HANDOFF_TASK` give each task its own memory, state and log.
use serde_json::json;

use std::time::Duration;

use crate::support::{now, prompt_line, set_mtime, Test, HANDOFF};

#[test]
fn each_task_has_its_own_file() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    let out = t
        .run(&["--task", "T-1", "checkpoint", "started"], "")
        .success();
    insta::assert_snapshot!(out.stdout, @r"
    Created working/T-1/session_memory.md from the memory template.
    Added to Progress Markers in working/T-1/session_memory.md.
    ");
    let t = t.env("HANDOFF_TASK", Some("T-2"));
    t.run(&["next", "add", "-p", "P0", "port the importer"], "")
        .success();
    // `--task` wins over the environment.
    t.run(
        &["checkpoint", "--task", "T-1", "--decision", "keep it small"],
        "",
    )
    .success();
    assert_eq!(t.read("docs/SESSION-HANDOFF.md"), HANDOFF);
    insta::assert_snapshot!("t1", t.read("working/T-1/session_memory.md"));
    insta::assert_snapshot!("t2", t.read("working/T-2/session_memory.md"));
    let out = t.run(&["status"], "").success();
    assert!(
        out.stdout.starts_with(
            "working/T-2/session_memory.md (task T-2; project handoff: docs/SESSION-HANDOFF.md)\n"
        ),
        "{out}"
    );
    let out = t.run(&["--task", "../etc", "show"], "").failure(64);
    assert!(out.stderr.contains("a task id is"), "{out}");
}

#[test]
fn a_bad_handoff_task_is_refused_by_commands_and_passed_over_by_hooks() {
    let t = Test::new().env("HANDOFF_TASK", Some("../../etc"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    let out = t.run(&["checkpoint", "x"], "").failure(64);
    insta::assert_snapshot!("bad_task_command", out.stderr);
    assert_eq!(t.read("docs/SESSION-HANDOFF.md"), HANDOFF);
    assert!(t.try_read("working").is_none() && !t.project().join("working").exists());
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    insta::assert_snapshot!("bad_task_hook", out.stderr);
    assert!(
        out.context().contains("finish the CLI"),
        "the project handoff is injected"
    );
}

#[test]
fn the_path_comes_from_the_config() {
    let t = Test::new();
    t.write(
        ".claude/handoff.json",
        r#"{"task_path": "tasks/{task}.md"}"#,
    );
    t.run(&["--task", "api", "checkpoint", "x"], "").success();
    assert!(t.try_read("tasks/api.md").is_some());
}

#[test]
fn hooks_follow_handoff_task() {
    let t = Test::new().env("HANDOFF_TASK", Some("T-1"));
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    insta::assert_snapshot!("missing_task_file", ctx);
    t.run(&["checkpoint", "--next", "wire the importer"], "")
        .success();
    let file = t.project().join("working/T-1/session_memory.md");
    set_mtime(&file, now() - Duration::from_secs(3600));
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    let header: Vec<&str> = ctx.lines().take(2).collect();
    insta::assert_snapshot!("task_header", header.join("\n"));
    assert!(
        ctx.contains("2. 2026-11-21 12:00 UTC — wire the importer"),
        "{ctx}"
    );
    assert!(
        !ctx.contains("finish the CLI"),
        "the project handoff is only pointed to"
    );
}

#[test]
fn two_agents_on_two_tasks_share_nothing() {
    let mut t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    let agent = |t: &mut Test, task: &str, session: &str| {
        t.set_env("HANDOFF_TASK", Some(task));
        let ev = json!({"session_id": session});
        t.hook("SessionStart-startup", &ev);
        t.append_transcript(&prompt_line(&format!("work on {task}")));
        t.hook("PreCompact-auto", &ev);
        t.hook("SessionEnd-other", &ev);
        t.set_env("HANDOFF_TASK", None);
    };
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 0..20 {
                t.run(&["--task", "A", "checkpoint", &format!("a{i}")], "")
                    .success();
            }
        });
        s.spawn(|| {
            for i in 0..20 {
                t.run(&["--task", "B", "checkpoint", &format!("b{i}")], "")
                    .success();
            }
        });
    });
    agent(&mut t, "A", "sa");
    agent(&mut t, "B", "sb");
    let a = t.read("working/A/session_memory.md");
    let b = t.read("working/B/session_memory.md");
    assert_eq!(a.matches("— a").count(), 20);
    assert_eq!(b.matches("— b").count(), 20);
    assert!(!a.contains("— b") && !b.contains("— a"));
    assert_eq!(t.read("docs/SESSION-HANDOFF.md"), HANDOFF);
    // State, history and logs live in each task's own folder.
    let project = std::fs::read_dir(t.state().join("projects"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for (task, session) in [("A", "sa"), ("B", "sb")] {
        let dir = project.join("tasks").join(task);
        assert!(
            dir.join(format!("sessions/{session}.json")).is_file(),
            "{task}"
        );
        let log = std::fs::read_to_string(dir.join("sessions.jsonl")).unwrap();
        assert!(
            log.lines()
                .all(|l| l.contains(&format!("\"task\":\"{task}\""))),
            "{log}"
        );
        assert_eq!(std::fs::read_dir(dir.join("history")).unwrap().count(), 1);
    }
    assert!(!project.join("sessions.jsonl").exists());
    assert!(!project.join("history").exists());
}
