//! Watchfloor publish: turns a campaign [`Assessment`] into a finished
//! report — one self-contained HTML file (inline CSS and SVG, nothing
//! fetched) or Markdown — with key takeaways in estimative language, one
//! section per domain keeping achievements and next steps apart, the
//! indicator board, a timeline and a map of the evidence, implications, and
//! numbered footnotes quoting every source sentence.
//!
//! Every piece of source-derived text is escaped on the way out
//! ([`escape`]); judgements are derived from the indicators' status,
//! corroboration and recency ([`judge`]), never written by hand.
//!
//! It also writes the event exports for other tools ([`export`]: GeoJSON
//! and ACLED-like CSV), placing each event on the map with the one
//! [`Locator`] that the command line and the server share ([`locate`]).

pub mod basemap;
pub mod escape;
pub mod export;
#[cfg(test)]
mod fixture;
mod html;
pub mod judge;
pub mod locate;
pub mod map;
mod markdown;
pub mod report;
pub mod timeline;

use std::path::PathBuf;

pub use basemap::Basemap;
pub use html::render_html;
pub use locate::Locator;
pub use markdown::{render_markdown, MarkdownReport};
pub use report::{build, Report, ReportContext};
use watchfloor_model::Assessment;

/// Everything that can go wrong while publishing.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A basemap or gazetteer file is malformed.
    #[error("basemap file {file} is malformed: {reason}")]
    Basemap {
        /// Which file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A data file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One self-contained HTML file.
    Html,
    /// Markdown, with the figures as SVG files beside it.
    Markdown,
}

impl Format {
    /// The format a file name asks for by its extension (`.html`, `.htm`,
    /// `.md`, `.markdown`), if any.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Some(Format::Html),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// Builds and renders a report as HTML in one call.
pub fn html_report(assessment: &Assessment, ctx: &ReportContext, basemap: &Basemap) -> String {
    render_html(&build(assessment, ctx, basemap))
}
