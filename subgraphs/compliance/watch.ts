import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DomainEvent, EventBus } from '../shared/events.js';
import type { Logger } from '../shared/logger.js';
import type { ComplianceTables } from './tables.js';
import type { ComplianceUpstream } from './upstream.js';

/** How far ahead a document's expiry is announced. */
export const EXPIRY_NOTICE_DAYS = 30;

const event = (fields: Omit<DomainEvent, 'id' | 'source' | 'at'>): DomainEvent => ({ id: randomUUID(), source: 'compliance', at: new Date().toISOString(), ...fields });

/**
 * One look at every submitted registration: a status that changed since the last look to
 * approved, rejected or expired is recorded and published (`registration.approved`,
 * `registration.rejected`, `registration.expired`, for the end user's tenant). Published after
 * the change commits: a crash between the two loses that event (no outbox yet).
 */
export async function watchRegistrations(db: Kysely<ComplianceTables>, upstream: ComplianceUpstream, events: EventBus, logger: Logger): Promise<number> {
  const rows = await db
    .selectFrom('submissions')
    .innerJoin('end_users', 'end_users.id', 'submissions.end_user_id')
    .select(['submissions.end_user_id', 'submissions.provider_id', 'submissions.registration_id', 'submissions.status', 'submissions.version', 'end_users.tenant'])
    .where((eb) => eb.or([eb('submissions.status', 'is', null), eb('submissions.status', 'not in', ['rejected', 'expired'])]))
    .execute();
  const pairs = new Map<string, typeof rows>();
  for (const row of rows) pairs.set(`${row.provider_id}|${row.end_user_id}`, [...(pairs.get(`${row.provider_id}|${row.end_user_id}`) ?? []), row]);
  let published = 0;
  for (const [key, submitted] of pairs) {
    const [providerId = '', endUserId = ''] = key.split('|');
    const client = upstream.provider(providerId);
    if (!client) continue;
    let now;
    try {
      now = new Map((await client.registrations(endUserId)).registrations.map((r) => [r.id, r]));
    } catch (error) {
      logger.warn({ err: error, provider: providerId }, 'compliance: registrations could not be asked; looked at again next time');
      continue;
    }
    for (const row of submitted) {
      const registration = now.get(row.registration_id);
      if (!registration || registration.status === row.status) continue;
      const version = row.version + 1;
      const updated = await db
        .updateTable('submissions')
        .set({ status: registration.status, version })
        .where('provider_id', '=', providerId)
        .where('registration_id', '=', row.registration_id)
        .where('version', '=', row.version)
        .returning('version')
        .executeTakeFirst();
      if (!updated || !['approved', 'rejected', 'expired'].includes(registration.status)) continue;
      await events.publish(
        event({
          aggregate: 'registration',
          aggregateId: registration.id,
          version,
          type: `registration.${registration.status}`,
          tenant: row.tenant,
          providerId,
          payload: { endUserId, country: registration.country, numberType: registration.numberType, reason: registration.reason, expiresAt: registration.expiresAt },
        }),
      );
      published++;
    }
  }
  return published;
}

/** Announces once each provider document expiring within EXPIRY_NOTICE_DAYS (`document.expiring`). */
export async function announceExpiries(db: Kysely<ComplianceTables>, events: EventBus, today = new Date()): Promise<number> {
  const from = today.toISOString().slice(0, 10);
  const until = new Date(today.getTime() + EXPIRY_NOTICE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const due = await db
    .selectFrom('documents')
    .leftJoin('expiry_announcements as a', (join) => join.onRef('a.provider_id', '=', 'documents.provider_id').onRef('a.document_id', '=', 'documents.id').onRef('a.expires_on', '=', 'documents.expires_on'))
    .select(['documents.provider_id', 'documents.id', 'documents.kind', 'documents.counterparty', 'documents.expires_on'])
    .where('documents.expires_on', '>=', from)
    .where('documents.expires_on', '<=', until)
    .where('a.document_id', 'is', null)
    .limit(1000)
    .execute();
  for (const d of due) {
    const inserted = await db.insertInto('expiry_announcements').values({ provider_id: d.provider_id, document_id: d.id, expires_on: d.expires_on! }).onConflict((oc) => oc.doNothing()).returning('document_id').executeTakeFirst();
    if (!inserted) continue;
    await events.publish(event({ aggregate: 'document', aggregateId: `${d.provider_id}:${d.id}`, version: 1, type: 'document.expiring', tenant: null, providerId: d.provider_id, payload: { kind: d.kind, counterparty: d.counterparty, expiresOn: d.expires_on } }));
  }
  return due.length;
}
