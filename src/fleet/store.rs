//! The queue's files on disk, changed under one lock so processes take turns.
//!
//! Finishing an item touches two files, which no rename can replace together, so the order makes
//! a stop between them harmless: the todo file first records the claim being finished, then the
//! done entry (which names that claim) is appended, then the item leaves the todo file. A process
//! stopped after the append leaves the item in both; every later change (and every listing) drops
//! it from the todo file because the done file records that very claim. Nothing is lost, and
//! nothing is done twice.
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::queue::{append_done, Claim, Done, Pick, Todo};
use super::FleetError;
use crate::confine::{self, Named};
use crate::fs_atomic::{self, Durability};
use crate::project::Project;

/// A todo or done file larger than this is refused rather than read whole on every change.
const MAX_QUEUE_BYTES: u64 = 64 * 1024 * 1024;

/// A project's queue.
#[derive(Debug, Clone)]
pub(crate) struct Queue {
    /// The todo file, resolved inside the project.
    pub todo: PathBuf,
    /// The done file, resolved inside the project.
    pub done: PathBuf,
    /// The todo file as configured (relative, `/`).
    pub todo_shown: String,
    /// The done file as configured.
    pub done_shown: String,
    /// How long a claim holds.
    pub lease: Duration,
    /// The lock every change of this queue takes.
    lock: PathBuf,
}

/// What a change did, for the caller to report.
#[derive(Debug)]
pub(crate) struct Edit<T> {
    /// What the command prints.
    pub out: T,
    /// Whether the todo file changed (a claim, a release, an addition).
    pub changed: bool,
    /// An item to finish: its index, and who finishes it.
    pub finish: Option<(usize, String)>,
}

impl<T> Edit<T> {
    /// An edit that changed the todo file.
    pub(crate) fn changed(out: T) -> Self {
        Self {
            out,
            changed: true,
            finish: None,
        }
    }
}

/// A queue's state as read, with finished items already dropped.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub todo: Todo,
    pub done: Vec<Done>,
}

/// The queue in numbers, for `overview`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Summary {
    pub pending: usize,
    pub claimed: usize,
    pub done: usize,
    /// When the oldest claim still holding began.
    pub oldest_claim: Option<DateTime<Utc>>,
}

impl Snapshot {
    /// Pending (free, or their claim ran out), claimed and done counts at `now`.
    pub(crate) fn summary(&self, now: DateTime<Utc>, lease: Duration) -> Summary {
        let holding: Vec<&Claim> = self
            .todo
            .items()
            .into_iter()
            .filter_map(|i| i.claim.as_ref())
            .filter(|c| !c.expired(now, lease))
            .collect();
        Summary {
            pending: self.todo.items().len() - holding.len(),
            claimed: holding.len(),
            done: self.done.len(),
            oldest_claim: holding.iter().map(|c| c.since).min(),
        }
    }
}

impl Queue {
    /// The project's queue, or why it has none.
    pub(crate) fn of(project: &Project) -> Result<Self, FleetError> {
        let config = project.config.fleet.queue.as_ref().ok_or_else(|| {
            match &project.config.unreadable {
                Some(why) => {
                    FleetError::Config(why.trim_end_matches("; using defaults").to_string())
                }
                None => FleetError::NoQueue,
            }
        })?;
        let resolve = |named: &str| confine::file(&project.root, Path::new(named), Named::Fleet);
        let (todo, done) = (resolve(&config.todo)?, resolve(&config.done)?);
        // One lock per todo file, wherever it is named from: keyed by its real path.
        let real = todo
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .map_or_else(
                || todo.clone(),
                |d| d.join(todo.file_name().unwrap_or_default()),
            );
        let key = crate::project::fnv1a64(real.to_string_lossy().as_bytes());
        Ok(Self {
            todo,
            done,
            todo_shown: config.todo.clone(),
            done_shown: config.done.clone(),
            lease: config.lease,
            lock: project
                .state_root
                .join("locks")
                .join(format!("queue-{key:016x}.lock")),
        })
    }

    /// The queue as it stands (no lock: each file is replaced whole, so a read is never torn).
    pub(crate) fn read(&self) -> Result<Snapshot, FleetError> {
        let (mut todo, done) = (Todo::parse(&read(&self.todo)?), read(&self.done)?);
        let done = Done::parse_all(&done);
        todo.reconcile(&done);
        Ok(Snapshot { todo, done })
    }

    /// Run `f` while holding this queue's lock (git sync holds it across pull and push).
    pub(crate) fn locked<T>(
        &self,
        f: impl FnOnce() -> Result<T, FleetError>,
    ) -> Result<T, FleetError> {
        fs_atomic::locked(&self.lock, f)
    }

    /// Read, change and write the queue; the caller holds the lock ([`Queue::locked`]).
    pub(crate) fn change_locked<T>(
        &self,
        now: DateTime<Utc>,
        op: impl FnOnce(&mut Todo) -> Result<Edit<T>, FleetError>,
    ) -> Result<(T, bool), FleetError> {
        let on_disk = read(&self.todo)?;
        let done_text = read(&self.done)?;
        let mut todo = Todo::parse(&on_disk);
        let reconciled = todo.reconcile(&Done::parse_all(&done_text)) > 0;
        let edit = op(&mut todo)?;
        let mut written = on_disk;
        let put = |todo: &Todo, written: &mut String| -> Result<bool, FleetError> {
            let text = todo.render();
            if text == *written {
                return Ok(false);
            }
            fs_atomic::write(&self.todo, text.as_bytes(), Durability::Synced)?;
            *written = text;
            Ok(true)
        };
        let mut changed = false;
        if let Some((index, by)) = &edit.finish {
            let item = todo.items()[*index].clone();
            // The holder's claim stays (the finisher takes an unclaimed item): recorded first, so
            // the done entry names a claim the todo file holds.
            let claim = item.claim.unwrap_or_else(|| Claim {
                by: by.clone(),
                since: now,
            });
            todo.set_claim(*index, Some(claim));
            put(&todo, &mut written)?;
            let entry = Done::of(todo.items()[*index], now, by);
            let done = append_done(&done_text, &entry);
            fs_atomic::write(&self.done, done.as_bytes(), Durability::Synced)?;
            todo.remove(*index);
            changed = true;
        }
        if edit.changed || reconciled || edit.finish.is_some() {
            changed |= put(&todo, &mut written)?;
        }
        Ok((edit.out, changed))
    }
}

/// A queue file's text; a missing one is empty.
fn read(path: &Path) -> Result<String, FleetError> {
    match confine::read_regular(path, MAX_QUEUE_BYTES) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e.into()),
    }
}

/// The item `words` names for `done` and `release` by `who`: another holder's live claim is
/// theirs, and a number (which shifts as others finish) must name an item `who` holds; `force`
/// skips both checks.
pub(crate) fn pick(
    todo: &Todo,
    words: &str,
    who: &str,
    force: bool,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<usize, FleetError> {
    let index = todo.pick(words).map_err(|e: Pick| FleetError::Pick(e))?;
    let item = todo.items()[index];
    let live = item.claim.as_ref().filter(|c| !c.expired(now, lease));
    if force {
        return Ok(index);
    }
    match live {
        Some(c) if c.by != who => Err(FleetError::HeldByOther {
            text: item.text.clone(),
            by: c.by.clone(),
        }),
        None if words.trim().parse::<usize>().is_ok() => Err(FleetError::NotHeld {
            n: index + 1,
            text: item.text.clone(),
            who: who.to_string(),
        }),
        _ => Ok(index),
    }
}
