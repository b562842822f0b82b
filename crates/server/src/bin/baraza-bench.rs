//! `baraza-bench`: the real server on loopback, driven over TCP by the
//! benchmark's own HTTP/1.1 client (`scripts/bench`, or `cargo run --release
//! -p baraza-server --bin baraza-bench -- --help`).
//!
//! It starts `baraza serve` (this binary run as the server, in a process of
//! its own) on a new database with the write limit off, and sends sync
//! requests from many phones at once, each phone one keep-alive connection
//! and every request new ids: closed-loop (each phone sends again as soon as
//! it is answered) with 1 ballot or 20 ballots per request, and open-loop at
//! fixed rates (each phone on its own timetable, latency counted from when
//! the request was due). For each run it prints ballots per second, the
//! latency (p50, p99, max), errors by status and how many requests the
//! server's writer put in each transaction (from its metrics). It then fills
//! the database to a million ballots and prints the disk bytes per ballot,
//! the server's peak memory and the time of a results read; then the raw
//! insert ceiling of the same rows with the same settings, written straight
//! into a new database, and the ratio to it. All of it on SQLite, then on
//! PostgreSQL when `--postgres` names a server.

use std::collections::BTreeMap;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baraza_core::validate::parse_definition;
use baraza_server::storage::{consultations, Store};
use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use time::OffsetDateTime;
use tokio::sync::Mutex;
use uuid::Uuid;

/// Set in the environment of the child this binary starts as the server.
const RUN_AS_SERVER: &str = "BARAZA_BENCH_RUN_AS_SERVER";

/// Items of the benchmark's consultation: a batch of 20 is one phone's
/// answers to all of them.
const ITEMS: usize = 20;
const OPTIONS: usize = 5;

#[derive(Parser)]
#[command(about = "Drive the real server over TCP and print throughput, latency, size and memory.")]
struct Args {
    /// Seconds each run lasts.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Phones of the closed-loop runs (each run once with 1 ballot, once with
    /// 20 ballots per request).
    #[arg(long, value_delimiter = ',', default_value = "1,100,256,1000")]
    phones: Vec<usize>,
    /// Open-loop runs, as PHONES:BALLOTS-PER-SECOND (1 ballot per request).
    #[arg(long, value_delimiter = ',', default_value = "1000:2000,1000:5000,1000:10000")]
    rates: Vec<String>,
    /// Ballots the database holds when size, memory and results are measured.
    #[arg(long, default_value_t = 1_000_000)]
    fill: usize,
    /// Rankings cast for the counting figures (instant-runoff, 8 options).
    #[arg(long, default_value_t = 100_000)]
    rankings: usize,
    /// Budget ballots cast for the counting figures (equal shares, 50 projects).
    #[arg(long, default_value_t = 10_000)]
    budgets: usize,
    /// Rows written straight into a new database for the insert ceiling.
    #[arg(long, default_value_t = 200_000)]
    ceiling_rows: usize,
    /// A PostgreSQL server URL to run everything on too, in a new database
    /// (`scripts/bench` starts one that flushes every commit to disk).
    #[arg(long, env = "BARAZA_BENCH_POSTGRES")]
    postgres: Option<String>,
}

fn main() -> ExitCode {
    if std::env::var_os(RUN_AS_SERVER).is_some() {
        return baraza_server::cli::Cli::parse().run();
    }
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baraza-bench: {error}");
            ExitCode::from(2)
        }
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

