//! Long help texts: how the IstioOperator is merged (`render --help`, kept in step with the
//! README by a test) and what each check judges (`check --help`).

/// The merge rules, shown by `istioup render --help` and copied into the README.
pub const MERGE_RULES_HELP: &str = "\
How the IstioOperator is built:
  istioup starts from a built-in IstioOperator: profile default; istiod and the ingress gateway
  istio-ingressgateway on; the egress gateway istio-egressgateway declared but off; CNI off;
  nodeSelector kubernetes.io/os: linux on every component. Then it applies each -f file in
  order, then each --set in order, then --profile and --revision.
  With another profile istioup knows (demo, minimal, empty, ambient, preview, stable) the base
  switches components on and off as that profile does; with any other profile it leaves that
  choice to istioctl.

Merge rules:
  1. Maps merge key by key, recursively. Scalars from the later layer win.
  2. A list whose items are all maps carrying `name` merges item by item by `name` (and `kind`
     when the items have one, as k8s.overlays items do): gateways, ports, env, volumes...
     New names are appended in order; an item `{name: X, $patch: delete}` removes X.
     Any other list, and an empty list `[]`, replaces the earlier one.
  3. An explicit `null` removes the key.
  4. The result must be `apiVersion: install.istio.io/v1alpha1`, `kind: IstioOperator`.
     Unknown keys are errors (with a did-you-mean) where istioctl decodes strictly: under
     spec, spec.components, each component (base takes only enabled and k8s; name and label
     are for gateways) and its k8s block, and the top two levels of spec.values;
     spec.meshConfig, spec.unvalidatedValues and deeper values are passed through untouched.

Overlay files (-f):
  Each file is one full IstioOperator (apiVersion, kind, spec) of at most 1 MiB; `-` reads
  stdin, once. YAML is read as istioctl reads it: unquoted yes/no/on/off are booleans and 0755
  is octal; quote a value to keep it a string. Quote versions: tag: \"1.20\" (a number is
  accepted, as istioctl accepts it, with a warning: 1.20 reads as 1.2).

--set PATH=VALUE:
  PATH is relative to spec (a leading `spec.` is accepted), in istioctl's syntax: a.b, a[0]
  (an index past the end appends), a.[name:foo], and \\. for a dot inside a key. VALUE becomes
  an integer, a float or a boolean when it reads as one, except under tag,
  compatibilityVersion, proxyMetadata, node selectors and annotations, where it stays a string.";

/// Shown by `istioup check --help`.
pub const CHECKS_HELP: &str = "\
Checks (ids for --skip-check):
  kubernetes-version   server version vs the range istioctl's Istio release supports
  istioctl             istioctl found (--istioctl, ISTIOCTL, PATH), runnable, version read
  rbac                 every permission the install and the labelling need
  inject-namespaces    the namespaces to inject exist and may be injected
  existing-mesh        fresh install, upgrade (names versions), other revisions, leftovers
  node-capacity        every Istio pod fits on a Ready node: per node, requests, nodeSelector, taints
  sidecar-overhead     proxies for the injected namespaces' pods, and nodes that would be short
  node-ports           gateway nodePorts free and inside 30000-32767
  load-balancer        a LoadBalancer ingress on a cluster that never gave out an address
  pod-security         injected namespaces enforcing baseline/restricted without CNI
  ingress-controllers  another ingress controller on the cluster

Exit status: 0 when no check failed (with --fail-on warn: and none warned), 3 otherwise.";

