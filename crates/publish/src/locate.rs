//! Where events happened, for every map and export: one [`Locator`] over
//! the gazetteer and the catalogue, used by `watchfloor export`, `watchfloor
//! geo` and the server's export endpoints alike, so that the same event
//! lands on the same point wherever it is published.
//!
//! An event is placed, in this order, at the gazetteer place it names
//! (unless that is a whole country), at a catalogue site it involves that
//! has coordinates (an air base, a training ground…), or at its country's
//! capital with precision 3. Each answer says which of the three it is
//! ([`LocatedBy`]).

use std::collections::HashMap;

use watchfloor_extract::places::Place;
use watchfloor_extract::Knowledge;
use watchfloor_model::{EventRecord, PlaceKind};

use crate::export::{LocatedBy, Location};

/// Finds where events happened, from the gazetteer and the catalogue.
///
/// Build one per export (it indexes the gazetteer by ID and each
/// country's capital) and ask it about every event.
pub struct Locator<'k> {
    knowledge: &'k Knowledge,
    places: HashMap<&'k str, &'k Place>,
    capitals: HashMap<&'k str, &'k Place>,
}

impl<'k> Locator<'k> {
    /// Indexes the gazetteer by ID and each country's capital (the most
    /// populous `PPLC` place of the country).
    pub fn new(knowledge: &'k Knowledge) -> Locator<'k> {
        let mut places = HashMap::new();
        let mut capitals: HashMap<&str, &Place> = HashMap::new();
        for p in &knowledge.gazetteer.places {
            places.insert(p.id.as_str(), p);
            if p.feature == "PPLC" {
                if let Some(c) = p.country.as_deref() {
                    let keep = capitals.get(c).is_none_or(|q| q.population < p.population);
                    if keep {
                        capitals.insert(c, p);
                    }
                }
            }
        }
        Locator {
            knowledge,
            places,
            capitals,
        }
    }

    /// The gazetteer place with this ID (`geo:625144`).
    pub fn place(&self, id: &str) -> Option<&'k Place> {
        self.places.get(id).copied()
    }

    /// The capital of a country (alpha-3).
    pub fn capital(&self, country: &str) -> Option<&'k Place> {
        self.capitals.get(country).copied()
    }

    /// The English name of a country (alpha-3), from the gazetteer, else
    /// from the catalogue.
    pub fn country_name(&self, iso: &str) -> Option<String> {
        self.knowledge
            .gazetteer
            .country(iso)
            .map(|p| p.name.clone())
            .or_else(|| self.knowledge.catalogue.get(iso).map(|e| e.name.clone()))
    }

    /// An entity's name, or its ID when the catalogue does not know it.
    pub fn entity_name(&self, id: &str) -> String {
        self.knowledge
            .catalogue
            .get(id)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// A catalogue site (`site:LIDA_AB`) with coordinates, as a location;
    /// `None` for any other entity and for sites without coordinates.
    pub fn site(&self, id: &str) -> Option<Location> {
        let e = self.knowledge.catalogue.get(id)?;
        if e.kind != "site" {
            return None;
        }
        Some(Location {
            id: e.id.clone(),
            name: e.name.clone(),
            country: e.country.clone(),
            lat: e.lat?,
            lon: e.lon?,
            precision: site_precision(e.note.as_deref()),
            by: LocatedBy::Site,
        })
    }

    /// Where the event happened: the place it names (unless that is a
    /// whole country), else a catalogue site it involves, else its
    /// country's capital (precision 3).
    pub fn locate(&self, e: &EventRecord) -> Option<Location> {
        self.locate_ids(e.place.as_deref(), &e.entities, e.country.as_deref())
    }

    /// The same as [`Locator::locate`], from the IDs a stored event row
    /// carries: its gazetteer place, the other entities it involves (the
    /// first catalogue site with coordinates among them counts) and its
    /// country (alpha-3).
    pub fn locate_ids(
        &self,
        place: Option<&str>,
        entities: &[String],
        country: Option<&str>,
    ) -> Option<Location> {
        let place = place.and_then(|id| self.place(id));
        if let Some(p) = place.filter(|p| p.kind != PlaceKind::Country) {
            return Some(Location {
                id: p.id.clone(),
                name: p.name.clone(),
                country: p.country.clone(),
                lat: p.lat,
                lon: p.lon,
                precision: p.precision,
                by: LocatedBy::Place,
            });
        }
        if let Some(site) = entities.iter().find_map(|id| self.site(id)) {
            return Some(site);
        }
        let country = country.or_else(|| place.and_then(|p| p.country.as_deref()))?;
        let cap = self.capital(country)?;
        Some(Location {
            id: country.to_string(),
            name: self
                .country_name(country)
                .unwrap_or_else(|| country.to_string()),
            country: Some(country.to_string()),
            lat: cap.lat,
            lon: cap.lon,
            precision: 3,
            by: LocatedBy::Capital,
        })
    }
}

