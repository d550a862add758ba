//! End-to-end runs of `watchfloor demo` and `watchfloor report`: the report's
//! sections, footnotes that quote stored documents, no external resources,
//! escaping of hostile source text, and the seed essay's achievements and
//! next steps landing where the extraction and assessment put them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

use common::{outcome, root, wf};
use serde_json::Value;

fn run_in(dir: &Path, db: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = wf(db);
    c.current_dir(dir).args(args);
    outcome(c)
}

fn ok(dir: &Path, db: &Path, args: &[&str]) -> String {
    let (code, out, err) = run_in(dir, db, args);
    assert_eq!(code, 0, "{args:?} failed:\n{out}\n{err}");
    out
}

/// Reverses the five entities the report writes.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Text between `open` (exclusive) and the next `close`, for every `open`.
fn all_between<'a>(s: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        let start = i + open.len();
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        out.push(&rest[start..start + len]);
        rest = &rest[start + len..];
    }
    out
}

/// `(number, document, quote)` of every footnote.
fn footnotes(html: &str) -> Vec<(usize, i64, String)> {
    all_between(html, "<li id=\"fn-", "</q>")
        .into_iter()
        .map(|item| {
            let n = item[..item.find('"').expect("number ends")]
                .parse()
                .expect("footnote number");
            let doc = all_between(item, "data-document=\"", "\"")
                .first()
                .and_then(|d| d.parse().ok())
                .expect("footnote names its document");
            let quote = item
                .split_once("<q class=\"wf-quote\" dir=\"auto\">")
                .map(|(_, q)| unescape(q))
                .expect("footnote quotes");
            (n, doc, quote)
        })
        .collect()
}

fn document_text(dir: &Path, db: &Path, id: i64) -> String {
    let out = ok(
        dir,
        db,
        &["documents", "show", &id.to_string(), "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).expect("document JSON");
    v["text"].as_str().expect("text").to_string()
}

/// Asserts that the page loads nothing from outside: no scripts, frames,
/// stylesheets, images or CSS imports; every absolute URL is a plain link.
fn assert_self_contained(html: &str) {
    for bad in [
        "src=", "<link", "@import", "<script", "<iframe", "<object", "<embed", "<img",
    ] {
        assert!(!html.contains(bad), "the report must not contain {bad:?}");
    }
    for after in html.split("url(").skip(1) {
        assert!(
            after.starts_with('#'),
            "only in-document url(#…) references: url({}",
            &after[..after.len().min(40)]
        );
    }
    for (i, _) in html.match_indices("http") {
        let before = &html[..i];
        let tag = &before[before.rfind('<').unwrap_or(0)..];
        let in_href = tag.starts_with("<a ") && tag.ends_with(" href=\"");
        let link_text = tag.starts_with("<a ") && tag.ends_with('>');
        assert!(
            in_href || link_text,
            "absolute URL outside a source link: …{}…",
            &html[i.saturating_sub(60)..(i + 40).min(html.len())]
        );
    }
}

#[test]
fn demo_writes_a_self_contained_report_whose_footnotes_quote_stored_documents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("w.db");
    let samples = root().join("data/samples/corpus");
    let out = ok(
        dir.path(),
        &db,
        &["demo", "--samples", samples.to_str().expect("utf-8 path")],
    );
    let report = dir.path().join("out/report.html");
    assert!(report.is_file(), "demo writes out/report.html\n{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("report: "))
        .unwrap_or_else(|| panic!("demo says where the report is:\n{out}"));
    assert!(line.contains("out/report.html"), "{line}");
    let html = std::fs::read_to_string(&report).expect("report readable");

    // Sections, in order.
    let mut at = 0;
    for section in [
        "id=\"key-takeaways\"",
        "id=\"wf-map\"",
        "id=\"wf-timeline\"",
        "id=\"domain-military\"",
        "Achievements (observed)",
        "Next steps (projected)",
        "id=\"indicator-board\"",
        "id=\"implications\"",
        "id=\"footnotes\"",
        "id=\"attribution\"",
    ] {
        let found = html[at..]
            .find(section)
            .unwrap_or_else(|| panic!("missing or out of order: {section}"));
        at += found;
    }
    for attribution in ["GeoNames", "CC BY 4.0", "Natural Earth", "@media print"] {
        assert!(html.contains(attribution), "missing {attribution}");
    }

    // Three to six key takeaways, each with ICD 203 words and a confidence.
    let box_ = all_between(&html, "id=\"key-takeaways\"", "</section>");
    let takeaways: Vec<&str> = all_between(box_[0], "<li>", "</li>");
    assert!(
        (3..=6).contains(&takeaways.len()),
        "{} takeaways",
        takeaways.len()
    );
    let icd = [
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ];
    for t in &takeaways {
        assert!(
            icd.iter().any(|w| t.contains(w)),
            "no estimative words: {t}"
        );
        assert!(
            ["low confidence", "moderate confidence", "high confidence"]
                .iter()
                .any(|c| t.contains(c)),
            "no confidence: {t}"
        );
    }

    // Every footnote quotes its stored document; every citation resolves.
    let notes = footnotes(&html);
    assert!(notes.len() >= 10, "{} footnotes", notes.len());
    let mut texts: BTreeMap<i64, String> = BTreeMap::new();
    for (i, (n, doc, quote)) in notes.iter().enumerate() {
        assert_eq!(*n, i + 1, "footnotes are numbered in order");
        let text = texts
            .entry(*doc)
            .or_insert_with(|| document_text(dir.path(), &db, *doc));
        assert!(
            text.contains(quote.as_str()),
            "footnote {n} is not a sentence of document {doc}: {quote}"
        );
    }
    for cited in all_between(&html, "href=\"#fn-", "\"") {
        let n: usize = cited.parse().expect("citation number");
        assert!(n >= 1 && n <= notes.len(), "citation {n} has no footnote");
    }

    assert_self_contained(&html);
}

fn seed_report(dir: &Path, extra: &[&Path]) -> (PathBuf, String) {
    let db = dir.join("s.db");
    let seed = root().join("data/samples/corpus/000_76fe594355a874ed.txt");
    let mut paths = vec![seed.to_str().expect("utf-8").to_string()];
    paths.extend(extra.iter().map(|p| p.to_str().expect("utf-8").to_string()));
    let mut args = vec!["ingest"];
    args.extend(paths.iter().map(String::as_str));
    ok(dir, &db, &args);
    ok(dir, &db, &["extract"]);
    ok(
        dir,
        &db,
        &[
            "report",
            "--campaign",
            "russia-belarus",
            "--out",
            "seed.html",
            "--as-of",
            "2025-06-01",
        ],
    );
    let html = std::fs::read_to_string(dir.join("seed.html")).expect("report written");
    (db, html)
}

/// Achievements and next-steps text of every domain section, tags removed.
fn observed_and_projected(html: &str) -> (String, String) {
    let (mut achieved, mut next) = (String::new(), String::new());
    for section in all_between(html, "<section class=\"wf-domain\"", "</section>") {
        let (a, n) = section
            .split_once("Next steps (projected)")
            .expect("each domain has a next-steps part");
        let strip = |s: &str| {
            let mut out = String::new();
            let mut tag = false;
            for c in s.chars() {
                match c {
                    '<' => tag = true,
                    '>' => tag = false,
                    c if !tag => out.push(c),
                    _ => {}
                }
            }
            unescape(&out)
        };
        achieved.push_str(&strip(a));
        next.push_str(&strip(n));
    }
    (achieved, next)
}

#[test]
fn the_seed_essay_gives_its_achievements_and_next_steps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, html) = seed_report(dir.path(), &[]);
    let (achieved, next) = observed_and_projected(&html);
    for observed in [
        "In 2021, 28 integration programmes were signed",
        "Moscow has gained unprecedented access to Belarusian military infrastructure",
        "The introduction of Russian air defence systems",
    ] {
        assert!(
            achieved.contains(observed),
            "achievements must include {observed:?}"
        );
        assert!(
            !next.contains(observed),
            "{observed:?} is observed, not a next step"
        );
    }
    for projected in [
        "introduction of a single currency",
        "permanent deployment of its armored and rocket units",
        "establish a common parliament",
    ] {
        assert!(
            next.contains(projected),
            "next steps must include {projected:?}"
        );
        assert!(
            !achieved.contains(projected),
            "{projected:?} is projected, not an achievement"
        );
    }
}

