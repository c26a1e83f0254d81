//! The command line, declared with clap and free of side effects; `///` comments are the help text.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::scope::Scope;
use crate::templates::Template;

/// Keep a session handoff in front of Claude Code across new sessions and compactions.
#[derive(Debug, Parser)]
#[command(name = "handoff", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// Work on a task's memory file (working/ID/session_memory.md, or "task_path" in
    /// .claude/handoff.json) instead of the project's handoff; default: $HANDOFF_TASK.
    #[arg(long, global = true, value_name = "ID", value_parser = crate::project::parse_task)]
    pub task: Option<String>,

    /// Use FILE as the project's handoff instead of the configured path. It may be anywhere: the
    /// paths in a repository's own files must stay inside it, but this one is yours. Default:
    /// $HANDOFF_FILE.
    #[arg(long, global = true, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// The wave this session belongs to, for a pipeline's relayed findings ("waves" in
    /// .claude/handoff.json); default: $HANDOFF_WAVE.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub wave: Option<u32>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run as a Claude Code hook: read one event on stdin, reply on stdout.
    ///
    /// Wire it for SessionStart, UserPromptSubmit, Stop, PreCompact and SessionEnd. It always exits
    /// 0 and never blocks by accident: problems go to stderr as one line.
    ///
    /// Example: echo '{"hook_event_name":"SessionStart","source":"startup"}' | handoff hook
    Hook,

    /// Create the handoff file from a template and add the session protocol to CLAUDE.md.
    ///
    /// Never overwrites: an existing handoff is left as it is, and the CLAUDE.md block (between
    /// `<!-- handoff:begin -->` and `<!-- handoff:end -->`) is added once and updated in place.
    ///
    /// Example: handoff init --template campaign
    Init(InitArgs),

    /// Add the hooks to Claude Code's settings.json, keeping everything else in the file.
    ///
    /// Registers `handoff hook` for SessionStart, UserPromptSubmit, Stop, PreCompact and SessionEnd,
    /// or updates handoff's own entries in place. Only the bytes that must change do: indentation
    /// (spaces or tabs), CRLF line endings, the final newline and every other key stay as they are,
    /// and new entries follow the layout around them. Running it again changes nothing; the previous
    /// file is kept in the state folder (the output names it). A file that is not valid JSON, or
    /// that has a key twice in one object, is left untouched.
    ///
    /// Example: handoff install --scope local --dry-run
    Install(InstallArgs),

    /// Remove the hooks from settings.json and the session protocol from CLAUDE.md.
    ///
    /// Removes only handoff's own entries (and the groups, lists and `hooks` object that leaves
    /// empty), and the block between the handoff markers in this project's CLAUDE.md. The handoff
    /// file itself is kept.
    ///
    /// Example: handoff uninstall --scope user
    Uninstall(UninstallArgs),

    /// Check the setup: binary, hooks in each scope, the handoff and its size, state folder, git,
    /// and whether the last session received the handoff whole.
    ///
    /// Prints one line per check and exits 1 if any check fails.
    ///
    /// Example: handoff doctor --json
    Doctor(DoctorArgs),

    /// Record a decision, discovery, progress note, failure or next step, timestamped.
    ///
    /// Appends `- <UTC time> — TEXT` to the matching section: Key Decisions, Key Discoveries, What
    /// Was Done, What Failed or What's Next (or the memory and campaign templates' Decisions Made,
    /// Decisions Log, Progress Markers, Build Log, Next Session Start, Remaining Work), creating it
    /// when missing. The rest of the file keeps its bytes and line endings; many processes may
    /// record at once without losing an entry.
    ///
    /// Example: handoff checkpoint --failed "mocking the socket: the renderer bypasses it"
    Checkpoint(CheckpointArgs),

    /// The work queue: list What's Next, add to it, start an item, or move one to What Was Done.
    ///
    /// Works on What's Next, Next Session Start or Remaining Work, whichever the handoff has; done
    /// items go to What Was Done, Progress Markers or Build Log with the date.
    ///
    /// Example: handoff next add --priority P1 "write the README"
    Next(NextArgs),

    /// Write a postmortem from the template into docs/postmortems/ and print its path.
    ///
    /// The file is named `YYYY-MM-DD-<title>.md`. Every session start lists the postmortems (title
    /// and Prevention line, newest first) after the handoff's most important sections.
    ///
    /// Example: handoff postmortem "Lost checkpoints under load"
    Postmortem(PostmortemArgs),

    /// Print the session log: a digest per session (and per compaction) — prompts, files changed,
    /// failed commands, whether the handoff was updated.
    ///
    /// Example: handoff log -n 5
    Log(LogArgs),

    /// Print the handoff, or its structure as JSON (schema in docs/json-schema.md).
    ///
    /// Example: handoff show --json | jq '.sections[] | select(.role == "next") | .items'
    Show(ShowArgs),

    /// List the copies of the handoff saved before each compaction; show one, or diff it against
    /// the current handoff.
    ///
    /// Copies are numbered from 1, the newest.
    ///
    /// Example: handoff history diff 1
    History(HistoryArgs),

    /// The handoff at a glance: age, commits since its last update, size against the budget,
    /// sections, the next item, the last session.
    ///
    /// Example: handoff status --json
    Status(StatusArgs),

    /// One row per project under the given folders: handoff age, commits since, next item, newest
    /// failure, sessions since the update — stalest first.
    ///
    /// Looks for projects (a .claude/handoff.json or docs/SESSION-HANDOFF.md) up to --depth folders
    /// down, skipping hidden folders, node_modules and target. Shows the project handoffs, not
    /// task files.
    ///
    /// Example: handoff overview ~/src --depth 2
    Overview(OverviewArgs),

    /// Check the handoff for CI or a pre-commit hook: required sections, size within the budget,
    /// updated within N commits of HEAD, no secrets (each named by line and kind, never its value).
    ///
    /// Prints one line per problem and exits 1, or one line saying all is well. Defaults come from
    /// "check" in .claude/handoff.json ({"required": [...], "max_commits": 20}).
    ///
    /// Example: handoff check --max-commits 10 --require "Current State"
    Check(CheckArgs),

    /// A queue of work shared by many sessions: the todo and done files named by "queue" in
    /// .claude/handoff.json.
    ///
    /// Without an action, lists pending items, claimed ones (who, since when) and how many are
    /// done. A claim older than the lease ("lease", default 2h) is free again. With "sync": "git"
    /// (or --sync) every change pulls with rebase, commits only the queue files and pushes,
    /// retrying when another clone pushed first.
    ///
    /// Example: handoff queue claim --as writer-3, then handoff queue done --as writer-3 "<the
    /// text it printed>" (give the same --as each time: each command runs in its own shell)
    Queue(QueueArgs),

    /// The findings of each wave (the "waves" folders in .claude/handoff.json) and who wrote them.
    ///
    /// A session of wave N (--wave N or $HANDOFF_WAVE) sees waves 1 to N only.
    ///
    /// Example: handoff wave --json
    Wave(WaveArgs),

    /// Print a shell completion script.
    ///
    /// Example: handoff completions bash > ~/.local/share/bash-completion/completions/handoff
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff), or write one page per command into a folder.
    ///
    /// Example: handoff man | man -l -
    Man {
        /// Write handoff.1, handoff-init.1, … into this folder instead of printing handoff.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Options of `handoff init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The template for a new handoff file.
    #[arg(long, short, value_enum, default_value_t)]
    pub template: Template,
    /// Where to put the handoff, relative to the project root (saved in .claude/handoff.json);
    /// default: the configured path, docs/SESSION-HANDOFF.md.
    #[arg(long, value_name = "FILE")]
    pub path: Option<PathBuf>,
    /// Leave CLAUDE.md alone.
    #[arg(long)]
    pub no_claude_md: bool,
}

