//! Kubernetes' protobuf encoding, read for the few fields istioup uses. The API server sends the
//! built-in kinds (pods, nodes, Services) as protobuf when asked (`Accept:
//! application/vnd.kubernetes.protobuf`, as client-go asks): about half the bytes of their JSON,
//! and a reader skips a field it does not want (a container's env, an annotation it does not read,
//! `managedFields`) by its length instead of scanning it character by character.
//!
//! The wire format's primitives (keys, varints) are prost's; the walk over a message is by hand
//! because prost's derived messages allocate every string and every map entry and cannot keep
//! only some keys of a map. Field numbers are those of Kubernetes' `generated.proto` files
//! (k8s.io/api/core/v1, k8s.io/apimachinery/pkg/apis/meta/v1); the tests check them against
//! k8s-pb, which is generated from the same files.
use compact_str::CompactString as Text;
use prost::encoding::{WireType, decode_key, decode_varint};

/// The envelope's prefix (k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go:
/// `protoEncodingPrefix`).
pub const MAGIC: &[u8] = b"k8s\x00";

/// The media type the API server answers protobuf in.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// What is wrong with a message, in words (which field of which message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn bad(what: impl Into<String>) -> Error {
    Error(what.into())
}

/// One field's value as it is on the wire: a varint, or bytes (a string, a nested message, a
/// map entry or a packed list). Fixed-width values are skipped: no field read here has one.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

impl<'a> Value<'a> {
    pub fn bytes(self) -> Result<&'a [u8], Error> {
        match self {
            Value::Bytes(b) => Ok(b),
            _ => Err(bad("a length-delimited field has another wire type")),
        }
    }

    pub fn str(self) -> Result<&'a str, Error> {
        std::str::from_utf8(self.bytes()?).map_err(|_| bad("a string field is not UTF-8"))
    }

    pub fn text(self) -> Result<Text, Error> {
        Ok(Text::new(self.str()?))
    }

    pub fn string(self) -> Result<String, Error> {
        Ok(self.str()?.to_string())
    }

    /// An optional string: Go writes a non-pointer string even when it is empty, where its JSON
    /// (`omitempty`) leaves it out; empty reads as absent, as it does from JSON.
    pub fn opt_text(self) -> Result<Option<Text>, Error> {
        let s = self.str()?;
        Ok((!s.is_empty()).then(|| Text::new(s)))
    }

    pub fn opt_string(self) -> Result<Option<String>, Error> {
        let s = self.str()?;
        Ok((!s.is_empty()).then(|| s.to_string()))
    }

    pub fn varint(self) -> Result<u64, Error> {
        match self {
            Value::Varint(v) => Ok(v),
            _ => Err(bad("a varint field has another wire type")),
        }
    }

    pub fn bool(self) -> Result<bool, Error> {
        Ok(self.varint()? != 0)
    }

    /// An int32 (negative ones are sign-extended to ten bytes on the wire).
    pub fn int32(self) -> Result<i32, Error> {
        Ok(self.varint()? as i64 as i32)
    }

    pub fn int64(self) -> Result<i64, Error> {
        Ok(self.varint()? as i64)
    }
}

#[inline(always)]
fn varint(buf: &mut &[u8]) -> Result<u64, Error> {
    match buf.first() {
        Some(&b) if b < 0x80 => {
            *buf = &buf[1..];
            Ok(u64::from(b))
        }
        _ => decode_varint(buf).map_err(|e| bad(e.to_string())),
    }
}

