/** The compliance request context: the caller's tenant, per-request loaders of agreements, allocation records, end users, registrations. */
import type DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import type { Registration } from '../../providers/api.js';
import { visibleTenant, type RequestScope } from '../../contracts/identity.js';
import { keyedLoader, perKeyLoader } from '../../platform/loaders.js';
import { ProviderError } from '../../providers/client/index.js';
import type { AssignmentRow, ComplianceTables, DocumentRow, EndUserRow } from './tables.js';
import type { ComplianceUpstream } from './upstream/upstream.js';

export interface Context {
  db: Kysely<ComplianceTables>;
  scope: RequestScope;
  /** The tenant whose end users this caller sees (null: an analyst, or no tenant: none). */
  tenant: string | null;
  upstream: ComplianceUpstream;
  loaders: Loaders;
}

export interface Loaders {
  /** A provider's wholesale agreement with a counterparty (`provider:<id>` or `carrier:<id>`), by `<provider>|<counterparty>`; the best on file. */
  agreements: DataLoader<string, DocumentRow | null>;
  /** The allocation record of a carrier covering a number, by `<carrier>|<E.164 digits>`. */
  records: DataLoader<string, DocumentRow | null>;
  /** Which of the caller's tenant's end users holds a number, by e164 (another tenant's assignment is not found). */
  assignments: DataLoader<string, AssignmentRow | null>;
  /** The caller's tenant's end users by id: another tenant's are not found. */
  endUsers: DataLoader<string, EndUserRow | null>;
  /** A provider's registrations of an end user, asked now, by `<provider>|<end user>`: one call per pair per request. */
  registrations: DataLoader<string, Registration[]>;
  /** A provider's published requirements for a market, by `<provider>|<country>|<type>` (null: no stock there). */
  providerRequirements: DataLoader<string, unknown>;
}

export const agreementKey = (providerId: string, counterparty: string) => `${providerId}|${counterparty}`;
export const recordKey = (carrierId: string, e164: string) => `${carrierId}|${e164.replace(/^\+/, '')}`;

/** In force before expired before rejected; then the one that runs longest. */
function better(a: DocumentRow, b: DocumentRow): DocumentRow {
  const rank = (d: DocumentRow) => (d.status === 'valid' ? 0 : d.status === 'expired' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a : b;
  return (a.expires_on ?? '9999') >= (b.expires_on ?? '9999') ? a : b;
}

export function createContext(db: Kysely<ComplianceTables>, scope: RequestScope, upstream: ComplianceUpstream): Context {
  const tenant = visibleTenant(scope.identity);
  return {
    db,
    scope,
    tenant,
    upstream,
    loaders: {
      assignments: keyedLoader(
        (e164s) => (tenant === null ? Promise.resolve([]) : db.selectFrom('assignments').selectAll().where('tenant', '=', tenant).where('e164', 'in', [...e164s]).execute()),
        (row) => row.e164,
      ),
      endUsers: keyedLoader(
        (ids) => (tenant === null ? Promise.resolve([]) : db.selectFrom('end_users').selectAll().where('tenant', '=', tenant).where('id', 'in', [...ids]).execute()),
        (row) => row.id,
      ),
      registrations: perKeyLoader(async (key) => {
        const [providerId = '', endUser = ''] = key.split('|');
        const client = upstream.provider(providerId);
        if (!client) return [];
        return (await client.registrations(endUser)).registrations;
      }),
      providerRequirements: perKeyLoader(async (key): Promise<unknown> => {
        const [providerId = '', country = '', numberType = ''] = key.split('|');
        const client = upstream.provider(providerId);
        if (!client) return null;
        try {
          return await client.requirements(country, numberType);
        } catch (error) {
          if (error instanceof ProviderError && error.httpStatus === 404) return null;
          throw error;
        }
      }),
      // the best agreement on file per pair: the fetch keeps one row per key
      agreements: keyedLoader(async (keys) => {
        const pairs = keys.map((key) => {
          const at = key.indexOf('|');
          return [key.slice(0, at), key.slice(at + 1)] as const;
        });
        const rows = await db
          .selectFrom('documents')
          .selectAll()
          .where('kind', '=', 'wholesale_agreement')
          .where((eb) => eb(eb.refTuple('provider_id', 'counterparty'), 'in', pairs.map(([p, c]) => eb.tuple(p, c))))
          .execute();
        const best = new Map<string, DocumentRow>();
        for (const row of rows) {
          const key = agreementKey(row.provider_id, row.counterparty!);
          const seen = best.get(key);
          best.set(key, seen ? better(seen, row) : row);
        }
        return [...best.values()];
      }, (row) => agreementKey(row.provider_id, row.counterparty!)),
      records: keyedLoader(async (keys) => {
        const wanted = keys.map((key) => {
          const at = key.indexOf('|');
          return sql`(${key.slice(0, at)}, ${key.slice(at + 1)}, ${key})`;
        });
        // the longest covering range of that carrier, per key, in one statement
        const result = await sql<DocumentRow & { key: string }>`
          select distinct on (v.key) v.key, d.*
          from compliance.documents d
          join (values ${sql.join(wanted)}) as v(carrier_id, digits, key)
            on d.carrier_id = v.carrier_id and starts_with(v.digits, d.range_prefix)
          where d.kind = 'allocation_record'
          order by v.key, length(d.range_prefix) desc, d.status`.execute(db);
        return result.rows;
      }, (row) => row.key),
    },
  };
}
