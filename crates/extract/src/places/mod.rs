//! Toponyms: the gazetteer (`data/gazetteer/`: GeoNames places, countries
//! and admin1 regions, CC BY 4.0, plus a curated layer of military sites,
//! regions and names) matched over the same stemmed token keys as catalogue
//! names, and resolved with population, feature class, the document's
//! country focus, co-mentioned places and regions, and "City, Region"
//! patterns.
//!
//! The index is compiled once ([`compile`]): at build time for the embedded
//! gazetteer (so loading it costs a few milliseconds), at run time for an
//! edited `--data` copy. Names are keys in an `fst` map; a document is
//! matched by walking the map token by token from each capitalised word.

pub mod compile;

use std::borrow::Cow;

use fst::raw::{Fst, Output};
use watchfloor_model::PlaceKind;

use crate::lexicon::{FastMap, FastSet};
use crate::text::{Analysed, Script};
use crate::KnowledgeError;
use compile::{
    FLAG_ABBREV, FLAG_DEMONYM, FLAG_DOTTED, FLAG_POLISH_KEY, FLAG_PRIMARY, FLAG_TRANSLIT,
};

/// Run-time flag on a candidate: the text is in Latin script.
const FLAG_LATIN: u8 = 0x80;

/// One gazetteer entry.
#[derive(Debug, Clone)]
pub struct Place {
    /// `geo:` + GeoNames id, admin1 code (`geo:BY.01`) or curated slug.
    pub id: String,
    /// English name.
    pub name: String,
    /// ISO 3166-1 alpha-3.
    pub country: Option<String>,
    /// GeoNames admin1 code of the region it lies in (or is).
    pub admin1: Option<String>,
    /// Kind of place.
    pub kind: PlaceKind,
    /// GeoNames feature code (`PPLC`, `ADM1`, `PCLI`…) or curated kind.
    pub feature: String,
    /// Population (0 where unknown).
    pub population: u64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Precision code 1–3 (1 the place itself, 3 a region).
    pub precision: u8,
}

/// The gazetteer and its name index.
pub struct Gazetteer {
    /// Every place.
    pub places: Vec<Place>,
    postings: Vec<u32>,
    fst: Fst<Cow<'static, [u8]>>,
    admin1: FastMap<String, usize>,
    countries: FastMap<String, usize>,
    cues: FastMap<String, u8>,
    /// Keys of the region words that open a name ([`compile::CUE_REGION_WORD`]).
    region_words: Vec<String>,
    /// The first bytes of the region words, to pass over other words.
    region_word_starts: [u64; 4],
    /// The words names start with, to pass over the others without
    /// walking the index.
    first_words: compile::FirstWords,
}

fn invalid(message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        file: "gazetteer".into(),
        message,
    }
}

impl Gazetteer {
    /// Compiles the gazetteer from its TSV files given as (path, contents).
    /// Slow (about a second for the full gazetteer): the embedded copy is
    /// compiled at build time instead (see [`Gazetteer::from_compiled`]).
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, KnowledgeError> {
        let c = compile::compile(files).map_err(invalid)?;
        Self::from_compiled(Cow::Owned(compile::encode(&c)))
    }

    /// The gazetteer compiled into this build (by `build.rs`).
    pub fn embedded() -> Result<Self, KnowledgeError> {
        Self::from_compiled(Cow::Borrowed(crate::embedded::GAZETTEER))
    }

    /// Fingerprint of the gazetteer files the embedded index was built from.
    pub fn embedded_fingerprint() -> u64 {
        crate::embedded::GAZETTEER_FINGERPRINT
    }