pub const IMAGES_HELP: &str = "\
Renders the merged IstioOperator with `istioctl manifest generate` (offline: no cluster is needed)
and lists each image its workloads pull, plus the sidecar proxy image istiod injects and the images
of the addons named with --addons (from the release's samples/addons). With --registry, Istio's hub
becomes the mirror and every other image keeps its path under it (quay.io/kiali/kiali:v2.26 ->
HOST/PATH/kiali/kiali:v2.26); `istioup install --registry HOST/PATH` then pulls Istio from there.
-o json prints {istio_version, registry, images: [{image, mirror, from, used_by}], notes}.

Exit codes: 0 listed; 1 istioctl or an addon manifest missing; 2 bad flags; 4 istioctl failed.";

pub const UPGRADE_HELP: &str = "\
Without an action: shows each running revision and its version, the target version (the
istioctl in use) and whether the jump is supported: Istio upgrades across at most two minor
versions; a longer jump is refused (exit 3) naming the release to go through, unless --force.
Canary (the default when the running control plane has a revision, or with --canary): installs
the new version as a new revision (--revision NAME, default the version as 1-30-2) next to the
old one, with install's checks (capacity for both control planes at once), plan, one
confirmation, istioctl and verification; then stops, recording the upgrade on the cluster
(ConfigMap istioup-upgrade in the Istio namespace), and prints the next step. In place
(--in-place, the default for a mesh without revisions): the same as install over the running
revision, then the pods whose proxy is older than the control plane are listed and --restart
rolls them in batches.
Then: `istioup upgrade migrate NS...|--all --restart`, `istioup upgrade finish` or
`istioup upgrade rollback`; `istioup upgrade status` shows where it stands.

Exit codes: 0 done; 1 error; 2 bad arguments; 3 checks failed or the jump is unsupported;
4 istioctl failed or the new revision did not verify; 5 not confirmed; 130 interrupted.";

pub const MIGRATE_HELP: &str = "\
Moves namespaces from the old revision of the upgrade in progress to the new one: each gets
istio.io/rev=NEW, losing istio-injection=enabled where istioup set it (someone else's is left
alone, exit 3, unless --force); istioup's ownership record follows the label, and the label
before is kept on the namespace (annotation istioup.io/upgrade-from) for a rollback. With
--restart the workloads whose pods do not run a proxy of NEW restart --batch-size at a time;
after each batch is Available their new pods must report revision NEW in
sidecar.istio.io/status. A workload that does not stops the migration (exit 1, named); running
the same command again continues from there. Without --restart the workloads are listed.
With --tag NAME the namespaces get istio.io/rev=NAME instead, and the tag moves to NEW first
(istioctl tag set NAME --revision NEW --overwrite -y): every namespace carrying it is restarted.

Exit codes: 0 done; 1 error, or a workload did not become Available or not on NEW; 2 bad
arguments; 3 no upgrade in progress, or a label someone else set; 130 interrupted.";

pub const FINISH_HELP: &str = "\
Refuses while any pod still runs a proxy of the old revision (lists them, exit 3; --force goes
on). Then, after one confirmation: the default tag (what istio-injection=enabled selects) to
NEW (istioctl tag set default --revision NEW --overwrite -y); istioctl uninstall -r OLD -y,
which keeps the CRDs and every user object (VirtualService, DestinationRule, ...); deletes what
the old revision left (its webhooks, its leader-election Lease) and the upgrade record. The migrated namespaces keep
istio.io/rev=NEW. Running it again after a failure finishes the job.

Exit codes: 0 done; 1 error; 3 pods on the old revision, or no upgrade in progress; 4 istioctl
failed; 5 not confirmed; 130 interrupted.";

pub const ROLLBACK_HELP: &str = "\
Moves the upgrade's tag (migrate --tag) back to the old revision, puts back on every migrated
namespace the label it had (istio-injection=enabled or istio.io/rev=OLD, with istioup's
ownership record as it was), restarts their workloads batch by batch onto the old revision
(checking each new pod's proxy revision), then removes the new revision (istioctl uninstall -r
NEW -y) and the upgrade record. Refused while the old revision is not healthy. The canary
install upgraded the gateways in place, as istioctl does: while the new revision runs them it
is kept (exit 3) until the old version's istioctl put them back (--force deletes them with it).
Running it again after a failure finishes the job.

Exit codes: 0 done; 1 error, or a workload did not come back; 3 no upgrade in progress, pods
still on the new revision, or it runs the gateways (without --force); 4 istioctl failed;
5 not confirmed; 130 interrupted.";