async fn run(args: Args) -> Result<(), Failure> {
    let folder = std::env::temp_dir().join(format!("baraza-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let sqlite = folder.join("bench.db");
    let outcome =
        bench(&args, "SQLite (WAL, synchronous=FULL)", sqlite.to_str().ok_or("a path that is not UTF-8")?).await;
    let outcome = match (outcome, &args.postgres) {
        (Ok(()), Some(server)) => {
            let (url, drop) = new_postgres_database(server).await?;
            let outcome = bench(&args, "PostgreSQL", &url).await;
            drop.await?;
            outcome
        }
        (outcome, _) => outcome,
    };
    std::fs::remove_dir_all(&folder)?;
    outcome
}

/// A new database in the PostgreSQL server `server`: its URL, and what drops it.
async fn new_postgres_database(
    server: &str,
) -> Result<(String, impl std::future::Future<Output = Result<(), Failure>>), Failure> {
    let name = format!("baraza_bench_{}", std::process::id());
    let admin = sqlx::PgPool::connect(server).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await?;
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    let url = format!("{base}/{name}");
    Ok((url, async move {
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&admin).await?;
        Ok(())
    }))
}

async fn bench(args: &Args, title: &str, database: &str) -> Result<(), Failure> {
    println!(
        "\n== {title} ({} cores, load average {})",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load()
    );
    publish(database).await?;
    let mut server = Server::start(database)?;
    let address = server.address.clone();
    // The fastest run, and how many ballots each of its requests carried.
    let mut best = (0.0f64, 1);
    let mut stored = 0usize;
    println!("closed loop: each phone sends again when answered");
    for per_request in [1, ITEMS] {
        for &phones in &args.phones {
            let mut run = closed_loop(&address, phones, per_request, Duration::from_secs(args.seconds)).await?;
            let writer = server.writer().await?;
            stored += run.ballots;
            if run.rate() > best.0 {
                best = (run.rate(), per_request);
            }
            println!("  {:>4} phones, {per_request:>2} per request: {} | {}", phones, run.line(), writer.line());
        }
    }
    println!("open loop: each phone on its own timetable, latency from when the request was due");
    for rate in &args.rates {
        let (phones, per_second) = rate.split_once(':').ok_or("--rates takes PHONES:BALLOTS-PER-SECOND")?;
        let (phones, per_second): (usize, f64) = (phones.parse()?, per_second.parse()?);
        let mut run = open_loop(&address, phones, per_second, Duration::from_secs(args.seconds)).await?;
        let writer = server.writer().await?;
        stored += run.ballots;
        println!("  {phones:>4} phones, {per_second:>6} ballots/s due: {} | {}", run.line(), writer.line());
    }
    if stored < args.fill {
        let filling = Instant::now();
        let run = fill_up(&address, args.fill - stored).await?;
        stored += run.ballots;
        println!(
            "filled to {stored} ballots in {:.0} s ({:.0} ballots/s, 256 phones, 20 per request)",
            filling.elapsed().as_secs_f64(),
            run.rate()
        );
    }
    let mut reads = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        let results = get(&address, "/api/v1/consultations/bench/results").await?;
        reads.push(started.elapsed());
        let counted: u64 =
            results["items"].as_array().ok_or("no items")?.iter().filter_map(|item| item["ballots"].as_u64()).sum();
        if counted != stored as u64 {
            return Err(format!("the results count {counted} ballots, {stored} were acknowledged").into());
        }
    }
    reads.sort();
    println!(
        "results at {stored} ballots (GET over HTTP): median {}, max {}",
        ms(reads[reads.len() / 2]),
        ms(reads[reads.len() - 1])
    );
    let peak = server.peak_memory()?;
    let size = disk_size(database).await?;
    println!(
        "disk: {:.0} bytes per ballot ({:.0} MiB); server peak memory: {:.0} MiB",
        size as f64 / stored as f64,
        size as f64 / (1024.0 * 1024.0),
        peak as f64 / (1024.0 * 1024.0)
    );
    counting(&address, args).await?;
    server.stop()?;
    let (best, per_request) = best;
    let ceiling = insert_ceiling(database, args.ceiling_rows, per_request).await?;
    println!(
        "raw insert ceiling of the same rows into the same database, same settings, 1,000 rows a transaction, {per_request} per participant: {ceiling:.0} rows/s; best HTTP run {best:.0} ballots/s = {:.2} of it (load average now {})",
        best / ceiling,
        load()
    );
    Ok(())
}

/// Publishes the benchmark's consultations: `bench`, 20 single-choice
/// questions; `bench-ranking`, an instant-runoff ranking of 8 sites;
/// `bench-budget`, a budget of 200,000 over 50 projects by equal shares.
async fn publish(database: &str) -> Result<(), Failure> {
    let text = json!({ "en": "Benchmark" });
    let options = |prefix: &str, n: usize| -> Vec<Value> {
        (0..n).map(|o| json!({ "id": format!("{prefix}-{o}"), "label": text })).collect()
    };
    let questions: Vec<Value> = (0..ITEMS)
        .map(|i| json!({ "id": format!("q{i}"), "type": "single_choice", "title": text, "options": options("option", OPTIONS) }))
        .collect();
    let ranking = vec![json!({ "id": "sites", "type": "ranking", "method": "instant_runoff", "title": text,
                                "options": options("site", SITES) })];
    let projects: Vec<Value> = (0..PROJECTS)
        .map(|i| json!({ "id": format!("project-{i}"), "cost": project_cost(i), "label": text }))
        .collect();
    let budget = vec![json!({ "id": "projects", "type": "budget", "method": "equal_shares", "total": BUDGET,
                               "currency": "KES", "title": text, "projects": projects })];
    let store = Store::open(database).await?;
    for (id, items) in [("bench", questions), ("bench-ranking", ranking), ("bench-budget", budget)] {
        let definition = json!({
            "id": id, "level": "consult", "default_language": "en",
            "title": text, "summary": text, "body": text,
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z",
            "eligibility": "open", "results": "live", "comments": false, "items": items,
        });
        let checked = parse_definition(&definition.to_string()).map_err(|problems| format!("{problems:?}"))?;
        consultations::store(&store, &checked.consultation, OffsetDateTime::now_utc()).await?;
    }
    store.close().await;
    Ok(())
}

