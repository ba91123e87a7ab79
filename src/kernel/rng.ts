import { createHash } from 'node:crypto';
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * Seeded RNG tree. Each component gets its own stream split from the run seed by name, so adding
 * a component (or drawing more in one) never perturbs another's draws.
 */
export class Rng {
  private readonly gen: RandomGenerator;

  private constructor(
    readonly path: string,
    readonly seed32: number,
  ) {
    this.gen = xoroshiro128plus(seed32);
  }

  static root(seed: number | string): Rng {
    return new Rng(`seed:${seed}`, derive(`seed:${seed}`));
  }

  /** Child stream for a named component; the same (seed, path) always yields the same stream. */
  split(name: string): Rng {
    const path = `${this.path}/${name}`;
    return new Rng(path, derive(path));
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    return this.gen.unsafeNext() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.gen.unsafeNext() >>> 5; // 27 bits
    const lo = this.gen.unsafeNext() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Moves the stream past `count` draws of `next()`, as if they were made (without their arithmetic). */
  discard(count: number): void {
    for (let i = 0; i < count; i++) {
      this.gen.unsafeNext();
      this.gen.unsafeNext();
    }
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Standard normal (Box–Muller, one draw kept per call for simplicity and determinism). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Poisson(λ) by inversion for small λ, normal approximation above 50. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
}

function derive(path: string): number {
  return createHash('sha256').update(path).digest().readInt32LE(0);
}
