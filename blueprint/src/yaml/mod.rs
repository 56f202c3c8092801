//! The one place that parses YAML: text in, a tree of [`Node`]s that know where they came from.
//!
//! Everything else in quickwin reads blueprints through this tree, so swapping the YAML
//! parser means changing this module only. The tree is built iteratively from the
//! parser's events, with limits that keep hostile input cheap: nesting depth, the number
//! of nodes after alias expansion ("billion laughs"), one document per file, and no
//! duplicate keys.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};

mod syntax;

use syntax::syntax_error;

/// How deep mappings and lists may nest; blueprints need fewer than ten levels.
pub const MAX_DEPTH: usize = 64;
/// How many nodes a document may have once aliases are expanded.
pub const MAX_NODES: usize = 200_000;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted: `yes`, `12`, `approved`.
    Plain,
    /// In single or double quotes.
    Quoted,
    /// A `|` or `>` block.
    Block,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar: text, number, boolean or null, as written.
    Scalar(String, Style),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in the order written.
    Map(Vec<(Node, Node)>),
}

/// One YAML value and where it is in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where it was written.
    pub span: Span,
    /// What it holds.
    pub kind: Kind,
}

impl Node {
    /// Whether this is a null (`~`, `null` or nothing).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, Style::Plain) if is_null_word(s))
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// A plain-words description of the node's shape, for messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Scalar(s, Style::Plain) if is_null_word(s) => "nothing".to_string(),
            Kind::Scalar(s, _) => {
                let shown: String = s.chars().take(40).collect();
                let more = if s.chars().count() > 40 { "…" } else { "" };
                format!("`{shown}{more}`")
            }
            Kind::Seq(_) => "a list".to_string(),
            Kind::Map(_) => "a mapping".to_string(),
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            Kind::Scalar(..) => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Kind::Map(items) => {
                1 + items
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

/// Whether a plain scalar means null in YAML 1.2.
pub fn is_null_word(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        items: Vec<(Node, Node)>,
        key: Option<Node>,
        seen: HashMap<String, Span>,
    },
}

struct Builder<'s> {
    source: &'s Source,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
    documents: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Parse a source into its single document's tree.
///
/// Returns the tree (when there is one) and every problem found on the way; a tree is
/// only returned when there was no error.
pub fn parse(source: &Source) -> Result<Node, Vec<Diagnostic>> {
    if source.text.trim().is_empty() || only_comments(&source.text) {
        return Err(vec![
            Diagnostic::error(Code::EmptyFile, Span::at(0), "the file is empty")
                .with_help("a blueprint starts with `quickwin: 1`, then `id:`, `title:` and the other sections; `quickwin new NAME` writes a starter"),
        ]);
    }
    let mut builder = Builder {
        source,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
        documents: 0,
        diagnostics: Vec::new(),
    };
    let mut parser = Parser::new_from_str(&source.text);
    loop {
        match parser.next_token() {
            Err(error) => {
                let offset = builder.offset(error.marker());
                builder
                    .diagnostics
                    .push(syntax_error(source, offset, error.info()));
                break;
            }
            Ok((Event::StreamEnd, _)) => break,
            Ok((event, mark)) => {
                if !builder.event(event, mark) {
                    break;
                }
            }
        }
    }
    let errors = builder.diagnostics.iter().any(Diagnostic::is_error);
    match builder.root {
        Some(root) if !errors => Ok(root),
        _ if builder.diagnostics.is_empty() => Err(vec![Diagnostic::error(
            Code::EmptyFile,
            Span::at(0),
            "the file holds no blueprint",
        )]),
        _ => Err(builder.diagnostics),
    }
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

impl Builder<'_> {
    fn offset(&self, mark: &Marker) -> usize {
        self.source.offset(mark.line(), mark.col() + 1)
    }

    /// Handle one event; false stops the parse.
    fn event(&mut self, event: Event, mark: Marker) -> bool {
        let at = self.offset(&mark);
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::MultipleDocuments,
                            Span::new(at, at + 3),
                            "the file holds more than one YAML document",
                        )
                        .with_help("put one blueprint per file and remove the `---` line"),
                    );
                    return false;
                }
                true
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => true,
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    let mut node = node.clone();
                    node.span = Span::new(at, at + 1);
                    self.nodes += node.size();
                    if self.nodes > MAX_NODES {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::AliasExpansion,
                                Span::new(at, at + 1),
                                format!("aliases expand to more than {MAX_NODES} values"),
                            )
                            .with_help("a blueprint needs far fewer; write the values out or reuse fewer anchors"),
                        );
                        return false;
                    }
                    self.value(node)
                }
                None => {
                    self.diagnostics.push(Diagnostic::error(
                        Code::YamlSyntax,
                        Span::new(at, at + 1),
                        "this alias refers to an anchor that is not defined before it",
                    ));
                    false
                }
            },
            Event::Scalar(value, style, anchor, _tag) => {
                let end = scalar_end(&self.source.text, at, &value, style);
                let style = match style {
                    TScalarStyle::Plain => Style::Plain,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => Style::Quoted,
                    TScalarStyle::Literal | TScalarStyle::Folded => Style::Block,
                };
                let node = Node {
                    span: Span::new(at, end),
                    kind: Kind::Scalar(value, style),
                };
                if !self.count() {
                    return false;
                }
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.value(node)
            }
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Seq {
                    start: at,
                    anchor,
                    items: Vec::new(),
                },
                at,
            ),
            Event::MappingStart(anchor, _) => self.open(
                Frame::Map {
                    start: at,
                    anchor,
                    items: Vec::new(),
                    key: None,
                    seen: HashMap::new(),
                },
                at,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return false;
                };
                let (start, anchor, kind) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => (start, anchor, Kind::Seq(items)),
                    Frame::Map {
                        start,
                        anchor,
                        items,
                        ..
                    } => (start, anchor, Kind::Map(items)),
                };
                let start = match &kind {
                    Kind::Map(items) => items
                        .first()
                        .map_or(start, |(k, _)| k.span.start.min(start)),
                    Kind::Seq(items) => items.first().map_or(start, |i| i.span.start.min(start)),
                    Kind::Scalar(..) => start,
                };
                let end = self.source.text[..at.max(start)]
                    .trim_end()
                    .len()
                    .max(start);
                let node = Node {
                    span: Span::new(start, end),
                    kind,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.value(node)
            }
        }
    }

    fn count(&mut self) -> bool {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.diagnostics.push(Diagnostic::error(
                Code::FileTooLarge,
                Span::at(0),
                format!("the document has more than {MAX_NODES} values"),
            ));
            return false;
        }
        true
    }

    fn open(&mut self, frame: Frame, at: usize) -> bool {
        if self.stack.len() >= MAX_DEPTH {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::TooDeep,
                    Span::new(at, at + 1),
                    format!("lists and mappings nest more than {MAX_DEPTH} levels deep here"),
                )
                .with_help("a blueprint needs only a few levels; check the indentation"),
            );
            return false;
        }
        if !self.count() {
            return false;
        }
        self.stack.push(frame);
        true
    }

    fn value(&mut self, node: Node) -> bool {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                true
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                true
            }
            Some(Frame::Map {
                items, key, seen, ..
            }) => match key.take() {
                None => {
                    if !matches!(node.kind, Kind::Scalar(..)) {
                        self.diagnostics.push(Diagnostic::error(
                            Code::WrongType,
                            node.span,
                            format!("a key must be a name, found {}", node.describe()),
                        ));
                    }
                    *key = Some(node);
                    true
                }
                Some(k) => {
                    if let Kind::Scalar(name, _) = &k.kind {
                        if let Some(first) = seen.get(name) {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    Code::DuplicateKey,
                                    k.span,
                                    format!("the key `{name}` appears twice in this mapping"),
                                )
                                .with_label(*first, "first given here")
                                .with_help("keep one of them; YAML would silently use only one"),
                            );
                        } else {
                            seen.insert(name.clone(), k.span);
                        }
                    }
                    items.push((k, node));
                    true
                }
            },
        }
    }
}

