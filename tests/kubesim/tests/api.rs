//! REST semantics over the wire: CRUD, conflicts, Status shapes, selectors, pagination,
//! patches, cascades, CRDs and watches.
mod common;
use common::*;
use kubesim::Sim;
use serde_json::{Value, json};
use std::time::Duration;

fn sim() -> Sim {
    Sim::builder()
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

fn cm(ns: &str, name: &str, labels: Value) -> String {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns, "labels": labels}, "data": {"k": "v"}}).to_string()
}

#[test]
fn discovery_and_version() {
    let s = Sim::builder()
        .k8s_version("v1.29.4")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let v = get(s.url(), "/version").json();
    assert_eq!(v["gitVersion"], "v1.29.4");
    assert_eq!(v["minor"], "29");
    assert_eq!(get(s.url(), "/api").json()["versions"], json!(["v1"]));
    let groups = get(s.url(), "/apis").json();
    let names: Vec<&str> = groups["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["name"].as_str())
        .collect();
    for g in [
        "apps",
        "batch",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "policy",
        "authorization.k8s.io",
        "rbac.authorization.k8s.io",
    ] {
        assert!(names.contains(&g), "{g} missing from {names:?}");
    }
    let core = get(s.url(), "/api/v1").json();
    let pods = core["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["name"] == "pods")
        .cloned()
        .unwrap_or_default();
    assert_eq!(pods["kind"], "Pod");
    assert_eq!(pods["namespaced"], true);
    assert!(
        get(s.url(), "/apis/apps/v1").json()["resources"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x["name"] == "deployments/scale"))
    );
    let nf = get(s.url(), "/apis/nope.example.com/v1");
    assert_eq!(nf.status, 404);
    assert_eq!(nf.json()["kind"], "Status");
    let oa = get(s.url(), "/openapi/v3").json();
    let url = oa["paths"]["apis/apps/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(url.starts_with("/openapi/v3/apis/apps/v1"));
    let doc = get(s.url(), &url).json();
    assert!(
        doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]["x-kubernetes-group-version-kind"]
            ["kind"]
            == "Deployment"
    );
}

#[test]
fn crud_and_status_shapes() {
    let s = sim();
    let u = s.url();
    // 404 in the shape of a real server.
    let r = get(u, "/api/v1/namespaces/default/configmaps/missing");
    assert_eq!(r.status, 404);
    let st = r.json();
    assert_eq!(st["kind"], "Status");
    assert_eq!(st["status"], "Failure");
    assert_eq!(st["reason"], "NotFound");
    assert_eq!(st["code"], 404);
    assert_eq!(st["message"], "configmaps \"missing\" not found");
    assert_eq!(st["details"], json!({"name": "missing", "kind": "configmaps"}));
    let r = get(u, "/apis/apps/v1/namespaces/default/deployments/x");
    assert_eq!(r.json()["message"], "deployments.apps \"x\" not found");

    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "a", json!({}))),
    );
    assert_eq!(r.status, 201);
    let created = r.json();
    let meta = &created["metadata"];
    assert!(meta["uid"].as_str().is_some_and(|x| x.len() == 36));
    assert!(
        meta["creationTimestamp"]
            .as_str()
            .is_some_and(|x| x.ends_with('Z'))
    );
    let rv1: u64 = meta["resourceVersion"]
        .as_str()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    assert!(rv1 > 0);
    // Duplicate create.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "a", json!({}))),
    );
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["reason"], "AlreadyExists");
    // Missing namespace.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/nope/configmaps",
        Some(&cm("nope", "a", json!({}))),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "namespaces \"nope\" not found");
    // No name.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["reason"], "Invalid");
    // generateName.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(r#"{"metadata":{"generateName":"gen-"}}"#),
    );
    assert_eq!(r.status, 201);
    assert!(
        r.json()["metadata"]["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("gen-") && n.len() == 9)
    );
    // Malformed bodies are a 400, not a crash.
    for bad in ["{", "[1,2]", "null", "\u{0}"] {
        let r = request(u, "POST", "/api/v1/namespaces/default/configmaps", Some(bad));
        assert_eq!(r.status, 400, "{bad:?} -> {}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["reason"], "BadRequest");
    }
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/a",
        "{",
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 400);

    // Update with a stale resourceVersion conflicts; with the current one it works.
    let mut obj = created.clone();
    obj["data"]["k"] = json!("v2");
    let r = request(
        u,
        "PUT",
        "/api/v1/namespaces/default/configmaps/a",
        Some(&obj.to_string()),
    );
    assert_eq!(r.status, 200);
    let rv2 = r.json()["metadata"]["resourceVersion"].clone();
    assert_ne!(rv2, created["metadata"]["resourceVersion"]);
    assert_eq!(r.json()["metadata"]["uid"], created["metadata"]["uid"]);
    let r = request(
        u,
        "PUT",
        "/api/v1/namespaces/default/configmaps/a",
        Some(&obj.to_string()),
    );
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["reason"], "Conflict");
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("the object has been modified"))
    );
    // PUT without resourceVersion is unconditional.
    let mut obj2 = obj.clone();
    obj2["metadata"]
        .as_object_mut()
        .map(|m| m.remove("resourceVersion"));
    assert_eq!(
        request(
            u,
            "PUT",
            "/api/v1/namespaces/default/configmaps/a",
            Some(&obj2.to_string())
        )
        .status,
        200
    );

    // Delete, then it is gone.
    let r = request(u, "DELETE", "/api/v1/namespaces/default/configmaps/a", None);
    assert_eq!(r.status, 200);
    assert_eq!(get(u, "/api/v1/namespaces/default/configmaps/a").status, 404);
    assert_eq!(
        request(u, "DELETE", "/api/v1/namespaces/default/configmaps/a", None).status,
        404
    );
}

