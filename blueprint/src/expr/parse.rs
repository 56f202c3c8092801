//! Text to [`Ast`]: a small precedence-climbing parser.

use super::ExprError;
use super::ast::{Ast, BinOp, Node, UnOp};

/// The deepest nesting of parentheses and calls an expression may have.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Op(&'static str),
    Open,
    Close,
    LBracket,
    RBracket,
    Comma,
}

fn lex(text: &str) -> Result<Vec<(Tok, usize, usize)>, ExprError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = match c {
            '(' => Tok::Open,
            ')' => Tok::Close,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            '+' | '-' | '*' | '/' => Tok::Op(match c {
                '+' => "+",
                '-' => "-",
                '*' => "*",
                _ => "/",
            }),
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).map(|c| c.1);
                let op = match (c, next) {
                    ('=', Some('=')) => "==",
                    ('!', Some('=')) => "!=",
                    ('<', Some('=')) => "<=",
                    ('>', Some('=')) => ">=",
                    ('<', _) => "<",
                    ('>', _) => ">",
                    ('=', _) => {
                        return Err(
                            ExprError::syntax(at, at + 1, "`=` alone is not an operator")
                                .help(Some("compare with `==`".into())),
                        );
                    }
                    _ => {
                        return Err(
                            ExprError::syntax(at, at + 1, "`!` alone is not an operator")
                                .help(Some("use `not` or `!=`".into())),
                        );
                    }
                };
                if op.len() == 2 {
                    i += 1;
                }
                Tok::Op(op)
            }
            '\'' | '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(ExprError::syntax(
                                at,
                                text.len(),
                                "this text is not closed",
                            )
                            .help(Some(format!("end it with {c}"))));
                        }
                        Some(&(_, q)) if q == c => break,
                        Some(&(_, ch)) => s.push(ch),
                    }
                    i += 1;
                }
                Tok::Str(s)
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|c| c.1.is_ascii_digit())) =>
            {
                while chars
                    .get(i + 1)
                    .is_some_and(|c| c.1.is_ascii_digit() || c.1 == '.')
                {
                    i += 1;
                }
                let raw = &text[at..end_of(i + 1)];
                match raw.parse::<f64>() {
                    Ok(n) => Tok::Num(n),
                    Err(_) => {
                        return Err(ExprError::syntax(
                            at,
                            end_of(i + 1),
                            format!("`{raw}` is not a number"),
                        ));
                    }
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                while chars
                    .get(i + 1)
                    .is_some_and(|c| c.1.is_alphanumeric() || c.1 == '_')
                {
                    i += 1;
                }
                Tok::Ident(text[at..end_of(i + 1)].to_string())
            }
            other => {
                let help = match other {
                    '&' => Some("write `and`".to_string()),
                    '|' => Some("write `or`".to_string()),
                    '{' | '}' => {
                        Some("braces are for placeholders in texts, not expressions".to_string())
                    }
                    _ => None,
                };
                return Err(
                    ExprError::syntax(at, end_of(i + 1), format!("unexpected `{other}`"))
                        .help(help),
                );
            }
        };
        out.push((tok, chars[start].0, end_of(i + 1)));
        i += 1;
    }
    Ok(out)
}

struct Parser<'t> {
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
    text: &'t str,
    depth: usize,
}

/// Parse an expression.
pub fn parse(text: &str) -> Result<Ast, ExprError> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Err(ExprError::syntax(0, text.len(), "the expression is empty"));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        text,
        depth: 0,
    };
    let parsed = p.expr(0).and_then(|ast| match p.toks.get(p.pos) {
        None => Ok(ast),
        Some((tok, s, e)) => {
            let help = matches!(tok, Tok::Ident(_) | Tok::Num(_) | Tok::Str(_))
                .then(|| "an operator such as `and`, `+` or `==` is missing before it".to_string());
            Err(ExprError::syntax(*s, *e, format!("unexpected `{}`", &text[*s..*e])).help(help))
        }
    });
    parsed.map_err(|e| separated_number(&p.toks, text, e.start).unwrap_or(e))
}