/// Options of the ranking, projects of the budget, and the budget.
const SITES: usize = 8;
const PROJECTS: usize = 50;
const BUDGET: u64 = 200_000;

fn project_cost(i: usize) -> u64 {
    10_000 + 1_000 * (i as u64 % 17)
}

/// A small deterministic generator: every run casts the same rankings and
/// budget ballots.
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

    /// A ranking of 1 to 8 sites.
    fn ranking(&mut self) -> Value {
        let mut sites: Vec<usize> = (0..SITES).collect();
        let length = 1 + self.below(SITES);
        for i in 0..length {
            let j = i + self.skewed(SITES - i);
            sites.swap(i, j);
        }
        json!({ "ranking": sites[..length].iter().map(|s| format!("site-{s}")).collect::<Vec<_>>() })
    }

    /// Up to 6 projects, within the budget.
    fn projects(&mut self) -> Value {
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..1 + self.below(6) {
            let project = self.skewed(PROJECTS);
            if !chosen.contains(&project) {
                chosen.push(project);
            }
        }
        json!({ "projects": chosen.iter().map(|p| format!("project-{p}")).collect::<Vec<_>>() })
    }
}

/// Casts `args.rankings` rankings and `args.budgets` budget ballots, each
/// from its own participant, then times results reads: the first (the
/// profile read and counted), the next (the count kept), and after one more
/// ballot (the profile's change read, counted again).
async fn counting(address: &str, args: &Args) -> Result<(), Failure> {
    let random = Arc::new(std::sync::Mutex::new(Random(0x9e37_79b9_7f4a_7c15)));
    for (consultation, item, count) in
        [("bench-ranking", "sites", args.rankings), ("bench-budget", "projects", args.budgets)]
    {
        let loading = Instant::now();
        let left = Arc::new(std::sync::atomic::AtomicUsize::new(count));
        let random = random.clone();
        let tasks = spawn_phones(address, 256, move |mut phone, _| {
            let (left, random) = (left.clone(), random.clone());
            async move {
                let mut run = Run::default();
                while left
                    .fetch_update(std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst, |n| {
                        n.checked_sub(1)
                    })
                    .is_ok()
                {
                    let cast = {
                        let mut random = random.lock().expect("not poisoned");
                        if item == "sites" {
                            random.ranking()
                        } else {
                            random.projects()
                        }
                    };
                    let asked = Instant::now();
                    let status = phone.post(vec![ballot(consultation, item, cast)]).await;
                    run.record(status, 1, asked.elapsed());
                }
                run
            }
        })
        .await?;
        let loaded = collect(tasks, loading).await?;
        if !loaded.errors.is_empty() {
            return Err(format!("casting {consultation}: {:?}", loaded.errors).into());
        }
        let path = format!("/api/v1/consultations/{consultation}/results");
        let timed = |address: String, path: String| async move {
            let started = Instant::now();
            let results = get(&address, &path).await?;
            Ok::<_, Failure>((started.elapsed(), results))
        };
        let (first, _) = timed(address.to_owned(), path.clone()).await?;
        let (next, _) = timed(address.to_owned(), path.clone()).await?;
        let one_more = match item {
            "sites" => json!({ "ranking": ["site-2", "site-1"] }),
            _ => json!({ "projects": ["project-3"] }),
        };
        let mut phone = Phone::connect(address).await?;
        if phone.post(vec![ballot(consultation, item, one_more)]).await != 200 {
            return Err("one more ballot was refused".into());
        }
        let (after, results) = timed(address.to_owned(), path).await?;
        let counted = &results["items"][0];
        let mut summary = format!("{} ballots", counted["ballots"]);
        if let Some(winner) = counted["winner"].as_str() {
            summary += &format!(", winner {winner} after {} rounds", counted["rounds"].as_array().map_or(0, Vec::len));
        }
        if let Some(selected) = counted["selected"].as_array() {
            summary += &format!(", {} projects funded", selected.len());
        }
        println!(
            "{consultation}: {count} cast in {:.0} s; results first {}, next {}, after one more ballot {} ({summary})",
            loaded.took.as_secs_f64(),
            ms(first),
            ms(next),
            ms(after)
        );
    }
    Ok(())
}

