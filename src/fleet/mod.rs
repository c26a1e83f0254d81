//! Many sessions working as one pipeline, coordinated only through files in the project: the
//! session boundary ([`boundary`]), a queue of todo and done files ([`queue`] as text, [`store`]
//! under a lock, [`git_sync`] across clones), and findings relayed from wave to wave ([`waves`]).
pub(crate) mod boundary;
pub(crate) mod git_sync;
pub(crate) mod glob;
pub(crate) mod pipeline;
pub(crate) mod queue;
pub(crate) mod store;
pub(crate) mod waves;

use crate::env::Env;

/// Why a queue or wave command could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FleetError {
    /// The config names no queue.
    #[error("this project has no queue; add \"queue\": {{\"todo\": \"todo.md\", \"done\": \"done.md\"}} to .claude/handoff.json, or run `handoff init --template pipeline`")]
    NoQueue,
    /// The config could not be read, so whether it names a queue or waves is unknown.
    #[error("could not read the config, so its queue and waves are unknown: fix {0}")]
    Config(String),
    /// The config names no wave folders.
    #[error("this project has no waves; add \"waves\": \"discovery/wave-{{wave}}\" to .claude/handoff.json")]
    NoWaves,
    /// A queue or wave file leads outside the project.
    #[error(transparent)]
    Refused(#[from] crate::confine::Refused),
    /// Reading or writing a queue file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// `done` or `release` could not tell which item was meant.
    #[error(transparent)]
    Pick(#[from] queue::Pick),
    /// Every item is claimed or the todo file is empty.
    #[error("nothing left to claim in {file} ({claimed} claimed, none free)")]
    NothingLeft { file: String, claimed: usize },
    /// `done` or `release` of an item another agent holds.
    #[error("\"{text}\" is claimed by {by}; only its holder finishes or releases it (--force does it anyway)")]
    HeldByOther { text: String, by: String },
    /// `done N` or `release N` where item N is not the caller's (numbers shift as others finish).
    #[error("item {n} is now \"{text}\", which {who} does not hold; give the item's text as `handoff queue claim` printed it (--force does it anyway)")]
    NotHeld { n: usize, text: String, who: String },
    /// `release` of an item nobody holds.
    #[error("\"{0}\" is not claimed; nothing to release")]
    NotClaimed(String),
    /// An item's text is empty.
    #[error("an item needs some text")]
    EmptyItem,
    /// A step of git sync failed, and the clone was put back as it was.
    #[error("{step}: {why}; the queue was not changed")]
    SyncFailed { step: String, why: Box<FleetError> },
    /// Git's own words.
    #[error("{0}")]
    Git(String),
}

/// Who is claiming: `$HANDOFF_AGENT`, else the task id, else the Claude Code session (every
/// Bash tool command of one session inherits `$CLAUDE_CODE_SESSION_ID`, while its shell's pid
/// changes), else this host and the process that ran us.
pub(crate) fn agent_name(env: &Env, host: Option<&str>, parent_pid: u32) -> String {
    let named = |var: &str| {
        env.var(var)
            .map(|n| queue::clean(n, true))
            .filter(|n| !n.is_empty())
    };
    let chosen = named("HANDOFF_AGENT")
        .or_else(|| named("HANDOFF_TASK"))
        .or_else(|| named("CLAUDE_CODE_SESSION_ID").map(|id| session_agent(&id)));
    chosen.unwrap_or_else(|| {
        let host = host
            .map(|h| queue::clean(h, true))
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        format!("{host}:{parent_pid}")
    })
}

/// The agent name of the Claude Code session `id` (the hooks' `session_id`): `session-` and its
/// first 8 characters.
pub(crate) fn session_agent(id: &str) -> String {
    let id = queue::clean(id, true);
    format!("session-{}", id.chars().take(8).collect::<String>())
}

/// The wave this session is in: `$HANDOFF_WAVE` (`--wave` sets it), when it is a number from 1.
pub(crate) fn wave(env: &Env) -> Option<u32> {
    env.var("HANDOFF_WAVE")
        .and_then(|w| w.trim().parse().ok())
        .filter(|w| *w >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_names() {
        for (vars, host, want) in [
            (
                &[("HANDOFF_AGENT", "alice"), ("HANDOFF_TASK", "T-1")][..],
                Some("box"),
                "alice",
            ),
            (&[("HANDOFF_TASK", "T-1")][..], Some("box"), "T-1"),
            (
                &[(
                    "CLAUDE_CODE_SESSION_ID",
                    "0b9e54f1-77aa-4c1e-9d0e-3f2a1b6c8d90",
                )][..],
                Some("box"),
                "session-0b9e54f1",
            ),
            (
                &[
                    ("HANDOFF_TASK", "T-1"),
                    ("CLAUDE_CODE_SESSION_ID", "0b9e54f1"),
                ][..],
                Some("box"),
                "T-1",
            ),
            (
                &[("CLAUDE_CODE_SESSION_ID", " ")][..],
                Some("box"),
                "box:42",
            ),
            (&[][..], Some("box"), "box:42"),
            (&[][..], None, "localhost:42"),
            (&[("HANDOFF_AGENT", "bot (v2)\n")][..], None, "bot -v2-"),
        ] {
            assert_eq!(agent_name(&Env::for_test(vars, "/"), host, 42), want);
        }
    }

    #[test]
    fn waves_from_the_environment() {
        for (value, want) in [("3", Some(3)), (" 2 ", Some(2)), ("0", None), ("x", None)] {
            assert_eq!(wave(&Env::for_test(&[("HANDOFF_WAVE", value)], "/")), want);
        }
        assert_eq!(wave(&Env::for_test(&[], "/")), None);
    }
}
