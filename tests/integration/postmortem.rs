//! `handoff postmortem`, and the index SessionStart shows.
use serde_json::json;

use crate::support::{Test, HANDOFF};

#[test]
fn writes_from_the_template_and_prints_the_path() {
    let t = Test::new();
    let out = t
        .run(&["postmortem", "Lost", "checkpoints", "under load!"], "")
        .success();
    assert_eq!(
        out.stdout,
        "docs/postmortems/2026-11-21-lost-checkpoints-under-load.md\n"
    );
    insta::assert_snapshot!(t.read("docs/postmortems/2026-11-21-lost-checkpoints-under-load.md"));
    // The same title again never overwrites.
    let again = t
        .run(&["postmortem", "Lost checkpoints under load"], "")
        .success();
    assert_eq!(
        again.stdout,
        "docs/postmortems/2026-11-21-lost-checkpoints-under-load-2.md\n"
    );
    t.run(&["postmortem", " "], "").failure(64);
}

#[test]
fn session_start_lists_them_after_the_top_sections() {
    let t = Test::new();
    t.write("docs/SESSION-HANDOFF.md", HANDOFF);
    t.write(
        "docs/postmortems/2026-10-02-ci-outage.md",
        "# Postmortem: CI outage\n\nDate: 2026-10-02\n\n## Prevention\n\n- Pin the runner image.\n",
    );
    t.write(
        "docs/postmortems/2026-11-20-lost-writes.md",
        "# Postmortem: Lost writes\n\n## Summary\n\nTwo writers.\n\n## Prevention\n\n- A lock around every read-modify-write.\n",
    );
    t.run(&["postmortem", "Not written up yet"], "").success();
    let ctx = t.hook("SessionStart-startup", &json!({})).context();
    let index = ctx.split_once("[handoff] Postmortems").unwrap().1;
    insta::assert_snapshot!(format!("[handoff] Postmortems{index}"));
}

#[test]
fn concurrent_runs_with_one_title_each_get_their_own_file() {
    let t = Test::new();
    let runs: Vec<_> = (0..6)
        .map(|_| {
            t.command(&["postmortem", "Same title"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut printed: Vec<String> = runs
        .into_iter()
        .map(|run| {
            let out = run.wait_with_output().unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout).unwrap()
        })
        .collect();
    printed.sort();
    let mut files: Vec<String> = std::fs::read_dir(t.project().join("docs/postmortems"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    insta::assert_debug_snapshot!((&printed, &files));
    let template = t.read("docs/postmortems/2026-11-21-same-title.md");
    for file in &files {
        assert_eq!(
            t.read(&format!("docs/postmortems/{file}")),
            template,
            "{file} whole"
        );
    }
}