    /// Loads a gazetteer compiled by [`compile::compile`] and
    /// [`compile::encode`].
    pub fn from_compiled(bytes: Cow<'static, [u8]>) -> Result<Self, KnowledgeError> {
        let d = compile::decode(&bytes).map_err(invalid)?;
        let fst_bytes = match bytes {
            Cow::Borrowed(b) => Cow::Borrowed(&b[d.fst.clone()]),
            Cow::Owned(mut v) => {
                v.truncate(d.fst.end);
                v.drain(..d.fst.start);
                Cow::Owned(v)
            }
        };
        let fst = Fst::new(fst_bytes).map_err(|e| invalid(format!("name index: {e}")))?;
        let mut admin1 = FastMap::default();
        let mut countries = FastMap::default();
        let places: Vec<Place> = d
            .places
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                if p.feature == "ADM1" {
                    admin1.insert(p.admin1.clone(), i);
                }
                if p.kind == compile::KIND_COUNTRY {
                    countries.insert(p.country.clone(), i);
                }
                Place {
                    id: p.id,
                    name: p.name,
                    country: Some(p.country).filter(|c| !c.is_empty()),
                    admin1: Some(p.admin1).filter(|c| !c.is_empty()),
                    kind: match p.kind {
                        compile::KIND_REGION => PlaceKind::Region,
                        compile::KIND_COUNTRY => PlaceKind::Country,
                        compile::KIND_SITE => PlaceKind::Site,
                        compile::KIND_WATER => PlaceKind::Water,
                        _ => PlaceKind::City,
                    },
                    feature: p.feature,
                    population: p.population,
                    lat: p.lat,
                    lon: p.lon,
                    precision: p.precision,
                }
            })
            .collect();
        Ok(Gazetteer {
            places,
            postings: d.postings,
            fst,
            admin1,
            countries,
            region_words: d
                .cues
                .iter()
                .filter(|(_, c)| *c == compile::CUE_REGION_WORD)
                .map(|(k, _)| k.clone())
                .collect(),
            region_word_starts: {
                let mut starts = [0u64; 4];
                for (k, c) in &d.cues {
                    if *c == compile::CUE_REGION_WORD {
                        let b = k.as_bytes().first().copied().unwrap_or(0);
                        starts[usize::from(b / 64)] |= 1 << (b % 64);
                    }
                }
                starts
            },
            cues: d.cues.into_iter().collect(),
            first_words: d.first_words,
        })
    }

    /// Whether a token key is a region word that opens a name in lower case
    /// ("obwód", "województwo").
    fn is_region_word(&self, key: &str) -> bool {
        let first = key.as_bytes().first().copied().unwrap_or(0);
        self.region_word_starts[usize::from(first / 64)] & (1 << (first % 64)) != 0
            && self.region_words.iter().any(|w| w == key)
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether the gazetteer is empty.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The country entry of an ISO alpha-3 code.
    pub fn country(&self, alpha3: &str) -> Option<&Place> {
        self.countries.get(alpha3).map(|&i| &self.places[i])
    }

    /// The admin1 region of a GeoNames admin1 code (`BY.01`).
    pub fn region(&self, code: &str) -> Option<&Place> {
        self.admin1.get(code).map(|&i| &self.places[i])
    }

    /// Places a name (given as its token keys) may refer to, with the
    /// posting flags (`compile::FLAG_*`).
    pub fn lookup(&self, keys: &[&str]) -> Vec<(usize, u8)> {
        let start = keys.first().and_then(|k| self.first_word(k));
        match start.and_then(|start| self.longest(start, keys, 0, keys.len())) {
            Some((last, value)) if last == keys.len() => self.postings_of(value),
            _ => Vec::new(),
        }
    }

    fn postings_of(&self, value: u64) -> Vec<(usize, u8)> {
        self.postings(value).collect()
    }

    /// The (place, flags) postings of an index value.
    fn postings(&self, value: u64) -> impl Iterator<Item = (usize, u8)> + '_ {
        let (off, len) = ((value >> 32) as usize, (value & 0xFFFF_FFFF) as usize);
        self.postings
            .get(off..off + len)
            .unwrap_or(&[])
            .iter()
            .map(|p| ((p & 0x00FF_FFFF) as usize, (p >> 24) as u8))
    }

    /// Whether any name starts with this token key (a name's first word).
    /// Where the index stands after a name's first word: its node and the
    /// output so far, or `None` when no name starts with that word (its
    /// key is not a whole word of a name).
    fn first_word(&self, key: &str) -> Option<(fst::raw::CompiledAddr, Output)> {
        if !self.first_words.may_contain(key) {
            return None;
        }
        let mut node = self.fst.root();
        let mut out = Output::zero();
        for b in key.bytes() {
            let t = node.find_input(b).map(|i| node.transition(i))?;
            out = out.cat(t.out);
            node = self.fst.node(t.addr);
        }
        (node.is_final() || node.find_input(b' ').is_some()).then_some((node.addr(), out))
    }

    /// The longest name starting at token `from` (whose first word left the
    /// index at `start`, see [`Gazetteer::first_word`]) and ending before
    /// `limit`: (one past its last token, its fst value).
    fn longest(
        &self,
        start: (fst::raw::CompiledAddr, Output),
        keys: &[&str],
        from: usize,
        limit: usize,
    ) -> Option<(usize, u64)> {
        let mut node = self.fst.node(start.0);
        let mut out = start.1;
        let mut best = node
            .is_final()
            .then(|| (from + 1, out.cat(node.final_output()).value()));
        'tokens: for (j, key) in keys
            .iter()
            .enumerate()
            .take(limit.min(from + 8))
            .skip(from + 1)
        {
            if key.is_empty() {
                break;
            }
            for b in std::iter::once(b' ').chain(key.bytes()) {
                let Some(t) = node.find_input(b).map(|i| node.transition(i)) else {
                    break 'tokens;
                };
                out = out.cat(t.out);
                node = self.fst.node(t.addr);
            }
            if node.is_final() {
                best = Some((j + 1, out.cat(node.final_output()).value()));
            }
        }
        best
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
    /// The name stands for a government or its people ("Moscow said"),
    /// not for where something happens.
    pub metonymic: bool,
    /// The name was matched with its final period ("U.S.", "Calif."),
    /// which belongs to the mention.
    pub dotted: bool,
}

/// Where a place mention lies in the text, as (byte start, byte end,
/// char start, char end): the hit's tokens less an English possessive
/// ("China's" → "China"), plus the final period of a dotted abbreviation.
pub fn mention_bounds(a: &Analysed<'_>, h: &PlaceHit) -> (usize, usize, usize, usize) {
    let (f, l) = (&a.tokens[h.first], &a.tokens[h.last - 1]);
    let (mut end, mut cend) = (l.end, l.cend);
    if l.folded.ends_with("'s") && l.folded.chars().count() > 2 {
        if let Some((i, _)) = a.text[l.start..l.end]
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphabetic())
        {
            end = l.start + i;
            cend -= 2;
        }
    } else if h.dotted && a.text[end..].starts_with('.') {
        end += 1;
        cend += 1;
    }
    (f.start, end, f.cstart, cend)
}

/// What the rest of the document tells the geoparser.
#[derive(Default)]
pub struct DocContext {
    /// Countries (alpha-3) the document talks about, with mention counts
    /// (from catalogue entities).
    pub focus: FastMap<String, usize>,
    /// Tokens that are not place names (persons, demonyms).
    pub skip: Vec<bool>,
}

struct Span {
    first: usize,
    last: usize,
    value: u64,
    cands: Vec<(usize, u8)>,
}

fn prior(p: &Place, flags: u8) -> f64 {
    let kind = match p.kind {
        PlaceKind::Country => 10.0,
        PlaceKind::Region if p.feature == "ADM1" => 6.5,
        // Counties: below a town of the same name ("Kent", "Barnsley"); their
        // names are mostly multi-word ("Laurel County") and need no help.
        // Same-named counties differ by their people (a lower bound: the sum
        // of their towns').
        PlaceKind::Region if p.feature == "ADM2" => 2.0 + 0.5 * (p.population as f64 + 1.0).log10(),
        PlaceKind::Region | PlaceKind::Water | PlaceKind::Site => 7.0,
        PlaceKind::City => {
            (p.population as f64 + 1.0).log10()
                + match p.feature.as_str() {
                    "PPLC" => 3.0,
                    "PPLA" => 1.5,
                    "PPLA2" => 0.5,
                    _ => 0.0,
                }
        }
    };
    // GeoNames alternates of small places are often junk ("May", "From").
    let name = if flags & FLAG_PRIMARY != 0 {
        1.0
    } else if p.kind == PlaceKind::City && p.population >= 1_000_000 && p.feature != "PPLC" {
        // A metropolis is known by its short name ("New York" for New York
        // City) as much as by its official one: above its namesake region.
        // Not a capital, which its country's name must not lead to ("Mexico").
        1.0
    } else if p.kind == PlaceKind::City && p.population < 1_000_000 && flags & FLAG_LATIN != 0 {
        -1.0
    } else {
        0.0
    };
    let translit = if flags & FLAG_TRANSLIT != 0 {
        -0.5
    } else {
        0.0
    };
    kind + name + translit
}

