//! Property tests: extraction never panics, and every offset it reports is
//! in bounds, on character boundaries, and names the text it quotes —
//! whatever Unicode it is given.

use std::sync::OnceLock;

use proptest::prelude::*;
use watchfloor_extract::Knowledge;
use watchfloor_model::{Document, DocumentFormat};

fn knowledge() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(|| Knowledge::embedded().expect("compiled-in knowledge loads"))
}

/// Text built from fragments that exercise the matchers (names, dates,
/// cues in several scripts) mixed with arbitrary Unicode.
fn text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("Russia deployed Iskander systems to Belarus on 15 May 2023. ".to_string()),
        Just(
            "В Барановичах прошли учения «Щит Союза» с 15 по 19 сентября 2023 года.\n".to_string()
        ),
        Just("Białoruś i Rosja podpisały umowę w 2021 r. ".to_string()),
        Just("Commonwealth of Independent States (IDP) and the IDP. ".to_string()),
        Just("III. Next steps\n- will not sign\n".to_string()),
        Just("ОДКБ — Мінск, Брэсцкая вобласць; ".to_string()),
        "\\PC{0,40}",
        any::<String>(),
    ];
    prop::collection::vec(fragment, 0..8).prop_map(|parts| parts.concat())
}

fn check(text: &str, language: Option<&str>) {
    let doc = Document {
        source: "prop".into(),
        title: None,
        published: Some("2024-03-13".into()),
        language: language.map(str::to_string),
        format: DocumentFormat::Text,
        encoding: "utf-8".into(),
        text: text.to_string(),
    };
    let record = knowledge().extract(&doc, "sha256:x");
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(record.doc.chars, chars.len());
    let slice = |s: usize, e: usize| -> String {
        assert!(
            s <= e && e <= chars.len(),
            "span {s}..{e} out of 0..{}",
            chars.len()
        );
        chars[s..e].iter().collect()
    };
    for m in record
        .entities
        .iter()
        .flat_map(|e| &e.mentions)
        .chain(record.places.iter().flat_map(|p| &p.mentions))
    {
        assert_eq!(slice(m.start, m.end), m.text);
    }
    for e in &record.events {
        assert_eq!(slice(e.evidence.start, e.evidence.end), e.evidence.text);
        assert!((0.0..=1.0).contains(&e.confidence));
        if let Some(d) = &e.date {
            assert!(d.start <= d.end, "{d:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn offsets_are_in_bounds_and_quote_the_text(t in text(), lang in prop::option::of(prop_oneof![Just("en"), Just("ru"), Just("pl")])) {
        check(&t, lang);
    }
}

#[test]
fn empty_and_whitespace_documents_give_empty_records() {
    for t in ["", " ", "\n\n\t", "—", "\u{200f}"] {
        check(t, None);
    }
}