/// The fields of a message in wire order.
pub struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Fields(buf)
    }

    /// Inlined into each message's loop ([`merge`]): a field is a few instructions, and there
    /// are about 35 to 70 of them in a pod.
    #[inline(always)]
    fn read(&mut self) -> Result<(u32, Value<'a>), Error> {
        let buf = &mut self.0;
        // Keys of fields 1 to 15 and short lengths are one byte: read inline, the rest by prost.
        let (number, wire) = match buf.first() {
            Some(&b) if b < 0x80 && b >> 3 != 0 => {
                *buf = &buf[1..];
                let wire =
                    WireType::try_from(u64::from(b & 7)).map_err(|e| bad(format!("a field key: {e}")))?;
                (u32::from(b >> 3), wire)
            }
            _ => decode_key(buf).map_err(|e| bad(format!("a field key: {e}")))?,
        };
        let value = match wire {
            WireType::Varint => Value::Varint(varint(buf)?),
            WireType::LengthDelimited => {
                let len = varint(buf)?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|&n| n <= buf.len())
                    .ok_or_else(|| bad(format!("field {number} is longer than its message")))?;
                let (value, rest) = buf.split_at(len);
                *buf = rest;
                Value::Bytes(value)
            }
            WireType::SixtyFourBit | WireType::ThirtyTwoBit => {
                let len = if wire == WireType::SixtyFourBit { 8 } else { 4 };
                if buf.len() < len {
                    return Err(bad(format!("field {number} is longer than its message")));
                }
                *buf = &buf[len..];
                Value::Fixed
            }
            WireType::StartGroup | WireType::EndGroup => {
                return Err(bad(format!(
                    "field {number} is a group, which Kubernetes never sends"
                )));
            }
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let item = self.read();
        if item.is_err() {
            self.0 = &[];
        }
        Some(item)
    }
}

