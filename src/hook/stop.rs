//! Stop: when the session changed files but not the handoff, remind the user, or tell the agent
//! (as context, or by blocking the stop) to update it — once per prompt, never in a loop.
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::{Ctx, Edited, Reply};
use crate::config::StopMode;
use crate::state;

/// What Stop does this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Print nothing.
    Silent,
    /// Tell the user (`systemMessage`).
    Remind,
    /// Tell the agent, as context it may act on before it stops.
    Nudge,
    /// Make the agent continue and update the handoff.
    Block,
}

/// The facts the decision rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(clippy::struct_excessive_bools)] // a decision table's inputs are yes/no facts
pub(crate) struct Facts {
    pub mode: StopMode,
    /// `HANDOFF_SKIP=1`: the user opted out for now.
    pub skip: bool,
    /// Claude Code says this stop follows a block.
    pub hook_active: bool,
    /// The handoff changed during this session.
    pub handoff_changed: bool,
    /// The session edited files other than the handoff.
    pub work_done: bool,
    /// The session's own outputs are due: end files not written, or a queue claim still held.
    pub outputs_due: bool,
    /// The session is only waiting for background work or a scheduled wake-up, not done.
    pub waiting: bool,
    /// This prompt's stop already told the agent (a block or a nudge).
    pub asked_this_prompt: bool,
    /// This prompt's stop already showed the reminder.
    pub reminded_this_prompt: bool,
}

/// The Stop decision table.
pub(crate) fn decide(f: Facts) -> Decision {
    let handoff_due = f.work_done && !f.handoff_changed;
    if f.mode == StopMode::Off || f.skip || !(handoff_due || f.outputs_due) {
        return Decision::Silent;
    }
    // Work still to come wakes the session again: ask at the stop that ends it.
    if f.waiting && matches!(f.mode, StopMode::Enforce | StopMode::Nudge) {
        return Decision::Silent;
    }
    // Never ask twice for one prompt, nor while continuing from a block (the flag alone has
    // been reported unreliable, hence our own record too); tell the user instead, once.
    let may_ask = !f.hook_active && !f.asked_this_prompt;
    match f.mode {
        StopMode::Enforce if may_ask => Decision::Block,
        StopMode::Nudge if may_ask => Decision::Nudge,
        _ if f.reminded_this_prompt => Decision::Silent,
        _ => Decision::Remind,
    }
}

/// Answer a Stop event.
pub(crate) fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    let mode = ctx
        .env
        .var("HANDOFF_STOP")
        .and_then(StopMode::parse)
        .unwrap_or(ctx.project.config.stop);
    // A refused handoff (already reported) can't be asked for.
    if mode == StopMode::Off || ctx.project.refused().is_some() {
        return None;
    }
    let mut s = match ctx.load_state() {
        Some(s) => s,
        None => ctx.new_state(true),
    };
    let before = s.clone();
    read_turn(ctx, &mut s);
    let edited = ctx.edited_files(&s);
    let handoff_changed = ctx.project.handoff().is_ok_and(|h| s.handoff_changed(h));
    let outputs = Outputs::of(ctx, &s, edited.total > 0);
    let prompt = ctx
        .input
        .prompt_id
        .clone()
        .unwrap_or_else(|| format!("prompt #{}", s.prompts));
    let decision = decide(Facts {
        mode,
        skip: ctx.env.flag("HANDOFF_SKIP"),
        hook_active: ctx.input.stop_hook_active,
        handoff_changed,
        work_done: edited.total > 0,
        outputs_due: outputs.due(),
        waiting: !ctx.input.background_tasks.is_empty() || !ctx.input.session_crons.is_empty(),
        asked_this_prompt: s.blocked_prompt.as_ref() == Some(&prompt),
        reminded_this_prompt: s.reminded_prompt.as_ref() == Some(&prompt),
    });
    let reply = match decision {
        Decision::Silent => None,
        Decision::Remind => {
            s.reminded_prompt = Some(prompt);
            let handoff = (edited.total > 0 && !handoff_changed).then(|| reminder(ctx, &edited));
            Some(Reply::system_message(outputs.append_to(handoff, false)))
        }
        Decision::Nudge => {
            s.blocked_prompt = Some(prompt);
            let handoff =
                (edited.total > 0 && !handoff_changed).then(|| block_reason(ctx, &edited));
            Some(Reply::stop_context(format!(
                "[handoff] {}",
                outputs.append_to(handoff, true)
            )))
        }
        Decision::Block => {
            s.blocked_prompt = Some(prompt);
            let handoff =
                (edited.total > 0 && !handoff_changed).then(|| block_reason(ctx, &edited));
            Some(Reply::block(outputs.append_to(handoff, true)))
        }
    };
    // Only write when something changed: most stops read nothing new.
    if s == before {
        return reply;
    }
    match state::save(&ctx.project.sessions_dir(), &s) {
        Ok(()) => reply,
        // Unrecorded, a block or reminder would come back at every stop: fail open.
        Err(e) if reply.is_some() => {
            ctx.state_problem = Some(Unrecorded(e).to_string());
            None
        }
        Err(e) => {
            ctx.state_problem = Some(e.to_string());
            None
        }
    }
}

