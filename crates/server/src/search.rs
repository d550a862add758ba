//! Where a search hit is in its document: the sentence that holds the
//! first matched word, found from the hit's snippet and cut with the same
//! sentence splitter the extractor uses, in character offsets like an
//! event's evidence, so a hit can be quoted in its document.

use serde::Serialize;
use watchfloor_extract::text::analyse;
use watchfloor_store::{SNIPPET_CLOSE, SNIPPET_OPEN};

/// The ellipsis FTS5 puts where a snippet is cut.
const ELLIPSIS: char = '…';

/// How far (bytes) around a match the sentence splitter reads: enough for
/// any sentence, bounded for documents of megabytes.
const WINDOW: usize = 20_000;

/// The sentence a search hit points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HitSentence {
    /// Start of the sentence in the document text (characters).
    pub start: usize,
    /// End of the sentence (characters, exclusive).
    pub end: usize,
    /// The sentence.
    pub text: String,
}

/// The largest char boundary of `text` at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `text` at or after `i`.
fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The sentence of `text` holding the first word marked in `snippet` (an
/// FTS5 snippet of `text`: matched words between [`SNIPPET_OPEN`] and
/// [`SNIPPET_CLOSE`], '…' where it was cut). `None` when the snippet marks
/// nothing (the words matched the title) or cannot be found in the text.
pub fn hit_sentence(text: &str, snippet: &str) -> Option<HitSentence> {
    let body = snippet.strip_prefix(ELLIPSIS).unwrap_or(snippet);
    let body = body.strip_suffix(ELLIPSIS).unwrap_or(body);
    let open = body.find(SNIPPET_OPEN)?;
    let plain: String = body
        .chars()
        .filter(|&c| c != SNIPPET_OPEN && c != SNIPPET_CLOSE)
        .collect();
    // The snippet is the text verbatim (less FTS5's ellipses, and a
    // shorter piece of the text is still in it); `open` is the first
    // marked word's byte offset in it, since no marker stands before it.
    let at = text.find(&plain)?;
    let hit = at + open;
    // A window around the match, starting after a blank line where there
    // is one (so the splitter sees a paragraph start, as it does when it
    // reads the whole text).
    let lo = floor_boundary(text, hit.saturating_sub(WINDOW));
    let start = match text[lo..hit].rfind("\n\n") {
        Some(i) => lo + i + 2,
        None if lo == 0 => 0,
        None => text[lo..hit].find('\n').map_or(lo, |i| lo + i + 1),
    };
    let hi = ceil_boundary(text, hit.saturating_add(WINDOW));
    let end = text[hit..hi].find("\n\n").map_or(hi, |i| hit + i);
    let window = &text[start..end];
    let analysed = analyse(window);
    let rel = hit - start;
    let sentence = analysed
        .sentences
        .iter()
        .find(|s| s.start <= rel && rel < s.end)
        .or_else(|| analysed.sentences.iter().find(|s| s.start >= rel))?;
    let base = text[..start].chars().count();
    Some(HitSentence {
        start: base + sentence.cstart,
        end: base + sentence.cend,
        text: window[sentence.start..sentence.end].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(s: &str) -> String {
        s.replace('[', &SNIPPET_OPEN.to_string())
            .replace(']', &SNIPPET_CLOSE.to_string())
    }

    fn chars(text: &str, s: &HitSentence) -> String {
        text.chars().skip(s.start).take(s.end - s.start).collect()
    }

    #[test]
    fn the_sentence_of_the_first_marked_word() {
        let text = "On 10 September 2021 Russia deployed troops to Baranovichi.\n\n\
                    Belarus will host Russian Iskander missiles in Brest next year. Minsk agreed.\n";
        let s = hit_sentence(
            text,
            &mark("…Belarus will host Russian [Iskander] [missiles] in Brest…"),
        )
        .unwrap();
        assert_eq!(
            s.text,
            "Belarus will host Russian Iskander missiles in Brest next year."
        );
        assert_eq!(chars(text, &s), s.text, "character offsets");
        let s = hit_sentence(
            text,
            &mark("On 10 September 2021 Russia deployed troops to [Baranovichi]…"),
        )
        .unwrap();
        assert_eq!(
            (s.start, s.text.as_str()),
            (
                0,
                "On 10 September 2021 Russia deployed troops to Baranovichi."
            )
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text =
            "Лукашенко сказал «да».\n\nМинск подписал договор о ракетах «Искандер» в Бресте. Ещё.";
        let s = hit_sentence(
            text,
            &mark("…Минск подписал договор о ракетах «[Искандер]» в Бресте…"),
        )
        .unwrap();
        assert_eq!(
            s.text,
            "Минск подписал договор о ракетах «Искандер» в Бресте."
        );
        assert_eq!(chars(text, &s), s.text);
    }

    #[test]
    fn the_texts_own_ellipsis_and_unmarked_snippets() {
        let text = "…and so Minsk agreed. Nothing else.";
        let s = hit_sentence(text, &mark("…and so [Minsk] agreed. Nothing else.")).unwrap();
        assert_eq!(chars(text, &s), s.text);
        assert!(s.text.contains("Minsk agreed."), "{s:?}");
        assert_eq!(
            hit_sentence(text, "…and so Minsk agreed…"),
            None,
            "title match"
        );
        assert_eq!(
            hit_sentence(text, &mark("[Grodno]")),
            None,
            "not in the text"
        );
    }

    #[test]
    fn a_long_document_is_read_around_the_match_only() {
        let filler = "Words of no interest here. ".repeat(4000);
        let text = format!("{filler}Troops reached Grodno on Monday. {filler}");
        let s = hit_sentence(&text, &mark("…Troops reached [Grodno] on Monday…")).unwrap();
        assert_eq!(s.text, "Troops reached Grodno on Monday.");
        assert_eq!(chars(&text, &s), s.text);
    }
}
