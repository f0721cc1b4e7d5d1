//! Fault injection, all off by default: latency, error responses (500/503/429 with
//! Retry-After), dropped connections, answers cut off mid-body, expired continue tokens, and
//! protobuf list pages with an item no decoder can read.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Clone, Debug, Default)]
pub struct FaultConfig {
    /// Added to every request.
    pub latency: Duration,
    /// Fraction (0..=1) of API requests answered with one of `error_codes`.
    pub error_rate: f64,
    /// Status codes to pick from for `error_rate` (default 500, 503, 429).
    pub error_codes: Vec<u16>,
    /// Fraction of requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Every request with a continue token answers 410 Expired.
    pub expire_continue: bool,
    /// Deterministic variants for tests: the next requests fail with these codes, in order.
    pub fail_next: VecDeque<u16>,
    /// The next N requests have their connection dropped.
    pub drop_next: u32,
    /// The next requests of this method whose path ends with this suffix fail with this code,
    /// one entry each, in order (a fault aimed at one step of a command).
    pub fail_next_on: VecDeque<(String, String, u16)>,
    /// The next protobuf list answers for a path ending with this suffix (only answers to a
    /// request with a continue token, when the flag is set) carry one more item, whose bytes
    /// are not a message: a page a client's protobuf reader cannot read, whole in JSON.
    pub garble_next: VecDeque<(String, bool)>,
    /// The next answers for a path ending with one of these suffixes send half their body,
    /// then break the connection (one entry each).
    pub cut_next: VecDeque<String>,
}

#[derive(Default, Debug)]
pub struct Faults {
    inner: Mutex<FaultConfig>,
}

impl Faults {
    pub fn new(cfg: FaultConfig) -> Self {
        Faults {
            inner: Mutex::new(cfg),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut FaultConfig) -> T) -> T {
        // A poisoned lock only means a panic elsewhere; the config itself is still usable.
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    pub fn set(&self, cfg: FaultConfig) {
        self.with(|c| *c = cfg);
    }

    pub fn get(&self) -> FaultConfig {
        self.with(|c| c.clone())
    }

    pub fn set_latency(&self, d: Duration) {
        self.with(|c| c.latency = d);
    }

    pub fn set_error_rate(&self, rate: f64, codes: &[u16]) {
        self.with(|c| {
            c.error_rate = rate;
            c.error_codes = codes.to_vec();
        });
    }

    pub fn set_drop_rate(&self, rate: f64) {
        self.with(|c| c.drop_rate = rate);
    }

    pub fn set_expire_continue(&self, on: bool) {
        self.with(|c| c.expire_continue = on);
    }

    pub fn fail_next(&self, codes: &[u16]) {
        self.with(|c| c.fail_next.extend(codes.iter().copied()));
    }

    /// The next requests `method path…suffix` fail with `codes`, one each, in order.
    pub fn fail_next_on(&self, method: &str, path_suffix: &str, codes: &[u16]) {
        self.with(|c| {
            c.fail_next_on.extend(
                codes
                    .iter()
                    .map(|&code| (method.to_string(), path_suffix.to_string(), code)),
            )
        });
    }

    /// The next protobuf list answer for a path ending with `path_suffix` (a continued page
    /// only, when `continued`) has an item that is not a valid message. Once per call.
    pub fn garble_next_page(&self, path_suffix: &str, continued: bool) {
        self.with(|c| c.garble_next.push_back((path_suffix.to_string(), continued)));
    }

    /// Decides whether this protobuf list answer is garbled (see [`Faults::garble_next_page`]).
    pub fn take_garble(&self, path: &str, continued: bool) -> bool {
        self.with(|c| {
            let hit = c.garble_next.iter().position(|(suffix, only_continued)| {
                path.ends_with(suffix.as_str()) && (continued || !only_continued)
            });
            hit.and_then(|i| c.garble_next.remove(i)).is_some()
        })
    }

    /// The next answer for a path ending with `path_suffix` sends its headers and half its
    /// body, then breaks off (a connection reset mid-answer). Once per call.
    pub fn cut_next_body(&self, path_suffix: &str) {
        self.with(|c| c.cut_next.push_back(path_suffix.to_string()));
    }

    /// Decides whether this answer's body is cut off (see [`Faults::cut_next_body`]).
    pub fn take_cut(&self, path: &str) -> bool {
        self.with(|c| {
            let hit = c
                .cut_next
                .iter()
                .position(|suffix| path.ends_with(suffix.as_str()));
            hit.and_then(|i| c.cut_next.remove(i)).is_some()
        })
    }

    pub fn drop_next(&self, n: u32) {
        self.with(|c| c.drop_next += n);
    }

    pub fn clear(&self) {
        self.set(FaultConfig::default());
    }

    pub fn latency(&self) -> Duration {
        self.with(|c| c.latency)
    }

    /// Decides whether this request's connection is dropped.
    pub fn take_drop(&self) -> bool {
        self.with(|c| {
            if c.drop_next > 0 {
                c.drop_next -= 1;
                return true;
            }
            c.drop_rate > 0.0 && fastrand::f64() < c.drop_rate
        })
    }

    /// Decides whether this request fails, and with which status.
    pub fn take_error(&self, method: &str, path: &str) -> Option<u16> {
        self.with(|c| {
            if let Some(code) = c.fail_next.pop_front() {
                return Some(code);
            }
            if let Some(i) = c
                .fail_next_on
                .iter()
                .position(|(m, suffix, _)| m == method && path.ends_with(suffix.as_str()))
            {
                return c.fail_next_on.remove(i).map(|(_, _, code)| code);
            }
            if c.error_rate > 0.0 && fastrand::f64() < c.error_rate {
                let codes = if c.error_codes.is_empty() {
                    vec![500, 503, 429]
                } else {
                    c.error_codes.clone()
                };
                return Some(codes[fastrand::usize(..codes.len())]);
            }
            None
        })
    }

    pub fn expire_continue(&self) -> bool {
        self.with(|c| c.expire_continue)
    }
}

/// The body of a 429 as the API server's flow control sends it: plain text, not a Status
/// (k8s.io/apiserver/pkg/server/filters/priority-and-fairness.go: tooManyRequests, which calls
/// Go's `http.Error`; maxinflight.go's limit does the same).
pub const TOO_MANY_REQUESTS: &str = "Too many requests, please try again later.\n";

/// The Status a real server (or its front proxy) sends for an injected error code; a 429 is
/// sent as [`TOO_MANY_REQUESTS`] instead.
pub fn error_for(code: u16) -> crate::status::ApiError {
    use crate::status::ApiError;
    match code {
        429 => {
            let mut e = ApiError::new(
                429,
                "TooManyRequests",
                "Too many requests, please try again later.",
            );
            e.retry_after = Some(1);
            e
        }
        503 => {
            let mut e = ApiError::new(
                503,
                "ServiceUnavailable",
                "the server is currently unable to handle the request",
            );
            e.retry_after = Some(1);
            e
        }
        504 => ApiError::new(
            504,
            "Timeout",
            "the server was unable to return a response in the time allotted, but may still be processing the request",
        ),
        c => ApiError::new(c, "InternalError", "Internal error occurred: injected fault"),
    }
}
