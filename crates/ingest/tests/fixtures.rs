//! Reads every fixture in `tests/fixtures/ingest` and checks what comes out.

use std::path::{Path, PathBuf};

use watchfloor_ingest::{
    content_hash, hamming, read_bytes, read_file, simhash, walk, Document, DocumentFormat,
    FileOutcome, IngestError,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ingest")
}

fn fixture(name: &str) -> PathBuf {
    dir().join(name)
}

fn read_ok(name: &str) -> FileOutcome {
    match read_file(&fixture(name)) {
        Ok(o) => o,
        Err(e) => panic!("{name} should read: {e}"),
    }
}

fn one(name: &str) -> Document {
    let out = read_ok(name);
    assert_eq!(out.documents.len(), 1, "{name}: {:?}", out.documents);
    assert!(out.problems.is_empty(), "{name}: {:?}", out.problems);
    out.documents.into_iter().next().expect("one document")
}

fn read_err(name: &str) -> IngestError {
    match read_file(&fixture(name)) {
        Ok(o) => panic!("{name} should fail, got {o:?}"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with(&fixture(name).display().to_string()),
                "error must name the file: {msg}"
            );
            e
        }
    }
}

#[test]
fn windows_1251_russian() {
    let d = one("ru_windows1251.txt");
    assert_eq!(d.encoding, "windows-1251");
    assert_eq!(d.format, DocumentFormat::Text);
    assert_eq!(d.language.as_deref(), Some("ru"));
    assert!(d
        .text
        .starts_with("Совместная проверка боеготовности завершилась под Барановичами\n\nВ среду"));
    assert!(d.text.contains("управление огнём"));
    assert!(d.text.contains("«Союзная решимость»"));
    assert_eq!(d.text.split("\n\n").count(), 4);
    assert_eq!(d.title, None);
    assert_eq!(d.published, None);
}

#[test]
fn koi8r_russian() {
    let d = one("ru_koi8r.txt");
    assert_eq!(d.encoding, "koi8-r");
    assert_eq!(d.language.as_deref(), Some("ru"));
    assert!(d
        .text
        .starts_with("Союзное государство: новые шаги в военной интеграции"));
    assert!(d.text.contains("противовоздушной обороны"));
}

#[test]
fn koi8r_bytes_read_as_1251_would_be_garbage() {
    // The decoder must not take the first code page that decodes without
    // error: every byte is valid Windows-1251.
    let bytes = std::fs::read(fixture("ru_koi8r.txt")).expect("fixture");
    let (as1251, _, had_errors) = encoding_rs::WINDOWS_1251.decode(&bytes);
    assert!(!had_errors);
    assert!(!as1251.contains("государство"));
    let d = &read_bytes("koi", &bytes, None).expect("reads").documents[0];
    assert!(d.text.contains("государство"));
}

#[test]
fn belarusian_utf8_with_bom() {
    let d = one("be_utf8_bom.txt");
    assert_eq!(d.encoding, "utf-8");
    assert_eq!(d.language.as_deref(), Some("be"));
    assert!(d.text.starts_with("Вучэнні каля мяжы"), "BOM must be gone");
    assert!(d.text.contains("ўначы"));
}

#[test]
fn ukrainian_utf16le_with_bom() {
    let d = one("uk_utf16le_bom.txt");
    assert_eq!(d.encoding, "utf-16le");
    assert_eq!(d.language.as_deref(), Some("uk"));
    assert!(d
        .text
        .starts_with("Білорусь і Росія посилюють спільне угруповання"));
    assert!(d.text.contains("їхні сценарії"));
}

