//! The install/uninstall round trip over real-world settings files kept beside the project (read
//! in place, never copied in). Skipped when the corpus is absent, except under `CI`.

use serde_json::Value;

use crate::support::{corpus, Test};

const CMD: &str = "/opt/my tools/handoff";
const SETTINGS: &str = ".claude/settings.json";

/// `value` without our handlers, and without the groups, lists and `hooks` that leaves empty.
fn strip_ours(mut value: Value) -> Value {
    let Some(hooks) = value.get_mut("hooks").and_then(Value::as_object_mut) else {
        return value;
    };
    for groups in hooks.values_mut() {
        if let Some(groups) = groups.as_array_mut() {
            for group in groups.iter_mut() {
                if let Some(handlers) = group.get_mut("hooks").and_then(Value::as_array_mut) {
                    handlers.retain(|h| !handoff::is_ours(h));
                }
            }
            groups.retain(|g| {
                g.get("hooks")
                    .and_then(Value::as_array)
                    .is_none_or(|h| !h.is_empty())
            });
        }
    }
    hooks.retain(|_, groups| groups.as_array().is_none_or(|g| !g.is_empty()));
    if hooks.is_empty() {
        value.as_object_mut().expect("an object").remove("hooks");
    }
    value
}

#[test]
fn real_world_settings_round_trip() {
    let Some(files) = corpus("settings") else {
        return;
    };
    let files: Vec<_> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert!(!files.is_empty(), "the settings corpus has no .json files");
    let mut checked = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read_to_string(&path).unwrap();
        let t = Test::new();
        t.write(SETTINGS, &original);
        if name.ends_with(".invalid.json") {
            let out = t.run(&["install", "--command", CMD], "").failure(1);
            let at = out
                .stderr
                .split(".claude/settings.json:")
                .nth(1)
                .unwrap_or_default();
            let mut parts = at.splitn(3, ':');
            let (line, column) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            assert!(
                line.parse::<usize>().is_ok() && column.parse::<usize>().is_ok(),
                "{name}: the error names file:line:column: {}",
                out.stderr
            );
            assert_eq!(t.read(SETTINGS), original, "{name}: left untouched");
            assert_eq!(
                crate::install::read_backup(&t, "project-settings.json.bak"),
                None,
                "{name}"
            );
            checked += 1;
            continue;
        }
        t.run(&["install", "--command", CMD], "").success();
        let installed = t.read(SETTINGS);
        let value: Value = serde_json::from_str(&installed)
            .unwrap_or_else(|e| panic!("{name}: install wrote invalid JSON ({e}):\n{installed}"));
        let ours = handoff::find_ours(&installed);
        assert_eq!(ours.len(), 5, "{name}: one entry per event");
        let before: Value = serde_json::from_str(&original).unwrap();
        assert_eq!(
            strip_ours(value),
            strip_ours(before),
            "{name}: nothing else changed"
        );
        if original.contains("\r\n") {
            assert!(
                !installed.replace("\r\n", "").contains('\n'),
                "{name}: CRLF kept"
            );
        }
        assert_eq!(
            installed.ends_with('\n'),
            original.ends_with('\n'),
            "{name}: final newline"
        );

        t.run(&["install", "--command", CMD], "").success();
        assert_eq!(
            t.read(SETTINGS),
            installed,
            "{name}: second install changed the file"
        );

        t.run(&["uninstall"], "").success();
        assert_eq!(
            t.read(SETTINGS),
            original,
            "{name}: uninstall gives the original back"
        );
        checked += 1;
    }
    println!("corpus: {checked} settings files round-tripped");
}
