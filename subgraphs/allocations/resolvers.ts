/** The allocations subgraph's resolvers: numbers, blocks, carriers, authorities, block history and country plans, through per-request loaders. */
import { GraphQLError } from 'graphql';
import { readPage, toConnection, type PageRequest } from '../../platform/pagination.js';
import { badUserInput } from '../../contracts/errors.js';
import { NUMBERS_PER_LOOKUP, parseNumberInput, precisionOfSources, type Context } from './context.js';
import type { BlockChangeKind, Resolvers } from './generated/resolvers.js';
import { readCountry, readText } from '../../platform/input.js';
import { authorityIdForCountry } from './numbering/authorities.js';
import { PLAN_COUNTRIES } from './numbering/coverage.js';
import type { NumberModel } from './models.js';
import { territoriesOfPrefix } from './numbering/e164.js';
import { blockStatusOf } from './numbering/status.js';
import * as repo from './repository.js';

const entry = (ctx: Context, e164: string) => ctx.loaders.numberPlan.load(e164);

/**
 * A key that must name a row: a dangling reference is a data error (masked, logged), not a
 * silent null. Every authority reference (of a number, a block, a carrier) goes through here.
 */
async function required<T>(load: Promise<T | null>, what: string): Promise<T> {
  const row = await load;
  if (!row) throw new Error(`${what} is missing from the numbering plan`);
  return row;
}

const authorityOf = (ctx: Context, id: string) => required(ctx.loaders.authorities.load(id), `authority ${id}`);

/** A block's changes, oldest first; the same list (and cursors) from Block.history and Query.blockHistory. */
async function historyConnection(ctx: Context, blockId: string, args: PageRequest) {
  const page = readPage(`Block.history:${blockId}`, args, 20);
  const rows = await ctx.loaders.blockHistory.load({ key: blockId, page });
  return toConnection(rows, page, (row) => String(row.id), () => ctx.loaders.blockHistoryCounts.load(blockId));
}

