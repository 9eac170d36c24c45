// x-forwarded-proto: the scheme the client used, unless a proxy before this one already said
// (plain HTTP until transport security exists).

import type { HttpFilter } from '../http/filter-chain.js';

export const forwardingHeaders: HttpFilter = {
  name: 'forwarding-headers',
  decodeHeaders(_s, headers) {
    if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', 'http');
    return 'continue';
  },
};
