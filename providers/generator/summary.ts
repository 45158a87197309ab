/** A generated world summed up in a few figures: providers by tier, numbers and offers per market. */
import { marketKey } from './markets.js';
import type { World } from './world.js';

export interface WorldSummary {
  scale: number;
  seed: number;
  providers: number;
  providersByTier: Record<string, number>;
  numbers: number;
  offers: number;
  /** Numbers per market (`GB:MOBILE`) and how many offers list them. */
  markets: Record<string, { numbers: number; offers: number }>;
  declaredCarrierMismatches: number;
}

/** What a world holds, in a few figures (the CLI prints it, the simulator logs it). */
export function summarizeWorld(world: World): WorldSummary {
  const providersByTier: Record<string, number> = {};
  for (const p of world.providers) providersByTier[`tier${p.tier}`] = (providersByTier[`tier${p.tier}`] ?? 0) + 1;
  const markets: WorldSummary['markets'] = {};
  const marketOf = new Map<string, string>();
  for (const n of world.numbers) {
    const key = marketKey(n.country, n.numberType);
    marketOf.set(n.e164, key);
    (markets[key] ??= { numbers: 0, offers: 0 }).numbers++;
  }
  for (const o of world.offers) {
    const m = markets[marketOf.get(o.e164) ?? ''];
    if (m) m.offers++;
  }
  return {
    scale: world.scale,
    seed: world.seed,
    providers: world.providers.length,
    providersByTier,
    numbers: world.numbers.length,
    offers: world.offers.length,
    markets,
    declaredCarrierMismatches: world.offers.filter((o) => o.declaredCarrierMismatch).length,
  };
}
