// One run of nc: for each port, connect to the first address that answers, then either close at once
// (-z) or relay stdin and stdout. Exit status 0 when some port connected, 1 otherwise, as OpenBSD nc.

import type { Readable, Writable } from 'node:stream';
import { connectOnce, NcLookupError, resolveHost } from './connect.js';
import type { NcOptions } from './parse-args.js';
import { relay, type StdinState } from './relay.js';
import { tcpServiceName } from './service-names.js';

export interface NcIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export async function runNc(o: NcOptions, io: NcIo): Promise<number> {
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  let addresses: string[];
  try {
    addresses = await resolveHost(o.host, o.ports[0]!, o.numeric, o.family);
  } catch (err) {
    if (!(err instanceof NcLookupError)) throw err;
    say(err.message);
    return 1;
  }
  const stdin: StdinState = { stream: io.stdin, ended: false };
  let status = 1;
  for (const port of o.ports) {
    for (const address of addresses) {
      // The address is shown only when it says something the destination did not.
      const shown = o.numeric || address === o.host ? o.host : `${o.host} (${address})`;
      const result = await connectOnce(address, port, o.timeoutMs);
      if ('error' in result) {
        if (o.verbose) say(`nc: connect to ${shown} port ${port} (tcp) failed: ${result.error}`);
        continue;
      }
      status = 0;
      if (o.verbose) say(`Connection to ${shown} ${port} port [tcp/${tcpServiceName(port)}] succeeded!`);
      if (o.zero) result.destroy();
      else await relay(result, stdin, io.stdout, o);
      break;
    }
  }
  return status;
}
