/** The routing queries for holdings and routes: versioned holder changes, saving and settling routes, stale pushes, events consumed once. */
import { sql, type Kysely } from 'kysely';
import type { HoldingRow, RouteRow, RoutingTables, StoredTrunk } from '../tables.js';

export type Db = Kysely<RoutingTables>;

/** Who holds these numbers, as inventory's events said: one statement. */
export async function holdings(db: Db, e164s: readonly string[]): Promise<HoldingRow[]> {
  return db.selectFrom('holdings').selectAll().where('e164', 'in', e164s).execute();
}

/** Applies a change of holder if it is newer than what is recorded (events may arrive late or twice). */
export async function applyHolding(db: Db, row: { e164: string; tenant: string | null; provider_id: string | null; reference: string | null; capabilities: string | null; version: number }): Promise<boolean> {
  const result = await db
    .insertInto('holdings')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('e164')
        .doUpdateSet({ tenant: row.tenant, provider_id: row.provider_id, reference: row.reference, capabilities: row.capabilities, version: row.version, updated_at: sql`now()` })
        .where('holdings.version', '<', row.version),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

const routeColumns = ['e164', 'tenant', 'provider_id', 'reference', 'trunks', 'messaging_uri', 'state', 'reason', 'version', 'updated_at'] as const;

/** The routes of these numbers, whoever holds them (the caller filters by tenant): one statement. */
export async function routes(db: Db, e164s: readonly string[]): Promise<RouteRow[]> {
  return (await db.selectFrom('routes').select(routeColumns).where('e164', 'in', e164s).execute()) as RouteRow[];
}

export async function saveRoute(db: Db, route: { e164: string; tenant: string; provider_id: string; reference: string; trunks: StoredTrunk[] | null; messaging_uri: string | null }): Promise<RouteRow> {
  const values = { ...route, trunks: route.trunks ? JSON.stringify(route.trunks) : null, state: 'PENDING' as const, reason: null };
  return (await db
    .insertInto('routes')
    .values(values)
    .onConflict((oc) => oc.column('e164').doUpdateSet({ ...values, version: sql`routes.version + 1`, updated_at: sql`now()` }))
    .returning(routeColumns)
    .executeTakeFirstOrThrow()) as RouteRow;
}

/** Records the provider's answer to one version of a route (a newer configuration since wins). */
export async function settleRoute(db: Db, e164: string, version: number, state: 'ACTIVE' | 'FAILED', reason: string | null): Promise<RouteRow | null> {
  return ((await db.updateTable('routes').set({ state, reason }).where('e164', '=', e164).where('version', '=', version).returning(routeColumns).executeTakeFirst()) ?? null) as RouteRow | null;
}

export async function deleteRoute(db: Db, e164: string): Promise<RouteRow | null> {
  return ((await db.deleteFrom('routes').where('e164', '=', e164).returning(routeColumns).executeTakeFirst()) ?? null) as RouteRow | null;
}

/** Routes saved but not confirmed for a while (the push was cut short): pushed again by the worker. */
export async function staleRoutes(db: Db, olderThanMs: number, limit: number): Promise<RouteRow[]> {
  return (await db
    .selectFrom('routes')
    .select(routeColumns)
    .where('state', '=', 'PENDING')
    .where('updated_at', '<', sql<Date>`now() - ${olderThanMs} * interval '1 millisecond'`)
    .orderBy('updated_at')
    .limit(limit)
    .execute()) as RouteRow[];
}

/** Marks an event applied; false when it was already (the caller then does nothing). */
export async function consumeOnce(db: Db, eventId: string): Promise<boolean> {
  const result = await db.insertInto('consumed_events').values({ event_id: eventId }).onConflict((oc) => oc.column('event_id').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
