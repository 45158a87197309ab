import DataLoader from 'dataloader';

/**
 * A per-request loader of rows by id: one batched statement per tick, results in key order,
 * null for ids that have no row.
 */
export function byIdLoader<Row extends { id: string }>(fetch: (ids: readonly string[]) => Promise<Row[]>): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(async (ids) => {
    const rows = await fetch(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
