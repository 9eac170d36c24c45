#!/usr/bin/env bash
# `npm run bookinfo`: the local runtime, the mesh, and Bookinfo behind the ingress gateway in
# namespace bookinfo, from Weft's own manifests in samples/bookinfo.
set -euo pipefail
cd "$(dirname "$0")/.."
weft() { node bin/weft "$@"; }

weft up
weft get deploy -n istio-system istiod >/dev/null 2>&1 || weft install -y --set profile=demo
weft get ns bookinfo >/dev/null 2>&1 || weft create ns bookinfo
weft label namespace bookinfo istio-injection=enabled --overwrite >/dev/null
weft apply -n bookinfo -f samples/bookinfo/bookinfo.yaml
weft apply -n bookinfo -f samples/bookinfo/bookinfo-gateway.yaml
weft -n istio-system wait po --for condition=Ready --all --timeout=120s >/dev/null
weft -n bookinfo wait po --for condition=Ready --all --timeout=120s
GATEWAY_URL=$(weft -n istio-system get service istio-ingressgateway -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
cat <<MSG

Bookinfo is running in namespace bookinfo behind the ingress gateway:
  http://${GATEWAY_URL}/productpage
Next:
  export PATH="\$PWD/bin:\$PATH"              # put weft on the PATH
  curl -s http://${GATEWAY_URL}/productpage | grep -o '<title>.*</title>'
  weft down                                  # stop everything
MSG
