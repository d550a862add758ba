//! HTML to main text plus title, date and declared language.
//!
//! The page is parsed with `scraper` (html5ever, which repairs any broken
//! markup the way browsers do). The main text comes from the single
//! `<article>` if there is exactly one, else the single `<main>`, else
//! `<body>`; boilerplate elements (script, style, nav, header, footer,
//! aside, form, …) are dropped; block elements end lines so paragraphs stay
//! separate.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use watchfloor_model::{Document, DocumentFormat};

use crate::{date::normalise_date, make_document, IngestError};

pub(crate) fn read(text: &str, source: &str, encoding: &str) -> Result<Document, IngestError> {
    let doc = Html::parse_document(text);
    let title = meta_content(&doc, &["og:title", "twitter:title"]).or_else(|| title_element(&doc));
    let published = published_date(&doc);
    let lang = doc
        .root_element()
        .attr("lang")
        .or_else(|| doc.root_element().attr("xml:lang"))
        .map(str::to_string)
        .or_else(|| meta_content(&doc, &["content-language", "language", "dc.language"]));
    let body = main_root(&doc);
    let text = match body {
        Some((root, in_article)) => element_text(root, in_article),
        None => String::new(),
    };
    Ok(make_document(
        source.to_string(),
        title,
        published,
        lang.as_deref(),
        DocumentFormat::Html,
        encoding,
        text,
    ))
}

/// Text of an HTML fragment (feed descriptions, Markdown HTML blocks).
pub(crate) fn fragment_to_text(fragment: &str) -> String {
    if !fragment.contains(['<', '&']) {
        return crate::tidy_lines(fragment);
    }
    let doc = Html::parse_fragment(fragment);
    element_text(doc.root_element(), true)
}

fn selector(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn title_element(doc: &Html) -> Option<String> {
    let sel = selector("title")?;
    let t = doc.select(&sel).next()?.text().collect::<String>();
    let t = crate::collapse_whitespace(&t);
    (!t.is_empty()).then_some(t)
}

/// The `content` of the first `<meta>` whose `property`, `name`,
/// `itemprop` or `http-equiv` equals one of `keys` (case-insensitive),
/// trying the keys in order.
fn meta_content(doc: &Html, keys: &[&str]) -> Option<String> {
    let sel = selector("meta")?;
    let metas: Vec<_> = doc.select(&sel).collect();
    for key in keys {
        for m in &metas {
            let el = m.value();
            let named = ["property", "name", "itemprop", "http-equiv"]
                .iter()
                .filter_map(|a| el.attr(a))
                .any(|v| v.trim().eq_ignore_ascii_case(key));
            if named {
                if let Some(c) = el.attr("content") {
                    let c = c.trim();
                    if !c.is_empty() {
                        return Some(c.to_string());
                    }
                }
            }
        }
    }
    None
}

fn published_date(doc: &Html) -> Option<String> {
    const KEYS: [&str; 12] = [
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dcterms.created",
        "dcterms.date",
        "sailthru.date",
    ];
    for key in KEYS {
        if let Some(d) = meta_content(doc, &[key]).and_then(|v| normalise_date(&v)) {
            return Some(d);
        }
    }
    let sel = selector("time[datetime]")?;
    doc.select(&sel)
        .filter_map(|t| t.value().attr("datetime"))
        .find_map(normalise_date)
}

/// The element holding the main text, and whether it is an article-like
/// container (inside which `<header>` holds the headline, not site chrome).
fn main_root(doc: &Html) -> Option<(ElementRef<'_>, bool)> {
    for tag in ["article", "main"] {
        if let Some(sel) = selector(tag) {
            let found: Vec<_> = doc.select(&sel).take(2).collect();
            if let [only] = found.as_slice() {
                if element_text(*only, true).chars().count() >= 80 {
                    return Some((*only, true));
                }
            }
        }
    }
    selector("body")
        .and_then(|sel| doc.select(&sel).next())
        .map(|b| (b, false))
        .or(Some((doc.root_element(), false)))
}

/// Elements whose whole subtree is boilerplate: by tag, by ARIA role, when
/// hidden, or when a class or id word names site chrome (menu, sidebar,
/// cookie, share…).
fn is_boilerplate(el: &scraper::node::Element, in_article: bool) -> bool {
    let name = el.name();
    let by_tag = matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "nav"
            | "footer"
            | "aside"
            | "form"
            | "iframe"
            | "svg"
            | "math"
            | "canvas"
            | "object"
            | "embed"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "menu"
            | "dialog"
    ) || (name == "header" && !in_article);
    if by_tag {
        return true;
    }
    if el.attr("hidden").is_some()
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    let chrome_token = |v: &str| {
        v.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
            .any(|t| {
                matches!(
                    t.to_ascii_lowercase().as_str(),
                    "menu"
                        | "nav"
                        | "navbar"
                        | "navigation"
                        | "sidebar"
                        | "breadcrumb"
                        | "breadcrumbs"
                        | "cookie"
                        | "cookies"
                        | "share"
                        | "social"
                        | "subscribe"
                        | "newsletter"
                        | "advert"
                        | "advertisement"
                        | "promo"
                )
            })
    };
    if el.attr("class").is_some_and(chrome_token) || el.attr("id").is_some_and(chrome_token) {
        return true;
    }
    el.attr("role").is_some_and(|r| {
        matches!(
            r.to_ascii_lowercase().as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "search"
                | "menu"
                | "menubar"
        )
    })
}