#[test]
fn utf16be_with_bom_via_read_bytes() {
    let mut bytes = vec![0xfe, 0xff];
    for unit in "Калона тэхнікі ў Асіповічах рухаецца на поўдзень".encode_utf16()
    {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    let out = read_bytes("stdin", &bytes, None).expect("reads");
    assert_eq!(out.documents[0].encoding, "utf-16be");
    assert_eq!(out.documents[0].language.as_deref(), Some("be"));
    assert_eq!(out.documents[0].source, "stdin");
}

#[test]
fn english_plain_text() {
    let d = one("en_plain.txt");
    assert_eq!(d.encoding, "utf-8");
    assert_eq!(d.language.as_deref(), Some("en"));
    assert_eq!(d.format, DocumentFormat::Text);
    assert!(d.source.ends_with("en_plain.txt"));
    assert!(d.text.contains("near Baranovichi on Thursday"));
}

#[test]
fn polish_markdown_with_front_matter() {
    let d = one("pl_article.md");
    assert_eq!(d.format, DocumentFormat::Markdown);
    assert_eq!(
        d.title.as_deref(),
        Some("Manewry przy granicy: co wiemy o ćwiczeniach")
    );
    assert_eq!(d.published.as_deref(), Some("2024-09-14"));
    assert_eq!(d.language.as_deref(), Some("pl"));
    assert!(d.text.starts_with("Manewry przy granicy\n\nNa poligonach"));
    assert!(d.text.contains("w obwodzie grodzieńskim rozpoczęły"));
    assert!(d.text.contains("Według komunikatu ministerstwa udział"));
    assert!(d.text.contains("\nwyrzutnie rakietowe,\n"));
    for markup in ["**", "](", "---", "author:", "> ", "https://"] {
        assert!(
            !d.text.contains(markup),
            "markup {markup:?} left in {:?}",
            d.text
        );
    }
}

#[test]
fn english_html_article() {
    let d = one("en_article.html");
    assert_eq!(d.format, DocumentFormat::Html);
    assert_eq!(
        d.title.as_deref(),
        Some("Bridge repairs speed up rail links to Belarus")
    );
    assert_eq!(d.published.as_deref(), Some("2024-10-03"));
    assert_eq!(d.language.as_deref(), Some("en"));
    assert!(d
        .text
        .starts_with("Bridge repairs speed up rail links to Belarus\n\nEngineers"));
    assert!(d.text.contains(
        "near Orsha, cutting the travel time of freight trains between Smolensk and Minsk"
    ));
    assert!(d.text.contains("from a Union State programme"));
    assert!(d
        .text
        .contains("\u{201c}both civilian and defence needs\u{201d}"));
    assert_eq!(d.text.split("\n\n").count(), 4, "{:?}", d.text);
    for boiler in [
        "SCRIPT TEXT",
        "STYLE TEXT",
        "Site header",
        "Maps",
        "Sidebar",
        "Subscribe",
        "Copyright",
        "font-family",
    ] {
        assert!(
            !d.text.contains(boiler),
            "{boiler:?} leaked into {:?}",
            d.text
        );
    }
}

#[test]
fn broken_html_still_reads() {
    let d = one("broken.html");
    assert_eq!(d.format, DocumentFormat::Html);
    assert_eq!(d.title.as_deref(), Some("Учения у границы продолжаются"));
    assert_eq!(d.published.as_deref(), Some("2024-11-20"));
    assert_eq!(d.language.as_deref(), Some("ru"));
    assert!(d.text.contains("продлены ещё на две недели"));
    assert!(d.text.contains("колонны техники на трассе ночью"));
    assert!(d.text.contains("Данные уточняются"));
    assert!(!d.text.contains("Главная"), "menu div is chrome");
    let paragraphs: Vec<_> = d.text.split("\n\n").collect();
    assert!(paragraphs.len() >= 3, "{paragraphs:?}");
}

#[test]
fn atom_feed_three_entries() {
    let out = read_ok("feed_atom.xml");
    assert!(out.problems.is_empty());
    let docs = out.documents;
    assert_eq!(docs.len(), 3);
    assert!(docs.iter().all(|d| d.format == DocumentFormat::Atom));
    assert!(docs.iter().all(|d| d.language.as_deref() == Some("en")));
    let sources: Vec<_> = docs.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "https://example.invalid/news/air-defence-drills",
            "https://example.invalid/news/supply-programme",
            "https://example.invalid/news/railway-troops",
        ]
    );
    let dates: Vec<_> = docs.iter().map(|d| d.published.as_deref()).collect();
    assert_eq!(
        dates,
        [Some("2024-10-28"), Some("2024-10-30"), Some("2024-11-01")]
    );
    assert_eq!(
        docs[0].title.as_deref(),
        Some("Joint air defence drills announced")
    );
    assert!(docs[0]
        .text
        .starts_with("Belarus and Russia will hold joint air defence drills"));
    assert_eq!(docs[0].text.split("\n\n").count(), 2);
    assert!(!docs[0].text.contains("<p>"));
    assert!(docs[2]
        .text
        .contains("near Zhlobin.\n\nThe exercise included"));
}

