//! Cue phrases from the rule files: words matched in order on folded
//! tokens, where `word*` is a prefix and `~` skips up to three words.

use crate::lexicon::FastMap;

use crate::text::{stem, LatinRules, Script, Token};

#[derive(Debug, Clone, PartialEq)]
enum Word {
    Exact { folded: String, key: String },
    Prefix(String),
    Gap,
}

/// A compiled phrase.
#[derive(Debug, Clone)]
pub struct Phrase {
    words: Vec<Word>,
    /// The phrase as written.
    pub text: String,
}

fn key_of(word: &str) -> String {
    let script = if word.chars().any(|c| ('\u{0400}'..='\u{052F}').contains(&c)) {
        Script::Cyrillic
    } else {
        Script::Latin
    };
    stem(word, script, LatinRules::English)
}

impl Phrase {
    /// Compiles a phrase written in the rule syntax.
    pub fn parse(text: &str) -> Option<Phrase> {
        let folded = crate::text::fold(text);
        let mut words = Vec::new();
        for raw in folded.split_whitespace() {
            // Punctuation inside phrases is ignored, as in the text.
            let w: String = raw
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '*' | '~' | '\'' | '-'))
                .collect();
            let w = w.trim_matches('-');
            if w.is_empty() {
                continue;
            }
            if w == "~" {
                words.push(Word::Gap);
            } else if let Some(p) = w.strip_suffix('*') {
                words.push(Word::Prefix(p.to_string()));
            } else {
                // Hyphenated words are separate tokens in the text.
                for part in w.split('-').filter(|p| !p.is_empty()) {
                    words.push(Word::Exact {
                        folded: part.to_string(),
                        key: key_of(part),
                    });
                }
            }
        }
        if words.is_empty() || matches!(words.first(), Some(Word::Gap)) {
            return None;
        }
        Some(Phrase {
            words,
            text: text.to_string(),
        })
    }

    /// Number of words written (for preferring longer cues).
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the phrase is empty (never, once parsed).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn word_matches(w: &Word, t: &Token, key: &str) -> bool {
    match w {
        // Latin words also match by key (plurals, possessives); Cyrillic
        // cues spell their inflection out with `*`, since stems would
        // conflate forms that differ in meaning (создан / создание).
        Word::Exact { folded, key: k } => {
            &t.folded == folded || (t.script == Script::Latin && key == k)
        }
        Word::Prefix(p) => t.folded.starts_with(p.as_str()),
        Word::Gap => true,
    }
}

/// Characters of a prefix word used to index it.
const PREFIX_INDEX: usize = 3;

/// A set of phrases, each with a payload, indexed by their first word:
/// exact words by their folded form and key, prefixes by their first
/// three characters.
pub struct PhraseSet<P> {
    phrases: Vec<(Phrase, P)>,
    by_word: FastMap<String, Vec<usize>>,
    by_prefix: FastMap<String, Vec<usize>>,
}

impl<P> Default for PhraseSet<P> {
    fn default() -> Self {
        PhraseSet {
            phrases: Vec::new(),
            by_word: FastMap::default(),
            by_prefix: FastMap::default(),
        }
    }
}

