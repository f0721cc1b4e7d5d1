//! SPDY/3.1 framing, the server half that client-go's port-forward needs (k8s.io/apimachinery
//! pkg/util/httpstream/spdy over github.com/moby/spdystream; the wire format is spdystream's
//! `spdy/read.go`, `spdy/write.go` and `spdy/types.go`, after the SPDY/3 draft).
//!
//! Hand-written because there is no maintained Rust SPDY crate: crates.io has `spdy-mux`
//! (0.1.x, 2026, one author, a client-side multiplexer that only opens stream pairs) and older
//! abandoned SPDY/2–3 crates; none serves streams a client opens. The framing is small:
//! - every frame has an 8-byte head; a control frame `1 | version 3 (15 bits) | type (16)`,
//!   then `flags (8) | length (24)`; a data frame `0 | stream id (31)`, then flags and length;
//! - SYN_STREAM (1): stream id, associated stream id, priority (3 bits) + 5 unused, slot, then
//!   a header block; SYN_REPLY (2): stream id, header block; RST_STREAM (3): stream id, status;
//!   SETTINGS (4): count, then (flags 8 | id 24, value) pairs; PING (6): id; GOAWAY (7): last
//!   good stream id, status; HEADERS (8); WINDOW_UPDATE (9): stream id, delta (spdystream keeps
//!   no flow-control window, so neither does kubesim);
//! - a header block is `count (32)`, then per header `name length (32), name, value length (32),
//!   value` (names lowercase, several values joined by NUL), zlib-compressed with [`DICTIONARY`]
//!   in one stream per direction per connection, each block ended by a sync flush (write.go
//!   `headerCompressor.Flush()`; read.go keeps one `zlib.NewReaderDict` for the connection).
//!
//! zlib itself is flate2 (zlib-rs backend, which has `set_dictionary`).
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt};

const VERSION: u16 = 3;
pub const FLAG_FIN: u8 = 0x01;
const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const PING: u16 = 6;
const GOAWAY: u16 = 7;
/// RST_STREAM status `CANCEL` (types.go), what spdystream's `Stream.Reset` sends.
pub const CANCEL: u32 = 5;

/// The SPDY/3 header-compression dictionary (the draft's section 2.6.10.1, spdystream
/// `spdy/dictionary.go`).
#[rustfmt::skip]
pub const DICTIONARY: &[u8] = b"\
    \x00\x00\x00\x07options\x00\x00\x00\x04head\x00\x00\x00\x04post\x00\x00\x00\x03put\x00\x00\
    \x00\x06delete\x00\x00\x00\x05trace\x00\x00\x00\x06accept\x00\x00\x00\x0eaccept-charset\
    \x00\x00\x00\x0faccept-encoding\x00\x00\x00\x0faccept-language\x00\x00\x00\x0daccept-range\
    s\x00\x00\x00\x03age\x00\x00\x00\x05allow\x00\x00\x00\x0dauthorization\x00\x00\x00\x0dcach\
    e-control\x00\x00\x00\x0aconnection\x00\x00\x00\x0ccontent-base\x00\x00\x00\x10content-enc\
    oding\x00\x00\x00\x10content-language\x00\x00\x00\x0econtent-length\x00\x00\x00\x10content\
    -location\x00\x00\x00\x0bcontent-md5\x00\x00\x00\x0dcontent-range\x00\x00\x00\x0ccontent-t\
    ype\x00\x00\x00\x04date\x00\x00\x00\x04etag\x00\x00\x00\x06expect\x00\x00\x00\x07expires\
    \x00\x00\x00\x04from\x00\x00\x00\x04host\x00\x00\x00\x08if-match\x00\x00\x00\x11if-modifie\
    d-since\x00\x00\x00\x0dif-none-match\x00\x00\x00\x08if-range\x00\x00\x00\x13if-unmodified-\
    since\x00\x00\x00\x0dlast-modified\x00\x00\x00\x08location\x00\x00\x00\x0cmax-forwards\x00\
    \x00\x00\x06pragma\x00\x00\x00\x12proxy-authenticate\x00\x00\x00\x13proxy-authorization\
    \x00\x00\x00\x05range\x00\x00\x00\x07referer\x00\x00\x00\x0bretry-after\x00\x00\x00\x06ser\
    ver\x00\x00\x00\x02te\x00\x00\x00\x07trailer\x00\x00\x00\x11transfer-encoding\x00\x00\x00\
    \x07upgrade\x00\x00\x00\x0auser-agent\x00\x00\x00\x04vary\x00\x00\x00\x03via\x00\x00\x00\
    \x07warning\x00\x00\x00\x10www-authenticate\x00\x00\x00\x06method\x00\x00\x00\x03get\x00\
    \x00\x00\x06status\x00\x00\x00\x06200 OK\x00\x00\x00\x07version\x00\x00\x00\x08HTTP/1.1\
    \x00\x00\x00\x03url\x00\x00\x00\x06public\x00\x00\x00\x0aset-cookie\x00\x00\x00\x0akeep-al\
    ive\x00\x00\x00\x06origin10010120120220520630030230330430530630740240540640740840941041141\
    2413414415416417502504505203 Non-Authoritative Information204 No Content301 Moved Permanen\
    tly400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 N\
    ot Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:0\
    0:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif\
    ,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzi\
    p,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.\
";

