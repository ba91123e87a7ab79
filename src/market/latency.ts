import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import type { Rng } from '../kernel/rng.ts';

/** A latency in µs, drawn per message from the component's RNG stream. */
export interface LatencyModel {
  readonly name: string;
  sampleUs(rng: Rng): number;
}

export class ConstantLatency implements LatencyModel {
  readonly name: string;
  constructor(readonly latencyUs: number) {
    if (!(latencyUs >= 0) || !Number.isFinite(latencyUs)) throw new ConfigError(`latency must be ≥ 0, got ${latencyUs}`, { field: 'latency' });
    this.name = `constant:${latencyUs}us`;
  }
  sampleUs(): number {
    return this.latencyUs;
  }
}

/** Draws uniformly from measured samples (e.g. order round trips logged in production). */
export class EmpiricalLatency implements LatencyModel {
  readonly name: string;
  private readonly samples: Float64Array;
  constructor(samplesUs: number[], label = 'empirical') {
    if (samplesUs.length === 0) throw new ConfigError('empirical latency needs at least one sample', { field: 'latency' });
    for (const s of samplesUs) if (!(s >= 0) || !Number.isFinite(s)) throw new ConfigError(`latency sample ${s} is not ≥ 0`, { field: 'latency' });
    this.samples = Float64Array.from(samplesUs);
    this.name = `${label}(${samplesUs.length})`;
  }
  sampleUs(rng: Rng): number {
    return this.samples[Math.floor(rng.next() * this.samples.length)]!;
  }
}

/** `2ms`, `150us`, `1.5s`, `0` → µs. */
/** A duration in µs as parseDurationUs reads it, in its largest whole unit: `1h` (not `60m`), `1d`, `90s`, `250us`. */
export function formatDurationUs(us: number): string {
  for (const [unit, size] of [['d', 86_400e6], ['h', 3_600e6], ['m', 60e6], ['s', 1e6]] as const) if (us % size === 0) return `${us / size}${unit}`;
  return `${Math.round(us)}us`;
}

export function parseDurationUs(s: string, field = 'duration', opts: { positive?: boolean } = {}): number {
  // A unit is required: a bare `2` once meant 2 µs to the code and 2 ms to its user.
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h|d)\s*$/.exec(s);
  if (!m) {
    const bare = /^\s*-?\d+(?:\.\d+)?\s*$/.test(s);
    throw new ConfigError(bare ? `duration "${s}" needs a unit` : `"${s}" is not a duration`, { field, hint: 'e.g. 500us, 2ms, 1s, 5m, 8h, 1d' });
  }
  const v = Number(m[1]);
  const unit = m[2]!;
  const mult = unit === 'ms' ? 1e3 : unit === 's' ? 1e6 : unit === 'm' ? 60e6 : unit === 'h' ? 3600e6 : unit === 'd' ? 86_400e6 : 1;
  const us = Math.round(v * mult);
  if (opts.positive && us <= 0) throw new ConfigError(`duration "${s}" must be greater than zero`, { field, hint: 'e.g. 1s' });
  return us;
}

/** `2ms` (constant), `empirical:1ms,2ms,5ms` or `empirical:<file with one µs value per line>`. */
export function parseLatencyModel(spec: string, field = 'latency'): LatencyModel {
  if (spec.startsWith('empirical:')) {
    const arg = spec.slice('empirical:'.length);
    if (/^[\d.]+\s*(us|µs|ms|s)?(,[\d.]+\s*(us|µs|ms|s)?)*$/.test(arg)) {
      return new EmpiricalLatency(arg.split(',').map((x) => parseDurationUs(x, field)));
    }
    let text: string;
    try {
      text = readFileSync(arg, 'utf8');
    } catch {
      throw new ConfigError(`cannot read latency samples file ${arg}`, { field });
    }
    const samples: number[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      const v = Number(t);
      if (!Number.isFinite(v) || v < 0) throw new ConfigError(`"${t}" is not a latency in µs`, { file: arg, line: i + 1, field });
      samples.push(v);
    });
    return new EmpiricalLatency(samples, `empirical:${arg}`);
  }
  return new ConstantLatency(parseDurationUs(spec, field));
}
