//! The map's base layers: country outlines and occupied/disputed areas
//! (Natural Earth via `data/basemap/`), and capitals (GeoNames via
//! `data/gazetteer/countries.tsv`) for events located only by country.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::PublishError;

const COUNTRIES: &str = include_str!("../../../data/basemap/countries.geojson");
const DISPUTED: &str = include_str!("../../../data/basemap/disputed.geojson");
const CAPITALS: &str = include_str!("../../../data/gazetteer/countries.tsv");

/// A ring of `(lon, lat)` points.
pub type Ring = Vec<(f64, f64)>;

/// A country outline.
#[derive(Debug, Clone)]
pub struct CountryShape {
    /// ISO 3166-1 alpha-3 code, if it has one.
    pub iso_a3: Option<String>,
    /// English name.
    pub name: String,
    /// Outer rings and holes of all its polygons.
    pub rings: Vec<Ring>,
}

/// An occupied or disputed area drawn over the countries.
#[derive(Debug, Clone)]
pub struct DisputedArea {
    /// Its name ("Crimea").
    pub name: String,
    /// Its status in words.
    pub status: String,
    /// The state it belongs to de jure (alpha-3).
    pub de_jure: String,
    /// Whether the line is approximate.
    pub approximate: bool,
    /// Its rings.
    pub rings: Vec<Ring>,
}

/// A capital, for placing an event known only by its country.
#[derive(Debug, Clone, PartialEq)]
pub struct Capital {
    /// The country's English name.
    pub country: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// Everything the map draws under the evidence.
#[derive(Debug, Clone)]
pub struct Basemap {
    /// Country outlines.
    pub countries: Vec<CountryShape>,
    /// Occupied/disputed areas.
    pub disputed: Vec<DisputedArea>,
    /// Capitals by alpha-3 code.
    pub capitals: BTreeMap<String, Capital>,
}

impl Basemap {
    /// The basemap compiled into the binary (`data/basemap`, `data/gazetteer`).
    pub fn embedded() -> Result<Basemap, PublishError> {
        Basemap::parse(COUNTRIES, DISPUTED, CAPITALS)
    }

    /// Reads `basemap/countries.geojson`, `basemap/disputed.geojson` and
    /// `gazetteer/countries.tsv` from an edited data directory.
    pub fn from_dir(dir: &Path) -> Result<Basemap, PublishError> {
        let read = |rel: &str| {
            let path = dir.join(rel);
            std::fs::read_to_string(&path).map_err(|source| PublishError::Read { path, source })
        };
        Basemap::parse(
            &read("basemap/countries.geojson")?,
            &read("basemap/disputed.geojson")?,
            &read("gazetteer/countries.tsv")?,
        )
    }

    /// Parses the three files' contents.
    pub fn parse(countries: &str, disputed: &str, capitals: &str) -> Result<Basemap, PublishError> {
        let mut out = Basemap {
            countries: Vec::new(),
            disputed: Vec::new(),
            capitals: BTreeMap::new(),
        };
        for f in features(countries, "countries.geojson")? {
            let p = &f["properties"];
            out.countries.push(CountryShape {
                iso_a3: p["iso_a3"].as_str().map(String::from),
                name: p["name"].as_str().unwrap_or("").to_string(),
                rings: rings(&f["geometry"], "countries.geojson")?,
            });
        }
        for f in features(disputed, "disputed.geojson")? {
            let p = &f["properties"];
            out.disputed.push(DisputedArea {
                name: p["name"].as_str().unwrap_or("").to_string(),
                status: p["status"].as_str().unwrap_or("").to_string(),
                de_jure: p["de_jure"].as_str().unwrap_or("").to_string(),
                approximate: p["approximate"].as_bool().unwrap_or(true),
                rings: rings(&f["geometry"], "disputed.geojson")?,
            });
        }
        let mut lines = capitals.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .ok_or_else(|| PublishError::Basemap {
                    file: "countries.tsv".into(),
                    reason: format!("no column {name:?}"),
                })
        };
        let (c_code, c_name, c_lat, c_lon) =
            (col("alpha3")?, col("name")?, col("lat")?, col("lon")?);
        for line in lines {
            let cells: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| cells.get(i).copied().unwrap_or("");
            if let (Ok(lat), Ok(lon)) = (get(c_lat).parse::<f64>(), get(c_lon).parse::<f64>()) {
                out.capitals.insert(
                    get(c_code).to_string(),
                    Capital {
                        country: get(c_name).to_string(),
                        lat,
                        lon,
                    },
                );
            }
        }
        Ok(out)
    }

    /// The country with this alpha-3 code.
    pub fn country(&self, iso_a3: &str) -> Option<&CountryShape> {
        self.countries
            .iter()
            .find(|c| c.iso_a3.as_deref() == Some(iso_a3))
    }

    /// A country's English name, else the code itself.
    pub fn country_name(&self, iso_a3: &str) -> String {
        self.capitals
            .get(iso_a3)
            .map(|c| c.country.clone())
            .or_else(|| self.country(iso_a3).map(|c| c.name.clone()))
            .unwrap_or_else(|| iso_a3.to_string())
    }
}

