//! The files `handoff` writes, compiled in from `templates/` so the repository holds the one copy.

/// A handoff template, chosen with `handoff init --template`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Template {
    /// Current state, what was done, what failed and why, what's next (P0/P1/P2), key decisions.
    #[default]
    Handoff,
    /// Decisions made, progress markers (COMPLETED / IN_PROGRESS / PENDING), discoveries, next start.
    Memory,
    /// Identity, active session, dated build log, remaining work, decisions table, handoff notes.
    Campaign,
    /// The default handoff, plus a pipeline of sessions: plan/, review/, discovery/, a todo and
    /// done queue, the session boundary in .claude/handoff.json and the protocol in CLAUDE.md.
    Pipeline,
}

impl Template {
    /// The name used on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Template::Handoff => "handoff",
            Template::Memory => "memory",
            Template::Campaign => "campaign",
            Template::Pipeline => "pipeline",
        }
    }

    /// The template's text, with `{{project}}` and `{{date}}` placeholders.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Template::Handoff | Template::Pipeline => HANDOFF,
            Template::Memory => MEMORY,
            Template::Campaign => CAMPAIGN,
        }
    }

    /// The session protocol for CLAUDE.md; placeholder `{{handoff}}`.
    pub(crate) fn claude_md(self) -> &'static str {
        match self {
            Template::Pipeline => CLAUDE_MD_PIPELINE,
            _ => CLAUDE_MD,
        }
    }
}

/// The session protocol of a pipeline, for CLAUDE.md; placeholder `{{handoff}}`.
pub(crate) const CLAUDE_MD_PIPELINE: &str = include_str!("../templates/pipeline/claude-md.md");

/// The files `init --template pipeline` lays out besides the handoff: path, text.
pub(crate) const PIPELINE_FILES: &[(&str, &str)] = &[
    (
        ".claude/handoff.json",
        include_str!("../templates/pipeline/handoff.json"),
    ),
    (
        "plan/README.md",
        include_str!("../templates/pipeline/plan.md"),
    ),
    (
        "review/completed.md",
        include_str!("../templates/pipeline/completed.md"),
    ),
    (
        "discovery/README.md",
        include_str!("../templates/pipeline/discovery.md"),
    ),
    ("todo.md", include_str!("../templates/pipeline/todo.md")),
    ("done.md", include_str!("../templates/pipeline/done.md")),
];

/// The default handoff: state, done, failed, next, decisions.
pub(crate) const HANDOFF: &str = include_str!("../templates/handoff.md");
/// A session-memory file: decisions, progress markers, discoveries, next start.
pub(crate) const MEMORY: &str = include_str!("../templates/memory.md");
/// A long-running campaign file with a build log and a decisions table.
pub(crate) const CAMPAIGN: &str = include_str!("../templates/campaign.md");
/// A postmortem: what went wrong, how it was fixed, prevention. Placeholders `{{title}}`, `{{date}}`.
pub(crate) const POSTMORTEM: &str = include_str!("../templates/postmortem.md");
/// The session protocol added to CLAUDE.md; placeholder `{{handoff}}`.
pub(crate) const CLAUDE_MD: &str = include_str!("../templates/claude-md.md");

/// Template text that stands in for real entries: the first real entry in a section replaces it,
/// and queues don't list it. Compared as written, without a final full stop.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "(nothing yet)",
    "(to do)",
    "What works, what is half-done, what is broken right now",
    "the one thing to do first",
    "Decision — why, and what it rules out",
    "Facts about the code, the tools or the domain that took effort to learn",
    "What the next session must know before it touches anything",
    "The check, test or habit that stops it happening again",
];

/// Whether a list item's text (markers removed) is one of the templates' [`PLACEHOLDERS`].
pub(crate) fn is_placeholder(item_text: &str) -> bool {
    let t = item_text.trim().trim_end_matches('.');
    PLACEHOLDERS.contains(&t)
}

/// Replace each `{{name}}` with its value; unknown placeholders stay as they are.
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{{{name}}}}}"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(text: &str) -> Vec<&str> {
        text.lines().filter_map(|l| l.strip_prefix("## ")).collect()
    }

    #[test]
    fn templates_have_a_title_and_their_sections() {
        let cases: &[(&str, &[&str])] = &[
            (
                HANDOFF,
                &[
                    "Last Updated",
                    "Current State",
                    "What Was Done This Session",
                    "What Failed",
                    "What's Next",
                    "Key Decisions",
                ],
            ),
            (
                MEMORY,
                &[
                    "Decisions Made",
                    "Progress Markers",
                    "Key Discoveries",
                    "Next Session Start",
                ],
            ),
            (
                CAMPAIGN,
                &[
                    "Identity",
                    "Active Session",
                    "Build Log",
                    "Remaining Work",
                    "Decisions Log",
                    "Constraints",
                    "Handoff Notes",
                ],
            ),
            (
                POSTMORTEM,
                &[
                    "Summary",
                    "What Went Wrong",
                    "How It Was Fixed",
                    "Prevention",
                ],
            ),
        ];
        for (text, want) in cases {
            assert!(text.starts_with("# "), "{text}");
            assert_eq!(text.lines().filter(|l| l.starts_with("# ")).count(), 1);
            assert_eq!(headings(text), *want);
            assert!(text.ends_with('\n') && !text.ends_with("\n\n"));
        }
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(
            fill("{{a}} {{b}} {{a}}", &[("a", "1")]),
            "1 {{b}} 1".to_string()
        );
        assert!(!fill(HANDOFF, &[("project", "p"), ("date", "d")]).contains("{{"));
        assert!(!fill(CLAUDE_MD, &[("handoff", "h.md")]).contains("{{"));
        assert!(!fill(CLAUDE_MD_PIPELINE, &[("handoff", "h.md")]).contains("{{"));
    }

    #[test]
    fn the_pipeline_config_names_its_own_files() {
        let (_, json) = PIPELINE_FILES[0];
        let config = crate::config::Config::parse(json, "pipeline");
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        let queue = config.fleet.queue.expect("a queue");
        for file in [
            queue.todo.as_str(),
            queue.done.as_str(),
            "review/completed.md",
        ] {
            assert!(PIPELINE_FILES.iter().any(|(p, _)| *p == file), "{file}");
        }
        assert!(config.fleet.waves.is_some());
    }
}
