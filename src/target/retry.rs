//! Talking to an API server that is merely a little flaky, as client-go does
//! (k8s.io/client-go/rest/request.go, `retry.go`): a request istioup can safely repeat is sent
//! again after a 5xx or 429 answer (honouring `Retry-After`, capped), after a connection reset
//! or closed before the answer, and after a timeout, with jittered exponential backoff and a
//! bounded number of attempts. Creating requests (POST) are repeated only when the server
//! refused them with a `Retry-After` (it did not process them), and the read-only access
//! reviews always.
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use kube::client::{Body, ClientBuilder};
use tower::BoxError;
use tower::buffer::BufferLayer;
use tower::retry::{Policy, RetryLayer};

/// Attempts after the first.
const RETRIES: u32 = 8;
const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(5);
/// A request that ran out of time is tried once more only: a server that never answers must
/// fail the command in bounded time.
const TIMEOUT_RETRIES: u32 = 1;
/// A server's `Retry-After` is followed up to this long; longer, and the command would look hung.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// A client for `config` whose requests retry as above. kube's own retry (429/503/504 only,
/// up to 15 times and 1000 s) is replaced.
pub fn client(mut config: kube::Config) -> Result<kube::Client, kube::Error> {
    config.default_retry = false;
    let builder = ClientBuilder::try_from(config)?
        // The retry layer needs a service it can clone: the buffer makes the boxed stack one.
        .with_layer(&BufferLayer::new(256))
        .with_layer(&RetryLayer::new(Retry::default()));
    Ok(builder.build())
}

/// A request waits at most this long in all between its attempts: a server that keeps
/// answering 429 makes the command give up, with a message, instead of waiting for minutes.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// A wait at least this long is announced: a person watching sees what istioup waits for.
const ANNOUNCE: Duration = Duration::from_secs(2);

static ANNOUNCER: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Who hears about long waits between attempts (the terminal, set by the program's entry
/// point; the layers below `ui` never print themselves).
pub fn announce_waits_to(hear: fn(&str)) {
    let _ = ANNOUNCER.set(hear);
}

#[derive(Clone, Default)]
pub struct Retry {
    attempt: u32,
    timeouts: u32,
    waited: Duration,
}

/// Safe to send twice: reads, and writes whose second arrival changes nothing more (istioup's
/// PATCHes set labels and annotations to fixed values; a repeated DELETE answers 404, which
/// callers read as "already gone").
fn repeatable(req: &Request<Body>) -> bool {
    match *req.method() {
        Method::GET | Method::HEAD | Method::PUT | Method::PATCH | Method::DELETE => true,
        Method::POST => req.uri().path().ends_with("/selfsubjectaccessreviews"),
        _ => false,
    }
}

fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// A connection that broke or timed out before the answer: worth another try. A refused
/// connection is not (no server there: say so at once), as client-go's IsConnectionReset and
/// IsProbableEOF leave it out.
fn transient(error: &BoxError) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error.as_ref());
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | TimedOut | UnexpectedEof
            ) {
                return true;
            }
        }
        let text = err.to_string();
        if [
            "connection closed",
            "connection reset",
            "timed out",
            "incomplete message",
            "channel closed",
        ]
        .iter()
        .any(|needle| text.contains(needle))
        {
            return true;
        }
        next = err.source();
    }
    false
}

fn timeout(error: &BoxError) -> bool {
    chain_timed_out(error.as_ref())
}

/// Whether a kube error is a request that ran out of time (`--request-timeout`).
pub fn timed_out(error: &kube::Error) -> bool {
    chain_timed_out(error)
}

fn chain_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(err) = next {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            || err.to_string().contains("timed out")
        {
            return true;
        }
        next = err.source();
    }
    false
}

impl Retry {
    /// 100 ms, 200 ms, 400 ms ... up to 5 s, each with up to half again of random jitter, so
    /// many requests failing together do not come back together.
    fn backoff(&self) -> Duration {
        let base = FIRST_DELAY
            .saturating_mul(1 << self.attempt.min(10))
            .min(MAX_DELAY);
        let jitter = base.mul_f64(fastrand::f64() * 0.5);
        base + jitter
    }
}

fn retry_after<Res>(response: &Response<Res>) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get("Retry-After")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