impl CountryShape {
    /// `(min_lon, min_lat, max_lon, max_lat)` of its largest ring (which
    /// keeps far-flung islands and exclaves from stretching the frame).
    pub fn main_bbox(&self) -> Option<(f64, f64, f64, f64)> {
        let ring = self
            .rings
            .iter()
            .max_by(|a, b| ring_area(a).total_cmp(&ring_area(b)))?;
        bbox(ring)
    }
}

/// Bounding box of a ring.
pub fn bbox(ring: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let first = ring.first()?;
    Some(ring.iter().fold(
        (first.0, first.1, first.0, first.1),
        |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
    ))
}

/// Unsigned planar area of a ring in square degrees.
pub fn ring_area(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for i in 0..n {
        let (x1, y1) = ring[i];
        let (x2, y2) = ring[(i + 1) % n];
        s += x1 * y2 - x2 * y1;
    }
    (s / 2.0).abs()
}

/// Area centroid of a ring (vertex mean for degenerate rings).
pub fn ring_centroid(ring: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = ring.len();
    if n == 0 {
        return None;
    }
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (x1, y1) = ring[i];
        let (x2, y2) = ring[(i + 1) % n];
        let cross = x1 * y2 - x2 * y1;
        a += cross;
        cx += (x1 + x2) * cross;
        cy += (y1 + y2) * cross;
    }
    if a.abs() < 1e-12 {
        let (sx, sy) = ring
            .iter()
            .fold((0.0, 0.0), |(sx, sy), p| (sx + p.0, sy + p.1));
        return Some((sx / n as f64, sy / n as f64));
    }
    Some((cx / (3.0 * a), cy / (3.0 * a)))
}

fn features(text: &str, file: &str) -> Result<Vec<Value>, PublishError> {
    let value: Value = serde_json::from_str(text).map_err(|e| PublishError::Basemap {
        file: file.into(),
        reason: e.to_string(),
    })?;
    match value.get("features").and_then(Value::as_array) {
        Some(f) => Ok(f.clone()),
        None => Err(PublishError::Basemap {
            file: file.into(),
            reason: "not a GeoJSON FeatureCollection".into(),
        }),
    }
}

fn rings(geometry: &Value, file: &str) -> Result<Vec<Ring>, PublishError> {
    let bad = |reason: &str| PublishError::Basemap {
        file: file.into(),
        reason: reason.into(),
    };
    let ring = |v: &Value| -> Result<Ring, PublishError> {
        v.as_array()
            .ok_or_else(|| bad("ring is not an array"))?
            .iter()
            .map(|p| {
                match (
                    p.get(0).and_then(Value::as_f64),
                    p.get(1).and_then(Value::as_f64),
                ) {
                    (Some(x), Some(y)) => Ok((x, y)),
                    _ => Err(bad("position is not [lon, lat]")),
                }
            })
            .collect()
    };
    let polygon = |v: &Value| -> Result<Vec<Ring>, PublishError> {
        v.as_array()
            .ok_or_else(|| bad("polygon is not an array"))?
            .iter()
            .map(ring)
            .collect()
    };
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => polygon(coords),
        Some("MultiPolygon") => {
            let mut out = Vec::new();
            for p in coords
                .as_array()
                .ok_or_else(|| bad("multipolygon is not an array"))?
            {
                out.extend(polygon(p)?);
            }
            Ok(out)
        }
        Some(other) => Err(bad(&format!("unsupported geometry {other}"))),
        None => Err(bad("feature without geometry type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_basemap_has_belarus_crimea_and_minsk() {
        let b = Basemap::embedded().expect("embedded basemap parses");
        let blr = b.country("BLR").expect("Belarus outline");
        let (x0, y0, x1, y1) = blr.main_bbox().expect("bbox");
        assert!(
            x0 > 22.0 && x1 < 33.5 && y0 > 51.0 && y1 < 56.5,
            "{x0} {y0} {x1} {y1}"
        );
        assert!(b
            .disputed
            .iter()
            .any(|d| d.name == "Crimea" && d.de_jure == "UKR"));
        let minsk = &b.capitals["BLR"];
        assert!((minsk.lat - 53.9).abs() < 0.1 && (minsk.lon - 27.57).abs() < 0.1);
        assert_eq!(b.country_name("RUS"), "Russia");
    }

    #[test]
    fn broken_geojson_is_an_error_naming_the_file() {
        let err = Basemap::parse("{", "{\"features\":[]}", "alpha3\tname\tlat\tlon\n")
            .expect_err("must fail");
        assert!(err.to_string().contains("countries.geojson"), "{err}");
        let err = Basemap::parse(
            "{\"features\":[{\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}]}",
            "{\"features\":[]}",
            "alpha3\tname\tlat\tlon\n",
        )
        .expect_err("points are not outlines");
        assert!(err.to_string().contains("Point"), "{err}");
    }

    #[test]
    fn centroid_of_a_square() {
        let sq = vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)];
        assert_eq!(ring_centroid(&sq), Some((1.0, 1.0)));
        assert_eq!(ring_area(&sq), 4.0);
    }
}
