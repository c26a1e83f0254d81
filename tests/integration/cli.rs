//! Help, completions and the man page, all generated from the clap definition.
use crate::support::Test;

#[test]
fn every_subcommand_has_help_with_an_example() {
    let t = Test::new();
    for sub in [
        "hook",
        "init",
        "install",
        "uninstall",
        "doctor",
        "completions",
        "man",
    ] {
        let out = t.run(&[sub, "--help"], "").success();
        assert!(out.stdout.contains("Example:"), "{sub} --help:\n{out}");
    }
    insta::assert_snapshot!(t.run(&["install", "--help"], "").success().stdout);
}

#[test]
fn completions_for_each_shell() {
    let t = Test::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = t.run(&["completions", shell], "").success();
        assert!(out.stdout.contains("handoff"), "{shell}");
        assert!(out.stdout.contains("uninstall"), "{shell}");
    }
    let out = t.run(&["completions", "tcsh"], "").failure(64);
    assert!(out.stderr.contains("invalid value"), "{out}");
}

#[test]
fn man_page() {
    let t = Test::new();
    let out = t.run(&["man"], "").success();
    assert!(
        out.stdout.starts_with(".ie"),
        "{}",
        &out.stdout[..80.min(out.stdout.len())]
    );
    assert!(out.stdout.contains(".TH handoff 1"), "{out}");
    let dir = t.project().join("man");
    t.run(&["man", "--dir", dir.to_str().unwrap()], "")
        .success();
    for page in ["handoff.1", "handoff-install.1", "handoff-doctor.1"] {
        assert!(dir.join(page).is_file(), "{page}");
    }
}