fn km(a: &Place, b: &Place) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let (dp, dl) = (p2 - p1, (b.lon - a.lon).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.min(1.0).sqrt().asin()
}

/// Score from which a one-word name is a place for sure, whatever its
/// neighbours (a country, a capital, a large city).
const STRONG_NAME: f64 = 7.0;

/// Population under which a town's recognition gets at most
/// [`FOCUS_CAP_SMALL`] from the document's country focus.
const SMALL_PLACE: u64 = 50_000;
/// The most the country focus adds to a small town's support.
const FOCUS_CAP_SMALL: f64 = 2.5;

/// Words after which a capitalised word is a place for sure ("in", "near",
/// "в", "под", "w", "pod"…): lower the bar for small places.
const PLACE_PREPOSITIONS: &[&str] = &[
    "in",
    "near",
    "at",
    "from",
    "outside",
    "into",
    "to",
    "across",
    "around",
    "toward",
    "towards",
    "в",
    "во",
    "под",
    "из",
    "около",
    "возле",
    "у",
    "ў",
    "на",
    "до",
    "ля",
    "каля",
    "пад",
    "з",
    "із",
    "біля",
    "поблизу",
    "w",
    "we",
    "pod",
    "koło",
    "z",
    "ze",
    "do",
    "na",
    "przy",
];

