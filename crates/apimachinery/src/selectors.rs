//! Label and field selectors, parsed from the `labelSelector` / `fieldSelector` query parameters
//! (and from `metav1.LabelSelector` objects) with the same grammar, validation and error messages
//! as the Kubernetes API server, so clients see familiar errors and matching behaves identically.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

/// Operator of one label requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelOperator {
    /// `key in (a,b)`: the label exists and has one of the values.
    In,
    /// `key notin (a,b)`: the label is absent or has none of the values.
    NotIn,
    /// `key=value`.
    Equals,
    /// `key==value` (same meaning as `=`, kept for round-tripping).
    DoubleEquals,
    /// `key!=value`: the label is absent or has another value.
    NotEquals,
    /// `key`: the label exists.
    Exists,
    /// `!key`: the label does not exist.
    DoesNotExist,
    /// `key>n`: the label is an integer greater than `n`.
    GreaterThan,
    /// `key<n`: the label is an integer less than `n`.
    LessThan,
}

impl LabelOperator {
    /// The operator's name as Kubernetes spells it (`in`, `notin`, `=`, `==`, `!=`, `exists`,
    /// `!`, `gt`, `lt`).
    pub fn as_str(self) -> &'static str {
        match self {
            LabelOperator::In => "in",
            LabelOperator::NotIn => "notin",
            LabelOperator::Equals => "=",
            LabelOperator::DoubleEquals => "==",
            LabelOperator::NotEquals => "!=",
            LabelOperator::Exists => "exists",
            LabelOperator::DoesNotExist => "!",
            LabelOperator::GreaterThan => "gt",
            LabelOperator::LessThan => "lt",
        }
    }
}

/// One validated `key op values` requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRequirement {
    key: String,
    operator: LabelOperator,
    values: Vec<String>,
}

