//! File patterns the config names: `*` and `?` within a folder name, `**` for any folders.
//! Hand-written: a few lines, nothing to load at hook startup.
use std::path::{Path, PathBuf};

/// Whether `pattern` has anything to expand.
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether the folder or file `name` matches one segment of a pattern (`*`, `?`, literals).
/// A leading `.` must be matched literally, as in shells, so `*` skips hidden files.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Iterative wildcard matching with one backtrack point: linear in practice.
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The paths under `root` that `pattern` (relative, `/`-separated) names, relative to `root`,
/// sorted. A pattern without wildcards names itself, whether or not it exists.
pub(crate) fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    if !is_glob(pattern) {
        return vec![PathBuf::from(pattern)];
    }
    let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = Vec::new();
    walk(root, PathBuf::new(), &segments, &mut out);
    // A literal segment after a wildcard is joined unseen; keep only what is there.
    out.retain(|rel| std::fs::symlink_metadata(root.join(rel)).is_ok());
    out.sort();
    out.dedup();
    out
}

fn walk(root: &Path, rel: PathBuf, segments: &[&str], out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(rel);
        return;
    };
    if *first == "**" {
        // Zero folders, then one more folder and `**` again.
        walk(root, rel.clone(), rest, out);
        for name in children(&root.join(&rel), true) {
            walk(root, rel.join(name), segments, out);
        }
    } else if is_glob(first) {
        for name in children(&root.join(&rel), rest.is_empty()) {
            if matches(first, &name) {
                walk(root, rel.join(name), rest, out);
            }
        }
    } else {
        walk(root, rel.join(first), rest, out);
    }
}

/// The names in `dir` (folders only unless `files`); a symlink is no folder here, and `.git` is
/// never entered.
fn children(dir: &Path, files: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() || files))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n != ".git")
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_matches() {
        for (pattern, name, want) in [
            ("*.md", "a.md", true),
            ("*.md", "a.txt", false),
            ("*.md", ".hidden.md", false),
            (".*.md", ".hidden.md", true),
            ("task-?.md", "task-1.md", true),
            ("task-?.md", "task-12.md", false),
            ("*", "anything", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("findings-*", "findings-", true),
            ("literal", "literal", true),
            ("日本*", "日本語", true),
        ] {
            assert_eq!(matches(pattern, name), want, "{pattern} ~ {name}");
        }
    }

    #[test]
    fn expands_under_a_root() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "review/a.md",
            "review/b.md",
            "review/.hidden.md",
            "review/deep/c.md",
            "plan/x.txt",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::File::create(p).unwrap();
        }
        let names = |pattern: &str| -> Vec<String> {
            expand(dir.path(), pattern)
                .iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        assert_eq!(names("review/*.md"), ["review/a.md", "review/b.md"]);
        assert_eq!(
            names("review/**/*.md"),
            ["review/a.md", "review/b.md", "review/deep/c.md"]
        );
        assert_eq!(names("*/x.txt"), ["plan/x.txt"]);
        assert_eq!(names("missing/*.md"), Vec::<String>::new());
        assert_eq!(names("plain.md"), ["plain.md"]);
    }
}
