//! The basemap: country polygons and the occupied/disputed-areas layer from
//! `data/basemap/` (Natural Earth via world-atlas, Crimea in Ukraine),
//! compiled into the binary and parsed once into [`geo`] polygons keyed by
//! ISO 3166-1 alpha-3.
//!
//! ```
//! use watchfloor_geo::basemap::Basemap;
//! let map = Basemap::embedded();
//! // Simferopol lies in Ukraine (de jure) and in the Crimea occupied area.
//! assert_eq!(map.country_at(44.95, 34.10).and_then(|c| c.iso_a3.as_deref()), Some("UKR"));
//! assert_eq!(map.disputed_at(44.95, 34.10).map(|d| d.de_jure.as_str()), Some("UKR"));
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon, Rect};
use serde_json::Value;

const COUNTRIES: &str = include_str!("../../../data/basemap/countries.geojson");
const DISPUTED: &str = include_str!("../../../data/basemap/disputed.geojson");

/// The attribution the basemap's licence asks for, to show with every map
/// and export that carries its shapes.
pub const ATTRIBUTION: &str =
    "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.";

/// Why a basemap file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    /// The file could not be read from disk.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{file}: not JSON: {source}")]
    Json {
        /// The file name.
        file: String,
        /// What the parser said.
        source: serde_json::Error,
    },
    /// The file is JSON but not the GeoJSON this loader expects.
    #[error("{file}: {what}")]
    Shape {
        /// The file name.
        file: String,
        /// What is wrong, and in which feature.
        what: String,
    },
}

/// A country outline with its codes.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-3 code (`None` for Siachen and the UK bases on
    /// Cyprus; Kosovo is `XKX`).
    pub iso_a3: Option<String>,
    /// ISO 3166-1 numeric code, if it has one.
    pub iso_n3: Option<String>,
    /// English name.
    pub name: String,
    /// Its territory (exteriors counter-clockwise, holes clockwise, as in
    /// the file).
    pub shape: MultiPolygon<f64>,
    /// Bounding box of `shape` (x = longitude, y = latitude).
    pub bbox: Option<Rect<f64>>,
}

/// An occupied or disputed area, drawn on top of the countries.
#[derive(Debug, Clone)]
pub struct DisputedArea {
    /// Its name ("Crimea").
    pub name: String,
    /// Its status in words.
    pub status: String,
    /// The state it belongs to de jure (alpha-3).
    pub de_jure: String,
    /// Whether the line is hand-made and approximate.
    pub approximate: bool,
    /// Where the line comes from.
    pub source: String,
    /// When the line was true, where it moves.
    pub as_of: Option<String>,
    /// Its area.
    pub shape: MultiPolygon<f64>,
    /// Bounding box of `shape`.
    pub bbox: Option<Rect<f64>>,
}

/// Countries and disputed areas.
#[derive(Debug, Clone)]
pub struct Basemap {
    countries: Vec<Country>,
    disputed: Vec<DisputedArea>,
}

