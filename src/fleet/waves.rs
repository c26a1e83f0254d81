//! Findings relayed from wave to wave: wave N's sessions write into their own folder (the
//! `"waves"` pattern with `{wave}` = N) and start from what waves 1 to N−1 found, newest wave
//! first. A session never sees a later wave's folder.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::confine::{self, Named};

/// A finding file larger than this is indexed from its first part only.
const MAX_FINDING_BYTES: u64 = 1024 * 1024;
/// The first line shown in the index is cut to this many characters.
const FIRST_LINE_CHARS: usize = 160;

/// One finding file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// Relative to the project root, `/` between folders.
    pub shown: String,
    /// The file, resolved inside the project.
    pub path: PathBuf,
    /// Its first heading, else its file name.
    pub title: String,
    /// Its first line of prose (not a heading), cut short.
    pub first_line: String,
    /// Its text.
    pub text: String,
}

/// One wave's folder and its findings, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wave {
    pub n: u32,
    /// The folder, relative to the project root.
    pub shown: String,
    pub findings: Vec<Finding>,
}

/// The wave folders that exist, by number: `(n, folder relative to the root)`.
pub(crate) fn folders(root: &Path, pattern: &str) -> Vec<(u32, PathBuf)> {
    let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    let Some(at) = parts.iter().position(|p| p.contains("{wave}")) else {
        return Vec::new();
    };
    let (prefix, suffix) = parts[at].split_once("{wave}").unwrap_or_default();
    let parent: PathBuf = parts[..at].iter().collect();
    let rest: PathBuf = parts[at + 1..].iter().collect();
    let Ok(dir) = confine::folder(root, &parent, Named::Fleet) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(u32, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let digits = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u32 = digits.parse().ok().filter(|n| *n >= 1)?;
            let rel = parent.join(&name).join(&rest);
            confine::folder(root, &rel, Named::Fleet)
                .ok()
                .filter(|p| p.is_dir())?;
            Some((n, rel))
        })
        .collect();
    out.sort();
    out.dedup_by_key(|(n, _)| *n);
    out
}

/// The newest wave that has a folder.
pub(crate) fn current(root: &Path, pattern: &str) -> Option<u32> {
    folders(root, pattern).last().map(|(n, _)| *n)
}

/// Waves 1 to `upto` (all when `None`), each with its findings, oldest wave first.
pub(crate) fn waves(root: &Path, pattern: &str, upto: Option<u32>) -> Vec<Wave> {
    folders(root, pattern)
        .into_iter()
        .filter(|(n, _)| upto.is_none_or(|u| *n <= u))
        .map(|(n, rel)| Wave {
            n,
            shown: crate::project::display_relative(Path::new(""), &rel),
            findings: findings_in(root, &rel),
        })
        .collect()
}

/// What a wave-`wave` session starts from: the findings of waves 1 to `wave` − 1, newest wave
/// first. Never a later wave, nor its own.
pub(crate) fn earlier(root: &Path, pattern: &str, wave: u32) -> Vec<Wave> {
    let mut out = waves(root, pattern, Some(wave.saturating_sub(1)));
    out.reverse();
    out
}

fn findings_in(root: &Path, rel: &Path) -> Vec<Finding> {
    let mut files = Vec::new();
    collect_files(root, rel, 0, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|rel| {
            let path = confine::file(root, &rel, Named::Fleet).ok()?;
            let bytes = confine::read_regular(&path, MAX_FINDING_BYTES).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let shown = crate::project::display_relative(Path::new(""), &rel);
            let (title, first_line) = describe(&text, &shown);
            Some(Finding {
                shown,
                path,
                title,
                first_line,
                text,
            })
        })
        .collect()
}

/// Regular, visible files under `rel`, a few folders deep, symlinked folders not entered.
fn collect_files(root: &Path, rel: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() && depth < 4 => {
                collect_files(root, &rel.join(&name), depth + 1, out);
            }
            Ok(t) if !t.is_dir() => out.push(rel.join(name)),
            _ => {}
        }
    }
}

