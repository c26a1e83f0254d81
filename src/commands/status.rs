//! `handoff status`: the handoff at a glance.
use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::StatusArgs;
use crate::doc::context::git_summary;
use crate::doc::edit;
use crate::doc::file;
use crate::doc::items::Item;
use crate::doc::view;
use crate::env::Env;
use crate::error::Result;
use crate::project::Project;
use crate::session_log::{self, Entry};
use crate::staleness::{self, Staleness};
use crate::timefmt;

/// Everything `status` reports; also its `--json` shape.
#[derive(Debug, Serialize)]
struct Status<'a> {
    schema: u32,
    path: &'a str,
    task: Option<&'a str>,
    exists: bool,
    /// RFC 3339.
    modified: Option<String>,
    /// "3 hours ago"
    age: Option<String>,
    /// `null` outside a git repository.
    git: Option<Staleness>,
    units: usize,
    budget: usize,
    sections: Vec<String>,
    next: Option<Item>,
    last_session: Option<LastSession>,
}

#[derive(Debug, Serialize)]
struct LastSession {
    summary: String,
    #[serde(flatten)]
    entry: Entry,
}

/// Gather and print.
pub(crate) fn run(args: &StatusArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    super::warn_config(&project.config);
    let text = file::read(&project)?;
    let modified = project.handoff_modified();
    let git = match &text {
        Some(_) => project
            .staleness(staleness::COMMAND_DEADLINE)
            .unwrap_or_else(|e| {
                eprintln!("handoff: {e}");
                None
            }),
        None => None,
    };
    let structure = text.as_deref().map(view::structure);
    let status = Status {
        schema: super::show::SCHEMA,
        path: &project.handoff_display,
        task: project.task.as_deref(),
        exists: text.is_some(),
        modified: modified.map(timefmt::rfc3339),
        age: modified.map(|m| timefmt::age(m, env.now)),
        git,
        units: text.as_deref().map_or(0, crate::doc::utf16_len),
        budget: project.config.budget,
        sections: structure
            .iter()
            .flat_map(|s| s.sections.iter().map(|x| x.title.clone()))
            .collect(),
        next: text
            .as_deref()
            .and_then(edit::queue)
            .and_then(|q| q.items.into_iter().next()),
        last_session: session_log::last(&project.session_log()).map(|entry| LastSession {
            summary: entry.summary(),
            entry,
        }),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&status).unwrap_or_default()
        );
    } else {
        print!("{}", format_status(&status, &project));
    }
    Ok(ExitCode::SUCCESS)
}

fn format_status(s: &Status<'_>, project: &Project) -> String {
    let mut out = s.path.to_string();
    if let Some(t) = s.task {
        let _ = write!(
            out,
            " (task {t}; project handoff: {})",
            project.project_handoff_display
        );
    }
    out.push('\n');
    if !s.exists {
        let _ = writeln!(
            out,
            "  does not exist yet: create it with `{}`",
            file::create_hint(project)
        );
        return out;
    }
    let mut row = |label: &str, value: &str| {
        let _ = writeln!(out, "  {label:<9} {value}");
    };
    if let (Some(age), Some(m)) = (&s.age, &s.modified) {
        let stamp = chrono::DateTime::parse_from_rfc3339(m)
            .map(|t| timefmt::stamp(t.with_timezone(&chrono::Utc)))
            .unwrap_or_default();
        row("updated", &format!("{age} ({stamp})"));
    }
    if let Some(g) = &s.git {
        row("git", &git_summary(g));
    }
    let percent = s.units * 100 / s.budget.max(1);
    row(
        "size",
        &format!("{} of {} UTF-16 units ({percent}%)", s.units, s.budget),
    );
    if !s.sections.is_empty() {
        row("sections", &s.sections.join(", "));
    }
    match &s.next {
        Some(item) => {
            let mut next = item
                .priority
                .as_deref()
                .map(|p| format!("{p} "))
                .unwrap_or_default();
            next.push_str(&item.text);
            if let Some(st) = &item.status {
                let _ = write!(next, "  [{st}]");
            }
            row("next", &next);
        }
        None => row("next", "(nothing queued)"),
    }
    if let Some(last) = &s.last_session {
        let when = last
            .entry
            .end_time()
            .map(timefmt::stamp)
            .unwrap_or_default();
        row("last", &format!("{when}: {}", last.summary));
    }
    out
}
