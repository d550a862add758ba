//! Benchmark and demo of the SVG map renderer: N synthetic events around
//! Belarus (deterministic), two range rings and orientation labels.
//!
//! ```sh
//! cargo run --release -p watchfloor-geo --example map_bench -- --events 10000 --out target/map.svg
//! ```
//!
//! Prints the render time (best and median of `--runs`) and the SVG's size.

use std::time::Instant;

use watchfloor_geo::basemap::Basemap;
use watchfloor_geo::geodesy::{circle, LatLon};
use watchfloor_geo::map::{render_map, MapSpec, Marker, PlaceKind, PlaceLabel, RangeRing};
use watchfloor_model::{Domain, Modality};

const HUBS: &[(&str, f64, f64, f64)] = &[
    ("Minsk", 53.90, 27.57, 6.0),
    ("Brest", 52.10, 23.69, 2.0),
    ("Hrodna", 53.68, 23.83, 1.5),
    ("Vitebsk", 55.19, 30.20, 1.0),
    ("Gomel", 52.43, 30.98, 1.2),
    ("Mogilev", 53.91, 30.34, 0.8),
    ("Baranovichi", 53.13, 26.01, 1.5),
    ("Asipovichy", 53.30, 28.64, 1.5),
    ("Machulishchy", 53.78, 27.58, 1.0),
    ("Luninets", 52.25, 26.80, 0.6),
    ("Smolensk", 54.78, 32.04, 0.8),
    ("Pskov", 57.82, 28.33, 0.5),
    ("Moscow", 55.75, 37.62, 3.0),
    ("Kaliningrad", 54.71, 20.51, 0.8),
    ("Kyiv", 50.45, 30.52, 0.6),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.next().max(1e-12), self.next());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn spec(n: usize) -> MapSpec {
    let mut rng = Rng(20250305);
    let total: f64 = HUBS.iter().map(|h| h.3).sum();
    let mut markers = Vec::with_capacity(n);
    for i in 0..n {
        let mut pick = rng.next() * total;
        let hub = HUBS
            .iter()
            .find(|h| {
                pick -= h.3;
                pick <= 0.0
            })
            .unwrap_or(&HUBS[0]);
        let spread = if rng.next() < 0.7 { 0.05 } else { 0.6 };
        let lat = hub.1 + rng.normal() * spread;
        let lon = hub.2 + rng.normal() * spread * 1.6;
        let domain = Domain::ALL[(rng.next() * 5.0) as usize % 5];
        let modality = match rng.next() {
            x if x < 0.55 => Modality::Observed,
            x if x < 0.7 => Modality::Ongoing,
            x if x < 0.85 => Modality::Projected,
            x if x < 0.93 => Modality::Hypothetical,
            _ => Modality::Negated,
        };
        markers.push(Marker {
            lat,
            lon,
            domain,
            modality,
            label: format!("{} near {}", domain, hub.0),
            id: format!("ev{i}"),
            href: Some(format!("#event-{i}")),
            approximate: i % 97 == 0,
        });
    }
    let ring = |label: &str, lat: f64, lon: f64, km: f64| RangeRing {
        label: label.into(),
        points: circle(LatLon::new(lat, lon), km, 180)
            .into_iter()
            .map(|p| (p.lon, p.lat))
            .collect(),
    };
    let capital = |text: &str, lat: f64, lon: f64| PlaceLabel {
        lat,
        lon,
        text: text.into(),
        importance: 80.0,
        kind: PlaceKind::Capital,
    };
    let city = |text: &str, lat: f64, lon: f64, importance: f64| PlaceLabel {
        lat,
        lon,
        text: text.into(),
        importance,
        kind: PlaceKind::City,
    };
    MapSpec {
        width: 1180.0,
        height: 860.0,
        title: "Russian military footprint in Belarus".into(),
        subtitle: Some(format!(
            "{n} synthetic events (benchmark data, not an assessment)"
        )),
        markers,
        rings: vec![
            ring("Iskander-M 500 km", 53.30, 28.64, 500.0),
            ring("S-400 400 km (Kaliningrad)", 54.71, 20.51, 400.0),
        ],
        labels: vec![
            capital("Minsk", 53.90, 27.57),
            capital("Moscow", 55.75, 37.62),
            capital("Kyiv", 50.45, 30.52),
            capital("Warsaw", 52.23, 21.01),
            capital("Vilnius", 54.69, 25.28),
            capital("Riga", 56.95, 24.11),
            city("Brest", 52.10, 23.69, 60.0),
            city("Hrodna", 53.68, 23.83, 55.0),
            city("Vitebsk", 55.19, 30.20, 55.0),
            city("Gomel", 52.43, 30.98, 55.0),
            city("Asipovichy", 53.30, 28.64, 58.0),
            city("Baranovichi", 53.13, 26.01, 50.0),
            city("Smolensk", 54.78, 32.04, 45.0),
            city("Kaliningrad", 54.71, 20.51, 50.0),
            city("Pskov", 57.82, 28.33, 40.0),
            city("Chernihiv", 51.49, 31.29, 35.0),
        ],
        target: Some("BLR".into()),
        aggressor: Some("RUS".into()),
        ..MapSpec::default()
    }
}

fn main() {
    let mut events = 10_000usize;
    let mut out = String::from("target/map.svg");
    let mut runs = 7usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next();
        match (a.as_str(), value) {
            ("--events", Some(v)) => events = v.parse().unwrap_or(events),
            ("--out", Some(v)) => out = v,
            ("--runs", Some(v)) => runs = v.parse::<usize>().unwrap_or(runs).max(1),
            _ => {
                eprintln!("usage: map_bench [--events N] [--out FILE.svg] [--runs R]");
                std::process::exit(2);
            }
        }
    }
    let basemap = Basemap::embedded();
    let spec = spec(events);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let map = render_map(&spec, basemap);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(map);
    }
    let Some(map) = last else { return };
    times.sort_by(f64::total_cmp);
    if let Some(dir) = std::path::Path::new(&out).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // A file of its own needs the SVG namespace (inline in HTML it does not).
    let file = map
        .svg
        .replacen("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 1);
    if let Err(e) = std::fs::write(&out, file) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
    let s = &map.stats;
    println!(
        "map_bench: {events} events -> {out}: render best {:.1} ms, median {:.1} ms ({runs} runs, basemap parsed before); SVG {} bytes ({:.2} MB); {} drawn in {} symbols + {} clusters, {} outside; labels {} placed, {} dropped",
        times[0],
        times[times.len() / 2],
        map.svg.len(),
        map.svg.len() as f64 / 1_048_576.0,
        s.drawn,
        s.groups,
        s.clusters,
        s.outside,
        s.labels_placed,
        s.labels_dropped
    );
}