impl Basemap {
    /// The basemap compiled into the binary, parsed on first use and shared.
    ///
    /// The compiled-in files are checked by this crate's tests, so parsing
    /// them cannot fail in a released build; should it ever, this panics
    /// with the parser's message.
    pub fn embedded() -> &'static Basemap {
        static EMBEDDED: OnceLock<Basemap> = OnceLock::new();
        EMBEDDED.get_or_init(|| match Basemap::parse(COUNTRIES, DISPUTED) {
            Ok(map) => map,
            Err(e) => panic!("the compiled-in basemap is broken: {e}"),
        })
    }

    /// Reads `countries.geojson` and `disputed.geojson` from `dir` (a
    /// `data/basemap/` folder, e.g. from `--data DIR/basemap`).
    pub fn from_dir(dir: &Path) -> Result<Basemap, BasemapError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| BasemapError::Read { path, source })
        };
        Basemap::parse(&read("countries.geojson")?, &read("disputed.geojson")?)
    }

    /// Parses the two GeoJSON FeatureCollections.
    pub fn parse(countries: &str, disputed: &str) -> Result<Basemap, BasemapError> {
        let mut out = Basemap {
            countries: Vec::new(),
            disputed: Vec::new(),
        };
        for (i, f) in features(countries, "countries.geojson")?.iter().enumerate() {
            let file = "countries.geojson";
            let props = &f["properties"];
            let name = string(props, "name")
                .ok_or_else(|| shape_error(file, format!("feature {i}: no \"name\"")))?;
            let shape = multipolygon(&f["geometry"])
                .map_err(|what| shape_error(file, format!("feature {i} ({name}): {what}")))?;
            out.countries.push(Country {
                iso_a3: string(props, "iso_a3"),
                iso_n3: string(props, "iso_n3"),
                name,
                bbox: shape.bounding_rect(),
                shape,
            });
        }
        for (i, f) in features(disputed, "disputed.geojson")?.iter().enumerate() {
            let file = "disputed.geojson";
            let props = &f["properties"];
            let field = |key: &str| {
                string(props, key)
                    .ok_or_else(|| shape_error(file, format!("feature {i}: no \"{key}\"")))
            };
            let name = field("name")?;
            let shape = multipolygon(&f["geometry"])
                .map_err(|what| shape_error(file, format!("feature {i} ({name}): {what}")))?;
            out.disputed.push(DisputedArea {
                status: field("status")?,
                de_jure: field("de_jure")?,
                approximate: props["approximate"].as_bool().unwrap_or(true),
                source: string(props, "source").unwrap_or_default(),
                as_of: string(props, "as_of"),
                name,
                bbox: shape.bounding_rect(),
                shape,
            });
        }
        Ok(out)
    }

    /// Every country, in file order (alphabetical by alpha-3).
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// Every occupied or disputed area.
    pub fn disputed(&self) -> &[DisputedArea] {
        &self.disputed
    }

    /// The country with this alpha-3 code (case-insensitive).
    pub fn country(&self, iso_a3: &str) -> Option<&Country> {
        self.countries.iter().find(|c| {
            c.iso_a3
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(iso_a3))
        })
    }

    /// The country whose territory (de jure: Crimea is Ukraine) holds the
    /// point, if any (`None` at sea or outside the basemap's extent).
    pub fn country_at(&self, lat: f64, lon: f64) -> Option<&Country> {
        let p = Point::new(lon, lat);
        self.countries
            .iter()
            .find(|c| holds(c.bbox.as_ref(), &c.shape, &p))
    }

    /// The occupied or disputed area holding the point, if any.
    pub fn disputed_at(&self, lat: f64, lon: f64) -> Option<&DisputedArea> {
        let p = Point::new(lon, lat);
        self.disputed
            .iter()
            .find(|d| holds(d.bbox.as_ref(), &d.shape, &p))
    }
}

fn holds(bbox: Option<&Rect<f64>>, shape: &MultiPolygon<f64>, p: &Point<f64>) -> bool {
    let Some(b) = bbox else { return false };
    let (x, y) = (p.x(), p.y());
    if x < b.min().x || x > b.max().x || y < b.min().y || y > b.max().y {
        return false;
    }
    shape.contains(p)
}

fn shape_error(file: &str, what: String) -> BasemapError {
    BasemapError::Shape {
        file: file.to_string(),
        what,
    }
}

fn string(props: &Value, key: &str) -> Option<String> {
    props.get(key)?.as_str().map(str::to_string)
}

fn features(text: &str, file: &str) -> Result<Vec<Value>, BasemapError> {
    let mut v: Value = serde_json::from_str(text).map_err(|source| BasemapError::Json {
        file: file.to_string(),
        source,
    })?;
    match v.get_mut("features").map(Value::take) {
        Some(Value::Array(features)) => Ok(features),
        _ => Err(shape_error(file, "not a FeatureCollection".into())),
    }
}

fn multipolygon(geometry: &Value) -> Result<MultiPolygon<f64>, String> {
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => Ok(MultiPolygon::new(vec![polygon(coords)?])),
        Some("MultiPolygon") => {
            let polys = coords
                .as_array()
                .ok_or("MultiPolygon coordinates are not an array")?;
            Ok(MultiPolygon::new(
                polys.iter().map(polygon).collect::<Result<_, _>>()?,
            ))
        }
        other => Err(format!("geometry type {other:?} is not a (Multi)Polygon")),
    }
}

