//! One project root for every command and hook, whatever folder they run in, named on stderr
//! when it isn't the current one; and a closed stdout is a quiet end, not an error.
use std::fmt::Write;
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::support::{now, set_mtime, Output, Test};

/// The output with paths, the binary and git's version made stable.
fn stable(t: &Test, out: &Output) -> String {
    t.redact_all(&out.to_string())
        .lines()
        .map(|l| match l.find("git version ") {
            Some(i) => format!("{}git version [VERSION]\n", &l[..i]),
            None => format!("{l}\n"),
        })
        .collect()
}

/// A git repository run from outside Claude Code (no `$CLAUDE_PROJECT_DIR`).
fn repository() -> Test {
    let t = Test::new().env("CLAUDE_PROJECT_DIR", None);
    assert!(t.git(&["init", "-q"]));
    t
}

const NOTICE: &str = "handoff: project root: [PROJECT] (from docs/SESSION-HANDOFF.md)\n";

#[test]
fn every_command_finds_the_root_from_a_subfolder() {
    let t = repository();
    let mut transcript = String::new();
    let commands: &[&[&str]] = &[
        &["init"],
        &["install"],
        &["doctor"],
        &["status"],
        &["checkpoint", "found the root"],
        &["checkpoint", "--failed", "guessing the folder"],
        &["next", "add", "-p", "P0", "one root for all"],
        &["next", "start", "1"],
        &["next"],
        &["next", "done", "1"],
        &["postmortem", "Lost in a subfolder"],
        &["log"],
        &["history"],
        &["check"],
        &["show"],
        &["uninstall"],
    ];
    for args in commands {
        if args == &["status"] {
            // Its age is shown: dated off the real clock, as `Test::write` dates files.
            let handoff = t.project().join("docs/SESSION-HANDOFF.md");
            set_mtime(&handoff, now() - Duration::from_secs(2 * 3600));
        }
        let out = t.run_in("src/deep", args);
        let shown = stable(&t, &out);
        let _ = writeln!(transcript, "$ handoff {}\n{shown}", args.join(" "));
        assert!(
            t.redact(&out.stderr)
                .starts_with("handoff: project root: [PROJECT] (from "),
            "{args:?} names its root first:\n{shown}"
        );
    }
    insta::assert_snapshot!(transcript);
    let deep = t.project().join("src/deep");
    let strays: Vec<_> = std::fs::read_dir(&deep).unwrap().collect();
    assert!(
        strays.is_empty(),
        "nothing is written in the subfolder: {strays:?}"
    );
    assert!(t.read("docs/SESSION-HANDOFF.md").contains("found the root"));
    assert!(t.project().join("docs/postmortems").is_dir());
    assert!(t.project().join(".claude/settings.json").is_file());
}

#[test]
fn the_root_is_named_only_when_it_is_not_the_current_folder() {
    let t = repository();
    t.run(&["init"], "").success();
    t.run(&["checkpoint", "from the root"], "").success();
    let out = t.run_in("src", &["checkpoint", "from below"]);
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(t.redact(&out.stderr), NOTICE);
    assert!(
        !out.stdout.contains("project root"),
        "stdout stays clean:\n{out}"
    );
    // $CLAUDE_PROJECT_DIR decides, and says so.
    let project = t.project().display().to_string();
    let mut t = t;
    t.set_env("CLAUDE_PROJECT_DIR", Some(&project));
    let out = t.run_in("src", &["show"]);
    assert_eq!(
        t.redact(&out.stderr),
        "handoff: project root: [PROJECT] (from $CLAUDE_PROJECT_DIR)\n"
    );
}

#[test]
fn the_nearest_config_wins_over_the_git_top() {
    let t = repository();
    t.write(
        "packages/web/.claude/handoff.json",
        r#"{"path":"NOTES.md"}"#,
    );
    let out = t.run_in("packages/web/src", &["checkpoint", "web only"]);
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(
        t.redact(&out.stderr),
        "handoff: project root: [PROJECT]/packages/web (from .claude/handoff.json)\n"
    );
    assert!(t.read("packages/web/NOTES.md").contains("web only"));
    assert!(t.try_read("docs/SESSION-HANDOFF.md").is_none());
}

#[test]
fn a_hook_started_in_a_subfolder_reads_the_roots_handoff() {
    let t = repository();
    t.run(&["init"], "").success();
    t.run(&["checkpoint", "a marker only the root has"], "")
        .success();
    let cwd = t.project().join("src/deep").display().to_string();
    std::fs::create_dir_all(&cwd).unwrap();
    let out = t.hook("SessionStart-startup", &json!({ "cwd": cwd }));
    assert!(
        out.context().contains("a marker only the root has"),
        "{}",
        out.context()
    );
}

/// Run `handoff <args>` with stdout a pipe whose reading end is already closed.
fn into_closed_pipe(t: &Test, args: &[&str]) -> Output {
    let mut command = t.command(args);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // The reader goes away before the first write, as `head -1` does after its line.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    Output {
        code: out.status.code(),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["checkpoint", "something to show"], "").success();
    t.run(&["next", "add", "an item"], "").success();
    t.hook("PreCompact-auto", &json!({}));
    t.hook("SessionEnd-other", &json!({}));
    let project = t.project().display().to_string();
    for args in [
        &["show"][..],
        &["show", "--json"],
        &["log"],
        &["history"],
        &["history", "show", "1"],
        &["status"],
        &["status", "--json"],
        &["overview", &project],
        &["next"],
        &["install", "--dry-run"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
    ] {
        into_closed_pipe(&t, args).success();
    }
}