fn head(word: &str, n: usize) -> &str {
    match word.char_indices().nth(n) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// A phrase found in a token range.
#[derive(Debug, Clone, Copy)]
pub struct PhraseHit {
    /// Index of the phrase in the set.
    pub phrase: usize,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

impl<P> PhraseSet<P> {
    /// Adds a phrase; returns false if it does not parse.
    pub fn add(&mut self, text: &str, payload: P) -> bool {
        let Some(phrase) = Phrase::parse(text) else {
            return false;
        };
        let index = self.phrases.len();
        match &phrase.words[0] {
            Word::Exact { folded, key } => {
                self.by_word.entry(folded.clone()).or_default().push(index);
                if key != folded {
                    self.by_word.entry(key.clone()).or_default().push(index);
                }
            }
            Word::Prefix(p) if !p.is_empty() => self
                .by_prefix
                .entry(head(p, PREFIX_INDEX).to_string())
                .or_default()
                .push(index),
            _ => return false,
        }
        self.phrases.push((phrase, payload));
        true
    }

    /// The phrase and payload at an index.
    pub fn get(&self, index: usize) -> (&Phrase, &P) {
        let (p, x) = &self.phrases[index];
        (p, x)
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every phrase occurrence within `tokens[range]` (`keys` are the
    /// tokens' stemmed keys), ordered by position.
    pub fn find(
        &self,
        tokens: &[Token],
        keys: &[&str],
        range: std::ops::Range<usize>,
    ) -> Vec<PhraseHit> {
        let mut hits = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for i in range.clone() {
            let t = &tokens[i];
            seen.clear();
            let exact = [
                self.by_word.get(t.folded.as_str()),
                self.by_word.get(keys[i]),
            ];
            let prefixed = (1..=PREFIX_INDEX).map(|n| self.by_prefix.get(head(&t.folded, n)));
            for candidates in exact.into_iter().chain(prefixed).flatten() {
                for &pi in candidates {
                    if seen.contains(&pi) {
                        continue;
                    }
                    seen.push(pi);
                    if let Some(last) =
                        self.match_at(&self.phrases[pi].0.words, tokens, keys, i, range.end)
                    {
                        hits.push(PhraseHit {
                            phrase: pi,
                            first: i,
                            last,
                        });
                    }
                }
            }
        }
        hits.sort_by_key(|h| (h.first, h.phrase));
        hits
    }

    /// Bucket sizes, largest first (for diagnosing slow cue sets).
    pub fn bucket_sizes(&self) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = self
            .by_word
            .iter()
            .map(|(k, x)| (format!("={k}"), x.len()))
            .chain(
                self.by_prefix
                    .iter()
                    .map(|(k, x)| (format!("{k}*"), x.len())),
            )
            .collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.1));
        v
    }

    fn match_at(
        &self,
        words: &[Word],
        tokens: &[Token],
        keys: &[&str],
        at: usize,
        end: usize,
    ) -> Option<usize> {
        let mut pos = at;
        let mut wi = 0;
        while wi < words.len() {
            match &words[wi] {
                Word::Gap => {
                    // Try skipping 0..=3 tokens before the next word.
                    let rest = &words[wi + 1..];
                    if rest.is_empty() {
                        return Some(pos);
                    }
                    for skip in 0..=3 {
                        if pos + skip >= end {
                            break;
                        }
                        if let Some(last) = self.match_at(rest, tokens, keys, pos + skip, end) {
                            return Some(last);
                        }
                    }
                    return None;
                }
                w => {
                    if pos >= end || !word_matches(w, &tokens[pos], keys[pos]) {
                        return None;
                    }
                    pos += 1;
                    wi += 1;
                }
            }
        }
        Some(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyse;

    fn run(phrases: &[&str], text: &str) -> Vec<String> {
        let mut set = PhraseSet::default();
        for p in phrases {
            assert!(set.add(p, ()));
        }
        let a = analyse(text);
        let keys: Vec<String> = a
            .tokens
            .iter()
            .map(|t| stem(&t.folded, t.script, LatinRules::English))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        set.find(&a.tokens, &keys, 0..a.tokens.len())
            .iter()
            .map(|h| format!("{}@{}-{}", set.get(h.phrase).0.text, h.first, h.last))
            .collect()
    }

    #[test]
    fn prefixes_gaps_and_plural_keys() {
        assert_eq!(
            run(&["учени*"], "Совместные учения прошли"),
            vec!["учени*@1-2"]
        );
        assert_eq!(
            run(&["deploy* ~ troops"], "deployed two new troops"),
            vec!["deploy* ~ troops@0-4"]
        );
        assert_eq!(
            run(&["next step"], "Russia's next steps"),
            vec!["next step@1-3"]
        );
        assert!(run(&["air defence"], "air and defence").is_empty());
        assert_eq!(
            run(&["Union-State"], "the Union State"),
            vec!["Union-State@1-3"]
        );
    }
}
