//! `handoff log`: the session log, one digest per session end or compaction.
use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use crate::cli::LogArgs;
use crate::env::Env;
use crate::error::Result;
use crate::project::Project;
use crate::session_log::{self, Entry};
use crate::timefmt;

/// Print the log, oldest first (the last N with `-n`).
pub(crate) fn run(args: &LogArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let entries = session_log::read(&project.session_log())?;
    let skip = args.last.map_or(0, |n| entries.len().saturating_sub(n));
    let entries = &entries[skip..];
    if args.json {
        for e in entries {
            println!("{}", serde_json::to_string(e).unwrap_or_default());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        println!(
            "No sessions logged for {} yet: the SessionEnd and PreCompact hooks write a digest of each.",
            project.handoff_display
        );
        return Ok(ExitCode::SUCCESS);
    }
    for e in entries {
        print!("{}", format_entry(e));
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "2026-11-21 09:00–12:00 UTC", or the end alone when the start is unknown (or, from a clock
/// that was set back, later than the end).
fn span(e: &Entry) -> String {
    let end = e.end_time();
    let start = e
        .start
        .as_deref()
        .and_then(parse_time)
        .filter(|s| end.is_some_and(|t| *s <= t));
    match (start, end) {
        (Some(s), Some(t)) if s.date_naive() == t.date_naive() => {
            format!("{}–{}", s.format("%Y-%m-%d %H:%M"), t.format("%H:%M UTC"))
        }
        (Some(s), Some(t)) => format!("{}–{}", s.format("%Y-%m-%d %H:%M"), timefmt::stamp(t)),
        (None, Some(t)) => timefmt::stamp(t),
        (_, None) => e.end.clone(),
    }
}

/// One entry: a summary line, then what was asked, changed and failed, indented.
fn format_entry(e: &Entry) -> String {
    let what = if e.before_compaction() {
        "before compaction".to_string()
    } else if e.reason.is_empty() {
        "ended".to_string()
    } else {
        format!("ended ({})", e.reason)
    };
    let mut out = format!("{}  {what}  {}\n", span(e), e.summary());
    let mut line = |label: &str, items: &[String], sep: &str| {
        if !items.is_empty() {
            let _ = writeln!(out, "  {label:<8} {}", items.join(sep));
        }
    };
    line("asked", &e.asked, " · ");
    let mut changed = e.files_touched.clone();
    let unlisted = e.files_count() - changed.len();
    if unlisted > 0 {
        changed.push(format!("and {unlisted} more"));
    }
    line("changed", &changed, ", ");
    line("failed", &e.failed_commands, " · ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_as_a_line_and_details() {
        let e = Entry {
            session_id: "s".into(),
            start: Some("2026-11-21T09:00:00Z".into()),
            end: "2026-11-21T12:00:00Z".into(),
            reason: "clear".into(),
            prompts: 2,
            asked: vec!["fix it".into(), "test it".into()],
            files_touched: vec!["a.rs".into()],
            ..Entry::default()
        };
        assert_eq!(
            format_entry(&e),
            "2026-11-21 09:00–12:00 UTC  ended (clear)  2 prompts, 1 file changed, 0 failed commands; handoff not updated\n  asked    fix it · test it\n  changed  a.rs\n"
        );
        let e = Entry {
            start: Some("2026-11-20T23:00:00Z".into()),
            end: "2026-11-21T01:00:00Z".into(),
            reason: "compact-auto".into(),
            failed_commands: vec!["make".into()],
            handoff_updated: true,
            ..Entry::default()
        };
        assert_eq!(
            format_entry(&e),
            "2026-11-20 23:00–2026-11-21 01:00 UTC  before compaction  0 prompts, 0 files changed, 1 failed command; handoff updated\n  failed   make\n"
        );
        let backwards = Entry {
            start: Some("2026-11-21T12:00:00Z".into()),
            end: "2026-11-21T11:00:00Z".into(),
            ..Entry::default()
        };
        assert!(format_entry(&backwards).starts_with("2026-11-21 11:00 UTC  ended"));
    }
}
