//! `handoff next`: the work queue — list it, add to it, start an item, finish one.
use std::fmt::Write as _;
use std::process::ExitCode;

use crate::cli::{NextAction, NextArgs};
use crate::doc::edit::{self, Selector};
use crate::doc::file;
use crate::doc::items::Item;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::project::Project;

/// List the queue, or change it under the lock.
pub(crate) fn run(args: &NextArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    match &args.action {
        None => list(&project),
        Some(NextAction::Add { priority, text }) => add(&project, env, *priority, text),
        Some(NextAction::Start { item }) => start(&project, env, item),
        Some(NextAction::Done { item }) => done(&project, env, item),
    }
}

fn list(project: &Project) -> Result<ExitCode> {
    let text = file::read_existing(project)?;
    let shown = &project.handoff_display;
    let Some(queue) = edit::queue(&text) else {
        println!("{shown} has no What's Next section yet; `handoff next add \"…\"` starts one.");
        return Ok(ExitCode::SUCCESS);
    };
    if queue.items.is_empty() {
        println!(
            "{} in {shown} is empty; `handoff next add \"…\"` adds to it.",
            queue.section
        );
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", format_queue(&queue, shown));
    Ok(ExitCode::SUCCESS)
}

/// "What's Next (docs/SESSION-HANDOFF.md):" and one numbered line per item.
fn format_queue(queue: &edit::Queue, shown: &str) -> String {
    let mut out = format!("{} ({shown}):\n", queue.section);
    let priorities = queue.items.iter().any(|i| i.priority.is_some());
    for (n, item) in queue.items.iter().enumerate() {
        let _ = write!(out, "{:>3}. ", n + 1);
        if priorities {
            let _ = write!(out, "{:<4}", item.priority.as_deref().unwrap_or(""));
        }
        out.push_str(&item.text);
        if let Some(status) = &item.status {
            let _ = write!(out, "  [{status}]");
        }
        out.push('\n');
    }
    out
}

fn add(project: &Project, env: &Env, priority: Option<u8>, words: &[String]) -> Result<ExitCode> {
    let text = file::words(words, "item")?;
    let today = env.now.format("%Y-%m-%d").to_string();
    let changed = file::change(project, env, |old| {
        let edit = edit::push(old, &text, priority);
        // Its number: where an item with this text and priority now sits.
        let number = edit::queue(&edit.text).and_then(|q| {
            let want = priority.map(|p| format!("P{p}"));
            q.items
                .iter()
                .position(|i| i.text == text && i.priority == want)
                .map(|k| k + 1)
        });
        Ok((
            Some(edit::mark_updated(edit.text, &today)),
            (edit.section, number),
        ))
    })?;
    let (section, number) = changed.value;
    if changed.created {
        println!(
            "Created {} from the {} template.",
            project.handoff_display,
            file::template(project).name()
        );
    }
    let at = number.map(|n| format!(" as item {n}")).unwrap_or_default();
    println!("Added to {section} in {}{at}.", project.handoff_display);
    Ok(ExitCode::SUCCESS)
}

fn pick_error(project: &Project, e: &edit::PickError) -> Error {
    Error::Item {
        shown: project.handoff_display.clone(),
        problem: e.clone(),
    }
}

fn selector(words: &[String]) -> Result<Selector> {
    Ok(Selector::parse(&file::words(words, "item")?))
}

fn start(project: &Project, env: &Env, words: &[String]) -> Result<ExitCode> {
    let sel = selector(words)?;
    file::read_existing(project)?;
    let today = env.now.format("%Y-%m-%d").to_string();
    let changed = file::change(project, env, |old| match edit::start(old, &sel) {
        Ok((edit, item)) => {
            let unchanged = edit.text == old;
            let text = (!unchanged).then(|| edit::mark_updated(edit.text, &today));
            Ok((text, Ok((item, unchanged))))
        }
        Err(e) => Ok((None, Err(e))),
    })?;
    let (item, unchanged) = changed.value.map_err(|e| pick_error(project, &e))?;
    if unchanged {
        println!("Already IN_PROGRESS: {}", describe(&item));
    } else {
        println!("IN_PROGRESS: {}", describe(&item));
    }
    Ok(ExitCode::SUCCESS)
}

fn done(project: &Project, env: &Env, words: &[String]) -> Result<ExitCode> {
    let sel = selector(words)?;
    file::read_existing(project)?;
    let date = env.now.format("%Y-%m-%d").to_string();
    let changed = file::change(project, env, |old| match edit::done(old, &sel, &date) {
        Ok((edit, item)) => Ok((
            Some(edit::mark_updated(edit.text, &date)),
            Ok((item, edit.section)),
        )),
        Err(e) => Ok((None, Err(e))),
    })?;
    let (item, section) = changed.value.map_err(|e| pick_error(project, &e))?;
    println!(
        "Done: {} — moved to {section}, dated {date}.",
        describe(&item)
    );
    Ok(ExitCode::SUCCESS)
}

/// "P0 ship it"
fn describe(item: &Item) -> String {
    match &item.priority {
        Some(p) => format!("{p} {}", item.text),
        None => item.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_lines() {
        let q = edit::queue(
            "## What's Next\n- **P0**: IN_PROGRESS: ship\n- later\n- **P12**: not a priority\n",
        )
        .unwrap();
        assert_eq!(
            format_queue(&q, "H.md"),
            "What's Next (H.md):\n  1. P0  ship  [IN_PROGRESS]\n  2.     later\n  3.     **P12**: not a priority\n"
        );
        let q = edit::queue("## Next Session Start\n1. Read this file.\n").unwrap();
        assert_eq!(
            format_queue(&q, "m.md"),
            "Next Session Start (m.md):\n  1. Read this file.\n"
        );
    }
}
