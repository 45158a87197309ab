/** Cursor pagination: one extra row tells whether more follow; oversized or negative pages, other lists' cursors and garbage refused. */
import { describe, expect, it } from 'vitest';
import { cursorFor, readPage, toConnection } from './pagination.js';

describe('cursor pagination', () => {
  it('pages with one extra row to tell whether more follow', () => {
    const page = readPage('Query.carriers', { first: 2 }, 20);
    const connection = toConnection(['a', 'b', 'c'], page, (row) => row, async () => 3);
    expect(connection.edges.map((e) => e.node)).toEqual(['a', 'b']);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: cursorFor('Query.carriers', 'b') });
    expect(readPage('Query.carriers', { after: connection.pageInfo.endCursor }, 20).afterKey).toBe('b');
  });

  it('rejects a page larger than 100, or negative', () => {
    expect(() => readPage('Query.carriers', { first: 101 }, 20)).toThrow('first must be between 0 and 100, got 101');
    expect(() => readPage('Query.carriers', { first: -1 }, 20)).toThrow('first must be between 0 and 100, got -1');
  });

  it("rejects another list's cursor, garbage, and keys Postgres could not hold", () => {
    const other = cursorFor('Query.authorities', 'ofcom');
    expect(() => readPage('Query.carriers', { after: other }, 20)).toThrow('after is not a cursor of Query.carriers');
    expect(() => readPage('Query.carriers', { after: 'bogus!' }, 20)).toThrow('after is not a cursor');
    expect(() => readPage('Query.carriers', { after: cursorFor('Query.carriers', 'a\u0000b') }, 20)).toThrow('after is not a cursor');
    // a huge string is quoted cut short, not echoed whole
    expect(() => readPage('Query.carriers', { after: 'x'.repeat(1_000_000) }, 20)).toThrow(/^after is not a cursor of Query.carriers: "x{40}… \(1000000 characters\)"$/);
  });
});
