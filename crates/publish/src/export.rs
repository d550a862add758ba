//! Exports of events and places for other tools: RFC 7946 GeoJSON (one
//! point feature per located event, one per place, `[lon, lat]`, with the
//! attribution as a foreign member) and CSV with ACLED-like columns.
//!
//! CSV columns, in order: `event_date, time_precision, event_type, domain,
//! modality, actor1, actor2, country, location, latitude, longitude,
//! geo_precision, source, notes` — `notes` is the evidence sentence,
//! `country` the English name of the state where it happens, `location`
//! the place named (or the country, with `geo_precision` 3 and its
//! capital's coordinates, when only the country is known). The CSV is
//! clean by default: a header and one row per event, RFC 4180 quoting,
//! UTF-8 without BOM; the data attribution is added as a last line only
//! when asked ([`CsvOptions::with_attribution`]), since CSV has no
//! comments.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Value};
use watchfloor_geo::geodesy::LatLon;
use watchfloor_geo::rfc7946;

/// Attribution for the place data in every export.
pub const ATTRIBUTION: &str = "Places: GeoNames (geonames.org), CC BY 4.0. \
Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.";

/// The CSV header, in column order.
pub const CSV_COLUMNS: [&str; 14] = [
    "event_date",
    "time_precision",
    "event_type",
    "domain",
    "modality",
    "actor1",
    "actor2",
    "country",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
];

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The CSV writer failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The CSV writer's buffer could not be taken back.
    #[error("writing CSV: {0}")]
    CsvBuffer(String),
}

/// How an event is located.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocatedBy {
    /// A gazetteer place the event names.
    Place,
    /// A catalogue site the event names.
    Site,
    /// Only its country is known: the capital's coordinates.
    Capital,
}

/// Where an event happened, resolved for export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// Place or site ID (`geo:625144`, `site:LIDA_AB`), or the country
    /// code when located by capital.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Country alpha-3.
    pub country: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// ACLED-style precision, 1–3.
    pub precision: u8,
    /// How it was found.
    pub by: LocatedBy,
}

impl Location {
    /// Its RFC 7946 `Point` geometry (`[lon, lat]`, six decimals), as every
    /// export writes it.
    pub fn geometry(&self) -> Value {
        rfc7946::point(LatLon::new(self.lat, self.lon))
    }
}

/// One event ready for export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportEvent {
    /// Stored event ID.
    pub id: i64,
    /// Stored document ID.
    pub document: i64,
    /// `YYYY-MM-DD` (start of the event's date span), if dated.
    pub date: Option<String>,
    /// End of the date span, if dated.
    pub date_end: Option<String>,
    /// Time precision (`day`, `month`, `year`, `range`, `relative`).
    pub time_precision: Option<String>,
    /// The document's publication date (for `--since`/`--until` on
    /// undated events).
    pub published: Option<String>,
    /// Event type.
    pub event_type: String,
    /// Domain.
    pub domain: String,
    /// Modality.
    pub modality: String,
    /// Actors (names).
    pub actors: Vec<String>,
    /// Actor entity IDs.
    pub actor_ids: Vec<String>,
    /// Other entity IDs involved.
    pub entities: Vec<String>,
    /// Country where it happens (alpha-3).
    pub country: Option<String>,
    /// Its English name.
    pub country_name: Option<String>,
    /// Where, if known.
    pub location: Option<Location>,
    /// Source (document URL or path).
    pub source: String,
    /// Document title.
    pub title: Option<String>,
    /// The evidence sentence.
    pub notes: String,
    /// The engine's confidence.
    pub confidence: f64,
}

/// Which events to export (every field narrows; empty means no limit).
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only these event IDs (e.g. a campaign's evidence).
    pub events: Option<BTreeSet<i64>>,
    /// Only these domains.
    pub domains: Vec<String>,
    /// Only these event types.
    pub types: Vec<String>,
    /// Only these modalities.
    pub modalities: Vec<String>,
    /// Only events whose date span ends on or after this day (undated:
    /// published on or after it).
    pub since: Option<String>,
    /// Only events whose date span starts on or before this day (undated:
    /// published on or before it).
    pub until: Option<String>,
}

