//! SessionEnd: one line per session in the project's session log. Cheap by design: Claude Code
//! gives all SessionEnd hooks 1.5 s together.
use serde::Serialize;

use super::{Ctx, Reply};
use crate::fs_atomic;
use crate::timefmt;

/// One line of the session log.
#[derive(Debug, Serialize)]
struct LogLine<'a> {
    session_id: &'a str,
    start: Option<String>,
    end: String,
    reason: &'a str,
    handoff_updated: bool,
    files_touched: Vec<String>,
    prompts: u32,
}

/// Answer a SessionEnd event: nothing is printed (Claude Code discards it anyway).
pub fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    let mut s = match ctx.load_state() {
        Some(s) => s,
        None => ctx.new_state(true),
    };
    ctx.catch_up(&mut s);
    let line = LogLine {
        session_id: &ctx.input.session_id,
        start: s.started_at.map(timefmt::rfc3339),
        end: timefmt::rfc3339(ctx.env.now),
        reason: &ctx.input.reason,
        handoff_updated: s.handoff_changed(&ctx.project.handoff),
        files_touched: ctx.edited_files(&s),
        prompts: s.prompts,
    };
    let json = serde_json::to_string(&line).unwrap_or_default();
    if let Err(e) = fs_atomic::append_line(&ctx.project.session_log(), &json) {
        ctx.warn(format!("could not write the session log: {e}"));
    }
    // Kept for a later resume of the same session.
    ctx.save_state(&s);
    ctx.warm_staleness();
    None
}