impl<Res> Policy<Request<Body>, Response<Res>, BoxError> for Retry {
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        req: &mut Request<Body>,
        result: &mut Result<Response<Res>, BoxError>,
    ) -> Option<Self::Future> {
        if self.attempt >= RETRIES {
            return None;
        }
        // Any request the server refused with Retry-After (429, or a 5xx that says when to come
        // back) was not processed, so even a create is sent again, as client-go does
        // (k8s.io/client-go/rest/request.go checkWait/retryAfter apply to every verb).
        let refused_with_retry_after =
            matches!(result, Ok(r) if retryable_status(r.status()) && retry_after(r).is_some());
        if !repeatable(req) && !refused_with_retry_after {
            return None;
        }
        let mut why = None;
        let delay = match result {
            Ok(response) if retryable_status(response.status()) => {
                why = Some(response.status());
                retry_after(response).unwrap_or_else(|| self.backoff())
            }
            Ok(_) => return None,
            Err(error) if timeout(error) => {
                if self.timeouts >= TIMEOUT_RETRIES {
                    return None;
                }
                self.timeouts += 1;
                self.backoff()
            }
            Err(error) if transient(error) => self.backoff(),
            Err(_) => return None,
        };
        if self.waited + delay > MAX_WAIT {
            return None;
        }
        self.waited += delay;
        self.attempt += 1;
        if delay >= ANNOUNCE
            && let Some(hear) = ANNOUNCER.get()
        {
            let answer = why
                .map(|s| format!("answered {s}"))
                .unwrap_or_else(|| "did not answer".into());
            hear(&format!(
                "the API server {answer} to {} {}: retrying in {}s (retry {} of at most {RETRIES})\n",
                req.method(),
                req.uri().path(),
                delay.as_secs(),
                self.attempt
            ));
        }
        Some(tokio::time::sleep(delay))
    }

    fn clone_request(&mut self, req: &Request<Body>) -> Option<Request<Body>> {
        let body = req.body().try_clone()?;
        let mut copy = Request::builder()
            .method(req.method().clone())
            .uri(req.uri().clone())
            .version(req.version())
            .body(body)
            .ok()?;
        *copy.headers_mut() = req.headers().clone();
        *copy.extensions_mut() = req.extensions().clone();
        Some(copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method, path: &str) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn a_server_that_keeps_answering_429_is_given_up_on_within_the_wait_budget() {
        let mut policy = Retry::default();
        let mut get = req(Method::GET, "/api/v1/pods");
        let mut tries = 0;
        loop {
            let mut throttled: Result<Response<()>, BoxError> = Ok(Response::builder()
                .status(429)
                .header("Retry-After", "10")
                .body(())
                .unwrap());
            if policy.retry(&mut get, &mut throttled).is_none() {
                break;
            }
            tries += 1;
        }
        assert_eq!(tries, 3, "10 s each, within 30 s in all");
    }

    #[tokio::test]
    async fn only_repeatable_requests_retry_on_server_errors() {
        let mut policy = Retry::default();
        let mut get = req(Method::GET, "/api/v1/pods");
        let mut failed: Result<Response<()>, BoxError> =
            Ok(Response::builder().status(500).body(()).unwrap());
        assert!(policy.retry(&mut get, &mut failed).is_some());
        let mut create = req(Method::POST, "/api/v1/namespaces/a/pods");
        assert!(Retry::default().retry(&mut create, &mut failed).is_none());
        // Refused with Retry-After: not processed, so a create is sent again too.
        let mut throttled: Result<Response<()>, BoxError> = Ok(Response::builder()
            .status(429)
            .header("Retry-After", "1")
            .body(())
            .unwrap());
        assert!(Retry::default().retry(&mut create, &mut throttled).is_some());
        let mut review = req(
            Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        );
        assert!(Retry::default().retry(&mut review, &mut failed).is_some());
        let mut not_found: Result<Response<()>, BoxError> =
            Ok(Response::builder().status(404).body(()).unwrap());
        assert!(Retry::default().retry(&mut get, &mut not_found).is_none());
        let mut reset: Result<Response<()>, BoxError> = Err(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        assert!(Retry::default().retry(&mut get, &mut reset).is_some());
    }

    #[tokio::test]
    async fn retries_are_bounded_and_retry_after_is_capped() {
        let mut policy = Retry::default();
        let mut get = req(Method::GET, "/api");
        let busy: Result<Response<()>, BoxError> = Ok(Response::builder()
            .status(429)
            .header("Retry-After", "3600")
            .body(())
            .unwrap());
        assert_eq!(retry_after(busy.as_ref().unwrap()), Some(MAX_RETRY_AFTER));
        let mut failing: Result<Response<()>, BoxError> =
            Ok(Response::builder().status(503).body(()).unwrap());
        for _ in 0..RETRIES {
            assert!(policy.retry(&mut get, &mut failing).is_some());
        }
        assert!(
            policy.retry(&mut get, &mut failing).is_none(),
            "gives up after {RETRIES}"
        );
        assert!(policy.backoff() <= MAX_DELAY.mul_f64(1.5));
    }
}