/// Options of `handoff install`.
#[derive(Debug, Args)]
pub(crate) struct InstallArgs {
    /// Which settings file to edit.
    #[arg(long, value_enum, default_value_t)]
    pub scope: Scope,
    /// The program the hooks run; default: this binary's absolute path.
    #[arg(long, value_name = "PATH")]
    pub command: Option<PathBuf>,
    /// Print the change as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Install even though the hooks already run from another scope or the plugin.
    #[arg(long)]
    pub force: bool,
}

/// Options of `handoff uninstall`.
#[derive(Debug, Args)]
pub(crate) struct UninstallArgs {
    /// Which settings file to edit.
    #[arg(long, value_enum, default_value_t)]
    pub scope: Scope,
    /// Print the changes as unified diffs and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Leave CLAUDE.md alone.
    #[arg(long)]
    pub keep_claude_md: bool,
    /// Change nothing; list the settings files `handoff install` wired (in any project) that
    /// still run the hooks, one `SCOPE<TAB>PROJECT<TAB>FILE` line each.
    #[arg(long, conflicts_with_all = ["dry_run", "keep_claude_md"])]
    pub list_wired: bool,
}

/// Options of `handoff checkpoint`.
#[derive(Debug, Args)]
pub(crate) struct CheckpointArgs {
    /// What to record; several words are joined with spaces.
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub kind: CheckpointKind,
}

