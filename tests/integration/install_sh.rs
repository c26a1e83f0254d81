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
    assert!(installed.exists(), "the binary stays for other projects");
    assert!(!t.read(".claude/settings.json").contains("handoff"));
    assert!(t.try_read("CLAUDE.md").is_none());
    assert!(
        t.try_read("docs/SESSION-HANDOFF.md").is_some(),
        "the handoff is kept"
    );
}

/// Two projects share one binary: unwiring one leaves the other working; --purge lists what still
/// uses the binary, unwires it, then removes the binary.
#[test]
fn one_binary_serves_many_projects_until_purged() {
    let t = Test::new()
        .env("HANDOFF_BIN", Some(BIN))
        .env("CLAUDE_PROJECT_DIR", None);
    let prefix = t.home().join("prefix");
    let t = t.env("PREFIX", prefix.to_str());
    let bash = Path::new("bash");
    let a = t.project().join("a");
    let b = t.project().join("b");
    for p in [&a, &b] {
        std::fs::create_dir_all(p).unwrap();
        t.run_program(bash, &[&script(), p.to_str().unwrap()], "")
            .success();
    }
    let installed = prefix.join("bin/handoff");
    t.run_program(bash, &[&script(), "--uninstall", a.to_str().unwrap()], "")
        .success();
    assert!(installed.is_file());
    assert!(!std::fs::read_to_string(a.join(".claude/settings.json"))
        .unwrap()
        .contains("handoff"));
    let b_settings = std::fs::read_to_string(b.join(".claude/settings.json")).unwrap();
    assert!(b_settings.contains(&installed.display().to_string()));

    let out = t.run_program(bash, &[&script(), "--purge"], "").success();
    let key = handoff::project_key(&b);
    let shown = t.redact_all(&out.to_string()).replace(&key, "[KEY-B]");
    insta::assert_snapshot!("purge", shown);
    assert!(!installed.exists());
    assert!(!std::fs::read_to_string(b.join(".claude/settings.json"))
        .unwrap()
        .contains("handoff"));
    assert!(
        b.join("docs/SESSION-HANDOFF.md").is_file(),
        "the handoff is kept"
    );
}

/// Run bare inside its own clone, install.sh installs the binary and says how to wire a project,
/// instead of wiring the clone.
#[test]
fn bare_in_its_own_clone_installs_only_the_binary() {
    let t = Test::new().env("HANDOFF_BIN", Some(BIN));
    let prefix = t.home().join("prefix");
    let t = t.env("PREFIX", prefix.to_str());
    let copy = t.project().join("install.sh");
    std::fs::copy(script(), &copy).unwrap();
    let out = t
        .run_program(Path::new("bash"), &[copy.to_str().unwrap()], "")
        .success();
    insta::assert_snapshot!("bare_in_clone", t.redact_all(&out.to_string()));
    assert!(prefix.join("bin/handoff").is_file());
    assert!(t.try_read(".claude/settings.json").is_none());
    assert!(t.try_read("docs/SESSION-HANDOFF.md").is_none());
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
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/bin/handoff"))
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
