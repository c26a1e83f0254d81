//! `handoff checkpoint`: where entries go, what stays byte for byte, and many writers at once.
use crate::support::{Test, HANDOFF};

const PATH: &str = "docs/SESSION-HANDOFF.md";

#[test]
fn sixteen_processes_times_five_hundred_checkpoints_lose_nothing() {
    const WORKERS: usize = 16;
    const EACH: usize = 500;
    let t = Test::new();
    t.write(PATH, HANDOFF);
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for w in 0..WORKERS {
            let t = &t;
            s.spawn(move || {
                for i in 0..EACH {
                    let text = format!("w{w}-{i}");
                    t.run(&["checkpoint", "--failed", &text], "").success();
                }
            });
        }
    });
    eprintln!(
        "{} checkpoints from {WORKERS} processes at a time: {:.1} s",
        WORKERS * EACH,
        started.elapsed().as_secs_f64()
    );
    let text = t.read(PATH);
    // Every entry is there once, whole, and each writer's entries are in the order it wrote them.
    let entries: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("- 2026-11-21 12:00 UTC — w"))
        .collect();
    assert_eq!(entries.len(), WORKERS * EACH);
    let mut next = [0usize; WORKERS];
    for e in &entries {
        let (w, i) = e.split_once('-').expect("w-i");
        let (w, i): (usize, usize) = (w.parse().expect("w"), i.parse().expect("i"));
        assert_eq!(i, next[w], "writer {w} out of order or lost an entry");
        next[w] += 1;
    }
    // Everything outside What Failed is as it was.
    let failed_start = text.find("## What Failed\n").expect("section");
    let after = text.find("\n## What's Next").expect("next section");
    let original_start = HANDOFF.find("## What Failed\n").expect("section");
    let original_after = HANDOFF.find("\n## What's Next").expect("next section");
    assert_eq!(text[..failed_start], HANDOFF[..original_start]);
    assert_eq!(text[after..], HANDOFF[original_after..]);
    // No temp files or locks left in the project.
    let names: Vec<_> = std::fs::read_dir(t.project().join("docs"))
        .expect("docs")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["SESSION-HANDOFF.md"]);
}