/// `baraza serve` in a process of its own.
struct Server {
    child: Child,
    address: String,
    metrics: String,
}

/// The writer's counts from the server's metrics.
#[derive(Default, Clone)]
struct WriterCounts {
    transactions: f64,
    requests: f64,
    /// Transactions of at most each bound of requests, cumulated.
    buckets: BTreeMap<u64, f64>,
    /// What the last call to [`Server::writer`] read, to tell the run apart.
    before: Option<Box<WriterCounts>>,
}

impl Server {
    fn start(database: &str) -> Result<Server, Failure> {
        let metrics = free_address()?;
        let mut child = Command::new(std::env::current_exe()?)
            .env(RUN_AS_SERVER, "1")
            .args(["serve", "--database", database, "--addr", "127.0.0.1:0", "--dist", "none"])
            .args(["--writes-per-minute", "0", "--metrics-addr", &metrics])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?), &mut line)?;
        let address = line
            .trim()
            .strip_prefix("Baraza is serving on http://")
            .ok_or_else(|| format!("the server said {line:?}"))?
            .to_owned();
        // A new server counts from naught.
        *LAST.try_lock().map_err(|_| "the writer's counts are being read")? = None;
        Ok(Server { child, address, metrics })
    }

    async fn writer(&mut self) -> Result<WriterCounts, Failure> {
        let text = get_text(&self.metrics, "/metrics").await?;
        let mut counts = WriterCounts::default();
        for line in text.lines() {
            let Some((name, value)) = line.rsplit_once(' ') else { continue };
            let value: f64 = value.parse().unwrap_or(0.0);
            match name {
                "baraza_sync_transactions_total" => counts.transactions = value,
                "baraza_sync_requests_total" => counts.requests = value,
                _ => {
                    if let Some(bound) = name.strip_prefix("baraza_sync_transaction_requests_bucket{le=\"") {
                        if let Ok(bound) = bound.trim_end_matches("\"}").parse::<f64>() {
                            counts.buckets.insert(bound as u64, value);
                        }
                    }
                }
            }
        }
        let previous = LAST.lock().await.replace(counts.clone());
        counts.before = previous.map(Box::new);
        Ok(counts)
    }

    fn peak_memory(&self) -> Result<u64, Failure> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or("no VmHWM")?;
        Ok(kib * 1024)
    }

    /// Stops the server as an operator does (SIGTERM) and waits for it.
    fn stop(&mut self) -> Result<(), Failure> {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The writer's counts of the run before.
static LAST: Mutex<Option<WriterCounts>> = Mutex::const_new(None);

impl WriterCounts {
    /// Transactions of the last run, with requests per transaction.
    fn line(&self) -> String {
        let before = self.before.as_deref().cloned().unwrap_or_default();
        let transactions = self.transactions - before.transactions;
        let requests = self.requests - before.requests;
        if transactions <= 0.0 {
            return "writer: no transaction".to_owned();
        }
        // Requests per transaction at the median and the 99th transaction, by bucket bound.
        let quantile = |q: f64| {
            self.buckets
                .iter()
                .find(|(bound, count)| **count - before.buckets.get(bound).copied().unwrap_or(0.0) >= q * transactions)
                .map_or("more".to_owned(), |(bound, _)| format!("≤{bound}"))
        };
        format!(
            "writer: {transactions:.0} transactions, {:.1} requests each on average (p50 {}, p99 {})",
            requests / transactions,
            quantile(0.5),
            quantile(0.99)
        )
    }
}

fn free_address() -> Result<String, Failure> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.to_string())
}

/// One phone: a keep-alive HTTP/1.1 connection to the server.
struct Phone {
    sender: SendRequest<Full<Bytes>>,
    address: String,
}

