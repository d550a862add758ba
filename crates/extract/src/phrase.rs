//! Cue phrases from the rule files: words matched in order on folded
//! tokens, where `word*` is a prefix and `~` skips up to three words.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::lexicon::FastMap;

use crate::text::{stem, Analysed, LatinRules, Script, Token};

/// A phrase word. The IDs are the word's numbers in the [`Vocabulary`] the
/// set is linked to (0 while unlinked).
#[derive(Debug, Clone, PartialEq)]
enum Word {
    Exact {
        folded: String,
        key: String,
        folded_id: u32,
        key_id: u32,
    },
    Prefix(String, u32),
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
                words.push(Word::Prefix(p.to_string(), 0));
            } else {
                // Hyphenated words are separate tokens in the text.
                for part in w.split('-').filter(|p| !p.is_empty()) {
                    words.push(Word::Exact {
                        folded: part.to_string(),
                        key: key_of(part),
                        folded_id: 0,
                        key_id: 0,
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
        Word::Exact { folded, key: k, .. } => {
            t.folded == *folded || (t.script == Script::Latin && key == k)
        }
        Word::Prefix(p, _) => t.folded.starts_with(p.as_str()),
        Word::Gap => true,
    }
}

/// [`word_matches`] over a document's word IDs (the set is linked to the
/// document's vocabulary).
fn word_matches_id(w: &Word, d: &DocWords<'_>, i: usize) -> bool {
    match w {
        Word::Exact {
            folded_id, key_id, ..
        } => {
            d.folded[i] == *folded_id
                || (d.key[i] == *key_id && d.tokens[i].script == Script::Latin)
        }
        Word::Prefix(p, id) => p.is_empty() || d.prefixes(i).contains(id),
        Word::Gap => true,
    }
}

static VOCABULARIES: AtomicU64 = AtomicU64::new(1);

/// The words of phrase sets, numbered, so that a document's tokens are
/// looked up once ([`Vocabulary::document`]) and every linked set matches
/// over integers instead of hashing and comparing strings per token per
/// set. Matching with IDs finds exactly what matching with strings finds.
pub struct Vocabulary {
    /// Unique among the vocabularies of the process.
    id: u64,
    /// Exact folded words and keys (IDs from 1).
    words: FastMap<String, u32>,
    /// Prefix words (IDs from 1).
    prefixes: FastMap<String, u32>,
    /// The prefix words as a byte trie: a token's prefixes are found in one
    /// walk over its bytes.
    prefix_trie: Vec<TrieNode>,
    /// The same trie in three flat arrays (made on first use after the
    /// last link), so that a walk touches one cache line per byte rather
    /// than chasing each node's own edge list.
    flat: OnceLock<FlatTrie>,
}

/// A byte trie laid out flat: node `n`'s edges are
/// `bytes[first[n]..first[n + 1]]` (sorted) leading to `targets[…]`.
#[derive(Default)]
struct FlatTrie {
    ids: Vec<u32>,
    first: Vec<u32>,
    bytes: Vec<u8>,
    targets: Vec<u32>,
}

impl FlatTrie {
    fn of(nodes: &[TrieNode]) -> FlatTrie {
        let mut t = FlatTrie::default();
        for n in nodes {
            t.ids.push(n.id);
            t.first.push(t.bytes.len() as u32);
            for &(b, child) in &n.edges {
                t.bytes.push(b);
                t.targets.push(child);
            }
        }
        t.first.push(t.bytes.len() as u32);
        t
    }

    /// The child of `node` by byte `b`.
    #[inline]
    fn child(&self, node: usize, b: u8) -> Option<usize> {
        let (from, to) = (self.first[node] as usize, self.first[node + 1] as usize);
        let at = self.bytes[from..to].binary_search(&b).ok()?;
        Some(self.targets[from + at] as usize)
    }
}

/// A node of the prefix trie: the ID of the prefix word ending here (0:
/// none) and the edges by byte, sorted.
#[derive(Default)]
struct TrieNode {
    id: u32,
    edges: Vec<(u8, u32)>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            id: VOCABULARIES.fetch_add(1, Ordering::Relaxed),
            words: FastMap::default(),
            prefixes: FastMap::default(),
            prefix_trie: vec![TrieNode::default()],
            flat: OnceLock::new(),
        }
    }
}

fn intern(map: &mut FastMap<String, u32>, w: &str) -> u32 {
    if let Some(&id) = map.get(w) {
        return id;
    }
    let id = map.len() as u32 + 1;
    map.insert(w.to_string(), id);
    id
}

