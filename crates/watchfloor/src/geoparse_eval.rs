//! `watchfloor eval geoparse`: end-to-end geoparsing scores on the public
//! English corpora (GeoWebNews, LGL, TR-News, GeoVirus) with the EUPEG
//! protocol: a predicted toponym matches a gold one when the surface
//! strings are equal (case-insensitive) and the span mid-points are less
//! than 10 characters apart; precision/recall/F1 over matches; error
//! distances (haversine km) over matched toponyms only; acc@161 = share of
//! errors under 161 km; AUC = trapezoid area under the sorted
//! ln(1+err)/ln(20039) curve divided by (n−1), lower is better.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use quick_xml::events::Event;
use quick_xml::Reader;
use rayon::prelude::*;
use serde::Serialize;
use watchfloor_extract::Knowledge;
use watchfloor_model::{Document, DocumentFormat};

/// One gold toponym (character offsets, end exclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldToponym {
    pub surface: String,
    pub start: i64,
    pub end: i64,
    pub lat: f64,
    pub lon: f64,
}

/// One article of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Article {
    pub text: String,
    pub gold: Vec<GoldToponym>,
}

/// A predicted toponym.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicted {
    pub surface: String,
    pub start: i64,
    pub end: i64,
    pub lat: f64,
    pub lon: f64,
}

/// The scores (the `--format json` interface).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scores {
    pub corpus: String,
    pub documents: usize,
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub acc161: f64,
    pub mean_km: f64,
    pub median_km: f64,
    pub auc: f64,
}

const CORPORA: &[(&str, &str, &str)] = &[
    ("geowebnews", "geowebnews", "GWN.xml"),
    ("gwn", "geowebnews", "GWN.xml"),
    ("lgl", "lgl", "lgl.xml"),
    ("tr-news", "tr-news", "TR-News.xml"),
    ("trnews", "tr-news", "TR-News.xml"),
    ("geovirus", "geovirus", "GeoVirus.xml"),
];

/// Where a corpus name or path points: the XML file.
fn locate(corpus: &str) -> Result<PathBuf> {
    let p = Path::new(corpus);
    if p.is_file() {
        return Ok(p.to_path_buf());
    }
    if p.is_dir() {
        for (_, _, file) in CORPORA {
            if p.join(file).is_file() {
                return Ok(p.join(file));
            }
        }
        bail!("{corpus}: no GWN.xml, lgl.xml, TR-News.xml or GeoVirus.xml in this folder");
    }
    let key = corpus.to_lowercase();
    let Some((_, dir, file)) = CORPORA.iter().find(|(n, _, _)| *n == key) else {
        bail!("unknown corpus {corpus:?}: use geowebnews, lgl, tr-news, geovirus or a path");
    };
    in_shared_bench(&Path::new(dir).join(file), Path::is_file).with_context(|| {
        format!("corpus {corpus:?} not found under ../shared/bench/{dir}/ (pass its path instead)")
    })
}

/// `rel` under the shared benchmark folder (`../shared/bench`, looked for
/// from the repository and from a crate folder), where it is what `wanted`
/// asks (a file, a folder).
pub fn in_shared_bench(rel: &Path, wanted: fn(&Path) -> bool) -> Option<PathBuf> {
    [
        "../shared/bench",
        "../../shared/bench",
        "/work/shared/bench",
    ]
    .iter()
    .map(|root| Path::new(root).join(rel))
    .find(|p| wanted(p))
}

#[derive(Default)]
struct Pending {
    surface: Option<String>,
    start: Option<i64>,
    end: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    /// GeoWebNews: the `geonamesID` element (gold only when non-empty).
    geonames: Option<String>,
    /// GeoWebNews format (`extractedName`): gold needs a GeoNames id.
    gwn: bool,
}

