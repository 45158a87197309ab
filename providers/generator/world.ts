/** The generated world of providers, numbers and offers, built deterministically from (scale, seed) on real allocated ranges. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Capability, LatencySpec, Money, NumberSource, NumberStatus } from '../api.js';
import { MARKETS, marketKey, type MarketSpec } from './markets.js';
import { Random } from './random.js';
import { PROJECT_DATA_DIR, RangeIndex, readArcep, readCarrierPrefixes, readCna, readOfcom, readOfcomGeo, type Carrier, type RangeEntry } from './ranges.js';

/** One provider of the generated world and how its simulated API behaves at start. */
export interface WorldProvider {
  id: string;
  name: string;
  /**
   * Its level by construction (0: a carrier selling its own numbers, 1: buys from carriers,
   * 2: resells Tier 1 and carriers' stock, and holds a thin stock of its own bought from Tier 1,
   * 3: resells Tier 2). Only for tests and docs:
   * inventory computes each chain's tier from the declared sources (a Tier 2 reselling a
   * carrier's own number has a chain of tier 1), and the API never states a tier.
   */
  tier: 0 | 1 | 2 | 3;
  /** Set for a carrier selling its own numbers (tier 0). */
  carrierId: string | null;
  /** Market keys (`GB:MOBILE`) it has stock in. */
  markets: string[];
  batchLimit: number;
  pageCap: number;
  latencyMs: LatencySpec;
}

/** One physical number: its lifecycle status is one, whichever provider offers it. */
export interface WorldNumber {
  e164: string;
  country: string;
  numberType: string;
  region: string | null;
  areaCode: string | null;
  capabilities: Capability[];
  status: NumberStatus;
  /** The holder of its range in the numbering plan, as the source file names it. */
  rangeHolder: Carrier;
  rangePrefix: string;
  rangeFile: string;
}

/** One way to buy a number: a provider's listing with its declared source and its prices. */
export interface WorldOffer {
  providerId: string;
  e164: string;
  source: NumberSource;
  setupPrice: Money;
  monthlyPrice: Money;
  /**
   * A declared carrier (direct, or as the seller declared it for stock a reseller holds) that is
   * not the range's holder (ported, or badly documented).
   */
  declaredCarrierMismatch: boolean;
}

export interface World {
  scale: number;
  seed: number;
  markets: MarketSpec[];
  providers: WorldProvider[];
  numbers: WorldNumber[];
  offers: WorldOffer[];
}

export interface GenerateOptions {
  /** 1 builds a few thousand numbers in about a second; 10 and 100 are for benchmarks. */
  scale: number;
  seed?: number;
  dataDir?: string;
  /** Called as each market is built (the CLI logs it). */
  onProgress?: (event: { market: string; done: number; of: number; numbers: number; offers: number }) => void;
}

export const MAX_SCALE = 1000;
/** Share of offers declaring a carrier (direct, or held by a Tier 2) that declare one other than the range's holder. */
export const DECLARED_MISMATCH_SHARE = 0.03;
const STATUS_SHARES: [NumberStatus, number][] = [
  ['available', 0.82],
  ['reserved', 0.04],
  ['assigned', 0.08],
  ['aging', 0.03],
  ['ported_out', 0.03],
];
const NUMBERS_PER_MARKET = 220;
const TIER1_PER_MARKET = 3;
/** Tier 2 resellers per market holding stock of their own (bought outright from a Tier 1). */
const TIER2_HOLDERS_PER_MARKET = 2;
/** Share of a market's numbers each of those holds: thin, as resold depth is. */
const TIER2_HELD_SHARE = 0.02;
const TIER0_MARKETS = ['GB:MOBILE', 'CA:FIXED_LINE_OR_MOBILE', 'DE:MOBILE'];
const BRANDS = ['Northwind', 'Bluefin', 'Harbor', 'Meridian', 'Atlas', 'Kestrel', 'Summit', 'Lumen', 'Cobalt', 'Quill', 'Vantage', 'Orbit', 'Pioneer', 'Sterling', 'Halcyon', 'Juniper'];
const SUFFIXES = ['Telecom', 'Numbers', 'Voice', 'Connect', 'Networks', 'Wholesale'];

interface MarketRanges {
  spec: MarketSpec;
  key: string;
  /** The plan the market's numbers are checked against (longest prefix, like the importer's blocks). */
  index: RangeIndex;
  places: RangeIndex | null;
  eligible: RangeEntry[];
}

