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

/// Words that share forms, keys and prefixes, so that random phrases and
/// texts over them meet every way a cue can match.
const WORDS: &[&str] = &[
    "military",
    "Military",
    "train",
    "training",
    "trains",
    "joint",
    "exercise",
    "exercises",
    "the",
    "in",
    "Russia's",
    "troops",
    "deploy",
    "deployed",
    "не",
    "учения",
    "учений",
    "w",
    "sign",
    "signed",
    "common",
    "market",
    "markets",
];

fn phrase() -> impl Strategy<Value = String> {
    let word = (prop::sample::select(WORDS), any::<bool>()).prop_map(|(w, star)| {
        let w = w.to_lowercase().replace("'s", "");
        if star {
            format!("{}*", w.chars().take(4).collect::<String>())
        } else {
            w
        }
    });
    (
        word.clone(),
        prop::collection::vec(prop_oneof![word, Just("~".to_string())], 0..3),
    )
        .prop_map(|(first, rest)| {
            std::iter::once(first)
                .chain(rest)
                .collect::<Vec<_>>()
                .join(" ")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Matching over word IDs (with its indexes by first words, pairs and
    /// prefixes) finds exactly what matching over strings finds.
    #[test]
    fn cue_matching_by_ids_equals_matching_by_strings(
        phrases in prop::collection::vec(phrase(), 1..12),
        words in prop::collection::vec(prop::sample::select(WORDS), 0..30),
        from in 0usize..5,
    ) {
        use watchfloor_extract::phrase::{PhraseSet, Vocabulary};
        use watchfloor_extract::text::{analyse, stem, LatinRules};
        let mut set = PhraseSet::default();
        for p in &phrases {
            set.add(p, ());
        }
        let text = words.join(" ");
        let a = analyse(&text);
        let keys: Vec<String> = a
            .tokens
            .iter()
            .map(|t| stem(&t.folded, t.script, LatinRules::English))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let range = from.min(a.tokens.len())..a.tokens.len();
        let by_strings: Vec<(usize, usize, usize)> = set
            .find(&a.tokens, &keys, range.clone())
            .iter()
            .map(|h| (h.first, h.last, h.phrase))
            .collect();
        let mut vocabulary = Vocabulary::default();
        vocabulary.link(&mut set);
        let d = vocabulary.document(&a, &keys);
        let by_ids: Vec<(usize, usize, usize)> = set
            .find_in(&d, range)
            .iter()
            .map(|h| (h.first, h.last, h.phrase))
            .collect();
        prop_assert_eq!(by_ids, by_strings, "phrases {:?} text {:?}", phrases, text);
    }
}
