//! PreCompact: keep a dated copy of the handoff before the conversation is summarised, and tell
//! the compaction what to keep. Claude Code appends this hook's plain stdout to the compaction's
//! instructions (and shows it after a manual `/compact`); the handoff itself is injected again by
//! the SessionStart `compact` that follows.
use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{Ctx, Reply};
use crate::copies;
use crate::state::SessionState;
use crate::timefmt;

/// Files named before "and N more".
const FILES_SHOWN: usize = 10;
/// P0 items named before "and N more".
const ITEMS_SHOWN: usize = 10;

/// Answer a PreCompact event.
pub(crate) fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    // What the session did so far, before the conversation that shows it is summarised away.
    let reason = match trigger(ctx) {
        "compact" => "compact".to_string(),
        t => format!("compact-{t}"),
    };
    let s = super::session_end::log_digest(ctx, &reason);
    let display = ctx.project.handoff_display.clone();
    // A refused handoff is already reported on stderr; there is nothing to carry over.
    let path = ctx.project.handoff().ok()?.to_path_buf();
    let read = crate::confine::read_regular(&path, crate::confine::MAX_HANDOFF_BYTES);
    let Ok(bytes) = read else {
        return Some(Reply::plain(missing(&display)));
    };
    let saved = match copies::save(
        &ctx.project.history_dir(),
        &bytes,
        ctx.env.now,
        trigger(ctx),
    ) {
        Ok(saved) => saved,
        Err(e) => {
            ctx.warn(format!("could not save a copy of the handoff: {e}"));
            false
        }
    };
    // The SessionStart that follows the compaction then finds git's answer ready.
    ctx.warm_staleness(crate::staleness::HOOK_DEADLINE);
    let modified = ctx.project.handoff_modified();
    let text = String::from_utf8_lossy(&bytes);
    let (changed, changed_total) = changed_since(ctx, &s, modified);
    Some(Reply::plain(instructions(&Facts {
        display: &display,
        modified,
        now: ctx.env.now,
        p0: open_p0(&text),
        changed: &changed,
        changed_total,
        saved,
    })))
}

/// What the instructions are made from.
#[derive(Debug, Clone)]
pub(crate) struct Facts<'a> {
    pub display: &'a str,
    /// When the handoff last changed.
    pub modified: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    /// The open P0 items of its queue, as written.
    pub p0: Vec<String>,
    /// Files this session changed after the handoff's last change (the first of them).
    pub changed: &'a [String],
    /// How many there are in all.
    pub changed_total: usize,
    /// Whether a copy was saved just now.
    pub saved: bool,
}

