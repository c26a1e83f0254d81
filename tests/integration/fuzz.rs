//! Fuzzing, in process and deterministic: the real hook payloads and the real handoff files (the
//! templates, the fixtures and the shared corpus) are mutated and fed to the hook handler and to
//! every document operation. Whatever the input: no panic, a reply that is one JSON object within
//! the client's cap, and packed text within its budget.
//!
//! `HANDOFF_FUZZ_ITERS` sets the inputs per target (default 1,500, a few seconds in CI);
//! `HANDOFF_FUZZ_SEED` starts elsewhere. A failure prints the seed and the input.
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use handoff::doc::edit::{self, Selector};
use handoff::doc::roles::Role;
use handoff::doc::{outline, pack, view};
use handoff::sanitize;
use handoff::Env;
use serde_json::Value;

use crate::support::{corpus, fixtures_dir, NOW};

/// xorshift64*: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[allow(clippy::disallowed_methods)] // the test process's own settings
fn setting(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn iterations() -> u64 {
    setting("HANDOFF_FUZZ_ITERS", 1_500)
}

fn seed() -> u64 {
    setting("HANDOFF_FUZZ_SEED", 0x5eed_cafe_f00d_0001) | 1
}

/// Pieces that break parsers: odd line endings, fences, headings, markers, huge numbers, the
/// client's tags and bidi controls.
const SHARDS: &[&str] = &[
    "\r",
    "\r\n",
    "\n",
    "\0",
    "```",
    "~~~",
    "<!--",
    "-->",
    "# ",
    "## ",
    "### ",
    "===",
    "---",
    "- ",
    "* ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "| a | b |",
    "|---|",
    "**P0**",
    "P1: ",
    "2026-11-21",
    "🐢",
    "\u{200d}",
    "\u{feff}",
    "é",
    "\t",
    "    ",
    "\\",
    "\"",
    "{",
    "}",
    "[",
    "]",
    "null",
    "-1",
    "18446744073709551616",
    "1e999",
    "\u{7f}",
    "</system-reminder>",
    "< /System_Reminder",
    "<persisted-output>",
    "<",
    ">",
    "/",
    "\u{202e}",
    "\u{2069}",
];

/// A handoff-like text with line-level and byte-level damage.
fn mutate_text(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    for _ in 0..=rng.below(6) {
        let at = rng.below(lines.len() + 1);
        match rng.below(9) {
            0 if !lines.is_empty() => {
                lines.remove(at.min(lines.len() - 1));
            }
            1 if !lines.is_empty() => {
                let copy = lines[at.min(lines.len() - 1)].clone();
                lines.insert(at, copy);
            }
            2 if lines.len() > 1 => {
                let other = rng.below(lines.len());
                let last = lines.len() - 1;
                lines.swap(at.min(last), other);
            }
            3 => lines.insert(at, format!("{}{}\n", rng.pick(SHARDS), rng.pick(SHARDS))),
            4 => {
                // Insert a shard at a random char boundary inside a line.
                if let Some(line) = lines.get_mut(at) {
                    let cut = line
                        .char_indices()
                        .map(|(i, _)| i)
                        .nth(rng.below(line.chars().count() + 1))
                        .unwrap_or(line.len());
                    let shard = *rng.pick(SHARDS);
                    line.insert_str(cut, shard);
                }
            }
            5 => lines.iter_mut().for_each(|l| *l = l.replace('\n', "\r")),
            6 => lines.iter_mut().for_each(|l| *l = l.replace('\n', "\r\n")),
            7 => lines.truncate(at),
            _ => lines.insert(at, "x".repeat(rng.below(20_000)) + "\n"),
        }
    }
    lines.concat()
}

/// A JSON value with one part replaced, removed or retyped.
fn mutate_json(rng: &mut Rng, value: &mut Value) {
    let replacement = || -> [Value; 9] {
        [
            Value::Null,
            Value::Bool(true),
            serde_json::json!(-1),
            serde_json::json!(u64::MAX),
            serde_json::json!(1.5e300),
            serde_json::json!(""),
            serde_json::json!("../../../../etc/passwd"),
            serde_json::json!([]),
            serde_json::json!({"a": [1, {"b": null}]}),
        ]
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            match rng.below(4) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    let v = rng.pick(&replacement()).clone();
                    map.insert(key, v);
                }
                2 => {
                    let event = *rng.pick(&[
                        "SessionStart",
                        "Stop",
                        "UserPromptSubmit",
                        "PreCompact",
                        "SessionEnd",
                        "Unknown",
                    ]);
                    map.insert("hook_event_name".into(), event.into());
                }
                _ => mutate_json(rng, map.get_mut(&key).expect("key")),
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len());
            mutate_json(rng, &mut items[i]);
        }
        Value::String(s) => *s = mutate_text(rng, s),
        other => *other = rng.pick(&replacement()).clone(),
    }
}

/// A byte-level mangling of a JSON text: truncation, a flipped byte, a spliced shard.
fn mangle_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    match rng.below(3) {
        0 => bytes.truncate(rng.below(bytes.len() + 1)),
        1 if !bytes.is_empty() => {
            let i = rng.below(bytes.len());
            bytes[i] ^= 1 << rng.below(8);
        }
        _ => {
            let at = rng.below(bytes.len() + 1);
            let shard = rng.pick(SHARDS).as_bytes().to_vec();
            bytes.splice(at..at, shard);
        }
    }
}

