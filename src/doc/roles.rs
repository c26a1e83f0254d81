//! What a section is for, from its title: the one table of section names. Packing priority,
//! `checkpoint`, `next`, `show --json`, Stop's reminder and `doctor` all read it.
use serde::Serialize;

/// What a section is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The queue: What's Next, Next Session Start, Remaining Work.
    Next,
    /// Approaches that didn't work, known issues, blockers.
    Failed,
    /// Decisions and their reasons.
    Decision,
    /// Things learned.
    Discovery,
    /// What must stay true.
    Constraints,
    /// Where things stand now.
    State,
    /// What the project is.
    Identity,
    /// What happened: What Was Done, Progress Markers, Build Log.
    Done,
}

/// One row of the table.
struct Row {
    role: Role,
    /// Packing rank: lower is kept first.
    rank: usize,
    /// Titles that play this role, most specific first, as lowercase words.
    aliases: &'static [&'static str],
    /// The title of the section created when a document has none.
    new_title: &'static str,
}

/// The packing rank of a section no role claims.
pub const REST: usize = 4;
/// The rank of the preamble and the document's title.
pub const MASTHEAD: usize = 0;

/// Every role, in the order a title is tested against them (a title plays the first that matches).
const TABLE: &[Row] = &[
    Row {
        role: Role::Next,
        rank: 0,
        aliases: &[
            "what's next",
            "next session start",
            "remaining work",
            "next steps",
            "next actions",
            "next up",
            "priorities",
            "todo",
            "next",
        ],
        new_title: "What's Next",
    },
    Row {
        role: Role::Failed,
        rank: 1,
        aliases: &[
            "what failed",
            "what didn't work",
            "known issues",
            "dead ends",
            "failures",
            "failed",
            "blockers",
            "blocked",
        ],
        new_title: "What Failed",
    },
    Row {
        role: Role::Decision,
        rank: 3,
        aliases: &[
            "key decisions",
            "decisions made",
            "decisions log",
            "decision log",
            "decisions",
            "decision",
        ],
        new_title: "Key Decisions",
    },
    Row {
        role: Role::Discovery,
        rank: REST,
        aliases: &[
            "key discoveries",
            "discoveries",
            "discovery",
            "learnings",
            "lessons learned",
            "findings",
            // Traps learned along the way: knowledge to carry, not failures to report.
            "gotchas",
            "pitfalls",
        ],
        new_title: "Key Discoveries",
    },
    Row {
        role: Role::Constraints,
        rank: 3,
        aliases: &["constraints", "invariants"],
        new_title: "Constraints",
    },
    Row {
        role: Role::State,
        rank: 2,
        aliases: &[
            "current state",
            "active session",
            "active context",
            "current focus",
            "state",
            "status",
        ],
        new_title: "Current State",
    },
    Row {
        role: Role::Identity,
        rank: REST,
        aliases: &["identity", "purpose"],
        new_title: "Identity",
    },
    Row {
        role: Role::Done,
        rank: 5,
        aliases: &[
            "what was done",
            "progress markers",
            "build log",
            "session log",
            "work log",
            "done",
            "progress",
            "completed",
            "changelog",
            "history",
            "log",
        ],
        new_title: "What Was Done This Session",
    },
];

impl Role {
    /// Every role, in the order a title is tested against them.
    pub const ALL: [Role; 8] = [
        Role::Next,
        Role::Failed,
        Role::Decision,
        Role::Discovery,
        Role::Constraints,
        Role::State,
        Role::Identity,
        Role::Done,
    ];

