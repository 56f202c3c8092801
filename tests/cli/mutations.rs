//! Property-style: thousands of random mutations of the catalogue never make `check`
//! fail, and every diagnostic points inside the file.

use quickwin_blueprint::{Code, check_bytes};

use crate::support::{catalogue, root};

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: &[&[u8]] = &[
    b"\t",
    b":",
    b": ",
    b"- ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"&a ",
    b"*a",
    b"'",
    b"\"",
    b"#",
    b"\n",
    b"  ",
    b"?",
    b"|",
    b">",
    b"!!",
    b"%",
    b"@",
    b"`",
    b",",
    b"\xff",
    b"\xd8",
    b"\xc3",
    b"null",
    b"~",
    b"true",
    b"-1",
    b"1e999",
    b"\xd9\x85",
    b"{{",
    b"}}",
    b"---\n",
    b"...\n",
    b"\r",
    b"\0",
];

fn mutate(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = text.to_vec();
    let edits = 1 + rng.below(3);
    for _ in 0..edits {
        let lines: Vec<usize> = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .filter(|&i| i < bytes.len())
            .collect();
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 => {
                let insert = INSERTS[rng.below(INSERTS.len())];
                bytes.splice(at..at, insert.iter().copied());
            }
            1 if !bytes.is_empty() => {
                let len = 1 + rng.below(12);
                let end = (at + len).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 if lines.len() > 2 => {
                // Drop a whole line.
                let i = rng.below(lines.len() - 1);
                let (s, e) = (lines[i], lines[i + 1]);
                bytes.drain(s..e);
            }
            3 if lines.len() > 2 => {
                // Duplicate a line.
                let i = rng.below(lines.len() - 1);
                let line = bytes[lines[i]..lines[i + 1]].to_vec();
                bytes.splice(lines[i]..lines[i], line);
            }
            4 if !lines.is_empty() => {
                // Indent or dedent a line.
                let s = lines[rng.below(lines.len())];
                if rng.below(2) == 0 {
                    bytes.splice(s..s, *b"  ");
                } else if bytes.get(s) == Some(&b' ') {
                    bytes.remove(s);
                }
            }
            5 if at < bytes.len() => {
                // Change one letter (a typo).
                bytes[at] = b"abcdefghijklmnopqrstuvwxyz_"[rng.below(27)];
            }
            6 => bytes.truncate(at),
            _ if lines.len() > 3 => {
                // Swap two lines.
                let i = rng.below(lines.len() - 2);
                let j = rng.below(lines.len() - 2);
                let (a, b) = (i.min(j), i.max(j));
                if a != b {
                    let la = bytes[lines[a]..lines[a + 1]].to_vec();
                    let lb = bytes[lines[b]..lines[b + 1]].to_vec();
                    let mut out = bytes[..lines[a]].to_vec();
                    out.extend(&lb);
                    out.extend(&bytes[lines[a + 1]..lines[b]]);
                    out.extend(&la);
                    out.extend(&bytes[lines[b + 1]..]);
                    bytes = out;
                }
            }
            _ => {}
        }
    }
    bytes
}

#[test]
fn random_mutations_never_break_the_checker() {
    let mut rng = Rng(0x5EED_0FC0_FFEE);
    let files = catalogue();
    assert!(!files.is_empty());
    let per_file = 400;
    let mut diagnostics = 0usize;
    let mut invalid = 0usize;
    for file in &files {
        let original = std::fs::read(root().join(file)).unwrap();
        for round in 0..per_file {
            let bytes = mutate(&original, &mut rng);
            let checked = check_bytes("mutant.yaml", &bytes);
            let source = &checked.source;
            invalid += usize::from(!checked.is_valid());
            for d in &checked.diagnostics {
                diagnostics += 1;
                assert_ne!(
                    d.code,
                    Code::Internal,
                    "{} round {round}: {d:?}",
                    file.display()
                );
                let pos = source.position(d.span.start);
                assert!(
                    pos.line >= 1 && pos.line <= source.line_count(),
                    "{} round {round}: line {} of {}",
                    file.display(),
                    pos.line,
                    source.line_count()
                );
                let width = source.line_text(pos.line).chars().count();
                assert!(
                    pos.column >= 1 && pos.column <= width + 1,
                    "{} round {round}: column {} of {width}: {d:?}",
                    file.display(),
                    pos.column
                );
                assert!(
                    d.span.start <= d.span.end && d.span.end <= source.text.len().max(1),
                    "{d:?}"
                );
                assert!(!d.message.is_empty());
            }
        }
    }
    // The mutations must really exercise the checker.
    assert!(
        invalid > files.len() * per_file / 2,
        "only {invalid} mutants were invalid"
    );
    assert!(diagnostics > invalid);
}
