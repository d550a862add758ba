//! Toponyms: the embedded gazetteer (`data/gazetteer/`, GeoNames CC BY 4.0
//! plus a curated layer of military sites and regions) matched over the same
//! stemmed token keys as catalogue names, and resolved with population,
//! feature class and the document's country focus.

use std::collections::HashMap;

use watchfloor_model::PlaceKind;

use crate::lexicon::{Lexicon, LexiconBuilder};
use crate::text::{analyse, stem, Analysed, LatinRules, Script};
use crate::KnowledgeError;

/// One gazetteer entry.
#[derive(Debug, Clone)]
pub struct Place {
    /// `geo:` + GeoNames id or curated slug.
    pub id: String,
    /// English name.
    pub name: String,
    /// ISO 3166-1 alpha-3.
    pub country: Option<String>,
    /// Kind of place.
    pub kind: PlaceKind,
    /// GeoNames feature code or curated kind.
    pub feature: String,
    /// Population (0 where unknown).
    pub population: u64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Precision code 1–3.
    pub precision: u8,
}

/// The gazetteer and its name index.
pub struct Gazetteer {
    /// Every place.
    pub places: Vec<Place>,
    lexicon: Lexicon<u32>,
}

fn parse_f64(file: &str, line: usize, v: &str) -> Result<f64, KnowledgeError> {
    v.trim().parse().map_err(|_| KnowledgeError::Invalid {
        file: file.to_string(),
        message: format!("line {line}: {v:?} is not a number"),
    })
}

fn keys_of(name: &str) -> Option<Vec<String>> {
    let a = analyse(name);
    if a.tokens.is_empty() {
        return None;
    }
    Some(
        a.tokens
            .iter()
            .map(|t| stem(&t.folded, t.script, LatinRules::English))
            .collect(),
    )
}

impl Gazetteer {
    /// Builds the gazetteer from its TSV files given as (name, contents).
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, KnowledgeError> {
        let mut places = Vec::new();
        let mut builder: LexiconBuilder<u32> = LexiconBuilder::default();
        for (file, text) in files {
            let mut lines = text.lines().enumerate();
            let Some((_, header)) = lines.next() else {
                continue;
            };
            let cols: Vec<&str> = header.split('\t').collect();
            let col = |name: &str| cols.iter().position(|c| *c == name);
            let base = file.rsplit('/').next().unwrap_or(file);
            for (n, line) in lines {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let f: Vec<&str> = line.split('\t').collect();
                let get = |name: &str| col(name).and_then(|i| f.get(i)).copied().unwrap_or("");
                let (place, names) = match base {
                    "places.tsv" => {
                        let feature = get("feature").to_string();
                        (
                            Place {
                                id: format!("geo:{}", get("id")),
                                name: get("name").to_string(),
                                country: Some(get("country").to_string()).filter(|c| !c.is_empty()),
                                kind: PlaceKind::City,
                                population: get("population").parse().unwrap_or(0),
                                lat: parse_f64(file, n + 1, get("lat"))?,
                                lon: parse_f64(file, n + 1, get("lon"))?,
                                precision: 1,
                                feature,
                            },
                            get("names"),
                        )
                    }
                    "countries.tsv" => (
                        Place {
                            id: format!("geo:{}", get("alpha3")),
                            name: get("name").to_string(),
                            country: Some(get("alpha3").to_string()),
                            kind: PlaceKind::Country,
                            feature: "PCLI".into(),
                            population: 0,
                            lat: parse_f64(file, n + 1, get("lat")).unwrap_or(0.0),
                            lon: parse_f64(file, n + 1, get("lon")).unwrap_or(0.0),
                            precision: 3,
                        },
                        get("names"),
                    ),
                    "facilities.tsv" | "regions.tsv" => {
                        let kind = get("kind");
                        (
                            Place {
                                id: get("id").to_string(),
                                name: get("name").to_string(),
                                country: Some(get("country").to_string())
                                    .filter(|c| !c.is_empty() && c.len() == 3),
                                kind: match kind {
                                    "region" => PlaceKind::Region,
                                    "water" => PlaceKind::Water,
                                    _ => PlaceKind::Site,
                                },
                                feature: kind.to_string(),
                                population: 0,
                                lat: parse_f64(file, n + 1, get("lat"))?,
                                lon: parse_f64(file, n + 1, get("lon"))?,
                                precision: get("precision").parse().unwrap_or(2),
                            },
                            get("names"),
                        )
                    }
                    _ => continue,
                };
                let index = places.len() as u32;
                let mut seen = Vec::new();
                for name in std::iter::once(place.name.as_str()).chain(names.split('|')) {
                    let name = name.trim();
                    if name.chars().count() < 3 {
                        continue;
                    }
                    if let Some(keys) = keys_of(name) {
                        if !seen.contains(&keys) {
                            builder.add(&keys, index);
                            seen.push(keys);
                        }
                    }
                }
                places.push(place);
            }
        }
        Ok(Gazetteer {
            places,
            lexicon: builder.build(),
        })
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether the gazetteer is empty.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// A toponym found and resolved in a document.
#[derive(Debug, Clone)]
pub struct PlaceHit {
    /// Index into [`Gazetteer::places`].
    pub place: usize,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Sentence index.
    pub sentence: usize,
}

fn feature_rank(feature: &str) -> f64 {
    match feature {
        "PCLI" => 6.0,
        "PPLC" => 5.0,
        "PPLA" => 3.0,
        "PPLA2" => 2.0,
        "airbase" | "airfield" | "training_ground" | "base" | "region" | "water" => 4.0,
        _ => 0.0,
    }
}

/// Finds toponyms (capitalised names of known places) and resolves each
/// to the most plausible place given the countries the document is about.
pub fn geoparse(
    g: &Gazetteer,
    a: &Analysed<'_>,
    keys: &[&str],
    focus_countries: &HashMap<String, usize>,
    skip: &[bool],
) -> Vec<PlaceHit> {
    let encoded = g.lexicon.encode(keys);
    let mut out = Vec::new();
    for hit in g.lexicon.find(&encoded) {
        let first = &a.tokens[hit.first];
        if first.sentence != a.tokens[hit.last - 1].sentence || skip[hit.first] {
            continue;
        }
        // Proper names only: capitalised, not an all-lower common word.
        if !first.capitalised || first.script == Script::Digits {
            continue;
        }
        let candidates = g.lexicon.payloads(hit.pattern);
        let best = candidates
            .iter()
            .map(|&i| {
                let p = &g.places[i as usize];
                let focus = p
                    .country
                    .as_ref()
                    .and_then(|c| focus_countries.get(c))
                    .copied()
                    .unwrap_or(0);
                let score = (p.population as f64 + 1.0).log10()
                    + feature_rank(&p.feature)
                    + 3.0 * (focus.min(3) as f64);
                (i, score, p)
            })
            .max_by(|x, y| x.1.total_cmp(&y.1));
        let Some((i, score, p)) = best else { continue };
        // Small places need support: a capital, an admin seat, a curated
        // site, or a country the document talks about.
        let single_word = hit.last - hit.first == 1;
        if single_word && score < 7.0 && p.kind == PlaceKind::City {
            continue;
        }
        out.push(PlaceHit {
            place: i as usize,
            first: hit.first,
            last: hit.last,
            sentence: first.sentence,
        });
    }
    out
}