impl Phone {
    async fn connect(address: &str) -> Result<Phone, Failure> {
        let stream = tokio::net::TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Phone { sender, address: address.to_owned() })
    }

    /// POSTs a sync request with `ballots` new ballots of a new participant:
    /// the answer's status, or 0 if the connection failed.
    async fn sync(&mut self, ballots: usize, first_item: usize) -> u16 {
        let actions: Vec<Value> = (0..ballots)
            .map(|i| {
                let choice = json!({ "choice": format!("option-{}", (first_item + i) % OPTIONS) });
                ballot("bench", &format!("q{}", (first_item + i) % ITEMS), choice)
            })
            .collect();
        self.post(actions).await
    }

    /// POSTs `actions` as a new participant's: the status, or 0 if the
    /// connection failed.
    async fn post(&mut self, actions: Vec<Value>) -> u16 {
        let body = json!({ "participant": Uuid::new_v4(), "actions": actions }).to_string();
        let request = Request::post("/api/v1/sync")
            .header("host", &self.address)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("a valid request");
        if self.sender.ready().await.is_err() {
            return 0;
        }
        match self.sender.send_request(request).await {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.into_body().collect().await {
                    Ok(_) => status,
                    Err(_) => 0,
                }
            }
            Err(_) => 0,
        }
    }
}

/// A ballot action with a new id.
fn ballot(consultation: &str, item: &str, ballot: Value) -> Value {
    json!({ "id": Uuid::new_v4(), "consultation": consultation, "kind": "ballot", "item": item, "ballot": ballot })
}

async fn get_text(address: &str, path: &str) -> Result<String, Failure> {
    let mut phone = Phone::connect(address).await?;
    let request = Request::get(path).header("host", address).body(Full::new(Bytes::new()))?;
    let response = phone.sender.send_request(request).await?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8(body.to_vec())?)
}

async fn get(address: &str, path: &str) -> Result<Value, Failure> {
    Ok(serde_json::from_str(&get_text(address, path).await?)?)
}

