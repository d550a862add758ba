//! Multi-word name matching over token keys: every token of a text is
//! mapped to the ID of its stemmed key, and an Aho-Corasick automaton over
//! those IDs finds the longest known names in one pass, whatever their
//! case ending.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Bytes per token in the automaton's alphabet: the first byte has its top
/// bit set and the others do not, so a match can only start on a token.
const WIDTH: usize = 4;

fn encode(id: u32, out: &mut Vec<u8>) {
    out.push(0x80 | ((id >> 21) & 0x7F) as u8);
    out.push(((id >> 14) & 0x7F) as u8);
    out.push(((id >> 7) & 0x7F) as u8);
    out.push((id & 0x7F) as u8);
}

/// Collects names (as sequences of keys) with their payloads.
pub struct LexiconBuilder<P> {
    keys: HashMap<String, u32>,
    patterns: HashMap<Vec<u8>, usize>,
    payloads: Vec<Vec<P>>,
}

impl<P: PartialEq> Default for LexiconBuilder<P> {
    fn default() -> Self {
        LexiconBuilder {
            keys: HashMap::new(),
            patterns: HashMap::new(),
            payloads: Vec::new(),
        }
    }
}

impl<P: PartialEq> LexiconBuilder<P> {
    /// Adds a name given as its token keys.
    pub fn add(&mut self, keys: &[String], payload: P) {
        if keys.is_empty() {
            return;
        }
        let mut bytes = Vec::with_capacity(keys.len() * WIDTH);
        for k in keys {
            let next = self.keys.len() as u32 + 1;
            let id = *self.keys.entry(k.clone()).or_insert(next);
            encode(id, &mut bytes);
        }
        let next = self.payloads.len();
        let slot = *self.patterns.entry(bytes).or_insert(next);
        if slot == self.payloads.len() {
            self.payloads.push(Vec::new());
        }
        if !self.payloads[slot].contains(&payload) {
            self.payloads[slot].push(payload);
        }
    }

    /// Compiles the automaton.
    pub fn build(self) -> Lexicon<P> {
        let mut ordered: Vec<(Vec<u8>, usize)> = self.patterns.into_iter().collect();
        ordered.sort_by_key(|(_, slot)| *slot);
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(ordered.iter().map(|(b, _)| b))
            .ok();
        Lexicon {
            keys: self.keys,
            automaton,
            payloads: self.payloads,
        }
    }
}

/// A compiled set of names.
pub struct Lexicon<P> {
    keys: HashMap<String, u32>,
    automaton: Option<AhoCorasick>,
    payloads: Vec<Vec<P>>,
}

/// A name found in a token stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Which name (index into the payload table).
    pub pattern: usize,
}

impl<P> Lexicon<P> {
    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.payloads.len()
    }

    /// Whether the lexicon has no names.
    pub fn is_empty(&self) -> bool {
        self.payloads.is_empty()
    }

    /// The payloads of a hit's name.
    pub fn payloads(&self, pattern: usize) -> &[P] {
        &self.payloads[pattern]
    }

    /// Encodes a document's token keys for [`Lexicon::find`].
    pub fn encode(&self, keys: &[&str]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(keys.len() * WIDTH);
        for k in keys {
            encode(self.keys.get(*k).copied().unwrap_or(0), &mut bytes);
        }
        bytes
    }

    /// Longest non-overlapping names in an encoded token stream.
    pub fn find(&self, encoded: &[u8]) -> Vec<Hit> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        ac.find_iter(encoded)
            .filter(|m| m.start() % WIDTH == 0)
            .map(|m| Hit {
                first: m.start() / WIDTH,
                last: m.end() / WIDTH,
                pattern: m.pattern().as_usize(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn finds_longest_names_on_token_boundaries() {
        let mut b = LexiconBuilder::default();
        b.add(&k(&["state", "of", "the", "union"]), "US");
        b.add(
            &k(&["doctrine", "of", "the", "state", "of", "the", "union"]),
            "DOC",
        );
        b.add(&k(&["union"]), "U");
        let lex = b.build();
        let text = [
            "the", "doctrine", "of", "the", "state", "of", "the", "union", "and", "union",
        ];
        let hits = lex.find(&lex.encode(&text));
        let got: Vec<_> = hits
            .iter()
            .map(|h| (h.first, h.last, lex.payloads(h.pattern)[0]))
            .collect();
        assert_eq!(got, vec![(1, 8, "DOC"), (9, 10, "U")]);
    }

    #[test]
    fn unknown_tokens_never_match_and_payloads_merge() {
        let mut b = LexiconBuilder::default();
        b.add(&k(&["minsk"]), 1);
        b.add(&k(&["minsk"]), 2);
        b.add(&k(&["minsk"]), 2);
        let lex = b.build();
        assert_eq!(lex.len(), 1);
        assert_eq!(lex.payloads(0), &[1, 2]);
        assert!(lex.find(&lex.encode(&["pinsk", "x"])).is_empty());
    }
}
