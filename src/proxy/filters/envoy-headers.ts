// The response headers Envoy adds: server: istio-envoy on every response (local replies too),
// x-envoy-upstream-service-time on the upstream's, and on inbound the matched route's decorator
// (x-envoy-decorator-operation).

import type { FilterCallbacks, HttpFilter } from '../http/filter-chain.js';
import type { HeaderView } from '../codec/header-view.js';

const SERVICE_TIME = 'x-envoy-upstream-service-time';

function envoyHeaders(s: FilterCallbacks, headers: HeaderView): void {
  headers.set('server', 'istio-envoy');
  const t = s.exchange.upstreamServiceTime;
  if (s.localReply || t === undefined) headers.remove(SERVICE_TIME);
  else headers.set(SERVICE_TIME, String(t));
}

export const envoyHeadersOutbound: HttpFilter = {
  name: 'envoy-headers',
  encodeHeaders(s, _status, headers) {
    envoyHeaders(s, headers);
    return 'continue';
  },
};

export const envoyHeadersInbound: HttpFilter = {
  name: 'envoy-headers-inbound',
  encodeHeaders(s, _status, headers) {
    envoyHeaders(s, headers);
    if (s.decorator && !s.localReply) headers.set('x-envoy-decorator-operation', s.decorator);
    return 'continue';
  },
};
