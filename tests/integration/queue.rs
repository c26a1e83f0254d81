//! `handoff next`: the work queue on each template.

use crate::support::{session, Test, HANDOFF};

const PATH: &str = "docs/SESSION-HANDOFF.md";

#[test]
fn a_day_of_work_on_the_default_template() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    let out = session(
        &t,
        &[
            &["next"],
            &["next", "add", "--priority", "P0", "fix the login redirect"],
            &["next", "add", "-p", "p2", "tidy the logs"],
            &["next", "add", "no priority at all"],
            &["next"],
            &["next", "start", "2"],
            &["next", "start", "login"],
            &["next", "start", "login"],
            &["next", "done", "finish the CLI"],
            &["next", "done", "1"],
            &["next"],
        ],
    );
    insta::assert_snapshot!("default_session", out);
    insta::assert_snapshot!("default_file", t.read(PATH));
}

#[test]
fn memory_and_campaign_queues() {
    for template in ["memory", "campaign"] {
        let t = Test::new();
        t.run(&["init", "--template", template, "--no-claude-md"], "")
            .success();
        let out = session(
            &t,
            &[
                &["next"],
                &["next", "add", "-p", "P1", "write the importer"],
                &["next", "add", "-p", "P0", "fix the crash"],
                &["next", "start", "1"],
                &["next", "done", "crash"],
                &["next"],
            ],
        );
        insta::assert_snapshot!(format!("{template}_session"), out);
        insta::assert_snapshot!(format!("{template}_file"), t.read(PATH));
    }
}

#[test]
fn mistakes_say_what_to_do_and_change_nothing() {
    let t = Test::new();
    t.write(
        PATH,
        "# H\n\n## What's Next\n- fix the parser\n- fix the printer\n",
    );
    let out = session(
        &t,
        &[
            &["next", "done", "7"],
            &["next", "done", "fix"],
            &["next", "start", "nothing like this"],
            &["next", "add", "-p", "urgent", "x"],
            &["next", "done"],
        ],
    );
    insta::assert_snapshot!(out);
    assert_eq!(
        t.read(PATH),
        "# H\n\n## What's Next\n- fix the parser\n- fix the printer\n"
    );
    // Without a handoff there is nothing to list.
    let t = Test::new();
    let out = t.run(&["next"], "").failure(1);
    assert_eq!(
        out.stderr,
        "handoff: docs/SESSION-HANDOFF.md does not exist: create it with `handoff init`\n"
    );
}

#[test]
fn a_cr_only_file_is_a_queue_like_any_other() {
    let t = Test::new();
    t.write(PATH, &HANDOFF.replace('\n', "\r"));
    let out = session(&t, &[&["next"], &["next", "done", "1"], &["next"]]);
    insta::assert_snapshot!(out, @r"
    $ handoff next
    What's Next (docs/SESSION-HANDOFF.md):
      1. P0  finish the CLI
      2. P1  write the README
    $ handoff next done 1
    Done: P0 finish the CLI — moved to What Was Done This Session, dated 2026-11-21.
    $ handoff next
    What's Next (docs/SESSION-HANDOFF.md):
      1. P1  write the README
    ");
    let file = t.read(PATH);
    assert!(!file.contains('\n'), "{file:?}");
    assert!(file.contains("- 2026-11-21 — finish the CLI\r"), "{file:?}");
}

#[test]
fn a_section_named_for_two_roles_is_the_queue() {
    let t = Test::new();
    t.write(PATH, "## What's Next and What Was Done\n- one\n- two\n");
    t.run(&["next", "done", "1"], "").success();
    assert_eq!(
        t.read(PATH),
        "## What's Next and What Was Done\n- two\n\n## What Was Done This Session\n\n- 2026-11-21 — one\n"
    );
}