/// Parses a corpus in any of the four XML formats. GeoVirus offsets are
/// 1-based and are shifted to 0-based here.
pub fn parse_corpus(xml: &str) -> Result<Vec<Article>> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut articles = Vec::new();
    let mut article: Option<Article> = None;
    let mut pending: Option<Pending> = None;
    let mut one_based = false;
    let mut buf = String::new();
    loop {
        let ev = reader
            .read_event()
            .with_context(|| format!("XML error at byte {}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                match name.as_str() {
                    "article" => article = Some(Article::default()),
                    "toponym" => pending = Some(Pending::default()),
                    "location" => {
                        one_based = true;
                        pending = Some(Pending::default());
                    }
                    _ => {}
                }
                path.push(name);
                buf.clear();
            }
            Event::Text(t) => {
                let s = t.unescape().context("bad XML text")?;
                buf.push_str(&s);
            }
            Event::CData(t) => buf.push_str(&String::from_utf8_lossy(&t.into_inner())),
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                path.pop();
                let parent = path.last().map(String::as_str).unwrap_or("");
                let value = std::mem::take(&mut buf);
                match (name.as_str(), parent) {
                    ("text", "article") => {
                        if let Some(a) = article.as_mut() {
                            a.text = value;
                        }
                    }
                    ("article", _) => articles.extend(article.take()),
                    ("toponym" | "location", _) => {
                        if let (Some(p), Some(a)) = (pending.take(), article.as_mut()) {
                            let linked = !p.gwn
                                || p.geonames.as_deref().is_some_and(|g| !g.trim().is_empty());
                            if let (Some(s), Some(st), Some(en), Some(lat), Some(lon), true) =
                                (p.surface, p.start, p.end, p.lat, p.lon, linked)
                            {
                                let shift = one_based as i64;
                                a.gold.push(GoldToponym {
                                    surface: s,
                                    start: st - shift,
                                    end: en - shift,
                                    lat,
                                    lon,
                                });
                            }
                        }
                    }
                    (field, "toponym" | "location") => {
                        if let Some(p) = pending.as_mut() {
                            let v = value.trim();
                            match field {
                                "extractedName" | "phrase" | "name" => {
                                    p.gwn |= field == "extractedName";
                                    p.surface = Some(value.clone())
                                }
                                "start" => p.start = v.parse().ok(),
                                "end" => p.end = v.parse().ok(),
                                "latitude" | "lat" => p.lat = v.parse().ok(),
                                "longitude" | "lon" => p.lon = v.parse().ok(),
                                "geonamesID" => p.geonames = Some(v.to_string()),
                                _ => {}
                            }
                        }
                    }
                    (field @ ("lat" | "lon"), "gaztag") => {
                        if let Some(p) = pending.as_mut() {
                            let v = value.trim().parse().ok();
                            if field == "lat" {
                                p.lat = v;
                            } else {
                                p.lon = v;
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(articles)
}

/// Great-circle distance in km.
pub fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = (p2 - p1, (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.min(1.0).sqrt().asin()
}

/// EUPEG matching for one article: each gold toponym takes the nearest
/// unused prediction with the same surface (case-insensitive) whose
/// mid-point is less than 10 characters from its own. Returns the error
/// distances of the matches.
pub fn match_article(gold: &[GoldToponym], predicted: &[Predicted]) -> Vec<f64> {
    let mut used = vec![false; predicted.len()];
    let mut errors = Vec::new();
    for g in gold {
        let gm = (g.start + g.end) as f64 / 2.0;
        let gs = g.surface.to_lowercase();
        let best = predicted
            .iter()
            .enumerate()
            .filter(|(i, p)| !used[*i] && p.surface.to_lowercase() == gs)
            .map(|(i, p)| (i, ((p.start + p.end) as f64 / 2.0 - gm).abs()))
            .filter(|(_, d)| *d < 10.0)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            used[i] = true;
            let p = &predicted[i];
            errors.push(km(g.lat, g.lon, p.lat, p.lon));
        }
    }
    errors
}

/// One line of the error listing: a false positive (`fp`), a false
/// negative (`fn`) or a match resolved 161 km or more away (`far`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorLine {
    pub article: usize,
    pub kind: &'static str,
    pub surface: String,
    pub start: i64,
    /// The sentence-ish context around the span.
    pub context: String,
    /// Gold coordinates (`fn`, `far`).
    pub gold: Option<(f64, f64)>,
    /// Predicted coordinates (`fp`, `far`).
    pub predicted: Option<(f64, f64)>,
    pub km: Option<f64>,
}

/// Same matching as [`match_article`], listing what went wrong.
pub fn article_errors(
    article: usize,
    text: &str,
    gold: &[GoldToponym],
    predicted: &[Predicted],
) -> Vec<ErrorLine> {
    let chars: Vec<char> = text.chars().collect();
    let context = |start: i64, end: i64| -> String {
        let a = (start.max(0) as usize).saturating_sub(60).min(chars.len());
        let b = ((end.max(0) as usize) + 60).min(chars.len()).max(a);
        chars[a..b].iter().collect::<String>().replace('\n', " ")
    };
    let mut used = vec![false; predicted.len()];
    let mut out = Vec::new();
    for g in gold {
        let gm = (g.start + g.end) as f64 / 2.0;
        let gs = g.surface.to_lowercase();
        let best = predicted
            .iter()
            .enumerate()
            .filter(|(i, p)| !used[*i] && p.surface.to_lowercase() == gs)
            .map(|(i, p)| (i, ((p.start + p.end) as f64 / 2.0 - gm).abs()))
            .filter(|(_, d)| *d < 10.0)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _)) => {
                used[i] = true;
                let p = &predicted[i];
                let d = km(g.lat, g.lon, p.lat, p.lon);
                if d >= 161.0 {
                    out.push(ErrorLine {
                        article,
                        kind: "far",
                        surface: g.surface.clone(),
                        start: g.start,
                        context: context(g.start, g.end),
                        gold: Some((g.lat, g.lon)),
                        predicted: Some((p.lat, p.lon)),
                        km: Some(d.round()),
                    });
                }
            }
            None => out.push(ErrorLine {
                article,
                kind: "fn",
                surface: g.surface.clone(),
                start: g.start,
                context: context(g.start, g.end),
                gold: Some((g.lat, g.lon)),
                predicted: None,
                km: None,
            }),
        }
    }
    for (p, _) in predicted.iter().zip(&used).filter(|(_, u)| !**u) {
        out.push(ErrorLine {
            article,
            kind: "fp",
            surface: p.surface.clone(),
            start: p.start,
            context: context(p.start, p.end),
            gold: None,
            predicted: Some((p.lat, p.lon)),
            km: None,
        });
    }
    out
}