#[test]
fn generation_tracks_spec_changes() {
    let s = sim();
    let u = s.url();
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
    let r = request(
        u,
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        Some(&d.to_string()),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["metadata"]["generation"], 1);
    let r = request_ct(
        u,
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/d",
        r#"{"metadata":{"labels":{"x":"y"}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.json()["metadata"]["generation"], 1);
    let r = request_ct(
        u,
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/d",
        r#"{"spec":{"replicas":1}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.json()["metadata"]["generation"], 2);
    // Namespaced and cluster-scoped objects: configmaps have no generation.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "g", json!({}))),
    );
    assert!(r.json()["metadata"].get("generation").is_none());
}

#[test]
fn selectors_and_all_namespaces() {
    let s = sim();
    let u = s.url();
    request(
        u,
        "POST",
        "/api/v1/namespaces",
        Some(r#"{"metadata":{"name":"other"}}"#),
    );
    for (ns, name, labels) in [
        ("default", "a", json!({"app": "web", "tier": "fe"})),
        ("default", "b", json!({"app": "db"})),
        ("other", "c", json!({"app": "web"})),
        ("other", "d", json!({})),
    ] {
        assert_eq!(
            request(
                u,
                "POST",
                &format!("/api/v1/namespaces/{ns}/configmaps"),
                Some(&cm(ns, name, labels))
            )
            .status,
            201
        );
    }
    // Every namespace also holds the root-CA publisher's kube-root-ca.crt (pinned in
    // defaults.rs); leave it out here.
    let q = |path: &str| {
        names(&get(u, path).json())
            .into_iter()
            .filter(|n| n != "kube-root-ca.crt")
            .collect::<Vec<_>>()
    };
    assert_eq!(q("/api/v1/configmaps"), ["a", "b", "c", "d"]);
    assert_eq!(q("/api/v1/namespaces/other/configmaps"), ["c", "d"]);
    assert_eq!(q("/api/v1/configmaps?labelSelector=app%3Dweb"), ["a", "c"]);
    assert_eq!(q("/api/v1/configmaps?labelSelector=app!%3Dweb"), ["b", "d"]);
    assert_eq!(q("/api/v1/configmaps?labelSelector=app+in+(web,db),tier"), ["a"]);
    assert_eq!(
        q("/api/v1/configmaps?labelSelector=app%20notin%20(web)"),
        ["b", "d"]
    );
    assert_eq!(q("/api/v1/configmaps?labelSelector=!app"), ["d"]);
    assert_eq!(q("/api/v1/configmaps?labelSelector=app"), ["a", "b", "c"]);
    assert_eq!(q("/api/v1/configmaps?fieldSelector=metadata.name%3Dc"), ["c"]);
    assert_eq!(
        q("/api/v1/configmaps?fieldSelector=metadata.namespace!%3Ddefault"),
        ["c", "d"]
    );
    assert_eq!(
        get(u, "/api/v1/configmaps?fieldSelector=spec.nodeName%3Dx").status,
        400
    );
    assert_eq!(get(u, "/api/v1/configmaps?labelSelector=a%20in%20b").status, 400);
    // `Sim::list`, the tests' own reader, filters as the API does.
    for path in [
        "/api/v1/configmaps?labelSelector=app%3Dweb",
        "/api/v1/configmaps?labelSelector=app!=web",
        "/api/v1/namespaces/other/configmaps?labelSelector=app",
        "/api/v1/configmaps?fieldSelector=metadata.namespace!%3Ddefault&labelSelector=app",
    ] {
        let listed: Vec<String> = s
            .list(path)
            .iter()
            .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_string))
            .filter(|n| n != "kube-root-ca.crt")
            .collect();
        assert_eq!(listed, q(path), "{path}");
    }
}

