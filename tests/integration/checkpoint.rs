//! `handoff checkpoint`: where entries go, what stays byte for byte, and many writers at once.
use crate::support::{Test, HANDOFF};

const PATH: &str = "docs/SESSION-HANDOFF.md";

#[test]
fn sixteen_processes_times_five_hundred_checkpoints_lose_nothing() {
    const WORKERS: usize = 16;
    const EACH: usize = 500;
    let t = Test::new();
    t.write(PATH, HANDOFF);
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for w in 0..WORKERS {
            let t = &t;
            s.spawn(move || {
                for i in 0..EACH {
                    let text = format!("w{w}-{i}");
                    t.run(&["checkpoint", "--failed", &text], "").success();
                }
            });
        }
    });
    eprintln!(
        "{} checkpoints from {WORKERS} processes at a time: {:.1} s",
        WORKERS * EACH,
        started.elapsed().as_secs_f64()
    );
    let text = t.read(PATH);
    // Every entry is there once, whole, and each writer's entries are in the order it wrote them.
    let entries: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("- 2026-11-21 12:00 UTC — w"))
        .collect();
    assert_eq!(entries.len(), WORKERS * EACH);
    let mut next = [0usize; WORKERS];
    for e in &entries {
        let (w, i) = e.split_once('-').expect("w-i");
        let (w, i): (usize, usize) = (w.parse().expect("w"), i.parse().expect("i"));
        assert_eq!(i, next[w], "writer {w} out of order or lost an entry");
        next[w] += 1;
    }
    // Everything outside What Failed is as it was.
    let failed_start = text.find("## What Failed\n").expect("section");
    let after = text.find("\n## What's Next").expect("next section");
    let original_start = HANDOFF.find("## What Failed\n").expect("section");
    let original_after = HANDOFF.find("\n## What's Next").expect("next section");
    assert_eq!(text[..failed_start], HANDOFF[..original_start]);
    assert_eq!(text[after..], HANDOFF[original_after..]);
    // No temp files or locks left in the project.
    let names: Vec<_> = std::fs::read_dir(t.project().join("docs"))
        .expect("docs")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["SESSION-HANDOFF.md"]);
}

#[test]
fn each_kind_goes_to_its_section() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    let mut out = String::new();
    for (flag, text) in [
        (
            "--decision",
            "Keep the lock in the state folder: it survives the rename",
        ),
        ("--discovery", "Claude Code counts UTF-16 units"),
        ("--progress", "Wrote the checkpoint command"),
        (
            "--failed",
            "Locking the handoff itself: the rename loses the lock",
        ),
        ("--next", "Document the JSON schema"),
    ] {
        out += &t.run(&["checkpoint", flag, text], "").success().stdout;
    }
    // No flag: progress. Several words are one entry.
    out += &t.run(&["checkpoint", "two", "words"], "").success().stdout;
    insta::assert_snapshot!("each_kind_stdout", out);
    insta::assert_snapshot!("each_kind_file", t.read(PATH));
}

#[test]
fn crlf_stays_crlf_and_other_sections_keep_their_bytes() {
    let t = Test::new();
    let crlf = HANDOFF.replace('\n', "\r\n");
    t.write(PATH, &crlf);
    t.run(&["checkpoint", "--failed", "a new failure"], "")
        .success();
    let text = t.read(PATH);
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    let failed = "## What Failed\r\n- Regex-based parsing: broke on nested fences\r\n";
    let (before, after) = crlf.split_once(failed).unwrap();
    assert_eq!(
        text,
        format!("{before}{failed}- 2026-11-21 12:00 UTC — a new failure\r\n{after}")
    );
}

#[test]
fn checkpoints_and_queue_edits_date_the_masthead() {
    let t = Test::new();
    let old = "# Memory\n\nLast updated: 2026-09-01\n\n## What's Next\n\n- a\n- b\n";
    for args in [
        &["checkpoint", "x"][..],
        &["next", "add", "c"],
        &["next", "start", "1"],
        &["next", "done", "2"],
    ] {
        t.write(PATH, old);
        t.run(args, "").success();
        let text = t.read(PATH);
        assert!(
            text.starts_with("# Memory\n\nLast updated: 2026-11-21\n\n## What's Next\n"),
            "{args:?}: {text}"
        );
    }
    insta::assert_snapshot!(t.read(PATH));
}

#[test]
fn the_other_templates_sections() {
    for template in ["memory", "campaign"] {
        let t = Test::new();
        t.run(&["init", "--template", template, "--no-claude-md"], "")
            .success();
        for flag in [
            "--decision",
            "--discovery",
            "--progress",
            "--failed",
            "--next",
        ] {
            t.run(&["checkpoint", flag, &format!("entry for {flag}")], "")
                .success();
        }
        insta::assert_snapshot!(template, t.read(PATH));
    }
}

#[test]
fn a_missing_handoff_is_created_from_the_template() {
    let t = Test::new();
    let out = t.run(&["checkpoint", "first words"], "").success();
    insta::assert_snapshot!(out.stdout, @r"
    Created docs/SESSION-HANDOFF.md from the handoff template.
    Added to What Was Done This Session in docs/SESSION-HANDOFF.md.
    ");
    let text = t.read(PATH);
    assert!(text.contains("## What Was Done This Session\n\n- 2026-11-21 12:00 UTC — first words\n\n## What Failed"), "{text}");
}

#[test]
fn bad_usage_exits_64() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    for args in [
        &["checkpoint", "  "][..],
        &["checkpoint"],
        &["checkpoint", "--failed", "--next", "x"],
    ] {
        let out = t.run(args, "").failure(64);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    assert_eq!(t.read(PATH), HANDOFF);
}

#[test]
fn a_checkpoint_counts_as_updating_the_handoff_at_stop() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    t.write(".claude/handoff.json", r#"{"stop": "enforce"}"#);
    t.hook("SessionStart-startup", &serde_json::json!({}));
    let edited = t.project().join("src/lib.rs").display().to_string();
    t.append_transcript(&crate::support::tool_use_line("Edit", &edited));
    // The agent records its progress through the Bash tool.
    t.run(&["checkpoint", "edited lib.rs"], "").success();
    t.append_transcript(&crate::support::reply_line("done"));
    assert_eq!(t.hook("Stop", &serde_json::json!({})).stdout, "");
}

#[test]
fn an_unwritable_state_folder_says_what_to_do() {
    let t = Test::new();
    t.write(PATH, HANDOFF);
    // A file where the state folder should be.
    t.write("not-a-dir", "x");
    let blocker = t.project().join("not-a-dir").display().to_string();
    let t = t.env("HANDOFF_STATE_DIR", Some(&blocker));
    let out = t.run(&["checkpoint", "x"], "").failure(1);
    assert!(
        out.stderr
            .contains("set HANDOFF_STATE_DIR to a folder that is"),
        "{out}"
    );
    assert_eq!(t.read(PATH), HANDOFF);
}
