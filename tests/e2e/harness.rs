//! The harness itself, proved with a fixed shell hook so a failure here is never `handoff`'s.
use std::os::unix::fs::PermissionsExt;

use crate::session::{on_each_version_and_model, E2e};
use crate::stand_in::Reply;

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