/// A query `Sim::list` does not filter by is a mistake in the test, not an unfiltered list.
#[test]
#[should_panic(expected = "not \"limit\"")]
fn sim_list_refuses_what_it_does_not_filter_by() {
    sim().list("/api/v1/configmaps?limit=1");
}

#[test]
fn pod_field_selectors() {
    let s = Sim::builder()
        .ready_delay(Duration::ZERO)
        .cluster_yaml("nodes: [{name: n1}, {name: n2}]\npods:\n- {name: p1, node: n1}\n- {name: p2, node: n2}\n- {name: p3, node: n1, phase: Succeeded}\n")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let q = |path: &str| names(&get(s.url(), path).json());
    assert_eq!(q("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1"), ["p1", "p3"]);
    assert_eq!(
        q("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,status.phase!%3DSucceeded"),
        ["p1"]
    );
    assert_eq!(
        q("/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DRunning"),
        ["p1", "p2"]
    );
}

#[test]
fn pagination_and_expired_tokens() {
    let s = Sim::builder()
        .generate(3, 25, 2)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let u = s.url();
    let mut seen = Vec::new();
    let mut cont = String::new();
    let mut pages = 0;
    loop {
        let path = if cont.is_empty() {
            "/api/v1/pods?limit=10".to_string()
        } else {
            format!("/api/v1/pods?limit=10&continue={cont}")
        };
        let page = get(u, &path).json();
        pages += 1;
        seen.extend(names(&page));
        match page["metadata"]["continue"].as_str() {
            Some(c) if !c.is_empty() => {
                if pages == 1 {
                    assert_eq!(page["metadata"]["remainingItemCount"], 15);
                }
                cont = c.to_string();
            }
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 25);
    // A namespaced, filtered, paginated list.
    let p = get(
        u,
        "/api/v1/namespaces/ns-001/pods?limit=5&labelSelector=app%3Dapp-0",
    )
    .json();
    assert!(names(&p).iter().all(|n| n.starts_with("pod-")));
    // Garbage token: 400. Expired token (fault on): 410.
    assert_eq!(get(u, "/api/v1/pods?limit=10&continue=%%%").status, 400);
    let first = get(u, "/api/v1/pods?limit=10").json();
    let tok = first["metadata"]["continue"].as_str().unwrap_or("").to_string();
    s.faults().set_expire_continue(true);
    let r = get(u, &format!("/api/v1/pods?limit=10&continue={tok}"));
    assert_eq!(r.status, 410);
    assert_eq!(r.json()["reason"], "Expired");
    s.faults().set_expire_continue(false);
    assert_eq!(
        get(u, &format!("/api/v1/pods?limit=10&continue={tok}")).status,
        200
    );
}

#[test]
fn patches() {
    let s = sim();
    let u = s.url();
    request(
        u,
        "POST",
        "/api/v1/namespaces",
        Some(r#"{"metadata":{"name":"p","labels":{"keep":"1","drop":"1"}}}"#),
    );
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/p",
        r#"{"metadata":{"labels":{"a":"b","drop":null}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
    let labels = &r.json()["metadata"]["labels"];
    assert_eq!(labels["a"], "b");
    assert_eq!(labels["keep"], "1");
    assert!(labels.get("drop").is_none());
    assert_eq!(
        s.get("/api/v1/namespaces/p")
            .map(|n| n["metadata"]["labels"]["a"].clone()),
        Some(json!("b"))
    );
    // JSON patch.
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/p",
        r#"[{"op":"add","path":"/metadata/annotations","value":{"x":"1"}}]"#,
        "application/json-patch+json",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["metadata"]["annotations"]["x"], "1");
    // Strategic merge of a pod template keeps other containers.
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "p"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}},
        "spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}}});
    request(
        u,
        "POST",
        "/apis/apps/v1/namespaces/p/deployments",
        Some(&d.to_string()),
    );
    let r = request_ct(
        u,
        "PATCH",
        "/apis/apps/v1/namespaces/p/deployments/d",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:2"}]}}}}"#,
        "application/strategic-merge-patch+json",
    );
    assert_eq!(r.status, 200);
    let cs = r.json()["spec"]["template"]["spec"]["containers"].clone();
    assert_eq!(
        cs,
        json!([{"name": "a", "image": "a:2"}, {"name": "b", "image": "b:1"}])
    );
    // Server-side apply creates, then merges.
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/p/configmaps/applied?fieldManager=t",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"1"}}"#,
        "application/apply-patch+yaml",
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/p/configmaps/applied?fieldManager=t",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  b: '2'\n",
        "application/apply-patch+yaml",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // The same manager no longer applies `a`: it goes (structured-merge-diff merge/update.go
    // `prune`); another manager's apply adds to it instead.
    assert_eq!(r.json()["data"], json!({"b": "2"}));
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/p/configmaps/applied?fieldManager=other",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  c: '3'\n",
        "application/apply-patch+yaml",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["data"], json!({"b": "2", "c": "3"}));
    // Apply without a field manager is invalid; unknown patch types are 415.
    assert_eq!(
        request_ct(
            u,
            "PATCH",
            "/api/v1/namespaces/p/configmaps/applied",
            "{}",
            "application/apply-patch+yaml"
        )
        .status,
        422
    );
    assert_eq!(
        request_ct(
            u,
            "PATCH",
            "/api/v1/namespaces/p/configmaps/applied",
            "{}",
            "text/plain"
        )
        .status,
        415
    );
    // Patch of a missing object.
    assert_eq!(
        request_ct(
            u,
            "PATCH",
            "/api/v1/namespaces/p/configmaps/none",
            "{}",
            "application/merge-patch+json"
        )
        .status,
        404
    );
}

