//! Gazetteer compilation: the TSV files of `data/gazetteer/` turned into a
//! compact index — a places table, posting lists, and an `fst` map from the
//! stemmed keys of every name (the keys `text::stem` gives, joined by a
//! space) to the posting list of the places it names.
//!
//! `build.rs` includes this file (and `text.rs`) to compile the embedded
//! gazetteer at build time; `--data DIR` compiles an edited copy at run
//! time with the very same code, so both match identical keys.

use std::collections::BTreeMap;

use crate::text::{analyse, oblique_variant, stem, transliterate, LatinRules, Script, Token};

/// First bytes of a compiled gazetteer (the last byte is the format version).
pub const MAGIC: &[u8; 8] = b"WFGAZ\0\0\x04";

/// Kind codes of [`RawPlace::kind`].
pub const KIND_CITY: u8 = 0;
/// A region (admin1 unit or curated area).
pub const KIND_REGION: u8 = 1;
/// A country.
pub const KIND_COUNTRY: u8 = 2;
/// A site (base, airfield, crossing…).
pub const KIND_SITE: u8 = 3;
/// A sea, lake or river.
pub const KIND_WATER: u8 = 4;

/// Posting flag: the name is the place's own (English) name.
pub const FLAG_PRIMARY: u8 = 1;
/// Posting flag: an abbreviation (USA, РФ, UMMA): the text must be in capitals.
pub const FLAG_ABBREV: u8 = 2;
/// Posting flag: a generated Latin transliteration of a Cyrillic name.
pub const FLAG_TRANSLIT: u8 = 4;
/// Posting flag: a generated name (adjectival region form, curated rule).
pub const FLAG_GENERATED: u8 = 8;
/// Posting flag: a name written with a final period ("U.S.", "Calif."):
/// it matches only text that has the period, and the mention takes it.
pub const FLAG_DOTTED: u8 = 16;
/// Posting flag: an adjective of the place ("Russian", `curated/demonyms.tsv`).
pub const FLAG_DEMONYM: u8 = 32;
/// Posting flag: a Latin name's key under Polish rules only ("Aprilia" →
/// "april"): it stands for an inflected Polish form, so text keyed by
/// English rules that reaches it is another word ("April").
pub const FLAG_POLISH_KEY: u8 = 64;

/// Cue class: a reporting verb that makes a capital stand for its government.
pub const CUE_VERB: u8 = 0;
/// Cue class: a word that may stand between the name and the verb.
pub const CUE_BRIDGE: u8 = 1;
/// Cue class: a common word that is also a place name ("Union", "March").
pub const CUE_COMMON: u8 = 2;
/// Cue class: an English dictionary word that is also a place's whole name
/// ("university", "spring"; `english_words.tsv`, generated from a word list).
pub const CUE_WORD: u8 = 4;
/// Cue class: a region word written before the name and in lower case
/// ("obwód brzeski", "województwo podlaskie"): a name may start with it.
pub const CUE_REGION_WORD: u8 = 3;

/// One place as stored in the compiled index.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPlace {
    /// `geo:` + GeoNames id, admin1 code or curated slug.
    pub id: String,
    /// English name.
    pub name: String,
    /// ISO 3166-1 alpha-3, empty when none.
    pub country: String,
    /// GeoNames admin1 code (`BY.01`), empty when unknown.
    pub admin1: String,
    /// GeoNames feature code (`PPLC`, `ADM1`, `PCLI`) or curated kind.
    pub feature: String,
    /// Population, 0 when unknown.
    pub population: u64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// One of the `KIND_*` codes.
    pub kind: u8,
    /// Precision code 1–3.
    pub precision: u8,
}