/** Builds the whole world in memory, deterministically from (scale, seed). */
export function generateWorld(options: GenerateOptions): World {
  const { scale, seed = 1, dataDir = PROJECT_DATA_DIR } = options;
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) throw new RangeError(`scale must be a whole number from 1 to ${MAX_SCALE}, got ${scale}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a whole number ≥ 0, got ${seed}`);
  const rng = new Random(seed);
  const markets = loadMarkets(dataDir);
  const names = rng.sample(BRANDS, BRANDS.length).map((brand, i) => `${brand} ${SUFFIXES[i % SUFFIXES.length]}`);

  const providers: WorldProvider[] = [];
  const addProvider = (name: string, tier: WorldProvider['tier'], carrier: string | null): WorldProvider => {
    const p50 = rng.int(3, 15);
    const provider: WorldProvider = {
      id: slug(name),
      name,
      tier,
      carrierId: carrier,
      markets: [],
      batchLimit: tier <= 1 ? rng.pick([50, 100, 200]) : tier === 2 ? rng.pick([25, 50]) : rng.pick([10, 20]),
      pageCap: tier <= 1 ? rng.pick([200, 500]) : tier === 2 ? 100 : 50,
      latencyMs: { p50, p99: p50 * rng.int(4, 8) },
    };
    providers.push(provider);
    return provider;
  };
  const tier1 = names.slice(0, 8).map((name) => addProvider(name, 1, null));
  const tier2 = names.slice(8, 12).map((name) => addProvider(name, 2, null));
  const tier3 = names.slice(12, 14).map((name) => addProvider(name, 3, null));

  const numbers: WorldNumber[] = [];
  const offers: WorldOffer[] = [];
  const taken = new Set<string>();
  const directByMarket = new Map<string, WorldOffer[]>();
  const lengths = new Map<string, number | null>();

  markets.forEach((market, done) => {
    const direct: WorldOffer[] = [];
    // Holders a badly documented offer may declare instead: those of numbers already drawn, whose
    // ids the plan has (an eligible range's holder may sit in a Crown Dependency's plan instead).
    const drawnHolders = new Map<string, Carrier>();
    const sellers: { provider: WorldProvider; weight: number; ranges: RangeEntry[] }[] = [];
    if (TIER0_MARKETS.includes(market.key)) {
      const top = mostRanges(market.eligible);
      const carrierProvider = addProvider(`${top.name} Direct`, 0, top.id);
      sellers.push({ provider: carrierProvider, weight: 0.2, ranges: market.eligible.filter((e) => e.holder?.id === top.id) });
    }
    const ranges = rng.sample(market.eligible, Math.ceil(30 * Math.sqrt(scale)));
    rng.sample(tier1, TIER1_PER_MARKET).forEach((provider, i) => sellers.push({ provider, weight: [0.4, 0.25, 0.15][i] ?? 0.1, ranges }));
    const factors = new Map(sellers.map((s) => [s.provider.id, s.provider.tier === 0 ? 0.9 : 0.85 + rng.next() * 0.3]));
    for (const seller of sellers) seller.provider.markets.push(market.key);

    // A few Tier 2 resellers bought part of the market's stock outright from one of its Tier 1
    // providers (which no longer lists it): they hold it, declaring both whom they bought it from
    // and the carrier that Tier 1 declared. The market's total stays the same.
    const tier1Sellers = sellers.filter((s) => s.provider.tier === 1);
    const size = Math.round(NUMBERS_PER_MARKET * market.spec.depth * scale);
    const heldEach = Math.max(1, Math.round(size * TIER2_HELD_SHARE));
    const buyers = rng.sample(tier2, TIER2_HOLDERS_PER_MARKET).map((provider) => ({ provider, from: rng.pick(tier1Sellers).provider, markup: 1.08 + rng.next() * 0.27 }));
    const held: WorldOffer[] = [];
    const target = size - heldEach * buyers.length;
    let failures = 0;
    while (direct.length + held.length < size && failures < size * 5) {
      // Direct stock first, then each buyer's share in turn.
      const buyer = direct.length < target ? null : buyers[Math.floor(held.length / heldEach)]!;
      const seller = buyer ? tier1Sellers.find((s) => s.provider === buyer.from)! : rng.weighted(sellers, sellers.map((s) => s.weight));
      const drawn = drawNumber(rng, rng.pick(seller.ranges), market, lengths);
      if (!drawn || taken.has(drawn.e164) || (seller.provider.tier === 0 && drawn.holder.id !== seller.provider.carrierId)) {
        failures++;
        continue;
      }
      taken.add(drawn.e164);
      const spec = market.spec;
      numbers.push({
        e164: drawn.e164,
        country: spec.country,
        numberType: spec.numberType,
        region: drawn.entry.region ?? market.places?.covering(drawn.e164.slice(1))?.region ?? null,
        areaCode: drawn.entry.areaCode,
        capabilities: [...spec.capabilities.always, ...spec.capabilities.sometimes.filter(() => rng.chance(0.4))],
        status: rng.weighted(STATUS_SHARES.map(([s]) => s), STATUS_SHARES.map(([, w]) => w)),
        rangeHolder: drawn.holder,
        rangePrefix: drawn.entry.prefix,
        rangeFile: drawn.entry.file,
      });
      drawnHolders.set(drawn.holder.id, drawn.holder);
      const others = [...drawnHolders.values()].filter((h) => h.id !== drawn.holder.id);
      const mismatch = seller.provider.tier === 1 && others.length > 0 && rng.chance(DECLARED_MISMATCH_SHARE);
      const declared = mismatch ? rng.pick(others) : drawn.holder;
      const factor = (factors.get(seller.provider.id) ?? 1) * (0.9 + rng.next() * 0.2) * (buyer?.markup ?? 1);
      (buyer ? held : direct).push({
        providerId: buyer?.provider.id ?? seller.provider.id,
        e164: drawn.e164,
        source: { carrierId: declared.id, providerId: buyer ? seller.provider.id : null },
        setupPrice: money(spec.setupPrice * factor, spec),
        monthlyPrice: money(spec.monthlyPrice * factor, spec),
        declaredCarrierMismatch: mismatch,
      });
    }
    for (const buyer of buyers) if (held.some((o) => o.providerId === buyer.provider.id)) buyer.provider.markets.push(market.key);
    offers.push(...direct, ...held);
    directByMarket.set(market.key, direct);
    options.onProgress?.({ market: market.key, done: done + 1, of: markets.length, numbers: numbers.length, offers: offers.length });
  });

  // Resellers: wide, thin coverage over other providers' stock, one hop more per level.
  const specByKey = new Map(markets.map((m) => [m.key, m.spec]));
  const resell = (levelProviders: WorldProvider[], coverage: number, share: number, sourcesOf: (market: string) => WorldOffer[]) => {
    for (const reseller of levelProviders) {
      for (const key of rng.sample(markets.map((m) => m.key), Math.ceil(markets.length * coverage))) {
        const pool = sourcesOf(key).filter((o) => o.providerId !== reseller.id);
        if (pool.length === 0) continue;
        const seen = new Set<string>();
        const spec = specByKey.get(key)!;
        const markup = 1.08 + rng.next() * 0.27;
        let count = 0;
        for (const source of rng.sample(pool, Math.max(2, Math.round(pool.length * share)))) {
          if (seen.has(source.e164)) continue;
          seen.add(source.e164);
          offers.push({
            providerId: reseller.id,
            e164: source.e164,
            source: { carrierId: null, providerId: source.providerId },
            setupPrice: money(Number(source.setupPrice.amount) * markup, spec),
            monthlyPrice: money(Number(source.monthlyPrice.amount) * markup, spec),
            declaredCarrierMismatch: false,
          });
          count++;
        }
        if (count > 0 && !reseller.markets.includes(key)) reseller.markets.push(key);
      }
    }
  };
  resell(tier2, 0.7, 0.05, (key) => directByMarket.get(key) ?? []);
  // Tier 3 resells Tier 2's offers: its resale of Tier 1 stock and the stock it holds itself.
  const tier2Ids = new Set(tier2.map((p) => p.id));
  const numberMarket = new Map(numbers.map((n) => [n.e164, marketKey(n.country, n.numberType)]));
  const resoldByMarket = new Map<string, WorldOffer[]>();
  for (const offer of offers) {
    if (!tier2Ids.has(offer.providerId)) continue;
    const key = numberMarket.get(offer.e164)!;
    const resold = resoldByMarket.get(key);
    if (resold) resold.push(offer);
    else resoldByMarket.set(key, [offer]);
  }
  resell(tier3, 0.5, 0.3, (key) => resoldByMarket.get(key) ?? []);

  return { scale, seed, markets: markets.map((m) => m.spec), providers, numbers, offers };
}

