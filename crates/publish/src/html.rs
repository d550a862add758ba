//! The HTML renderer: one self-contained file with inline CSS (screen and
//! print) and inline SVG figures; no scripts, no external resources.

use std::fmt::Write;

use watchfloor_model::IndicatorStatus;

use crate::escape::{html, is_web_link};
use crate::judge::Judgement;
use crate::map::{domain_colour, modality_shape};
use crate::report::{domain_title, Figure, IndicatorEntry, Report, Span};

const CSS: &str = r#"
:root { --ink:#1c1c1c; --navy:#13294b; --rule:#c9ced6; --muted:#5d6670; --paper:#ffffff; --box:#eef2f7; }
* { box-sizing: border-box; }
html { background: #e9ecef; }
body { margin: 0 auto; max-width: 1040px; background: var(--paper); color: var(--ink);
  font-family: Georgia, "Times New Roman", "Noto Serif", serif; font-size: 16px; line-height: 1.55; }
header.wf-masthead { background: var(--navy); color: #fff; padding: 14px 40px 22px; }
.wf-kicker { font: 600 12px/1.4 Helvetica, Arial, sans-serif; letter-spacing: .16em; text-transform: uppercase; opacity: .85; display:flex; justify-content:space-between; }
header h1 { font-size: 34px; line-height: 1.15; margin: 10px 0 6px; font-weight: 700; }
.wf-sub { font-family: Helvetica, Arial, sans-serif; font-size: 14px; opacity: .9; margin: 0; }
main { padding: 8px 40px 30px; }
h2 { font: 700 15px/1.3 Helvetica, Arial, sans-serif; letter-spacing: .12em; text-transform: uppercase; color: var(--navy);
  border-bottom: 2px solid var(--navy); padding-bottom: 4px; margin: 34px 0 12px; }
h3 { font: 700 14px/1.3 Helvetica, Arial, sans-serif; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .06em; }
h4 { font-size: 16px; margin: 12px 0 4px; }
section.wf-takeaways { background: var(--box); border-left: 7px solid var(--navy); padding: 6px 24px 12px; margin-top: 24px; }
section.wf-takeaways h2 { border: 0; margin-top: 12px; }
section.wf-takeaways ol { padding-left: 22px; margin: 0; }
section.wf-takeaways li { margin: 0 0 10px; }
.wf-judgement { font-family: Helvetica, Arial, sans-serif; font-size: 12px; color: var(--muted); white-space: nowrap; }
.wf-conf { display: inline-block; padding: 0 6px; border-radius: 3px; font: 700 11px/18px Helvetica, Arial, sans-serif; text-transform: uppercase; letter-spacing: .05em; color: #fff; }
.wf-conf-low { background: #8a8f96; } .wf-conf-moderate { background: #c98a00; } .wf-conf-high { background: #23794a; }
em.wf-est { font-weight: 700; }
.wf-summary { font-family: Helvetica, Arial, sans-serif; font-size: 13px; color: var(--muted); margin: 0 0 6px; }
.wf-achieved { border-left: 4px solid #2e5e3e; padding-left: 14px; }
.wf-next { border-left: 4px dashed #8a6d1d; padding-left: 14px; }
.wf-contrary { border-left: 4px dotted #8a2a24; padding-left: 14px; }
ul.wf-evidence { margin: 2px 0 10px; padding-left: 18px; font-size: 14.5px; }
ul.wf-evidence li { margin-bottom: 4px; }
ul.wf-list { margin: -4px 0 14px; padding-left: 22px; font-size: 15px; }
.wf-meta { font-family: Helvetica, Arial, sans-serif; font-size: 12px; color: var(--muted); }
q { quotes: "\201C" "\201D"; }
sup.wf-cite a { text-decoration: none; color: var(--navy); font-family: Helvetica, Arial, sans-serif; font-size: 11px; padding-left: 1px; }
.wf-status { display:inline-block; padding: 0 6px; border-radius: 3px; font: 700 11px/18px Helvetica, Arial, sans-serif; letter-spacing:.04em; text-transform: uppercase; white-space: nowrap; }
.wf-st-corroborated { background:#1f5e3a; color:#fff; } .wf-st-reported { background:#6aa57b; color:#fff; }
.wf-st-projected { background:#f2e3b3; color:#5a4300; } .wf-st-reversed { background:#a8322b; color:#fff; } .wf-st-not_observed { background:#e4e6e8; color:#555; }
table.wf-board { width: 100%; border-collapse: collapse; font: 13px/1.4 Helvetica, Arial, sans-serif; }
table.wf-board th { text-align: left; background: var(--navy); color: #fff; padding: 6px 8px; font-weight: 600; }
table.wf-board td { border-bottom: 1px solid var(--rule); padding: 5px 8px; vertical-align: top; }
table.wf-board tr:nth-child(even) td { background: #f7f8fa; }
.wf-dom { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px; vertical-align: baseline; }
figure { margin: 18px 0; border: 1px solid var(--rule); padding: 10px; background: #fff; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font: 13px/1.45 Helvetica, Arial, sans-serif; color: #333; margin-top: 8px; }
figcaption b { color: var(--navy); }
.wf-note { color: var(--muted); display:block; }
section.wf-footnotes ol { font-size: 13px; line-height: 1.45; padding-left: 26px; }
section.wf-footnotes li { margin-bottom: 6px; }
.wf-source { font-family: "DejaVu Sans Mono", monospace; font-size: 11.5px; word-break: break-all; color: var(--muted); }
footer { border-top: 1px solid var(--rule); margin: 30px 40px 0; padding: 12px 0 26px; font: 12px/1.5 Helvetica, Arial, sans-serif; color: var(--muted); }
@media print {
  html, body { background: #fff; }
  body { max-width: none; font-size: 11pt; }
  @page { size: A4; margin: 14mm 12mm; }
  header.wf-masthead, section.wf-takeaways, table.wf-board th, .wf-status, .wf-conf { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { padding: 0 4mm; }
  figure, table.wf-board tr, section.wf-takeaways li, ul.wf-evidence li { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn spans(out: &mut String, spans: &[Span]) {
    for s in spans {
        match s {
            Span::Text(t) => out.push_str(&html(t)),
            Span::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", html(t));
            }
            Span::Em(t) => {
                let _ = write!(out, "<em class=\"wf-est\">{}</em>", html(t));
            }
            Span::Quote(t) => {
                let _ = write!(out, "<q dir=\"auto\">{}</q>", html(t));
            }
            Span::Cite(n) => cite(out, *n),
        }
    }
}

fn cite(out: &mut String, n: usize) {
    let _ = write!(
        out,
        "<sup class=\"wf-cite\"><a href=\"#fn-{n}\">{n}</a></sup>"
    );
}

fn judgement(out: &mut String, j: &Judgement) {
    let _ = write!(
        out,
        " <span class=\"wf-judgement\">(<em class=\"wf-est\">{}</em>, {}; <span class=\"wf-conf wf-conf-{c}\">{c} confidence</span> — {})</span>",
        j.likelihood.words(),
        j.likelihood.band(),
        html(&j.basis),
        c = j.confidence.as_str()
    );
}

fn status(out: &mut String, s: IndicatorStatus) {
    let name = serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<span class=\"wf-status wf-st-{name}\">{}</span>",
        name.replace('_', " ")
    );
}

fn entries(out: &mut String, list: &[IndicatorEntry]) {
    for e in list {
        let _ = write!(
            out,
            "<h4 data-indicator=\"{}\">{} ",
            html(&e.id),
            html(&e.statement)
        );
        status(out, e.status);
        out.push_str("</h4>");
        if let Some(j) = &e.judgement {
            out.push_str("<div class=\"wf-meta\">");
            let _ = write!(out, "Indicator {}", html(&e.id));
            judgement(out, j);
            out.push_str("</div>");
        }
        out.push_str("<ul class=\"wf-evidence\">");
        for l in &e.evidence {
            let _ = write!(
                out,
                "<li><span class=\"wf-meta\">{} · {} · {}</span> <q dir=\"auto\">{}</q>",
                html(l.date.as_deref().unwrap_or("undated")),
                l.modality,
                html(&l.event_type),
                html(&l.excerpt)
            );
            cite(out, l.footnote);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
}

fn figure(out: &mut String, id: &str, title: &str, f: &Figure) {
    let _ = write!(
        out,
        "<figure id=\"{id}\">{}<figcaption><b>{}.</b> {}",
        f.svg,
        html(title),
        html(&f.caption)
    );
    for n in &f.notes {
        let _ = write!(out, "<span class=\"wf-note\">{}</span>", html(n));
    }
    out.push_str("</figcaption></figure>");
}

/// Renders a report as one self-contained HTML document.
pub fn render_html(r: &Report) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"generator\" content=\"Watchfloor\"><title>{}</title><style>{CSS}</style></head><body>\
<header class=\"wf-masthead\"><div class=\"wf-kicker\"><span>Watchfloor campaign assessment</span><span>{}</span></div>\
<h1>{}</h1><p class=\"wf-sub\">{} and {} · campaign pack <code>{}</code> · evidence from {} sources cited below</p></header><main>",
        html(&r.title),
        html(&r.date),
        html(&r.title),
        html(&r.aggressor),
        html(&r.target),
        html(&r.campaign),
        r.footnotes
            .iter()
            .map(|f| f.document)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );

    o.push_str("<section class=\"wf-takeaways\" id=\"key-takeaways\"><h2>Key takeaways</h2>");
    if r.takeaways.is_empty() {
        o.push_str("<p>No indicator of this campaign has evidence in the corpus; no judgement can be made.</p>");
    } else {
        o.push_str("<ol>");
        for t in &r.takeaways {
            o.push_str("<li>");
            spans(&mut o, &t.text);
            judgement(&mut o, &t.judgement);
            o.push_str("</li>");
        }
        o.push_str("</ol>");
    }
    o.push_str("</section>");

    o.push_str("<section id=\"figures\"><h2>Where and when</h2>");
    figure(&mut o, "figure-map", "Figure 1 — Map", &r.map);
    figure(
        &mut o,
        "figure-timeline",
        "Figure 2 — Timeline",
        &r.timeline,
    );
    o.push_str("</section>");

    for d in &r.domains {
        let _ = write!(
            o,
            "<section class=\"wf-domain\" id=\"domain-{}\"><h2><span class=\"wf-dom\" style=\"background:{}\"></span>{}</h2><p class=\"wf-summary\">{}</p>",
            d.domain,
            domain_colour(d.domain),
            domain_title(d.domain),
            html(&d.summary)
        );
        o.push_str("<div class=\"wf-achieved\"><h3>Achievements (observed)</h3>");
        if d.achievements.is_empty() {
            o.push_str("<p class=\"wf-meta\">No source reports a step in this domain as done.</p>");
        }
        entries(&mut o, &d.achievements);
        o.push_str("</div><div class=\"wf-next\"><h3>Next steps (projected)</h3>");
        if d.next_steps.is_empty() {
            o.push_str(
                "<p class=\"wf-meta\">No source projects a further step in this domain.</p>",
            );
        }
        entries(&mut o, &d.next_steps);
        o.push_str("</div>");
        if !d.contrary.is_empty() {
            o.push_str("<div class=\"wf-contrary\"><h3>Contrary evidence (negated)</h3>");
            entries(&mut o, &d.contrary);
            o.push_str("</div>");
        }
        o.push_str("</section>");
    }

    o.push_str("<section id=\"indicator-board\"><h2>Indicator board</h2><table class=\"wf-board\"><thead><tr><th>Domain</th><th>Indicator</th><th>Status</th><th>Judgement</th><th>Sources</th><th>Evidence dates</th><th>Score</th></tr></thead><tbody>");
    for b in &r.board {
        let _ = write!(
            o,
            "<tr data-indicator=\"{}\"><td><span class=\"wf-dom\" style=\"background:{}\"></span>{}</td><td>{}<br><span class=\"wf-meta\">{}</span></td><td>",
            html(&b.id),
            domain_colour(b.domain),
            domain_title(b.domain),
            html(&b.statement),
            html(&b.id)
        );
        status(&mut o, b.status);
        o.push_str("</td><td>");
        match &b.judgement {
            Some(j) => {
                let _ = write!(
                    o,
                    "<em class=\"wf-est\">{}</em><br><span class=\"wf-conf wf-conf-{c}\">{c}</span>",
                    j.likelihood.words(),
                    c = j.confidence.as_str()
                );
            }
            None => o.push('—'),
        }
        let _ = write!(
            o,
            "</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
            b.sources,
            html(&crate::report::seen_range(&b.seen)),
            b.score
        );
    }
    o.push_str("</tbody></table></section>");

    o.push_str("<section id=\"implications\"><h2>Implications</h2>");
    for p in &r.implications {
        o.push_str("<p>");
        spans(&mut o, &p.text);
        o.push_str("</p>");
        if !p.items.is_empty() {
            o.push_str("<ul class=\"wf-list\">");
            for item in &p.items {
                o.push_str("<li>");
                spans(&mut o, item);
                o.push_str("</li>");
            }
            o.push_str("</ul>");
        }
    }
    o.push_str("</section>");

    o.push_str("<section id=\"method\"><h2>Method and estimative language</h2><ul>");
    for m in &r.method {
        let _ = write!(o, "<li>{}</li>", html(m));
    }
    o.push_str("<li>Map symbols: colour gives the domain; shape gives the modality (");
    let shapes: Vec<String> = watchfloor_model::Modality::ALL
        .iter()
        .map(|m| format!("{m}: {}", modality_shape(*m)))
        .collect();
    o.push_str(&html(&shapes.join("; ")));
    o.push_str(").</li></ul></section>");

    o.push_str("<section class=\"wf-footnotes\" id=\"footnotes\"><h2>Sources</h2><ol>");
    for f in &r.footnotes {
        let _ = write!(
            o,
            "<li id=\"fn-{}\" data-document=\"{}\"><q class=\"wf-quote\" dir=\"auto\">{}</q> — <bdi>{}</bdi>, {}, document {}. ",
            f.number,
            f.document,
            html(&f.quote),
            html(f.title.as_deref().unwrap_or("untitled")),
            html(&f.date.as_deref().map(|d| format!("published {d}")).unwrap_or_else(|| "publication date unknown".into())),
            f.document
        );
        if is_web_link(&f.source) {
            let _ = write!(
                o,
                "<a class=\"wf-source\" href=\"{}\" rel=\"noreferrer noopener\">{}</a>",
                html(&f.source),
                html(&f.source)
            );
        } else {
            let _ = write!(
                o,
                "<span class=\"wf-source\"><bdi>{}</bdi></span>",
                html(&f.source)
            );
        }
        o.push_str("</li>");
    }
    o.push_str("</ol></section></main><footer id=\"attribution\">");
    for a in &r.attribution {
        let _ = write!(o, "<div>{}</div>", html(a));
    }
    let _ = write!(
        o,
        "<div>Generated by Watchfloor from the assessment of {}; every judgement is derived from the cited evidence.</div></footer></body></html>",
        html(&r.generated_at)
    );
    o.push('\n');
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, fixture, Basemap};

    fn page() -> String {
        render_html(&build(
            &fixture::assessment(),
            &fixture::context(),
            &Basemap::embedded().expect("basemap"),
        ))
    }

    #[test]
    fn hostile_source_text_is_escaped() {
        let h = page();
        assert!(!h.contains("<script"), "no script element may appear");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(h.contains("&quot;&lt;script"));
        assert!(h.contains("&#39;more&#39;"));
        // The right-to-left override stays inside an isolating element.
        let at = h.find('\u{202E}').expect("the RLO mark is kept as text");
        let before = &h[..at];
        let open = before.rfind("<q ").expect("inside a quote");
        assert!(before[open..].contains("dir=\"auto\"") && !before[open..].contains("</q>"));
    }

    #[test]
    fn the_page_is_self_contained() {
        let h = page();
        for bad in [
            "src=", "<link", "@import", "<script", "<iframe", "<object", "<embed",
        ] {
            assert!(!h.contains(bad), "found {bad}");
        }
        let mut rest = h.as_str();
        while let Some(i) = rest.find("url(") {
            assert!(
                rest[i + 4..].starts_with('#'),
                "only in-document url(#…) references"
            );
            rest = &rest[i + 4..];
        }
        // Any absolute URL appears only as a link target or its text.
        for (i, _) in h.match_indices("http") {
            let before = &h[..i];
            let tag = &before[before.rfind('<').unwrap_or(0)..];
            assert!(
                tag.starts_with("<a ") && (tag.ends_with(" href=\"") || tag.ends_with('>')),
                "URL outside a link: {}",
                &h[i.saturating_sub(40)..(i + 40).min(h.len())]
            );
        }
    }

    #[test]
    fn the_page_has_every_section_and_prints() {
        let h = page();
        for id in [
            "id=\"key-takeaways\"",
            "id=\"wf-map\"",
            "id=\"wf-timeline\"",
            "id=\"domain-military\"",
            "id=\"domain-economic\"",
            "id=\"indicator-board\"",
            "id=\"implications\"",
            "id=\"footnotes\"",
            "id=\"fn-1\"",
            "@media print",
            "GeoNames",
            "Natural Earth",
        ] {
            assert!(h.contains(id), "missing {id}");
        }
        let taken = h.find("Achievements (observed)").expect("achievements");
        let next = h.find("Next steps (projected)").expect("next steps");
        assert!(taken < next);
        assert!(h.contains("class=\"wf-conf wf-conf-high\""));
    }

    #[test]
    fn footnote_quotes_round_trip_exactly() {
        let h = page();
        let a = fixture::assessment();
        let mut n = 0;
        let mut rest = h.as_str();
        while let Some(i) = rest.find("<q class=\"wf-quote\" dir=\"auto\">") {
            let start = i + "<q class=\"wf-quote\" dir=\"auto\">".len();
            let end = start + rest[start..].find("</q>").expect("closed");
            let quote = crate::escape::unescape_html(&rest[start..end]);
            assert!(
                a.indicators
                    .iter()
                    .flat_map(|i| &i.evidence)
                    .any(|e| e.quote == quote),
                "{quote}"
            );
            n += 1;
            rest = &rest[end..];
        }
        assert_eq!(n, 7, "one footnote per distinct evidence sentence");
    }
}
