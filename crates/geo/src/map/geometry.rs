//! Screen-space geometry: clipping rings to the canvas, simplifying them to
//! the pixel scale, writing compact SVG path data, and finding a point deep
//! inside a shape for its label.

use std::fmt::Write;

/// A point on the canvas.
pub type Pt = (f64, f64);

/// An axis-aligned screen rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Rect {
    /// A rectangle from its edges.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// Whether the two rectangles overlap (touching edges do not).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether `o` lies wholly inside.
    pub fn contains(&self, o: &Rect) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    /// The rectangle grown by `d` on every side.
    pub fn grow(&self, d: f64) -> Rect {
        Rect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    /// Bounding rectangle of points; `None` when empty.
    pub fn around(points: &[Pt]) -> Option<Rect> {
        let first = points.first()?;
        Some(points.iter().fold(
            Rect::new(first.0, first.1, first.0, first.1),
            |r, &(x, y)| Rect::new(r.x0.min(x), r.y0.min(y), r.x1.max(x), r.y1.max(y)),
        ))
    }
}

/// Clips a closed ring to `r` (Sutherland–Hodgman). Each ring of a polygon
/// can be clipped on its own: the rectangle is convex, so even-odd filling
/// of the clipped rings equals the clipped polygon.
pub fn clip_ring(ring: &[Pt], r: &Rect) -> Vec<Pt> {
    let mut out: Vec<Pt> = ring.to_vec();
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    type Inside = fn(Pt, &Rect) -> bool;
    type Cross = fn(Pt, Pt, &Rect) -> Pt;
    let edges: [(Inside, Cross); 4] = [
        (|p, r| p.0 >= r.x0, |a, b, r| at_x(a, b, r.x0)),
        (|p, r| p.0 <= r.x1, |a, b, r| at_x(a, b, r.x1)),
        (|p, r| p.1 >= r.y0, |a, b, r| at_y(a, b, r.y0)),
        (|p, r| p.1 <= r.y1, |a, b, r| at_y(a, b, r.y1)),
    ];
    for (inside, cross) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(cur, r), inside(prev, r)) {
                (true, true) => out.push(cur),
                (true, false) => {
                    out.push(cross(prev, cur, r));
                    out.push(cur);
                }
                (false, true) => out.push(cross(prev, cur, r)),
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

fn at_x(a: Pt, b: Pt, x: f64) -> Pt {
    let t = (x - a.0) / (b.0 - a.0);
    (x, a.1 + t * (b.1 - a.1))
}

fn at_y(a: Pt, b: Pt, y: f64) -> Pt {
    let t = (y - a.1) / (b.1 - a.1);
    (a.0 + t * (b.0 - a.0), y)
}

/// Douglas–Peucker simplification of a closed ring with tolerance `eps`
/// (screen units); rings that shrink below a triangle come back empty.
pub fn simplify_ring(ring: &[Pt], eps: f64) -> Vec<Pt> {
    if ring.len() < 4 {
        return if ring.len() == 3 {
            ring.to_vec()
        } else {
            Vec::new()
        };
    }
    // Split the ring at its first point and the point farthest from it.
    let far = (1..ring.len())
        .max_by(|&a, &b| dist2(ring[0], ring[a]).total_cmp(&dist2(ring[0], ring[b])))
        .unwrap_or(0);
    let mut keep = vec![false; ring.len()];
    keep[0] = true;
    keep[far] = true;
    dp(ring, 0, far, eps * eps, &mut keep);
    let mut tail: Vec<Pt> = ring[far..].to_vec();
    tail.push(ring[0]);
    let mut keep_tail = vec![false; tail.len()];
    let last = tail.len() - 1;
    dp(&tail, 0, last, eps * eps, &mut keep_tail);
    for (i, k) in keep_tail.iter().enumerate().take(last) {
        if *k {
            keep[far + i] = true;
        }
    }
    let out: Vec<Pt> = ring
        .iter()
        .zip(&keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect();
    if out.len() < 3 {
        Vec::new()
    } else {
        out
    }
}

fn dist2(a: Pt, b: Pt) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

fn seg_dist2(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return dist2(p, a);
    }
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    dist2(p, (a.0 + t * dx, a.1 + t * dy))
}

fn dp(pts: &[Pt], first: usize, last: usize, eps2: f64, keep: &mut [bool]) {
    // Iterative, so long coastlines cannot overflow the stack.
    let mut stack = vec![(first, last)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let mut best = (0.0, a);
        for i in a + 1..b {
            let d = seg_dist2(pts[i], pts[a], pts[b]);
            if d > best.0 {
                best = (d, i);
            }
        }
        if best.0 > eps2 {
            keep[best.1] = true;
            stack.push((a, best.1));
            stack.push((best.1, b));
        }
    }
}

/// Signed area (screen units², positive when clockwise on screen).
pub fn ring_area(ring: &[Pt]) -> f64 {
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
    s / 2.0
}

/// Even-odd point-in-polygon over all rings.
pub fn inside(rings: &[Vec<Pt>], p: Pt) -> bool {
    let mut c = false;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let (x1, y1) = ring[i];
            let (x2, y2) = ring[(i + 1) % n];
            if (y1 > p.1) != (y2 > p.1) && p.0 < (x2 - x1) * (p.1 - y1) / (y2 - y1) + x1 {
                c = !c;
            }
        }
    }
    c
}

