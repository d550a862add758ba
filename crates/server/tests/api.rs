//! End-to-end API tests: the whole server, in process, on a loopback port
//! over a temporary database, driven by a real HTTP client.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use watchfloor_extract::Knowledge;
use watchfloor_server::{first_admin_token, openapi::ROUTES, App, CONTENT_SECURITY_POLICY};

const HOSTILE: &[u8] = include_bytes!("fixtures/hostile.jsonl");
/// One document whose one event (an exercise at Minsk) has no date.
const UNDATED: &[u8] = include_bytes!("fixtures/undated.jsonl");
/// One document whose one event happens at a catalogue site (a field camp)
/// that names no gazetteer place.
const AT_A_SITE: &[u8] = include_bytes!("fixtures/site.jsonl");

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
    // Revoking is a write.
    let ana_id = trail[2]["target"]
        .as_str()
        .unwrap()
        .strip_prefix("token:")
        .unwrap()
        .to_string();
    let r = s
        .http
        .delete(s.url(&format!("/api/tokens/{ana_id}")))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, again) = s.get("/api/audit", &s.admin).await;
    let last = &again["audit"][0];
    assert_eq!(
        (&last["action"], &last["target"], &last["token_name"]),
        (
            &json!("token.revoke"),
            &json!(format!("token:{ana_id}")),
            &json!("first admin")
        )
    );
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
        ("/api/events?undated=sometimes", "invalid_undated"),
        ("/api/export/events.csv?bbox=1,2,3", "invalid_bbox"),
        ("/api/report.html?since=2024-02-30", "invalid_date"),
        (
            "/api/report.html?campaign=x&colour=red",
            "unknown_parameter",
        ),
        ("/api/catalogue/entities?limit=1001", "invalid_limit"),
        ("/api/catalogue/entities?kind=spaceship", "invalid_kind"),
        ("/api/catalogue/entities/bad%20id", "invalid_id"),
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
    let long_q = format!("/api/catalogue/entities?q={}", "a".repeat(201));
    let (st, v) = s.get(&long_q, &s.admin).await;
    assert_eq!((st, code(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));
    // A catalogue entity is a small JSON body: 64 KB at most.
    let big = json!({"kind": "agreement", "name": "X", "note": "n".repeat(70 * 1024)});
    let r = s
        .http
        .put(s.url("/api/catalogue/entities/agreement:BIG"))
        .bearer_auth(&analyst)
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
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

/// The `name=value` part of a `Set-Cookie` answer.
fn cookie_pair(r: &reqwest::Response) -> String {
    r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

impl Server {
    async fn with_cookie(&self, path: &str, cookie: &str) -> StatusCode {
        self.http
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .status()
    }
    async fn sign_in(&self, token: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/session"))
            .json(&json!({ "token": token }))
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_starts_a_server_side_session_in_a_strict_httponly_cookie() {
    let s = start().await;
    let r = s.sign_in("wf_nope").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("set-cookie").is_none());
    let r = s.sign_in(&s.admin).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("; HttpOnly; SameSite=Strict") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(cookie.contains("Max-Age=43200"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );
    let pair = cookie_pair(&r);
    let secret = pair
        .strip_prefix("watchfloor_session=")
        .unwrap()
        .to_string();
    // The cookie holds a session secret of its own, not the token.
    assert!(secret.starts_with("wfs_") && secret.len() == 68, "{secret}");
    assert!(!cookie.contains(&s.admin));
    assert_eq!(s.with_cookie("/api/me", &pair).await, StatusCode::OK);
    // A cookie carrying the bearer token itself is not a session.
    let token_cookie = format!("watchfloor_session={}", s.admin);
    assert_eq!(
        s.with_cookie("/api/me", &token_cookie).await,
        StatusCode::UNAUTHORIZED
    );
    // Only its hash is stored.
    let raw = std::fs::read(&s.db).unwrap();
    let wal = std::fs::read(s.db.with_extension("db-wal")).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "session secret on disk"
        );
    }
    // Behind an HTTPS proxy the cookie is Secure as well.
    let r = s
        .http
        .post(s.url("/api/session"))
        .header("x-forwarded-proto", "https")
        .json(&json!({ "token": s.admin }))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .ends_with("; Secure"));

    // Signing out ends the session on the server, not just in the browser.
    let r = s
        .http
        .delete(s.url("/api/session"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        s.with_cookie("/api/me", &pair).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, trail) = s.get("/api/audit", &s.admin).await;
    let actions: Vec<&str> = trail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["session.end", "session.create", "session.create"]);

    // The sign-in URL printed on first start starts a session too.
    let r = s
        .http
        .get(s.url(&format!("/?token={}", s.admin)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let link = cookie_pair(&r);
    assert!(link.starts_with("watchfloor_session=wfs_"), "{link}");
    assert_eq!(s.with_cookie("/api/me", &link).await, StatusCode::OK);
    let r = s.http.get(s.url("/?token=wf_bad")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("set-cookie").is_none());

    // Revoking a token ends every session made with it.
    let vic = s.token("vic", "viewer").await;
    let a = cookie_pair(&s.sign_in(&vic).await);
    let b = cookie_pair(&s.sign_in(&vic).await);
    assert_ne!(a, b);
    assert_eq!(s.with_cookie("/api/events", &a).await, StatusCode::OK);
    let store = watchfloor_store::Store::open(&s.db).unwrap();
    let vic_id = store
        .tokens()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "vic")
        .unwrap()
        .id;
    let r = s
        .http
        .delete(s.url(&format!("/api/tokens/{vic_id}")))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for c in [&a, &b] {
        assert_eq!(
            s.with_cookie("/api/events", c).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The admin's link session is unaffected.
    assert_eq!(s.with_cookie("/api/me", &link).await, StatusCode::OK);
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
    // The hit says which sentence it stands for, in the document's
    // character offsets (as event evidence does).
    let sentence = &v["hits"][0]["sentence"];
    assert_eq!(
        sentence["text"], "Belarus will host Russian Iskander missiles in Brest next year.",
        "{v}"
    );
    let (_, doc) = s.get(&format!("/api/documents/{id}"), &s.admin).await;
    let quoted: String = doc["text"]
        .as_str()
        .unwrap()
        .chars()
        .skip(sentence["start"].as_u64().unwrap() as usize)
        .take((sentence["end"].as_u64().unwrap() - sentence["start"].as_u64().unwrap()) as usize)
        .collect();
    assert_eq!(quoted, sentence["text"].as_str().unwrap());
    // A word only the title holds points at no sentence.
    let (_, v) = s.get("/api/search?q=notes", &s.admin).await;
    assert_eq!(v["hits"][0]["id"], id, "{v}");
    assert!(v["hits"][0]["sentence"].is_null(), "{v}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undated_events_are_kept_or_left_out_as_asked() {
    let s = start().await;
    let (analyst, _) = s.seeded().await;
    let (st, v) = s.upload(&analyst, "undated.jsonl", UNDATED).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, v) = s.get("/api/events?undated=only", &s.admin).await;
    let undated = v["events"].as_array().unwrap();
    assert_eq!(undated.len(), 1, "{v}");
    assert!(undated[0]["date_start"].is_null());
    assert_eq!(undated[0]["type"], "exercise");
    let all = [
        "agreement_signed",
        "deployment",
        "exercise",
        "nuclear_posture",
    ];
    // Without date bounds undated events are listed, with them left out…
    assert_eq!(s.event_types("").await, all);
    assert_eq!(s.event_types("to=2021-12-31").await, ["deployment"]);
    // …unless asked to keep them, which the dashboard does by default.
    assert_eq!(
        s.event_types("to=2021-12-31&undated=include").await,
        ["deployment", "exercise"]
    );
    assert_eq!(
        s.event_types("from=2022-01-01&undated=include").await,
        ["agreement_signed", "exercise", "nuclear_posture"]
    );
    assert_eq!(
        s.event_types("undated=exclude").await,
        ["agreement_signed", "deployment", "nuclear_posture"]
    );
    assert_eq!(s.event_types("undated=include").await, all);
    // Other filters still apply to them.
    assert_eq!(
        s.event_types("to=2021-12-31&undated=include&domain=political")
            .await,
        Vec::<String>::new()
    );
    // Newest first, undated last, and paged across both.
    let (_, v) = s.get("/api/events?undated=include", &s.admin).await;
    assert_eq!(v["events"][3]["type"], "exercise");
    let page = |q: &'static str| {
        let s = &s;
        async move {
            let (_, v) = s.get(&format!("/api/events?{q}"), &s.admin).await;
            v["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["type"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        page("from=2020-01-01&to=2024-12-31&undated=include").await,
        [
            "nuclear_posture",
            "agreement_signed",
            "deployment",
            "exercise"
        ]
    );
    assert_eq!(
        page("from=2020-01-01&to=2024-12-31&undated=include&limit=2&offset=2").await,
        ["deployment", "exercise"]
    );
    assert_eq!(
        page("from=2020-01-01&to=2024-12-31&undated=include&limit=1&offset=3").await,
        ["exercise"]
    );

    let (st, v) = s.get("/api/events?undated=sometimes", &s.admin).await;
    assert_eq!((st, code(&v)), (StatusCode::BAD_REQUEST, "invalid_undated"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_takes_the_event_filters_and_quotes_hostile_text() {
    let s = start().await;
    s.seeded().await;
    let get = |q: &'static str| {
        let s = &s;
        async move {
            let r = s
                .http
                .get(s.url(&format!("/api/export/events.csv{q}")))
                .bearer_auth(&s.admin)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv"));
            assert!(r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("events.csv"));
            r.text().await.unwrap()
        }
    };
    let all = get("").await;
    let mut lines = all.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(
        lines.next().unwrap(),
        watchfloor_publish::export::CSV_COLUMNS.join(",")
    );
    let mut reader = csv_rows(&all);
    assert_eq!(reader.len(), 3);
    let deployment = reader
        .iter()
        .find(|r| r[2] == "deployment")
        .expect("deployment row");
    assert_eq!(deployment[0], "2021-09-10");
    assert_eq!(deployment[3], "military");
    assert_eq!(deployment[8], "Baranovichi");
    assert!(deployment[9].starts_with("53.") && deployment[10].starts_with("26."));
    assert!(
        deployment[13].contains("<script>alert(\"x\")</script>"),
        "the evidence sentence verbatim in its quoted field: {}",
        deployment[13]
    );
    assert!(
        all.contains("\"\"x\"\""),
        "quotes doubled inside a quoted field"
    );
    reader = csv_rows(&get("?type=deployment").await);
    assert_eq!(reader.len(), 1);
    reader = csv_rows(&get("?from=2022-01-01&modality=projected").await);
    assert_eq!(reader.len(), 1);
    assert_eq!(reader[0][2], "nuclear_posture");
    reader = csv_rows(&get("?bbox=25,52,28,54.5").await);
    assert_eq!(reader.len(), 2);
    let (st, v) = s.get("/api/export/events.csv?limit=100001", &s.admin).await;
    assert_eq!((st, code(&v)), (StatusCode::BAD_REQUEST, "invalid_limit"));
    let r = s
        .http
        .get(s.url("/api/export/events.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// Splits RFC 4180 CSV into rows (after the header) of fields.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows.remove(0);
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_place_an_event_at_its_catalogue_site_as_the_command_line_does() {
    let s = start().await;
    let analyst = s.token("ana", "analyst").await;
    let (st, v) = s.upload(&analyst, "site.jsonl", AT_A_SITE).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["documents"][0]["events"], 1, "{v}");

    // The event as `watchfloor export` reads it from the store…
    let k = knowledge();
    let stored = watchfloor_store::Store::open(&s.db)
        .unwrap()
        .events(&watchfloor_store::EventFilter::default())
        .unwrap();
    assert_eq!(stored.len(), 1);
    let event = &stored[0];
    // …names no gazetteer place but a catalogue site with coordinates.
    let loc = watchfloor_publish::Locator::new(&k);
    assert!(
        event
            .event
            .place
            .as_deref()
            .and_then(|p| loc.place(p))
            .is_none(),
        "the fixture must not name a gazetteer place: {:?}",
        event.event.place
    );
    let site = event
        .event
        .entities
        .iter()
        .filter_map(|id| k.catalogue.get(id))
        .find(|e| e.kind == "site")
        .expect("the event involves a catalogue site");
    let (site_lat, site_lon) = (site.lat.expect("site lat"), site.lon.expect("site lon"));
    // Where the command line puts it (the code `watchfloor export` runs).
    let cli = loc
        .locate(&event.event)
        .expect("the command line locates it");
    assert_eq!(cli.by, watchfloor_publish::export::LocatedBy::Site);
    assert_eq!(
        (cli.id.as_str(), cli.lat, cli.lon),
        (site.id.as_str(), site_lat, site_lon)
    );

    // The server's GeoJSON: the site's point, the same JSON as the CLI's.
    let r = s
        .http
        .get(s.url("/api/export/events.geojson"))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fc: Value = r.json().await.unwrap();
    let feature = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == event.id)
        .expect("the event's feature");
    assert_eq!(feature["geometry"], cli.geometry(), "{feature}");
    let c = &feature["geometry"]["coordinates"];
    assert!(
        (c[0].as_f64().unwrap() - site_lon).abs() < 1e-6
            && (c[1].as_f64().unwrap() - site_lat).abs() < 1e-6,
        "[lon, lat] of {}: {c}",
        site.id
    );
    let props = &feature["properties"];
    assert_eq!(props["located_by"], "site");
    assert_eq!(props["location"], site.name.as_str());
    assert_eq!(props["geo_precision"], cli.precision);

    // The server's CSV: the same point, name and precision.
    let r = s
        .http
        .get(s.url("/api/export/events.csv"))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rows = csv_rows(&r.text().await.unwrap());
    let row = rows
        .iter()
        .find(|r| r[13] == event.event.evidence.text)
        .expect("the event's row");
    assert_eq!(row[8], site.name);
    let (lat, lon): (f64, f64) = (row[9].parse().unwrap(), row[10].parse().unwrap());
    assert_eq!(json!([lon, lat]), cli.geometry()["coordinates"], "{row:?}");
    assert!((lat - site_lat).abs() < 1e-6 && (lon - site_lon).abs() < 1e-6);
    assert_eq!(row[11], cli.precision.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_is_served_escaped_under_a_script_free_policy() {
    let s = start().await;
    let (analyst, _) = s.seeded().await;
    let viewer = s.token("vic", "viewer").await;
    let fetch = |q: &'static str, token: String| {
        let s = &s;
        async move {
            let r = s
                .http
                .get(s.url(&format!("/api/report.html{q}")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let csp = r
                .headers()
                .get("content-security-policy")
                .map(|v| v.to_str().unwrap().to_string());
            let ct = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (status, csp, ct, r.text().await.unwrap())
        }
    };
    let (st, csp, ct, html) = fetch("?campaign=russia-belarus", viewer.clone()).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(ct.unwrap().starts_with("text/html"));
    let csp = csp.unwrap();
    assert_eq!(csp, watchfloor_server::REPORT_CONTENT_SECURITY_POLICY);
    assert!(csp.contains("default-src 'none'") && csp.contains("sandbox"));
    assert!(!csp.contains("script-src"), "no script may run: {csp}");
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(
        html.contains("deployed troops to Baranovichi"),
        "evidence quoted"
    );
    assert!(
        html.contains("&lt;script&gt;alert("),
        "hostile text escaped"
    );
    assert!(!html.contains("<script") && !html.contains("<img src=x"));
    // Evidence known by a day: the 2024 forecast is not in a 2021 report.
    let (_, _, _, early) = fetch("?campaign=russia-belarus&to=2021-12-31", viewer.clone()).await;
    assert!(html.contains("Iskander missiles in Brest"));
    assert!(!early.contains("Iskander missiles in Brest"));
    assert!(early.contains("deployed troops to Baranovichi"));
    // A report is kept until the next write, then made again.
    let (_, _, _, same) = fetch("?campaign=russia-belarus", viewer.clone()).await;
    assert_eq!(same, html);
    assert!(!html.contains("arrived in Minsk for joint training"));
    let (st, _) = s.upload(&analyst, "undated.jsonl", UNDATED).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, _, _, fresh) = fetch("?campaign=russia-belarus", viewer.clone()).await;
    assert!(fresh.contains("arrived in Minsk for joint training"));
    let (st, _, _, body) = fetch("?campaign=nonesuch", viewer.clone()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    let (st, _, _, _) = fetch("?since=2023-01-01&to=2022-01-01", viewer.clone()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, _, _) = fetch("?campaign=russia-belarus", "wf_bad".into()).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysts_edit_the_catalogue_and_later_uploads_use_it() {
    let s = start().await;
    let viewer = s.token("vic", "viewer").await;
    let analyst = s.token("ana", "analyst").await;
    let put = |id: &'static str, token: String, body: Value| {
        let s = &s;
        async move {
            let r = s
                .http
                .put(s.url(&format!("/api/catalogue/entities/{id}")))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let pact = json!({
        "kind": "agreement", "name": "Amber Pact",
        "aliases": {"en": ["Amber Pact"], "ru": ["Янтарный пакт"]},
        "note": "A test agreement."
    });
    let doc = b"In March 2024 Russia and Belarus signed the Amber Pact in Minsk.";
    // Before the edit the name means nothing.
    let (st, v) = s.upload(&analyst, "before.txt", doc).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let mentions = |v: &Value| -> i64 {
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == "agreement:AMBER_PACT")
            .map(|e| e["mentions"].as_i64().unwrap())
            .unwrap_or(0)
    };
    let (_, ents) = s.get("/api/entities?limit=1000", &viewer).await;
    assert_eq!(mentions(&ents), 0);

    // Viewers may read the catalogue but not edit it.
    let (st, v) = put("agreement:AMBER_PACT", viewer.clone(), pact.clone()).await;
    assert_eq!((st, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    let (st, v) = s.get("/api/catalogue/entities/org:CSTO", &viewer).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["entity"]["kind"], "organization");
    assert!(v["entity"]["aliases"]["ru"].is_array());
    assert!(v["edited"].is_null());

    // Bad entities are refused with the reason, and nothing is stored.
    for (body, want) in [
        (json!({"kind": "agreement"}), "name"),
        (
            json!({"kind": "treaty", "name": "X", "aliases": {"en": ["X"]}}),
            "kind",
        ),
        (
            json!({"kind": "agreement", "name": "X", "aliases": {"en": ["X"]}, "country": "ATLANTIS"}),
            "ATLANTIS",
        ),
        (
            json!({"kind": "agreement", "name": "X", "aliases": {"en": ["X"]}, "colour": 1}),
            "colour",
        ),
    ] {
        let (st, v) = put("agreement:BAD", analyst.clone(), body).await;
        assert_eq!(
            (st, code(&v)),
            (StatusCode::BAD_REQUEST, "invalid_entity"),
            "{v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains(want),
            "{v}"
        );
    }
    let (st, v) = put("bad id", analyst.clone(), pact.clone()).await;
    assert_eq!((st, code(&v)), (StatusCode::BAD_REQUEST, "invalid_id"));
    assert_eq!(
        s.get("/api/catalogue/entities/agreement:BAD", &viewer)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // The analyst adds it…
    let (st, v) = put("agreement:AMBER_PACT", analyst.clone(), pact.clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["created"], true);
    let (_, v) = s
        .get("/api/catalogue/entities/agreement:AMBER_PACT", &viewer)
        .await;
    assert_eq!(v["entity"]["name"], "Amber Pact");
    assert_eq!(v["entity"]["aliases"]["ru"][0], "Янтарный пакт");
    assert_eq!(v["edited"]["updated_by"], "ana");
    let (_, list) = s
        .get("/api/catalogue/entities?q=amber&kind=agreement", &viewer)
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["entities"][0]["edited"], true);
    // The list says what kinds and alias languages an entity may have.
    assert!(list["kinds"]
        .as_array()
        .unwrap()
        .contains(&json!("agreement")));
    assert_eq!(list["languages"][0], "en");
    // …and the next upload is extracted with it.
    let (st, _) = s
        .upload(
            &analyst,
            "after.txt",
            b"Minsk confirmed in April 2024 that the Amber Pact is in force.",
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, ents) = s.get("/api/entities?limit=1000", &viewer).await;
    assert_eq!(mentions(&ents), 1, "{ents}");
    // Documents stored before the edit are extracted again on request.
    let extract = |token: String| {
        let s = &s;
        async move {
            let r = s
                .http
                .post(s.url("/api/extract?limit=1"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (st, _) = extract(viewer.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = extract(analyst.clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (v["extracted"].as_i64(), v["remaining"].as_i64()),
        (Some(1), Some(0)),
        "{v}"
    );
    assert!(v["extractor"].as_str().unwrap().contains("+edits."));
    let (_, ents) = s.get("/api/entities?limit=1000", &viewer).await;
    assert_eq!(mentions(&ents), 2, "{ents}");
    let (_, v) = extract(analyst.clone()).await;
    assert_eq!(v["extracted"], 0, "nothing stale is left");

    // Editing a compiled-in entity replaces it; reverting brings it back.
    let (_, csto) = s.get("/api/catalogue/entities/org:CSTO", &viewer).await;
    let mut edited = csto["entity"].clone();
    edited["name"] = json!("CSTO (edited)");
    let (st, v) = put("org:CSTO", analyst.clone(), edited).await;
    assert_eq!((st, &v["created"]), (StatusCode::OK, &json!(false)), "{v}");
    let (_, v) = s.get("/api/catalogue/entities/org:CSTO", &viewer).await;
    assert_eq!(v["entity"]["name"], "CSTO (edited)");
    assert_eq!(v["entity"]["membership"], csto["entity"]["membership"]);
    let del = |id: &'static str, token: String| {
        let s = &s;
        async move {
            s.http
                .delete(s.url(&format!("/api/catalogue/entities/{id}")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(del("org:CSTO", viewer.clone()).await, StatusCode::FORBIDDEN);
    assert_eq!(
        del("org:CSTO", analyst.clone()).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        del("org:CSTO", analyst.clone()).await,
        StatusCode::NOT_FOUND
    );
    let (_, v) = s.get("/api/catalogue/entities/org:CSTO", &viewer).await;
    assert_eq!(v["entity"]["name"], csto["entity"]["name"]);

    // Every edit is in the audit trail with who did it.
    let (_, trail) = s.get("/api/audit", &s.admin).await;
    let edits: Vec<(String, String, String)> = trail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let a = e["action"].as_str().unwrap();
            a.starts_with("catalogue.") || a == "documents.extract"
        })
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
                e["token_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("catalogue.revert", "entity:org:CSTO"),
        ("catalogue.update", "entity:org:CSTO"),
        ("documents.extract", "documents"),
        ("catalogue.update", "entity:agreement:AMBER_PACT"),
    ];
    assert_eq!(edits.len(), want.len(), "{edits:?}");
    for ((a, t, who), (wa, wt)) in edits.iter().zip(want) {
        assert_eq!((a.as_str(), t.as_str(), who.as_str()), (wa, wt, "ana"));
    }
    // A pack's text can be read back for editing.
    let r = s
        .http
        .get(s.url("/api/campaigns/russia-belarus"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("PRG-A"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entities_and_places_are_counted_from_the_evidence() {
    let s = start().await;
    s.seeded().await;
    let (st, v) = s.get("/api/entities", &s.admin).await;
    assert_eq!(st, StatusCode::OK);
    let ents = v["entities"].as_array().unwrap();
    let rus = ents.iter().find(|e| e["id"] == "RUS").expect("Russia");
    assert!(rus["mentions"].as_i64().unwrap() >= 2, "{v}");
    assert_eq!(rus["documents"], 1);
    assert!(rus["name"].is_string() && rus["kind"].is_string());
    let (_, v) = s.get("/api/places", &s.admin).await;
    let places = v["places"].as_array().unwrap();
    let names: Vec<&str> = places.iter().filter_map(|p| p["name"].as_str()).collect();
    for want in ["Baranovichi", "Brest", "Minsk"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    assert!(places
        .iter()
        .all(|p| p["lat"].is_number() && p["events"] == 1));
    let (_, v) = s.get("/api/places?limit=1", &s.admin).await;
    assert_eq!(v["places"].as_array().unwrap().len(), 1);
}
