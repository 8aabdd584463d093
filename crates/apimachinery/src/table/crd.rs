//! Tables for custom resources, driven by the CRD's `additionalPrinterColumns`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::jsonpath::JsonPath;
use super::util::{arr_at, as_int, name, opt_int, parse_time, since, str_at};
use super::{AGE_DESC, NAME_DESC};

/// A column of a custom resource table: the leading `Name` column or one printer column
/// declared by the CustomResourceDefinition.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomColumn {
    /// Column name as declared.
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: String,
    /// OpenAPI format hint (`name` for the name column).
    pub format: String,
    /// Column description.
    pub description: String,
    /// 0 for default columns, higher for `-o wide` columns.
    pub priority: i32,
    /// The column's JSONPath; `None` for the name column.
    pub json_path: Option<String>,
    path: Option<JsonPath>,
}

impl CustomColumn {
    /// The column as its JSON wire form (`TableColumnDefinition`).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// Columns of the table for custom resources served at `version` of `crd` (a
/// CustomResourceDefinition object): `Name`, then the version's `additionalPrinterColumns`, or
/// `Age` when it declares none.
///
/// As in Kubernetes, a column whose JSONPath does not parse ends the list (it and the columns after
/// it are dropped).
pub fn custom_resource_columns(crd: &Value, version: &str) -> Vec<CustomColumn> {
    let mut columns = vec![CustomColumn {
        name: "Name".to_string(),
        type_: "string".to_string(),
        format: "name".to_string(),
        description: NAME_DESC.to_string(),
        priority: 0,
        json_path: None,
        path: None,
    }];
    let declared = arr_at(crd, &["spec", "versions"])
        .iter()
        .find(|v| str_at(v, &["name"]) == version)
        .map(|v| arr_at(v, &["additionalPrinterColumns"]))
        .unwrap_or(&[]);
    if declared.is_empty() {
        columns.push(CustomColumn {
            name: "Age".to_string(),
            type_: "date".to_string(),
            format: String::new(),
            description: AGE_DESC.to_string(),
            priority: 0,
            json_path: Some(".metadata.creationTimestamp".to_string()),
            path: JsonPath::parse(".metadata.creationTimestamp"),
        });
        return columns;
    }
    for col in declared {
        let json_path = str_at(col, &["jsonPath"]);
        let Some(path) = JsonPath::parse(json_path) else {
            break;
        };
        let description = match str_at(col, &["description"]) {
            "" => format!("Custom resource definition column (in JSONPath format): {json_path}"),
            d => d.to_string(),
        };
        columns.push(CustomColumn {
            name: str_at(col, &["name"]).to_string(),
            type_: str_at(col, &["type"]).to_string(),
            format: str_at(col, &["format"]).to_string(),
            description,
            priority: i32::try_from(opt_int(col, &["priority"]).unwrap_or(0)).unwrap_or(0),
            json_path: Some(json_path.to_string()),
            path: Some(path),
        });
    }
    columns
}

/// The cells of one custom resource's row for `columns` (from [`custom_resource_columns`]).
///
/// Values the path does not find are `null`; `string` columns render the value as text
/// (objects and arrays as compact JSON), `date` columns as an age.
pub fn custom_resource_cells(
    columns: &[CustomColumn],
    obj: &Value,
    now: DateTime<Utc>,
) -> Vec<Value> {
    columns
        .iter()
        .map(|col| {
            let Some(path) = &col.path else {
                return Value::from(name(obj));
            };
            match path.first(obj) {
                Ok(Some(v)) if col.type_ == "string" => Value::from(go_text(&v)),
                Ok(Some(v)) => typed_cell(&col.type_, &v, now),
                Ok(None) | Err(_) => Value::Null,
            }
        })
        .collect()
}

/// A non-string cell: the value if it has the column's type (numbers converted between integer
/// and floating point), an age for dates, `null` otherwise.
pub(super) fn typed_cell(type_: &str, v: &Value, now: DateTime<Utc>) -> Value {
    match (type_, v) {
        ("integer", Value::Number(n)) => {
            Value::from(as_int(v).unwrap_or_else(|| n.as_f64().map_or(0, |f| f.trunc() as i64)))
        }
        ("number", Value::Number(n)) => n.as_f64().map_or(Value::Null, Value::from),
        ("boolean", Value::Bool(b)) => Value::Bool(*b),
        ("date", Value::String(s)) => Value::from(match s.as_str() {
            "" | "null" => "<unknown>".to_string(),
            s if DateTime::parse_from_rfc3339(s).is_err() => "<invalid>".to_string(),
            s => since(parse_time(s), now),
        }),
        _ => Value::Null,
    }
}

/// A value printed as text the way the Go JSONPath printer does.
fn go_text(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or(0.0)),
        },
        Value::Array(_) | Value::Object(_) => {
            let mut out = String::new();
            go_json(v, &mut out);
            out
        }
    }
}

