//! Distances to state borders: how far a point lies from the boundary of a
//! country's territory on the basemap (geodesic, WGS84), and whether it is
//! inside.
//!
//! The boundary is every ring of the country's polygons, coasts included:
//! from outside a state it is the distance to its territory; from inside,
//! the distance to the nearest edge of it, land border or coast.

use geo::Coord;
use serde::Serialize;

use crate::basemap::{Basemap, Country};
use crate::geodesy::{distance_km, nearest_on_lines, LatLon};

/// A point's distance to one state's border.
#[derive(Debug, Clone, Serialize)]
pub struct BorderDistance {
    /// The state (alpha-3).
    pub iso_a3: String,
    /// Its English name.
    pub name: String,
    /// Geodesic distance to the nearest point of its boundary, km (≥ 0).
    pub km: f64,
    /// Whether the point lies inside the state's territory.
    pub inside: bool,
    /// `km` negated when inside: below zero means "this far within".
    pub signed_km: f64,
    /// Latitude of the nearest boundary point.
    pub nearest_lat: f64,
    /// Longitude of the nearest boundary point.
    pub nearest_lon: f64,
}

/// The distance from `p` to `country`'s border, or `None` when the country
/// has no code or no shape.
pub fn distance_to(country: &Country, p: LatLon) -> Option<BorderDistance> {
    let iso = country.iso_a3.clone()?;
    let lines = country
        .shape
        .0
        .iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .map(|l| l.0.as_slice());
    let nearest = nearest_on_lines(p, lines)?;
    let inside = holds(country, p);
    Some(BorderDistance {
        iso_a3: iso,
        name: country.name.clone(),
        km: nearest.km,
        inside,
        signed_km: if inside { -nearest.km } else { nearest.km },
        nearest_lat: nearest.at.lat,
        nearest_lon: nearest.at.lon,
    })
}

fn holds(country: &Country, p: LatLon) -> bool {
    use geo::Contains;
    country.bbox.is_some_and(|b| {
        (b.min().x..=b.max().x).contains(&p.lon) && (b.min().y..=b.max().y).contains(&p.lat)
    }) && country.shape.contains(&geo::Point::new(p.lon, p.lat))
}

/// The distance from `p` to the border of the state with code `iso_a3`.
pub fn distance_to_code(basemap: &Basemap, iso_a3: &str, p: LatLon) -> Option<BorderDistance> {
    distance_to(basemap.country(iso_a3)?, p)
}

/// Every state whose border lies within `km` of `p`, plus the state that
/// holds `p` whatever the distance, nearest first (the holding state
/// first on ties).
pub fn borders_within(basemap: &Basemap, p: LatLon, km: f64) -> Vec<BorderDistance> {
    let mut out: Vec<BorderDistance> = basemap
        .countries()
        .iter()
        .filter(|c| c.iso_a3.is_some())
        .filter(|c| {
            // Lower bound of the distance to the country's box: the
            // distance to the box's nearest point, less 1 % and 1 km for
            // the geodesic bulge between its corners.
            c.bbox.is_some_and(|b| {
                let q = LatLon::new(
                    p.lat.clamp(b.min().y, b.max().y),
                    p.lon.clamp(b.min().x, b.max().x),
                );
                distance_km(p, q) * 0.99 - 1.0 <= km
            })
        })
        .filter_map(|c| distance_to(c, p))
        .filter(|d| d.inside || d.km <= km)
        .collect();
    out.sort_by(|a, b| {
        b.inside
            .cmp(&a.inside)
            .then(a.km.total_cmp(&b.km))
            .then_with(|| a.iso_a3.cmp(&b.iso_a3))
    });
    out
}

