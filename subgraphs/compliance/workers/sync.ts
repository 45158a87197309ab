/** Syncs every provider's documents feed into compliance's table, deleting what a provider no longer publishes. */
import type { Kysely } from 'kysely';
import type { ComplianceDocument } from '../../../providers/api.js';
import type { Logger } from '../../../platform/logger.js';
import type { ComplianceTables } from '../tables.js';
import type { ComplianceUpstream } from '../upstream/upstream.js';

/** Most pages read from one provider's documents feed in one sync: a feed that never ends is cut off. */
const MAX_PAGES = 10_000;

export interface DocumentsSyncReport {
  providers: number;
  documents: number;
  failed: string[];
}

/**
 * Reads every provider's `GET documents` feed, page by page, into compliance's own table: what a
 * provider no longer publishes is deleted, so a withdrawn agreement shows as missing. A provider
 * whose feed fails keeps what the last sync stored.
 */
export async function syncDocuments(db: Kysely<ComplianceTables>, upstream: ComplianceUpstream, logger: Logger): Promise<DocumentsSyncReport> {
  const report: DocumentsSyncReport = { providers: 0, documents: 0, failed: [] };
  for (const entry of await upstream.directory()) {
    const client = upstream.provider(entry.id);
    if (!client) continue;
    try {
      const items: ComplianceDocument[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page = await client.documentsPage(cursor);
        items.push(...page.items);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('documents').where('provider_id', '=', entry.id).execute();
        for (let i = 0; i < items.length; i += 500) {
          await tx
            .insertInto('documents')
            .values(
              items.slice(i, i + 500).map((d) => ({
                provider_id: entry.id,
                id: d.id,
                kind: d.kind,
                counterparty: d.counterparty,
                carrier_id: d.carrierId,
                range_prefix: d.rangePrefix,
                status: d.status,
                issued_on: d.issuedOn,
                expires_on: d.expiresOn,
              })),
            )
            .execute();
        }
      });
      report.providers++;
      report.documents += items.length;
    } catch (error) {
      report.failed.push(entry.id);
      logger.warn({ err: error, provider: entry.id }, 'compliance: a provider\'s documents feed could not be read; keeping the last sync\'s');
    }
  }
  logger.info(report, 'compliance: documents synced');
  return report;
}