#[test]
fn hostile_source_text_is_escaped_end_to_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = dir.path().join("hostile.txt");
    std::fs::write(
        &hostile,
        "On 3 March 2025, Russia deployed S-400 air defence systems to Belarus, officials said \"<script>alert(1)</script>\" & 'more' \u{202E}esrever\u{202C} here.\n",
    )
    .expect("write fixture");
    let (_, html) = seed_report(dir.path(), &[&hostile]);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the hostile sentence is in the report, escaped"
    );
    assert!(!html.contains("<script"), "no script element");
    assert!(html.contains("&quot;&lt;script") && html.contains("&#39;more&#39;"));
    // The right-to-left override stays inside a bidi-isolating element.
    for (i, _) in html.match_indices('\u{202E}') {
        let before = &html[..i];
        let open = before.rfind("<q ").expect("inside a quotation");
        assert!(
            before[open..].contains("dir=\"auto\"") && !before[open..].contains("</q>"),
            "RTL mark outside an isolated quote"
        );
    }
    assert_self_contained(&html);
}

#[test]
fn markdown_report_has_footnotes_and_its_figures_beside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, _) = seed_report(dir.path(), &[]);
    let out = ok(
        dir.path(),
        &db,
        &[
            "report",
            "--campaign",
            "russia-belarus",
            "--out",
            "md/seed.md",
            "--since",
            "2021-01-01",
        ],
    );
    assert!(out.contains("figure: "), "{out}");
    let md = std::fs::read_to_string(dir.path().join("md/seed.md")).expect("markdown");
    for s in [
        "## Key takeaways",
        "### Achievements (observed)",
        "### Next steps (projected)",
        "## Indicator board",
        "## Implications",
        "Changes since 2021-01-01",
        "[^1]: “",
        "![Figure 1 — Map](seed-map.svg)",
        "GeoNames",
    ] {
        assert!(md.contains(s), "missing {s}");
    }
    for svg in ["md/seed-map.svg", "md/seed-timeline.svg"] {
        let text = std::fs::read_to_string(dir.path().join(svg)).expect("figure written");
        assert!(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    }
}

#[test]
fn report_refuses_unknown_formats_campaigns_and_dates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, _) = seed_report(dir.path(), &[]);
    let cases: [(&[&str], &str); 3] = [
        (
            &["report", "--campaign", "russia-belarus", "--out", "r.pdf"],
            ".html or .md",
        ),
        (
            &["report", "--campaign", "atlantis", "--out", "r.html"],
            "russia-belarus",
        ),
        (
            &[
                "report",
                "--campaign",
                "russia-belarus",
                "--out",
                "r.html",
                "--since",
                "last week",
            ],
            "not a date",
        ),
    ];
    for (args, says) in cases {
        let (code, _, err) = run_in(dir.path(), &db, args);
        assert_ne!(code, 0, "{args:?} must fail");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!dir.path().join("r.html").exists() && !dir.path().join("r.pdf").exists());
    }
}
