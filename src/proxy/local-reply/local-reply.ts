// The one place traffic errors become responses and response flags (Envoy's local replies): which
// reply a failure gets, and how it is written, through the stream's encode path like any response
// (so the response filters give it the same Envoy headers).

import { STATUS_CODES } from 'node:http';
import type { HeaderView } from '../codec/header-view.js';
import type { RedirectAction } from '../../xds/proxy-config.js';
import type { UpstreamReset } from '../upstream/upstream.js';

/** Envoy's short response flags, as the access log and istio_requests_total report them. */
export type ResponseFlag = 'UH' | 'UF' | 'UC' | 'UT' | 'NR' | 'NC' | 'DC' | 'URX' | 'UO' | 'DPE' | 'UPE' | 'LR' | 'FI' | 'DI';
/** An exchange's flags: none yet ("-") or the one that ended it. */
export type ResponseFlags = ResponseFlag | '-';

export interface LocalReply {
  status: number;
  /** "-" for replies a route asks for (redirects, direct responses), which are not failures. */
  flag: ResponseFlags;
  /** Headers beyond content-length, content-type and date (a redirect's location). */
  headers?: Record<string, string>;
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
  /** A VirtualService redirect: the request's own scheme, host, port and path where the route leaves them. */
  redirect: (r: RedirectAction, req: { scheme: string; authority: string; path: string }): LocalReply => {
    const colon = req.authority.lastIndexOf(':');
    const reqHost = colon > 0 && !req.authority.endsWith(']') ? req.authority.slice(0, colon) : req.authority;
    const reqPort = colon > 0 && !req.authority.endsWith(']') ? req.authority.slice(colon + 1) : '';
    const scheme = r.scheme ?? req.scheme;
    const port = r.port !== undefined ? String(r.port) : r.portFromRequest ? reqPort : '';
    const defaultPort = (scheme === 'https' && port === '443') || (scheme === 'http' && port === '80');
    const host = `${r.host ?? reqHost}${port && !defaultPort ? `:${port}` : ''}`;
    return { status: r.status, flag: '-', body: '', details: 'direct_response', headers: { location: `${scheme}://${host}${r.path ?? req.path}` } };
  },
  directResponse: (d: { status: number; body?: string }): LocalReply => ({ status: d.status, flag: '-', body: d.body ?? '', details: 'direct_response' }),
  faultAbort: (status: number): LocalReply => ({ status, flag: 'FI', body: 'fault filter abort', details: 'fault_filter_abort' }),
  /** A request the HTTP/1 codec refused (Envoy's sendProtocolError): the status's name as body. */
  downstreamProtocolError: (status: number, details: string): LocalReply => ({ status, flag: 'DPE', body: STATUS_CODES[status] ?? '', details }),
  protocolError: (): LocalReply => ({ status: 502, flag: 'UPE', body: 'upstream protocol error', details: 'upstream_reset_before_response_started{protocol_error}' }),
};

/** An upstream request that ended without a response: refused or timed out before connecting (UF), cut after (UC), or garbled (UPE). */
export function upstreamFailure(reset: UpstreamReset): LocalReply {
  switch (reset.kind) {
    case 'connect-failure': {
      const code = reset.err.code;
      return localReplies.connectFailure(code === 'ECONNREFUSED' ? 'delayed connect error: 111' : code === 'ETIMEDOUT' ? 'connect timeout' : undefined);
    }
    case 'connection-termination':
      return localReplies.connectionTermination();
    case 'protocol-error':
      return localReplies.protocolError();
  }
}

/** What writing a local reply needs of a stream. */
export interface LocalReplyStream {
  /** True once response headers went downstream: too late for a reply. */
  readonly responseStarted: boolean;
  readonly exchange: { status: number; flags: ResponseFlags; details: string };
  newResponseHeaders(): HeaderView;
  encodeLocalReply(status: number, headers: HeaderView, body: Buffer): void;
  /** Cuts the downstream stream short (the response had started). */
  resetDownstream(): void;
}

const NO_BODY = Buffer.alloc(0);

export function sendLocalReply(s: LocalReplyStream, r: LocalReply): void {
  const ex = s.exchange;
  ex.flags = r.flag;
  if (s.responseStarted) {
    s.resetDownstream();
    return;
  }
  ex.status = r.status;
  ex.details = r.details;
  const body = r.body ? Buffer.from(r.body) : NO_BODY;
  const h = s.newResponseHeaders();
  h.set('content-length', String(body.length));
  h.set('content-type', 'text/plain');
  h.set('date', new Date().toUTCString());
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) h.set(k, v);
  s.encodeLocalReply(r.status, h, body);
}