impl LabelRequirement {
    /// Builds a requirement, validating the key (a qualified name), the values (label values) and
    /// the number of values the operator takes.
    pub fn new(key: &str, operator: LabelOperator, values: Vec<String>) -> Result<Self, String> {
        let mut errs = Vec::new();
        if let Some(e) = validate_label_key(key, "key") {
            errs.push(e);
        }
        match operator {
            LabelOperator::In | LabelOperator::NotIn => {
                if values.is_empty() {
                    errs.push(invalid(
                        "values",
                        &render_values(&values),
                        "for 'in', 'notin' operators, values set can't be empty",
                    ));
                }
            }
            LabelOperator::Equals | LabelOperator::DoubleEquals | LabelOperator::NotEquals => {
                if values.len() != 1 {
                    errs.push(invalid(
                        "values",
                        &render_values(&values),
                        "exact-match compatibility requires one single value",
                    ));
                }
            }
            LabelOperator::Exists | LabelOperator::DoesNotExist => {
                if !values.is_empty() {
                    errs.push(invalid(
                        "values",
                        &render_values(&values),
                        "values set must be empty for exists and does not exist",
                    ));
                }
            }
            LabelOperator::GreaterThan | LabelOperator::LessThan => {
                if values.len() != 1 {
                    errs.push(invalid(
                        "values",
                        &render_values(&values),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errs.push(invalid(
                            &format!("values[{i}]"),
                            &format!("{v:?}"),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
        }
        for (i, v) in values.iter().enumerate() {
            let msgs = label_value_errors(v);
            if !msgs.is_empty() {
                errs.push(invalid(
                    &format!("values[{i}][{key}]"),
                    &format!("{v:?}"),
                    &msgs.join("; "),
                ));
            }
        }
        if errs.is_empty() {
            Ok(LabelRequirement {
                key: key.to_string(),
                operator,
                values,
            })
        } else {
            Err(aggregate(errs))
        }
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> LabelOperator {
        self.operator
    }

    /// The values (empty for `Exists` / `DoesNotExist`).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether `labels` satisfy this requirement.
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        let value = label_value(labels, &self.key);
        let has = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            LabelOperator::In | LabelOperator::Equals | LabelOperator::DoubleEquals => {
                value.is_some_and(|v| has(&v))
            }
            LabelOperator::NotIn | LabelOperator::NotEquals => value.is_none_or(|v| !has(&v)),
            LabelOperator::Exists => value.is_some(),
            LabelOperator::DoesNotExist => value.is_none(),
            LabelOperator::GreaterThan | LabelOperator::LessThan => {
                let Some(actual) = value.and_then(|v| v.parse::<i64>().ok()) else {
                    return false;
                };
                let [wanted] = self.values.as_slice() else {
                    return false;
                };
                let Ok(wanted) = wanted.parse::<i64>() else {
                    return false;
                };
                if self.operator == LabelOperator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

impl fmt::Display for LabelRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == LabelOperator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            LabelOperator::Exists | LabelOperator::DoesNotExist => return Ok(()),
            LabelOperator::Equals => "=",
            LabelOperator::DoubleEquals => "==",
            LabelOperator::NotEquals => "!=",
            LabelOperator::In => " in ",
            LabelOperator::NotIn => " notin ",
            LabelOperator::GreaterThan => ">",
            LabelOperator::LessThan => "<",
        };
        f.write_str(op)?;
        let set = matches!(self.operator, LabelOperator::In | LabelOperator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        values.sort_unstable();
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A label selector: the conjunction of its requirements. The empty selector matches every
/// object; the "nothing" selector (from an absent `metav1.LabelSelector`) matches none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSelector {
    requirements: Vec<LabelRequirement>,
    nothing: bool,
}

impl LabelSelector {
    /// The selector that matches every object.
    pub fn everything() -> Self {
        LabelSelector::default()
    }

    /// The selector that matches no object.
    pub fn nothing() -> Self {
        LabelSelector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// Builds a selector from requirements (kept sorted by key, as Kubernetes does).
    pub fn from_requirements(mut requirements: Vec<LabelRequirement>) -> Self {
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        LabelSelector {
            requirements,
            nothing: false,
        }
    }

    /// Exact-match selector for a label map such as a Service's `spec.selector`. Not validated,
    /// matching Kubernetes' `SelectorFromSet`; an empty map selects everything.
    pub fn from_set(set: &Map<String, Value>) -> Self {
        let requirements = set
            .iter()
            .map(|(k, v)| LabelRequirement {
                key: k.clone(),
                operator: LabelOperator::Equals,
                values: vec![scalar_string(v)],
            })
            .collect();
        LabelSelector::from_requirements(requirements)
    }

    /// Parses the string form used in `?labelSelector=` (e.g. `app=web,tier in (fe,be),!canary`).
    pub fn parse(selector: &str) -> Result<Self, String> {
        let mut parser = LabelParser {
            items: lex(selector),
            position: 0,
        };
        parser.parse().map(LabelSelector::from_requirements)
    }

    /// Converts a `metav1.LabelSelector` object (`matchLabels` / `matchExpressions`). `null`
    /// yields the selector matching nothing; `{}` the one matching everything.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let obj = match value {
            Value::Null => return Ok(LabelSelector::nothing()),
            Value::Object(obj) => obj,
            other => {
                return Err(format!(
                    "label selector must be an object, got {}",
                    json_kind(other)
                ))
            }
        };
        let mut requirements = Vec::new();
        match obj.get("matchLabels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(labels)) => {
                for (k, v) in labels {
                    let Value::String(v) = v else {
                        return Err(format!("matchLabels: value of {k:?} must be a string"));
                    };
                    requirements.push(LabelRequirement::new(
                        k,
                        LabelOperator::Equals,
                        vec![v.clone()],
                    )?);
                }
            }
            Some(other) => {
                return Err(format!(
                    "matchLabels must be an object, got {}",
                    json_kind(other)
                ))
            }
        }
        match obj.get("matchExpressions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(exprs)) => {
                for expr in exprs {
                    requirements.push(expression_requirement(expr)?);
                }
            }
            Some(other) => {
                return Err(format!(
                    "matchExpressions must be an array, got {}",
                    json_kind(other)
                ))
            }
        }
        Ok(LabelSelector::from_requirements(requirements))
    }

    /// Whether an object with these labels (`metadata.labels`, `None` when absent) is selected.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        if self.nothing {
            return false;
        }
        let empty = Map::new();
        let labels = labels.unwrap_or(&empty);
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// True when the selector places no restriction (matches everything).
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// True for the selector that matches nothing.
    pub fn matches_nothing(&self) -> bool {
        self.nothing
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[LabelRequirement] {
        &self.requirements
    }

    /// The single value `key` must have, if the selector pins it (`key=v`, `key==v`, `key in (v)`).
    /// Lets storage narrow a list before matching.
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let r = self.requirements.iter().find(|r| r.key == key)?;
        match (r.operator, r.values.as_slice()) {
            (LabelOperator::Equals | LabelOperator::DoubleEquals | LabelOperator::In, [value]) => {
                Some(value)
            }
            _ => None,
        }
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

fn expression_requirement(expr: &Value) -> Result<LabelRequirement, String> {
    let Value::Object(expr) = expr else {
        return Err(format!(
            "matchExpressions entries must be objects, got {}",
            json_kind(expr)
        ));
    };
    let key = match expr.get("key") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!(
                "matchExpressions key must be a string, got {}",
                json_kind(other)
            ))
        }
    };
    let operator = match expr.get("operator") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!(
                "matchExpressions operator must be a string, got {}",
                json_kind(other)
            ))
        }
    };
    let operator = match operator {
        "In" => LabelOperator::In,
        "NotIn" => LabelOperator::NotIn,
        "Exists" => LabelOperator::Exists,
        "DoesNotExist" => LabelOperator::DoesNotExist,
        other => return Err(format!("{other:?} is not a valid label selector operator")),
    };
    let values = match expr.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "matchExpressions values must be strings, got {}",
                    json_kind(other)
                )),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(format!(
                "matchExpressions values must be an array, got {}",
                json_kind(other)
            ))
        }
    };
    LabelRequirement::new(key, operator, values)
}

