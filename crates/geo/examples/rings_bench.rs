//! Benchmark of the geo analysis behind `watchfloor geo rings`: range
//! rings, in-range lists and border distances, timed in milliseconds.
//!
//! Worst case for a Belarus campaign: every weapon in the catalogue with a
//! published range placed at every catalogue site in Belarus (far more
//! than any real evidence gives), against every capital, city (≥ 100 000
//! or regional seat) of NATO members and Ukraine, and border distances to
//! all those states.
//!
//! ```sh
//! cargo run --release -p watchfloor-geo --example rings_bench
//! ```

use std::time::Instant;

use watchfloor_geo::basemap::Basemap;
use watchfloor_geo::geodesy::LatLon;
use watchfloor_geo::rings::{analyse, Origin, OriginBasis, Target, TargetKind, Weapon};

const PLACES: &str = include_str!("../../../data/gazetteer/places.tsv");
const SITES: &str = include_str!("../../../data/catalogue/sites.toml");
const WEAPONS: &str = include_str!("../../../data/catalogue/weapons.toml");
const ORGS: &str = include_str!("../../../data/catalogue/organizations.toml");

/// `key = value` fields of each `[[entity]]` block (top level only).
fn entities(toml: &str) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    let mut top = false;
    for line in toml.lines() {
        let line = line.trim();
        if line == "[[entity]]" {
            out.push(Vec::new());
            top = true;
        } else if line.starts_with('[') {
            top = line == "[[entity.membership]]";
            if top {
                if let Some(e) = out.last_mut() {
                    e.push(("membership".into(), String::new()));
                }
            }
        } else if let (true, Some((k, v)), Some(e)) = (top, line.split_once(" = "), out.last_mut())
        {
            e.push((k.trim().into(), v.trim().trim_matches('"').into()));
        }
    }
    out
}

fn field<'a>(e: &'a [(String, String)], key: &str) -> Option<&'a str> {
    e.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn main() {
    let t = Instant::now();
    let basemap = Basemap::embedded();
    let load_basemap = t.elapsed();

    // NATO members today (membership rows without an end) plus Ukraine.
    let mut states: Vec<String> = vec!["UKR".into()];
    for e in entities(ORGS) {
        if field(&e, "id") != Some("org:NATO") {
            continue;
        }
        let mut member: Option<(String, String, bool)> = None;
        for (k, v) in e
            .iter()
            .chain([(String::from("membership"), String::new())].iter())
        {
            match k.as_str() {
                "membership" => {
                    if let Some((m, status, ended)) = member.take() {
                        if status == "member" && !ended {
                            states.push(m);
                        }
                    }
                    member = Some((String::new(), String::new(), false));
                }
                "member" => {
                    if let Some(m) = member.as_mut() {
                        m.0 = v.clone();
                    }
                }
                "status" => {
                    if let Some(m) = member.as_mut() {
                        m.1 = v.clone();
                    }
                }
                "to" => {
                    if let Some(m) = member.as_mut() {
                        m.2 = true;
                    }
                }
                _ => {}
            }
        }
    }
    states.sort();
    states.dedup();

    let mut targets = Vec::new();
    for line in PLACES.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 8 || !states.iter().any(|s| s == c[2]) {
            continue;
        }
        let population: u64 = c[5].parse().unwrap_or(0);
        let kind = match c[4] {
            "PPLC" => TargetKind::Capital,
            "PPLA" => TargetKind::City,
            _ if population >= 100_000 => TargetKind::City,
            _ => continue,
        };
        let (Ok(lat), Ok(lon)) = (c[6].parse::<f64>(), c[7].parse::<f64>()) else {
            continue;
        };
        targets.push(Target {
            id: format!("geo:{}", c[0]),
            name: c[1].into(),
            country: Some(c[2].into()),
            kind,
            at: LatLon::new(lat, lon).into(),
            population,
        });
    }

    let weapons: Vec<Weapon> = entities(WEAPONS)
        .iter()
        .filter_map(|e| {
            Some(Weapon {
                id: field(e, "id")?.into(),
                name: field(e, "name")?.into(),
                range_km: field(e, "range_km")?.parse().ok()?,
            })
        })
        .collect();
    let origins: Vec<Origin> = entities(SITES)
        .iter()
        .filter(|e| field(e, "country") == Some("BLR"))
        .filter_map(|e| {
            Some(Origin {
                id: field(e, "id")?.into(),
                name: field(e, "name")?.into(),
                country: Some("BLR".into()),
                at: LatLon::new(
                    field(e, "lat")?.parse().ok()?,
                    field(e, "lon")?.parse().ok()?,
                )
                .into(),
                precision: 1,
                basis: OriginBasis::EvidenceSite,
                events: vec![],
            })
        })
        .collect();

    let realistic: Vec<(Weapon, Origin)> = weapons
        .iter()
        .filter(|w| ["wpn:ISKANDER", "wpn:ORESHNIK", "wpn:POLONEZ"].contains(&w.id.as_str()))
        .flat_map(|w| origins.iter().take(3).map(move |o| (w.clone(), o.clone())))
        .collect();
    let all: Vec<(Weapon, Origin)> = weapons
        .iter()
        .flat_map(|w| origins.iter().map(move |o| (w.clone(), o.clone())))
        .collect();

    println!(
        "basemap parse {:.1} ms; {} states, {} targets, {} weapons with a range, {} BLR sites",
        load_basemap.as_secs_f64() * 1e3,
        states.len(),
        targets.len(),
        weapons.len(),
        origins.len()
    );
    for (label, plans) in [
        ("3 weapons x 3 sites", realistic),
        ("every weapon x every BLR site", all),
    ] {
        let n = plans.len();
        let t = Instant::now();
        let reports = analyse(plans, &targets, &states, basemap);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let in_range: usize = reports.iter().map(|r| r.ring.in_range.len()).sum();
        let borders: usize = reports.iter().map(|r| r.borders.len()).sum();
        println!(
            "{label}: {n} rings, {in_range} in-range entries, {borders} border distances in {ms:.1} ms"
        );
    }
}