/// A compiled gazetteer.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// Every place.
    pub places: Vec<RawPlace>,
    /// Posting lists, back to back: `place index | flags << 24`.
    pub postings: Vec<u32>,
    /// The `fst` map: key → `offset << 32 | length` into `postings`.
    pub fst: Vec<u8>,
    /// Context words: stemmed key and class ([`CUE_VERB`], [`CUE_BRIDGE`]
    /// from `curated/metonymy.tsv`, [`CUE_COMMON`] from
    /// `curated/common_words.tsv`).
    pub cues: Vec<(String, u8)>,
    /// A Bloom filter of the names' first words ([`FirstWords`]).
    pub first_words: Vec<u64>,
}

/// FNV-1a over the gazetteer files (name and contents), in order: a cheap
/// fingerprint that is the same whether the files are compiled in or read
/// from a directory.
pub fn fingerprint<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (n, t) in files {
        for b in n.bytes().chain([0u8]).chain(t.bytes()).chain([0u8]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Whether a name is an abbreviation that only matches text in capitals.
pub fn is_abbreviation(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 5
        && letters.iter().all(|c| c.is_uppercase())
        && !name.contains(' ')
}

/// The stemmed key sequences of a name under each convention a text can
/// use: English and Polish rules for Latin words, plus a Latin
/// transliteration of Cyrillic names. Returns (keys joined by a space, flag).
pub fn name_keys(name: &str) -> Vec<(String, u8)> {
    let a = analyse(name);
    if a.tokens.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(String, u8)> = Vec::new();
    let mut push = |k: String, flag: u8| {
        if !k.is_empty() && !out.iter().any(|(o, _)| *o == k) {
            out.push((k, flag));
        }
    };
    for rules in [LatinRules::English, LatinRules::Polish] {
        let keys: Vec<String> = a
            .tokens
            .iter()
            .map(|t| stem(&t.folded, t.script, rules))
            .collect();
        let polish =
            rules == LatinRules::Polish && a.tokens.iter().any(|t| t.script == Script::Latin);
        // Case forms of a Cyrillic name in -ов/-ев ("Борисове", "Ростова")
        // share a key the nominative's stem is not.
        // (Surnames' and given names' endings are left to the catalogue.)
        let place_word =
            |t: &Token, k: &str| t.script == Script::Cyrillic && !k.ends_with(['е', 'и', 'і']);
        if let Some(variant) = oblique_variant(&a.tokens, &keys, rules, place_word) {
            push(variant.join(" "), 0);
        }
        push(keys.join(" "), if polish { FLAG_POLISH_KEY } else { 0 });
    }
    if a.tokens.iter().any(|t| t.script == Script::Cyrillic) {
        let keys: Vec<String> = a
            .tokens
            .iter()
            .map(|t| {
                let latin = transliterate(&t.folded);
                stem(&latin, Script::Latin, LatinRules::English)
            })
            .collect();
        push(keys.join(" "), FLAG_TRANSLIT);
    }
    out
}

fn parse_f64(file: &str, line: usize, v: &str) -> Result<f64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("{file}: line {line}: {v:?} is not a number"))
}

/// Interchangeable region words of one language (`curated/region_words.tsv`):
/// a region name "Brest Oblast" also gives "Brest Region", "Brest Voblast".
struct RegionWords {
    /// Folded words of the group.
    words: Vec<String>,
    /// The region word comes first ("obwód brzeski"), not last.
    word_first: bool,
}

struct Table<'a> {
    file: &'a str,
    cols: Vec<&'a str>,
    rows: Vec<(usize, Vec<&'a str>)>,
}

impl<'a> Table<'a> {
    fn parse(file: &'a str, text: &'a str) -> Table<'a> {
        let mut cols = Vec::new();
        let mut rows = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if cols.is_empty() {
                cols = f;
            } else {
                rows.push((n + 1, f));
            }
        }
        Table { file, cols, rows }
    }

    fn get<'r>(&self, row: &'r [&'a str], name: &str) -> &'a str {
        self.cols
            .iter()
            .position(|c| *c == name)
            .and_then(|i| row.get(i))
            .copied()
            .unwrap_or("")
            .trim()
    }
}

