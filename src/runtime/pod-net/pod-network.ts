// A pod's view of the network: name resolution, localhost, and service addresses balanced to endpoints.
// Kept free of monkey-patching so it can be tested on its own; shim.ts wires it into node:net and node:dns.

import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isIP } from 'node:net';
import { emptyNetTable, resolveName, type NetTable } from './net-table.js';
import type { PodNetEnv } from './pod-env.js';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1', 'localhost.localdomain', '0.0.0.0', '::']);

export interface Destination {
  host: string;
  port: number;
}

export class PodNetwork {
  private table: NetTable = emptyNetTable;
  private readonly cursor = new Map<string, number>();
  private watcher: FSWatcher | undefined;

  constructor(readonly env: PodNetEnv) {
    this.reload();
  }

  /** Reloads the table whenever the runtime replaces it (it writes a temp file and renames it). */
  watch(): void {
    const file = basename(this.env.netTablePath);
    try {
      this.watcher = watch(dirname(this.env.netTablePath), { persistent: false }, (_event, name) => {
        if (name === file) this.reload();
      });
    } catch {
      // No directory yet: the first reload on demand will find it.
    }
  }

  close(): void {
    this.watcher?.close();
  }

  reload(): void {
    try {
      this.table = JSON.parse(readFileSync(this.env.netTablePath, 'utf8')) as NetTable;
    } catch {
      // Half-written or missing: keep the last table.
    }
  }

  isLocal(host: string): boolean {
    return LOCAL_NAMES.has(host);
  }

  /** Addresses for a name as the pod's DNS would answer, or undefined to fall back to the host's resolver. */
  lookup(host: string): string[] | undefined {
    if (this.isLocal(host)) return [this.env.localhostIP];
    if (isIP(host)) return [host];
    return resolveName(this.table, host, this.env.namespace);
  }

  /** Where a connection to host:port really goes: localhost is the pod's, service addresses go to an endpoint. */
  route(host: string, port: number): Destination {
    const ip = this.lookup(host)?.[0];
    if (!ip) return { host, port };
    const endpoints = this.table.services[ip]?.[String(port)];
    if (!endpoints || endpoints.length === 0) return { host: ip, port };
    const key = `${ip}:${port}`;
    const n = this.cursor.get(key) ?? Math.floor(Math.random() * endpoints.length);
    this.cursor.set(key, n + 1);
    const ep = endpoints[n % endpoints.length]!;
    const colon = ep.lastIndexOf(':');
    return { host: ep.slice(0, colon), port: Number(ep.slice(colon + 1)) };
  }

  /**
   * In a meshed pod, where an app's connection really goes: its sidecar's outbound listener, told the
   * original destination. Connections within the pod are not captured. Undefined when not captured.
   */
  capture(host: string, port: number): { via: Destination; original: Destination } | undefined {
    const cap = this.env.capture;
    if (!cap) return undefined;
    const ip = this.lookup(host)?.[0] ?? host;
    if (ip === this.env.localhostIP || this.env.podIPs?.includes(ip) || ip.startsWith('127.0.0.')) return undefined;
    const colon = cap.lastIndexOf(':');
    return { via: { host: cap.slice(0, colon), port: Number(cap.slice(colon + 1)) }, original: { host: ip, port } };
  }

  /** The address a server asking for host should bind. */
  bindAddress(host: string | undefined): string {
    if (host === undefined || this.isLocal(host)) return this.env.bindIP;
    return host;
  }
}
