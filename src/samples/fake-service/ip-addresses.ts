// The addresses a fake-service reports in ip_addresses: every IPv4 address of the machine's interfaces
// except loopback and multicast, as the Go service lists them.

import os from 'node:os';

export function localIPv4Addresses(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const first = Number(a.address.split('.')[0]);
      if (first === 127 || (first >= 224 && first <= 239)) continue;
      out.push(a.address);
    }
  }
  return out;
}
