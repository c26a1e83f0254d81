//! The Claude Code plugin: its own folder (`hooks/`: manifest, hooks.json, which `install` reuses,
//! and the launcher), the marketplace entry that points at it, and the launcher finding the
//! binary or saying it is missing.
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
    let plugin = read_json("hooks/.claude-plugin/plugin.json");
    assert_eq!(plugin["name"], "handoff");
    assert_eq!(plugin["version"], env!("CARGO_PKG_VERSION"));
    let market = read_json(".claude-plugin/marketplace.json");
    assert!(market["name"].is_string() && market["owner"]["name"].is_string());
    let entry = &market["plugins"][0];
    assert_eq!(entry["name"], "handoff");
    assert_eq!(entry["source"], "./hooks");
    assert_eq!(plugin["hooks"], "./hooks.json");
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
    let entry = launcher();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&entry).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "hooks/bin/handoff must be executable");
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

fn launcher() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/bin/handoff")
}

/// Only what the plugin needs is in its folder, so installing it copies kilobytes, not the clone.
#[test]
fn the_plugin_folder_holds_only_the_plugin() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks");
    let mut files = Vec::new();
    let mut size = 0;
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                size += std::fs::metadata(&path).unwrap().len();
                let rel = path.strip_prefix(&dir).unwrap().to_string_lossy();
                files.push(rel.replace('\\', "/"));
            }
        }
    }
    files.sort();
    assert_eq!(
        files,
        [".claude-plugin/plugin.json", "bin/handoff", "hooks.json"]
    );
    assert!(size < 64 * 1024, "{size} bytes");
}

/// A binary in each place users put one: the launcher hands over to it.
#[test]
fn launcher_finds_the_binary_where_users_put_it() {
    let fake = "#!/bin/sh\necho \"found $0 $*\"\n";
    for place in ["cargo", "path", "plugin-data", "local-bin"] {
        let t = Test::new().env("PATH", Some("/usr/bin:/bin"));
        let home = t.home();
        let bin = match place {
            "cargo" => home.join(".cargo/bin"),
            "path" => home.join("tools"),
            "plugin-data" => home.join("data/bin"),
            _ => home.join(".local/bin"),
        };
        std::fs::create_dir_all(&bin).unwrap();
        let program = bin.join("handoff");
        std::fs::write(&program, fake).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = format!("{}:/usr/bin:/bin", home.join("tools").display());
        let data = home.join("data").display().to_string();
        let t = t
            .env("PATH", Some(&path))
            .env("CLAUDE_PLUGIN_DATA", Some(&data));
        let out = t.run_program(&launcher(), &["hook"], "{}").success();
        assert_eq!(
            out.stdout.trim(),
            format!("found {} hook", program.display()),
            "{place}"
        );
    }
}

/// The launcher skips itself on PATH (the plugin's bin/ is put there for the Bash tool).
#[test]
fn launcher_does_not_run_itself_from_path() {
    let dir = launcher().parent().unwrap().display().to_string();
    let t = Test::new().env("PATH", Some(&format!("{dir}:/usr/bin:/bin")));
    let out = t.run_program(&launcher(), &["--version"], "").failure(127);
    assert!(out.stderr.contains("not installed"), "{out}");
}

/// Without the binary, SessionStart tells the user and the model; every other event stays silent.
#[test]
fn launcher_without_the_binary_says_so_at_session_start_only() {
    let t = Test::new().env("PATH", Some("/usr/bin:/bin"));
    for fixture in ["SessionStart-startup.json", "SessionStart-compact.json"] {
        let event = crate::support::read_fixture(fixture);
        let out = t.run_program(&launcher(), &["hook"], &event).success();
        let reply = out.json();
        assert_eq!(reply["hookSpecificOutput"]["hookEventName"], "SessionStart");
        let context = reply["hookSpecificOutput"]["additionalContext"]
            .as_str()
            .unwrap();
        assert_eq!(context.lines().count(), 1, "{context}");
        insta::assert_snapshot!("launcher_without_binary", out.stdout);
    }
    for fixture in [
        "UserPromptSubmit.json",
        "Stop.json",
        "PreCompact-auto.json",
        "SessionEnd-other.json",
    ] {
        let event = crate::support::read_fixture(fixture);
        let out = t.run_program(&launcher(), &["hook"], &event).success();
        assert_eq!(out.stdout, "", "{fixture}");
    }
    // A prompt that merely mentions SessionStart is still a prompt.
    let prompt = r#"{"hook_event_name":"UserPromptSubmit","prompt":"\"hook_event_name\": \"SessionStart\""}"#;
    let out = t.run_program(&launcher(), &["hook"], prompt).success();
    assert_eq!(out.stdout, "");
}

#[test]
fn entry_point_hands_over_to_the_binary() {
    let t = Test::new().env("HANDOFF_BIN", Some(env!("CARGO_BIN_EXE_handoff")));
    let out = t.run_program(&launcher(), &["--version"], "").success();
    assert_eq!(
        out.stdout.trim(),
        concat!("handoff ", env!("CARGO_PKG_VERSION"))
    );
}
