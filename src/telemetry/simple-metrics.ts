// Unlabelled counters and gauges for the proxy's own bookkeeping (config version, pushes received, ...).

import { escapeHelp, formatSampleValue, isValidMetricName } from './prometheus-text.js';

export class Counter {
  private value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(n = 1): void {
    // A counter only goes up; a negative step would break rate() for every consumer.
    if (!(n >= 0)) throw new RangeError(`counter ${this.name}: increment must be >= 0, got ${n}`);
    this.value += n;
  }

  get(): number {
    return this.value;
  }
}

export class Gauge {
  private value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(v: number): void {
    this.value = v;
  }

  inc(n = 1): void {
    this.value += n;
  }

  dec(n = 1): void {
    this.value -= n;
  }

  get(): number {
    return this.value;
  }
}

export class SimpleRegistry {
  private readonly metrics = new Map<string, Counter | Gauge>();

  /** Returns the existing counter when called again with the same name. */
  counter(name: string, help: string): Counter {
    return this.getOrCreate(name, help, Counter);
  }

  /** Returns the existing gauge when called again with the same name. */
  gauge(name: string, help: string): Gauge {
    return this.getOrCreate(name, help, Gauge);
  }

  /** Appends every metric, sorted by name so the output does not depend on registration order. */
  renderInto(out: string[]): void {
    const names = Array.from(this.metrics.keys()).sort();
    for (const name of names) {
      const m = this.metrics.get(name);
      if (m === undefined) continue;
      const type = m instanceof Counter ? 'counter' : 'gauge';
      out.push(`# HELP ${name} ${escapeHelp(m.help)}\n# TYPE ${name} ${type}\n${name} ${formatSampleValue(m.get())}\n`);
    }
  }

  private getOrCreate<T extends Counter | Gauge>(name: string, help: string, kind: new (name: string, help: string) => T): T {
    const existing = this.metrics.get(name);
    if (existing !== undefined) {
      if (!(existing instanceof kind)) throw new Error(`metric ${name} is already registered as another type`);
      return existing;
    }
    if (!isValidMetricName(name)) throw new Error(`invalid metric name: ${JSON.stringify(name)}`);
    if (name.startsWith('istio_')) throw new Error(`metric name ${name} is reserved for Istio's standard metrics`);
    const created = new kind(name, help);
    this.metrics.set(name, created);
    return created;
  }
}
