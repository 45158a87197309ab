/** Writing a source's blocks and their carriers in batches (unnested column arrays), with carrier ids that survive renames. */
import { sql, type Transaction } from 'kysely';
import { carrierId } from '../../../providers/carrier-id.js';
import type { AllocationsTables, NewBlock, NewCarrier } from '../tables.js';
import type { Source, SourceBlock } from './source.js';

/**
 * Carrier ids within one import. A carrier with an operator code (OCN, ARCEP code) keeps the id
 * it was first given when the source renames it; one without is known by its name alone.
 */
export class CarrierIds {
  private readonly byCode = new Map<string, string>();

  /** @param renamed `<country>|<new name>` → the id the holder had under its old name (see renames.ts). */
  constructor(private readonly renamed: ReadonlyMap<string, string> = new Map()) {}

  /** The id a holder without operator code keeps from before its rename, if it was renamed. */
  renamedId(country: string | null, name: string): string | undefined {
    return this.renamed.get(`${country ?? ''}|${name}`);
  }

  async resolve(trx: Transaction<AllocationsTables>, carriers: NewCarrier[]): Promise<void> {
    const key = (c: { country?: string | null; operator_code?: string | null }) => `${c.country ?? ''}|${c.operator_code}`;
    const unknown = [...new Set(carriers.filter((c) => c.operator_code && !this.byCode.has(key(c))).map((c) => c.operator_code!))];
    if (unknown.length > 0) {
      const existing = await trx.selectFrom('carriers').select(['id', 'country', 'operator_code']).where('operator_code', '=', sql<string>`any(${unknown}::text[])`).execute();
      for (const row of existing) this.byCode.set(key(row), row.id);
    }
    for (const carrier of carriers) {
      if (!carrier.operator_code) continue;
      const id = this.byCode.get(key(carrier));
      if (id) carrier.id = id;
      else this.byCode.set(key(carrier), carrier.id);
    }
  }
}

/** Writes one batch of a source's blocks, with the carriers they name (one statement each). */
export async function insertBlocks(trx: Transaction<AllocationsTables>, source: Source, batch: { block: SourceBlock; line: number }[], ids: CarrierIds): Promise<number> {
  if (batch.length === 0) return 0;
  const carriers = new Map<string, NewCarrier>();
  const carrierOf = batch.map(({ block }) => {
    if (!block.carrier) return null;
    // A carrier belongs to the plan of its ranges' real country (Jersey's under JE, Kazakh under KZ).
    const code = block.carrier.operatorCode ?? block.carrier.ocn;
    const id = (code ? undefined : ids.renamedId(block.country, block.carrier.name)) ?? carrierId(block.country, block.carrier.name, code);
    if (!carriers.has(id)) {
      carriers.set(id, { id, name: block.carrier.name, ocn: block.carrier.ocn, operator_code: block.carrier.operatorCode, country: block.country, authority_id: block.authorityId });
    }
    return carriers.get(id)!;
  });
  await ids.resolve(trx, [...carriers.values()]);
  const blocks: NewBlock[] = batch.map(({ block, line }, i) => ({
    id: `${source.id}:${block.prefix}`,
    source_id: source.id,
    prefix: block.prefix,
    precedence: source.precedence,
    country: block.country,
    authority_id: block.authorityId,
    carrier_id: carrierOf[i]?.id ?? null,
    status: block.status,
    allocated_on: block.allocatedOn,
    region: block.region,
    number_length: block.numberLength,
    line,
  }));
  if (carriers.size > 0) {
    const unique = new Map([...carriers.values()].map((c) => [c.id, c]));
    await trx
      .insertInto('carriers')
      .values([...unique.values()])
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          ocn: eb.ref('excluded.ocn'),
          operator_code: eb.ref('excluded.operator_code'),
          authority_id: eb.ref('excluded.authority_id'),
        })),
      )
      .execute();
  }
  await insertBlockRows(trx, blocks);
  return blocks.length;
}

/**
 * The rows as one column array each, unnested into the table: twelve bind parameters however
 * many rows, which Postgres and PGlite parse and bind far faster than a VALUES list of
 * twelve parameters a row (the plan's 500,000 blocks load in a fraction of the time).
 */
async function insertBlockRows(trx: Transaction<AllocationsTables>, blocks: NewBlock[]): Promise<void> {
  const column = <T>(pick: (b: NewBlock) => T) => blocks.map(pick);
  await sql`insert into allocations.blocks (id, source_id, prefix, precedence, country, authority_id, carrier_id, status, allocated_on, region, number_length, line)
    select * from unnest(
      ${column((b) => b.id)}::text[], ${column((b) => b.source_id)}::text[], ${column((b) => b.prefix)}::text[],
      ${column((b) => b.precedence)}::smallint[], ${column((b) => b.country ?? null)}::text[], ${column((b) => b.authority_id)}::text[],
      ${column((b) => b.carrier_id ?? null)}::text[], ${column((b) => b.status ?? null)}::text[], ${column((b) => b.allocated_on ?? null)}::date[],
      ${column((b) => b.region ?? null)}::text[], ${column((b) => b.number_length ?? null)}::smallint[], ${column((b) => b.line)}::int[])`.execute(trx);
}
