// Runs one pod: its containers in order, its readiness, its status, its graceful stop.

import { join } from 'node:path';
import type { Container, PodSpec, Probe } from '../../config/k8s/pod.js';
import type { Resource } from '../../config/resource.js';
import type { Supervisor } from '../supervisor.js';
import { ContainerRunner, type ContainerStatus } from './container-runner.js';
import { SocketKeeper } from './socket-keeper.js';
import {
  baseEnv, containerEnv, imagePlanFor, launchSpecFor, podNetFor, type KeyLookup, type PodStatusFields,
} from './launch.js';

export interface PodStatus extends PodStatusFields {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  conditions: Array<{ type: string; status: 'True' | 'False'; lastTransitionTime: string }>;
  containerStatuses: ContainerStatus[];
  podIPs?: Array<{ ip: string }>;
  startTime: string;
}

export type PodResource = Resource<PodSpec, PodStatus>;

export interface PodWorkerDeps {
  supervisor: Supervisor;
  logsDir: string;
  netTablePath: string;
  hostPath: string;
  lookup: KeyLookup;
  /** Environment a container gets from the runtime itself (the control plane's API credentials). */
  extraEnv(pod: PodResource, c: Container): Record<string, string>;
  /** Whether later containers wait for this one to be ready before they start. */
  holdsOthers(pod: PodResource, c: Container): boolean;
  onStatus(worker: PodWorker): void;
}

export const DEFAULT_GRACE_SECONDS = 30;

export class PodWorker {
  readonly runners: ContainerRunner[];
  private readonly startTime = new Date().toISOString();
  private readyTransition = new Date().toISOString();
  private lastReady = false;
  private terminating: Promise<void> | undefined;
  /** Set once the sidecar was stopped because the pod's own containers had all finished. */
  private sidecarsStopped = false;

