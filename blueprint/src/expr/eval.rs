//! Evaluating a checked expression against an application's answers.

use std::collections::BTreeMap;
use std::fmt;

use super::ast::{Ast, BinOp, Node, UnOp};

/// A calendar date, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

impl Date {
    /// The date of a year, month (1–12) and day (1–31), if it exists.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// Parse `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let y = parts.next()?;
        let m = parts.next()?;
        let d = parts.next()?;
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// The weekday, 0 = Sunday … 6 = Saturday.
    pub fn weekday(self) -> u32 {
        (self.0 + 4).rem_euclid(7) as u32
    }

    /// Whole years from `self` to `later` (an age).
    pub fn years_until(self, later: Date) -> i64 {
        let (y1, m1, d1) = self.ymd();
        let (y2, m2, d2) = later.ymd();
        let mut years = y2 - y1;
        if (m2, d2) < (m1, d1) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A value an expression reads or yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No answer.
    Null,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// Money, in the currency's unit.
    Money(f64),
    /// Yes or no.
    Bool(bool),
    /// A date.
    Date(Date),
    /// Entries of a group.
    Group(Vec<Row>),
    /// A list.
    List(Vec<Value>),
}

/// The answers an expression can see, by field id.
pub type Row = BTreeMap<String, Value>;

/// Why an expression could not be evaluated (a value that is missing, a division by zero).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

/// Evaluate a checked expression.
pub fn evaluate(ast: &Ast, row: &Row, today: Date) -> Result<Value, EvalError> {
    Eval {
        today,
        outer: row,
        local: None,
    }
    .value(ast)
}

struct Eval<'r> {
    today: Date,
    outer: &'r Row,
    local: Option<&'r Row>,
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) | Value::Money(n) => Some(*n),
        _ => None,
    }
}

