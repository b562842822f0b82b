//! A real server on a real SQLite file in a temporary folder, called in-process
//! through its router: the same HTTP handling and storage users get.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use baraza_core::staff::Role;
use baraza_server::http;
use baraza_server::http::limits::WriteLimit;
use baraza_server::storage::{self as db, consultations, tokens};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tempfile::TempDir;
use time::OffsetDateTime;
use tower::ServiceExt;

pub const WATER: &str = "water-services-2027";
pub const ROAD: &str = "coastal-road-plan";
pub const VILLAGE: &str = "kijiji-budget-2027";
pub const PARTICIPANT: &str = "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11";
pub const OTHER_PARTICIPANT: &str = "7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22";

/// The built app's page: long enough to be worth compressing.
pub const INDEX_HTML: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Baraza</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
<body><noscript>Baraza needs JavaScript to run on this phone.</noscript></body></html>";

/// The staff side's page.
pub const STAFF_HTML: &str = "<!doctype html><html lang=\"en\"><title>Baraza staff</title></html>";

/// A demo definition, re-dated to be open from 2020 to 2099 so tests never
/// depend on today's date.
pub fn definition(id: &str) -> Value {
    let json = match id {
        WATER => include_str!("../../../../demo/consultations/consult-water-services.json"),
        ROAD => include_str!("../../../../demo/consultations/inform-coastal-road.json"),
        VILLAGE => include_str!("../../../../demo/consultations/decide-village-budget.json"),
        other => panic!("no demo definition {other}"),
    };
    let mut definition: Value = serde_json::from_str(json).unwrap();
    definition["opens_at"] = json!("2020-01-01T00:00:00Z");
    definition["closes_at"] = json!("2099-01-01T00:00:00Z");
    definition
}

pub struct TestServer {
    pub dir: TempDir,
    pub pool: sqlx::SqlitePool,
    router: Router,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().expect("an error code").to_owned()
    }
}

impl TestServer {
    /// A server with the three demo consultations published and a small
    /// built app in its `dist/`.
    pub async fn start() -> Self {
        let server = Self::empty().await;
        for id in [WATER, ROAD, VILLAGE] {
            server.publish(definition(id)).await;
        }
        server
    }

    pub async fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir(&dist).unwrap();
        std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
        std::fs::write(dist.join("baraza-app-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dist.join("manifest.webmanifest"), "{}").unwrap();
        std::fs::create_dir(dist.join("staff")).unwrap();
        std::fs::write(dist.join("staff/index.html"), STAFF_HTML).unwrap();
        std::fs::write(dist.join("staff/baraza-staff-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
        let pool = db::open(dir.path().join("baraza.db").to_str().unwrap()).await.unwrap();
        let router = Self::router(&pool, &dir).await;
        TestServer { dir, pool, router }
    }

    /// The same database and app served by a new server, as after a restart.
    pub async fn restart(self) -> Self {
        let TestServer { dir, pool, .. } = self;
        pool.close().await;
        let pool = db::open(dir.path().join("baraza.db").to_str().unwrap()).await.unwrap();
        let router = Self::router(&pool, &dir).await;
        TestServer { dir, pool, router }
    }

    /// The same database and app, served with another write limit.
    pub async fn with_write_limit(self, write_limit: Option<WriteLimit>) -> Self {
        let state = http::AppState::new(self.pool.clone(), self.dir.path().join("dist")).await.unwrap();
        TestServer { router: http::router(state.with_write_limit(write_limit)), ..self }
    }

    async fn router(pool: &sqlx::SqlitePool, dir: &TempDir) -> Router {
        let state = http::AppState::new(pool.clone(), dir.path().join("dist")).await.unwrap();
        http::router(state)
    }

    pub async fn publish(&self, definition: Value) {
        let checked = baraza_core::validate::parse_definition(&definition.to_string()).unwrap();
        consultations::store(&self.pool, &checked.consultation, OffsetDateTime::now_utc()).await.unwrap();
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer { status, headers, body }
    }

    /// A new staff token with this role.
    pub async fn token(&self, role: Role) -> String {
        tokens::create(&self.pool, &format!("Test {role}"), role, OffsetDateTime::now_utc()).await.unwrap()
    }

    /// A request as the holder of `token` (none: no Authorization header).
    pub async fn send_as(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, path: &str, header: (header::HeaderName, &str)) -> Answer {
        self.send(Request::get(path).header(header.0, header.1).body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, content_type: &str, body: impl Into<Body>) -> Answer {
        let request = Request::post(path).header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap();
        self.send(request).await
    }

    /// Sends a sync batch and answers its per-action results.
    pub async fn sync(&self, participant: &str, actions: &[Value]) -> Vec<Value> {
        self.sync_with_code(participant, None, actions).await
    }

    pub async fn sync_with_code(&self, participant: &str, code: Option<&str>, actions: &[Value]) -> Vec<Value> {
        let mut request = json!({ "participant": participant, "actions": actions });
        if let Some(code) = code {
            request["code"] = json!(code);
        }
        let answer = self.post("/api/v1/sync", "application/json", request.to_string()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        answer.json()["results"].as_array().unwrap().clone()
    }

    pub async fn results(&self, consultation: &str) -> Value {
        let answer = self.get(&format!("/api/v1/consultations/{consultation}/results")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        answer.json()
    }

    /// The counts of one item in the public results.
    pub async fn counts(&self, consultation: &str, item: &str) -> Value {
        let results = self.results(consultation).await;
        results["items"].as_array().unwrap().iter().find(|i| i["id"] == item).unwrap()["counts"].clone()
    }
}

/// A new action id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn ballot(id: &str, consultation: &str, item: &str, ballot: Value) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "ballot", "item": item, "ballot": ballot })
}

/// A time as RFC 3339, as a device writes `cast_at`.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap()
}

pub fn reaction(id: &str, consultation: &str, comment: &str, value: &str) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "reaction", "comment": comment, "value": value })
}

pub fn comment(id: &str, consultation: &str, body: &str) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "comment", "item": null, "reply_to": null,
            "body": body, "language": "en" })
}

/// Revokes a token made by [`TestServer::token`] (`baraza_<id>_<secret>`).
pub async fn revoke(server: &TestServer, token: &str) {
    let id = token.strip_prefix("baraza_").and_then(|rest| rest.split('_').next()).unwrap();
    assert!(tokens::revoke(&server.pool, id, OffsetDateTime::now_utc()).await.unwrap());
}

/// A ballot action cast at a given time, for replacement tests.
pub fn ballot_cast_at(id: &str, consultation: &str, item: &str, ballot: Value, cast_at: &str) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "ballot", "item": item, "ballot": ballot,
            "cast_at": cast_at })
}

pub fn feedback(id: &str, consultation: &str, item: &str, useful: bool) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "feedback", "item": item, "useful": useful })
}
