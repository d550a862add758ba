//! Assesses one million synthetic stored events against the built-in
//! russia-belarus pack and prints the time (run by `scripts/bench_assess.sh`).

use std::time::Instant;

use watchfloor_assess::{assess, builtin_packs, AssessOptions, Facts};
use watchfloor_model::{DateSpan, EventRecord, EventType, Evidence, Modality, TimePrecision};
use watchfloor_store::StoredEvent;

const SENTENCES: &[&str] = &[
    "Russia deployed Iskander systems and mixed units to Belarus under the Regional Grouping of Forces.",
    "The sides signed union programmes on customs, taxes, a single energy market and a single currency.",
    "Moscow controls the Belarusian airspace under the common defence system.",
    "Российские войска используют белорусскую военную инфраструктуру и аэродромы.",
    "A common history textbook will be introduced in schools, officials said.",
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let k = watchfloor_extract::Knowledge::embedded().expect("knowledge");
    let packs = builtin_packs(Some(&k.catalogue)).expect("packs");
    let pack = packs
        .iter()
        .find(|p| p.name == "russia-belarus")
        .expect("russia-belarus pack");
    let actors = [
        vec!["RUS".to_string()],
        vec!["RUS".into(), "BLR".into()],
        vec![],
        vec!["UKR".into()],
    ];
    let entities = [
        vec!["mil:RGV".to_string()],
        vec!["wpn:ISKANDER".into()],
        vec![],
        vec!["org:UNION_STATE".into()],
    ];
    let modalities = Modality::ALL;
    let t = Instant::now();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let events: Vec<StoredEvent> = (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ty = EventType::ALL[(x % EventType::ALL.len() as u64) as usize];
            let doc = (i / 5) as i64;
            let day = format!(
                "{}-{:02}-{:02}",
                2015 + (x >> 8) % 11,
                1 + (x >> 16) % 12,
                1 + (x >> 24) % 28
            );
            StoredEvent {
                id: i as i64,
                document_id: doc,
                source: format!("synthetic/{doc}.txt"),
                title: None,
                published: Some(day.clone()),
                duplicate_of: ((x >> 32).is_multiple_of(4) && doc > 10).then(|| doc - 7),
                event: EventRecord {
                    event_type: ty,
                    domain: ty.domain(),
                    modality: modalities[((x >> 40) % modalities.len() as u64) as usize],
                    date: (!(x >> 44).is_multiple_of(3)).then(|| DateSpan {
                        start: day.clone(),
                        end: day,
                        precision: TimePrecision::Day,
                    }),
                    actors: actors[((x >> 48) % 4) as usize].clone(),
                    entities: entities[((x >> 52) % 4) as usize].clone(),
                    place: None,
                    country: ((x >> 56).is_multiple_of(2)).then(|| "BLR".to_string()),
                    confidence: 0.7,
                    evidence: Evidence {
                        start: 0,
                        end: 100,
                        text: SENTENCES[i % SENTENCES.len()].to_string(),
                    },
                    cues: Vec::new(),
                },
            }
        })
        .collect();
    eprintln!("generated {n} events in {:.2} s", t.elapsed().as_secs_f64());
    let facts = Facts::new(&k.catalogue);
    let options = AssessOptions::new("2025-12-31");
    let t = Instant::now();
    let a = assess(pack, &events, &facts, &options);
    let secs = t.elapsed().as_secs_f64();
    let matched: usize = a.indicators.iter().map(|i| i.evidence_total).sum();
    println!(
        "assessed {n} events against {} indicators in {secs:.2} s ({:.0} events/s); {matched} indicator matches; overall index {:.3}",
        pack.indicators.len(),
        n as f64 / secs,
        a.indices["overall"].last().map(|p| p.value).unwrap_or(0.0)
    );
}
