// One container of one pod: start, watch, restart with back-off, probe readiness, stop.

import type { ChildProcess } from 'node:child_process';
import type { Container, Probe } from '../../config/k8s/pod.js';
import type { LaunchSpec, Supervisor } from '../supervisor.js';
import { probeOnce, type ProbeTarget } from './probe.js';
import type { SocketKeeper } from './socket-keeper.js';

export interface ContainerState {
  running?: { startedAt: string };
  waiting?: { reason: string; message?: string };
  terminated?: { exitCode: number; reason: string; startedAt?: string; finishedAt: string; signal?: number };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
  containerID?: string;
}

export interface RunnerDeps {
  supervisor: Supervisor;
  logFile: string;
  /** Builds the launch spec at each start, so a fixed ConfigMap or annotation is picked up on retry. */
  launch(): LaunchSpec;
  /** The probe that decides readiness; undefined means ready while running. */
  readiness: Probe | undefined;
  probeTarget(): ProbeTarget;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** The container's listening sockets, when the runtime holds them across restarts (socket activation). */
  sockets?: SocketKeeper;
  onChange(): void;
  /** Clock hooks, replaceable in tests. */
  setTimer?: (fn: () => void, ms: number) => NodeJS.Timeout;
}

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** A container that ran this long without failing starts over with a short back-off. */
const BACKOFF_RESET_MS = 600_000;
/**
 * How long a container restarted at once with its sockets held stays ready while its successor starts.
 * Connections meanwhile wait in the held sockets' backlog, so taking the endpoint away would fail them.
 */
const RESTART_READY_GRACE_MS = 10_000;

export class ContainerRunner {
  private proc: ChildProcess | undefined;
  private stopping = false;
  private timers = new Set<NodeJS.Timeout>();
  private probeSuccesses = 0;
  private probeFailures = 0;
  private consecutiveCrashes = 0;
  /** Set while a restarted container keeps its ready state until its new process proves ready. */
  private readyHoldUntil: number | undefined;
  /** Counts processes, so a probe loop of an earlier one stops instead of running beside the new one's. */
  private generation = 0;
  status: ContainerStatus;