/// Finds toponyms and resolves each to the most plausible place given the
/// document: its countries, regions and other places.
pub fn geoparse(g: &Gazetteer, a: &Analysed<'_>, keys: &[&str], ctx: &DocContext) -> Vec<PlaceHit> {
    let skip = |i: usize| ctx.skip.get(i).copied().unwrap_or(false);
    // Lower-case region words ("obwód"), looked up once per distinct word.
    let mut region_form: Vec<Option<bool>> = vec![None; a.forms.len()];

    // 1. Candidate spans: longest names from capitalised words.
    let mut spans: Vec<Span> = Vec::new();
    // Most capitalised words start no name; the index is walked once per
    // distinct word, and a name's first word is not walked again.
    let mut first_words: Vec<Option<Option<(fst::raw::CompiledAddr, Output)>>> =
        vec![None; a.forms.len()];
    // The first skipped token at or after each token (a name stops there).
    let mut next_skip = vec![a.tokens.len(); a.tokens.len() + 1];
    for i in (0..a.tokens.len()).rev() {
        next_skip[i] = if skip(i) { i } else { next_skip[i + 1] };
    }
    for s in &a.sentences {
        let mut i = s.tokens.start;
        while i < s.tokens.end {
            let t = &a.tokens[i];
            // A lower-case region word may open a name ("obwód brzeski").
            let region_word = !t.capitalised
                && *region_form[a.forms.of_token[i] as usize]
                    .get_or_insert_with(|| g.is_region_word(keys[i]));
            if skip(i)
                || !(t.capitalised || region_word)
                || matches!(t.script, Script::Digits | Script::Other)
            {
                i += 1;
                continue;
            }
            let limit = next_skip[i].min(s.tokens.end);
            let Some(start) = *first_words[a.forms.of_token[i] as usize]
                .get_or_insert_with(|| g.first_word(keys[i]))
            else {
                i += 1;
                continue;
            };
            let Some((last, value)) = g.longest(start, keys, i, limit) else {
                i += 1;
                continue;
            };
            if region_word && last - i < 2 {
                i += 1;
                continue;
            }
            // Text keyed by English rules that reaches a key made by Polish
            // rules only is another word ("April" is not "Aprilia").
            // (Worked out once per name, when a candidate asks.)
            let english_keyed = std::cell::OnceCell::new();
            let english_keyed = || {
                *english_keyed.get_or_init(|| {
                    a.tokens[i..last].iter().zip(&keys[i..last]).all(|(t, k)| {
                        t.script != Script::Latin
                            || crate::text::stem_parts(
                                &t.folded,
                                t.script,
                                crate::text::LatinRules::English,
                            ) == (*k, "")
                    })
                })
            };
            let caps = a.tokens[i..last]
                .iter()
                .all(|t| t.all_caps || t.script == Script::Digits);
            let short_caps = last - i == 1 && t.all_caps && t.folded.chars().count() <= 3;
            let latin = if t.script == Script::Latin {
                FLAG_LATIN
            } else {
                0
            };
            let dot_after = a.text[a.tokens[last - 1].end..].starts_with('.');
            // A short upper-case region code ("ON", "WA", "SC") is a region
            // only in "City, ST" or after a place preposition ("in BC").
            let code_ok = || {
                let pv = (i > s.tokens.start).then(|| &a.tokens[i - 1]);
                let comma = pv.is_some_and(|p| {
                    a.text[p.end..t.start].trim() == ","
                        && spans.last().is_some_and(|x| x.last == i)
                });
                let prep = pv.is_some_and(|p| PLACE_PREPOSITIONS.contains(&p.folded.as_str()));
                comma || prep
            };
            let short_code = last - i == 1 && t.folded.chars().count() <= 3;
            // "Russian" is a country adjective, "Russians" a people.
            let plural = {
                let l = &a.tokens[last - 1];
                l.folded != keys[last - 1] && l.folded.ends_with('s')
            };
            let mut cands: Vec<(usize, u8)> = g
                .postings(value)
                .map(|(i, f)| (i, f | latin))
                .filter(|&(p, f)| {
                    if (f & FLAG_DOTTED != 0 && !dot_after)
                        || (f & FLAG_DEMONYM != 0 && plural)
                        || (f & FLAG_POLISH_KEY != 0 && english_keyed())
                    {
                        return false;
                    }
                    if f & FLAG_ABBREV != 0 {
                        caps && (!short_code || g.places[p].feature != "ADM1" || code_ok())
                    } else {
                        !short_caps
                    }
                })
                .collect();
            // A country's name is the country, not its city known by the
            // same short name ("Mexico" is not Mexico City).
            let country_of_name = cands
                .iter()
                .find(|&&(j, f)| g.places[j].kind == PlaceKind::Country && f & FLAG_DEMONYM == 0)
                .and_then(|&(j, _)| g.places[j].country.clone());
            if let Some(c) = country_of_name {
                cands.retain(|&(j, f)| {
                    let q = &g.places[j];
                    !(q.kind == PlaceKind::City
                        && f & FLAG_PRIMARY == 0
                        && q.country.as_deref() == Some(c.as_str()))
                });
            }
            if cands.is_empty() {
                i += 1;
                continue;
            }
            spans.push(Span {
                first: i,
                last,
                value,
                cands,
            });
            i = last;
        }
    }
    if spans.is_empty() {
        return Vec::new();
    }
    // Keys written in lower case somewhere: common words that are also
    // names. Only the keys that start a candidate name are asked about, so
    // only those are collected (marked per distinct word first).
    let asked: FastSet<&str> = spans.iter().map(|s| keys[s.first]).collect();
    // A signature of each asked key (length, first and last bytes) lets
    // most lower-case words be passed over without hashing them.
    let signature = |k: &str| -> usize {
        let b = k.as_bytes();
        let (first, last) = (b.first().copied(), b.last().copied());
        (b.len() * 31 + usize::from(first.unwrap_or(0)) * 7 + usize::from(last.unwrap_or(0))) % 1024
    };
    let mut asked_signatures = [0u64; 16];
    for k in &asked {
        let s = signature(k);
        asked_signatures[s / 64] |= 1 << (s % 64);
    }
    let maybe_asked = |k: &str| {
        let s = signature(k);
        asked_signatures[s / 64] & (1 << (s % 64)) != 0 && asked.contains(k)
    };
    let mut lower_form = vec![false; a.forms.len()];
    for (t, &f) in a.tokens.iter().zip(&a.forms.of_token) {
        if !t.capitalised && t.script == Script::Latin {
            lower_form[f as usize] = true;
        }
    }
    let lower: FastSet<&str> = a
        .forms
        .first_token
        .iter()
        .zip(&lower_form)
        .filter(|(_, &is_lower)| is_lower)
        .map(|(&ti, _)| keys[ti as usize])
        .filter(|k| maybe_asked(k))
        .collect();

    // 2. First pass: priors and catalogue focus give each span a sense;
    //    the confident ones anchor the document (countries, regions, points).
    // Countries the document talks about; a region of another country
    // named bare is unlikely.
    // The catalogue counts a capital's or a country's every mention for its
    // country ("Dublin" fifteen times in an Ohio paper, "Georgia" in an
    // Atlanta one): where another sense of the name lies in a region the
    // document names or is at home in, those mentions must not vouch for
    // their own sense. Per name: the country its capital or country sense
    // was counted for, its mentions, and the regions of its other senses.
    let mut own_mentions: FastMap<u64, (String, f64, Vec<&str>)> = FastMap::default();
    for s in &spans {
        let own = s.cands.iter().find(|&&(j, f)| {
            let q = &g.places[j];
            f & FLAG_DEMONYM == 0 && (q.kind == PlaceKind::Country || q.feature == "PPLC")
        });
        let Some(c) = own.and_then(|&(j, _)| g.places[j].country.as_deref()) else {
            continue;
        };
        let others: Vec<&str> = s
            .cands
            .iter()
            .filter(|&&(j, _)| g.places[j].country.as_deref() != Some(c))
            .filter_map(|&(j, _)| g.places[j].admin1.as_deref())
            .collect();
        if !others.is_empty() {
            let e = own_mentions
                .entry(s.value)
                .or_insert_with(|| (c.to_string(), 0.0, others));
            e.1 += 1.0;
        }
    }
    // The discount of a name's own mentions where another of its senses
    // lies in one of the `local` regions: (country, mentions).
    let own_discount = |name: u64, local: &FastSet<String>| -> Option<(&str, f64)> {
        own_mentions
            .get(&name)
            .filter(|(_, _, others)| others.iter().any(|r| local.contains(*r)))
            .map(|(c, n, _)| (c.as_str(), *n))
    };
    let focus_bonus = |p: &Place, counts: &FastMap<String, f64>, own: Option<(&str, f64)>| -> f64 {
        let n = p.country.as_ref().and_then(|c| {
            let less = own.filter(|(oc, _)| oc == c).map_or(0.0, |x| x.1);
            counts.get(c).map(|n| (n - less).max(0.0))
        });
        match n {
            Some(n) => 2.5 * n.min(3.0),
            None if p.feature == "ADM1" => -1.5,
            None => 0.0,
        }
    };
    let mut counts: FastMap<String, f64> = ctx
        .focus
        .iter()
        .map(|(c, n)| (c.clone(), *n as f64))
        .collect();
    let best_of = |s: &Span, score: &dyn Fn(&Place, u8) -> f64| -> (usize, f64, f64) {
        let mut best = (s.cands[0].0, f64::MIN, f64::MIN);
        for &(i, f) in &s.cands {
            let v = score(&g.places[i], f);
            if v > best.1 {
                best = (i, v, best.1);
            } else if v > best.2 {
                best.2 = v;
            }
        }
        best
    };
    let mut anchors: Vec<usize> = Vec::new();
    let mut regions: FastSet<String> = FastSet::default();
    // Regions of the confident towns: a local paper's towns share a state.
    let mut anchor_regions: FastMap<String, usize> = FastMap::default();
    // The home region: the admin1 unit that holds a town or county of the
    // most distinct names of the document, well ahead of any other — a local
    // paper's towns and counties ("Paris", "Lamar County", "Reno") meet there.
    // Names glued to another capitalised word ("Adrian Walker") do not vote.
    let starts: FastSet<usize> = spans.iter().map(|s| s.first).collect();
    let ends: FastSet<usize> = spans.iter().map(|s| s.last).collect();
    let loose = |s: &Span| -> bool {
        let sentence = &a.sentences[a.tokens[s.first].sentence];
        let word = |k: usize| {
            let q = &a.tokens[k];
            q.capitalised && q.script == Script::Latin && !q.all_caps
        };
        let glued =
            |x: usize, y: usize| a.text[a.tokens[x].end..a.tokens[y].start].trim().is_empty();
        let before = s.first > sentence.tokens.start
            && word(s.first - 1)
            && glued(s.first - 1, s.first)
            && !ends.contains(&s.first);
        let after = s.last < sentence.tokens.end
            && word(s.last)
            && glued(s.last - 1, s.last)
            && !starts.contains(&s.last);
        !(before || after)
    };
    if let Some(home) = home_region(g, &spans, &loose) {
        regions.insert(home.to_string());
        // …and its country is the document's, as if named twice.
        if let Some(c) = g.region(home).and_then(|r| r.country.clone()) {
            *counts.entry(c).or_default() += 2.0;
        }
    }
    let mut doc_countries: FastMap<String, f64> = FastMap::default();
    for s in &spans {
        let (i, v, second) = best_of(s, &|p, f| prior(p, f) + focus_bonus(p, &counts, None));
        let p = &g.places[i];
        // Anchors: unambiguous and prominent (or multi-word) names, never a
        // common word, so a small place cannot vouch for itself.
        let single = s.last - s.first == 1;
        let weak_word = single
            && (lower.contains(keys[s.first])
                || g.cues.get(keys[s.first]) == Some(&compile::CUE_COMMON));
        let prominent = !single || prior(p, FLAG_PRIMARY) >= 6.5;
        let confident = (s.cands.len() == 1 || v - second >= 3.0) && prominent && !weak_word;
        if confident {
            // Each anchor once: a long document names the same places again
            // and again, and every candidate is compared with every anchor.
            if anchors.contains(&i) {
                continue;
            }
            anchors.push(i);
            if p.kind == PlaceKind::Region {
                if let Some(r) = &p.admin1 {
                    regions.insert(r.clone());
                }
            } else if let Some(r) = &p.admin1 {
                *anchor_regions.entry(r.clone()).or_default() += 1;
            }
            // A place vouches for its country once, however often it is
            // named, and only if its name has no other sense: "Paris" said
            // six times in a Texas paper must not make it a French story.
            if let (Some(c), true) = (&p.country, s.cands.len() == 1 || !single) {
                *doc_countries.entry(c.clone()).or_default() += 1.0;
            }
        }
    }
    for (c, n) in doc_countries {
        *counts.entry(c).or_default() += n;
    }

    // 3. Second pass: context. "City, Region" / "City, Country" pins both.
    let mut chosen: Vec<Option<(usize, f64)>> = vec![None; spans.len()];
    for (n, s) in spans.iter().enumerate() {
        let next = spans.get(n + 1).filter(|x| {
            x.first == s.last
                && a.text[a.tokens[s.last - 1].end..a.tokens[x.first].start].trim() == ","
        });
        let own = own_discount(s.value, &regions);
        let score = |p: &Place, f: u8| -> f64 {
            let mut v = prior(p, f) + focus_bonus(p, &counts, own);
            let county = p.feature == "ADM2";
            // A state or province that holds the document's towns.
            if p.feature == "ADM1" {
                if let Some(r) = &p.admin1 {
                    if anchor_regions.contains_key(r) {
                        v += 3.0;
                    }
                }
            }
            if p.kind != PlaceKind::Region || county {
                if let Some(r) = &p.admin1 {
                    if regions.contains(r) {
                        v += 3.0;
                    } else if anchor_regions.get(r).is_some_and(|&n| n >= 2) {
                        v += 1.5;
                    }
                }
            }
            if p.kind == PlaceKind::City || county {
                let near = anchors
                    .iter()
                    .filter(|&&x| {
                        let q = &g.places[x];
                        (q.kind == PlaceKind::City || q.feature == "ADM2")
                            && q.id != p.id
                            && km(q, p) < 300.0
                    })
                    .take(2)
                    .count();
                v += 1.5 * (near.min(2) as f64);
            }
            if let Some(x) = next {
                let contains = x.cands.iter().any(|&(j, _)| {
                    let q = &g.places[j];
                    (q.kind == PlaceKind::Region && q.admin1.is_some() && q.admin1 == p.admin1)
                        || (q.kind == PlaceKind::Country && q.country == p.country)
                });
                if contains && p.kind != PlaceKind::Country {
                    v += 8.0;
                }
            }
            v
        };
        let (i, v, _) = best_of(s, &score);
        if chosen[n].is_none_or(|(_, pinned)| pinned < 20.0) {
            chosen[n] = Some((i, v));
        }
        let i = chosen[n].map_or(i, |c| c.0);
        // The container named right after pins its own sense.
        if let (Some(x), Some(nx)) = (next, chosen.get_mut(n + 1)) {
            let p = &g.places[i];
            let pinned = x.cands.iter().find(|&&(j, _)| {
                let q = &g.places[j];
                (q.kind == PlaceKind::Region && q.admin1.is_some() && q.admin1 == p.admin1)
                    || (q.kind == PlaceKind::Country && q.country == p.country)
            });
            if let Some(&(j, f)) = pinned {
                *nx = Some((j, prior(&g.places[j], f) + 20.0));
            }
        }
    }
    // One sense per name per document: the best-supported one, unless a
    // mention was pinned by its container.
    let mut by_name: FastMap<u64, (usize, f64)> = FastMap::default();
    for (s, c) in spans.iter().zip(&chosen) {
        if let Some((i, v)) = *c {
            let e = by_name.entry(s.value).or_insert((i, v));
            if v > e.1 {
                *e = (i, v);
            }
        }
    }

    // 4. Recognition: small places need support.
    // Ends of names that are places for sure (multi-word, or well supported):
    // a weak one-word name next to a word ("Ann Walker") may be a person's.
    let span_first: FastSet<usize> = spans
        .iter()
        .zip(&chosen)
        .filter(|(s, c)| s.last - s.first > 1 || c.is_some_and(|(_, v)| v >= STRONG_NAME))
        .flat_map(|(s, _)| [s.first, s.last - 1])
        .collect();
    let glued = |x: usize, y: usize| a.text[a.tokens[x].end..a.tokens[y].start].trim().is_empty();
    let name_like = |k: usize| {
        let q = &a.tokens[k];
        q.capitalised
            && matches!(q.script, Script::Latin | Script::Cyrillic)
            && !q.all_caps
            && !span_first.contains(&k)
    };
    // Part of a person's or an organisation's name somewhere in the document
    // ("David Allen", "Allen Smith"): the same word alone elsewhere is most
    // likely that name again ("Allen said"), one sense per document.
    let in_name = |s: &Span| -> bool {
        let sentence = &a.sentences[a.tokens[s.first].sentence];
        let before = s.first > sentence.tokens.start
            && name_like(s.first - 1)
            && glued(s.first - 1, s.first);
        let after = s.last < sentence.tokens.end && name_like(s.last) && glued(s.first, s.last);
        before || after
    };
    let person_words: FastSet<u64> = spans
        .iter()
        .filter(|s| s.last - s.first == 1 && in_name(s))
        .map(|s| s.value)
        .collect();
    let mut out = Vec::new();
    for (s, c) in spans.iter().zip(&chosen) {
        let Some((_, own)) = *c else { continue };
        let (i, mut v) = if own >= 20.0 {
            c.unwrap_or((0, 0.0))
        } else {
            by_name.get(&s.value).copied().unwrap_or((0, 0.0))
        };
        let p = &g.places[i];
        // The document's country focus helps choose among same-named places
        // but vouches little for a small one: a village of the focus country
        // is not a place every time its name is written.
        if p.kind == PlaceKind::City && p.population < SMALL_PLACE {
            let full = focus_bonus(p, &counts, own_discount(s.value, &regions));
            v -= full - full.min(FOCUS_CAP_SMALL);
        }
        let t = &a.tokens[s.first];
        let sentence = t.sentence;
        let sentence_start = a.sentences[sentence].tokens.start;
        let single = s.last - s.first == 1;
        let mut bar = if single { 5.0 } else { 2.0 };
        if single && s.first == sentence_start {
            bar += 2.0;
        }
        if single && lower.contains(keys[s.first]) {
            bar += 3.0;
        }
        if single && g.cues.get(keys[s.first]) == Some(&compile::CUE_COMMON) {
            bar += 4.0;
        }
        // An English word ("University", "Spring", "Superior") names a small
        // town far less often than it is the word, capitalised in a title or
        // a proper name; a city, a state or a country of that name it names.
        if single
            && t.script == Script::Latin
            && g.cues.get(keys[s.first]) == Some(&compile::CUE_WORD)
            && !(matches!(p.kind, PlaceKind::Country)
                || (p.kind == PlaceKind::Region && p.feature != "ADM2")
                || matches!(p.feature.as_str(), "PPLC" | "PPLA")
                || p.population >= 100_000)
        {
            bar += 3.0;
        }
        let prev = (s.first > sentence_start).then(|| s.first - 1);
        if let Some(pv) = prev {
            let pt = &a.tokens[pv];
            if PLACE_PREPOSITIONS.contains(&pt.folded.as_str()) {
                bar -= 2.0;
            } else if single
                && g.cues.get(keys[s.first]) == Some(&compile::CUE_COMMON)
                && pt.script == Script::Latin
                && !pt.capitalised
            {
                // "the Union", "russian Union": a common word after an article
                // or a lower-case modifier is a noun, not a town.
                bar += 6.0;
            }
        }
        // A lesser place name inside a longer capitalised sequence ("David
        // Allen", "Allen Smith", "Sutton Bank") is a part of a person's or an
        // organisation's name, unless the neighbour is itself a place.
        let prominent = (matches!(p.kind, PlaceKind::Country | PlaceKind::Region)
            && p.feature != "ADM2")
            || matches!(p.feature.as_str(), "PPLC" | "PPLA");
        if single && !prominent && (in_name(s) || person_words.contains(&s.value)) {
            bar += 3.0;
        }
        if v < bar {
            continue;
        }
        out.push(PlaceHit {
            place: i,
            first: s.first,
            last: s.last,
            sentence,
            metonymic: metonymic(g, a, keys, p, s.last)
                || s.cands
                    .iter()
                    .any(|&(j, f)| j == i && f & FLAG_DEMONYM != 0),
            dotted: s.cands.iter().any(|&(j, f)| j == i && f & FLAG_DOTTED != 0),
        });
    }
    out
}

