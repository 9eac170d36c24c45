// Serves proxies their configuration over a long-lived HTTP/2 stream: a push carries a version and a
// nonce; the proxy answers with an ACK (same version) or a NACK (error detail, keeping its last good config).

import { randomBytes } from 'node:crypto';
import type { Http2Server, ServerHttp2Stream } from 'node:http2';
import { DISCOVERY_PATH, LineDecoder, type DiscoveryRequest, type NodeInfo } from '../../xds/discovery.js';
import { diffResources, type ResourceDiff } from '../../xds/resources.js';
import type { Snapshot } from '../model/snapshot.js';
import { translateResources, UnknownProxyError } from '../translate/translate-proxy.js';

export interface ProxyStatus {
  id: string;
  podName: string;
  namespace: string;
  role: string;
  proxyVersion: string;
  connectedAt: string;
  sentVersion: string;
  sentNonce: string;
  ackedVersion: string;
  ackedNonce: string;
  lastError?: string;
  /** SYNCED: the last push was acknowledged; STALE: a push awaits its ACK; NOT SENT: nothing pushed yet. */
  state: 'SYNCED' | 'STALE' | 'NOT SENT';
  pushes: number;
  lastAckAt?: string;
}

interface Connection {
  node: NodeInfo;
  stream: ServerHttp2Stream;
  status: ProxyStatus;
  /** What the proxy holds, as pushed: the shared resource map it got last, and its own resources. */
  sentShared: Map<string, string> | undefined;
  sentOwn: Map<string, string> | undefined;
  full: boolean;
}

export class DiscoveryServer {
  private readonly conns = new Set<Connection>();
  private snapshot: Snapshot | undefined;
  private pushCounter = 0;

  constructor(private readonly log: (msg: string) => void, private readonly now: () => Date = () => new Date()) {}

  attach(server: Http2Server): void {
    server.on('stream', (stream, headers) => {
      if (headers[':path'] !== DISCOVERY_PATH || headers[':method'] !== 'POST') {
        stream.respond({ ':status': 404 });
        stream.end();
        return;
      }
      this.accept(stream);
    });
  }

  private accept(stream: ServerHttp2Stream): void {
    stream.respond({ ':status': 200, 'content-type': 'application/x-ndjson' });
    let conn: Connection | undefined;
    const dec = new LineDecoder((m) => {
      const req = m as DiscoveryRequest;
      if (!conn) {
        if (!req.node) {
          stream.close();
          return;
        }
        conn = {
          node: req.node,
          stream,
          sentShared: undefined,
          sentOwn: undefined,
          full: true,
          status: {
            id: req.node.id, podName: req.node.podName, namespace: req.node.namespace, role: req.node.role, proxyVersion: req.node.proxyVersion,
            connectedAt: this.now().toISOString(), sentVersion: '', sentNonce: '', ackedVersion: req.versionInfo, ackedNonce: '', state: 'NOT SENT', pushes: 0,
          },
        };
        this.conns.add(conn);
        this.log(`proxy connected: ${req.node.id}`);
        this.push(conn);
        return;
      }
      this.onAck(conn, req);
    });
    stream.on('data', (d: Buffer) => {
      try {
        dec.push(d);
      } catch {
        stream.close();
      }
    });
    const drop = () => {
      if (conn && this.conns.delete(conn)) this.log(`proxy disconnected: ${conn.node.id}`);
    };
    stream.on('close', drop);
    stream.on('error', drop);
  }

  private onAck(conn: Connection, req: DiscoveryRequest): void {
    const s = conn.status;
    if (req.responseNonce !== s.sentNonce) return; // an answer to an older push
    s.ackedNonce = req.responseNonce;
    s.lastAckAt = this.now().toISOString();
    if (req.errorDetail) {
      s.lastError = req.errorDetail;
      s.state = 'STALE';
      this.log(`proxy ${conn.node.id} rejected ${s.sentVersion}: ${req.errorDetail}`);
      // It kept its last good state, not what the deltas assumed: start over with everything.
      conn.sentShared = undefined;
      conn.sentOwn = undefined;
      conn.full = true;
    } else {
      s.ackedVersion = req.versionInfo;
      delete s.lastError;
      s.state = 'SYNCED';
    }
  }

  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.pushCounter++;
    for (const c of this.conns) this.push(c);
  }

  private push(conn: Connection): void {
    if (!this.snapshot) return;
    let res: { shared: Map<string, string>; own: Map<string, string> };
    try {
      res = translateResources(conn.node, this.snapshot);
    } catch (err) {
      if (err instanceof UnknownProxyError) return; // its pod is not in the snapshot yet; a later push will come
      throw err;
    }
    // Only what changed since the last push goes out. The shared part's change is computed once for
    // every proxy that moves between the same two shared maps.
    const shared = this.sharedDiff(conn.sentShared, res.shared);
    const own = diffResources(conn.sentOwn, res.own);
    const parts = shared.parts.length ? (own.parts.length ? [...shared.parts, ...own.parts] : shared.parts) : own.parts;
    const removed = shared.removed.length || own.removed.length ? [...shared.removed, ...own.removed] : [];
    if (!conn.full && parts.length === 0 && removed.length === 0) return;
    const version = `${this.now().toISOString()}/${this.pushCounter}`;
    const nonce = randomBytes(8).toString('hex');
    conn.status.sentVersion = version;
    conn.status.sentNonce = nonce;
    conn.status.state = 'STALE';
    conn.status.pushes++;
    const full = conn.full;
    conn.full = false;
    conn.sentShared = res.shared;
    conn.sentOwn = res.own;
    conn.stream.write(`{"versionInfo":${JSON.stringify(version)},"nonce":"${nonce}","full":${full},"removed":${JSON.stringify(removed)},"resources":{${parts.join(',')}}}\n`);
  }

  private readonly diffs = new WeakMap<Map<string, string>, WeakMap<Map<string, string>, ResourceDiff>>();
  private readonly fromNothing = new WeakMap<Map<string, string>, ResourceDiff>();

  private sharedDiff(prev: Map<string, string> | undefined, next: Map<string, string>): ResourceDiff {
    if (prev === next) return { parts: [], removed: [] };
    if (!prev) {
      let d = this.fromNothing.get(next);
      if (!d) this.fromNothing.set(next, (d = diffResources(undefined, next)));
      return d;
    }
    let byNext = this.diffs.get(prev);
    if (!byNext) this.diffs.set(prev, (byNext = new WeakMap()));
    let d = byNext.get(next);
    if (!d) byNext.set(next, (d = diffResources(prev, next)));
    return d;
  }

  statuses(): ProxyStatus[] {
    return [...this.conns].map((c) => ({ ...c.status })).sort((a, b) => a.id.localeCompare(b.id));
  }
}