/// One frame as read.
#[derive(Debug, PartialEq)]
pub enum Frame {
    SynStream {
        id: u32,
        fin: bool,
        headers: Vec<(String, String)>,
    },
    /// What a client reads back for its SYN_STREAM (kubesim's own tests speak as client-go).
    SynReply {
        id: u32,
    },
    RstStream {
        id: u32,
        status: u32,
    },
    Ping {
        id: u32,
    },
    GoAway,
    Data {
        id: u32,
        fin: bool,
        data: Vec<u8>,
    },
    /// SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY (a client gets those, a server does not):
    /// read and ignored.
    Ignored,
}

fn bad(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Reads frames; owns the connection's header inflate stream.
pub struct Reader {
    inflate: Decompress,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            inflate: Decompress::new(true),
        }
    }
}

impl Reader {
    /// The next frame, `None` at a clean end of the connection.
    pub async fn read<R: AsyncRead + Unpin>(&mut self, r: &mut R) -> io::Result<Option<Frame>> {
        let mut head = [0u8; 8];
        match r.read_exact(&mut head).await {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let first = be32(&head[..4]);
        let flags = head[4];
        let length = (be32(&head[4..]) & 0xff_ffff) as usize;
        let mut body = vec![0u8; length];
        r.read_exact(&mut body).await?;
        if first & 0x8000_0000 == 0 {
            let (id, fin) = (first & 0x7fff_ffff, flags & FLAG_FIN != 0);
            return Ok(Some(Frame::Data { id, fin, data: body }));
        }
        let version = ((first >> 16) & 0x7fff) as u16;
        if version != VERSION {
            return Err(bad(format!("SPDY version {version}, kubesim speaks 3")));
        }
        let need = |n: usize| {
            if body.len() < n {
                Err(bad(format!(
                    "SPDY control frame of {} bytes is short",
                    body.len()
                )))
            } else {
                Ok(())
            }
        };
        Ok(Some(match (first & 0xffff) as u16 {
            SYN_STREAM => {
                need(10)?;
                let id = be32(&body) & 0x7fff_ffff;
                let headers = self.headers(&body[10..])?;
                Frame::SynStream {
                    id,
                    fin: flags & FLAG_FIN != 0,
                    headers,
                }
            }
            SYN_REPLY => {
                need(4)?;
                self.headers(&body[4..])?;
                Frame::SynReply {
                    id: be32(&body) & 0x7fff_ffff,
                }
            }
            RST_STREAM => {
                need(8)?;
                Frame::RstStream {
                    id: be32(&body) & 0x7fff_ffff,
                    status: be32(&body[4..]),
                }
            }
            PING => {
                need(4)?;
                Frame::Ping { id: be32(&body) }
            }
            GOAWAY => Frame::GoAway,
            _ => Frame::Ignored,
        }))
    }

    /// Inflates one header block (continuing the connection's stream) and parses it.
    fn headers(&mut self, compressed: &[u8]) -> io::Result<Vec<(String, String)>> {
        let mut plain = Vec::with_capacity(compressed.len() * 4 + 64);
        let mut input = compressed;
        loop {
            if plain.capacity() - plain.len() < 256 {
                plain.reserve(4096);
            }
            let before = self.inflate.total_in();
            let res = self
                .inflate
                .decompress_vec(input, &mut plain, FlushDecompress::Sync);
            input = &input[(self.inflate.total_in() - before) as usize..];
            match res {
                Ok(_) if input.is_empty() && plain.len() < plain.capacity() => break,
                Ok(Status::StreamEnd) => return Err(bad("SPDY header stream ended")),
                Ok(_) => {}
                Err(e) if e.needs_dictionary().is_some() => {
                    self.inflate
                        .set_dictionary(DICTIONARY)
                        .map_err(|e| bad(format!("SPDY header dictionary: {e}")))?;
                }
                Err(e) => return Err(bad(format!("SPDY header block: {e}"))),
            }
        }
        parse_header_block(&plain)
    }
}

/// read.go `parseHeaderValueBlock`: NUL-joined values come back as separate pairs.
fn parse_header_block(b: &[u8]) -> io::Result<Vec<(String, String)>> {
    let short = || bad("SPDY header block is short");
    let mut at = 0usize;
    let mut take = |n: usize| -> io::Result<&[u8]> {
        let s = b.get(at..at + n).ok_or_else(short)?;
        at += n;
        Ok(s)
    };
    let count = be32(take(4)?);
    let mut out = Vec::new();
    for _ in 0..count {
        let n = be32(take(4)?) as usize;
        let name = String::from_utf8_lossy(take(n)?).to_lowercase();
        let n = be32(take(4)?) as usize;
        let value = String::from_utf8_lossy(take(n)?).to_string();
        for v in value.split('\0') {
            out.push((name.clone(), v.to_string()));
        }
    }
    Ok(out)
}

/// Writes frames; owns the connection's header deflate stream, so frames must be encoded in
/// the order they go on the wire.
pub struct Writer {
    deflate: Compress,
}

impl Default for Writer {
    fn default() -> Self {
        let mut deflate = Compress::new(Compression::best(), true);
        // write.go: zlib.NewWriterLevelDict(..., zlib.BestCompression, headerDictionary).
        let _ = deflate.set_dictionary(DICTIONARY);
        Writer { deflate }
    }
}

fn control(kind: u16, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(8 + body.len());
    f.extend_from_slice(&(0x8000 | VERSION).to_be_bytes());
    f.extend_from_slice(&kind.to_be_bytes());
    f.extend_from_slice(&((u32::from(flags) << 24) | body.len() as u32).to_be_bytes());
    f.extend_from_slice(body);
    f
}

impl Writer {
    /// SYN_REPLY with the given headers (apimachinery's server replies with none).
    pub fn syn_reply(&mut self, id: u32, headers: &[(&str, &str)]) -> Vec<u8> {
        let mut body = id.to_be_bytes().to_vec();
        body.extend_from_slice(&self.header_block(headers));
        control(SYN_REPLY, 0, &body)
    }