/// A finding's title (its first heading, else its file name) and first line of prose.
pub(crate) fn describe(text: &str, shown: &str) -> (String, String) {
    // YAML front matter is metadata, not the finding.
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---").map(|(_, b)| b))
        .unwrap_or(text);
    let mut title = None;
    let mut first = None;
    for line in body.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("```") || line.starts_with("---") {
            continue;
        }
        if let Some(h) = line.strip_prefix('#') {
            if title.is_none() {
                title = Some(h.trim_start_matches('#').trim().to_string());
            }
            continue;
        }
        first = Some(line.to_string());
        break;
    }
    let name = || {
        Path::new(shown)
            .file_stem()
            .map_or_else(|| shown.to_string(), |s| s.to_string_lossy().into_owned())
    };
    let title = title.filter(|t| !t.is_empty()).unwrap_or_else(name);
    let first = first.unwrap_or_default();
    let first = if first.chars().count() > FIRST_LINE_CHARS {
        let mut cut: String = first.chars().take(FIRST_LINE_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        first
    };
    (title, first)
}

/// Length as Claude Code measures it.
fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The relay for a session, within `budget` UTF-16 units: an index of every finding (file, title,
/// first line), newest wave first, then the full text of as many findings as still fit, in the
/// same order. `waves` is what [`earlier`] returns. Empty when there is nothing to relay.
pub(crate) fn render(waves: &[Wave], budget: usize) -> String {
    let total: usize = waves.iter().map(|w| w.findings.len()).sum();
    if total == 0 {
        return String::new();
    }
    let mut out = String::from("## Findings of earlier waves\n");
    let mut listed = 0;
    'index: for wave in waves {
        let heading = format!("\n### Wave {} ({})\n", wave.n, wave.shown);
        if units(&out) + units(&heading) > budget {
            break;
        }
        out.push_str(&heading);
        for f in &wave.findings {
            let mut line = format!("- `{}` — {}", f.shown, f.title);
            if !f.first_line.is_empty() {
                let _ = write!(line, ": {}", f.first_line);
            }
            line.push('\n');
            // Room is kept for the line saying how many were left out.
            if units(&out) + units(&line) + 80 > budget {
                break 'index;
            }
            out.push_str(&line);
            listed += 1;
        }
    }
    if listed < total {
        let _ = writeln!(
            out,
            "- … and {} more (`handoff wave` lists them all)",
            total - listed
        );
        return out;
    }
    for f in waves.iter().flat_map(|w| &w.findings) {
        let body = format!("\n#### {}\n\n{}\n", f.shown, f.text.trim_end());
        if units(&out) + units(&body) > budget {
            continue;
        }
        out.push_str(&body);
    }
    out
}

/// Who added each file under `rel` (relative to the work tree `top`), from git: the author of the
/// commit that added it. Files git doesn't know are left out.
pub(crate) fn authors(top: &Path, rel: &str) -> BTreeMap<String, String> {
    let child = std::process::Command::new("git")
        .arg("-C")
        .arg(top)
        .args([
            "log",
            "--diff-filter=A",
            "--no-renames",
            "--format=%x1e%an",
            "--name-only",
            "--",
            rel,
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let deadline = std::time::Instant::now() + crate::staleness::COMMAND_DEADLINE;
    let Some(out) = child
        .ok()
        .and_then(|c| crate::git::collect(c, deadline).ok().flatten())
        .filter(|o| o.status.success())
    else {
        return BTreeMap::new();
    };
    parse_authors(&String::from_utf8_lossy(&out.stdout))
}

/// `git log --format=%x1e%an --name-only` output to file → author; newest commits come first, so
/// the oldest (the one that added the file) wins.
fn parse_authors(log: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for record in log.split('\x1e').filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let author = lines.next().unwrap_or("").trim().to_string();
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            out.insert(file.to_string(), author.clone());
        }
    }
    out
}

/// The name of the user who owns `path`, from /etc/passwd; `None` when unknown.
#[cfg(unix)]
pub(crate) fn owner(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata(path).ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_string())
    })
}

/// The name of the user who owns `path`: not known on this system.
#[cfg(not(unix))]
pub fn owner(_path: &Path) -> Option<String> {
    None
}

