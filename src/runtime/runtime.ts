// The local cluster: store, admission, controllers and kubelet wired together, plus the operations the API offers.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import type { Resource } from '../config/resource.js';
import { validateObject } from '../config/validate.js';
import { kindInfo } from '../config/registry.js';
import { AddressAllocator } from './addresses.js';
import { makeAdmission, AdmissionError, type Admission } from './admission.js';
import { applySources, deleteSources, type ApplyRequest, type ApplyResult, type DeleteRequest } from './apply.js';
import { ownedBy, isPodReady } from './controllers/deployment-controller.js';
import { Kubelet } from './kubelet/kubelet.js';
import { execSpec, imagePlanFor, isMeshedPod, PROXY_NODE_ARGS_ENV, SIDECAR_NAME } from './kubelet/launch.js';
import { ServiceProxy } from './service-proxy.js';
import { shouldInject } from '../control-plane/inject/injection-policy.js';
import { injectPod } from '../control-plane/inject/injector.js';
import { defaultInjectionSettings } from '../control-plane/inject/injection-settings.js';
import { VERSION } from '../version.js';
import type { PodResource } from './kubelet/pod-worker.js';
import type { StatePaths } from './paths.js';
import { Reconciler } from './reconciler.js';
import { Persister, type SavedState } from './store/persistence.js';
import { Store } from './store/store.js';
import { Supervisor, type LaunchSpec } from './supervisor.js';
import type { LogRotation } from './logs/log-rotation.js';

export interface RuntimeOptions {
  paths: StatePaths;
  block: number;
  /** What a previous runtime left in `paths`. */
  saved?: SavedState;
  hostPath: string;
  /** The runtime's own API, handed to the control plane as Kubernetes hands istiod a service account. */
  api: { host: string; port: number; token: string };
  log?: (msg: string) => void;
  /** Extra node flags for proxy containers (e.g. --cpu-prof when profiling the data plane). */
  proxyNodeArgs?: string;
  /** Container log rotation; the kubelet's defaults (10Mi x 5) when absent. */
  logRotation?: LogRotation;
}

export class NotFoundError extends AdmissionError {
  constructor(message: string) {
    super(404, message);
  }
}

export class Runtime {
  readonly store: Store;
  readonly supervisor: Supervisor;
  readonly kubelet: Kubelet;
  readonly admission: Admission;
  readonly addresses: AddressAllocator;
  private readonly reconciler: Reconciler;
  private readonly serviceProxy: ServiceProxy;
  readonly injection = defaultInjectionSettings(VERSION);
  private readonly persister: Persister;

  constructor(readonly o: RuntimeOptions) {
    mkdirSync(o.paths.logs, { recursive: true });
    this.store = new Store(o.saved?.snapshot);
    this.addresses = new AddressAllocator(o.block);
    this.supervisor = new Supervisor(o.paths.pids, randomUUID(), o.logRotation);
    this.persister = new Persister(this.store, o.paths, { block: o.block }, o.saved);
    // The sidecar injector, as istiod's webhook: pods of labelled namespaces (or that ask) get istio-proxy.
    const injection = defaultInjectionSettings(VERSION);
    const mutatePod = (p: PodResource): PodResource => {
      const nsLabels = this.store.get('Namespace', undefined, p.metadata.namespace ?? 'default')?.metadata.labels;
      return shouldInject(p, nsLabels) ? (injectPod(p, injection) as PodResource) : p;
    };
    this.admission = makeAdmission(this.store, this.addresses, mutatePod);
    this.kubelet = new Kubelet({
      store: this.store,
      supervisor: this.supervisor,
      addresses: this.addresses,
      logsDir: o.paths.logs,
      netTablePath: o.paths.netTable,
      hostPath: o.hostPath,
      // The app waits for its sidecar to be ready (holdApplicationUntilProxyStarts).
      holdsOthers: (pod, c) => c.name === SIDECAR_NAME && isMeshedPod(pod) && pod.spec!.containers.length > 1,
      extraEnv: (pod, c): Record<string, string> => {
        const kind = imagePlanFor(pod, c).kind;
        if (kind === 'istiod') return { WEFT_RUNTIME_API: `${o.api.host}:${o.api.port}`, WEFT_RUNTIME_TOKEN: o.api.token };
        if (kind === 'proxy' && o.proxyNodeArgs) return { [PROXY_NODE_ARGS_ENV]: o.proxyNodeArgs };
        return {};
      },
    });
    this.serviceProxy = new ServiceProxy(this.store, this.addresses, o.log ?? (() => undefined));
    this.reconciler = new Reconciler({ store: this.store, kubelet: this.kubelet, netTablePath: o.paths.netTable, mutatePod, afterPass: () => void this.serviceProxy.sync() });
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      if (!this.store.get('Namespace', undefined, ns)) this.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    this.reconciler.schedule();
  }

