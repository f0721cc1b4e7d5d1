//! A path into the IstioOperator, step by step, as `--set` and the validation rules read it.
use std::fmt;

/// One step of a `--set` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `a` in `a.b`; `\.` in the path is a literal dot of the key.
    Key(String),
    /// `[0]`: that item; an index past the end appends, as istioctl does.
    Index(usize),
    /// `[name:foo]`: the item whose `name` is `foo`.
    Select { key: String, value: String },
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(key) => f.write_str(key),
            Segment::Index(index) => write!(f, "[{index}]"),
            Segment::Select { key, value } => write!(f, "[{key}:{value}]"),
        }
    }
}
