//! install.sh in a throwaway HOME and project, using the binary cargo built for the tests
//! (`HANDOFF_BIN`) instead of a release build.
use std::path::Path;

use crate::support::Test;

const BIN: &str = env!("CARGO_BIN_EXE_handoff");

fn script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("install.sh")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn installs_is_idempotent_and_uninstalls() {
    let t = Test::new().env("HANDOFF_BIN", Some(BIN));
    let prefix = t.home().join("prefix");
    let t = t.env("PREFIX", prefix.to_str());
    let project = t.project().to_string_lossy().into_owned();
    let bash = Path::new("bash");

    let out = t.run_program(bash, &[&script(), &project], "").success();
    insta::assert_snapshot!("first", t.redact_all(&out.to_string()));
    let installed = prefix.join("bin/handoff");
    assert!(installed.is_file());
    let settings = t.read(".claude/settings.json");
    assert!(
        settings.contains(&format!("\"command\": \"{}\"", installed.display())),
        "{settings}"
    );
    assert!(t.try_read("docs/SESSION-HANDOFF.md").is_some());

    let out = t.run_program(bash, &[&script(), &project], "").success();
    insta::assert_snapshot!("second", t.redact_all(&out.to_string()));
    assert_eq!(t.read(".claude/settings.json"), settings);

    let out = t
        .run_program(bash, &[&script(), "--uninstall", &project], "")
        .success();
    insta::assert_snapshot!("uninstall", t.redact_all(&out.to_string()));
    assert!(!installed.exists());
    assert!(!t.read(".claude/settings.json").contains("handoff"));
    assert!(t.try_read("CLAUDE.md").is_none());
    assert!(
        t.try_read("docs/SESSION-HANDOFF.md").is_some(),
        "the handoff is kept"
    );
}

#[test]
fn fails_clearly() {
    let t = Test::new().env("HANDOFF_BIN", Some("/nonexistent/handoff"));
    let out = t
        .run_program(Path::new("bash"), &[&script()], "")
        .failure(1);
    assert!(
        out.stderr
            .contains("HANDOFF_BIN=/nonexistent/handoff is not an executable file"),
        "{out}"
    );
    let out = t
        .run_program(Path::new("bash"), &[&script(), "/nonexistent/project"], "")
        .failure(1);
    assert!(out.stderr.contains("does not exist"), "{out}");
    let out = t
        .run_program(Path::new("bash"), &[&script(), "--bogus"], "")
        .failure(1);
    assert!(out.stderr.contains("unknown option"), "{out}");
}

#[test]
fn shellcheck_is_clean() {
    let Ok(out) = std::process::Command::new("shellcheck")
        .arg(script())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("plugin/bin/handoff"))
        .output()
    else {
        // CI installs it (.ci/run), so there this check always runs.
        assert!(
            !crate::support::in_ci(),
            "shellcheck is not installed (CI is set, so this fails rather than skips)"
        );
        eprintln!("skipped: shellcheck is not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