#[test]
fn rss_feed_two_items() {
    let out = read_ok("feed_rss.xml");
    let docs = out.documents;
    assert_eq!(docs.len(), 2);
    assert!(docs.iter().all(|d| d.format == DocumentFormat::Rss));
    assert!(docs.iter().all(|d| d.language.as_deref() == Some("ru")));
    assert_eq!(docs[0].source, "https://example.invalid/ru/news/1");
    assert_eq!(
        docs[1].source,
        format!("{}#item-2", fixture("feed_rss.xml").display())
    );
    assert_eq!(docs[0].published.as_deref(), Some("2024-11-05"));
    assert_eq!(docs[1].published.as_deref(), Some("2024-11-06"));
    assert_eq!(
        docs[0].title.as_deref(),
        Some("Российские военные останутся в Беларуси после учений")
    );
    assert!(docs[0].text.ends_with("Сроки их пребывания не уточняются."));
    assert!(!docs[0].text.contains('<'));
}

#[test]
fn pdf_with_text_layer() {
    let d = one("report.pdf");
    assert_eq!(d.format, DocumentFormat::Pdf);
    assert!(d
        .text
        .contains("Situation report: Union State military integration"));
    assert!(d
        .text
        .contains("Краткая сводка: военная интеграция Союзного государства"));
    assert!(d.text.contains("Брестскую и Гомельскую области"));
    assert!(!d.text.contains('\u{fffd}'));
}

