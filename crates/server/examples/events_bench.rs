//! Load benchmark of the workbench on a big store: fills a database with
//! N synthetic events (default 1,000,000, one in twenty undated; one
//! INSERT … SELECT over a recursive CTE, not extraction), starts the real server on loopback and
//! sends a bounded number of filtered `/api/events` queries (bounding box +
//! one-year date range + type, as the dashboard sends them), reporting
//! p50/p95/p99/max; then times the API calls of the dashboard's first
//! render.
//!
//! cargo run --release -p watchfloor-server --example events_bench -- [EVENTS] [REQUESTS] [DB]
//! (with DB given and already filled, the fill is skipped; add `serve` to
//! keep serving and print a sign-in URL, for timing the browser by hand)

use std::time::{Duration, Instant};

use watchfloor_store::{Role, Store};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// xorshift: repeatable query mix without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn fill(db: &std::path::Path, events: u64) -> Result<(), Box<dyn std::error::Error>> {
    drop(Store::open(db)?); // migrations
    let conn = rusqlite::Connection::open(db)?;
    let have: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
    if have as u64 >= events {
        println!("fill: {have} events already stored");
        return Ok(());
    }
    let t = Instant::now();
    let types: Vec<String> = watchfloor_model::EventType::ALL
        .iter()
        .enumerate()
        .map(|(k, t)| format!("({k}, '{}', '{}')", t.as_str(), t.domain().as_str()))
        .collect();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;
         BEGIN;
         INSERT OR IGNORE INTO documents (id, doc_hash, source, title, published, language, format,
             encoding, text, chars, bytes, simhash, band0, band1, band2, band3, ingested_at)
         VALUES (1, 'bench', 'bench:synthetic', 'Synthetic benchmark document', '2020-01-01', 'en',
             'text', 'utf-8', 'Russia deployed troops to Belarus.', 34, 34, 0, 0, 0, 0, 0,
             '2026-01-01T00:00:00Z');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {events}),
              t(k, type, domain) AS (VALUES {types}),
              e AS (SELECT i, date('2014-01-01', '+' || (abs(random()) % 4380) || ' days') AS d,
                           45.0 + (abs(random()) % 15000) / 1000.0 AS lat,
                           20.0 + (abs(random()) % 25000) / 1000.0 AS lon
                    FROM n)
         INSERT INTO events (document_id, seq, type, domain, modality, date_start, date_end,
             date_precision, actors, entities, place, country, lat, lon, confidence,
             evidence_start, evidence_end, evidence_text)
         SELECT 1, e.i, t.type, t.domain,
                CASE e.i % 5 WHEN 0 THEN 'projected' WHEN 1 THEN 'ongoing' ELSE 'observed' END,
                CASE WHEN e.i % 20 = 0 THEN NULL ELSE e.d END,
                CASE WHEN e.i % 20 = 0 THEN NULL ELSE e.d END,
                CASE WHEN e.i % 20 = 0 THEN NULL ELSE 'day' END,
                '[\"RUS\"]', '[\"BLR\"]', NULL, 'BLR', e.lat, e.lon, 0.8,
                0, 34, 'Russia deployed troops to Belarus.'
         FROM e JOIN t ON t.k = e.i % {n_types};
         COMMIT;
         ANALYZE;",
        n_types = types.len(),
        types = types.join(", ")
    ))?;
    println!(
        "fill: {events} events in {:.1} s (with R*Tree triggers, then ANALYZE)",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let events: u64 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let requests: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000)
        .min(100_000);
    let keep = args.iter().any(|a| a == "serve");
    let tmp = tempfile::tempdir()?;
    let db = args
        .get(2)
        .filter(|a| *a != "serve")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("bench.db"));
    fill(&db, events)?;
    let token = Store::open(&db)?
        .create_token("bench", Role::Viewer)?
        .secret;
    let app = watchfloor_server::App::open(&db)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(watchfloor_server::serve(listener, app));
        let http = reqwest::Client::new();
        let types = watchfloor_model::EventType::ALL;
        // As the API is called directly, then as the dashboard calls it once
        // the time slider has moved (undated events kept: an OR on the date).
        for (label, extra) in [("", ""), (" + undated=include", "&undated=include")] {
            let mut rng = Rng(0x9e3779b97f4a7c15);
            let mut times = Vec::with_capacity(requests);
            let mut rows = 0usize;
            let deadline = Instant::now() + Duration::from_secs(120);
            for _ in 0..requests {
                if Instant::now() > deadline {
                    break;
                }
                let lon = 20.0 + rng.below(20) as f64;
                let lat = 45.0 + rng.below(10) as f64;
                let year = 2014 + rng.below(11);
                let t = types[rng.below(types.len() as u64) as usize].as_str();
                let url = format!(
                    "{base}/api/events?bbox={lon},{lat},{},{}&from={year}-01-01&to={year}-12-31&type={t}&limit=500{extra}",
                    lon + 5.0,
                    lat + 5.0
                );
                let start = Instant::now();
                let r = http.get(&url).bearer_auth(&token).send().await?;
                assert!(r.status().is_success(), "{}", r.status());
                let v: serde_json::Value = r.json().await?;
                times.push(start.elapsed());
                rows += v["count"].as_u64().unwrap_or(0) as usize;
            }
            times.sort();
            println!(
                "/api/events (bbox 5x5 deg + one year + type{label}, limit 500) over {events} events: {} requests, {:.0} rows avg, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                times.len(),
                rows as f64 / times.len().max(1) as f64,
                percentile(&times, 0.50).as_secs_f64() * 1e3,
                percentile(&times, 0.95).as_secs_f64() * 1e3,
                percentile(&times, 0.99).as_secs_f64() * 1e3,
                times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            );
        }
        // The API calls of the dashboard's first render, in its order.
        let start = Instant::now();
        for path in [
            "/",
            "/assets/app.js",
            "/api/me",
            "/api/stats",
            "/api/campaigns",
            "/api/basemap/countries.geojson",
            "/api/events?campaign=russia-belarus&undated=include&bbox=14,46,42,60&limit=1000",
        ] {
            let t = Instant::now();
            let r = http.get(format!("{base}{path}")).bearer_auth(&token).send().await?;
            let status = r.status();
            let n = r.bytes().await?.len();
            println!("  first render: {path} -> {status} {n} bytes in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
        println!("first render API calls: {:.0} ms in all", start.elapsed().as_secs_f64() * 1e3);
        if keep {
            println!("serving: {base}/?token={token}  (Ctrl-C stops)");
            let _ = tokio::signal::ctrl_c().await;
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    Ok(())
}
