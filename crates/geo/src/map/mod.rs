//! The SVG map renderer shared by the report and the dashboard: Natural
//! Earth country outlines in a Lambert conformal conic projection fitted to
//! the evidence, the occupied/disputed layer hatched and labelled (borders
//! as international law has them: Crimea is Ukraine), event markers coloured
//! by domain and shaped by modality (grouped, and clustered with a count
//! badge where they crowd), range rings, place labels placed without
//! collisions, a legend, a scale bar true at the map's centre and the data
//! attribution.
//!
//! ```
//! use watchfloor_geo::basemap::Basemap;
//! use watchfloor_geo::map::{render, MapSpec, Marker};
//! use watchfloor_model::{Domain, Modality};
//!
//! let spec = MapSpec {
//!     title: "Evidence around Belarus".into(),
//!     markers: vec![Marker::new(53.9, 27.57, Domain::Military, Modality::Observed, "e1")],
//!     ..MapSpec::default()
//! };
//! let svg = render(&spec, Basemap::embedded());
//! assert!(svg.starts_with("<svg") && svg.contains("data-event=\"e1\""));
//! ```
//!
//! Every marker carries `data-` attributes (`data-event` with the event
//! IDs, `data-domain`, `data-modality`, `data-count`) so a page can bind
//! clicks to them; clusters carry `data-count` and `data-domains`.

mod cluster;
mod geometry;
mod labels;
mod projection;
mod render;
mod style;

pub use cluster::{aggregate, Group, Item};
pub use geometry::Rect;
pub use labels::{place as place_labels, text_width, Anchor, LabelRequest, Placement};
pub use projection::{great_circle_km, GeoBox, Lambert, Viewport, EARTH_RADIUS_KM};
pub use render::{render, render_map, MapStats, RenderedMap};
pub use style::{domain_colour, esc, modality_shape};

use watchfloor_model::{Domain, Modality};

/// The default attribution line drawn on every map.
pub const ATTRIBUTION: &str = "Natural Earth; GeoNames CC BY 4.0";

/// One event on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Latitude (degrees north).
    pub lat: f64,
    /// Longitude (degrees east).
    pub lon: f64,
    /// Colour.
    pub domain: Domain,
    /// Shape.
    pub modality: Modality,
    /// What it is, for the tooltip ("agreement signed at Minsk").
    pub label: String,
    /// Event ID (in `data-event`).
    pub id: String,
    /// Link to the event (web or relative links only).
    pub href: Option<String>,
    /// The location is only approximate (e.g. a country's capital standing
    /// for the country): drawn open and dashed.
    pub approximate: bool,
}

impl Marker {
    /// A marker with an ID and no label or link.
    pub fn new(lat: f64, lon: f64, domain: Domain, modality: Modality, id: &str) -> Marker {
        Marker {
            lat,
            lon,
            domain,
            modality,
            label: String::new(),
            id: id.to_string(),
            href: None,
            approximate: false,
        }
    }
}

/// A range ring (computed by the caller, e.g. geodesically): a closed line
/// of `(lon, lat)` points and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRing {
    /// "Iskander-M 500 km".
    pub label: String,
    /// The ring, `(lon, lat)` points.
    pub points: Vec<(f64, f64)>,
}

/// What kind of place a label names (its symbol and weight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A national capital: black square, bold name.
    Capital,
    /// A town or base: small dot.
    City,
    /// A place the evidence names (its markers mark it): name only.
    Evidence,
}

/// A place name for orientation.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceLabel {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// The name.
    pub text: String,
    /// Higher is placed first (capitals ~ 80, evidence places ~ 50 + count).
    pub importance: f64,
    /// Symbol and style.
    pub kind: PlaceKind,
}

/// Everything a map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSpec {
    /// Canvas width (SVG units).
    pub width: f64,
    /// Canvas height.
    pub height: f64,
    /// Title (drawn in the title block and as the SVG's accessible name).
    pub title: String,
    /// A line under the title ("Events to 5 March 2025").
    pub subtitle: Option<String>,
    /// The `id` of the `<svg>` element (prefix of its internal IDs).
    pub id: String,
    /// The events.
    pub markers: Vec<Marker>,
    /// Range rings.
    pub rings: Vec<RangeRing>,
    /// Place names.
    pub labels: Vec<PlaceLabel>,
    /// Draw the occupied/disputed layer (hatched, labelled).
    pub show_disputed: bool,
    /// Frame this box (the markers outside it are counted, not drawn);
    /// `None` fits the view to the markers and rings.
    pub focus: Option<GeoBox>,
    /// Padding around the fitted extent, as a fraction of it on each side.
    pub padding: f64,
    /// The view spans at least this many kilometres across.
    pub min_extent_km: f64,
    /// Standard parallels of the Lambert conformal conic projection.
    pub parallels: (f64, f64),
    /// The target state (alpha-3), tinted and named in bold.
    pub target: Option<String>,
    /// The aggressor state (alpha-3), tinted.
    pub aggressor: Option<String>,
    /// Attribution line.
    pub attribution: String,
    /// Screen cell (SVG units) within which more than `cluster_groups`
    /// marker groups become one cluster.
    pub cluster_cell: f64,
    /// How many marker groups a cell may show before it is clustered.
    pub cluster_groups: usize,
}

impl Default for MapSpec {
    fn default() -> MapSpec {
        MapSpec {
            width: 960.0,
            height: 680.0,
            title: "Map".into(),
            subtitle: None,
            id: "wf-map".into(),
            markers: Vec::new(),
            rings: Vec::new(),
            labels: Vec::new(),
            show_disputed: true,
            focus: None,
            padding: 0.12,
            min_extent_km: 500.0,
            parallels: (45.0, 65.0),
            target: None,
            aggressor: None,
            attribution: ATTRIBUTION.into(),
            cluster_cell: 34.0,
            cluster_groups: 6,
        }
    }
}

/// The box of a shape's largest part by area (so far-flung islands and
/// exclaves do not stretch a frame around a country); `None` when empty.
pub fn main_part_box(shape: &geo::MultiPolygon<f64>) -> Option<GeoBox> {
    let area = |p: &geo::Polygon<f64>| {
        let pts: Vec<(f64, f64)> = p.exterior().coords().map(|c| (c.x, c.y)).collect();
        geometry::ring_area(&pts).abs()
    };
    let main = shape.iter().max_by(|a, b| area(a).total_cmp(&area(b)))?;
    let mut coords = main.exterior().coords();
    let first = coords.next()?;
    let mut b = GeoBox::new(first.x, first.y, first.x, first.y);
    for c in coords {
        b = GeoBox::new(
            b.west.min(c.x),
            b.south.min(c.y),
            b.east.max(c.x),
            b.north.max(c.y),
        );
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basemap::Basemap;

    #[test]
    fn main_part_of_russia_leaves_out_kaliningrad_and_chukotka() {
        let rus = Basemap::embedded().country("RUS").expect("Russia");
        let b = main_part_box(&rus.shape).expect("box");
        assert!(
            b.west > 25.0,
            "Kaliningrad (20.5°E) is not the main part: {b:?}"
        );
        let blr = Basemap::embedded().country("BLR").expect("Belarus");
        let b = main_part_box(&blr.shape).expect("box");
        assert!(
            b.west > 22.0 && b.east < 33.5 && b.south > 51.0 && b.north < 56.5,
            "{b:?}"
        );
    }
}
