//! A memory that outgrows the budget: the newest entries reach the next session, whatever order
//! the file keeps them in, and every command reads the section names the same way.
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;

use crate::support::{self, prompt_line, reply_line, tool_use_line, Test};

const PATH: &str = "docs/SESSION-HANDOFF.md";

/// The file dated two hours before the pinned clock, so the header's age is the same every run.
fn settle(t: &Test) {
    let two_hours = Duration::from_secs(2 * 3600);
    support::set_mtime(&t.project().join(PATH), support::now() - two_hours);
}

fn start(t: &Test) -> String {
    settle(t);
    t.hook("SessionStart-startup", &json!({})).context()
}

#[test]
fn three_hundred_decisions_bring_the_newest_to_the_next_session() {
    let mut t = Test::new();
    t.run(&["init", "--template", "memory", "--no-claude-md"], "")
        .success();
    let now = chrono::DateTime::parse_from_rfc3339(support::NOW).expect("NOW");
    for i in 1..=300 {
        // One decision a day, the 300th today.
        let at = now - chrono::Duration::days(300 - i);
        t.set_env("HANDOFF_NOW", Some(&at.to_rfc3339()));
        t.run(&["checkpoint", "--decision", &format!("decision {i}")], "")
            .success();
    }
    t.set_env("HANDOFF_NOW", Some(support::NOW));
    let ctx = start(&t);
    assert!(ctx.encode_utf16().count() <= 9_000);
    assert!(ctx.contains("— decision 300\n"), "{ctx}");
    assert!(!ctx.contains("— decision 1\n"), "{ctx}");
    // The kept ones are the newest, in file order, with no gap.
    let kept: Vec<usize> = ctx
        .lines()
        .filter_map(|l| {
            l.split_once("— decision ")
                .map(|(_, n)| n.parse().expect("n"))
        })
        .collect();
    let first = kept[0];
    assert_eq!(kept, (first..=300).collect::<Vec<_>>());
    let line = ctx.lines().last().expect("a line");
    assert!(
        line.contains(&format!(
            "Decisions Made: {} older entries, 2026-01-26 to ",
            first - 1
        )),
        "{line}"
    );
    insta::assert_snapshot!(ctx);
}

/// A campaign-style build log of `days` dated sub-headings, oldest first or newest first.
fn build_log(days: u32, newest_first: bool) -> String {
    let mut order: Vec<u32> = (1..=days).collect();
    if newest_first {
        order.reverse();
    }
    let mut text = String::from(
        "# Campaign: app\n\n## Active Session\n\n- **Goal**: ship\n\n## Build Log\n\n",
    );
    for d in order {
        let month = 1 + (d - 1) / 28;
        let day = 1 + (d - 1) % 28;
        let _ = write!(
            text,
            "### 2026-{month:02}-{day:02}: session {d}\n\n- did the work of day {d}\n- and more on day {d}\n\n"
        );
    }
    text.push_str("## Remaining Work\n\n- **P1**: polish\n- **P0**: release\n");
    text
}

