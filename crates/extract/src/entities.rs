//! Entity resolution: catalogue names found over stemmed token keys, with
//! case rules for acronyms, context rules for ambiguous names, treaty-name
//! extension, and acronyms defined in the document itself.

use std::collections::HashMap;

use crate::catalogue::Catalogue;
use crate::lexicon::{Lexicon, LexiconBuilder};
use crate::phrase::{DocWords, PhraseSet, Vocabulary};
use crate::text::{analyse, oblique_variant, stem, transliterate, Analysed, LatinRules, Script};

/// How a name refers to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A name of the entity.
    Alias,
    /// A name that stands for it (a capital for its government).
    Metonym,
    /// An adjective or demonym (used for actors, not reported as mention).
    Demonym,
}

/// What a catalogue name points to.
#[derive(Debug, Clone, PartialEq)]
pub struct NameRef {
    /// Index of the entity in the catalogue.
    pub entity: usize,
    /// How the name refers to it.
    pub role: Role,
    /// The surface must be in capitals (short acronyms).
    pub all_caps: bool,
    /// The surface must start with a capital letter: a person's name
    /// written in capitals ("Лавров", not the laurel "лавр"; "Медведев",
    /// not the bear "медведь").
    pub capitalised: bool,
    /// Index of a context rule that must hold.
    pub context: Option<usize>,
}

/// A context rule of a contextual alias.
pub struct ContextRule {
    /// Surface form to compare when case matters.
    pub surface: Option<String>,
    /// Phrases of which one must be in the sentence (unless quoted).
    pub near: PhraseSet<()>,
    /// Phrases none of which may be in the sentence.
    pub avoid: PhraseSet<()>,
}

/// The compiled names of the catalogue.
pub struct NameIndex {
    /// Names over token keys.
    pub lexicon: Lexicon<NameRef>,
    /// Context rules.
    pub contexts: Vec<ContextRule>,
    /// The vocabulary linked with [`NameIndex::link`] (0: none) and the
    /// lexicon's key ID of each of its word IDs.
    vocabulary: u64,
    key_of_word: Vec<u32>,
}

/// Keys of a name's tokens under each stemming convention that can apply.
pub fn name_variants(name: &str) -> Vec<Vec<String>> {
    let a = analyse(name);
    if a.tokens.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut push = |v: Vec<String>| {
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    };
    for rules in [LatinRules::English, LatinRules::Polish] {
        let keys: Vec<String> = a
            .tokens
            .iter()
            .map(|t| stem(&t.folded, t.script, rules))
            .collect();
        // A name's other case forms: the stemmer takes "-ов" off "Лавров"
        // (as off the genitive plural "городов") but only the case ending
        // off "Лаврова", "Лавровым"; "Сергей" loses "-ей", "Сергея" only
        // "-я"; Polish "Aleksiej" loses "-ej", "Aleksieja" only "-a". The
        // key the case forms share is added beside the nominative's.
        if let Some(variant) = oblique_variant(&a.tokens, &keys, rules, |_, _| true) {
            push(variant);
        }
        push(keys);
    }
    if a.tokens.iter().any(|t| t.script == Script::Cyrillic) {
        push(
            a.tokens
                .iter()
                .map(|t| {
                    let latin = transliterate(&t.folded);
                    stem(&latin, Script::Latin, LatinRules::English)
                })
                .collect(),
        );
    }
    out
}

fn is_short_acronym(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 5
        && letters.iter().all(|c| !c.is_lowercase())
        && !name.contains(' ')
}

impl NameIndex {
    /// Links the context rules' phrases to `vocabulary` and numbers every
    /// name's token keys in it, so that a document's words, looked up in
    /// the vocabulary once, give their name keys without a second lookup.
    pub fn link(&mut self, vocabulary: &mut Vocabulary) {
        for c in &mut self.contexts {
            vocabulary.link(&mut c.near);
            vocabulary.link(&mut c.avoid);
        }
        self.key_of_word = vocabulary.table_of(self.lexicon.keys());
        self.vocabulary = vocabulary.identity();
    }

