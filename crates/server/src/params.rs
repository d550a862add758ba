//! Query-string parsing with bounds: every parameter is checked and a bad
//! one is a 400 with a stable code, never a panic or an unbounded query.

use std::collections::BTreeMap;

use watchfloor_model::{Domain, EventType, Modality};
use watchfloor_store::Undated;

use crate::error::ApiError;

/// Largest page of events (and of most listings).
pub const MAX_LIMIT: i64 = 1000;
/// Largest offset into a listing.
pub const MAX_OFFSET: i64 = 1_000_000;
/// Largest number of features in one export.
pub const MAX_EXPORT: i64 = 100_000;

/// A parsed query string: each name once (a repeated name is refused).
#[derive(Debug, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// Parses `raw` (without the `?`), allowing only the names in `known`.
    pub fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let mut values = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if !known.contains(&k.as_ref()) {
                return Err(ApiError::bad(
                    "unknown_parameter",
                    format!(
                        "unknown query parameter {:?}; this route takes: {}",
                        truncate(&k),
                        known.join(", ")
                    ),
                ));
            }
            if values.insert(k.to_string(), v.to_string()).is_some() {
                return Err(ApiError::bad(
                    "repeated_parameter",
                    format!("query parameter {k:?} given twice; use a comma-separated list"),
                ));
            }
        }
        Ok(Params { values })
    }

    /// The raw value of a parameter, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// An integer in `[min, max]`, or `default` when absent.
    pub fn int(
        &self,
        name: &str,
        default: i64,
        min: i64,
        max: i64,
        code: &'static str,
    ) -> Result<i64, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad(
                code,
                format!(
                    "{name} must be an integer from {min} to {max}, got {:?}",
                    truncate(v)
                ),
            )),
        }
    }

    /// A day (`YYYY-MM-DD`).
    pub fn date(&self, name: &str) -> Result<Option<String>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<jiff::civil::Date>()
                    .map(|d| d.to_string())
                    .map_err(|_| {
                        ApiError::bad(
                            "invalid_date",
                            format!("{name} must be a day as YYYY-MM-DD, got {:?}", truncate(v)),
                        )
                    })
            })
            .transpose()
    }

    /// A bounding box `min_lon,min_lat,max_lon,max_lat` (degrees, WGS84).
    pub fn bbox(&self, name: &str) -> Result<Option<[f64; 4]>, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let bad = |why: &str| {
            ApiError::bad(
                "invalid_bbox",
                format!(
                    "{name} must be min_lon,min_lat,max_lon,max_lat in degrees ({why}), got {:?}",
                    truncate(v)
                ),
            )
        };
        let nums: Vec<f64> = v
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad("four numbers"))?;
        let [min_lon, min_lat, max_lon, max_lat] = nums[..] else {
            return Err(bad("four numbers"));
        };
        if nums.iter().any(|n| !n.is_finite()) {
            return Err(bad("finite numbers"));
        }
        if !(-180.0..=180.0).contains(&min_lon) || !(-180.0..=180.0).contains(&max_lon) {
            return Err(bad("longitudes within -180..180"));
        }
        if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
            return Err(bad("latitudes within -90..90"));
        }
        if min_lon > max_lon || min_lat > max_lat {
            return Err(bad("minimum not above maximum"));
        }
        Ok(Some([min_lon, min_lat, max_lon, max_lat]))
    }

    /// A comma-separated list of names, each checked by `parse`.
    pub fn list<T>(
        &self,
        name: &str,
        code: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        known: &[&str],
    ) -> Result<Vec<T>, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(Vec::new());
        };
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                parse(s).ok_or_else(|| {
                    ApiError::bad(
                        code,
                        format!(
                            "unknown {name} {:?}; known: {}",
                            truncate(s),
                            known.join(", ")
                        ),
                    )
                })
            })
            .collect()
    }
}

/// Shortens a user-supplied value quoted back in an error message.
pub fn truncate(s: &str) -> String {
    if s.chars().count() <= 64 {
        s.to_string()
    } else {
        s.chars().take(64).chain(['…']).collect()
    }
}

/// The filters of an event listing or export, checked.
#[derive(Debug, Default)]
pub struct EventParams {
    /// Campaign pack whose indicator types restrict the listing.
    pub campaign: Option<String>,
    /// Domains.
    pub domains: Vec<Domain>,
    /// Event types.
    pub types: Vec<EventType>,
    /// Modalities.
    pub modalities: Vec<Modality>,
    /// First day.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
    /// Whether undated events are kept.
    pub undated: Undated,
    /// Bounding box.
    pub bbox: Option<[f64; 4]>,
    /// Only events of this document.
    pub document: Option<i64>,
    /// Page size.
    pub limit: i64,
    /// Page start.
    pub offset: i64,
}

/// The names `/api/events` and the event exports take.
pub const EVENT_PARAMS: &[&str] = &[
    "campaign", "domain", "type", "modality", "from", "to", "undated", "bbox", "document", "limit",
    "offset",
];

