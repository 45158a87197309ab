/** Follows inventory's events to record which tenant's end user holds each number, through which provider, until released. */
import type { Kysely } from 'kysely';
import { dedupe, type DomainEvent, type EventBus } from '../../../platform/events.js';
import type { Logger } from '../../../platform/logger.js';
import type { ComplianceTables } from '../tables.js';

/**
 * Follows inventory's outbox events to keep the end-user hop right: an assignment records the
 * tenant and end user a number went to (and through which provider); a release, a return or a
 * withdrawal ends it. Older versions than the one recorded are ignored (redelivery, reordering).
 */
export async function followAssignments(db: Kysely<ComplianceTables>, events: EventBus, logger: Logger): Promise<() => Promise<void>> {
  const handle = async (event: DomainEvent) => {
    if (event.aggregate !== 'number') return;
    if (event.type === 'number.assigned' && event.tenant) {
      const endUser = typeof event.payload.endUserRef === 'string' ? event.payload.endUserRef : null;
      await db
        .insertInto('assignments')
        .values({ e164: event.aggregateId, tenant: event.tenant, end_user_id: endUser, provider_id: event.providerId, version: event.version })
        .onConflict((oc) =>
          oc
            .column('e164')
            .doUpdateSet({ tenant: event.tenant!, end_user_id: endUser, provider_id: event.providerId, version: event.version })
            .where('assignments.version', '<', event.version),
        )
        .execute();
    } else if (['number.released', 'number.returned', 'number.withdrawn'].includes(event.type)) {
      await db.deleteFrom('assignments').where('e164', '=', event.aggregateId).where('version', '<', event.version).execute();
    }
  };
  const stop = await events.subscribe(
    dedupe(async (event) => {
      try {
        await handle(event);
      } catch (error) {
        logger.error({ err: error, event: event.id }, 'compliance: an inventory event could not be applied');
        throw error;
      }
    }),
    { source: 'inventory', durable: 'compliance' },
  );
  return stop;
}
