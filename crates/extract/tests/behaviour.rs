//! Behaviour of the extraction engine with the compiled-in knowledge, one
//! component at a time: acronym binding, context disambiguation, metonymy,
//! inflected names, modality cues, time expressions on events.

use std::sync::OnceLock;

use watchfloor_extract::Knowledge;
use watchfloor_model::{Document, DocumentFormat, ExtractRecord, Modality};

fn knowledge() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(|| Knowledge::embedded().expect("compiled-in knowledge loads"))
}

fn extract(text: &str, language: &str) -> ExtractRecord {
    let doc = Document {
        source: "test".into(),
        title: None,
        published: Some("2024-03-13".into()),
        language: Some(language.into()),
        format: DocumentFormat::Text,
        encoding: "utf-8".into(),
        text: text.into(),
    };
    knowledge().extract(&doc, "sha256:test")
}

fn mentions_of<'a>(r: &'a ExtractRecord, id: &str) -> Vec<&'a str> {
    r.entities
        .iter()
        .filter(|e| e.id == id)
        .flat_map(|e| e.mentions.iter().map(|m| m.text.as_str()))
        .collect()
}

#[test]
fn an_acronym_defined_in_the_document_binds_there_only() {
    let r = extract(
        "The Commonwealth of Independent States (IDP) met in Minsk. Later the IDP summit ended. The RGV drills began.",
        "en",
    );
    assert_eq!(
        mentions_of(&r, "org:CIS"),
        vec!["Commonwealth of Independent States", "IDP", "IDP"]
    );
    // Without the definition, IDP is not the CIS.
    let r = extract("Thousands of IDP camps were set up near Kharkiv.", "en");
    assert!(mentions_of(&r, "org:CIS").is_empty(), "{:?}", r.entities);
}

#[test]
fn a_one_letter_garble_of_a_defined_acronym_is_the_same_entity() {
    let r = extract(
        "A key component is the Regional Military Group (RGV). The RRV can be activated in war.",
        "en",
    );
    let m = mentions_of(&r, "mil:RGV");
    assert!(m.contains(&"RRV"), "{m:?}");
}

#[test]
fn an_exercise_named_like_a_common_word_needs_its_context() {
    let r = extract(
        "Troops took part in the exercise 'Cooperation' in Kazakhstan.",
        "en",
    );
    assert_eq!(mentions_of(&r, "ex:COOPERATION"), vec!["Cooperation"]);
    let r = extract("Economic cooperation between the two states grew.", "en");
    assert!(mentions_of(&r, "ex:COOPERATION").is_empty());
    let r = extract("Cooperation between the ministries grew.", "en");
    assert!(
        mentions_of(&r, "ex:COOPERATION").is_empty(),
        "capitalised at sentence start, no exercise context"
    );
}

#[test]
fn capitals_stand_for_their_governments() {
    let r = extract(
        "Moscow and Minsk agreed on new steps; the Kremlin said more would follow.",
        "en",
    );
    assert_eq!(mentions_of(&r, "RUS"), vec!["Moscow", "Kremlin"]);
    assert_eq!(mentions_of(&r, "BLR"), vec!["Minsk"]);
}

#[test]
fn inflected_slavic_names_resolve() {
    let r = extract(
        "Учения прошли в Беларуси, а затем в России и под Барановичами.",
        "ru",
    );
    assert_eq!(mentions_of(&r, "BLR"), vec!["Беларуси"]);
    assert_eq!(mentions_of(&r, "RUS"), vec!["России"]);
    let r = extract(
        "Ćwiczenia odbyły się na Białorusi, blisko granicy z Rosją.",
        "pl",
    );
    assert_eq!(mentions_of(&r, "BLR"), vec!["Białorusi"]);
    assert_eq!(mentions_of(&r, "RUS"), vec!["Rosją"]);
}

fn modality_of(text: &str, language: &str) -> Vec<Modality> {
    extract(text, language)
        .events
        .iter()
        .map(|e| e.modality)
        .collect()
}

#[test]
fn modality_cues_set_how_the_source_holds_an_event() {
    assert_eq!(
        modality_of("Russia deployed Iskander systems to Belarus in 2023.", "en"),
        vec![Modality::Observed]
    );
    assert_eq!(
        modality_of("Russia will deploy more troops to Belarus.", "en"),
        vec![Modality::Projected]
    );
    assert_eq!(
        modality_of("Russia plans to deploy more troops to Belarus.", "en"),
        vec![Modality::Projected]
    );
    assert_eq!(
        modality_of("Minsk did not sign the treaty.", "en"),
        vec![Modality::Negated]
    );
    assert_eq!(
        modality_of("If Moscow deploys troops, Vilnius will respond.", "en"),
        vec![Modality::Hypothetical]
    );
    assert_eq!(
        modality_of("Russia continues to deploy troops in Belarus.", "en"),
        vec![Modality::Ongoing]
    );
    assert_eq!(
        modality_of("Россия разместит в Беларуси новые войска.", "ru").first(),
        Some(&Modality::Projected)
    );
    assert_eq!(
        modality_of("Россия не разместила войска в Беларуси.", "ru").first(),
        Some(&Modality::Negated)
    );
}

