//! End-to-end API tests: the whole server, in process, on a loopback port
//! over a temporary database, driven by a real HTTP client.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use watchfloor_extract::Knowledge;
use watchfloor_server::{first_admin_token, openapi::ROUTES, App, CONTENT_SECURITY_POLICY};

const HOSTILE: &[u8] = include_bytes!("fixtures/hostile.jsonl");

fn knowledge() -> Arc<Knowledge> {
    static K: OnceLock<Arc<Knowledge>> = OnceLock::new();
    K.get_or_init(|| Arc::new(Knowledge::embedded().expect("knowledge")))
        .clone()
}

struct Server {
    base: String,
    db: PathBuf,
    admin: String,
    http: Client,
    _dir: tempfile::TempDir,
}

async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let admin = first_admin_token(&db).unwrap().expect("first token").secret;
    assert!(
        first_admin_token(&db).unwrap().is_none(),
        "only one first token"
    );
    let app = App::with_knowledge(&db, knowledge()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(watchfloor_server::serve(listener, app));
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Server {
        base,
        db,
        admin,
        http,
        _dir: dir,
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn token(&self, name: &str, role: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/tokens"))
            .bearer_auth(&self.admin)
            .json(&json!({"name": name, "role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        v["secret"].as_str().unwrap().to_string()
    }
    async fn upload(&self, token: &str, name: &str, body: &[u8]) -> (StatusCode, Value) {
        let r = self
            .http
            .post(self.url(&format!("/api/documents?name={name}")))
            .bearer_auth(token)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    /// The analyst uploads the hostile fixture; returns the document ID.
    async fn seeded(&self) -> (String, i64) {
        let analyst = self.token("ana", "analyst").await;
        let (status, v) = self.upload(&analyst, "hostile.jsonl", HOSTILE).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["documents"][0]["outcome"], "stored");
        assert_eq!(v["documents"][0]["events"], 3, "{v}");
        (analyst, v["documents"][0]["id"].as_i64().unwrap())
    }
    async fn event_types(&self, query: &str) -> Vec<String> {
        let (status, v) = self.get(&format!("/api/events?{query}"), &self.admin).await;
        assert_eq!(status, StatusCode::OK, "{query}: {v}");
        let mut t: Vec<String> = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    }
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_call_needs_a_live_token_of_the_right_role() {
    let s = start().await;
    let r = s.http.get(s.url("/api/events")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(code(&v), "unauthenticated");
    assert!(v["error"]["message"].as_str().unwrap().len() > 10);
    let (st, _) = s.get("/api/events", "wf_0000").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = s.get("/api/openapi.json", "").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let viewer = s.token("vic", "viewer").await;
    let analyst = s.token("ana", "analyst").await;
    let (st, me) = s.get("/api/me", &viewer).await;
    assert_eq!((st, me["role"].as_str()), (StatusCode::OK, Some("viewer")));
    assert_eq!(s.get("/api/events", &viewer).await.0, StatusCode::OK);

    let (st, v) = s
        .upload(&viewer, "a.txt", b"Russia deployed troops to Minsk.")
        .await;
    assert_eq!((st, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    let r = s
        .http
        .put(s.url("/api/campaigns/x"))
        .bearer_auth(&viewer)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.get("/api/tokens", &viewer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        s.get("/api/tokens", &analyst).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.get("/api/audit", &analyst).await.0, StatusCode::FORBIDDEN);
    let r = s
        .http
        .post(s.url("/api/tokens"))
        .bearer_auth(&analyst)
        .json(&json!({"name": "x", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.get("/api/tokens", &s.admin).await.0, StatusCode::OK);
    let (st, _) = s
        .upload(
            &analyst,
            "a.txt",
            b"Russia deployed troops to Minsk in 2021.",
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);

    // Revoked tokens stop working at once.
    let (_, list) = s.get("/api/tokens", &s.admin).await;
    let vic_id = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "vic")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = s
        .http
        .delete(s.url(&format!("/api/tokens/{vic_id}")))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get("/api/events", &viewer).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_stored_as_hashes_only() {
    let s = start().await;
    let secret = s.token("ana", "analyst").await;
    assert!(secret.starts_with("wf_") && secret.len() == 67);
    let store = watchfloor_store::Store::open(&s.db).unwrap();
    let tokens = store.tokens().unwrap();
    let ana = tokens.iter().find(|t| t.name == "ana").unwrap();
    let stored = store.token_hash(ana.id).unwrap().unwrap();
    assert_ne!(stored, secret);
    assert!(!stored.contains(&secret[3..]));
    assert_eq!(stored, watchfloor_store::hash_token(&secret));
    let raw = std::fs::read(&s.db).unwrap();
    let wal = std::fs::read(s.db.with_extension("db-wal")).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "secret on disk"
        );
    }
    // The API never shows secrets again.
    let (_, list) = s.get("/api/tokens", &s.admin).await;
    assert!(!list.to_string().contains(&secret[3..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_in_the_audit_trail_with_who_and_when() {
    let s = start().await;
    let (analyst, id) = s.seeded().await;
    let pack = watchfloor_assess::builtin_pack_files()
        .iter()
        .find(|(n, _)| n.starts_with("russia-belarus"))
        .unwrap()
        .1;
    let r = s
        .http
        .put(s.url("/api/campaigns/russia-belarus"))
        .bearer_auth(&analyst)
        .body(pack)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let (st, trail) = s.get("/api/audit", &s.admin).await;
    assert_eq!(st, StatusCode::OK);
    let trail = trail["audit"].as_array().unwrap();
    let actions: Vec<&str> = trail
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["campaign.upload", "document.ingest", "token.create"]
    );
    let ingest = &trail[1];
    assert_eq!(ingest["token_name"], "ana");
    assert_eq!(ingest["role"], "analyst");
    assert_eq!(ingest["target"], format!("document:{id}"));
    assert!(ingest["at"].as_str().unwrap().starts_with("20"));
    assert_eq!(trail[2]["token_name"], "first admin");
    assert_eq!(trail[2]["role"], "admin");
    // Reads are not writes.
    s.get("/api/events", &analyst).await;
    let (_, again) = s.get("/api/audit", &s.admin).await;
    assert_eq!(again["audit"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_filters_each_narrow_the_listing() {
    let s = start().await;
    let (_, id) = s.seeded().await;
    let all = ["agreement_signed", "deployment", "nuclear_posture"];
    assert_eq!(s.event_types("").await, all);
    assert_eq!(
        s.event_types("type=deployment,nuclear_posture").await,
        ["deployment", "nuclear_posture"]
    );
    assert_eq!(
        s.event_types("domain=political").await,
        ["agreement_signed"]
    );
    assert_eq!(s.event_types("domain=economic").await, Vec::<String>::new());
    assert_eq!(
        s.event_types("domain=political&type=deployment").await,
        Vec::<String>::new()
    );
    assert_eq!(
        s.event_types("modality=projected").await,
        ["nuclear_posture"]
    );
    assert_eq!(
        s.event_types("from=2022-01-01").await,
        ["agreement_signed", "nuclear_posture"]
    );
    assert_eq!(s.event_types("to=2022-01-01").await, ["deployment"]);
    assert_eq!(
        s.event_types("from=2023-01-01&to=2023-12-31").await,
        ["agreement_signed"]
    );
    // Brest (23.7 E) only; then Minsk and Baranovichi (east of 25 E).
    assert_eq!(
        s.event_types("bbox=23,51.5,24.5,52.5").await,
        ["nuclear_posture"]
    );
    assert_eq!(
        s.event_types("bbox=25,52,28,54.5").await,
        ["agreement_signed", "deployment"]
    );
    assert_eq!(s.event_types(&format!("document={id}")).await, all);
    assert_eq!(
        s.event_types(&format!("document={}", id + 1)).await,
        Vec::<String>::new()
    );
    assert_eq!(
        s.event_types("campaign=russia-belarus&type=deployment")
            .await,
        ["deployment"]
    );
    let (st, v) = s.get("/api/events?campaign=nonesuch", &s.admin).await;
    assert_eq!(
        (st, code(&v)),
        (StatusCode::BAD_REQUEST, "invalid_campaign")
    );
    // Paging: newest first.
    let (_, p) = s.get("/api/events?limit=1&offset=1", &s.admin).await;
    assert_eq!(p["events"][0]["type"], "agreement_signed");
    assert_eq!(p["more"], true);
    // Each row carries what the dashboard needs to quote its evidence.
    let (_, v) = s.get("/api/events?type=deployment", &s.admin).await;
    let e = &v["events"][0];
    assert!(e["lat"].as_f64().unwrap() > 53.0 && e["lon"].as_f64().unwrap() > 25.9);
    assert!(e["evidence_text"].as_str().unwrap().contains("<script>"));
    assert!(e["evidence_end"].as_i64() > e["evidence_start"].as_i64());
}

/// Posts `len` bytes to /api/documents on a raw connection and returns the
/// response as text, read concurrently with the upload.
async fn oversized_upload(s: &Server, token: &str, len: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let reader = tokio::spawn(async move {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = rd.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.ends_with(b"}") {
                break;
            }
        }
        String::from_utf8_lossy(&buf).into_owned()
    });
    let head = format!(
        "POST /api/documents?name=big.txt HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: text/plain\r\nContent-Length: {len}\r\n\r\n"
    );
    if wr.write_all(head.as_bytes()).await.is_ok() {
        let block = vec![b'a'; 64 * 1024];
        let mut sent = 0;
        while sent < len {
            let n = block.len().min(len - sent);
            if wr.write_all(&block[..n]).await.is_err() {
                break; // the server has answered and closed
            }
            sent += n;
        }
    }
    tokio::time::timeout(std::time::Duration::from_secs(20), reader)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inputs_are_bounded_with_clear_400s_and_413() {
    let s = start().await;
    let analyst = s.token("ana", "analyst").await;
    // An oversized upload is refused with 413. A client library may fail
    // with a broken pipe when the server answers before the body is sent,
    // so read the answer on a raw connection while the body is being written.
    let response = oversized_upload(&s, &analyst, 10 * 1024 * 1024 + 1).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("payload_too_large"), "{response}");
    let cases = [
        ("/api/events?limit=1001", "invalid_limit"),
        ("/api/events?limit=0", "invalid_limit"),
        ("/api/events?offset=-1", "invalid_offset"),
        ("/api/events?bbox=0,0,200,10", "invalid_bbox"),
        ("/api/events?bbox=30,50,20,60", "invalid_bbox"),
        ("/api/events?bbox=1,2,3", "invalid_bbox"),
        ("/api/events?from=2021-02-30", "invalid_date"),
        ("/api/events?from=2022-01-01&to=2021-01-01", "invalid_date"),
        ("/api/events?type=picnic", "invalid_type"),
        ("/api/events?colour=red", "unknown_parameter"),
        ("/api/export/events.geojson?limit=100001", "invalid_limit"),
        ("/api/documents?limit=5000", "invalid_limit"),
        ("/api/documents/abc", "invalid_id"),
        ("/api/indicators?to=soon", "invalid_date"),
    ];
    for (path, want) in cases {
        let (st, v) = s.get(path, &s.admin).await;
        assert_eq!(
            (st, code(&v)),
            (StatusCode::BAD_REQUEST, want),
            "{path}: {v}"
        );
    }
    let (st, v) = s.get("/api/documents/999", &s.admin).await;
    assert_eq!((st, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let r = s
        .http
        .put(s.url("/api/campaigns/x"))
        .bearer_auth(&analyst)
        .body("name = [")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.json::<Value>().await.unwrap()), "invalid_pack");
    let r = s
        .http
        .post(s.url("/api/session"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_source_text_comes_back_verbatim_as_json_with_strict_headers() {
    let s = start().await;
    let (_, id) = s.seeded().await;
    let r = s
        .http
        .get(s.url(&format!("/api/documents/{id}")))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["content-security-policy"], CONTENT_SECURITY_POLICY);
    let doc: Value = r.json().await.unwrap();
    let text = doc["text"].as_str().unwrap();
    assert!(text
        .contains("<script>alert(\"x\")</script> \u{202e}\"quoted\" <img src=x onerror=alert(1)>"));
    assert_eq!(doc["title"], "<b>Zapad</b> \"report\" & notes");
    // Evidence offsets are characters into that text.
    let chars: Vec<char> = text.chars().collect();
    for e in doc["events"].as_array().unwrap() {
        let (a, b) = (
            e["evidence_start"].as_u64().unwrap() as usize,
            e["evidence_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[a..b].iter().collect::<String>(),
            e["evidence_text"].as_str().unwrap()
        );
    }
    // The dashboard page has the same headers and no external references.
    let r = s.http.get(s.url("/")).send().await.unwrap();
    assert_eq!(
        r.headers()["content-security-policy"],
        CONTENT_SECURITY_POLICY
    );
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // The SVG namespace name is an identifier, not an address to fetch.
    let page = r
        .text()
        .await
        .unwrap()
        .replace("http://www.w3.org/2000/svg", "");
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"));
    assert!(
        !page.contains("<script>") && !page.contains("style=\""),
        "inline code would break the CSP"
    );
    let js = s
        .http
        .get(s.url("/assets/app.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(js.contains("textContent"), "app.js is served");
    let js = js.replace("http://www.w3.org/2000/svg", "");
    assert!(!js.contains("innerHTML") && !js.contains("http://") && !js.contains("https://"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sets_a_strict_httponly_cookie() {
    let s = start().await;
    let r = s
        .http
        .post(s.url("/api/session"))
        .json(&json!({"token": "wf_nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = s
        .http
        .post(s.url("/api/session"))
        .json(&json!({"token": s.admin}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let r = s
        .http
        .get(s.url("/api/me"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The sign-in URL printed on first start.
    let r = s
        .http
        .get(s.url(&format!("/?token={}", s.admin)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly; SameSite=Strict"));
    let r = s.http.get(s.url("/?token=wf_bad")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("set-cookie").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_is_3x_and_describes_every_route_that_answers() {
    let s = start().await;
    let (st, spec) = s.get("/api/openapi.json", &s.admin).await;
    assert_eq!(st, StatusCode::OK);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec["info"]["title"].is_string() && spec["info"]["version"].is_string());
    let paths = spec["paths"].as_object().unwrap();
    let mut described = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                ROUTES.iter().any(|r| r.path == path && r.method == method),
                "{method} {path} is not a route"
            );
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
            described += 1;
        }
    }
    assert_eq!(described, ROUTES.len());
    for r in ROUTES {
        assert!(
            paths[r.path][r.method].is_object(),
            "{} {} missing",
            r.method,
            r.path
        );
        let path = r
            .path
            .replace("{id}", "999999")
            .replace("{name}", "no-such-pack");
        let m = reqwest::Method::from_bytes(r.method.to_uppercase().as_bytes()).unwrap();
        let resp = s
            .http
            .request(m, s.url(&path))
            .bearer_auth(&s.admin)
            .body("{}")
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let body = resp.text().await.unwrap();
        assert!(
            !body.contains("no such API route"),
            "{} {path} is described but not routed",
            r.method
        );
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {path}",
            r.method
        );
    }
    // And the fallback really does catch unknown routes.
    let (st, v) = s.get("/api/nonesuch", &s.admin).await;
    assert_eq!((st, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_indicators_and_geojson_export() {
    let s = start().await;
    let (_, id) = s.seeded().await;
    let (_, v) = s.get("/api/search?q=Iskander%20missiles", &s.admin).await;
    assert_eq!(v["hits"][0]["id"], id);
    assert!(v["hits"][0]["snippet"]
        .as_str()
        .unwrap()
        .contains('\u{E000}'));
    let (_, v) = s.get("/api/search?q=%22OR%20(", &s.admin).await;
    assert_eq!(v["hits"].as_array().unwrap().len(), 0);

    let (st, board) = s
        .get("/api/indicators?campaign=russia-belarus", &s.admin)
        .await;
    assert_eq!(st, StatusCode::OK, "{board}");
    let evidence = |b: &Value| -> usize {
        b["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["evidence"].as_array().unwrap().len())
            .sum()
    };
    let (_, early) = s
        .get(
            "/api/indicators?campaign=russia-belarus&to=2021-12-31",
            &s.admin,
        )
        .await;
    assert!(
        evidence(&board) > evidence(&early),
        "{} vs {}",
        evidence(&board),
        evidence(&early)
    );

    let r = s
        .http
        .get(s.url("/api/export/events.geojson?type=deployment"))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let fc: Value = r.json().await.unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let f = &fc["features"][0];
    assert_eq!(f["geometry"]["type"], "Point");
    let c = f["geometry"]["coordinates"].as_array().unwrap();
    assert!(
        c[0].as_f64().unwrap() > 25.9 && c[1].as_f64().unwrap() > 53.0,
        "lon, lat order"
    );
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
}
