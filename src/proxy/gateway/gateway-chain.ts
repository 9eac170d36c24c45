// The filters of a request through a gateway: routed by Host like outbound traffic, and the gateway
// reports as the source, so it sends its own metadata upstream as a sidecar's outbound side does:
// the outbound chain, under the gateway's name.

import { outboundChain } from '../outbound/outbound-chain.js';

export const gatewayChain = outboundChain;