/// A message read field by field into a lean struct; fields it does not match are skipped.
pub trait Message: Default {
    fn field(&mut self, number: u32, value: Value<'_>) -> Result<(), Error>;
}

/// Reads `buf` into `msg`, as protobuf merges a message that arrives more than once.
pub fn merge<M: Message>(msg: &mut M, buf: &[u8]) -> Result<(), Error> {
    let mut fields = Fields::new(buf);
    while !fields.0.is_empty() {
        let (number, value) = fields.read()?;
        msg.field(number, value)?;
    }
    Ok(())
}

pub fn decode<M: Message>(buf: &[u8]) -> Result<M, Error> {
    let mut msg = M::default();
    merge(&mut msg, buf)?;
    Ok(msg)
}

/// A field of a built-in object, which numbers its metadata 1, its spec 2 and its status 3
/// (Pod, Node, Service... in k8s.io/api/core/v1/generated.proto).
pub fn object<M: Message, S: Message, T: Message>(
    number: u32,
    v: Value<'_>,
    (metadata, spec, status): (&mut M, &mut S, &mut T),
) -> Result<(), Error> {
    match number {
        1 => merge(metadata, v.bytes()?),
        2 => merge(spec, v.bytes()?),
        3 => merge(status, v.bytes()?),
        _ => Ok(()),
    }
}

/// Counting objects reads none of their fields.
impl Message for serde::de::IgnoredAny {
    fn field(&mut self, _: u32, _: Value<'_>) -> Result<(), Error> {
        Ok(())
    }
}

/// A `map<string, V>` entry: a message of the key (field 1) and the value (field 2); a missing
/// value is the empty message or string. The key is bytes, compared with the keys wanted
/// without checking it is UTF-8 (a key kept is checked by [`key_str`]).
pub fn entry(value: Value<'_>) -> Result<(&[u8], Value<'_>), Error> {
    let (mut key, mut val): (&[u8], _) = (&[], Value::Bytes(&[]));
    for field in Fields::new(value.bytes()?) {
        match field? {
            (1, v) => key = v.bytes()?,
            (2, v) => val = v,
            _ => {}
        }
    }
    Ok((key, val))
}

/// A map key that is kept, as a string.
pub fn key_str(key: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(key).map_err(|_| bad("a map key is not UTF-8"))
}

/// A `resource.Quantity` (k8s.io/apimachinery/pkg/api/resource/generated.proto): its string
/// form, as in JSON.
pub fn quantity(value: Value<'_>) -> Result<Text, Error> {
    let mut out = Text::default();
    for field in Fields::new(value.bytes()?) {
        if let (1, v) = field? {
            out = v.text()?;
        }
    }
    Ok(out)
}

/// A `metav1.Time`'s seconds. Its nanoseconds are dropped, as the API server's JSON drops them
/// and its own encoder does not write them (k8s.io/apimachinery/pkg/apis/meta/v1/time_proto.go:
/// `ProtoTime`).
pub fn time_seconds(value: Value<'_>) -> Result<i64, Error> {
    let mut seconds = 0;
    for field in Fields::new(value.bytes()?) {
        if let (1, v) = field? {
            seconds = v.int64()?;
        }
    }
    Ok(seconds)
}

/// The object inside the envelope (`k8s\0` and a `runtime.Unknown`, whose `raw` is the message;
/// k8s.io/apimachinery/pkg/runtime/generated.proto).
pub fn unwrap(body: &[u8]) -> Result<&[u8], Error> {
    let rest = body.strip_prefix(MAGIC).ok_or_else(|| {
        bad("the answer does not start with the k8s\\0 prefix of Kubernetes' protobuf envelope")
    })?;
    let mut raw: &[u8] = &[];
    for field in Fields::new(rest) {
        match field? {
            (2, v) => raw = v.bytes()?,
            (3, v) if !v.str()?.is_empty() => {
                return Err(bad(format!(
                    "the answer's content encoding {:?} is not supported",
                    v.str()?
                )));
            }
            _ => {}
        }
    }
    Ok(raw)
}

/// A list (`PodList`, `NodeList`...: metadata is field 1, items field 2) read for its continue
/// token (`ListMeta.continue`, field 3), without reading the items.
pub fn continue_token(list: &[u8]) -> Result<Option<String>, Error> {
    let mut token = None;
    for field in Fields::new(list) {
        if let (1, meta) = field? {
            for field in Fields::new(meta.bytes()?) {
                if let (3, v) = field? {
                    token = v.opt_string()?;
                }
            }
        }
    }
    Ok(token)
}

/// Each item of a list, decoded into `M` and handed to `fold` as it is read.
pub fn each_item<M: Message>(list: &[u8], mut fold: impl FnMut(M)) -> Result<(), Error> {
    for field in Fields::new(list) {
        if let (2, item) = field? {
            fold(decode(item.bytes()?)?);
        }
    }
    Ok(())
}

/// A `metav1.Status` (an error answer), as the JSON one reads.
pub fn status(message: &[u8]) -> Result<kube::core::Status, Error> {
    let mut status = kube::core::Status::default();
    for field in Fields::new(message) {
        match field? {
            (2, v) => {
                status.status = match v.str()? {
                    "Success" => Some(kube::core::response::StatusSummary::Success),
                    "Failure" => Some(kube::core::response::StatusSummary::Failure),
                    _ => None,
                }
            }
            (3, v) => status.message = v.string()?,
            (4, v) => status.reason = v.string()?,
            (6, v) => status.code = u16::try_from(v.int32()?).unwrap_or_default(),
            _ => {}
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_pb::api::core::v1 as pb;
    use k8s_pb::apimachinery::pkg::apis::meta::v1 as meta;
    use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
    use prost::Message as _;

    /// An object in the envelope, as the API server's protobuf serializer writes it.
    fn envelope(kind: &str, raw: Vec<u8>) -> Vec<u8> {
        let unknown = Unknown {
            type_meta: Some(TypeMeta {
                api_version: Some("v1".into()),
                kind: Some(kind.into()),
            }),
            raw: Some(raw),
            content_encoding: Some(String::new()),
            content_type: Some(String::new()),
        };
        [MAGIC, &unknown.encode_to_vec()].concat()
    }

    #[derive(Default)]
    struct Named(String);

    impl Message for Named {
        fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), Error> {
            if number == 1 {
                for field in Fields::new(v.bytes()?) {
                    if let (1, name) = field? {
                        self.0 = name.string()?;
                    }
                }
            }
            Ok(())
        }
    }

    fn pod(name: &str) -> pb::Pod {
        pb::Pod {
            metadata: Some(meta::ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// A page of a list: its continue token from `ListMeta` and its items in order
    /// (k8s.io/api/core/v1/generated.proto `PodList`; ListMeta in apimachinery's).
    #[test]
    fn a_list_page_reads_its_token_and_items() {
        let list = |token: Option<&str>| pb::PodList {
            metadata: Some(meta::ListMeta {
                resource_version: Some("42".into()),
                r#continue: token.map(Into::into),
                remaining_item_count: token.map(|_| 7),
                ..Default::default()
            }),
            items: vec![pod("a"), pod("b")],
        };
        let body = envelope("PodList", list(Some("abc=")).encode_to_vec());
        let raw = unwrap(&body).unwrap();
        assert_eq!(continue_token(raw).unwrap().as_deref(), Some("abc="));
        let mut names = Vec::new();
        each_item(raw, |n: Named| names.push(n.0)).unwrap();
        assert_eq!(names, ["a", "b"]);
        let last = envelope("PodList", list(Some("")).encode_to_vec());
        assert_eq!(continue_token(unwrap(&last).unwrap()).unwrap(), None);
        let last = envelope("PodList", list(None).encode_to_vec());
        assert_eq!(continue_token(unwrap(&last).unwrap()).unwrap(), None);
        let empty = envelope("PodList", Vec::new());
        each_item(unwrap(&empty).unwrap(), |_: Named| panic!("no items")).unwrap();
    }

    /// An error answer in protobuf reads as kube's Status (meta/v1 `Status`: status 2,
    /// message 3, reason 4, code 6).
    #[test]
    fn an_error_answer_reads_as_a_status() {
        let status = meta::Status {
            status: Some("Failure".into()),
            message: Some("The provided continue parameter is too old".into()),
            reason: Some("Expired".into()),
            code: Some(410),
            details: Some(meta::StatusDetails {
                retry_after_seconds: Some(1),
                ..Default::default()
            }),
            ..Default::default()
        };
        let body = envelope("Status", status.encode_to_vec());
        let read = unwrap(&body).and_then(super::status).unwrap();
        assert_eq!(read.code, 410);
        assert_eq!(read.reason, "Expired");
        assert_eq!(read.message, "The provided continue parameter is too old");
        assert!(read.is_failure());
    }

    /// Broken answers are errors in words, never a panic: no envelope, a truncated message, a
    /// string where a message is expected, a group, an encoding the reader does not know.
    #[test]
    fn broken_answers_are_errors() {
        let good = envelope(
            "PodList",
            pb::PodList {
                items: vec![pod("a")],
                ..Default::default()
            }
            .encode_to_vec(),
        );
        assert!(
            unwrap(b"{\"kind\":\"PodList\"}")
                .unwrap_err()
                .0
                .contains("k8s\\0")
        );
        for cut in 5..good.len() {
            if let Ok(raw) = unwrap(&good[..cut]) {
                let _ = each_item(raw, |_: Named| ());
            }
        }
        let truncated = unwrap(&good).unwrap();
        let truncated = &truncated[..truncated.len() - 1];
        assert!(
            each_item(truncated, |_: Named| ())
                .unwrap_err()
                .0
                .contains("longer than its message")
        );
        // Field 2 (items) as a varint.
        assert!(each_item(&[0x10, 0x01], |_: Named| ()).is_err());
        // Field 1 as a group.
        assert!(each_item(&[0x0b], |_: Named| ()).unwrap_err().0.contains("group"));
        let gzipped = Unknown {
            raw: Some(Vec::new()),
            content_encoding: Some("gzip".into()),
            ..Default::default()
        };
        let gzipped = [MAGIC, &gzipped.encode_to_vec()].concat();
        assert!(unwrap(&gzipped).unwrap_err().0.contains("gzip"));
        assert!(Value::Bytes(&[0xff]).str().is_err());
    }
}
