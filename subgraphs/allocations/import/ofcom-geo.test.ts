/** Ofcom S1 rows: holders named as the other Ofcom tables name them, bad rows explained, Not allocated siblings merged within the area code. */
import { describe, expect, it } from 'vitest';
import { areaDigitsOf, mergeUnallocated, parseS1Row } from './ofcom-geo.js';

const holders = new Map([['gamma telecom holdings', 'Gamma Telecom Holdings Limited']]);
const row = (block: string, holder = '', format = '3+7') => ({
  block: parseS1Row([block, holder ? 'Allocated' : 'Not allocated', holder, format], holders) as Exclude<ReturnType<typeof parseS1Row>, string>,
  line: Number(block),
  areaDigits: areaDigitsOf(format),
});

describe("Ofcom S1's rows", () => {
  it('names the holder as the other Ofcom tables do, and says what is wrong with a bad row', () => {
    expect(parseS1Row(['113322', 'Allocated', 'Gamma Telecom Holdings Ltd', '3+7'], holders)).toMatchObject({ prefix: '44113322', country: 'GB', status: 'Allocated', numberLength: 10, carrier: { name: 'Gamma Telecom Holdings Limited' } });
    expect(parseS1Row(['1534201', 'Allocated', 'JT (Jersey) Limited', '4+6'], holders)).toMatchObject({ country: 'JE', authorityId: 'ofcom', carrier: { name: 'JT (Jersey) Limited' } });
    expect(parseS1Row(['113496', 'Not allocated', '', '3+7'], holders)).toMatchObject({ status: 'Not allocated', carrier: null });
    expect(parseS1Row(['16977', 'Allocated', 'BT', '4+5/6'], holders)).toMatchObject({ numberLength: null });
    expect(parseS1Row(['713496', 'Allocated', 'BT', '3+7'], holders)).toBe('number block "713496" is not 01/02 digits');
    expect(parseS1Row(['113496', 'Allocated', '', '3+7'], holders)).toBe('an Allocated block names no holder');
    expect(parseS1Row(['113496', 'Not allocated', 'BT', '3+7'], holders)).toBe('a Not allocated block names a holder');
    expect(parseS1Row(['113496', 'Spare', '', '3+7'], holders)).toBe('status "Spare" is neither Allocated nor Not allocated');
  });

  it('never merges above the area code: 01620 and 01621 stay apart however empty', () => {
    const rows = Array.from({ length: 10 }, (_, area) => Array.from({ length: 10 }, (_, d) => row(`162${area}${d}`, '', '4+6'))).flat();
    const prefixes = mergeUnallocated(rows).map((b) => b.block.prefix);
    expect(prefixes).toEqual(Array.from({ length: 10 }, (_, area) => `44162${area}`));
  });

  it('merges ten Not allocated siblings into their parent, again upwards, and nothing else', () => {
    const rows = [
      // 11349x: all ten Not allocated → 11349; 11348x: nine of them and one allocated → kept
      ...Array.from({ length: 10 }, (_, d) => row(`11349${d}`)),
      ...Array.from({ length: 9 }, (_, d) => row(`11348${d}`)),
      row('113489', 'Gamma Telecom Holdings Ltd'),
      // 1135xx: a hundred Not allocated → 1135
      ...Array.from({ length: 100 }, (_, d) => row(`1135${String(d).padStart(2, '0')}`)),
    ];
    const merged = mergeUnallocated(rows);
    const prefixes = merged.map((b) => b.block.prefix);
    expect(prefixes).toContain('4411349');
    expect(prefixes).toContain('441135');
    expect(prefixes.filter((p) => p.startsWith('4411348'))).toHaveLength(10);
    expect(merged).toHaveLength(1 + 10 + 1);
    // every number of every row is still answered by exactly one block, with the same status
    for (const { block } of rows) {
      const covering = merged.filter((m) => block.prefix.startsWith(m.block.prefix));
      expect(covering, block.prefix).toHaveLength(1);
      expect(covering[0]!.block.status).toBe(block.status);
    }
  });
});