/// Which section a checkpoint goes to; progress when none is given.
#[derive(Debug, Args, Default)]
#[group(multiple = false)]
#[allow(clippy::struct_excessive_bools)] // one flag per kind, at most one set (clap group)
pub(crate) struct CheckpointKind {
    /// A decision and its reason (Key Decisions).
    #[arg(long)]
    pub decision: bool,
    /// Something learned (Key Discoveries).
    #[arg(long)]
    pub discovery: bool,
    /// Progress (What Was Done); the default.
    #[arg(long)]
    pub progress: bool,
    /// An approach that didn't work, and why (What Failed).
    #[arg(long)]
    pub failed: bool,
    /// A next step (What's Next).
    #[arg(long)]
    pub next: bool,
}

/// Options of `handoff next`.
#[derive(Debug, Args)]
pub(crate) struct NextArgs {
    #[command(subcommand)]
    pub action: Option<NextAction>,
}

/// What `handoff next` does; without one, it lists the queue.
#[derive(Debug, Subcommand)]
pub(crate) enum NextAction {
    /// Add an item: after the others of its priority, or at the end.
    ///
    /// Example: handoff next add -p P0 "fix the login redirect"
    Add {
        /// P0, P1 or P2 (P0 first).
        #[arg(long, short, value_name = "P", value_parser = parse_priority)]
        priority: Option<u8>,
        /// The item; several words are joined with spaces.
        #[arg(required = true, value_name = "TEXT")]
        text: Vec<String>,
    },
    /// Mark an item IN_PROGRESS.
    ///
    /// Example: handoff next start 1
    Start {
        /// Its number in `handoff next`, or words from it.
        #[arg(required = true, value_name = "ITEM")]
        item: Vec<String>,
    },
    /// Move an item to What Was Done, with today's date.
    ///
    /// Example: handoff next done "login redirect"
    Done {
        /// Its number in `handoff next`, or words from it.
        #[arg(required = true, value_name = "ITEM")]
        item: Vec<String>,
    },
}

/// A `--priority` that isn't one.
#[derive(Debug, thiserror::Error)]
#[error("a priority is P0, P1 or P2 (P0 is the most urgent)")]
pub(crate) struct BadPriority;

/// `P0`, `p1`, `2`: a priority from 0 to 9.
fn parse_priority(s: &str) -> Result<u8, BadPriority> {
    let digits = s.trim().trim_start_matches(['P', 'p']);
    match digits.parse::<u8>() {
        Ok(n) if n <= 9 => Ok(n),
        _ => Err(BadPriority),
    }
}

/// Options of `handoff postmortem`.
#[derive(Debug, Args)]
pub(crate) struct PostmortemArgs {
    /// The title; several words are joined with spaces.
    #[arg(required = true, value_name = "TITLE")]
    pub title: Vec<String>,
}

/// Options of `handoff log`.
#[derive(Debug, Args)]
pub(crate) struct LogArgs {
    /// Only the last N entries.
    #[arg(long, short = 'n', value_name = "N")]
    pub last: Option<usize>,
    /// Print the entries as they are stored: one JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// Options of `handoff show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Print the structure as JSON: sections in order, their items with priority, status and
    /// timestamp (schema in docs/json-schema.md).
    #[arg(long)]
    pub json: bool,
}

