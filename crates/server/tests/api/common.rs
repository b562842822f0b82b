//! A real server on a real database, called in-process through its router:
//! the same HTTP handling and storage users get. Every test that stores
//! anything runs twice, on a SQLite file in a temporary folder and on a
//! database of its own in the PostgreSQL server `BARAZA_TEST_POSTGRES` names
//! (`scripts/test` starts one): see [`databases`].

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use baraza_core::staff::Role;
use baraza_server::http;
use baraza_server::http::limits::WriteLimit;
use baraza_server::receipts::ReceiptKey;
use baraza_server::storage::{consultations, tokens, Store};
use http_body_util::BodyExt;
use rstest_reuse::template;
use serde_json::{json, Value};
use tempfile::TempDir;
use time::OffsetDateTime;
use tower::ServiceExt;

/// The databases the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
}

/// The cases of a test that runs on each database: `#[apply(databases)]`
/// on a test that takes `#[case] database: Database`.
#[template]
#[rstest]
#[case::sqlite(Database::Sqlite)]
#[case::postgres(Database::Postgres)]
pub fn databases(#[case] database: Database) {}

/// The variable naming the PostgreSQL server tests make their databases in.
const POSTGRES: &str = "BARAZA_TEST_POSTGRES";

/// A new, empty database for one test: a file in `dir`, or a database of
/// its own in the test PostgreSQL server, dropped when this is.
pub struct TestDatabase {
    pub url: String,
    /// The PostgreSQL server's URL and this database's name in it.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// The SQLite file at `path`, as it is.
    pub fn sqlite_file(path: &Path) -> TestDatabase {
        TestDatabase { url: path.to_str().unwrap().to_owned(), postgres: None }
    }

    pub async fn new(database: Database, dir: &Path) -> TestDatabase {
        match database {
            Database::Sqlite => {
                TestDatabase { url: dir.join("baraza.db").to_str().unwrap().to_owned(), postgres: None }
            }
            Database::Postgres => {
                let server = std::env::var(POSTGRES).unwrap_or_else(|_| {
                    panic!(
                        "the PostgreSQL runs of the server tests need a PostgreSQL server: run them with \
                         scripts/test, or start a throwaway one around them with `scripts/postgres cargo test \
                         -p baraza-server`, or set {POSTGRES} to the URL of a server where they may create \
                         databases (postgres://user@host:port/postgres). `cargo test -p baraza-server sqlite` \
                         runs the SQLite runs alone."
                    )
                });
                let name = format!("baraza_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&server).await.expect("the test PostgreSQL server answers");
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
                admin.close().await;
                let url = database_url(&server, &name);
                TestDatabase { url, postgres: Some((server, name)) }
            }
        }
    }
}

impl TestDatabase {
    /// Drops a PostgreSQL database at once, cutting the connections to it:
    /// to its servers, as if its cluster had stopped.
    pub async fn drop_now(&self) {
        let (server, name) = self.postgres.as_ref().expect("a PostgreSQL database");
        let admin = sqlx::PgPool::connect(server).await.expect("the test PostgreSQL server answers");
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&admin).await.unwrap();
        admin.close().await;
    }
}

/// `server` (a PostgreSQL URL) with its database replaced by `name`.
fn database_url(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').map_or((server, None), |(base, query)| (base, Some(query)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        url = format!("{url}?{query}");
    }
    url
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else { return };
        // Dropped from a thread of its own: this may run inside a test's runtime.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(admin) = sqlx::PgPool::connect(&server).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
                    admin.close().await;
                }
            });
        })
        .join()
        .unwrap();
    }
}

pub const WATER: &str = "water-services-2027";
pub const ROAD: &str = "coastal-road-plan";
pub const VILLAGE: &str = "kijiji-budget-2027";
pub const PARTICIPANT: &str = "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11";
pub const OTHER_PARTICIPANT: &str = "7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22";
pub const THIRD_PARTICIPANT: &str = "0b7c3e55-1f2a-4d6b-9c8e-3a4f5b6c7d80";

/// The built app's page: long enough to be worth compressing.
pub const INDEX_HTML: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Baraza</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
<body><noscript>Baraza needs JavaScript to run on this phone.</noscript></body></html>";

