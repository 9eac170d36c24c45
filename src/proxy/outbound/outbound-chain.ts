// The filters of an outbound request (the app calling out through its sidecar), in order.

import { envoyHeadersOutbound } from '../filters/envoy-headers.js';
import { forwardingHeaders } from '../filters/forwarding-headers.js';
import { peerMetadataOutbound } from '../filters/peer-metadata.js';
import { requestId } from '../filters/request-id.js';
import { fault } from '../filters/fault.js';
import { router } from '../filters/router.js';
import { FilterChain } from '../http/filter-chain.js';

export const outboundChain = new FilterChain([requestId, forwardingHeaders, peerMetadataOutbound, envoyHeadersOutbound, fault, router]);