/// Compiles the gazetteer files given as (path under `data/`, contents).
pub fn compile<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Compiled, String> {
    let mut places: Vec<RawPlace> = Vec::new();
    let mut names: Vec<Vec<(String, u8)>> = Vec::new();
    let mut extra: Vec<(Table<'a>, u8)> = Vec::new();
    let mut region_words: Vec<RegionWords> = Vec::new();
    let mut cues: Vec<(String, u8)> = Vec::new();
    let mut points: Vec<(String, f64, f64)> = Vec::new();
    for (file, text) in files {
        let base = file.rsplit('/').next().unwrap_or(file);
        let t = Table::parse(file, text);
        for (n, row) in &t.rows {
            let get = |c: &str| t.get(row, c);
            let place = match base {
                "places.tsv" => RawPlace {
                    id: format!("geo:{}", get("id")),
                    name: get("name").to_string(),
                    country: get("country").to_string(),
                    admin1: get("admin1").to_string(),
                    feature: get("feature").to_string(),
                    population: get("population").parse().unwrap_or(0),
                    lat: parse_f64(file, *n, get("lat"))?,
                    lon: parse_f64(file, *n, get("lon"))?,
                    kind: KIND_CITY,
                    precision: 1,
                },
                "countries.tsv" => {
                    let (Ok(lat), Ok(lon)) = (
                        parse_f64(file, *n, get("lat")),
                        parse_f64(file, *n, get("lon")),
                    ) else {
                        continue;
                    };
                    RawPlace {
                        id: format!("geo:{}", get("alpha3")),
                        name: get("name").to_string(),
                        country: get("alpha3").to_string(),
                        admin1: String::new(),
                        feature: "PCLI".into(),
                        population: 0,
                        lat,
                        lon,
                        kind: KIND_COUNTRY,
                        precision: 3,
                    }
                }
                // Regions: an admin1 row is its own admin1 code and has no
                // population; an admin2 (county) row names its admin1.
                "admin1.tsv" | "admin2.tsv" => {
                    let (Ok(lat), Ok(lon)) = (
                        parse_f64(file, *n, get("lat")),
                        parse_f64(file, *n, get("lon")),
                    ) else {
                        continue;
                    };
                    let county = base == "admin2.tsv";
                    RawPlace {
                        id: format!("geo:{}", get("code")),
                        name: get("name").to_string(),
                        country: get("country").to_string(),
                        admin1: get(if county { "admin1" } else { "code" }).to_string(),
                        feature: if county { "ADM2" } else { "ADM1" }.into(),
                        population: if county {
                            get("population").parse().unwrap_or(0)
                        } else {
                            0
                        },
                        lat,
                        lon,
                        kind: KIND_REGION,
                        precision: 3,
                    }
                }
                "facilities.tsv" | "regions.tsv" => {
                    let kind = get("kind");
                    let country = get("country");
                    RawPlace {
                        id: get("id").to_string(),
                        name: get("name").to_string(),
                        country: if country.len() == 3 {
                            country.to_string()
                        } else {
                            String::new()
                        },
                        admin1: String::new(),
                        feature: kind.to_string(),
                        population: 0,
                        lat: parse_f64(file, *n, get("lat"))?,
                        lon: parse_f64(file, *n, get("lon"))?,
                        kind: match kind {
                            "region" => KIND_REGION,
                            "water" => KIND_WATER,
                            _ => KIND_SITE,
                        },
                        precision: get("precision").parse().unwrap_or(2),
                    }
                }
                "country_points.tsv" => {
                    points.push((
                        format!("geo:{}", get("alpha3")),
                        parse_f64(file, *n, get("lat"))?,
                        parse_f64(file, *n, get("lon"))?,
                    ));
                    continue;
                }
                "names.tsv" | "demonyms.tsv" => {
                    // Extra names for any place, by id: loaded after all places.
                    break;
                }
                "metonymy.tsv" | "common_words.tsv" => {
                    let class = match (base, get("kind")) {
                        ("common_words.tsv", _) => CUE_COMMON,
                        (_, "bridge") => CUE_BRIDGE,
                        _ => CUE_VERB,
                    };
                    for w in get("words").split('|') {
                        for (key, _) in name_keys(w.trim()) {
                            if key.contains(' ') {
                                continue;
                            }
                            // Metonymy cues win over the common-word list.
                            match cues.iter_mut().find(|(k, _)| *k == key) {
                                Some(c) if class != CUE_COMMON => c.1 = class,
                                Some(_) => {}
                                None => cues.push((key, class)),
                            }
                        }
                    }
                    continue;
                }
                "english_words.tsv" => {
                    for (key, _) in name_keys(get("word")) {
                        if !key.contains(' ') && !cues.iter().any(|(k, _)| *k == key) {
                            cues.push((key, CUE_WORD));
                        }
                    }
                    continue;
                }
                "region_words.tsv" => {
                    let group = RegionWords {
                        words: get("words")
                            .split('|')
                            .map(|w| crate::text::fold(w.trim()))
                            .filter(|w| !w.is_empty())
                            .collect(),
                        word_first: get("order") == "word_first",
                    };
                    if group.word_first {
                        for w in &group.words {
                            for (key, _) in name_keys(w) {
                                if !key.contains(' ') && !cues.iter().any(|(k, _)| *k == key) {
                                    cues.push((key, CUE_REGION_WORD));
                                }
                            }
                        }
                    }
                    region_words.push(group);
                    continue;
                }
                _ => break,
            };
            let mut list = Vec::new();
            let own = place.name.clone();
            for (i, name) in std::iter::once(own.as_str())
                .chain(get("names").split('|'))
                .enumerate()
            {
                let name = name.trim();
                let abbrev = is_abbreviation(name);
                if name.chars().count() < 3 && !(abbrev && name.chars().count() == 2) {
                    continue;
                }
                let mut flag = if i == 0 { FLAG_PRIMARY } else { 0 };
                if abbrev {
                    flag |= FLAG_ABBREV;
                }
                if name.ends_with('.') {
                    flag |= FLAG_DOTTED;
                }
                list.push((name.to_string(), flag));
            }
            places.push(place);
            names.push(list);
        }
        if base == "names.tsv" {
            extra.push((t, 0));
        } else if base == "demonyms.tsv" {
            extra.push((t, FLAG_DEMONYM));
        }
    }
    // Countries are placed at their centre point, not their capital.
    for (id, lat, lon) in &points {
        if let Some(p) = places
            .iter_mut()
            .find(|p| p.id == *id && p.kind == KIND_COUNTRY)
        {
            p.lat = *lat;
            p.lon = *lon;
        }
    }
    // Curated extra names by id.
    let by_id: std::collections::HashMap<&str, usize> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    for (t, extra_flag) in &extra {
        for (n, row) in &t.rows {
            let id = t.get(row, "id");
            let Some(&i) = by_id.get(id) else {
                return Err(format!("{}: line {n}: no place {id:?}", t.file));
            };
            for name in t.get(row, "names").split('|') {
                let name = name.trim();
                if !name.is_empty() {
                    let mut flag = if is_abbreviation(name) {
                        FLAG_ABBREV
                    } else {
                        0
                    };
                    if name.ends_with('.') {
                        flag |= FLAG_DOTTED;
                    }
                    flag |= extra_flag;
                    names[i].push((name.to_string(), flag));
                }
            }
        }
    }
    // Region names with their region word swapped for its synonyms.
    for (p, list) in places.iter().zip(names.iter_mut()) {
        if p.kind != KIND_REGION {
            continue;
        }
        let mut generated: Vec<(String, u8)> = Vec::new();
        for (name, _) in list.iter() {
            let words: Vec<&str> = name.split_whitespace().collect();
            if words.len() < 2 {
                continue;
            }
            for group in &region_words {
                let (word, rest) = if group.word_first {
                    (words[0], words[1..].join(" "))
                } else {
                    (words[words.len() - 1], words[..words.len() - 1].join(" "))
                };
                if !group.words.contains(&crate::text::fold(word)) {
                    continue;
                }
                for w in &group.words {
                    let form = if group.word_first {
                        format!("{w} {rest}")
                    } else {
                        format!("{rest} {w}")
                    };
                    if !list.iter().any(|(n, _)| crate::text::fold(n) == form)
                        && !generated.iter().any(|(n, _)| *n == form)
                    {
                        generated.push((form, FLAG_GENERATED));
                    }
                }
            }
        }
        list.extend(generated);
    }
    let mut map: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (i, list) in names.iter().enumerate() {
        for (name, flag) in list {
            for (key, kflag) in name_keys(name) {
                let posting = i as u32 | (((flag | kflag) as u32) << 24);
                let entry = map.entry(key).or_default();
                if let Some(e) = entry.iter_mut().find(|e| **e & 0x00FF_FFFF == i as u32) {
                    // Same place under another name: keep the strongest flags
                    // (primary wins; abbreviation only if every name is one).
                    let old = (*e >> 24) as u8;
                    let new = flag | kflag;
                    let merged = ((old | new) & (FLAG_PRIMARY))
                        | (old
                            & new
                            & (FLAG_ABBREV
                                | FLAG_TRANSLIT
                                | FLAG_GENERATED
                                | FLAG_DOTTED
                                | FLAG_DEMONYM
                                | FLAG_POLISH_KEY));
                    *e = i as u32 | ((merged as u32) << 24);
                } else {
                    entry.push(posting);
                }
            }
        }
    }
    let mut postings = Vec::new();
    let mut builder = fst::MapBuilder::memory();
    for (key, list) in &map {
        let value = ((postings.len() as u64) << 32) | list.len() as u64;
        postings.extend_from_slice(list);
        builder
            .insert(key.as_bytes(), value)
            .map_err(|e| format!("gazetteer index: {e}"))?;
    }
    let fst = builder
        .into_inner()
        .map_err(|e| format!("gazetteer index: {e}"))?;
    let firsts: std::collections::BTreeSet<&str> = map
        .keys()
        .map(|k| k.split(' ').next().unwrap_or(k))
        .collect();
    let first_words = FirstWords::of(firsts.iter().copied()).bits;
    Ok(Compiled {
        places,
        postings,
        fst,
        cues,
        first_words,
    })
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let n = s.len().min(u16::MAX as usize);
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..n]);
}