/// What a session of a pipeline still owes before it stops: its end files, its queue claims.
#[derive(Debug, Default)]
struct Outputs {
    /// `session.end` files (filled in) not written since the session started.
    unwritten: Vec<String>,
    /// Queue items this session's agent holds: their number and text.
    held: Vec<(usize, String)>,
}

impl Outputs {
    /// Gathered without git, from file times and the todo file; any failure counts as nothing due.
    fn of(ctx: &Ctx<'_>, s: &state::SessionState, work_done: bool) -> Self {
        let fleet = &ctx.project.config.fleet;
        let mut out = Self::default();
        if !fleet.end.is_empty() {
            let vars = crate::fleet::boundary::Vars {
                task: ctx.project.task.as_deref(),
                wave: crate::fleet::wave(ctx.env),
            };
            let since = s.started_at.map_or(std::time::UNIX_EPOCH, Into::into);
            let root = &ctx.project.root;
            let unwritten =
                crate::fleet::boundary::unwritten_end_files(root, &fleet.end, vars, since);
            // After work, or when an end file does not exist at all.
            let missing = || {
                unwritten
                    .iter()
                    .any(|p| crate::fleet::glob::expand(root, p).is_empty())
            };
            if work_done || missing() {
                out.unwritten = unwritten;
            }
        }
        if let Some(name) = claimant(ctx.env, &ctx.input.session_id) {
            out.held = held_claims(&ctx.project, &name, ctx.env.now);
        }
        out
    }

    fn due(&self) -> bool {
        !self.unwritten.is_empty() || !self.held.is_empty()
    }

    /// `handoff` (the handoff's request, if it is due) followed by what else is owed; `to_agent`
    /// words it for the model rather than the user.
    fn append_to(&self, handoff: Option<String>, to_agent: bool) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.unwritten.is_empty() {
            let files = self
                .unwritten
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let then = if to_agent {
                "; write them before you stop"
            } else {
                ""
            };
            parts.push(format!(
                "This session's end files are not written yet: {files}{then}."
            ));
        }
        for (n, text) in &self.held {
            let who = if to_agent {
                "You still hold"
            } else {
                "This session still holds"
            };
            parts.push(format!(
                "{who} queue item {n} (\"{text}\"): finish it with `handoff queue done {n}`, or \
                 give it back with `handoff queue release {n}`."
            ));
        }
        let owed = parts.join(" ");
        let text = match handoff {
            Some(h) => format!("{h} {owed}"),
            None if to_agent => owed,
            None => format!("handoff: {owed}"),
        };
        crate::inject::sanitize(text.trim_end()).into_owned()
    }
}

