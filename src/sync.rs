//! When the outbox sends: one round at a time, again at once when asked
//! during a round, and after a failed round again by a timer that waits
//! longer after each failure (exponential backoff with jitter), so phones
//! that lost the server together do not all come back at the same moment.
//! Plain state, tested natively; [`crate::outbox`] drives it.

/// The first wait after a failure, in milliseconds: short, because most
/// failures are a moment's loss of signal.
pub const FIRST_RETRY_MS: u64 = 1_000;
/// The longest wait between two tries, however often the server failed.
pub const LONGEST_WAIT_MS: u64 = 5 * 60 * 1_000;

/// How long to wait before the next try, from the failures so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// One more failure: the wait before the next try. The ceiling doubles
    /// with each failure; the wait is between half the ceiling and all of
    /// it, by `random` (in `0.0..1.0`).
    pub fn failed(&mut self, random: f64) -> u64 {
        let ceiling = FIRST_RETRY_MS.saturating_mul(1 << self.failures.min(20)).min(LONGEST_WAIT_MS);
        self.failures += 1;
        ceiling / 2 + (ceiling as f64 / 2.0 * random.clamp(0.0, 1.0)) as u64
    }
}

/// What the outbox does once a round of sending ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterRound {
    /// Someone asked for a sync during the round: send again now.
    Again,
    /// The round failed: try again in this many milliseconds.
    RetryIn(u64),
    /// Nothing to do until asked.
    Idle,
}

/// The outbox's sending state in this tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engine {
    running: bool,
    asked_again: bool,
    retry_waiting: bool,
    backoff: Backoff,
    /// The server's own `Retry-After` of the round that failed, if it
    /// gave one (429): the timer waits at least that long.
    server_wait_ms: u64,
}

impl Engine {
    /// A sync is asked for: `true` to start a round now; otherwise one is
    /// running and goes again once done.
    pub fn ask(&mut self) -> bool {
        if self.running {
            self.asked_again = true;
            false
        } else {
            self.running = true;
            true
        }
    }

    /// A round ended, `succeeded` or not, while the device was `online` or
    /// not. After a failure nothing is sent again at once, even if asked:
    /// the timer will. Offline, no timer: the `online` event will.
    pub fn round_done(&mut self, succeeded: bool, online: bool, random: f64) -> AfterRound {
        // Only for this round's retry.
        let server_wait = std::mem::take(&mut self.server_wait_ms);
        if succeeded {
            self.backoff = Backoff::default();
            if std::mem::take(&mut self.asked_again) {
                return AfterRound::Again;
            }
            self.running = false;
            return AfterRound::Idle;
        }
        self.running = false;
        self.asked_again = false;
        if !online || self.retry_waiting {
            return AfterRound::Idle;
        }
        self.retry_waiting = true;
        AfterRound::RetryIn(self.backoff.failed(random).max(server_wait))
    }

    /// The server answered "too many requests, try again in `ms`": the next
    /// retry waits at least that long.
    pub fn server_asks_to_wait(&mut self, ms: u64) {
        self.server_wait_ms = ms.min(LONGEST_WAIT_MS);
    }

    /// The retry timer went off; a sync is asked for next.
    pub fn retry_due(&mut self) {
        self.retry_waiting = false;
    }

    /// Whether a round is under way (for the "syncing" status).
    pub fn running(&self) -> bool {
        self.running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_doubles_the_wait_up_to_a_ceiling() {
        let mut backoff = Backoff::default();
        let longest: Vec<u64> = (0..12).map(|_| backoff.failed(1.0)).collect();
        assert_eq!(&longest[..5], &[1_000, 2_000, 4_000, 8_000, 16_000]);
        assert_eq!(longest[11], LONGEST_WAIT_MS);
        let mut many = Backoff { failures: 1_000 };
        assert_eq!(many.failed(1.0), LONGEST_WAIT_MS);
    }

    #[test]
    fn the_wait_is_jittered_between_half_and_all_of_the_ceiling() {
        assert_eq!(Backoff { failures: 3 }.failed(0.0), 4_000);
        assert_eq!(Backoff { failures: 3 }.failed(0.5), 6_000);
        assert_eq!(Backoff { failures: 3 }.failed(0.999_999), 7_999);
        assert_eq!(Backoff { failures: 3 }.failed(7.0), 8_000);
    }

    #[test]
    fn one_round_at_a_time_and_again_when_asked_meanwhile() {
        let mut engine = Engine::default();
        assert!(engine.ask());
        assert!(engine.running());
        assert!(!engine.ask());
        assert!(!engine.ask());
        assert_eq!(engine.round_done(true, true, 0.0), AfterRound::Again);
        assert!(engine.running());
        assert_eq!(engine.round_done(true, true, 0.0), AfterRound::Idle);
        assert!(!engine.running());
        assert!(engine.ask());
    }

    #[test]
    fn a_failed_round_waits_for_the_timer_longer_each_time() {
        let mut engine = Engine::default();
        engine.ask();
        assert!(!engine.ask());
        assert_eq!(engine.round_done(false, true, 1.0), AfterRound::RetryIn(1_000));
        // Asked by something else while the timer waits: fails again, one timer only.
        assert!(engine.ask());
        assert_eq!(engine.round_done(false, true, 1.0), AfterRound::Idle);
        engine.retry_due();
        assert!(engine.ask());
        assert_eq!(engine.round_done(false, true, 1.0), AfterRound::RetryIn(2_000));
        engine.retry_due();
        engine.ask();
        assert_eq!(engine.round_done(true, true, 1.0), AfterRound::Idle);
        engine.ask();
        assert_eq!(engine.round_done(false, true, 1.0), AfterRound::RetryIn(1_000), "success starts over");
    }

    #[test]
    fn a_server_that_asks_to_wait_is_waited_for_once() {
        let mut engine = Engine::default();
        engine.ask();
        engine.server_asks_to_wait(30_000);
        assert_eq!(engine.round_done(false, true, 1.0), AfterRound::RetryIn(30_000));
        engine.retry_due();
        engine.ask();
        assert_eq!(engine.round_done(false, true, 1.0), AfterRound::RetryIn(2_000), "the next failure backs off again");
        engine.retry_due();
        engine.ask();
        engine.server_asks_to_wait(u64::MAX);
        assert_eq!(engine.round_done(false, true, 0.0), AfterRound::RetryIn(LONGEST_WAIT_MS));
    }

    #[test]
    fn offline_no_timer_waits_for_the_connection() {
        let mut engine = Engine::default();
        engine.ask();
        assert_eq!(engine.round_done(false, false, 0.0), AfterRound::Idle);
        assert!(!engine.running());
        assert!(engine.ask());
    }
}