/// Shortest decimal digits and decimal exponent of a finite, non-zero magnitude.
fn shortest_digits(f: f64) -> (String, i32) {
    let s = format!("{:e}", f.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    (mantissa.replace('.', ""), exp.parse().unwrap_or(0))
}

/// `%v` formatting of a float (`%g` with the shortest precision).
fn go_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (digits, exp) = shortest_digits(f);
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.abs());
    }
    format!("{sign}{}", place_point(&digits, exp))
}

/// Digits `d1d2d3...` with the decimal exponent applied, without an exponent.
fn place_point(digits: &str, exp: i32) -> String {
    if exp < 0 {
        return format!("0.{}{digits}", "0".repeat((-exp - 1) as usize));
    }
    let int_len = exp as usize + 1;
    if digits.len() <= int_len {
        format!("{digits}{}", "0".repeat(int_len - digits.len()))
    } else {
        format!("{}.{}", &digits[..int_len], &digits[int_len..])
    }
}

/// Compact JSON as Go's `encoding/json` writes it: sorted keys, HTML-safe escapes.
fn go_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_i64() {
            Some(i) => out.push_str(&i.to_string()),
            None => {
                let f = n.as_f64().unwrap_or(0.0);
                let abs = f.abs();
                if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
                    let sign = if f < 0.0 { "-" } else { "" };
                    let (digits, exp) = shortest_digits(f);
                    let (first, rest) = digits.split_at(1);
                    let dot = if rest.is_empty() { "" } else { "." };
                    let esign = if exp < 0 { '-' } else { '+' };
                    out.push_str(&format!("{sign}{first}{dot}{rest}e{esign}{}", exp.abs()));
                } else if f == 0.0 {
                    out.push_str(if f.is_sign_negative() { "-0" } else { "0" });
                } else {
                    let sign = if f < 0.0 { "-" } else { "" };
                    let (digits, exp) = shortest_digits(f);
                    out.push_str(&format!("{sign}{}", place_point(&digits, exp)));
                }
            }
        },
        Value::String(s) => go_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                go_json(item, out);
            }
            out.push('}');
        }
    }
}

fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    use super::{custom_resource_cells, custom_resource_columns, go_float, go_json};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-06-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn ago(secs: i64) -> String {
        (now() - Duration::seconds(secs))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    fn crd() -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "certificates.cert-manager.io"},
            "spec": {"group": "cert-manager.io", "versions": [
                {"name": "v1alpha1", "served": true, "storage": false},
                {"name": "v1", "served": true, "storage": true, "additionalPrinterColumns": [
                    {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
                    {"name": "Secret", "type": "string", "jsonPath": ".spec.secretName"},
                    {"name": "Issuer", "type": "string", "priority": 1, "jsonPath": ".spec.issuerRef.name"},
                    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                    {"name": "Ratio", "type": "number", "jsonPath": ".spec.ratio"},
                    {"name": "Paused", "type": "boolean", "jsonPath": ".spec.paused"},
                    {"name": "Hosts", "type": "string", "jsonPath": ".spec.dnsNames"},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ]},
            ]},
        })
    }

    #[test]
    fn printer_columns() {
        let cols = custom_resource_columns(&crd(), "v1");
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["Name", "Ready", "Secret", "Issuer", "Replicas", "Ratio", "Paused", "Hosts", "Age"]
        );
        assert_eq!(cols[0].format, "name");
        assert_eq!(cols[3].priority, 1);
        assert_eq!(
            cols[2].description,
            "Custom resource definition column (in JSONPath format): .spec.secretName"
        );
        let wire = cols[8].to_json();
        assert_eq!(wire["type"], "date");
        assert_eq!(wire["priority"], 0);

        let cert = json!({
            "metadata": {"name": "web-tls", "creationTimestamp": ago(7200)},
            "spec": {"secretName": "web-tls", "issuerRef": {"name": "letsencrypt"}, "replicas": 2.0,
                     "ratio": 3, "paused": false, "dnsNames": ["a.example.com", "<b>&c"]},
            "status": {"conditions": [{"type": "Issuing", "status": "False"}, {"type": "Ready", "status": "True"}]},
        });
        assert_eq!(
            Value::Array(custom_resource_cells(&cols, &cert, now())),
            json!([
                "web-tls",
                "True",
                "web-tls",
                "letsencrypt",
                2,
                3.0,
                false,
                "[\"a.example.com\",\"\\u003cb\\u003e\\u0026c\"]",
                "120m"
            ])
        );
        let bare = json!({"metadata": {"name": "x"}, "spec": {"replicas": "two", "paused": "no", "secretName": null}});
        assert_eq!(
            Value::Array(custom_resource_cells(&cols, &bare, now())),
            json!(["x", null, "<no value>", null, null, null, null, null, null])
        );
    }

    #[test]
    fn default_and_invalid_columns() {
        for version in ["v1alpha1", "v9"] {
            let cols = custom_resource_columns(&crd(), version);
            let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["Name", "Age"]);
            assert_eq!(cols[1].type_, "date");
            let obj = json!({"metadata": {"name": "w", "creationTimestamp": ago(86400 * 3)}});
            assert_eq!(
                custom_resource_cells(&cols, &obj, now()),
                vec![json!("w"), json!("3d")]
            );
        }
        let bad = json!({"spec": {"versions": [{"name": "v1", "additionalPrinterColumns": [
            {"name": "A", "type": "string", "jsonPath": ".spec.a"},
            {"name": "B", "type": "string", "jsonPath": ".spec.b[x]"},
            {"name": "C", "type": "string", "jsonPath": ".spec.c"},
        ]}]}});
        let cols = custom_resource_columns(&bad, "v1");
        assert_eq!(cols.len(), 2);
        assert_eq!(cols[1].json_path.as_deref(), Some(".spec.a"));
    }

    #[test]
    fn go_number_formatting() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(123456.5), "123456.5");
        assert_eq!(go_float(1234567.5), "1.2345675e+06");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.5e-7), "-2.5e-07");
        let mut out = String::new();
        go_json(
            &json!({"b": [1.5, 1e-7, 2e21, 0.25], "a": "\u{1}x\u{2028}"}),
            &mut out,
        );
        assert_eq!(out, r#"{"a":"\u0001x\u2028","b":[1.5,1e-7,2e+21,0.25]}"#);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn cells_never_panic(path in "[.a-z\\[\\]?()@=!<>'\"*:0-9, -]{0,24}", data in "[a-z0-9\\[\\]{}\":,. -]{0,48}") {
            let crd = json!({"spec": {"versions": [{"name": "v1", "additionalPrinterColumns": [
                {"name": "X", "type": "string", "jsonPath": path},
                {"name": "Y", "type": "date", "jsonPath": path},
            ]}]}});
            let cols = custom_resource_columns(&crd, "v1");
            let obj: Value = serde_json::from_str(&data).unwrap_or_else(|_| json!({"a": [1, {"b": "c"}], "d": null}));
            prop_assert_eq!(custom_resource_cells(&cols, &obj, now()).len(), cols.len());
        }
    }
}
