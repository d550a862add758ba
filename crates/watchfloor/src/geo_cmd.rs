//! `watchfloor geo`: weapon range rings over a campaign's evidence, and
//! what lies near a place. Wiring only: the catalogue, gazetteer and
//! stored events give weapons, origins and targets; `watchfloor_geo` does
//! the geometry.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use watchfloor_extract::Knowledge;
use watchfloor_geo::basemap::Basemap;
use watchfloor_geo::borders::{borders_within, BorderDistance};
use watchfloor_geo::geodesy::{distance_and_bearing, LatLon};
use watchfloor_geo::rings::{
    analyse, rings_geojson, Origin, OriginBasis, RingReport, Target, TargetKind, Weapon,
};
use watchfloor_model::PlaceKind;
use watchfloor_publish::export::{LocatedBy, ATTRIBUTION};
use watchfloor_publish::Locator;
use watchfloor_store::EventFilter;

use crate::export_cmd::{as_of_day, campaign_evidence, open_existing};

/// Output formats of `geo rings`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RingsFormat {
    /// A table per ring.
    Table,
    /// RFC 7946 GeoJSON: ring polygons and origin points.
    Geojson,
    /// JSON: rings with their in-range lists and border distances.
    Json,
}

/// Output formats of `geo near`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum NearFormat {
    /// Human-readable table.
    Table,
    /// JSON.
    Json,
}

/// `watchfloor geo` subcommands.
#[derive(Subcommand)]
pub enum GeoCommand {
    /// Range rings: for every weapon with a published range (catalogue
    /// `range_km`) in the campaign's evidence, the geodesic circle around
    /// each place the evidence puts it, and the capitals, cities (≥ 100 000
    /// people or regional seats) and military sites of the target states
    /// inside it, with distances, plus the distance from each origin to
    /// those states' borders.
    ///
    /// An event naming only a country is placed at a catalogue site of that
    /// country whose note names the weapon, else at its capital; such
    /// rings are marked as fallbacks.
    Rings {
        /// Campaign pack name (or pack file).
        #[arg(long)]
        campaign: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: RingsFormat,
        /// States of interest: alpha-3 codes, or `org:ID` for the members
        /// of an organisation on the assessment day.
        #[arg(long, value_delimiter = ',', default_value = "org:NATO,UKR")]
        targets: Vec<String>,
        /// The assessment day for memberships (YYYY-MM-DD; default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the time taken by each phase to standard error.
        #[arg(long)]
        timings: bool,
    },
    /// What lies within a distance of a place: gazetteer places, military
    /// sites, and the borders of states (with the distance to each, and
    /// whether the point is inside).
    Near {
        /// `geo:<geonameid>`, a curated `geo:slug`, a catalogue `site:ID`,
        /// or `lat,lon` in degrees.
        #[arg(long, allow_hyphen_values = true)]
        place: String,
        /// Radius: `100km`, `100 km`, `100` (km) or `5000m`.
        #[arg(long, default_value = "100km")]
        within: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: NearFormat,
        /// At most this many places (nearest first; sites and borders are
        /// always listed in full).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only places with at least this population (sites and regions
        /// always qualify).
        #[arg(long, default_value_t = 0)]
        min_population: u64,
    },
}