#[test]
fn a_dated_build_log_keeps_its_newest_days_in_either_order() {
    for (name, newest_first) in [("oldest_first", false), ("newest_first", true)] {
        let t = Test::new();
        t.write(".claude/handoff.json", r#"{"budget": 2000}"#);
        t.write(PATH, &build_log(300, newest_first));
        let ctx = start(&t);
        assert!(ctx.encode_utf16().count() <= 2_000);
        assert!(
            ctx.contains("### 2026-11-20: session 300\n"),
            "{name}: {ctx}"
        );
        assert!(!ctx.contains("session 1\n"), "{name}: {ctx}");
        assert!(ctx.contains("- **P0**: release"), "{name}");
        assert!(
            ctx.contains("Build Log: ") && ctx.contains(" older entries, 2026-01-01 to 2026-10-28"),
            "{name}: {ctx}"
        );
        insta::assert_snapshot!(format!("build_log_{name}"), ctx);
    }
}

const ALIASES: &str = "# Handoff: app\n\n## Status\n\n- parser works\n\n## Known Issues\n\n- flaky test on CI\n\n## Priorities\n\n- **P1**: polish\n\n## Changelog\n\n- first release\n";

const SETEXT: &str = "Handoff: app\n============\n\nCurrent State\n-------------\n\n- parser works\n\nKnown Issues\n------------\n\n- flaky test on CI\n\nWhat's Next\n-----------\n\n- **P1**: polish\n";

/// Every command's view of the sections, for a snapshot.
fn every_command(t: &Test) -> String {
    let mut out = String::new();
    for args in [
        &["checkpoint", "--failed", "the cache lies after a rename"][..],
        &["next", "add", "--priority", "P0", "release"],
        &["next"],
    ] {
        let run = t.run(args, "").success();
        let _ = write!(out, "$ handoff {}\n{}", args.join(" "), run.stdout);
    }
    let shown = t.run(&["show", "--json"], "").success().json();
    out.push_str("$ handoff show --json (title: role)\n");
    for s in shown["sections"].as_array().expect("sections") {
        let _ = writeln!(out, "{}: {}", s["title"].as_str().unwrap_or("?"), s["role"]);
    }
    let doctor = t.run(&["doctor"], "");
    let line = doctor
        .stdout
        .lines()
        .find(|l| l.contains(PATH))
        .unwrap_or("(no handoff line)");
    let _ = writeln!(
        out,
        "$ handoff doctor (the handoff's line)\n{}",
        t.redact_all(line)
    );
    out
}

/// The reason Stop gives when the session changed files but not the handoff (enforce mode).
fn stop_reason(t: &Test) -> String {
    t.write(".claude/handoff.json", r#"{"stop": "enforce"}"#);
    settle(t);
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&prompt_line("please do work"));
    let path = t.project().join("src/lib.rs").display().to_string();
    t.append_transcript(&tool_use_line("Edit", &path));
    t.append_transcript(&reply_line("done"));
    let reply = t.hook("Stop", &json!({})).json();
    t.redact(reply["reason"].as_str().expect("a block"))
}

#[test]
fn known_issues_and_other_aliases_are_one_vocabulary() {
    let t = Test::new();
    t.write(PATH, ALIASES);
    let reason = stop_reason(&t);
    assert!(
        reason.contains("Status, Known Issues, Priorities, Changelog"),
        "{reason}"
    );
    let out = every_command(&t);
    let text = t.read(PATH);
    assert!(
        !text.contains("What Failed") && !text.contains("What's Next"),
        "{text}"
    );
    assert!(
        text.contains(
            "- flaky test on CI\n- 2026-11-21 12:00 UTC — the cache lies after a rename\n"
        ),
        "{text}"
    );
    assert!(out.contains("Known Issues: \"failed\""), "{out}");
    insta::assert_snapshot!("aliases_commands", format!("{out}$ Stop\n{reason}\n"));

    // Packing ranks them by the same table: the failures before a long changelog.
    let mut big = t.read(PATH);
    for i in 0..2_000 {
        let _ = writeln!(big, "- release {i}");
    }
    t.write(PATH, &big);
    let ctx = start(&t);
    assert!(
        ctx.contains("## Known Issues\n\n- flaky test on CI\n"),
        "{ctx}"
    );
    assert!(ctx.contains("- **P0**: release\n"), "{ctx}");
    assert!(
        ctx.contains("- release 1999\n") && !ctx.contains("- release 0\n"),
        "{ctx}"
    );
    insta::assert_snapshot!("aliases_packed", ctx);
}

#[test]
fn setext_headings_are_sections() {
    let t = Test::new();
    t.write(PATH, SETEXT);
    let reason = stop_reason(&t);
    assert!(
        reason.contains("Current State, Known Issues, What's Next"),
        "{reason}"
    );
    let out = every_command(&t);
    let text = t.read(PATH);
    assert!(!text.contains("## "), "no section was added: {text}");
    let shown = t.run(&["show", "--json"], "").success().json();
    assert_eq!(shown["title"], "Handoff: app");
    assert!(
        out.contains("(no handoff line)") || out.contains("3 sections"),
        "{out}"
    );
    insta::assert_snapshot!("setext_commands", format!("{out}$ Stop\n{reason}\n"));
    let mut big = t.read(PATH);
    big.push_str("\nWhat Was Done\n-------------\n\n");
    for i in 0..2_000 {
        let _ = writeln!(big, "- step {i}");
    }
    t.write(PATH, &big);
    let ctx = start(&t);
    assert!(
        ctx.contains("Known Issues\n------------\n\n- flaky test on CI\n"),
        "{ctx}"
    );
    assert!(
        ctx.contains("What Was Done: ") && ctx.contains("- step 1999\n"),
        "{ctx}"
    );
    insta::assert_snapshot!("setext_packed", ctx);
}