/// The handoff texts to start from: templates, fixtures, and the shared corpus.
fn seeds() -> Vec<String> {
    let mut texts: Vec<String> = ["handoff", "memory", "campaign", "postmortem"]
        .iter()
        .filter_map(|t| {
            std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("templates/{t}.md")),
            )
            .ok()
        })
        .collect();
    texts.push(crate::support::HANDOFF.to_string());
    for file in corpus("handoffs").unwrap_or_default() {
        texts.push(std::fs::read_to_string(file).expect("corpus file"));
    }
    assert!(texts.len() >= 5, "too few seeds: {}", texts.len());
    texts
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .expect("NOW")
        .with_timezone(&Utc)
}

#[track_caller]
fn no_panic<T>(what: &str, seed: u64, input: &str, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        // The whole input goes to a file: a fuzzed one can be megabytes.
        let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{what}-{seed}.txt"));
        let _ = std::fs::write(&saved, input);
        let start: String = input.chars().take(300).collect();
        panic!(
            "{what} panicked (HANDOFF_FUZZ_SEED={seed}); the input is in {}; it starts:\n{}",
            saved.display(),
            start.escape_debug()
        )
    })
}

#[test]
fn handoff_files_never_break_the_document_operations() {
    let seeds = seeds();
    let priority = handoff::doc::roles::default_priority();
    let seed = seed();
    let mut rng = Rng(seed);
    for _ in 0..iterations() {
        let start = rng.below(seeds.len());
        let text = mutate_text(&mut rng, &seeds[start]);
        no_panic("pack", seed, &text, || {
            let doc = outline::parse(&text);
            for budget in [1_000, 9_000] {
                let packed = pack::pack(&doc, budget, &priority);
                assert!(packed.units <= budget, "{} > {budget}", packed.units);
                assert_eq!(packed.units, handoff::doc::utf16_len(&packed.text));
            }
        });
        no_panic("inject", seed, &text, || {
            let safe = sanitize(&text);
            let units = handoff::doc::utf16_len;
            assert!(units(&safe) <= units(&text), "sanitising made it longer");
            assert_eq!(sanitize(&safe), safe, "sanitising twice changed more");
        });
        no_panic("edits", seed, &text, || {
            let role = *rng.pick(&Role::ALL);
            let edited = edit::append(&text, role, "2026-11-21 12:00 UTC", "entry", "2026-11-21");
            assert!(edited.text.contains("entry"), "the entry is written");
            let _ = edit::push(&text, "item", Some(1));
            let _ = edit::start(&text, &Selector::parse("1"));
            let _ = edit::done(&text, &Selector::parse("1"), "2026-11-21");
            let _ = edit::done(&text, &Selector::parse("entry"), "2026-11-21");
            let _ = view::structure(&text);
            let _ = edit::queue(&text);
        });
    }
}

/// A project with a handoff and a transcript, and an environment that points at them.
struct World {
    _dir: tempfile::TempDir,
    env: Env,
    transcript: PathBuf,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = dir.path().join("project");
        std::fs::create_dir_all(project.join("docs")).expect("mkdir");
        std::fs::write(
            project.join("docs/SESSION-HANDOFF.md"),
            crate::support::HANDOFF,
        )
        .expect("handoff");
        let transcript = dir.path().join("transcript.jsonl");
        std::fs::write(
            &transcript,
            std::fs::read(fixtures_dir().join("transcript.jsonl")).expect("fixture"),
        )
        .expect("transcript");
        let vars = BTreeMap::from([
            ("HOME".into(), dir.path().join("home").display().to_string()),
            (
                "HANDOFF_STATE_DIR".into(),
                dir.path().join("state").display().to_string(),
            ),
            ("CLAUDE_PROJECT_DIR".into(), project.display().to_string()),
        ]);
        let env = Env::new(vars, now(), project);
        Self {
            _dir: dir,
            env,
            transcript,
        }
    }
}

#[test]
fn hook_events_never_break_the_hook() {
    let payloads: Vec<Value> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("JSON"))
        .collect();
    assert!(payloads.len() >= 10, "{} payloads", payloads.len());
    let world = World::new();
    let seed = seed();
    let mut rng = Rng(seed);
    for _ in 0..iterations() {
        let mut event = rng.pick(&payloads).clone();
        if let Some(map) = event.as_object_mut() {
            // Stop waits up to a second for a message it can't find: give it none to wait for.
            map.insert(
                "transcript_path".into(),
                world.transcript.display().to_string().into(),
            );
            map.insert("last_assistant_message".into(), "".into());
        }
        for _ in 0..=rng.below(3) {
            mutate_json(&mut rng, &mut event);
        }
        let mut bytes = serde_json::to_vec(&event).expect("JSON");
        if rng.below(4) == 0 {
            mangle_bytes(&mut rng, &mut bytes);
        }
        let shown = String::from_utf8_lossy(&bytes).into_owned();
        let outcome = no_panic("hook", seed, &shown, || {
            handoff::handle_hook(&bytes, &world.env)
        });
        let pre_compact = serde_json::from_slice::<Value>(&bytes)
            .is_ok_and(|v| v["hook_event_name"] == "PreCompact");
        if let Some(reply) = outcome.reply.as_ref().filter(|_| pre_compact) {
            assert!(
                !reply.trim_start().starts_with('{'),
                "PreCompact: plain text: {reply}"
            );
            assert!(
                handoff::doc::utf16_len(reply) <= 10_000,
                "PreCompact over the cap for input: {shown}"
            );
        } else if let Some(reply) = &outcome.reply {
            let v: Value = serde_json::from_str(reply)
                .unwrap_or_else(|e| panic!("reply is not JSON ({e}): {reply}\ninput: {shown}"));
            assert!(v.is_object(), "reply is not one object: {reply}");
            let context = v["hookSpecificOutput"]["additionalContext"]
                .as_str()
                .unwrap_or_default();
            assert!(
                handoff::doc::utf16_len(context) <= 10_000,
                "context over the cap for input: {shown}"
            );
        }
    }
}
