import { ASSETS } from '../market/instrument.ts';
import type { ConfigError } from '../errors.ts';
import { isClob } from './venue-data.ts';
import type { RunSpec, VenueSpec } from './spec.ts';

/** A spec error at a field path (the builder's `at`: file, line and field). */
export type SpecErrorAt = (path: (string | number)[], msg: string, hint?: string) => ConfigError;

/** How the spec's sections refer to each other, checked: ids to indices, and who trades each book. */
export interface SpecReferences {
  /** Venue id → index in the spec. */
  venueIds: Map<string, number>;
  /** The order-book venues (spot, perp), with their index in the spec. */
  clobs: { v: VenueSpec; i: number }[];
  /** Account id → index in the spec. */
  accountIdx: Map<string, number>;
  /** Which account trades each order-book venue (one per venue in this version). */
  venueAccount: Map<string, string>;
}

/**
 * Every reference between sections checked before anything is built: unique ids, the venues,
 * accounts and underlyings agents and venues name, one account per order book, what a kind of
 * venue or account allows. Throws the first problem at its field.
 */
export function checkReferences(spec: RunSpec, at: SpecErrorAt): SpecReferences {
  const venueIds = new Map<string, number>();
  spec.venues.forEach((v, i) => {
    if (venueIds.has(v.id)) throw at(['venues', i, 'id'], `duplicate venue id ${v.id}`);
    venueIds.set(v.id, i);
    if (!isClob(v) && v.kind !== 'options' && !spec.chain) throw at(['venues', i, 'kind'], `a ${v.kind} venue lives on a chain: the spec needs a chain section`, 'e.g. chain: { profile: ethereum }');
  });
  const clobs = spec.venues.flatMap((v, i) => (isClob(v) ? [{ v, i }] : []));
  if (clobs.length === 0) throw at(['venues'], 'a run needs at least one spot or perp venue (its data sets the clock and the CEX prices)');
  const kindOf = (id: string) => spec.venues[venueIds.get(id)!]!.kind;
  const accountIdx = new Map<string, number>();
  spec.accounts.forEach((a, i) => {
    if (accountIdx.has(a.id)) throw at(['accounts', i, 'id'], `duplicate account id ${a.id}`);
    accountIdx.set(a.id, i);
    for (const asset of [...Object.keys(a.deposits), ...Object.keys(a.haircuts)]) {
      if (!ASSETS[asset]) throw at(['accounts', i, Object.keys(a.deposits).includes(asset) ? 'deposits' : 'haircuts', asset], `unknown asset ${asset}`, `assets: ${Object.keys(ASSETS).join(', ')}`);
    }
    if (a.leverage !== undefined && (a.margin === 'cash' || a.margin === 'portfolio')) {
      throw at(['accounts', i, 'leverage'], `a ${a.margin} account has no leverage setting`, a.margin === 'cash' ? 'a cash account cannot borrow: use margin: cross (or isolated) to trade with leverage' : 'portfolio margin is set by its scenario grid; leverage applies to cross and isolated accounts');
    }
  });
  const venueAccount = new Map<string, string>();
  spec.agents.forEach((g, i) => {
    if ('adversary' in g || 'borrowers' in g) {
      if (!spec.chain) throw at(['agents', i], `${'adversary' in g ? 'an adversary' : 'borrowers'} live on a chain: the spec needs a chain section`);
      return;
    }
    if ('population' in g) {
      const j = venueIds.get(g.population.venue);
      if (j === undefined) throw at(['agents', i, 'population', 'venue'], `the population trades venue "${g.population.venue}", which the spec does not have`, `venues: ${[...venueIds.keys()].join(', ')}`);
      if (spec.venues[j]!.kind !== 'perp') throw at(['agents', i, 'population', 'venue'], `a population trades a perp venue; ${g.population.venue} is ${spec.venues[j]!.kind}`);
      if (g.population.leverage.max < g.population.leverage.min) throw at(['agents', i, 'population', 'leverage'], 'leverage max is below min');
      return;
    }
    if (!accountIdx.has(g.account)) throw at(['agents', i, 'account'], `unknown account ${g.account}`, `accounts: ${[...accountIdx.keys()].join(', ')}`);
    g.venues.forEach((vid, k) => {
      if (!venueIds.has(vid)) throw at(['agents', i, 'venues', k], `the strategy trades venue "${vid}", which the spec does not have`, `venues: ${[...venueIds.keys()].join(', ')}`);
      if (kindOf(vid) === 'lending') throw at(['agents', i, 'venues', k], `strategies do not trade lending venues yet (${vid}); borrowers and liquidators do`);
      if (kindOf(vid) !== 'spot' && kindOf(vid) !== 'perp') return; // pools and options venues: any number of accounts trade them
      const prev = venueAccount.get(vid);
      if (prev !== undefined && prev !== g.account) throw at(['agents', i, 'venues', k], `venue ${vid} is already traded by account ${prev}; one account per venue in this version`);
      venueAccount.set(vid, g.account);
    });
  });
  spec.venues.forEach((v, i) => {
    if (v.kind !== 'options') return;
    const j = venueIds.get(v.underlying);
    if (j === undefined || !isClob(spec.venues[j]!)) throw at(['venues', i, 'underlying'], `the underlying "${v.underlying}" is not a spot or perp venue of the spec`, `venues: ${clobs.map((c) => c.v.id).join(', ')}`);
  });
  clobs.forEach(({ v, i }) => {
    if (v.index !== undefined) {
      const j = venueIds.get(v.index);
      if (j === undefined) throw at(['venues', i, 'index'], `index venue "${v.index}" is not in the spec`);
      if (spec.venues[j]!.kind !== 'spot') throw at(['venues', i, 'index'], `index venue ${v.index} must be a spot venue`);
      if (v.kind !== 'perp') throw at(['venues', i, 'index'], 'only a perp venue takes an index');
    }
    const acct = venueAccount.get(v.id);
    if (v.kind === 'perp' && acct !== undefined && spec.accounts[accountIdx.get(acct)!]!.margin === 'cash') {
      throw at(['accounts', accountIdx.get(acct)!, 'margin'], `account ${acct} trades perp venue ${v.id} but is a cash account`, 'use margin: cross, isolated or portfolio');
    }
  });

  return { venueIds, clobs, accountIdx, venueAccount };
}
