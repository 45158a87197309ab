/** What a block's status means, whichever source it comes from (the SDL's BlockStatus). */
export type BlockStatus =
  | 'ALLOCATED'
  | 'DESIGNATED'
  | 'PROTECTED'
  | 'RESERVED'
  | 'FREE'
  | 'QUARANTINED'
  | 'UNAVAILABLE'
  | 'WITHDRAWN'
  | 'UNALLOCATED'
  | 'UNKNOWN';

/**
 * Each source's own words, lower-cased, and what they mean. Ofcom: its tables' Block Status
 * (S1 as Number::Phone compiled it says only Allocated or Not allocated). CNA: the CO code
 * status report's Status. Words not listed here answer UNKNOWN (with the words in sourceStatus),
 * never a guess.
 */
const WORDS: Record<string, BlockStatus> = {
  // Ofcom
  allocated: 'ALLOCATED',
  'allocated(closed range)': 'ALLOCATED',
  designated: 'DESIGNATED',
  protected: 'PROTECTED',
  reserved: 'RESERVED',
  free: 'FREE',
  quarantined: 'QUARANTINED',
  withdrawn: 'WITHDRAWN',
  'not allocated': 'UNALLOCATED',
  // CNA: a code assigned to a carrier, in service or about to be
  'in service': 'ALLOCATED',
  assigned: 'ALLOCATED',
  available: 'FREE',
  // set aside: special uses, testing, the codes of an NPA not yet open
  'for special use': 'RESERVED',
  'plant test': 'RESERVED',
  'new npa': 'RESERVED',
  'new npa testing': 'RESERVED',
  // never to be assigned (N11 and the like)
  'not available': 'PROTECTED',
  // returned by a carrier and resting before reuse
  'recovered/aging': 'QUARANTINED',
  'being recovered': 'QUARANTINED',
  // withheld for now
  'moratorium on assignment': 'UNAVAILABLE',
  'temporarily unavailable': 'UNAVAILABLE',
  'stranded code': 'UNAVAILABLE',
};

/**
 * Sources that state no status but list allocated ranges only: ARCEP's MAJNUM (the ranges
 * "attribuées"). libphonenumber's prefixes state none and are compiled, not allocations: UNKNOWN.
 */
const ALLOCATED_WITHOUT_WORDS = new Set(['arcep-majnum']);

/** A block's status from its source and the source's own words (null where it has none). */
export function blockStatusOf(sourceId: string, words: string | null): BlockStatus {
  if (words === null || words.trim() === '') return ALLOCATED_WITHOUT_WORDS.has(sourceId) ? 'ALLOCATED' : 'UNKNOWN';
  return WORDS[words.trim().toLowerCase()] ?? 'UNKNOWN';
}