    /// The role's name, as `show --json` and the config write it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Next => "next",
            Role::Failed => "failed",
            Role::Decision => "decision",
            Role::Discovery => "discovery",
            Role::Constraints => "constraints",
            Role::State => "state",
            Role::Identity => "identity",
            Role::Done => "done",
        }
    }

    /// The role a config entry names (`next`, `state`, ...), ignoring case and spaces.
    pub fn named(entry: &str) -> Option<Role> {
        let entry = entry.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(entry))
    }

    /// A few other titles for this role, for a message: `next steps, todo, priorities`.
    pub fn examples(self) -> String {
        let new = words(self.new_title());
        let others: Vec<&str> = self
            .aliases()
            .iter()
            .copied()
            .filter(|a| words(a) != new)
            .take(3)
            .collect();
        others.join(", ")
    }

    fn row(self) -> &'static Row {
        TABLE.iter().find(|r| r.role == self).unwrap_or(&TABLE[0])
    }

    /// Titles that play this role, most specific first, matched as whole words in any case.
    pub fn aliases(self) -> &'static [&'static str] {
        self.row().aliases
    }

    /// The title of the section created when a document has none for this role.
    pub fn new_title(self) -> &'static str {
        self.row().new_title
    }

    /// Packing rank: lower is kept first.
    pub fn rank(self) -> usize {
        self.row().rank
    }

    /// Whether entries are added at the end over time, so an undated one further down is newer.
    pub fn is_log(self) -> bool {
        matches!(
            self,
            Role::Failed | Role::Decision | Role::Discovery | Role::Done
        )
    }

    /// The role a section with this title plays, if any.
    pub fn of_title(title: &str) -> Option<Role> {
        let title = words(title);
        TABLE
            .iter()
            .find(|r| r.aliases.iter().any(|a| has_words(&title, a)))
            .map(|r| r.role)
    }

    /// Whether this title names this role through `alias` (and plays no earlier role).
    pub fn named_by(self, title: &str, alias: &str) -> bool {
        title_matches(title, alias) && Role::of_title(title) == Some(self)
    }
}

