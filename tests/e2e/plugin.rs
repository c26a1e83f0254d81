//! The plugin as users install it: the marketplace added from a clone, the plugin installed, a
//! session whose SessionStart context reached the model, and the CLI from a shell seeing that
//! session (one state folder for the plugin's hooks and the command line).
use std::path::Path;

use crate::session::{on_each_version, E2e, HANDOFF};
use crate::stand_in::Reply;

/// Bytes under `dir`, every file counted.
fn size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                size(&path)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}

#[test]
fn the_plugin_from_a_clone_loads_the_handoff_and_the_cli_sees_its_sessions() {
    on_each_version(|client| {
        let e2e = E2e::unwired(client, |_| Reply::text("ok"));
        let clone = env!("CARGO_MANIFEST_DIR");
        e2e.cli(&["plugin", "validate", &format!("{clone}/hooks")]);
        e2e.cli(&["plugin", "marketplace", "add", clone]);
        e2e.cli(&["plugin", "install", "handoff@handoff"]);
        let copied = size(&e2e.home().join(".claude/plugins/cache"));
        assert!(
            copied > 0 && copied < 1024 * 1024,
            "installing copied {copied} bytes"
        );

        let init = e2e.handoff(&["init"]);
        assert!(init.contains("The handoff plugin is enabled"), "{init}");
        assert!(!init.contains("Next: run `handoff install`"), "{init}");
        let marker = "Plugin sessions keep their memory.";
        let text = e2e.read(HANDOFF).replacen(
            "## Current State\n",
            &format!("## Current State\n\n- {marker}\n"),
            1,
        );
        e2e.write(HANDOFF, &text);

        let run = e2e.prompt("hello");
        let request = e2e.last_request();
        let contexts = request.hook_contexts("SessionStart");
        assert!(
            contexts.iter().any(|c| c.contains(marker)),
            "the model got no handoff from the plugin: {contexts:#?}"
        );

        let log = e2e.handoff(&["log", "--json"]);
        assert!(
            log.contains(run.session_id()),
            "`handoff log` does not list the plugin's session {}:\n{log}",
            run.session_id()
        );
    });
}
