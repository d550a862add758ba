//! Weapon range rings: the geodesic circle of a system's published range
//! around each place the evidence puts it, and what lies inside —
//! capitals, cities and military sites, with their WGS84 distances.
//!
//! The caller supplies the weapons, origins and candidate targets (from
//! the catalogue, the gazetteer and the stored evidence); this module does
//! the geometry. Membership is decided by the exact geodesic distance, not
//! by the drawn polygon; the polygon is for maps and GeoJSON, split at the
//! antimeridian and closed over a pole when the circle holds one.

use geo::{BooleanOps, Coord, LineString, MultiPolygon, Orient, Polygon, Rect};
use serde::Serialize;
use serde_json::{json, Value};

use crate::basemap::Basemap;
use crate::borders::{self, BorderDistance};
use crate::geodesy::{circle, destination, distance_and_bearing, distance_km, LatLon};
use crate::rfc7946;

/// Points on a ring's circle (every 2.5°).
pub const RING_POINTS: usize = 144;

/// A weapon system with a published range.
#[derive(Debug, Clone, Serialize)]
pub struct Weapon {
    /// Catalogue ID (`wpn:ISKANDER`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Published maximum range, km.
    pub range_km: f64,
}

/// Why a ring is centred where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginBasis {
    /// The place an event names.
    EvidencePlace,
    /// A catalogue site an event names.
    EvidenceSite,
    /// The event names only a country; a catalogue site in that country
    /// whose note names the weapon stands in for it.
    CatalogueSite,
    /// The event names only a country; its capital stands in for it.
    Capital,
}

impl OriginBasis {
    /// Whether the ring stands on evidence of the place itself (not a
    /// fallback).
    pub fn is_evidence(self) -> bool {
        matches!(self, OriginBasis::EvidencePlace | OriginBasis::EvidenceSite)
    }

    /// Words for tables.
    pub fn label(self) -> &'static str {
        match self {
            OriginBasis::EvidencePlace => "evidence place",
            OriginBasis::EvidenceSite => "evidence site",
            OriginBasis::CatalogueSite => "catalogue site (fallback: country only)",
            OriginBasis::Capital => "capital (fallback: country only)",
        }
    }
}

/// Where a ring is centred.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    /// Place or site ID (`geo:625144`, `site:ASIPOVICHY_GARRISON`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Country (alpha-3), if known.
    pub country: Option<String>,
    /// Where.
    #[serde(flatten)]
    pub at: LatLonSer,
    /// Location precision (1 site/town, 2 district, 3 region or country).
    pub precision: u8,
    /// Why here.
    pub basis: OriginBasis,
    /// The stored events that put the weapon here.
    pub events: Vec<i64>,
}

/// A position serialised as `lat`/`lon` fields.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LatLonSer {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

impl From<LatLon> for LatLonSer {
    fn from(p: LatLon) -> Self {
        LatLonSer {
            lat: p.lat,
            lon: p.lon,
        }
    }
}

impl From<LatLonSer> for LatLon {
    fn from(p: LatLonSer) -> Self {
        LatLon::new(p.lat, p.lon)
    }
}

/// What kind of thing a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A national capital.
    Capital,
    /// A city (population ≥ 100 000, or a first-level administrative seat).
    City,
    /// A military or strategic site.
    Site,
}

/// A thing that may fall in range.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// Place or site ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Country (alpha-3).
    pub country: Option<String>,
    /// Kind.
    pub kind: TargetKind,
    /// Where.
    #[serde(flatten)]
    pub at: LatLonSer,
    /// Population (0 where unknown).
    pub population: u64,
}

/// A target in range of a ring, with its distance.
#[derive(Debug, Clone, Serialize)]
pub struct InRange {
    /// The target.
    #[serde(flatten)]
    pub target: Target,
    /// Geodesic distance from the ring's origin, km.
    pub km: f64,
    /// Bearing from the origin, degrees clockwise from north.
    pub bearing: f64,
}

/// One weapon's range ring around one origin.
#[derive(Debug, Clone, Serialize)]
pub struct RangeRing {
    /// The weapon.
    pub weapon: Weapon,
    /// Its centre.
    pub origin: Origin,
    /// Targets within range, nearest first.
    pub in_range: Vec<InRange>,
    /// The circle as a (multi)polygon in lon/lat (split at the antimeridian,
    /// closed over a pole it holds).
    #[serde(skip)]
    pub shape: MultiPolygon<f64>,
}

