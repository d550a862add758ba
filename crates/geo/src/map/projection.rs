//! Lambert conformal conic projection (spherical) and the viewport that fits
//! it to the evidence on a `width × height` canvas.
//!
//! Projected coordinates are kilometres on a sphere of the mean Earth radius;
//! screen coordinates are SVG user units with y growing downwards.

/// Mean Earth radius (IUGG), kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A spherical Lambert conformal conic projection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lambert {
    /// Central meridian, degrees east.
    pub lon0: f64,
    /// Standard parallels, degrees north.
    pub parallels: (f64, f64),
    n: f64,
    f: f64,
    rho0: f64,
}

fn t(phi: f64) -> f64 {
    (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan()
}

impl Lambert {
    /// A projection with central meridian `lon0` and standard parallels
    /// `(lat1, lat2)` (northern hemisphere; equal parallels make a tangent
    /// cone). The origin of northings is the parallel `lat_origin`.
    pub fn new(lon0: f64, parallels: (f64, f64), lat_origin: f64) -> Lambert {
        let clamp = |v: f64| v.clamp(1.0, 85.0).to_radians();
        let (p1, p2) = (clamp(parallels.0), clamp(parallels.1));
        let n = if (p1 - p2).abs() < 1e-9 {
            p1.sin()
        } else {
            (p1.cos() / p2.cos()).ln() / (t(p2) / t(p1)).ln()
        };
        let f = p1.cos() * t(p1).powf(n) / n;
        let rho0 = EARTH_RADIUS_KM * f / t(lat_origin.clamp(-80.0, 85.0).to_radians()).powf(n);
        Lambert {
            lon0,
            parallels,
            n,
            f,
            rho0,
        }
    }

    fn rho(&self, lat: f64) -> f64 {
        // Keep the south pole finite: the basemap stops well north of it.
        let phi = lat.clamp(-89.0, 89.999).to_radians();
        EARTH_RADIUS_KM * self.f / t(phi).powf(self.n)
    }

    /// Projected `(x, y)` in kilometres (y grows northwards).
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let mut dlon = lon - self.lon0;
        // Bring the longitude difference into (-180, 180].
        dlon -= 360.0 * ((dlon + 180.0) / 360.0).floor();
        let theta = self.n * dlon.to_radians();
        let rho = self.rho(lat);
        (rho * theta.sin(), self.rho0 - rho * theta.cos())
    }

    /// Longitude and latitude of projected `(x, y)`.
    pub fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        let dy = self.rho0 - y;
        let rho = (x * x + dy * dy).sqrt().copysign(self.n);
        let theta = (x * self.n.signum()).atan2(dy * self.n.signum());
        let lat = if rho == 0.0 {
            90.0_f64.copysign(self.n)
        } else {
            (2.0 * (EARTH_RADIUS_KM * self.f / rho).powf(1.0 / self.n).atan()
                - std::f64::consts::FRAC_PI_2)
                .to_degrees()
        };
        (self.lon0 + (theta / self.n).to_degrees(), lat)
    }

    /// Point scale factor on parallel `lat` (1 on the standard parallels):
    /// true distance = projected distance / k.
    pub fn scale_factor(&self, lat: f64) -> f64 {
        let phi = lat.clamp(-89.0, 89.0).to_radians();
        self.n * self.rho(lat) / (EARTH_RADIUS_KM * phi.cos())
    }
}

/// An axis-aligned box in longitude/latitude degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoBox {
    /// West edge.
    pub west: f64,
    /// South edge.
    pub south: f64,
    /// East edge.
    pub east: f64,
    /// North edge.
    pub north: f64,
}

impl GeoBox {
    /// A box from its edges.
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> GeoBox {
        GeoBox {
            west,
            south,
            east,
            north,
        }
    }

    /// Whether the two boxes share any point.
    pub fn intersects(&self, o: &GeoBox) -> bool {
        self.west <= o.east && o.west <= self.east && self.south <= o.north && o.south <= self.north
    }

    /// Points along the box's edges (its edges are curves once projected).
    pub fn outline(&self, per_edge: usize) -> impl Iterator<Item = (f64, f64)> + '_ {
        let n = per_edge.max(1);
        (0..=n).flat_map(move |i| {
            let f = i as f64 / n as f64;
            let lon = self.west + (self.east - self.west) * f;
            let lat = self.south + (self.north - self.south) * f;
            [
                (lon, self.south),
                (lon, self.north),
                (self.west, lat),
                (self.east, lat),
            ]
        })
    }
}

