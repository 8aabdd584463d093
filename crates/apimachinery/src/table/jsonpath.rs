//! The JSONPath dialect of kubectl and of CRD printer columns (`{.status.conditions[?(@.type=="Ready")].status}`).
//!
//! Supports fields (with `\` escapes), `*`, `..`, `[i]`, `[a:b:c]`, `['key']`, unions `[a,b]` and
//! filters `[?(@.x == "y")]` with `== != < > <= >=` and existence tests. Evaluation follows the
//! Kubernetes rules: missing keys yield no results, while indexing a non-array, an index out of
//! range or an ill-typed comparison is an error.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Field(String),
    Wildcard,
    Recursive,
    Array([Param; 3]),
    Union(Vec<Vec<Node>>),
    Filter {
        left: Vec<Node>,
        op: String,
        right: Vec<Node>,
    },
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Identifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Param {
    known: bool,
    value: i64,
    derived: bool,
}

/// A parsed path: the nodes of its first `{...}` action.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JsonPath {
    nodes: Vec<Node>,
}

/// Evaluation failed (as opposed to finding nothing).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct EvalError;

struct Parser<'a> {
    input: &'a str,
    pos: usize,
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Parses the inside of an action up to its closing `}`.
    fn action(&mut self) -> Result<Vec<Node>, ()> {
        let mut nodes = Vec::new();
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                return Ok(nodes);
            }
            if rest.starts_with("[?(") {
                self.pos += 3;
                nodes.push(self.filter()?);
                continue;
            }
            if rest.starts_with("..") {
                if nodes.last() == Some(&Node::Recursive) {
                    return Err(());
                }
                self.pos += 2;
                nodes.push(Node::Recursive);
                if self.peek().is_some_and(is_alphanumeric) {
                    nodes.push(self.field());
                }
                continue;
            }
            match self.next() {
                None | Some('\r' | '\n') => return Err(()),
                Some(' ' | '@' | '$') => {}
                Some('[') => self.array(&mut nodes)?,
                Some(q @ ('"' | '\'')) => nodes.push(Node::Text(self.quote(q)?)),
                Some('.') => nodes.push(self.field()),
                Some(c) if c == '+' || c == '-' || c.is_numeric() => {
                    self.pos -= c.len_utf8();
                    nodes.push(self.number()?);
                }
                Some(c) if is_alphanumeric(c) => {
                    self.pos -= c.len_utf8();
                    let start = self.pos;
                    while !is_terminator(self.peek()) {
                        self.next();
                    }
                    nodes.push(match &self.input[start..self.pos] {
                        "true" => Node::Bool(true),
                        "false" => Node::Bool(false),
                        _ => Node::Identifier,
                    });
                }
                Some(_) => return Err(()),
            }
        }
    }

    /// A field name up to the next unescaped terminator; escapes are dropped.
    fn field(&mut self) -> Node {
        let start = self.pos;
        loop {
            match self.peek() {
                Some('\\') => {
                    self.next();
                    self.next();
                }
                c if is_terminator(c) => break,
                _ => {
                    self.next();
                }
            }
        }
        match &self.input[start..self.pos] {
            "*" => Node::Wildcard,
            name => Node::Field(name.replace('\\', "")),
        }
    }

    fn number(&mut self) -> Result<Node, ()> {
        let start = self.pos;
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        while self.peek().is_some_and(|c| c == '.' || c.is_numeric()) {
            self.next();
        }
        let text = &self.input[start..self.pos];
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Node::Int(i));
        }
        text.parse::<f64>().map(Node::Float).map_err(|_| ())
    }

    /// A quoted string; the opening quote has been consumed.
    fn quote(&mut self, end: char) -> Result<String, ()> {
        let start = self.pos - 1;
        loop {
            match self.next() {
                None | Some('\n') => return Err(()),
                Some(c) if c == end && self.input.as_bytes()[self.pos - 2] != b'\\' => break,
                Some(_) => {}
            }
        }
        unquote(&self.input[start..self.pos])
    }

    /// An index, slice, key or union; the `[` has been consumed.
    fn array(&mut self, nodes: &mut Vec<Node>) -> Result<(), ()> {
        let start = self.pos;
        loop {
            match self.next() {
                None | Some('\n') => return Err(()),
                Some(']') => break,
                Some(_) => {}
            }
        }
        let mut text = &self.input[start..self.pos - 1];
        if text == "*" {
            text = ":";
        }
        if text.contains(',') {
            let parts = text
                .split(',')
                .map(|part| parse_action(&format!("[{}]", part.trim_matches(' '))))
                .collect::<Result<Vec<_>, ()>>()?;
            nodes.push(Node::Union(parts));
            return Ok(());
        }
        if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
            let key = &text[1..text.len() - 1];
            if !key.contains('\'') {
                nodes.extend(parse_action(&format!(".{key}"))?);
                return Ok(());
            }
        }
        nodes.push(Node::Array(slice_params(text).ok_or(())?));
        Ok(())
    }

    /// A filter; the `[?(` has been consumed.
    fn filter(&mut self) -> Result<Node, ()> {
        let start = self.pos;
        let (mut begin, mut end) = (false, false);
        let mut pair = '\0';
        loop {
            match self.next() {
                None | Some('\n') => return Err(()),
                Some(c @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = c;
                    } else if self.input.as_bytes()[self.pos - 2] != b'\\' && c == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                Some(_) => {}
            }
        }
        if self.next() != Some(']') {
            return Err(());
        }
        let text = &self.input[start..self.pos - 2];
        match split_comparison(text) {
            None => Ok(Node::Filter {
                left: parse_action(text)?,
                op: "exists".to_string(),
                right: Vec::new(),
            }),
            Some((left, op, right)) => Ok(Node::Filter {
                left: parse_action(left)?,
                op: op.to_string(),
                right: parse_action(right)?,
            }),
        }
    }
}

