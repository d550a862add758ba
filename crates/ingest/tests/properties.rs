//! Property tests: no input makes ingest panic; normalisation is a fixed
//! point; fingerprints agree with normalisation.

use proptest::prelude::*;
use watchfloor_ingest::{
    content_hash, detect_language, hamming, normalise_text, read_bytes, simhash,
};

/// Byte strings biased towards the shapes the sniffers look for.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    let prefixes = prop::sample::select(vec![
        &b""[..],
        b"%PDF-1.4\n",
        b"<?xml version=\"1.0\"?><rss><channel><item>",
        b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"xhtml\">",
        b"<!DOCTYPE html><html><body><p>",
        b"<meta charset=\"koi8-r\">",
        b"{\"text\": ",
        b"---\ntitle: x\n---\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xfe\xff",
    ]);
    (prefixes, prop::collection::vec(any::<u8>(), 0..600)).prop_map(|(p, rest)| {
        let mut v = p.to_vec();
        v.extend(rest);
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn read_bytes_never_panics(bytes in interesting_bytes(), ext in prop::option::of("[a-z]{1,5}")) {
        match read_bytes("prop", &bytes, ext.as_deref()) {
            Ok(out) => {
                for d in out.documents {
                    prop_assert!(!d.text.contains(char::REPLACEMENT_CHARACTER), "replacement char in output");
                    prop_assert!(!d.encoding.is_empty());
                }
            }
            Err(e) => prop_assert!(e.to_string().starts_with("prop: ")),
        }
    }

    #[test]
    fn read_bytes_never_panics_on_text(text in "\\PC{0,300}", ext in prop::option::of("(txt|md|html|xml|jsonl)")) {
        let _ = read_bytes("prop", text.as_bytes(), ext.as_deref());
    }

    #[test]
    fn normalise_is_idempotent(text in "\\PC{0,200}") {
        let once = normalise_text(&text);
        prop_assert_eq!(normalise_text(&once), once.clone());
        prop_assert_eq!(once.trim(), once.as_str());
        prop_assert!(!once.contains("  "));
    }

    #[test]
    fn normalise_is_idempotent_on_any_chars(chars in prop::collection::vec(any::<char>(), 0..80)) {
        let text: String = chars.into_iter().collect();
        let once = normalise_text(&text);
        prop_assert_eq!(normalise_text(&once), once);
    }

    #[test]
    fn fingerprints_follow_normalisation(text in "[A-Za-zА-Яа-яЁё ,.\n\t]{0,200}") {
        let shouted = text.to_uppercase().replace(' ', "  \n");
        prop_assert_eq!(content_hash(&text), content_hash(&shouted));
        prop_assert_eq!(hamming(simhash(&text), simhash(&shouted)), 0);
    }

    #[test]
    fn detect_language_never_panics(text in "\\PC{0,400}") {
        if let Some(code) = detect_language(&text) {
            prop_assert!(["en", "ru", "be", "uk", "pl", "de", "fr", "lt", "lv"].contains(&code));
        }
    }
}
