//! Fleets of sessions: the shared queue (one machine and through git), waves of findings.
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Stdio;

use crate::support::{git, session, Test};

const CONFIG: &str = r#"{"queue": {"todo": "todo.md", "done": "done.md", "lease": "2h"},
 "waves": "discovery/wave-{wave}"}"#;

#[test]
fn a_queue_from_add_to_done() {
    let t = Test::new().env("HANDOFF_AGENT", Some("alice"));
    t.write(".claude/handoff.json", CONFIG);
    t.write(
        "todo.md",
        "# Todo\n\n<!-- Urls to fetch. -->\n\n- [ ] https://a.example\n",
    );
    let out = session(
        &t,
        &[
            &["queue"],
            &["queue", "add", "https://b.example"],
            &["queue", "add", "https://c.example"],
            &["queue", "claim"],
            &["queue", "claim", "--as", "bob"],
            &["queue"],
            &["queue", "done", "a.example"],
            &["queue", "release", "--as", "bob", "1"],
            &["queue", "release", "--as", "bob", "1"],
            &["queue", "done", "nothing like it"],
            &["queue", "done", "example"],
            &["queue", "claim"],
            &["queue", "claim"],
            &["queue", "claim"],
            &["queue", "done", "--as", "carol", "https://c.example"],
            &[
                "queue",
                "done",
                "--as",
                "carol",
                "--force",
                "https://c.example",
            ],
            &["queue", "--json"],
        ],
    );
    insta::assert_snapshot!("queue_session", out);
    insta::assert_snapshot!("queue_todo", t.read("todo.md"));
    insta::assert_snapshot!("queue_done", t.read("done.md"));
}

#[test]
fn only_the_holder_finishes_or_releases_a_claim() {
    let t = Test::new().env("HANDOFF_AGENT", Some("alice"));
    t.write(".claude/handoff.json", CONFIG);
    // One url per line, a bullet and a numbered line: all pending items.
    t.write(
        "todo.md",
        "# Todo\n\nhttps://a.example\n- https://b.example\n1. https://c.example\n",
    );
    let out = session(
        &t,
        &[
            &["queue", "claim", "--as", "bob"],
            &["queue", "claim", "--as", "carol"],
            &["queue", "done", ""],
            &["queue", "release", " "],
            &["queue", "done", "a.example"],
            &["queue", "release", "a.example"],
            &["queue", "done", "--as", "carol", "1"],
            &["queue", "done", "--as", "bob", "https://a.example"],
            // Numbers shifted: item 1 is now carol's.
            &["queue", "done", "--as", "bob", "1"],
            &["queue", "done", "--as", "carol", "1"],
            &["queue", "claim", "--as", "dave"],
            &["queue", "done", "--force", "c.example"],
            &["queue"],
        ],
    );
    insta::assert_snapshot!("holder_session", out);
    insta::assert_snapshot!("holder_todo", t.read("todo.md"));
    insta::assert_snapshot!("holder_done", t.read("done.md"));
}

#[test]
fn config_problems_are_said_once_and_never_as_a_missing_queue() {
    let t = Test::new().env("HANDOFF_AGENT", Some("alice"));
    t.write("todo.md", "- [ ] a\n");
    let mut out = String::new();
    for config in [
        r#"{"queue": {"todo": "todo.md", "done": "done.md", "lease": "1h30m"}}"#,
        r#"{"queue": {"todo": "todo.md", "done": "done.md", "lease": 7200}}"#,
        r#"{"queue": {"todo": "todo.md", "done": "done.md", "lease": "forever"}, "waves": "../../tmp/w-{wave}"}"#,
        r#"{"queue": {"todo": "todo.md", "done": "done.md"},}"#,
    ] {
        t.write(".claude/handoff.json", config);
        let _ = writeln!(out, "# {config}");
        out.push_str(&session(&t, &[&["queue"], &["wave"]]));
    }
    insta::assert_snapshot!("config_problems", t.redact(&out));
}

#[test]
fn claim_prints_the_item_alone_and_fails_quietly_when_empty() {
    let t = Test::new().env("HANDOFF_AGENT", Some("a"));
    t.write(".claude/handoff.json", CONFIG);
    t.write("todo.md", "- [ ] only one\n");
    let out = t.run(&["queue", "claim"], "").success();
    assert_eq!(out.stdout, "only one\n");
    let out = t.run(&["queue", "claim"], "").failure(1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "handoff: nothing left to claim in todo.md (1 claimed, none free)\n"
    );
    // Without a queue in the config, the error says how to add one.
    let t = Test::new();
    let out = t.run(&["queue"], "").failure(1);
    assert!(out.stderr.contains("\"queue\""), "{out}");
    assert_eq!(out.stderr.lines().count(), 1);
}

