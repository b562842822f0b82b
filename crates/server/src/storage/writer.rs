//! The sync writer: one per database in each server, it records the sync
//! requests waiting for it in one transaction (one disk flush for many
//! phones) and answers each once that transaction is committed.
//!
//! Transactions size themselves: an idle writer takes the one request that
//! arrives; under load, everything that came in while the last transaction
//! was being written, up to [`MOST_ACTIONS_PER_TRANSACTION`]. A request is
//! answered only after its transaction commits, so an acknowledged action is
//! on disk. Should a transaction fail, its requests are tried again one by
//! one, so that only the one at fault is answered with the fault.
//!
//! The queue holds at most `capacity` actions; a request that would go over
//! is refused at once ([`StoreError::Busy`], 503 with `Retry-After`), and the
//! phone sends it again later from its outbox.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use baraza_core::sync::{ActionResult, ActionStatus};
use futures_util::FutureExt;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use tokio::sync::{mpsc, oneshot};

use super::sync::{record, Received};
use super::{Store, StoreError};

/// Actions the queue holds by default: about a second of writing.
pub const DEFAULT_QUEUE_ACTIONS: usize = 20_000;

/// The most actions one transaction writes, so that the first request of a
/// transaction never waits long for the last.
const MOST_ACTIONS_PER_TRANSACTION: usize = 2_000;

/// The bounds of the histograms of requests, and of actions, per transaction.
pub const BATCH_BOUNDS: [u64; 12] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000];

/// The bounds, in seconds, of the histogram of the time a transaction takes
/// to write and commit.
const COMMIT_BOUNDS: [f64; 13] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// What came of an action, as metrics count it: its kind (`ballot`,
/// `feedback`, `comment`, `reaction`, or `unreadable`) and its outcome
/// (`accepted`, `duplicate`, `rejected`, or `failed` when the server
/// faulted).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    kind: &'static str,
    outcome: &'static str,
}

/// Why actions were rejected: one of core's `sync::RejectCode`s.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    code: &'static str,
}

struct Job {
    received: Received,
    actions: usize,
    answer: oneshot::Sender<Result<Vec<ActionResult>, StoreError>>,
}

/// Where sync requests are handed to the writer.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
    capacity: usize,
    stats: Arc<WriterStats>,
}

/// What the writer has done since the server started, as Prometheus
/// metrics (see [`WriterStats::register`]).
pub struct WriterStats {
    /// Actions waiting in the queue, or being written, now.
    waiting: Gauge,
    /// How many actions the queue holds at most.
    capacity: Gauge,
    transactions: Counter,
    requests: Counter,
    actions: Family<ActionLabels, Counter>,
    rejections: Family<RejectionLabels, Counter>,
    /// Requests refused because the queue was full.
    refused: Counter,
    /// How many requests, and actions, each transaction held.
    batches: Histogram,
    batch_actions: Histogram,
    /// Seconds each transaction took to write and commit.
    commits: Histogram,
    /// Actions written per second, averaged over recent transactions.
    rate: AtomicU64,
}

impl WriterStats {
    fn new(capacity: usize) -> Self {
        let stats = WriterStats {
            waiting: Gauge::default(),
            capacity: Gauge::default(),
            transactions: Counter::default(),
            requests: Counter::default(),
            actions: Family::default(),
            rejections: Family::default(),
            refused: Counter::default(),
            batches: Histogram::new(BATCH_BOUNDS.iter().map(|&bound| bound as f64)),
            batch_actions: Histogram::new(BATCH_BOUNDS.iter().map(|&bound| bound as f64)),
            commits: Histogram::new(COMMIT_BOUNDS),
            rate: AtomicU64::default(),
        };
        stats.capacity.set(capacity.try_into().unwrap_or(i64::MAX));
        stats
    }
}

impl WriterStats {
    /// Adds these metrics to `registry`, named `baraza_sync_…`.
    pub fn register(&self, registry: &mut Registry) {
        let sync = registry.sub_registry_with_prefix("baraza_sync");
        sync.register("queue_actions", "Actions waiting for the writer, or being written", self.waiting.clone());
        sync.register("queue_capacity", "Actions the writer's queue holds at most", self.capacity.clone());
        sync.register("transactions", "Write transactions committed", self.transactions.clone());
        sync.register("requests", "Sync requests written", self.requests.clone());
        sync.register("actions", "Actions of sync requests written, by kind and outcome", self.actions.clone());
        sync.register("rejected", "Actions rejected, by the code of the reason", self.rejections.clone());
        sync.register("refused", "Sync requests refused because the writer's queue was full", self.refused.clone());
        sync.register("transaction_requests", "Sync requests per write transaction", self.batches.clone());
        sync.register("transaction_actions", "Actions per write transaction", self.batch_actions.clone());
        sync.register_with_unit(
            "transaction",
            "Time to write and commit one transaction",
            Unit::Seconds,
            self.commits.clone(),
        );
    }

