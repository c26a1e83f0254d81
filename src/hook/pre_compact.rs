//! PreCompact: keep a dated copy of the handoff before the conversation is summarised, and tell the
//! user how old it is. The handoff is injected again by the SessionStart `compact` that follows.
use super::{Ctx, Reply};
use crate::fs_atomic::{self, Durability};

/// Dated copies kept per project; older ones are removed.
const KEEP_COPIES: usize = 50;

/// Answer a PreCompact event.
pub(crate) fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    // What the session did so far, before the conversation that shows it is summarised away.
    let reason = match trigger(ctx) {
        "compact" => "compact".to_string(),
        t => format!("compact-{t}"),
    };
    super::session_end::log_digest(ctx, &reason);
    let display = ctx.project.handoff_display.clone();
    // A refused handoff is already reported on stderr; there is nothing to carry over.
    let path = ctx.project.handoff().ok()?;
    let read = crate::confine::read_regular(path, crate::confine::MAX_HANDOFF_BYTES);
    let Ok(bytes) = read else {
        return Some(Reply::system_message(format!(
            "handoff: no {display} to carry over this compaction; create one with `handoff init`."
        )));
    };
    let saved = match save_copy(ctx, &bytes) {
        Ok(saved) => saved,
        Err(e) => {
            ctx.warn(format!("could not save a copy of the handoff: {e}"));
            false
        }
    };
    // The SessionStart that follows the compaction then finds git's answer ready.
    ctx.warm_staleness(crate::staleness::HOOK_DEADLINE);
    let age = ctx
        .handoff_age()
        .unwrap_or_else(|| "at an unknown time".into());
    let copy = if saved { "; a copy was saved" } else { "" };
    Some(Reply::system_message(format!(
        "handoff: {display} was last changed {age}{copy}. It will be injected again after compaction."
    )))
}

/// Save the handoff into the history folder unless the newest copy already has these bytes (the
/// event can fire several times for one compaction). Returns whether a copy was written.
fn save_copy(ctx: &Ctx<'_>, bytes: &[u8]) -> std::io::Result<bool> {
    let dir = ctx.project.history_dir();
    let mut copies = list_copies(&dir);
    if let Some(newest) = copies.last() {
        if std::fs::read(dir.join(newest)).is_ok_and(|b| b == bytes) {
            return Ok(false);
        }
    }
    let name = format!(
        "{}-{}.md",
        ctx.env.now.format("%Y-%m-%dT%H-%M-%SZ"),
        trigger(ctx)
    );
    fs_atomic::write(&dir.join(&name), bytes, Durability::Synced)?;
    copies.push(name);
    for old in copies.iter().rev().skip(KEEP_COPIES) {
        let _ = std::fs::remove_file(dir.join(old));
    }
    Ok(true)
}

/// `auto` or `manual`, or `compact` when Claude Code doesn't say.
fn trigger<'a>(ctx: &'a Ctx<'_>) -> &'a str {
    match ctx.input.trigger.as_str() {
        t @ ("auto" | "manual") => t,
        _ => "compact",
    }
}

/// Copies in the history folder, oldest first (their names sort by time).
pub(crate) fn list_copies(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
                && !n.starts_with('.')
        })
        .collect();
    names.sort();
    names
}
