//! `handoff overview`: every project under some folders, stalest first, fast.
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{git, now, set_mtime, Test, HANDOFF};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn rows_for_each_project_stalest_first() {
    let t = Test::new();
    // The project itself, with a logged session since its handoff changed.
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.hook("SessionStart-startup", &json!({}));
    t.append_transcript(&crate::support::prompt_line("hello"));
    t.hook("SessionEnd-other", &json!({}));
    // Two more below it; one far too deep, one in node_modules.
    let root = t.project();
    write(
        &root.join("apps/api/docs/SESSION-HANDOFF.md"),
        "# API\n\n## What's Next\n- **P1**: rate limits\n\n## What Failed\n- 2026-11-20 09:00 UTC — pgbouncer: breaks prepared statements\n- 2026-11-02 10:00 UTC — older failure\n",
    );
    set_mtime(
        &root.join("apps/api/docs/SESSION-HANDOFF.md"),
        now() - Duration::from_secs(3 * 86_400),
    );
    write(
        &root.join("apps/web/.claude/handoff.json"),
        r#"{"path": "NOTES.md"}"#,
    );
    write(
        &root.join("apps/web/NOTES.md"),
        "## Next Session Start\n1. Read this file.\n",
    );
    set_mtime(
        &root.join("apps/web/NOTES.md"),
        now() - Duration::from_secs(20 * 86_400),
    );
    write(
        &root.join("a/b/c/d/docs/SESSION-HANDOFF.md"),
        "# too deep\n",
    );
    write(
        &root.join("node_modules/x/docs/SESSION-HANDOFF.md"),
        "# dependency\n",
    );

    let dir = root.display().to_string();
    let out = t.run(&["overview", &dir], "").success();
    insta::assert_snapshot!("table", out.stdout);
    let json = t.run(&["overview", &dir, "--json"], "").success().stdout;
    insta::assert_snapshot!("json", t.redact(&json));
    // --depth 4 reaches the deep one; a task in the environment changes nothing.
    let t = t.env("HANDOFF_TASK", Some("T-1"));
    let out = t
        .run(&["overview", &dir, "--depth", "4", "--json"], "")
        .success();
    assert_eq!(out.json_array().len(), 4);
}

#[test]
fn a_hundred_projects_stalest_first() {
    let t = Test::new();
    let root = t.project();
    let started = Instant::now();
    for i in 0..100 {
        let p = root.join(format!("p{i:03}"));
        write(
            &p.join("docs/SESSION-HANDOFF.md"),
            &format!(
                "# P{i}\n\n## What's Next\n- **P0**: task {i}\n\n## What Failed\n- attempt {i}\n"
            ),
        );
        assert!(git(&p, &["init", "-q", "-b", "main"]));
        assert!(git(&p, &["add", "."]) && git(&p, &["commit", "-qm", "handoff"]));
        // A different staleness for each: 0 to 3 commits since the handoff.
        for c in 0..i % 4 {
            write(&p.join("src.rs"), &c.to_string());
            assert!(git(&p, &["add", "."]) && git(&p, &["commit", "-qm", "work"]));
        }
    }
    eprintln!(
        "built 100 git projects in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let dir = root.display().to_string();
    let timed = || {
        let started = Instant::now();
        let out = t.run(&["overview", &dir, "--json"], "").success();
        (started.elapsed(), out)
    };
    let (cold, out) = timed();
    let (warm, again) = timed();
    eprintln!(
        "overview of 100 projects: {:.0} ms with git (cold cache), {:.0} ms from the staleness cache",
        cold.as_secs_f64() * 1000.0,
        warm.as_secs_f64() * 1000.0
    );
    assert_eq!(out.stdout, again.stdout);
    let rows = out.json_array();
    assert_eq!(rows.len(), 100);
    let commits: Vec<u64> = rows
        .iter()
        .map(|r| r["commits_since"].as_u64().unwrap())
        .collect();
    assert!(
        commits.windows(2).all(|w| w[0] >= w[1]),
        "stalest first: {commits:?}"
    );
    assert_eq!((commits[0], commits[99]), (3, 0));
    assert!(rows
        .iter()
        .all(|r| r["next"].as_str().unwrap().starts_with("P0 task ")));
    // Speed is measured by benches/overview.sh, not asserted here: a loaded machine would fail it.
}
