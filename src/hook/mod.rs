//! Hook events: stdin JSON in, at most one reply out (one JSON object; PreCompact: plain text).
//!
//! Every handler fails open: a problem becomes a warning for stderr, never a non-zero exit or a
//! half-written reply.

pub(crate) mod input;
pub(crate) mod output;
pub(crate) mod pre_compact;
pub(crate) mod resume;
pub(crate) mod session_end;
pub(crate) mod session_start;
pub(crate) mod stop;
pub(crate) mod user_prompt;

use std::path::Path;

use crate::env::Env;
use crate::project::Project;
use crate::state::{self, SessionState};
use crate::transcript;
pub(crate) use input::HookInput;
pub(crate) use output::Reply;

/// Only this much of an unknown transcript is read when a session's state is missing, so a hook
/// installed mid-session never reads a huge file end to end.
const CATCH_UP_LIMIT: u64 = 8 * 1024 * 1024;

/// The files a session edited: the first of them by name, and how many there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Edited {
    /// The first [`state::MAX_EDITED`], first-seen order.
    pub files: Vec<String>,
    /// All of them, listed or not.
    pub total: usize,
}

/// What handling one event produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The JSON reply for stdout, if any.
    pub reply: Option<String>,
    /// Problems to report on stderr.
    pub warnings: Vec<String>,
}

/// Everything a handler needs: the event, the environment, the project, and a place for warnings.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub input: &'a HookInput,
    pub env: &'a Env,
    pub project: Project,
    pub warnings: Vec<String>,
    /// The state folder's problem, said once at the end: a load and a save that fail for one
    /// cause would otherwise say it twice. A save's failure replaces a load's.
    pub state_problem: Option<String>,
    /// git's answer on the handoff's staleness, started early ([`Self::start_staleness`]).
    pub pending_staleness: Option<crate::staleness::Pending>,
}

