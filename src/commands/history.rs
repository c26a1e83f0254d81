//! `handoff history`: the copies saved before each compaction — list, show, diff.
use std::process::ExitCode;

use crate::cli::{HistoryAction, HistoryArgs};
use crate::copies;
use crate::doc::file as document;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::timefmt;

/// List the copies newest first, or show or diff one.
pub(crate) fn run(args: &HistoryArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let dir = project.history_dir();
    let mut copies = copies::list(&dir);
    // Numbered from the newest.
    copies.reverse();
    let pick = |n: usize| -> Result<String> {
        let name = n
            .checked_sub(1)
            .and_then(|k| copies.get(k))
            .ok_or(Error::NoSuchCopy {
                n,
                count: copies.len(),
            })?;
        Ok(fs_err::read_to_string(dir.join(name))?)
    };
    match &args.action {
        None => {
            if copies.is_empty() {
                println!(
                    "No copies of {} yet: one is saved before each compaction.",
                    project.handoff_display
                );
            }
            for (i, name) in copies.iter().enumerate() {
                let size = std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
                println!("{:>3}  {}  {}", i + 1, describe(name), kb(size));
            }
        }
        Some(HistoryAction::Show { n }) => print!("{}", pick(*n)?),
        Some(HistoryAction::Diff { n }) => {
            let old = pick(*n)?;
            let new = document::read(&project)?.unwrap_or_default();
            let name = &copies[n - 1];
            print!("{}", diff(&old, &new, name, &project.handoff_display));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "2026-11-21 11:00 UTC  auto" from "2026-11-21T11-00-00Z-auto.md".
fn describe(name: &str) -> String {
    let stem = name.trim_end_matches(".md");
    let (stamp, trigger) = stem.split_at(stem.find('Z').map_or(0, |i| i + 1));
    let time = chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H-%M-%SZ")
        .map(|t| timefmt::stamp(t.and_utc()));
    match time {
        Ok(t) => format!("{t}  {:<7}", trigger.trim_start_matches('-')),
        Err(_) => stem.to_string(),
    }
}

/// "3.2 KB"
fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// A unified diff from the copy to the current handoff; empty when they are the same.
fn diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("history/{old_name}"), new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sizes() {
        assert_eq!(
            describe("2026-11-21T11-00-00Z-auto.md"),
            "2026-11-21 11:00 UTC  auto   "
        );
        assert_eq!(describe("odd.md"), "odd");
        assert_eq!(kb(3277), "3.2 KB");
    }

    #[test]
    fn diffs_are_unified() {
        assert_eq!(diff("a\nb\n", "a\nb\n", "x.md", "H.md"), "");
        assert_eq!(
            diff("a\nb\n", "a\nc\n", "x.md", "H.md"),
            "--- history/x.md\n+++ H.md\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        );
    }
}
