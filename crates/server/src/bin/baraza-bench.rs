//! `baraza-bench`: loads many ballots into a real SQLite file through the
//! storage code sync uses, then times every kind of results read.
//!
//! `cargo run --release -p baraza-server --bin baraza-bench` loads 1,000,000
//! single-choice ballots, 100,000 instant-runoff rankings and 10,000
//! equal-shares budget ballots over 50 projects, each into its own
//! consultation, and prints:
//! - ingest: ballots per second, many participants' batches per transaction
//!   (so the figure is the storage code's, not the disk's flushes);
//! - each results read: the first (rankings and budgets counted), the next
//!   (reused), and after one more ballot (counted again);
//! - `POST /api/v1/sync` through the HTTP router, one transaction per
//!   request as citizens' phones send them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use baraza_core::sync::SyncRequest;
use baraza_core::validate::parse_definition;
use baraza_core::Consultation;
use baraza_server::http;
use baraza_server::http::AppState;
use baraza_server::storage::sync::{self, Received};
use baraza_server::storage::{consultations, results, Store};
use clap::Parser;
use serde_json::{json, Value};
use time::OffsetDateTime;
use tower::ServiceExt;
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "Load ballots into a SQLite file and time results reads.")]
struct Args {
    /// The SQLite file to create (it must not exist). Default: a new file in the temporary folder, removed after.
    #[arg(long)]
    database: Option<PathBuf>,
    #[arg(long, default_value_t = 1_000_000)]
    single: usize,
    #[arg(long, default_value_t = 100_000)]
    rankings: usize,
    #[arg(long, default_value_t = 10_000)]
    budgets: usize,
    /// Participants' batches per write transaction while loading.
    #[arg(long, default_value_t = 2_000)]
    per_transaction: usize,
    /// `POST /api/v1/sync` requests sent for the HTTP figure.
    #[arg(long, default_value_t = 500)]
    http_requests: usize,
}

/// A small deterministic generator, so every run loads the same ballots.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// Skewed towards the first ids, as real preferences are.
    fn skewed(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }
}

fn text() -> Value {
    json!({ "en": "Benchmark" })
}

fn definition(id: &str, item: Value) -> Consultation {
    let definition = json!({
        "id": id, "level": "consult", "default_language": "en",
        "title": text(), "summary": text(), "body": text(),
        "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z",
        "eligibility": "open", "results": "live", "comments": false,
        "items": [item],
    });
    parse_definition(&definition.to_string()).expect("the benchmark's definitions are valid").consultation
}