/// A projection fitted to a canvas: geographic → screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// The projection.
    pub proj: Lambert,
    /// Canvas width.
    pub width: f64,
    /// Canvas height.
    pub height: f64,
    /// Screen units per projected kilometre.
    pub scale: f64,
    /// Projected x at the canvas's left edge.
    pub x0: f64,
    /// Projected y at the canvas's top edge.
    pub y1: f64,
}

impl Viewport {
    /// Fits the projection to `points` (lon, lat) with `padding` (a fraction
    /// of the extent on each side) and at least `min_extent_km` across, on a
    /// `width × height` canvas. The central meridian is the points' middle
    /// longitude. `None` when there is no finite point.
    pub fn fit(
        points: &[(f64, f64)],
        parallels: (f64, f64),
        width: f64,
        height: f64,
        padding: f64,
        min_extent_km: f64,
    ) -> Option<Viewport> {
        let finite: Vec<(f64, f64)> = points
            .iter()
            .copied()
            .filter(|(lon, lat)| lon.is_finite() && lat.is_finite() && lat.abs() <= 90.0)
            .collect();
        let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(lon, lat) in &finite {
            w = w.min(lon);
            e = e.max(lon);
            s = s.min(lat);
            n = n.max(lat);
        }
        if finite.is_empty() {
            return None;
        }
        let proj = Lambert::new((w + e) / 2.0, parallels, (s + n) / 2.0);
        let (mut px0, mut px1, mut py0, mut py1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(lon, lat) in &finite {
            let (x, y) = proj.forward(lon, lat);
            px0 = px0.min(x);
            px1 = px1.max(x);
            py0 = py0.min(y);
            py1 = py1.max(y);
        }
        let (cx, cy) = ((px0 + px1) / 2.0, (py0 + py1) / 2.0);
        let pad = 1.0 + 2.0 * padding.max(0.0);
        let mut span_x = ((px1 - px0) * pad).max(min_extent_km);
        let mut span_y = ((py1 - py0) * pad).max(min_extent_km * height / width);
        let (width, height) = (width.max(1.0), height.max(1.0));
        // Keep the canvas's aspect: widen whichever side is short.
        if span_x / span_y < width / height {
            span_x = span_y * width / height;
        } else {
            span_y = span_x * height / width;
        }
        Some(Viewport {
            proj,
            width,
            height,
            scale: width / span_x,
            x0: cx - span_x / 2.0,
            y1: cy + span_y / 2.0,
        })
    }

    /// Screen `(x, y)` of a geographic point.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.proj.forward(lon, lat);
        ((x - self.x0) * self.scale, (self.y1 - y) * self.scale)
    }

    /// Geographic `(lon, lat)` of a screen point.
    pub fn unproject(&self, sx: f64, sy: f64) -> (f64, f64) {
        self.proj
            .inverse(self.x0 + sx / self.scale, self.y1 - sy / self.scale)
    }

    /// Whether a screen point is on the canvas, give or take `margin`.
    pub fn on_canvas(&self, (x, y): (f64, f64), margin: f64) -> bool {
        x >= -margin && y >= -margin && x <= self.width + margin && y <= self.height + margin
    }

    /// The geographic box that covers the canvas (from points along its
    /// edges, so the curved parallels are taken into account), grown by
    /// `margin_deg`.
    pub fn geo_bounds(&self, margin_deg: f64) -> GeoBox {
        let mut b = GeoBox::new(f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let steps = 24;
        for i in 0..=steps {
            let f = i as f64 / steps as f64;
            for (x, y) in [
                (self.width * f, 0.0),
                (self.width * f, self.height),
                (0.0, self.height * f),
                (self.width, self.height * f),
            ] {
                let (lon, lat) = self.unproject(x, y);
                b.west = b.west.min(lon);
                b.east = b.east.max(lon);
                b.south = b.south.min(lat);
                b.north = b.north.max(lat);
            }
        }
        GeoBox::new(
            b.west - margin_deg,
            b.south - margin_deg,
            b.east + margin_deg,
            b.north + margin_deg,
        )
    }

    /// The latitude at the canvas's centre.
    pub fn centre(&self) -> (f64, f64) {
        self.unproject(self.width / 2.0, self.height / 2.0)
    }

    /// True kilometres per screen unit at the canvas's centre (along the
    /// parallel through it).
    pub fn km_per_unit_at_centre(&self) -> f64 {
        let (_, lat) = self.centre();
        1.0 / (self.scale * self.proj.scale_factor(lat))
    }
}

/// Great-circle distance in kilometres (haversine, mean radius).
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_and_inverse_round_trip() {
        let p = Lambert::new(28.0, (45.0, 65.0), 54.0);
        for &(lon, lat) in &[
            (27.57, 53.90),
            (37.62, 55.75),
            (-9.14, 38.72),
            (69.28, 41.31),
            (28.0, 70.0),
            (140.0, 60.0),
        ] {
            let (x, y) = p.forward(lon, lat);
            let (lon2, lat2) = p.inverse(x, y);
            assert!((lon - lon2).abs() < 1e-9, "{lon} -> {lon2}");
            assert!((lat - lat2).abs() < 1e-9, "{lat} -> {lat2}");
        }
    }

