//! Watchfloor's extraction engine: turns a document's text into the
//! structured, sourced picture of the output contract
//! (`shared/spec/EXTRACT_JSON.md`): catalogue entities with every mention,
//! resolved places, time expressions, and typed events with modality, each
//! tied to the sentence it came from.
//!
//! Everything the engine knows — the catalogue, the gazetteer, the event,
//! modality, date and section rules — is data under `data/`, compiled into
//! the library and loadable from a directory instead. Extraction is pure:
//! text in, values out; it never fails on a document, whatever its text.

pub mod catalogue;
pub mod dates;
pub mod entities;
pub mod events;
mod hash;
pub mod lexicon;
pub mod phrase;
pub mod places;
pub mod rules;
pub mod text;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

use std::path::Path;

use sha2::{Digest, Sha256};
use watchfloor_model::{
    Document, EntityRecord, ExtractRecord, Mention, PlaceKind, PlaceRecord, RecordDoc,
};

pub use catalogue::Catalogue;
use entities::{NameIndex, Role};
use places::Gazetteer;
use rules::{EventRules, ModalityCues, SectionRules};
use text::LatinRules;

/// Problems with the knowledge files.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// A TOML file does not parse.
    #[error("{file}: {message}")]
    Toml {
        /// The file (relative to `data/`).
        file: String,
        /// What the parser said, with line and column.
        message: String,
    },
    /// A file parses but says something impossible.
    #[error("{file}: {message}")]
    Invalid {
        /// The file (relative to `data/`).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A data directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Time spent in each stage of [`Knowledge::extract_timed`], summed over
/// the documents it was given.
#[derive(Debug, Default, Clone, Copy)]
pub struct StageTimes {
    /// Tokens, sentences, distinct words and their keys and cue IDs.
    pub text: std::time::Duration,
    /// Catalogue names, and the places' document context.
    pub entities: std::time::Duration,
    /// Time expressions.
    pub dates: std::time::Duration,
    /// Geoparsing, and the place records and event places it gives.
    pub places: std::time::Duration,
    /// Events, modality and the record's assembly.
    pub events: std::time::Duration,
}

impl StageTimes {
    /// All stages together.
    pub fn total(&self) -> std::time::Duration {
        self.text + self.entities + self.dates + self.places + self.events
    }
}

/// Everything the engine knows, compiled for matching.
pub struct Knowledge {
    /// The entity catalogue.
    pub catalogue: Catalogue,
    /// Its compiled names.
    pub names: NameIndex,
    /// The gazetteer.
    pub gazetteer: Gazetteer,
    /// Event rules.
    pub events: EventRules,
    /// Modality cues.
    pub modality: ModalityCues,
    /// Section headings, name spans, roles.
    pub sections: SectionRules,
    /// Date lexicons.
    pub dates: dates::DateLexicon,
    /// The words of every phrase set above, numbered for matching.
    pub vocabulary: phrase::Vocabulary,
    /// Identifies this engine and knowledge: extractions made under another
    /// version are redone by incremental runs.
    pub version: String,
}

impl Knowledge {
    /// The knowledge compiled into this build.
    pub fn embedded() -> Result<Knowledge, KnowledgeError> {
        let gazetteer = Gazetteer::embedded()?;
        Self::from_files(
            embedded::FILES
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            Some((gazetteer, Gazetteer::embedded_fingerprint())),
        )
    }

    /// Knowledge read from a `data/` directory (for analysts who edit it).
    pub fn from_dir(dir: &Path) -> Result<Knowledge, KnowledgeError> {
        let mut files = Vec::new();
        for sub in ["catalogue", "rules", "gazetteer"] {
            collect(&dir.join(sub), dir, &mut files)?;
        }
        Self::from_files(files, None)
    }

    /// `gazetteer`: the compiled gazetteer and its fingerprint, or `None`
    /// to compile it from the `gazetteer/` files.
    fn from_files(
        files: Vec<(String, String)>,
        gazetteer: Option<(Gazetteer, u64)>,
    ) -> Result<Knowledge, KnowledgeError> {
        let is_gazetteer = |n: &str| n.starts_with("gazetteer/");
        let mut hasher = Sha256::new();
        for (n, t) in files.iter().filter(|(n, _)| !is_gazetteer(n)) {
            hasher.update(n.as_bytes());
            hasher.update(t.as_bytes());
        }
        let catalogue = Catalogue::from_files(
            files
                .iter()
                .filter(|(n, _)| n.starts_with("catalogue/"))
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )?;
        let mut events = EventRules::default();
        let mut modality = ModalityCues::default();
        let mut sections = SectionRules::default();
        let mut dates = dates::DateLexicon::default();
        for (n, t) in &files {
            match n.as_str() {
                "rules/modality.toml" => modality.add_file(n, t)?,
                "rules/dates.toml" => dates.add_file(n, t)?,
                "rules/sections.toml" => sections.add_file(n, t)?,
                n if n.starts_with("rules/events/") => events.add_file(n, t)?,
                _ => {}
            }
        }
        let gazetteer_files = || {
            files
                .iter()
                .filter(|(n, _)| is_gazetteer(n))
                .map(|(n, t)| (n.as_str(), t.as_str()))
        };
        let (gazetteer, fingerprint) = match gazetteer {
            Some(g) => g,
            None => (
                Gazetteer::from_files(gazetteer_files())?,
                places::compile::fingerprint(gazetteer_files()),
            ),
        };
        hasher.update(fingerprint.to_le_bytes());
        let mut names = NameIndex::build(&catalogue);
        let mut vocabulary = phrase::Vocabulary::default();
        vocabulary.link(&mut events.cues);
        for r in &mut events.rules {
            vocabulary.link(&mut r.with_any);
            vocabulary.link(&mut r.unless);
        }
        vocabulary.link(&mut modality.cues);
        vocabulary.link(&mut sections.headings);
        names.link(&mut vocabulary);
        dates.link(&mut vocabulary);
        let version = format!(
            "{}+{}",
            env!("CARGO_PKG_VERSION"),
            &hex::encode(hasher.finalize())[..12]
        );
        Ok(Knowledge {
            catalogue,
            names,
            gazetteer,
            events,
            modality,
            sections,
            dates,
            vocabulary,
            version,
        })
    }

    /// Extracts entities, places, dates and events from one document.
    /// `doc_id` is the document's content hash (`sha256:…`).
    pub fn extract(&self, doc: &Document, doc_id: &str) -> ExtractRecord {
        self.extract_timed(doc, doc_id, &mut StageTimes::default())
    }

    /// [`Knowledge::extract`], adding the time each stage took to `times`
    /// (for benchmarks: what share geoparsing takes, where time goes).
    pub fn extract_timed(
        &self,
        doc: &Document,
        doc_id: &str,
        times: &mut StageTimes,
    ) -> ExtractRecord {
        let mut clock = std::time::Instant::now();
        let mut lap = |slot: &mut std::time::Duration| {
            let now = std::time::Instant::now();
            *slot += now - clock;
            clock = now;
        };
        let a = text::analyse(&doc.text);
        lap(&mut times.text);
        let latin = if doc.language.as_deref() == Some("pl") {
            LatinRules::Polish
        } else {
            LatinRules::English
        };
        // A key is a prefix of its folded word, save Polish soft endings
        // made hard, which are spelt out in one buffer.
        // Stemmed once per distinct word.
        let mut respelt = String::new();
        let key_spans: Vec<Result<usize, (usize, usize)>> = a
            .forms
            .first_token
            .iter()
            .map(|&ti| {
                let t = &a.tokens[ti as usize];
                match text::stem_parts(&t.folded, t.script, latin) {
                    (stem, "") => Ok(stem.len()),
                    (stem, ending) => {
                        let from = respelt.len();
                        respelt.push_str(stem);
                        respelt.push_str(ending);
                        Err((from, respelt.len()))
                    }
                }
            })
            .collect();
        let form_keys: Vec<&str> = a
            .forms
            .first_token
            .iter()
            .zip(&key_spans)
            .map(|(&ti, span)| match *span {
                Ok(len) => &a.tokens[ti as usize].folded[..len],
                Err((from, to)) => &respelt[from..to],
            })
            .collect();
        let keys: Vec<&str> = a
            .forms
            .of_token
            .iter()
            .map(|&f| form_keys[f as usize])
            .collect();
        let words = self.vocabulary.document(&a, &keys);
        lap(&mut times.text);

        let hits = entities::resolve(
            &self.names,
            &self.catalogue,
            &self.sections.extend_left,
            &a,
            &words,
        );
        lap(&mut times.entities);
        let mut places_ctx = places::DocContext {
            focus: Default::default(),
            skip: vec![false; a.tokens.len()],
        };
        for h in &hits {
            let e = &self.catalogue.entities()[h.entity];
            if e.kind == "country" {
                *places_ctx.focus.entry(e.id.clone()).or_default() += 1;
            } else if let Some(c) = &e.country {
                *places_ctx.focus.entry(c.clone()).or_default() += 1;
            }
            // Persons, demonyms ("Belarusian") and names of organisations,
            // weapons… ("Union State", "Iskander") are not places. A treaty
            // named after where it was signed ("Tashkent Pact", "Minsk
            // agreements") names a place with its first word only.
            let from = if e.kind == "agreement" && h.role != Role::Demonym {
                h.first + 1
            } else {
                h.first
            };
            // Country adjectives are left to the gazetteer (curated/demonyms.tsv),
            // which marks them as modifiers, not as where something happens.
            // A city named for an organisation ("Brussels" for the EU) is
            // still a place: the geoparser and the acting test below decide.
            if !matches!(e.kind.as_str(), "country" | "site") && h.role != Role::Metonym {
                for s in &mut places_ctx.skip[from.min(h.last)..h.last] {
                    *s = true;
                }
            }
        }
        // Dates are not places ("May 15" is not Miami's alternate name).
        lap(&mut times.entities);
        let dates = dates::find_dates(&self.dates, &a, &words, doc.published.as_deref());
        for d in &dates {
            for s in &mut places_ctx.skip[d.first..d.last.min(a.tokens.len())] {
                *s = true;
            }
        }
        lap(&mut times.dates);
        let place_hits = places::geoparse(&self.gazetteer, &a, &keys, &places_ctx);
        lap(&mut times.places);

        let mention = |first: usize, last: usize| {
            let (s, e) = (a.tokens[first].start, a.tokens[last - 1].end);
            Mention {
                start: a.tokens[first].cstart,
                end: a.tokens[last - 1].cend,
                text: a.text[s..e].to_string(),
            }
        };

        let mut entity_records: Vec<EntityRecord> = Vec::new();
        let mut entity_slot: lexicon::FastMap<usize, usize> = Default::default();
        for h in hits.iter().filter(|h| h.role != Role::Demonym) {
            let e = &self.catalogue.entities()[h.entity];
            let slot = *entity_slot.entry(h.entity).or_insert_with(|| {
                entity_records.push(EntityRecord {
                    id: e.id.clone(),
                    kind: e.entity_kind(),
                    name: e.name.clone(),
                    mentions: Vec::new(),
                });
                entity_records.len() - 1
            });
            entity_records[slot].mentions.push(mention(h.first, h.last));
        }

        lap(&mut times.entities);
        let mut place_records: Vec<PlaceRecord> = Vec::new();
        let mut place_slot: lexicon::FastMap<usize, usize> = Default::default();
        let mut event_places = Vec::new();
        // Tokens inside a name the catalogue reads as a metonym.
        let mut in_metonym = vec![false; a.tokens.len()];
        for e in hits.iter().filter(|e| e.role == Role::Metonym) {
            for x in &mut in_metonym[e.first..e.last.min(a.tokens.len())] {
                *x = true;
            }
        }
        for h in &place_hits {
            let p = &self.gazetteer.places[h.place];
            let slot = *place_slot.entry(h.place).or_insert_with(|| {
                place_records.push(PlaceRecord {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    country: p.country.clone(),
                    kind: p.kind,
                    lat: Some(p.lat),
                    lon: Some(p.lon),
                    precision: p.precision,
                    mentions: Vec::new(),
                });
                place_records.len() - 1
            });
            let (s, e, cs, ce) = places::mention_bounds(&a, h);
            place_records[slot].mentions.push(Mention {
                start: cs,
                end: ce,
                text: a.text[s..e].to_string(),
            });
            // "Moscow said", "enable Moscow to conduct": the government
            // acting, not where it happens — a capital the catalogue knows as
            // a metonym is a place only after a place preposition ("in Moscow").
            let acting = in_metonym[h.first]
                && !(h.first > 0
                    && self
                        .sections
                        .locative_prepositions
                        .iter()
                        .any(|p| *p == a.tokens[h.first - 1].folded));
            if p.kind != PlaceKind::Country && !h.metonymic && !acting {
                event_places.push((h.sentence, p.id.as_str(), p.country.as_deref()));
            }
        }

        let facts = events::DocumentFacts {
            entities: &hits,
            dates: &dates,
            places: &event_places,
        };
        lap(&mut times.places);
        let events = events::detect(self, &a, &words, &facts, doc.language.as_deref());
        lap(&mut times.events);
        ExtractRecord {
            doc: RecordDoc {
                id: doc_id.to_string(),
                source: doc.source.clone(),
                title: doc.title.clone(),
                language: doc.language.clone(),
                published: doc.published.clone(),
                chars: a.chars,
            },
            entities: entity_records,
            places: place_records,
            events,
        }
    }
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) -> Result<(), KnowledgeError> {
    let io = |e| KnowledgeError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out)?;
        } else if path.extension().is_some_and(|e| e == "toml" || e == "tsv") {
            let text = std::fs::read_to_string(&path).map_err(|e| KnowledgeError::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
    Ok(())
}