impl Vocabulary {
    /// Numbers the words of a set and indexes it by their IDs; the set then
    /// matches over documents of this vocabulary with [`PhraseSet::find_in`].
    pub fn link<P>(&mut self, set: &mut PhraseSet<P>) {
        self.flat = OnceLock::new();
        for (phrase, _) in &mut set.phrases {
            for w in &mut phrase.words {
                match w {
                    Word::Exact {
                        folded,
                        key,
                        folded_id,
                        key_id,
                    } => {
                        *folded_id = intern(&mut self.words, folded);
                        *key_id = intern(&mut self.words, key);
                    }
                    Word::Prefix(p, id) => {
                        *id = intern(&mut self.prefixes, p);
                        if !p.is_empty() {
                            let mut node = 0usize;
                            for &b in p.as_bytes() {
                                let edges = &self.prefix_trie[node].edges;
                                node = match edges.binary_search_by_key(&b, |e| e.0) {
                                    Ok(at) => edges[at].1 as usize,
                                    Err(at) => {
                                        let child = self.prefix_trie.len();
                                        self.prefix_trie.push(TrieNode::default());
                                        self.prefix_trie[node].edges.insert(at, (b, child as u32));
                                        child
                                    }
                                };
                            }
                            self.prefix_trie[node].id = *id;
                        }
                    }
                    Word::Gap => {}
                }
            }
        }
        let mut by_word: FastMap<u32, Vec<usize>> = FastMap::default();
        let mut by_pair: FastMap<(u32, u32), Vec<usize>> = FastMap::default();
        let mut by_pair_prefix: FastMap<(u32, u32), Vec<usize>> = FastMap::default();
        let mut by_prefix: FastMap<u32, Vec<usize>> = FastMap::default();
        let mut by_prefix_word: FastMap<(u32, u32), Vec<usize>> = FastMap::default();
        let mut by_prefix_prefix: FastMap<(u32, u32), Vec<usize>> = FastMap::default();
        let ids = |w: &Word| match w {
            Word::Exact {
                folded_id, key_id, ..
            } if key_id != folded_id => [Some(*folded_id), Some(*key_id)],
            Word::Exact { folded_id, .. } => [Some(*folded_id), None],
            _ => [None, None],
        };
        for (index, (phrase, _)) in set.phrases.iter().enumerate() {
            match &phrase.words[0] {
                first @ Word::Exact { .. } => {
                    let second = phrase.words.get(1).map(ids).unwrap_or_default();
                    let second_prefix = match phrase.words.get(1) {
                        Some(Word::Prefix(p, id)) if !p.is_empty() => Some(*id),
                        _ => None,
                    };
                    for a in ids(first).into_iter().flatten() {
                        // "military train*": by the first word and the prefix.
                        if let Some(b) = second_prefix {
                            let list = by_pair_prefix.entry((a, b)).or_default();
                            if !list.contains(&index) {
                                list.push(index);
                            }
                            continue;
                        }
                        // Phrases of two exact words and more are indexed by
                        // their first two words: a frequent first word
                        // ("joint", "common") then tries only its phrases
                        // with the right second word.
                        if second[0].is_some() {
                            for b in second.into_iter().flatten() {
                                let list = by_pair.entry((a, b)).or_default();
                                if !list.contains(&index) {
                                    list.push(index);
                                }
                            }
                        } else {
                            by_word.entry(a).or_default().push(index);
                        }
                    }
                }
                // "uni* celn*", "take* effect": by the prefix and the
                // second word, so that a frequent prefix ("uni", "pre")
                // tries only its phrases with the right second word.
                Word::Prefix(_, id) => match phrase.words.get(1) {
                    Some(second @ Word::Exact { .. }) => {
                        for b in ids(second).into_iter().flatten() {
                            let list = by_prefix_word.entry((*id, b)).or_default();
                            if !list.contains(&index) {
                                list.push(index);
                            }
                        }
                    }
                    Some(Word::Prefix(p, second)) if !p.is_empty() => {
                        by_prefix_prefix
                            .entry((*id, *second))
                            .or_default()
                            .push(index);
                    }
                    _ => by_prefix.entry(*id).or_default().push(index),
                },
                Word::Gap => {}
            }
        }
        by_word.retain(|_, list| !list.is_empty());
        set.word_bits.clear();
        set.single_bits.clear();
        for &id in by_word.keys() {
            bit_set(&mut set.word_bits, id);
            bit_set(&mut set.single_bits, id);
        }
        set.second_bits.clear();
        for &(a, b) in by_pair.keys() {
            bit_set(&mut set.word_bits, a);
            bit_set(&mut set.second_bits, b);
        }
        set.pair_prefix_bits.clear();
        for &(a, _) in by_pair_prefix.keys() {
            bit_set(&mut set.word_bits, a);
            bit_set(&mut set.pair_prefix_bits, a);
        }
        set.prefix_bits.clear();
        set.prefix_single_bits.clear();
        for &id in by_prefix.keys() {
            bit_set(&mut set.prefix_bits, id);
            bit_set(&mut set.prefix_single_bits, id);
        }
        set.prefix_pair_bits.clear();
        for &(id, _) in by_prefix_word.keys().chain(by_prefix_prefix.keys()) {
            bit_set(&mut set.prefix_bits, id);
            bit_set(&mut set.prefix_pair_bits, id);
        }
        set.by_prefix_word_id = by_prefix_word;
        set.by_prefix_prefix_id = by_prefix_prefix;
        set.by_word_id = by_word;
        set.by_pair_id = by_pair;
        set.by_pair_prefix_id = by_pair_prefix;
        set.by_prefix_id = by_prefix;
        set.linked = self.id;
    }