  apply(req: ApplyRequest): string[] {
    return this.applyWithWarnings(req).lines;
  }

  /** apply, with the warnings validation accepted the objects with, for the API to pass on. */
  applyWithWarnings(req: ApplyRequest): ApplyResult {
    return applySources(this.store, this.admission, req);
  }

  deleteFromSources(req: DeleteRequest): string[] {
    return deleteSources(this.store, req, (r) => this.remove(r));
  }

  /** Deletes one object the way the API server does: pods and namespaces terminate gracefully. */
  remove(r: Resource): string {
    const info = kindInfo(r.kind)!;
    const name = `${info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase()} "${r.metadata.name}" deleted`;
    if (r.kind === 'Namespace' && ['default', 'kube-system', 'kube-public'].includes(r.metadata.name)) {
      throw new AdmissionError(403, `namespaces "${r.metadata.name}" is forbidden: this namespace may not be deleted`);
    }
    if (r.kind === 'Pod' || r.kind === 'Namespace') {
      this.store.update(r.kind, r.metadata.namespace, r.metadata.name, (x) => void (x.metadata.deletionTimestamp ??= new Date().toISOString()));
    } else {
      this.store.delete(r.kind, r.metadata.namespace, r.metadata.name);
      this.admission.forget(r);
    }
    return name;
  }

  get(kind: string, namespace: string | undefined, name: string): Resource {
    const info = kindInfo(kind);
    if (!info) throw new NotFoundError(`the server doesn't have a resource type "${kind}"`);
    const r = this.store.get(kind, info.namespaced ? namespace : undefined, name);
    if (!r) throw new NotFoundError(`${info.plural}${info.group ? '.' + info.group : ''} "${name}" not found`);
    return r;
  }

  list(kind: string, namespace: string | undefined, labels: Record<string, string> | undefined): Resource[] {
    const info = kindInfo(kind);
    if (!info) throw new NotFoundError(`the server doesn't have a resource type "${kind}"`);
    return this.store.list({ kind, ...(info.namespaced && namespace !== undefined ? { namespace } : {}), ...(labels ? { labels } : {}) });
  }

  /**
   * Sets or removes labels or annotations; kubectl refuses to overwrite without --overwrite. Every
   * changed object is validated as apply would validate it, and nothing is stored unless all pass.
   */
  label(kind: string, namespace: string | undefined, names: string[], field: 'labels' | 'annotations', set: Record<string, string>, remove: string[], overwrite: boolean): string[] {
    const info = kindInfo(kind)!;
    const verb = field === 'labels' ? 'labeled' : 'annotated';
    const planned: Array<{ r: Resource; next: Record<string, string> | undefined; line: string }> = [];
    const issues: ConfigIssue[] = [];
    for (const name of names) {
      const r = this.get(kind, namespace, name);
      const current = r.metadata[field] ?? {};
      for (const [k, v] of Object.entries(set)) {
        if (!overwrite && current[k] !== undefined && current[k] !== v) {
          throw new AdmissionError(409, `'${k}' already has a value (${current[k]}), and --overwrite is false`);
        }
      }
      const next = { ...current, ...set };
      for (const k of remove) delete next[k];
      const label = `${info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase()}/${name}`;
      if (JSON.stringify(next) === JSON.stringify(current)) {
        planned.push({ r, next: undefined, line: `${label} not ${verb}` });
        continue;
      }
      const metadata = { ...r.metadata };
      if (Object.keys(next).length) metadata[field] = next;
      else delete metadata[field];
      issues.push(...validateObject({ ...r, metadata }));
      planned.push({ r, next, line: `${label} ${verb}` });
    }
    if (issues.length) throw new ConfigError(issues);
    for (const { r, next } of planned) {
      if (!next) continue;
      this.store.update(kind, r.metadata.namespace, r.metadata.name, (x) => {
        if (Object.keys(next).length) x.metadata[field] = next;
        else delete x.metadata[field];
      });
    }
    return planned.map((p) => p.line);
  }