/// The name `handoff queue claim` records for this session's agent, when the hook can know it:
/// `$HANDOFF_AGENT`, the task id, or the session (Claude Code gives the commands it runs
/// `CLAUDE_CODE_SESSION_ID`, and the hook the same id); the host-and-process fallback names a
/// shell Stop never sees.
fn claimant(env: &crate::env::Env, session_id: &str) -> Option<String> {
    if env.var("HANDOFF_AGENT").is_some() || env.var("HANDOFF_TASK").is_some() {
        Some(crate::fleet::agent_name(env, None, 0))
    } else {
        (!session_id.trim().is_empty()).then(|| crate::fleet::session_agent(session_id))
    }
}

/// Items of the queue `name` holds at `now`, numbered as `handoff queue` numbers them; none when
/// the project has no queue or its files can't be read.
fn held_claims(
    project: &crate::project::Project,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(usize, String)> {
    let Ok(queue) = crate::fleet::store::Queue::of(project) else {
        return Vec::new();
    };
    let Ok(snapshot) = queue.read() else {
        return Vec::new();
    };
    let items = snapshot.todo.items();
    snapshot
        .todo
        .held_by(name, now, queue.lease)
        .into_iter()
        .filter_map(|held| {
            let n = items.iter().position(|i| std::ptr::eq(*i, held))?;
            Some((n + 1, held.text.clone()))
        })
        .collect()
}

/// Stop said nothing, though the session's work called for it, because it could not record
/// having said it.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0}; until it can be, Stop does not ask for the handoff update, as it could not keep that to \
     once per prompt — make that folder writable, or set HANDOFF_STATE_DIR to one that is"
)]
struct Unrecorded(state::SaveError);

/// Longest wait for the turn to reach the transcript.
const SETTLE: Duration = Duration::from_secs(1);
/// Pause between looks.
const POLL: Duration = Duration::from_millis(10);

/// Read the transcript up to the end of this turn. Claude Code writes it asynchronously, so the
/// turn's last lines (the edits among them) can land after Stop starts: wait, briefly, until the
/// message Stop reports is on disk — the lines before it are then there too. A message already
/// read in this turn (by an earlier Stop or another hook) is not waited for again.
fn read_turn(ctx: &mut Ctx<'_>, s: &mut crate::state::SessionState) {
    let want = ctx.input.last_assistant_message.trim().to_string();
    let transcript = std::path::Path::new(&ctx.input.transcript_path);
    // Nothing to wait for without a message. A transcript not on disk yet (a first turn written
    // late) is waited for once per session: a session that is never saved has none.
    let worth_waiting = !want.is_empty()
        && !ctx.input.transcript_path.is_empty()
        && (transcript.is_file() || (!transcript.exists() && !s.transcript_missing));
    let settle = ctx
        .env
        .var("HANDOFF_STOP_SETTLE_MS")
        .and_then(|v| v.parse().ok())
        .map_or(SETTLE, Duration::from_millis);
    let deadline = Instant::now() + settle;
    loop {
        let warned = ctx.warnings.len();
        let texts = ctx.catch_up(s);
        // A transcript that can't be read now won't be readable in the next 10 ms either.
        if !worth_waiting || ctx.warnings.len() > warned || already_read(s, &want) {
            return;
        }
        if texts.iter().any(|t| same_message(t, &want)) {
            // Matched by its last block: remember the whole, so a repeat matches at once.
            s.last_text = Some((s.prompts, state::text_hash(&want)));
            return;
        }
        if Instant::now() >= deadline {
            s.transcript_missing = !transcript.is_file();
            return;
        }
        std::thread::sleep(POLL);
    }
}

/// Whether the newest message read is `want`, with no prompt read since: this turn's end is on
/// disk already.
fn already_read(s: &crate::state::SessionState, want: &str) -> bool {
    s.last_text == Some((s.prompts, state::text_hash(want)))
}

/// Whether a transcript line carries the end of the message Stop reports. A message of several
/// text blocks is written one block per line, so the last line holds its end; either side may
/// also be shortened.
fn same_message(text: &str, want: &str) -> bool {
    // Below this, a match could be a coincidence ("Done.").
    const MIN: usize = 40;
    let (text, want) = (text.trim(), want.trim());
    if text.is_empty() {
        return false;
    }
    let long_enough = text.len() >= want.len().min(MIN);
    (want.ends_with(text) && long_enough) || (want.len() >= MIN && text.starts_with(want))
}

