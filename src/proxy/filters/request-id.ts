// x-request-id: kept when the client sent one, generated otherwise (Envoy's UUID request id), and
// recorded for the access log.

import { generateRequestId } from '../../telemetry/trace-headers.js';
import type { HttpFilter } from '../http/filter-chain.js';

export const requestId: HttpFilter = {
  name: 'request-id',
  decodeHeaders(s, headers) {
    let id = headers.get('x-request-id');
    if (!id) {
      id = generateRequestId();
      headers.set('x-request-id', id);
    }
    s.exchange.requestId = id;
    return 'continue';
  },
};