    /// SYN_STREAM as client-go opens a stream (write.go `writeSynStreamFrame`: no associated
    /// stream, priority 0, slot 0); for kubesim's own tests, which speak as the client.
    pub fn syn_stream(&mut self, id: u32, headers: &[(&str, &str)]) -> Vec<u8> {
        let mut body = id.to_be_bytes().to_vec();
        body.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        body.extend_from_slice(&self.header_block(headers));
        control(SYN_STREAM, 0, &body)
    }

    fn header_block(&mut self, headers: &[(&str, &str)]) -> Vec<u8> {
        let mut block = (headers.len() as u32).to_be_bytes().to_vec();
        for (k, v) in headers {
            block.extend_from_slice(&(k.len() as u32).to_be_bytes());
            block.extend_from_slice(k.to_lowercase().as_bytes());
            block.extend_from_slice(&(v.len() as u32).to_be_bytes());
            block.extend_from_slice(v.as_bytes());
        }
        self.compress(&block)
    }

    fn compress(&mut self, block: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(block.len() + 64);
        let mut input = block;
        loop {
            out.reserve(256);
            let before = self.deflate.total_in();
            let _ = self.deflate.compress_vec(input, &mut out, FlushCompress::Sync);
            input = &input[(self.deflate.total_in() - before) as usize..];
            // Done once all input is in and the sync flush left spare room.
            if input.is_empty() && out.len() < out.capacity() {
                return out;
            }
        }
    }

