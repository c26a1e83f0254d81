//! `handoff check`: for CI and pre-commit — required sections, size, how far HEAD has moved on, and
//! no secrets.
use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::doc::fit::Fit;
use crate::doc::roles::{self, Role};
use crate::doc::{file, view};
use crate::env::Env;
use crate::error::{Error, Result, EXIT_FAILURE};
use crate::project::Project;
use crate::staleness::{self, Staleness};

/// What is checked, from the config and the command line.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// Sections that must exist, each a role's name (`next`) or `a|b` title alternatives.
    pub required: Vec<String>,
    pub budget: usize,
    pub max_commits: usize,
}

/// Run the checks; one line per problem and exit 1, or one line saying all is well.
pub(crate) fn run(args: &CheckArgs, env: &Env) -> Result<ExitCode> {
    let project = Project::for_command(env);
    let shown = &project.handoff_display;
    let rules = Rules {
        required: if args.require.is_empty() {
            project.config.required.clone()
        } else {
            args.require.clone()
        },
        budget: project.config.budget,
        max_commits: args.max_commits.unwrap_or(project.config.max_commits),
    };
    let Some(text) = file::read(&project)? else {
        println!(
            "{shown}: does not exist; create it with `{}`",
            file::create_hint(&project)
        );
        return Err(Error::Quiet(EXIT_FAILURE));
    };
    let git = project
        .staleness(staleness::COMMAND_DEADLINE)
        .unwrap_or_else(|e| {
            eprintln!("handoff: {e}");
            None
        });
    let titles: Vec<String> = view::structure(&text)
        .sections
        .into_iter()
        .map(|s| s.title)
        .collect();
    let fit = Fit::of(&text, rules.budget);
    let problems = problems(&rules, &titles, fit, git.as_ref());
    let secrets = secrets(&text);
    if problems.is_empty() && secrets.is_empty() {
        let behind = git
            .map(|g| format!(", {} commits since its update", g.commits_since))
            .unwrap_or_default();
        let note = fit.note().map(|n| format!("; {n}")).unwrap_or_default();
        println!(
            "{shown}: ok ({} sections, {} of {} UTF-16 units{behind}){note}",
            titles.len(),
            fit.units,
            rules.budget
        );
        return Ok(ExitCode::SUCCESS);
    }
    for (line, p) in secrets {
        println!("{shown}:{line}: {p}");
    }
    for p in problems {
        println!("{shown}: {p}");
    }
    Err(Error::Quiet(EXIT_FAILURE))
}

/// Secrets in the handoff, one line each: where and what kind, never the value.
pub(crate) fn secrets(text: &str) -> Vec<(usize, String)> {
    crate::redact::find(text)
        .into_iter()
        .map(|f| {
            (
                f.line,
                format!(
                    "a secret ({}); remove it, since the handoff is shown to every session and usually committed",
                    f.kind
                ),
            )
        })
        .collect()
}

/// The problems, one line each, saying what to do.
pub(crate) fn problems(
    rules: &Rules,
    titles: &[String],
    fit: Fit,
    git: Option<&Staleness>,
) -> Vec<String> {
    let mut out = Vec::new();
    for required in &rules.required {
        if let Some(role) = Role::named(required) {
            if !titles.iter().any(|t| Role::of_title(t) == Some(role)) {
                out.push(format!(
                    "no \"{}\" section (or another title for it, such as {}); add one (`## {}`)",
                    role.new_title(),
                    role.examples(),
                    role.new_title()
                ));
            }
            continue;
        }
        let alternatives: Vec<&str> = required
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let present = titles
            .iter()
            .any(|t| alternatives.iter().any(|a| roles::title_matches(t, a)));
        if !present && !alternatives.is_empty() {
            out.push(format!(
                "no \"{}\" section; add one (`## {}`)",
                alternatives.join("\" or \""),
                alternatives[0]
            ));
        }
    }
    if fit.must_trim() {
        if let Some(note) = fit.note() {
            out.push(format!("{} UTF-16 units, {note}", fit.units));
        }
    }
    if let Some(g) = git {
        if g.commits_since > rules.max_commits {
            let more = if g.more { "+" } else { "" };
            out.push(format!(
                "{}{more} commits since it was last updated (at most {}); bring it up to date",
                g.commits_since, rules.max_commits
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            required: vec!["next".into(), "Current State".into()],
            budget: 100,
            max_commits: 5,
        }
    }

    fn git(n: usize, more: bool) -> Staleness {
        Staleness {
            commits_since: n,
            more,
            ..Staleness::default()
        }
    }

    #[track_caller]
    fn case(titles: &[&str], kept: usize, git: Option<&Staleness>, want: &[&str]) {
        let titles: Vec<String> = titles.iter().map(ToString::to_string).collect();
        let fit = Fit {
            units: kept + 50,
            budget: 100,
            kept,
        };
        assert_eq!(problems(&rules(), &titles, fit, git), want);
    }

    #[test]
    fn each_problem_is_one_line() {
        case(
            &["Current State", "What’s Next (P0)"],
            100,
            Some(&git(5, false)),
            &[],
        );
        case(&["Current State", "Next Session Start"], 10, None, &[]);
        // Any title the roles table gives the role will do; a long log over the budget is fine.
        case(&["Current State", "TODO"], 90, None, &[]);
        case(&["Current State", "Priorities"], 0, None, &[]);
        case(
            &["Notes"],
            101,
            Some(&git(500, true)),
            &[
                "no \"What's Next\" section (or another title for it, such as next session start, remaining work, next steps); add one (`## What's Next`)",
                "no \"Current State\" section; add one (`## Current State`)",
                "151 UTF-16 units, over the budget of 100, and What's Next, What Failed and Current State alone take 101; trim those, or sessions start without part of them",
                "500+ commits since it was last updated (at most 5); bring it up to date",
            ],
        );
        case(
            &["current state", "what's next"],
            0,
            Some(&git(6, false)),
            &["6 commits since it was last updated (at most 5); bring it up to date"],
        );
    }
}
