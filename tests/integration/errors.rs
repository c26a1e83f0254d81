//! Every error a command can end with says what went wrong and what to do next, on one line.
use std::fmt::Write;

use crate::support::Test;

#[test]
fn each_error_says_what_to_do_next() {
    let mut transcript = String::new();
    let mut record = |t: &Test, what: &str, args: &[&str], code: i32| {
        let out = t.run(args, "").failure(code);
        assert!(
            !out.stdout.contains("handoff:"),
            "{what}: errors go to stderr:\n{out}"
        );
        // clap adds its usage hint to a usage error (exit 64).
        if code == 1 {
            assert_eq!(out.stderr.lines().count(), 1, "{what}: one line:\n{out}");
        }
        let _ = write!(
            transcript,
            "{what}: handoff {} -> {code}\n{}\n",
            args.join(" "),
            t.redact(&out.stderr)
        );
    };

    let t = Test::new();
    record(&t, "no handoff", &["show"], 1);
    record(&t, "no task file", &["--task", "T-1", "next"], 1);
    record(&t, "no such copy", &["history", "show", "1"], 1);
    record(&t, "absolute --path", &["init", "--path", "/tmp/x.md"], 1);
    record(&t, "empty words", &["checkpoint", " "], 64);
    record(&t, "bad priority", &["next", "add", "-p", "P11", "x"], 64);
    record(&t, "bad task", &["--task", "../x", "show"], 64);

    t.run(&["init", "--no-claude-md"], "").success();
    record(&t, "no such item", &["next", "done", "9"], 1);
    t.run(&["next", "add", "fix the login"], "").success();
    t.run(&["next", "add", "fix the logout"], "").success();
    record(&t, "ambiguous item", &["next", "done", "fix"], 1);

    std::fs::write(t.project().join("docs/SESSION-HANDOFF.md"), b"# H\n\xff\n").unwrap();
    record(&t, "handoff not UTF-8", &["show"], 1);

    let t = Test::new();
    t.write("CLAUDE.md", "# App\n<!-- handoff:begin -->\nold protocol\n");
    record(&t, "CLAUDE.md half a block", &["init"], 1);
    record(&t, "CLAUDE.md half a block", &["uninstall"], 1);

    let t = Test::new();
    t.write(".claude/handoff.json", "[]\n");
    record(
        &t,
        "config not an object",
        &["init", "--path", "NOTES.md"],
        1,
    );

    let t = Test::new();
    std::fs::create_dir_all(t.project().join(".claude")).unwrap();
    std::fs::write(
        t.project().join(".claude/settings.json"),
        b"{\"a\": \"\xff\"}",
    )
    .unwrap();
    record(&t, "settings not UTF-8", &["install"], 1);
    t.write(".claude/settings.json", r#"{"hooks": []}"#);
    record(&t, "settings of the wrong shape", &["install"], 1);

    let t = Test::new().env("HOME", None);
    record(&t, "no home", &["install", "--scope", "user"], 1);

    let mut t = Test::new();
    t.write("state-is-a-file", "");
    let state = t.project().join("state-is-a-file").display().to_string();
    t.set_env("HANDOFF_STATE_DIR", Some(&state));
    record(&t, "lock folder", &["checkpoint", "x"], 1);

    insta::assert_snapshot!(transcript);
}
