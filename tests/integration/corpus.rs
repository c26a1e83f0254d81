//! Real handoff files from public repositories (../shared/corpus, not part of this project):
//! whatever their shape, SessionStart stays within budget and keeps the top sections whole.
use serde_json::json;

use crate::support::{corpus, Test};

#[test]
fn real_handoffs_are_injected_within_budget() {
    let Some(files) = corpus("handoffs") else {
        return;
    };
    assert!(!files.is_empty());
    for budget in [2_000, 9_000] {
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let t = Test::new();
            t.write(
                ".claude/handoff.json",
                &format!(r#"{{"path":"H.md","budget":{budget}}}"#),
            );
            t.write("H.md", &text);
            let out = t.hook("SessionStart-startup", &json!({}));
            assert_eq!(out.stderr, "", "{}", file.display());
            let ctx = out.context();
            let units = ctx.encode_utf16().count();
            assert!(units <= budget, "{}: {units} > {budget}", file.display());
            let whole = text.replace("\r\n", "\n");
            let arrived_whole = ctx.contains(whole.trim_end());
            // The header takes at most a couple of hundred units.
            if whole.encode_utf16().count() + 300 < budget {
                assert!(arrived_whole, "{} should arrive whole", file.display());
            }
            if !arrived_whole {
                assert!(
                    ctx.contains("[handoff] Left out to fit: "),
                    "{}",
                    file.display()
                );
            }
        }
    }
}
