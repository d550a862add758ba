//! The Markdown renderer: the same content as the HTML report, footnotes as
//! `[^n]`, and the figures as SVG files written beside the Markdown.

use std::fmt::Write;

use crate::escape::{is_web_link, markdown as md};
use crate::judge::Judgement;
use crate::report::{domain_title, Figure, IndicatorEntry, Report, Span};

/// A rendered Markdown report and the figure files it links to.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownReport {
    /// The Markdown text.
    pub text: String,
    /// `(file name, standalone SVG)` for each figure, to be written in the
    /// Markdown file's folder.
    pub figures: Vec<(String, String)>,
}

fn spans(out: &mut String, spans: &[Span]) {
    for s in spans {
        match s {
            Span::Text(t) => out.push_str(&md(t)),
            Span::Strong(t) => {
                let _ = write!(out, "**{}**", md(t.trim_end()));
                if t.ends_with(' ') {
                    out.push(' ');
                }
            }
            Span::Em(t) => {
                let _ = write!(out, "*{}*", md(t));
            }
            Span::Quote(t) => {
                let _ = write!(out, "“{}”", md(t));
            }
            Span::Cite(n) => {
                let _ = write!(out, "[^{n}]");
            }
        }
    }
}

fn judgement(out: &mut String, j: &Judgement) {
    let _ = write!(
        out,
        " (*{}*, {}; **{} confidence** — {})",
        j.likelihood.words(),
        j.likelihood.band(),
        j.confidence.as_str(),
        md(&j.basis)
    );
}