  constructor(readonly spec: Container, private readonly deps: RunnerDeps) {
    this.status = {
      name: spec.name,
      image: spec.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    };
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  start(): void {
    if (this.stopping || this.proc) return;
    let spec: LaunchSpec;
    try {
      spec = this.deps.launch();
    } catch (err) {
      const reason = (err as { reason?: string }).reason ?? 'CreateContainerError';
      const firstTime = this.status.state.waiting?.reason !== reason && this.status.state.waiting?.reason !== backOffReason(reason);
      if (this.readyHoldUntil !== undefined) {
        // The restart under a ready hold did not even start: nothing will take the held sockets.
        this.readyHoldUntil = undefined;
        this.status.ready = false;
        this.deps.sockets?.releaseAll();
      }
      this.setState({ waiting: { reason: firstTime ? reason : backOffReason(reason), message: (err as Error).message } });
      this.later(() => this.start(), this.backoffMs());
      this.consecutiveCrashes++;
      return;
    }
    const startedAt = new Date().toISOString();
    const child = this.deps.supervisor.start(spec, this.deps.logFile);
    this.proc = child;
    this.generation++;
    this.deps.sockets?.attach(child);
    this.status.containerID = `weft://${child.pid ?? 0}`;
    this.status.started = true;
    this.probeSuccesses = 0;
    this.probeFailures = 0;
    this.setState({ running: { startedAt } });
    child.on('error', (err) => {
      // A process that never started; a live one's errors (a failed IPC send) are not its exit.
      if (child.pid === undefined) this.onExit(child, 127, null, startedAt, err.message);
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal, startedAt));
    this.scheduleProbe(0);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, startedAt: string, message?: string): void {
    if (child !== this.proc) return;
    this.proc = undefined;
    const exitCode = code ?? 128 + signalNumber(signal);
    const finishedAt = new Date().toISOString();
    const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt, ...(message ? { message } : {}) };
    const wasReady = this.status.ready;
    this.status.ready = false;
    this.readyHoldUntil = undefined;
    this.deps.sockets?.unclaimAll();
    if (this.stopping) {
      this.setState({ terminated });
      return;
    }
    const ranMs = Date.parse(finishedAt) - Date.parse(startedAt);
    if (ranMs > BACKOFF_RESET_MS) this.consecutiveCrashes = 0;
    this.status.lastState = { terminated };
    const restart = this.deps.restartPolicy === 'Always' || (this.deps.restartPolicy === 'OnFailure' && exitCode !== 0);
    if (!restart) {
      this.deps.sockets?.releaseAll();
      this.setState({ terminated });
      return;
    }
    this.status.restartCount += 1;
    const delay = this.backoffMs();
    this.consecutiveCrashes++;
    if (delay === 0 && wasReady && this.deps.sockets && this.deps.sockets.size > 0) {
      // Restarting now with the sockets held: stay ready, so the endpoint is not taken away from the
      // connections that wait for the new process.
      this.status.ready = true;
      this.readyHoldUntil = Date.now() + RESTART_READY_GRACE_MS;
      // What the new process has not listened on again by then, its configuration no longer has. (A
      // probe cannot tell: the kernel completes a held socket's connections with nobody accepting.)
      this.later(() => void (this.proc && this.deps.sockets?.releaseUnclaimed()), RESTART_READY_GRACE_MS);
    } else if (delay > 0) {
      // A back-off is long: callers are better told at once (refused) than left waiting.
      this.deps.sockets?.releaseAll();
    }
    // Kubernetes shows the crash first, then CrashLoopBackOff while it waits.
    this.setState(delay === 0 ? { terminated } : { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${this.spec.name}` } });
    this.later(() => this.start(), delay);
  }

  private backoffMs(): number {
    if (this.consecutiveCrashes === 0) return 0;
    return Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (this.consecutiveCrashes - 1));
  }

  private scheduleProbe(delayMs: number): void {
    const probe = this.deps.readiness;
    if (!probe) {
      // Ready while running; under a hold, the new process has until the deadline to take its sockets.
      if (this.readyHoldUntil !== undefined) this.later(() => void (this.readyHoldUntil !== undefined && this.endHold(true)), Math.max(0, this.readyHoldUntil - Date.now()));
      else this.setReady(true);
      return;
    }
    const initial = (probe.initialDelaySeconds ?? 0) * 1000;
    const gen = this.generation;
    this.later(() => void this.runProbe(gen), Math.max(delayMs, this.status.ready ? 0 : initial));
  }

  private async runProbe(gen: number): Promise<void> {
    const probe = this.deps.readiness!;
    if (!this.proc || this.stopping || gen !== this.generation) return;
    const ok = await probeOnce(probe, this.deps.probeTarget());
    if (!this.proc || this.stopping || gen !== this.generation) return;
    if (this.readyHoldUntil !== undefined) {
      this.probeHeld(ok);
      return;
    }
    if (ok) {
      this.probeFailures = 0;
      this.probeSuccesses++;
      if (this.probeSuccesses >= (probe.successThreshold ?? 1)) this.setReady(true);
    } else {
      this.probeSuccesses = 0;
      this.probeFailures++;
      if (!this.status.ready || this.probeFailures >= (probe.failureThreshold ?? 3)) this.setReady(false);
    }
    // Until ready, probe often so a pod turns Ready within a moment of its app answering.
    const period = this.status.ready ? (probe.periodSeconds ?? 10) * 1000 : Math.min((probe.periodSeconds ?? 10) * 1000, 250);
    this.scheduleProbe(period);
  }

  /** A restarted process under the ready hold: its first success ends the hold, and so does the deadline. */
  private probeHeld(ok: boolean): void {
    if (ok) {
      this.endHold(true);
      this.scheduleProbe((this.deps.readiness?.periodSeconds ?? 10) * 1000);
      return;
    }
    if (Date.now() >= this.readyHoldUntil!) this.endHold(false);
    this.scheduleProbe(this.status.ready ? 50 : 250);
  }

  private endHold(ready: boolean): void {
    this.readyHoldUntil = undefined;
    this.setReady(ready);
  }

  private setReady(ready: boolean): void {
    if (this.status.ready === ready) return;
    this.status.ready = ready;
    this.deps.onChange();
  }

  private setState(state: ContainerState): void {
    this.status.state = state;
    this.deps.onChange();
  }

  private later(fn: () => void, ms: number): void {
    const set = this.deps.setTimer ?? setTimeout;
    const t = set(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /**
   * Stops the container for good. With `finish`, one waiting to start (back-off) is shown as
   * terminated too, so a pod whose sidecar is stopped this way can still complete.
   */
  async stop(graceMs: number, o: { finish?: boolean } = {}): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const p = this.proc;
    if (p) await this.deps.supervisor.stop(p, graceMs);
    else if (o.finish && !this.status.state.terminated) {
      const last = this.status.lastState.terminated;
      this.setState({ terminated: { exitCode: last?.exitCode ?? 0, reason: last?.reason ?? 'Completed', finishedAt: new Date().toISOString() } });
    }
    this.deps.sockets?.releaseAll();
    this.readyHoldUntil = undefined;
    this.status.ready = false;
  }
}

function backOffReason(reason: string): string {
  return reason === 'ErrImagePull' ? 'ImagePullBackOff' : reason;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGSEGV: 11, SIGABRT: 6 };
  return signal ? table[signal] ?? 0 : 0;
}