/// The admin1 region that holds a town or county of at least
/// [`HOME_MIN_NAMES`] distinct names of the document and of twice as many as
/// any other region.
fn home_region<'g>(
    g: &'g Gazetteer,
    spans: &[Span],
    votes_ok: &dyn Fn(&Span) -> bool,
) -> Option<&'g str> {
    // A capital's or a country's name ("Minsk", "Paris") is that place far
    // more often than a town of the same name: it does not vote.
    let capital = |s: &&Span| {
        s.cands.iter().any(|&(j, _)| {
            let p = &g.places[j];
            p.kind == PlaceKind::Country || p.feature == "PPLC"
        })
    };
    // (region, name) pairs, each once: the regions' distinct names.
    let mut votes: Vec<(&str, u64)> = Vec::new();
    for s in spans.iter().filter(|s| votes_ok(s) && !capital(s)) {
        for &(j, f) in &s.cands {
            let p = &g.places[j];
            if f & FLAG_DEMONYM != 0 || !(p.kind == PlaceKind::City || p.feature == "ADM2") {
                continue;
            }
            if let Some(r) = &p.admin1 {
                votes.push((r.as_str(), s.value));
            }
        }
    }
    votes.sort_unstable();
    votes.dedup();
    let (mut top, mut n, mut second) = ("", 0usize, 0usize);
    let mut k = 0;
    while k < votes.len() {
        let r = votes[k].0;
        let run = votes[k..].iter().take_while(|v| v.0 == r).count();
        if run > n {
            second = n;
            (top, n) = (r, run);
        } else if run > second {
            second = run;
        }
        k += run;
    }
    (n >= HOME_MIN_NAMES && n >= 2 * second).then_some(top)
}

