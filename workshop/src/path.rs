//! Paths into a YAML file: `workflow.states`, `fees[0]`, `roles[clerk]`,
//! `integrations[service=IQ/GOV/MOI/civil-registry/persons]`, `form.pages[*].fields`.
//! They select nodes of the blueprint loader's tree, so every match keeps its place in
//! the file: checks quote it as `file:line:col`, and starters remove or replace it.

use quickwin_blueprint::Span;
use quickwin_blueprint::yaml::{Kind, Node};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A key of a mapping.
    Key(String),
    /// A list item by position.
    Index(usize),
    /// Every list item.
    All,
    /// The list items that are mappings whose `field` is `value`.
    Where(String, String),
}

/// A path that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the path `{path}` {why}")]
pub struct PathError {
    /// The path as written.
    pub path: String,
    /// What is wrong with it.
    pub why: String,
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    steps: Vec<Step>,
}

/// A node a path selected, with the place of its key or list item.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    /// The node.
    pub node: &'a Node,
    /// Where its entry starts: its key in a mapping, the item itself in a list.
    pub entry: Span,
}

impl Path {
    /// Parse a path.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let err = |why: &str| PathError {
            path: text.to_string(),
            why: why.to_string(),
        };
        let mut steps = Vec::new();
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(err("is empty; write a key such as `sla` or `fees[0]`"));
        }
        while !rest.is_empty() {
            let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
            let name = &rest[..name_end];
            if !name.is_empty() {
                steps.push(Step::Key(name.to_string()));
            } else if !rest.starts_with('[') {
                return Err(err("has an empty part between dots"));
            }
            rest = &rest[name_end..];
            while let Some(inner) = rest.strip_prefix('[') {
                let close = inner
                    .find(']')
                    .ok_or_else(|| err("opens `[` without closing it with `]`"))?;
                let selector = inner[..close].trim();
                steps.push(if selector == "*" {
                    Step::All
                } else if let Ok(n) = selector.parse::<usize>() {
                    Step::Index(n)
                } else if let Some((field, value)) = selector.split_once('=') {
                    Step::Where(field.trim().to_string(), unquote(value.trim()))
                } else if selector.is_empty() {
                    return Err(err(
                        "has `[]`; write a position, `*`, an id or `field=value`",
                    ));
                } else {
                    Step::Where("id".to_string(), unquote(selector))
                });
                rest = &inner[close + 1..];
            }
            if let Some(after) = rest.strip_prefix('.') {
                if after.is_empty() {
                    return Err(err("ends with a dot"));
                }
                rest = after;
            } else if !rest.is_empty() {
                return Err(err("has text after `]` that is not `.` or `[`"));
            }
        }
        Ok(Path { steps })
    }

    /// The nodes the path selects under `root`, in file order.
    pub fn select<'a>(&self, root: &'a Node) -> Vec<Hit<'a>> {
        let mut hits = vec![Hit {
            node: root,
            entry: root.span,
        }];
        for step in &self.steps {
            let mut next = Vec::new();
            for hit in hits {
                match (&hit.node.kind, step) {
                    (Kind::Map(entries), Step::Key(key)) => {
                        for (k, v) in entries {
                            if k.as_str() == Some(key.as_str()) {
                                next.push(Hit {
                                    node: v,
                                    entry: k.span,
                                });
                            }
                        }
                    }
                    (Kind::Seq(items), _) => {
                        for (i, item) in items.iter().enumerate() {
                            let chosen = match step {
                                Step::All => true,
                                Step::Index(n) => i == *n,
                                Step::Where(field, value) => field_is(item, field, value),
                                // A key after a list applies to every item.
                                Step::Key(_) => false,
                            };
                            if chosen {
                                next.push(Hit {
                                    node: item,
                                    entry: item.span,
                                });
                            }
                        }
                        if let Step::Key(key) = step {
                            for item in items {
                                if let Kind::Map(entries) = &item.kind {
                                    for (k, v) in entries {
                                        if k.as_str() == Some(key.as_str()) {
                                            next.push(Hit {
                                                node: v,
                                                entry: k.span,
                                            });
                                        }
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            hits = next;
        }
        hits
    }
}

fn unquote(s: &str) -> String {
    let quoted = s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')));
    if quoted {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

fn field_is(item: &Node, field: &str, value: &str) -> bool {
    match &item.kind {
        Kind::Map(entries) => entries
            .iter()
            .any(|(k, v)| k.as_str() == Some(field) && v.as_str() == Some(value)),
        Kind::Scalar(s, _) => field == "id" && s == value,
        Kind::Seq(_) => false,
    }
}

/// Where a node's content ends: its last scalar, not the comments after it.
pub fn content_end(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar(..) => node.span.end,
        Kind::Seq(items) => items.iter().map(content_end).max().unwrap_or(node.span.end),
        Kind::Map(entries) => entries
            .iter()
            .map(|(_, v)| content_end(v))
            .max()
            .unwrap_or(node.span.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quickwin_blueprint::Source;
    use quickwin_blueprint::yaml;

    const TEXT: &str = "\
sla: 5d
roles:
  - id: applicant
    kind: citizen
  - id: clerk
    kind: staff
languages: [ar, en]
";

    fn texts(path: &str) -> Vec<String> {
        let source = Source::new("t.yaml", TEXT);
        let tree = yaml::parse(&source).unwrap();
        Path::parse(path)
            .unwrap()
            .select(&tree)
            .iter()
            .map(|h| TEXT[h.node.span.start..content_end(h.node)].to_string())
            .collect()
    }

    #[test]
    fn keys_items_and_selectors() {
        assert_eq!(texts("sla"), ["5d"]);
        assert_eq!(texts("roles[clerk].kind"), ["staff"]);
        assert_eq!(texts("roles[kind=citizen].id"), ["applicant"]);
        assert_eq!(texts("roles[*].id"), ["applicant", "clerk"]);
        assert_eq!(texts("roles.id"), ["applicant", "clerk"]);
        assert_eq!(texts("roles[1].id"), ["clerk"]);
        assert_eq!(texts("languages[ar]"), ["ar"]);
        assert!(texts("nothing.here").is_empty());
    }

    #[test]
    fn bad_paths_say_why() {
        assert!(Path::parse("a..b").is_err());
        assert!(Path::parse("a[0").unwrap_err().why.contains("`]`"));
        assert!(Path::parse("a.").is_err());
        assert!(Path::parse("").is_err());
    }
}