#[test]
fn a_claim_older_than_the_lease_is_free_again() {
    let mut t = Test::new();
    t.write(".claude/handoff.json", CONFIG);
    t.write("todo.md", "- [ ] slow item\n- [ ] next item\n");
    t.set_env("HANDOFF_AGENT", Some("crashed"));
    t.set_env("HANDOFF_NOW", Some("2026-11-21T09:00:00Z"));
    assert_eq!(
        t.run(&["queue", "claim"], "").success().stdout,
        "slow item\n"
    );
    // Two hours less a second later, it still holds.
    t.set_env("HANDOFF_AGENT", Some("rescuer"));
    t.set_env("HANDOFF_NOW", Some("2026-11-21T10:59:59Z"));
    assert_eq!(
        t.run(&["queue", "claim"], "").success().stdout,
        "next item\n"
    );
    let mut out = t.run(&["queue"], "").success().stdout;
    // At two hours it is free again, and taken by the next claim.
    t.set_env("HANDOFF_NOW", Some("2026-11-21T11:00:00Z"));
    out.push_str(&t.run(&["queue"], "").success().stdout);
    assert_eq!(
        t.run(&["queue", "claim"], "").success().stdout,
        "slow item\n"
    );
    insta::assert_snapshot!("lease_listing", out);
    insta::assert_snapshot!("lease_todo", t.read("todo.md"));
}

#[test]
fn a_stop_between_the_done_and_todo_writes_loses_nothing() {
    let t = Test::new().env("HANDOFF_AGENT", Some("a"));
    t.write(".claude/handoff.json", CONFIG);
    // As a process leaves them when stopped after appending to done.md: the item in both.
    t.write(
        "todo.md",
        "- [~] half moved (claimed by a since 2026-11-21T11:00:00Z)\n- [~] half moved (claimed by b since 2026-11-21T11:30:00Z)\n",
    );
    t.write(
        "done.md",
        "- [x] half moved (done by a on 2026-11-21T11:59:00Z, claimed 2026-11-21T11:00:00Z)\n",
    );
    let out = t.run(&["queue", "--json"], "").success().json();
    assert_eq!(
        (out["claimed"].as_u64(), out["done"].as_u64()),
        (Some(1), Some(1))
    );
    // The next change writes the todo file without it; b's copy (another claim) stays.
    t.run(&["queue", "add", "more"], "").success();
    assert_eq!(
        t.read("todo.md"),
        "- [~] half moved (claimed by b since 2026-11-21T11:30:00Z)\n- [ ] more\n"
    );
    assert_eq!(t.read("done.md").lines().count(), 1);
}

/// A script for one agent: claim until nothing is left, finishing each item.
fn agent_loop(bin: &str, name: &str) -> String {
    format!(
        "while item=$('{bin}' queue claim --as {name}); do \
           '{bin}' queue done --as {name} \"$item\" >/dev/null || exit 1; \
           echo \"$item\"; \
         done"
    )
}

/// Start `agents` shells in `dirs` (round robin) running [`agent_loop`]; each one's items.
fn race(t: &Test, dirs: &[&Path], agents: usize) -> Vec<Vec<String>> {
    let bin = env!("CARGO_BIN_EXE_handoff");
    let children: Vec<_> = (0..agents)
        .map(|i| {
            let dir = dirs[i % dirs.len()];
            let mut command = std::process::Command::new("sh");
            command
                .args(["-c", &agent_loop(bin, &format!("agent-{i}"))])
                .current_dir(dir);
            // The test's environment, less the project: each agent finds its own from its folder.
            command.env_clear();
            for (k, v) in t.command(&[]).get_envs() {
                if let (Some(v), true) = (v, k != "CLAUDE_PROJECT_DIR") {
                    command.env(k, v);
                }
            }
            command
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn an agent")
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("agent");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr
                    .lines()
                    .all(|l| l.starts_with("handoff: nothing left to claim")),
                "an agent failed: {stderr}"
            );
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Every item taken by exactly one agent, and in the done file exactly once.
#[track_caller]
fn assert_each_once(taken: &[Vec<String>], done: &str, items: usize) {
    let all: Vec<&String> = taken.iter().flatten().collect();
    let distinct: BTreeSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), items, "every item claimed once");
    assert_eq!(distinct.len(), items, "no item claimed twice");
    let entries: Vec<&str> = done.lines().filter(|l| l.starts_with("- [x] ")).collect();
    let texts: BTreeSet<&str> = entries
        .iter()
        .map(|l| l[6..].split(" (done by ").next().expect("an item"))
        .collect();
    assert_eq!(entries.len(), items, "each item in done once");
    assert_eq!(texts.len(), items);
}

