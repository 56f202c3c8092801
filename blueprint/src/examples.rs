//! Examples that the runtime accepts: answers for every kind of field, made from a
//! field's `example` when the runtime takes it on the day, else made up within its
//! bounds; a whole application that passes every check and whose journey does not end
//! on an exit page; the inputs of an action. The OpenAPI document carries them, and
//! they are the same on every run for one day ([`EXAMPLE_DAY`] in tests and snapshots).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::answers;
use crate::clock;
use crate::dates::{DateBound, parse_date_bound};
use crate::expr::{self, Date, Row};
use crate::model::{Blueprint, Field, FieldType, Localized, Spanned};

/// A fixed day to make the document for, so that it is the same every time (tests,
/// snapshots), and the day from which `check` reckons a date example's bounds relative to
/// today. Made-up dates are taken at the latest bound the field allows, so they stay
/// valid on later days.
pub const EXAMPLE_DAY: &str = "2026-11-01";

/// An upload id as `POST /api/attachments` returns it, for examples.
pub const UPLOAD_EXAMPLE: &str = "att_7KQ2M9XH4PRT3WZ8N5VB";

/// An access code as a submission returns it, for examples.
pub const ACCESS_CODE_EXAMPLE: &str = "7KQ2M9XH4P";

/// An application for the service `bp` that passes [`answers::check_answers`] (on `day`
/// and, for fields bounded by `today`, on the days after it): every field the applicant
/// is asked, with the field's `example` or else a value of its type within its bounds,
/// chosen so that no branch of the form leads to an exit page; optional uploads are left
/// out, required ones name an example id to replace. An appointment is the
/// first slot of the first resource on the next open day after `day` (it may be full).
pub fn submission_example(bp: &Blueprint, day: Date) -> Map<String, Value> {
    Examples::new(bp, day).submission_example()
}

/// The English text, else the text for every language, else any.
fn en(text: &Localized) -> String {
    text.get("en").to_string()
}

/// A number as JSON, whole numbers without a fraction.
pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// A numeric bound of a field, as the runtime reads it.
pub fn numeric(bound: &Option<Spanned<String>>) -> Option<f64> {
    bound.as_ref().and_then(|b| b.trim().parse::<f64>().ok())
}

/// `n` digits derived from `seed`, so that the examples of fields of one kind differ.
pub fn digits(seed: &str, n: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..n)
        .map(|i| char::from(b'0' + ((h >> ((i * 5) % 60)) % 10) as u8))
        .collect()
}

/// A text of at least `min` and at most `max` characters, from `base`.
pub fn fit(base: &str, min: u32, max: Option<u32>) -> String {
    let mut text = base.to_string();
    while (text.chars().count() as u32) < min {
        text.push(' ');
        text.push_str(base);
    }
    if let Some(max) = max {
        text = text.chars().take(max as usize).collect();
    }
    text.trim().to_string()
}

/// A tracking or document number in `format` (`BC-{year}-{seq:6}`) on `day`: the counter
/// at 42 and fixed letters, so that the document is the same every time.
pub fn number_example(format: &str, day: Date) -> String {
    let letters = |width: usize| "7KQ2M9XH4PRT3WZ8".chars().cycle().take(width).collect();
    crate::numbers::format_with(
        format,
        day,
        &mut || Ok::<i64, std::convert::Infallible>(42),
        &letters,
    )
    .unwrap_or_default()
}

/// A small reading of the regular expressions blueprints use in `pattern`, enough to
/// write an example that matches: literals, classes, `\d \w \s \S`, groups, alternatives
/// (the first is taken) and quantifiers. The example is checked afterwards anyway.
pub mod pattern {
    enum Node {
        Literal(char),
        Class(Vec<(char, char)>, bool),
        Group(Vec<Vec<Item>>),
    }

    struct Item {
        node: Node,
        min: u32,
        max: Option<u32>,
    }

    struct Parser {
        chars: Vec<char>,
        pos: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<char> {
            self.chars.get(self.pos).copied()
        }

        fn next(&mut self) -> Option<char> {
            let c = self.peek();
            self.pos += 1;
            c
        }

        fn alternatives(&mut self) -> Vec<Vec<Item>> {
            let mut alts = vec![self.sequence()];
            while self.peek() == Some('|') {
                self.pos += 1;
                alts.push(self.sequence());
            }
            alts
        }