/// The titles of the sections created for `roles`, as a list in prose: `A, B and C`.
pub fn listing(roles: &[Role]) -> String {
    let titles: Vec<&str> = roles.iter().map(|r| r.new_title()).collect();
    match titles.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What a session should bring up to date, in the order it is asked for.
pub const KEEP_UP: [Role; 5] = [
    Role::State,
    Role::Done,
    Role::Failed,
    Role::Next,
    Role::Decision,
];

/// The default packing priority, highest first, as the config writes it: each rank's aliases as
/// `a|b|c`, `*` for every section no role claims.
pub fn default_priority() -> Vec<String> {
    let top = TABLE.iter().map(|r| r.rank).max().unwrap_or(REST);
    (0..=top)
        .filter_map(|rank| {
            if rank == REST {
                return Some("*".to_string());
            }
            let aliases: Vec<&str> = TABLE
                .iter()
                .filter(|r| r.rank == rank)
                .flat_map(|r| r.aliases.iter().copied())
                .collect();
            (!aliases.is_empty()).then(|| aliases.join("|"))
        })
        .collect()
}

/// Lowercase words of a title or pattern, padded with spaces for whole-word matching.
fn words(s: &str) -> String {
    let mut out = String::from(" ");
    for c in s.chars() {
        let c = if c == '’' || c == '‘' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Whether padded `title` words hold `words` (lowercase, single spaces) as whole words.
fn has_words(title: &str, words: &str) -> bool {
    title.match_indices(words).any(|(i, _)| {
        title.as_bytes().get(i.wrapping_sub(1)) == Some(&b' ')
            && title.as_bytes().get(i + words.len()) == Some(&b' ')
    })
}

/// Whether `title` contains `pattern` as whole words, ignoring case and punctuation
/// ("What's Next (P0/P1)" contains "what's next").
pub fn title_matches(title: &str, pattern: &str) -> bool {
    let pattern = words(pattern);
    !pattern.trim().is_empty() && words(title).contains(pattern.as_str())
}

/// A priority list, normalised once: groups of whole-word patterns, and where `*` stands. The
/// default list ranks by the table itself, so a title ranks as the role it plays.
#[derive(Debug, Clone)]
pub struct Priority {
    groups: Vec<Vec<String>>,
    rest: usize,
    by_role: bool,
}

impl Priority {
    /// Compile `priority` (entries of `a|b|c` alternatives, `*` for every other section).
    pub fn new(priority: &[String]) -> Self {
        if priority == default_priority().as_slice() {
            return Self {
                groups: Vec::new(),
                rest: REST,
                by_role: true,
            };
        }
        let groups: Vec<Vec<String>> = priority
            .iter()
            .map(|group| {
                group
                    .split('|')
                    .map(words)
                    .filter(|w| !w.trim().is_empty() && w.trim() != "*")
                    .collect()
            })
            .collect();
        let rest = priority
            .iter()
            .position(|p| p.trim() == "*")
            .unwrap_or(priority.len());
        Self {
            groups,
            rest,
            by_role: false,
        }
    }

    /// Rank of a section title (lower is more important).
    pub fn rank(&self, title: &str) -> usize {
        if self.by_role {
            return Role::of_title(title).map_or(REST, Role::rank);
        }
        let title = words(title);
        self.groups
            .iter()
            .position(|group| group.iter().any(|w| title.contains(w.as_str())))
            .unwrap_or(self.rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_play_roles() {
        for (title, want) in [
            ("What's Next (prioritised, P0/P1/P2)", Some(Role::Next)),
            ("What’s Next", Some(Role::Next)),
            ("Next Session Start", Some(Role::Next)),
            ("Remaining Work", Some(Role::Next)),
            ("Priorities", Some(Role::Next)),
            ("Known Issues", Some(Role::Failed)),
            ("What Failed (and why)", Some(Role::Failed)),
            ("Blockers", Some(Role::Failed)),
            ("Gotchas", Some(Role::Discovery)),
            ("Pitfalls", Some(Role::Discovery)),
            ("Current State", Some(Role::State)),
            ("Active Session", Some(Role::State)),
            ("Decisions Log", Some(Role::Decision)),
            ("Constraints", Some(Role::Constraints)),
            ("Identity", Some(Role::Identity)),
            ("Key Discoveries", Some(Role::Discovery)),
            ("Build Log", Some(Role::Done)),
            ("Progress Markers", Some(Role::Done)),
            ("What's Next and What Was Done", Some(Role::Next)),
            ("Nextcloud notes", None),
            ("Handoff Notes", None),
        ] {
            assert_eq!(Role::of_title(title), want, "{title}");
        }
    }

    #[test]
    fn lists_are_built_from_the_table() {
        assert_eq!(listing(&[]), "");
        assert_eq!(listing(&[Role::Next]), "What's Next");
        assert_eq!(
            listing(&KEEP_UP),
            "Current State, What Was Done This Session, What Failed, What's Next and Key Decisions"
        );
    }

    #[test]
    fn config_entries_name_roles() {
        for (entry, want) in [
            ("next", Some(Role::Next)),
            (" State ", Some(Role::State)),
            ("What's Next", None),
            ("next|todo", None),
        ] {
            assert_eq!(Role::named(entry), want, "{entry}");
        }
        for role in Role::ALL {
            assert_eq!(Role::named(role.name()), Some(role));
        }
        assert_eq!(
            Role::Next.examples(),
            "next session start, remaining work, next steps"
        );
    }

    #[test]
    fn ranks_follow_the_table_and_a_custom_list() {
        let p = Priority::new(&default_priority());
        for (title, want) in [
            ("Next Session Start", 0),
            ("What's Next (prioritised, P0/P1/P2)", 0),
            ("What Failed (approaches that didn't work and why)", 1),
            ("Known Issues", 1),
            ("Current State", 2),
            ("Key Decisions (with reasoning)", 3),
            ("Decisions Made", 3),
            ("Constraints", 3),
            ("Key Discoveries", 4),
            ("Nextcloud notes", 4),
            ("Progress Markers", 5),
            ("What Was Done This Session", 5),
        ] {
            assert_eq!(p.rank(title), want, "{title}");
        }
        let custom = Priority::new(&["notes".into(), "*".into(), "next".into()]);
        assert_eq!(custom.rank("Notes"), 0);
        assert_eq!(custom.rank("What Failed"), 1);
        assert_eq!(custom.rank("What's Next"), 2);
    }

    #[test]
    fn the_default_list_names_every_ranked_alias() {
        let list = default_priority();
        assert_eq!(list[REST], "*");
        assert!(list[1].contains("known issues"), "{list:?}");
        assert!(list[0].starts_with("what's next|"), "{list:?}");
    }
}
