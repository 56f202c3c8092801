//! Type-checking: every name known, every operator and function given what it needs.

use std::collections::BTreeMap;

use super::ExprError;
use super::ast::{Ast, BinOp, Node, UnOp};
use crate::suggest;

/// The type of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Text (also choices, IDs, phone numbers…).
    Text,
    /// A number.
    Number,
    /// An amount of money.
    Money,
    /// Yes or no.
    Bool,
    /// A calendar date.
    Date,
    /// A date and time.
    Datetime,
    /// A time of day.
    Time,
    /// The entries of a group, by the record they repeat.
    Group(String),
    /// A list literal of values of one type.
    List(Box<Ty>),
}

impl Ty {
    /// The type's name in messages.
    pub fn name(&self) -> String {
        match self {
            Ty::Text => "text".into(),
            Ty::Number => "a number".into(),
            Ty::Money => "money".into(),
            Ty::Bool => "true/false".into(),
            Ty::Date => "a date".into(),
            Ty::Datetime => "a date and time".into(),
            Ty::Time => "a time".into(),
            Ty::Group(r) => format!("a group of `{r}` entries"),
            Ty::List(t) => format!("a list of {}", t.plural()),
        }
    }

    /// Many values of the type, for "a list of …".
    fn plural(&self) -> String {
        match self {
            Ty::Text => "texts".into(),
            Ty::Number => "numbers".into(),
            Ty::Money => "amounts of money".into(),
            Ty::Bool => "true/false values".into(),
            Ty::Date => "dates".into(),
            Ty::Datetime => "dates and times".into(),
            Ty::Time => "times".into(),
            Ty::Group(r) => format!("groups of `{r}` entries"),
            Ty::List(t) => format!("lists of {}", t.plural()),
        }
    }

    fn numeric(&self) -> bool {
        matches!(self, Ty::Number | Ty::Money)
    }

    /// Whether a value of this type can stand where `want` is expected.
    pub fn fits(&self, want: &Ty) -> bool {
        self == want || (self.numeric() && want.numeric())
    }
}

/// What an expression may know about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// Its type.
    pub ty: Ty,
    /// For a choice field: its allowed values, to catch misspelt comparisons.
    pub choices: Option<Vec<String>>,
}

impl Var {
    /// A name of type `ty`.
    pub fn of(ty: Ty) -> Self {
        Var { ty, choices: None }
    }
}

/// The names an expression may use, and the fields of each group's entries.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Names visible at the top level.
    pub vars: BTreeMap<String, Var>,
    /// For each record a group repeats: the names visible inside it.
    pub groups: BTreeMap<String, BTreeMap<String, Var>>,
}

/// The functions expressions may call, with how they are written.
pub const FUNCTIONS: &[(&str, &str)] = &[
    ("age", "age(date): whole years from the date to today"),
    ("today", "today(): the current date"),
    ("date", "date('2026-09-30'): a fixed date"),
    (
        "years_between",
        "years_between(date, date): whole years between two dates",
    ),
    (
        "days_between",
        "days_between(date, date): days from the first date to the second",
    ),
    ("if", "if(condition, then, else)"),
    ("min", "min(a, b): the smaller number"),
    ("max", "max(a, b): the larger number"),
    ("round", "round(number) or round(number, digits)"),
    ("len", "len(text): the number of characters"),
    ("is_set", "is_set(field): whether the field has an answer"),
    (
        "count",
        "count(group) or count(group, condition): entries of a group",
    ),
    (
        "sum",
        "sum(group, value): the total of a value over a group's entries",
    ),
    (
        "any",
        "any(group, condition): whether some entry meets the condition",
    ),
    (
        "all",
        "all(group, condition): whether every entry meets the condition",
    ),
];

/// Check an expression against a scope and return its type.
pub fn check(ast: &Ast, scope: &Scope) -> Result<Ty, ExprError> {
    Checker {
        scope,
        locals: None,
    }
    .ty(ast)
}

struct Checker<'s> {
    scope: &'s Scope,
    locals: Option<&'s BTreeMap<String, Var>>,
}

fn err(ast: &Ast, message: impl Into<String>) -> ExprError {
    ExprError::types(ast.start, ast.end, message)
}