        fn sequence(&mut self) -> Vec<Item> {
            let mut items = Vec::new();
            while let Some(c) = self.peek() {
                if c == '|' || c == ')' {
                    break;
                }
                let node = self.atom();
                let (min, max) = self.quantifier();
                items.push(Item { node, min, max });
            }
            items
        }

        fn escape(c: char) -> Node {
            let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
            match c {
                'd' => Node::Class(vec![('0', '9')], false),
                'D' => Node::Class(vec![('0', '9')], true),
                'w' => Node::Class(word, false),
                'W' => Node::Class(word, true),
                's' => Node::Literal(' '),
                'S' => Node::Class(vec![('a', 'z')], false),
                other => Node::Literal(other),
            }
        }

        fn atom(&mut self) -> Node {
            match self.next() {
                Some('(') => {
                    if self.peek() == Some('?') {
                        // `(?:…)`, `(?P<name>…)`, `(?<name>…)`: skip to the group's body.
                        while let Some(c) = self.next() {
                            if c == ':' || c == '>' {
                                break;
                            }
                        }
                    }
                    let alts = self.alternatives();
                    self.pos += 1;
                    Node::Group(alts)
                }
                Some('[') => self.class(),
                Some('\\') => Self::escape(self.next().unwrap_or('\\')),
                Some('.') => Node::Class(vec![('a', 'z')], false),
                Some('^' | '$') => Node::Group(vec![Vec::new()]),
                Some(c) => Node::Literal(c),
                None => Node::Group(vec![Vec::new()]),
            }
        }

        fn class(&mut self) -> Node {
            let negated = self.peek() == Some('^');
            if negated {
                self.pos += 1;
            }
            let mut ranges = Vec::new();
            let mut first = true;
            while let Some(c) = self.next() {
                if c == ']' && !first {
                    break;
                }
                first = false;
                if c == '\\' {
                    match Self::escape(self.next().unwrap_or('\\')) {
                        Node::Class(r, false) => ranges.extend(r),
                        Node::Literal(l) => ranges.push((l, l)),
                        _ => {}
                    }
                    continue;
                }
                if self.peek() == Some('-')
                    && self.chars.get(self.pos + 1).is_some_and(|e| *e != ']')
                {
                    self.pos += 1;
                    let end = self.next().unwrap_or(c);
                    ranges.push((c, end));
                } else {
                    ranges.push((c, c));
                }
            }
            Node::Class(ranges, negated)
        }

        fn number(&mut self) -> Option<u32> {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            self.chars[start..self.pos]
                .iter()
                .collect::<String>()
                .parse()
                .ok()
        }

        fn quantifier(&mut self) -> (u32, Option<u32>) {
            let q = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    let save = self.pos;
                    self.pos += 1;
                    let Some(min) = self.number() else {
                        self.pos = save;
                        return (1, Some(1));
                    };
                    let max = if self.peek() == Some(',') {
                        self.pos += 1;
                        self.number()
                    } else {
                        Some(min)
                    };
                    if self.peek() != Some('}') {
                        self.pos = save;
                        return (1, Some(1));
                    }
                    self.pos += 1;
                    if self.peek() == Some('?') {
                        self.pos += 1;
                    }
                    return (min, max);
                }
                _ => return (1, Some(1)),
            };
            self.pos += 1;
            if self.peek() == Some('?') {
                self.pos += 1;
            }
            q
        }
    }

    fn pick(ranges: &[(char, char)], negated: bool, counter: &mut u32) -> char {
        if negated {
            return ['a', 'x', '0', '-', '#']
                .into_iter()
                .find(|c| !ranges.iter().any(|(a, b)| a <= c && c <= b))
                .unwrap_or('~');
        }
        let Some((a, b)) = ranges.first() else {
            return 'a';
        };
        let span = (*b as u32).saturating_sub(*a as u32) + 1;
        *counter += 1;
        char::from_u32(*a as u32 + *counter % span).unwrap_or(*a)
    }

    fn write(items: &[Item], extra: u32, counter: &mut u32, out: &mut String) {
        for item in items {
            let n = item
                .min
                .saturating_add(extra)
                .min(item.max.unwrap_or(u32::MAX));
            for _ in 0..n {
                match &item.node {
                    Node::Literal(c) => out.push(*c),
                    Node::Class(ranges, negated) => out.push(pick(ranges, *negated, counter)),
                    Node::Group(alts) => write(&alts[0], extra, counter, out),
                }
            }
        }
    }

    /// A text `pattern` may match; each open-ended repetition is taken `extra` more
    /// times than its least.
    pub fn example(pattern: &str, extra: u32) -> String {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
        };
        let alts = parser.alternatives();
        let mut out = String::new();
        write(&alts[0], extra, &mut 0, &mut out);
        out
    }
}