/// Distinct names a home region must hold (see [`home_region`]).
const HOME_MIN_NAMES: usize = 2;

/// A country or capital followed by a reporting verb ("Moscow said",
/// "Minsk has denied") stands for its government.
fn metonymic(g: &Gazetteer, a: &Analysed<'_>, keys: &[&str], p: &Place, last: usize) -> bool {
    if !(p.kind == PlaceKind::Country || p.feature == "PPLC") {
        return false;
    }
    let sentence = a.tokens[last - 1].sentence;
    for (t, key) in a.tokens.iter().zip(keys).skip(last).take(3) {
        if t.sentence != sentence {
            return false;
        }
        match g.cues.get(*key).copied() {
            Some(compile::CUE_VERB) => return true,
            Some(compile::CUE_BRIDGE) => continue,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use watchfloor_model::{Document, DocumentFormat, PlaceRecord};

    use crate::Knowledge;

    #[test]
    fn the_first_word_filter_keeps_every_first_word_and_drops_most_others() {
        use super::compile::FirstWords;
        let words: Vec<String> = (0..5000).map(|i| format!("name{i}")).collect();
        let f = FirstWords::of(words.iter().map(String::as_str));
        assert!(words.iter().all(|w| f.may_contain(w)));
        let passed = (0..5000)
            .filter(|i| f.may_contain(&format!("other{i}")))
            .count();
        assert!(passed < 250, "{passed} of 5000 other words pass");
        // And the embedded gazetteer's: every name is still found from
        // its first word.
        let k = Knowledge::embedded().expect("embedded knowledge");
        for (name, keys) in [
            ("Minsk", vec!["minsk"]),
            ("Brest", vec!["brest"]),
            ("Nizhny Novgorod", vec!["nizhn", "novgorod"]),
        ] {
            assert!(k.gazetteer.first_words.may_contain(keys[0]), "{name}");
            assert!(!k.gazetteer.lookup(&keys).is_empty(), "{name}");
        }
    }

    #[test]
    fn cyrillic_names_in_ov_are_found_in_every_case() {
        // "Борисов" stems to "борис", its case forms to "борисов".
        let found = places(
            "Колонна прошла через Борисов. В Борисове и под Борисовом стоят войска, \
             штаб округа остался в Ростове-на-Дону, эшелоны пришли из Ростова.",
            "ru",
        );
        let mentions = |name: &str| -> Vec<String> {
            found
                .iter()
                .filter(|p| p.name == name)
                .flat_map(|p| p.mentions.iter().map(|m| m.text.clone()))
                .collect()
        };
        assert_eq!(mentions("Barysaw"), ["Борисов", "Борисове", "Борисовом"]);
        assert!(
            mentions("Rostov-on-Don").contains(&"Ростова".to_string()),
            "{found:?}"
        );
    }

    fn places(text: &str, language: &str) -> Vec<PlaceRecord> {
        let k = Knowledge::embedded().expect("embedded knowledge");
        let doc = Document {
            source: "t".into(),
            title: None,
            published: None,
            language: Some(language.into()),
            format: DocumentFormat::Text,
            encoding: "utf-8".into(),
            text: text.into(),
        };
        k.extract(&doc, "sha256:t").places
    }

    /// (id, surface) of every mention.
    fn found(text: &str, language: &str) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = places(text, language)
            .into_iter()
            .flat_map(|p| p.mentions.into_iter().map(move |m| (p.id.clone(), m.text)))
            .collect();
        v.sort();
        v
    }

    fn has(text: &str, language: &str, id: &str, surface: &str) {
        let f = found(text, language);
        assert!(
            f.iter().any(|(i, s)| i == id && s == surface),
            "{text:?}: want {id} at {surface:?}, got {f:?}"
        );
    }

    #[test]
    fn belarusian_places_in_every_case_and_script() {
        let asipovichy = "geo:624034";
        for (text, lang, id, surface) in [
            ("Учения прошли в Минске.", "ru", "geo:625144", "Минске"),
            ("Вучэнні прайшлі ў Мінску.", "be", "geo:625144", "Мінску"),
            (
                "Ćwiczenia odbyły się w Mińsku.",
                "pl",
                "geo:625144",
                "Mińsku",
            ),
            (
                "Войска стоят под Осиповичами.",
                "ru",
                asipovichy,
                "Осиповичами",
            ),
            (
                "Склад в Осиповичах расширили.",
                "ru",
                asipovichy,
                "Осиповичах",
            ),
            (
                "Troops were seen near Asipovichy.",
                "en",
                asipovichy,
                "Asipovichy",
            ),
            (
                "Troops were seen near Osipovichi.",
                "en",
                asipovichy,
                "Osipovichi",
            ),
            (
                "Żołnierze stacjonują pod Brześciem.",
                "pl",
                "geo:629634",
                "Brześciem",
            ),
            (
                "Rozmowy w Moskwie trwały dwa dni.",
                "pl",
                "geo:524901",
                "Moskwie",
            ),
            (
                "Учения в Брестской области начались.",
                "ru",
                "geo:BY.01",
                "Брестской области",
            ),
            (
                "Вучэнні ў Брэсцкай вобласці пачаліся.",
                "be",
                "geo:BY.01",
                "Брэсцкай вобласці",
            ),
            (
                "Exercises in the Brest Oblast began.",
                "en",
                "geo:BY.01",
                "Brest Oblast",
            ),
            (
                "Exercises in the Brest region began.",
                "en",
                "geo:BY.01",
                "Brest region",
            ),
        ] {
            has(text, lang, id, surface);
        }
    }

    #[test]
    fn belarusian_u_short_and_lower_case_polish_regions() {
        for (text, lang, id, surface) in [
            (
                "Вучэнні прайшлі ў Асіповічах.",
                "be",
                "geo:624034",
                "Асіповічах",
            ),
            (
                "Ćwiczenia w obwód brzeski zakończono.",
                "pl",
                "geo:BY.01",
                "obwód brzeski",
            ),
            (
                "Straż graniczna z województwo podlaskie zgłosiła incydent.",
                "pl",
                "geo:PL.81",
                "województwo podlaskie",
            ),
            (
                "Incydent w województwie podlaskim zgłosiła straż.",
                "pl",
                "geo:PL.81",
                "województwie podlaskim",
            ),
        ] {
            has(text, lang, id, surface);
        }
        // A lower-case region word alone is no place.
        let f = found("Obwód i województwo to jednostki.", "pl");
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn a_cyrillic_person_name_is_not_a_village() {
        // Surnames share their stem with villages (Елкин, Yolkino); seen
        // beside a first name they are a person, there and when named alone
        // later, while the places stay places.
        let text = "Глава Минэнерго Сергей Елкин сообщил, что Москва ответит. \
            Елкин добавил, что решение примут в Минске. Позицию Елкина поддержали.";
        let f = found(text, "ru");
        for not in ["Елкин", "Елкина"] {
            assert!(!f.iter().any(|(_, s)| s == not), "{not}: {f:?}");
        }
        has(text, "ru", "geo:524901", "Москва");
        has(text, "ru", "geo:625144", "Минске");
    }

    #[test]
    fn counties_resolve_by_their_state() {
        // "Laurel County" is only in Kentucky; "Orange County" is in eight
        // states and the document's state picks it.
        has(
            "The fire in Laurel County was put out on Monday.",
            "en",
            "geo:US.KY.125",
            "Laurel County",
        );
        has(
            "Orlando, Fla. - Officials in Orange County and Kissimmee said the roads reopened.",
            "en",
            "geo:US.FL.095",
            "Orange County",
        );
        has(
            "Traffic in Anaheim, Calif. slowed as Orange County crews cleared the freeway.",
            "en",
            "geo:US.CA.059",
            "Orange County",
        );
    }

    #[test]
    fn states_are_placed_at_their_middle_not_their_largest_cities() {
        let k = Knowledge::embedded().expect("embedded knowledge");
        let g = &k.gazetteer;
        let texas = g.region("US.TX").expect("Texas");
        // GeoNames puts Texas at 31.25 N 99.25 W; a population-weighted
        // point would lie near Dallas and Houston (east of 97 W).
        assert!((texas.lat - 31.25).abs() < 1.0, "{}", texas.lat);
        assert!((texas.lon + 99.25).abs() < 1.5, "{}", texas.lon);
        let usa = g.country("USA").expect("USA");
        assert!(
            (usa.lat - 39.76).abs() < 0.1 && (usa.lon + 98.5).abs() < 0.1,
            "{usa:?}"
        );
    }

    #[test]
    fn english_words_do_not_reach_polish_stems_and_names_stay_persons() {
        // "April" is not Aprilia (Polish rules stem that to "april"), and
        // a surname met in a full name ("Ann Walker") is no town alone.
        let f = found(
            "Work starts in April. Ann Walker chairs the board. Walker said the budget holds.",
            "en",
        );
        assert!(
            !f.iter().any(|(_, s)| s == "April" || s == "Walker"),
            "{f:?}"
        );
        has(
            "Ćwiczenia pod Aprilią trwały dzień.",
            "pl",
            "geo:3182957",
            "Aprilią",
        );
    }

    #[test]
    fn mention_offsets_are_on_the_surface_form() {
        let text = "Колонна под Барановичами.";
        let p = places(text, "ru");
        let m = p
            .iter()
            .flat_map(|p| &p.mentions)
            .find(|m| m.text == "Барановичами")
            .expect("Барановичами found");
        let chars: Vec<char> = text.chars().collect();
        let got: String = chars[m.start..m.end].iter().collect();
        assert_eq!(got, "Барановичами");
    }

    #[test]
    fn georgia_the_country_and_the_state() {
        has(
            "Georgia and Armenia met in Tbilisi to discuss the South Caucasus.",
            "en",
            "geo:GEO",
            "Georgia",
        );
        has(
            "The storm hit Atlanta, Georgia, on Monday.",
            "en",
            "geo:US.GA",
            "Georgia",
        );
    }

    #[test]
    fn english_words_name_small_towns_only_with_support() {
        // University (Florida) and Superior (Wisconsin) are towns; written
        // alone they are words. Phoenix and Buffalo are cities.
        let f = found(
            "University officials met. Superior Court judges ruled. Spring came early.",
            "en",
        );
        assert!(f.is_empty(), "{f:?}");
        has(
            "Flights from Phoenix were late.",
            "en",
            "geo:5308655",
            "Phoenix",
        );
    }

    #[test]
    fn a_capital_keeps_its_sense_beside_another_capital() {
        // Warsaw must not pull "Minsk" to Mińsk Mazowiecki (Mazovia) nor
        // make Mazovia the document's home region.
        has(
            "Officials in Minsk met envoys from Paris and Warsaw.",
            "en",
            "geo:625144",
            "Minsk",
        );
        has(
            "Rozmowy w Mińsku i w Warszawie trwały dwa dni.",
            "pl",
            "geo:625144",
            "Mińsku",
        );
    }

    #[test]
    fn brest_in_belarus_and_in_france() {
        has(
            "Belarusian troops moved from Minsk to Brest, near the Polish border.",
            "en",
            "geo:629634",
            "Brest",
        );
        has(
            "The French navy sailed from Brest, France, and from Toulon.",
            "en",
            "geo:3030300",
            "Brest",
        );
    }

    #[test]
    fn moscow_as_actor_and_as_place() {
        let k = Knowledge::embedded().expect("embedded knowledge");
        let g = &k.gazetteer;
        let check = |text: &str, want: bool| {
            let a = crate::text::analyse(text);
            let keys: Vec<String> = a
                .tokens
                .iter()
                .map(|t| crate::text::stem(&t.folded, t.script, crate::text::LatinRules::English))
                .collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let ctx = super::DocContext {
                focus: Default::default(),
                skip: vec![false; a.tokens.len()],
            };
            let hits = super::geoparse(g, &a, &keys, &ctx);
            let moscow = hits
                .iter()
                .find(|h| g.places[h.place].id == "geo:524901")
                .unwrap_or_else(|| panic!("{text:?}: Moscow not found"));
            assert_eq!(moscow.metonymic, want, "{text:?}");
        };
        check("Moscow said the drills were defensive.", true);
        check("Moscow has denied any plan to annex Belarus.", true);
        check("Talks were held in Moscow on Friday.", false);
    }

    #[test]
    fn demonyms_are_country_modifiers_and_common_words_are_not_places() {
        let f = found(
            "Belarusian and Russian officers said that since March the union grew. Since then, Union officials met. Russians voted.",
            "en",
        );
        assert!(
            f.iter()
                .all(|(_, s)| !matches!(s.as_str(), "Since" | "March" | "Union" | "Russians")),
            "{f:?}"
        );
        let has = |id: &str, s: &str| f.iter().any(|(i, t)| i == id && t == s);
        assert!(
            has("geo:BLR", "Belarusian") && has("geo:RUS", "Russian"),
            "{f:?}"
        );
    }

    #[test]
    fn possessives_dotted_abbreviations_and_state_codes() {
        let f = found(
            "China's navy met U.S. ships. Fires near Fresno, Calif. and in Austin, TX spread. IN OTHER NEWS the rain.",
            "en",
        );
        let has = |id: &str, s: &str| f.iter().any(|(i, t)| i == id && t == s);
        assert!(has("geo:CHN", "China"), "{f:?}");
        assert!(has("geo:USA", "U.S."), "{f:?}");
        assert!(has("geo:US.CA", "Calif."), "{f:?}");
        assert!(has("geo:US.TX", "TX"), "{f:?}");
        assert!(!f.iter().any(|(_, t)| t == "IN"), "{f:?}");
    }
}
