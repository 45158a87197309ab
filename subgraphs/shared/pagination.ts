import { badUserInput } from './errors.js';

/** The largest page a client may ask for: lists are always bounded. */
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  /** Rows to fetch: one more than the page, to know whether another page follows. */
  limit: number;
  size: number;
  /** The sort key of the last row already seen, or null for the first page. */
  afterKey: string | null;
}

/** Validates `first`/`after`. Cursors are opaque to clients: base64url of the sort key. */
export function readPage(args: PageRequest, defaultSize: number): Page {
  const size = args.first ?? defaultSize;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${size}`, 'first');
  }
  let afterKey: string | null = null;
  if (args.after != null) {
    const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
    if (!decoded.startsWith('k:') || Buffer.from(decoded, 'utf8').toString('base64url') !== args.after) {
      throw badUserInput(`after is not a cursor returned by this field: "${args.after}"`, 'after');
    }
    afterKey = decoded.slice(2);
  }
  return { limit: size + 1, size, afterKey };
}

export function cursorFor(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
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
  const edges = nodes.map((node) => ({ cursor: cursorFor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
