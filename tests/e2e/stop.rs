//! Stop: after the session edited files without touching the handoff, nudge mode tells the model
//! as context and enforce mode blocks (each once), and remind mode tells the user.
use crate::session::{on_each_version, E2e, HANDOFF};
use crate::session_start::SMALL;
use crate::stand_in::{Reply, Request};

const UPDATED: &str = "# Session Handoff\n\n## Current State\nThe lexer rewrite is done.\n\n\
                       ## What's Next\n1. Wire the new lexer into `fmt`.\n";

/// A model that edits a source file, then stops; told to update the handoff (by a block or as
/// context), it reads and rewrites it, then stops.
fn diligent_model(req: &Request) -> Reply {
    if req.called("Write", HANDOFF) {
        Reply::text("The handoff is up to date.")
    } else if req.called("Read", HANDOFF) {
        Reply::write(HANDOFF, UPDATED)
    } else if req.mentions("Stop hook feedback:") || !req.hook_contexts("Stop").is_empty() {
        Reply::read(HANDOFF)
    } else if req.called("Write", "src/lib.rs") {
        Reply::text("Done.")
    } else {
        Reply::write("src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n")
    }
}

#[test]
fn enforce_blocks_once_the_model_updates_the_handoff_and_the_session_ends() {
    on_each_version(|client| {
        let e2e = E2e::start(client, diligent_model);
        e2e.write(HANDOFF, SMALL)
            .write(".claude/handoff.json", r#"{"stop":"enforce"}"#);

        let run = e2e.prompt("make answer() return 42");

        let request = e2e.last_request();
        let feedback = request.hook_feedback("Stop");
        assert_eq!(feedback.len(), 1, "exactly one block: {feedback:#?}");
        assert!(
            feedback[0].contains(HANDOFF),
            "the reason names the handoff: {}",
            feedback[0]
        );
        assert_eq!(
            e2e.read(HANDOFF),
            UPDATED,
            "the model's update is on disk\n{}",
            request.outline()
        );
        assert_eq!(run.result["result"], "The handoff is up to date.");
        let calls: Vec<_> = request.tool_calls().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            calls,
            ["Write", "Read", "Write"],
            "source, then the handoff (read, then written); nothing more"
        );
    });
}

#[test]
fn remind_tells_the_user_and_lets_the_session_end() {
    on_each_version(|client| {
        let e2e = E2e::start(client, diligent_model);
        e2e.write(HANDOFF, SMALL)
            .write(".claude/handoff.json", r#"{"stop":"remind"}"#);

        let run = e2e.prompt("make answer() return 42");

        assert_eq!(run.result["result"], "Done.");
        assert!(
            !e2e.requests()
                .iter()
                .any(|r| r.mentions("Stop hook feedback:")),
            "remind mode never blocks"
        );
        assert_eq!(e2e.read(HANDOFF), SMALL, "nobody touched the handoff");
        // `-p` prints the reminder nowhere (not in the result, not on stderr); the transcript keeps it.
        let reminders: Vec<String> = e2e
            .transcript(run.session_id())
            .iter()
            .filter(|line| line["attachment"]["type"] == "hook_system_message")
            .filter(|line| line["attachment"]["hookEvent"] == "Stop")
            .filter_map(|line| line["attachment"]["content"].as_str().map(str::to_string))
            .collect();
        assert_eq!(reminders.len(), 1, "one reminder: {reminders:#?}");
        assert!(reminders[0].starts_with("handoff: "), "{}", reminders[0]);
        assert!(reminders[0].contains(HANDOFF), "{}", reminders[0]);
    });
}

#[test]
fn nudge_tells_the_model_what_to_update_and_the_session_ends() {
    on_each_version(|client| {
        let e2e = E2e::start(client, diligent_model);
        // The default mode: no config.
        e2e.write(HANDOFF, SMALL);

        let run = e2e.prompt("make answer() return 42");

        let request = e2e.last_request();
        let contexts = request.hook_contexts("Stop");
        assert_eq!(contexts.len(), 1, "told once: {}", request.outline());
        for part in [
            HANDOFF,
            "src/lib.rs",
            "Current State",
            "What's Next",
            "Then stop.",
        ] {
            assert!(contexts[0].contains(part), "{part}: {}", contexts[0]);
        }
        assert!(
            request.hook_feedback("Stop").is_empty() && !request.mentions("blocking error"),
            "context, not a block:\n{}",
            request.outline()
        );
        assert_eq!(e2e.read(HANDOFF), UPDATED, "{}", request.outline());
        assert_eq!(run.result["result"], "The handoff is up to date.");
        let calls: Vec<_> = request.tool_calls().iter().map(|(name, _)| *name).collect();
        assert_eq!(calls, ["Write", "Read", "Write"], "{}", request.outline());
    });
}

#[test]
fn a_nudge_the_model_ignores_does_not_loop() {
    on_each_version(|client| {
        let e2e = E2e::start(client, |req: &Request| {
            if req.called("Write", "src/lib.rs") {
                Reply::text("Done.")
            } else {
                Reply::write("src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n")
            }
        });
        e2e.write(HANDOFF, SMALL);

        let run = e2e.prompt("make answer() return 42");

        assert_eq!(run.result["result"], "Done.");
        let requests = e2e.requests();
        assert_eq!(
            requests.len(),
            3,
            "the edit, its result, the nudge; then the session ends:\n{}",
            e2e.last_request().outline()
        );
        assert_eq!(requests[2].new_hook_contexts("Stop").len(), 1);
        assert_eq!(e2e.read(HANDOFF), SMALL);
        // The second stop of the prompt tells the user instead, once.
        let reminders = e2e
            .transcript(run.session_id())
            .iter()
            .filter(|line| line["attachment"]["type"] == "hook_system_message")
            .count();
        assert_eq!(reminders, 1);
    });
}
