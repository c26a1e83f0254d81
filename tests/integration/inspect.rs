//! Reading the handoff: `show`, `show --json`, `history`, `status`, `check`.
use serde_json::json;

use crate::support::{Test, HANDOFF, NOW};

const PATH: &str = "docs/SESSION-HANDOFF.md";

#[test]
fn show_prints_the_file_as_it_is() {
    let t = Test::new();
    t.write(PATH, &HANDOFF.replace('\n', "\r\n"));
    let out = t.run(&["show"], "").success();
    assert_eq!(out.stdout, HANDOFF.replace('\n', "\r\n"));
    let t = Test::new();
    let out = t.run(&["show"], "").failure(1);
    assert!(
        out.stderr
            .contains("does not exist: create it with `handoff init`"),
        "{out}"
    );
}

#[test]
fn show_json_gives_the_structure() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    t.run(&["checkpoint", "--failed", "mocking the socket"], "")
        .success();
    t.run(&["next", "add", "-p", "P0", "ship"], "").success();
    t.run(&["next", "start", "ship"], "").success();
    let out = t.run(&["show", "--json"], "").success();
    insta::assert_json_snapshot!(out.json());
}

#[test]
fn history_lists_shows_and_diffs_the_copies() {
    let mut t = Test::new();
    t.write(PATH, HANDOFF);
    let out = t.run(&["history"], "").success();
    assert_eq!(
        out.stdout,
        "No copies of docs/SESSION-HANDOFF.md yet: one is saved before each compaction.\n"
    );
    t.set_env("HANDOFF_NOW", Some("2026-11-21T10:00:00Z"));
    t.hook("PreCompact-auto", &json!({}));
    t.set_env("HANDOFF_NOW", Some("2026-11-21T11:30:00Z"));
    t.run(&["checkpoint", "--failed", "tried the cache"], "")
        .success();
    t.hook("PreCompact-manual", &json!({}));
    t.set_env("HANDOFF_NOW", Some(NOW));
    t.run(&["next", "done", "1"], "").success();

    insta::assert_snapshot!("list", t.run(&["history"], "").success().stdout);
    assert_eq!(
        t.run(&["history", "show", "2"], "").success().stdout,
        HANDOFF
    );
    insta::assert_snapshot!(
        "diff",
        t.run(&["history", "diff", "2"], "").success().stdout
    );
    let out = t.run(&["history", "show", "3"], "").failure(1);
    assert_eq!(
        out.stderr,
        "handoff: there is no copy 3: there are 2; `handoff history` lists them\n"
    );
}

#[test]
fn status_at_a_glance() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&crate::support::prompt_line("tidy up"));
    t.hook("SessionEnd-clear", &json!({}));
    insta::assert_snapshot!("text", t.run(&["status"], "").success().stdout);
    let mut json = t.run(&["status", "--json"], "").success().json();
    json["last_session"]["session_id"] = json!("[SESSION]");
    insta::assert_json_snapshot!("json", json);
    let t = Test::new();
    insta::assert_snapshot!("missing", t.run(&["status"], "").success().stdout);
}

#[test]
fn check_for_ci() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    let out = t.run(&["check"], "").success();
    assert_eq!(
        out.stdout,
        "docs/SESSION-HANDOFF.md: ok (5 sections, 379 of 9000 UTF-16 units)\n"
    );

    // Any title the roles table gives what comes next satisfies the default requirement; a log
    // grown past the budget is the intended use, so it is said, not failed.
    t.write(PATH, "# H\n\n## TODO\n\n- a\n");
    t.run(&["next", "add", "b"], "").success();
    assert!(
        t.read(PATH).contains("## TODO\n\n- a\n- b\n"),
        "{}",
        t.read(PATH)
    );
    t.write(
        PATH,
        &format!(
            "# H\n\n## TODO\n\n- a\n\n## Build Log\n\n{}",
            "- x\n".repeat(3_000)
        ),
    );
    let out = t.run(&["check"], "").success();
    insta::assert_snapshot!("grown_past_the_budget", out.stdout);

    // Every problem at once, one line each.
    t.write(
        PATH,
        &format!("# H\n\n## What Failed\n{}\n", "x".repeat(9_500)),
    );
    let out = t
        .run(
            &[
                "check",
                "--require",
                "Current State",
                "--require",
                "What's Next|Next Session Start",
            ],
            "",
        )
        .failure(1);
    insta::assert_snapshot!("problems", out.stdout);

    // Commits since the handoff's last update, against the configured limit.
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write(PATH, HANDOFF);
    t.write(".claude/handoff.json", r#"{"check": {"max_commits": 2}}"#);
    assert!(t.git(&["add", "."]) && t.git(&["commit", "-qm", "handoff"]));
    for i in 0..3 {
        t.write("src/a.rs", &"x".repeat(i + 1));
        assert!(t.git(&["add", "."]) && t.git(&["commit", "-qm", "work"]));
    }
    let out = t.run(&["check"], "").failure(1);
    assert_eq!(
        out.stdout,
        "docs/SESSION-HANDOFF.md: 3 commits since it was last updated (at most 2); bring it up to date\n"
    );
    t.run(&["check", "--max-commits", "3"], "").success();
}

#[test]
fn check_and_doctor_name_a_secret_in_the_handoff_but_never_its_value() {
    let t = Test::new();
    // Built at run time, so the repository holds nothing token-shaped.
    let key = format!("AKIA{}", "Q7W3E9R2".repeat(2));
    let password = "Sw0rdf1sh".repeat(2);
    let handoff = HANDOFF.replace(
        "## What's Next\n",
        &format!(
            "## What's Next\n- P0: deploy with {key}\n- P1: `DB_PASSWORD={password} make db`\n"
        ),
    );
    t.write(PATH, &handoff);
    let out = t.run(&["check"], "").failure(1);
    assert!(!out.stdout.contains(&key) && !out.stdout.contains(&password));
    insta::assert_snapshot!("check_secrets", out.stdout);

    let out = t.run(&["doctor"], "").failure(1);
    assert!(!out.stdout.contains(&key) && !out.stdout.contains(&password));
    let secrets: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("secret"))
        .collect();
    insta::assert_snapshot!("doctor_secrets", secrets.join("\n"));
}

#[test]
fn a_secret_in_the_handoff_never_reaches_the_model() {
    let t = Test::new();
    let token = format!("ghp_{}", "a1B2c3D4e5".repeat(4));
    let handoff = HANDOFF.replace(
        "## What's Next\n",
        &format!("## What's Next\n- P0: push with GITHUB_TOKEN={token}\n"),
    );
    t.write(PATH, &handoff);
    let start = t
        .hook("SessionStart-startup", &serde_json::json!({}))
        .context();
    assert!(!start.contains(&token), "{start}");
    let line = start.lines().find(|l| l.contains("push with")).unwrap();
    insta::assert_snapshot!("secret_redacted_at_start", line);
    let compact = t.hook("PreCompact-manual", &serde_json::json!({}));
    assert!(!compact.stdout.contains(&token), "{}", compact.stdout);
}
