//! Draws a [`MapSpec`] over the basemap as one SVG element.

use std::collections::BTreeMap;
use std::fmt::Write;

use geo::MultiPolygon;
use watchfloor_model::{Domain, Modality};

use super::cluster::{aggregate, Item};
use super::geometry::{
    clip_ring, label_point, num, ring_area, simplify_ring, write_path, write_polyline, Pt, Rect,
};
use super::labels::{place, text_width, LabelRequest};
use super::projection::{GeoBox, Viewport};
use super::style::{self, domain_colour, esc, safe_href, symbol};
use super::{MapSpec, PlaceKind};
use crate::basemap::Basemap;

/// Simplification tolerance of outlines, in SVG units.
const SIMPLIFY: f64 = 0.35;
/// Event IDs listed in one marker's `data-event` at most.
const MAX_IDS: usize = 40;

/// A rendered map and what it did.
#[derive(Debug, Clone)]
pub struct RenderedMap {
    /// The `<svg>` element.
    pub svg: String,
    /// Counts and the view, for captions and notes.
    pub stats: MapStats,
}

/// What a render drew and left out.
#[derive(Debug, Clone)]
pub struct MapStats {
    /// Markers drawn (alone, in groups or in clusters).
    pub drawn: usize,
    /// Markers outside the view (not drawn).
    pub outside: usize,
    /// Markers without finite coordinates (not drawn).
    pub invalid: usize,
    /// Marker symbols drawn (groups of one kind at one spot).
    pub groups: usize,
    /// Cluster badges drawn.
    pub clusters: usize,
    /// Labels placed (places, countries, areas, rings).
    pub labels_placed: usize,
    /// Labels dropped for want of room.
    pub labels_dropped: usize,
    /// The fitted view.
    pub viewport: Viewport,
    /// True kilometres per SVG unit at the map's centre.
    pub km_per_unit: f64,
    /// The projection in words, for captions.
    pub projection: String,
}

/// Renders the map as an SVG element (see [`render_map`] for the counts).
pub fn render(spec: &MapSpec, basemap: &Basemap) -> String {
    render_map(spec, basemap).svg
}

struct Shape {
    rings: Vec<Vec<Pt>>,
}

impl Shape {
    fn main_ring(&self) -> Option<&Vec<Pt>> {
        self.rings
            .iter()
            .max_by(|a, b| ring_area(a).abs().total_cmp(&ring_area(b).abs()))
    }
}

fn project_shape(vp: &Viewport, mp: &MultiPolygon<f64>, bounds: &GeoBox, clip: &Rect) -> Shape {
    let mut rings = Vec::new();
    for poly in mp.iter() {
        let ext = poly.exterior();
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in ext.coords() {
            w = w.min(c.x);
            e = e.max(c.x);
            s = s.min(c.y);
            n = n.max(c.y);
        }
        if !bounds.intersects(&GeoBox::new(w, s, e, n)) {
            continue;
        }
        for ring in std::iter::once(ext).chain(poly.interiors()) {
            let screen: Vec<Pt> = ring.coords().map(|c| vp.project(c.x, c.y)).collect();
            let clipped = clip_ring(&screen, clip);
            let simple = simplify_ring(&clipped, SIMPLIFY);
            if !simple.is_empty() {
                rings.push(simple);
            }
        }
    }
    Shape { rings }
}

/// A label to place, with how to draw it.
struct Pending {
    lines: Vec<String>,
    class: &'static str,
    size: f64,
    weight: &'static str,
    style: &'static str,
    fill: &'static str,
    spacing: f64,
    halo: &'static str,
    request: LabelRequest,
}

impl Pending {
    #[allow(clippy::too_many_arguments)]
    fn new(
        lines: Vec<String>,
        class: &'static str,
        size: f64,
        spacing: f64,
        at: Pt,
        gap: f64,
        centred: bool,
        priority: f64,
    ) -> Pending {
        let width = lines
            .iter()
            .map(|l| text_width(l, size, spacing))
            .fold(0.0, f64::max);
        let height = size * 1.2 * lines.len() as f64;
        Pending {
            lines,
            class,
            size,
            weight: "400",
            style: "normal",
            fill: style::INK,
            spacing,
            halo: "0.9",
            request: LabelRequest {
                priority,
                x: at.0,
                y: at.1,
                gap,
                width,
                height,
                centred,
                beneath: false,
            },
        }
    }
}

fn short_status(status: &str) -> String {
    // "occupied by Russia since 2014; annexation not recognised" → "occupied by Russia"
    let head = status.split(';').next().unwrap_or(status);
    let head = head.split(" since ").next().unwrap_or(head);
    let head = head.split(" (").next().unwrap_or(head);
    head.trim().to_string()
}

fn compact_count(n: usize) -> String {
    match n {
        n if n >= 10_000 => format!("{}k", n / 1000),
        n if n >= 1000 => format!("{:.1}k", n as f64 / 1000.0),
        n => n.to_string(),
    }
}

fn nice_km(max_km: f64) -> f64 {
    let mut best = 1.0;
    for base in [1.0, 2.0, 2.5, 5.0] {
        let mut v = base;
        while v <= max_km {
            if v > best {
                best = v;
            }
            v *= 10.0;
        }
    }
    best
}

fn ids_attr(spec: &MapSpec, members: &[usize]) -> String {
    let mut ids: Vec<&str> = members
        .iter()
        .take(MAX_IDS)
        .map(|&i| spec.markers[i].id.as_str())
        .collect();
    ids.dedup();
    let mut s = esc(&ids.join(" "));
    if members.len() > MAX_IDS {
        let _ = write!(s, "\" data-more=\"{}", members.len() - MAX_IDS);
    }
    s
}

