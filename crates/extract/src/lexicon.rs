//! Multi-word name matching over token keys: every token of a text is
//! mapped to the ID of its stemmed key, and a trie over those IDs finds the
//! longest known name starting at each token in one left-to-right pass,
//! whatever the names' case endings.

pub use crate::hash::{FastMap, FastSet, FoldHasher};

/// Token key ID 0: a word no name contains.
const UNKNOWN: u32 = 0;
const ROOT: u32 = 0;

/// Collects names (as sequences of keys) with their payloads.
pub struct LexiconBuilder<P> {
    keys: FastMap<String, u32>,
    edges: FastMap<(u32, u32), u32>,
    terminal: Vec<Option<u32>>,
    payloads: Vec<Vec<P>>,
}

impl<P: PartialEq> Default for LexiconBuilder<P> {
    fn default() -> Self {
        LexiconBuilder {
            keys: FastMap::default(),
            edges: FastMap::default(),
            terminal: vec![None],
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
        let mut node = ROOT;
        for k in keys {
            let next = self.keys.len() as u32 + 1;
            let id = *self.keys.entry(k.clone()).or_insert(next);
            let fresh = self.terminal.len() as u32;
            let child = *self.edges.entry((node, id)).or_insert(fresh);
            if child == fresh {
                self.terminal.push(None);
            }
            node = child;
        }
        let slot = match self.terminal[node as usize] {
            Some(slot) => slot as usize,
            None => {
                self.payloads.push(Vec::new());
                self.terminal[node as usize] = Some(self.payloads.len() as u32 - 1);
                self.payloads.len() - 1
            }
        };
        if !self.payloads[slot].contains(&payload) {
            self.payloads[slot].push(payload);
        }
    }

    /// Freezes the names for matching.
    pub fn build(self) -> Lexicon<P> {
        Lexicon {
            keys: self.keys,
            edges: self.edges,
            terminal: self.terminal,
            payloads: self.payloads,
        }
    }
}

/// A compiled set of names.
pub struct Lexicon<P> {
    keys: FastMap<String, u32>,
    edges: FastMap<(u32, u32), u32>,
    terminal: Vec<Option<u32>>,
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

    /// Maps a document's token keys to this lexicon's key IDs, for
    /// [`Lexicon::find`].
    pub fn encode(&self, keys: &[&str]) -> Vec<u32> {
        keys.iter().map(|k| self.key_id(k)).collect()
    }

    /// Every token key a name has, with its ID.
    pub fn keys(&self) -> impl Iterator<Item = (&str, u32)> {
        self.keys.iter().map(|(k, &id)| (k.as_str(), id))
    }

    /// The ID of one token key ([`UNKNOWN`], 0, for a key no name has).
    pub fn key_id(&self, key: &str) -> u32 {
        self.keys.get(key).copied().unwrap_or(UNKNOWN)
    }

    /// Longest names, left to right, not overlapping.
    pub fn find(&self, encoded: &[u32]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < encoded.len() {
            let mut node = ROOT;
            let mut best: Option<(usize, u32)> = None;
            let mut j = i;
            while j < encoded.len() && encoded[j] != UNKNOWN {
                let Some(&child) = self.edges.get(&(node, encoded[j])) else {
                    break;
                };
                node = child;
                j += 1;
                if let Some(slot) = self.terminal[node as usize] {
                    best = Some((j, slot));
                }
            }
            match best {
                Some((end, slot)) => {
                    hits.push(Hit {
                        first: i,
                        last: end,
                        pattern: slot as usize,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        hits
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