impl Ctx<'_> {
    /// Note a problem for stderr.
    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        // A problem met on every poll of a loop is still one problem.
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    /// This session's saved state, if any; unreadable state is reported and treated as none.
    pub(crate) fn load_state(&mut self) -> Option<SessionState> {
        match state::load(&self.project.sessions_dir(), &self.input.session_id) {
            Ok(s) => s,
            Err(e) => {
                self.state_problem
                    .get_or_insert_with(|| format!("session state unreadable: {e}"));
                None
            }
        }
    }

    /// Save this session's state; failure (e.g. a full disk) is reported, never fatal.
    pub(crate) fn save_state(&mut self, s: &SessionState) -> bool {
        match state::save(&self.project.sessions_dir(), s) {
            Ok(()) => true,
            Err(e) => {
                self.state_problem = Some(e.to_string());
                false
            }
        }
    }

    /// A state for a session first seen now, reading forward from the transcript's current end
    /// (or its last 8 MiB when `catch_up`).
    pub(crate) fn new_state(&self, catch_up: bool) -> SessionState {
        let mut s = SessionState::new(&self.input.session_id, self.env.now);
        s.handoff_at_start = self.project.handoff().ok().and_then(state::Fingerprint::of);
        s.transcript_path.clone_from(&self.input.transcript_path);
        let len = transcript_len(&self.input.transcript_path);
        s.transcript_offset = if catch_up {
            len.saturating_sub(CATCH_UP_LIMIT)
        } else {
            len
        };
        s
    }

    /// Read what the transcript gained since the last call into `s`; returns the assistant
    /// messages read.
    pub(crate) fn catch_up(&mut self, s: &mut SessionState) -> Vec<String> {
        let path = &self.input.transcript_path;
        if path.is_empty() {
            return Vec::new();
        }
        if s.transcript_path != *path {
            // A different transcript (e.g. after a fork): follow the new one from its start.
            s.transcript_path.clone_from(path);
            s.transcript_offset = transcript_len(path).saturating_sub(CATCH_UP_LIMIT);
            s.transcript_mid_line = false;
        }
        let from = (s.transcript_offset, s.transcript_mid_line);
        match transcript::activity_since(Path::new(path), from.0, from.1) {
            Ok(mut activity) => {
                // The handoff is not work to remind about, and kept out it can't fill the list.
                activity
                    .edited
                    .retain(|p| !self.project.is_handoff(Path::new(p)));
                s.absorb(activity)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                self.warn(format!("could not read the transcript: {e}"));
                Vec::new()
            }
        }
    }

    /// Files this session edited, other than the handoff, relative to the project root.
    pub(crate) fn edited_files(&self, s: &SessionState) -> Edited {
        let files: Vec<String> = s
            .edited
            .iter()
            .map(Path::new)
            .filter(|p| !self.project.is_handoff(p))
            .map(|p| crate::project::display_relative(&self.project.root, p))
            .collect();
        // State from before the handoff was kept out of the list may still name it.
        let handoff = s.edited.len() - files.len();
        Edited {
            total: s.edited_count().saturating_sub(handoff).max(files.len()),
            files,
        }
    }

    /// Start asking git how far the code has moved since the handoff changed, so git runs while
    /// the hook does its own work; [`Self::staleness`] takes the answer.
    pub(crate) fn start_staleness(&mut self, deadline: std::time::Duration) {
        if self.project.handoff_exists() {
            self.pending_staleness = Some(self.project.start_staleness(deadline));
        }
    }

    /// The staleness started earlier (with the deadline it was started with), or asked now with
    /// `deadline`.
    pub(crate) fn staleness(
        &mut self,
        deadline: std::time::Duration,
    ) -> Result<Option<crate::staleness::Staleness>, crate::git::GitError> {
        match self.pending_staleness.take() {
            Some(pending) => pending.finish(),
            None => self.project.staleness(deadline),
        }
    }

    /// Bring the staleness cache up to date now, off the SessionStart path: commits made during
    /// the session would otherwise make the next start run git. Git gets `deadline`.
    pub(crate) fn warm_staleness(&self, deadline: std::time::Duration) {
        if self.project.handoff_exists() {
            // A failure here shows up, once, at the next SessionStart.
            let _ = self.project.staleness(deadline);
        }
    }

    /// "3 hours ago" for the handoff's last change, if it exists.
    pub(crate) fn handoff_age(&self) -> Option<String> {
        let modified = self.project.handoff_modified()?;
        Some(crate::timefmt::age(modified, self.env.now))
    }
}

fn transcript_len(path: &str) -> u64 {
    if path.is_empty() {
        return 0;
    }
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Handle one hook event.
pub fn handle(bytes: &[u8], env: &Env) -> Outcome {
    let input = match HookInput::parse(bytes) {
        Ok(input) => input,
        Err(e) => {
            return Outcome {
                reply: None,
                warnings: vec![format!("could not read the hook event on stdin: {e}")],
            };
        }
    };
    let project = Project::discover(env, Some(&input.cwd));
    let mut warnings = project.config.warnings.clone();
    warnings.extend(project.refused().map(ToString::to_string));
    warnings
        .extend(crate::project::bad_task(env).map(|p| format!("{p}; using the project's handoff")));
    let mut ctx = Ctx {
        input: &input,
        env,
        warnings,
        project,
        state_problem: None,
        pending_staleness: None,
    };
    let reply = match input.hook_event_name.as_str() {
        "SessionStart" => session_start::handle(&mut ctx),
        "UserPromptSubmit" => user_prompt::handle(&mut ctx),
        "Stop" => stop::handle(&mut ctx),
        "PreCompact" => pre_compact::handle(&mut ctx),
        "SessionEnd" => session_end::handle(&mut ctx),
        // Events we don't handle: exit 0, no output.
        _ => None,
    };
    if let Some(problem) = ctx.state_problem.take() {
        ctx.warn(problem);
    }
    Outcome {
        reply: reply.map(|r| r.to_stdout()),
        warnings: ctx.warnings,
    }
}
