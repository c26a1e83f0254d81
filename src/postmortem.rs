//! Postmortems: one file each in `docs/postmortems/`, named by date and title, and the index of
//! them (title and prevention, newest first) that SessionStart injects.
use std::path::Path;

use crate::doc::{items, outline, roles, view};
use crate::templates;

/// Postmortems read for the index at most; the rest are only counted.
pub(crate) const MAX_INDEXED: usize = 20;
/// Longest prevention line shown, in characters.
const MAX_PREVENTION_CHARS: usize = 200;
/// Bytes of each file read for the index: the title and Prevention are near the top of a short file.
const MAX_READ: u64 = 64 * 1024;

/// One postmortem, as the index shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Postmortem {
    /// The file's name in the postmortems folder.
    pub file: String,
    /// `YYYY-MM-DD`, from the file name or its `Date:` line.
    pub date: Option<String>,
    /// The title, without "Postmortem:".
    pub title: String,
    /// The first line of its Prevention section, unless that is still the template's.
    pub prevention: Option<String>,
}

/// A file-name-safe slug of a title: lowercase letters and digits joined by `-`.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "postmortem".into()
    } else {
        out.into()
    }
}

/// The `n`th name to try for a postmortem: `YYYY-MM-DD-<slug>.md`, then `-2`, `-3`, …
pub(crate) fn file_name(date: &str, title: &str, n: u64) -> String {
    let base = format!("{date}-{}", slug(title));
    if n <= 1 {
        format!("{base}.md")
    } else {
        format!("{base}-{n}.md")
    }
}

/// The date a name starts with (`2026-11-21-…`).
fn date_prefix(name: &str) -> Option<&str> {
    let d = name.get(..10)?;
    let ok = d.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    ok.then_some(d)
}

/// Read a postmortem's title, date and prevention from its text.
pub(crate) fn parse(file: &str, text: &str) -> Postmortem {
    let text = outline::normalize_newlines(text);
    let s = view::structure(&text);
    let title = s
        .title
        .or_else(|| s.sections.first().map(|x| x.title.clone()))
        .map(|t| {
            let lower = t.to_lowercase();
            match lower.strip_prefix("postmortem") {
                Some(rest) if rest.starts_with([':', ' ', '—', '-']) => t["postmortem".len()..]
                    .trim_start_matches([':', ' ', '—', '-'])
                    .trim()
                    .to_string(),
                _ => t,
            }
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            let stem = file.trim_end_matches(".md");
            let stem = date_prefix(stem).map_or(stem, |_| stem[10..].trim_start_matches('-'));
            stem.replace('-', " ")
        });
    let date = date_prefix(file).map(str::to_string).or_else(|| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix("Date:"))
            .and_then(|d| date_prefix(d.trim()).map(str::to_string))
    });
    let prevention = s
        .sections
        .iter()
        .find(|x| roles::title_matches(&x.title, "prevention"))
        .and_then(|x| {
            let line = x.text.lines().find(|l| !l.trim().is_empty())?;
            let first = items::parse_item(line).map_or_else(|| line.trim().to_string(), |i| i.text);
            (!templates::is_placeholder(&first)).then_some(first)
        })
        .map(|p| crate::transcript::first_line(&p))
        .map(|p| {
            if p.chars().count() > MAX_PREVENTION_CHARS {
                p.chars().take(MAX_PREVENTION_CHARS).collect()
            } else {
                p
            }
        });
    Postmortem {
        file: file.to_string(),
        date,
        title,
        prevention,
    }
}

/// The postmortems SessionStart lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Index {
    /// The newest [`MAX_INDEXED`], newest first.
    pub list: Vec<Postmortem>,
    /// How many there are in all.
    pub total: usize,
    /// Postmortems left unread because they are symlinks or not regular files: a link could lead
    /// outside the project, a FIFO would block.
    pub not_files: Vec<String>,
}