fn status_name(s: watchfloor_model::IndicatorStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

fn entries(out: &mut String, list: &[IndicatorEntry]) {
    for e in list {
        let _ = write!(
            out,
            "\n**{}** — {} (`{}`)",
            md(&e.statement),
            status_name(e.status),
            e.id.replace('`', "'")
        );
        if let Some(j) = &e.judgement {
            judgement(out, j);
        }
        out.push_str("\n\n");
        for l in &e.evidence {
            let _ = writeln!(
                out,
                "- {} · {} · {}: “{}”[^{}]",
                md(l.date.as_deref().unwrap_or("undated")),
                l.modality,
                md(&l.event_type),
                md(&l.excerpt),
                l.footnote
            );
        }
    }
}

fn figure(out: &mut String, title: &str, file: &str, f: &Figure) {
    let _ = writeln!(out, "![{}]({file})\n", md(title));
    let _ = writeln!(out, "*{}* {}", md(title), md(&f.caption));
    for n in &f.notes {
        let _ = writeln!(out, "{}", md(n));
    }
    out.push('\n');
}

fn standalone(svg: &str) -> String {
    let svg = svg.replacen("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 1);
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}\n")
}

/// Renders a report as Markdown; figures are named `{stem}-map.svg` and
/// `{stem}-timeline.svg`.
pub fn render_markdown(r: &Report, stem: &str) -> MarkdownReport {
    let map_file = format!("{stem}-map.svg");
    let timeline_file = format!("{stem}-timeline.svg");
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# {}\n\n*Watchfloor campaign assessment · {} · {} and {} · campaign pack `{}`*\n",
        md(&r.title),
        md(&r.date),
        md(&r.aggressor),
        md(&r.target),
        r.campaign.replace('`', "'")
    );
    o.push_str("## Key takeaways\n\n");
    if r.takeaways.is_empty() {
        o.push_str(
            "No indicator of this campaign has evidence in the corpus; no judgement can be made.\n",
        );
    }
    for (i, t) in r.takeaways.iter().enumerate() {
        let _ = write!(o, "{}. ", i + 1);
        spans(&mut o, &t.text);
        judgement(&mut o, &t.judgement);
        o.push('\n');
    }
    o.push_str("\n## Where and when\n\n");
    figure(&mut o, "Figure 1 — Map", &map_file, &r.map);
    figure(&mut o, "Figure 2 — Timeline", &timeline_file, &r.timeline);

    for d in &r.domains {
        let _ = writeln!(o, "## {}\n\n{}\n", domain_title(d.domain), md(&d.summary));
        o.push_str("### Achievements (observed)\n");
        if d.achievements.is_empty() {
            o.push_str("\nNo source reports a step in this domain as done.\n");
        }
        entries(&mut o, &d.achievements);
        o.push_str("\n### Next steps (projected)\n");
        if d.next_steps.is_empty() {
            o.push_str("\nNo source projects a further step in this domain.\n");
        }
        entries(&mut o, &d.next_steps);
        if !d.contrary.is_empty() {
            o.push_str("\n### Contrary evidence (negated)\n");
            entries(&mut o, &d.contrary);
        }
        o.push('\n');
    }

    o.push_str("## Indicator board\n\n| Domain | Indicator | Status | Judgement | Sources | Evidence dates | Score |\n|---|---|---|---|---|---|---|\n");
    for b in &r.board {
        let j = b
            .judgement
            .as_ref()
            .map(|j| format!("*{}*, {}", j.likelihood.words(), j.confidence.as_str()))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            o,
            "| {} | {} (`{}`) | {} | {j} | {} | {} | {:.2} |",
            domain_title(b.domain),
            md(&b.statement),
            b.id.replace('`', "'"),
            status_name(b.status),
            b.sources,
            md(&crate::report::seen_range(&b.seen)),
            b.score
        );
    }
    o.push_str("\n## Implications\n\n");
    for p in &r.implications {
        spans(&mut o, &p.text);
        o.push_str("\n\n");
        for item in &p.items {
            o.push_str("- ");
            spans(&mut o, item);
            o.push('\n');
        }
        if !p.items.is_empty() {
            o.push('\n');
        }
    }
    o.push_str("## Method and estimative language\n\n");
    for m in &r.method {
        let _ = writeln!(o, "- {}", md(m));
    }
    o.push_str("\n## Data attribution\n\n");
    for a in &r.attribution {
        let _ = writeln!(o, "- {}", md(a));
    }
    o.push_str("\n## Sources\n\n");
    for f in &r.footnotes {
        let link = if is_web_link(&f.source) && !f.source.contains(['<', '>']) {
            format!("<{}>", f.source)
        } else {
            format!("`{}`", f.source.replace('`', "'"))
        };
        let _ = writeln!(
            o,
            "[^{}]: “{}” — {}, {}, document {}, {link}",
            f.number,
            md(&f.quote),
            md(f.title.as_deref().unwrap_or("untitled")),
            md(&f
                .date
                .as_deref()
                .map(|d| format!("published {d}"))
                .unwrap_or_else(|| "publication date unknown".into())),
            f.document
        );
    }
    MarkdownReport {
        text: o,
        figures: vec![
            (map_file, standalone(&r.map.svg)),
            (timeline_file, standalone(&r.timeline.svg)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, fixture, Basemap};

    #[test]
    fn markdown_has_the_same_content_with_resolving_footnotes() {
        let r = build(
            &fixture::assessment(),
            &fixture::context(),
            &Basemap::embedded().expect("basemap"),
        );
        let m = render_markdown(&r, "report");
        for h in [
            "## Key takeaways",
            "## Military",
            "### Achievements (observed)",
            "### Next steps (projected)",
            "## Indicator board",
            "## Implications",
            "## Sources",
            "![Figure 1 — Map](report-map.svg)",
            "GeoNames",
            "Natural Earth",
        ] {
            assert!(m.text.contains(h), "missing {h}");
        }
        for f in &r.footnotes {
            assert!(m.text.contains(&format!("[^{}]: “", f.number)));
        }
        let mut rest = m.text.as_str();
        while let Some(i) = rest.find("[^") {
            let end = i + rest[i..].find(']').expect("closed");
            let n: usize = rest[i + 2..end].parse().expect("number");
            assert!(n >= 1 && n <= r.footnotes.len());
            rest = &rest[end..];
        }
        assert!(!m.text.contains("<script>"));
        assert!(m.text.contains("&lt;script&gt;"));
        assert_eq!(m.figures.len(), 2);
        assert!(m.figures[0]
            .1
            .contains("xmlns=\"http://www.w3.org/2000/svg\""));
    }
}