  constructor(public pod: PodResource, private readonly deps: PodWorkerDeps) {
    const previous = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s.restartCount]));
    this.runners = pod.spec!.containers.map((c) => {
      const r = new ContainerRunner(c, {
        supervisor: deps.supervisor,
        logFile: this.logFile(c.name),
        launch: () => this.launch(c),
        readiness: readinessFor(pod, c),
        probeTarget: () => ({
          host: this.net(c).localhostIP,
          resolvePort: (p) => resolvePort(c, p),
          env: this.env(c),
          cwd: deps.logsDir,
        }),
        restartPolicy: pod.spec!.restartPolicy ?? 'Always',
        // The proxy's listeners outlive its process, so a restart fails only what it had in flight.
        ...(imagePlanFor(pod, c).kind === 'proxy' ? { sockets: new SocketKeeper(() => this.ownAddresses()) } : {}),
        onChange: () => this.changed(),
      });
      r.status.restartCount = previous.get(c.name) ?? 0;
      return r;
    });
  }

  logFile(container: string): string {
    return join(this.deps.logsDir, this.pod.metadata.namespace!, this.pod.metadata.name, `${container}.log`);
  }

  start(): void {
    this.startFrom(0);
  }

  /** The addresses this pod's containers may listen on. */
  private ownAddresses(): string[] {
    const s = this.pod.status;
    return [s?.podIP, s?.podLoopbackIP].filter((a): a is string => !!a);
  }

  /** Starts containers in order; a container that holds the others (the sidecar) must be ready first. */
  private startFrom(i: number): void {
    if (this.terminating || i >= this.runners.length) return;
    const r = this.runners[i]!;
    r.start();
    if (this.deps.holdsOthers(this.pod, r.spec) && !r.status.ready) {
      const wait = setInterval(() => {
        if (this.terminating) clearInterval(wait);
        else if (r.status.ready) {
          clearInterval(wait);
          this.startFrom(i + 1);
        }
      }, 50);
      return;
    }
    this.startFrom(i + 1);
  }

  net(c: Container) {
    return podNetFor(this.pod, this.deps.netTablePath, c);
  }

  env(c: Container): Record<string, string> {
    return { ...baseEnv(this.pod, this.net(c), this.deps.hostPath), ...this.deps.extraEnv(this.pod, c), ...containerEnv(this.pod, c, this.deps.lookup) };
  }

  private launch(c: Container) {
    return launchSpecFor(imagePlanFor(this.pod, c), c, this.env(c), this.deps.logsDir);
  }

  get ready(): boolean {
    return this.runners.every((r) => r.status.ready);
  }

  status(): PodStatus {
    const ready = this.ready;
    if (ready !== this.lastReady) {
      this.lastReady = ready;
      this.readyTransition = new Date().toISOString();
    }
    const statuses = this.runners.map((r) => structuredClone(r.status));
    if (this.sidecarsStopped) {
      // pilot-agent exits 0 on quitquitquit; the stop signal here is that request, so it shows as such.
      for (const st of statuses) {
        const t = st.state.terminated;
        if (isSidecar(st.name) && t && t.exitCode === 128 + 15) st.state.terminated = { ...t, exitCode: 0, reason: 'Completed' };
      }
    }
    const anyRunning = statuses.some((s) => s.state.running);
    const allTerminated = statuses.every((s) => s.state.terminated);
    // A sidecar the worker stopped does not decide the outcome, as with Kubernetes' native sidecars.
    const deciding = this.sidecarsStopped ? statuses.filter((s) => !isSidecar(s.name)) : statuses;
    let phase: PodStatus['phase'] = 'Pending';
    if (allTerminated) phase = deciding.every((s) => s.state.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
    else if (anyRunning || statuses.some((s) => s.restartCount > 0)) phase = 'Running';
    const cond = (type: string, ok: boolean) => ({ type, status: ok ? 'True' as const : 'False' as const, lastTransitionTime: this.readyTransition });
    return {
      ...(this.pod.status ?? {}),
      phase,
      podIPs: this.pod.status?.podIP ? [{ ip: this.pod.status.podIP }] : [],
      startTime: this.pod.status?.startTime ?? this.startTime,
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: this.startTime },
        cond('Ready', ready),
        cond('ContainersReady', ready),
        { type: 'PodScheduled', status: 'True', lastTransitionTime: this.startTime },
      ],
      containerStatuses: statuses,
    };
  }

  private changed(): void {
    this.stopFinishedSidecars();
    this.deps.onStatus(this);
  }

  /**
   * A pod that runs to completion (a Job's) would never finish while its proxy runs: once every other
   * container has terminated for good, the sidecar is stopped, as Istio's `pilot-agent request POST
   * quitquitquit` or a native sidecar container achieves.
   */
  private stopFinishedSidecars(): void {
    const policy = this.pod.spec!.restartPolicy ?? 'Always';
    if (this.sidecarsStopped || this.terminating || policy === 'Always') return;
    const sidecars = this.runners.filter((r) => isSidecar(r.spec.name));
    const main = this.runners.filter((r) => !isSidecar(r.spec.name));
    if (!sidecars.length || !main.length) return;
    // Terminated for good: with OnFailure a failed container is restarted, so only success ends it.
    const done = main.every((r) => {
      const t = r.status.state.terminated;
      return t !== undefined && (policy === 'Never' || t.exitCode === 0);
    });
    if (!done) return;
    this.sidecarsStopped = true;
    const grace = (this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
    for (const r of sidecars) void r.stop(grace, { finish: true });
  }

  /** Stops containers in reverse order (the app before its sidecar), each within the pod's grace period. */
  terminate(): Promise<void> {
    if (!this.terminating) {
      const grace = (this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
      this.terminating = (async () => {
        for (const r of [...this.runners].reverse()) await r.stop(grace);
      })();
    }
    return this.terminating;
  }
}

/** The injected proxy, the one container a finished pod stops rather than waits for. */
export function isSidecar(name: string): boolean {
  return name === 'istio-proxy';
}

function resolvePort(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** The declared readiness probe, or the built-in image's own check (fake-service answers /ready). */
function readinessFor(pod: PodResource, c: Container): Probe | undefined {
  if (c.readinessProbe) return c.readinessProbe;
  if (imagePlanFor(pod, c).kind === 'fake-service') {
    const listen = c.env?.find((e) => e.name === 'LISTEN_ADDR')?.value ?? '0.0.0.0:9090';
    const port = Number(listen.slice(listen.lastIndexOf(':') + 1)) || 9090;
    return { httpGet: { path: '/ready', port }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1 };
  }
  return undefined;
}
