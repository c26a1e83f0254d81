//! `handoff install` / `uninstall` over the settings fixtures: the file after install (snapshot), a
//! second install that changes nothing, and an uninstall that gives the original back.
use std::path::Path;

use crate::support::Test;

/// Make carriage returns visible: snapshots normalise line endings.
fn show_cr(text: &str) -> String {
    text.replace('\r', "␍")
}

/// A file under the test's HOME, or `None`.
pub(crate) fn read_home(t: &Test, rel: &str) -> Option<String> {
    std::fs::read_to_string(t.home().join(rel)).ok()
}

/// Write a file under the test's HOME.
pub(crate) fn write_home(t: &Test, rel: &str, text: &str) {
    let path = t.home().join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The backup install and uninstall keep of a scope's settings file, in the project's state.
pub(crate) fn read_backup(t: &Test, file: &str) -> Option<String> {
    let key = handoff::project_key(&t.project());
    std::fs::read_to_string(
        t.state()
            .join("projects")
            .join(key)
            .join("backups")
            .join(file),
    )
    .ok()
}

/// A binary path with a space, as on many Windows and macOS machines.
const CMD: &str = "/opt/my tools/handoff";
const SETTINGS: &str = ".claude/settings.json";

/// Fixtures whose uninstall can't give back the bytes, and why.
const NOT_BYTE_IDENTICAL: &[(&str, &str)] = &[
    ("empty.json", "an empty file becomes `{}`"),
    (
        "empty-hooks.json",
        "`hooks` was empty before; uninstall removes the `hooks` it emptied",
    ),
    (
        "old-entry.json",
        "it held one of our entries already; uninstall removes it and keeps the shell command",
    ),
    (
        "own-timeout.json",
        "it held our entry already; uninstall removes it",
    ),
];

#[test]
fn fixtures_round_trip() {
    insta::glob!("../fixtures/settings", "*.json", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read_to_string(path).unwrap();
        let t = Test::new();
        t.write(SETTINGS, &original);
        if name.ends_with(".invalid.json") {
            let out = t.run(&["install", "--command", CMD], "").failure(1);
            assert!(
                out.stderr.contains(".claude/settings.json:"),
                "{}",
                out.stderr
            );
            assert_eq!(t.read(SETTINGS), original, "left untouched");
            assert_eq!(read_backup(&t, "project-settings.json.bak"), None);
            insta::with_settings!({ omit_expression => true }, {
                insta::assert_snapshot!("invalid", t.redact_all(&out.to_string()));
            });
            let out = t.run(&["uninstall", "--keep-claude-md"], "").failure(1);
            insta::with_settings!({ omit_expression => true }, {
                insta::assert_snapshot!("invalid_uninstall", t.redact_all(&out.to_string()));
            });
            assert_eq!(t.read(SETTINGS), original, "left untouched by uninstall");
            return;
        }

        // These hold shell commands that look like ours but aren't: install names them.
        let lookalikes = ["lookalikes.json", "old-entry.json"].contains(&name.as_str());
        let expect = |out: crate::support::Output| {
            if lookalikes {
                let out = out.warns();
                assert!(out.stderr.contains("leaves alone"), "{name}: {out}");
                out
            } else {
                out.success()
            }
        };
        expect(t.run(&["install", "--command", CMD], ""));
        let installed = t.read(SETTINGS);
        serde_json::from_str::<serde_json::Value>(&installed).unwrap();
        insta::with_settings!({ description => "the settings file after `handoff install`", omit_expression => true }, {
            insta::assert_snapshot!("installed", show_cr(&installed));
        });
        // Line endings and the final newline are the file's own.
        if original.contains("\r\n") {
            assert_eq!(
                installed.matches("\r\n").count(),
                installed.matches('\n').count(),
                "every line ends in CRLF"
            );
        }
        if !original.trim().is_empty() {
            assert_eq!(
                installed.ends_with('\n'),
                original.ends_with('\n'),
                "final newline"
            );
            assert_eq!(
                read_backup(&t, "project-settings.json.bak").as_deref(),
                Some(original.as_str()),
                "backup"
            );
        }
        assert_eq!(
            t.try_read(".claude/settings.json.bak"),
            None,
            "no backup in the tree"
        );

        let out = expect(t.run(&["install", "--command", CMD], ""));
        assert!(out.stdout.contains("nothing changed"), "{out}");
        assert_eq!(
            t.read(SETTINGS),
            installed,
            "second install is byte-identical"
        );
        if !original.trim().is_empty() {
            assert_eq!(
                read_backup(&t, "project-settings.json.bak").as_deref(),
                Some(original.as_str()),
                "backup kept"
            );
        }

        t.run(&["uninstall"], "").success();
        let restored = t.read(SETTINGS);
        if let Some((_, why)) = NOT_BYTE_IDENTICAL.iter().find(|(n, _)| *n == name) {
            insta::with_settings!({ description => *why, omit_expression => true }, {
                insta::assert_snapshot!("uninstalled", show_cr(&restored));
            });
        } else {
            assert_eq!(restored, original, "uninstall gives the original back");
        }
        assert_eq!(
            handoff::find_ours(&restored),
            [],
            "no trace of our entries: {restored}"
        );
    });
}

