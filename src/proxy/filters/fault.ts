// Fault injection (a VirtualService's fault): delay a share of requests before they go on, abort a
// share with the route's status, as Envoy's fault filter does under Istio (response flags DI and FI).

import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { HttpFilter } from '../http/filter-chain.js';
import { localReplies } from '../local-reply/local-reply.js';
import { percentHit } from '../routing/route-match.js';

function checkConfig(c: ProxyConfig): string[] {
  const errors: string[] = [];
  for (const [name, rc] of Object.entries(c.routes ?? {})) {
    for (const vh of rc.virtualHosts ?? []) {
      for (const r of vh.routes ?? []) {
        const f = r.fault;
        if (!f) continue;
        const abort = f.abort && 'httpStatus' in f.abort ? f.abort.httpStatus : undefined;
        if (abort !== undefined && (abort < 200 || abort > 599)) errors.push(`route ${name}/${vh.name}/${r.name}: fault abort status ${abort} is not in 200-599`);
        if (f.delay && !(f.delay.fixedDelayMs >= 0)) errors.push(`route ${name}/${vh.name}/${r.name}: fault delay must be a duration`);
      }
    }
  }
  return errors;
}

export const fault: HttpFilter = {
  name: 'fault',
  checkConfig,
  decodeHeaders(s, headers) {
    const decision = s.route(headers);
    const f = 'route' in decision ? decision.route?.fault : undefined;
    if (!f) return 'continue';
    // Envoy delays first, then decides the abort; both are drawn independently.
    const abort = f.abort && 'httpStatus' in f.abort && percentHit(f.abort.percentage) ? f.abort.httpStatus : undefined;
    const then = (): void => {
      if (abort !== undefined) {
        s.sendLocalReply(localReplies.faultAbort(abort));
        return;
      }
      s.continueDecoding();
    };
    if (f.delay && percentHit(f.delay.percentage)) {
      s.exchange.flags = 'DI';
      s.delay(f.delay.fixedDelayMs, then);
      return 'stop';
    }
    if (abort !== undefined) {
      s.sendLocalReply(localReplies.faultAbort(abort));
      return 'stop';
    }
    return 'continue';
  },
};