function loadMarkets(dataDir: string): MarketRanges[] {
  const ofcomTables = [...new Set(MARKETS.flatMap((m) => (m.source.kind === 'ofcom' ? [m.source.table] : [])))];
  // Every Ofcom table at once: a number's block is the longest prefix over all of them.
  const ofcom = readOfcom(dataDir, ofcomTables);
  let cna: RangeIndex | null = null;
  return MARKETS.map((spec) => {
    const key = marketKey(spec.country, spec.numberType);
    const source = spec.source;
    let index: RangeIndex;
    let places: RangeIndex | null = null;
    let eligible: RangeEntry[];
    if (source.kind === 'ofcom') {
      index = ofcom;
      eligible = ofcom.entries().filter((e) => e.inUse && source.prefixes.some((p) => e.prefix.startsWith(p)) && e.file.includes(source.table));
    } else if (source.kind === 'ofcom-geo') {
      index = readOfcomGeo(dataDir, source.prefixes);
      places = readCarrierPrefixes(dataDir, '44', spec.country).places;
      eligible = index.entries().filter((e) => e.inUse);
    } else if (source.kind === 'cna') {
      index = cna ??= readCna(dataDir);
      eligible = index.entries().filter((e) => e.inUse);
    } else if (source.kind === 'arcep') {
      index = readArcep(dataDir, source.nationalPrefixes);
      places = readCarrierPrefixes(dataDir, '33', spec.country).places;
      eligible = index.entries();
    } else {
      const read = readCarrierPrefixes(dataDir, source.callingCode, spec.country);
      index = read.carriers;
      places = read.places;
      eligible = index.entries();
    }
    if (eligible.length === 0) throw new Error(`no allocated ranges for market ${key} in ${dataDir}`);
    return { spec, key, index, places, eligible };
  });
}