/// "src/a.rs, src/b.rs and 3 more"
fn files_summary(edited: &Edited) -> String {
    const SHOWN: usize = 3;
    let mut s = edited
        .files
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let shown = edited.files.len().min(SHOWN);
    if edited.total > shown {
        let _ = write!(s, " and {} more", edited.total - shown);
    }
    s
}

fn since(ctx: &Ctx<'_>) -> String {
    match ctx.handoff_age() {
        Some(age) => format!("last changed {age}"),
        None => "it does not exist yet".to_string(),
    }
}

fn reminder(ctx: &Ctx<'_>, edited: &Edited) -> String {
    if !ctx.project.handoff_exists() {
        return format!(
            "handoff: this session changed {} but there is no {} yet. Ask Claude to write one (or run \
             `handoff init`) before you finish.",
            files_summary(edited),
            ctx.project.handoff_display
        );
    }
    format!(
        "handoff: {} was not updated this session ({}), though {} changed. Ask Claude to bring it up \
         to date before you finish.",
        ctx.project.handoff_display,
        since(ctx),
        files_summary(edited)
    )
}

fn block_reason(ctx: &Ctx<'_>, edited: &Edited) -> String {
    let display = &ctx.project.handoff_display;
    let sections = ctx
        .project
        .handoff()
        .map(section_titles)
        .unwrap_or_default();
    let what = if sections.is_empty() {
        format!(
            "Create {display} (`handoff init` writes a template) with {}",
            crate::doc::roles::listing(&crate::doc::roles::KEEP_UP)
        )
    } else {
        format!(
            "Bring {display} up to date — {} — with what this session did, learned and decided",
            sections.join(", ")
        )
    };
    format!(
        "This session changed {} but {display} has not been updated ({}). {what}, so the next session \
         can continue from it. Then stop.",
        files_summary(edited),
        since(ctx)
    )
}