    pub fn rst_stream(&mut self, id: u32, status: u32) -> Vec<u8> {
        let mut body = id.to_be_bytes().to_vec();
        body.extend_from_slice(&status.to_be_bytes());
        control(RST_STREAM, 0, &body)
    }

    pub fn ping(&mut self, id: u32) -> Vec<u8> {
        control(PING, 0, &id.to_be_bytes())
    }

    /// A DATA frame; `fin` half-closes the stream (spdystream `Stream.Close`: empty, FIN).
    pub fn data(&mut self, id: u32, fin: bool, data: &[u8]) -> Vec<u8> {
        let mut f = Vec::with_capacity(8 + data.len());
        f.extend_from_slice(&(id & 0x7fff_ffff).to_be_bytes());
        let flags = if fin { FLAG_FIN } else { 0 };
        f.extend_from_slice(&((u32::from(flags) << 24) | data.len() as u32).to_be_bytes());
        f.extend_from_slice(data);
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn header_blocks_share_one_zlib_stream_per_direction() {
        assert_eq!(DICTIONARY.len(), 1423);
        let mut w = Writer::default();
        let mut wire = w.syn_stream(1, &[("streamtype", "error"), ("port", "80")]);
        wire.extend(w.syn_stream(3, &[("streamtype", "data"), ("Port", "80\x0081")]));
        wire.extend(w.data(3, true, b"hi"));
        wire.extend(w.ping(7));
        wire.extend(w.syn_reply(5, &[]));
        let mut r = Reader::default();
        let mut input = &wire[..];
        let first = r.read(&mut input).await.unwrap().unwrap();
        let want = vec![
            ("streamtype".into(), "error".into()),
            ("port".into(), "80".into()),
        ];
        assert_eq!(
            first,
            Frame::SynStream {
                id: 1,
                fin: false,
                headers: want
            }
        );
        let Some(Frame::SynStream { id: 3, headers, .. }) = r.read(&mut input).await.unwrap() else {
            panic!("second SYN_STREAM")
        };
        assert_eq!(
            headers[1..],
            [("port".into(), "80".into()), ("port".into(), "81".into())]
        );
        let data = Frame::Data {
            id: 3,
            fin: true,
            data: b"hi".to_vec(),
        };
        assert_eq!(r.read(&mut input).await.unwrap(), Some(data));
        assert_eq!(r.read(&mut input).await.unwrap(), Some(Frame::Ping { id: 7 }));
        assert_eq!(r.read(&mut input).await.unwrap(), Some(Frame::SynReply { id: 5 }));
        assert_eq!(r.read(&mut input).await.unwrap(), None);
    }
}
