// The one place traffic errors become responses and response flags (Envoy's local replies).

import { STATUS_CODES } from 'node:http';

export type ResponseFlag = 'UH' | 'UF' | 'UC' | 'UT' | 'NR' | 'NC' | 'DC' | 'URX' | 'UO' | 'DPE' | 'UPE' | 'LR' | 'FI' | 'DI';

export interface LocalReply {
  status: number;
  flag: ResponseFlag;
  body: string;
  /** %RESPONSE_CODE_DETAILS% for the access log. */
  details: string;
}

const UPSTREAM_RESET = 'upstream connect error or disconnect/reset before headers. reset reason: ';

export const localReplies = {
  noHealthyUpstream: (): LocalReply => ({ status: 503, flag: 'UH', body: 'no healthy upstream', details: 'no_healthy_upstream' }),
  connectFailure: (reason?: string): LocalReply => ({
    status: 503, flag: 'UF',
    body: `${UPSTREAM_RESET}connection failure${reason ? `, transport failure reason: ${reason}` : ''}`,
    details: 'upstream_reset_before_response_started{connection_failure}',
  }),
  connectionTermination: (): LocalReply => ({
    status: 503, flag: 'UC', body: `${UPSTREAM_RESET}connection termination`,
    details: 'upstream_reset_before_response_started{connection_termination}',
  }),
  upstreamTimeout: (): LocalReply => ({ status: 504, flag: 'UT', body: 'upstream request timeout', details: 'upstream_response_timeout' }),
  noRoute: (): LocalReply => ({ status: 404, flag: 'NR', body: '', details: 'route_not_found' }),
  clusterNotFound: (): LocalReply => ({ status: 503, flag: 'NC', body: '', details: 'cluster_not_found' }),
  /** A request the HTTP/1 codec refused (Envoy's sendProtocolError): the status's name as body. */
  downstreamProtocolError: (status: number, details: string): LocalReply => ({ status, flag: 'DPE', body: STATUS_CODES[status] ?? '', details }),
  protocolError: (): LocalReply => ({ status: 502, flag: 'UPE', body: 'upstream protocol error', details: 'upstream_reset_before_response_started{protocol_error}' }),
};

/** Classifies a socket error on the upstream side: before a connection existed (UF) or after (UC). */
export function upstreamFailure(err: NodeJS.ErrnoException, connected: boolean): LocalReply {
  if (!connected) {
    const reason = err.code === 'ECONNREFUSED' ? 'delayed connect error: 111' : err.code === 'ETIMEDOUT' ? 'connect timeout' : undefined;
    return localReplies.connectFailure(reason);
  }
  return localReplies.connectionTermination();
}