fn label_value(labels: &Map<String, Value>, key: &str) -> Option<String> {
    match labels.get(key)? {
        Value::Null => None,
        v => Some(scalar_string(v)),
    }
}

fn scalar_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

// --- label selector lexer / parser -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn keyword_token(s: &str) -> Option<Token> {
    Some(match s {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "in" => Token::In,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "notin" => Token::NotIn,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special_symbol(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn lex(input: &str) -> Vec<(Token, String)> {
    let bytes = input.as_bytes();
    let mut pos = 0;
    let mut items = Vec::new();
    loop {
        while pos < bytes.len() && is_whitespace(bytes[pos]) {
            pos += 1;
        }
        if pos >= bytes.len() {
            items.push((Token::EndOfString, String::new()));
            return items;
        }
        if is_special_symbol(bytes[pos]) {
            // Longest operator made of special symbols.
            let start = pos;
            let mut last: Option<(Token, usize)> = None;
            while pos < bytes.len() && is_special_symbol(bytes[pos]) {
                let candidate = &input[start..=pos];
                if let Some(tok) = keyword_token(candidate) {
                    last = Some((tok, pos + 1));
                } else if last.is_some() {
                    break;
                }
                pos += 1;
            }
            match last {
                Some((tok, end)) => {
                    items.push((tok, input[start..end].to_string()));
                    pos = end;
                }
                None => items.push((
                    Token::Error,
                    format!("error expected: keyword found '{}'", &input[start..pos]),
                )),
            }
        } else {
            let start = pos;
            while pos < bytes.len() && !is_special_symbol(bytes[pos]) && !is_whitespace(bytes[pos])
            {
                pos += 1;
            }
            let word = &input[start..pos];
            let tok = match keyword_token(word) {
                Some(t @ (Token::In | Token::NotIn)) => t,
                _ => Token::Identifier,
            };
            items.push((tok, word.to_string()));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct LabelParser {
    items: Vec<(Token, String)>,
    position: usize,
}

const BINARY_OPERATORS: &str = "in, notin, =, ==, !=, gt, lt";

impl LabelParser {
    fn peek_at(&self, position: usize, ctx: Context) -> (Token, String) {
        let (tok, lit) = self
            .items
            .get(position)
            .cloned()
            .unwrap_or((Token::EndOfString, String::new()));
        // In value position `in` / `notin` are ordinary words.
        let tok = match (ctx, tok) {
            (Context::Values, Token::In | Token::NotIn) => Token::Identifier,
            _ => tok,
        };
        (tok, lit)
    }

    fn lookahead(&self, ctx: Context) -> (Token, String) {
        self.peek_at(self.position, ctx)
    }

    fn consume(&mut self, ctx: Context) -> (Token, String) {
        let item = self.peek_at(self.position, ctx);
        if self.position < self.items.len() {
            self.position += 1;
        }
        item
    }

    fn parse(&mut self) -> Result<Vec<LabelRequirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<LabelRequirement, String> {
        let (key, operator) = self.parse_key_and_infer_operator()?;
        if let Some(op @ (LabelOperator::Exists | LabelOperator::DoesNotExist)) = operator {
            return LabelRequirement::new(&key, op, Vec::new());
        }
        let operator = self.parse_operator()?;
        let values = match operator {
            LabelOperator::In | LabelOperator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        LabelRequirement::new(&key, operator, values.into_iter().collect())
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<LabelOperator>), String> {
        let mut operator = None;
        let (mut tok, mut lit) = self.consume(Context::Values);
        if tok == Token::DoesNotExist {
            operator = Some(LabelOperator::DoesNotExist);
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        if let Some(e) = validate_label_key(&lit, "<nil>") {
            return Err(e);
        }
        let (next, _) = self.lookahead(Context::Values);
        if (next == Token::EndOfString || next == Token::Comma)
            && operator != Some(LabelOperator::DoesNotExist)
        {
            operator = Some(LabelOperator::Exists);
        }
        Ok((lit, operator))
    }

    fn parse_operator(&mut self) -> Result<LabelOperator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => LabelOperator::In,
            Token::Equals => LabelOperator::Equals,
            Token::DoubleEquals => LabelOperator::DoubleEquals,
            Token::GreaterThan => LabelOperator::GreaterThan,
            Token::LessThan => LabelOperator::LessThan,
            Token::NotIn => LabelOperator::NotIn,
            Token::NotEquals => LabelOperator::NotEquals,
            _ => return Err(format!("found '{lit}', expected: {BINARY_OPERATORS}")),
        })
    }

    fn parse_values(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let set = self.parse_identifiers_list()?;
                let (tok, _) = self.consume(Context::Values);
                if tok != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(set)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(BTreeSet::from([String::new()]))
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<BTreeSet<String>, String> {
        let mut set = BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    set.insert(lit);
                    let (t2, l2) = self.lookahead(Context::Values);
                    match t2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    // Empty values: "(,a)", "(a,)", "(a,,b)".
                    if set.is_empty() {
                        set.insert(String::new());
                    }
                    let (t2, _) = self.lookahead(Context::Values);
                    if t2 == Token::ClosedPar {
                        set.insert(String::new());
                        return Ok(set);
                    }
                    if t2 == Token::Comma {
                        set.insert(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if tok == Token::EndOfString || tok == Token::Comma {
            return Ok(BTreeSet::from([String::new()]));
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            Ok(BTreeSet::from([lit]))
        } else {
            Err(format!("found '{lit}', expected: identifier"))
        }
    }
}

// --- label key / value validation ------------------------------------------------------------

const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_MAX_LENGTH: usize = 63;
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX_LENGTH: usize = 63;
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, ex) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{ex}', "));
    }
    out.push_str(&format!("regex used for validation is '{re}')"));
    out
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn is_label_name(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(|label| {
        let b = label.as_bytes();
        let edge_ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(f), Some(l)) => {
                edge_ok(f) && edge_ok(l) && b.iter().all(|c| edge_ok(c) || *c == b'-')
            }
            _ => false,
        }
    })
}

fn label_key_errors(key: &str) -> Vec<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let mut errs = Vec::new();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                if prefix.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
                    errs.push(format!(
                        "prefix part must be no more than {DNS1123_SUBDOMAIN_MAX_LENGTH} bytes"
                    ));
                }
                if !is_dns1123_subdomain(prefix) {
                    errs.push(format!(
                        "prefix part {}",
                        regex_error(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, &["example.com"])
                    ));
                }
            }
            *name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > LABEL_KEY_MAX_LENGTH {
        errs.push(format!(
            "name part must be no more than {LABEL_KEY_MAX_LENGTH} bytes"
        ));
    }
    if !is_label_name(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(format!(
            "must be no more than {LABEL_VALUE_MAX_LENGTH} bytes"
        ));
    }
    if !value.is_empty() && !is_label_name(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

fn validate_label_key(key: &str, path: &str) -> Option<String> {
    let errs = label_key_errors(key);
    (!errs.is_empty()).then(|| invalid(path, &format!("{key:?}"), &errs.join("; ")))
}

/// A field error in Kubernetes' `<path>: Invalid value: <value>: <detail>` form.
fn invalid(path: &str, rendered_value: &str, detail: &str) -> String {
    format!("{path}: Invalid value: {rendered_value}: {detail}")
}

fn render_values(values: &[String]) -> String {
    if values.is_empty() {
        "null".to_string()
    } else {
        Value::from(values.to_vec()).to_string()
    }
}

/// Joins several field errors the way Kubernetes aggregates them (`[a, b]`, duplicates dropped).
fn aggregate(errs: Vec<String>) -> String {
    let mut unique: Vec<String> = Vec::new();
    for e in errs {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    if unique.len() == 1 {
        unique.remove(0)
    } else {
        format!("[{}]", unique.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// Field selectors
// ---------------------------------------------------------------------------------------------

/// Operator of one field selector term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldOperator {
    /// `field=value` or `field==value`.
    Equals,
    /// `field!=value`.
    NotEquals,
}

impl FieldOperator {
    /// `=` or `!=`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldOperator::Equals => "=",
            FieldOperator::NotEquals => "!=",
        }
    }
}

/// One `field op value` term of a field selector (value already unescaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRequirement {
    field: String,
    operator: FieldOperator,
    value: String,
}

impl FieldRequirement {
    /// A term; `value` is the literal (unescaped) value.
    pub fn new(field: &str, operator: FieldOperator, value: &str) -> Self {
        FieldRequirement {
            field: field.to_string(),
            operator,
            value: value.to_string(),
        }
    }

    /// The dotted field path, e.g. `spec.nodeName`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The operator.
    pub fn operator(&self) -> FieldOperator {
        self.operator
    }

    /// The literal value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether a field whose value is `actual` satisfies this term.
    pub fn matches_value(&self, actual: &str) -> bool {
        match self.operator {
            FieldOperator::Equals => actual == self.value,
            FieldOperator::NotEquals => actual != self.value,
        }
    }
}

impl fmt::Display for FieldRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.field,
            self.operator.as_str(),
            escape_field_value(&self.value)
        )
    }
}

