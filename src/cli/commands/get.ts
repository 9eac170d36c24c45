// weft get: tables in kubectl's columns, or yaml/json/jsonpath/name.

import type { Resource } from '../../config/resource.js';
import { resolveKindName } from '../../config/registry.js';
import { query } from '../client.js';
import { boolOpt, stringOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { noResourcesMessage, printResources } from '../printers/print-resources.js';
import { splitTypeNames } from './resource-args.js';

// kubectl's "all" category, in its order, less the kinds Weft has no objects of (replicasets, cronjobs).
const ALL = ['pods', 'services', 'daemonsets', 'deployments', 'statefulsets', 'horizontalpodautoscalers', 'jobs'];

export const get: Command = {
  name: 'get',
  group: 'Basic',
  summary: 'Display one or many resources',
  usage: ['weft get TYPE[,TYPE...] [NAME...] [-o wide|yaml|json|name|jsonpath=TEMPLATE] [-n NS | -A] [-l key=value] [--show-labels] [--no-headers]', 'weft get TYPE/NAME...'],
  details: 'Types: pods (po), services (svc), deployments (deploy), statefulsets (sts), daemonsets (ds), jobs, namespaces (ns), serviceaccounts (sa), configmaps (cm), secrets, endpoints (ep), and the Istio kinds (virtualservices/vs, destinationrules/dr, gateways/gw, serviceentries/se, sidecars, peerauthentications/pa, authorizationpolicies, requestauthentications, ...), and kinds stored without effect (clusterroles, rolebindings, crd, pdb, hpa, netpol, pvc, ingresses, ...). "all" means pods, services, daemonsets, deployments, statefulsets, horizontalpodautoscalers and jobs.',
  options: {
    output: { type: 'string', short: 'o' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    selector: { type: 'string', short: 'l' },
    'show-labels': { type: 'boolean' },
    'no-headers': { type: 'boolean' },
  },
  optionHelp: { output: 'wide|yaml|json|name|jsonpath=TEMPLATE', 'no-headers': 'tables without their header line', 'show-labels': 'a last column with every label', 'all-namespaces': 'list across all namespaces', selector: 'label selector key=value[,key=value]' },
  async run(ctx, args, v) {
    const client = ctx.client();
    const groups = splitTypeNames(args).flatMap((g) => (g.type === 'all' ? ALL.map((t) => ({ type: t, names: g.names })) : [g]));
    if (groups.length === 0) throw new CliError('error: you must specify the type of resource to get. Use "weft get --help" for the list of types');
    const allNs = boolOpt(v, 'all-namespaces');
    const output = stringOpt(v, 'output');
    const selector = stringOpt(v, 'selector');
    const found: Resource[] = [];
    const errors: string[] = [];
    let single = false;
    for (const g of groups) {
      const info = resolveKindName(g.type);
      if (!info) throw new CliError(`error: the server doesn't have a resource type "${g.type}"`);
      if (g.names.length) {
        single = groups.length === 1 && g.names.length === 1;
        for (const name of g.names) {
          try {
            found.push(await client.call<Resource>('GET', `/v1/get${query({ kind: info.kind, namespace: ctx.namespace, name })}`));
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
      } else {
        const list = await client.call<{ items: Resource[] }>('GET', `/v1/list${query({ kind: info.kind, namespace: allNs ? undefined : ctx.namespace, selector })}`);
        found.push(...list.items);
      }
    }
    const text = printResources(found, { output, allNamespaces: allNs, now: new Date(), showKind: groups.length > 1, single, noHeaders: boolOpt(v, 'no-headers'), showLabels: boolOpt(v, 'show-labels') });
    if (text) ctx.out(text);
    else if (errors.length === 0 && (!output || output === 'wide')) ctx.err(`${noResourcesMessage(allNs ? undefined : ctx.namespace)}\n`);
    if (errors.length) throw new CliError(errors.join('\n'));
  },
};