    /// The lexicon's key ID of token `i`'s key.
    fn key_id(&self, words: &DocWords<'_>, i: usize) -> u32 {
        if self.vocabulary == words.vocabulary() {
            let word = words.key_id(i) as usize;
            self.key_of_word.get(word).copied().unwrap_or(0)
        } else {
            self.lexicon.key_id(words.keys[i])
        }
    }

    /// Compiles every alias, metonym, demonym and contextual alias.
    pub fn build(catalogue: &Catalogue) -> NameIndex {
        let mut builder = LexiconBuilder::default();
        let mut contexts = Vec::new();
        for (index, entity) in catalogue.entities().iter().enumerate() {
            let add = |name: &str,
                       role: Role,
                       context: Option<usize>,
                       builder: &mut LexiconBuilder<NameRef>| {
                let all_caps = is_short_acronym(name);
                let capitalised = entity.kind == "person"
                    && role != Role::Demonym
                    && name.chars().next().is_some_and(char::is_uppercase);
                for keys in name_variants(name) {
                    builder.add(
                        &keys,
                        NameRef {
                            entity: index,
                            role,
                            all_caps,
                            capitalised,
                            context,
                        },
                    );
                }
            };
            for names in entity.aliases.values() {
                for n in names {
                    add(n, Role::Alias, None, &mut builder);
                }
            }
            for n in &entity.metonyms {
                add(n, Role::Metonym, None, &mut builder);
            }
            for n in &entity.demonyms {
                add(n, Role::Demonym, None, &mut builder);
            }
            for c in &entity.contextual {
                let mut near = PhraseSet::default();
                for p in &c.near {
                    near.add(p, ());
                }
                let mut avoid = PhraseSet::default();
                for p in &c.avoid {
                    avoid.add(p, ());
                }
                contexts.push(ContextRule {
                    surface: c.case_sensitive.then(|| c.alias.clone()),
                    near,
                    avoid,
                });
                add(
                    &c.alias,
                    Role::Alias,
                    Some(contexts.len() - 1),
                    &mut builder,
                );
            }
        }
        NameIndex {
            lexicon: builder.build(),
            contexts,
            vocabulary: 0,
            key_of_word: Vec::new(),
        }
    }
}

/// A resolved name in a document.
#[derive(Debug, Clone)]
pub struct EntityHit {
    /// Catalogue index.
    pub entity: usize,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// How it refers.
    pub role: Role,
    /// Sentence index.
    pub sentence: usize,
}

fn quoted(a: &Analysed<'_>, first: usize, last: usize) -> bool {
    let before = a.text[..a.tokens[first].start].chars().next_back();
    let after = a.text[a.tokens[last - 1].end..].chars().next();
    let q = |c: Option<char>| {
        matches!(
            c,
            Some('"' | '“' | '”' | '«' | '»' | '‘' | '’' | '\'' | '„')
        )
    };
    q(before) && q(after)
}

