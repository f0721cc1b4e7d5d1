//! Authentication (an optional bearer token) and a small RBAC stand-in: a deny list of
//! (verb, resource) rules, answered both by SelfSubjectAccessReview and by 403 Forbidden on
//! the requests themselves.
use crate::status::ApiError;
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub verb: String,
    pub group: String,
    pub resource: String,
}

impl Rule {
    /// `resource` as RBAC names it: `namespaces`, `customresourcedefinitions.apiextensions.k8s.io`,
    /// `deployments.apps`, `deployments/scale`, or `*`.
    pub fn parse(verb: &str, resource: &str) -> Rule {
        let (res, group) = match resource.split_once('.') {
            Some((r, g)) => (r.to_string(), g.to_string()),
            None if resource == "*" => ("*".to_string(), "*".to_string()),
            None => (resource.to_string(), String::new()),
        };
        Rule {
            verb: verb.to_string(),
            group,
            resource: res,
        }
    }

    fn matches(&self, verb: &str, group: &str, resource: &str) -> bool {
        (self.verb == "*" || self.verb == verb)
            && (self.group == "*" || self.group == group)
            && (self.resource == "*" || self.resource == resource)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Rbac {
    pub user: String,
    pub deny: Vec<Rule>,
}

impl Rbac {
    pub fn allowed(&self, verb: &str, group: &str, resource: &str) -> bool {
        !self.deny.iter().any(|r| r.matches(verb, group, resource))
    }

    /// The 403 a real API server returns for a denied request.
    pub fn forbidden(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        qualified: &str,
        ns: &str,
        name: &str,
    ) -> ApiError {
        let scope = if ns.is_empty() {
            "at the cluster scope".to_string()
        } else {
            format!("in the namespace \"{ns}\"")
        };
        let subject = if name.is_empty() {
            qualified.to_string()
        } else {
            format!("{qualified} \"{name}\"")
        };
        ApiError::new(
            403,
            "Forbidden",
            format!(
                "{subject} is forbidden: User \"{}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}",
                self.user
            ),
        )
        .with_details(name, group, resource.split('/').next().unwrap_or(resource))
    }

    /// Answers a SelfSubjectAccessReview body.
    /// A SelfSubjectReview (`kubectl auth whoami`): who the request authenticated as
    /// (k8s.io/kubernetes pkg/registry/authentication/selfsubjectreview/rest.go). The simulated
    /// user is a cluster admin, as kubeadm's kubeconfig user is.
    pub fn whoami(&self) -> Value {
        json!({
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "SelfSubjectReview",
            "metadata": {"creationTimestamp": crate::util::now_rfc3339()},
            "status": {"userInfo": {"username": self.user, "groups": ["system:masters", "system:authenticated"]}},
        })
    }

    pub fn review(&self, mut body: Value) -> Value {
        let attrs = body
            .get("spec")
            .and_then(|s| s.get("resourceAttributes"))
            .cloned()
            .unwrap_or(json!({}));
        let s = |k: &str| attrs.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let mut resource = s("resource");
        let sub = s("subresource");
        if !sub.is_empty() {
            resource = format!("{resource}/{sub}");
        }
        let allowed = if attrs.is_object() && !s("verb").is_empty() {
            self.allowed(&s("verb"), &s("group"), &resource)
        } else {
            // Non-resource requests (e.g. /healthz) are always allowed here.
            true
        };
        body["apiVersion"] = json!("authorization.k8s.io/v1");
        body["kind"] = json!("SelfSubjectAccessReview");
        body["metadata"] = json!({"creationTimestamp": null});
        body["status"] = if allowed {
            json!({"allowed": true, "reason": "allowed by kubesim"})
        } else {
            json!({"allowed": false, "denied": true, "reason": "denied by kubesim deny rule"})
        };
        body
    }
}

pub fn unauthorized() -> ApiError {
    ApiError::new(401, "Unauthorized", "Unauthorized")
}
