//! GeoJSON as RFC 7946 wants it: `[lon, lat]` positions (six decimals,
//! about 0.1 m), closed linear rings of at least four positions, exteriors
//! counter-clockwise and holes clockwise, no `crs` member — a writer for
//! geometries and a checker that lists every breach.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::{json, Value};

use crate::geodesy::LatLon;

/// Rounds a coordinate to six decimals (RFC 7946 §11.2).
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A `Point` geometry.
pub fn point(p: LatLon) -> Value {
    json!({"type": "Point", "coordinates": [round6(p.lon), round6(p.lat)]})
}

/// A `Polygon` or `MultiPolygon` geometry (a `Polygon` when there is one
/// part), re-wound to RFC 7946 orientation and closed.
pub fn multipolygon(shape: &MultiPolygon<f64>) -> Value {
    let polys: Vec<Value> = shape.0.iter().map(polygon_rings).collect();
    if polys.len() == 1 {
        json!({"type": "Polygon", "coordinates": polys[0]})
    } else {
        json!({"type": "MultiPolygon", "coordinates": polys})
    }
}

fn polygon_rings(p: &Polygon<f64>) -> Value {
    let mut rings = vec![ring(p.exterior(), true)];
    rings.extend(p.interiors().iter().map(|r| ring(r, false)));
    Value::Array(rings)
}

fn ring(line: &LineString<f64>, exterior: bool) -> Value {
    let mut pts: Vec<Coord<f64>> = line
        .0
        .iter()
        .map(|c| Coord {
            x: round6(c.x),
            y: round6(c.y),
        })
        .collect();
    pts.dedup();
    if pts.first() != pts.last() {
        if let Some(&first) = pts.first() {
            pts.push(first);
        }
    }
    let ccw = signed_area(&pts) > 0.0;
    if ccw != exterior {
        pts.reverse();
    }
    Value::Array(pts.iter().map(|c| json!([c.x, c.y])).collect())
}

/// Twice the signed area of a ring in the lon/lat plane (shoelace):
/// positive when counter-clockwise.
fn signed_area(pts: &[Coord<f64>]) -> f64 {
    pts.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// Every way `doc` (a FeatureCollection, Feature or geometry) breaks RFC
/// 7946, each naming where; empty when it is valid.
pub fn problems(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, "$", &mut out);
    out
}

fn check(v: &Value, at: &str, out: &mut Vec<String>) {
    if v.get("crs").is_some() {
        out.push(format!("{at}: has a \"crs\" member (removed in RFC 7946)"));
    }
    match v["type"].as_str() {
        Some("FeatureCollection") => match v["features"].as_array() {
            Some(fs) => {
                for (i, f) in fs.iter().enumerate() {
                    if f["type"] != "Feature" {
                        out.push(format!("{at}.features[{i}]: not a Feature"));
                    }
                    check(f, &format!("{at}.features[{i}]"), out);
                }
            }
            None => out.push(format!("{at}: FeatureCollection without a features array")),
        },
        Some("Feature") => {
            if !(v["properties"].is_object() || v["properties"].is_null())
                || v.get("properties").is_none()
            {
                out.push(format!(
                    "{at}: Feature needs \"properties\" (object or null)"
                ));
            }
            match v.get("geometry") {
                Some(Value::Null) => {}
                Some(g) => check(g, &format!("{at}.geometry"), out),
                None => out.push(format!("{at}: Feature without \"geometry\"")),
            }
        }
        Some("Point") => {
            position(&v["coordinates"], &format!("{at}.coordinates"), out);
        }
        Some("MultiPoint") | Some("LineString") => {
            for (i, p) in array(&v["coordinates"], at, out).iter().enumerate() {
                position(p, &format!("{at}.coordinates[{i}]"), out);
            }
        }
        Some("Polygon") => polygon(&v["coordinates"], &format!("{at}.coordinates"), out),
        Some("MultiPolygon") => {
            for (i, p) in array(&v["coordinates"], at, out).iter().enumerate() {
                polygon(p, &format!("{at}.coordinates[{i}]"), out);
            }
        }
        Some("GeometryCollection") => {
            for (i, g) in array(&v["geometries"], at, out).iter().enumerate() {
                check(g, &format!("{at}.geometries[{i}]"), out);
            }
        }
        other => out.push(format!("{at}: unknown or missing type {other:?}")),
    }
}

fn array<'a>(v: &'a Value, at: &str, out: &mut Vec<String>) -> &'a [Value] {
    match v.as_array() {
        Some(a) => a,
        None => {
            out.push(format!("{at}: expected an array"));
            &[]
        }
    }
}

fn position(p: &Value, at: &str, out: &mut Vec<String>) -> Option<Coord<f64>> {
    let (Some(x), Some(y)) = (
        p.get(0).and_then(Value::as_f64),
        p.get(1).and_then(Value::as_f64),
    ) else {
        out.push(format!("{at}: position is not [lon, lat]"));
        return None;
    };
    if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
        out.push(format!(
            "{at}: [{x}, {y}] out of range (longitude first, then latitude)"
        ));
    }
    Some(Coord { x, y })
}

fn polygon(rings: &Value, at: &str, out: &mut Vec<String>) {
    let rings = array(rings, at, out);
    if rings.is_empty() {
        out.push(format!("{at}: polygon without rings"));
    }
    for (i, r) in rings.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let pts: Vec<Coord<f64>> = array(r, &at, out)
            .iter()
            .enumerate()
            .filter_map(|(j, p)| position(p, &format!("{at}[{j}]"), out))
            .collect();
        if pts.len() < 4 {
            out.push(format!(
                "{at}: ring of {} positions (at least 4)",
                pts.len()
            ));
            continue;
        }
        if pts.first() != pts.last() {
            out.push(format!("{at}: ring not closed"));
        }
        let area = signed_area(&pts);
        if i == 0 && area <= 0.0 {
            out.push(format!("{at}: exterior ring is not counter-clockwise"));
        }
        if i > 0 && area >= 0.0 {
            out.push(format!("{at}: hole is not clockwise"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn written_polygons_are_closed_and_counter_clockwise() {
        // A clockwise square with a counter-clockwise hole, unclosed: the
        // writer must fix both.
        let shape = MultiPolygon::new(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 4.0), (x: 4.0, y: 4.0), (x: 4.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0)]],
        )]);
        let g = multipolygon(&shape);
        assert_eq!(g["type"], "Polygon");
        assert!(problems(&g).is_empty(), "{:?}", problems(&g));
        let ext = g["coordinates"][0].as_array().unwrap();
        assert_eq!(ext.first(), ext.last());
    }

    #[test]
    fn checker_names_each_breach() {
        let cw = json!({"type": "Polygon", "coordinates": [[[0,0],[0,1],[1,1],[1,0],[0,0]]]});
        assert!(problems(&cw)[0].contains("not counter-clockwise"));
        let open = json!({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]});
        assert!(problems(&open).iter().any(|p| p.contains("not closed")));
        let swapped = json!({"type": "Point", "coordinates": [53.9, 127.5]});
        assert!(problems(&swapped)[0].contains("out of range"));
        let feature = json!({"type": "Feature", "geometry": null});
        assert!(problems(&feature)[0].contains("properties"));
        let crs = json!({"type": "FeatureCollection", "features": [], "crs": {}});
        assert!(problems(&crs)[0].contains("crs"));
        let ok = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": point(LatLon::new(53.9, 27.56))}
        ]});
        assert!(problems(&ok).is_empty());
        assert_eq!(ok["features"][0]["geometry"]["coordinates"][0], 27.56);
    }
}
