import DataLoader from 'dataloader';

/**
 * The most keys one batch sends to the database: a request that asks for more keys (thousands
 * of aliased fields) is answered in several statements, never one unbounded statement.
 */
export const MAX_BATCH_SIZE = 500;

/**
 * A per-request loader of rows by id: one batched statement per tick (per MAX_BATCH_SIZE ids),
 * results in key order, null for ids that have no row.
 */
export function byIdLoader<Row extends { id: string }>(fetch: (ids: readonly string[]) => Promise<Row[]>): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(
    async (ids) => {
      const rows = await fetch(ids);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: MAX_BATCH_SIZE },
  );
}