/// `path` relative to `top` as git names it, when it is inside.
pub(crate) fn git_path(top: &Path, path: &Path) -> Option<String> {
    let resolved = std::fs::canonicalize(path).ok()?;
    let top = std::fs::canonicalize(top).ok()?;
    let inside = resolved.strip_prefix(top).ok()?;
    let parts: Vec<String> = inside
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (f, text) in files {
            let p = dir.path().join(f);
            crate::fs_atomic::write(&p, text.as_bytes(), crate::fs_atomic::Durability::Fast)
                .unwrap();
        }
        dir
    }

    const PATTERN: &str = "discovery/wave-{wave}";

    #[test]
    fn folders_by_number_and_never_later_waves() {
        let dir = project(&[
            ("discovery/wave-1/a.md", "# A\n\nfirst finding\n"),
            ("discovery/wave-2/b.md", "b without heading\n"),
            ("discovery/wave-2/.draft.md", "hidden"),
            ("discovery/wave-10/c.md", "# C\n"),
            ("discovery/wave-x/d.md", "not a wave"),
            ("discovery/wave-3", "a file, not a folder"),
        ]);
        let found: Vec<u32> = folders(dir.path(), PATTERN).iter().map(|w| w.0).collect();
        assert_eq!(found, [1, 2, 10]);
        assert_eq!(current(dir.path(), PATTERN), Some(10));
        let seen: Vec<u32> = earlier(dir.path(), PATTERN, 3)
            .iter()
            .map(|w| w.n)
            .collect();
        assert_eq!(seen, [2, 1]);
        assert!(earlier(dir.path(), PATTERN, 1).is_empty());
        let w = earlier(dir.path(), PATTERN, 2);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].findings[0].shown, "discovery/wave-1/a.md");
        assert_eq!(w[0].findings[0].title, "A");
        assert_eq!(w[0].findings[0].first_line, "first finding");
        let b = &earlier(dir.path(), PATTERN, 3)[0].findings;
        assert_eq!(b.len(), 1, "hidden drafts are left out");
        assert_eq!(
            (b[0].title.as_str(), b[0].first_line.as_str()),
            ("b", "b without heading")
        );
        assert_eq!(folders(dir.path(), "nowhere/{wave}"), vec![]);
    }

    #[test]
    fn descriptions() {
        for (text, want) in [
            ("# T\n\nline\n", ("T", "line")),
            ("## Deep\n# Later\nprose", ("Deep", "prose")),
            ("", ("f", "")),
            ("---\nkey: v\n---\n# T\n", ("T", "")),
        ] {
            let (t, f) = describe(text, "w/f.md");
            assert_eq!((t.as_str(), f.as_str()), want, "{text:?}");
        }
        let long = "x".repeat(500);
        assert_eq!(describe(&long, "f").1.chars().count(), FIRST_LINE_CHARS);
    }

    fn wave(n: u32, count: usize, body: &str) -> Wave {
        Wave {
            n,
            shown: format!("discovery/wave-{n}"),
            findings: (0..count)
                .map(|i| Finding {
                    shown: format!("discovery/wave-{n}/f{i:03}.md"),
                    path: PathBuf::new(),
                    title: format!("Finding {i}"),
                    first_line: format!("what wave {n} learned, number {i}"),
                    text: format!("# Finding {i}\n\n{body}"),
                })
                .collect(),
        }
    }

    #[test]
    fn the_relay_fits_the_budget() {
        assert_eq!(render(&[], 1000), "");
        let small = [wave(2, 1, "short"), wave(1, 1, "also short")];
        let out = render(&small, 2000);
        assert!(
            out.find("Wave 2").unwrap() < out.find("Wave 1").unwrap(),
            "{out}"
        );
        assert!(
            out.contains("#### discovery/wave-2/f000.md\n\n# Finding 0\n\nshort"),
            "{out}"
        );
        // Hundreds of findings: the index is cut, within the budget, and says how many are left.
        let many: Vec<Wave> = (1..=5)
            .rev()
            .map(|n| wave(n, 100, &"y".repeat(400)))
            .collect();
        for budget in [500, 3000, 8000] {
            let out = render(&many, budget);
            assert!(units(&out) <= budget, "{budget}: {}", units(&out));
            assert!(
                out.contains("more (`handoff wave` lists them all)"),
                "{out}"
            );
            assert!(out.contains("### Wave 5"));
        }
    }

    #[test]
    fn authors_from_a_log() {
        let log = "\x1ebob\n\nw/b.md\n\x1ealice\n\nw/a.md\nw/b.md\n";
        let got = parse_authors(log);
        assert_eq!(got["w/a.md"], "alice");
        assert_eq!(got["w/b.md"], "alice");
    }
}
