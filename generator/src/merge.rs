//! Three-way merge of text by lines, as `diff3` does it: the changes the team made to
//! the last generated version (`base` → `ours`) and the changes the generator makes now
//! (`base` → `theirs`) are combined when they touch different lines; when both change
//! the same lines differently, there is no merge and the caller keeps the two apart.

use std::ops::Range;

use similar::{Algorithm, DiffTag, capture_diff_slices};

/// A change to the base: the base's lines `base` replaced by the new lines `lines`.
#[derive(Debug, Clone)]
struct Hunk<'a> {
    base: Range<usize>,
    lines: Vec<&'a str>,
}

/// The lines of `text`, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The changes from `base` to `new`, in order.
fn hunks<'a>(base: &[&'a str], new: &[&'a str]) -> Vec<Hunk<'a>> {
    let mut out: Vec<Hunk<'a>> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, new) {
        let (tag, old, added) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        // Adjacent changes make one hunk.
        match out.last_mut() {
            Some(last) if last.base.end == old.start => {
                last.base.end = old.end;
                last.lines.extend_from_slice(&new[added]);
            }
            _ => out.push(Hunk {
                base: old,
                lines: new[added].to_vec(),
            }),
        }
    }
    out
}

/// Whether two changes touch: overlapping lines, or insertions at the same place.
fn touch(a: &Range<usize>, b: &Range<usize>) -> bool {
    let overlap = a.start < b.end && b.start < a.end;
    let inserted_at =
        |x: &Range<usize>, y: &Range<usize>| x.is_empty() && (y.start..=y.end).contains(&x.start);
    overlap || a.start == b.start || inserted_at(a, b) || inserted_at(b, a)
}

/// The base's lines `range` with one side's `hunks` (all within it) applied.
fn apply<'a>(base: &[&'a str], range: &Range<usize>, hunks: &[&Hunk<'a>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = range.start;
    for h in hunks {
        out.extend_from_slice(&base[at..h.base.start]);
        out.extend_from_slice(&h.lines);
        at = h.base.end;
    }
    out.extend_from_slice(&base[at..range.end]);
    out
}

/// `ours` and `theirs`, two edits of `base`, combined; `None` when they conflict.
pub fn merge(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let b = lines(base);
    let mine = hunks(&b, &lines(ours));
    let new = hunks(&b, &lines(theirs));
    let mut out = String::new();
    let mut at = 0;
    let (mut i, mut j) = (0, 0);
    while i < mine.len() || j < new.len() {
        // Start a cluster with the earlier change, then take in every change of either
        // side that touches it.
        let first_mine =
            j >= new.len() || (i < mine.len() && mine[i].base.start <= new[j].base.start);
        let (mut ours_in, mut theirs_in): (Vec<&Hunk>, Vec<&Hunk>) = (Vec::new(), Vec::new());
        let mut range = if first_mine {
            ours_in.push(&mine[i]);
            i += 1;
            mine[i - 1].base.clone()
        } else {
            theirs_in.push(&new[j]);
            j += 1;
            new[j - 1].base.clone()
        };
        loop {
            if i < mine.len() && touch(&mine[i].base, &range) {
                range = range.start.min(mine[i].base.start)..range.end.max(mine[i].base.end);
                ours_in.push(&mine[i]);
                i += 1;
            } else if j < new.len() && touch(&new[j].base, &range) {
                range = range.start.min(new[j].base.start)..range.end.max(new[j].base.end);
                theirs_in.push(&new[j]);
                j += 1;
            } else {
                break;
            }
        }
        out.extend(b[at..range.start].iter().copied());
        let resolved = match (ours_in.is_empty(), theirs_in.is_empty()) {
            (false, true) => apply(&b, &range, &ours_in),
            (true, false) => apply(&b, &range, &theirs_in),
            _ => {
                let (o, t) = (apply(&b, &range, &ours_in), apply(&b, &range, &theirs_in));
                if o != t {
                    return None;
                }
                o
            }
        };
        out.extend(resolved);
        at = range.end;
    }
    out.extend(b[at..].iter().copied());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::merge;

    const BASE: &str = "one\ntwo\nthree\nfour\nfive\n";

    #[test]
    fn changes_to_different_lines_are_combined() {
        let ours = "one\n2 (ours)\nthree\nfour\nfive\n";
        let theirs = "one\ntwo\nthree\nfour\n5 (theirs)\nsix\n";
        assert_eq!(
            merge(BASE, ours, theirs).as_deref(),
            Some("one\n2 (ours)\nthree\nfour\n5 (theirs)\nsix\n")
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_taken_once() {
        let both = "one\ntwo\n3\nfour\nfive\n";
        assert_eq!(merge(BASE, both, both).as_deref(), Some(both));
    }

    #[test]
    fn changes_to_the_same_lines_conflict() {
        let ours = "one\ntwo\n3 (ours)\nfour\nfive\n";
        let theirs = "one\ntwo\n3 (theirs)\nfour\nfive\n";
        assert_eq!(merge(BASE, ours, theirs), None);
        // Insertions at the same place conflict too: their order is not known.
        assert_eq!(
            merge(
                BASE,
                "zero\none\ntwo\nthree\nfour\nfive\n",
                "nil\none\ntwo\nthree\nfour\nfive\n"
            ),
            None
        );
    }

    #[test]
    fn one_sided_changes_and_no_changes_pass_through() {
        let ours = "one\ntwo\nthree\nfour\nfive\nmine\n";
        assert_eq!(merge(BASE, ours, BASE).as_deref(), Some(ours));
        assert_eq!(merge(BASE, BASE, ours).as_deref(), Some(ours));
        assert_eq!(merge(BASE, BASE, BASE).as_deref(), Some(BASE));
        assert_eq!(merge("", "a\n", "").as_deref(), Some("a\n"));
    }
}