/// Options of `handoff history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
}

/// What `handoff history` does; without one, it lists the copies.
#[derive(Debug, Subcommand)]
pub(crate) enum HistoryAction {
    /// Print copy N (1 is the newest).
    ///
    /// Example: handoff history show 2
    Show {
        /// The copy's number in `handoff history`.
        n: usize,
    },
    /// Unified diff from copy N to the current handoff.
    ///
    /// Example: handoff history diff 1
    Diff {
        /// The copy's number in `handoff history`.
        n: usize,
    },
}

/// Options of `handoff status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// Print one JSON object, for scripts and status lines.
    #[arg(long)]
    pub json: bool,
}

/// Options of `handoff overview`.
#[derive(Debug, Args)]
pub(crate) struct OverviewArgs {
    /// Folders to look in; default: the current one.
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// How many folders down to look for projects.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub depth: usize,
    /// Print a JSON array, stalest first.
    #[arg(long)]
    pub json: bool,
}

/// Options of `handoff queue`.
#[derive(Debug, Args)]
pub(crate) struct QueueArgs {
    #[command(subcommand)]
    pub action: Option<QueueAction>,
    /// Print the queue as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Share the change through git (pull, commit the queue files, push), as "sync": "git" does.
    #[arg(long, global = true)]
    pub sync: bool,
}

/// What `handoff queue` does; without one, it lists the queue.
#[derive(Debug, Subcommand)]
pub(crate) enum QueueAction {
    /// Add an item at the end of the todo file.
    ///
    /// Example: handoff queue add "https://example.com/page"
    Add {
        /// The item; several words are joined with spaces.
        #[arg(required = true, value_name = "TEXT")]
        text: Vec<String>,
    },
    /// Take the first item nobody holds, mark it claimed, and print its text alone.
    ///
    /// Exits 1 with one line on stderr when nothing is left.
    ///
    /// Example: handoff queue claim --as writer-3
    Claim {
        /// Who claims it; default: $HANDOFF_AGENT, else the task id, else host:pid of the caller.
        #[arg(long = "as", value_name = "NAME")]
        name: Option<String>,
    },
    /// Move an item to the done file, with its holder, its claim's time and the time now.
    ///
    /// Only the item's holder finishes it: a number must name an item you hold (numbers shift as
    /// others finish), so the text `claim` printed is the safer handle.
    ///
    /// Example: handoff queue done --as writer-3 "https://example.com/page"
    Done(HeldItem),
    /// Free a claimed item for others.
    ///
    /// Example: handoff queue release --as writer-3 "https://example.com/page"
    Release(HeldItem),
}

/// The item `queue done` or `queue release` acts on, and who holds it.
#[derive(Debug, Args)]
pub(crate) struct HeldItem {
    /// Its number in `handoff queue`, its text, or words from it.
    #[arg(required = true, value_name = "ITEM")]
    pub item: Vec<String>,
    /// Who holds it; default as for `claim`.
    #[arg(long = "as", value_name = "NAME")]
    pub name: Option<String>,
    /// Act even if another agent holds it, or a number names an item you don't hold.
    #[arg(long)]
    pub force: bool,
}

/// Options of `handoff wave`.
#[derive(Debug, Args)]
pub(crate) struct WaveArgs {
    /// Print the waves as a JSON array.
    #[arg(long)]
    pub json: bool,
}

/// Options of `handoff check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Fail when HEAD is more than N commits past the handoff's last update.
    #[arg(long, value_name = "N")]
    pub max_commits: Option<usize>,
    /// A section that must exist: a role (`next`, `state`, ...) or `a|b` title alternatives;
    /// repeat for more. Replaces the
    /// configured list.
    #[arg(long, value_name = "SECTION")]
    pub require: Vec<String>,
}

/// Options of `handoff doctor`.
#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// Print the checks as one JSON object, for scripts.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn priorities() {
        for (s, want) in [
            ("P0", Ok(0)),
            ("p2", Ok(2)),
            ("1", Ok(1)),
            ("P10", Err(())),
            ("high", Err(())),
        ] {
            assert_eq!(parse_priority(s).map_err(|_| ()), want, "{s}");
        }
    }
}
