/** Publishes registration review outcomes (approved, rejected, expired) and documents expiring within 30 days, each once by a derived id. */
import type { Kysely } from 'kysely';
import type { DomainEvent, EventBus } from '../../../platform/events.js';
import { groupBy } from '../../../platform/group.js';
import type { Logger } from '../../../platform/logger.js';
import type { ComplianceTables } from '../tables.js';
import type { ComplianceUpstream } from '../upstream/upstream.js';

/** How far ahead a document's expiry is announced. */
export const EXPIRY_NOTICE_DAYS = 30;

/**
 * An event whose id follows from what it announces (the registration and its version, the
 * document and its expiry): published before the change is recorded, so a crash in between
 * publishes it again at the next look with the same id, which JetStream and consumers drop as
 * a repeat. Nothing announced is lost, nothing is announced twice under two ids.
 */
const event = (id: string, fields: Omit<DomainEvent, 'id' | 'source' | 'at'>): DomainEvent => ({ id, source: 'compliance', at: new Date().toISOString(), ...fields });

/**
 * One look at every submitted registration: a status that changed since the last look to
 * approved, rejected or expired is published (`registration.approved`, `registration.rejected`,
 * `registration.expired`, for the end user's tenant), then recorded.
 */
export async function watchRegistrations(db: Kysely<ComplianceTables>, upstream: ComplianceUpstream, events: EventBus, logger: Logger): Promise<number> {
  const rows = await db
    .selectFrom('submissions')
    .innerJoin('end_users', 'end_users.id', 'submissions.end_user_id')
    .select(['submissions.end_user_id', 'submissions.provider_id', 'submissions.registration_id', 'submissions.status', 'submissions.version', 'end_users.tenant'])
    .where((eb) => eb.or([eb('submissions.status', 'is', null), eb('submissions.status', 'not in', ['rejected', 'expired'])]))
    .execute();
  const pairs = groupBy(rows, (row) => `${row.provider_id}|${row.end_user_id}`);
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
      const announced = ['approved', 'rejected', 'expired'].includes(registration.status);
      if (announced) {
        await events.publish(
          event(`compliance:registration:${providerId}:${registration.id}:${version}`, {
            aggregate: 'registration',
            aggregateId: registration.id,
            version,
            type: `registration.${registration.status}`,
            tenant: row.tenant,
            providerId,
            payload: { endUserId, country: registration.country, numberType: registration.numberType, reason: registration.reason, expiresAt: registration.expiresAt },
          }),
        );
      }
      const updated = await db
        .updateTable('submissions')
        .set({ status: registration.status, version })
        .where('provider_id', '=', providerId)
        .where('registration_id', '=', row.registration_id)
        .where('version', '=', row.version)
        .returning('version')
        .executeTakeFirst();
      if (updated && announced) published++;
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
    await events.publish(event(`compliance:document.expiring:${d.provider_id}:${d.id}:${d.expires_on}`, { aggregate: 'document', aggregateId: `${d.provider_id}:${d.id}`, version: 1, type: 'document.expiring', tenant: null, providerId: d.provider_id, payload: { kind: d.kind, counterparty: d.counterparty, expiresOn: d.expires_on } }));
    await db.insertInto('expiry_announcements').values({ provider_id: d.provider_id, document_id: d.id, expires_on: d.expires_on! }).onConflict((oc) => oc.doNothing()).execute();
  }
  return due.length;
}
