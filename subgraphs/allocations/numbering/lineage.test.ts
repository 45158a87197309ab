/** chooseBlock (authority before longer libphonenumber ranges, then longest prefix), describeNumber and regionCovering. */
import { describe, expect, it } from 'vitest';
import { chooseBlock, describeNumber, regionCovering } from './lineage.js';
import { parseE164 } from './e164.js';

const block = (prefix: string, precedence: number, authority_id = 'ofcom', country: string | null = 'GB') => ({
  id: `${precedence}:${prefix}`,
  prefix,
  precedence,
  country,
  authority_id,
});

describe('chooseBlock: longest prefix, the authority first', () => {
  const digits = '447400123456';

  it('picks the longest of nested prefixes from one source', () => {
    const candidates = [block('44', 0), block('4474', 0), block('447400', 0), block('4474001', 0), block('44740', 0)];
    expect(chooseBlock(digits, candidates)?.prefix).toBe('4474001');
  });

  it('ignores blocks the number does not start with', () => {
    expect(chooseBlock(digits, [block('4474002', 0), block('447', 0)])?.prefix).toBe('447');
    expect(chooseBlock(digits, [block('4475', 0)])).toBeNull();
  });

  it("prefers the national authority's block over a longer libphonenumber range", () => {
    const candidates = [block('44740012', 1), block('4474001', 0), block('447400123', 2)];
    expect(chooseBlock(digits, candidates)?.id).toBe('0:4474001');
  });

  it('falls back to libphonenumber carrier ranges, then geocoding', () => {
    expect(chooseBlock(digits, [block('447400', 2), block('4474', 1)])?.id).toBe('1:4474');
    expect(chooseBlock(digits, [block('447400', 2), block('4474', 2)])?.id).toBe('2:447400');
  });
});

describe('describeNumber', () => {
  it("takes the block's country and authority where libphonenumber does not know the range", () => {
    const entry = describeNumber(parseE164('+447700900123'), [block('4477009', 0)]);
    expect(entry).toMatchObject({ country: 'GB', authorityId: 'ofcom', block: { prefix: '4477009' } });
  });

  it("names the country's authority when no block covers the number", () => {
    expect(describeNumber(parseE164('+4930123456'), [])).toMatchObject({ country: 'DE', authorityId: 'bnetza', block: null });
    expect(describeNumber(parseE164('+2348031234567'), [])).toMatchObject({ country: 'NG', authorityId: 'ncc' });
    expect(describeNumber(parseE164('+99312345678'), [])).toMatchObject({ country: 'TM', authorityId: 'unknown-tm' });
    // numbered in another country's plan
    expect(describeNumber(parseE164('+441534123456'), [])).toMatchObject({ country: 'JE', authorityId: 'ofcom' });
    expect(describeNumber(parseE164('+17872345678'), [])).toMatchObject({ country: 'PR', authorityId: 'nanpa' });
  });
});

describe('regionCovering', () => {
  it('takes the longest covering range that names a place', () => {
    const ranges = [
      { prefix: '1236', region: 'British Columbia' },
      { prefix: '12362', region: null },
      { prefix: '1236205', region: null },
      { prefix: '1237', region: 'Elsewhere' },
    ];
    expect(regionCovering('1236205', ranges)).toBe('British Columbia');
    expect(regionCovering('1236205', [...ranges, { prefix: '123620', region: 'Vancouver, BC' }])).toBe('Vancouver, BC');
    expect(regionCovering('4474001', ranges)).toBeNull();
  });
});
