//! `handoff init`: write the handoff from a template and the session protocol into CLAUDE.md.
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use crate::claude_md;
use crate::cli::InitArgs;
use crate::config::CONFIG_PATH;
use crate::confine::{self, Named};
use crate::doc::file as document;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::fs_atomic::{self, Durability};
use crate::json_text::{self, Style};
use crate::project::Project;
use crate::scope;
use crate::templates;

use crate::wiring::{self, claude_md_path, confined_claude_md, read_optional, write_through};

/// Create what is missing, never overwrite what exists.
pub(crate) fn run(args: &InitArgs, env: &Env) -> Result<ExitCode> {
    let mut project = Project::for_command(env);
    if let Some(path) = &args.path {
        set_configured_path(&project, path, env)?;
        project = Project::at(env, project.root.clone());
    }
    let name = project.root.file_name().map_or_else(
        || "this project".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let date = env.now.format("%Y-%m-%d").to_string();
    let text = templates::fill(args.template.text(), &[("project", &name), ("date", &date)]);
    if document::create(&project, &text)? {
        println!(
            "Wrote {} from the {} template.",
            project.handoff_display,
            args.template.name()
        );
    } else {
        fs_atomic::sweep(project.handoff()?);
        println!("{} already exists; left as it is.", project.handoff_display);
    }
    if args.template == templates::Template::Pipeline {
        for line in crate::fleet::pipeline::lay_out(&project.root)? {
            println!("{line}");
        }
    }
    if !args.no_claude_md {
        update_claude_md(&project, env, args.template)?;
    }
    if let Some(shown) = wiring::plugin_enabled_in(&project, env) {
        println!("The handoff plugin is enabled ({shown}): sessions load it; nothing to install.");
    } else if wiring::installed_scopes(&project, env).is_empty() {
        println!("Next: run `handoff install` so Claude Code sessions load it.");
    }
    Ok(ExitCode::SUCCESS)
}

fn update_claude_md(project: &Project, env: &Env, template: templates::Template) -> Result<()> {
    let named = claude_md_path(&project.root);
    let shown = scope::display(&named, &project.root, env);
    let path = confined_claude_md(&project.root, &named)?;
    let old = read_optional(&path)?;
    let body = templates::fill(
        template.claude_md(),
        &[("handoff", &project.project_handoff_display)],
    );
    let new = claude_md::upsert(old.as_deref(), &body).map_err(|problem| Error::ClaudeMd {
        shown: shown.clone(),
        problem,
    })?;
    match new {
        None => {
            fs_atomic::sweep(&path);
            println!("{shown} already has the session protocol.");
        }
        Some(text) => {
            write_through(&path, &text)?;
            if old.as_deref().is_some_and(|t| t.contains(claude_md::BEGIN)) {
                println!("Updated the session protocol in {shown}.");
            } else {
                println!("Added the session protocol to {shown}.");
            }
        }
    }
    Ok(())
}

/// Save `path` as the handoff's location in `.claude/handoff.json`, keeping the file's other keys.
fn set_configured_path(project: &Project, path: &Path, env: &Env) -> Result<()> {
    if path.is_absolute() {
        return Err(Error::AbsolutePath {
            path: path.to_path_buf(),
            root: project.root.clone(),
        });
    }
    let value = crate::project::display_relative(Path::new(""), path);
    if value == project.config.path {
        return Ok(());
    }
    // Saved in the repository, so it must keep to the project like any path the config names.
    confine::file(&project.root, path, Named::Handoff)?;
    let config = confine::file(&project.root, Path::new(CONFIG_PATH), Named::Config)?;
    let old = read_optional(&config)?.filter(|t| !t.trim().is_empty());
    let text = old.clone().unwrap_or_else(|| "{}\n".into());
    serde_json::from_str::<Value>(&text).map_err(|e| Error::invalid_json(&config, &e))?;
    let root = json_text::parse(&text)
        .filter(|r| matches!(r.kind, json_text::Kind::Object(_)))
        .ok_or_else(|| Error::NotAnObject(config.clone()))?;
    let style = Style::detect(&text, &root);
    if let Some(new) = json_text::set_member(&text, &root, "path", &Value::String(value), &style) {
        fs_atomic::write(&config, new.as_bytes(), Durability::Synced)?;
        println!(
            "Saved the handoff path in {}.",
            scope::display(&config, &project.root, env)
        );
    }
    Ok(())
}