#[test]
fn namespace_delete_cascades_and_protected_namespaces() {
    let s = sim();
    let u = s.url();
    request(
        u,
        "POST",
        "/api/v1/namespaces",
        Some(r#"{"metadata":{"name":"gone"}}"#),
    );
    request(
        u,
        "POST",
        "/api/v1/namespaces/gone/configmaps",
        Some(&cm("gone", "x", json!({}))),
    );
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "y", json!({}))),
    );
    let r = request(u, "DELETE", "/api/v1/namespaces/gone", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"]["phase"], "Terminating");
    assert_eq!(get(u, "/api/v1/namespaces/gone").status, 404);
    assert!(s.list("/api/v1/namespaces/gone/configmaps").is_empty());
    // y and the root-CA publisher's kube-root-ca.crt.
    assert_eq!(s.list("/api/v1/namespaces/default/configmaps").len(), 2);
    assert_eq!(
        request(u, "DELETE", "/api/v1/namespaces/kube-system", None).status,
        403
    );
    // deletecollection.
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "z", json!({"del": "1"}))),
    );
    let r = request(
        u,
        "DELETE",
        "/api/v1/namespaces/default/configmaps?labelSelector=del",
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(names(&r.json()), ["z"]);
    // y and the root-CA publisher's kube-root-ca.crt.
    assert_eq!(s.list("/api/v1/namespaces/default/configmaps").len(), 2);
}

fn crd(group: &str, plural: &str, kind: &str, scope: &str) -> String {
    json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.{group}")},
        "spec": {"group": group, "scope": scope, "names": {"plural": plural, "singular": kind.to_lowercase(), "kind": kind, "listKind": format!("{kind}List")},
                 "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}},
                              {"name": "v1beta1", "served": true, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}]}}).to_string()
}