/// The instructions for the summary, one fact a line (pure).
pub(crate) fn instructions(f: &Facts<'_>) -> String {
    let when = f
        .modified
        .map(|m| {
            format!(
                " (last changed {}, {})",
                timefmt::age(m, f.now),
                timefmt::stamp(m)
            )
        })
        .unwrap_or_default();
    let mut out = format!(
        "For this summary, from the project's handoff:\n\
         - Keep that {}{when} is this project's session handoff and the state to trust: it is given \
         again right after this compaction, so point to it rather than restate it.\n",
        f.display
    );
    if !f.p0.is_empty() {
        out.push_str("- Keep its open P0 items:\n");
        for item in f.p0.iter().take(ITEMS_SHOWN) {
            let _ = writeln!(out, "  - {item}");
        }
        if f.p0.len() > ITEMS_SHOWN {
            let _ = writeln!(out, "  - and {} more", f.p0.len() - ITEMS_SHOWN);
        }
    }
    if f.changed_total > 0 {
        let mut files = f
            .changed
            .iter()
            .take(FILES_SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let shown = f.changed.len().min(FILES_SHOWN);
        if f.changed_total > shown {
            let _ = write!(files, " and {} more", f.changed_total - shown);
        }
        let _ = writeln!(
            out,
            "- Keep that these files changed since the handoff was last updated, so it does not \
             record them yet: {files}."
        );
    }
    if f.saved {
        out.push_str(
            "- A copy of the handoff was saved before this compaction (`handoff history`).\n",
        );
    }
    crate::inject::sanitize(&crate::redact::redact(out.trim_end())).into_owned()
}

fn missing(display: &str) -> String {
    format!(
        "For this summary, from the project's handoff: there is no {display} yet. Keep what was done, \
         what failed and what is next, so the handoff can be written from the summary (`handoff init` \
         creates it)."
    )
}

/// The open P0 items of the handoff's queue.
fn open_p0(text: &str) -> Vec<String> {
    let Some(queue) = crate::doc::edit::queue(text) else {
        return Vec::new();
    };
    queue
        .items
        .into_iter()
        .filter(|i| i.priority.as_deref() == Some("P0"))
        .filter(|i| !matches!(i.status.as_deref(), Some("DONE" | "COMPLETED")))
        .map(|i| i.text)
        .collect()
}

/// Files the session edited whose last change is after the handoff's (a file gone since counts:
/// deleting it changed it). Without the handoff's time, every file the session edited.
fn changed_since(
    ctx: &Ctx<'_>,
    s: &SessionState,
    modified: Option<DateTime<Utc>>,
) -> (Vec<String>, usize) {
    let edited = ctx.edited_files(s);
    let Some(modified) = modified else {
        return (edited.files, edited.total);
    };
    let newer = |file: &String| {
        let path = ctx.project.root.join(file);
        std::fs::metadata(Path::new(&path))
            .and_then(|m| m.modified())
            .map_or(true, |t| DateTime::<Utc>::from(t) > modified)
    };
    let files: Vec<String> = edited.files.into_iter().filter(newer).collect();
    // Past the list only the count is known: those files are taken as changed.
    let unlisted = edited
        .total
        .saturating_sub(s.edited.len().min(edited.total));
    let total = files.len() + unlisted;
    (files, total)
}

/// `auto` or `manual`, or `compact` when Claude Code doesn't say.
fn trigger<'a>(ctx: &'a Ctx<'_>) -> &'a str {
    match ctx.input.trigger.as_str() {
        t @ ("auto" | "manual") => t,
        _ => "compact",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn facts(changed: &[String], total: usize) -> Facts<'_> {
        Facts {
            display: "docs/SESSION-HANDOFF.md",
            modified: Some(at("2026-11-21T10:00:00Z")),
            now: at("2026-11-21T12:00:00Z"),
            p0: Vec::new(),
            changed,
            changed_total: total,
            saved: false,
        }
    }

    #[test]
    fn the_path_and_trust_come_first_and_empty_parts_are_left_out() {
        let text = instructions(&facts(&[], 0));
        assert_eq!(
            text,
            "For this summary, from the project's handoff:\n- Keep that docs/SESSION-HANDOFF.md \
             (last changed 2 hours ago, 2026-11-21 10:00 UTC) is this project's session handoff and \
             the state to trust: it is given again right after this compaction, so point to it \
             rather than restate it."
        );
        assert!(!text.starts_with('{'), "plain text, never taken for JSON");
    }

    #[test]
    fn p0_items_files_and_the_copy() {
        let files: Vec<String> = (0..12).map(|i| format!("src/f{i}.rs")).collect();
        let mut f = facts(&files, 40);
        f.p0 = vec!["finish the CLI".into(), "ship".into()];
        f.saved = true;
        let text = instructions(&f);
        assert!(
            text.contains("- Keep its open P0 items:\n  - finish the CLI\n  - ship\n"),
            "{text}"
        );
        assert!(text.contains("src/f0.rs, src/f1.rs"), "{text}");
        assert!(text.contains("src/f9.rs and 30 more."), "{text}");
        assert!(!text.contains("src/f10.rs"), "{text}");
        assert!(text.ends_with("(`handoff history`)."), "{text}");
    }

    #[test]
    fn only_open_p0_items_count() {
        for (queue, want) in [
            ("## What's Next\n- P0: a\n- P1: b\n", vec!["a"]),
            (
                "## What's Next\n- **P0**: DONE: a\n- **P0**: IN_PROGRESS: b\n",
                vec!["b"],
            ),
            ("## What's Next\n- [x] P0: a\n- [ ] P0: c\n", vec!["c"]),
            ("## Notes\n- P0: not a queue\n", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(open_p0(queue), want, "{queue}");
        }
    }

    #[test]
    fn a_missing_handoff_asks_to_keep_what_it_would_hold() {
        let text = missing("HANDOFF.md");
        assert!(text.contains("there is no HANDOFF.md yet"), "{text}");
        assert!(!text.starts_with('{'));
    }
}
