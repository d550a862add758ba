//! The evidence map: an equirectangular projection (true to scale along the
//! frame's middle parallel) of the country outlines around the target, with
//! the occupied/disputed layer hatched and labelled, and one marker per
//! event group coloured by domain and shaped by modality. Events known only
//! by their country are drawn at its capital, dashed, and the figure says so.

use std::collections::BTreeMap;
use std::fmt::Write;

use watchfloor_model::{Assessment, Domain, Modality};

use crate::basemap::{bbox, ring_area, ring_centroid, Basemap, Ring};
use crate::escape::html;
use crate::report::{domain_title, EventPoint, Figure, ReportContext};

/// Width of the map in SVG units.
pub const WIDTH: f64 = 960.0;

/// Colour of a domain's markers and bars.
pub fn domain_colour(d: Domain) -> &'static str {
    match d {
        Domain::Military => "#b3261e",
        Domain::Political => "#1f4e99",
        Domain::Economic => "#c98a00",
        Domain::Information => "#6d3b8f",
        Domain::International => "#23794a",
    }
}

/// How a modality is drawn, in words (for legends).
pub fn modality_shape(m: Modality) -> &'static str {
    match m {
        Modality::Observed => "filled circle",
        Modality::Ongoing => "filled square",
        Modality::Projected => "open triangle",
        Modality::Hypothetical => "open diamond",
        Modality::Negated => "cross",
    }
}

/// An SVG marker of `m`'s shape at `(x, y)`.
pub fn marker(m: Modality, x: f64, y: f64, r: f64, colour: &str, dashed: bool) -> String {
    let dash = if dashed {
        " stroke-dasharray=\"2 1.5\""
    } else {
        ""
    };
    let (fill, stroke, sw) = match m {
        Modality::Observed | Modality::Ongoing => (colour, "#ffffff", 1.2),
        _ => ("#ffffff", colour, 2.0),
    };
    let (fill, stroke) = if dashed && matches!(m, Modality::Observed | Modality::Ongoing) {
        ("#ffffff", colour)
    } else {
        (fill, stroke)
    };
    match m {
        Modality::Observed => format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>"
        ),
        Modality::Ongoing => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>",
            x - r * 0.9,
            y - r * 0.9,
            r * 1.8,
            r * 1.8
        ),
        Modality::Projected => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\" stroke-linejoin=\"round\"{dash}/>",
            x,
            y - r * 1.15,
            x + r * 1.05,
            y + r * 0.75,
            x - r * 1.05,
            y + r * 0.75
        ),
        Modality::Hypothetical => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>",
            x,
            y - r * 1.2,
            x + r * 1.2,
            y,
            x,
            y + r * 1.2,
            x - r * 1.2,
            y
        ),
        Modality::Negated => format!(
            "<path d=\"M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}\" stroke=\"{colour}\" stroke-width=\"2.4\" stroke-linecap=\"round\"{dash}/>",
            x - r,
            y - r,
            x + r,
            y + r,
            x - r,
            y + r,
            x + r,
            y - r
        ),
    }
}

/// The projection of one map frame.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// West edge (degrees).
    pub lon0: f64,
    /// East edge.
    pub lon1: f64,
    /// South edge.
    pub lat0: f64,
    /// North edge.
    pub lat1: f64,
    /// Pixels per degree of latitude.
    pub k: f64,
    /// Cosine of the middle parallel.
    pub cos: f64,
}

impl Frame {
    /// A frame around `(lon0, lat0, lon1, lat1)`, `WIDTH` wide, with its
    /// height kept between 0.45 and 0.75 of the width by widening the box.
    pub fn around(b: (f64, f64, f64, f64)) -> Frame {
        let (mut lon0, mut lat0, mut lon1, mut lat1) = b;
        let mid = (lat0 + lat1) / 2.0;
        let cos = mid.to_radians().cos().max(0.2);
        let w = (lon1 - lon0) * cos;
        let h = lat1 - lat0;
        if h / w > 0.75 {
            let grow = (h / 0.75 / cos - (lon1 - lon0)) / 2.0;
            lon0 -= grow;
            lon1 += grow;
        } else if h / w < 0.45 {
            let grow = (w * 0.45 - h) / 2.0;
            lat0 -= grow;
            lat1 += grow;
        }
        let k = WIDTH / ((lon1 - lon0) * cos);
        Frame {
            lon0,
            lon1,
            lat0,
            lat1,
            k,
            cos,
        }
    }

