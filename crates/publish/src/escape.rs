//! Escaping of source-derived text for HTML, SVG and Markdown output.
//!
//! Every string that comes from a source document, a campaign pack or a
//! database row goes through one of these functions before it is written
//! into a report; nothing else is trusted.

/// Escapes text for HTML/SVG element content and quoted attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline have no place in a report.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for Markdown: inline HTML is neutralised with entities and
/// Markdown punctuation is backslash-escaped, so source text can never open
/// a link, an emphasis, a table cell or a raw HTML element.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`html`] for the entities it writes (used by tests and by
/// readers that check quotes against the stored text).
pub fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `true` if a source path or URL may be linked to with `<a href>`.
pub fn is_web_link(source: &str) -> bool {
    let lower = source.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !source.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Shortens text to at most `max` characters on a word boundary, adding an
/// ellipsis when it cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        let hostile = "<script>alert(1)</script> \"x\" 'y' & \u{202E}evil";
        let e = html(hostile);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        assert!(e.contains("&lt;script&gt;"));
        assert_eq!(unescape_html(&e), hostile);
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(html("a\u{0007}b"), "a\u{FFFD}b");
    }

    #[test]
    fn markdown_cannot_open_links_or_html() {
        let e = markdown("[click](javascript:x) <b>*bold*</b> | cell");
        assert!(!e.contains("<b>"));
        assert!(e.contains("\\[click\\]"));
        assert!(e.contains("\\*bold\\*"));
        assert!(e.contains("\\|"));
    }

    #[test]
    fn only_web_urls_are_linked() {
        assert!(is_web_link("https://example.org/a"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("/tmp/file.txt"));
        assert!(!is_web_link("https://a b"));
    }

    #[test]
    fn shorten_cuts_on_words() {
        assert_eq!(shorten("short", 10), "short");
        let s = shorten("one two three four five six", 12);
        assert!(s.ends_with('…') && s.chars().count() <= 13, "{s}");
    }
}
