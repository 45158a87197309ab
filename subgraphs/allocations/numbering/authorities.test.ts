/** The authorities table: a distinct id for every authority, large markets' regulators named, unconfirmed ones left unknown. */
import { describe, expect, it } from 'vitest';
import { allAuthorities, authorityIdForCountry } from './authorities.js';

describe('the authorities table', () => {
  it('gives every authority its own id (two regulators with one acronym stay apart)', () => {
    const ids = allAuthorities().map((a) => a.id);
    expect(ids.length).toBeGreaterThan(200);
    expect(new Set(ids).size).toBe(ids.length);
    expect(authorityIdForCountry('TW')).toBe('ncc-tw');
    expect(authorityIdForCountry('NG')).toBe('ncc');
  });

  it('names the regulators of large markets, and leaves unrecorded ones unknown', () => {
    expect(['CN', 'KR', 'IL', 'EG', 'SA', 'PK', 'UA'].map(authorityIdForCountry)).toEqual(['miit', 'msit', 'moc-il', 'ntra', 'cst', 'pta', 'ncec']);
    expect(authorityIdForCountry('TM')).toBe('unknown-tm');
  });

  it('names the bodies found for Vietnam, Indonesia, New Zealand and the ECTEL states, and keeps the unconfirmed ones unknown', () => {
    expect(['VN', 'ID', 'NZ', 'DM', 'GD', 'KN', 'LC', 'VC'].map(authorityIdForCountry)).toEqual(['vnta', 'komdigi', 'nad-nz', 'ntrc-dm', 'ntrc-gd', 'ntrc-kn', 'ntrc-lc', 'ntrc-vc']);
    expect(allAuthorities().find((a) => a.id === 'ntrc-lc')).toMatchObject({ country: 'LC', oversight: 'ECTEL (Eastern Caribbean Telecommunications Authority)', known: true });
    expect(['BQ', 'SH', 'TA', 'AG'].map(authorityIdForCountry)).toEqual(['unknown-bq', 'unknown-sh', 'unknown-ta', 'unknown-ag']);
  });
});