interface Drawn {
  e164: string;
  holder: Carrier;
  entry: RangeEntry;
}

/**
 * A random number in the range, valid for libphonenumber and of the market's type, with the
 * holder the plan names for it (the longest covering prefix, which may be nested inside the
 * drawn range). Null after a few misses: some ranges hold no number of the type.
 */
function drawNumber(rng: Random, entry: RangeEntry, market: MarketRanges, lengths: Map<string, number | null>): Drawn | null {
  const length = entry.nationalLength !== null ? callingCodeLength(market.spec) + entry.nationalLength : lengthOf(rng, entry, market, lengths);
  if (length === null || length <= entry.prefix.length) return null;
  for (let attempt = 0; attempt < 8; attempt++) {
    const digits = entry.prefix + rng.digits(length - entry.prefix.length);
    const covering = market.index.covering(digits);
    if (!covering?.inUse || !covering.holder) continue;
    if (!isOfMarket(digits, market.spec)) continue;
    return { e164: `+${digits}`, holder: covering.holder, entry: covering };
  }
  return null;
}

function isOfMarket(digits: string, spec: MarketSpec): boolean {
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  return !!parsed && parsed.isValid() && parsed.country === spec.country && parsed.getType() === spec.numberType;
}

/** libphonenumber prefixes say nothing of length: find the first that yields numbers of the type. */
function lengthOf(rng: Random, entry: RangeEntry, market: MarketRanges, cache: Map<string, number | null>): number | null {
  const cached = cache.get(entry.prefix);
  if (cached !== undefined) return cached;
  let found: number | null = null;
  search: for (let length = entry.prefix.length + 1; length <= 15; length++) {
    for (let i = 0; i < 6; i++) {
      if (isOfMarket(entry.prefix + rng.digits(length - entry.prefix.length), market.spec)) {
        found = length;
        break search;
      }
    }
  }
  cache.set(entry.prefix, found);
  return found;
}

function callingCodeLength(spec: MarketSpec): number {
  return spec.source.kind === 'cna' ? 1 : spec.source.kind === 'ofcom' || spec.source.kind === 'ofcom-geo' || spec.source.kind === 'arcep' ? 2 : spec.source.callingCode.length;
}

function mostRanges(entries: RangeEntry[]): Carrier {
  const counts = new Map<string, { carrier: Carrier; n: number }>();
  for (const e of entries) {
    const c = counts.get(e.holder!.id) ?? { carrier: e.holder!, n: 0 };
    c.n++;
    counts.set(c.carrier.id, c);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n || a.carrier.id.localeCompare(b.carrier.id))[0]!.carrier;
}

function money(amount: number, spec: MarketSpec): Money {
  return { amount: Math.max(0, amount).toFixed(spec.decimals), currency: spec.currency };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
