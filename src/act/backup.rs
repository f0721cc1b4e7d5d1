//! The backup of every Istio custom resource before a purge, restorable with
//! `kubectl apply -f DIR`: one YAML file per kind, objects as the user wrote them.
use std::path::{Path, PathBuf};

use kube::ResourceExt;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::facts::mesh::ObjectSet;

/// Metadata that belongs to one cluster's copy of an object, not to what the user wrote.
const SERVER_FIELDS: &[&str] = &[
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "managedFields",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Refuses a backup directory that holds files already: a restore must apply exactly this
/// backup. Missing directories are created later.
pub fn check_backup_dir(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::usage(format!(
                    "--backup {}: the directory is not empty; nothing was changed",
                    dir.display()
                ))
                .with_hint("name a new or empty directory, so that `kubectl apply -f DIR` restores exactly this backup"));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => {
            Err(Error::usage(format!("--backup {}: cannot read the directory", dir.display())).with_source(e))
        }
    }
}

/// The object as the user would write it: apiVersion, kind, metadata without server fields
/// and the last-applied annotation, spec and anything else but status.
pub fn clean(set: &ObjectSet, object: &kube::api::DynamicObject) -> Result<Value> {
    let mut value = serde_json::to_value(object).map_err(|e| {
        Error::failed(format!("cannot encode {} {}", set.crd.kind, object.name_any())).with_source(e)
    })?;
    let Some(map) = value.as_object_mut() else {
        return Err(Error::failed(format!(
            "{} {} is not an object",
            set.crd.kind,
            object.name_any()
        )));
    };
    map.remove("status");
    map.insert(
        "apiVersion".into(),
        Value::String(format!("{}/{}", set.crd.group, set.crd.version)),
    );
    map.insert("kind".into(), Value::String(set.crd.kind.clone()));
    if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in SERVER_FIELDS {
            meta.remove(*field);
        }
        if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            annotations.remove(LAST_APPLIED);
            if annotations.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    // apiVersion and kind first, as people write manifests.
    let mut ordered = serde_json::Map::new();
    for key in ["apiVersion", "kind", "metadata"] {
        if let Some(v) = map.remove(key) {
            ordered.insert(key.into(), v);
        }
    }
    ordered.extend(std::mem::take(map));
    Ok(Value::Object(ordered))
}

/// Writes one YAML file per kind (`virtualservices.networking.istio.io.yaml`, documents
/// separated by `---`) into `dir`; kinds without objects get no file. Returns the files.
pub fn write_backup(dir: &Path, sets: &[ObjectSet]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::failed(format!("cannot create the backup directory {}", dir.display())).with_source(e)
    })?;
    let mut files = Vec::new();
    for set in sets.iter().filter(|s| !s.objects.is_empty()) {
        let mut text = String::new();
        for object in &set.objects {
            text.push_str("---\n");
            text.push_str(&serde_saphyr::to_string(&clean(set, object)?).map_err(|e| {
                Error::failed(format!(
                    "cannot encode {} {} as YAML",
                    set.crd.kind,
                    object.name_any()
                ))
                .with_source(e)
            })?);
        }
        let path = dir.join(format!("{}.yaml", set.crd.name));
        std::fs::write(&path, text).map_err(|e| {
            Error::failed(format!("cannot write the backup file {}", path.display())).with_source(e)
        })?;
        files.push(path);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::mesh::IstioCrd;

    #[test]
    fn clean_strips_what_the_server_added() {
        let crd = IstioCrd {
            name: "virtualservices.networking.istio.io".into(),
            group: "networking.istio.io".into(),
            version: "v1".into(),
            kind: "VirtualService".into(),
            plural: "virtualservices".into(),
            namespaced: true,
        };
        let object: kube::api::DynamicObject = serde_json::from_value(serde_json::json!({
            "metadata": {
                "name": "web", "namespace": "shop", "uid": "u", "resourceVersion": "7", "generation": 2,
                "creationTimestamp": "2025-01-01T00:00:00Z", "managedFields": [{}],
                "labels": {"team": "a"},
                "annotations": {LAST_APPLIED: "{}"}
            },
            "spec": {"hosts": ["web"]},
            "status": {"observedGeneration": 2}
        }))
        .unwrap();
        let set = ObjectSet {
            crd,
            objects: vec![object.clone()],
        };
        let cleaned = clean(&set, &object).unwrap();
        assert_eq!(
            cleaned,
            serde_json::json!({
                "apiVersion": "networking.istio.io/v1",
                "kind": "VirtualService",
                "metadata": {"name": "web", "namespace": "shop", "labels": {"team": "a"}},
                "spec": {"hosts": ["web"]}
            })
        );
    }
}
