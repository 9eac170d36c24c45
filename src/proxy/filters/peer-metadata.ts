// Istio's metadata exchange: the caller's proxy sends its workload in x-envoy-peer-metadata[-id], the
// callee's proxy reads it (telemetry labels the source with it) and answers with its own. The app
// never sees these headers. The outbound side sends; the inbound side reads and answers.

import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { FilterCallbacks, HttpFilter } from '../http/filter-chain.js';
import type { HeaderView } from '../codec/header-view.js';
import { PEER_METADATA, PEER_METADATA_ID } from '../http/peer-metadata.js';

function setOwn(s: FilterCallbacks, headers: HeaderView): void {
  headers.set(PEER_METADATA, s.state.peerMetadata);
  headers.set(PEER_METADATA_ID, s.state.nodeId);
}

function removeBoth(headers: HeaderView): void {
  headers.remove(PEER_METADATA);
  headers.remove(PEER_METADATA_ID);
}

/** The metadata is this proxy's own workload, so a configuration must say who that is. */
function checkConfig(config: ProxyConfig): string[] {
  return config.self && typeof config.self === 'object' ? [] : ['peer metadata: the configuration names no workload (self)'];
}

/** Outbound and gateway: tell the callee who calls; what it answers is for this proxy, not the app. */
export const peerMetadataOutbound: HttpFilter = {
  name: 'peer-metadata-outbound',
  checkConfig,
  decodeHeaders(s, headers) {
    setOwn(s, headers);
    return 'continue';
  },
  encodeHeaders(_s, _status, headers) {
    removeBoth(headers);
    return 'continue';
  },
};

/** Inbound: learn the caller (for telemetry), hide it from the app, and answer with this workload. */
export const peerMetadataInbound: HttpFilter = {
  name: 'peer-metadata-inbound',
  checkConfig,
  decodeHeaders(s, headers) {
    s.exchange.peerMetadata = headers.get(PEER_METADATA);
    removeBoth(headers);
    return 'continue';
  },
  encodeHeaders(s, _status, headers) {
    if (s.localReply) removeBoth(headers);
    else setOwn(s, headers);
    return 'continue';
  },
};
