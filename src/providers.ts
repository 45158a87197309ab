import { ProviderDirectory, type ClientPolicyOverrides } from '../providers/client/index.js';
import { startSimulator, simulatorConfigFromEnv, type SimulatorOptions, type StartedSimulator } from '../providers/simulator/server.js';
import { createInventory } from '../subgraphs/inventory/index.js';
import { startSyncSchedule, type SyncReport } from '../subgraphs/inventory/sync.js';
import { startOrderWorker } from '../subgraphs/inventory/order-worker.js';
import { DEFAULT_ORDER_WAIT_MS } from '../subgraphs/inventory/index.js';
import { DEFAULT_RETRY } from '../subgraphs/inventory/order-line.js';
import { startRelay, type EventRelay } from '../subgraphs/inventory/relay.js';
import type { InventoryTables } from '../subgraphs/inventory/tables.js';
import { NO_UPSTREAM, upstreamFromDirectory } from '../subgraphs/inventory/upstream.js';
import { readInt, readUrl } from '../subgraphs/shared/config.js';
import type { Logger } from '../subgraphs/shared/logger.js';
import type { SubgraphOn } from '../subgraphs/shared/subgraph.js';
import type { Context as InventoryContext } from '../subgraphs/inventory/context.js';

export interface ProvidersOptions {
  /** Don't reach any provider (the catalogue stays as the database has it). */
  disabled?: boolean;
  /** Options of the simulator started here (tests: instant answers, short order delay). */
  simulator?: Omit<SimulatorOptions, 'logger'>;
  /** Client policy overrides (tests: a short breaker cooldown). */
  policy?: ClientPolicyOverrides;
}

/** The providers as the embedded default wires them: simulator, clients, inventory definition, sync. */
export interface ProvidersRuntime {
  simulator: StartedSimulator | null;
  directory: ProviderDirectory | null;
  inventory: ReturnType<typeof createInventory>;
  /** The first sync's report, once `startSync` has run. */
  firstSync: SyncReport | null;
  /** The relay of the inventory's outbox (started by `startSync`): NATS JetStream with NATS_URL, else in-process. */
  relay: EventRelay | null;
  /**
   * Starts the order worker and the outbox relay, and syncs the catalogue now, then every
   * SYNC_INTERVAL_SECONDS. `shared`: the database is Postgres, which other instances may share.
   * With `background`, the first sync runs while this resolves (a failed one is tried again at
   * the next interval).
   */
  startSync(inventory: SubgraphOn<InventoryContext, InventoryTables>, options: { shared: boolean; background?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * PROVIDERS_URL names a simulator or directory to use; otherwise the provider simulator starts
 * on loopback (SIMULATOR_SCALE, SIMULATOR_SEED; SIMULATOR_PORT, default any free port).
 */
export async function startProviders(env: Record<string, string | undefined>, logger: Logger, options: ProvidersOptions = {}): Promise<ProvidersRuntime> {
  const intervalSeconds = readInt(env, 'SYNC_INTERVAL_SECONDS', 60, { min: 0, max: 86_400 });
  const settings: InventorySettings = {
    intervalSeconds,
    orderWaitMs: readInt(env, 'ORDER_WAIT_MS', DEFAULT_ORDER_WAIT_MS, { min: 0, max: 60_000 }),
    retryMaxMs: readInt(env, 'ORDER_RETRY_MAX_SECONDS', DEFAULT_RETRY.maxMs / 1000, { min: 1, max: 3600 }) * 1000,
    natsUrl: readUrl(env, 'NATS_URL', ['nats:', 'tls:']) ?? null,
  };
  if (options.disabled) return runtime(null, null, logger, settings);
  const external = readUrl(env, 'PROVIDERS_URL', ['http:', 'https:']);
  let simulator: StartedSimulator | null = null;
  if (!external) {
    const config = simulatorConfigFromEnv({ SIMULATOR_PORT: '0', ...env });
    simulator = await startSimulator({ scale: config.scale, seed: config.seed, port: config.port, host: config.host, logger, ...options.simulator });
    logger.info({ url: simulator.url, providers: simulator.world.providers.length, numbers: simulator.world.numbers.length }, 'provider simulator started');
  }
  try {
    const directory = await ProviderDirectory.discover(external ?? simulator!.url, { ...(options.policy ? { policy: options.policy } : {}) });
    logger.info({ providers: directory.entries.length }, 'provider directory discovered');
    return runtime(simulator, directory, logger, settings);
  } catch (error) {
    await simulator?.close();
    throw error;
  }
}

interface InventorySettings {
  intervalSeconds: number;
  orderWaitMs: number;
  retryMaxMs: number;
  natsUrl: string | null;
}

function runtime(simulator: StartedSimulator | null, directory: ProviderDirectory | null, logger: Logger, settings: InventorySettings): ProvidersRuntime {
  const inventory = createInventory(directory ? upstreamFromDirectory(directory) : NO_UPSTREAM, { orderWaitMs: settings.orderWaitMs, retry: { ...DEFAULT_RETRY, maxMs: settings.retryMaxMs } });
  const stops: (() => Promise<void>)[] = [];
  const { intervalSeconds } = settings;
  // a first sync running in the background, and its retry after a failure
  let starting: Promise<void> = Promise.resolve();
  let retry: NodeJS.Timeout | null = null;
  let closing = false;
  const result: ProvidersRuntime = {
    simulator,
    directory,
    inventory,
    firstSync: null,
    relay: null,
    startSync: async (subgraph, { shared, background = false }) => {
      if (!directory) return;
      // Background work (sync, worker, relay) on the same schema without the request statement
      // counter: the counts tests and benchmarks assert are the requests' own.
      const db = subgraph.db.withoutPlugins().withSchema('inventory');
      // the relay first: what the sync and the orders write to the outbox is published as it commits
      result.relay = await startRelay(db, { natsUrl: settings.natsUrl, shared, logger: logger.child({ task: 'relay' }) });
      stops.push(() => result.relay!.stop());
      const worker = startOrderWorker({ db, upstream: inventory.services.upstream, retry: inventory.services.orders.retry }, logger.child({ task: 'orders' }));
      stops.unshift(worker.stop);
      const start = async (): Promise<void> => {
        const schedule = await startSyncSchedule(db, inventory.services.upstream, logger.child({ task: 'sync' }), intervalSeconds, { shared });
        result.firstSync = schedule.first;
        stops.push(schedule.stop);
      };
      if (!background) return start();
      logger.info('serving the catalogue as the last sync left it; the providers\' feeds are read meanwhile');
      const attempt = (): void => {
        if (closing) return;
        starting = start().catch((error: unknown) => {
          logger.error({ err: error }, `sync: the first sync failed${intervalSeconds > 0 ? `; trying again in ${intervalSeconds} s` : ''}`);
          if (intervalSeconds > 0) retry = setTimeout(attempt, intervalSeconds * 1000).unref();
        });
      };
      attempt();
    },
    close: async () => {
      closing = true;
      if (retry) clearTimeout(retry);
      await starting; // a first sync under way ends before the databases close
      for (const stop of stops) await stop();
      await directory?.close();
      await simulator?.close();
    },
  };
  return result;
}