export const resolvers: Resolvers = {
  Query: {
    number: (_parent, { e164 }) => ({ e164: parseNumberInput(e164).e164 }),
    lookupNumbers: (_parent, { e164s }) => {
      if (e164s.length > NUMBERS_PER_LOOKUP) throw badUserInput(`e164s holds ${e164s.length} numbers; at most ${NUMBERS_PER_LOOKUP} in one lookup`, 'e164s');
      // A rejected item is that item's error: graphql-js makes it null, the error's path ending
      // in its index, and answers the others (every field through the same loaders as number()).
      return e164s.map((e164, index) => {
        try {
          return { e164: parseNumberInput(e164).e164 };
        } catch (error) {
          return Promise.reject<NumberModel>(error instanceof GraphQLError ? badUserInput(`e164s[${index}]: ${error.message}`, 'e164s') : error);
        }
      });
    },
    authorities: (_parent, args, { db }) => {
      const page = readPage('Query.authorities', args, 50);
      const known = args.known ?? null;
      return repo.listAuthorities(db, page, known).then((rows) => toConnection(rows, page, (a) => a.id, () => repo.countAuthorities(db, known)));
    },
    authority: (_parent, { id }, ctx) => ctx.loaders.authorities.load(readText(id, 'id')),
    carriers: async (_parent, args, { db }) => {
      const page = readPage('Query.carriers', args, 20);
      const filter = {
        country: args.filter?.country != null ? readCountry(args.filter.country, 'filter.country') : null,
        nameContains: args.filter?.nameContains != null ? readText(args.filter.nameContains, 'filter.nameContains') : null,
      };
      const rows = await repo.listCarriers(db, page, filter);
      return toConnection(rows, page, (c) => c.id, () => repo.countCarriers(db, filter));
    },
    carrier: (_parent, { id }, ctx) => ctx.loaders.carriers.load(readText(id, 'id')),
    block: (_parent, { id }, ctx) => ctx.loaders.blocks.load(readText(id, 'id')),
    blockHistory: (_parent, args, ctx) => historyConnection(ctx, readText(args.id, 'id'), args),
    numberingPlan: (_parent, args) => {
      const country = readCountry(args.country, 'country');
      return PLAN_COUNTRIES.find((c) => c.country === country) ?? null;
    },
    numberingPlans: (_parent, args) => {
      const page = readPage('Query.numberingPlans', args, 50);
      const rows = PLAN_COUNTRIES.filter((c) => page.afterKey === null || c.country > page.afterKey).slice(0, page.limit);
      return toConnection(rows, page, (c) => c.country, async () => PLAN_COUNTRIES.length);
    },
  },
  Number: {
    __resolveReference: (ref) => ({ e164: ref.e164 }),
    country: async (number, _args, ctx) => (await entry(ctx, number.e164)).country,
    numberType: async (number, _args, ctx) => (await entry(ctx, number.e164)).number.numberType,
    block: async (number, _args, ctx) => (await entry(ctx, number.e164)).block,
    originatingCarrier: async (number, _args, ctx) => {
      const carrierId = (await entry(ctx, number.e164)).block?.carrier_id;
      return carrierId ? ctx.loaders.carriers.load(carrierId) : null;
    },
    authority: async (number, _args, ctx) => authorityOf(ctx, (await entry(ctx, number.e164)).authorityId),
  },
  Authority: {
    __resolveReference: (ref, ctx) => ctx.loaders.authorities.load(readText(ref.id, 'id')),
    fullName: (authority) => authority.full_name,
  },
  Carrier: {
    __resolveReference: (ref, ctx) => ctx.loaders.carriers.load(readText(ref.id, 'id')),
    operatorCode: (carrier) => carrier.operator_code,
    authority: (carrier, _args, ctx) => authorityOf(ctx, carrier.authority_id),
    blocks: async (carrier, args, ctx) => {
      const page = readPage(`Carrier.blocks:${carrier.id}`, args, 20);
      const rows = await ctx.loaders.carrierBlocks.load({ key: carrier.id, page });
      return toConnection(rows, page, repo.carrierBlockKey, () => ctx.loaders.carrierBlockCounts.load(carrier.id));
    },
  },
  Block: {
    __resolveReference: (ref, ctx) => ctx.loaders.blocks.load(readText(ref.id, 'id')),
    region: (block, _args, ctx) => block.region ?? ctx.loaders.regionOf.load(block.prefix),
    status: (block) => blockStatusOf(block.source_id, block.status),
    sourceStatus: (block) => block.status,
    territories: (block) => territoriesOfPrefix(block.prefix, block.country),
    allocatedOn: (block) => block.allocated_on,
    numberLength: (block) => block.number_length,
    carrier: (block, _args, ctx) => (block.carrier_id ? ctx.loaders.carriers.load(block.carrier_id) : null),
    authority: (block, _args, ctx) => authorityOf(ctx, block.authority_id),
    source: (block) => ({ id: block.source_id, line: block.line }),
    history: (block, args, ctx) => historyConnection(ctx, block.id, args),
  },
  BlockSource: {
    title: async (source, _args, ctx) => (await required(ctx.loaders.sources.load(source.id), `source ${source.id}`)).title,
    snapshotDate: async (source, _args, ctx) => (await required(ctx.loaders.sources.load(source.id), `source ${source.id}`)).snapshot_date,
  },
  BlockChange: {
    change: (row) => row.change as BlockChangeKind,
    holderBefore: (row) => row.holder_before,
    holderAfter: (row) => row.holder_after,
    statusBefore: (row) => row.status_before,
    statusAfter: (row) => row.status_after,
    snapshotBefore: (row) => row.snapshot_before,
    snapshotAfter: (row) => row.snapshot_after,
    recordedAt: (row) => new Date(row.recorded_at).toISOString(),
  },
  CountryPlan: {
    authority: (plan, _args, ctx) => authorityOf(ctx, authorityIdForCountry(plan.country)),
    precision: async (plan, _args, ctx) => precisionOfSources(await ctx.loaders.countrySources.load(plan.country)),
    sources: async (plan, args, ctx) => {
      const page = readPage(`CountryPlan.sources:${plan.country}`, args, 20);
      // a handful of sources, in precision order: paged in memory
      const all = await ctx.loaders.countrySources.load(plan.country);
      const start = page.afterKey === null ? 0 : all.findIndex((s) => s.id === page.afterKey) + 1;
      return toConnection(all.slice(start, start + page.limit), page, (s) => s.id, async () => all.length);
    },
  },
};
