import { readPage, toConnection } from '../shared/pagination.js';
import { parseNumberInput, type Context } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import * as repo from './repository.js';

const entry = (ctx: Context, e164: string) => ctx.loaders.numberPlan.load(e164);

/** A key that must name a row: a dangling reference is a data error, not a null. */
async function required<T>(load: Promise<T | null>, what: string): Promise<T> {
  const row = await load;
  if (!row) throw new Error(`${what} is missing from the numbering plan`);
  return row;
}

export const resolvers: Resolvers = {
  Query: {
    number: (_parent, { e164 }) => ({ e164: parseNumberInput(e164).e164 }),
    authorities: (_parent, args, { db }) => {
      const page = readPage('Query.authorities', args, 50);
      const known = args.known ?? null;
      return repo.listAuthorities(db, page, known).then((rows) => toConnection(rows, page, (a) => a.id, () => repo.countAuthorities(db, known)));
    },
    authority: (_parent, { id }, ctx) => ctx.loaders.authorities.load(id),
    carriers: async (_parent, args, { db }) => {
      const page = readPage('Query.carriers', args, 20);
      const filter = args.filter ?? {};
      const rows = await repo.listCarriers(db, page, filter);
      return toConnection(rows, page, (c) => c.id, () => repo.countCarriers(db, filter));
    },
    carrier: (_parent, { id }, ctx) => ctx.loaders.carriers.load(id),
    block: (_parent, { id }, ctx) => ctx.loaders.blocks.load(id),
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
    authority: async (number, _args, ctx) => ctx.loaders.authorities.load((await entry(ctx, number.e164)).authorityId),
  },
  Authority: {
    __resolveReference: (ref, ctx) => ctx.loaders.authorities.load(ref.id),
    fullName: (authority) => authority.full_name,
  },
  Carrier: {
    __resolveReference: (ref, ctx) => ctx.loaders.carriers.load(ref.id),
    authority: (carrier, _args, ctx) => required(ctx.loaders.authorities.load(carrier.authority_id), `authority ${carrier.authority_id}`),
    blocks: async (carrier, args, { db }) => {
      const page = readPage(`Carrier.blocks:${carrier.id}`, args, 20);
      const rows = await repo.listCarrierBlocks(db, carrier.id, page);
      return toConnection(rows, page, repo.carrierBlockKey, () => repo.countCarrierBlocks(db, carrier.id));
    },
  },
  Block: {
    __resolveReference: (ref, ctx) => ctx.loaders.blocks.load(ref.id),
    region: (block, _args, ctx) => block.region ?? ctx.loaders.regionOf.load(block.prefix),
    allocatedOn: (block) => block.allocated_on,
    numberLength: (block) => block.number_length,
    carrier: (block, _args, ctx) => (block.carrier_id ? ctx.loaders.carriers.load(block.carrier_id) : null),
    authority: (block, _args, ctx) => required(ctx.loaders.authorities.load(block.authority_id), `authority ${block.authority_id}`),
    source: (block) => ({ id: block.source_id, line: block.line }),
  },
  BlockSource: {
    title: async (source, _args, ctx) => (await required(ctx.loaders.sources.load(source.id), `source ${source.id}`)).title,
  },
};
