//! `handoff queue`: list, add, claim, finish and release the items of the todo file.
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;

use crate::cli::{HeldItem, QueueAction, QueueArgs};
use crate::config::Sync as SyncMode;
use crate::env::Env;
use crate::error::Result;
use crate::fleet::git_sync::Sync;
use crate::fleet::queue::{clean, Todo};
use crate::fleet::store::{pick, Edit, Queue, Snapshot};
use crate::fleet::{self, FleetError};
use crate::project::Project;
use crate::timefmt;

pub(crate) fn run(args: &QueueArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    // An unreadable config is this command's error, said once below.
    if project.config.unreadable.is_none() {
        super::warn_config(&project.config);
    }
    let queue = Queue::of(&project)?;
    let sync = if args.sync || project.config.fleet.sync == SyncMode::Git {
        Some(Sync::find(&project.root, &[&queue.todo, &queue.done])?)
    } else {
        None
    };
    let now = env.now;
    let who = |name: &Option<String>| match name {
        Some(n) if !clean(n, true).is_empty() => clean(n, true),
        _ => fleet::agent_name(env, host(env).as_deref(), parent_pid()),
    };
    match &args.action {
        None => {
            let snapshot = queue.read()?;
            if args.json {
                println!("{}", to_json(&queue, &snapshot, env));
            } else {
                print!("{}", listing(&queue, &snapshot, env));
            }
        }
        Some(QueueAction::Add { text }) => {
            let text = clean(&text.join(" "), false);
            if text.is_empty() {
                return Err(FleetError::EmptyItem.into());
            }
            let n = change(&queue, sync.as_ref(), "queue: add an item", env, |todo| {
                todo.add(&text);
                Ok(Edit::changed(todo.items().len()))
            })?;
            println!("Added item {n} to {}.", queue.todo_shown);
        }
        Some(QueueAction::Claim { name }) => {
            let who = who(name);
            let message = format!("queue: claimed by {who}");
            let text = change(&queue, sync.as_ref(), &message, env, |todo| {
                match todo.claim(&who, now, queue.lease) {
                    Some(i) => Ok(Edit::changed(todo.items()[i].text.clone())),
                    None => Err(FleetError::NothingLeft {
                        file: queue.todo_shown.clone(),
                        claimed: todo.items().len(),
                    }),
                }
            })?;
            println!("{text}");
        }
        Some(QueueAction::Done(HeldItem { item, name, force })) => {
            let who = who(name);
            let words = words(item)?;
            let message = format!("queue: done by {who}");
            let text = change(&queue, sync.as_ref(), &message, env, |todo| {
                let i = pick(todo, &words, &who, *force, now, queue.lease)?;
                Ok(Edit {
                    out: todo.items()[i].text.clone(),
                    changed: false,
                    finish: Some((i, who.clone())),
                })
            })?;
            println!("Done: {text} (moved to {}).", queue.done_shown);
        }
        Some(QueueAction::Release(HeldItem { item, name, force })) => {
            let who = who(name);
            let words = words(item)?;
            let text = change(&queue, sync.as_ref(), "queue: release", env, |todo| {
                let i = pick(todo, &words, &who, *force, now, queue.lease)?;
                let item = todo.items()[i].clone();
                if item.claim.is_none() {
                    return Err(FleetError::NotClaimed(item.text));
                }
                todo.set_claim(i, None);
                Ok(Edit::changed(item.text))
            })?;
            println!("Released: {text}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The ITEM words, joined; blank ones are a usage error (an empty string would match every item).
fn words(item: &[String]) -> Result<String> {
    let words = item.join(" ");
    if words.trim().is_empty() {
        return Err(crate::error::Error::Empty("item"));
    }
    Ok(words)
}

/// One change under the queue's lock, through git when syncing.
fn change<T>(
    queue: &Queue,
    sync: Option<&Sync>,
    message: &str,
    env: &Env,
    mut op: impl FnMut(&mut Todo) -> std::result::Result<Edit<T>, FleetError>,
) -> std::result::Result<T, FleetError> {
    queue.locked(|| match sync {
        None => queue.change_locked(env.now, &mut op).map(|(out, _)| out),
        Some(sync) => sync.run(message, || queue.change_locked(env.now, &mut op)),
    })
}

/// This machine's name: `$HOSTNAME`, else the kernel's.
fn host(env: &Env) -> Option<String> {
    env.var("HOSTNAME").map(str::to_string).or_else(|| {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
    })
}

/// The process that ran us: the agent's shell, which outlives this command.
fn parent_pid() -> u32 {
    #[cfg(unix)]
    {
        std::os::unix::process::parent_id()
    }
    #[cfg(not(unix))]
    {
        std::process::id()
    }
}

/// "2h", "30m", "90s"
pub(crate) fn lease_text(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn listing(queue: &Queue, snapshot: &Snapshot, env: &Env) -> String {
    let summary = snapshot.summary(env.now, queue.lease);
    let mut out = format!(
        "{}: {} pending, {} claimed, {} done (in {}; a claim holds {})\n",
        queue.todo_shown,
        summary.pending,
        summary.claimed,
        summary.done,
        queue.done_shown,
        lease_text(queue.lease)
    );
    let items = snapshot.todo.items();
    let (mut pending, mut claimed) = (String::new(), String::new());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        match &item.claim {
            None => {
                let _ = writeln!(pending, "  {n}. {}", item.text);
            }
            Some(c) if c.expired(env.now, queue.lease) => {
                let _ = writeln!(
                    pending,
                    "  {n}. {} (free again: {}'s claim from {} ran out)",
                    item.text,
                    c.by,
                    timefmt::age(c.since, env.now)
                );
            }
            Some(c) => {
                let _ = writeln!(
                    claimed,
                    "  {n}. {} — {}, since {} ({})",
                    item.text,
                    c.by,
                    timefmt::stamp(c.since),
                    timefmt::age(c.since, env.now)
                );
            }
        }
    }
    for (title, body) in [("Pending", pending), ("Claimed", claimed)] {
        if !body.is_empty() {
            let _ = write!(out, "\n{title}:\n{body}");
        }
    }
    out
}

fn to_json(queue: &Queue, snapshot: &Snapshot, env: &Env) -> String {
    let summary = snapshot.summary(env.now, queue.lease);
    let items: Vec<serde_json::Value> = snapshot
        .todo
        .items()
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let claim = item.claim.as_ref();
            let holding = claim.is_some_and(|c| !c.expired(env.now, queue.lease));
            json!({
                "n": i + 1,
                "text": item.text,
                "status": if holding { "claimed" } else { "pending" },
                "claimed_by": claim.map(|c| c.by.clone()),
                "claimed_since": claim.map(|c| timefmt::rfc3339(c.since)),
                "lease_ran_out": claim.is_some() && !holding,
            })
        })
        .collect();
    let value = json!({
        "todo": queue.todo_shown,
        "done_file": queue.done_shown,
        "lease_seconds": queue.lease.as_secs(),
        "pending": summary.pending,
        "claimed": summary.claimed,
        "done": summary.done,
        "oldest_claim": summary.oldest_claim.map(timefmt::rfc3339),
        "items": items,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_as_written() {
        for (secs, want) in [(7_200, "2h"), (1_800, "30m"), (90, "90s"), (86_400, "1d")] {
            assert_eq!(lease_text(Duration::from_secs(secs)), want);
        }
    }
}