#[test]
fn sixteen_agents_share_four_hundred_items() {
    let t = Test::new();
    t.write(".claude/handoff.json", CONFIG);
    let todo: String = (0..400)
        .map(|i| format!("- [ ] item {i:03}"))
        .collect::<Vec<_>>()
        .join("\n");
    t.write("todo.md", &todo);
    let project = t.project();
    let taken = race(&t, &[&project], 16);
    assert_each_once(&taken, &t.read("done.md"), 400);
    assert_eq!(t.read("todo.md"), "");
    assert!(
        taken.iter().filter(|items| !items.is_empty()).count() > 1,
        "the agents took turns"
    );
}

#[test]
fn four_clones_share_a_queue_through_git() {
    let t = Test::new();
    std::fs::write(
        t.home().join(".gitconfig"),
        "[user]\n\tname = agent\n\temail = agent@example.com\n[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    let remote = t.home().join("remote.git");
    assert!(git(
        &t.home(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"]
    ));
    // The first clone seeds the queue.
    let seed = t.home().join("seed");
    assert!(git(
        &t.home(),
        &["clone", "-q", &remote.display().to_string(), "seed"]
    ));
    let sync_config = CONFIG.replacen('{', "{\"sync\": \"git\", ", 1);
    std::fs::create_dir_all(seed.join(".claude")).unwrap();
    std::fs::write(seed.join(".claude/handoff.json"), &sync_config).unwrap();
    let todo: String = (0..60)
        .map(|i| format!("- [ ] url {i:02}"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(seed.join("todo.md"), todo).unwrap();
    std::fs::write(seed.join("done.md"), "").unwrap();
    assert!(git(&seed, &["add", "."]) && git(&seed, &["commit", "-qm", "queue"]));
    assert!(git(&seed, &["push", "-q", "origin", "main"]));
    let clones: Vec<_> = (0..4)
        .map(|i| {
            let name = format!("clone-{i}");
            assert!(git(
                &t.home(),
                &["clone", "-q", &remote.display().to_string(), &name]
            ));
            t.home().join(name)
        })
        .collect();
    let dirs: Vec<&Path> = clones.iter().map(std::path::PathBuf::as_path).collect();
    let taken = race(&t, &dirs, 4);
    // The remote's done file: each item once.
    let check = t.home().join("check");
    assert!(git(
        &t.home(),
        &["clone", "-q", &remote.display().to_string(), "check"]
    ));
    let done = std::fs::read_to_string(check.join("done.md")).unwrap();
    assert_each_once(&taken, &done, 60);
    assert_eq!(std::fs::read_to_string(check.join("todo.md")).unwrap(), "");
    // Commits touch the queue files only, and every clone is clean.
    for dir in &dirs {
        let status = std::process::Command::new("git")
            .args(["-C", &dir.display().to_string(), "status", "--porcelain"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&status.stdout),
            "",
            "{}",
            dir.display()
        );
    }
}

#[test]
fn a_sync_that_cannot_happen_leaves_the_clone_as_it_was() {
    let t = Test::new().env("HANDOFF_AGENT", Some("a"));
    t.write(".claude/handoff.json", CONFIG);
    t.write("todo.md", "- [ ] one\n");
    // No remote to pull from.
    assert!(t.git(&["init", "-q", "-b", "main"]));
    assert!(t.git(&["add", "."]) && t.git(&["commit", "-qm", "queue"]));
    let out = t.run(&["queue", "claim", "--sync"], "").failure(1);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(out.stderr.contains("git pull --rebase failed"), "{out}");
    assert!(out.stderr.ends_with("the queue was not changed\n"), "{out}");
    assert_eq!(t.read("todo.md"), "- [ ] one\n");
    // Outside git, it says so.
    let t = Test::new();
    t.write(
        ".claude/handoff.json",
        &CONFIG.replacen('{', "{\"sync\": \"git\", ", 1),
    );
    let out = t.run(&["queue", "add", "x"], "").failure(1);
    assert!(out.stderr.contains("not in a git repository"), "{out}");
    assert!(t.try_read("todo.md").is_none());
}

#[test]
fn waves_list_their_files_and_authors() {
    let t = Test::new();
    t.write(".claude/handoff.json", CONFIG);
    assert!(t.git(&["init", "-q", "-b", "main"]));
    t.write(
        "discovery/wave-1/auth.md",
        "# Auth uses JWT\n\nTokens live 15 minutes.\n",
    );
    t.write("discovery/wave-1/db.md", "# Postgres 16\n\nNo ORM.\n");
    assert!(t.git(&["add", "."]) && t.git(&["commit", "-qm", "wave 1"]));
    t.write("discovery/wave-2/cache.md", "Redis is only for sessions.\n");
    t.write("discovery/wave-3/later.md", "# Later\n");
    let owner = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let owner = String::from_utf8_lossy(&owner.stdout).trim().to_string();
    let redact = |s: String| s.replace(&format!("by {owner} "), "by [OWNER] ");
    let mut out = redact(t.run(&["wave"], "").success().stdout);
    out.push_str("$ handoff wave --wave 2\n");
    out.push_str(&redact(
        t.run(&["wave", "--wave", "2"], "").success().stdout,
    ));
    insta::assert_snapshot!("waves", out);
    let json = t.run(&["wave", "--json"], "").success().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["files"][0]["by"], "t");
    assert_eq!(v.as_array().unwrap().len(), 3);
}

#[test]
fn init_lays_out_a_pipeline() {
    let t = Test::new().env("HANDOFF_AGENT", Some("planner"));
    let out = t.run(&["init", "--template", "pipeline"], "").success();
    insta::assert_snapshot!("pipeline_stdout", out.stdout);
    for file in [
        ".claude/handoff.json",
        "plan/README.md",
        "review/completed.md",
        "discovery/README.md",
        "todo.md",
        "done.md",
        "CLAUDE.md",
        "docs/SESSION-HANDOFF.md",
    ] {
        let name = format!("pipeline_{}", file.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, t.read(file));
    }
    // The queue works at once, and a second run changes nothing.
    t.run(&["queue", "add", "first url"], "").success();
    assert_eq!(
        t.run(&["queue", "claim"], "").success().stdout,
        "first url\n"
    );
    let todo = t.read("todo.md");
    let out = t.run(&["init", "--template", "pipeline"], "").success();
    insta::assert_snapshot!("pipeline_second_run", out.stdout);
    assert_eq!(t.read("todo.md"), todo);
}

#[test]
fn overview_shows_queues_and_waves() {
    let t = Test::new();
    let root = t.project();
    let put = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put("fleet/.claude/handoff.json", CONFIG);
    put(
        "fleet/docs/SESSION-HANDOFF.md",
        "# H\n\n## What's Next\n- crawl\n",
    );
    put(
        "fleet/todo.md",
        "- [ ] a\n- [~] b (claimed by x since 2026-11-21T09:00:00Z)\n- [~] c (claimed by y since 2026-11-21T11:30:00Z)\n- [~] d (claimed by z since 2026-11-21T01:00:00Z)\n",
    );
    put(
        "fleet/done.md",
        "- [x] e (done by x on 2026-11-21T08:00:00Z)\n",
    );
    put("fleet/discovery/wave-1/f.md", "# F\n");
    put("fleet/discovery/wave-2/g.md", "# G\n");
    put(
        "plain/docs/SESSION-HANDOFF.md",
        "# H\n\n## What's Next\n- write\n",
    );
    for p in [
        "fleet/docs/SESSION-HANDOFF.md",
        "plain/docs/SESSION-HANDOFF.md",
    ] {
        crate::support::set_mtime(&root.join(p), crate::support::now());
    }
    let dir = root.display().to_string();
    let out = t.run(&["overview", &dir], "").success();
    insta::assert_snapshot!("overview_table", out.stdout);
    let rows = t
        .run(&["overview", &dir, "--json"], "")
        .success()
        .json_array();
    let fleet = rows.iter().find(|r| r["project"] == "fleet").unwrap();
    insta::assert_json_snapshot!("overview_fleet_row", (&fleet["queue"], &fleet["wave"]));
    let plain = rows.iter().find(|r| r["project"] == "plain").unwrap();
    assert!(plain["queue"].is_null() && plain["wave"].is_null());
}