impl<'s> Checker<'s> {
    fn lookup(&self, name: &str) -> Option<&'s Var> {
        self.locals
            .and_then(|l| l.get(name))
            .or_else(|| self.scope.vars.get(name))
    }

    fn want(&self, ast: &Ast, want: &Ty, what: &str) -> Result<Ty, ExprError> {
        let ty = self.ty(ast)?;
        if ty.fits(want) {
            Ok(ty)
        } else {
            Err(err(
                ast,
                format!("{what} must be {}, but this is {}", want.name(), ty.name()),
            ))
        }
    }

    fn ty(&self, ast: &Ast) -> Result<Ty, ExprError> {
        match &ast.node {
            Node::Number(_) => Ok(Ty::Number),
            Node::Text(_) => Ok(Ty::Text),
            Node::Bool(_) => Ok(Ty::Bool),
            Node::Name(name) => match self.lookup(name) {
                Some(var) => Ok(var.ty.clone()),
                None => {
                    let known = self
                        .scope
                        .vars
                        .keys()
                        .chain(self.locals.into_iter().flat_map(|l| l.keys()))
                        .map(String::as_str);
                    let help = suggest::did_you_mean(name, known);
                    let message = if FUNCTIONS.iter().any(|f| f.0 == name) {
                        format!("`{name}` is a function; call it with `{name}(…)`")
                    } else {
                        format!("unknown field `{name}`")
                    };
                    Err(err(ast, message).help(help))
                }
            },
            Node::List(items) => {
                let Some(first) = items.first() else {
                    return Err(err(ast, "an empty list can never match"));
                };
                let ty = self.ty(first)?;
                for item in &items[1..] {
                    self.want(item, &ty, "every item of the list")?;
                }
                Ok(Ty::List(Box::new(ty)))
            }
            Node::Unary(UnOp::Neg, inner) => {
                let ty = self.ty(inner)?;
                if ty.numeric() {
                    Ok(ty)
                } else {
                    Err(err(
                        inner,
                        format!("only numbers can be negated, but this is {}", ty.name()),
                    ))
                }
            }
            Node::Unary(UnOp::Not, inner) => self
                .want(inner, &Ty::Bool, "the value after `not`")
                .map(|_| Ty::Bool),
            Node::Binary(op, l, r) => self.binary(ast, *op, l, r),
            Node::Call(name, args) => self.call(ast, name, args),
        }
    }

    fn binary(&self, ast: &Ast, op: BinOp, l: &Ast, r: &Ast) -> Result<Ty, ExprError> {
        match op {
            BinOp::And | BinOp::Or => {
                let what = format!("each side of `{}`", op.symbol());
                self.want(l, &Ty::Bool, &what)?;
                self.want(r, &Ty::Bool, &what)?;
                Ok(Ty::Bool)
            }
            BinOp::In => {
                let lt = self.ty(l)?;
                let rt = self.ty(r)?;
                match &rt {
                    Ty::List(item) if lt.fits(item) => {
                        self.check_choices(l, r)?;
                        Ok(Ty::Bool)
                    }
                    Ty::List(item) => Err(err(
                        r,
                        format!(
                            "this is a list of {}, but it is compared with {}",
                            item.name(),
                            lt.name()
                        ),
                    )),
                    _ => Err(err(
                        r,
                        format!(
                            "`in` needs a list like `['a', 'b']` on its right, but this is {}",
                            rt.name()
                        ),
                    )),
                }
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let lt = self.ty(l)?;
                let rt = self.ty(r)?;
                if !lt.fits(&rt) {
                    return Err(err(
                        ast,
                        format!("cannot compare {} with {}", lt.name(), rt.name()),
                    ));
                }
                let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
                if ordered && matches!(lt, Ty::Bool | Ty::Group(_) | Ty::List(_)) {
                    return Err(err(
                        ast,
                        format!("`{}` cannot order {}", op.symbol(), lt.name()),
                    ));
                }
                if matches!(lt, Ty::Group(_) | Ty::List(_)) {
                    return Err(err(
                        l,
                        format!("cannot compare {}; use `count(…)` or `any(…)`", lt.name()),
                    ));
                }
                self.check_choices(l, r)?;
                self.check_choices(r, l)?;
                Ok(Ty::Bool)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let lt = self.ty(l)?;
                let rt = self.ty(r)?;
                if op == BinOp::Add && lt == Ty::Text && rt == Ty::Text {
                    return Ok(Ty::Text);
                }
                let sym = op.symbol();
                if !lt.numeric() {
                    return Err(err(
                        l,
                        format!("`{sym}` needs numbers, but this is {}", lt.name()),
                    )
                    .help(matches!(lt, Ty::Date).then(|| {
                        "use `days_between(a, b)` or `years_between(a, b)` for dates".to_string()
                    })));
                }
                if !rt.numeric() {
                    return Err(err(
                        r,
                        format!("`{sym}` needs numbers, but this is {}", rt.name()),
                    ));
                }
                let money = lt == Ty::Money || rt == Ty::Money;
                Ok(match op {
                    BinOp::Mul if lt == Ty::Money && rt == Ty::Money => {
                        return Err(err(ast, "money cannot be multiplied by money"));
                    }
                    BinOp::Div if lt == Ty::Money && rt == Ty::Money => Ty::Number,
                    BinOp::Div if rt == Ty::Money => {
                        return Err(err(r, "a number cannot be divided by money"));
                    }
                    _ if money => Ty::Money,
                    _ => Ty::Number,
                })
            }
        }
    }

    /// `marital_status == 'maried'`: a text compared with a choice field must be a choice.
    fn check_choices(&self, field: &Ast, other: &Ast) -> Result<(), ExprError> {
        let Node::Name(name) = &field.node else {
            return Ok(());
        };
        let Some(choices) = self.lookup(name).and_then(|v| v.choices.as_ref()) else {
            return Ok(());
        };
        let texts: Vec<&Ast> = match &other.node {
            Node::Text(_) => vec![other],
            Node::List(items) => items.iter().collect(),
            _ => vec![],
        };
        for text in texts {
            if let Node::Text(value) = &text.node {
                if !choices.iter().any(|c| c == value) {
                    let help = suggest::did_you_mean(value, choices.iter().map(String::as_str));
                    return Err(err(
                        text,
                        format!("`{value}` is not one of the choices of `{name}`"),
                    )
                    .help(help));
                }
            }
        }
        Ok(())
    }

    fn arity(
        &self,
        ast: &Ast,
        name: &str,
        args: &[Ast],
        range: std::ops::RangeInclusive<usize>,
    ) -> Result<(), ExprError> {
        if range.contains(&args.len()) {
            return Ok(());
        }
        if let Some(e) = separated_number(args, &range) {
            return Err(e);
        }
        let usage = FUNCTIONS.iter().find(|f| f.0 == name).map_or("", |f| f.1);
        Err(err(
            ast,
            format!(
                "`{name}` takes {}, but {}",
                describe_range(&range),
                match args.len() {
                    0 => "none is given".to_string(),
                    1 => "1 is given".to_string(),
                    n => format!("{n} are given"),
                }
            ),
        )
        .help(Some(format!("write {usage}"))))
    }

    fn group(&self, ast: &Ast) -> Result<&'s BTreeMap<String, Var>, ExprError> {
        match self.ty(ast)? {
            Ty::Group(record) => self
                .scope
                .groups
                .get(&record)
                .ok_or_else(|| err(ast, format!("the group's record `{record}` is not known"))),
            other => Err(err(
                ast,
                format!("this must be a group field, but it is {}", other.name()),
            )),
        }
    }

    fn call(&self, ast: &Ast, name: &str, args: &[Ast]) -> Result<Ty, ExprError> {
        match name {
            "today" => {
                self.arity(ast, name, args, 0..=0)?;
                Ok(Ty::Date)
            }
            "date" => {
                self.arity(ast, name, args, 1..=1)?;
                match &args[0].node {
                    Node::Text(t) if super::eval::Date::parse(t).is_some() => Ok(Ty::Date),
                    Node::Text(t) => Err(err(&args[0], format!("`{t}` is not a date")).help(Some(
                        "write the date as `YYYY-MM-DD`, e.g. `date('2026-09-30')`".into(),
                    ))),
                    _ => Err(err(
                        &args[0],
                        "`date` takes a date in quotes, e.g. `date('2026-09-30')`",
                    )),
                }
            }
            "age" => {
                self.arity(ast, name, args, 1..=1)?;
                self.want(&args[0], &Ty::Date, "the value of `age`")?;
                Ok(Ty::Number)
            }
            "years_between" | "days_between" => {
                self.arity(ast, name, args, 2..=2)?;
                for a in args {
                    self.want(a, &Ty::Date, &format!("each value of `{name}`"))?;
                }
                Ok(Ty::Number)
            }
            "if" => {
                self.arity(ast, name, args, 3..=3)?;
                self.want(&args[0], &Ty::Bool, "the condition of `if`")?;
                let a = self.ty(&args[1])?;
                let b = self.ty(&args[2])?;
                if !a.fits(&b) {
                    return Err(err(
                        &args[2],
                        format!(
                            "both results of `if` must have one type, but the first is {} and this is {}",
                            a.name(),
                            b.name()
                        ),
                    ));
                }
                Ok(if a == Ty::Money || b == Ty::Money {
                    Ty::Money
                } else {
                    a
                })
            }
            "min" | "max" => {
                self.arity(ast, name, args, 2..=2)?;
                let a = self.want(&args[0], &Ty::Number, &format!("each value of `{name}`"))?;
                let b = self.want(&args[1], &Ty::Number, &format!("each value of `{name}`"))?;
                Ok(if a == Ty::Money || b == Ty::Money {
                    Ty::Money
                } else {
                    Ty::Number
                })
            }
            "round" => {
                self.arity(ast, name, args, 1..=2)?;
                let t = self.want(&args[0], &Ty::Number, "the value of `round`")?;
                if let Some(d) = args.get(1) {
                    self.want(d, &Ty::Number, "the digits of `round`")?;
                }
                Ok(t)
            }
            "len" => {
                self.arity(ast, name, args, 1..=1)?;
                self.want(&args[0], &Ty::Text, "the value of `len`")?;
                Ok(Ty::Number)
            }
            "is_set" => {
                self.arity(ast, name, args, 1..=1)?;
                if !matches!(args[0].node, Node::Name(_)) {
                    return Err(err(&args[0], "`is_set` takes a field name"));
                }
                self.ty(&args[0])?;
                Ok(Ty::Bool)
            }
            "count" | "sum" | "any" | "all" => {
                let range = if name == "count" { 1..=2 } else { 2..=2 };
                self.arity(ast, name, args, range)?;
                let locals = self.group(&args[0])?;
                let Some(inner) = args.get(1) else {
                    return Ok(Ty::Number);
                };
                let checker = Checker {
                    scope: self.scope,
                    locals: Some(locals),
                };
                if name == "sum" {
                    let t = checker.want(inner, &Ty::Number, "the value summed")?;
                    return Ok(t);
                }
                checker.want(inner, &Ty::Bool, &format!("the condition of `{name}`"))?;
                Ok(if name == "count" {
                    Ty::Number
                } else {
                    Ty::Bool
                })
            }
            _ => {
                let help =
                    suggest::did_you_mean(name, FUNCTIONS.iter().map(|f| f.0)).or_else(|| {
                        Some(format!(
                            "the functions are {}",
                            crate::phrase::all_of(FUNCTIONS.iter().map(|f| f.0))
                        ))
                    });
                Err(ExprError::types(
                    ast.start,
                    ast.start + name.len(),
                    format!("unknown function `{name}`"),
                )
                .help(help))
            }
        }
    }
}

