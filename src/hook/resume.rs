//! A resumed session already holds the handoff it was given: say it is unchanged in one line, or
//! send the new version with a line saying which sections changed. A fork gets it in full: the
//! client copies the parent's conversation into it only after SessionStart, so nothing at that
//! point says what the fork holds.
use chrono::{DateTime, Utc};

use super::Ctx;
use crate::doc::outline;
use crate::project::fnv1a64;
use crate::state::Given;
use crate::timefmt;

/// What a start gives this session, decided before anything is written or waited for.
pub(crate) enum Start {
    /// The handoff in full (`None`: there is none to record).
    Full(Option<Given>),
    /// The new version, after a line saying what changed since `old`.
    Changed {
        old: Given,
        new: Given,
        changes: Changes,
    },
    /// One line: the session already holds this version.
    Unchanged(Given),
}

impl Start {
    /// What the session holds once given this.
    pub(crate) fn given(&self) -> Option<&Given> {
        match self {
            Self::Full(given) => given.as_ref(),
            Self::Changed { new, .. } => Some(new),
            Self::Unchanged(old) => Some(old),
        }
    }
}

/// Decide what a start from `source` gives a session that already holds `before`, the handoff
/// being `now`.
pub(crate) fn decide(source: &str, before: Option<&Given>, now: Option<Given>) -> Start {
    match (before.filter(|_| !always_in_full(source)), now) {
        (Some(old), Some(new)) => match changes(old, &new) {
            None => Start::Unchanged(old.clone()),
            Some(changes) => Start::Changed {
                old: old.clone(),
                new,
                changes,
            },
        },
        (_, now) => Start::Full(now),
    }
}