/// What one run measured.
#[derive(Default)]
struct Run {
    ballots: usize,
    took: Duration,
    latencies: Vec<Duration>,
    errors: BTreeMap<u16, usize>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.ballots as f64 / self.took.as_secs_f64()
    }

    fn line(&mut self) -> String {
        self.latencies.sort();
        let at = |q: f64| {
            self.latencies
                .get(((self.latencies.len() as f64 * q) as usize).min(self.latencies.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        let errors = if self.errors.is_empty() {
            "no errors".to_owned()
        } else {
            self.errors
                .iter()
                .map(|(status, n)| {
                    format!("{n} × {}", if *status == 0 { "no answer".to_owned() } else { status.to_string() })
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{:>6.0} ballots/s, p50 {}, p99 {}, max {}, {errors}",
            self.rate(),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(self.latencies.last().copied().unwrap_or_default())
        )
    }

    fn add(&mut self, other: Run) {
        self.ballots += other.ballots;
        self.latencies.extend(other.latencies);
        for (status, n) in other.errors {
            *self.errors.entry(status).or_default() += n;
        }
    }
}

/// `phones` phones each sending again as soon as answered, for `length`.
async fn closed_loop(address: &str, phones: usize, per_request: usize, length: Duration) -> Result<Run, Failure> {
    let started = Instant::now();
    let until = started + length;
    let tasks = spawn_phones(address, phones, move |mut phone, n| async move {
        let mut run = Run::default();
        let mut sent = 0;
        while Instant::now() < until {
            let asked = Instant::now();
            let status = phone.sync(per_request, n + sent).await;
            run.record(status, per_request, asked.elapsed());
            sent += 1;
        }
        run
    })
    .await?;
    collect(tasks, started).await
}

/// `phones` phones sending `per_second` ballots a second in all, one per
/// request, each on a timetable of its own.
async fn open_loop(address: &str, phones: usize, per_second: f64, length: Duration) -> Result<Run, Failure> {
    let started = Instant::now();
    let every = Duration::from_secs_f64(phones as f64 / per_second);
    let tasks = spawn_phones(address, phones, move |mut phone, n| async move {
        let mut run = Run::default();
        let mut due = started + every.mul_f64(n as f64 / phones as f64);
        let mut sent = 0;
        while due < started + length {
            tokio::time::sleep_until(due.into()).await;
            let status = phone.sync(1, n + sent).await;
            run.record(status, 1, due.elapsed());
            due += every;
            sent += 1;
        }
        run
    })
    .await?;
    collect(tasks, started).await
}

/// Batches of 20 from 256 phones until `ballots` more are stored.
async fn fill_up(address: &str, ballots: usize) -> Result<Run, Failure> {
    let started = Instant::now();
    let requests = Arc::new(std::sync::atomic::AtomicUsize::new(ballots.div_ceil(ITEMS)));
    let tasks = spawn_phones(address, 256, move |mut phone, n| {
        let requests = requests.clone();
        async move {
            let mut run = Run::default();
            while requests
                .fetch_update(std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst, |left| {
                    left.checked_sub(1)
                })
                .is_ok()
            {
                let asked = Instant::now();
                let status = phone.sync(ITEMS, n).await;
                run.record(status, ITEMS, asked.elapsed());
            }
            run
        }
    })
    .await?;
    collect(tasks, started).await
}

impl Run {
    fn record(&mut self, status: u16, ballots: usize, took: Duration) {
        if status == 200 {
            self.ballots += ballots;
            self.latencies.push(took);
        } else {
            *self.errors.entry(status).or_default() += 1;
        }
    }
}

async fn spawn_phones<F, T>(address: &str, phones: usize, each: F) -> Result<Vec<tokio::task::JoinHandle<Run>>, Failure>
where
    F: Fn(Phone, usize) -> T + Send + Sync + 'static + Clone,
    T: std::future::Future<Output = Run> + Send + 'static,
{
    let mut tasks = Vec::with_capacity(phones);
    for n in 0..phones {
        let phone = Phone::connect(address).await?;
        tasks.push(tokio::spawn(each.clone()(phone, n)));
    }
    Ok(tasks)
}

async fn collect(tasks: Vec<tokio::task::JoinHandle<Run>>, started: Instant) -> Result<Run, Failure> {
    let mut total = Run::default();
    for task in tasks {
        total.add(task.await?);
    }
    total.took = started.elapsed();
    Ok(total)
}

/// What the database takes on disk. SQLite's write-ahead log is copied
/// into the database and emptied first, as it is when the server stops.
async fn disk_size(database: &str) -> Result<u64, Failure> {
    if database.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(database).await?;
        let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(&pool).await?;
        pool.close().await;
        return Ok(size as u64);
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{database}")).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await?;
    pool.close().await;
    let mut size = 0;
    for suffix in ["", "-wal", "-shm"] {
        size += std::fs::metadata(format!("{database}{suffix}")).map_or(0, |meta| meta.len());
    }
    Ok(size)
}

/// Rows per second when the same rows as the server's are written straight
/// into the database the server used, once it has stopped, opened with the
/// same settings: 1,000 rows to a transaction, through one connection, each
/// new participant with `per_participant` rows as in the run compared.
async fn insert_ceiling(database: &str, rows: usize, per_participant: usize) -> Result<f64, Failure> {
    let store = Store::open(database).await?;
    let content = r#"{"choice":"option-3"}"#;
    let started = Instant::now();
    let mut written = 0;
    while written < rows {
        let now = OffsetDateTime::now_utc().unix_timestamp() * 1000;
        let chunk: Vec<(Uuid, Uuid, [u8; 8])> = (0..1000 / per_participant)
            .flat_map(|_| {
                let participant = Uuid::new_v4();
                (0..per_participant).map(move |_| {
                    let receipt = Uuid::new_v4();
                    (participant, Uuid::new_v4(), receipt.as_bytes()[..8].try_into().expect("8 of 16 bytes"))
                })
            })
            .collect();
        let mut tx = store.begin_write().await?;
        baraza_server::on!(&mut tx, |c| {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO actions
                 (consultation, participant, id, kind, item, standing, content, cast_at, received_at, receipt) ",
            );
            query.push_values(&chunk, |mut values, (participant, id, receipt)| {
                values
                    .push_bind(1i64)
                    .push_bind(participant.as_bytes().as_slice())
                    .push_bind(id.as_bytes().as_slice())
                    .push_bind(0i16)
                    .push_bind(1i64)
                    .push_bind(true)
                    .push_bind(content)
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(receipt.as_slice());
            });
            query.build().execute(c).await.map(drop)
        })?;
        tx.commit().await?;
        written += chunk.len();
    }
    let rate = written as f64 / started.elapsed().as_secs_f64();
    store.close().await;
    Ok(rate)
}

/// The machine's load averages (1, 5 and 15 minutes): the benchmark's
/// figures are worth what the machine gave it.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn ms(took: Duration) -> String {
    format!("{:.1} ms", took.as_secs_f64() * 1000.0)
}