#[test]
fn missing_file_is_created() {
    let t = Test::new();
    let out = t.run(&["install", "--command", CMD], "").success();
    assert_eq!(
        read_backup(&t, "project-settings.json.bak"),
        None,
        "nothing to back up"
    );
    insta::assert_snapshot!(t.redact_all(&out.to_string()));
    let installed = t.read(SETTINGS);
    insta::assert_snapshot!(installed);
    t.run(&["uninstall"], "").success();
    assert_eq!(t.read(SETTINGS), "{}\n");
}

#[test]
fn default_command_is_this_binary() {
    let t = Test::new();
    t.run(&["install"], "").success();
    let v: serde_json::Value = serde_json::from_str(&t.read(SETTINGS)).unwrap();
    let handler = &v["hooks"]["SessionStart"][0]["hooks"][0];
    assert_eq!(handler["command"], env!("CARGO_BIN_EXE_handoff"));
    assert_eq!(handler["args"], serde_json::json!(["hook"]));
}

#[test]
fn a_new_binary_path_updates_the_entries_in_place() {
    let t = Test::new();
    t.write(SETTINGS, "{\n  \"model\": \"opus\"\n}\n");
    t.run(&["install", "--command", "/old/handoff"], "")
        .success();
    let out = t.run(&["install", "--command", CMD], "").success();
    insta::assert_snapshot!(t.redact_all(&out.stdout));
    let text = t.read(SETTINGS);
    assert!(!text.contains("/old/handoff"));
    assert_eq!(text, {
        let fresh = Test::new();
        fresh.write(SETTINGS, "{\n  \"model\": \"opus\"\n}\n");
        fresh.run(&["install", "--command", CMD], "").success();
        fresh.read(SETTINGS)
    });
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let original = include_str!("../fixtures/settings/inline-arrays.json");
    let t = Test::new();
    t.write(SETTINGS, original);
    let out = t
        .run(&["install", "--command", CMD, "--dry-run"], "")
        .success();
    assert_eq!(t.read(SETTINGS), original);
    assert_eq!(read_backup(&t, "project-settings.json.bak"), None);
    insta::assert_snapshot!(out.stdout);

    t.run(&["install", "--command", CMD], "").success();
    let installed = t.read(SETTINGS);
    let out = t.run(&["uninstall", "--dry-run"], "").success();
    assert_eq!(t.read(SETTINGS), installed);
    assert!(
        out.stdout.starts_with("--- a/.claude/settings.json\n"),
        "{out}"
    );
}

#[test]
fn scopes_write_their_own_files_and_warn_about_each_other() {
    let t = Test::new();
    t.run(&["install", "--scope", "local", "--command", CMD], "")
        .success();
    assert!(t.try_read(".claude/settings.local.json").is_some());
    assert!(t.try_read(SETTINGS).is_none());

    // A second copy is refused, saying why, until forced.
    let out = t
        .run(&["install", "--scope", "user", "--command", CMD], "")
        .failure(1);
    assert!(read_home(&t, ".claude/settings.json").is_none());
    insta::assert_snapshot!("second_copy_refused", t.redact_all(&out.to_string()));
    let out = t
        .run(
            &["install", "--scope", "user", "--command", CMD, "--force"],
            "",
        )
        .warns();
    assert!(read_home(&t, ".claude/settings.json").is_some());
    insta::assert_snapshot!(t.redact_all(&out.to_string()));

    let out = t.run(&["uninstall", "--scope", "user"], "").success();
    assert!(!read_home(&t, ".claude/settings.json")
        .unwrap()
        .contains("hook"));
    assert!(!out.stderr.contains("warning"), "{out}");
}

