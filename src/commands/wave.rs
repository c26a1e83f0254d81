//! `handoff wave`: each wave's findings and who wrote them.
use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::json;

use crate::cli::WaveArgs;
use crate::env::Env;
use crate::error::Result;
use crate::fleet::{self, waves, FleetError};
use crate::git::Repo;
use crate::project::Project;

/// A wave's number, folder, and each finding's file, author and title.
type Row = (u32, String, Vec<(String, String, String)>);

pub(crate) fn run(args: &WaveArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    // An unreadable config is this command's error, said once below.
    if project.config.unreadable.is_none() {
        super::warn_config(&project.config);
    }
    let pattern =
        project
            .config
            .fleet
            .waves
            .as_deref()
            .ok_or_else(|| match &project.config.unreadable {
                Some(why) => {
                    FleetError::Config(why.trim_end_matches("; using defaults").to_string())
                }
                None => FleetError::NoWaves,
            })?;
    // A session of wave N sees its own wave and the ones before, never a later one.
    let list = waves::waves(&project.root, pattern, fleet::wave(env));
    let top = Repo::find(&project.root).ok().flatten().map(|r| r.top);
    let rows: Vec<Row> = list
        .iter()
        .map(|wave| {
            let authors = top.as_ref().and_then(|top| {
                let dir = waves::git_path(top, &project.root.join(&wave.shown))?;
                Some((top, waves::authors(top, &dir)))
            });
            let files = wave
                .findings
                .iter()
                .map(|f| {
                    let by = authors
                        .as_ref()
                        .and_then(|(top, map)| map.get(&waves::git_path(top, &f.path)?).cloned())
                        .or_else(|| waves::owner(&f.path))
                        .unwrap_or_else(|| "unknown".into());
                    (f.shown.clone(), by, f.title.clone())
                })
                .collect();
            (wave.n, wave.shown.clone(), files)
        })
        .collect();
    if args.json {
        let value: Vec<serde_json::Value> = rows
            .iter()
            .map(|(n, dir, files)| {
                let files: Vec<serde_json::Value> = files
                    .iter()
                    .map(|(file, by, title)| json!({"file": file, "by": by, "title": title}))
                    .collect();
                json!({"wave": n, "folder": dir, "files": files})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!(
            "No wave folders yet ({pattern}); wave 1 writes its findings into {}.",
            pattern.replace("{wave}", "1")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for (n, dir, files) in &rows {
        let count = files.len();
        let _ = writeln!(
            out,
            "Wave {n} ({dir}): {count} finding{}",
            if count == 1 { "" } else { "s" }
        );
        for (file, by, title) in files {
            let _ = writeln!(out, "  {file}  by {by}  {title}");
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
