#!/usr/bin/env bash
# The main job on a simulated cluster: builds istioup and kubesim, starts kubesim with a small
# multi-node cluster, puts the istioctl stand-in first on PATH, runs
# `istioup install --inject shop --restart -y` (plus any arguments given to this script), prints
# the report and `istioup status`, and stops kubesim. The istioctl sits in a release layout, so
# the default addons (Kiali and a Prometheus) are installed too. Against a real cluster you run istioup directly instead.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked -p istioup -p kubesim
bin="$PWD/target/debug"
work=$(mktemp -d)
cleanup() {
  [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Laid out as an Istio release unpacks (istio-X/bin/istioctl next to istio-X/samples/addons), so
# the default addons (Kiali, with a Prometheus) come from the release's real manifests.
mkdir -p "$work/istio/bin"
ln -s "$bin/kubesim" "$work/istio/bin/istioctl"
ln -s "$PWD/tests/fixtures/istio/1.30.3/samples" "$work/istio/samples"
"$bin/kubesim" serve --cluster tests/demo-cluster.yaml --kubeconfig-out "$work/kubeconfig" >"$work/url" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
echo "kubesim serving at $(cat "$work/url")" >&2

export PATH="$work/istio/bin:$PATH" KUBECONFIG="$work/kubeconfig"
"$bin/istioup" context
"$bin/istioup" install --inject shop --restart -y "$@"
"$bin/istioup" status