    #[test]
    fn standard_parallels_are_true_to_scale_and_between_them_shrink() {
        let p = Lambert::new(28.0, (45.0, 65.0), 54.0);
        assert!((p.scale_factor(45.0) - 1.0).abs() < 1e-9);
        assert!((p.scale_factor(65.0) - 1.0).abs() < 1e-9);
        assert!(p.scale_factor(55.0) < 1.0 && p.scale_factor(55.0) > 0.95);
        assert!(p.scale_factor(35.0) > 1.0);
    }

    #[test]
    fn known_distance_minsk_moscow() {
        // Minsk–Moscow ≈ 675 km; projected distance / scale factor ≈ true.
        let p = Lambert::new(32.0, (45.0, 65.0), 55.0);
        let a = p.forward(27.567, 53.9);
        let b = p.forward(37.617, 55.75);
        let projected = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        let truth = great_circle_km((27.567, 53.9), (37.617, 55.75));
        assert!((truth - 675.0).abs() < 10.0, "{truth}");
        let k = p.scale_factor(54.8);
        assert!(
            (projected / k - truth).abs() / truth < 0.01,
            "{projected} {k} {truth}"
        );
    }

    #[test]
    fn north_is_up_and_east_is_right_on_the_central_meridian() {
        let v = Viewport::fit(
            &[(23.0, 51.0), (33.0, 57.0)],
            (45.0, 65.0),
            1000.0,
            700.0,
            0.1,
            0.0,
        )
        .expect("fits");
        let cx = v.proj.lon0;
        let south = v.project(cx, 52.0);
        let north = v.project(cx, 56.0);
        assert!(north.1 < south.1, "north has the smaller y");
        assert!(
            (north.0 - south.0).abs() < 1e-6,
            "meridian is vertical at the centre"
        );
        let west = v.project(cx - 2.0, 54.0);
        let east = v.project(cx + 2.0, 54.0);
        assert!(east.0 > west.0);
    }

    #[test]
    fn fit_keeps_points_on_canvas_with_padding_and_aspect() {
        let pts = [(23.0, 51.0), (33.0, 57.0), (30.5, 50.4)];
        let v = Viewport::fit(&pts, (45.0, 65.0), 960.0, 640.0, 0.1, 0.0).expect("fits");
        for &(lon, lat) in &pts {
            let (x, y) = v.project(lon, lat);
            assert!(
                x > 20.0 && x < 940.0 && y > 20.0 && y < 620.0,
                "{lon},{lat} -> {x},{y}"
            );
        }
        let (lon, lat) = v.unproject(480.0, 320.0);
        let (x, y) = v.project(lon, lat);
        assert!((x - 480.0).abs() < 1e-6 && (y - 320.0).abs() < 1e-6);
        let b = v.geo_bounds(0.0);
        assert!(b.west < 23.0 && b.east > 33.0 && b.south < 51.0 && b.north > 57.0);
        assert!(Viewport::fit(&[(f64::NAN, 1.0)], (45.0, 65.0), 10.0, 10.0, 0.1, 0.0).is_none());
    }

    #[test]
    fn a_single_point_gets_the_minimum_extent() {
        let v =
            Viewport::fit(&[(27.5, 53.9)], (45.0, 65.0), 800.0, 600.0, 0.1, 400.0).expect("fits");
        let km = v.km_per_unit_at_centre() * 800.0;
        assert!(km > 380.0 && km < 420.0, "{km}");
    }
}