/// Splits `left op right` where `op` is a run of `!<>=` (the first such run).
fn split_comparison(text: &str) -> Option<(&str, &str, &str)> {
    if text.contains('\n') {
        return None;
    }
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let op_start = text.find(is_op)?;
    if op_start == 0 {
        return None;
    }
    let op_len = text[op_start..]
        .find(|c: char| !is_op(c))
        .unwrap_or(text.len() - op_start);
    let right = &text[op_start + op_len..];
    if right.is_empty() {
        return None;
    }
    Some((&text[..op_start], &text[op_start..op_start + op_len], right))
}

/// Parses `[start][:end][:step]` (each an optional signed integer).
fn slice_params(text: &str) -> Option<[Param; 3]> {
    let parts: Vec<&str> = text.splitn(3, ':').collect();
    let valid = |s: &str| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        digits.bytes().all(|b| b.is_ascii_digit())
    };
    if !parts.iter().all(|p| valid(p)) {
        return None;
    }
    let mut params = [Param::default(); 3];
    for (i, param) in params.iter_mut().enumerate() {
        match parts.get(i) {
            Some(s) if !s.is_empty() => {
                param.known = true;
                param.value = s.parse().ok()?;
            }
            // `[n]`: the end is derived as n + 1.
            None if i == 1 => {
                *param = Param {
                    known: true,
                    value: 0,
                    derived: true,
                };
            }
            _ => {}
        }
    }
    if params[1].derived {
        params[1].value = params[0].value.saturating_add(1);
    }
    Some(params)
}

/// Unquotes a single- or double-quoted string with Go escape sequences.
fn unquote(s: &str) -> Result<String, ()> {
    let quote = s.chars().next().ok_or(())?;
    let body = s
        .strip_prefix(quote)
        .and_then(|b| b.strip_suffix(quote))
        .ok_or(())?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            return Err(());
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| -> Result<u32, ()> {
            let digits: String = chars.take(n).collect();
            if digits.len() != n {
                return Err(());
            }
            u32::from_str_radix(&digits, 16).map_err(|_| ())
        };
        match chars.next().ok_or(())? {
            'a' => out.push('\u{07}'),
            'b' => out.push('\u{08}'),
            'f' => out.push('\u{0c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{0b}'),
            '\\' => out.push('\\'),
            c @ ('\'' | '"') if c == quote => out.push(c),
            'x' => out.push(char::from_u32(hex(&mut chars, 2)?).ok_or(())?),
            'u' => out.push(char::from_u32(hex(&mut chars, 4)?).ok_or(())?),
            'U' => out.push(char::from_u32(hex(&mut chars, 8)?).ok_or(())?),
            d @ '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let code = u32::from_str_radix(&format!("{d}{rest}"), 8).map_err(|_| ())?;
                if rest.len() != 2 || code > 255 {
                    return Err(());
                }
                out.push(char::from_u32(code).ok_or(())?);
            }
            _ => return Err(()),
        }
    }
    Ok(out)
}