    /// The ID of a word, numbered if it is new: other stages keep their
    /// own facts about words (names' keys, month names) in tables by this
    /// ID and read them for a document's tokens with
    /// [`DocWords::folded_id`] and [`DocWords::key_id`], so that each
    /// distinct word of a document is looked up once for all of them.
    pub fn word_id(&mut self, w: &str) -> u32 {
        intern(&mut self.words, w)
    }

    /// A table by word ID of facts about words (other entries default),
    /// numbering the words that are new.
    pub fn table_of<'w, T: Clone + Default>(
        &mut self,
        facts: impl IntoIterator<Item = (&'w str, T)>,
    ) -> Vec<T> {
        let mut table = Vec::new();
        for (word, fact) in facts {
            let id = self.word_id(word) as usize;
            if table.len() <= id {
                table.resize(id + 1, T::default());
            }
            table[id] = fact;
        }
        table
    }

    /// Which vocabulary this is (documents' [`DocWords::vocabulary`]).
    pub fn identity(&self) -> u64 {
        self.id
    }

    /// A document's tokens (and their stemmed keys) as word IDs, looked up
    /// once per distinct word.
    pub fn document<'a>(&self, a: &'a Analysed<'_>, keys: &'a [&'a str]) -> DocWords<'a> {
        let tokens = &a.tokens[..];
        let mut d = DocWords {
            vocabulary: self.id,
            tokens,
            keys,
            folded: Vec::with_capacity(tokens.len()),
            key: Vec::with_capacity(tokens.len()),
            prefix_at: Vec::with_capacity(tokens.len()),
            prefix_ids: Vec::new(),
        };
        let trie = self.flat.get_or_init(|| FlatTrie::of(&self.prefix_trie));
        let per_form: Vec<(u32, u32, u32, u32)> = a
            .forms
            .first_token
            .iter()
            .map(|&ti| {
                let (w, key) = (tokens[ti as usize].folded.as_str(), keys[ti as usize]);
                let id = self.words.get(w).copied().unwrap_or(0);
                let key_id = if key == w {
                    id
                } else {
                    self.words.get(key).copied().unwrap_or(0)
                };
                let from = d.prefix_ids.len() as u32;
                // A prefix word ends on a char boundary of the token when
                // all its bytes match.
                let mut node = 0usize;
                for &b in w.as_bytes() {
                    match trie.child(node, b) {
                        Some(child) => node = child,
                        None => break,
                    }
                    let id = trie.ids[node];
                    if id != 0 {
                        d.prefix_ids.push(id);
                    }
                }
                (id, key_id, from, d.prefix_ids.len() as u32)
            })
            .collect();
        for &f in &a.forms.of_token {
            let (id, key_id, from, to) = per_form[f as usize];
            d.folded.push(id);
            d.key.push(key_id);
            d.prefix_at.push((from, to));
        }
        d
    }
}

/// A document's tokens as the word IDs of a [`Vocabulary`] (0: a word no
/// phrase has).
pub struct DocWords<'a> {
    vocabulary: u64,
    /// The tokens.
    pub tokens: &'a [Token],
    /// Their stemmed keys.
    pub keys: &'a [&'a str],
    folded: Vec<u32>,
    key: Vec<u32>,
    prefix_at: Vec<(u32, u32)>,
    prefix_ids: Vec<u32>,
}