fn polygon(rings: &Value) -> Result<Polygon<f64>, String> {
    let rings = rings.as_array().ok_or("polygon is not an array of rings")?;
    let mut rings = rings.iter().map(ring);
    let exterior = rings.next().ok_or("polygon without rings")??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn ring(ring: &Value) -> Result<LineString<f64>, String> {
    let points = ring.as_array().ok_or("ring is not an array of positions")?;
    if points.len() < 4 {
        return Err(format!("ring of {} positions (at least 4)", points.len()));
    }
    points
        .iter()
        .map(|p| {
            match (
                p.get(0).and_then(Value::as_f64),
                p.get(1).and_then(Value::as_f64),
            ) {
                (Some(x), Some(y)) => Ok(Coord { x, y }),
                _ => Err(format!("position {p} is not [lon, lat]")),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(LineString::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(c: Option<&Country>) -> Option<&str> {
        c.and_then(|c| c.iso_a3.as_deref())
    }

    #[test]
    fn embedded_basemap_places_capitals_in_their_countries() {
        let map = Basemap::embedded();
        assert!(map.countries().len() > 50);
        assert_eq!(iso(map.country_at(53.90, 27.57)), Some("BLR")); // Minsk
        assert_eq!(iso(map.country_at(52.23, 21.01)), Some("POL")); // Warsaw
        assert_eq!(iso(map.country_at(54.69, 25.28)), Some("LTU")); // Vilnius
        assert_eq!(iso(map.country_at(50.45, 30.52)), Some("UKR")); // Kyiv
        assert_eq!(iso(map.country_at(55.75, 37.62)), Some("RUS")); // Moscow
        assert_eq!(iso(map.country_at(54.71, 20.51)), Some("RUS")); // Kaliningrad
        assert_eq!(map.country_at(55.0, 18.0).map(|c| c.name.as_str()), None); // Baltic Sea
    }

    #[test]
    fn simferopol_is_in_ukraine_and_in_the_crimea_occupied_area() {
        let map = Basemap::embedded();
        assert_eq!(iso(map.country_at(44.952, 34.102)), Some("UKR"));
        let area = map.disputed_at(44.952, 34.102).map(|d| d.name.as_str());
        assert_eq!(area, Some("Crimea"));
        // Mykolaiv: Ukraine, in no occupied area.
        assert_eq!(iso(map.country_at(46.975, 31.995)), Some("UKR"));
        assert!(map.disputed_at(46.975, 31.995).is_none());
    }

    #[test]
    fn disputed_layer_is_present_with_de_jure_owners() {
        let map = Basemap::embedded();
        let names: Vec<&str> = map.disputed().iter().map(|d| d.name.as_str()).collect();
        for wanted in ["Crimea", "Abkhazia", "Transnistria"] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        for d in map.disputed() {
            assert!(
                map.country(&d.de_jure).is_some(),
                "{} de jure {}",
                d.name,
                d.de_jure
            );
        }
        // Tiraspol: Moldova de jure, inside Transnistria.
        assert_eq!(iso(map.country_at(46.84, 29.63)), Some("MDA"));
        assert_eq!(
            map.disputed_at(46.84, 29.63).map(|d| d.name.as_str()),
            Some("Transnistria")
        );
    }

    #[test]
    fn country_lookup_is_case_insensitive() {
        let map = Basemap::embedded();
        assert_eq!(map.country("blr").map(|c| c.name.as_str()), Some("Belarus"));
        assert!(map.country("ZZZ").is_none());
    }

    #[test]
    fn broken_files_are_errors_naming_the_file_and_feature() {
        let err = Basemap::parse("{", r#"{"features":[]}"#).unwrap_err();
        assert!(err.to_string().contains("countries.geojson"), "{err}");
        let bad = r#"{"features":[{"properties":{"name":"X"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        let err = Basemap::parse(bad, r#"{"features":[]}"#).unwrap_err();
        assert!(err.to_string().contains("feature 0 (X)"), "{err}");
        let short = r#"{"features":[{"properties":{"name":"X"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4],[1,2]]]}}]}"#;
        assert!(Basemap::parse(short, r#"{"features":[]}"#).is_err());
    }
}