/// Parses the inside of one action (without braces).
fn parse_action(text: &str) -> Result<Vec<Node>, ()> {
    let wrapped = format!("{text}}}");
    let mut p = Parser {
        input: &wrapped,
        pos: 0,
    };
    p.action()
}

impl JsonPath {
    /// Parses a template such as `.status.phase` once wrapped in braces (`{.status.phase}`).
    /// Only the first action is kept.
    pub(super) fn parse(path: &str) -> Option<JsonPath> {
        let template = format!("{{{path}}}");
        let mut p = Parser {
            input: &template,
            pos: 1,
        };
        let nodes = p.action().ok()?;
        // Whatever follows must itself parse (text, or further actions).
        let mut rest = p;
        while let Some(i) = rest.rest().find('{') {
            rest.pos += i + 1;
            rest.action().ok()?;
        }
        Some(JsonPath { nodes })
    }

    /// The first value the path selects in `data`; `Ok(None)` when it selects nothing.
    pub(super) fn first<'a>(&self, data: &'a Value) -> Result<Option<Cow<'a, Value>>, EvalError> {
        let results = eval_list(vec![Cow::Borrowed(data)], &self.nodes)?;
        Ok(results.into_iter().next())
    }
}

type Values<'a> = Vec<Cow<'a, Value>>;

fn project<'a>(v: &Cow<'a, Value>, f: impl Fn(&Value) -> Option<&Value>) -> Option<Cow<'a, Value>> {
    match v {
        Cow::Borrowed(b) => f(b).map(Cow::Borrowed),
        Cow::Owned(o) => f(o).cloned().map(Cow::Owned),
    }
}

/// Elements of a container: object values, array items, or string bytes.
fn children<'a>(v: &Cow<'a, Value>) -> Values<'a> {
    let from = |value: &Value| -> Vec<Value> {
        match value {
            Value::Object(m) => m.values().cloned().collect(),
            Value::Array(a) => a.clone(),
            Value::String(s) => s.bytes().map(Value::from).collect(),
            _ => Vec::new(),
        }
    };
    match v {
        Cow::Borrowed(Value::Object(m)) => m.values().map(Cow::Borrowed).collect(),
        Cow::Borrowed(Value::Array(a)) => a.iter().map(Cow::Borrowed).collect(),
        other => from(other).into_iter().map(Cow::Owned).collect(),
    }
}

fn eval_list<'a>(mut values: Values<'a>, nodes: &[Node]) -> Result<Values<'a>, EvalError> {
    for node in nodes {
        values = eval(values, node)?;
    }
    Ok(values)
}

fn eval<'a>(input: Values<'a>, node: &Node) -> Result<Values<'a>, EvalError> {
    match node {
        Node::Field(name) => Ok(input
            .iter()
            .filter(|v| !v.is_null())
            .filter_map(|v| project(v, |x| x.as_object()?.get(name)))
            .collect()),
        Node::Wildcard => Ok(input
            .iter()
            .filter(|v| !v.is_null())
            .flat_map(children)
            .collect()),
        Node::Recursive => {
            let mut out = Vec::new();
            recursive(&input, &mut out, 0);
            Ok(out)
        }
        Node::Array(params) => eval_array(input, params),
        Node::Union(lists) => {
            let mut out = Vec::new();
            for list in lists {
                out.extend(eval_list(input.clone(), list)?);
            }
            Ok(out)
        }
        Node::Filter { left, op, right } => eval_filter(input, left, op, right),
        Node::Text(t) => Ok(vec![Cow::Owned(Value::from(t.as_str()))]),
        Node::Int(i) => Ok(input.iter().map(|_| Cow::Owned(Value::from(*i))).collect()),
        Node::Float(f) => Ok(input
            .iter()
            .map(|_| {
                Cow::Owned(serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number))
            })
            .collect()),
        Node::Bool(b) => Ok(input.iter().map(|_| Cow::Owned(Value::Bool(*b))).collect()),
        Node::Identifier => Err(EvalError),
    }
}

