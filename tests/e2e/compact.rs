//! `/compact`: a copy of the handoff is saved first, the compaction is told what to keep, and the
//! conversation that follows starts with the handoff again.
use std::path::Path;

use crate::session::{on_each_version_and_model, E2e, HANDOFF};
use crate::session_start::SMALL;
use crate::stand_in::Reply;

#[test]
fn compact_reinjects_the_handoff_and_saves_a_copy() {
    on_each_version_and_model(|client| {
        let e2e = E2e::start(client, |req| {
            if req.is_compaction() {
                Reply::text(
                    "<analysis>Short.</analysis>\n<summary>The user said hello twice.</summary>",
                )
            } else {
                Reply::text("ok")
            }
        });
        e2e.write(HANDOFF, SMALL);

        e2e.prompts(&["hello", "/compact", "hello again"]);

        let compaction = e2e
            .requests()
            .into_iter()
            .find(crate::stand_in::Request::is_compaction)
            .expect("a compaction request");
        // PreCompact's plain stdout, appended to the compaction's instructions.
        let instructions = format!(
            "For this summary, from the project's handoff:\n- Keep that {HANDOFF} (last changed"
        );
        assert!(
            compaction
                .new_texts()
                .iter()
                .any(|t| t.contains(&instructions)
                    && t.contains("is this project's session handoff and the state to trust")),
            "the compaction is told about the handoff:\n{}",
            compaction.new_texts().join("\n----\n")
        );
        let request = e2e.last_request();
        assert!(request.mentions("hello again"));
        // Shown after the manual `/compact` as the command's output, not as JSON.
        assert!(
            request
                .mentions("completed successfully: For this summary, from the project's handoff"),
            "{}",
            request.outline()
        );
        let contexts = request.hook_contexts("SessionStart");
        let after: Vec<_> = contexts
            .iter()
            .filter(|c| c.contains("[handoff] The conversation was just compacted"))
            .collect();
        assert_eq!(after.len(), 1, "the post-compaction context: {contexts:#?}");
        assert!(
            after[0].starts_with(&format!("[handoff] {HANDOFF}")),
            "{}",
            after[0]
        );
        assert!(after[0].contains(SMALL.trim_end()), "{}", after[0]);

        let copies = files_under(&e2e.home().join(".local/state/handoff"), "-manual.md");
        assert_eq!(
            copies.len(),
            1,
            "one copy saved before compaction: {copies:#?}"
        );
        assert_eq!(
            std::fs::read_to_string(&copies[0]).unwrap_or_default(),
            SMALL
        );
    });
}

/// Files below `dir` whose names end with `suffix`.
fn files_under(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found
}