/// Renders the map and reports what it drew.
pub fn render_map(spec: &MapSpec, basemap: &Basemap) -> RenderedMap {
    let (w, h) = (spec.width.max(200.0), spec.height.max(150.0));
    let id = esc(&spec.id);

    // 1. The view.
    let mut extent: Vec<(f64, f64)> = Vec::new();
    match spec.focus {
        Some(f) => extent.extend(f.outline(8)),
        None => {
            extent.extend(spec.markers.iter().map(|m| (m.lon, m.lat)));
            extent.extend(spec.rings.iter().flat_map(|r| r.points.iter().copied()));
        }
    }
    let default_box = GeoBox::new(20.0, 44.0, 42.0, 60.0);
    let fit = |pts: &[(f64, f64)]| {
        Viewport::fit(pts, spec.parallels, w, h, spec.padding, spec.min_extent_km)
    };
    let vp = match fit(&extent) {
        Some(v) => v,
        None => {
            let pts: Vec<(f64, f64)> = default_box.outline(8).collect();
            match fit(&pts) {
                Some(v) => v,
                // Unreachable: the default box is finite.
                None => Viewport::fit(&[(28.0, 54.0)], (45.0, 65.0), w, h, 0.1, 500.0)
                    .unwrap_or_else(|| unreachable_viewport(w, h)),
            }
        }
    };
    let bounds = vp.geo_bounds(1.0);
    let canvas = Rect::new(0.0, 0.0, w, h);
    let clip = canvas.grow(4.0);

    let mut svg = String::with_capacity(256 * 1024);
    let _ = write!(
        svg,
        "<svg id=\"{id}\" class=\"wf-figure wf-map\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-title\" font-family=\"'Helvetica Neue', Helvetica, Arial, sans-serif\">\
<title id=\"{id}-title\">{}</title>\
<defs><clipPath id=\"{id}-clip\"><rect width=\"{}\" height=\"{}\"/></clipPath>\
<pattern id=\"{id}-hatch\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#f3d9d5\" fill-opacity=\"0.55\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"{}\" stroke-width=\"1.5\"/></pattern></defs>\
<rect class=\"wf-sea\" width=\"{}\" height=\"{}\" fill=\"{}\"/><g clip-path=\"url(#{id}-clip)\">",
        num(w),
        num(h),
        esc(&spec.title),
        num(w),
        num(h),
        style::OCCUPIED,
        num(w),
        num(h),
        style::SEA
    );

    // 2. Countries.
    let mut pending: Vec<Pending> = Vec::new();
    let target = spec.target.as_deref().map(str::to_ascii_uppercase);
    let aggressor = spec.aggressor.as_deref().map(str::to_ascii_uppercase);
    let mut target_path = String::new();
    svg.push_str("<g class=\"wf-countries\" stroke=\"");
    svg.push_str(style::BORDER);
    svg.push_str("\" stroke-width=\"0.6\" stroke-linejoin=\"round\">");
    for c in basemap.countries() {
        if c.bbox.is_none_or(|b| {
            !bounds.intersects(&GeoBox::new(b.min().x, b.min().y, b.max().x, b.max().y))
        }) {
            continue;
        }
        let shape = project_shape(&vp, &c.shape, &bounds, &clip);
        if shape.rings.is_empty() {
            continue;
        }
        let code = c.iso_a3.as_deref().unwrap_or("");
        let is_target = target.as_deref() == Some(code);
        let is_aggressor = aggressor.as_deref() == Some(code);
        let fill = if is_target {
            style::TARGET
        } else if is_aggressor {
            style::AGGRESSOR
        } else {
            style::LAND
        };
        let mut d = String::new();
        write_path(&mut d, &shape.rings);
        if is_target {
            target_path = d.clone();
        }
        let _ = write!(
            svg,
            "<path class=\"wf-country\" data-iso=\"{}\" d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\"><title>{}</title></path>",
            esc(code),
            esc(&c.name)
        );
        // Its name, if it has room.
        if let Some(main) = shape.main_ring() {
            if let Some((at, depth)) = label_point(std::slice::from_ref(main)) {
                let name = c.name.to_uppercase();
                let (size, spacing) = if is_target { (15.0, 2.5) } else { (10.5, 1.6) };
                let width = text_width(&name, size, spacing);
                let room = Rect::around(main).map_or(0.0, |r| r.x1 - r.x0);
                if depth >= size * 0.6 && width <= room * 0.95 {
                    // Area names yield to place names (they have room to move).
                    let priority = if is_target {
                        45.0
                    } else {
                        10.0 + (ring_area(main).abs().sqrt() / 20.0).min(25.0)
                    };
                    let mut p = Pending::new(
                        vec![name],
                        "wf-country-label",
                        size,
                        spacing,
                        at,
                        0.0,
                        true,
                        priority,
                    );
                    p.weight = if is_target { "700" } else { "400" };
                    p.fill = if is_target { "#3d2f1f" } else { "#77726a" };
                    p.halo = "0.55";
                    p.request.beneath = true;
                    pending.push(p);
                }
            }
        }
    }
    svg.push_str("</g>");

    // 3. Graticule.
    let span = (bounds.east - bounds.west).max(bounds.north - bounds.south);
    let step = if span > 60.0 { 10.0 } else { 5.0 };
    svg.push_str("<g class=\"wf-graticule\" fill=\"none\" stroke=\"#6f8aa0\" stroke-width=\"0.35\" stroke-opacity=\"0.55\" stroke-dasharray=\"2 3\"><path d=\"");
    let mut lon = (bounds.west / step).ceil() * step;
    while lon <= bounds.east {
        let mut pts = Vec::new();
        let mut lat = bounds.south.max(-85.0);
        while lat <= bounds.north.min(85.0) {
            pts.push(vp.project(lon, lat));
            lat += 1.0;
        }
        write_polyline(&mut svg, &pts);
        lon += step;
    }
    let mut lat = (bounds.south / step).ceil() * step;
    while lat <= bounds.north {
        let mut pts = Vec::new();
        let mut lon = bounds.west;
        while lon <= bounds.east + 0.5 {
            pts.push(vp.project(lon, lat));
            lon += 1.0;
        }
        write_polyline(&mut svg, &pts);
        lat += step;
    }
    svg.push_str("\"/></g>");

    // 4. Occupied and disputed areas (international law: de jure borders
    // above, occupation hatched on top).
    let mut any_disputed = false;
    if spec.show_disputed {
        svg.push_str("<g class=\"wf-disputed-layer\">");
        for a in basemap.disputed() {
            if a.bbox.is_none_or(|b| {
                !bounds.intersects(&GeoBox::new(b.min().x, b.min().y, b.max().x, b.max().y))
            }) {
                continue;
            }
            let shape = project_shape(&vp, &a.shape, &bounds, &clip);
            if shape.rings.is_empty() {
                continue;
            }
            any_disputed = true;
            let mut d = String::new();
            write_path(&mut d, &shape.rings);
            let status = short_status(&a.status);
            let _ = write!(
                svg,
                "<path class=\"wf-disputed\" data-de-jure=\"{}\" d=\"{d}\" fill=\"url(#{id}-hatch)\" fill-rule=\"evenodd\" stroke=\"{}\" stroke-width=\"0.9\"{}><title>{}: {}{}</title></path>",
                esc(&a.de_jure),
                style::OCCUPIED,
                if a.approximate { " stroke-dasharray=\"4 2\"" } else { "" },
                esc(&a.name),
                esc(&a.status),
                if a.approximate { " (line approximate)" } else { "" }
            );
            if let Some(main) = shape.main_ring() {
                if let Some((at, depth)) = label_point(std::slice::from_ref(main)) {
                    let de_jure = basemap
                        .country(&a.de_jure)
                        .map_or(a.de_jure.clone(), |c| c.name.clone());
                    // Long names ("Occupied areas of Donetsk, …") give way to
                    // the de jure state's name.
                    let name = if a.name.chars().count() > 24 {
                        de_jure
                    } else {
                        a.name.clone()
                    };
                    let lines = vec![name, format!("({status})")];
                    let mut p = Pending::new(
                        lines,
                        "wf-disputed-label",
                        10.0,
                        0.0,
                        at,
                        depth.min(6.0),
                        false,
                        95.0,
                    );
                    // Roomy areas take their name inside.
                    let room = Rect::around(main).map_or(0.0, |r| (r.x1 - r.x0).min(r.y1 - r.y0));
                    if room > p.request.width.min(120.0) && depth > 12.0 {
                        p.request.centred = true;
                    }
                    p.style = "italic";
                    p.fill = "#8a2a24";
                    pending.push(p);
                }
            }
        }
        svg.push_str("</g>");
    }
    if !target_path.is_empty() {
        let _ = write!(
            svg,
            "<path class=\"wf-target-outline\" d=\"{target_path}\" fill=\"none\" stroke=\"#5a4630\" stroke-width=\"1.6\" stroke-linejoin=\"round\"/>"
        );
    }

    // 5. Range rings.
    if !spec.rings.is_empty() {
        svg.push_str("<g class=\"wf-rings\">");
        for r in &spec.rings {
            let pts: Vec<Pt> = r
                .points
                .iter()
                .filter(|(lon, lat)| lon.is_finite() && lat.is_finite())
                .map(|&(lon, lat)| vp.project(lon, lat))
                .collect();
            let clipped = simplify_ring(&clip_ring(&pts, &canvas.grow(8.0)), SIMPLIFY);
            if clipped.is_empty() {
                continue;
            }
            let mut d = String::new();
            write_path(&mut d, std::slice::from_ref(&clipped));
            let _ = write!(
                svg,
                "<path class=\"wf-ring\" d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.3\" stroke-dasharray=\"7 3\"><title>{}</title></path>",
                style::RING,
                esc(&r.label)
            );
            // Label at the ring's northernmost point on the canvas, inside.
            if let Some(top) = clipped
                .iter()
                .filter(|p| canvas.grow(-12.0).contains(&Rect::new(p.0, p.1, p.0, p.1)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
            {
                let mut p = Pending::new(
                    vec![r.label.clone()],
                    "wf-ring-label",
                    10.0,
                    0.3,
                    (top.0, top.1 + 12.0),
                    0.0,
                    true,
                    70.0,
                );
                p.fill = style::RING;
                p.weight = "700";
                pending.push(p);
            }
        }
        svg.push_str("</g>");
    }

    // 6. Markers: grouped, spread where kinds share a spot, clustered where
    // they crowd.
    let mut stats_invalid = 0;
    let mut stats_outside = 0;
    let mut pts: Vec<Pt> = Vec::new();
    let mut kinds: Vec<(Domain, Modality, bool)> = Vec::new();
    let mut index: Vec<usize> = Vec::new();
    let inner = canvas.grow(-3.0);
    for (i, m) in spec.markers.iter().enumerate() {
        if !(m.lat.is_finite() && m.lon.is_finite()) || m.lat.abs() > 90.0 {
            stats_invalid += 1;
            continue;
        }
        let p = vp.project(m.lon, m.lat);
        if !inner.contains(&Rect::new(p.0, p.1, p.0, p.1)) {
            stats_outside += 1;
            continue;
        }
        pts.push(p);
        kinds.push((m.domain, m.modality, m.approximate));
        index.push(i);
    }
    let items = aggregate(&pts, &kinds, 2.5, spec.cluster_cell, spec.cluster_groups);
    let mut obstacles: Vec<Rect> = Vec::new();
    let mut soft: Vec<Rect> = Vec::new();
    let mut groups = 0;
    let mut clusters = 0;
    let mut drawn = 0;
    // Kinds sharing one spot are spread on a small circle around it.
    let mut spots: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (k, item) in items.iter().enumerate() {
        if let Item::Group(g) = item {
            spots
                .entry(((g.x / 6.0).round() as i64, (g.y / 6.0).round() as i64))
                .or_default()
                .push(k);
        }
    }
    let mut offset: BTreeMap<usize, Pt> = BTreeMap::new();
    for ks in spots.values() {
        let n = ks.len();
        if n < 2 {
            continue;
        }
        for (j, &k) in ks.iter().enumerate() {
            let angle = std::f64::consts::TAU * j as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
            let radius = 7.0 + 2.6 * n as f64;
            offset.insert(k, (radius * angle.cos(), radius * angle.sin()));
        }
    }
    let base_layers = std::mem::take(&mut svg);
    svg.push_str("<g class=\"wf-markers\">");
    for (k, item) in items.iter().enumerate() {
        let members: Vec<usize> = item.members().iter().map(|&j| index[j]).collect();
        drawn += members.len();
        match item {
            Item::Group(g) => {
                groups += 1;
                let (dx, dy) = offset.get(&k).copied().unwrap_or((0.0, 0.0));
                let (x, y) = (g.x + dx, g.y + dy);
                let (domain, modality, approximate) = g.kind;
                let n = members.len();
                let r = (5.0 + 1.8 * ((n as f64).sqrt() - 1.0)).min(13.0);
                soft.push(Rect::new(
                    x - r - 1.0,
                    y - r - 1.0,
                    x + r + 1.0,
                    y + r + 1.0,
                ));
                let mut labels: Vec<&str> = members
                    .iter()
                    .map(|&i| spec.markers[i].label.as_str())
                    .filter(|l| !l.is_empty())
                    .collect();
                labels.sort_unstable();
                labels.dedup();
                let shown = labels.len().min(4);
                let more = if labels.len() > shown {
                    format!(" and {} more", labels.len() - shown)
                } else {
                    String::new()
                };
                let title = if n == 1 {
                    format!(
                        "{} ({domain}, {modality}){}",
                        if labels.is_empty() {
                            "event"
                        } else {
                            labels[0]
                        },
                        if approximate {
                            "; location approximate"
                        } else {
                            ""
                        }
                    )
                } else {
                    format!(
                        "{n} {domain} {modality} events{}{}{more}{}",
                        if labels.is_empty() { "" } else { ": " },
                        labels[..shown].join("; "),
                        if approximate {
                            "; location approximate"
                        } else {
                            ""
                        }
                    )
                };
                let href = members
                    .iter()
                    .find_map(|&i| spec.markers[i].href.as_deref().and_then(safe_href));
                if let Some(href) = &href {
                    let _ = write!(svg, "<a href=\"{href}\">");
                }
                let _ = write!(
                    svg,
                    "<g class=\"wf-marker\" data-event=\"{}\" data-domain=\"{domain}\" data-modality=\"{modality}\" data-count=\"{n}\"{}><title>{}</title>",
                    ids_attr(spec, &members),
                    if approximate { " data-approximate=\"true\"" } else { "" },
                    esc(&title)
                );
                symbol(
                    &mut svg,
                    modality,
                    x,
                    y,
                    r,
                    domain_colour(domain),
                    approximate,
                );
                if n > 1 {
                    let t = compact_count(n);
                    let tw = text_width(&t, 9.5, 0.0);
                    soft.push(Rect::new(x + r, y - r - 8.0, x + r + tw + 3.0, y - r + 4.0));
                    let _ = write!(
                        svg,
                        "<text x=\"{}\" y=\"{}\" font-size=\"9.5\" font-weight=\"700\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.2\" paint-order=\"stroke\">{t}</text>",
                        num(x + r + 1.0),
                        num(y - r + 2.5)
                    );
                }
                svg.push_str("</g>");
                if href.is_some() {
                    svg.push_str("</a>");
                }
            }
            Item::Cluster { x, y, .. } => {
                clusters += 1;
                let n = members.len();
                let r = 10.0 + 3.4 * (n as f64).log10();
                soft.push(Rect::new(
                    x - r - 1.0,
                    y - r - 1.0,
                    x + r + 1.0,
                    y + r + 1.0,
                ));
                let mut by_domain: BTreeMap<Domain, usize> = BTreeMap::new();
                let mut by_modality: BTreeMap<Modality, usize> = BTreeMap::new();
                for &i in &members {
                    *by_domain.entry(spec.markers[i].domain).or_default() += 1;
                    *by_modality.entry(spec.markers[i].modality).or_default() += 1;
                }
                let domains: Vec<String> =
                    by_domain.iter().map(|(d, c)| format!("{d}:{c}")).collect();
                let title = format!(
                    "{n} events: {}; {}",
                    by_domain
                        .iter()
                        .map(|(d, c)| format!("{c} {d}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    by_modality
                        .iter()
                        .map(|(m, c)| format!("{c} {m}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let _ = write!(
                    svg,
                    "<g class=\"wf-cluster\" data-event=\"{}\" data-count=\"{n}\" data-domains=\"{}\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.94\" stroke=\"#3a3a3a\" stroke-width=\"0.8\"/>",
                    ids_attr(spec, &members),
                    domains.join(" "),
                    esc(&title),
                    num(*x),
                    num(*y),
                    num(r)
                );
                // A ring of domain shares.
                let rr = r - 2.6;
                let circ = std::f64::consts::TAU * rr;
                let mut at = 0.0;
                for (d, c) in &by_domain {
                    let len = circ * *c as f64 / n as f64;
                    let _ = write!(
                        svg,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"4\" stroke-dasharray=\"{} {}\" stroke-dashoffset=\"{}\" transform=\"rotate(-90 {} {})\"/>",
                        num(*x), num(*y), num(rr), domain_colour(*d), num(len), num(circ), num(-at), num(*x), num(*y)
                    );
                    at += len;
                }
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" font-weight=\"700\" fill=\"#1d1d1d\">{}</text></g>",
                    num(*x),
                    num(y + 3.5),
                    if n >= 1000 { "9" } else { "10" },
                    compact_count(n)
                );
            }
        }
    }
    svg.push_str("</g>");
    let markers_svg = std::mem::replace(&mut svg, base_layers);

    // 7. Places: symbols now, names with the other labels.
    svg.push_str("<g class=\"wf-places\">");
    let mut seen_places: Vec<(String, Pt)> = Vec::new();
    for l in &spec.labels {
        if !(l.lat.is_finite() && l.lon.is_finite()) || l.text.trim().is_empty() {
            continue;
        }
        let p = vp.project(l.lon, l.lat);
        if !canvas.grow(-4.0).contains(&Rect::new(p.0, p.1, p.0, p.1)) {
            continue;
        }
        if seen_places
            .iter()
            .any(|(t, q)| *t == l.text && (q.0 - p.0).abs() < 8.0 && (q.1 - p.1).abs() < 8.0)
        {
            continue;
        }
        seen_places.push((l.text.clone(), p));
        let (gap, class, size, weight) = match l.kind {
            PlaceKind::Capital => {
                let _ = write!(
                    svg,
                    "<rect class=\"wf-capital\" x=\"{}\" y=\"{}\" width=\"6\" height=\"6\" fill=\"#1d1d1d\" stroke=\"#fff\" stroke-width=\"1\"/>",
                    num(p.0 - 3.0),
                    num(p.1 - 3.0)
                );
                obstacles.push(Rect::new(p.0 - 4.0, p.1 - 4.0, p.0 + 4.0, p.1 + 4.0));
                (4.0, "wf-place-label wf-capital-label", 11.5, "700")
            }
            PlaceKind::City => {
                let _ = write!(
                    svg,
                    "<circle class=\"wf-city\" cx=\"{}\" cy=\"{}\" r=\"2.4\" fill=\"#1d1d1d\" stroke=\"#fff\" stroke-width=\"0.8\"/>",
                    num(p.0),
                    num(p.1)
                );
                obstacles.push(Rect::new(p.0 - 3.0, p.1 - 3.0, p.0 + 3.0, p.1 + 3.0));
                (3.0, "wf-place-label", 10.5, "400")
            }
            PlaceKind::Evidence => (9.0, "wf-place-label wf-evidence-label", 10.5, "400"),
        };
        let mut pl = Pending::new(
            vec![l.text.clone()],
            class,
            size,
            0.0,
            p,
            gap,
            false,
            l.importance,
        );
        pl.weight = weight;
        if l.kind == PlaceKind::Evidence {
            pl.style = "italic";
        }
        pending.push(pl);
    }
    svg.push_str("</g>");

    // 8. Furniture boxes (title, north arrow, legend, scale), so labels
    // keep clear of them.
    let title_size = 15.0;
    let title_w = text_width(&spec.title, title_size, 0.0).max(
        spec.subtitle
            .as_deref()
            .map_or(0.0, |s| text_width(s, 10.5, 0.0)),
    ) + 24.0;
    let title_h = if spec.subtitle.is_some() { 44.0 } else { 30.0 };
    let title_box = Rect::new(10.0, 10.0, 10.0 + title_w.min(w - 70.0), 10.0 + title_h);
    let north_box = Rect::new(w - 44.0, 10.0, w - 10.0, 58.0);

    let any_approx = spec.markers.iter().any(|m| m.approximate);
    let any_capital = spec.labels.iter().any(|l| l.kind == PlaceKind::Capital);
    let mut extras: Vec<&str> = vec!["cluster"];
    if any_approx {
        extras.push("approx");
    }
    if any_disputed {
        extras.push("occupied");
    }
    if !spec.rings.is_empty() {
        extras.push("ring");
    }
    if any_capital {
        extras.push("capital");
    }
    let row = 15.0;
    let legend_w = 318.0;
    let legend_h = 30.0 + row * 5.0 + 6.0 + row * extras.len().div_ceil(2) as f64 + 4.0;
    let scale_w = 200.0;
    let scale_h = 50.0;
    let count_in = |r: &Rect| {
        pts.iter()
            .filter(|p| r.contains(&Rect::new(p.0, p.1, p.0, p.1)))
            .count()
    };
    let left_legend = Rect::new(10.0, h - legend_h - 10.0, 10.0 + legend_w, h - 10.0);
    let right_legend = Rect::new(w - legend_w - 10.0, h - legend_h - 10.0, w - 10.0, h - 10.0);
    let legend_left = count_in(&left_legend) <= count_in(&right_legend);
    let legend_box = if legend_left {
        left_legend
    } else {
        right_legend
    };
    let scale_box = if legend_left {
        Rect::new(w - scale_w - 10.0, h - scale_h - 10.0, w - 10.0, h - 10.0)
    } else {
        Rect::new(10.0, h - scale_h - 10.0, 10.0 + scale_w, h - 10.0)
    };
    let furniture = [title_box, north_box, legend_box, scale_box];

    // 9. Labels.
    let requests: Vec<LabelRequest> = pending.iter().map(|p| p.request.clone()).collect();
    let mut blocked = obstacles.clone();
    blocked.extend(furniture.iter().map(|r| r.grow(2.0)));
    let (placed, dropped) = place(&requests, &blocked, &soft, canvas.grow(-2.0), 12.0);
    let (beneath, above): (Vec<_>, Vec<_>) = placed
        .iter()
        .partition(|pl| pending[pl.index].request.beneath);
    svg.push_str("<g class=\"wf-labels wf-area-labels\">");
    write_labels(&mut svg, &pending, &beneath);
    svg.push_str("</g>");
    svg.push_str(&markers_svg);
    svg.push_str("<g class=\"wf-labels\">");
    write_labels(&mut svg, &pending, &above);
    svg.push_str("</g></g>");

    // 10. Furniture.
    // Title block.
    let _ = write!(
        svg,
        "<g class=\"wf-title\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.94\" stroke=\"#5b6670\" stroke-width=\"0.6\"/><rect x=\"{}\" y=\"{}\" width=\"4\" height=\"{}\" fill=\"#7a1f1f\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"700\" fill=\"#1d1d1d\">{}</text>",
        num(title_box.x0),
        num(title_box.y0),
        num(title_box.x1 - title_box.x0),
        num(title_h),
        num(title_box.x0),
        num(title_box.y0),
        num(title_h),
        num(title_box.x0 + 12.0),
        num(title_box.y0 + 20.0),
        num(title_size),
        esc(&spec.title)
    );
    if let Some(sub) = &spec.subtitle {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10.5\" fill=\"#4a4a4a\">{}</text>",
            num(title_box.x0 + 12.0),
            num(title_box.y0 + 36.0),
            esc(sub)
        );
    }
    svg.push_str("</g>");

    // North arrow, turned to true north at its own position.
    let (nx, ny) = (w - 27.0, 36.0);
    let (alon, alat) = vp.unproject(nx, ny);
    let up = vp.project(alon, (alat + 0.5).min(89.9));
    let angle = (up.0 - nx).atan2(ny - up.1).to_degrees();
    let _ = write!(
        svg,
        "<g class=\"wf-north\"><g transform=\"rotate({} {} {})\"><path d=\"M{} {}L{} {}L{} {}Z\" fill=\"#1d1d1d\"/><path d=\"M{} {}L{} {}L{} {}Z\" fill=\"#ffffff\" stroke=\"#1d1d1d\" stroke-width=\"0.8\"/></g><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"700\" fill=\"#1d1d1d\" stroke=\"#fff\" stroke-width=\"2\" paint-order=\"stroke\">N</text></g>",
        num(angle), num(nx), num(ny),
        num(nx), num(ny - 12.0), num(nx + 6.0), num(ny + 8.0), num(nx), num(ny + 3.0),
        num(nx), num(ny - 12.0), num(nx - 6.0), num(ny + 8.0), num(nx), num(ny + 3.0),
        num(nx), num(ny - 15.0)
    );

    // Legend.
    let (lx, ly) = (legend_box.x0, legend_box.y0);
    let _ = write!(
        svg,
        "<g class=\"wf-legend\" font-size=\"10.5\" fill=\"#222\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.94\" stroke=\"#5b6670\" stroke-width=\"0.6\"/><text x=\"{}\" y=\"{}\" font-weight=\"700\">Domain (colour)</text><text x=\"{}\" y=\"{}\" font-weight=\"700\">Modality (shape)</text>",
        num(lx), num(ly), num(legend_w), num(legend_h),
        num(lx + 10.0), num(ly + 17.0), num(lx + 160.0), num(ly + 17.0)
    );
    for (i, d) in Domain::ALL.iter().enumerate() {
        let y = ly + 33.0 + row * i as f64;
        symbol(
            &mut svg,
            Modality::Observed,
            lx + 16.0,
            y - 3.5,
            4.5,
            domain_colour(*d),
            false,
        );
        let name = d.as_str();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\">{}{}</text>",
            num(lx + 26.0),
            num(y),
            name[..1].to_uppercase(),
            &name[1..]
        );
    }
    for (i, m) in Modality::ALL.iter().enumerate() {
        let y = ly + 33.0 + row * i as f64;
        symbol(&mut svg, *m, lx + 166.0, y - 3.5, 4.5, "#444444", false);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            num(lx + 176.0),
            num(y),
            m.as_str()
        );
    }
    for (i, e) in extras.iter().enumerate() {
        let y = ly + 33.0 + row * 5.0 + 6.0 + row * (i / 2) as f64;
        let x = lx + if i % 2 == 0 { 16.0 } else { 166.0 };
        let text = match *e {
            "cluster" => {
                let _ = write!(
                    svg,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"#fff\" stroke=\"#3a3a3a\" stroke-width=\"0.8\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"7\" font-weight=\"700\">n</text>",
                    num(x), num(y - 3.5), num(x), num(y - 1.0)
                );
                "cluster of n events"
            }
            "approx" => {
                symbol(
                    &mut svg,
                    Modality::Observed,
                    x,
                    y - 3.5,
                    4.5,
                    "#444444",
                    true,
                );
                "location approximate"
            }
            "occupied" => {
                let _ = write!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"url(#{id}-hatch)\" stroke=\"{}\" stroke-width=\"0.8\"/>",
                    num(x - 7.0), num(y - 8.5), style::OCCUPIED
                );
                "occupied / disputed"
            }
            "ring" => {
                let _ = write!(
                    svg,
                    "<path d=\"M{} {}h14\" stroke=\"{}\" stroke-width=\"1.3\" stroke-dasharray=\"5 2\"/>",
                    num(x - 7.0), num(y - 3.5), style::RING
                );
                "range ring"
            }
            _ => {
                let _ = write!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"6\" fill=\"#1d1d1d\"/>",
                    num(x - 3.0),
                    num(y - 6.5)
                );
                "capital"
            }
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\">{text}</text>",
            num(x + 10.0),
            num(y)
        );
    }
    svg.push_str("</g>");

    // Scale bar, true at the centre of the map, and the attribution.
    let kpu = vp.km_per_unit_at_centre();
    let dist = nice_km(kpu * (scale_w - 40.0));
    let bar = dist / kpu;
    let (_, c_lat) = vp.centre();
    let (sx, sy) = (scale_box.x1 - 20.0 - bar, scale_box.y0 + 18.0);
    let _ = write!(
        svg,
        "<g class=\"wf-scale\" font-size=\"10\" fill=\"#222\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#5b6670\" stroke-width=\"0.6\"/>",
        num(scale_box.x0), num(scale_box.y0), num(scale_w), num(scale_h)
    );
    for i in 0..4 {
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" fill=\"{}\" stroke=\"#222\" stroke-width=\"0.6\"/>",
            num(sx + bar * i as f64 / 4.0),
            num(sy),
            num(bar / 4.0),
            if i % 2 == 0 { "#222" } else { "#fff" }
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">0</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} km</text><text x=\"{}\" y=\"{}\" font-size=\"8.5\" fill=\"#555\" text-anchor=\"end\">scale true at {}°{}</text><text class=\"wf-attribution\" x=\"{}\" y=\"{}\" font-size=\"8.5\" fill=\"#555\" text-anchor=\"end\">{}</text></g>",
        num(sx), num(sy - 3.0),
        num(sx + bar), num(sy - 3.0), dist,
        num(scale_box.x1 - 8.0), num(sy + 17.0),
        c_lat.abs().round(), if c_lat >= 0.0 { "N" } else { "S" },
        num(scale_box.x1 - 8.0), num(sy + 28.0),
        esc(&spec.attribution)
    );
    svg.push_str("</svg>");

    let (p1, p2) = spec.parallels;
    let lon0 = vp.proj.lon0;
    let projection = format!(
        "Lambert conformal conic projection (standard parallels {}°N and {}°N, central meridian {:.0}°{})",
        p1,
        p2,
        lon0.abs(),
        if lon0 >= 0.0 { "E" } else { "W" }
    );
    RenderedMap {
        svg,
        stats: MapStats {
            drawn,
            outside: stats_outside,
            invalid: stats_invalid,
            groups,
            clusters,
            labels_placed: placed.len(),
            labels_dropped: dropped.len(),
            viewport: vp,
            km_per_unit: kpu,
            projection,
        },
    }
}

