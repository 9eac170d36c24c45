// What a matched route does to the request on its way upstream, and to the response on its way back:
// header changes and path rewrites, as Envoy applies route actions.

import type { HeaderView } from '../codec/header-view.js';
import type { HeaderMutation, RouteAction, RouteMatch } from '../../xds/proxy-config.js';
import { re2Rewrite } from '../../regex/re2.js';

/** set replaces, add appends, remove drops (in Envoy's order: remove, then set and add). */
export function applyMutation(h: HeaderView, m: HeaderMutation | undefined): void {
  if (!m) return;
  if (m.remove) for (const name of m.remove) h.remove(name.toLowerCase());
  if (m.set) for (const [k, v] of Object.entries(m.set)) h.set(k.toLowerCase(), v);
  if (m.add) for (const [k, v] of Object.entries(m.add)) h.add(k.toLowerCase(), v);
}

/**
 * The path sent upstream: a prefix rewrite replaces the matched prefix (every path matches "/" when the
 * route has no path test); a regex rewrite substitutes within the path, the query string kept.
 */
export function rewritePath(match: RouteMatch, action: RouteAction, path: string): string {
  if (action.prefixRewrite !== undefined) {
    const prefix = match.prefix ?? (match.path === undefined && match.regex === undefined ? '/' : undefined);
    if (prefix !== undefined && path.toLowerCase().startsWith(prefix.toLowerCase())) return action.prefixRewrite + path.slice(prefix.length);
    return path;
  }
  if (action.regexRewrite) {
    const q = path.indexOf('?');
    const bare = q < 0 ? path : path.slice(0, q);
    return re2Rewrite(action.regexRewrite.pattern, bare, action.regexRewrite.substitution) + (q < 0 ? '' : path.slice(q));
  }
  return path;
}
