//! JSON Lines: one document per non-empty line.
//!
//! Each line is an object with a string `text` and optional `title`, `url`
//! (becomes the source), `published` and `language`. A bad line becomes a
//! [`Problem`] at `path:LINE`; the other lines still land.

use serde_json::{Map, Value};
use watchfloor_model::DocumentFormat;

use crate::{date::normalise_date, make_document, FileOutcome, IngestError, Problem};

pub(crate) fn read(source: &str, text: &str, encoding: &str) -> Result<FileOutcome, IngestError> {
    let mut outcome = FileOutcome::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let problem = |reason: String| Problem {
            source: format!("{source}:{n}"),
            reason,
        };
        let obj = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(other) => {
                outcome.problems.push(problem(format!(
                    "expected a JSON object, found {}",
                    json_kind(&other)
                )));
                continue;
            }
            Err(e) => {
                outcome.problems.push(problem(format!("invalid JSON: {e}")));
                continue;
            }
        };
        let body = match obj.get("text") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::String(_)) => {
                outcome
                    .problems
                    .push(problem("the \"text\" field is empty".to_string()));
                continue;
            }
            Some(other) => {
                outcome.problems.push(problem(format!(
                    "the \"text\" field must be a string, found {}",
                    json_kind(other)
                )));
                continue;
            }
            None => {
                outcome
                    .problems
                    .push(problem("missing the \"text\" field".to_string()));
                continue;
            }
        };
        let url = string_field(&obj, "url").filter(|u| !u.is_empty());
        let published = string_field(&obj, "published").and_then(|d| normalise_date(&d));
        outcome.documents.push(make_document(
            url.unwrap_or_else(|| format!("{source}#item-{n}")),
            string_field(&obj, "title"),
            published,
            string_field(&obj, "language").as_deref(),
            DocumentFormat::Jsonl,
            encoding,
            body,
        ));
    }
    if outcome.documents.is_empty() {
        return Err(match outcome.problems.first() {
            Some(first) => {
                IngestError::Malformed {
                    path: source.to_string(),
                    format: "JSON Lines",
                    detail: format!(
                        "no usable line ({} bad); first: line {}",
                        outcome.problems.len(),
                        first.source.rsplit_once(':').map_or(
                            first.reason.clone(),
                            |(_, l)| format!("{l}: {}", first.reason)
                        )
                    ),
                }
            }
            None => IngestError::Empty {
                path: source.to_string(),
                reason: "no JSON Lines records".to_string(),
            },
        });
    }
    Ok(outcome)
}

fn string_field(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key) {
        Some(Value::String(s)) => Some(s.trim().to_string()),
        _ => None,
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_lines() {
        let src = "{\"text\":\"Alpha text\",\"url\":\"https://e/1\",\"published\":\"2024-03-01 12:00\",\"language\":\"ru-RU\",\"title\":\"A\"}\n\n[1,2]\n{\"text\": 5}\n{\"title\":\"no text\"}\n{bad\n{\"text\":\"Beta\"}\n";
        let out = read("m.jsonl", src, "utf-8").expect("some lines land");
        assert_eq!(out.documents.len(), 2);
        let a = &out.documents[0];
        assert_eq!(a.source, "https://e/1");
        assert_eq!(a.published.as_deref(), Some("2024-03-01"));
        assert_eq!(a.language.as_deref(), Some("ru"));
        assert_eq!(a.title.as_deref(), Some("A"));
        assert_eq!(out.documents[1].source, "m.jsonl#item-7");
        let sources: Vec<_> = out.problems.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(
            sources,
            ["m.jsonl:3", "m.jsonl:4", "m.jsonl:5", "m.jsonl:6"]
        );
        assert!(out.problems[2].reason.contains("missing"));
        assert!(out.problems[3].reason.starts_with("invalid JSON"));
    }

    #[test]
    fn all_bad_is_an_error() {
        let err = read("x.jsonl", "{nope\n", "utf-8").expect_err("error");
        assert!(matches!(err, IngestError::Malformed { .. }));
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