/// A field selector: the conjunction of `field=value` / `field!=value` terms. The empty selector
/// matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// The selector that matches everything.
    pub fn everything() -> Self {
        FieldSelector::default()
    }

    /// Builds a selector from terms.
    pub fn from_requirements(requirements: Vec<FieldRequirement>) -> Self {
        FieldSelector { requirements }
    }

    /// Parses the string form used in `?fieldSelector=` (e.g. `spec.nodeName=n1,status.phase!=Failed`).
    /// Values may escape `\`, `,` and `=` with a backslash. Terms are kept in sorted order of
    /// their source text, as Kubernetes does.
    pub fn parse(selector: &str) -> Result<Self, String> {
        let mut parts = split_field_terms(selector);
        parts.sort();
        let mut requirements = Vec::new();
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let Some((lhs, op, rhs)) = split_field_term(part) else {
                return Err(format!(
                    "invalid selector: '{selector}'; can't understand '{part}'"
                ));
            };
            let value = unescape_field_value(rhs)?;
            requirements.push(FieldRequirement {
                field: lhs.to_string(),
                operator: op,
                value,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// The terms as `(field, operator, value)`.
    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.requirements
    }

    /// True when the selector places no restriction.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether `obj` is selected, resolving each dotted field path inside the object (missing
    /// fields read as the empty string; numbers and booleans as their JSON text).
    pub fn matches(&self, obj: &Value) -> bool {
        self.matches_with(|field| field_value(obj, field))
    }

    /// Whether the object described by `get` (field path → value) is selected; for resources
    /// whose selectable fields are computed rather than read verbatim.
    pub fn matches_with(&self, get: impl Fn(&str) -> String) -> bool {
        self.requirements
            .iter()
            .all(|r| r.matches_value(&get(&r.field)))
    }

    /// The value `field` must equal, if some `field=value` term pins it (e.g. `metadata.name`).
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.field == field && r.operator == FieldOperator::Equals)
            .map(|r| r.value.as_str())
    }
}

