// The filters of an inbound request (a caller reaching the app behind this sidecar), in order.

import { envoyHeadersInbound } from '../filters/envoy-headers.js';
import { forwardingHeaders } from '../filters/forwarding-headers.js';
import { peerMetadataInbound } from '../filters/peer-metadata.js';
import { requestId } from '../filters/request-id.js';
import { router } from '../filters/router.js';
import { FilterChain } from '../http/filter-chain.js';

export const inboundChain = new FilterChain([requestId, forwardingHeaders, peerMetadataInbound, envoyHeadersInbound, router]);
