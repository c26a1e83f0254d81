//! Commands killed mid-write: the files they were writing stay whole, and the next run leaves no
//! temp file or backup in the work tree.
use std::path::Path;
use std::time::Duration;

use crate::support::Test;

const HANDOFF: &str = "docs/SESSION-HANDOFF.md";

/// Every file under `dir`, relative, sorted; `.git` aside.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if !path.ends_with(".git") {
                    stack.push(path);
                }
            } else {
                let rel = path.strip_prefix(dir).expect("inside");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

fn has_extension(file: &str, ext: &str) -> bool {
    Path::new(file).extension().is_some_and(|e| e == ext)
}

/// A temp file left by a writer that was killed: named like ours, locked by nobody.
fn strand(t: &Test, rel_dir: &str, name: &str) {
    t.write(&format!("{rel_dir}/.{name}.4000001-0.tmp"), "half a");
}

#[test]
fn the_next_run_sweeps_temp_files_of_killed_commands() {
    let t = Test::new();
    t.run(&["init"], "").success();
    t.run(&["install", "--command", "/x/handoff"], "").success();
    strand(&t, "docs", "SESSION-HANDOFF.md");
    strand(&t, ".claude", "settings.json");
    strand(&t, ".", "CLAUDE.md");
    t.run(&["checkpoint", "after the crash"], "").success();
    // Neither has anything to change, and both still sweep.
    t.run(&["install", "--command", "/x/handoff"], "").success();
    t.run(&["init"], "").success();
    insta::assert_debug_snapshot!(tree(&t.project()));
}

#[test]
fn killed_commands_leave_nothing_in_the_work_tree() {
    let t = Test::new();
    t.run(&["init"], "").success();
    let commands: [&[&str]; 3] = [
        &["checkpoint", "a note"],
        &["install", "--command", "/x/handoff"],
        &["uninstall"],
    ];
    let mut stranded = std::collections::BTreeSet::new();
    for round in 0..60u64 {
        let mut child = t.command(commands[(round % 3) as usize]).spawn().unwrap();
        // Kill at spread-out moments of the run, from before it starts to after it writes.
        std::thread::sleep(Duration::from_micros((round * 7_919) % 6_000));
        let _ = child.kill();
        child.wait().unwrap();
        stranded.extend(
            tree(&t.project())
                .into_iter()
                .filter(|f| has_extension(f, "tmp")),
        );
        let handoff = t.read(HANDOFF);
        assert!(
            handoff.starts_with("# Session Handoff") && handoff.ends_with('\n'),
            "never torn: {handoff:?}"
        );
    }
    for args in commands {
        t.run(args, "").success();
    }
    t.run(&["init"], "").success();
    println!(
        "{} temp files stranded between kills; none left",
        stranded.len()
    );
    let left: Vec<String> = tree(&t.project())
        .into_iter()
        .filter(|f| has_extension(f, "tmp") || has_extension(f, "bak"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
}

#[test]
fn a_relative_state_folder_is_ignored() {
    for key in ["HANDOFF_STATE_DIR", "XDG_STATE_HOME"] {
        let t = Test::new()
            .env("HANDOFF_STATE_DIR", None)
            .env(key, Some("state"));
        t.run(&["init"], "").success();
        t.run(&["install", "--command", "/x/handoff"], "").success();
        t.run(&["checkpoint", "a note"], "").success();
        insta::assert_debug_snapshot!(key, tree(&t.project()));
        let fallback = t.home().join(".local/state/handoff");
        assert!(fallback.join("locks").is_dir(), "{key}: state under HOME");
    }
}
