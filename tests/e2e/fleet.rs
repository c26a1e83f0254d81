//! A pipeline through the client: a session takes an item from the queue and finishes it with
//! `handoff queue` (run by the model's Bash tool); the next session starts from the done file.
use crate::session::{on_each_version, E2e, HANDOFF};
use crate::session_start::SMALL;
use crate::stand_in::Reply;

const CONFIG: &str = r#"{"session": {"start": ["done.md"]},
 "queue": {"todo": "todo.md", "done": "done.md"}}"#;
const ITEM: &str = "https://a.example/fetch-me";
const TAKE: &str = "take the next item from the queue";

#[test]
fn an_item_claimed_and_finished_through_bash_is_done_at_the_next_start() {
    on_each_version(|client| {
        let e2e = E2e::start(client, |req| {
            if !req.mentions(TAKE) {
                return Reply::text("ok");
            }
            match req.tool_calls().len() {
                0 => Reply::bash("handoff queue claim"),
                1 => Reply::bash("handoff queue done 1"),
                _ => Reply::text("Finished."),
            }
        });
        e2e.write(HANDOFF, SMALL)
            .write(".claude/handoff.json", CONFIG)
            .write(
                "todo.md",
                &format!("# Todo\n\n- [ ] {ITEM}\n- [ ] https://b.example\n"),
            )
            .allow("Bash(handoff:*)");

        let run = e2e.prompt(TAKE);

        let finished = e2e.last_request();
        let results = finished.tool_results();
        assert_eq!(results.len(), 2, "two tool calls:\n{}", finished.outline());
        // The client may add its own reminder after the command's output.
        assert_eq!(
            results[0].0.lines().next(),
            Some(ITEM),
            "the claim prints the item alone:\n{}",
            finished.outline()
        );
        assert!(!results[0].1, "claim failed: {}", results[0].0);
        assert!(!results[1].1, "done failed: {}", results[1].0);
        assert_eq!(run.result["result"], "Finished.");
        let first = e2e.requests()[0].hook_contexts("SessionStart").join("\n");
        assert!(!first.contains(ITEM), "nothing was done before:\n{first}");

        e2e.prompt("what is done?");

        let next = e2e.last_request();
        let contexts = next.hook_contexts("SessionStart");
        assert_eq!(contexts.len(), 1, "{}", next.outline());
        let (_, done) = contexts[0]
            .split_once("[handoff] Start file done.md:\n")
            .unwrap_or_else(|| panic!("no done.md at the start:\n{}", contexts[0]));
        assert!(
            done.lines().next().is_some() && done.contains(ITEM),
            "the finished item is in the done file shown:\n{done}"
        );
        assert!(
            !e2e.read("todo.md").contains(ITEM),
            "the item left the todo file"
        );
    });
}

/// A claim the session still holds when it stops: Stop names it to the model, by the session the
/// claim was made in (the client gives its commands `CLAUDE_CODE_SESSION_ID`, the hook the same id).
#[test]
fn a_claim_still_held_at_stop_is_named_to_the_model() {
    on_each_version(|client| {
        let e2e = E2e::start(client, |req| {
            if !req.hook_contexts("Stop").is_empty() {
                Reply::text("Noted.")
            } else if req.tool_calls().is_empty() {
                Reply::bash("handoff queue claim")
            } else {
                Reply::text("Claimed.")
            }
        });
        e2e.write(HANDOFF, SMALL)
            .write(".claude/handoff.json", CONFIG)
            .write("todo.md", &format!("# Todo\n\n- [ ] {ITEM}\n"))
            .allow("Bash(handoff:*)");

        e2e.prompt(TAKE);

        let last = e2e.last_request();
        let stop = last.hook_contexts("Stop").join("\n");
        assert!(
            stop.contains(ITEM) && stop.contains("handoff queue done"),
            "the held claim is named:\n{}",
            last.outline()
        );
        assert!(e2e.read("todo.md").contains("[~]"), "still claimed");
    });
}
