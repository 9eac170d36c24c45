// istioctl's commands: install, uninstall, kube-inject, proxy-status.

import { request } from 'node:http';
import type { Resource } from '../../config/resource.js';
import type { LinesAnswer, PodTarget } from '../../runtime/api/protocol.js';
import { VERSION } from '../../version.js';
import { query, readRuntimeInfo } from '../client.js';
import { boolOpt, stringOpt, stringsOpt, type Command, type CommandContext } from '../command.js';
import { CliError, ServerError } from '../errors.js';
import { installComponents, type Profile } from '../install/manifests.js';
import { formatTable } from '../printers/table.js';
import { readSources } from '../sources.js';
import type { ProxyStatus } from '../../control-plane/serve/discovery-server.js';

const PROFILES: Profile[] = ['default', 'demo', 'minimal', 'empty'];

function parseSets(sets: string[]): { profile: Profile; ignored: string[] } {
  let profile: Profile = 'default';
  const ignored: string[] = [];
  for (const s of sets) {
    const i = s.indexOf('=');
    if (i < 0) throw new CliError(`error: --set ${s}: expected key=value`);
    const [k, v] = [s.slice(0, i), s.slice(i + 1)];
    if (k === 'profile') {
      if (!PROFILES.includes(v as Profile)) throw new CliError(`error: unknown profile "${v}" (known: ${PROFILES.join(', ')})`);
      profile = v as Profile;
    } else ignored.push(k);
  }
  return { profile, ignored };
}

