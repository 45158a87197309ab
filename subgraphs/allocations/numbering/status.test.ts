/** Each source's status words (Ofcom, CNA, MAJNUM, libphonenumber) mapped to the block status a client can switch on. */
import { describe, expect, it } from 'vitest';
import { blockStatusOf } from './status.js';

describe('a block status a client can switch on', () => {
  it.each([
    ['ofcom-s7', 'Allocated', 'ALLOCATED'],
    ['ofcom-s8', 'Allocated(Closed Range)', 'ALLOCATED'],
    ['ofcom-s7', 'Designated', 'DESIGNATED'],
    ['ofcom-s3', 'Protected', 'PROTECTED'],
    ['ofcom-s5', 'Reserved', 'RESERVED'],
    ['ofcom-s3', 'Free', 'FREE'],
    ['ofcom-s9', 'Quarantined', 'QUARANTINED'],
    ['ofcom-s1', 'Not allocated', 'UNALLOCATED'],
    ['cna-co-codes', 'In Service', 'ALLOCATED'],
    ['cna-co-codes', 'Assigned', 'ALLOCATED'],
    ['cna-co-codes', 'Available', 'FREE'],
    ['cna-co-codes', 'For Special Use', 'RESERVED'],
    ['cna-co-codes', 'Not Available', 'PROTECTED'],
    ['cna-co-codes', 'Recovered/Aging', 'QUARANTINED'],
    ['cna-co-codes', 'Moratorium on Assignment', 'UNAVAILABLE'],
    ['arcep-majnum', null, 'ALLOCATED'],
    ['libphonenumber-carrier', null, 'UNKNOWN'],
    ['ofcom-s7', 'Something New', 'UNKNOWN'],
  ])('%s "%s" is %s', (source, words, status) => {
    expect(blockStatusOf(source, words)).toBe(status);
  });
});
