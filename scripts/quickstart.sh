#!/usr/bin/env bash
# `npm start`: the local runtime with the first workshop's services deployed in istioinaction.
set -euo pipefail
cd "$(dirname "$0")/.."
weft() { node bin/weft "$@"; }

weft up
weft get ns istioinaction >/dev/null 2>&1 || weft create ns istioinaction
weft config set-context "$(weft config current-context)" --namespace=istioinaction
for f in services-a services-b services-c-v1 services-c-v2; do
  weft apply -f "samples/happy-istio/$f.yaml"
done
weft -n istioinaction wait po --for condition=Ready --all --timeout=120s
weft get pods
cat <<'MSG'

Weft is running with the workshop's services in namespace istioinaction.
Next:
  export PATH="$PWD/bin:$PATH"            # put weft on the PATH
  weft port-forward deploy/service-a 8080  # then open http://localhost:8080/ui
  weft down                                # stop everything
MSG
