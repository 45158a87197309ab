/** The provider generator's declared carriers checked against the numbering plan as this subgraph reads it (its parsers and block choice). */
import { beforeAll, describe, expect, it } from 'vitest';
import { carrierId } from '../../../providers/carrier-id.js';
import { PROJECT_DATA_DIR } from '../../../providers/generator/ranges.js';
import { generateWorld, type World } from '../../../providers/generator/world.js';
import { SOURCES } from '../import/sources.js';
import { chooseBlock } from './lineage.js';

/**
 * The plan's holder of each generated number, computed the way the allocations subgraph does
 * (its own source parsers and block choice), independently of the generator's reading.
 */
async function planHolders(world: World): Promise<{ holderOf: Map<string, string | null>; carriers: Set<string> }> {
  const wanted = new Set(world.numbers.map((n) => n.e164.slice(1)));
  const candidates = new Map<string, { prefix: string; precedence: number; country: string | null; authority_id: string; carrier: string | null }[]>();
  const carriers = new Set<string>();
  for (const source of SOURCES.filter((s) => s.id !== 'libphonenumber-geocoding')) {
    for await (const record of source.records(PROJECT_DATA_DIR)) {
      if (record.kind !== 'block') continue;
      const { block } = record;
      const carrier = block.carrier ? carrierId(block.country, block.carrier.name, block.carrier.operatorCode ?? block.carrier.ocn) : null;
      if (carrier) carriers.add(carrier);
      const list = candidates.get(block.prefix) ?? [];
      list.push({ prefix: block.prefix, precedence: source.precedence, country: block.country, authority_id: block.authorityId, carrier });
      candidates.set(block.prefix, list);
    }
  }
  const holderOf = new Map<string, string | null>();
  for (const digits of wanted) {
    const covering = [];
    for (let length = 1; length <= digits.length; length++) covering.push(...(candidates.get(digits.slice(0, length)) ?? []));
    holderOf.set(`+${digits}`, chooseBlock(digits, covering)?.carrier ?? null);
  }
  return { holderOf, carriers };
}

describe('generateWorld against the numbering plan', () => {
  let world: World;
  beforeAll(() => {
    world = generateWorld({ scale: 1, seed: 7 });
  });

  it('declares carriers as the numbering plan names the range holder, except a small known share', async () => {
    const { holderOf, carriers } = await planHolders(world);
    // direct stock and stock a Tier 2 holds (its carrier as the Tier 1 it bought from declared it) alike
    const direct = world.offers.filter((o) => o.source.carrierId !== null);
    expect(direct.filter((o) => o.source.providerId !== null).length).toBeGreaterThan(50);
    for (const offer of direct) {
      expect(carriers.has(offer.source.carrierId!), offer.source.carrierId!).toBe(true);
      if (offer.declaredCarrierMismatch) expect(offer.source.carrierId).not.toBe(holderOf.get(offer.e164));
      else expect(offer.source.carrierId, offer.e164).toBe(holderOf.get(offer.e164));
    }
    const share = direct.filter((o) => o.declaredCarrierMismatch).length / direct.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.06);
  });
});