#[test]
fn sections_set_the_default_modality() {
    let text = "I. Achievements so far\nRussia signed a treaty with Belarus.\nII. Next steps\nA common parliament of the Union State.\n";
    let r = extract(text, "en");
    let modalities: Vec<_> = r
        .events
        .iter()
        .map(|e| (e.event_type.as_str(), e.modality))
        .collect();
    assert!(
        modalities.contains(&("agreement_signed", Modality::Observed)),
        "{modalities:?}"
    );
    assert!(
        modalities.contains(&("institution_created", Modality::Projected)),
        "{modalities:?}"
    );
}

#[test]
fn events_take_their_sentence_date_and_relative_dates_resolve() {
    let r = extract(
        "On 15 May 2023, Russia deployed troops to Belarus. Yesterday Belarus signed the treaty.",
        "en",
    );
    let dates: Vec<_> = r
        .events
        .iter()
        .map(|e| e.date.as_ref().map(|d| d.start.as_str()))
        .collect();
    assert_eq!(dates, vec![Some("2023-05-15"), Some("2024-03-12")]);
}

#[test]
fn a_weekday_dates_reports_back_and_announcements_ahead() {
    // Published Wednesday 2024-03-13.
    let r = extract(
        "Russia deployed troops to Belarus on Monday. Belarus will sign the treaty on Monday.",
        "en",
    );
    let dated: Vec<_> = r
        .events
        .iter()
        .map(|e| (e.modality, e.date.as_ref().map(|d| d.start.as_str())))
        .collect();
    assert_eq!(
        dated,
        vec![
            (Modality::Observed, Some("2024-03-11")),
            (Modality::Projected, Some("2024-03-18"))
        ]
    );
}

#[test]
fn surnames_and_given_names_are_found_in_every_case_and_only_as_names() {
    // The nominative's key is not the case forms' ("Лавров" → "лавр",
    // "Лавровым" → "лавров"): both must find the person.
    for (text, lang, id) in [
        (
            "Министр встретился с Сергеем Лавровым.",
            "ru",
            "per:LAVROV_SERGEY",
        ),
        (
            "Заявление Лаврова прозвучало вчера.",
            "ru",
            "per:LAVROV_SERGEY",
        ),
        ("Приказ Герасимова выполнен.", "ru", "per:GERASIMOV_VALERY"),
        ("Rozmowa z Siergiejem Ławrowem.", "pl", "per:LAVROV_SERGEY"),
        ("Зустріч з Олексієм Оверчуком.", "uk", "per:OVERCHUK_ALEXEI"),
    ] {
        let r = extract(text, lang);
        assert!(!mentions_of(&r, id).is_empty(), "{text}: {:?}", r.entities);
    }
    // A surname's stem that is a common word is that word in lower case.
    let r = extract(
        "Он сказал, что русский медведь проснулся, и вспомнил про лавр.",
        "ru",
    );
    assert!(
        mentions_of(&r, "per:MEDVEDEV_DMITRY").is_empty(),
        "{:?}",
        r.entities
    );
    assert!(
        mentions_of(&r, "per:LAVROV_SERGEY").is_empty(),
        "{:?}",
        r.entities
    );
}

#[test]
fn actors_are_the_subjects_not_the_places() {
    let r = extract("Russia deployed troops to Belarus.", "en");
    assert_eq!(r.events[0].actors, vec!["RUS"]);
    assert_eq!(r.events[0].country.as_deref(), Some("BLR"));
    let r = extract("Russian-Belarusian exercises began near Brest.", "en");
    let mut actors = r.events[0].actors.clone();
    actors.sort();
    assert_eq!(actors, vec!["BLR", "RUS"]);
}

#[test]
fn a_city_standing_for_an_organisation_is_still_a_place_where_things_happen() {
    for (text, lang, name) in [
        (
            "The ministers met in Brussels on Monday. Brussels said the sanctions would stay.",
            "en",
            "Brussels",
        ),
        (
            "Premier spotkał się z przywódcami w Brukseli w poniedziałek.",
            "pl",
            "Brukseli",
        ),
    ] {
        let r = extract(text, lang);
        // The EU's metonym stays an entity mention…
        assert!(mentions_of(&r, "org:EU").contains(&name), "{lang}: {r:?}");
        // …and the city is a place, the meeting's place.
        let brussels = r.places.iter().find(|p| p.id == "geo:2800866");
        assert!(brussels.is_some(), "{lang}: {:?}", r.places);
        let meeting = r
            .events
            .iter()
            .find(|e| e.event_type == watchfloor_model::EventType::LeaderMeeting);
        assert_eq!(
            meeting.and_then(|e| e.place.as_deref()),
            Some("geo:2800866"),
            "{lang}: {:?}",
            r.events
        );
    }
    // "Brussels said": the organisation acting, not where the event is.
    let r = extract("Brussels imposed new sanctions on Minsk.", "en");
    let sanctions = r
        .events
        .iter()
        .find(|e| e.event_type == watchfloor_model::EventType::SanctionsImposed);
    assert_ne!(
        sanctions.and_then(|e| e.place.as_deref()),
        Some("geo:2800866"),
        "{:?}",
        r.events
    );
}