fn recursive<'a>(input: &Values<'a>, out: &mut Values<'a>, depth: usize) {
    // JSON documents are finite; the depth bound only guards the stack.
    if depth > 512 {
        return;
    }
    for v in input.iter().filter(|v| !v.is_null()) {
        let kids = children(v);
        if !kids.is_empty() {
            out.push(v.clone());
            recursive(&kids, out, depth + 1);
        }
    }
}

fn eval_array<'a>(input: Values<'a>, params: &[Param; 3]) -> Result<Values<'a>, EvalError> {
    let mut out = Vec::new();
    for v in input.iter().filter(|v| !v.is_null()) {
        let Some(items) = v.as_array() else {
            return Err(EvalError);
        };
        let len = items.len() as i64;
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        let (start, end) = (p[0].value, p[1].value);
        if start == end {
            // Zero elements requested: stop here with what was found so far.
            return Ok(out);
        }
        if start < 0 || start >= len || end < 0 || end > len || start > end {
            return Err(EvalError);
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err(EvalError);
            }
            p[2].value as usize
        } else {
            1
        };
        let (start, end) = (start as usize, end as usize);
        for i in (start..end).step_by(step) {
            if let Some(item) = project(v, |x| x.as_array()?.get(i)) {
                out.push(item);
            }
        }
    }
    Ok(out)
}

fn eval_filter<'a>(
    input: Values<'a>,
    left: &[Node],
    op: &str,
    right: &[Node],
) -> Result<Values<'a>, EvalError> {
    let mut out = Vec::new();
    for v in &input {
        let Some(items) = v.as_array() else {
            return Err(EvalError);
        };
        for i in 0..items.len() {
            let Some(item) = project(v, |x| x.as_array()?.get(i)) else {
                continue;
            };
            let lefts = eval_list(vec![item.clone()], left);
            if op == "exists" {
                // A failed evaluation still leaves the values it failed on, which count as found.
                if lefts.map_or(true, |l| !l.is_empty()) {
                    out.push(item);
                }
                continue;
            }
            let lefts = lefts?;
            let l = match lefts.len() {
                0 => continue,
                1 => lefts[0].clone().into_owned(),
                _ => return Err(EvalError),
            };
            let rights = eval_list(vec![item.clone()], right)?;
            let r = match rights.len() {
                0 => continue,
                1 => rights[0].clone().into_owned(),
                _ => return Err(EvalError),
            };
            let pass = match op {
                "==" => equal(&l, &r)?,
                "!=" => !equal(&l, &r)?,
                "<" => less(&l, &r)?,
                "<=" => less(&l, &r)? || equal(&l, &r)?,
                ">" => !(less(&l, &r)? || equal(&l, &r)?),
                ">=" => !less(&l, &r)?,
                _ => return Err(EvalError),
            };
            if pass {
                out.push(item);
            }
        }
    }
    Ok(out)
}

#[derive(PartialEq)]
enum Basic<'v> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'v str),
}

/// The comparable scalar of a value; containers and null are not comparable.
fn basic(v: &Value) -> Result<Basic<'_>, EvalError> {
    match v {
        Value::Bool(b) => Ok(Basic::Bool(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Basic::Int(i)),
            None => Ok(Basic::Float(n.as_f64().unwrap_or(f64::NAN))),
        },
        Value::String(s) => Ok(Basic::Str(s)),
        _ => Err(EvalError),
    }
}

fn equal(a: &Value, b: &Value) -> Result<bool, EvalError> {
    match (basic(a)?, basic(b)?) {
        (Basic::Bool(x), Basic::Bool(y)) => Ok(x == y),
        (Basic::Int(x), Basic::Int(y)) => Ok(x == y),
        (Basic::Float(x), Basic::Float(y)) => Ok(x == y),
        (Basic::Str(x), Basic::Str(y)) => Ok(x == y),
        _ => Err(EvalError),
    }
}

