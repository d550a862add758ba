//! RSS (0.9x, 1.0/RDF, 2.0) and Atom feeds: one document per item/entry.
//!
//! A small streaming reader over `quick-xml` rather than a full feed model:
//! it keeps dates as the publisher wrote them (no UTC conversion) and
//! reports XML errors with a line number.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use watchfloor_model::DocumentFormat;

use crate::{
    date::normalise_date, html::fragment_to_text, make_document, FileOutcome, IngestError, Problem,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rss,
    Atom,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Rss => "RSS feed",
            Kind::Atom => "Atom feed",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Guid,
    PubDate,
    DcDate,
    Published,
    Updated,
    Description,
    Content,
    Summary,
    Language,
}

#[derive(Default)]
struct RawItem {
    title: Option<String>,
    link: Option<String>,
    guid: Option<String>,
    pub_date: Option<String>,
    dc_date: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    description: Option<String>,
    content: Option<String>,
    summary: Option<String>,
    language: Option<String>,
}

impl RawItem {
    fn slot(&mut self, f: Field) -> &mut Option<String> {
        match f {
            Field::Title => &mut self.title,
            Field::Link => &mut self.link,
            Field::Guid => &mut self.guid,
            Field::PubDate => &mut self.pub_date,
            Field::DcDate => &mut self.dc_date,
            Field::Published => &mut self.published,
            Field::Updated => &mut self.updated,
            Field::Description => &mut self.description,
            Field::Content => &mut self.content,
            Field::Summary => &mut self.summary,
            Field::Language => &mut self.language,
        }
    }
}

fn local_name(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase()
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.as_ref() == name.as_bytes()).then(|| {
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
    })
}

fn field_of(name: &str, qname: &[u8]) -> Option<Field> {
    Some(match name {
        "title" => Field::Title,
        "link" => Field::Link,
        "guid" | "id" => Field::Guid,
        "pubdate" => Field::PubDate,
        "date" if qname.starts_with(b"dc:") => Field::DcDate,
        "published" | "issued" => Field::Published,
        "updated" | "modified" => Field::Updated,
        "description" => Field::Description,
        "encoded" | "content" => Field::Content,
        "summary" => Field::Summary,
        "language" => Field::Language,
        _ => return None,
    })
}

/// The field being captured: which, at what depth, whether its value is
/// kept, and the text so far.
struct Capture {
    field: Field,
    depth: usize,
    keep: bool,
    buf: String,
}

