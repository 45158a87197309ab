/** The compliance subgraph's definition: market requirements and each hop's documentation trail; background document sync and review watch. */
import type { Kysely } from 'kysely';
import type { SubgraphDefinition } from '../subgraph.js';
import { createContext, type Context } from './context.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './graphql/resolvers.js';
import { syncDocuments, type DocumentsSyncReport } from './workers/sync.js';
import { followAssignments } from './workers/assignments.js';
import { announceExpiries, watchRegistrations } from './workers/watch.js';
import type { ComplianceTables } from './tables.js';
import { NO_UPSTREAM, type ComplianceUpstream } from './upstream/upstream.js';

export interface ComplianceOptions {
  /** Seconds between syncs of the providers' documents feeds after the first (0: only the first). */
  intervalSeconds?: number;
  /** Seconds between looks at submitted registrations' review state (REGISTRATION_POLL_SECONDS; 0: never). */
  registrationPollSeconds?: number;
}

/**
 * Each market's requirements (sourced data in the repo) and the documentation trail of every
 * hop, from the documents providers publish: its background syncs their `GET documents` feeds
 * into compliance's own tables (once at start, then every intervalSeconds).
 */
export function createCompliance(upstream: ComplianceUpstream = NO_UPSTREAM, options: ComplianceOptions = {}): SubgraphDefinition<ComplianceTables, Context> & { lastSync: () => DocumentsSyncReport | null } {
  let last: DocumentsSyncReport | null = null;
  return {
    name: 'compliance',
    migrations,
    resolvers,
    createContext: (db: Kysely<ComplianceTables>, scope) => createContext(db, scope, upstream),
    lastSync: () => last,
    background: async ({ db, logger, events }) => {
      const unfollow = await followAssignments(db, events, logger);
      last = await syncDocuments(db, upstream, logger);
      await announceExpiries(db, events).catch((error: unknown) => logger.error({ err: error }, 'compliance: expiries could not be announced'));
      const pollSeconds = options.registrationPollSeconds ?? 0;
      let watching: Promise<unknown> = Promise.resolve();
      let busy = false;
      let stopped = false;
      const watcher =
        pollSeconds > 0
          ? setInterval(() => {
              if (busy || stopped) return;
              busy = true;
              watching = watchRegistrations(db, upstream, events, logger)
                .catch((error: unknown) => logger.error({ err: error }, 'compliance: registrations could not be watched'))
                .finally(() => (busy = false));
            }, pollSeconds * 1000).unref()
          : null;
      const stopWatching = async () => {
        stopped = true;
        if (watcher) clearInterval(watcher);
        await watching;
      };
      const seconds = options.intervalSeconds ?? 0;
      if (seconds <= 0)
        return async () => {
          await stopWatching();
          await unfollow();
        };
      let running: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        if (stopped) return;
        running = syncDocuments(db, upstream, logger)
          .then(async (report) => {
            last = report;
            await announceExpiries(db, events);
          })
          .catch((error: unknown) => logger.error({ err: error }, 'compliance: documents sync failed'));
      }, seconds * 1000).unref();
      return async () => {
        clearInterval(timer);
        await running;
        await stopWatching();
        await unfollow();
      };
    },
  };
}

/** The definition the tools (codegen, composition) and a stand-alone service without providers use. */
export const compliance = createCompliance();
