//! The evidence map: one marker per event (coloured by domain, shaped by
//! modality), framed on the target's mainland and the evidence near it,
//! drawn by the shared renderer [`watchfloor_geo::map`] (Lambert conformal
//! conic, occupied areas hatched and labelled, collision-free labels,
//! legend, scale bar). Events known only by their country are drawn at its
//! capital, dashed, and the figure says so.

use std::collections::BTreeMap;

use watchfloor_geo::map::{
    main_part_box, render_map, GeoBox, MapSpec, Marker, PlaceKind, PlaceLabel,
};
use watchfloor_model::Assessment;

pub use watchfloor_geo::map::{domain_colour, modality_shape};

use crate::basemap::Basemap;
use crate::report::{EventPoint, Figure, ReportContext};

/// Width of the map in SVG units.
pub const WIDTH: f64 = 960.0;
/// Height of the map in SVG units.
pub const HEIGHT: f64 = 660.0;

/// Draws the evidence map and says what it could not draw exactly.
pub fn figure(
    basemap: &Basemap,
    a: &Assessment,
    events: &[EventPoint<'_>],
    ctx: &ReportContext,
) -> Figure {
    let mut notes = Vec::new();
    let mut markers = Vec::new();
    let mut fallback_by_country: BTreeMap<String, usize> = BTreeMap::new();
    let mut unplaced = 0usize;
    // Evidence places: name → (lat, lon, events there).
    let mut places: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for ev in events {
        let e = ev.item;
        let what = e.event_type.replace('_', " ");
        let place_name = e
            .place
            .as_ref()
            .map(|p| ctx.place_names.get(p).cloned().unwrap_or_else(|| p.clone()));
        let (lat, lon, approximate, label) = match (e.lat, e.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
                let label = match &place_name {
                    Some(p) => {
                        let entry = places.entry(p.clone()).or_insert((lat, lon, 0));
                        entry.2 += 1;
                        format!("{what} at {p}")
                    }
                    None => what.clone(),
                };
                (lat, lon, false, label)
            }
            _ => match ctx
                .event_countries
                .get(&e.event)
                .and_then(|c| basemap.capitals.get(c).map(|cap| (c, cap)))
            {
                Some((code, cap)) => {
                    *fallback_by_country.entry(code.clone()).or_default() += 1;
                    let label = format!(
                        "{what} in {} (country only: drawn at the capital)",
                        basemap.country_name(code)
                    );
                    (cap.lat, cap.lon, true, label)
                }
                None => {
                    unplaced += 1;
                    continue;
                }
            },
        };
        markers.push(Marker {
            lat,
            lon,
            domain: ev.domain,
            modality: e.modality,
            label,
            id: e.event.to_string(),
            href: None,
            approximate,
        });
    }

    // Frame: the target's mainland plus the evidence near it, padded.
    let target_box = basemap
        .country(&a.target)
        .and_then(|c| main_part_box(&c.shape));
    let mut b = target_box.unwrap_or(GeoBox::new(20.0, 44.0, 42.0, 60.0));
    let (tx, ty) = ((b.west + b.east) / 2.0, (b.south + b.north) / 2.0);
    for m in &markers {
        if (m.lon - tx).abs() <= 16.0 && (m.lat - ty).abs() <= 10.0 {
            b = GeoBox::new(
                b.west.min(m.lon),
                b.south.min(m.lat),
                b.east.max(m.lon),
                b.north.max(m.lat),
            );
        }
    }
    let (pad_x, pad_y) = (
        ((b.east - b.west) * 0.3).max(3.5),
        ((b.north - b.south) * 0.3).max(2.0),
    );
    let focus = GeoBox::new(
        b.west - pad_x,
        b.south - pad_y,
        b.east + pad_x,
        b.north + pad_y,
    );

    let mut labels: Vec<PlaceLabel> = ctx
        .capitals
        .iter()
        .map(|(name, lat, lon)| PlaceLabel {
            lat: *lat,
            lon: *lon,
            text: name.clone(),
            importance: 80.0,
            kind: PlaceKind::Capital,
        })
        .collect();
    for (name, (lat, lon, n)) in &places {
        if labels.iter().any(|l| &l.text == name) {
            continue;
        }
        labels.push(PlaceLabel {
            lat: *lat,
            lon: *lon,
            text: name.clone(),
            importance: 50.0 + *n as f64,
            kind: PlaceKind::Evidence,
        });
    }
    let target = basemap.country_name(&a.target);
    let spec = MapSpec {
        width: WIDTH,
        height: HEIGHT,
        title: format!("Evidence around {target}"),
        subtitle: Some(format!(
            "{} events by place, coloured by domain, shaped by modality",
            markers.len()
        )),
        id: "wf-map".into(),
        markers,
        labels,
        focus: Some(focus),
        padding: 0.0,
        target: Some(a.target.clone()),
        aggressor: Some(a.aggressor.clone()),
        // A report has tens of events, not thousands: show up to ten kinds
        // at one place side by side before they become a count badge.
        cluster_groups: 10,
        ..MapSpec::default()
    };
    let map = render_map(&spec, &basemap.shapes);
    let s = &map.stats;

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
    let outside = s.outside + s.invalid;
    if outside > 0 {
        notes.push(if outside == 1 {
            "1 event lies outside this frame and is not drawn.".to_string()
        } else {
            format!("{outside} events lie outside this frame and are not drawn.")
        });
    }
    Figure {
        caption: format!(
            "Evidence by place: {} events around {target}. {}; scale bar true at the map's centre. Occupied areas hatched; borders as recognised in international law.",
            s.drawn, s.projection
        ),
        svg: map.svg,
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
            f.svg.contains("data-approximate=\"true\"")
                && f.svg.contains("stroke-dasharray=\"2 1.5\""),
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
        assert!(
            f.svg.contains("data-event=\"11\""),
            "markers carry event IDs"
        );
        assert!(
            f.caption.contains("Lambert conformal conic"),
            "{}",
            f.caption
        );
        assert!(f.svg.contains("Natural Earth; GeoNames CC BY 4.0"));
    }

    #[test]
    fn occupied_areas_are_hatched_and_labelled() {
        let b = Basemap::embedded().expect("basemap");
        let mut a = fixture::assessment();
        a.target = "UKR".into();
        let f = figure(&b, &a, &[], &ReportContext::default());
        assert!(f.svg.contains("fill=\"url(#wf-map-hatch)\""));
        assert!(f.svg.contains(">Crimea</tspan>"), "Crimea is labelled");
        assert!(f.svg.contains("(occupied by Russia)</tspan>"));
    }
}
