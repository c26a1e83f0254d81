//! SessionStart: put the handoff in front of the model, within the budget, on every kind of start.
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::{Ctx, Reply};
use crate::handoff::{self, utf16_len, Omission};
use crate::staleness::Staleness;
use crate::state;
use crate::timefmt;

/// Sections named in the "left out" line before it says "and N more".
const MAX_NAMED_OMISSIONS: usize = 8;

/// Answer a SessionStart event.
pub fn handle(ctx: &mut Ctx<'_>) -> Option<Reply> {
    track_session(ctx);
    let text = context(ctx);
    Some(Reply::context("SessionStart", text))
}

/// Start or continue this session's state: a new session on startup, clear and fork; the same one
/// carries on through resume and compaction.
fn track_session(ctx: &mut Ctx<'_>) {
    let continuing = matches!(ctx.input.source.as_str(), "resume" | "compact");
    if continuing && ctx.load_state().is_some() {
        return;
    }
    let s = ctx.new_state(false);
    ctx.save_state(&s);
    if ctx.input.source == "startup" {
        // Housekeeping once per new session, not on every compaction.
        let dir = ctx.project.sessions_dir();
        state::prune(&dir, std::time::SystemTime::now(), state::PRUNE_AFTER);
    }
}

/// What the handoff's file looks like right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoffFile {
    /// No file at the configured path.
    Missing,
    /// The file exists but could not be read.
    Unreadable(String),
    /// The file's text and when it last changed.
    Present {
        text: String,
        modified: Option<DateTime<Utc>>,
    },
}

/// Everything the injected context is made from, gathered so rendering is pure.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub display: &'a str,
    pub file: HandoffFile,
    pub staleness: Option<Staleness>,
    pub source: &'a str,
    pub now: DateTime<Utc>,
    pub budget: usize,
    pub priority: &'a [String],
}