/// Where a scalar that starts at byte `start` ends in the source.
fn scalar_end(text: &str, start: usize, value: &str, style: TScalarStyle) -> usize {
    let rest = &text[start.min(text.len())..];
    let line_end = rest.find('\n').map_or(text.len(), |i| start + i);
    match style {
        TScalarStyle::Plain => (start + value.len()).min(line_end),
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
            let quote = if style == TScalarStyle::SingleQuoted {
                '\''
            } else {
                '"'
            };
            let mut chars = rest.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                if c == '\\' && quote == '"' {
                    chars.next();
                } else if c == quote {
                    if quote == '\'' && rest[i + 1..].starts_with('\'') {
                        chars.next();
                        continue;
                    }
                    return start + i + 1;
                }
            }
            line_end
        }
        TScalarStyle::Literal | TScalarStyle::Folded => (start + 1).min(text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Result<Node, Vec<Diagnostic>> {
        parse(&Source::new("t.yaml", text))
    }

    fn first_error(text: &str) -> (Code, usize, usize, String) {
        let source = Source::new("t.yaml", text);
        let errors = parse(&source).expect_err("should fail");
        let d = &errors[0];
        let p = source.position(d.span.start);
        (d.code, p.line, p.column, d.message.clone())
    }

    #[test]
    fn scalars_know_where_they_are() {
        let source = Source::new("t.yaml", "id: birth\nlabel:\n  ar: شهادة\n  en: 'A b'\n");
        let Kind::Map(items) = parse(&source).unwrap().kind else {
            panic!("not a map")
        };
        let (key, value) = &items[1];
        assert_eq!(key.as_str(), Some("label"));
        let Kind::Map(labels) = &value.kind else {
            panic!("not a map")
        };
        let ar = &labels[0].1;
        assert_eq!(&source.text[ar.span.start..ar.span.end], "شهادة");
        assert_eq!(source.position(ar.span.start).column, 7);
        let en = &labels[1].1;
        assert_eq!(&source.text[en.span.start..en.span.end], "'A b'");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (code, line, col, _) = first_error("id: a\ntitle: x\nid: b\n");
        assert_eq!((code, line, col), (Code::DuplicateKey, 3, 1));
    }

    #[test]
    fn tabs_are_explained() {
        let (code, line, _, message) = first_error("id: a\nroles:\n\t- x\n");
        assert_eq!((code, line), (Code::YamlSyntax, 3));
        assert!(message.contains("tab"), "{message}");
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (code, ..) = first_error(&text);
        assert_eq!(code, Code::AliasExpansion);
    }

    #[test]
    fn deep_nesting_is_stopped() {
        let mut text = String::new();
        for depth in 0..200 {
            text.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
        }
        let (code, line, _, _) = first_error(&text);
        assert_eq!((code, line), (Code::TooDeep, MAX_DEPTH + 1));
        // In flow style the scanner's own limit answers first, still located.
        let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let (code, line, _, message) = first_error(&flow);
        assert_eq!((code, line), (Code::YamlSyntax, 1), "{message}");
    }

    #[test]
    fn empty_and_multi_document_files() {
        assert_eq!(first_error("").0, Code::EmptyFile);
        assert_eq!(first_error("# only a comment\n").0, Code::EmptyFile);
        assert_eq!(first_error("a: 1\n---\nb: 2\n").0, Code::MultipleDocuments);
    }

    #[test]
    fn syntax_errors_are_located() {
        let (code, line, _, _) = first_error("id: a\ntitle: [unclosed\n");
        assert_eq!((code, line), (Code::YamlSyntax, 3));
        assert!(tree("key: value: other\n").is_err());
    }
}