    /// Counts what came of the actions of `request`.
    fn answered(&self, request: &Received, results: &Result<Vec<ActionResult>, StoreError>) {
        let count = |kind, outcome| {
            self.actions.get_or_create(&ActionLabels { kind, outcome }).inc();
        };
        match results {
            Ok(results) => {
                for (kind, result) in request.kinds().zip(results) {
                    let outcome = match result.status {
                        ActionStatus::Accepted => "accepted",
                        ActionStatus::Duplicate => "duplicate",
                        ActionStatus::Rejected => "rejected",
                    };
                    count(kind, outcome);
                    if let Some(error) = &result.error {
                        self.rejections.get_or_create(&RejectionLabels { code: error.code.as_str() }).inc();
                    }
                }
            }
            Err(_) => request.kinds().for_each(|kind| count(kind, "failed")),
        }
    }

    fn written(&self, requests: usize, actions: usize, seconds: f64) {
        self.transactions.inc();
        self.requests.inc_by(requests as u64);
        self.batches.observe(requests as f64);
        self.batch_actions.observe(actions as f64);
        self.commits.observe(seconds);
        if seconds > 0.0 {
            let now = actions as f64 / seconds;
            let before = self.rate.load(Ordering::Relaxed) as f64;
            let rate = if before == 0.0 { now } else { 0.8 * before + 0.2 * now };
            self.rate.store(rate as u64, Ordering::Relaxed);
        }
    }

    /// Seconds until the queue has room again at the recent rate: at
    /// least 1, at most a minute.
    fn retry_after(&self) -> u64 {
        let rate = self.rate.load(Ordering::Relaxed).max(1);
        (self.waiting.get().max(0) as u64).div_ceil(rate).clamp(1, 60)
    }
}

impl Writer {
    /// Starts the writer of `store`, whose queue holds `capacity` actions.
    pub fn start(store: Store, capacity: usize) -> Writer {
        let (jobs, queue) = mpsc::unbounded_channel();
        let stats = Arc::new(WriterStats::new(capacity));
        tokio::spawn(write(store, queue, stats.clone()));
        Writer { jobs, capacity, stats }
    }

    pub fn stats(&self) -> &WriterStats {
        &self.stats
    }

    /// Whether the queue is full: every sync request would now be refused.
    pub fn is_full(&self) -> bool {
        self.stats.waiting.get().max(0) as usize >= self.capacity
    }

    /// Records a request with the others waiting, and answers its results
    /// once they are committed.
    pub async fn record(&self, received: Received) -> Result<Vec<ActionResult>, StoreError> {
        // An empty request still waits its turn, to be answered in order.
        let actions = received.len().max(1);
        let waiting = (self.stats.waiting.inc_by(actions as i64) as usize) + actions;
        if waiting > self.capacity && waiting > actions {
            self.stats.waiting.dec_by(actions as i64);
            self.stats.refused.inc();
            return Err(StoreError::Busy(self.stats.retry_after()));
        }
        let (answer, answered) = oneshot::channel();
        if self.jobs.send(Job { received, actions, answer }).is_err() {
            self.stats.waiting.dec_by(actions as i64);
            return Err(StoreError::WriterStopped);
        }
        answered.await.unwrap_or(Err(StoreError::WriterStopped))
    }
}

/// The writer's loop: takes what waits, writes it in one transaction,
/// answers; until every [`Writer`] is dropped.
async fn write(store: Store, mut queue: mpsc::UnboundedReceiver<Job>, stats: Arc<WriterStats>) {
    while let Some(first) = queue.recv().await {
        let mut actions = first.actions;
        let mut jobs = vec![first];
        while actions < MOST_ACTIONS_PER_TRANSACTION {
            let Ok(job) = queue.try_recv() else { break };
            actions += job.actions;
            jobs.push(job);
        }
        let started = Instant::now();
        let (requests, answers): (Vec<Received>, Vec<_>) =
            jobs.into_iter().map(|job| (job.received, job.answer)).unzip();
        let results = match recorded(&store, &requests).await {
            Ok(results) => results.into_iter().map(Ok).collect(),
            Err(error) if requests.len() == 1 => vec![Err(error)],
            Err(error) => {
                tracing::warn!(%error, requests = requests.len(), "a sync transaction failed; writing its requests one by one");
                let mut results = Vec::with_capacity(requests.len());
                for request in &requests {
                    let one = recorded(&store, std::slice::from_ref(request)).await;
                    // The results of the one request written.
                    results.push(one.map(|one| one.into_iter().flatten().collect()));
                }
                results
            }
        };
        stats.written(requests.len(), actions, started.elapsed().as_secs_f64());
        stats.waiting.dec_by(actions as i64);
        for (request, result) in requests.iter().zip(&results) {
            stats.answered(request, result);
        }
        for (answer, result) in answers.into_iter().zip(results) {
            // A phone that went away meanwhile finds its actions stored when
            // it sends them again.
            let _ = answer.send(result);
        }
    }
}

/// [`record`], with a panic while writing (a fault of the server's code)
/// rolled back and answered as an error: the writer goes on with the next
/// requests instead of stopping every sync until a restart.
async fn recorded(store: &Store, requests: &[Received]) -> Result<Vec<Vec<ActionResult>>, StoreError> {
    AssertUnwindSafe(record(store, requests))
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(StoreError::Panicked(crate::panic_message(panic.as_ref()))))
}
