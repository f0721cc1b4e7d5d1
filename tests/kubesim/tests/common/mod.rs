//! Test helpers: a tiny blocking HTTP/1.1 client (plain HTTP only), so the API tests see
//! exactly what goes over the wire.
#![allow(dead_code)]
pub mod kubectl;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn host_port(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

fn send(
    url: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> std::io::Result<BufReader<TcpStream>> {
    let hp = host_port(url);
    let mut s = TcpStream::connect(&hp)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let body = body.unwrap_or("");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {hp}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        && !body.is_empty()
    {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    Ok(BufReader::new(s))
}

fn read_head(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok((status, headers))
}

/// One request, full response (Content-Length or chunked).
pub fn try_request(
    url: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> std::io::Result<Resp> {
    let mut r = send(url, method, path, body, headers)?;
    let (status, headers) = read_head(&mut r)?;
    if status == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "no response",
        ));
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

pub fn request(url: &str, method: &str, path: &str, body: Option<&str>) -> Resp {
    try_request(url, method, path, body, &[]).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

pub fn request_ct(url: &str, method: &str, path: &str, body: &str, ctype: &str) -> Resp {
    try_request(url, method, path, Some(body), &[("Content-Type", ctype)])
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

pub fn get(url: &str, path: &str) -> Resp {
    request(url, "GET", path, None)
}

/// An open watch: yields one decoded event per line.
pub struct Watch {
    r: BufReader<TcpStream>,
    pending: std::collections::VecDeque<String>,
    pub status: u16,
}

impl Watch {
    pub fn open(url: &str, path: &str) -> Watch {
        let mut r = send(url, "GET", path, None, &[]).unwrap_or_else(|e| panic!("watch {path}: {e}"));
        let (status, _) = read_head(&mut r).unwrap_or_else(|e| panic!("watch {path}: {e}"));
        Watch {
            r,
            pending: Default::default(),
            status,
        }
    }

    /// The next event, or None when the stream ends or stays silent for `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Option<Value> {
        self.r.get_ref().set_read_timeout(Some(timeout)).ok()?;
        loop {
            if let Some(line) = self.pending.pop_front() {
                return serde_json::from_str(&line).ok();
            }
            let mut size = String::new();
            if self.r.read_line(&mut size).ok()? == 0 {
                return None;
            }
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            if n == 0 {
                return None;
            }
            let mut chunk = vec![0; n + 2];
            self.r.read_exact(&mut chunk).ok()?;
            let text = String::from_utf8_lossy(&chunk[..n]).to_string();
            self.pending
                .extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string));
        }
    }
}

pub fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}
