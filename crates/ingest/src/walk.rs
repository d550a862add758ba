//! Listing the files under a set of paths.

use std::path::PathBuf;

use crate::Problem;

/// Lists the files under `paths`, recursively, sorted and without
/// duplicates. Hidden files and directories (name starting with `.`) found
/// while descending are skipped; a path given explicitly is used even if
/// hidden. Symbolic links to files are followed, links to directories are
/// not (no cycles). Missing or unreadable paths become [`Problem`]s.
pub fn walk(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack: Vec<PathBuf> = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => stack.push(p.clone()),
            Ok(_) => files.push(p.clone()),
            Err(e) => problems.push(Problem {
                source: p.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem {
                    source: dir.display().to_string(),
                    reason: format!("cannot list directory: {e}"),
                });
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Problem {
                        source: dir.display().to_string(),
                        reason: format!("cannot list directory: {e}"),
                    });
                    continue;
                }
            };
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                files.push(path);
            } else if kind.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_file() => files.push(path),
                    Ok(_) => {}
                    Err(e) => problems.push(Problem {
                        source: path.display().to_string(),
                        reason: format!("broken link: {e}"),
                    }),
                }
            }
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_skipping_hidden() {
        let base = std::env::temp_dir().join(format!("wf-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("sub/.hidden")).expect("mkdir");
        for f in [
            "b.txt",
            "a.txt",
            ".dot.txt",
            "sub/c.md",
            "sub/.hidden/d.txt",
        ] {
            std::fs::write(base.join(f), "x").expect("write");
        }
        let missing = base.join("nope");
        let (files, problems) = walk(&[base.clone(), missing.clone(), base.join("a.txt")]);
        let rel: Vec<_> = files
            .iter()
            .map(|p| {
                p.strip_prefix(&base)
                    .map(|r| r.display().to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(rel, ["a.txt", "b.txt", "sub/c.md"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].source, missing.display().to_string());
        let _ = std::fs::remove_dir_all(&base);
    }
}