impl fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// Resolves a dotted path such as `metadata.name` or `involvedObject.uid` in `obj`, returning the
/// value as field selectors compare it: strings verbatim, other scalars as JSON text, missing or
/// `null` as the empty string. Numeric segments index into arrays.
pub fn field_value(obj: &Value, path: &str) -> String {
    let mut cur = obj;
    for segment in path.split('.') {
        let next = match cur {
            Value::Object(m) => m.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    scalar_string(cur)
}

/// Escapes `\`, `,` and `=` in a field selector value.
pub fn escape_field_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits on unescaped commas.
fn split_field_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// Splits a term at the first operator (`!=`, `==`, then `=` at each position).
fn split_field_term(term: &str) -> Option<(&str, FieldOperator, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, kind) in [
            ("!=", FieldOperator::NotEquals),
            ("==", FieldOperator::Equals),
            ("=", FieldOperator::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], kind, value));
            }
        }
    }
    None
}

fn unescape_field_value(s: &str) -> Result<String, String> {
    if !s.contains(['\\', ',', '=']) {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            if matches!(c, '\\' | ',' | '=') {
                out.push(c);
            } else {
                return Err(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                ));
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    u32::from(c)
                ))
            }
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn sel(s: &str) -> LabelSelector {
        LabelSelector::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_all_operators() {
        let s = sel("a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g,h>5,i<7");
        let ops: Vec<(&str, LabelOperator, Vec<&str>)> = s
            .requirements()
            .iter()
            .map(|r| {
                (
                    r.key(),
                    r.operator(),
                    r.values().iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            ops,
            vec![
                ("a", LabelOperator::Equals, vec!["1"]),
                ("b", LabelOperator::DoubleEquals, vec!["2"]),
                ("c", LabelOperator::NotEquals, vec!["3"]),
                ("d", LabelOperator::In, vec!["x", "y"]),
                ("e", LabelOperator::NotIn, vec!["z"]),
                ("f", LabelOperator::Exists, vec![]),
                ("g", LabelOperator::DoesNotExist, vec![]),
                ("h", LabelOperator::GreaterThan, vec!["5"]),
                ("i", LabelOperator::LessThan, vec!["7"]),
            ]
        );
    }

    #[test]
    fn canonical_string_form() {
        assert_eq!(sel("z=1, a in (c, b), !m").to_string(), "a in (b,c),!m,z=1");
        assert_eq!(sel("x notin (b,a,a)").to_string(), "x notin (a,b)");
        assert_eq!(sel("x==y,k").to_string(), "k,x==y");
        assert_eq!(sel("n>3").to_string(), "n>3");
        assert_eq!(sel("").to_string(), "");
        assert_eq!(sel("x=").to_string(), "x=");
        let s = sel("app=web,tier in (be,fe)");
        assert_eq!(sel(&s.to_string()), s);
    }

    #[test]
    fn whitespace_is_tolerated() {
        let s = sel("  app = web ,\ttier  in(fe , be)\n, ! canary ");
        assert_eq!(s.to_string(), "app=web,!canary,tier in (be,fe)");
    }

    #[test]
    fn empty_values_in_sets_and_exact_matches() {
        assert_eq!(sel("x in ()").requirements()[0].values(), [""]);
        assert_eq!(sel("x in (,a)").requirements()[0].values(), ["", "a"]);
        assert_eq!(sel("x in (a,)").requirements()[0].values(), ["", "a"]);
        assert_eq!(
            sel("x in (a,,b)").requirements()[0].values(),
            ["", "a", "b"]
        );
        assert_eq!(sel("x=,y").requirements()[0].values(), [""]);
        assert!(sel("x=").matches(Some(&labels(json!({"x": ""})))));
    }

    #[test]
    fn keywords_are_values_in_value_position() {
        let s = sel("in in (in,notin)");
        assert_eq!(s.requirements()[0].key(), "in");
        assert_eq!(s.requirements()[0].values(), ["in", "notin"]);
        assert_eq!(sel("x=in").requirements()[0].values(), ["in"]);
    }

    #[test]
    fn prefixed_keys() {
        let s = sel("app.kubernetes.io/name=web,!example.com/skip");
        assert_eq!(s.requirements()[0].key(), "app.kubernetes.io/name");
        assert!(s.matches(Some(&labels(json!({"app.kubernetes.io/name": "web"})))));
    }

    #[test]
    fn syntax_errors_read_like_kubernetes() {
        let cases = [
            ("x=a=b", "found '=', expected: ',' or 'end of string'"),
            ("x,", "found '', expected: identifier after ','"),
            (
                ",x",
                "found ',', expected: !, identifier, or 'end of string'",
            ),
            ("x=a b", "found 'b', expected: ',' or 'end of string'"),
            (
                "x in a",
                "unable to parse requirement: found 'a' expected: '('",
            ),
            (
                "x in (a",
                "unable to parse requirement: found '', expected: ',' or ')'",
            ),
            (
                "x in (a b)",
                "unable to parse requirement: found 'b', expected: ',' or ')'",
            ),
            (
                "x (a)",
                "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
            ),
            ("!x=a", "found '=', expected: ',' or 'end of string'"),
            (
                "=a",
                "found '=', expected: !, identifier, or 'end of string'",
            ),
            (
                "x=(a)",
                "unable to parse requirement: found '(', expected: identifier",
            ),
            (
                "!",
                "unable to parse requirement: found '', expected: identifier",
            ),
            (
                "x in (=)",
                "unable to parse requirement: found '=', expected: ',', ')' or identifier",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                LabelSelector::parse(input).unwrap_err(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn validation_errors_read_like_kubernetes() {
        assert_eq!(
            LabelSelector::parse("a$=b").unwrap_err(),
            "unable to parse requirement: <nil>: Invalid value: \"a$\": name part must consist of \
             alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric \
             character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is \
             '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        );
        assert_eq!(
            LabelSelector::parse("a=b$").unwrap_err(),
            "unable to parse requirement: values[0][a]: Invalid value: \"b$\": a valid label must \
             be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must \
             start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or \
             '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        assert_eq!(
            LabelSelector::parse("x>a").unwrap_err(),
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' \
             operators, the value must be an integer"
        );
        let long = "a".repeat(64);
        let err = LabelSelector::parse(&format!("{long}=b")).unwrap_err();
        assert!(
            err.contains("name part must be no more than 63 bytes"),
            "{err}"
        );
        let err = LabelSelector::parse(&format!("k={long}")).unwrap_err();
        assert!(err.contains("must be no more than 63 bytes"), "{err}");
        let err = LabelSelector::parse("Example.com/a=b").unwrap_err();
        assert!(
            err.contains("prefix part a lowercase RFC 1123 subdomain"),
            "{err}"
        );
        let err = LabelSelector::parse("/a").unwrap_err();
        assert!(err.contains("prefix part must be non-empty"), "{err}");
        let err = LabelSelector::parse("a/b/c").unwrap_err();
        assert!(err.contains("a valid label key must consist of"), "{err}");
        assert!(
            err.contains("with an optional DNS subdomain prefix"),
            "{err}"
        );
    }

    #[test]
    fn matching_semantics() {
        let l = labels(json!({"app": "web", "tier": "fe", "rank": "10"}));
        let yes = [
            "app=web",
            "app==web",
            "app!=db",
            "missing!=x",
            "tier in (fe,be)",
            "tier notin (be)",
            "missing notin (a)",
            "app",
            "!missing",
            "rank>9",
            "rank<11",
            "",
            "app=web,tier=fe",
        ];
        for s in yes {
            assert!(sel(s).matches(Some(&l)), "{s} should match");
        }
        let no = [
            "app=db",
            "app!=web",
            "missing=x",
            "missing in (a)",
            "tier notin (fe)",
            "missing",
            "!app",
            "rank>10",
            "rank<10",
            "app>1",
            "missing>1",
            "app=web,tier=be",
        ];
        for s in no {
            assert!(!sel(s).matches(Some(&l)), "{s} should not match");
        }
        assert!(sel("!app").matches(None));
        assert!(!sel("app").matches(None));
        assert!(sel("").matches(None));
    }

    #[test]
    fn emptiness_and_exact_match() {
        assert!(sel("").is_empty());
        assert!(LabelSelector::everything().is_empty());
        assert!(!sel("a").is_empty());
        assert!(!LabelSelector::nothing().is_empty());
        assert!(!LabelSelector::nothing().matches(None));
        let s = sel("a=1,b in (2),c in (3,4),d!=5");
        assert_eq!(s.requires_exact_match("a"), Some("1"));
        assert_eq!(s.requires_exact_match("b"), Some("2"));
        assert_eq!(s.requires_exact_match("c"), None);
        assert_eq!(s.requires_exact_match("d"), None);
        assert_eq!(s.requires_exact_match("e"), None);
    }

    #[test]
    fn from_json_label_selector() {
        let s = LabelSelector::from_json(&json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["fe", "be"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "team", "operator": "Exists"}
            ]
        }))
        .unwrap();
        assert_eq!(
            s.to_string(),
            "app=web,!canary,env notin (dev),team,tier in (be,fe)"
        );
        assert!(s.matches(Some(&labels(
            json!({"app": "web", "tier": "fe", "team": "x"})
        ))));
        assert!(!s.matches(Some(&labels(json!({"app": "web", "tier": "fe"})))));
        assert!(!s.matches(Some(&labels(
            json!({"app": "web", "tier": "fe", "team": "x", "canary": "y"})
        ))));
    }

    #[test]
    fn from_json_empty_and_null() {
        let all = LabelSelector::from_json(&json!({})).unwrap();
        assert!(all.is_empty());
        assert!(all.matches(None));
        let none = LabelSelector::from_json(&Value::Null).unwrap();
        assert!(none.matches_nothing());
        assert!(!none.matches(Some(&labels(json!({"a": "b"})))));
        let all =
            LabelSelector::from_json(&json!({"matchLabels": {}, "matchExpressions": []})).unwrap();
        assert!(all.is_empty());
    }

    #[test]
    fn from_json_errors() {
        assert_eq!(
            LabelSelector::from_json(
                &json!({"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["b"]}]})
            )
            .unwrap_err(),
            "\"Equals\" is not a valid label selector operator"
        );
        assert_eq!(
            LabelSelector::from_json(
                &json!({"matchExpressions": [{"key": "a", "operator": "In"}]})
            )
            .unwrap_err(),
            "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"
        );
        assert_eq!(
            LabelSelector::from_json(&json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}))
                .unwrap_err(),
            "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist"
        );
        let err = LabelSelector::from_json(&json!({"matchLabels": {"a b": "c"}})).unwrap_err();
        assert!(
            err.starts_with("key: Invalid value: \"a b\": name part must consist"),
            "{err}"
        );
        let err = LabelSelector::from_json(
            &json!({"matchExpressions": [{"key": "", "operator": "In", "values": []}]}),
        )
        .unwrap_err();
        assert!(
            err.starts_with('[') && err.contains("name part must be non-empty"),
            "{err}"
        );
        assert!(LabelSelector::from_json(&json!({"matchLabels": {"a": 1}})).is_err());
        assert!(LabelSelector::from_json(&json!({"matchLabels": []})).is_err());
        assert!(LabelSelector::from_json(&json!("app=web")).is_err());
    }

    #[test]
    fn from_set_selects_exactly() {
        let s = LabelSelector::from_set(&labels(json!({"b": "2", "a": "1"})));
        assert_eq!(s.to_string(), "a=1,b=2");
        assert!(s.matches(Some(&labels(json!({"a": "1", "b": "2", "c": "3"})))));
        assert!(!s.matches(Some(&labels(json!({"a": "1"})))));
        assert!(LabelSelector::from_set(&Map::new()).is_empty());
    }

    #[test]
    fn requirement_constructor_validates_arity() {
        assert!(LabelRequirement::new("a", LabelOperator::Equals, vec![]).is_err());
        assert!(
            LabelRequirement::new("a", LabelOperator::Equals, vec!["x".into(), "y".into()])
                .is_err()
        );
        assert!(LabelRequirement::new("a", LabelOperator::GreaterThan, vec!["1".into()]).is_ok());
        let err = LabelRequirement::new("a", LabelOperator::LessThan, vec!["1".into(), "2".into()])
            .unwrap_err();
        assert!(err.contains("exactly one value is required"), "{err}");
    }

    // --- field selectors ---

    fn fsel(s: &str) -> FieldSelector {
        FieldSelector::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn field_selector_parse_and_requirements() {
        let s = fsel("status.phase!=Failed,spec.nodeName==n1,metadata.name=web");
        let terms: Vec<(&str, FieldOperator, &str)> = s
            .requirements()
            .iter()
            .map(|r| (r.field(), r.operator(), r.value()))
            .collect();
        assert_eq!(
            terms,
            vec![
                ("metadata.name", FieldOperator::Equals, "web"),
                ("spec.nodeName", FieldOperator::Equals, "n1"),
                ("status.phase", FieldOperator::NotEquals, "Failed"),
            ]
        );
        assert_eq!(
            s.to_string(),
            "metadata.name=web,spec.nodeName=n1,status.phase!=Failed"
        );
        assert_eq!(s.requires_exact_match("spec.nodeName"), Some("n1"));
        assert_eq!(s.requires_exact_match("status.phase"), None);
    }

    #[test]
    fn field_selector_escapes() {
        let s = fsel(r"metadata.name=a\,b\=c\\d,x=y");
        assert_eq!(s.requirements()[0].value(), r"a,b=c\d");
        assert_eq!(s.requirements().len(), 2);
        assert_eq!(s.to_string(), r"metadata.name=a\,b\=c\\d,x=y");
        assert_eq!(escape_field_value(r"a\b,c=d"), r"a\\b\,c\=d");
    }

    #[test]
    fn field_selector_errors() {
        assert_eq!(
            FieldSelector::parse("metadata.name").unwrap_err(),
            "invalid selector: 'metadata.name'; can't understand 'metadata.name'"
        );
        assert_eq!(
            FieldSelector::parse("a=b=c").unwrap_err(),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            FieldSelector::parse(r"a=b\x").unwrap_err(),
            r"invalid field selector: invalid escape sequence: \x"
        );
        assert_eq!(
            FieldSelector::parse(r"a=b\").unwrap_err(),
            r"invalid field selector: invalid escape sequence: \"
        );
    }

    #[test]
    fn field_selector_empty_and_blank_terms() {
        assert!(fsel("").is_empty());
        assert!(fsel(",,").is_empty());
        assert_eq!(fsel("a=b,,c=d").requirements().len(), 2);
        assert_eq!(fsel("a=").requirements()[0].value(), "");
        assert!(fsel("").matches(&json!({})));
    }

    #[test]
    fn field_selector_matches_objects() {
        let pod = json!({
            "metadata": {"name": "web-1", "namespace": "default"},
            "spec": {"nodeName": "n1", "hostNetwork": true, "priority": 5},
            "status": {"phase": "Running"}
        });
        assert!(fsel("metadata.name=web-1,metadata.namespace=default").matches(&pod));
        assert!(fsel("spec.nodeName=n1,status.phase!=Failed").matches(&pod));
        assert!(!fsel("spec.nodeName=n2").matches(&pod));
        assert!(fsel("spec.hostNetwork=true").matches(&pod));
        assert!(fsel("spec.priority=5").matches(&pod));
        // Missing fields read as "".
        assert!(fsel("spec.schedulerName=").matches(&pod));
        assert!(fsel("spec.schedulerName!=default-scheduler").matches(&pod));
        assert!(!fsel("spec.nodeName=").matches(&pod));

        let event = json!({"involvedObject": {"uid": "u-1", "kind": "Pod"}, "reason": "Started"});
        assert!(
            fsel("involvedObject.uid=u-1,involvedObject.kind=Pod,reason=Started").matches(&event)
        );
        assert!(!fsel("involvedObject.uid=u-2").matches(&event));
    }

    #[test]
    fn field_selector_matches_with_custom_getter() {
        let s = fsel("spec.nodeName=n1");
        assert!(s.matches_with(|f| if f == "spec.nodeName" {
            "n1".into()
        } else {
            String::new()
        }));
        assert!(!s.matches_with(|_| String::new()));
    }

    #[test]
    fn field_value_resolution() {
        let obj = json!({"a": {"b": [{"c": "x"}], "n": null, "f": 1.5}});
        assert_eq!(field_value(&obj, "a.b.0.c"), "x");
        assert_eq!(field_value(&obj, "a.n"), "");
        assert_eq!(field_value(&obj, "a.f"), "1.5");
        assert_eq!(field_value(&obj, "a.missing.x"), "");
        assert_eq!(field_value(&obj, "a.b.5"), "");
    }
}
