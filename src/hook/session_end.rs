//! SessionEnd: the session's digest in the project's session log. Cheap by design: Claude Code
//! gives all SessionEnd hooks 1.5 s together.
use super::{Ctx, Reply};
use crate::session_log;
use crate::state::SessionState;
use crate::timefmt;

/// Answer a SessionEnd event: nothing is printed (Claude Code discards it anyway).
pub(crate) fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    let reason = ctx.input.reason.clone();
    let _ = log_digest(ctx, &reason);
    ctx.warm_staleness(crate::staleness::SESSION_END_DEADLINE);
    None
}

/// Read what the transcript gained, append the session's digest so far to the session log, and
/// keep the state (for a later resume, or the SessionEnd after a compaction); returns that state.
pub(crate) fn log_digest(ctx: &mut Ctx<'_>, reason: &str) -> SessionState {
    let mut s = match ctx.load_state() {
        Some(s) => s,
        None => ctx.new_state(true),
    };
    ctx.catch_up(&mut s);
    // A clock set back during the session must not end it before it started.
    let end = s
        .started_at
        .map_or(ctx.env.now, |start| start.max(ctx.env.now));
    let edited = ctx.edited_files(&s);
    let entry = session_log::Entry {
        session_id: ctx.input.session_id.clone(),
        start: s.started_at.map(timefmt::rfc3339),
        end: timefmt::rfc3339(end),
        reason: reason.to_string(),
        handoff_updated: ctx.project.handoff().is_ok_and(|h| s.handoff_changed(h)),
        files_touched: edited.files,
        files_total: edited.total,
        prompts: s.prompts,
        asked: s.asked.clone(),
        failed_commands: s.failed.clone(),
        task: ctx.project.task.clone(),
    };
    if let Err(e) = session_log::append(&ctx.project.session_log(), &entry) {
        ctx.warn(format!("could not write the session log: {e}"));
    }
    ctx.save_state(&s);
    s
}
