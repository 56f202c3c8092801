//! Line differences between two versions of a file, for a team's push history and the
//! trainer's view of a blueprint against the starter and the solution: the longest
//! common subsequence of lines, as a list of kept, removed and added lines with their
//! numbers. Quadratic, bounded: files over 4 000 lines compare by lines only at both ends.

use serde::Serialize;

/// What happened to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// In both.
    Same,
    /// Only in the old version.
    Removed,
    /// Only in the new version.
    Added,
}

/// One line of a difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// What happened to it.
    pub change: Change,
    /// Its number in the old version.
    pub old: Option<usize>,
    /// Its number in the new version.
    pub new: Option<usize>,
    /// Its text.
    pub text: String,
}

/// The most lines compared by the full method.
const LIMIT: usize = 4000;

/// The lines of `old` and `new`, kept, removed and added.
pub fn lines(old: &str, new: &str) -> Vec<Line> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // The common start and end are kept as they are.
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[start..a.len() - end], &b[start..b.len() - end]);
    let mut out: Vec<Line> = (0..start)
        .map(|i| Line {
            change: Change::Same,
            old: Some(i + 1),
            new: Some(i + 1),
            text: a[i].to_string(),
        })
        .collect();
    if ma.len() * mb.len() <= LIMIT * LIMIT / 4 {
        middle(ma, mb, start, &mut out);
    } else {
        for (i, l) in ma.iter().enumerate() {
            out.push(Line {
                change: Change::Removed,
                old: Some(start + i + 1),
                new: None,
                text: l.to_string(),
            });
        }
        for (j, l) in mb.iter().enumerate() {
            out.push(Line {
                change: Change::Added,
                old: None,
                new: Some(start + j + 1),
                text: l.to_string(),
            });
        }
    }
    for k in 0..end {
        out.push(Line {
            change: Change::Same,
            old: Some(a.len() - end + k + 1),
            new: Some(b.len() - end + k + 1),
            text: a[a.len() - end + k].to_string(),
        });
    }
    out
}

fn middle(a: &[&str], b: &[&str], offset: usize, out: &mut Vec<Line>) {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(Line {
                change: Change::Same,
                old: Some(offset + i + 1),
                new: Some(offset + j + 1),
                text: a[i].to_string(),
            });
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removed lines before the added ones that replace them, as people read a change.
            out.push(Line {
                change: Change::Removed,
                old: Some(offset + i + 1),
                new: None,
                text: a[i].to_string(),
            });
            i += 1;
        } else {
            out.push(Line {
                change: Change::Added,
                old: None,
                new: Some(offset + j + 1),
                text: b[j].to_string(),
            });
            j += 1;
        }
    }
}

/// The changed lines with `context` lines around them; `None` between the hunks.
pub fn hunks(all: &[Line], context: usize) -> Vec<Option<Line>> {
    let near: Vec<bool> = (0..all.len())
        .map(|i| {
            let lo = i.saturating_sub(context);
            let hi = (i + context + 1).min(all.len());
            all[lo..hi].iter().any(|l| l.change != Change::Same)
        })
        .collect();
    let mut out = Vec::new();
    let mut gap = false;
    for (l, keep) in all.iter().zip(near) {
        if keep {
            if gap && !out.is_empty() {
                out.push(None);
            }
            gap = false;
            out.push(Some(l.clone()));
        } else {
            gap = true;
        }
    }
    out
}

/// Lines added and removed.
pub fn counts(all: &[Line]) -> (usize, usize) {
    (
        all.iter().filter(|l| l.change == Change::Added).count(),
        all.iter().filter(|l| l.change == Change::Removed).count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_removed_then_added_with_its_numbers() {
        let d = lines("a\nb\nc\n", "a\nB\nc\nd\n");
        let shown: Vec<String> = d
            .iter()
            .map(|l| format!("{:?} {:?} {:?} {}", l.change, l.old, l.new, l.text))
            .collect();
        assert_eq!(
            shown,
            [
                "Same Some(1) Some(1) a",
                "Removed Some(2) None b",
                "Added None Some(2) B",
                "Same Some(3) Some(3) c",
                "Added None Some(4) d",
            ]
        );
        assert_eq!(counts(&d), (2, 1));
    }

    #[test]
    fn hunks_keep_context_and_mark_gaps() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                3 => "three\n".to_string(),
                18 => "eighteen\n".to_string(),
                i => format!("{i}\n"),
            })
            .collect();
        let h = hunks(&lines(&old, &new), 1);
        assert!(h.contains(&None));
        let shown: Vec<String> = h
            .iter()
            .map(|l| l.as_ref().map_or("…".into(), |l| l.text.clone()))
            .collect();
        assert_eq!(
            shown,
            ["2", "3", "three", "4", "…", "17", "18", "eighteen", "19"]
        );
    }
}
