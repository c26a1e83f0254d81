//! SessionStart: put the handoff in front of the model, within the budget, on every kind of start.
use chrono::{DateTime, Utc};

use super::{Ctx, Reply};
use crate::doc::context::{render, Facts, HandoffFile, Relay, StartFile, TaskFacts};
use crate::fleet::{self, boundary, waves};
use crate::git::GitError;
use crate::postmortem;
use crate::session_log;
use crate::staleness;
use crate::state;

/// Answer a SessionStart event.
#[allow(clippy::unnecessary_wraps)] // every event handler has this shape; SessionStart always replies
pub(crate) fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    // git walks the history while this hook reads and packs the handoff.
    ctx.start_staleness(staleness::HOOK_DEADLINE);
    let (mut s, fresh) = track_session(ctx);
    let file = read_handoff(&ctx.project);
    let now = match &file {
        HandoffFile::Present { text, .. } => Some(super::resume::given(text, ctx.env.now)),
        _ => None,
    };
    // A resume that already holds this version of the handoff gets one line instead.
    let start = super::resume::decide(&ctx.input.source, s.given.as_ref(), now);
    // One write, while git walks (it costs as much as the rest of the hook): a new session's
    // state, or what this one is given now. A hook stopped before it replies leaves a later
    // resume the one line, which names the file.
    if fresh || s.given.as_ref() != start.given() {
        s.given = start.given().cloned();
        ctx.save_state(&s);
    }
    let text = super::resume::context(ctx, &start, move |ctx, reserve| context(ctx, file, reserve));
    Some(Reply::context("SessionStart", text))
}

/// Start or continue this session's state: a new session on startup, clear and fork; the same one
/// carries on through resume and compaction. Returns it, and whether it is new (not saved yet).
fn track_session(ctx: &mut Ctx<'_>) -> (state::SessionState, bool) {
    let continuing = matches!(ctx.input.source.as_str(), "resume" | "compact");
    if continuing {
        if let Some(s) = ctx.load_state() {
            return (s, false);
        }
    }
    let s = ctx.new_state(false);
    if ctx.input.source == "startup" {
        // Housekeeping once per new session, not on every compaction.
        let dir = ctx.project.sessions_dir();
        state::prune(&dir, ctx.env.now.into(), state::PRUNE_AFTER);
    }
    (s, true)
}