impl DocWords<'_> {
    /// The vocabulary the IDs are of ([`Vocabulary::identity`]).
    pub fn vocabulary(&self) -> u64 {
        self.vocabulary
    }

    /// The word ID of token `i`'s folded form (0: not in the vocabulary).
    pub fn folded_id(&self, i: usize) -> u32 {
        self.folded.get(i).copied().unwrap_or(0)
    }

    /// The word ID of token `i`'s stemmed key (0: not in the vocabulary).
    pub fn key_id(&self, i: usize) -> u32 {
        self.key.get(i).copied().unwrap_or(0)
    }

    /// IDs of the prefix words token `i` starts with.
    fn prefixes(&self, i: usize) -> &[u32] {
        let (from, to) = self.prefix_at[i];
        &self.prefix_ids[from as usize..to as usize]
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
    /// The vocabulary the set is linked to (0: none).
    linked: u64,
    /// Phrases of one exact word (or an exact word before a prefix or a
    /// gap) by the ID of their first word (under its folded form and key);
    /// every first word has an entry, empty when its phrases are all pairs.
    by_word_id: FastMap<u32, Vec<usize>>,
    /// Phrases starting with two exact words, by the IDs of both.
    by_pair_id: FastMap<(u32, u32), Vec<usize>>,
    /// Phrases starting with an exact word and a prefix, by the IDs of
    /// both.
    by_pair_prefix_id: FastMap<(u32, u32), Vec<usize>>,
    /// Phrases of one prefix word (or a prefix before a gap) by its ID.
    by_prefix_id: FastMap<u32, Vec<usize>>,
    /// Phrases starting with a prefix and an exact word, by the IDs of
    /// both.
    by_prefix_word_id: FastMap<(u32, u32), Vec<usize>>,
    /// Phrases starting with two prefixes, by the IDs of both.
    by_prefix_prefix_id: FastMap<(u32, u32), Vec<usize>>,
    /// Bit sets of the IDs in `by_word_id` and `by_prefix_id`, to pass
    /// over tokens that start no phrase of the set without hashing.
    word_bits: Vec<u64>,
    prefix_bits: Vec<u64>,
    /// IDs with phrases of their own in `by_word_id`.
    single_bits: Vec<u64>,
    /// IDs that are the second word of a pair in `by_pair_id`.
    second_bits: Vec<u64>,
    /// IDs that are the first word of a pair in `by_pair_prefix_id`.
    pair_prefix_bits: Vec<u64>,
    /// Prefix IDs with phrases of their own in `by_prefix_id`.
    prefix_single_bits: Vec<u64>,
    /// Prefix IDs that start a pair in `by_prefix_word_id` or
    /// `by_prefix_prefix_id`.
    prefix_pair_bits: Vec<u64>,
}

fn bit_set(bits: &mut Vec<u64>, id: u32) {
    let (w, b) = (id as usize / 64, id % 64);
    if bits.len() <= w {
        bits.resize(w + 1, 0);
    }
    bits[w] |= 1 << b;
}

fn bit_has(bits: &[u64], id: u32) -> bool {
    bits.get(id as usize / 64)
        .is_some_and(|w| w & (1 << (id % 64)) != 0)
}

