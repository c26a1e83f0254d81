//! One snapshot per real Claude Code payload: the reply, stderr, and what the event wrote.
use std::fmt::Write as _;

use serde_json::json;

use crate::support::{Test, HANDOFF};

/// Everything an event produced, as one reviewable text.
fn report(t: &Test, fixture: &str) -> String {
    let out = t.hook(fixture, &json!({}));
    let stdout = if out.stdout.trim().is_empty() {
        "(nothing)".to_string()
    } else if !out.stdout.trim_start().starts_with('{') {
        format!("(plain text)\n{}", out.stdout)
    } else {
        serde_json::to_string_pretty(&out.json()).expect("pretty")
    };
    let mut r = format!(
        "exit: {:?}\nstdout:\n{stdout}\nstderr: {}\n",
        out.code,
        out.stderr.trim()
    );
    // What the event left behind, other than per-session state.
    let log = t.state().join("projects");
    for entry in walk(&log) {
        let rel = entry
            .strip_prefix(&log)
            .expect("under state")
            .display()
            .to_string();
        if rel.contains("/sessions/") || rel.ends_with("staleness.json") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        let shown = rel.split_once('/').map_or(rel.as_str(), |(_, r)| r);
        let _ = write!(r, "--- state: {shown}\n{text}");
    }
    t.redact(&r)
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn every_real_payload_with_a_handoff() {
    insta::glob!("../fixtures/claude-code-2.1.328", "*.json", |path| {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let t = Test::new();
        t.write("docs/SESSION-HANDOFF.md", HANDOFF);
        t.with_transcript();
        insta::assert_snapshot!(report(&t, &name));
    });
}

#[test]
fn every_real_payload_without_a_handoff() {
    insta::glob!("../fixtures/claude-code-2.1.328", "*.json", |path| {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let t = Test::new();
        t.with_transcript();
        insta::assert_snapshot!(report(&t, &name));
    });
}