fn write_labels(svg: &mut String, pending: &[Pending], placed: &[&super::labels::Placement]) {
    for pl in placed {
        let p = &pending[pl.index];
        let line_h = p.size * 1.2;
        let first_baseline = pl.bbox.y0 + p.size * 0.95;
        let _ = write!(
            svg,
            "<text class=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" font-weight=\"{}\"{}{} fill=\"{}\" stroke=\"#fff\" stroke-width=\"2.6\" stroke-opacity=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\">",
            p.class,
            num(pl.x),
            num(first_baseline),
            pl.anchor.as_str(),
            num(p.size),
            p.weight,
            if p.style == "normal" { String::new() } else { format!(" font-style=\"{}\"", p.style) },
            if p.spacing > 0.0 { format!(" letter-spacing=\"{}\"", num(p.spacing)) } else { String::new() },
            p.fill,
            p.halo
        );
        if p.lines.len() == 1 {
            svg.push_str(&esc(&p.lines[0]));
        } else {
            for (i, line) in p.lines.iter().enumerate() {
                let _ = write!(
                    svg,
                    "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                    num(pl.x),
                    if i == 0 { "0".to_string() } else { num(line_h) },
                    esc(line)
                );
            }
        }
        svg.push_str("</text>");
    }
}

fn unreachable_viewport(w: f64, h: f64) -> Viewport {
    Viewport {
        proj: super::projection::Lambert::new(28.0, (45.0, 65.0), 54.0),
        width: w,
        height: h,
        scale: 1.0,
        x0: 0.0,
        y1: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::geometry::inside;
    use super::super::{Marker, PlaceLabel};
    use super::*;

    fn belarus_spec() -> MapSpec {
        MapSpec {
            title: "Test".into(),
            focus: Some(GeoBox::new(23.0, 51.0, 33.0, 56.5)),
            target: Some("BLR".into()),
            aggressor: Some("RUS".into()),
            ..MapSpec::default()
        }
    }

    /// The screen rings of one country's `<path>`, decoded from its `d`.
    fn country_rings(svg: &str, iso: &str) -> Vec<Vec<Pt>> {
        let tag = format!("data-iso=\"{iso}\" d=\"");
        let start = svg.find(&tag).expect("country drawn") + tag.len();
        let d = &svg[start..start + svg[start..].find('"').expect("closed")];
        let mut rings = Vec::new();
        for part in d.split('M').filter(|p| !p.is_empty()) {
            let part = part.trim_end_matches('z');
            let (head, rel) = part.split_once('l').expect("relative lines");
            let nums = |s: &str| -> Vec<f64> {
                let s = s.replace('-', " -");
                s.split_whitespace()
                    .map(|n| n.parse().expect("number"))
                    .collect()
            };
            let h = nums(head);
            let mut p = (h[0], h[1]);
            let mut ring = vec![p];
            for pair in nums(rel).chunks(2) {
                p = (p.0 + pair[0], p.1 + pair[1]);
                ring.push(p);
            }
            rings.push(ring);
        }
        rings
    }

    #[test]
    fn minsk_lies_inside_belarus_projected_polygon_and_north_is_up() {
        let map = render_map(&belarus_spec(), Basemap::embedded());
        let blr = country_rings(&map.svg, "BLR");
        let vp = map.stats.viewport;
        let minsk = vp.project(27.57, 53.90);
        assert!(inside(&blr, minsk), "Minsk {minsk:?}");
        let warsaw = vp.project(21.01, 52.23);
        assert!(!inside(&blr, warsaw));
        assert!(inside(&country_rings(&map.svg, "POL"), warsaw));
        // North is up: Vitebsk (north of Gomel, near the same meridian) is higher.
        assert!(vp.project(30.2, 55.19).1 < vp.project(30.98, 52.43).1);
        assert!(map.svg.contains("BELARUS"));
    }

    #[test]
    fn crimea_is_ukraine_and_the_occupied_layer_is_hatched_and_labelled() {
        let spec = MapSpec {
            focus: Some(GeoBox::new(30.0, 44.0, 40.0, 50.0)),
            target: Some("UKR".into()),
            ..MapSpec::default()
        };
        let map = render_map(&spec, Basemap::embedded());
        let vp = map.stats.viewport;
        let simferopol = vp.project(34.10, 44.95);
        assert!(inside(&country_rings(&map.svg, "UKR"), simferopol));
        assert!(!inside(&country_rings(&map.svg, "RUS"), simferopol));
        assert!(map.svg.contains("class=\"wf-disputed\""));
        assert!(map.svg.contains("fill=\"url(#wf-map-hatch)\""));
        assert!(map.svg.contains(">Crimea</tspan>"), "Crimea is named");
        assert!(map.svg.contains("(occupied by Russia)</tspan>"));
        // Without the layer: no hatching, no label.
        let off = render(
            &MapSpec {
                show_disputed: false,
                ..spec
            },
            Basemap::embedded(),
        );
        assert!(!off.contains("class=\"wf-disputed\"") && !off.contains(">Crimea<"));
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let evil = "<script>alert(1)</script>\"'&";
        let mut spec = belarus_spec();
        spec.title = evil.into();
        spec.subtitle = Some(evil.into());
        spec.attribution = evil.into();
        let mut m = Marker::new(53.9, 27.57, Domain::Military, Modality::Observed, evil);
        m.label = evil.into();
        m.href = Some("javascript:alert(1)".into());
        spec.markers.push(m);
        spec.labels.push(PlaceLabel {
            lat: 52.1,
            lon: 23.7,
            text: evil.into(),
            importance: 99.0,
            kind: PlaceKind::City,
        });
        spec.rings.push(super::super::RangeRing {
            label: evil.into(),
            points: vec![(26.0, 53.0), (28.0, 53.0), (28.0, 54.0), (26.0, 54.0)],
        });
        let svg = render(&spec, Basemap::embedded());
        assert!(!svg.contains("<script"), "raw markup leaked");
        assert!(!svg.contains("javascript:"), "unsafe link kept");
        assert!(svg.matches("&lt;script&gt;").count() >= 5);
    }

    #[test]
    fn ten_thousand_events_stay_small_and_are_all_counted() {
        let mut spec = belarus_spec();
        for i in 0..10_000 {
            let f = i as f64;
            spec.markers.push(Marker::new(
                52.0 + (f * 0.618_033_988_7).fract() * 3.5,
                24.0 + (f * 0.414_213_562_3).fract() * 7.5,
                Domain::ALL[i % 5],
                Modality::ALL[(i / 5) % 5],
                &format!("e{i}"),
            ));
        }
        let t = std::time::Instant::now();
        let map = render_map(&spec, Basemap::embedded());
        let ms = t.elapsed().as_millis();
        assert!(map.svg.len() < 2 * 1024 * 1024, "{} bytes", map.svg.len());
        assert_eq!(map.stats.drawn + map.stats.outside, 10_000);
        assert!(
            map.stats.clusters > 0,
            "{:?}",
            (map.stats.drawn, map.stats.groups, map.stats.outside)
        );
        let counted: usize = map
            .svg
            .match_indices("data-count=\"")
            .map(|(i, _)| {
                let rest = &map.svg[i + 12..];
                rest[..rest.find('"').unwrap_or(0)]
                    .parse::<usize>()
                    .unwrap_or(0)
            })
            .sum();
        assert_eq!(
            counted, map.stats.drawn,
            "badges and groups count every event"
        );
        // Generous bound for an unoptimised test build on a shared machine.
        assert!(ms < 2000, "{ms} ms");
    }

    #[test]
    fn markers_carry_data_attributes_and_links() {
        let mut spec = belarus_spec();
        let mut m = Marker::new(53.9, 27.57, Domain::Political, Modality::Projected, "42");
        m.href = Some("#event-42".into());
        spec.markers.push(m);
        spec.markers.push(Marker::new(
            f64::NAN,
            27.0,
            Domain::Military,
            Modality::Observed,
            "x",
        ));
        spec.markers.push(Marker::new(
            10.0,
            10.0,
            Domain::Military,
            Modality::Observed,
            "far",
        ));
        let map = render_map(&spec, Basemap::embedded());
        assert!(map.svg.contains(
            "data-event=\"42\" data-domain=\"political\" data-modality=\"projected\" data-count=\"1\""
        ));
        assert!(map.svg.contains("<a href=\"#event-42\">"));
        assert_eq!(
            (map.stats.drawn, map.stats.invalid, map.stats.outside),
            (1, 1, 1)
        );
        for part in [
            "class=\"wf-legend\"",
            "class=\"wf-scale\"",
            " km</text>",
            "Natural Earth; GeoNames CC BY 4.0",
        ] {
            assert!(map.svg.contains(part), "{part}");
        }
    }

    #[test]
    fn placed_labels_never_overlap_in_a_rendered_map() {
        let mut spec = belarus_spec();
        for i in 0..60 {
            let f = i as f64;
            spec.labels.push(PlaceLabel {
                lat: 52.0 + (f * 0.618_033_988_7).fract() * 3.5,
                lon: 24.0 + (f * 0.414_213_562_3).fract() * 7.5,
                text: format!("Place number {i}"),
                importance: f,
                kind: PlaceKind::City,
            });
        }
        let map = render_map(&spec, Basemap::embedded());
        assert!(map.stats.labels_dropped > 0 && map.stats.labels_placed > 5);
    }
}
