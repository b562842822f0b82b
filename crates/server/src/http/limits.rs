//! How often one client address may write. A flood of sync batches or staff
//! changes from one address is answered 429 `too_many_requests` with a
//! `Retry-After`, while every other address goes on. Reads are not limited:
//! they are cheap and cached, and a citizen must always be able to read.
//!
//! A phone loses nothing when refused: its actions wait in its outbox and go
//! with its next try. The limit is generous because many phones may share
//! one address (a mobile operator's NAT, a school's connection).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::error::Error;
use super::AppState;

/// The default: writes per minute from one address, and as many at once.
/// Ten a second: far above what one phone sends, yet a mobile operator may
/// put thousands of phones behind one public address.
pub const DEFAULT_WRITES_PER_MINUTE: u32 = 600;

/// Above this many addresses remembered, those whose limit has fully
/// recovered are forgotten, so memory stays bounded under a wide flood.
const FORGET_ABOVE: usize = 10_000;

#[derive(Clone)]
pub struct WriteLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// How many addresses may be remembered before the next forgetting:
    /// twice what the last one kept, so a flood of addresses that are all
    /// still limited does not make every request walk them all.
    forget_above: Arc<AtomicUsize>,
    /// Behind a reverse proxy every request comes from the proxy: the client
    /// address is then the last one the proxy wrote in this header.
    address_header: Option<HeaderName>,
}

impl WriteLimit {
    /// `None` when `per_minute` is 0: no limit.
    pub fn new(per_minute: u32, address_header: Option<HeaderName>) -> Option<Self> {
        let per_minute = NonZeroU32::new(per_minute)?;
        let limiter = RateLimiter::keyed(Quota::per_minute(per_minute));
        Some(WriteLimit { limiter: Arc::new(limiter), forget_above: Arc::new(FORGET_ABOVE.into()), address_header })
    }

    /// The address a request comes from, if known.
    fn client(&self, request: &Request) -> Option<IpAddr> {
        if let Some(name) = &self.address_header {
            let forwarded =
                request.headers().get_all(name).iter().filter_map(|value| value.to_str().ok()).next_back()?;
            return forwarded.rsplit(',').next()?.trim().parse().ok();
        }
        request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip())
    }

    /// `Err` with the seconds to wait when `client` is over its limit.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        let checked = self.limiter.check_key(&client);
        if self.limiter.len() > self.forget_above.load(Ordering::Relaxed) {
            self.limiter.retain_recent();
            self.forget_above.store(FORGET_ABOVE.max(2 * self.limiter.len()), Ordering::Relaxed);
        }
        checked.map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs() + 1)
    }
}

/// Refuses a write over its address's limit. A request whose address is
/// unknown (a server run without connection details, as in-process tests
/// do) is let through.
pub async fn limit_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let over = match (&state.write_limit, is_read) {
        (Some(limit), false) => limit.client(&request).map(|client| limit.check(client)),
        _ => None,
    };
    match over {
        Some(Err(wait_seconds)) => Error::TooManyRequests(wait_seconds).into_response(),
        _ => next.run(request).await,
    }
}