/// `if(income > 25,000, 0, 100)`: too many values because a number is written with
/// thousands separators. Taken as such when joining each `NUMBER,DDD` written without
/// spaces (DDD three digits) gives the right count; the first such number is named.
fn separated_number(args: &[Ast], range: &std::ops::RangeInclusive<usize>) -> Option<ExprError> {
    fn whole(a: &Ast) -> Option<f64> {
        match a.node {
            Node::Number(n) if n.fract() == 0.0 && n >= 0.0 => Some(n),
            _ => None,
        }
    }
    /// The number an argument ends with: `25` in `income > 25`.
    fn last_number(a: &Ast) -> Option<&Ast> {
        match &a.node {
            Node::Number(_) => Some(a),
            Node::Binary(_, _, right) => last_number(right),
            Node::Unary(_, inner) => last_number(inner),
            _ => None,
        }
    }
    // Argument `i` is three digits that continue the number the one before it ends with.
    let continues = |i: usize| {
        i >= 1
            && last_number(&args[i - 1])
                .is_some_and(|n| whole(n).is_some() && n.end + 1 == args[i].start)
            && args[i].end - args[i].start == 3
            && whole(&args[i]).is_some_and(|n| n < 1000.0)
    };
    let joined = (1..args.len()).filter(|&i| continues(i)).count();
    if joined == 0 || !range.contains(&(args.len() - joined)) {
        return None;
    }
    let second = (1..args.len()).find(|&i| continues(i))?;
    let head = last_number(&args[second - 1])?;
    let mut last = second;
    while last + 1 < args.len() && continues(last + 1) {
        last += 1;
    }
    let mut written = format!("{}", whole(head)?);
    for a in &args[second..=last] {
        written.push_str(&format!(",{:03}", whole(a)?));
    }
    Some(ExprError::thousands(
        head.start,
        args[last].end,
        &written,
        false,
    ))
}