/// The scores of a corpus run from its counts and error distances.
pub fn scores(
    corpus: &str,
    documents: usize,
    gold: usize,
    predicted: usize,
    errors: &[f64],
) -> Scores {
    let matched = errors.len();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(matched, predicted);
    let recall = ratio(matched, gold);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let mut sorted = errors.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mean_km = if n == 0 {
        0.0
    } else {
        sorted.iter().sum::<f64>() / n as f64
    };
    let median_km = match n {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    let acc161 = ratio(sorted.iter().filter(|&&e| e < 161.0).count(), n);
    let scaled: Vec<f64> = sorted
        .iter()
        .map(|e| (1.0 + e).ln() / 20039.0f64.ln())
        .collect();
    let auc = match n {
        0 => 0.0,
        1 => scaled[0],
        _ => scaled.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum::<f64>() / (n - 1) as f64,
    };
    Scores {
        corpus: corpus.to_string(),
        documents,
        gold,
        predicted,
        matched,
        precision,
        recall,
        f1,
        acc161,
        mean_km,
        median_km,
        auc,
    }
}

/// Runs the geoparser on one article's text.
pub fn predict(k: &Knowledge, text: &str) -> Vec<Predicted> {
    let doc = Document {
        source: "eval".into(),
        title: None,
        published: None,
        language: Some("en".into()),
        format: DocumentFormat::Text,
        encoding: "utf-8".into(),
        text: text.to_string(),
    };
    let record = k.extract(&doc, "sha256:eval");
    let mut out = Vec::new();
    for p in &record.places {
        let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
            continue;
        };
        for m in &p.mentions {
            out.push(Predicted {
                surface: m.text.clone(),
                start: m.start as i64,
                end: m.end as i64,
                lat,
                lon,
            });
        }
    }
    out
}

/// Published rows of the corpus README (`| System | P | R | F1 | …`).
fn published(xml: &Path) -> Vec<String> {
    let Some(readme) = xml
        .parent()
        .map(|d| d.join("README.md"))
        .and_then(|p| std::fs::read_to_string(p).ok())
    else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in readme.lines() {
        let l = line.trim();
        if l.starts_with("| System | P | R | F1") {
            in_table = true;
            continue;
        }
        if in_table {
            if !l.starts_with('|') {
                in_table = false;
            } else if !l.starts_with("|---") {
                rows.push(l.to_string());
            }
        }
    }
    rows
}