/// Catalogue sites say "location precision 2" in their note when the
/// coordinates are the nearest town's.
fn site_precision(note: Option<&str>) -> u8 {
    match note {
        Some(n) if n.contains("location precision 2") => 2,
        Some(n) if n.contains("location precision 3") => 3,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;

    fn knowledge() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| Knowledge::embedded().expect("embedded knowledge"))
    }

    /// A catalogue site with coordinates, and the gazetteer entry of its
    /// country (both taken from the knowledge, not written here).
    fn a_site_and_its_country(k: &Knowledge) -> (&watchfloor_extract::catalogue::Entity, &Place) {
        k.catalogue
            .entities()
            .iter()
            .filter(|e| e.kind == "site" && e.lat.is_some() && e.lon.is_some())
            .find_map(|e| {
                let c = k.gazetteer.country(e.country.as_deref()?)?;
                Some((e, c))
            })
            .expect("a located site in a known country")
    }

    #[test]
    fn a_site_is_used_when_no_place_below_country_level_is_named() {
        let k = knowledge();
        let loc = Locator::new(k);
        let (site, country) = a_site_and_its_country(k);
        let entities = vec!["wpn:ISKANDER".to_string(), site.id.clone()];
        // No place, and a whole country as the place: the site wins.
        for place in [None, Some(country.id.as_str())] {
            let l = loc
                .locate_ids(place, &entities, site.country.as_deref())
                .expect("located");
            assert_eq!(l.by, LocatedBy::Site, "{place:?}");
            assert_eq!((l.lat, l.lon), (site.lat.unwrap(), site.lon.unwrap()));
            assert_eq!(l.id, site.id);
            assert_eq!(l.name, site.name);
        }
        // A place below country level beats the site.
        let town = k
            .gazetteer
            .places
            .iter()
            .find(|p| p.kind != PlaceKind::Country && p.country == site.country)
            .expect("a town in the site's country");
        let l = loc
            .locate_ids(Some(&town.id), &entities, site.country.as_deref())
            .expect("located");
        assert_eq!((l.by, l.lat, l.lon), (LocatedBy::Place, town.lat, town.lon));
    }

    #[test]
    fn country_only_events_go_to_the_capital_and_unknowns_nowhere() {
        let k = knowledge();
        let loc = Locator::new(k);
        let (site, country) = a_site_and_its_country(k);
        let iso = site.country.as_deref().expect("country");
        let capital = loc.capital(iso).expect("a capital");
        assert_eq!(capital.feature, "PPLC");
        let l = loc
            .locate_ids(Some(&country.id), &[], None)
            .expect("the country place's country");
        assert_eq!(
            (l.by, l.precision, l.lat, l.lon),
            (LocatedBy::Capital, 3, capital.lat, capital.lon)
        );
        assert_eq!(l.name, country.name);
        // Entities that are not sites do not place an event.
        let not_sites = vec!["wpn:ISKANDER".to_string(), iso.to_string()];
        assert_eq!(loc.locate_ids(None, &not_sites, None), None);
        assert_eq!(loc.locate_ids(Some("geo:no-such-place"), &[], None), None);
        assert!(loc.site(iso).is_none(), "a country is not a site");
    }

    #[test]
    fn locate_reads_the_event_record_like_locate_ids() {
        let k = knowledge();
        let loc = Locator::new(k);
        let (site, _) = a_site_and_its_country(k);
        let e: EventRecord = serde_json::from_value(serde_json::json!({
            "type": "deployment", "domain": "military", "modality": "observed",
            "date": null, "actors": ["RUS"], "entities": [site.id],
            "place": null, "country": site.country, "confidence": 0.8,
            "evidence": {"start": 0, "end": 1, "text": "x"},
        }))
        .expect("an event record");
        assert_eq!(
            loc.locate(&e),
            loc.locate_ids(None, &e.entities, e.country.as_deref())
        );
        assert_eq!(loc.locate(&e).map(|l| l.by), Some(LocatedBy::Site));
    }

    #[test]
    fn site_precision_follows_the_note() {
        assert_eq!(site_precision(None), 1);
        assert_eq!(site_precision(Some("location precision 2 (Lida)")), 2);
        assert_eq!(site_precision(Some("location precision 3")), 3);
    }
}