/// The newest [`MAX_INDEXED`] postmortems in `dir` (by the date their names start with, newest
/// first), and how many there are in all. A missing folder has none.
pub(crate) fn index(dir: &Path) -> Index {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Index::default();
    };
    let mut not_files = Vec::new();
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.file_type().ok()?)))
        .filter(|(n, _)| {
            !n.starts_with('.')
                && Path::new(n)
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("md"))
                && !n.eq_ignore_ascii_case("README.md")
        })
        .filter_map(|(n, kind)| {
            // The entry itself, not what a link leads to.
            if kind.is_file() {
                Some(n)
            } else {
                not_files.push(n);
                None
            }
        })
        .collect();
    not_files.sort();
    let total = names.len();
    // Dated names newest first, then the rest by name.
    names.sort_by(|a, b| date_prefix(b).cmp(&date_prefix(a)).then_with(|| a.cmp(b)));
    let list = names
        .into_iter()
        .take(MAX_INDEXED)
        .filter_map(|name| {
            let mut bytes = Vec::new();
            let file = std::fs::File::open(dir.join(&name)).ok()?;
            std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_READ), &mut bytes)
                .ok()?;
            Some(parse(&name, &String::from_utf8_lossy(&bytes)))
        })
        .collect();
    Index {
        list,
        total,
        not_files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for (title, want) in [
            ("Lost writes under load", "lost-writes-under-load"),
            ("  CI: flaky `test_retry`!! ", "ci-flaky-test-retry"),
            ("Über große Dateien", "über-große-dateien"),
            ("???", "postmortem"),
            (&"word ".repeat(40), &"word-".repeat(12)[..59]),
        ] {
            assert_eq!(slug(title), want, "{title:?}");
        }
    }

    #[test]
    fn names_count_up_from_the_plain_one() {
        let names: Vec<String> = (1..=3).map(|n| file_name("2026-11-21", "X!", n)).collect();
        assert_eq!(
            names,
            ["2026-11-21-x.md", "2026-11-21-x-2.md", "2026-11-21-x-3.md"]
        );
    }

    #[test]
    fn reads_title_date_and_prevention() {
        let text = templates::fill(
            templates::POSTMORTEM,
            &[("title", "Lost writes"), ("date", "2026-11-20")],
        );
        let p = parse("2026-11-20-lost-writes.md", &text);
        assert_eq!(p.title, "Lost writes");
        assert_eq!(p.date.as_deref(), Some("2026-11-20"));
        // Still the template's text.
        assert_eq!(p.prevention, None);

        let text = text.replace(
            "- The check, test or habit that stops it happening again.",
            "- A lock around every read-modify-write.\n- And a test.",
        );
        let p = parse("notes.md", &text);
        assert_eq!(
            p.prevention.as_deref(),
            Some("A lock around every read-modify-write.")
        );
        assert_eq!(p.date.as_deref(), Some("2026-11-20"));

        let p = parse("2026-01-02-no-headings.md", "just text\r\n");
        assert_eq!((p.title.as_str(), p.prevention), ("no headings", None));
        let p = parse(
            "x.md",
            "# Outage\n\n## Prevention\nAlerts on queue depth.\n",
        );
        assert_eq!(p.title, "Outage");
        assert_eq!(p.prevention.as_deref(), Some("Alerts on queue depth."));
    }

    #[test]
    fn index_is_newest_first_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            crate::fs_atomic::write(
                &dir.path().join(name),
                text.as_bytes(),
                crate::fs_atomic::Durability::Fast,
            )
            .unwrap();
        };
        write("2026-01-05-b.md", "# Postmortem: B\n");
        write("2026-03-01-c.md", "# Postmortem: C\n");
        write("2025-12-31-a.md", "# Postmortem: A\n");
        write("undated.md", "# Postmortem: U\n");
        write("README.md", "# About\n");
        write("notes.txt", "x");
        let Index { list, total, .. } = index(dir.path());
        let titles: Vec<&str> = list.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["C", "B", "A", "U"]);
        assert_eq!(total, 4);
        for i in 0..30 {
            write(&format!("2027-01-{:02}-x.md", i % 28 + 1), "# X\n");
            write(&format!("2027-02-{i:02}-y.md"), "# Y\n");
        }
        let Index { list, total, .. } = index(dir.path());
        assert_eq!(list.len(), MAX_INDEXED);
        assert!(total > MAX_INDEXED);
        assert_eq!(index(&dir.path().join("missing")), Index::default());
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.md");
        crate::fs_atomic::write(
            &outside,
            b"# Postmortem: secret\n",
            crate::fs_atomic::Durability::Fast,
        )
        .unwrap();
        let pm = dir.path().join("pm");
        std::fs::create_dir(&pm).unwrap();
        std::os::unix::fs::symlink(&outside, pm.join("2026-01-01-link.md")).unwrap();
        std::fs::create_dir(pm.join("2026-01-02-folder.md")).unwrap();
        crate::fs_atomic::write(
            &pm.join("2026-01-03-real.md"),
            b"# Postmortem: real\n",
            crate::fs_atomic::Durability::Fast,
        )
        .unwrap();
        let i = index(&pm);
        assert_eq!(i.list.len(), 1);
        assert_eq!(i.list[0].title, "real");
        assert_eq!(i.total, 1);
        assert_eq!(i.not_files, ["2026-01-01-link.md", "2026-01-02-folder.md"]);
    }
}