/// Serialises a compiled gazetteer.
pub fn encode(c: &Compiled) -> Vec<u8> {
    let mut out = Vec::with_capacity(c.fst.len() + c.postings.len() * 4 + c.places.len() * 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(c.places.len() as u32).to_le_bytes());
    for p in &c.places {
        put_str(&mut out, &p.id);
        put_str(&mut out, &p.name);
        put_str(&mut out, &p.country);
        put_str(&mut out, &p.admin1);
        put_str(&mut out, &p.feature);
        out.extend_from_slice(&p.population.to_le_bytes());
        out.extend_from_slice(&p.lat.to_le_bytes());
        out.extend_from_slice(&p.lon.to_le_bytes());
        out.push(p.kind);
        out.push(p.precision);
    }
    out.extend_from_slice(&(c.postings.len() as u32).to_le_bytes());
    for p in &c.postings {
        out.extend_from_slice(&p.to_le_bytes());
    }
    out.extend_from_slice(&(c.cues.len() as u32).to_le_bytes());
    for (k, class) in &c.cues {
        put_str(&mut out, k);
        out.push(*class);
    }
    out.extend_from_slice(&(c.first_words.len() as u32).to_le_bytes());
    for w in &c.first_words {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.extend_from_slice(&(c.fst.len() as u64).to_le_bytes());
    out.extend_from_slice(&c.fst);
    out
}

/// A Bloom filter of the words names start with (two bits per word, about
/// sixteen bits of filter per word): a capitalised word of a text that is
/// not in it starts no name, and the index is not walked for it. A word in
/// it may still start none (about 1.5 % of other words pass).
#[derive(Debug, Clone, Default)]
pub struct FirstWords {
    bits: Vec<u64>,
}

impl FirstWords {
    /// The filter of `words`.
    pub fn of<'w>(words: impl ExactSizeIterator<Item = &'w str>) -> FirstWords {
        let size = (words.len() * 16).next_power_of_two().max(64);
        let mut f = FirstWords {
            bits: vec![0; size / 64],
        };
        for w in words {
            for bit in f.bits_of(w) {
                f.bits[bit / 64] |= 1 << (bit % 64);
            }
        }
        f
    }

    /// A filter read back from [`FirstWords::of`]'s bits.
    pub fn from_bits(bits: Vec<u64>) -> FirstWords {
        FirstWords { bits }
    }

    /// Whether a name may start with `word` (false: it starts none).
    pub fn may_contain(&self, word: &str) -> bool {
        !self.bits.is_empty()
            && self
                .bits_of(word)
                .into_iter()
                .all(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }

    fn bits_of(&self, word: &str) -> [usize; 2] {
        use std::hash::Hasher;
        let mut h = crate::hash::FoldHasher::default();
        h.write(word.as_bytes());
        let h = h.finish();
        let mask = self.bits.len() * 64 - 1;
        [h as usize & mask, (h >> 32) as usize & mask]
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err("compiled gazetteer is truncated".into());
        };
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn str(&mut self) -> Result<String, String> {
        let n = u16::from_le_bytes(self.array()?) as usize;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|e| e.to_string())
    }
}