/// SessionStart's context for `start`: in full via `full(ctx, reserve)` (`reserve` UTF-16 units
/// kept free for a line of ours before it), or one line when nothing changed.
pub(crate) fn context(
    ctx: &mut Ctx<'_>,
    start: &Start,
    full: impl FnOnce(&mut Ctx<'_>, usize) -> String,
) -> String {
    let display = ctx.project.handoff_display.clone();
    match start {
        Start::Unchanged(old) => unchanged(ctx, &display, old),
        Start::Changed { old, changes, .. } => {
            let line = changes_line(&display, old, changes);
            let rest = full(ctx, outline::utf16_len(&line));
            format!("{line}{rest}")
        }
        Start::Full(_) => full(ctx, 0),
    }
}

/// The unchanged line, and git's news since (commits made while the session was away).
fn unchanged(ctx: &mut Ctx<'_>, display: &str, old: &Given) -> String {
    let mut text = unchanged_line(display, old);
    match ctx.staleness(crate::staleness::HOOK_DEADLINE) {
        Ok(Some(s)) => {
            text.push_str("\n[handoff] Git: ");
            text.push_str(&crate::doc::context::git_summary(&s));
        }
        Ok(None) => {}
        Err(e) => ctx.warn(e.to_string()),
    }
    text
}

/// The handoff's text, fingerprinted as it would be given now.
pub(crate) fn given(text: &str, at: DateTime<Utc>) -> Given {
    let text = outline::normalize_newlines(text);
    let doc = outline::parse(&text);
    let sections = doc
        .sections
        .iter()
        .map(|s| {
            let mut body = s.heading.unwrap_or_default().to_string();
            body.extend(s.blocks.iter().copied());
            (title(s), fnv1a64(body.trim_end().as_bytes()))
        })
        .collect();
    Given {
        at: Some(at),
        hash: fnv1a64(text.as_bytes()),
        sections,
    }
}

fn title(s: &outline::Section<'_>) -> String {
    if s.heading.is_none() {
        "the text before the first heading".to_string()
    } else {
        s.title.clone()
    }
}

/// Whether a start gives the handoff again in full even when this session already has it.
pub(crate) fn always_in_full(source: &str) -> bool {
    // startup and clear begin an empty conversation, compact has just summarised it away, and a
    // fork's copy of its parent's conversation is written only after SessionStart.
    source != "resume"
}

/// Which sections differ between two versions, by title (the nth of a repeated title matches
/// the nth).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// What changed from `old` to `new`; `None` when nothing did.
pub(crate) fn changes(old: &Given, new: &Given) -> Option<Changes> {
    if old.hash == new.hash {
        return None;
    }
    let keyed = |g: &Given| -> Vec<((String, usize), u64)> {
        let mut seen: Vec<&str> = Vec::new();
        g.sections
            .iter()
            .map(|(t, h)| {
                let n = seen.iter().filter(|s| **s == t.as_str()).count();
                seen.push(t);
                ((t.clone(), n), *h)
            })
            .collect()
    };
    let (old, new) = (keyed(old), keyed(new));
    let find = |list: &[((String, usize), u64)], key: &(String, usize)| {
        list.iter().find(|(k, _)| k == key).map(|(_, h)| *h)
    };
    let mut c = Changes::default();
    for (key, hash) in &new {
        match find(&old, key) {
            None => c.added.push(key.0.clone()),
            Some(h) if h != *hash => c.changed.push(key.0.clone()),
            Some(_) => {}
        }
    }
    for (key, _) in &old {
        if find(&new, key).is_none() {
            c.removed.push(key.0.clone());
        }
    }
    Some(c)
}

/// "given to this session at 2026-11-21 12:00 UTC"
fn since(old: &Given) -> String {
    match old.at {
        Some(at) => format!(
            "since it was given to this session ({})",
            timefmt::stamp(at)
        ),
        None => "since it was given to this session".to_string(),
    }
}

/// The one line a resume gets when the handoff is as it was given.
pub(crate) fn unchanged_line(display: &str, old: &Given) -> String {
    format!(
        "[handoff] {display} is unchanged {}: it is earlier in this conversation, and the file is \
         {display}.",
        since(old)
    )
}

/// The line before a new version: what changed since the session was given the last one.
pub(crate) fn changes_line(display: &str, old: &Given, c: &Changes) -> String {
    let mut parts = Vec::new();
    for (names, what) in [
        (&c.changed, "changed"),
        (&c.added, "added"),
        (&c.removed, "removed"),
    ] {
        if !names.is_empty() {
            parts.push(format!("{what}: {}", names.join(", ")));
        }
    }
    let what = if parts.is_empty() {
        // Only whitespace or line order outside any section's text.
        "its layout changed".to_string()
    } else {
        parts.join("; ")
    };
    format!(
        "[handoff] {display} changed {} — {what}. This is the version to trust; the one earlier in \
         this conversation is out of date.\n",
        since(old)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    const BASE: &str = "# H\n\n## Current State\nok\n\n## What's Next\n- P0: a\n\n## Notes\n- n\n";

    #[test]
    fn what_each_start_gives() {
        let old = given(BASE, at());
        let edited = given(&BASE.replace("ok", "moved on"), at());
        let kind = |source, before: Option<&Given>, now: Option<&Given>| match decide(
            source,
            before,
            now.cloned(),
        ) {
            Start::Full(g) => ("full", g),
            Start::Changed { new, .. } => ("changed", Some(new)),
            Start::Unchanged(g) => ("unchanged", Some(g)),
        };
        assert_eq!(
            kind("resume", Some(&old), Some(&old)),
            ("unchanged", Some(old.clone()))
        );
        assert_eq!(
            kind("resume", Some(&old), Some(&edited)),
            ("changed", Some(edited.clone()))
        );
        for source in ["startup", "clear", "compact", "fork"] {
            assert_eq!(
                kind(source, Some(&old), Some(&old)),
                ("full", Some(old.clone())),
                "{source}"
            );
        }
        assert_eq!(
            kind("resume", None, Some(&old)),
            ("full", Some(old.clone()))
        );
        assert_eq!(kind("resume", Some(&old), None), ("full", None));
    }

    #[track_caller]
    fn case(new: &str, changed: &[&str], added: &[&str], removed: &[&str]) {
        let c = changes(&given(BASE, at()), &given(new, at())).expect("a change");
        assert_eq!(c.changed, changed, "changed, for {new:?}");
        assert_eq!(c.added, added, "added, for {new:?}");
        assert_eq!(c.removed, removed, "removed, for {new:?}");
    }

    #[test]
    fn sections_changed_added_and_removed() {
        case(&BASE.replace("P0: a", "P0: b"), &["What's Next"], &[], &[]);
        case(
            &format!("{BASE}\n## Key Decisions\n- k\n"),
            &[],
            &["Key Decisions"],
            &[],
        );
        case(&BASE.replace("\n## Notes\n- n\n", ""), &[], &[], &["Notes"]);
        case(
            &BASE.replace("## Notes", "## Remarks").replace("ok", "fine"),
            &["Current State"],
            &["Remarks"],
            &["Notes"],
        );
        case(
            &format!("intro\n{BASE}"),
            &[],
            &["the text before the first heading"],
            &[],
        );
        // A repeated title is matched by its place among the same titles.
        let twice = format!("{BASE}\n## Notes\n- m\n");
        let c = changes(
            &given(&twice, at()),
            &given(&twice.replace("- m", "- x"), at()),
        )
        .unwrap();
        assert_eq!(c.changed, ["Notes"]);
    }

    #[test]
    fn the_same_text_is_unchanged_whatever_its_line_endings() {
        assert_eq!(changes(&given(BASE, at()), &given(BASE, at())), None);
        let crlf = BASE.replace('\n', "\r\n");
        assert_eq!(changes(&given(BASE, at()), &given(&crlf, at())), None);
    }

    #[test]
    fn lines_say_when_and_what() {
        let old = given(BASE, at());
        assert_eq!(
            unchanged_line("docs/H.md", &old),
            "[handoff] docs/H.md is unchanged since it was given to this session (2026-11-21 12:00 \
             UTC): it is earlier in this conversation, and the file is docs/H.md."
        );
        let c = Changes {
            changed: vec!["What's Next".into()],
            added: vec!["Key Decisions".into()],
            removed: vec![],
        };
        assert_eq!(
            changes_line("docs/H.md", &old, &c),
            "[handoff] docs/H.md changed since it was given to this session (2026-11-21 12:00 UTC) \
             — changed: What's Next; added: Key Decisions. This is the version to trust; the one \
             earlier in this conversation is out of date.\n"
        );
        assert!(changes_line("h", &old, &Changes::default()).contains("its layout changed"));
    }

    #[test]
    fn which_starts_always_give_it_in_full() {
        for (source, full) in [
            ("startup", true),
            ("clear", true),
            ("compact", true),
            ("", true),
            ("resume", false),
            ("fork", true),
        ] {
            assert_eq!(always_in_full(source), full, "{source}");
        }
    }
}
