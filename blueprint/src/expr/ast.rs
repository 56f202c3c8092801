//! The parsed form of an expression.

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
    /// `in`
    In,
}

impl BinOp {
    /// How the operator is written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
        }
    }
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `-`
    Neg,
    /// `not`
    Not,
}

/// One node of an expression, with its byte range in the expression text.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// What it is.
    pub node: Node,
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A number literal.
    Number(f64),
    /// A text literal in quotes.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A field or computed value, by id.
    Name(String),
    /// A list literal `[a, b]`.
    List(Vec<Ast>),
    /// A function call.
    Call(String, Vec<Ast>),
    /// A unary operation.
    Unary(UnOp, Box<Ast>),
    /// A binary operation.
    Binary(BinOp, Box<Ast>, Box<Ast>),
}

impl Ast {
    /// Every name the expression reads, with its range, in order.
    pub fn names(&self) -> Vec<(&str, usize, usize)> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<(&'a str, usize, usize)>) {
        match &self.node {
            Node::Name(n) => out.push((n, self.start, self.end)),
            Node::List(items) | Node::Call(_, items) => {
                items.iter().for_each(|i| i.collect_names(out));
            }
            Node::Unary(_, a) => a.collect_names(out),
            Node::Binary(_, a, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Node::Number(_) | Node::Text(_) | Node::Bool(_) => {}
        }
    }
}