/// Distance from `p` to the nearest edge of any ring.
pub fn edge_distance(rings: &[Vec<Pt>], p: Pt) -> f64 {
    let mut best = f64::MAX;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            best = best.min(seg_dist2(p, ring[i], ring[(i + 1) % n]));
        }
    }
    best.sqrt()
}

/// A point well inside the shape (an approximate pole of inaccessibility:
/// the best of a grid of candidates, refined once), with its distance to the
/// nearest edge. `None` when the shape is empty.
pub fn label_point(rings: &[Vec<Pt>]) -> Option<(Pt, f64)> {
    let all: Vec<Pt> = rings.iter().flatten().copied().collect();
    let bb = Rect::around(&all)?;
    let mut best: Option<(Pt, f64)> = None;
    let search = |r: Rect, steps: usize, best: &mut Option<(Pt, f64)>| {
        for i in 0..=steps {
            for j in 0..=steps {
                let p = (
                    r.x0 + (r.x1 - r.x0) * (i as f64 + 0.5) / (steps as f64 + 1.0),
                    r.y0 + (r.y1 - r.y0) * (j as f64 + 0.5) / (steps as f64 + 1.0),
                );
                if !inside(rings, p) {
                    continue;
                }
                // Favour wide rather than tall room: labels are horizontal.
                let d = edge_distance(rings, p);
                if best.is_none_or(|(_, b)| d > b) {
                    *best = Some((p, d));
                }
            }
        }
    };
    search(bb, 14, &mut best);
    if let Some(((x, y), _)) = best {
        let (cw, ch) = ((bb.x1 - bb.x0) / 15.0, (bb.y1 - bb.y0) / 15.0);
        search(Rect::new(x - cw, y - ch, x + cw, y + ch), 6, &mut best);
    }
    best
}

/// Appends rings to SVG path data, coordinates rounded to 0.1 and written
/// relative to the previous point (exact: the deltas are taken between
/// rounded positions). Consecutive points that round alike are merged.
pub fn write_path(d: &mut String, rings: &[Vec<Pt>]) {
    for ring in rings {
        let q: Vec<(i64, i64)> = ring
            .iter()
            .map(|&(x, y)| ((x * 10.0).round() as i64, (y * 10.0).round() as i64))
            .collect();
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(q.len());
        for p in q {
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < 3 {
            continue;
        }
        let (mut px, mut py) = pts[0];
        d.push('M');
        tenths(d, px);
        d.push(' ');
        tenths(d, py);
        d.push('l');
        for (i, &(x, y)) in pts.iter().enumerate().skip(1) {
            let (dx, dy) = (x - px, y - py);
            if i > 1 && dx >= 0 {
                d.push(' ');
            }
            tenths(d, dx);
            if dy >= 0 {
                d.push(' ');
            }
            tenths(d, dy);
            (px, py) = (x, y);
        }
        d.push('z');
    }
}

/// Appends an open polyline as path data (absolute, 0.1 precision).
pub fn write_polyline(d: &mut String, pts: &[Pt]) {
    for (i, &(x, y)) in pts.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        tenths(d, (x * 10.0).round() as i64);
        d.push(' ');
        tenths(d, (y * 10.0).round() as i64);
    }
}