impl<P> Default for PhraseSet<P> {
    fn default() -> Self {
        PhraseSet {
            phrases: Vec::new(),
            by_word: FastMap::default(),
            by_prefix: FastMap::default(),
            linked: 0,
            by_word_id: FastMap::default(),
            by_pair_id: FastMap::default(),
            by_pair_prefix_id: FastMap::default(),
            by_prefix_id: FastMap::default(),
            by_prefix_word_id: FastMap::default(),
            by_prefix_prefix_id: FastMap::default(),
            word_bits: Vec::new(),
            prefix_bits: Vec::new(),
            single_bits: Vec::new(),
            second_bits: Vec::new(),
            pair_prefix_bits: Vec::new(),
            prefix_single_bits: Vec::new(),
            prefix_pair_bits: Vec::new(),
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
            Word::Exact { folded, key, .. } => {
                self.by_word.entry(folded.clone()).or_default().push(index);
                if key != folded {
                    self.by_word.entry(key.clone()).or_default().push(index);
                }
            }
            Word::Prefix(p, _) if !p.is_empty() => self
                .by_prefix
                .entry(head(p, PREFIX_INDEX).to_string())
                .or_default()
                .push(index),
            _ => return false,
        }
        self.phrases.push((phrase, payload));
        // New words are not in any vocabulary yet.
        self.linked = 0;
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

    /// Every phrase occurrence within `range` of a document's tokens,
    /// ordered by position: the same as [`PhraseSet::find`], over word IDs
    /// when the set is linked to the document's vocabulary.
    pub fn find_in(&self, d: &DocWords<'_>, range: std::ops::Range<usize>) -> Vec<PhraseHit> {
        if self.linked != d.vocabulary {
            return self.find(d.tokens, d.keys, range);
        }
        let mut hits = Vec::new();
        if self.phrases.is_empty() {
            return hits;
        }
        for i in range.clone() {
            let (f, k) = (d.folded[i], d.key[i]);
            let prefixes = d.prefixes(i);
            if !bit_has(&self.word_bits, f)
                && !bit_has(&self.word_bits, k)
                && !prefixes.iter().any(|&p| bit_has(&self.prefix_bits, p))
            {
                continue;
            }
            let k = if k != f { k } else { 0 };
            let (f2, k2) = if i + 1 < range.end {
                let (f2, k2) = (d.folded[i + 1], d.key[i + 1]);
                (f2, if k2 != f2 { k2 } else { 0 })
            } else {
                (0, 0)
            };
            // Each table is asked only when the bit sets say it may hold
            // the word: most tokens that pass the filter start a phrase
            // of one kind only. A phrase listed under both the token's
            // form and its key is tried twice and found twice: the
            // duplicates go below.
            let end = range.end;
            let mut try_phrases = |list: Option<&Vec<usize>>| {
                for &pi in list.into_iter().flatten() {
                    if let Some(last) = match_ids(&self.phrases[pi].0.words, d, i, end) {
                        hits.push(PhraseHit {
                            phrase: pi,
                            first: i,
                            last,
                        });
                    }
                }
            };
            for a in [f, k] {
                if a != 0 && bit_has(&self.single_bits, a) {
                    try_phrases(self.by_word_id.get(&a));
                }
            }
            for b in [f2, k2] {
                if b != 0 && bit_has(&self.second_bits, b) {
                    for a in [f, k] {
                        if a != 0 {
                            try_phrases(self.by_pair_id.get(&(a, b)));
                        }
                    }
                }
            }
            for &p in prefixes {
                if bit_has(&self.prefix_single_bits, p) {
                    try_phrases(self.by_prefix_id.get(&p));
                }
            }
            let has_next = i + 1 < end;
            if has_next && prefixes.iter().any(|&p| bit_has(&self.prefix_pair_bits, p)) {
                let next_prefixes = d.prefixes(i + 1);
                for &p in prefixes {
                    if !bit_has(&self.prefix_pair_bits, p) {
                        continue;
                    }
                    for b in [f2, k2] {
                        if b != 0 {
                            try_phrases(self.by_prefix_word_id.get(&(p, b)));
                        }
                    }
                    for &q in next_prefixes {
                        try_phrases(self.by_prefix_prefix_id.get(&(p, q)));
                    }
                }
            }
            if has_next
                && (bit_has(&self.pair_prefix_bits, f) || bit_has(&self.pair_prefix_bits, k))
            {
                for &p in d.prefixes(i + 1) {
                    for a in [f, k] {
                        if a != 0 {
                            try_phrases(self.by_pair_prefix_id.get(&(a, p)));
                        }
                    }
                }
            }
        }
        hits.sort_by_key(|h| (h.first, h.phrase));
        hits.dedup_by_key(|h| (h.first, h.phrase));
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

/// `PhraseSet::match_at` over word IDs.
fn match_ids(words: &[Word], d: &DocWords<'_>, at: usize, end: usize) -> Option<usize> {
    let mut pos = at;
    let mut wi = 0;
    while wi < words.len() {
        match &words[wi] {
            Word::Gap => {
                let rest = &words[wi + 1..];
                if rest.is_empty() {
                    return Some(pos);
                }
                for skip in 0..=3 {
                    if pos + skip >= end {
                        break;
                    }
                    if let Some(last) = match_ids(rest, d, pos + skip, end) {
                        return Some(last);
                    }
                }
                return None;
            }
            w => {
                if pos >= end || !word_matches_id(w, d, pos) {
                    return None;
                }
                pos += 1;
                wi += 1;
            }
        }
    }
    Some(pos)
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
