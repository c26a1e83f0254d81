//! The Claude Code plugin: manifest, marketplace entry, and hooks/hooks.json, which `install` reuses.
use std::path::Path;

use serde_json::{json, Value};

use crate::support::Test;

fn read_json(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).expect("readable");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn manifest_and_marketplace_agree_with_the_crate() {
    let plugin = read_json(".claude-plugin/plugin.json");
    assert_eq!(plugin["name"], "handoff");
    assert_eq!(plugin["version"], env!("CARGO_PKG_VERSION"));
    let market = read_json(".claude-plugin/marketplace.json");
    assert!(market["name"].is_string() && market["owner"]["name"].is_string());
    let entry = &market["plugins"][0];
    assert_eq!(entry["name"], "handoff");
    assert_eq!(entry["source"], "./");
    assert_eq!(entry["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn plugin_hooks_run_the_bundled_entry_point_in_exec_form() {
    let hooks = read_json("hooks/hooks.json");
    let events: Vec<&String> = hooks["hooks"].as_object().unwrap().keys().collect();
    assert_eq!(
        events,
        [
            "SessionStart",
            "UserPromptSubmit",
            "Stop",
            "PreCompact",
            "SessionEnd"
        ]
    );
    for (event, groups) in hooks["hooks"].as_object().unwrap() {
        let handler = &groups[0]["hooks"][0];
        assert_eq!(
            handler["command"], "${CLAUDE_PLUGIN_ROOT}/bin/handoff",
            "{event}"
        );
        assert_eq!(handler["args"], json!(["hook"]), "{event}");
    }
    let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join("bin/handoff");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&entry).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "bin/handoff must be executable");
    }
    assert!(entry.is_file());
}

#[test]
fn install_writes_exactly_the_plugin_registration() {
    let t = Test::new();
    t.run(&["install", "--command", "/x/handoff"], "").success();
    let installed: Value = serde_json::from_str(&t.read(".claude/settings.json")).unwrap();
    let mut want = read_json("hooks/hooks.json")["hooks"].clone();
    for groups in want.as_object_mut().unwrap().values_mut() {
        groups[0]["hooks"][0]["command"] = json!("/x/handoff");
    }
    assert_eq!(installed, json!({ "hooks": want }));
}

#[test]
fn entry_point_hands_over_to_the_binary_and_never_blocks_without_one() {
    let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join("bin/handoff");
    let t = Test::new().env("HANDOFF_BIN", Some(env!("CARGO_BIN_EXE_handoff")));
    let out = t.run_program(&entry, &["--version"], "").success();
    assert_eq!(
        out.stdout.trim(),
        concat!("handoff ", env!("CARGO_PKG_VERSION"))
    );

    let t = Test::new().env("PATH", Some("/nonexistent"));
    let out = t
        .run_program(
            Path::new("/bin/sh"),
            &[entry.to_str().unwrap(), "hook"],
            "{}",
        )
        .warns();
    assert!(out.stderr.contains("not installed"), "{out}");
}
