use serde::{Deserialize, Serialize};

/// The format a source document arrived in, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    /// Plain text.
    Text,
    /// Markdown (front matter honoured).
    Markdown,
    /// An HTML page (main text only).
    Html,
    /// A PDF with a text layer.
    Pdf,
    /// One item of an RSS 2.0 feed.
    Rss,
    /// One entry of an Atom feed.
    Atom,
    /// One line of a JSON Lines file.
    Jsonl,
}

impl DocumentFormat {
    /// The lower-case name used in the database and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Text => "text",
            DocumentFormat::Markdown => "markdown",
            DocumentFormat::Html => "html",
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Rss => "rss",
            DocumentFormat::Atom => "atom",
            DocumentFormat::Jsonl => "jsonl",
        }
    }

    /// Parses the name produced by [`DocumentFormat::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "text" => DocumentFormat::Text,
            "markdown" => DocumentFormat::Markdown,
            "html" => DocumentFormat::Html,
            "pdf" => DocumentFormat::Pdf,
            "rss" => DocumentFormat::Rss,
            "atom" => DocumentFormat::Atom,
            "jsonl" => DocumentFormat::Jsonl,
            _ => return None,
        })
    }
}

/// A source document as ingest produces it: provenance plus plain text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Where it came from: a file path, `path#item-N` for feed items and
    /// JSONL lines, or the URL the item itself declares.
    pub source: String,
    /// The title, where the source gives one.
    pub title: Option<String>,
    /// Publication date as `YYYY-MM-DD`, where the source gives one.
    pub published: Option<String>,
    /// ISO 639-1 language code (detected unless the source declares it).
    pub language: Option<String>,
    /// The format the document was read from.
    pub format: DocumentFormat,
    /// The encoding the bytes were decoded from (e.g. `windows-1251`).
    pub encoding: String,
    /// The extracted plain text.
    pub text: String,
}