#[test]
fn pdf_without_text_layer_is_a_clear_error() {
    // A valid one-page PDF whose content stream only draws a rectangle.
    let pdf = minimal_pdf(b"0 0 m 100 0 l 100 100 l h f");
    let err = read_bytes("scan.pdf", &pdf, Some("pdf")).expect_err("no text");
    assert!(matches!(err, IngestError::PdfWithoutText { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("scan.pdf: PDF has no usable text layer"));
}

/// Builds a syntactically complete single-page PDF around `content`.
fn minimal_pdf(content: &[u8]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let stream = {
        let mut s = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        s.extend_from_slice(content);
        s.extend_from_slice(b"\nendstream");
        s
    };
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << >> >>"
            .to_vec(),
        stream,
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn jsonl_with_bad_lines() {
    let out = read_ok("mixed.jsonl");
    let path = fixture("mixed.jsonl").display().to_string();
    assert_eq!(out.documents.len(), 2);
    let a = &out.documents[0];
    assert_eq!(a.format, DocumentFormat::Jsonl);
    assert_eq!(a.source, "https://example.invalid/jsonl/1");
    assert_eq!(a.title.as_deref(), Some("Night landing near Brest"));
    assert_eq!(a.published.as_deref(), Some("2024-08-19"));
    assert_eq!(a.language.as_deref(), Some("en"));
    let b = &out.documents[1];
    assert_eq!(b.source, format!("{path}#item-2"));
    assert_eq!(b.language.as_deref(), Some("ru"), "detected, not declared");
    assert_eq!(b.published.as_deref(), Some("2024-08-20"));
    assert_eq!(out.problems.len(), 2);
    assert_eq!(out.problems[0].source, format!("{path}:3"));
    assert!(out.problems[0].reason.starts_with("invalid JSON"));
    assert_eq!(out.problems[1].source, format!("{path}:4"));
    assert!(out.problems[1]
        .to_string()
        .ends_with(":4: missing the \"text\" field"));
}

#[test]
fn empty_file_is_an_error() {
    assert!(matches!(read_err("empty.txt"), IngestError::Empty { .. }));
    let err = read_bytes("ws", b" \n\t\r\n ", None).expect_err("whitespace only");
    assert!(matches!(err, IngestError::Empty { .. }));
}

#[test]
fn binary_files_are_errors_whatever_the_name() {
    assert!(matches!(read_err("binary.bin"), IngestError::Binary { .. }));
    let err = read_err("binary_named.txt");
    assert!(matches!(err, IngestError::Binary { .. }), "{err}");
    assert!(err.to_string().contains("binary content"));
}

#[test]
fn malformed_feed_and_json_are_errors() {
    let bad_feed = b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<item><title>Broken</item>\n</channel></rss>\n";
    let err = read_bytes("bad.xml", bad_feed, Some("xml")).expect_err("malformed");
    assert!(matches!(err, IngestError::Malformed { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("bad.xml: malformed RSS feed: line 3"),
        "{err}"
    );
    let err = read_bytes("bad.jsonl", b"{\"text\": \n[\n", Some("jsonl")).expect_err("malformed");
    assert!(
        matches!(
            err,
            IngestError::Malformed {
                format: "JSON Lines",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn unreadable_path_is_an_error() {
    let err = read_file(&fixture("does_not_exist.txt")).expect_err("missing");
    assert!(matches!(err, IngestError::Unreadable { .. }));
    assert!(err
        .to_string()
        .contains("does_not_exist.txt: cannot read file"));
}

#[test]
fn mojibake_is_refused() {
    // UTF-8 Russian that was once decoded as Windows-1251 and saved again.
    let original = std::fs::read_to_string(fixture("en_plain.txt")).expect("fixture");
    assert!(read_bytes("ok", original.as_bytes(), None).is_ok());
    let ru = "Министерство обороны сообщило о прибытии эшелонов с техникой в Барановичи.";
    let (garbled, _, _) = encoding_rs::WINDOWS_1251.decode(ru.as_bytes());
    let err = read_bytes("moji.txt", garbled.as_bytes(), None).expect_err("mojibake");
    assert!(matches!(err, IngestError::Encoding { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with("moji.txt: undecodable text encoding"));
}

#[test]
fn format_is_detected_from_content_not_extension() {
    let html = std::fs::read(fixture("en_article.html")).expect("fixture");
    let out = read_bytes("upload.txt", &html, Some("txt")).expect("reads");
    assert_eq!(out.documents[0].format, DocumentFormat::Html);
    let feed = std::fs::read(fixture("feed_atom.xml")).expect("fixture");
    let out = read_bytes("upload", &feed, None).expect("reads");
    assert_eq!(out.documents.len(), 3);
    let pdf = std::fs::read(fixture("report.pdf")).expect("fixture");
    let out = read_bytes("upload.txt", &pdf, Some(".txt")).expect("reads");
    assert_eq!(out.documents[0].format, DocumentFormat::Pdf);
}

#[test]
fn exact_duplicate_has_the_same_hash() {
    let a = one("en_plain.txt");
    let b = one("exact_dup_copy.txt");
    assert_ne!(a.text, b.text);
    assert_eq!(content_hash(&a.text), content_hash(&b.text));
    assert_eq!(simhash(&a.text), simhash(&b.text));
    let c = one("near_dup_a.txt");
    assert_ne!(content_hash(&a.text), content_hash(&c.text));
}

#[test]
fn near_duplicates_are_close_and_unrelated_texts_far() {
    let a = one("near_dup_a.txt");
    let b = one("near_dup_b.txt");
    assert_ne!(content_hash(&a.text), content_hash(&b.text));
    let near = hamming(simhash(&a.text), simhash(&b.text));
    assert!(near <= 6, "near-duplicates differ in {near} bits");
    let others = [
        "en_plain.txt",
        "en_article.html",
        "ru_windows1251.txt",
        "pl_article.md",
    ];
    for other in others {
        let o = one(other);
        for d in [&a, &b] {
            let far = hamming(simhash(&d.text), simhash(&o.text));
            assert!(far >= 15, "{other} is only {far} bits from a near-dup text");
        }
    }
}

#[test]
fn walk_lists_the_fixtures() {
    let (files, problems) = walk(&[dir(), dir().join("missing-dir")]);
    let names: Vec<_> = files
        .iter()
        .filter_map(|p| p.file_name()?.to_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for expected in ["en_plain.txt", "feed_atom.xml", "report.pdf", "README.md"] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(problems.len(), 1);
    assert!(problems[0].source.ends_with("missing-dir"));
}

#[test]
fn every_fixture_reads_or_fails_cleanly() {
    let (files, _) = walk(&[dir()]);
    let mut docs = 0;
    let mut errors = 0;
    for f in files {
        match read_file(&f) {
            Ok(o) => docs += o.documents.len(),
            Err(_) => errors += 1,
        }
    }
    // empty.txt, binary.bin and binary_named.txt fail; everything else reads.
    assert_eq!(errors, 3);
    assert!(docs >= 17, "{docs}");
}