/// Line breaks a block element asks for before and after itself.
fn block_breaks(name: &str) -> u8 {
    match name {
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "table" | "ul"
        | "ol" | "dl" | "section" | "article" | "main" | "figure" | "header" | "hr" => 2,
        "div" | "li" | "tr" | "dt" | "dd" | "br" | "figcaption" | "caption" | "address"
        | "details" | "summary" | "center" | "fieldset" | "legend" => 1,
        _ => 0,
    }
}

/// Plain text of an element's subtree without boilerplate.
fn element_text(root: ElementRef<'_>, in_article: bool) -> String {
    let mut sink = TextSink::default();
    let mut skip = 0usize;
    let mut pre = 0usize;
    let root_id = root.id();
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    // The chosen root itself is never boilerplate (a
                    // `<body class="nav-open">` still holds the page).
                    if skip > 0 || node.id() != root_id && is_boilerplate(el, in_article) {
                        skip += 1;
                        continue;
                    }
                    let name = el.name();
                    if name == "pre" {
                        pre += 1;
                    }
                    if matches!(name, "td" | "th") {
                        sink.space();
                    }
                    if name == "img" {
                        // Images carry no text of their own.
                        continue;
                    }
                    sink.block(block_breaks(name));
                }
                Node::Text(t) if skip == 0 => sink.text(t, pre > 0),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    let name = el.name();
                    if name == "pre" {
                        pre = pre.saturating_sub(1);
                    }
                    if matches!(name, "td" | "th") {
                        sink.space();
                    }
                    sink.block(block_breaks(name));
                }
            }
        }
    }
    sink.out
}

/// Accumulates text with collapsed whitespace and pending line breaks.
#[derive(Default)]
struct TextSink {
    out: String,
    pending_breaks: u8,
    pending_space: bool,
}

impl TextSink {
    fn block(&mut self, n: u8) {
        self.pending_breaks = self.pending_breaks.max(n);
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn flush(&mut self) {
        if self.out.is_empty() {
            self.pending_breaks = 0;
            self.pending_space = false;
            return;
        }
        if self.pending_breaks > 0 {
            for _ in 0..self.pending_breaks {
                self.out.push('\n');
            }
        } else if self.pending_space {
            self.out.push(' ');
        }
        self.pending_breaks = 0;
        self.pending_space = false;
    }

    fn text(&mut self, t: &str, pre: bool) {
        for c in t.chars() {
            if pre && c == '\n' {
                self.block(1);
            } else if c.is_whitespace() && c != '\u{a0}' || c == '\u{a0}' && !pre {
                self.pending_space = true;
            } else {
                self.flush();
                self.out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_boilerplate_and_keeps_paragraphs() {
        let html = r#"<html lang="en-GB"><head><title>Site | Story</title>
            <meta property="og:title" content="Story">
            <meta name="dc.date" content="2024-05-02">
            <style>p { color: red }</style><script>var x = "script text";</script></head>
            <body><header>Site header</header><nav><a href="/">Home</a></nav>
            <p>First   paragraph
            here.</p><p>Second <b>bold</b> one.<br>Next line.</p>
            <aside>Related links</aside><form>Subscribe</form><footer>Copyright</footer></body></html>"#;
        let d = read(html, "x.html", "utf-8").expect("html");
        assert_eq!(
            d.text,
            "First paragraph here.\n\nSecond bold one.\nNext line."
        );
        assert_eq!(d.title.as_deref(), Some("Story"));
        assert_eq!(d.published.as_deref(), Some("2024-05-02"));
        assert_eq!(d.language.as_deref(), Some("en"));
    }

    #[test]
    fn single_article_is_the_main_text() {
        let html = r#"<body><div>Menu Menu Menu</div><article><header><h1>Headline</h1>
            <time datetime="2023-11-05T10:00:00Z">5 Nov</time></header>
            <p>The article body is long enough to be taken as the main text of this page, really.</p>
            <footer>Tags</footer></article><div>Sidebar</div></body>"#;
        let d = read(html, "a.html", "utf-8").expect("html");
        assert!(
            d.text.starts_with("Headline\n\n5 Nov\n\nThe article body"),
            "{}",
            d.text
        );
        assert!(
            !d.text.contains("Menu") && !d.text.contains("Sidebar") && !d.text.contains("Tags")
        );
        assert_eq!(d.published.as_deref(), Some("2023-11-05"));
    }

    #[test]
    fn fragments_and_entities() {
        assert_eq!(
            fragment_to_text("<p>A &amp; B</p><p>C&nbsp;D</p>"),
            "A & B\n\nC D"
        );
        assert_eq!(fragment_to_text("plain"), "plain");
    }
}
