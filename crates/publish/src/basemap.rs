//! The map's base layers: country outlines and occupied/disputed areas
//! (Natural Earth via `data/basemap/`, loaded by [`watchfloor_geo::basemap`])
//! and capitals (GeoNames via `data/gazetteer/countries.tsv`) for events
//! located only by country.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use watchfloor_geo::basemap::{Basemap as Shapes, Country};

use crate::PublishError;

const CAPITALS: &str = include_str!("../../../data/gazetteer/countries.tsv");

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
    /// Country outlines and occupied/disputed areas.
    pub shapes: Cow<'static, Shapes>,
    /// Capitals by alpha-3 code.
    pub capitals: BTreeMap<String, Capital>,
}

impl Basemap {
    /// The basemap compiled into the binary (`data/basemap`, `data/gazetteer`).
    pub fn embedded() -> Result<Basemap, PublishError> {
        Ok(Basemap {
            shapes: Cow::Borrowed(Shapes::embedded()),
            capitals: capitals(CAPITALS)?,
        })
    }

    /// Reads `basemap/countries.geojson`, `basemap/disputed.geojson` and
    /// `gazetteer/countries.tsv` from an edited data directory.
    pub fn from_dir(dir: &Path) -> Result<Basemap, PublishError> {
        let shapes = Shapes::from_dir(&dir.join("basemap")).map_err(|e| PublishError::Basemap {
            file: "basemap".into(),
            reason: e.to_string(),
        })?;
        let path = dir.join("gazetteer/countries.tsv");
        let tsv =
            std::fs::read_to_string(&path).map_err(|source| PublishError::Read { path, source })?;
        Ok(Basemap {
            shapes: Cow::Owned(shapes),
            capitals: capitals(&tsv)?,
        })
    }

    /// Parses the three files' contents.
    pub fn parse(
        countries: &str,
        disputed: &str,
        capitals_tsv: &str,
    ) -> Result<Basemap, PublishError> {
        let shapes = Shapes::parse(countries, disputed).map_err(|e| PublishError::Basemap {
            file: "basemap".into(),
            reason: e.to_string(),
        })?;
        Ok(Basemap {
            shapes: Cow::Owned(shapes),
            capitals: capitals(capitals_tsv)?,
        })
    }

    /// The country with this alpha-3 code.
    pub fn country(&self, iso_a3: &str) -> Option<&Country> {
        self.shapes.country(iso_a3)
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

fn capitals(tsv: &str) -> Result<BTreeMap<String, Capital>, PublishError> {
    let mut out = BTreeMap::new();
    let mut lines = tsv.lines();
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
    let (c_code, c_name, c_lat, c_lon) = (col("alpha3")?, col("name")?, col("lat")?, col("lon")?);
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        if let (Ok(lat), Ok(lon)) = (get(c_lat).parse::<f64>(), get(c_lon).parse::<f64>()) {
            out.insert(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_basemap_has_belarus_crimea_and_minsk() {
        let b = Basemap::embedded().expect("embedded basemap parses");
        let blr = b.country("BLR").expect("Belarus outline");
        let bb = watchfloor_geo::map::main_part_box(&blr.shape).expect("bbox");
        assert!(
            bb.west > 22.0 && bb.east < 33.5 && bb.south > 51.0 && bb.north < 56.5,
            "{bb:?}"
        );
        assert!(b
            .shapes
            .disputed()
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
            "{\"features\":[{\"properties\":{\"name\":\"X\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}]}",
            "{\"features\":[]}",
            "alpha3\tname\tlat\tlon\n",
        )
        .expect_err("points are not outlines");
        assert!(err.to_string().contains("Point"), "{err}");
        let err = Basemap::parse("{\"features\":[]}", "{\"features\":[]}", "code\tname\n")
            .expect_err("capitals need their columns");
        assert!(err.to_string().contains("countries.tsv"), "{err}");
    }
}