    /// Height in SVG units.
    pub fn height(&self) -> f64 {
        (self.lat1 - self.lat0) * self.k
    }

    /// SVG coordinates of `(lon, lat)`.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.lon0) * self.cos * self.k,
            (self.lat1 - lat) * self.k,
        )
    }

    /// Whether `(lon, lat)` is inside the frame.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.lon0 && lon <= self.lon1 && lat >= self.lat0 && lat <= self.lat1
    }

    /// Kilometres per SVG unit along the middle parallel.
    pub fn km_per_unit(&self) -> f64 {
        111.32 / self.k
    }
}

fn path(frame: &Frame, rings: &[Ring]) -> String {
    let mut d = String::new();
    let margin = 2.0;
    for ring in rings {
        let Some((x0, y0, x1, y1)) = bbox(ring) else {
            continue;
        };
        if x1 < frame.lon0 - margin
            || x0 > frame.lon1 + margin
            || y1 < frame.lat0 - margin
            || y0 > frame.lat1 + margin
        {
            continue;
        }
        let mut last: Option<(f64, f64)> = None;
        let mut n = 0;
        for &(lon, lat) in ring {
            let (x, y) = frame.project(lon, lat);
            if let Some((lx, ly)) = last {
                if (x - lx).abs() + (y - ly).abs() < 0.8 {
                    continue;
                }
            }
            let _ = write!(d, "{}{x:.1} {y:.1}", if n == 0 { "M" } else { "L" });
            last = Some((x, y));
            n += 1;
        }
        if n > 0 {
            d.push('Z');
        }
    }
    d
}

fn inside(rings: &[Ring], lon: f64, lat: f64) -> bool {
    let mut c = false;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let (x1, y1) = ring[i];
            let (x2, y2) = ring[(i + 1) % n];
            if (y1 > lat) != (y2 > lat) && lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1 {
                c = !c;
            }
        }
    }
    c
}

/// Where to write a shape's name: its main centroid if in the frame, else
/// the nearest point inside the frame (inset) that still lies in the shape.
fn label_point(frame: &Frame, rings: &[Ring]) -> Option<(f64, f64)> {
    let main = rings
        .iter()
        .max_by(|a, b| ring_area(a).total_cmp(&ring_area(b)))?;
    let (cx, cy) = ring_centroid(main)?;
    let inset_lon = (frame.lon1 - frame.lon0) * 0.08;
    let inset_lat = (frame.lat1 - frame.lat0) * 0.06;
    let clamp = |lon: f64, lat: f64| {
        (
            lon.clamp(frame.lon0 + inset_lon, frame.lon1 - inset_lon),
            lat.clamp(frame.lat0 + inset_lat, frame.lat1 - inset_lat),
        )
    };
    let (lon, lat) = clamp(cx, cy);
    if inside(rings, lon, lat) {
        return Some((lon, lat));
    }
    // Else the middle of the part of the shape that is in the frame.
    let visible: Vec<&(f64, f64)> = main
        .iter()
        .filter(|(x, y)| frame.contains(*x, *y))
        .collect();
    if visible.len() < 3 {
        return None;
    }
    let n = visible.len() as f64;
    let (sx, sy) = visible
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (lon, lat) = clamp(sx / n, sy / n);
    inside(rings, lon, lat).then_some((lon, lat))
}