impl EventParams {
    /// Reads and checks the event filters; `max_limit` bounds `limit`.
    pub fn parse(raw: Option<&str>, default_limit: i64, max_limit: i64) -> Result<Self, ApiError> {
        let p = Params::parse(raw, EVENT_PARAMS)?;
        let names = |all: Vec<&'static str>| all;
        let domains = p.list(
            "domain",
            "invalid_domain",
            Domain::parse,
            &names(Domain::ALL.iter().map(|d| d.as_str()).collect()),
        )?;
        let types = p.list(
            "type",
            "invalid_type",
            EventType::parse,
            &names(EventType::ALL.iter().map(|d| d.as_str()).collect()),
        )?;
        let modalities = p.list(
            "modality",
            "invalid_modality",
            Modality::parse,
            &names(Modality::ALL.iter().map(|d| d.as_str()).collect()),
        )?;
        let from = p.date("from")?;
        let to = p.date("to")?;
        if let (Some(f), Some(t)) = (&from, &to) {
            if f > t {
                return Err(ApiError::bad(
                    "invalid_date",
                    format!("from ({f}) is after to ({t})"),
                ));
            }
        }
        let undated = match p.get("undated") {
            None => Undated::Auto,
            Some(v) => Undated::parse(v).ok_or_else(|| {
                ApiError::bad(
                    "invalid_undated",
                    format!(
                        "undated must be one of {}, got {:?}",
                        Undated::NAMES.join(", "),
                        truncate(v)
                    ),
                )
            })?,
        };
        Ok(EventParams {
            campaign: p.get("campaign").map(String::from),
            undated,
            domains,
            types,
            modalities,
            from,
            to,
            bbox: p.bbox("bbox")?,
            document: p
                .get("document")
                .map(|_| p.int("document", 0, 1, i64::MAX, "invalid_document"))
                .transpose()?,
            limit: p.int("limit", default_limit, 1, max_limit, "invalid_limit")?,
            offset: p.int("offset", 0, 0, MAX_OFFSET, "invalid_offset")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: ApiError) -> &'static str {
        e.code_and_status().0
    }

    #[test]
    fn limits_and_offsets_are_bounded() {
        let p = EventParams::parse(Some("limit=1000&offset=5"), 500, MAX_LIMIT).unwrap();
        assert_eq!((p.limit, p.offset), (1000, 5));
        assert_eq!(EventParams::parse(None, 500, MAX_LIMIT).unwrap().limit, 500);
        for bad in ["limit=1001", "limit=0", "limit=-3", "limit=x", "limit=1e3"] {
            let e = EventParams::parse(Some(bad), 500, MAX_LIMIT).unwrap_err();
            assert_eq!(code(e), "invalid_limit", "{bad}");
        }
        let e = EventParams::parse(Some("offset=99999999999"), 500, MAX_LIMIT).unwrap_err();
        assert_eq!(code(e), "invalid_offset");
    }

    #[test]
    fn bboxes_must_be_sane() {
        let p = EventParams::parse(Some("bbox=23,51,32.8,56.2"), 500, MAX_LIMIT).unwrap();
        assert_eq!(p.bbox, Some([23.0, 51.0, 32.8, 56.2]));
        for bad in [
            "bbox=1,2,3",
            "bbox=1,2,3,4,5",
            "bbox=a,b,c,d",
            "bbox=181,0,182,1",
            "bbox=0,-91,1,1",
            "bbox=10,0,5,1",
            "bbox=NaN,0,1,1",
            "bbox=inf,0,1,1",
        ] {
            let e = EventParams::parse(Some(bad), 500, MAX_LIMIT).unwrap_err();
            assert_eq!(code(e), "invalid_bbox", "{bad}");
        }
    }

    #[test]
    fn dates_names_and_unknown_parameters() {
        let p = EventParams::parse(
            Some("from=2021-01-01&to=2021-12-31&type=exercise,deployment&domain=military&modality=observed"),
            500,
            MAX_LIMIT,
        )
        .unwrap();
        assert_eq!(p.types, vec![EventType::Exercise, EventType::Deployment]);
        assert_eq!(p.from.as_deref(), Some("2021-01-01"));
        assert_eq!(p.undated, Undated::Auto);
        for (v, want) in [
            ("include", Undated::Include),
            ("exclude", Undated::Exclude),
            ("only", Undated::Only),
        ] {
            let p = EventParams::parse(Some(&format!("undated={v}")), 500, MAX_LIMIT).unwrap();
            assert_eq!(p.undated, want);
        }
        let cases = [
            ("from=2021-13-01", "invalid_date"),
            ("from=yesterday", "invalid_date"),
            ("from=2022-01-01&to=2021-01-01", "invalid_date"),
            ("type=picnic", "invalid_type"),
            ("domain=cyber", "invalid_domain"),
            ("modality=maybe", "invalid_modality"),
            ("colour=red", "unknown_parameter"),
            ("limit=1&limit=2", "repeated_parameter"),
            ("undated=maybe", "invalid_undated"),
        ];
        for (q, want) in cases {
            let e = EventParams::parse(Some(q), 500, MAX_LIMIT).unwrap_err();
            assert_eq!(code(e), want, "{q}");
        }
    }
}
