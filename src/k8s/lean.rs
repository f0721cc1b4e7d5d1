//! Pods' specs, nodes and Services as the API server sends them, decoded into only the fields
//! istioup reads. A typed k8s-openapi `Pod` builds every field of every container (env, probes, volume
//! mounts, managedFields...); on a cluster of 150,000 pods that decoding, not the network, was
//! most of `check`'s time. Unknown fields are skipped by serde, annotations and labels other
//! than the ones asked for are never allocated. Field names are the API's JSON names
//! (k8s.io/api/core/v1/types.go). The same structs are read from protobuf (`proto::Message`
//! impls below, field numbers from k8s.io/api/core/v1/generated.proto), which istioup asks for.
use std::collections::BTreeMap;
use std::fmt;

use compact_str::CompactString;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::proto::{self, Value};

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

// The same structs read from protobuf: field numbers from k8s.io/api/core/v1/generated.proto.

impl proto::Message for PodSpec {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            2 => self.containers.push(proto::decode(v.bytes()?)?),
            10 => self.node_name = v.opt_text()?,
            // Go writes a non-pointer bool even when false, which JSON (omitempty) leaves out.
            11 => self.host_network = v.bool()?.then_some(true),
            20 => self.init_containers.push(proto::decode(v.bytes()?)?),
            32 => self.overhead.get_or_insert_default().set(v)?,
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for Container {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.name = v.text()?,
            2 => self.image = v.opt_text()?,
            8 => proto::merge(self.resources.get_or_insert_default(), v.bytes()?)?,
            24 => self.restart_policy = Some(v.text()?),
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for Requirements {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        if number == 2 {
            self.requests.get_or_insert_default().set(v)?;
        }
        Ok(())
    }
}

impl Quantities {
    /// One entry of a `map<string, Quantity>`: kept when it is the CPU or the memory.
    fn set(&mut self, entry: Value<'_>) -> Result<(), proto::Error> {
        match proto::entry(entry)? {
            (b"cpu", q) => self.cpu = Some(proto::quantity(q)?),
            (b"memory", q) => self.memory = Some(proto::quantity(q)?),
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for PodStatus {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        if number == 1 {
            self.phase = v.opt_text()?;
        }
        Ok(())
    }
}

/// ObjectMeta (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto): name 1, labels 11.
impl proto::Message for NodeMeta {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.name = v.opt_string()?,
            11 => {
                let (key, value) = proto::entry(v)?;
                self.labels
                    .insert(proto::key_str(key)?.to_string(), value.string()?);
            }
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for Node {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        proto::object(number, v, (&mut self.metadata, &mut self.spec, &mut self.status))
    }
}

impl proto::Message for NodeSpec {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            4 => self.unschedulable = v.bool()?.then_some(true),
            5 => self.taints.push(proto::decode(v.bytes()?)?),
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for Taint {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.key = v.string()?,
            2 => self.value = v.opt_string()?,
            3 => self.effect = v.string()?,
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for NodeStatus {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.capacity.get_or_insert_default().set(v)?,
            2 => self.allocatable.get_or_insert_default().set(v)?,
            4 => self.conditions.push(proto::decode(v.bytes()?)?),
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for Condition {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.type_ = v.text()?,
            2 => self.status = v.text()?,
            _ => {}
        }
        Ok(())
    }
}

/// ObjectMeta: name 1, namespace 3.
impl proto::Message for ServiceMeta {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.name = v.opt_string()?,
            3 => self.namespace = v.opt_string()?,
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for Service {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        proto::object(number, v, (&mut self.metadata, &mut self.spec, &mut self.status))
    }
}

impl proto::Message for ServiceSpec {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        match number {
            1 => self.ports.push(proto::decode(v.bytes()?)?),
            4 => self.type_ = v.opt_string()?,
            _ => {}
        }
        Ok(())
    }
}

impl proto::Message for ServicePort {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        if number == 5 {
            // A non-pointer int32, written even when 0, which JSON (omitempty) leaves out.
            self.node_port = Some(v.int32()?).filter(|&p| p != 0);
        }
        Ok(())
    }
}

impl proto::Message for ServiceStatus {
    fn field(&mut self, number: u32, v: Value<'_>) -> Result<(), proto::Error> {
        if number == 1 {
            proto::merge(self.load_balancer.get_or_insert_default(), v.bytes()?)?;
        }
        Ok(())
    }
}

impl proto::Message for LoadBalancerStatus {
    fn field(&mut self, number: u32, _: Value<'_>) -> Result<(), proto::Error> {
        if number == 1 {
            self.ingress.push(IgnoredAny);
        }
        Ok(())
    }
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
    use k8s_pb::api::core::v1 as pb;
    use k8s_pb::apimachinery::pkg::api::resource::Quantity;
    use k8s_pb::apimachinery::pkg::apis::meta::v1 as meta;
    use prost::Message as _;

    fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
        let q = |s: &str| Quantity {
            string: Some(s.into()),
        };
        pairs.iter().map(|(k, v)| (k.to_string(), q(v))).collect()
    }

    /// A node and a Service written by k8s-pb (generated from Kubernetes' generated.proto) read
    /// as the same objects written as JSON, with the server's omitempty: a false
    /// `unschedulable` and a 0 `nodePort`, which protobuf carries, read as absent.
    #[test]
    fn protobuf_nodes_and_services_read_as_their_json() {
        let node = pb::Node {
            metadata: Some(meta::ObjectMeta {
                name: Some("node-1".into()),
                labels: [
                    ("topology.kubernetes.io/zone", "a"),
                    ("kubernetes.io/os", "linux"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                ..Default::default()
            }),
            spec: Some(pb::NodeSpec {
                unschedulable: Some(false),
                taints: vec![
                    pb::Taint {
                        key: Some("dedicated".into()),
                        value: Some("infra".into()),
                        effect: Some("NoSchedule".into()),
                        ..Default::default()
                    },
                    pb::Taint {
                        key: Some("node.kubernetes.io/not-ready".into()),
                        value: Some(String::new()),
                        effect: Some("NoExecute".into()),
                        time_added: Some(meta::Time {
                            seconds: Some(5),
                            nanos: None,
                        }),
                    },
                ],
                ..Default::default()
            }),
            status: Some(pb::NodeStatus {
                capacity: quantities(&[("cpu", "4"), ("memory", "16Gi"), ("pods", "110")]),
                allocatable: quantities(&[("cpu", "3800m"), ("memory", "15Gi"), ("pods", "110")]),
                conditions: vec![pb::NodeCondition {
                    r#type: Some("Ready".into()),
                    status: Some("True".into()),
                    reason: Some("KubeletReady".into()),
                    ..Default::default()
                }],
                images: vec![pb::ContainerImage {
                    names: vec!["skipped".into()],
                    size_bytes: Some(1),
                }],
                ..Default::default()
            }),
        };
        let json = r#"{"metadata": {"name": "node-1", "labels": {"topology.kubernetes.io/zone": "a", "kubernetes.io/os": "linux"}},
            "spec": {"taints": [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": "1970-01-01T00:00:05Z"}]},
            "status": {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                "allocatable": {"cpu": "3800m", "memory": "15Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                "images": [{"names": ["skipped"], "sizeBytes": 1}]}}"#;
        let from_pb: Node = proto::decode(&node.encode_to_vec()).unwrap();
        let from_json: Node = serde_json::from_str(json).unwrap();
        assert_eq!(format!("{from_pb:?}"), format!("{from_json:?}"));
        assert_eq!(from_pb.status.allocatable.unwrap().cpu.as_deref(), Some("3800m"));
        assert_eq!(from_pb.spec.taints.len(), 2);

        let service = pb::Service {
            metadata: Some(meta::ObjectMeta {
                name: Some("web".into()),
                namespace: Some("shop".into()),
                ..Default::default()
            }),
            spec: Some(pb::ServiceSpec {
                r#type: Some("LoadBalancer".into()),
                ports: vec![
                    pb::ServicePort {
                        port: Some(80),
                        node_port: Some(30080),
                        ..Default::default()
                    },
                    pb::ServicePort {
                        port: Some(81),
                        node_port: Some(0),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            status: Some(pb::ServiceStatus {
                load_balancer: Some(pb::LoadBalancerStatus {
                    ingress: vec![pb::LoadBalancerIngress {
                        ip: Some("1.2.3.4".into()),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            }),
        };
        let json = r#"{"metadata": {"name": "web", "namespace": "shop"},
            "spec": {"type": "LoadBalancer", "ports": [{"port": 80, "nodePort": 30080}, {"port": 81}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}"#;
        let from_pb: Service = proto::decode(&service.encode_to_vec()).unwrap();
        let from_json: Service = serde_json::from_str(json).unwrap();
        assert_eq!(format!("{from_pb:?}"), format!("{from_json:?}"));
        assert_eq!(from_pb.spec.ports[0].node_port, Some(30080));
        assert_eq!(from_pb.spec.ports[1].node_port, None);
    }

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
