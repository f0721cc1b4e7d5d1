//! API errors rendered as `Status` objects, the way a real API server answers failures.
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Box<Value>>,
    /// Extra headers (e.g. `Retry-After` on 429).
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    pub fn with_details(mut self, name: &str, group: &str, kind: &str) -> Self {
        let mut d = serde_json::Map::new();
        if !name.is_empty() {
            d.insert("name".into(), json!(name));
        }
        if !group.is_empty() {
            d.insert("group".into(), json!(group));
        }
        d.insert("kind".into(), json!(kind));
        self.details = Some(Box::new(Value::Object(d)));
        self
    }

    /// `pods "x" not found` / `deployments.apps "x" not found`.
    pub fn not_found(qualified: &str, group: &str, plural: &str, name: &str) -> Self {
        ApiError::new(404, "NotFound", format!("{qualified} \"{name}\" not found"))
            .with_details(name, group, plural)
    }

    pub fn already_exists(qualified: &str, group: &str, plural: &str, name: &str) -> Self {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{qualified} \"{name}\" already exists"),
        )
        .with_details(name, group, plural)
    }

    pub fn conflict(qualified: &str, group: &str, plural: &str, name: &str) -> Self {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
        .with_details(name, group, plural)
    }

    /// 422 with one field cause, e.g. `Namespace "" is invalid: metadata.name: Required value`.
    pub fn invalid(kind: &str, group: &str, name: &str, field: &str, msg: &str) -> Self {
        let mut e = ApiError::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {field}: {msg}"),
        )
        .with_details(name, group, kind);
        if let Some(Value::Object(d)) = e.details.as_deref_mut() {
            d.insert(
                "causes".into(),
                json!([{"reason": "FieldValueInvalid", "message": msg, "field": field}]),
            );
        }
        e
    }

    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::new(400, "BadRequest", msg)
    }

    pub fn method_not_allowed() -> Self {
        ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    }

    pub fn path_not_found() -> Self {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details("", "", "")
    }

    pub fn expired(msg: impl Into<String>) -> Self {
        ApiError::new(410, "Expired", msg)
    }

    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            // The path-level 404 of a real server carries `details: {}`.
            let d = match d.as_object() {
                Some(m) if m.get("kind").and_then(Value::as_str) == Some("") => json!({}),
                _ => (**d).clone(),
            };
            s["details"] = d;
        }
        // Real servers leave `reason` empty for generic 500s; keep it for the others.
        if self.reason.is_empty()
            && let Some(m) = s.as_object_mut()
        {
            m.remove("reason");
        }
        s
    }
}

pub fn success_status(name: &str, group: &str, kind: &str, uid: &str) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": name, "group": group, "kind": kind, "uid": uid}
    })
}