/// Finds catalogue names, applying case and context rules, treaty-name
/// extension to the left, and in-document acronym definitions.
pub fn resolve(
    index: &NameIndex,
    catalogue: &Catalogue,
    extend_left: &[String],
    a: &Analysed<'_>,
    words: &DocWords<'_>,
) -> Vec<EntityHit> {
    // Looked up once per distinct word.
    let per_form: Vec<u32> = a
        .forms
        .first_token
        .iter()
        .map(|&ti| index.key_id(words, ti as usize))
        .collect();
    let encoded: Vec<u32> = a
        .forms
        .of_token
        .iter()
        .map(|&f| per_form[f as usize])
        .collect();
    let mut hits = Vec::new();
    for hit in index.lexicon.find(&encoded) {
        let sentence = a.tokens[hit.first].sentence;
        if a.tokens[hit.last - 1].sentence != sentence {
            continue;
        }
        let sentence_range = a.sentences[sentence].tokens.clone();
        let chosen = index.lexicon.payloads(hit.pattern).iter().find(|r| {
            if r.capitalised && !a.tokens[hit.first].capitalised {
                return false;
            }
            if r.all_caps
                && !a.tokens[hit.first..hit.last]
                    .iter()
                    .all(|t| t.all_caps || t.script == Script::Digits)
            {
                return false;
            }
            if let Some(ci) = r.context {
                let rule = &index.contexts[ci];
                if let Some(surface) = &rule.surface {
                    let written = &a.text[a.tokens[hit.first].start..a.tokens[hit.last - 1].end];
                    if written != surface {
                        return false;
                    }
                }
                let near_ok = rule.near.is_empty()
                    || quoted(a, hit.first, hit.last)
                    || !rule.near.find_in(words, sentence_range.clone()).is_empty();
                let avoid_ok = rule.avoid.find_in(words, sentence_range.clone()).is_empty();
                return near_ok && avoid_ok;
            }
            true
        });
        let Some(r) = chosen else { continue };
        let mut first = hit.first;
        if catalogue.entities()[r.entity].kind == "agreement" {
            while first > sentence_range.start
                && extend_left.iter().any(|w| *w == a.tokens[first - 1].folded)
                && a.text[a.tokens[first - 1].end..a.tokens[first].start]
                    .trim()
                    .is_empty()
            {
                first -= 1;
            }
        }
        hits.push(EntityHit {
            entity: r.entity,
            first,
            last: hit.last,
            role: r.role,
            sentence,
        });
    }
    bind_acronyms(a, &mut hits);
    hits.sort_by_key(|h| h.first);
    hits
}

/// "Long Name (ACR)" binds ACR to Long Name's entity for this document;
/// every later ACR, and any unknown capitalised token one letter away from
/// it ("RRV" after "RGV"), is then a mention too.
fn bind_acronyms(a: &Analysed<'_>, hits: &mut Vec<EntityHit>) {
    let mut bound: HashMap<String, usize> = HashMap::new();
    for h in hits.iter().filter(|h| h.role == Role::Alias) {
        let next = h.last;
        let Some(t) = a.tokens.get(next) else {
            continue;
        };
        let gap = &a.text[a.tokens[h.last - 1].end..t.start];
        if gap.trim() != "(" || !t.all_caps || t.script == Script::Digits {
            continue;
        }
        let len = t.folded.chars().count();
        let after = a.text[t.end..].chars().next();
        if (2..=6).contains(&len) && matches!(after, Some(')' | ',')) {
            bound
                .entry(a.text[t.start..t.end].to_string())
                .or_insert(h.entity);
        }
    }
    if bound.is_empty() {
        return;
    }
    let covered: Vec<bool> = {
        let mut c = vec![false; a.tokens.len()];
        for h in hits.iter() {
            for x in &mut c[h.first..h.last] {
                *x = true;
            }
        }
        c
    };
    for (i, t) in a.tokens.iter().enumerate() {
        if covered[i] || !t.all_caps || t.script == Script::Digits {
            continue;
        }
        let surface = &a.text[t.start..t.end];
        let entity = bound.get(surface).copied().or_else(|| {
            let n = surface.chars().count();
            if n < 3 {
                return None;
            }
            bound.iter().find_map(|(acr, &e)| {
                let same_len = acr.chars().count() == n;
                let same_first = acr.chars().next() == surface.chars().next();
                let diff = acr
                    .chars()
                    .zip(surface.chars())
                    .filter(|(x, y)| x != y)
                    .count();
                (same_len && same_first && diff == 1).then_some(e)
            })
        });
        if let Some(entity) = entity {
            hits.push(EntityHit {
                entity,
                first: i,
                last: i + 1,
                role: Role::Alias,
                sentence: t.sentence,
            });
        }
    }
}