/// The vertices of a country's boundary, for callers that draw it.
pub fn boundary_lines(country: &Country) -> Vec<&[Coord<f64>]> {
    country
        .shape
        .0
        .iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .map(|l| l.0.as_slice())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // GeoNames (data/gazetteer/places.tsv): Brest 629634 (BLR), Terespol
    // 756938 (POL) — on either bank of the Bug, which is the border.
    const BREST: LatLon = LatLon::new(52.1089, 23.7175);
    const TERESPOL: LatLon = LatLon::new(52.0755, 23.6161);

    fn map() -> &'static Basemap {
        Basemap::embedded()
    }

    #[test]
    fn brest_and_terespol_sit_on_either_side_of_the_belarus_poland_border() {
        let brest_pl = distance_to_code(map(), "POL", BREST).unwrap();
        let brest_by = distance_to_code(map(), "BLR", BREST).unwrap();
        assert!(!brest_pl.inside && brest_by.inside);
        // Reference (Python geographiclib brute force): 6.186 km.
        assert!(
            (brest_pl.km - 6.186).abs() < 0.05,
            "Brest–Poland {}",
            brest_pl.km
        );
        assert!(brest_by.signed_km < 0.0);
        let teres_pl = distance_to_code(map(), "POL", TERESPOL).unwrap();
        let teres_by = distance_to_code(map(), "BLR", TERESPOL).unwrap();
        assert!(teres_pl.inside && !teres_by.inside);
        // Reference: 1.519 km.
        assert!(
            (teres_by.km - 1.519).abs() < 0.05,
            "Terespol–Belarus {}",
            teres_by.km
        );
        // On a shared border, the distance to one side is the distance to
        // the other (within the basemap's 3-decimal rounding, ~100 m).
        assert!((brest_pl.km - brest_by.km).abs() < 0.5);
    }

    #[test]
    fn minsk_border_distances_match_an_independent_brute_force() {
        let minsk = LatLon::new(53.9002, 27.5665);
        let pl = distance_to_code(map(), "POL", minsk).unwrap().km;
        let lt = distance_to_code(map(), "LTU", minsk).unwrap().km;
        // Reference: a brute force over the same basemap outside this code
        // base (Python geographiclib 2.0, every edge sampled at tenths):
        // Minsk–Lithuania 121.463 km, Minsk–Poland 257.297 km.
        assert!((lt - 121.463).abs() < 0.05, "LTU {lt}");
        assert!((pl - 257.297).abs() < 0.05, "POL {pl}");
        // The nearest point reported is at the distance claimed.
        let d = distance_to_code(map(), "LTU", minsk).unwrap();
        let again = distance_km(minsk, LatLon::new(d.nearest_lat, d.nearest_lon));
        assert!((again - d.km).abs() < 1e-6);
    }

    #[test]
    fn borders_within_lists_the_holding_state_first_then_neighbours() {
        let got = borders_within(map(), BREST, 100.0);
        let codes: Vec<&str> = got.iter().map(|d| d.iso_a3.as_str()).collect();
        assert_eq!(codes.first(), Some(&"BLR"));
        assert!(codes.contains(&"POL"));
        assert!(codes.contains(&"UKR"), "{codes:?}"); // ~35 km south
        assert!(!codes.contains(&"LTU"), "{codes:?}"); // ~200 km north
        let pl = got.iter().find(|d| d.iso_a3 == "POL").unwrap();
        assert!(!pl.inside);
    }

    #[test]
    fn vertex_search_is_not_fooled_by_long_edges() {
        // Against a brute force over densified edges (every ~1 km): the
        // refined distance is never more than 10 m worse.
        let lt = map().country("LTU").unwrap();
        let p = LatLon::new(54.2, 26.3);
        let fast = distance_to(lt, p).unwrap().km;
        let mut brute = f64::INFINITY;
        for line in boundary_lines(lt) {
            for w in line.windows(2) {
                let n = 20;
                for i in 0..=n {
                    let t = i as f64 / n as f64;
                    let q = LatLon::new(
                        w[0].y + t * (w[1].y - w[0].y),
                        w[0].x + t * (w[1].x - w[0].x),
                    );
                    brute = brute.min(distance_km(p, q));
                }
            }
        }
        assert!(fast <= brute + 0.01, "fast {fast} brute {brute}");
    }
}