/// Runs a `geo` subcommand.
pub fn run(knowledge: &Knowledge, db: &Path, data: Option<&Path>, cmd: &GeoCommand) -> Result<()> {
    let owned;
    let basemap: &Basemap = match data.map(|d| d.join("basemap")).filter(|d| d.is_dir()) {
        Some(dir) => {
            owned =
                Basemap::from_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
            &owned
        }
        None => Basemap::embedded(),
    };
    match cmd {
        GeoCommand::Rings {
            campaign,
            format,
            targets,
            as_of,
            out,
            timings,
        } => {
            let t0 = Instant::now();
            let as_of = as_of_day(as_of.as_deref())?;
            let store = open_existing(db)?;
            let events = store
                .events(&EventFilter::default())
                .context("reading stored events")?;
            let evidence = campaign_evidence(knowledge, data, campaign, &events, &as_of)?;
            let t_assess = t0.elapsed();
            let t1 = Instant::now();
            let loc = Locator::new(knowledge);
            let states = target_states(knowledge, targets, &as_of)?;
            let candidates = target_candidates(knowledge, &states);
            let plans = ring_plans(knowledge, &loc, &events, &evidence.events);
            let t_plan = t1.elapsed();
            let t2 = Instant::now();
            let state_list: Vec<String> = states.iter().cloned().collect();
            let reports = analyse(plans, &candidates, &state_list, basemap);
            let t_geo = t2.elapsed();
            let text = match format {
                RingsFormat::Geojson => {
                    let g = rings_geojson(&reports, ATTRIBUTION);
                    format!("{}\n", serde_json::to_string_pretty(&g)?)
                }
                RingsFormat::Json => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "campaign": evidence.name,
                        "as_of": as_of,
                        "states": state_list,
                        "targets_considered": candidates.len(),
                        "rings": reports,
                        "attribution": ATTRIBUTION,
                    }))?
                ),
                RingsFormat::Table => rings_table(&reports, &evidence.name, &as_of, &state_list),
            };
            write_out(out.as_deref(), &text)?;
            if *timings {
                eprintln!(
                    "timings: read+assess {:.1} ms, origins/targets {:.1} ms, rings+in-range+borders {:.1} ms ({} rings, {} targets, {} states)",
                    t_assess.as_secs_f64() * 1e3,
                    t_plan.as_secs_f64() * 1e3,
                    t_geo.as_secs_f64() * 1e3,
                    reports.len(),
                    candidates.len(),
                    state_list.len()
                );
            }
            Ok(())
        }
        GeoCommand::Near {
            place,
            within,
            format,
            limit,
            min_population,
        } => {
            let km = parse_km(within)?;
            let loc = Locator::new(knowledge);
            let (label, at) = resolve_point(knowledge, &loc, place)?;
            let near = near(knowledge, basemap, at, km, *limit, *min_population);
            let text = match format {
                NearFormat::Json => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "place": place, "name": label, "lat": at.lat, "lon": at.lon,
                        "within_km": km,
                        "country": basemap.country_at(at.lat, at.lon).and_then(|c| c.iso_a3.clone()),
                        "disputed": basemap.disputed_at(at.lat, at.lon).map(|d| &d.name),
                        "places": near.places, "sites": near.sites, "borders": near.borders,
                        "attribution": ATTRIBUTION,
                    }))?
                ),
                NearFormat::Table => near_table(basemap, &label, at, km, &near),
            };
            write_out(None, &text)
        }
    }
}

fn write_out(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("writing to standard output"),
    }
}

/// The alpha-3 codes named by `--targets` (organisations expanded to
/// their members on `as_of`).
fn target_states(knowledge: &Knowledge, specs: &[String], as_of: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for s in specs {
        let s = s.trim();
        if s.starts_with("org:") {
            if knowledge.catalogue.get(s).is_none() {
                bail!("--targets {s}: no such organisation in the catalogue");
            }
            for m in knowledge.catalogue.members_on(s, as_of) {
                if m.status == "member" {
                    out.insert(m.member.clone());
                }
            }
        } else if s.len() == 3 && s.chars().all(|c| c.is_ascii_alphabetic()) {
            out.insert(s.to_ascii_uppercase());
        } else if !s.is_empty() {
            bail!("--targets {s:?}: say an alpha-3 code (UKR) or an organisation (org:NATO)");
        }
    }
    Ok(out)
}

fn is_facility(p: &watchfloor_extract::places::Place) -> bool {
    p.kind == PlaceKind::Site
}