/// When the parser stopped at the comma of `25,000` (a number right before it, three
/// digits right after, no spaces), the whole number with its thousands separators.
fn separated_number(toks: &[(Tok, usize, usize)], text: &str, at: usize) -> Option<ExprError> {
    let comma = toks.iter().position(|t| t.0 == Tok::Comma && t.1 == at)?;
    let number = |i: usize| matches!(toks.get(i), Some((Tok::Num(_), ..)));
    let group = |i: usize| {
        toks.get(i).is_some_and(|(t, s, e)| {
            matches!(t, Tok::Num(_))
                && e - s == 3
                && text[*s..*e].bytes().all(|b| b.is_ascii_digit())
        })
    };
    // `a` and `b` are written with nothing between them.
    let touch = |a: usize, b: usize| toks[a].2 == toks[b].1;
    let separator = |i: usize| {
        i >= 1
            && toks.get(i).is_some_and(|t| t.0 == Tok::Comma)
            && number(i - 1)
            && group(i + 1)
            && touch(i - 1, i)
            && touch(i, i + 1)
    };
    if !separator(comma) {
        return None;
    }
    let mut first = comma - 1;
    while first >= 2 && group(first) && separator(first - 1) {
        first -= 2;
    }
    let mut last = comma + 1;
    while separator(last + 1) {
        last += 2;
    }
    let (start, end) = (toks[first].1, toks[last].2);
    Some(ExprError::thousands(start, end, &text[start..end], true))
}