/// `watchfloor eval geoparse CORPUS`.
pub fn run(k: &Knowledge, corpus: &str, json: bool, limit: Option<usize>) -> Result<ExitCode> {
    let path = locate(corpus)?;
    let xml =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut articles = parse_corpus(&xml).with_context(|| format!("parsing {}", path.display()))?;
    if articles.is_empty() {
        bail!("{}: no <article> found", path.display());
    }
    if let Some(n) = limit {
        articles.truncate(n);
    }
    // `WATCHFLOOR_GEOPARSE_ERRORS=FILE`: false positives, false negatives
    // and far resolutions as JSON lines, for error analysis.
    let errors_file = std::env::var_os("WATCHFLOOR_GEOPARSE_ERRORS").map(PathBuf::from);
    let per: Vec<(usize, usize, Vec<f64>, Vec<ErrorLine>)> = articles
        .par_iter()
        .enumerate()
        .map(|(n, a)| {
            let p = predict(k, &a.text);
            let lines = if errors_file.is_some() {
                article_errors(n, &a.text, &a.gold, &p)
            } else {
                Vec::new()
            };
            (a.gold.len(), p.len(), match_article(&a.gold, &p), lines)
        })
        .collect();
    if let Some(f) = &errors_file {
        let mut out = String::new();
        for l in per.iter().flat_map(|x| &x.3) {
            out.push_str(&serde_json::to_string(l)?);
            out.push('\n');
        }
        std::fs::write(f, out).with_context(|| format!("writing {}", f.display()))?;
    }
    let gold = per.iter().map(|x| x.0).sum();
    let predicted = per.iter().map(|x| x.1).sum();
    let errors: Vec<f64> = per.into_iter().flat_map(|x| x.2).collect();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| corpus.to_string());
    let s = scores(&name, articles.len(), gold, predicted, &errors);
    if json {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} documents, {} gold toponyms, {} predicted, {} matched (EUPEG protocol)",
        s.corpus, s.documents, s.gold, s.predicted, s.matched
    );
    println!("| System | P | R | F1 | mean km | median km | acc@161 | AUC |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| **Watchfloor** | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
        s.precision, s.recall, s.f1, s.mean_km, s.median_km, s.acc161, s.auc
    );
    for row in published(&path) {
        println!("{row}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(surface: &str, start: i64, lat: f64, lon: f64) -> GoldToponym {
        GoldToponym {
            surface: surface.into(),
            start,
            end: start + surface.chars().count() as i64,
            lat,
            lon,
        }
    }

    fn pred(surface: &str, start: i64, lat: f64, lon: f64) -> Predicted {
        Predicted {
            surface: surface.into(),
            start,
            end: start + surface.chars().count() as i64,
            lat,
            lon,
        }
    }

    #[test]
    fn matching_needs_same_surface_and_close_midpoints() {
        let g = vec![
            gold("Minsk", 10, 53.9, 27.57),
            gold("Brest", 100, 52.1, 23.7),
        ];
        let p = vec![
            pred("minsk", 19, 53.9, 27.57),   // 9 chars away: matches
            pred("Brest", 110, 48.39, -4.49), // 10 chars away: does not
            pred("Brest", 95, 48.39, -4.49),  // 5 away: matches (wrong Brest)
        ];
        let e = match_article(&g, &p);
        assert_eq!(e.len(), 2);
        assert!(e[0] < 0.01);
        assert!((e[1] - 2033.0).abs() < 1.0, "{}", e[1]);
    }

    #[test]
    fn scores_follow_the_eupeg_formulas() {
        // errors 0, 100, 300 km; 4 gold, 5 predicted.
        let s = scores("x", 1, 4, 5, &[300.0, 0.0, 100.0]);
        assert!((s.precision - 0.6).abs() < 1e-12);
        assert!((s.recall - 0.75).abs() < 1e-12);
        assert!((s.f1 - 2.0 * 0.6 * 0.75 / 1.35).abs() < 1e-12);
        assert!((s.acc161 - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.mean_km - 400.0 / 3.0).abs() < 1e-9);
        assert!((s.median_km - 100.0).abs() < 1e-12);
        let l = 20039.0f64.ln();
        let y = [0.0, 101.0f64.ln() / l, 301.0f64.ln() / l];
        let auc = ((y[0] + y[1]) / 2.0 + (y[1] + y[2]) / 2.0) / 2.0;
        assert!((s.auc - auc).abs() < 1e-12);
    }

    #[test]
    fn parses_the_four_formats() {
        let gwn = r#"<articles><article file="0"><title>t</title><text>In Minsk &amp; Brest.</text><toponyms>
<toponym><extractedName>Minsk</extractedName><type>Literal</type><start>3</start><end>8</end><geonamesID>625144</geonamesID><latitude>53.9</latitude><longitude>27.56</longitude></toponym>
<toponym><extractedName>Brest</extractedName><start>11</start><end>16</end><geonamesID></geonamesID><latitude>52.1</latitude><longitude>23.7</longitude></toponym>
</toponyms></article></articles>"#;
        let a = parse_corpus(gwn).unwrap();
        assert_eq!(a[0].text, "In Minsk & Brest.");
        assert_eq!(a[0].gold, vec![gold("Minsk", 3, 53.9, 27.56)]);
        let lgl = r#"<articles><article docid="1"><text><![CDATA[Near Pinsk & co]]></text><toponyms>
<toponym><start>5</start><end>10</end><phrase>Pinsk</phrase><gaztag geonameid="623549"><name>Pinsk</name><lat>52.11</lat><lon>26.1</lon></gaztag></toponym>
<toponym><start>0</start><end>4</end><phrase>Near</phrase></toponym></toponyms></article></articles>"#;
        let a = parse_corpus(lgl).unwrap();
        assert_eq!(a[0].text, "Near Pinsk & co");
        assert_eq!(a[0].gold, vec![gold("Pinsk", 5, 52.11, 26.1)]);
        let gv = r#"<articles><article><source>s</source><text>At Lida.</text><locations><location><name>Lida</name><start>4</start><end>8</end><lat>53.88</lat><lon>25.3</lon><page>p</page></location></locations></article></articles>"#;
        let a = parse_corpus(gv).unwrap();
        assert_eq!(a[0].gold, vec![gold("Lida", 3, 53.88, 25.3)]);
    }
}