/// Capitals, cities (≥ 100 000 people or first-level seats) and sites of
/// the given states.
fn target_candidates(knowledge: &Knowledge, states: &BTreeSet<String>) -> Vec<Target> {
    let mut out = Vec::new();
    for p in &knowledge.gazetteer.places {
        let Some(c) = p.country.as_deref().filter(|c| states.contains(*c)) else {
            continue;
        };
        let kind = if p.feature == "PPLC" {
            TargetKind::Capital
        } else if is_facility(p) {
            TargetKind::Site
        } else if p.kind == PlaceKind::City && (p.population >= 100_000 || p.feature == "PPLA") {
            TargetKind::City
        } else {
            continue;
        };
        out.push(Target {
            id: p.id.clone(),
            name: p.name.clone(),
            country: Some(c.to_string()),
            kind,
            at: LatLon::new(p.lat, p.lon).into(),
            population: p.population,
        });
    }
    for e in knowledge.catalogue.entities() {
        let (Some(lat), Some(lon)) = (e.lat, e.lon) else {
            continue;
        };
        if e.kind == "site" && e.country.as_ref().is_some_and(|c| states.contains(c)) {
            out.push(Target {
                id: e.id.clone(),
                name: e.name.clone(),
                country: e.country.clone(),
                kind: TargetKind::Site,
                at: LatLon::new(lat, lon).into(),
                population: 0,
            });
        }
    }
    out
}