#[test]
fn refuses_a_second_copy_when_the_plugin_is_enabled() {
    let t = Test::new();
    write_home(
        &t,
        ".claude/settings.json",
        "{\n  \"enabledPlugins\": {\n    \"handoff@handoff\": true\n  }\n}\n",
    );
    let out = t.run(&["install", "--command", CMD], "").failure(1);
    assert!(t.try_read(SETTINGS).is_none(), "nothing written");
    insta::assert_snapshot!("plugin_refused", out.stderr);
    // --dry-run still shows what would change, and --force installs with a warning.
    t.run(&["install", "--command", CMD, "--dry-run"], "")
        .warns();
    let out = t.run(&["install", "--command", CMD, "--force"], "").warns();
    assert!(t.try_read(SETTINGS).is_some());
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn init_knows_the_plugin_is_enabled() {
    let t = Test::new();
    let out = t.run(&["init"], "").success();
    assert!(out.stdout.contains("Next: run `handoff install`"), "{out}");
    write_home(
        &t,
        ".claude/settings.json",
        "{\n  \"enabledPlugins\": {\n    \"handoff@handoff\": true\n  }\n}\n",
    );
    let out = t.run(&["init"], "").success();
    insta::assert_snapshot!(t.redact_all(&out.to_string()));
}

#[test]
fn install_remembers_the_projects_it_wired() {
    let t = Test::new();
    t.run(&["install", "--command", CMD], "").success();
    t.run(
        &["install", "--scope", "local", "--command", CMD, "--force"],
        "",
    )
    .warns();
    insta::assert_snapshot!(
        "wired_list",
        t.redact_all(&std::fs::read_to_string(t.state().join("wired.tsv")).unwrap())
    );
    let out = t.run(&["uninstall", "--list-wired"], "").success();
    insta::assert_snapshot!("list_wired", t.redact_all(&out.stdout));
    // A settings file emptied by hand no longer counts.
    t.write(".claude/settings.local.json", "{}\n");
    let out = t.run(&["uninstall", "--list-wired"], "").success();
    assert_eq!(out.stdout.lines().count(), 1, "{out}");
    t.run(&["uninstall", "--keep-claude-md"], "").success();
    let out = t.run(&["uninstall", "--list-wired"], "").success();
    assert_eq!(out.stdout, "");
    assert_eq!(
        std::fs::read_to_string(t.state().join("wired.tsv")).unwrap(),
        "local\t".to_string() + &t.project().display().to_string() + "\n"
    );
}

#[test]
fn commands_that_only_start_like_ours_are_left_alone_and_named() {
    let original = include_str!("../fixtures/settings/lookalikes.json");
    let t = Test::new();
    t.write(SETTINGS, original);
    let out = t.run(&["install", "--command", CMD], "").warns();
    insta::assert_snapshot!(t.redact_all(&out.to_string()));
    let out = t.run(&["uninstall", "--keep-claude-md"], "");
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(t.read(SETTINGS), original, "only our entries were removed");
    assert!(!out.stderr.contains("warning"), "{out}");
}

#[test]
fn wrong_shapes_are_refused_and_left_untouched() {
    for text in [
        "[]\n",
        "{\"hooks\": [1]}\n",
        "{\"hooks\": {\"Stop\": \"x\"}}\n",
    ] {
        let t = Test::new();
        t.write(SETTINGS, text);
        let out = t.run(&["install", "--command", CMD], "").failure(1);
        assert!(out.stderr.contains("fix it by hand"), "{out}");
        assert_eq!(t.read(SETTINGS), text);
    }
}

#[test]
fn uninstall_removes_the_claude_md_block_and_keeps_the_handoff() {
    let t = Test::new();
    t.write("CLAUDE.md", "# My project\n\nBuild with make.\n");
    t.run(&["init"], "").success();
    t.run(&["install", "--command", CMD], "").success();
    let out = t.run(&["uninstall"], "").success();
    insta::assert_snapshot!(t.redact_all(&out.stdout));
    assert_eq!(t.read("CLAUDE.md"), "# My project\n\nBuild with make.\n");
    assert!(t.try_read("docs/SESSION-HANDOFF.md").is_some());
    // A second uninstall has nothing left to do.
    let out = t.run(&["uninstall"], "").success();
    assert!(out.stdout.contains("nothing to remove"), "{out}");
}

#[test]
fn fixtures_are_what_their_names_say() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/settings");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    assert!(read("empty.json").is_empty());
    assert!(read("tabs.json").contains("\n\t\"hooks\""));
    assert!(read("four-spaces.json").contains("\n    \"env\""));
    assert!(read("crlf.json").contains("\r\n"));
    assert!(!read("no-trailing-newline.json").ends_with('\n'));
    assert!(!read("minified.json").contains('\n'));
}