fn describe_range(range: &std::ops::RangeInclusive<usize>) -> String {
    match (*range.start(), *range.end()) {
        (0, 0) => "no values".to_string(),
        (1, 1) => "1 value".to_string(),
        (n, m) if n == m => format!("{n} values"),
        (n, m) => format!("{n} to {m} values"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn scope() -> Scope {
        let mut s = Scope::default();
        s.vars.insert("dob".into(), Var::of(Ty::Date));
        s.vars.insert("name".into(), Var::of(Ty::Text));
        s.vars.insert("income".into(), Var::of(Ty::Money));
        s.vars
            .insert("household".into(), Var::of(Ty::Group("member".into())));
        s.vars.insert(
            "status".into(),
            Var {
                ty: Ty::Text,
                choices: Some(vec!["single".into(), "married".into()]),
            },
        );
        let mut member = BTreeMap::new();
        member.insert("member_income".into(), Var::of(Ty::Money));
        member.insert("member_dob".into(), Var::of(Ty::Date));
        s.groups.insert("member".into(), member);
        s
    }

    fn ty(text: &str) -> Result<Ty, ExprError> {
        check(&parse(text).expect("parses"), &scope())
    }

    #[test]
    fn well_typed_expressions() {
        let cases = [
            ("age(dob) >= 18", Ty::Bool),
            ("income * 2", Ty::Money),
            ("income / income", Ty::Number),
            (
                "sum(household, member_income) / count(household)",
                Ty::Money,
            ),
            ("count(household, age(member_dob) < 18)", Ty::Number),
            (
                "any(household, age(member_dob) >= 65) or status == 'married'",
                Ty::Bool,
            ),
            ("if(income > 500000, 0, 100)", Ty::Number),
            ("status in ['single', 'married']", Ty::Bool),
            ("name + ' x'", Ty::Text),
            ("round(income / 3, 0)", Ty::Money),
            ("is_set(dob) and days_between(dob, today()) > 0", Ty::Bool),
            ("years_between(dob, date('2026-09-30')) >= 6", Ty::Bool),
        ];
        for (text, want) in cases {
            assert_eq!(ty(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn type_errors_say_what_was_expected() {
        let cases = [
            (
                "age(name)",
                "the value of `age` must be a date, but this is text",
            ),
            ("dob + 1", "`+` needs numbers, but this is a date"),
            ("nme == 'x'", "unknown field `nme`"),
            (
                "status == 'maried'",
                "`maried` is not one of the choices of `status`",
            ),
            ("income and true", "each side of `and` must be true/false"),
            ("age(dob, dob)", "`age` takes 1 value, but 2 are given"),
            ("agee(dob)", "unknown function `agee`"),
            ("date('2026-02-30')", "`2026-02-30` is not a date"),
            ("date(name)", "`date` takes a date in quotes"),
            ("household > 2", "cannot compare a group"),
            ("sum(household, income_x)", "unknown field `income_x`"),
            ("member_income > 0", "unknown field `member_income`"),
        ];
        for (text, message) in cases {
            let e = ty(text).unwrap_err();
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
        // Without the thousands separator, the count would be right.
        for (text, written) in [
            ("if(income > 25,000, 0, 100)", "25,000"),
            ("max(income, 1,250,000)", "1,250,000"),
        ] {
            let e = ty(text).unwrap_err();
            let start = text.find(written).unwrap();
            assert_eq!((e.start, e.end), (start, start + written.len()), "{text}");
            assert!(
                e.message.contains("numbers are written without them"),
                "{text}: {}",
                e.message
            );
            assert_eq!(
                e.help.as_deref(),
                Some(format!("write `{}`", written.replace(',', "")).as_str())
            );
        }
        // Written without spaces, separate values are still separate values.
        assert_eq!(ty("if(income > 5,100,80)"), Ok(Ty::Number));
        assert!(
            !ty("if(income > 5,100,80,1,2)")
                .unwrap_err()
                .message
                .contains("thousands")
        );
        assert_eq!(
            ty("nme == 'x'").unwrap_err().help.as_deref(),
            Some("did you mean `name`?")
        );
        assert_eq!(
            ty("status == 'maried'").unwrap_err().help.as_deref(),
            Some("did you mean `married`?")
        );
    }
}
