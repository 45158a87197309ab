/**
 * Custody chains from what providers declare: an offer's source is a carrier (the end of the
 * chain), another provider, whose offer of the same number continues the chain, or both: the
 * provider bought the number outright from that provider, which held it from that carrier.
 * Tiers are computed here from those declarations, never stored.
 */

/** What the chain needs of one offer. */
export interface ChainOffer {
  provider_id: string;
  source_carrier_id: string | null;
  source_provider_id: string | null;
}

export interface Chain {
  /** Provider ids from the starting provider (position 1) towards the carrier. */
  providers: string[];
  /** The carrier at the end; null when the chain is broken (a cycle, a missing offer, too deep). */
  carrierId: string | null;
  /** Provider hops from the carrier; 0 when the provider is the carrier itself; null when broken. */
  tier: number | null;
}

/** Longer declared chains than this are treated as broken: real resale chains are short. */
export const MAX_CHAIN_DEPTH = 8;

/**
 * The chain from `providerId`, following declared sources through `offers` (one number's
 * offers by provider). `carrierOf` says which providers are carriers selling their own numbers.
 */
export function chainFrom(providerId: string, offers: ReadonlyMap<string, ChainOffer>, carrierOf: (providerId: string) => string | null): Chain {
  const providers: string[] = [];
  let current: string | null = providerId;
  while (current !== null) {
    if (providers.includes(current) || providers.length >= MAX_CHAIN_DEPTH) break;
    providers.push(current);
    const offer = offers.get(current);
    if (!offer) break;
    const carrierId = offer.source_carrier_id;
    const from = offer.source_provider_id;
    if (carrierId !== null && from === null) {
      // A carrier selling its own number is no hop of its own: tier 0.
      const selfSold = carrierOf(current) === carrierId;
      return { providers, carrierId, tier: providers.length - (selfSold ? 1 : 0) };
    }
    if (carrierId !== null && from !== null && !offers.has(from)) {
      // Bought outright from `from`, which offers it no more: `from` is the last hop, as it declared
      // the carrier to its buyer. Still a hop: the buyer declares it, though it sells nothing here.
      if (providers.length >= MAX_CHAIN_DEPTH) break;
      providers.push(from);
      const selfSold = carrierOf(from) === carrierId;
      return { providers, carrierId, tier: providers.length - (selfSold ? 1 : 0) };
    }
    // A resale (or a purchase from a provider that still offers the number): its offer continues the chain.
    current = from;
  }
  return { providers, carrierId: null, tier: null };
}

/**
 * The holder of a number in stock: the provider that has it, where every resale chain ends. In
 * this order, the lowest id within each class so that every sync picks the same: the carrier
 * selling its own number (tier 0); a provider whose declared source is the carrier only; a
 * provider that bought it outright from a provider that does not offer it (both sources set).
 * Without one (only resellers of providers the aggregator has no contract with), the lowest id
 * among those whose source is outside the catalogue.
 */
export function stockHolder(offers: ReadonlyMap<string, ChainOffer>, carrierOf: (providerId: string) => string | null): string | null {
  const ids = [...offers.keys()].sort();
  const direct = ids.filter((id) => offers.get(id)!.source_carrier_id !== null && offers.get(id)!.source_provider_id === null);
  const selfSold = direct.find((id) => carrierOf(id) === offers.get(id)!.source_carrier_id);
  if (selfSold ?? direct[0]) return selfSold ?? direct[0]!;
  const boughtOut = ids.find((id) => {
    const offer = offers.get(id)!;
    return offer.source_carrier_id !== null && offer.source_provider_id !== null && !offers.has(offer.source_provider_id);
  });
  if (boughtOut) return boughtOut;
  return ids.find((id) => !offers.has(offers.get(id)!.source_provider_id ?? '')) ?? ids[0] ?? null;
}

/** Offers in buying order: shortest chain first (broken chains last), then cheapest monthly, then setup, then provider. */
export function byShortestThenCheapest<T extends { tier: number | null; monthly: number; setup: number; providerId: string }>(a: T, b: T): number {
  const tier = (a.tier ?? Number.MAX_SAFE_INTEGER) - (b.tier ?? Number.MAX_SAFE_INTEGER);
  return tier || a.monthly - b.monthly || a.setup - b.setup || a.providerId.localeCompare(b.providerId);
}