/// What [`decode`] reads: everything but the `fst` map, which is left in
/// place (its byte range is given).
pub struct Decoded {
    /// Every place.
    pub places: Vec<RawPlace>,
    /// Posting lists.
    pub postings: Vec<u32>,
    /// Context words and their classes.
    pub cues: Vec<(String, u8)>,
    /// The names' first words.
    pub first_words: FirstWords,
    /// Where the `fst` map lies in the bytes.
    pub fst: std::ops::Range<usize>,
}

/// Reads what [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err("not a compiled gazetteer of this version".into());
    }
    let n = u32::from_le_bytes(r.array()?) as usize;
    let mut places = Vec::with_capacity(n);
    for _ in 0..n {
        places.push(RawPlace {
            id: r.str()?,
            name: r.str()?,
            country: r.str()?,
            admin1: r.str()?,
            feature: r.str()?,
            population: u64::from_le_bytes(r.array()?),
            lat: f64::from_le_bytes(r.array()?),
            lon: f64::from_le_bytes(r.array()?),
            kind: r.array::<1>()?[0],
            precision: r.array::<1>()?[0],
        });
    }
    let n = u32::from_le_bytes(r.array()?) as usize;
    let raw = r.take(n.checked_mul(4).ok_or("bad posting count")?)?;
    let postings = raw
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let n = u32::from_le_bytes(r.array()?) as usize;
    let mut cues = Vec::with_capacity(n);
    for _ in 0..n {
        cues.push((r.str()?, r.array::<1>()?[0]));
    }
    let n = u32::from_le_bytes(r.array()?) as usize;
    let raw = r.take(n.checked_mul(8).ok_or("bad first-word filter size")?)?;
    if !n.is_power_of_two() {
        return Err("first-word filter size is not a power of two".into());
    }
    let first_words = FirstWords::from_bits(
        raw.chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect(),
    );
    let len = u64::from_le_bytes(r.array()?) as usize;
    let start = r.at;
    r.take(len)?;
    Ok(Decoded {
        places,
        postings,
        cues,
        first_words,
        fst: start..start + len,
    })
}
