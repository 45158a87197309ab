/** Relay cursor pagination: bounded pages, opaque cursors tied to one list, and connections with totalCount counted on demand. */
import { badUserInput, quotedInput } from '../contracts/errors.js';

/** The largest page a client may ask for: lists are always bounded. */
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  /** Which list the page belongs to: its cursors are good for that list only. */
  list: string;
  /** Rows to fetch: one more than the page, to know whether another page follows. */
  limit: number;
  size: number;
  /** The sort key of the last row already seen, or null for the first page. */
  afterKey: string | null;
}

/**
 * Validates `first`/`after` of one list (e.g. "Query.carriers"). Cursors are opaque to clients:
 * base64url of the list's name and the sort key of a row. `maxSize` bounds `first` (a list whose
 * schema documents a larger page passes its own bound).
 */
export function readPage(list: string, args: PageRequest, defaultSize: number, maxSize = MAX_PAGE_SIZE): Page {
  const size = args.first ?? defaultSize;
  if (!Number.isInteger(size) || size < 0 || size > maxSize) {
    throw badUserInput(`first must be between 0 and ${maxSize}, got ${size}`, 'first');
  }
  let afterKey: string | null = null;
  if (args.after != null) {
    const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
    const prefix = `${list}\u0001`;
    const key = decoded.slice(prefix.length);
    // Postgres text cannot hold NUL: such a key was never issued, and is bad input, not a crash.
    if (!decoded.startsWith(prefix) || cursorFor(list, key) !== args.after || key.includes('\u0000')) {
      throw badUserInput(`after is not a cursor of ${list}: "${quotedInput(args.after)}"`, 'after');
    }
    afterKey = key;
  }
  return { list, limit: size + 1, size, afterKey };
}

/** Joins the parts of a compound sort key inside a cursor (a character ids never contain). */
export const KEY_SEPARATOR = '\u0001';

export function cursorFor(list: string, key: string): string {
  return Buffer.from(`${list}\u0001${key}`, 'utf8').toString('base64url');
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when a client asks: graphql-js calls a function-valued property. */
  totalCount: () => Promise<number>;
}

/** Builds a Relay connection from rows fetched with `page.limit`, in sort-key order. */
export function toConnection<T>(rows: T[], page: Page, keyOf: (row: T) => string, totalCount: () => Promise<number>): Connection<T> {
  const nodes = rows.slice(0, page.size);
  const edges = nodes.map((node) => ({ cursor: cursorFor(page.list, keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
