//! Watchfloor ingest turns bytes into [`Document`]s: it detects the format
//! (plain text, Markdown, HTML, PDF, RSS, Atom, JSON Lines) and the text
//! encoding from the content, extracts the plain text with its title, date
//! and language, and provides the fingerprints (content hash, SimHash) used
//! for de-duplication. It is pure: no database, no network.

#![warn(missing_docs)]

mod date;
mod decode;
mod feed;
mod fingerprint;
mod html;
mod jsonl;
mod lang;
mod markdown;
mod pdf;
mod walk;

use std::fmt;
use std::path::Path;

pub use watchfloor_model::{Document, DocumentFormat};

pub use date::normalise_date;
pub use fingerprint::{content_hash, hamming, normalise_text, simhash};
pub use lang::detect_language;
pub use walk::walk;

/// A part of a file that could not be read (for example one malformed JSON
/// Lines record or one empty feed item) while the rest of the file was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the problem is: a path, `path:LINE` or `path#item-N`.
    pub source: String,
    /// What went wrong, in words.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

/// What one file yielded: its documents plus the problems with parts of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileOutcome {
    /// The documents read, in file order.
    pub documents: Vec<Document>,
    /// Parts of the file that were skipped, with the reason.
    pub problems: Vec<Problem>,
}

/// Why a whole file could not be ingested. Every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read from disk.
    #[error("{path}: cannot read file: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The file has no bytes, only whitespace, or no text after extraction.
    #[error("{path}: empty: {reason}")]
    Empty {
        /// The file.
        path: String,
        /// What was empty.
        reason: String,
    },
    /// The file holds binary data, not text.
    #[error("{path}: binary content, not text: {reason}")]
    Binary {
        /// The file.
        path: String,
        /// The evidence (NUL bytes, control characters…).
        reason: String,
    },
    /// The file claims or looks like a structured format but does not parse.
    #[error("{path}: malformed {format}: {detail}")]
    Malformed {
        /// The file.
        path: String,
        /// The format it was read as (`RSS`, `Atom`, `JSON Lines`, `PDF`, `XML`).
        format: &'static str,
        /// The parser's complaint, with position where known.
        detail: String,
    },
    /// No supported encoding decodes the bytes into plausible text.
    #[error("{path}: undecodable text encoding: {reason}")]
    Encoding {
        /// The file.
        path: String,
        /// Why every decoding was rejected.
        reason: String,
    },
    /// A PDF that parses but carries no extractable text (a scan, or
    /// fonts without a Unicode mapping).
    #[error("{path}: PDF has no usable text layer ({reason}); it needs OCR, which Watchfloor does not do")]
    PdfWithoutText {
        /// The file.
        path: String,
        /// What was found instead of text.
        reason: String,
    },
}

/// Reads one file into one or more documents: feeds give one document per
/// item, JSON Lines one per line, every other format one per file.
///
/// The format is detected from the content; the file extension only breaks
/// ties (e.g. `.md` for Markdown without front matter).
pub fn read_file(path: &Path) -> Result<FileOutcome, IngestError> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| IngestError::Unreadable {
        path: source.clone(),
        reason: e.to_string(),
    })?;
    let ext = path.extension().and_then(|e| e.to_str());
    read_bytes(&source, &bytes, ext)
}

/// Reads bytes that came from `source` (a path, `-` for stdin, an upload
/// name) exactly as [`read_file`] reads a file. `hint_ext` is the file
/// extension, if any, with or without the leading dot.
pub fn read_bytes(
    source: &str,
    bytes: &[u8],
    hint_ext: Option<&str>,
) -> Result<FileOutcome, IngestError> {
    let ext = hint_ext
        .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            path: source.to_string(),
            reason: if bytes.is_empty() {
                "the file has no bytes".to_string()
            } else {
                "the file holds only whitespace".to_string()
            },
        });
    }
    if pdf::looks_like_pdf(bytes) {
        return pdf::read(source, bytes).map(|d| FileOutcome {
            documents: vec![d],
            problems: Vec::new(),
        });
    }
    let decoded = decode::decode(source, bytes)?;
    if decoded.text.trim().is_empty() {
        return Err(IngestError::Empty {
            path: source.to_string(),
            reason: "the decoded text holds only whitespace".to_string(),
        });
    }
    let text = decoded.text.as_str();
    let enc = decoded.encoding;
    match sniff_format(text, &ext) {
        Sniffed::Feed => feed::read(source, text, enc),
        Sniffed::OtherXml(root) => Err(IngestError::Malformed {
            path: source.to_string(),
            format: "XML",
            detail: format!("root element <{root}> is neither an RSS nor an Atom feed"),
        }),
        Sniffed::Html => single(source, html::read(text, source, enc)),
        Sniffed::Jsonl => jsonl::read(source, text, enc),
        Sniffed::Markdown => single(source, Ok(markdown::read(text, source, enc))),
        Sniffed::Text => single(source, Ok(plain_text(text, source, enc))),
    }
}

fn single(source: &str, doc: Result<Document, IngestError>) -> Result<FileOutcome, IngestError> {
    let doc = doc?;
    if doc.text.trim().is_empty() {
        return Err(IngestError::Empty {
            path: source.to_string(),
            reason: format!("no text left after extracting the {}", doc.format.as_str()),
        });
    }
    Ok(FileOutcome {
        documents: vec![doc],
        problems: Vec::new(),
    })
}

fn plain_text(text: &str, source: &str, enc: &str) -> Document {
    let text = tidy_lines(text);
    make_document(
        source.to_string(),
        None,
        None,
        None,
        DocumentFormat::Text,
        enc,
        text,
    )
}