/// Where to write the target's name: in the lower part of its mainland,
/// clear of the markers that gather around its capital.
fn target_label_point(frame: &Frame, rings: &[Ring]) -> Option<(f64, f64)> {
    let main = rings
        .iter()
        .max_by(|a, b| ring_area(a).total_cmp(&ring_area(b)))?;
    let (x0, y0, x1, y1) = bbox(main)?;
    let lon = (x0 + x1) / 2.0;
    for f in [0.22, 0.3, 0.15, 0.4] {
        let lat = y0 + (y1 - y0) * f;
        if frame.contains(lon, lat) && inside(rings, lon, lat) {
            return Some((lon, lat));
        }
    }
    label_point(frame, rings)
}

/// A mapped event group.
struct Spot {
    lon: f64,
    lat: f64,
    fallback: bool,
    domain: Domain,
    modality: Modality,
    count: usize,
    places: Vec<String>,
}

fn nice_distance(max_km: f64) -> f64 {
    let steps = [
        10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0,
    ];
    steps
        .iter()
        .copied()
        .rev()
        .find(|s| *s <= max_km)
        .unwrap_or(10.0)
}

/// Draws the evidence map and says what it could not draw exactly.
pub fn figure(
    basemap: &Basemap,
    a: &Assessment,
    events: &[EventPoint<'_>],
    ctx: &ReportContext,
) -> Figure {
    let event_countries = &ctx.event_countries;
    let mut notes = Vec::new();
    let mut spots: BTreeMap<(i64, i64, bool, Domain, Modality), Spot> = BTreeMap::new();
    let mut fallback_by_country: BTreeMap<String, usize> = BTreeMap::new();
    let mut unplaced = 0usize;
    for ev in events {
        let e = ev.item;
        let (lon, lat, fallback) = match (e.lon, e.lat) {
            (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => (lon, lat, false),
            _ => match event_countries
                .get(&e.event)
                .and_then(|c| basemap.capitals.get(c).map(|cap| (c, cap)))
            {
                Some((code, cap)) => {
                    *fallback_by_country.entry(code.clone()).or_default() += 1;
                    (cap.lon, cap.lat, true)
                }
                None => {
                    unplaced += 1;
                    continue;
                }
            },
        };
        let key = (
            (lon * 100.0).round() as i64,
            (lat * 100.0).round() as i64,
            fallback,
            ev.domain,
            e.modality,
        );
        let spot = spots.entry(key).or_insert(Spot {
            lon,
            lat,
            fallback,
            domain: ev.domain,
            modality: e.modality,
            count: 0,
            places: Vec::new(),
        });
        spot.count += 1;
        if let Some(p) = &e.place {
            if !spot.places.contains(p) {
                spot.places.push(p.clone());
            }
        }
    }

    // Frame: the target's mainland plus nearby evidence, padded.
    let target_box = basemap.country(&a.target).and_then(|c| c.main_bbox());
    let mut b = target_box.unwrap_or((20.0, 44.0, 42.0, 60.0));
    let (tx, ty) = ((b.0 + b.2) / 2.0, (b.1 + b.3) / 2.0);
    for s in spots.values() {
        if (s.lon - tx).abs() <= 16.0 && (s.lat - ty).abs() <= 10.0 {
            b = (
                b.0.min(s.lon),
                b.1.min(s.lat),
                b.2.max(s.lon),
                b.3.max(s.lat),
            );
        }
    }
    let (pad_x, pad_y) = (((b.2 - b.0) * 0.35).max(4.0), ((b.3 - b.1) * 0.35).max(2.5));
    let frame = Frame::around((b.0 - pad_x, b.1 - pad_y, b.2 + pad_x, b.3 + pad_y));
    let (w, h) = (WIDTH, frame.height());

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg id=\"wf-map\" class=\"wf-figure\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-labelledby=\"wf-map-title\" font-family=\"Helvetica, Arial, sans-serif\">\
<title id=\"wf-map-title\">Map of the evidence around {}</title>\
<defs><clipPath id=\"wf-map-clip\"><rect x=\"0\" y=\"0\" width=\"{w:.0}\" height=\"{h:.0}\"/></clipPath>\
<pattern id=\"wf-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f6e3e0\" fill-opacity=\"0.6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#a8322b\" stroke-width=\"1.6\"/></pattern></defs>\
<rect class=\"wf-sea\" x=\"0\" y=\"0\" width=\"{w:.0}\" height=\"{h:.0}\" fill=\"#dce8f1\"/><g clip-path=\"url(#wf-map-clip)\">",
        html(&basemap.country_name(&a.target))
    );
    // Countries.
    svg.push_str("<g class=\"wf-countries\" stroke=\"#8d8d8d\" stroke-width=\"0.7\" stroke-linejoin=\"round\">");
    for c in &basemap.countries {
        let d = path(&frame, &c.rings);
        if d.is_empty() {
            continue;
        }
        let code = c.iso_a3.as_deref().unwrap_or("");
        let fill = if code == a.target {
            "#f7dfb8"
        } else if code == a.aggressor {
            "#e9dcdc"
        } else {
            "#f5f3ee"
        };
        let _ = write!(
            svg,
            "<path class=\"wf-country\" data-iso=\"{}\" d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\"><title>{}</title></path>",
            html(code),
            html(&c.name)
        );
    }
    svg.push_str("</g>");
    if let Some(t) = basemap.country(&a.target) {
        let _ = write!(
            svg,
            "<path class=\"wf-target-outline\" d=\"{}\" fill=\"none\" stroke=\"#5a4630\" stroke-width=\"1.8\"/>",
            path(&frame, &t.rings)
        );
    }
    // Graticule every 5 degrees.
    svg.push_str("<g class=\"wf-graticule\" stroke=\"#7f97ab\" stroke-width=\"0.4\" stroke-dasharray=\"3 3\" fill=\"none\">");
    let mut lon = (frame.lon0 / 5.0).ceil() * 5.0;
    while lon <= frame.lon1 {
        let (x, _) = frame.project(lon, 0.0);
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{h:.0}\"/>"
        );
        lon += 5.0;
    }
    let mut lat = (frame.lat0 / 5.0).ceil() * 5.0;
    while lat <= frame.lat1 {
        let (_, y) = frame.project(0.0, lat);
        let _ = write!(
            svg,
            "<line x1=\"0\" y1=\"{y:.1}\" x2=\"{w:.0}\" y2=\"{y:.1}\"/>"
        );
        lat += 5.0;
    }
    svg.push_str("</g>");
    // Disputed areas, hatched.
    let mut disputed_labels = String::new();
    for area in &basemap.disputed {
        let d = path(&frame, &area.rings);
        if d.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            "<path class=\"wf-disputed\" d=\"{d}\" fill=\"url(#wf-hatch)\" stroke=\"#a8322b\" stroke-width=\"0.9\" stroke-dasharray=\"{}\"><title>{}: {}</title></path>",
            if area.approximate { "4 2" } else { "none" },
            html(&area.name),
            html(&area.status)
        );
        if let Some((lon, lat)) = label_point(&frame, &area.rings) {
            let (x, y) = frame.project(lon, lat);
            let anchor = if x > w * 0.78 {
                "end"
            } else if x < w * 0.22 {
                "start"
            } else {
                "middle"
            };
            let label = if area.name.chars().count() > 28 {
                format!("occupied ({})", basemap.country_name(&area.de_jure))
            } else {
                format!("{} (occupied)", area.name)
            };
            let _ = write!(
                disputed_labels,
                "<text class=\"wf-disputed-label\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"10.5\" font-style=\"italic\" fill=\"#8a2a24\" stroke=\"#ffffff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
                html(&label)
            );
        }
    }
    // Country names.
    for c in &basemap.countries {
        let code = c.iso_a3.as_deref().unwrap_or("");
        let Some(main) = c.main_bbox() else { continue };
        let big_enough = (main.2 - main.0) * frame.cos * frame.k > 40.0;
        if !big_enough {
            continue;
        }
        let at = if code == a.target {
            target_label_point(&frame, &c.rings)
        } else {
            label_point(&frame, &c.rings)
        };
        if let Some((lon, lat)) = at {
            let (x, y) = frame.project(lon, lat);
            let (size, weight, fill) = if code == a.target {
                (15.0, "700", "#3d2f1f")
            } else {
                (11.5, "400", "#6b6b6b")
            };
            let _ = write!(
                svg,
                "<text class=\"wf-country-label\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"{size}\" font-weight=\"{weight}\" letter-spacing=\"1.5\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\" stroke-opacity=\"0.6\" paint-order=\"stroke\">{}</text>",
                html(&c.name.to_uppercase())
            );
        }
    }
    svg.push_str(&disputed_labels);

    // Markers: groups at one place spread on a small ring.
    let mut at_place: BTreeMap<(i64, i64), Vec<&Spot>> = BTreeMap::new();
    let mut outside = 0usize;
    for s in spots.values() {
        if frame.contains(s.lon, s.lat) {
            at_place
                .entry((
                    (s.lon * 100.0).round() as i64,
                    (s.lat * 100.0).round() as i64,
                ))
                .or_default()
                .push(s);
        } else {
            outside += s.count;
        }
    }
    svg.push_str("<g class=\"wf-markers\">");
    for group in at_place.values() {
        let n = group.len();
        for (i, s) in group.iter().enumerate() {
            let (x, y) = frame.project(s.lon, s.lat);
            let (x, y) = if n > 1 {
                let angle =
                    std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
                let radius = 9.0 + 2.4 * n as f64;
                (x + radius * angle.cos(), y + radius * angle.sin())
            } else {
                (x, y)
            };
            let r = 5.5 + 1.8 * ((s.count as f64).sqrt() - 1.0);
            let places = if s.places.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = s
                    .places
                    .iter()
                    .map(|p| ctx.place_names.get(p).map(String::as_str).unwrap_or(p))
                    .collect();
                format!(" at {}", names.join(", "))
            };
            let _ = write!(
                svg,
                "<g class=\"wf-marker\" data-domain=\"{}\" data-modality=\"{}\"><title>{} {} {}{}{}</title>{}",
                s.domain,
                s.modality,
                s.count,
                s.domain,
                s.modality,
                if s.count == 1 { " event" } else { " events" },
                html(&places)
                    + if s.fallback {
                        " (country only: drawn at the capital)"
                    } else {
                        ""
                    },
                marker(s.modality, x, y, r, domain_colour(s.domain), s.fallback)
            );
            if s.count > 1 {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9.5\" font-weight=\"700\" fill=\"#222\" stroke=\"#ffffff\" stroke-width=\"2.2\" paint-order=\"stroke\">{}</text>",
                    x + r + 1.5,
                    y - r + 2.0,
                    s.count
                );
            }
            svg.push_str("</g>");
        }
    }
    svg.push_str("</g>");
    // Capitals for orientation, and the names of the evidence's places.
    let mut labelled: Vec<(f64, f64)> = Vec::new();
    svg.push_str("<g class=\"wf-places\" font-size=\"11\" fill=\"#1d1d1d\">");
    for (name, lat, lon) in &ctx.capitals {
        if !frame.contains(*lon, *lat) {
            continue;
        }
        let (x, y) = frame.project(*lon, *lat);
        labelled.push((x, y));
        let _ = write!(
            svg,
            "<rect class=\"wf-capital\" x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\" fill=\"#1d1d1d\" stroke=\"#ffffff\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"700\" stroke=\"#ffffff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
            x - 3.0,
            y - 3.0,
            x + 7.0,
            y + 14.0,
            html(name)
        );
    }
    for ((lon, lat), group) in &at_place {
        let (x, y) = frame.project(*lon as f64 / 100.0, *lat as f64 / 100.0);
        if labelled
            .iter()
            .any(|(lx, ly)| (lx - x).abs() < 30.0 && (ly - y).abs() < 14.0)
        {
            continue;
        }
        let Some(name) = group
            .iter()
            .filter(|s| !s.fallback)
            .flat_map(|s| s.places.iter())
            .find_map(|p| ctx.place_names.get(p))
        else {
            continue;
        };
        labelled.push((x, y));
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-style=\"italic\" stroke=\"#ffffff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
            x + 12.0 + 2.4 * group.len() as f64,
            y + 16.0 + 2.4 * group.len() as f64,
            html(name)
        );
    }
    svg.push_str("</g>");
    svg.push_str("</g>");

    // Legend (bottom left), scale bar and north arrow (bottom right).
    let rows_d = Domain::ALL.len();
    let rows_m = Modality::ALL.len();
    let lh = 15.0;
    let lw = 300.0;
    let lhgt = 24.0 + lh * (rows_d.max(rows_m) as f64) + 36.0;
    let (lx, ly) = (10.0, h - lhgt - 10.0);
    let _ = write!(
        svg,
        "<g class=\"wf-legend\" font-size=\"10.5\" fill=\"#222\"><rect x=\"{lx}\" y=\"{ly:.1}\" width=\"{lw}\" height=\"{lhgt:.1}\" fill=\"#ffffff\" fill-opacity=\"0.92\" stroke=\"#9aa5ae\" stroke-width=\"0.6\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"700\">Domain (colour)</text><text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"700\">Modality (shape)</text>",
        lx + 10.0,
        ly + 16.0,
        lx + 150.0,
        ly + 16.0
    );
    for (i, d) in Domain::ALL.iter().enumerate() {
        let y = ly + 32.0 + lh * i as f64;
        let _ = write!(
            svg,
            "{}<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            marker(
                Modality::Observed,
                lx + 16.0,
                y - 3.5,
                4.5,
                domain_colour(*d),
                false
            ),
            lx + 26.0,
            y,
            domain_title(*d)
        );
    }
    for (i, m) in Modality::ALL.iter().enumerate() {
        let y = ly + 32.0 + lh * i as f64;
        let _ = write!(
            svg,
            "{}<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            marker(*m, lx + 156.0, y - 3.5, 4.5, "#444444", false),
            lx + 166.0,
            y,
            m.as_str()
        );
    }
    let y = ly + 32.0 + lh * rows_d.max(rows_m) as f64 + 2.0;
    let _ = write!(
        svg,
        "{}<text x=\"{:.1}\" y=\"{:.1}\">country only (at capital)</text>\
<rect x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"url(#wf-hatch)\" stroke=\"#a8322b\" stroke-width=\"0.8\"/><text x=\"{:.1}\" y=\"{:.1}\">occupied / disputed</text></g>",
        marker(Modality::Observed, lx + 16.0, y - 3.5, 4.5, "#444444", true),
        lx + 26.0,
        y,
        lx + 149.0,
        y - 9.0,
        lx + 166.0,
        y
    );
    let max_km = frame.km_per_unit() * 160.0;
    let dist = nice_distance(max_km);
    let bar = dist / frame.km_per_unit();
    let (sx, sy) = (w - bar - 24.0, h - 24.0);
    let _ = write!(
        svg,
        "<g class=\"wf-scale\" font-size=\"10.5\" fill=\"#222\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"30\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>\
<rect x=\"{sx:.1}\" y=\"{sy:.1}\" width=\"{:.1}\" height=\"5\" fill=\"#222\"/><rect x=\"{:.1}\" y=\"{sy:.1}\" width=\"{:.1}\" height=\"5\" fill=\"#ffffff\" stroke=\"#222\" stroke-width=\"0.8\"/>\
<text x=\"{sx:.1}\" y=\"{:.1}\">0</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{dist:.0} km</text></g>",
        sx - 8.0,
        sy - 16.0,
        bar + 24.0,
        bar / 2.0,
        sx + bar / 2.0,
        bar / 2.0,
        sy - 4.0,
        sx + bar,
        sy - 4.0
    );
    let (nx, ny) = (w - 28.0, 18.0);
    let _ = write!(
        svg,
        "<g class=\"wf-north\"><polygon points=\"{nx:.1},{ny:.1} {:.1},{:.1} {nx:.1},{:.1} {:.1},{:.1}\" fill=\"#222\"/><text x=\"{nx:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"700\" text-anchor=\"middle\">N</text></g>",
        nx + 7.0,
        ny + 22.0,
        ny + 16.0,
        nx - 7.0,
        ny + 22.0,
        ny + 36.0
    );
    svg.push_str("</svg>");

    let drawn: usize = at_place.values().flatten().map(|s| s.count).sum();
    if !fallback_by_country.is_empty() {
        let list: Vec<String> = fallback_by_country
            .iter()
            .map(|(c, n)| format!("{} ({n})", basemap.country_name(c)))
            .collect();
        let n: usize = fallback_by_country.values().sum();
        notes.push(format!(
            "{n} {} known only by {} country and {} drawn, dashed, at its capital (location precision 3): {}.",
            if n == 1 { "event is" } else { "events are" },
            if n == 1 { "its" } else { "their" },
            if n == 1 { "is" } else { "are" },
            list.join(", ")
        ));
    }
    if unplaced > 0 {
        notes.push(if unplaced == 1 {
            "1 event names neither a place nor a country and is not drawn.".to_string()
        } else {
            format!("{unplaced} events name neither a place nor a country and are not drawn.")
        });
    }
    if outside > 0 {
        notes.push(if outside == 1 {
            "1 event lies outside this frame and is not drawn.".to_string()
        } else {
            format!("{outside} events lie outside this frame and are not drawn.")
        });
    }
    Figure {
        svg,
        caption: format!(
            "Evidence by place: {drawn} events around {}. Equirectangular projection, true to scale along {:.0}°N; ticks every 5°.",
            basemap.country_name(&a.target),
            (frame.lat0 + frame.lat1) / 2.0
        ),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::report::unique_evidence;

    #[test]
    fn markers_follow_places_and_fall_back_to_capitals() {
        let b = Basemap::embedded().expect("basemap");
        let a = fixture::assessment();
        let ctx = fixture::context();
        let f = figure(&b, &a, &unique_evidence(&a), &ctx);
        // Events 11 (Minsk coordinates) and 21, 31 (country only) are drawn;
        // the others have neither place nor country.
        let markers = f.svg.matches("class=\"wf-marker\"").count();
        assert!(markers >= 2, "{markers}");
        assert!(
            f.svg.contains("stroke-dasharray=\"2 1.5\""),
            "fallback markers are dashed"
        );
        assert!(
            f.notes
                .iter()
                .any(|n| n.contains("2 events are known only by their country")
                    && n.contains("Belarus")),
            "{:?}",
            f.notes
        );
        assert!(
            f.notes.iter().any(|n| n.contains("not drawn")),
            "{:?}",
            f.notes
        );
        assert!(f.svg.contains("BELARUS"));
        // Capitals in the frame are drawn and named; those outside are not.
        assert!(f.svg.contains(">Minsk</text>") && f.svg.contains(">Moscow</text>"));
        assert!(!f.svg.contains("Canberra"));
        assert!(f.svg.contains("at Minsk"), "marker tooltips name the place");
        assert!(f.svg.contains("class=\"wf-legend\"") && f.svg.contains(" km</text>"));
    }

    #[test]
    fn occupied_areas_are_hatched_and_labelled() {
        let b = Basemap::embedded().expect("basemap");
        let mut a = fixture::assessment();
        a.target = "UKR".into();
        let f = figure(&b, &a, &[], &ReportContext::default());
        assert!(f.svg.contains("fill=\"url(#wf-hatch)\""));
        assert!(f.svg.contains("Crimea (occupied)"), "Crimea is labelled");
    }

    #[test]
    fn the_frame_is_true_to_scale_on_its_middle_parallel() {
        let f = Frame::around((23.0, 51.0, 33.0, 57.0));
        let (x0, _) = f.project(23.0, 54.0);
        let (x1, _) = f.project(24.0, 54.0);
        let km = (x1 - x0) * f.km_per_unit();
        assert!((km - 111.32 * f.cos).abs() < 1e-6);
        assert!(f.height() / WIDTH >= 0.44 && f.height() / WIDTH <= 0.76);
    }
}