fn binop(tok: &Tok) -> Option<(BinOp, u8)> {
    Some(match tok {
        Tok::Ident(w) if w == "or" => (BinOp::Or, 1),
        Tok::Ident(w) if w == "and" => (BinOp::And, 2),
        Tok::Op("==") => (BinOp::Eq, 4),
        Tok::Op("!=") => (BinOp::Ne, 4),
        Tok::Op("<") => (BinOp::Lt, 4),
        Tok::Op("<=") => (BinOp::Le, 4),
        Tok::Op(">") => (BinOp::Gt, 4),
        Tok::Op(">=") => (BinOp::Ge, 4),
        Tok::Ident(w) if w == "in" => (BinOp::In, 4),
        Tok::Op("+") => (BinOp::Add, 5),
        Tok::Op("-") => (BinOp::Sub, 5),
        Tok::Op("*") => (BinOp::Mul, 6),
        Tok::Op("/") => (BinOp::Div, 6),
        _ => return None,
    })
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn end(&self) -> usize {
        self.text.len()
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<usize, ExprError> {
        match self.toks.get(self.pos) {
            Some((t, _, e)) if t == want => {
                self.pos += 1;
                Ok(*e)
            }
            Some((_, s, e)) => Err(ExprError::syntax(
                *s,
                *e,
                format!("expected {what}, found `{}`", &self.text[*s..*e]),
            )),
            None => Err(ExprError::syntax(
                self.end(),
                self.end(),
                format!("expected {what} at the end"),
            )),
        }
    }

    fn expr(&mut self, min_prec: u8) -> Result<Ast, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.toks.get(self.pos).map_or(self.end(), |t| t.1);
            return Err(ExprError::syntax(
                at,
                at + 1,
                "the expression nests too deeply",
            ));
        }
        let mut left = self.unary()?;
        while let Some((op, prec)) = self.peek().and_then(binop) {
            if prec < min_prec {
                break;
            }
            self.pos += 1;
            // Comparisons do not chain: `a < b < c` is an error, not `(a < b) < c`.
            let right = self.expr(prec + 1)?;
            if prec == 4 {
                if let Some((next, 4)) = self.peek().and_then(binop) {
                    let (_, s, e) = self.toks[self.pos];
                    return Err(ExprError::syntax(
                        s,
                        e,
                        format!(
                            "comparisons cannot be chained: `{}` after a comparison",
                            next.symbol()
                        ),
                    )
                    .help(Some("join two comparisons with `and`".into())));
                }
            }
            left = Ast {
                start: left.start,
                end: right.end,
                node: Node::Binary(op, Box::new(left), Box::new(right)),
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        let Some((tok, s, _)) = self.toks.get(self.pos).cloned() else {
            return Err(ExprError::syntax(
                self.end(),
                self.end(),
                "the expression ends too early",
            ));
        };
        let op = match &tok {
            Tok::Op("-") => Some((UnOp::Neg, 7)),
            Tok::Ident(w) if w == "not" => Some((UnOp::Not, 3)),
            _ => None,
        };
        if let Some((op, prec)) = op {
            self.pos += 1;
            let inner = if prec == 7 {
                self.unary()?
            } else {
                self.expr(prec)?
            };
            return Ok(Ast {
                start: s,
                end: inner.end,
                node: Node::Unary(op, Box::new(inner)),
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        let Some((tok, s, e)) = self.toks.get(self.pos).cloned() else {
            return Err(ExprError::syntax(
                self.end(),
                self.end(),
                "the expression ends too early",
            ));
        };
        self.pos += 1;
        let node = match tok {
            Tok::Num(n) => Node::Number(n),
            Tok::Str(t) => Node::Text(t),
            Tok::Ident(w) if w == "true" || w == "false" => Node::Bool(w == "true"),
            Tok::Ident(w) if matches!(w.as_str(), "and" | "or" | "in" | "not") => {
                return Err(ExprError::syntax(
                    s,
                    e,
                    format!("`{w}` needs a value before it"),
                ));
            }
            Tok::Ident(name) => {
                if self.peek() == Some(&Tok::Open) {
                    self.pos += 1;
                    let args = self.items(&Tok::Close, "`)`")?;
                    let end = self.expect(&Tok::Close, "`)`")?;
                    self.depth -= 1;
                    return Ok(Ast {
                        start: s,
                        end,
                        node: Node::Call(name, args),
                    });
                }
                Node::Name(name)
            }
            Tok::Open => {
                let inner = self.expr(0)?;
                let end = self.expect(&Tok::Close, "`)`")?;
                return Ok(Ast {
                    start: s,
                    end,
                    ..inner
                });
            }
            Tok::LBracket => {
                let items = self.items(&Tok::RBracket, "`]`")?;
                let end = self.expect(&Tok::RBracket, "`]`")?;
                self.depth -= 1;
                return Ok(Ast {
                    start: s,
                    end,
                    node: Node::List(items),
                });
            }
            _ => {
                return Err(ExprError::syntax(
                    s,
                    e,
                    format!("expected a value, found `{}`", &self.text[s..e]),
                ));
            }
        };
        Ok(Ast {
            start: s,
            end: e,
            node,
        })
    }

    fn items(&mut self, close: &Tok, what: &str) -> Result<Vec<Ast>, ExprError> {
        self.depth += 1;
        let mut items = Vec::new();
        if self.peek() == Some(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr(0)?);
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                _ => break,
            }
        }
        if self.peek() != Some(close) {
            self.expect(close, &format!("`,` or {what}"))?;
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(a: &Ast) -> String {
        match &a.node {
            Node::Number(n) => n.to_string(),
            Node::Text(t) => format!("'{t}'"),
            Node::Bool(b) => b.to_string(),
            Node::Name(n) => n.clone(),
            Node::List(i) => format!("[{}]", i.iter().map(show).collect::<Vec<_>>().join(", ")),
            Node::Call(f, i) => {
                format!("{f}({})", i.iter().map(show).collect::<Vec<_>>().join(", "))
            }
            Node::Unary(UnOp::Neg, x) => format!("(-{})", show(x)),
            Node::Unary(UnOp::Not, x) => format!("(not {})", show(x)),
            Node::Binary(op, l, r) => format!("({} {} {})", show(l), op.symbol(), show(r)),
        }
    }

    #[test]
    fn precedence() {
        let cases = [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("a - b - c", "((a - b) - c)"),
            ("not a and b or c", "(((not a) and b) or c)"),
            (
                "age(dob) >= 6 and g in ['x', 'y']",
                "((age(dob) >= 6) and (g in ['x', 'y']))",
            ),
            ("-x * 2", "((-x) * 2)"),
            ("(1 + 2) * 3", "((1 + 2) * 3)"),
            ("if(a, 1, 2.5)", "if(a, 1, 2.5)"),
            ("today()", "today()"),
            ("not a == b", "(not (a == b))"),
        ];
        for (text, want) in cases {
            assert_eq!(show(&parse(text).unwrap()), want, "{text}");
        }
    }

    #[test]
    fn spans_point_into_the_text() {
        let ast = parse("score >= 60").unwrap();
        let Node::Binary(_, l, r) = &ast.node else {
            panic!()
        };
        assert_eq!((l.start, l.end, r.start, r.end), (0, 5, 9, 11));
    }

    #[test]
    fn thousands_separators_are_named() {
        for (text, written) in [
            ("income > 25,000", "25,000"),
            ("(1,250,000 + x)", "1,250,000"),
            ("x * 2 > 1,000,000 and y", "1,000,000"),
        ] {
            let e = parse(text).unwrap_err();
            let start = text.find(written).unwrap();
            assert_eq!((e.start, e.end), (start, start + written.len()), "{text}");
            assert_eq!(
                e.message,
                format!("`{written}` has thousands separators; numbers are written without them")
            );
            assert_eq!(
                e.help,
                Some(format!("write `{}`", written.replace(',', "")))
            );
        }
        // A comma with a space after it, or not three digits, is not a separator.
        for text in ["income > 25, 000", "income > 2,5"] {
            assert_eq!(parse(text).unwrap_err().message, "unexpected `,`", "{text}");
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let cases = [
            ("a = 1", 2, "`=` alone"),
            ("a +", 3, "ends too early"),
            ("f(a, b", 6, "expected `,` or `)`"),
            ("'open", 0, "not closed"),
            ("a b", 2, "unexpected `b`"),
            ("a < b < c", 6, "cannot be chained"),
            ("a && b", 2, "unexpected `&`"),
            ("", 0, "empty"),
            ("and", 0, "needs a value"),
        ];
        for (text, at, message) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.start, at, "{text}: {e:?}");
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&text).unwrap_err().message.contains("deeply"));
    }
}