/// Line endings to `\n`, trailing spaces off each line, at most one blank
/// line in a row, no leading or trailing blank lines.
pub(crate) fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

/// Builds a document; the language is the declared one (normalised to
/// ISO 639-1) when given, else detected from the text.
pub(crate) fn make_document(
    source: String,
    title: Option<String>,
    published: Option<String>,
    declared_language: Option<&str>,
    format: DocumentFormat,
    encoding: &str,
    text: String,
) -> Document {
    let language = declared_language
        .and_then(lang::normalise_language_tag)
        .map(str::to_string)
        .or_else(|| detect_language(&text).map(str::to_string));
    let title = title
        .map(|t| collapse_whitespace(&t))
        .filter(|t| !t.is_empty());
    Document {
        source,
        title,
        published,
        language,
        format,
        encoding: encoding.to_string(),
        text,
    }
}

/// Collapses every whitespace run to one space and trims.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Feed,
    OtherXml(String),
    Html,
    Jsonl,
    Markdown,
    Text,
}

/// Decides the format from the decoded text, using the extension only where
/// the content is ambiguous.
fn sniff_format(text: &str, ext: &str) -> Sniffed {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let head = prefix_at_char_boundary(trimmed, 4096).to_ascii_lowercase();
    if head.starts_with('<') {
        if let Some(root) = xml_root_name(&head) {
            match root.as_str() {
                "rss" | "feed" | "rdf:rdf" | "rdf" => return Sniffed::Feed,
                "html" => return Sniffed::Html,
                _ if head.starts_with("<?xml") && !matches!(ext, "html" | "htm" | "xhtml") => {
                    return Sniffed::OtherXml(root)
                }
                _ => {}
            }
        }
        if looks_like_html(&head) {
            return Sniffed::Html;
        }
    }
    if matches!(ext, "html" | "htm" | "xhtml") {
        return Sniffed::Html;
    }
    if matches!(ext, "jsonl" | "ndjson") || (head.starts_with('{') && first_line_is_json(trimmed)) {
        return Sniffed::Jsonl;
    }
    if matches!(ext, "md" | "markdown") || markdown::has_front_matter(trimmed) {
        return Sniffed::Markdown;
    }
    Sniffed::Text
}

/// `head` is the lower-cased start of the text, already known to begin
/// with `<`.
fn looks_like_html(head: &str) -> bool {
    head.starts_with("<!doctype html")
        || [
            "<html", "<head", "<body", "<meta ", "<title>", "<div", "<p>", "<article",
        ]
        .iter()
        .any(|t| head.contains(t))
}

fn first_line_is_json(text: &str) -> bool {
    let line = text.lines().next().unwrap_or("");
    matches!(
        serde_json::from_str::<serde_json::Value>(line),
        Ok(serde_json::Value::Object(_))
    )
}

/// The lower-case name of the first element after the XML prolog,
/// comments, processing instructions and doctype.
fn xml_root_name(head: &str) -> Option<String> {
    let mut rest = head;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = r
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(r.len());
            let name = &r[..end];
            return (!name.is_empty()).then(|| name.to_string());
        } else {
            return None;
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char
/// boundary.
pub(crate) fn prefix_at_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_formats_from_content() {
        assert_eq!(
            sniff_format("<?xml version=\"1.0\"?>\n<rss version=\"2.0\">", "txt"),
            Sniffed::Feed
        );
        assert_eq!(
            sniff_format("<?xml version=\"1.0\"?><!-- c --><feed xmlns=\"x\">", ""),
            Sniffed::Feed
        );
        assert_eq!(
            sniff_format("<!DOCTYPE html><html><body>x", "txt"),
            Sniffed::Html
        );
        assert_eq!(sniff_format("{\"text\": \"a\"}\n", "txt"), Sniffed::Jsonl);
        assert_eq!(
            sniff_format("---\ntitle: A\n---\n# B\n", "txt"),
            Sniffed::Markdown
        );
        assert_eq!(sniff_format("# Heading\n", "md"), Sniffed::Markdown);
        assert_eq!(sniff_format("Just words.\n", "html"), Sniffed::Html);
        assert_eq!(sniff_format("Just words <b>.\n", "txt"), Sniffed::Text);
        assert_eq!(
            sniff_format("<?xml version=\"1.0\"?><svg></svg>", "xml"),
            Sniffed::OtherXml("svg".into())
        );
    }

    #[test]
    fn declared_language_wins_over_detection() {
        let page = b"<html lang=\"uk\"><body><p>This paragraph is plainly written in English, whatever the page claims.</p></body></html>";
        let out = read_bytes("p.html", page, None).expect("reads");
        assert_eq!(out.documents[0].language.as_deref(), Some("uk"));
        let page = b"<html><body><p>This paragraph is plainly written in English, whatever the page claims.</p></body></html>";
        let out = read_bytes("p.html", page, None).expect("reads");
        assert_eq!(out.documents[0].language.as_deref(), Some("en"));
    }

    #[test]
    fn problem_displays_source_and_reason() {
        let p = Problem {
            source: "a.jsonl:3".into(),
            reason: "bad".into(),
        };
        assert_eq!(p.to_string(), "a.jsonl:3: bad");
    }

    #[test]
    fn tidy_lines_keeps_paragraphs() {
        assert_eq!(tidy_lines("\r\n a  \r\n\r\n\r\nb\t\n\n"), " a\n\nb");
    }
}