fn less(a: &Value, b: &Value) -> Result<bool, EvalError> {
    match (basic(a)?, basic(b)?) {
        (Basic::Int(x), Basic::Int(y)) => Ok(x < y),
        (Basic::Float(x), Basic::Float(y)) => Ok(x.partial_cmp(&y) == Some(Ordering::Less)),
        (Basic::Str(x), Basic::Str(y)) => Ok(x < y),
        _ => Err(EvalError),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::{EvalError, JsonPath};

    #[track_caller]
    fn first(path: &str, data: &Value) -> Result<Option<Value>, EvalError> {
        let p = JsonPath::parse(path).unwrap_or_else(|| panic!("{path} should parse"));
        p.first(data).map(|v| v.map(|v| v.into_owned()))
    }

    #[test]
    fn fields_indexes_and_filters() {
        let obj = json!({
            "metadata": {"name": "c1", "labels": {"app.kubernetes.io/name": "x", "a-b": "y"}},
            "spec": {"list": [1, 2, 3, 4], "nested": [{"v": "a"}, {"v": "b"}]},
            "status": {"conditions": [
                {"type": "Synced", "status": "True"},
                {"type": "Ready", "status": "False", "reason": "Pending"},
                {"status": "Unknown"},
            ]},
        });
        assert_eq!(first(".metadata.name", &obj), Ok(Some(json!("c1"))));
        assert_eq!(first(".metadata.missing", &obj), Ok(None));
        assert_eq!(first(".metadata.name.deeper", &obj), Ok(None));
        assert_eq!(
            first(r".metadata.labels.app\.kubernetes\.io/name", &obj),
            Ok(Some(json!("x")))
        );
        assert_eq!(first(".metadata.labels.a-b", &obj), Ok(Some(json!("y"))));
        assert_eq!(first(".metadata.labels['a-b']", &obj), Ok(Some(json!("y"))));
        assert_eq!(first(".spec.list[0]", &obj), Ok(Some(json!(1))));
        assert_eq!(first(".spec.list[-1]", &obj), Ok(Some(json!(4))));
        assert_eq!(first(".spec.list[1:3]", &obj), Ok(Some(json!(2))));
        assert_eq!(first(".spec.list[*]", &obj), Ok(Some(json!(1))));
        assert_eq!(first(".spec.list[4]", &obj), Err(EvalError));
        assert_eq!(first(".spec.nested[1].v", &obj), Ok(Some(json!("b"))));
        assert_eq!(first(".spec.nested[*].v", &obj), Ok(Some(json!("a"))));
        assert_eq!(first(".metadata[0]", &obj), Err(EvalError));
        assert_eq!(first(".spec.missing[0]", &obj), Ok(None));
        assert_eq!(
            first(r#".status.conditions[?(@.type=="Ready")].status"#, &obj),
            Ok(Some(json!("False")))
        );
        assert_eq!(
            first(".status.conditions[?(@.type == 'Ready')].reason", &obj),
            Ok(Some(json!("Pending")))
        );
        assert_eq!(
            first(r#".status.conditions[?(@.type=="Gone")].status"#, &obj),
            Ok(None)
        );
        assert_eq!(
            first(".status.conditions[?(@.reason)].type", &obj),
            Ok(Some(json!("Ready")))
        );
        assert_eq!(
            first(r#".status.conditions[?(@.type!="Synced")].status"#, &obj),
            Ok(Some(json!("False")))
        );
        assert_eq!(first(".spec.list[?(@ > 2)]", &obj), Ok(Some(json!(3))));
        assert_eq!(first(".spec.list[?(@ >= 2)]", &obj), Ok(Some(json!(2))));
        assert_eq!(first(r#".spec.list[?(@ == "1")]"#, &obj), Err(EvalError));
        assert_eq!(first("..v", &obj), Ok(Some(json!("a"))));
        assert_eq!(first(".spec['list','nested'][0]", &obj), Ok(Some(json!(1))));
        assert_eq!(first(".spec.*", &obj), Ok(Some(json!([1, 2, 3, 4]))));
    }

    #[test]
    fn parse_errors() {
        for bad in [
            ".a[",
            ".a[x]",
            ".a[?(@.b==1)",
            ".a[?(@.b==\"x)]",
            ".a[1]#",
            ".a\n",
            "{.a",
        ] {
            assert_eq!(JsonPath::parse(bad), None, "{bad:?}");
        }
        assert!(JsonPath::parse(".").is_some());
        assert!(JsonPath::parse(".a}{.b").is_some());
        assert!(JsonPath::parse(".a#b").is_some());
        assert!(JsonPath::parse(".a)").is_some());
    }
}