#[test]
fn crds_serve_and_remove_custom_resources() {
    let s = sim();
    let u = s.url();
    assert_eq!(
        get(
            u,
            "/apis/networking.istio.io/v1/namespaces/default/virtualservices"
        )
        .status,
        404
    );
    let r = request(
        u,
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(&crd(
            "networking.istio.io",
            "virtualservices",
            "VirtualService",
            "Namespaced",
        )),
    );
    assert_eq!(r.status, 201);
    let conds = r.json()["status"]["conditions"].clone();
    assert!(conds.as_array().is_some_and(|c| {
        c.iter()
            .any(|x| x["type"] == "Established" && x["status"] == "True")
    }));
    assert!(
        get(u, "/apis").json()["groups"]
            .as_array()
            .is_some_and(|g| g.iter().any(|x| x["name"] == "networking.istio.io"))
    );
    assert_eq!(
        get(u, "/apis/networking.istio.io/v1").json()["resources"][0]["kind"],
        "VirtualService"
    );
    let vs = json!({"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "r"}, "spec": {"hosts": ["x"]}});
    let r = request(
        u,
        "POST",
        "/apis/networking.istio.io/v1/namespaces/default/virtualservices",
        Some(&vs.to_string()),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["metadata"]["generation"], 1);
    // Served in both versions.
    assert_eq!(
        get(
            u,
            "/apis/networking.istio.io/v1beta1/namespaces/default/virtualservices/r"
        )
        .json()["apiVersion"],
        "networking.istio.io/v1beta1"
    );
    assert_eq!(
        names(&get(u, "/apis/networking.istio.io/v1/virtualservices").json()),
        ["r"]
    );
    // A name that does not match is invalid.
    let mut bad: Value = serde_json::from_str(&crd("a.io", "things", "Thing", "Cluster")).unwrap_or_default();
    bad["metadata"]["name"] = json!("wrong");
    assert_eq!(
        request(
            u,
            "POST",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            Some(&bad.to_string())
        )
        .status,
        422
    );
    // Deleting the CRD deletes its objects and stops serving.
    assert_eq!(
        request(
            u,
            "DELETE",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/virtualservices.networking.istio.io",
            None
        )
        .status,
        200
    );
    assert_eq!(
        get(
            u,
            "/apis/networking.istio.io/v1/namespaces/default/virtualservices/r"
        )
        .status,
        404
    );
    request(
        u,
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(&crd(
            "networking.istio.io",
            "virtualservices",
            "VirtualService",
            "Namespaced",
        )),
    );
    assert!(s.list("/apis/networking.istio.io/v1/virtualservices").is_empty());
    // Cluster-scoped custom resources.
    request(
        u,
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(&crd("a.io", "things", "Thing", "Cluster")),
    );
    assert_eq!(
        request(
            u,
            "POST",
            "/apis/a.io/v1/things",
            Some(r#"{"apiVersion":"a.io/v1","kind":"Thing","metadata":{"name":"t"}}"#)
        )
        .status,
        201
    );
    assert!(s.get("/apis/a.io/v1/things/t").is_some());
}

#[test]
fn watch_streams_changes() {
    let s = sim();
    let u = s.url();
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "pre", json!({}))),
    );
    // From "now" with the initial state.
    let mut w = Watch::open(u, "/api/v1/namespaces/default/configmaps?watch=true");
    assert_eq!(w.status, 200);
    // The namespace's kube-root-ca.crt (the root-CA publisher's) comes first.
    let e = w.next(Duration::from_secs(5)).unwrap_or_default();
    assert_eq!(e["type"], "ADDED");
    assert_eq!(e["object"]["metadata"]["name"], "kube-root-ca.crt");
    let e = w.next(Duration::from_secs(5)).unwrap_or_default();
    assert_eq!(e["type"], "ADDED");
    assert_eq!(e["object"]["metadata"]["name"], "pre");
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "new", json!({}))),
    );
    let e = w.next(Duration::from_secs(5)).unwrap_or_default();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("ADDED"), Some("new"))
    );
    request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/new",
        r#"{"data":{"k":"2"}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(
        w.next(Duration::from_secs(5)).unwrap_or_default()["type"],
        "MODIFIED"
    );
    request(u, "DELETE", "/api/v1/namespaces/default/configmaps/new", None);
    assert_eq!(
        w.next(Duration::from_secs(5)).unwrap_or_default()["type"],
        "DELETED"
    );

    // From a resourceVersion, with a field selector (what kubectl rollout status does).
    let list = get(u, "/api/v1/namespaces/default/configmaps").json();
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("")
        .to_string();
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "other", json!({}))),
    );
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "mine", json!({}))),
    );
    let mut w = Watch::open(
        u,
        &format!(
            "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}&fieldSelector=metadata.name%3Dmine"
        ),
    );
    let e = w.next(Duration::from_secs(5)).unwrap_or_default();
    assert_eq!(e["object"]["metadata"]["name"], "mine");
    // Timeouts end the stream.
    let mut w = Watch::open(
        u,
        &format!(
            "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={}&timeoutSeconds=1",
            s.list("/api/v1/namespaces/default/configmaps").len() + 1000
        ),
    );
    assert!(w.next(Duration::from_secs(5)).is_none());
}

