//! Pods' specs, nodes and Services as the API server sends them, decoded into only the fields
//! istioup reads. A typed k8s-openapi `Pod` builds every field of every container (env, probes, volume
//! mounts, managedFields...); on a cluster of 150,000 pods that decoding, not the network, was
//! most of `check`'s time. Unknown fields are skipped by serde, annotations and labels other
//! than the ones asked for are never allocated. Field names are the API's JSON names
//! (k8s.io/api/core/v1/types.go).
use std::collections::BTreeMap;
use std::fmt;

use compact_str::CompactString;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

/// A short string held inline (up to 24 bytes: names, quantities, phases), so decoding one costs
/// no allocation; 150,000 pods carry about ten each.
pub type Text = CompactString;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(default)]
    pub node_name: Option<Text>,
    #[serde(default)]
    pub host_network: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub containers: Vec<Container>,
    #[serde(default, deserialize_with = "nullable")]
    pub init_containers: Vec<Container>,
    #[serde(default)]
    pub overhead: Option<Quantities>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    #[serde(default)]
    pub name: Text,
    #[serde(default)]
    pub image: Option<Text>,
    /// `Always` makes an init container a native sidecar (KEP-753).
    #[serde(default)]
    pub restart_policy: Option<Text>,
    #[serde(default)]
    pub resources: Option<Requirements>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Requirements {
    #[serde(default)]
    pub requests: Option<Quantities>,
}

/// The CPU and memory of a resource list; other resources (GPUs, ephemeral storage) are not
/// placed by the checks.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Quantities {
    #[serde(default)]
    pub cpu: Option<Text>,
    #[serde(default)]
    pub memory: Option<Text>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PodStatus {
    #[serde(default)]
    pub phase: Option<Text>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeMeta {
    #[serde(default)]
    pub name: Option<String>,
    /// All of them: node selectors match any label.
    #[serde(default, deserialize_with = "nullable")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Node {
    #[serde(default)]
    pub metadata: NodeMeta,
    #[serde(default)]
    pub spec: NodeSpec,
    #[serde(default)]
    pub status: NodeStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeSpec {
    #[serde(default)]
    pub unschedulable: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub taints: Vec<Taint>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Taint {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub effect: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeStatus {
    #[serde(default)]
    pub allocatable: Option<Quantities>,
    #[serde(default)]
    pub capacity: Option<Quantities>,
    #[serde(default, deserialize_with = "nullable")]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Condition {
    #[serde(default, rename = "type")]
    pub type_: Text,
    #[serde(default)]
    pub status: Text,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServiceMeta {
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Service {
    #[serde(default)]
    pub metadata: ServiceMeta,
    #[serde(default)]
    pub spec: ServiceSpec,
    #[serde(default)]
    pub status: ServiceStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    #[serde(default)]
    pub node_port: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    #[serde(default)]
    pub load_balancer: Option<LoadBalancerStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LoadBalancerStatus {
    /// Only how many: an address proves the cluster has a load balancer.
    #[serde(default, deserialize_with = "nullable")]
    pub ingress: Vec<IgnoredAny>,
}

/// A list or map the API server may send as `null` (Go's nil slice or map).
pub fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string map (labels, annotations) of which only `keys` are kept; the other values are
/// skipped unread, which matters for annotations such as kubectl's
/// `last-applied-configuration`. `null` reads as empty.
pub fn only_keys<'de, D: Deserializer<'de>>(
    d: D,
    keys: &'static [&'static str],
) -> Result<BTreeMap<String, String>, D::Error> {
    d.deserialize_option(Only(keys))
}

struct Only(&'static [&'static str]);

impl<'de> Visitor<'de> for Only {
    type Value = BTreeMap<String, String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of strings")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key_seed(Wanted(self.0))? {
            match key {
                Some(key) => {
                    out.insert(key.to_string(), map.next_value()?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A map key, compared without allocating: the matching entry of the list, or `None`.
struct Wanted(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for Wanted {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Wanted {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|k| *k == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Meta {
        #[serde(default, deserialize_with = "wanted")]
        labels: BTreeMap<String, String>,
    }

    fn wanted<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
        only_keys(d, &["keep", "also"])
    }

    #[test]
    fn only_the_keys_asked_for_are_kept() {
        let meta: Meta = serde_json::from_str(
            r#"{"labels": {"drop": "x", "keep": "1", "nested\"key": "y", "also": "2"}}"#,
        )
        .unwrap();
        let kept: Vec<(&str, &str)> = meta
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(kept, [("also", "2"), ("keep", "1")]);
        let none: Meta = serde_json::from_str(r#"{"labels": null}"#).unwrap();
        assert!(none.labels.is_empty());
        assert!(serde_json::from_str::<Meta>(r#"{"labels": {"keep": 1}}"#).is_err());
    }

    #[test]
    fn nulls_read_as_empty() {
        let spec: PodSpec = serde_json::from_str(r#"{"containers": null, "initContainers": null}"#).unwrap();
        assert!(spec.containers.is_empty() && spec.init_containers.is_empty());
        let node: Node = serde_json::from_str(
            r#"{"metadata": {"name": "n", "labels": null}, "spec": {"taints": null}, "status": {"conditions": null}}"#,
        )
        .unwrap();
        assert!(node.spec.taints.is_empty() && node.status.conditions.is_empty());
        let svc: Service =
            serde_json::from_str(r#"{"spec": {"ports": null}, "status": {"loadBalancer": {}}}"#).unwrap();
        assert!(svc.status.load_balancer.unwrap().ingress.is_empty());
    }
}