/// The handoff as it is now; a refused one is not opened.
fn read_handoff(project: &crate::project::Project) -> HandoffFile {
    let path = match project.handoff() {
        Ok(path) => path,
        Err(refused) => return HandoffFile::Refused(refused.to_string()),
    };
    match crate::confine::read_regular(path, crate::confine::MAX_HANDOFF_BYTES) {
        Ok(bytes) => HandoffFile::Present {
            // Valid UTF-8 (the usual case) is taken as it is, without a copy.
            text: String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            modified: project.handoff_modified(),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HandoffFile::Missing,
        Err(e) => HandoffFile::Unreadable(e.to_string()),
    }
}

/// The whole context, with `reserve` UTF-16 units of the budget kept for a line before it.
fn context(ctx: &mut Ctx<'_>, file: HandoffFile, reserve: usize) -> String {
    if let HandoffFile::Unreadable(e) = &file {
        ctx.warn(e.clone());
    }
    let index = match ctx.project.postmortems_dir() {
        Ok(dir) => postmortem::index(&dir),
        Err(refused) => {
            ctx.warn(refused.to_string());
            postmortem::Index::default()
        }
    };
    if let Some(first) = index.not_files.first() {
        let more = match index.not_files.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        ctx.warn(format!(
            "{}/{first}{more} is a symlink or not a regular file: left out of the postmortem index; make it a regular file",
            crate::project::POSTMORTEMS_DIR
        ));
    }
    let project = &ctx.project;
    let (postmortems, postmortems_total) = (index.list, index.total);
    let modified = match &file {
        HandoffFile::Present { modified, .. } => *modified,
        _ => None,
    };
    let digest = session_log::last(&project.session_log())
        .filter(|e| show_digest(e, &ctx.input.session_id, &ctx.input.source, modified));
    let wave = fleet::wave(ctx.env);
    let (start_files, problems) = start_files(project, wave);
    let fleet = &project.config.fleet;
    let relay = fleet.waves.as_deref().zip(wave).map(|(pattern, n)| {
        let folder = boundary::fill(pattern, boundary::Vars::wave(n)).unwrap_or_default();
        (n, folder, waves::earlier(&project.root, pattern, n))
    });
    // Last, so git had the time the rest took.
    let mut git_timed_out = None;
    let staleness = if matches!(file, HandoffFile::Present { .. }) {
        match ctx.staleness(staleness::HOOK_DEADLINE) {
            Ok(s) => s,
            Err(e) => {
                if let GitError::TimedOut(d) = e {
                    git_timed_out = Some(d);
                }
                ctx.warn(e.to_string());
                None
            }
        }
    } else {
        None
    };
    let project = &ctx.project;
    let text = render(&Facts {
        display: &project.handoff_display,
        file,
        staleness,
        git_timed_out,
        source: &ctx.input.source,
        now: ctx.env.now,
        budget: project.config.budget.saturating_sub(reserve),
        priority: &project.config.priority,
        task: project.task.as_deref().map(|id| TaskFacts {
            id,
            project_handoff: &project.project_handoff_display,
        }),
        postmortems: &postmortems,
        postmortems_total,
        digest_is_own: digest
            .as_ref()
            .is_some_and(|d| d.session_id == ctx.input.session_id),
        digest: digest.as_ref(),
        start_files: &start_files,
        relay: relay.as_ref().map(|(wave, folder, earlier)| Relay {
            wave: *wave,
            folder,
            earlier,
        }),
    });
    if let Some(first) = problems.into_iter().next() {
        ctx.warn(first);
    }
    text
}

/// A start file larger than this is shown from its first part only.
const MAX_START_BYTES: u64 = 1024 * 1024;

/// The `session.start` files that exist, read, and the first problem with one (refused or
/// unreadable), for the one warning line.
fn start_files(
    project: &crate::project::Project,
    wave: Option<u32>,
) -> (Vec<StartFile>, Vec<String>) {
    let patterns = &project.config.fleet.start;
    if patterns.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let vars = boundary::Vars {
        task: project.task.as_deref(),
        wave,
    };
    let (found, refused) = boundary::start_files(&project.root, patterns, vars);
    let mut problems: Vec<String> = refused.iter().map(ToString::to_string).collect();
    let files = found
        .into_iter()
        .filter_map(
            |f| match crate::confine::read_regular(&f.path, MAX_START_BYTES) {
                Ok(bytes) => Some(StartFile {
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                    shown: f.shown,
                }),
                Err(e) => {
                    problems.push(format!("start file {} could not be read: {e}", f.shown));
                    None
                }
            },
        )
        .collect();
    (files, problems)
}

/// Whether SessionStart shows the last digest: that session changed files, didn't update the
/// handoff, and nobody has since; and it is another session's, or this one's from before the
/// compaction that just happened (a resumed session still has its own conversation).
pub(crate) fn show_digest(
    entry: &session_log::Entry,
    session_id: &str,
    source: &str,
    handoff_modified: Option<DateTime<Utc>>,
) -> bool {
    // Work, as Stop counts it: a session that only talked had nothing to record.
    let did_something = entry.files_count() > 0;
    let own = entry.session_id == session_id;
    // The log keeps `end` to the second, so only a change in a later second counts as newer: a
    // handoff written just before a short session, in the second it ended, is not.
    let updated_since = handoff_modified
        .zip(entry.end_time())
        .is_some_and(|(m, end)| m.timestamp() > end.timestamp());
    did_something && !entry.handoff_updated && (!own || source == "compact") && !updated_since
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_the_digest_is_shown() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let before = Some(t("2026-11-21T09:00:00Z"));
        let after = Some(t("2026-11-21T11:00:00Z"));
        // The digest ended at 10:00:00, as the log records it: to the second.
        let same_second = Some(t("2026-11-21T10:00:00.250Z"));
        let next_second = Some(t("2026-11-21T10:00:01Z"));
        let idle = session_log::Entry {
            prompts: 0,
            files_touched: vec![],
            asked: vec![],
            failed_commands: vec![],
            ..session_log::sample_entry()
        };
        let updated = session_log::Entry {
            handoff_updated: true,
            ..session_log::sample_entry()
        };
        let talked_only = session_log::Entry {
            files_touched: vec![],
            ..session_log::sample_entry()
        };
        let cases = [
            (session_log::sample_entry(), "new", "startup", before, true),
            (session_log::sample_entry(), "new", "clear", None, true),
            (session_log::sample_entry(), "new", "startup", after, false),
            (
                session_log::sample_entry(),
                "new",
                "startup",
                same_second,
                true,
            ),
            (
                session_log::sample_entry(),
                "new",
                "startup",
                next_second,
                false,
            ),
            (updated, "new", "startup", before, false),
            (idle, "new", "startup", before, false),
            (talked_only, "new", "startup", before, false),
            (session_log::sample_entry(), "old", "compact", before, true),
            (session_log::sample_entry(), "old", "resume", before, false),
        ];
        for (entry, session, source, modified, want) in cases {
            assert_eq!(
                show_digest(&entry, session, source, modified),
                want,
                "{session} {source} {modified:?}"
            );
        }
    }
}