/// The page of a consultation's address.
pub const CONSULTATION_HTML: &str =
    "<!doctype html><html lang=\"en\"><title>Baraza</title><body><!-- c --></body></html>";

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
    pub store: Store,
    state: http::AppState,
    router: Router,
    /// Shared by every server on this database; dropped with the last.
    pub database: Arc<TestDatabase>,
    pub dir: Arc<TempDir>,
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
    pub async fn start(database: Database) -> Self {
        let server = Self::empty(database).await;
        for id in [WATER, ROAD, VILLAGE] {
            server.publish(definition(id)).await;
        }
        server
    }

    pub async fn empty(database: Database) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::new(database, dir.path()).await;
        Self::on(database, dir).await
    }

    /// A server on `database`, as it is, with a small built app in `dir`.
    pub async fn on(database: TestDatabase, dir: TempDir) -> Self {
        Self::on_with_key(database, dir, None).await
    }

    /// [`TestServer::on`], given its key at start as `--key-file` gives it.
    pub async fn on_with_key(database: TestDatabase, dir: TempDir, key: Option<ReceiptKey>) -> Self {
        let dist = dir.path().join("dist");
        std::fs::create_dir(&dist).unwrap();
        std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
        std::fs::create_dir(dist.join("consultation")).unwrap();
        std::fs::write(dist.join("consultation/index.html"), CONSULTATION_HTML).unwrap();
        std::fs::write(dist.join("baraza-app-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dist.join("manifest.webmanifest"), "{}").unwrap();
        std::fs::create_dir(dist.join("staff")).unwrap();
        std::fs::write(dist.join("staff/index.html"), STAFF_HTML).unwrap();
        std::fs::write(dist.join("staff/baraza-staff-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
        let database = Arc::new(database);
        let store = Store::open_with_key(&database.url, key).await.unwrap();
        let state = http::AppState::new(store.clone(), dist);
        TestServer { store, router: http::router(state.clone()), state, database, dir: Arc::new(dir) }
    }

    /// The same database and app served by a new server, as after a restart.
    pub async fn restart(self) -> Self {
        self.restart_with_key(None).await
    }

    /// [`TestServer::restart`], given its key at start as `--key-file` gives it.
    pub async fn restart_with_key(self, key: Option<ReceiptKey>) -> Self {
        let TestServer { store, database, dir, .. } = self;
        store.close().await;
        let store = Store::open_with_key(&database.url, key).await.unwrap();
        let state = http::AppState::new(store.clone(), dir.path().join("dist"));
        TestServer { store, router: http::router(state.clone()), state, database, dir }
    }

    /// Another server on the same database, as when several serve one
    /// PostgreSQL database behind a proxy.
    pub async fn another(&self) -> TestServer {
        let store = Store::open(&self.database.url).await.unwrap();
        let state = http::AppState::new(store.clone(), self.dir.path().join("dist"));
        TestServer {
            store,
            router: http::router(state.clone()),
            state,
            database: self.database.clone(),
            dir: self.dir.clone(),
        }
    }

    /// The same database and app, served with another write limit.
    pub async fn with_write_limit(self, write_limit: Option<WriteLimit>) -> Self {
        let state = self.state.clone().with_write_limit(write_limit);
        TestServer { router: http::router(state.clone()), state, ..self }
    }

    /// The same database and app, with links made from `public_url`.
    pub fn with_public_url(self, public_url: &str) -> Self {
        let state = self.state.clone().with_public_url(Some(public_url.to_owned()));
        TestServer { router: http::router(state.clone()), state, ..self }
    }

    /// The same database and app, waiting at most `timeout` for a body.
    pub fn with_body_timeout(self, timeout: std::time::Duration) -> Self {
        let state = self.state.clone().with_body_timeout(timeout);
        TestServer { router: http::router(state.clone()), state, ..self }
    }

    /// The same database and app, sending `Strict-Transport-Security`.
    pub fn with_hsts(self) -> Self {
        let state = self.state.clone().with_hsts(true);
        TestServer { router: http::router(state.clone()), state, ..self }
    }

    /// The router that answers this server's requests, to serve over TCP.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The same database and app, with a sync queue of `actions` actions.
    pub fn with_write_queue(self, actions: usize) -> Self {
        let state = self.state.clone().with_write_queue(actions);
        TestServer { router: http::router(state.clone()), state, ..self }
    }

    /// The text `GET /metrics` answers on `--metrics-addr`.
    pub async fn metrics(&self) -> String {
        let request = Request::get("/metrics").body(Body::empty()).unwrap();
        let response = http::metrics::router(&self.state).oneshot(request).await.unwrap();
        String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    }

    /// The value of one metric in [`TestServer::metrics`].
    pub async fn metric(&self, name: &str) -> f64 {
        let metrics = self.metrics().await;
        let line = metrics.lines().find(|line| line.split(' ').next() == Some(name));
        line.and_then(|line| line.split(' ').nth(1))
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {metrics}"))
    }

    /// The first column of every row `sql` answers, read alike from either
    /// database.
    pub async fn column<T: Column>(&self, sql: &str) -> Vec<T> {
        let mut db = self.store.read().await.unwrap();
        baraza_server::on!(&mut db, |c| sqlx::query_scalar(sql).fetch_all(c).await).unwrap()
    }

    /// The one value `sql` answers.
    pub async fn scalar<T: Column>(&self, sql: &str) -> T {
        let mut values = self.column(sql).await;
        assert_eq!(values.len(), 1, "{sql}");
        values.remove(0)
    }

    /// Runs statements that take no parameters, in one write transaction.
    pub async fn execute(&self, sql: &str) {
        let mut tx = self.store.begin_write().await.unwrap();
        baraza_server::on!(&mut tx, |c| sqlx::raw_sql(sql).execute(c).await.map(drop)).unwrap();
        tx.commit().await.unwrap();
    }

    pub async fn publish(&self, definition: Value) {
        let checked = baraza_core::validate::parse_definition(&definition.to_string()).unwrap();
        consultations::store(&self.store, &checked.consultation, OffsetDateTime::now_utc()).await.unwrap();
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
        tokens::create(&self.store, &format!("Test {role}"), role, OffsetDateTime::now_utc()).await.unwrap()
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

/// What [`TestServer::column`] reads: a type both databases decode.
pub trait Column:
    for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + Send
    + Unpin
{
}

impl<T> Column for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + Send
        + Unpin
{
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
    assert!(tokens::revoke(&server.store, id, OffsetDateTime::now_utc()).await.unwrap());
}

/// A ballot action cast at a given time, for replacement tests.
pub fn ballot_cast_at(id: &str, consultation: &str, item: &str, ballot: Value, cast_at: &str) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "ballot", "item": item, "ballot": ballot,
            "cast_at": cast_at })
}

pub fn feedback(id: &str, consultation: &str, item: &str, useful: bool) -> Value {
    json!({ "id": id, "consultation": consultation, "kind": "feedback", "item": item, "useful": useful })
}

/// Everything staff and the public can read of a consultation, as bytes:
/// its results (public and staff), its exports (the JSON export's time of
/// export left out), its comments and the check of each receipt.
pub async fn everything_readable(server: &TestServer, id: &str, receipts: &[String]) -> Vec<(String, Vec<u8>)> {
    let analyst = server.token(Role::Analyst).await;
    let mut paths = vec![
        format!("/api/v1/consultations/{id}/results"),
        format!("/api/v1/consultations/{id}/comments"),
        format!("/api/v1/admin/consultations/{id}/results"),
        format!("/api/v1/admin/consultations/{id}/comments"),
        format!("/api/v1/admin/consultations/{id}/export.csv"),
        format!("/api/v1/admin/consultations/{id}/tallies.csv"),
        format!("/api/v1/admin/consultations/{id}/export.json"),
    ];
    paths.extend(receipts.iter().map(|receipt| format!("/api/v1/admin/receipts/{receipt}")));
    let mut read = Vec::new();
    for path in paths {
        let answer = server.send_as("GET", &path, Some(&analyst), None).await;
        let mut body = answer.body;
        if path.ends_with("export.json") {
            body = without_export_time(&body);
        }
        read.push((format!("{path} {}", answer.status), body));
    }
    read
}

/// The JSON export with the value of its `exported_at` blanked: the one
/// part that says when it was read.
fn without_export_time(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let start = text.find("\"exported_at\":\"").expect("an exported_at") + "\"exported_at\":\"".len();
    let end = start + text[start..].find('"').unwrap();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// The village budget, with results shown live so the tests can read them,
/// and `count` participation codes issued for it.
pub async fn village_with_codes(database: Database, count: u32) -> (TestServer, Vec<String>) {
    let server = TestServer::empty(database).await;
    let mut village = definition(VILLAGE);
    village["results"] = json!("live");
    server.publish(village).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{VILLAGE}/codes");
    let answer = server.send_as("POST", &path, Some(&publisher), Some(json!({ "count": count }))).await;
    assert_eq!(answer.status, StatusCode::OK);
    let text = String::from_utf8(answer.body).unwrap();
    let codes = text.lines().skip(1).map(|line| line.trim().to_owned()).collect();
    (server, codes)
}