/// Targets within `range_km` of `origin` (geodesic distance ≤ range),
/// nearest first.
pub fn in_range(origin: LatLon, range_km: f64, targets: &[Target]) -> Vec<InRange> {
    // A cheap bound first: latitude difference alone (≥ 110.5 km/°) rules
    // out most of a continent before any geodesic is solved.
    let max_dlat = range_km / 110.0 + 0.01;
    let mut out: Vec<InRange> = targets
        .iter()
        .filter(|t| (t.at.lat - origin.lat).abs() <= max_dlat)
        .filter_map(|t| {
            let (km, bearing) = distance_and_bearing(origin, t.at.into());
            (km <= range_km).then(|| InRange {
                target: t.clone(),
                km,
                bearing,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.km.total_cmp(&b.km)
            .then_with(|| a.target.id.cmp(&b.target.id))
    });
    out
}

/// The ring of `weapon` around `origin` with the targets inside it.
pub fn range_ring(weapon: &Weapon, origin: Origin, targets: &[Target]) -> RangeRing {
    let centre: LatLon = origin.at.into();
    RangeRing {
        in_range: in_range(centre, weapon.range_km, targets),
        shape: ring_shape(centre, weapon.range_km, RING_POINTS),
        weapon: weapon.clone(),
        origin,
    }
}

/// The geodesic circle of radius `km` around `centre` as a lon/lat
/// (multi)polygon: counter-clockwise exteriors, split at ±180°, closed
/// over a pole that lies inside, or the whole globe minus the far cap when
/// both poles lie inside.
pub fn ring_shape(centre: LatLon, km: f64, points: usize) -> MultiPolygon<f64> {
    let pts = circle(centre, km, points);
    // Unwrap longitudes so the circle is continuous.
    let mut unwrapped: Vec<Coord<f64>> = Vec::with_capacity(pts.len() + 3);
    let mut prev: Option<f64> = None;
    for p in &pts {
        let lon = match prev {
            Some(q) => q + crate::geodesy::normalise_lon(p.lon - q),
            None => p.lon,
        };
        unwrapped.push(Coord { x: lon, y: p.lat });
        prev = Some(lon);
    }
    let north = distance_km(centre, LatLon::new(90.0, 0.0)) < km;
    let south = distance_km(centre, LatLon::new(-90.0, 0.0)) < km;
    let world = Rect::new(
        Coord {
            x: -180.0,
            y: -90.0,
        },
        Coord { x: 180.0, y: 90.0 },
    );
    let shape = match (north, south) {
        (false, false) => {
            let poly = Polygon::new(close_unwrapped(&unwrapped), vec![]);
            fold_into_world(&poly, &world)
        }
        (true, true) => {
            // The circle bounds the far cap, which holds neither pole.
            let far = Polygon::new(close_unwrapped(&unwrapped), vec![]);
            let cap = fold_into_world(&far, &world);
            world.to_polygon().difference(&cap)
        }
        (n, _) => {
            // One pole inside: the unwrapped circle spans 360° of
            // longitude; close it along that pole's parallel.
            let pole_lat = if n { 90.0 } else { -90.0 };
            let (Some(first), Some(last)) = (unwrapped.first().copied(), unwrapped.last().copied())
            else {
                return MultiPolygon::new(vec![]);
            };
            let mut ring = unwrapped.clone();
            // Carry the circle on to its own start, one turn round.
            let closing_x = first.x + (last.x - first.x).signum() * 360.0;
            ring.push(Coord {
                x: closing_x,
                y: first.y,
            });
            ring.push(Coord {
                x: closing_x,
                y: pole_lat,
            });
            ring.push(Coord {
                x: first.x,
                y: pole_lat,
            });
            let poly = Polygon::new(LineString::new(ring), vec![]);
            fold_into_world(&poly, &world)
        }
    };
    shape.orient(geo::orient::Direction::Default)
}

fn close_unwrapped(pts: &[Coord<f64>]) -> LineString<f64> {
    LineString::new(pts.to_vec())
}

/// Clips a polygon drawn in unwrapped longitudes to −180..180, folding the
/// parts beyond back onto the globe.
fn fold_into_world(poly: &Polygon<f64>, world: &Rect<f64>) -> MultiPolygon<f64> {
    let world = world.to_polygon();
    let mut out = MultiPolygon::new(vec![]);
    for shift in [-720.0, -360.0, 0.0, 360.0, 720.0] {
        let moved = translate(poly, shift);
        let part = moved.intersection(&world);
        if !part.0.is_empty() {
            out = if out.0.is_empty() {
                part
            } else {
                out.union(&part)
            };
        }
    }
    out
}

fn translate(poly: &Polygon<f64>, dx: f64) -> Polygon<f64> {
    let mv = |l: &LineString<f64>| {
        LineString::new(
            l.0.iter()
                .map(|c| Coord {
                    x: c.x + dx,
                    y: c.y,
                })
                .collect(),
        )
    };
    Polygon::new(
        mv(poly.exterior()),
        poly.interiors().iter().map(mv).collect(),
    )
}

/// A ring with the distances from its origin to the borders of the
/// states of interest that lie within range (or hold the origin).
#[derive(Debug, Clone, Serialize)]
pub struct RingReport {
    /// The ring and what it reaches.
    #[serde(flatten)]
    pub ring: RangeRing,
    /// Border distances, nearest first.
    pub borders: Vec<BorderDistance>,
}

/// Rings, in-range lists and border distances for every (weapon, origin)
/// pair: the whole geo analysis of a campaign's weapon evidence. Targets
/// are the candidates (capitals, cities, sites of the states of interest);
/// `states` the alpha-3 codes whose borders are measured. Border distances
/// are computed once per origin; the pairs are shared out over the
/// available cores. The output keeps the order of `plans`.
pub fn analyse(
    plans: Vec<(Weapon, Origin)>,
    targets: &[Target],
    states: &[String],
    basemap: &Basemap,
) -> Vec<RingReport> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    if threads == 1 || plans.len() < 4 {
        return analyse_serial(plans, targets, states, basemap);
    }
    // Group by origin so each thread measures an origin's borders once.
    let mut indexed: Vec<(usize, (Weapon, Origin))> = plans.into_iter().enumerate().collect();
    indexed.sort_by(|a, b| {
        let (p, q) = (&a.1 .1.at, &b.1 .1.at);
        p.lat.total_cmp(&q.lat).then(p.lon.total_cmp(&q.lon))
    });
    let chunk = indexed.len().div_ceil(threads);
    let mut parts: Vec<Vec<(usize, (Weapon, Origin))>> = Vec::new();
    while !indexed.is_empty() {
        let rest = indexed.split_off(chunk.min(indexed.len()));
        parts.push(std::mem::replace(&mut indexed, rest));
    }
    let mut out: Vec<(usize, RingReport)> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    let (ids, plans): (Vec<usize>, Vec<(Weapon, Origin)>) =
                        part.into_iter().unzip();
                    ids.into_iter()
                        .zip(analyse_serial(plans, targets, states, basemap))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

fn analyse_serial(
    plans: Vec<(Weapon, Origin)>,
    targets: &[Target],
    states: &[String],
    basemap: &Basemap,
) -> Vec<RingReport> {
    let mut by_origin: std::collections::HashMap<(u64, u64), Vec<BorderDistance>> =
        std::collections::HashMap::new();
    plans
        .into_iter()
        .map(|(weapon, origin)| {
            let at: LatLon = origin.at.into();
            let key = (at.lat.to_bits(), at.lon.to_bits());
            let all = by_origin.entry(key).or_insert_with(|| {
                let mut v: Vec<BorderDistance> = states
                    .iter()
                    .filter_map(|s| borders::distance_to_code(basemap, s, at))
                    .collect();
                v.sort_by(|a, b| a.signed_km.total_cmp(&b.signed_km));
                v
            });
            let borders = all
                .iter()
                .filter(|b| b.inside || b.km <= weapon.range_km)
                .cloned()
                .collect();
            RingReport {
                ring: range_ring(&weapon, origin, targets),
                borders,
            }
        })
        .collect()
}

/// The rings as an RFC 7946 FeatureCollection: one feature per ring
/// (`kind: "range_ring"`, its polygon) and one per origin (`kind:
/// "origin"`, a point), with `attribution` as a foreign member.
pub fn rings_geojson(reports: &[RingReport], attribution: &str) -> Value {
    let mut features = Vec::new();
    for report in reports {
        let r = &report.ring;
        let borders: Vec<Value> = report
            .borders
            .iter()
            .map(|b| {
                json!({
                    "state": b.iso_a3, "name": b.name, "inside": b.inside,
                    "km": (b.km * 10.0).round() / 10.0,
                })
            })
            .collect();
        let in_range: Vec<Value> = r
            .in_range
            .iter()
            .map(|t| {
                json!({
                    "id": t.target.id, "name": t.target.name, "country": t.target.country,
                    "kind": t.target.kind, "km": (t.km * 10.0).round() / 10.0,
                })
            })
            .collect();
        features.push(json!({
            "type": "Feature",
            "geometry": rfc7946::multipolygon(&r.shape),
            "properties": {
                "kind": "range_ring",
                "weapon": r.weapon.id, "weapon_name": r.weapon.name, "range_km": r.weapon.range_km,
                "origin": r.origin.id, "origin_name": r.origin.name,
                "origin_basis": r.origin.basis, "origin_precision": r.origin.precision,
                "events": r.origin.events,
                "in_range": in_range,
                "borders": borders,
            }
        }));
        features.push(json!({
            "type": "Feature",
            "geometry": rfc7946::point(r.origin.at.into()),
            "properties": {
                "kind": "origin", "weapon": r.weapon.id, "id": r.origin.id, "name": r.origin.name,
                "country": r.origin.country, "basis": r.origin.basis,
                "precision": r.origin.precision, "events": r.origin.events,
            }
        }));
    }
    json!({"type": "FeatureCollection", "attribution": attribution, "features": features})
}

/// A point `km` from `origin` on `bearing` (a convenience for edge tests
/// and callers placing labels on a ring).
pub fn on_bearing(origin: LatLon, bearing: f64, km: f64) -> LatLon {
    destination(origin, bearing, km)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Point};

    const MINSK: LatLon = LatLon::new(53.9002, 27.5665);

    fn target(id: &str, at: LatLon) -> Target {
        Target {
            id: id.into(),
            name: id.into(),
            country: None,
            kind: TargetKind::City,
            at: at.into(),
            population: 0,
        }
    }

    fn origin(at: LatLon) -> Origin {
        Origin {
            id: "o".into(),
            name: "o".into(),
            country: None,
            at: at.into(),
            precision: 1,
            basis: OriginBasis::EvidencePlace,
            events: vec![1],
        }
    }

    #[test]
    fn membership_at_the_edge_of_500_km() {
        let inside = on_bearing(MINSK, 263.0, 499.9);
        let outside = on_bearing(MINSK, 263.0, 500.1);
        let targets = [target("in", inside), target("out", outside)];
        let got = in_range(MINSK, 500.0, &targets);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].target.id, "in");
        assert!((got[0].km - 499.9).abs() < 1e-6);
        assert!((got[0].bearing - 263.0).abs() < 1e-6);
    }

    #[test]
    fn iskander_from_minsk_reaches_vilnius_and_warsaw_not_berlin() {
        let weapon = Weapon {
            id: "wpn:ISKANDER".into(),
            name: "Iskander-M".into(),
            range_km: 500.0,
        };
        let targets = [
            target("Warsaw", LatLon::new(52.2298, 21.0118)),
            target("Vilnius", LatLon::new(54.6892, 25.2798)),
            target("Berlin", LatLon::new(52.5244, 13.4105)),
        ];
        let ring = range_ring(&weapon, origin(MINSK), &targets);
        let names: Vec<&str> = ring.in_range.iter().map(|t| t.target.id.as_str()).collect();
        assert_eq!(names, ["Vilnius", "Warsaw"]);
        // The drawn polygon agrees with the distances.
        for t in &targets {
            let p = Point::new(t.at.lon, t.at.lat);
            assert_eq!(
                ring.shape.contains(&p),
                names.contains(&t.id.as_str()),
                "{}",
                t.id
            );
        }
        let report = RingReport {
            ring,
            borders: vec![],
        };
        let g = rings_geojson(&[report], "test");
        assert!(
            rfc7946::problems(&g).is_empty(),
            "{:?}",
            rfc7946::problems(&g)
        );
        assert_eq!(
            g["features"][0]["properties"]["in_range"][0]["name"],
            "Vilnius"
        );
    }

    #[test]
    fn analyse_keeps_order_and_measures_borders_within_range() {
        let map = Basemap::embedded();
        let w = |id: &str, km: f64| Weapon {
            id: id.into(),
            name: id.into(),
            range_km: km,
        };
        // Asipovichy (Iskander brigade) and Minsk.
        let asipovichy = origin(LatLon::new(53.3, 28.64));
        let plans = vec![
            (w("short", 120.0), asipovichy.clone()),
            (w("iskander", 500.0), asipovichy.clone()),
            (w("iskander", 500.0), origin(MINSK)),
            (w("short", 120.0), origin(MINSK)),
            (w("long", 2500.0), asipovichy),
        ];
        let states: Vec<String> = ["POL", "LTU", "UKR", "DEU", "BLR"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let targets = [target("Warsaw", LatLon::new(52.2298, 21.0118))];
        let got = analyse(plans.clone(), &targets, &states, map);
        let serial = analyse_serial(plans, &targets, &states, map);
        assert_eq!(got.len(), 5);
        for (a, b) in got.iter().zip(&serial) {
            assert_eq!(a.ring.weapon.id, b.ring.weapon.id);
            assert_eq!(a.ring.origin.at.lat, b.ring.origin.at.lat);
            assert_eq!(a.borders.len(), b.borders.len());
        }
        let codes = |r: &RingReport| -> Vec<String> {
            r.borders.iter().map(|b| b.iso_a3.clone()).collect()
        };
        // 120 km from Asipovichy reaches no foreign border; BLR holds it.
        assert_eq!(codes(&got[0]), ["BLR"]);
        // 500 km reaches Poland, Lithuania and Ukraine, not Germany.
        let isk = codes(&got[1]);
        for s in ["POL", "LTU", "UKR"] {
            assert!(isk.contains(&s.to_string()), "{isk:?}");
        }
        assert!(!isk.contains(&"DEU".to_string()));
        assert!(codes(&got[4]).contains(&"DEU".to_string()));
        // Warsaw: ~477 km from Minsk, farther than 500 km from Asipovichy.
        assert_eq!(got[2].ring.in_range.len(), 1);
        assert!(got[1].ring.in_range.is_empty());
        assert!(got[0].ring.in_range.is_empty());
    }

    #[test]
    fn a_ring_over_the_antimeridian_is_split_in_two() {
        let shape = ring_shape(LatLon::new(64.7, 177.5), 600.0, RING_POINTS); // Anadyr
        assert_eq!(shape.0.len(), 2, "{shape:?}");
        for c in shape.0.iter().flat_map(|p| p.exterior().0.iter()) {
            assert!((-180.0..=180.0).contains(&c.x));
        }
        assert!(shape.contains(&Point::new(-179.5, 64.7)));
        assert!(shape.contains(&Point::new(177.5, 64.7)));
        let g = rfc7946::multipolygon(&shape);
        assert!(
            rfc7946::problems(&g).is_empty(),
            "{:?}",
            rfc7946::problems(&g)
        );
    }

    #[test]
    fn a_ring_holding_the_north_pole_is_closed_over_it() {
        // Oreshnik (5,500 km) from Minsk: the pole is ~4,000 km away.
        let shape = ring_shape(MINSK, 5500.0, RING_POINTS);
        assert!(shape.contains(&Point::new(0.0, 89.0)));
        assert!(shape.contains(&Point::new(-150.0, 85.0)));
        assert!(shape.contains(&Point::new(27.5, 54.0)));
        assert!(!shape.contains(&Point::new(27.5, -10.0)));
        let g = rfc7946::multipolygon(&shape);
        assert!(
            rfc7946::problems(&g).is_empty(),
            "{:?}",
            rfc7946::problems(&g)
        );
    }

    #[test]
    fn a_ring_holding_both_poles_leaves_out_only_the_far_cap() {
        // 18,000 km (Sarmat): everything but ~2,000 km round the antipode.
        let shape = ring_shape(MINSK, 18000.0, RING_POINTS);
        assert!(shape.contains(&Point::new(27.5, 54.0)));
        assert!(shape.contains(&Point::new(0.0, -89.0)));
        assert!(!shape.contains(&Point::new(-152.4335, -53.9002))); // antipode
        let world = 360.0 * 180.0;
        assert!(shape.unsigned_area() > 0.8 * world);
        let g = rfc7946::multipolygon(&shape);
        assert!(
            rfc7946::problems(&g).is_empty(),
            "{:?}",
            rfc7946::problems(&g)
        );
    }
}
