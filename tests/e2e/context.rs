//! A nearly full context: the next prompt carries the warning, the one after does not repeat it.
use crate::session::{on_each_version, E2e};
use crate::stand_in::Reply;

/// 85 % of the 200,000-token window of `session::MODEL`: past the 167,000 at which it compacts.
const TOKENS_AT_85: u64 = 170_000;
const WARNING: &str = "[handoff] Context is 101% of the way to compaction";

#[test]
fn context_at_85_percent_warns_once() {
    on_each_version(|client| {
        let e2e = E2e::start(client, |_| Reply::text("ok").input_tokens(TOKENS_AT_85));

        let first = e2e.prompt("one");
        assert!(
            e2e.last_request()
                .hook_contexts("UserPromptSubmit")
                .is_empty(),
            "nothing is known before the first reply"
        );

        e2e.resume(first.session_id(), "two");
        let warned = e2e.last_request();
        let contexts = warned.new_hook_contexts("UserPromptSubmit");
        assert_eq!(contexts.len(), 1, "{contexts:#?}");
        assert!(contexts[0].starts_with(WARNING), "{}", contexts[0]);

        e2e.resume(first.session_id(), "three");
        let after = e2e.last_request();
        assert!(
            after.new_hook_contexts("UserPromptSubmit").is_empty(),
            "not repeated: {:#?}",
            after.new_hook_contexts("UserPromptSubmit")
        );
        let all = after.hook_contexts("UserPromptSubmit");
        assert_eq!(
            all.len(),
            1,
            "the one warning stays in the history: {all:#?}"
        );
    });
}
