//! `handoff check`: for CI and pre-commit — required sections, size, how far HEAD has moved on, and
//! no secrets.
use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::doc::{self, file, roles, view};
use crate::env::Env;
use crate::error::{Error, Result, EXIT_FAILURE};
use crate::project::Project;
use crate::staleness::{self, Staleness};

/// What is checked, from the config and the command line.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// Sections that must exist, each `a|b` alternatives.
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
    let units = doc::utf16_len(&text);
    let problems = problems(&rules, &titles, units, git.as_ref());
    let secrets = secrets(&text);
    if problems.is_empty() && secrets.is_empty() {
        let behind = git
            .map(|g| format!(", {} commits since its update", g.commits_since))
            .unwrap_or_default();
        println!(
            "{shown}: ok ({} sections, {units} of {} UTF-16 units{behind})",
            titles.len(),
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
    units: usize,
    git: Option<&Staleness>,
) -> Vec<String> {
    let mut out = Vec::new();
    for required in &rules.required {
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
    if units > rules.budget {
        out.push(format!(
            "{units} UTF-16 units, over the budget of {}; trim it, or sessions start with only part of it",
            rules.budget
        ));
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
            required: vec![
                "What's Next|Next Session Start".into(),
                "Current State".into(),
            ],
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
    fn case(titles: &[&str], units: usize, git: Option<&Staleness>, want: &[&str]) {
        let titles: Vec<String> = titles.iter().map(ToString::to_string).collect();
        assert_eq!(problems(&rules(), &titles, units, git), want);
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
        case(
            &["Notes"],
            101,
            Some(&git(500, true)),
            &[
                "no \"What's Next\" or \"Next Session Start\" section; add one (`## What's Next`)",
                "no \"Current State\" section; add one (`## Current State`)",
                "101 UTF-16 units, over the budget of 100; trim it, or sessions start with only part of it",
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