/// The handoff's section titles, for telling the agent what to update.
fn section_titles(path: &std::path::Path) -> Vec<String> {
    let read = crate::confine::open_regular(path).and_then(std::io::read_to_string);
    let Ok(text) = read else {
        return Vec::new();
    };
    let mut titles = crate::doc::outline::part_titles(&text);
    titles.truncate(10);
    titles
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{Block, Nudge, Remind, Silent};

    fn worked(mode: StopMode) -> Facts {
        Facts {
            mode,
            work_done: true,
            ..Facts::default()
        }
    }

    #[track_caller]
    fn case(f: Facts, want: Decision) {
        assert_eq!(decide(f), want, "{f:?}");
    }

    #[test]
    fn decision_table() {
        use StopMode::{Enforce, Off, Remind as R};
        // No work, or the handoff was updated: silent in every mode.
        for mode in [Off, R, Enforce] {
            case(
                Facts {
                    mode,
                    ..Facts::default()
                },
                Silent,
            );
            case(
                Facts {
                    handoff_changed: true,
                    ..worked(mode)
                },
                Silent,
            );
        }
        case(worked(Off), Silent);
        case(worked(R), Remind);
        case(
            Facts {
                reminded_this_prompt: true,
                ..worked(R)
            },
            Silent,
        );
        case(worked(Enforce), Block);
        // Loop guards: fall back to telling the user, once.
        case(
            Facts {
                hook_active: true,
                ..worked(Enforce)
            },
            Remind,
        );
        case(
            Facts {
                asked_this_prompt: true,
                ..worked(Enforce)
            },
            Remind,
        );
        case(
            Facts {
                asked_this_prompt: true,
                reminded_this_prompt: true,
                ..worked(Enforce)
            },
            Silent,
        );
        // HANDOFF_SKIP=1: nothing at all.
        case(
            Facts {
                skip: true,
                ..worked(Enforce)
            },
            Silent,
        );
        case(
            Facts {
                skip: true,
                ..worked(R)
            },
            Silent,
        );
    }

    #[test]
    fn owed_outputs_are_asked_for_in_every_mode_even_after_the_handoff() {
        use StopMode::{Enforce, Nudge as N, Off, Remind as R};
        for (mode, want) in [(R, Remind), (N, Nudge), (Enforce, Block), (Off, Silent)] {
            let owed = Facts {
                mode,
                outputs_due: true,
                ..Facts::default()
            };
            case(owed, want);
            case(
                Facts {
                    handoff_changed: true,
                    work_done: true,
                    ..owed
                },
                want,
            );
            case(Facts { skip: true, ..owed }, Silent);
        }
    }

    #[test]
    fn nudge_tells_the_agent_once_then_the_user() {
        use StopMode::Nudge as N;
        case(worked(N), Nudge);
        for f in [
            Facts {
                hook_active: true,
                ..worked(N)
            },
            Facts {
                asked_this_prompt: true,
                ..worked(N)
            },
        ] {
            case(f, Remind);
            case(
                Facts {
                    reminded_this_prompt: true,
                    ..f
                },
                Silent,
            );
        }
        for f in [
            Facts {
                skip: true,
                ..worked(N)
            },
            Facts {
                handoff_changed: true,
                ..worked(N)
            },
            Facts {
                mode: N,
                ..Facts::default()
            },
        ] {
            case(f, Silent);
        }
    }

    #[test]
    fn background_work_defers_asking_the_agent_not_the_user() {
        let waiting = |mode| Facts {
            waiting: true,
            ..worked(mode)
        };
        case(waiting(StopMode::Enforce), Silent);
        case(waiting(StopMode::Nudge), Silent);
        case(waiting(StopMode::Remind), Remind);
        case(waiting(StopMode::Off), Silent);
    }

    #[test]
    fn never_asks_the_agent_while_continuing_from_a_block() {
        for blocked in [false, true] {
            for reminded in [false, true] {
                let f = Facts {
                    hook_active: true,
                    asked_this_prompt: blocked,
                    reminded_this_prompt: reminded,
                    ..worked(StopMode::Enforce)
                };
                assert_ne!(decide(f), Block);
                let nudge = Facts {
                    mode: StopMode::Nudge,
                    ..f
                };
                assert_ne!(decide(nudge), Nudge);
            }
        }
    }

    #[test]
    fn messages_match_whole_or_by_their_last_block() {
        let long = "The parser now handles nested fences; tests added for both cases.";
        for (text, want, same) in [
            ("  done\n", "done", true),
            ("done.", "done", false),
            ("", "done", false),
            (long, long, true),
            // The last of several text blocks: the end of the message.
            (&long[20..], long, true),
            // A short earlier message that happens to end the same way.
            ("cases.", long, false),
            // Stop's copy shortened.
            (long, &long[..45], true),
            (long, &long[..10], false),
        ] {
            assert_eq!(same_message(text, want), same, "{text:?} vs {want:?}");
        }
    }

    #[test]
    fn a_message_read_in_this_turn_is_not_waited_for() {
        let mut s = crate::state::SessionState {
            prompts: 2,
            ..Default::default()
        };
        assert!(!already_read(&s, "done"));
        s.last_text = Some((2, state::text_hash("done\n")));
        assert!(already_read(&s, "done"));
        assert!(!already_read(&s, "other"));
        // A prompt read since: a new turn, whose end may not be written yet.
        s.prompts = 3;
        assert!(!already_read(&s, "done"));
    }

    #[test]
    fn file_lists_are_short() {
        let edited = |n: usize, total: usize| Edited {
            files: (1..=n).map(|i| format!("f{i}")).collect(),
            total,
        };
        assert_eq!(files_summary(&edited(1, 1)), "f1");
        assert_eq!(files_summary(&edited(5, 5)), "f1, f2, f3 and 2 more");
        // Past the list, the count still tells.
        assert_eq!(
            files_summary(&edited(5, 40_000)),
            "f1, f2, f3 and 39997 more"
        );
    }
}
