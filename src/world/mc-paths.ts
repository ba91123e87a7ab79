/**
 * The run spec of Monte Carlo path k: the spec's `mc` section turned into one ordinary run spec
 * (the one builder wires it like any other). Pure and deterministic: path k's spec depends only on
 * the spec and k, so any path can be rerun alone and gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import type { McSpec, RunSpec, VenueSpec } from './spec.ts';

/** Path k's seed: from the run seed and k (sha-256, 31 bits), never from the pool or the order runs finish in. */
export function pathSeed(seed: number, k: number): number {
  return createHash('sha256').update(`primesim-mc:${seed}:${k}`).digest().readUInt32BE(0) >>> 1;
}

export interface McPath {
  k: number;
  seed: number;
  /** `historical:<name>` or `<generator> ×<shock>`. */
  label: string;
  shock: number;
  spec: RunSpec;
}

export function mcPaths(spec: RunSpec): McSpec {
  if (!spec.mc) throw new ConfigError('the spec has no mc section', { field: 'mc', hint: 'mc: { paths, venue, start, price, historical, generate, shocks }' });
  return spec.mc;
}

export function pathSpec(spec: RunSpec, k: number): McPath {
  const mc = mcPaths(spec);
  if (!(Number.isInteger(k) && k >= 0)) throw new ConfigError(`path ${k} is not a path index`, { field: 'path' });
  const vi = spec.venues.findIndex((v) => v.id === mc.venue);
  const v = spec.venues[vi] as VenueSpec | undefined;
  if (!v || (v.kind !== 'perp' && v.kind !== 'spot') || !('path' in v.data)) throw new ConfigError(`mc.venue "${mc.venue}" must be a spot or perp venue with data: { path }`, { field: 'mc.venue' });
  const hist = mc.historical[k];
  // Generated paths: the generators in turn, each at every shock in turn.
  const gens = Array.isArray(mc.generate) ? mc.generate : [mc.generate];
  const j = k - mc.historical.length;
  const shock = hist ? 1 : mc.shocks[Math.floor(j / gens.length) % mc.shocks.length]!;
  const source = hist ? hist.source : gens[j % gens.length]!;
  const kind = Object.keys(source)[0]!;
  const label = hist ? `historical:${hist.name}` : `${kind} ×${shock}`;
  const path = v.data.path;
  const venue: VenueSpec = {
    ...v,
    data: {
      path: {
        ...path,
        source,
        transforms: [...(shock !== 1 ? [{ scaleReturns: shock }] : []), { rebase: { price: mc.price, start: mc.start } }, ...path.transforms],
      },
    },
  };
  const seed = pathSeed(spec.seed, k);
  const { mc: _mc, ...rest } = spec;
  void _mc;
  return { k, seed, label, shock, spec: { ...rest, seed, venues: spec.venues.map((x, i) => (i === vi ? venue : x)) } };
}