#[test]
fn uninstall_can_leave_claude_md_alone() {
    let t = Test::new();
    t.run(&["init"], "").success();
    let claude = t.read("CLAUDE.md");
    t.run(&["uninstall", "--keep-claude-md"], "").success();
    assert_eq!(t.read("CLAUDE.md"), claude);
}

#[cfg(unix)]
#[test]
fn symlinked_files_are_written_through_inside_the_project_only() {
    let t = Test::new();
    // Settings shared from a folder of the project, CLAUDE.md pointing at AGENTS.md.
    t.write(
        "config/claude-settings.json",
        "{\n  \"model\": \"opus\"\n}\n",
    );
    std::fs::create_dir_all(t.project().join(".claude")).unwrap();
    std::os::unix::fs::symlink("../config/claude-settings.json", t.project().join(SETTINGS))
        .unwrap();
    t.write("AGENTS.md", "# Agents\n");
    std::os::unix::fs::symlink("AGENTS.md", t.project().join("CLAUDE.md")).unwrap();

    t.run(&["init"], "").success();
    t.run(&["install", "--command", CMD], "").success();
    let link = |rel: &str| std::fs::symlink_metadata(t.project().join(rel)).unwrap();
    assert!(link(SETTINGS).file_type().is_symlink());
    assert!(link("CLAUDE.md").file_type().is_symlink());
    assert_eq!(
        handoff::find_ours(&t.read("config/claude-settings.json")).len(),
        5
    );
    assert!(t.read("AGENTS.md").contains("<!-- handoff:begin -->"));

    t.run(&["uninstall"], "").success();
    assert!(link(SETTINGS).file_type().is_symlink());
    assert!(link("CLAUDE.md").file_type().is_symlink());
    assert_eq!(
        t.read("config/claude-settings.json"),
        "{\n  \"model\": \"opus\"\n}\n"
    );
    assert_eq!(t.read("AGENTS.md"), "# Agents\n");

    // A link that leaves the project (a dotfiles folder) comes with the repository: refused.
    let t = Test::new();
    write_home(&t, "dotfiles/settings.json", "{}\n");
    std::fs::create_dir_all(t.project().join(".claude")).unwrap();
    std::os::unix::fs::symlink(
        t.home().join("dotfiles/settings.json"),
        t.project().join(SETTINGS),
    )
    .unwrap();
    let out = t.run(&["install", "--command", CMD], "").failure(1);
    assert!(out.stderr.contains("--scope user"), "{out}");
    assert_eq!(read_home(&t, "dotfiles/settings.json").unwrap(), "{}\n");
}

#[test]
fn a_plugin_turned_off_for_this_project_is_off() {
    let t = Test::new();
    write_home(
        &t,
        ".claude/settings.json",
        "{\n  \"enabledPlugins\": {\n    \"handoff@handoff\": true\n  }\n}\n",
    );
    // The project's local settings turn it off, and the narrower scope wins.
    t.write(
        ".claude/settings.local.json",
        "{\n  \"enabledPlugins\": {\n    \"handoff@handoff\": false\n  }\n}\n",
    );
    let out = t.run(&["init"], "").success();
    assert!(out.stdout.contains("Next: run `handoff install`"), "{out}");
    t.run(&["install", "--command", CMD], "").success();
    assert!(t.try_read(SETTINGS).is_some());
}