async function waitAvailable(ctx: CommandContext, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await ctx.client().call<Resource>('GET', `/v1/get${query({ kind: 'Deployment', namespace: 'istio-system', name })}`);
    const st = (d.status ?? {}) as { readyReplicas?: number; updatedReplicas?: number };
    const want = (d.spec as { replicas?: number }).replicas ?? 1;
    if ((st.readyReplicas ?? 0) >= want && (st.updatedReplicas ?? 0) >= want) return;
    if (Date.now() > deadline) throw new CliError(`error: ${name} did not become ready in time; see "weft -n istio-system get pods" and "weft -n istio-system logs deploy/${name}"`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const install: Command = {
  name: 'install',
  group: 'Mesh',
  summary: 'Install the mesh: istiod and the gateways in istio-system',
  usage: ['weft install [-y] [--set profile=demo|default|minimal] [--set KEY=VALUE...]'],
  details: 'Profiles as istioctl\'s: default (istiod, ingress gateway), demo (adds the egress gateway), minimal (istiod only). Other --set values are accepted and have no effect.',
  options: { set: { type: 'string', short: 's', multiple: true }, 'skip-confirmation': { type: 'boolean', short: 'y' }, timeout: { type: 'string' } },
  async run(ctx, _args, v) {
    const { profile, ignored } = parseSets(stringsOpt(v, 'set'));
    for (const k of ignored) ctx.err(`! --set ${k} has no effect in Weft\n`);
    const components = installComponents(profile, VERSION);
    for (const c of components) {
      await ctx.client().call<LinesAnswer>('POST', '/v1/apply', {
        sources: c.resources.map((r, i) => ({ name: `<install ${c.label} ${i + 1}>`, text: JSON.stringify(r) })),
        namespace: 'istio-system',
        enforceNamespace: false,
        mode: 'apply',
        dryRun: false,
      });
      for (const d of c.deployments) await waitAvailable(ctx, d, 120_000);
      ctx.out(`✔ ${c.label}\n`);
    }
    ctx.out('✔ Installation complete\n');
    ctx.out('Making this installation the default for injection and validation.\n');
  },
};

export const uninstall: Command = {
  name: 'uninstall',
  group: 'Mesh',
  summary: 'Remove the mesh (istio-system and everything in it)',
  usage: ['weft uninstall --purge [-y]'],
  options: { purge: { type: 'boolean' }, 'skip-confirmation': { type: 'boolean', short: 'y' } },
  async run(ctx, _args, v) {
    if (!boolOpt(v, 'purge')) throw new CliError('error: at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set');
    const a = await ctx.client().call<LinesAnswer>('POST', '/v1/delete', { kind: 'Namespace', names: ['istio-system'], ignoreNotFound: true });
    ctx.out(a.lines.length ? '✔ Uninstall complete\n' : 'Istio is not installed\n');
  },
};

export const kubeInject: Command = {
  name: 'kube-inject',
  group: 'Mesh',
  summary: 'Print manifests with the istio-proxy sidecar added to their pod templates',
  usage: ['weft kube-inject -f FILENAME | weft apply -f -'],
  options: { filename: { type: 'string', short: 'f', multiple: true }, output: { type: 'string', short: 'o' } },
  async run(ctx, _args, v) {
    const sources = await readSources(stringsOpt(v, 'filename'), false, ctx.stdin);
    const a = await ctx.client().call<{ text: string; warnings: string[] }>('POST', '/v1/kube-inject', { sources });
    for (const w of a.warnings) ctx.err(`${w}\n`);
    ctx.out(a.text);
  },
};

/** Why istiod cannot be asked: not installed, or installed with no replica running. */
class IstiodUnavailable extends CliError {
  /** What `weft version` says in place of the control plane's version. */
  readonly short: string;

  constructor(installed: { ready: number; desired: number } | undefined) {
    super(
      installed
        ? `error: istiod is installed but has no running replica (deployment istio-system/istiod: ${installed.ready}/${installed.desired} ready)`
        : 'error: istiod is not installed; run "weft install"',
    );
    this.short = installed ? `no running replica; deployment istio-system/istiod: ${installed.ready}/${installed.desired} ready` : 'not installed';
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof ServerError && err.status === 404;
}

/** istiod's debug endpoint: reached at its pod's address, as istioctl reaches it through the API server. */
async function istiodStatuses(ctx: CommandContext): Promise<{ istiod: string; statuses: ProxyStatus[] }> {
  let deployment: Resource;
  try {
    deployment = await ctx.client().call<Resource>('GET', `/v1/get${query({ kind: 'Deployment', namespace: 'istio-system', name: 'istiod' })}`);
  } catch (err) {
    if (isNotFound(err)) throw new IstiodUnavailable(undefined);
    throw err;
  }
  const noReplica = (): IstiodUnavailable =>
    new IstiodUnavailable({
      ready: (deployment.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0,
      desired: (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1,
    });
  let target: PodTarget;
  try {
    target = await ctx.client().call<PodTarget>('GET', `/v1/pod-target${query({ namespace: 'istio-system', ref: 'deploy/istiod' })}`);
  } catch (err) {
    // The deployment is there (scaled to 0, or its pods not made yet): installed, with nothing to ask.
    if (isNotFound(err)) throw noReplica();
    throw err;
  }
  if (!target.host) throw noReplica();
  const host = target.host;
  const statuses = await new Promise<ProxyStatus[]>((resolve, reject) => {
    const req = request({ host, port: 15014, path: '/debug/syncz', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as ProxyStatus[]);
        } catch {
          reject(new CliError('error: istiod answered /debug/syncz with something that is not JSON'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => reject(new CliError(`error: cannot reach istiod: ${err.message}`)));
    req.end();
  });
  return { istiod: target.pod, statuses };
}

export const proxyStatus: Command = {
  name: 'proxy-status',
  aliases: ['ps'],
  group: 'Mesh',
  summary: 'Show every proxy, the configuration version it has, and whether it is in sync',
  usage: ['weft proxy-status'],
  options: {},
  async run(ctx) {
    const r = await istiodStatuses(ctx);
    const rows = r.statuses.map((s) => {
      const st = s.state;
      return [`${s.podName}.${s.namespace}`, 'Kubernetes', st, st, st, st, 'NOT SENT', r.istiod, s.proxyVersion, s.ackedVersion || '-'];
    });
    ctx.out(formatTable(['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION', 'CONFIG VERSION'], rows));
  },
};

export const meshVersion: Command = {
  name: 'version',
  group: 'Settings',
  summary: 'Print the client, control plane and data plane versions',
  usage: ['weft version [--short] [--remote=false]'],
  options: { short: { type: 'boolean' }, remote: { type: 'string' }, client: { type: 'boolean' } },
  async run(ctx, _args, v) {
    ctx.out(`client version: ${VERSION}\n`);
    if (boolOpt(v, 'client') || stringOpt(v, 'remote') === 'false') return;
    const info = readRuntimeInfo(ctx.paths);
    if (!info) {
      ctx.out('runtime: not running\n');
      return;
    }
    ctx.out(`runtime version: ${info.version}\n`);
    let r: Awaited<ReturnType<typeof istiodStatuses>>;
    try {
      r = await istiodStatuses(ctx);
    } catch (err) {
      // Partial answers, as istioctl's: what is known is printed, and why the rest is not.
      const why = err instanceof IstiodUnavailable ? `none (${err.short})` : `unknown (${(err as Error).message.replace(/^error: /, '')})`;
      ctx.out(`control plane version: ${why}\n`);
      return;
    }
    ctx.out(`control plane version: ${VERSION}\n`);
    const versions = new Map<string, number>();
    for (const s of r.statuses) versions.set(s.proxyVersion, (versions.get(s.proxyVersion) ?? 0) + 1);
    const dp = [...versions].map(([ver, n]) => `${ver} (${n} proxies)`).join(', ');
    ctx.out(`data plane version: ${dp || 'none'}\n`);
  },
};