pub(crate) fn read(source: &str, text: &str, encoding: &str) -> Result<FileOutcome, IngestError> {
    let mut reader = Reader::from_str(text);
    let mut kind: Option<Kind> = None;
    let mut feed_lang: Option<String> = None;
    let mut items: Vec<RawItem> = Vec::new();
    let mut current: Option<(RawItem, usize)> = None;
    let mut capture: Option<Capture> = None;
    let mut depth = 0usize;
    let malformed = |kind: Option<Kind>, pos: u64, what: String| IngestError::Malformed {
        path: source.to_string(),
        format: kind.map_or("XML", Kind::name),
        detail: format!("line {}: {what}", line_of(text, pos)),
    };
    loop {
        let event = reader.read_event();
        let event = match event {
            Ok(ev) => ev,
            Err(e) => return Err(malformed(kind, reader.error_position(), e.to_string())),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                depth += 1;
                let name = local_name(e);
                if kind.is_none() {
                    kind = match name.as_str() {
                        "rss" | "rdf" => Some(Kind::Rss),
                        "feed" => Some(Kind::Atom),
                        other => {
                            return Err(malformed(
                                None,
                                reader.buffer_position(),
                                format!("root element <{other}> is neither RSS nor Atom"),
                            ))
                        }
                    };
                    if let Some(l) = attr(e, "xml:lang") {
                        feed_lang = Some(l);
                    }
                }
                if let Some(c) = capture.as_mut() {
                    // Markup nested in a field (Atom xhtml content): keep it
                    // as HTML so block structure survives.
                    c.buf.push('<');
                    c.buf.push_str(&name);
                    c.buf.push_str(if is_empty { "/>" } else { ">" });
                } else if matches!(name.as_str(), "item" | "entry") && current.is_none() {
                    let item = RawItem {
                        language: attr(e, "xml:lang"),
                        ..RawItem::default()
                    };
                    if is_empty {
                        items.push(item);
                    } else {
                        current = Some((item, depth));
                    }
                } else if let Some((item, item_depth)) = current.as_mut() {
                    if depth == *item_depth + 1 {
                        if let Some(field) = field_of(&name, e.name().as_ref()) {
                            if field == Field::Link && kind == Some(Kind::Atom) {
                                // Atom: <link rel="alternate" href="…"/>.
                                let rel = attr(e, "rel");
                                if rel.as_deref().is_none_or(|r| r == "alternate") {
                                    if let Some(href) = attr(e, "href") {
                                        let slot = item.slot(Field::Link);
                                        if slot.is_none() {
                                            *slot = Some(href);
                                        }
                                    }
                                }
                            } else if !is_empty {
                                let keep = !(field == Field::Guid
                                    && attr(e, "isPermaLink").as_deref() == Some("false"));
                                capture = Some(Capture {
                                    field,
                                    depth,
                                    keep,
                                    buf: String::new(),
                                });
                            }
                        }
                    }
                } else if name == "language" && !is_empty && depth <= 3 {
                    capture = Some(Capture {
                        field: Field::Language,
                        depth,
                        keep: true,
                        buf: String::new(),
                    });
                }
                if is_empty {
                    depth -= 1;
                }
            }
            Event::End(ref e) => {
                if let Some(c) = capture.as_mut() {
                    if depth == c.depth {
                        if let Some(c) = capture.take() {
                            let value = c.buf.trim().to_string();
                            if c.keep && !value.is_empty() {
                                match current.as_mut() {
                                    Some((item, _)) => {
                                        let slot = item.slot(c.field);
                                        if slot.is_none() {
                                            *slot = Some(value);
                                        }
                                    }
                                    None => feed_lang = feed_lang.or(Some(value)),
                                }
                            }
                        }
                    } else {
                        c.buf.push_str("</");
                        c.buf
                            .push_str(&String::from_utf8_lossy(e.local_name().as_ref()));
                        c.buf.push('>');
                    }
                } else if current.as_ref().is_some_and(|(_, d)| *d == depth) {
                    if let Some((item, _)) = current.take() {
                        items.push(item);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) => {
                if let Some(c) = capture.as_mut() {
                    match t.unescape() {
                        Ok(s) => c.buf.push_str(&s),
                        // HTML entities such as &nbsp; are not XML; keep
                        // them for the HTML stage to resolve.
                        Err(_) => c.buf.push_str(&String::from_utf8_lossy(&t)),
                    }
                }
            }
            Event::CData(t) => {
                if let Some(c) = capture.as_mut() {
                    c.buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(kind) = kind else {
        return Err(malformed(None, 0, "no root element".to_string()));
    };
    if depth != 0 || current.is_some() {
        return Err(malformed(
            Some(kind),
            text.len() as u64,
            "the document ends inside an open element".to_string(),
        ));
    }
    if items.is_empty() {
        return Err(IngestError::Empty {
            path: source.to_string(),
            reason: format!("the {} has no items", kind.name()),
        });
    }
    let format = match kind {
        Kind::Rss => DocumentFormat::Rss,
        Kind::Atom => DocumentFormat::Atom,
    };
    let mut outcome = FileOutcome::default();
    for (i, item) in items.into_iter().enumerate() {
        let n = i + 1;
        let item_id = format!("{source}#item-{n}");
        let title = item
            .title
            .as_deref()
            .map(|t| crate::collapse_whitespace(&fragment_to_text(t)))
            .filter(|t| !t.is_empty());
        let body = [&item.content, &item.description, &item.summary]
            .into_iter()
            .flatten()
            .map(|h| fragment_to_text(h))
            .find(|t| !t.trim().is_empty());
        let text = match (body, &title) {
            (Some(b), _) => b,
            (None, Some(t)) => t.clone(),
            (None, None) => {
                outcome.problems.push(Problem {
                    source: item_id,
                    reason: "feed item has neither text nor title".to_string(),
                });
                continue;
            }
        };
        let published = [
            &item.pub_date,
            &item.published,
            &item.dc_date,
            &item.updated,
        ]
        .into_iter()
        .flatten()
        .find_map(|d| normalise_date(d));
        let link = item
            .link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .or_else(|| {
                item.guid
                    .as_deref()
                    .map(str::trim)
                    .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
            })
            .map(str::to_string);
        let lang = item.language.as_deref().or(feed_lang.as_deref());
        outcome.documents.push(make_document(
            link.unwrap_or(item_id),
            title,
            published,
            lang,
            format,
            encoding,
            text,
        ));
    }
    if outcome.documents.is_empty() {
        return Err(IngestError::Empty {
            path: source.to_string(),
            reason: format!("no item of the {} has text", kind.name()),
        });
    }
    Ok(outcome)
}

fn line_of(text: &str, pos: u64) -> usize {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_with_guid_fallback_and_channel_language() {
        let xml = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Chan</title><language>en-us</language>
<item><title>One &amp; only</title><guid>https://example.org/1</guid><dc:date>2024-01-02T10:00:00+03:00</dc:date>
<description>&lt;p&gt;Para &lt;b&gt;one&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Para two.&lt;/p&gt;</description></item>
<item><title>Headline only</title><guid isPermaLink="false">abc</guid></item>
<item><link>  </link></item>
</channel></rss>"#;
        let out = read("f.xml", xml, "utf-8").expect("rss");
        assert_eq!(out.documents.len(), 2);
        let a = &out.documents[0];
        assert_eq!(a.source, "https://example.org/1");
        assert_eq!(a.title.as_deref(), Some("One & only"));
        assert_eq!(a.text, "Para one.\n\nPara two.");
        assert_eq!(a.published.as_deref(), Some("2024-01-02"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.format, DocumentFormat::Rss);
        let b = &out.documents[1];
        assert_eq!(b.source, "f.xml#item-2");
        assert_eq!(b.text, "Headline only");
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].source, "f.xml#item-3");
    }

    #[test]
    fn atom_xhtml_content_and_links() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>T</title>
<entry><title type="html">A &lt;i&gt;b&lt;/i&gt;</title><link rel="self" href="https://x/self"/><link href="https://x/a"/>
<updated>2024-02-03T00:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One</p><p>Two</p></div></content></entry>
</feed>"#;
        let out = read("a.xml", xml, "utf-8").expect("atom");
        assert_eq!(out.documents.len(), 1);
        let d = &out.documents[0];
        assert_eq!(d.source, "https://x/a");
        assert_eq!(d.title.as_deref(), Some("A b"));
        assert_eq!(d.text, "One\n\nTwo");
        assert_eq!(d.published.as_deref(), Some("2024-02-03"));
    }

    #[test]
    fn broken_xml_names_the_line() {
        let xml = "<rss><channel>\n<item><title>x</titl></item></channel></rss>";
        let err = read("b.xml", xml, "utf-8").expect_err("error");
        let msg = err.to_string();
        assert!(
            matches!(
                err,
                IngestError::Malformed {
                    format: "RSS feed",
                    ..
                }
            ),
            "{msg}"
        );
        assert!(
            msg.starts_with("b.xml: malformed RSS feed: line 2"),
            "{msg}"
        );
        let err = read("c.xml", "<rss><channel><item><title>x", "utf-8").err();
        assert!(
            matches!(err, Some(IngestError::Malformed { .. })),
            "{err:?}"
        );
    }
}