impl Eval<'_> {
    fn value(&self, ast: &Ast) -> Result<Value, EvalError> {
        Ok(match &ast.node {
            Node::Number(n) => Value::Number(*n),
            Node::Text(t) => Value::Text(t.clone()),
            Node::Bool(b) => Value::Bool(*b),
            Node::Name(n) => self
                .local
                .and_then(|l| l.get(n))
                .or_else(|| self.outer.get(n))
                .cloned()
                .unwrap_or(Value::Null),
            Node::List(items) => Value::List(
                items
                    .iter()
                    .map(|i| self.value(i))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Unary(UnOp::Not, a) => Value::Bool(!self.truth(a)?),
            Node::Unary(UnOp::Neg, a) => match self.value(a)? {
                Value::Number(n) => Value::Number(-n),
                Value::Money(n) => Value::Money(-n),
                _ => Value::Null,
            },
            Node::Binary(BinOp::And, a, b) => Value::Bool(self.truth(a)? && self.truth(b)?),
            Node::Binary(BinOp::Or, a, b) => Value::Bool(self.truth(a)? || self.truth(b)?),
            Node::Binary(op, a, b) => self.binary(*op, self.value(a)?, self.value(b)?)?,
            Node::Call(f, args) => self.call(f, args)?,
        })
    }

    fn truth(&self, ast: &Ast) -> Result<bool, EvalError> {
        Ok(matches!(self.value(ast)?, Value::Bool(true)))
    }

    fn binary(&self, op: BinOp, a: Value, b: Value) -> Result<Value, EvalError> {
        use std::cmp::Ordering;
        let order = |a: &Value, b: &Value| -> Option<Ordering> {
            match (a, b) {
                (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
                (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
                (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
                _ => number(a)?.partial_cmp(&number(b)?),
            }
        };
        let cmp = |want: fn(Ordering) -> bool| Value::Bool(order(&a, &b).is_some_and(want));
        Ok(match op {
            BinOp::Eq => Value::Bool(
                order(&a, &b) == Some(Ordering::Equal) || (a == Value::Null && b == Value::Null),
            ),
            BinOp::Ne => Value::Bool(
                !(order(&a, &b) == Some(Ordering::Equal) || (a == Value::Null && b == Value::Null)),
            ),
            BinOp::Lt => cmp(|o| o == Ordering::Less),
            BinOp::Le => cmp(|o| o != Ordering::Greater),
            BinOp::Gt => cmp(|o| o == Ordering::Greater),
            BinOp::Ge => cmp(|o| o != Ordering::Less),
            BinOp::In => match &b {
                Value::List(items) => {
                    Value::Bool(items.iter().any(|i| order(&a, i) == Some(Ordering::Equal)))
                }
                _ => Value::Bool(false),
            },
            BinOp::Add if matches!((&a, &b), (Value::Text(_), Value::Text(_))) => {
                let (Value::Text(x), Value::Text(y)) = (a, b) else {
                    unreachable!("matched above")
                };
                Value::Text(x + &y)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (Some(x), Some(y)) = (number(&a), number(&b)) else {
                    return Ok(Value::Null);
                };
                let money = matches!(a, Value::Money(_)) || matches!(b, Value::Money(_));
                let n = match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    _ if y == 0.0 => return Err(EvalError("division by zero".into())),
                    _ => x / y,
                };
                let both_money = matches!((&a, &b), (Value::Money(_), Value::Money(_)));
                if money && !(op == BinOp::Div && both_money) {
                    Value::Money(n)
                } else {
                    Value::Number(n)
                }
            }
            BinOp::And | BinOp::Or => unreachable!("short-circuited in value()"),
        })
    }

    fn call(&self, name: &str, args: &[Ast]) -> Result<Value, EvalError> {
        let date = |i: usize| -> Result<Option<Date>, EvalError> {
            Ok(match self.value(&args[i])? {
                Value::Date(d) => Some(d),
                _ => None,
            })
        };
        let num = |i: usize| -> Result<Value, EvalError> { self.value(&args[i]) };
        Ok(match name {
            "today" => Value::Date(self.today),
            "date" => match self.value(&args[0])? {
                Value::Text(t) => Date::parse(&t).map_or(Value::Null, Value::Date),
                _ => Value::Null,
            },
            "age" => date(0)?.map_or(Value::Null, |d| {
                Value::Number(d.years_until(self.today) as f64)
            }),
            "years_between" => match (date(0)?, date(1)?) {
                (Some(a), Some(b)) => Value::Number(a.years_until(b) as f64),
                _ => Value::Null,
            },
            "days_between" => match (date(0)?, date(1)?) {
                (Some(a), Some(b)) => Value::Number((b.0 - a.0) as f64),
                _ => Value::Null,
            },
            "if" => {
                if self.truth(&args[0])? {
                    self.value(&args[1])?
                } else {
                    self.value(&args[2])?
                }
            }
            "min" | "max" => {
                let (a, b) = (num(0)?, num(1)?);
                match (number(&a), number(&b)) {
                    (Some(x), Some(y)) => {
                        let pick_a = if name == "min" { x <= y } else { x >= y };
                        if pick_a { a } else { b }
                    }
                    _ => Value::Null,
                }
            }
            "round" => {
                let v = num(0)?;
                let digits = match args.get(1) {
                    Some(d) => number(&self.value(d)?).unwrap_or(0.0),
                    None => 0.0,
                };
                let scale = 10f64.powi(digits.clamp(0.0, 9.0) as i32);
                match v {
                    Value::Number(n) => Value::Number((n * scale).round() / scale),
                    Value::Money(n) => Value::Money((n * scale).round() / scale),
                    _ => Value::Null,
                }
            }
            "len" => match self.value(&args[0])? {
                Value::Text(t) => Value::Number(t.chars().count() as f64),
                _ => Value::Number(0.0),
            },
            "is_set" => Value::Bool(match self.value(&args[0])? {
                Value::Null => false,
                Value::Text(t) => !t.is_empty(),
                Value::Group(g) => !g.is_empty(),
                _ => true,
            }),
            "count" | "sum" | "any" | "all" => {
                let rows = match self.value(&args[0])? {
                    Value::Group(rows) => rows,
                    _ => Vec::new(),
                };
                let mut results = Vec::with_capacity(rows.len());
                for row in &rows {
                    let inner = Eval {
                        today: self.today,
                        outer: self.outer,
                        local: Some(row),
                    };
                    results.push(match args.get(1) {
                        Some(a) => inner.value(a)?,
                        None => Value::Bool(true),
                    });
                }
                match name {
                    "count" => Value::Number(
                        results.iter().filter(|v| **v == Value::Bool(true)).count() as f64,
                    ),
                    "any" => Value::Bool(results.contains(&Value::Bool(true))),
                    "all" => Value::Bool(results.iter().all(|v| *v == Value::Bool(true))),
                    _ => {
                        let total: f64 = results.iter().filter_map(number).sum();
                        if results.iter().any(|v| matches!(v, Value::Money(_))) {
                            Value::Money(total)
                        } else {
                            Value::Number(total)
                        }
                    }
                }
            }
            other => return Err(EvalError(format!("unknown function `{other}`"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn eval(text: &str, row: &Row) -> Value {
        evaluate(
            &parse(text).unwrap(),
            row,
            Date::parse("2026-11-26").unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn dates_round_trip() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-26",
            "1899-12-31",
            "2100-03-01",
        ] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        assert_eq!(Date::parse("2026-11-26").unwrap().weekday(), 4);
    }

    #[test]
    fn ages_count_whole_years() {
        let mut row = Row::new();
        row.insert(
            "dob".into(),
            Value::Date(Date::parse("2020-11-27").unwrap()),
        );
        assert_eq!(eval("age(dob)", &row), Value::Number(5.0));
        row.insert(
            "dob".into(),
            Value::Date(Date::parse("2020-11-26").unwrap()),
        );
        assert_eq!(eval("age(dob)", &row), Value::Number(6.0));
        assert_eq!(eval("age(missing)", &row), Value::Null);
        assert_eq!(
            eval("years_between(dob, date('2026-09-30'))", &row),
            Value::Number(5.0)
        );
    }

    #[test]
    fn groups_and_money() {
        let member = |income: f64, dob: &str| {
            Row::from([
                ("income".to_string(), Value::Money(income)),
                ("dob".to_string(), Value::Date(Date::parse(dob).unwrap())),
            ])
        };
        let row = Row::from([(
            "household".to_string(),
            Value::Group(vec![
                member(250_000.0, "1980-01-01"),
                member(0.0, "2015-05-05"),
                member(100_000.0, "1950-03-03"),
            ]),
        )]);
        assert_eq!(
            eval("sum(household, income)", &row),
            Value::Money(350_000.0)
        );
        assert_eq!(eval("count(household)", &row), Value::Number(3.0));
        assert_eq!(
            eval("count(household, age(dob) < 18)", &row),
            Value::Number(1.0)
        );
        assert_eq!(
            eval("any(household, age(dob) >= 65)", &row),
            Value::Bool(true)
        );
        assert_eq!(
            eval("sum(household, income) / count(household)", &row),
            Value::Money(350_000.0 / 3.0)
        );
        assert_eq!(
            eval("if(count(household) > 2, 10, 0) + 5", &row),
            Value::Number(15.0)
        );
        assert_eq!(eval("'a' in ['b', 'a']", &row), Value::Bool(true));
        assert_eq!(eval("round(10 / 4)", &row), Value::Number(3.0));
        assert!(evaluate(&parse("1 / 0").unwrap(), &row, Date(0)).is_err());
    }
}
