//! The harness itself, proved with a fixed shell hook so a failure here is never `handoff`'s.
use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::session::{on_each_version, on_each_version_and_model, E2e};
use crate::stand_in::{Reply, Request};

#[test]
fn a_fixed_hook_reaches_the_model_and_tool_calls_run() {
    on_each_version_and_model(|client| {
        let e2e = E2e::start(client, |req| {
            if req.called("Write", "notes.txt") {
                Reply::text("done")
            } else {
                Reply::write("notes.txt", "from the model\n")
            }
        });
        let hook = e2e.path("fixed-hook.sh");
        e2e.write(
        "fixed-hook.sh",
        "#!/bin/sh\n# Answer SessionStart only; every other event gets no output.\n\
         if grep -q SessionStart; then\n  \
         printf '%s\\n' '{\"hookSpecificOutput\":{\"hookEventName\":\"SessionStart\",\"additionalContext\":\"fixed context\\nsecond line\"}}'\nfi\n",
    );
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        e2e.hook(&hook, &[]);

        let run = e2e.prompt("write the notes");

        assert_eq!(run.result["result"], "done");
        assert_eq!(e2e.read("notes.txt"), "from the model\n");
        let requests = e2e.requests();
        assert_eq!(
            requests.len(),
            2,
            "one request for the tool call, one after its result"
        );
        let first = &requests[0];
        assert_eq!(
            first.hook_contexts("SessionStart"),
            ["fixed context\nsecond line"]
        );
        assert!(first.new_texts().contains(&"write the notes"));
    });
}

/// The text of the second prompt.
const SECOND: &str = "and the second";

/// A model that writes two files for the first prompt and one for the second, then says so.
fn three_writes(req: &Request) -> Reply {
    match (req.mentions(SECOND), req.tool_calls().len()) {
        (false, 0) => Reply::write("a.txt", "a\n"),
        (false, 1) => Reply::write("b.txt", "b\n"),
        (false, _) => Reply::text("first done"),
        (true, 2) => Reply::write("c.txt", "c\n"),
        (true, _) => Reply::text("second done"),
    }
}

/// Ids must not repeat, as from the real API: with a shared message id the client folds the
/// replies into one turn and, on resume, shows the model a "No response requested." it never sent;
/// with every id shared, a run never ends.
#[test]
fn every_reply_and_tool_call_has_an_id_of_its_own() {
    on_each_version(|client| {
        let e2e = E2e::start(client, three_writes);
        // No Stop nudge for the files written: the turns counted are the script's own.
        e2e.write(".claude/handoff.json", r#"{"stop":"off"}"#);

        let first = e2e.prompt("the first");
        e2e.resume(first.session_id(), SECOND);

        let request = e2e.last_request();
        let outline = request.outline();
        let replies: Vec<&Value> = request.0["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["role"] == "assistant")
            .collect();
        assert_eq!(replies.len(), 4, "a, b, the text, c:\n{outline}");
        assert!(!outline.contains("No response requested."), "{outline}");
        let tool_ids: Vec<&str> = replies
            .iter()
            .filter_map(|m| m["content"].as_array())
            .flatten()
            .filter(|b| b["type"] == "tool_use")
            .filter_map(|b| b["id"].as_str())
            .collect();
        assert_eq!(tool_ids.len(), 3, "{outline}");
        assert_eq!(distinct(&tool_ids), 3, "{tool_ids:?}");
        // Message ids reach the model nowhere; the transcript keeps one line per reply.
        let transcript = e2e.transcript(first.session_id());
        let message_ids: Vec<&str> = transcript
            .iter()
            .filter(|line| line["type"] == "assistant")
            .filter_map(|line| line["message"]["id"].as_str())
            .collect();
        assert_eq!(message_ids.len(), 5, "one line per reply: {message_ids:?}");
        assert_eq!(distinct(&message_ids), 5, "{message_ids:?}");
        assert!(
            !message_ids.iter().any(|id| tool_ids.contains(id)),
            "a tool call shares a message's id: {message_ids:?} {tool_ids:?}"
        );
    });
}

/// How many different ids `ids` holds.
fn distinct(ids: &[&str]) -> usize {
    ids.iter().collect::<std::collections::BTreeSet<_>>().len()
}
