//! PDFs with a text layer, via `pdf-extract`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use watchfloor_model::{Document, DocumentFormat};

use crate::{make_document, IngestError};

/// The `%PDF-` signature within the first 1024 bytes (some writers put
/// junk before it).
pub(crate) fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

pub(crate) fn read(source: &str, bytes: &[u8]) -> Result<Document, IngestError> {
    let malformed = |detail: String| IngestError::Malformed {
        path: source.to_string(),
        format: "PDF",
        detail,
    };
    // pdf-extract panics on some damaged files; a panic must not take the
    // whole ingest run down.
    let extracted = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::extract_text_from_mem(bytes)
    }))
    .map_err(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown cause");
        malformed(format!("the PDF parser failed ({what})"))
    })?
    .map_err(|e| malformed(e.to_string()))?;

    let text = crate::tidy_lines(&collapse_spaces(&extracted));
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let replacement = text.chars().filter(|&c| c == '\u{fffd}').count();
    if letters == 0 {
        return Err(IngestError::PdfWithoutText {
            path: source.to_string(),
            reason: if text.trim().is_empty() {
                "no text at all, probably a scan".to_string()
            } else {
                format!("no letters in {} characters of text", text.chars().count())
            },
        });
    }
    if replacement * 20 > letters {
        return Err(IngestError::PdfWithoutText {
            path: source.to_string(),
            reason: format!(
                "{replacement} unmappable glyphs (U+FFFD) against {letters} letters: fonts without a Unicode mapping"
            ),
        });
    }
    Ok(make_document(
        source.to_string(),
        None,
        None,
        None,
        DocumentFormat::Pdf,
        "pdf",
        text,
    ))
}

/// Runs of spaces and tabs inside lines become one space.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' || c == '\u{a0}' {
            space = true;
        } else {
            if space && !out.is_empty() && !out.ends_with('\n') && c != '\n' {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_pdf_is_malformed_not_a_panic() {
        let err = read(
            "d.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF",
        )
        .expect_err("error");
        assert!(
            matches!(err, IngestError::Malformed { format: "PDF", .. }),
            "{err}"
        );
        assert!(err.to_string().starts_with("d.pdf: "));
    }

    #[test]
    fn signature_detection() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        assert!(looks_like_pdf(b"\xef\xbb\xbf  %PDF-1.3"));
        assert!(!looks_like_pdf(b"PDF is a format"));
    }
}