/// Whether a catalogue site's note or name names the weapon (its name or
/// one of its English aliases, as a whole word).
fn site_names_weapon(
    site: &watchfloor_extract::catalogue::Entity,
    weapon: &watchfloor_extract::catalogue::Entity,
) -> bool {
    let text = format!("{} {}", site.name, site.note.as_deref().unwrap_or("")).to_lowercase();
    let mut names: Vec<String> = vec![weapon.name.to_lowercase()];
    if let Some(en) = weapon.aliases.get("en") {
        names.extend(en.iter().map(|a| a.to_lowercase()));
    }
    names.iter().filter(|n| n.chars().count() >= 4).any(|n| {
        text.match_indices(n.as_str()).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + n.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// (weapon, origin) pairs from the evidence events that name a weapon
/// with a published range; events at the same origin are merged.
fn ring_plans(
    knowledge: &Knowledge,
    loc: &Locator<'_>,
    events: &[watchfloor_store::StoredEvent],
    evidence: &BTreeSet<i64>,
) -> Vec<(Weapon, Origin)> {
    let mut plans: BTreeMap<(String, String), (Weapon, Origin)> = BTreeMap::new();
    for s in events.iter().filter(|s| evidence.contains(&s.id)) {
        for wid in s.event.entities.iter().filter(|e| e.starts_with("wpn:")) {
            let Some(w) = knowledge.catalogue.get(wid) else {
                continue;
            };
            let Some(range_km) = w.range_km.filter(|r| *r > 0.0) else {
                continue;
            };
            let weapon = Weapon {
                id: w.id.clone(),
                name: w.name.clone(),
                range_km,
            };
            for origin in origins_for(knowledge, loc, &s.event, w) {
                let key = (weapon.id.clone(), origin.id.clone());
                plans
                    .entry(key)
                    .and_modify(|(_, o)| {
                        if !o.events.contains(&s.id) {
                            o.events.push(s.id);
                        }
                    })
                    .or_insert_with(|| {
                        let mut origin = origin;
                        origin.events = vec![s.id];
                        (weapon.clone(), origin)
                    });
            }
        }
    }
    plans.into_values().collect()
}

fn origins_for(
    knowledge: &Knowledge,
    loc: &Locator<'_>,
    e: &watchfloor_model::EventRecord,
    weapon: &watchfloor_extract::catalogue::Entity,
) -> Vec<Origin> {
    let Some(l) = loc.locate(e) else {
        return Vec::new();
    };
    let basis = match l.by {
        LocatedBy::Place => OriginBasis::EvidencePlace,
        LocatedBy::Site => OriginBasis::EvidenceSite,
        LocatedBy::Capital => OriginBasis::Capital,
    };
    if basis == OriginBasis::Capital {
        // Country only: catalogue sites of that country whose note names
        // the weapon, else the capital.
        let sites: Vec<Origin> = knowledge
            .catalogue
            .entities()
            .iter()
            .filter(|s| s.kind == "site" && s.country == l.country && site_names_weapon(s, weapon))
            .filter_map(|s| loc.site(&s.id))
            .map(|site| Origin {
                id: site.id,
                name: site.name,
                country: site.country,
                at: LatLon::new(site.lat, site.lon).into(),
                precision: site.precision,
                basis: OriginBasis::CatalogueSite,
                events: Vec::new(),
            })
            .collect();
        if !sites.is_empty() {
            return sites;
        }
    }
    vec![Origin {
        id: l.id,
        name: l.name,
        country: l.country,
        at: LatLon::new(l.lat, l.lon).into(),
        precision: l.precision,
        basis,
        events: Vec::new(),
    }]
}

fn rings_table(reports: &[RingReport], campaign: &str, as_of: &str, states: &[String]) -> String {
    let mut s = format!(
        "Range rings for {campaign} (memberships on {as_of}; states of interest: {})\n",
        states.join(" ")
    );
    if reports.is_empty() {
        s.push_str("No evidence places a weapon with a published range.\n");
    }
    for r in reports {
        let o = &r.ring.origin;
        s.push_str(&format!(
            "\n{} ({}, {} km) at {} [{}] {:.4}, {:.4} — {}, precision {}; events {}\n",
            r.ring.weapon.name,
            r.ring.weapon.id,
            r.ring.weapon.range_km,
            o.name,
            o.id,
            o.at.lat,
            o.at.lon,
            o.basis.label(),
            o.precision,
            o.events
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ));
        s.push_str("  borders:");
        if r.borders.is_empty() {
            s.push_str(" none of the states of interest within range");
        }
        for b in &r.borders {
            s.push_str(&format!(
                " {} {:.1} km{};",
                b.iso_a3,
                b.km,
                if b.inside { " (inside)" } else { "" }
            ));
        }
        s.push('\n');
        s.push_str(&format!("  in range: {}\n", r.ring.in_range.len()));
        for t in &r.ring.in_range {
            let kind = match t.target.kind {
                TargetKind::Capital => "capital",
                TargetKind::City => "city",
                TargetKind::Site => "site",
            };
            s.push_str(&format!(
                "  {:>8.1} km  {:<7} {:<3} {} [{}]\n",
                t.km,
                kind,
                t.target.country.as_deref().unwrap_or("-"),
                t.target.name,
                t.target.id
            ));
        }
    }
    s
}

/// Parses `100km`, `100 km`, `100` or `5000m` into kilometres.
fn parse_km(text: &str) -> Result<f64> {
    let t = text.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(n) = t.strip_suffix("km") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 0.001)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .with_context(|| format!("--within {text:?}: say a distance such as 100km"))?;
    if !v.is_finite() || v < 0.0 {
        bail!("--within {text:?}: the distance must be zero or more");
    }
    Ok(v * scale)
}

/// Resolves `--place` to a name and a position.
fn resolve_point(
    knowledge: &Knowledge,
    loc: &Locator<'_>,
    place: &str,
) -> Result<(String, LatLon)> {
    let p = place.trim();
    if let Some(pl) = loc.place(p) {
        return Ok((pl.name.clone(), LatLon::new(pl.lat, pl.lon)));
    }
    if p.starts_with("site:") {
        if let Some(s) = loc.site(p) {
            return Ok((s.name, LatLon::new(s.lat, s.lon)));
        }
    }
    if let Some((a, b)) = p.split_once(',') {
        if let (Ok(lat), Ok(lon)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
            let at = LatLon::new(lat, lon);
            if !at.is_valid() {
                bail!("--place {place:?}: latitude must be within ±90 and longitude within ±180");
            }
            return Ok((format!("{lat}, {lon}"), at));
        }
    }
    if p.starts_with("geo:") || p.starts_with("site:") {
        let hint = if knowledge.catalogue.get(p).is_some() {
            " (it has no coordinates)"
        } else {
            ""
        };
        bail!("--place {place:?}: not in the gazetteer or catalogue{hint}");
    }
    bail!("--place {place:?}: say geo:<geonameid>, geo:<slug>, site:<ID> or lat,lon")
}

/// A place near the point.
#[derive(serde::Serialize)]
struct NearPlace {
    id: String,
    name: String,
    country: Option<String>,
    kind: String,
    feature: String,
    population: u64,
    km: f64,
    bearing: f64,
}

struct Near {
    places: Vec<NearPlace>,
    sites: Vec<NearPlace>,
    borders: Vec<BorderDistance>,
}

fn near(
    knowledge: &Knowledge,
    basemap: &Basemap,
    at: LatLon,
    km: f64,
    limit: usize,
    min_pop: u64,
) -> Near {
    let max_dlat = km / 110.0 + 0.01;
    let mut places = Vec::new();
    let mut sites = Vec::new();
    for p in &knowledge.gazetteer.places {
        if (p.lat - at.lat).abs() > max_dlat || p.kind == PlaceKind::Country {
            continue;
        }
        let (d, bearing) = distance_and_bearing(at, LatLon::new(p.lat, p.lon));
        if d > km {
            continue;
        }
        let item = NearPlace {
            id: p.id.clone(),
            name: p.name.clone(),
            country: p.country.clone(),
            kind: p.kind.as_str().to_string(),
            feature: p.feature.clone(),
            population: p.population,
            km: d,
            bearing,
        };
        if is_facility(p) {
            sites.push(item);
        } else if p.population >= min_pop || p.kind != PlaceKind::City {
            places.push(item);
        }
    }
    for e in knowledge
        .catalogue
        .entities()
        .iter()
        .filter(|e| e.kind == "site")
    {
        let (Some(lat), Some(lon)) = (e.lat, e.lon) else {
            continue;
        };
        let (d, bearing) = distance_and_bearing(at, LatLon::new(lat, lon));
        if d <= km {
            sites.push(NearPlace {
                id: e.id.clone(),
                name: e.name.clone(),
                country: e.country.clone(),
                kind: "site".into(),
                feature: "catalogue site".into(),
                population: 0,
                km: d,
                bearing,
            });
        }
    }
    let by_km = |a: &NearPlace, b: &NearPlace| a.km.total_cmp(&b.km).then_with(|| a.id.cmp(&b.id));
    places.sort_by(by_km);
    places.truncate(limit);
    sites.sort_by(by_km);
    Near {
        places,
        sites,
        borders: borders_within(basemap, at, km),
    }
}

fn near_table(basemap: &Basemap, label: &str, at: LatLon, km: f64, n: &Near) -> String {
    let mut s = format!("Within {km} km of {label} ({:.4}, {:.4})", at.lat, at.lon);
    if let Some(c) = basemap.country_at(at.lat, at.lon) {
        s.push_str(&format!(", in {}", c.name));
    }
    if let Some(d) = basemap.disputed_at(at.lat, at.lon) {
        s.push_str(&format!(" ({}: {})", d.name, d.status));
    }
    s.push('\n');
    s.push_str("\nBorders\n");
    for b in &n.borders {
        s.push_str(&format!(
            "  {:>8.1} km  {:<3} {}{}\n",
            b.km,
            b.iso_a3,
            b.name,
            if b.inside {
                " (inside; distance to its edge)"
            } else {
                ""
            }
        ));
    }
    for (title, list) in [("Sites", &n.sites), ("Places", &n.places)] {
        s.push_str(&format!("\n{title} ({})\n", list.len()));
        for p in list.iter() {
            s.push_str(&format!(
                "  {:>8.1} km {:>4.0}°  {:<3} {} [{}] {}{}\n",
                p.km,
                p.bearing,
                p.country.as_deref().unwrap_or("-"),
                p.name,
                p.id,
                p.feature,
                if p.population > 0 {
                    format!(" pop {}", p.population)
                } else {
                    String::new()
                }
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_parse_with_units() {
        assert_eq!(parse_km("100km").unwrap(), 100.0);
        assert_eq!(parse_km("100 km").unwrap(), 100.0);
        assert_eq!(parse_km("75").unwrap(), 75.0);
        assert_eq!(parse_km("5000m").unwrap(), 5.0);
        assert!(parse_km("far").is_err());
        assert!(parse_km("-3km").is_err());
    }
}