fn context(ctx: &mut Ctx<'_>) -> String {
    let project = &ctx.project;
    let file = match fs_err::read(&project.handoff) {
        Ok(bytes) => HandoffFile::Present {
            // Valid UTF-8 (the usual case) is taken as it is, without a copy.
            text: String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            modified: std::fs::metadata(&project.handoff)
                .and_then(|m| m.modified())
                .ok()
                .map(timefmt::from_system),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HandoffFile::Missing,
        Err(e) => HandoffFile::Unreadable(e.to_string()),
    };
    let staleness = if matches!(file, HandoffFile::Present { .. }) {
        match ctx.staleness() {
            Ok(s) => s,
            Err(e) => {
                ctx.warn(e);
                None
            }
        }
    } else {
        None
    };
    if let HandoffFile::Unreadable(e) = &file {
        ctx.warn(e.clone());
    }
    let project = &ctx.project;
    render(&Facts {
        display: &project.handoff_display,
        file,
        staleness,
        source: &ctx.input.source,
        now: ctx.env.now,
        budget: project.config.budget,
        priority: &project.config.priority,
    })
}

/// The additionalContext: header, the packed handoff, and what was left out — never over budget.
pub fn render(f: &Facts<'_>) -> String {
    let (text, modified) = match &f.file {
        HandoffFile::Missing => {
            return format!(
                "[handoff] No handoff yet: {} does not exist. Create it with `handoff init`, or write it \
                 with the sections Current State, What Was Done, What Failed, What's Next and Key Decisions.",
                f.display
            );
        }
        HandoffFile::Unreadable(e) => {
            return format!("[handoff] {} exists but could not be read: {e}", f.display);
        }
        HandoffFile::Present { text, modified } => (text, *modified),
    };
    let header = header(f, modified);
    let header_units = utf16_len(&header);
    let text = handoff::normalize_newlines(text);
    // Most handoffs fit whole: no need to parse them.
    if header_units + utf16_len(&text) <= f.budget {
        return format!("{header}{text}").trim_end().to_string();
    }
    let doc = handoff::parse(&text);
    let sections = handoff::Packer::new(&doc, f.priority);
    let mut room = f.budget.saturating_sub(header_units);
    // The "left out" line's length depends on what is left out: shrink until everything fits.
    let out = loop {
        let packed = sections.pack(room);
        let footer = if packed.omitted.is_empty() {
            String::new()
        } else {
            // `packed.text` ends with a newline; a blank line sets the note apart.
            format!("\n{}", omitted_line(&packed.omitted, f.display))
        };
        let units = header_units + packed.units + utf16_len(&footer);
        if units <= f.budget || room == 0 {
            break format!("{header}{}{footer}", packed.text);
        }
        room = room.saturating_sub(units - f.budget);
    };
    // Whatever happened above, the client's limit holds.
    handoff::truncate_lines(&out, f.budget)
        .trim_end()
        .to_string()
}

fn header(f: &Facts<'_>, modified: Option<DateTime<Utc>>) -> String {
    let mut h = format!("[handoff] {} is this project's session handoff", f.display);
    if let Some(m) = modified {
        let _ = write!(
            h,
            ", last changed {} ({})",
            timefmt::age(m, f.now),
            timefmt::stamp(m)
        );
    }
    h.push_str(".\n");
    if let Some(s) = &f.staleness {
        h.push_str("[handoff] Git: ");
        h.push_str(&git_summary(s));
        h.push('\n');
    }
    if f.source == "compact" {
        h.push_str(
            "[handoff] The conversation was just compacted: the handoff below is the state to trust.\n",
        );
    }
    h.push('\n');
    h
}

/// "on main, 4 commits since the handoff was last updated (most changed: a ×3, b ×2)."
pub fn git_summary(s: &Staleness) -> String {
    let place = match &s.branch {
        Some(b) => format!("on {b}"),
        None => "detached HEAD".to_string(),
    };
    let count = match (s.commits_since, s.more) {
        (0, _) => return format!("{place}, no commits since the handoff was last updated."),
        (n, true) => format!("{n}+ commits"),
        (1, false) => "1 commit".to_string(),
        (n, false) => format!("{n} commits"),
    };
    let mut line = format!("{place}, {count} since the handoff was last updated");
    if !s.top_paths.is_empty() {
        let paths: Vec<String> = s
            .top_paths
            .iter()
            .map(|(p, n)| {
                if *n > 1 {
                    format!("{p} ×{n}")
                } else {
                    p.clone()
                }
            })
            .collect();
        let _ = write!(line, " (most changed: {})", paths.join(", "));
    }
    line.push('.');
    line
}

fn omitted_line(omitted: &[Omission], display: &str) -> String {
    let mut parts: Vec<String> = omitted
        .iter()
        .take(MAX_NAMED_OMISSIONS)
        .map(|o| {
            if o.kept == 0 {
                o.title.clone()
            } else {
                format!("{} ({} of {} items shown)", o.title, o.kept, o.total)
            }
        })
        .collect();
    if omitted.len() > MAX_NAMED_OMISSIONS {
        parts.push(format!("{} more", omitted.len() - MAX_NAMED_OMISSIONS));
    }
    format!(
        "[handoff] Left out to fit: {}. The full file is {display}; read it when you need them.",
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(file: HandoffFile, prio: &[String]) -> Facts<'_> {
        Facts {
            display: "docs/SESSION-HANDOFF.md",
            file,
            staleness: Some(Staleness {
                branch: Some("main".into()),
                commits_since: 4,
                more: false,
                top_paths: vec![("src/a.rs".into(), 3), ("README.md".into(), 1)],
            }),
            source: "startup",
            now: DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            budget: 9_000,
            priority: prio,
        }
    }

    fn prio() -> Vec<String> {
        handoff::DEFAULT_PRIORITY
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn present(text: &str) -> HandoffFile {
        HandoffFile::Present {
            text: text.into(),
            modified: Some(
                DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
            ),
        }
    }

    #[test]
    fn small_handoff_arrives_whole_under_a_header() {
        let p = prio();
        let out = render(&facts(present("# H\n\n## What's Next\n- a\n"), &p));
        assert_eq!(
            out,
            "[handoff] docs/SESSION-HANDOFF.md is this project's session handoff, last changed 3 hours ago (2026-11-21 09:00 UTC).\n\
             [handoff] Git: on main, 4 commits since the handoff was last updated (most changed: src/a.rs ×3, README.md).\n\
             \n\
             # H\n\n## What's Next\n- a"
        );
    }

    #[test]
    fn compact_says_so() {
        let p = prio();
        let mut f = facts(present("x\n"), &p);
        f.source = "compact";
        assert!(render(&f).contains("just compacted"));
    }

    #[test]
    fn missing_file_is_one_line() {
        let p = prio();
        let out = render(&facts(HandoffFile::Missing, &p));
        assert!(out.starts_with("[handoff] No handoff yet: docs/SESSION-HANDOFF.md"));
        assert!(!out.contains('\n'));
    }

    #[test]
    fn huge_handoff_stays_within_budget_and_names_what_was_left_out() {
        let mut text = String::from("# Handoff\n\n## What Was Done This Session\n");
        for i in 0..2_000 {
            let _ = writeln!(text, "- did thing {i} 🐢");
        }
        text.push_str("\n## What's Next\n- P0 ship it\n\n## What Failed\n- tried X\n");
        let p = prio();
        for budget in [1_000, 5_000, 9_000, 10_000] {
            let mut f = facts(present(&text), &p);
            f.budget = budget;
            let out = render(&f);
            assert!(utf16_len(&out) <= budget, "{budget}: {}", utf16_len(&out));
            assert!(out.contains("## What's Next\n- P0 ship it"), "{budget}");
            assert!(out.contains("## What Failed\n- tried X"), "{budget}");
            assert!(
                out.contains("[handoff] Left out to fit: What Was Done This Session ("),
                "{budget}"
            );
            assert!(out.ends_with("read it when you need them."), "{budget}");
        }
    }

    #[test]
    fn many_omitted_sections_are_summarised() {
        let mut text = String::new();
        for i in 0..40 {
            let _ = write!(text, "## S{i}\n{}\n", "word ".repeat(100));
        }
        let p = prio();
        let mut f = facts(present(&text), &p);
        f.budget = 1_000;
        let out = render(&f);
        assert!(utf16_len(&out) <= 1_000);
        assert!(out.contains(" more. The full file"), "{out}");
    }

    #[test]
    fn git_summaries() {
        let mut s = Staleness {
            branch: None,
            commits_since: 0,
            ..Staleness::default()
        };
        assert_eq!(
            git_summary(&s),
            "detached HEAD, no commits since the handoff was last updated."
        );
        s.branch = Some("dev".into());
        s.commits_since = 1;
        assert_eq!(
            git_summary(&s),
            "on dev, 1 commit since the handoff was last updated."
        );
        s.commits_since = 500;
        s.more = true;
        assert_eq!(
            git_summary(&s),
            "on dev, 500+ commits since the handoff was last updated."
        );
    }
}