/// The choices of a choice field, as the runtime reads them.
pub fn choices(bp: &Blueprint, f: &Field) -> Vec<(String, String)> {
    if !f.options.is_empty() {
        return f
            .options
            .iter()
            .map(|o| (o.value.value.clone(), en(&o.label)))
            .collect();
    }
    let Some(list) = &f.list else {
        return Vec::new();
    };
    if let Some(builtin) = crate::lists::builtin(list) {
        return builtin
            .iter()
            .map(|c| (c.value.to_string(), c.en.to_string()))
            .collect();
    }
    bp.lists
        .iter()
        .find(|l| l.id == *list)
        .map(|l| {
            l.options
                .iter()
                .map(|o| (o.value.value.clone(), en(&o.label)))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `condition` holds for `row` on `day` (false when it cannot be evaluated).
pub fn holds(condition: &str, row: &Row, day: Date) -> bool {
    expr::parse(condition)
        .ok()
        .and_then(|ast| expr::evaluate(&ast, row, day).ok())
        == Some(expr::Value::Bool(true))
}

/// The examples of one blueprint on one day.
pub struct Examples<'a> {
    bp: &'a Blueprint,
    day: Date,
    /// The submission example, searched for once.
    submission: std::cell::OnceCell<Map<String, Value>>,
}

impl<'a> Examples<'a> {
    /// The examples of `bp` for `day`.
    pub fn new(bp: &'a Blueprint, day: Date) -> Self {
        Examples {
            bp,
            day,
            submission: std::cell::OnceCell::new(),
        }
    }

    fn fields(&self) -> &'a [Field] {
        self.bp
            .case_record()
            .map_or(&[][..], |r| r.fields.as_slice())
    }

    /// Whether the runtime accepts `value` for the field `f` (on the example day).
    pub fn accepts(&self, f: &Field, value: &Value) -> bool {
        self.normalised(f, value).is_some()
    }

    /// `value` as the runtime keeps it for the field `f`, if it accepts it (on the
    /// example day).
    pub fn normalised(&self, f: &Field, value: &Value) -> Option<Value> {
        let input: Map<String, Value> = [(f.id.value.clone(), value.clone())].into_iter().collect();
        answers::check_inputs(
            self.bp,
            std::slice::from_ref(f),
            &input,
            &Row::new(),
            self.day,
        )
        .ok()
        .map(|mut checked| checked.remove(f.id.as_str()).unwrap_or(Value::Null))
    }

    /// Dates the date field `f` may take, the latest its bounds allow first, a year
    /// apart.
    pub fn date_candidates(&self, f: &Field) -> Vec<Date> {
        let day = self.day;
        let lo = f.min.as_ref().and_then(parse_date_bound);
        let hi = f.max.as_ref().and_then(parse_date_bound);
        let years_before = |d: Date, k: i64| DateBound::Today { years: -k, days: 0 }.resolve(d);
        let start = match (lo, hi) {
            (_, Some(hi)) => hi.resolve(day),
            (Some(DateBound::Fixed(lo)), None) => lo,
            // Only a relative lower bound (e.g. `today`): well after it.
            (Some(lo), None) => Date(lo.resolve(day).0 + 3650),
            (None, None) => day,
        };
        let lowest = lo.map(|b| b.resolve(day));
        (0..60)
            .map(|k| years_before(start, k))
            .take_while(|d| lowest.is_none_or(|l| *d >= l))
            .collect()
    }

    /// An appointment answer: the first slot of the first resource in the two weeks
    /// after the day (it may be full).
    pub fn slot_example(&self) -> String {
        let Some(a) = &self.bp.appointments else {
            return format!("centre@{}T09:00", Date(self.day.0 + 1));
        };
        let Some(r) = a.resources.first() else {
            return format!("centre@{}T09:00", Date(self.day.0 + 1));
        };
        for k in 1..=14 {
            let d = Date(self.day.0 + k);
            if let Some(m) = crate::slots::starts(a, r, d).first() {
                return format!(
                    "{}@{}",
                    r.id.as_str(),
                    clock::local_text(d.0 * 1440 + i64::from(*m))
                );
            }
        }
        format!("{}@{}T09:00", r.id.as_str(), Date(self.day.0 + 1))
    }

    /// Values the runtime accepts for `f`: its `example` first (as the runtime keeps it,
    /// when it accepts it today), then made-up ones, the most plain first.
    pub fn candidates(&self, f: &Field) -> Vec<Value> {
        let mut raw: Vec<Value> = Vec::new();
        if let Some(example) = &f.example {
            raw.extend(self.normalised(f, &example.value.to_json(f, self.day)));
        }
        let from_pattern = || {
            f.pattern
                .as_ref()
                .map(|p| {
                    (0..6)
                        .map(|extra| json!(pattern::example(&p.value, extra)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        match f.kind.value {
            FieldType::Text | FieldType::LongText => {
                let id = f.id.as_str();
                let base = if f.kind.value == FieldType::LongText {
                    "an example of what would be written here"
                } else if id.ends_with("full_name") {
                    "زينب علي حسن الربيعي"
                } else if id.ends_with("first_name") {
                    "زينب"
                } else {
                    "example"
                };
                let min = f.min_length.as_ref().map_or(0, |m| m.value);
                raw.push(json!(fit(
                    base,
                    min,
                    f.max_length.as_ref().map(|m| m.value)
                )));
                raw.extend(from_pattern());
            }
            FieldType::Number | FieldType::Money => {
                let (lo, hi) = (numeric(&f.min), numeric(&f.max));
                let plain = if f.kind.value == FieldType::Money {
                    25_000.0
                } else {
                    1.0
                };
                let base = lo.unwrap_or_else(|| hi.map_or(plain, |h| h.min(plain)));
                raw.push(number(base));
                match (lo, hi) {
                    (Some(lo), Some(hi)) => {
                        raw.push(number(((lo + hi) / 2.0).floor()));
                        raw.push(number(hi));
                    }
                    _ => raw.extend([number(base + 1.0), number(base + 10.0)]),
                }
            }
            FieldType::Date => {
                raw.extend(
                    self.date_candidates(f)
                        .into_iter()
                        .map(|d| json!(d.to_string())),
                );
            }
            FieldType::Time => raw.push(json!("09:30")),
            FieldType::Datetime => raw.push(json!(format!("{}T09:30", self.day))),
            FieldType::Appointment => raw.push(json!(self.slot_example())),
            FieldType::Boolean => {
                // A declaration is agreed to; any other question is answered no.
                let id = f.id.as_str();
                let agreed = ["declar", "consent", "agree", "confirm"]
                    .iter()
                    .any(|w| id.contains(w));
                raw.extend([json!(agreed), json!(!agreed)]);
            }
            FieldType::Choice => {
                for (value, _) in choices(self.bp, f) {
                    raw.push(if f.multiple {
                        json!([value])
                    } else {
                        json!(value)
                    });
                }
            }
            FieldType::NationalId => raw.push(json!(format!("19{}", digits(f.id.as_str(), 10)))),
            FieldType::Phone => raw.push(json!("07701234567")),
            FieldType::Email => raw.push(json!("name@example.iq")),
            FieldType::Address => {
                raw.push(json!("Al-Mansour, 14 Ramadan Street, house 7, Baghdad"))
            }
            FieldType::File => raw.push(json!(UPLOAD_EXAMPLE)),
            FieldType::Reference => raw.push(json!("1")),
            FieldType::Group => {
                let record = f.record.as_ref().and_then(|r| self.bp.record(r));
                let fields = record.map_or(&[][..], |r| r.fields.as_slice());
                let mut entry: Map<String, Value> = fields
                    .iter()
                    .filter_map(|g| {
                        self.candidates(g)
                            .into_iter()
                            .next()
                            .map(|v| (g.id.value.clone(), v))
                    })
                    .collect();
                // A field asked only when a condition holds is left out when the entry
                // does not meet it (no kind of disability for someone without one).
                let row: Row = fields
                    .iter()
                    .filter_map(|g| {
                        entry
                            .get(g.id.as_str())
                            .map(|v| (g.id.value.clone(), answers::value_of(g, v)))
                    })
                    .collect();
                entry.retain(|id, _| {
                    fields.iter().find(|g| g.id.as_str() == id).is_none_or(|g| {
                        g.required
                            || g.required_if
                                .as_ref()
                                .is_none_or(|c| holds(c, &row, self.day))
                    })
                });
                let least = f.min_items.as_ref().map_or(1, |m| m.value.max(1));
                let most = f.max_items.as_ref().map_or(least, |m| m.value);
                raw.push(Value::Array(vec![
                    Value::Object(entry);
                    least.min(most) as usize
                ]));
            }
        }
        if f.pattern.is_some() && !matches!(f.kind.value, FieldType::Text | FieldType::LongText) {
            raw.extend(from_pattern());
        }
        let mut seen = BTreeSet::new();
        raw.into_iter()
            .filter(|v| seen.insert(v.to_string()))
            .filter(|v| self.accepts(f, v))
            .collect()
    }

    /// The example's answers as the form's conditions see them.
    pub fn row(&self, values: &Map<String, Value>) -> Row {
        answers::row(self.bp, values, self.day)
    }

    /// How many branches to an exit page the answers take on the pages they see.
    pub fn exits_taken(&self, values: &Map<String, Value>) -> usize {
        let row = self.row(values);
        let exits: BTreeSet<&str> = self.bp.form.exits.iter().map(|e| e.id.as_str()).collect();
        self.bp
            .form
            .pages
            .iter()
            .filter(|p| p.when.as_ref().is_none_or(|w| holds(w, &row, self.day)))
            .flat_map(|p| p.next.iter())
            .filter(|b| exits.contains(b.goto.as_str()) && holds(&b.condition, &row, self.day))
            .count()
    }

    /// [`submission_example`], searched for once.
    pub fn submission_example(&self) -> Map<String, Value> {
        self.submission
            .get_or_init(|| self.search_submission())
            .clone()
    }

    fn search_submission(&self) -> Map<String, Value> {
        // An optional upload is left out: an upload's id is only good once uploaded, and
        // without it the example can be sent as it is.
        let optional_upload =
            |f: &Field| f.kind.value == FieldType::File && !f.required && f.required_if.is_none();
        let asked: Vec<(&Field, Vec<Value>)> = self
            .fields()
            .iter()
            .filter(|f| !f.internal && !optional_upload(f))
            .map(|f| (f, self.candidates(f)))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        let build = |pick: &[usize]| -> Map<String, Value> {
            asked
                .iter()
                .zip(pick)
                .map(|((f, c), i)| (f.id.value.clone(), c[*i].clone()))
                .collect()
        };
        // Change one answer at a time, keeping the plainest value that takes the fewest
        // branches to an exit, until none is taken. The last answers are changed first,
        // so that details follow the first choices (an age fits the kind of enrolment)
        // rather than the other way round.
        let mut pick = vec![0; asked.len()];
        for _ in 0..3 {
            if self.exits_taken(&build(&pick)) == 0 {
                break;
            }
            for i in (0..asked.len()).rev() {
                let mut best = (self.exits_taken(&build(&pick)), pick[i]);
                for j in 0..asked[i].1.len() {
                    let mut trial = pick.clone();
                    trial[i] = j;
                    let taken = self.exits_taken(&build(&trial));
                    if taken < best.0 {
                        best = (taken, j);
                    }
                }
                pick[i] = best.1;
            }
        }
        let mut values = build(&pick);
        // Answers on pages the applicant does not see are left out, as the runtime drops them.
        let row = self.row(&values);
        for page in &self.bp.form.pages {
            if page
                .when
                .as_ref()
                .is_some_and(|w| !holds(w, &row, self.day))
            {
                for f in &page.fields {
                    values.remove(f.as_str());
                }
            }
        }
        values
    }

    /// An example of the inputs `fields`: each with its plainest accepted value.
    pub fn inputs_example(&self, fields: &[&Field]) -> Map<String, Value> {
        fields
            .iter()
            .filter_map(|f| {
                self.candidates(f)
                    .into_iter()
                    .next()
                    .map(|v| (f.id.value.clone(), v))
            })
            .collect()
    }
}