fn options(prefix: &str, n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({ "id": format!("{prefix}-{i}"), "label": text() })).collect()
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baraza-bench: {error}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (path, temporary) = match args.database.clone() {
        Some(path) => (path, false),
        None => (std::env::temp_dir().join(format!("baraza-bench-{}.db", std::process::id())), true),
    };
    if path.exists() {
        return Err(format!("{} exists; name a new file", path.display()).into());
    }
    let store = Store::open(path.to_str().ok_or("the database path is not UTF-8")?).await?;
    let state = AppState::new(store.clone(), PathBuf::from("dist"));
    let now = OffsetDateTime::now_utc();

    let choice = definition(
        "bench-choice",
        json!({ "id": "tariff", "type": "single_choice", "title": text(), "options": options("option", 5) }),
    );
    let ranking = definition(
        "bench-ranking",
        json!({ "id": "sites", "type": "ranking", "method": "instant_runoff", "title": text(),
                "options": options("site", 8) }),
    );
    let projects: Vec<Value> = (0..50)
        .map(|i| json!({ "id": format!("project-{i}"), "cost": 10_000 + 1_000 * (i % 17), "label": text() }))
        .collect();
    let budget = definition(
        "bench-budget",
        json!({ "id": "projects", "type": "budget", "method": "equal_shares", "total": 200_000,
                "currency": "KES", "title": text(), "projects": projects }),
    );
    for consultation in [&choice, &ranking, &budget] {
        consultations::store(&store, consultation, now).await?;
    }

    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    println!("database: {}", path.display());
    println!("ingest (storage code of /sync, {} participants' batches per transaction):", args.per_transaction);
    let single = load(
        &store,
        &args,
        "bench-choice",
        "tariff",
        args.single,
        |_| json!({ "choice": format!("option-{}", random.skewed(5)) }),
    )
    .await?;
    let rankings = load(&store, &args, "bench-ranking", "sites", args.rankings, |_| {
        let mut sites: Vec<usize> = (0..8).collect();
        let length = 1 + random.below(8);
        for i in 0..length {
            let j = i + random.skewed(8 - i);
            sites.swap(i, j);
        }
        json!({ "ranking": sites[..length].iter().map(|s| format!("site-{s}")).collect::<Vec<_>>() })
    })
    .await?;
    let budgets = load(&store, &args, "bench-budget", "projects", args.budgets, |_| {
        // Up to 6 distinct projects, well within the budget.
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..1 + random.below(6) {
            let project = random.skewed(50);
            if !chosen.contains(&project) {
                chosen.push(project);
            }
        }
        json!({ "projects": chosen.iter().map(|p| format!("project-{p}")).collect::<Vec<_>>() })
    })
    .await?;
    for (what, (count, took)) in [("single choice", single), ("rankings", rankings), ("budgets", budgets)] {
        println!(
            "  {what:>14}: {count:>9} ballots in {:>8.1} s = {:>7.0} ballots/s",
            took.as_secs_f64(),
            rate(count, took)
        );
    }

    println!("results reads (in-process, database as loaded):");
    for (consultation, item) in [(&choice, "tariff"), (&ranking, "sites"), (&budget, "projects")] {
        let definition = store.definition(&consultation.id).await?;
        let first = timed(results::tally(&store, &definition)).await?;
        let again = timed(results::tally(&store, &definition)).await?;
        let admin = timed(results::admin(&store, &definition)).await?;
        // One more ballot: the kept counters move, a ranking or budget is counted again.
        let extra = match item {
            "tariff" => json!({ "choice": "option-1" }),
            "sites" => json!({ "ranking": ["site-2", "site-1"] }),
            _ => json!({ "projects": ["project-3"] }),
        };
        let request = Received { request: sync_request(&consultation.id, item, extra), at: now };
        sync::record(&store, &[request]).await?;
        let after = timed(results::tally(&store, &definition)).await?;
        let summary = summary(&after.1);
        println!(
            "  {:>14}: first {:>9} | next {:>9} | admin {:>9} | after one more ballot {:>9}   {summary}",
            consultation.id,
            ms(first.0),
            ms(again.0),
            ms(admin.0),
            ms(after.0),
        );
    }

    println!("POST /api/v1/sync through the HTTP router (one transaction and disk flush per request):");
    let router = http::router(state.clone());
    let started = Instant::now();
    for _ in 0..args.http_requests {
        let request = sync_request("bench-choice", "tariff", json!({ "choice": "option-2" }));
        send(&router, &request).await?;
    }
    let took = started.elapsed();
    println!(
        "  sequential, 1 ballot each:  {:>5} requests in {:>6.2} s = {:>6.0} ballots/s",
        args.http_requests,
        took.as_secs_f64(),
        rate(args.http_requests, took)
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let router = router.clone();
        let per_task = args.http_requests / 8;
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_task {
                let request = sync_request("bench-choice", "tariff", json!({ "choice": "option-3" }));
                send(&router, &request).await.map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let took = started.elapsed();
    let sent = args.http_requests / 8 * 8;
    println!(
        "  8 phones at once, 1 each:   {sent:>5} requests in {:>6.2} s = {:>6.0} ballots/s",
        took.as_secs_f64(),
        rate(sent, took)
    );

    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("database size: {:.0} MiB", size as f64 / (1024.0 * 1024.0));
    store.close().await;
    if temporary {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    Ok(())
}

fn sync_request(consultation: &str, item: &str, ballot: Value) -> SyncRequest {
    let action = json!({ "id": Uuid::new_v4(), "consultation": consultation, "kind": "ballot",
                         "item": item, "ballot": ballot });
    SyncRequest { participant: Uuid::new_v4(), code: None, actions: vec![action] }
}

/// Loads `count` ballots from as many new participants, one batch each,
/// `per_transaction` batches to a transaction.
async fn load(
    store: &Store,
    args: &Args,
    consultation: &str,
    item: &str,
    count: usize,
    mut ballot: impl FnMut(usize) -> Value,
) -> Result<(usize, Duration), Box<dyn std::error::Error>> {
    let now = OffsetDateTime::now_utc();
    let started = Instant::now();
    let mut loaded = 0;
    while loaded < count {
        let end = count.min(loaded + args.per_transaction);
        let requests: Vec<Received> =
            (loaded..end).map(|i| Received { request: sync_request(consultation, item, ballot(i)), at: now }).collect();
        for results in sync::record(store, &requests).await? {
            if results[0].status != baraza_core::sync::ActionStatus::Accepted {
                return Err(format!("a benchmark ballot was not accepted: {:?}", results[0]).into());
            }
        }
        loaded = end;
    }
    Ok((count, started.elapsed()))
}

async fn send(router: &axum::Router, request: &SyncRequest) -> Result<(), Box<dyn std::error::Error>> {
    let http_request = Request::post("/api/v1/sync")
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(request)?))?;
    let response = router.clone().oneshot(http_request).await?;
    if response.status() != StatusCode::OK {
        return Err(format!("sync answered {}", response.status()).into());
    }
    axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    Ok(())
}

async fn timed<T, E>(work: impl std::future::Future<Output = Result<T, E>>) -> Result<(Duration, T), E> {
    let started = Instant::now();
    let value = work.await?;
    Ok((started.elapsed(), value))
}

fn rate(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64()
}

fn ms(took: Duration) -> String {
    format!("{:.2} ms", took.as_secs_f64() * 1000.0)
}

/// What the count found, so a run shows it counted what it loaded.
fn summary(results: &baraza_core::api::ResultsResponse) -> String {
    let item = &results.items[0];
    let mut summary = format!("ballots {}", item.ballots.unwrap_or(0));
    if let Some(winner) = &item.winner {
        summary += &format!(", winner {winner} after {} rounds", item.rounds.as_ref().map_or(0, Vec::len));
    }
    if let Some(selected) = &item.selected {
        summary += &format!(", {} projects funded", selected.len());
    }
    summary
}
