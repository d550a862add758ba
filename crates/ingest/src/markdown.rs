//! Markdown to text, with YAML front matter (`title`, `date`/`published`,
//! `lang`/`language`).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use watchfloor_model::{Document, DocumentFormat};

use crate::{date::normalise_date, html::fragment_to_text, make_document};

/// Whether the text opens with a `---` front-matter block that closes.
pub(crate) fn has_front_matter(text: &str) -> bool {
    split_front_matter(text).0.is_some()
}

/// Splits off front matter: (its lines, the rest).
fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let text = text.trim_start_matches('\u{feff}');
    let Some(after_open) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text);
    };
    let mut offset = 0;
    for line in after_open.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let body_start = offset + line.len();
            return (Some(&after_open[..offset]), &after_open[body_start..]);
        }
        offset += line.len();
    }
    (None, text)
}

/// Top-level `key: value` pairs of simple YAML front matter; nested and
/// multi-line values are skipped.
fn front_matter_value<'a>(fm: &'a str, keys: &[&str]) -> Option<&'a str> {
    for key in keys {
        for line in fm.lines() {
            if line.starts_with([' ', '\t', '-', '#']) {
                continue;
            }
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case(key) {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                    .unwrap_or(v)
                    .trim();
                if !v.is_empty() && !matches!(v, "|" | ">") {
                    return Some(v);
                }
            }
        }
    }
    None
}

pub(crate) fn read(text: &str, source: &str, encoding: &str) -> Document {
    let (fm, body) = split_front_matter(text);
    let fm = fm.unwrap_or("");
    let (plain, first_h1) = markdown_to_text(body);
    let title = front_matter_value(fm, &["title"])
        .map(str::to_string)
        .or(first_h1);
    let published =
        front_matter_value(fm, &["date", "published", "pubdate"]).and_then(normalise_date);
    let lang = front_matter_value(fm, &["lang", "language"]);
    make_document(
        source.to_string(),
        title,
        published,
        lang,
        DocumentFormat::Markdown,
        encoding,
        plain,
    )
}

/// Plain text of a Markdown body and the text of its first level-1 heading.
fn markdown_to_text(md: &str) -> (String, Option<String>) {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut out = String::with_capacity(md.len());
    let mut pending_breaks = 0u8;
    let mut h1: Option<String> = None;
    let mut in_h1 = false;
    let mut h1_text = String::new();
    let push = |out: &mut String, pending: &mut u8, s: &str| {
        if s.is_empty() {
            return;
        }
        if !out.is_empty() {
            for _ in 0..*pending {
                out.push('\n');
            }
        }
        *pending = 0;
        out.push_str(s);
    };
    for event in Parser::new_ext(md, opts) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if in_h1 {
                    h1_text.push_str(&t);
                }
                push(&mut out, &mut pending_breaks, &t);
            }
            Event::SoftBreak => push(&mut out, &mut pending_breaks, " "),
            Event::HardBreak => pending_breaks = pending_breaks.max(1),
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = fragment_to_text(&h);
                push(&mut out, &mut pending_breaks, &t);
            }
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => {}
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {
                pending_breaks = pending_breaks.max(2);
                in_h1 = h1.is_none();
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                if in_h1 {
                    let t = crate::collapse_whitespace(&h1_text);
                    if !t.is_empty() {
                        h1 = Some(t);
                    }
                    in_h1 = false;
                }
                pending_breaks = pending_breaks.max(2);
            }
            Event::Start(tag) => {
                pending_breaks = pending_breaks.max(match tag {
                    Tag::Item | Tag::TableRow | Tag::TableHead => 1,
                    Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::List(_)
                    | Tag::Table(_)
                    | Tag::FootnoteDefinition(_) => 2,
                    Tag::TableCell => {
                        if !out.ends_with('\n') && !out.is_empty() && pending_breaks == 0 {
                            out.push(' ');
                        }
                        0
                    }
                    _ => 0,
                });
            }
            Event::End(tag) => {
                pending_breaks = pending_breaks.max(match tag {
                    TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead => 1,
                    TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::BlockQuote(_)
                    | TagEnd::CodeBlock
                    | TagEnd::List(_)
                    | TagEnd::Table
                    | TagEnd::FootnoteDefinition => 2,
                    _ => 0,
                });
            }
            _ => {}
        }
    }
    (crate::tidy_lines(&out), h1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_markup() {
        let md = "---\ntitle: \"Ćwiczenia\"\ndate: 2024-09-14\nlang: pl\ntags:\n  - a\n---\n# Nagłówek\n\nAkapit z **pogrubieniem** i [linkiem](http://x).\n\n- punkt jeden\n- punkt dwa\n\n```\nkod\n```\n";
        let d = read(md, "a.md", "utf-8");
        assert_eq!(d.title.as_deref(), Some("Ćwiczenia"));
        assert_eq!(d.published.as_deref(), Some("2024-09-14"));
        assert_eq!(d.language.as_deref(), Some("pl"));
        assert_eq!(
            d.text,
            "Nagłówek\n\nAkapit z pogrubieniem i linkiem.\n\npunkt jeden\npunkt dwa\n\nkod"
        );
    }

    #[test]
    fn first_h1_is_the_title_without_front_matter() {
        let d = read("Intro line\n\n# Main title\n\n# Second\n", "b.md", "utf-8");
        assert_eq!(d.title.as_deref(), Some("Main title"));
        assert!(!has_front_matter("---\nno end\n"));
    }
}