/// Writes an integer count of tenths as a short decimal (`-0.3` → `-.3`).
fn tenths(d: &mut String, v: i64) {
    if v < 0 {
        d.push('-');
    }
    let a = v.unsigned_abs();
    let (whole, frac) = (a / 10, a % 10);
    if whole > 0 {
        let _ = write!(d, "{whole}");
    }
    if frac > 0 {
        let _ = write!(d, ".{frac}");
    } else if whole == 0 {
        d.push('0');
    }
}

/// A number rounded to 0.1 for SVG attributes (`12.0` → `12`).
pub fn num(v: f64) -> String {
    let mut s = String::new();
    tenths(&mut s, (v * 10.0).round() as i64);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64) -> Vec<Pt> {
        vec![(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)]
    }

    #[test]
    fn clipping_keeps_only_the_part_on_the_canvas() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let c = clip_ring(&square(5.0, 5.0, 10.0), &r);
        assert!((ring_area(&c).abs() - 25.0).abs() < 1e-9, "{c:?}");
        assert!(c.iter().all(|p| p.0 <= 10.0 && p.1 <= 10.0));
        assert!(clip_ring(&square(20.0, 20.0, 5.0), &r).is_empty());
        let whole = clip_ring(&square(1.0, 1.0, 2.0), &r);
        assert_eq!(whole.len(), 4);
    }

    #[test]
    fn simplification_drops_sub_pixel_wiggles_but_keeps_corners() {
        let mut ring = Vec::new();
        for i in 0..100 {
            ring.push((i as f64, if i % 2 == 0 { 0.0 } else { 0.1 }));
        }
        ring.push((99.0, 50.0));
        ring.push((0.0, 50.0));
        let s = simplify_ring(&ring, 0.5);
        assert!(s.len() <= 5, "{s:?}");
        assert!(s.contains(&(99.0, 50.0)) && s.contains(&(0.0, 50.0)));
        let tiny = simplify_ring(&[(0.0, 0.0), (0.1, 0.0), (0.1, 0.1), (0.0, 0.1)], 0.5);
        assert!(tiny.is_empty(), "{tiny:?}");
    }

    #[test]
    fn path_data_is_relative_and_rounded_to_a_tenth() {
        let mut d = String::new();
        write_path(&mut d, &[vec![(1.04, 2.0), (3.26, 2.0), (3.26, 0.55)]]);
        assert_eq!(d, "M1 2l2.3 0 0-1.4z");
        let mut p = String::new();
        write_polyline(&mut p, &[(0.0, 0.0), (-0.26, 10.0)]);
        assert_eq!(p, "M0 0L-.3 10");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(-0.05), "-.1");
    }

    #[test]
    fn label_point_lies_deep_inside_an_l_shape() {
        let l = vec![vec![
            (0.0, 0.0),
            (100.0, 0.0),
            (100.0, 20.0),
            (20.0, 20.0),
            (20.0, 100.0),
            (0.0, 100.0),
        ]];
        let (p, d) = label_point(&l).expect("point");
        assert!(inside(&l, p));
        assert!(d >= 7.0, "{p:?} {d}");
    }

    #[test]
    fn rectangles_overlap_only_when_they_share_area() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(a.overlaps(&Rect::new(9.0, 9.0, 12.0, 12.0)));
        assert!(!a.overlaps(&Rect::new(10.0, 0.0, 12.0, 10.0)));
        assert!(a.contains(&Rect::new(1.0, 1.0, 2.0, 2.0)));
    }
}