impl ExportFilter {
    /// Whether `e` passes.
    pub fn keeps(&self, e: &ExportEvent) -> bool {
        let any = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == v);
        let (first, last) = match (&e.date, &e.date_end) {
            (Some(s), Some(t)) => (Some(s.as_str()), Some(t.as_str())),
            (Some(s), None) => (Some(s.as_str()), Some(s.as_str())),
            _ => (e.published.as_deref(), e.published.as_deref()),
        };
        let day = |d: Option<&str>| d.map(|d| d.get(..10).unwrap_or(d).to_string());
        let (first, last) = (day(first), day(last));
        self.events.as_ref().is_none_or(|ids| ids.contains(&e.id))
            && any(&self.domains, &e.domain)
            && any(&self.types, &e.event_type)
            && any(&self.modalities, &e.modality)
            && self
                .since
                .as_deref()
                .is_none_or(|s| last.as_deref().is_some_and(|l| l >= s))
            && self
                .until
                .as_deref()
                .is_none_or(|u| first.as_deref().is_some_and(|f| f <= u))
    }
}

/// Options of the CSV writer.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// Add one last line holding the data attribution (in the `notes`
    /// column, every other column empty).
    pub with_attribution: bool,
}

/// The events as CSV (header plus one row per event).
pub fn to_csv(events: &[ExportEvent], options: CsvOptions) -> Result<String, ExportError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    for e in events {
        let loc = e.location.as_ref();
        let coord = |v: Option<f64>| v.map(|v| format!("{:.6}", rfc7946::round6(v)));
        let row: [String; 14] = [
            e.date.clone().unwrap_or_default(),
            e.time_precision.clone().unwrap_or_default(),
            e.event_type.clone(),
            e.domain.clone(),
            e.modality.clone(),
            e.actors.first().cloned().unwrap_or_default(),
            e.actors.get(1).cloned().unwrap_or_default(),
            e.country_name
                .clone()
                .or_else(|| e.country.clone())
                .unwrap_or_default(),
            loc.map(|l| l.name.clone()).unwrap_or_default(),
            coord(loc.map(|l| l.lat)).unwrap_or_default(),
            coord(loc.map(|l| l.lon)).unwrap_or_default(),
            loc.map(|l| l.precision.to_string()).unwrap_or_default(),
            e.source.clone(),
            e.notes.clone(),
        ];
        w.write_record(&row)?;
    }
    if options.with_attribution {
        let mut row = vec![String::new(); CSV_COLUMNS.len()];
        row[CSV_COLUMNS.len() - 1] = format!("Attribution: {ATTRIBUTION}");
        w.write_record(&row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ExportError::CsvBuffer(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::CsvBuffer(e.to_string()))
}

/// The events and the places they name as an RFC 7946 FeatureCollection:
/// a `Point` feature per located event (`kind: "event"`), a `null`
/// geometry for events without a location (so the file is complete), and
/// a `Point` per distinct location (`kind: "place"`, with its event count).
/// The attribution is a foreign member of the collection.
pub fn to_geojson(events: &[ExportEvent]) -> Value {
    let mut features = Vec::new();
    let mut places: BTreeMap<&str, (&Location, Vec<i64>)> = BTreeMap::new();
    for e in events {
        let geometry = match &e.location {
            Some(l) => {
                places
                    .entry(l.id.as_str())
                    .or_insert_with(|| (l, Vec::new()))
                    .1
                    .push(e.id);
                l.geometry()
            }
            None => Value::Null,
        };
        let loc = e.location.as_ref();
        features.push(json!({
            "type": "Feature",
            "id": format!("event:{}", e.id),
            "geometry": geometry,
            "properties": {
                "kind": "event",
                "event": e.id,
                "document": e.document,
                "event_date": e.date,
                "event_date_end": e.date_end,
                "time_precision": e.time_precision,
                "event_type": e.event_type,
                "domain": e.domain,
                "modality": e.modality,
                "actors": e.actors,
                "actor_ids": e.actor_ids,
                "entities": e.entities,
                "country": e.country,
                "country_name": e.country_name,
                "location": loc.map(|l| &l.name),
                "place": loc.map(|l| &l.id),
                "geo_precision": loc.map(|l| l.precision),
                "located_by": loc.map(|l| l.by),
                "source": e.source,
                "title": e.title,
                "notes": e.notes,
                "confidence": e.confidence,
            }
        }));
    }
    for (id, (l, evs)) in places {
        features.push(json!({
            "type": "Feature",
            "id": id,
            "geometry": l.geometry(),
            "properties": {
                "kind": "place",
                "place": id,
                "name": l.name,
                "country": l.country,
                "geo_precision": l.precision,
                "located_by": l.by,
                "events": evs,
            }
        }));
    }
    json!({
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "features": features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, notes: &str) -> ExportEvent {
        ExportEvent {
            id,
            document: 1,
            date: Some("2023-05-25".into()),
            date_end: Some("2023-05-25".into()),
            time_precision: Some("day".into()),
            published: Some("2023-06-01".into()),
            event_type: "deployment".into(),
            domain: "military".into(),
            modality: "observed".into(),
            actors: vec!["Russia".into(), "Belarus".into()],
            actor_ids: vec!["RUS".into(), "BLR".into()],
            entities: vec!["wpn:ISKANDER".into()],
            country: Some("BLR".into()),
            country_name: Some("Belarus".into()),
            location: Some(Location {
                id: "geo:625144".into(),
                name: "Minsk".into(),
                country: Some("BLR".into()),
                lat: 53.9002,
                lon: 27.5665,
                precision: 1,
                by: LocatedBy::Place,
            }),
            source: "https://example.org/a?x=1,2".into(),
            title: None,
            notes: notes.into(),
            confidence: 0.8,
        }
    }

    #[test]
    fn csv_round_trips_quotes_commas_newlines_and_cyrillic() {
        let hostile = "Лукашенко сказал: \"Искандер\", да, — и точка;\nвторая строка";
        let mut e = event(1, hostile);
        e.actors = vec!["Лукашенко, Александр".into()];
        e.location = None;
        let text = to_csv(&[e.clone(), event(2, "plain")], CsvOptions::default()).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, CSV_COLUMNS);
        let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][13], hostile);
        assert_eq!(&rows[0][5], "Лукашенко, Александр");
        assert_eq!(&rows[0][6], "");
        assert_eq!(&rows[0][9], ""); // no location: no coordinates
        assert_eq!(&rows[1][8], "Minsk");
        assert_eq!(rows[1][9].parse::<f64>().unwrap(), 53.9002);
        assert_eq!(rows[1][10].parse::<f64>().unwrap(), 27.5665);
        assert_eq!(&rows[1][11], "1");
        assert_eq!(&rows[1][12], "https://example.org/a?x=1,2");
        assert!(
            !text.contains("Natural Earth"),
            "attribution only on request"
        );
    }

    #[test]
    fn attribution_line_only_when_asked() {
        let text = to_csv(
            &[event(1, "x")],
            CsvOptions {
                with_attribution: true,
            },
        )
        .unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[1][13].contains("GeoNames") && rows[1][13].contains("Natural Earth"));
        assert!(rows[1].iter().take(13).all(str::is_empty));
    }

    #[test]
    fn geojson_is_rfc7946_with_lon_first_and_places() {
        let mut unlocated = event(3, "nowhere");
        unlocated.location = None;
        let g = to_geojson(&[event(1, "a"), event(2, "b"), unlocated]);
        assert!(
            rfc7946::problems(&g).is_empty(),
            "{:?}",
            rfc7946::problems(&g)
        );
        let f = g["features"].as_array().unwrap();
        assert_eq!(f.len(), 4); // three events, one place
        assert_eq!(f[0]["geometry"]["coordinates"], json!([27.5665, 53.9002]));
        assert_eq!(f[2]["geometry"], Value::Null);
        assert_eq!(f[3]["properties"]["kind"], "place");
        assert_eq!(f[3]["properties"]["events"], json!([1, 2]));
        assert!(g["attribution"].as_str().unwrap().contains("GeoNames"));
    }

    #[test]
    fn filter_narrows_by_each_field() {
        let e = event(7, "x");
        assert!(ExportFilter::default().keeps(&e));
        let f = |g: fn(&mut ExportFilter)| {
            let mut filter = ExportFilter::default();
            g(&mut filter);
            filter.keeps(&e)
        };
        assert!(!f(|x| x.events = Some([1].into())));
        assert!(f(|x| x.events = Some([7].into())));
        assert!(!f(|x| x.domains = vec!["economic".into()]));
        assert!(f(|x| x.types = vec!["deployment".into()]));
        assert!(!f(|x| x.modalities = vec!["projected".into()]));
        assert!(f(|x| x.since = Some("2023-05-25".into())));
        assert!(!f(|x| x.since = Some("2023-05-26".into())));
        assert!(!f(|x| x.until = Some("2023-05-24".into())));
        assert!(f(|x| x.until = Some("2023-05-25".into())));
        // Undated: the publication date decides.
        let mut undated = e.clone();
        undated.date = None;
        undated.date_end = None;
        let since = ExportFilter {
            since: Some("2023-06-01".into()),
            ..ExportFilter::default()
        };
        assert!(since.keeps(&undated) && !since.keeps(&e));
    }
}
