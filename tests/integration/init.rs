//! `handoff init`: the handoff from a template, the CLAUDE.md block, never overwriting.
use crate::support::Test;

const HANDOFF: &str = "docs/SESSION-HANDOFF.md";

#[test]
fn default_template_and_claude_md() {
    let t = Test::new();
    let out = t.run(&["init"], "").success();
    insta::assert_snapshot!("stdout", out.stdout);
    insta::assert_snapshot!("handoff", t.read(HANDOFF));
    insta::assert_snapshot!("claude_md", t.read("CLAUDE.md"));

    let (handoff, claude) = (t.read(HANDOFF), t.read("CLAUDE.md"));
    let out = t.run(&["init", "--template", "campaign"], "").success();
    insta::assert_snapshot!("second_run", out.stdout);
    assert_eq!(t.read(HANDOFF), handoff, "never overwritten");
    assert_eq!(t.read("CLAUDE.md"), claude, "second run changes nothing");
}

#[test]
fn other_templates() {
    for template in ["memory", "campaign"] {
        let t = Test::new();
        t.run(&["init", "--template", template, "--no-claude-md"], "")
            .success();
        assert!(t.try_read("CLAUDE.md").is_none());
        insta::assert_snapshot!(template, t.read(HANDOFF));
    }
}

#[test]
fn appends_to_an_existing_claude_md_and_keeps_crlf() {
    let t = Test::new();
    t.write("CLAUDE.md", "# Rules\r\n\r\nUse tabs.\r\n");
    t.run(&["init"], "").success();
    let text = t.read("CLAUDE.md");
    assert!(
        text.starts_with("# Rules\r\n\r\nUse tabs.\r\n\r\n<!-- handoff:begin -->\r\n"),
        "{text:?}"
    );
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    assert!(text.ends_with("<!-- handoff:end -->\r\n"));
}

#[test]
fn uses_dot_claude_claude_md_when_that_is_the_only_one() {
    let t = Test::new();
    t.write(".claude/CLAUDE.md", "# Notes\n");
    t.run(&["init"], "").success();
    assert!(t.try_read("CLAUDE.md").is_none());
    assert!(t
        .read(".claude/CLAUDE.md")
        .contains("<!-- handoff:begin -->"));
}

#[test]
fn path_option_is_saved_in_the_config() {
    let t = Test::new();
    t.write(".claude/handoff.json", "{\n    \"budget\": 6000\n}\n");
    let out = t.run(&["init", "--path", "HANDOFF.md"], "").success();
    insta::assert_snapshot!(out.stdout);
    assert!(t.try_read("HANDOFF.md").is_some());
    assert_eq!(
        t.read(".claude/handoff.json"),
        "{\n    \"budget\": 6000,\n    \"path\": \"HANDOFF.md\"\n}\n"
    );
    assert!(t.read("CLAUDE.md").contains("`HANDOFF.md`"));
    // The hooks and doctor now look there.
    let out = t.run(&["doctor"], "");
    assert!(out.stdout.contains("HANDOFF.md: 6 sections"), "{out}");
}

#[test]
fn absolute_path_is_refused() {
    let t = Test::new();
    let out = t.run(&["init", "--path", "/tmp/x.md"], "").failure(1);
    assert!(out.stderr.contains("must be relative"), "{out}");
}

#[test]
fn broken_markers_are_reported_not_guessed() {
    let t = Test::new();
    t.write("CLAUDE.md", "# X\n<!-- handoff:begin -->\nhalf a block\n");
    let out = t.run(&["init"], "").failure(1);
    assert!(
        out.stderr.contains("without `<!-- handoff:end -->`"),
        "{out}"
    );
    assert_eq!(
        t.read("CLAUDE.md"),
        "# X\n<!-- handoff:begin -->\nhalf a block\n"
    );
}

#[test]
fn init_racing_checkpoint_never_loses_the_entry() {
    let mut last = String::new();
    for round in 0..30 {
        let t = Test::new();
        let mut init = t.command(&["init", "--no-claude-md"]).spawn().unwrap();
        let note = format!("decided in round {round}");
        let out = t.run(&["checkpoint", "--decision", &note], "").success();
        assert!(
            init.wait().unwrap().success(),
            "init failed in round {round}"
        );
        last = t.read(HANDOFF);
        assert!(
            last.contains(&note),
            "round {round}: checkpoint said {:?} but the entry is gone:\n{last}",
            out.stdout
        );
    }
    // Whichever ran first, the file is the same.
    insta::assert_snapshot!(last.replace("round 29", "round N"));
}