#[test]
fn watch_label_filter_turns_changes_into_added_and_deleted() {
    let s = sim();
    let u = s.url();
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(&cm("default", "a", json!({}))),
    );
    let rv = get(u, "/api/v1/namespaces/default/configmaps").json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let mut w = Watch::open(
        u,
        &format!("/api/v1/configmaps?watch=true&labelSelector=sel%3D1&resourceVersion={rv}"),
    );
    request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/a",
        r#"{"metadata":{"labels":{"sel":"1"}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(
        w.next(Duration::from_secs(5)).unwrap_or_default()["type"],
        "ADDED"
    );
    request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/a",
        r#"{"metadata":{"labels":{"sel":"2"}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(
        w.next(Duration::from_secs(5)).unwrap_or_default()["type"],
        "DELETED"
    );
}

#[test]
fn services_allocate_and_check_node_ports() {
    let s = sim();
    let u = s.url();
    let svc = |name: &str, np: Option<i64>| {
        let mut port = json!({"port": 80, "targetPort": 8080});
        if let Some(n) = np {
            port["nodePort"] = json!(n);
        }
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": {"type": "NodePort", "ports": [port]}}).to_string()
    };
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/services",
        Some(&svc("a", Some(31380))),
    );
    assert_eq!(r.status, 201);
    assert!(
        r.json()["spec"]["clusterIP"]
            .as_str()
            .is_some_and(|ip| ip.starts_with("10.96."))
    );
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/services",
        Some(&svc("b", Some(31380))),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("provided port is already allocated"))
    );
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/services",
        Some(&svc("c", None)),
    );
    assert!(
        r.json()["spec"]["ports"][0]["nodePort"]
            .as_i64()
            .is_some_and(|n| (30000..=32767).contains(&n))
    );
}

#[test]
fn library_reads_and_writes() {
    let s = sim();
    s.apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: lib\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: lib\ndata:\n  a: '1'\n")
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        s.get("/api/v1/namespaces/lib/configmaps/c")
            .map(|c| c["data"]["a"].clone()),
        Some(json!("1"))
    );
    s.apply_yaml(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: lib\ndata:\n  a: '2'\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        s.get("/api/v1/namespaces/lib/configmaps/c")
            .map(|c| c["data"]["a"].clone()),
        Some(json!("2"))
    );
    assert!(
        s.apply_yaml("apiVersion: v9\nkind: Nope\nmetadata: {name: x}\n")
            .is_err()
    );
    assert!(s.apply_yaml("{{{").is_err());
    assert_eq!(s.list("/api/v1/namespaces").len(), 5);
    assert!(s.get("/api/v1/namespaces/none").is_none());
    assert!(s.delete("/api/v1/namespaces/lib"));
    assert!(s.list("/api/v1/namespaces/lib/configmaps").is_empty());
    assert!(s.requests().is_empty());
    assert!(
        std::fs::read_to_string(s.kubeconfig())
            .is_ok_and(|k| k.contains(s.url()) && k.contains("current-context: \"kubesim\""))
    );
    let path = s.kubeconfig().to_path_buf();
    drop(s);
    assert!(!path.exists());
}