  rolloutRestart(namespace: string, name: string): string {
    this.get('Deployment', namespace, name);
    this.store.update('Deployment', namespace, name, (d) => {
      const t = (d.spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template;
      t.metadata ??= {};
      t.metadata.annotations = { ...(t.metadata.annotations ?? {}), 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() };
    });
    return `deployment.apps/${name} restarted`;
  }

  scale(namespace: string, name: string, replicas: number): string {
    this.get('Deployment', namespace, name);
    this.store.update('Deployment', namespace, name, (d) => void ((d.spec as { replicas?: number }).replicas = replicas));
    return `deployment.apps/${name} scaled`;
  }

  /** Resolves POD, pod/POD or deploy/NAME to one pod, as kubectl picks one for logs, exec and port-forward. */
  resolvePod(namespace: string, ref: string): PodResource {
    const slash = ref.indexOf('/');
    if (slash < 0) return this.get('Pod', namespace, ref) as PodResource;
    const info = kindInfo(ref.slice(0, slash)) ?? undefined;
    const typeName = ref.slice(0, slash).toLowerCase();
    const name = ref.slice(slash + 1);
    const kind = info?.kind ?? (['deploy', 'deployment', 'deployments', 'deployment.apps'].includes(typeName) ? 'Deployment' : ['po', 'pod', 'pods'].includes(typeName) ? 'Pod' : ['svc', 'service', 'services'].includes(typeName) ? 'Service' : undefined);
    if (kind === 'Pod') return this.get('Pod', namespace, name) as PodResource;
    const pods = this.store.list({ kind: 'Pod', namespace }) as PodResource[];
    let candidates: PodResource[];
    if (kind === 'Deployment') {
      this.get('Deployment', namespace, name);
      candidates = pods.filter((p) => ownedBy(p, name));
    } else if (kind === 'Service') {
      const svc = this.get('Service', namespace, name);
      const sel = (svc.spec as { selector?: Record<string, string> }).selector ?? {};
      candidates = pods.filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    } else {
      throw new AdmissionError(400, `cannot pick a pod from "${ref}": use POD, pod/NAME, deploy/NAME or svc/NAME`);
    }
    candidates = candidates.filter((p) => !p.metadata.deletionTimestamp);
    candidates.sort((a, b) => Number(isPodReady(b)) - Number(isPodReady(a)) || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    const pod = candidates[0];
    if (!pod) throw new NotFoundError(`no pods found for ${ref}`);
    return pod;
  }

  /** The address that is "localhost" inside a pod: where its app listens and port-forward connects. */
  localhostOf(pod: PodResource): string | undefined {
    return isMeshedPod(pod) ? pod.status?.podLoopbackIP : pod.status?.podIP;
  }

  /** The container a command without -c goes to: the default-container annotation, else the first. */
  defaultContainer(pod: PodResource): string {
    return pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? pod.spec!.containers[0]!.name;
  }

  execSpec(namespace: string, ref: string, container: string | undefined, command: string[]): LaunchSpec & { pod: string; container: string } {
    const pod = this.resolvePod(namespace, ref);
    const name = container ?? this.defaultContainer(pod);
    const c = pod.spec!.containers.find((x) => x.name === name);
    if (!c) throw new AdmissionError(400, `container ${name} is not valid for pod ${pod.metadata.name}`);
    const w = this.kubelet.worker(namespace, pod.metadata.name);
    const runner = w?.runners.find((r) => r.spec.name === name);
    if (!w || !runner?.running) throw new AdmissionError(400, `unable to upgrade connection: container not found ("${name}")`);
    const spec = execSpec(command, w.env(c), this.o.paths.logs, imagePlanFor(pod, c));
    return { ...spec, pod: pod.metadata.name, container: name };
  }

  logFile(namespace: string, ref: string, container: string | undefined): { file: string; pod: string; container: string; containers: string[] } {
    const pod = this.resolvePod(namespace, ref);
    const name = container ?? this.defaultContainer(pod);
    const containers = pod.spec!.containers.map((c) => c.name);
    if (!containers.includes(name)) throw new AdmissionError(400, `container ${name} is not valid for pod ${pod.metadata.name}`);
    const file = `${this.o.paths.logs}/${namespace}/${pod.metadata.name}/${name}.log`;
    return { file: existsSync(file) ? file : '', pod: pod.metadata.name, container: name, containers };
  }

  async shutdown(): Promise<void> {
    this.reconciler.stop();
    this.serviceProxy.close();
    await this.kubelet.shutdown();
    await this.supervisor.stopAll(5000);
    this.persister.close();
  }
}
