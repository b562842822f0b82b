//! How often one client address may write. A flood of sync batches or staff
//! changes from one address is answered 429 `too_many_requests` with a
//! `Retry-After`, while every other address goes on. Reads are not limited:
//! they are cheap and cached, and a citizen must always be able to read.
//!
//! A phone loses nothing when refused: its actions wait in its outbox and go
//! with its next try. The limit is generous because many phones may share
//! one address (a mobile operator's NAT, a school's connection).
//!
//! An IPv6 client is counted by its /64: one home or phone is given a whole
//! /64, and could otherwise write from as many addresses as it likes. Behind
//! a reverse proxy, the client is the last address the proxy wrote in its
//! header; a request without that header, or with one that is not an
//! address, counts as its connection's address (the proxy's), so that it is
//! still limited.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
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

    /// Who a request's writes are counted for: the address it comes from,
    /// if known, an IPv6 one as its /64.
    fn client(&self, request: &Request) -> Option<IpAddr> {
        let forwarded = self.address_header.as_ref().and_then(|name| {
            let last = request.headers().get_all(name).iter().next_back()?.to_str().ok()?;
            last.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        });
        let connection =
            || request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        forwarded.or_else(connection).map(|address| match address.to_canonical() {
            IpAddr::V6(address) => IpAddr::V6(Ipv6Addr::from_bits(address.to_bits() & !u128::from(u64::MAX))),
            v4 => v4,
        })
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
