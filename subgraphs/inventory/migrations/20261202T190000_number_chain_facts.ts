/** Migration 20261202T190000: each number's chain facts (tier, chain, carrier) on its row and MarketDepth's counts by market, holder and chain, kept current by triggers. */
import { sql, type Kysely } from 'kysely';

/**
 * MarketDepth walked every number's custody chain over offers at request time: 3 s for one
 * market and over 10 s for every market at scale 100. The walk's result for each number (the
 * tier, providers and carrier of its visible holder's declared chain) is kept on the number's
 * row, and counted by market, holder and chain in market_depth (plus the changes appended since
 * the last fold), so a request reads a market's few hundred counts. The facts change with:
 * - the visible holder, coalesce(assigned_via_provider_id, holder_provider_id): an insert, the
 *   sync, an order, a release, an unclaim. A row trigger recomputes them in the same statement,
 *   so no write path can leave them stale and an order is counted at its new holder at once;
 * - the number's offers: the sync recomputes the numbers it reconciles (repository.ts
 *   refreshChainFacts), in the transaction that brings their holder up to date;
 * - a provider's carrier_id (a carrier selling its own number is tier 0): a trigger recomputes
 *   the numbers it offers or is the declared source of.
 * Every statement that changes numbers appends its net change of the counts (statement triggers),
 * and the sync folds them into market_depth (repository.ts foldMarketDepthChanges).
 * Frozen in time: later changes to the walk are a new migration replacing these functions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema('inventory')
    .alterTable('numbers')
    .addColumn('chain_tier', 'integer')
    .addColumn('chain_providers', 'text')
    .addColumn('chain_carrier_id', 'text')
    .execute();

  // The walk of one number's chain from `holder`: offers of the same number followed through their
  // declared source provider, cycle- and depth-guarded, ending as chain.ts's chainFrom does (at a
  // carrier-only source, or at a purchase from a provider that offers the number no more, the last
  // hop). No end (a broken chain): one row of nulls. Removed offers count: a chain stays a fact.
  await sql`
    create function inventory.number_chain(number_e164 text, holder text, out tier integer, out providers text, out carrier_id text)
    language sql stable as $$
      with recursive chain as (
        select o.provider_id, o.source_carrier_id, o.source_provider_id, 1 as hops, array[o.provider_id] as path
        from inventory.offers o where o.e164 = number_e164 and o.provider_id = holder
        union all
        select o.provider_id, o.source_carrier_id, o.source_provider_id, c.hops + 1, c.path || o.provider_id
        from chain c join inventory.offers o on o.e164 = number_e164 and o.provider_id = c.source_provider_id
        where c.hops < 8 and not (o.provider_id = any(c.path))
      )
      -- the last hop is the source provider of a purchase, else the provider itself; a carrier
      -- selling its own number is no hop of its own
      select c.hops + case when c.source_provider_id is null then 0 else 1 end
          - case when p.carrier_id is not distinct from c.source_carrier_id then 1 else 0 end,
        array_to_string(c.path || case when c.source_provider_id is null then array[]::text[] else array[c.source_provider_id] end, ','),
        c.source_carrier_id
      from chain c left join inventory.providers p on p.id = coalesce(c.source_provider_id, c.provider_id)
      where c.source_carrier_id is not null
        and (c.source_provider_id is null or (c.hops < 8 and not exists (
          select 1 from inventory.offers s where s.e164 = number_e164 and s.provider_id = c.source_provider_id)))
      limit 1
    $$`.execute(db);

  // Every number's facts once, from the offers as they stand.
  await sql`
    update inventory.numbers n set (chain_tier, chain_providers, chain_carrier_id) =
      (select c.tier, c.providers, c.carrier_id from inventory.number_chain(n.e164, coalesce(n.assigned_via_provider_id, n.holder_provider_id)) c)
    where coalesce(n.assigned_via_provider_id, n.holder_provider_id) is not null`.execute(db);

  // A new visible holder: the facts of its chain, in the same statement (the row is locked, the
  // offers read as committed now).
  await sql`
    create function inventory.number_chain_facts() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.holder_provider_id is not distinct from old.holder_provider_id
          and new.assigned_via_provider_id is not distinct from old.assigned_via_provider_id then
        return new;
      end if;
      select c.tier, c.providers, c.carrier_id into new.chain_tier, new.chain_providers, new.chain_carrier_id
        from inventory.number_chain(new.e164, coalesce(new.assigned_via_provider_id, new.holder_provider_id)) c;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger numbers_chain_facts before insert or update of holder_provider_id, assigned_via_provider_id on inventory.numbers
    for each row execute function inventory.number_chain_facts()`.execute(db);

  // A provider becoming (or ceasing to be) the carrier of what it sells changes the tier of the
  // chains ending at it: rare (a profile change), so the numbers it touches are found by a scan.
  await sql`
    create function inventory.provider_carrier_changed() returns trigger language plpgsql as $$
    begin
      if (tg_op = 'UPDATE' and new.carrier_id is not distinct from old.carrier_id) or (tg_op = 'INSERT' and new.carrier_id is null) then
        return null;
      end if;
      update inventory.numbers n set (chain_tier, chain_providers, chain_carrier_id) =
        (select c.tier, c.providers, c.carrier_id from inventory.number_chain(n.e164, coalesce(n.assigned_via_provider_id, n.holder_provider_id)) c)
      where n.e164 in (select o.e164 from inventory.offers o where o.provider_id = new.id or o.source_provider_id = new.id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger providers_carrier_changed after insert or update of carrier_id on inventory.providers
    for each row execute function inventory.provider_carrier_changed()`.execute(db);

  // MarketDepth's counts by market, holder and chain: what is folded in, plus the changes since
  // (written by every statement that changes numbers, in its transaction, so a count is never
  // stale; appended, never updated, so concurrent orders do not wait on each other's counts).
  await sql`
    create table inventory.market_depth (
      country text not null, number_type text not null, holder_id text not null,
      chain_tier integer, chain_providers text, chain_carrier_id text,
      numbers integer not null,
      constraint market_depth_key unique nulls not distinct (country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id)
    )`.execute(db);
  await sql`
    create table inventory.market_depth_changes (
      id bigserial primary key,
      country text not null, number_type text not null, holder_id text not null,
      chain_tier integer, chain_providers text, chain_carrier_id text,
      numbers integer not null
    )`.execute(db);
  await sql`create index market_depth_changes_market on inventory.market_depth_changes (country, number_type)`.execute(db);
  await sql`
    insert into inventory.market_depth (country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers)
    select country, number_type, coalesce(assigned_via_provider_id, holder_provider_id), chain_tier, chain_providers, chain_carrier_id, count(*)
    from inventory.numbers
    where removed_at is null and coalesce(assigned_via_provider_id, holder_provider_id) is not null
    group by 1, 2, 3, 4, 5, 6`.execute(db);

  // Each statement's net change per (market, holder, chain): a number counts where it is listed
  // (not removed) and has a visible holder; rows that moved nowhere cancel out. One function per
  // kind of statement: each sees only its own transition tables.
  const counted = (rows: string, delta: string) => `
    select country, number_type, coalesce(assigned_via_provider_id, holder_provider_id) as holder_id, chain_tier, chain_providers, chain_carrier_id, ${delta} as delta
    from ${rows} where removed_at is null and coalesce(assigned_via_provider_id, holder_provider_id) is not null`;
  const changes = (moved: string) => `
    insert into inventory.market_depth_changes (country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers)
    select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, sum(delta)
    from (${moved}) moved
    group by 1, 2, 3, 4, 5, 6
    having sum(delta) <> 0`;
  for (const [kind, moved, transition] of [
    ['insert', counted('new_rows', '1'), 'new table as new_rows'],
    ['update', `${counted('old_rows', '-1')} union all ${counted('new_rows', '1')}`, 'old table as old_rows new table as new_rows'],
    ['delete', counted('old_rows', '-1'), 'old table as old_rows'],
  ] as const) {
    await sql.raw(`create function inventory.numbers_depth_${kind}() returns trigger language plpgsql as $$ begin ${changes(moved)}; return null; end $$`).execute(db);
    await sql.raw(`create trigger numbers_depth_${kind} after ${kind} on inventory.numbers referencing ${transition} for each statement execute function inventory.numbers_depth_${kind}()`).execute(db);
  }

  // markets lists (country, number_type) by skipping from one to the next in this index
  await sql`create index numbers_listed_market on inventory.numbers (country, number_type) where removed_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index inventory.numbers_listed_market`.execute(db);
  for (const kind of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger numbers_depth_${kind} on inventory.numbers`).execute(db);
    await sql.raw(`drop function inventory.numbers_depth_${kind}()`).execute(db);
  }
  await sql`drop table inventory.market_depth_changes`.execute(db);
  await sql`drop table inventory.market_depth`.execute(db);
  await sql`drop trigger providers_carrier_changed on inventory.providers`.execute(db);
  await sql`drop function inventory.provider_carrier_changed()`.execute(db);
  await sql`drop trigger numbers_chain_facts on inventory.numbers`.execute(db);
  await sql`drop function inventory.number_chain_facts()`.execute(db);
  await sql`drop function inventory.number_chain(text, text)`.execute(db);
  await db.schema.withSchema('inventory').alterTable('numbers').dropColumn('chain_tier').dropColumn('chain_providers').dropColumn('chain_carrier_id').execute();
}
