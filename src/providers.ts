import type { Kysely } from 'kysely';
import { ProviderDirectory, type ClientPolicyOverrides } from '../providers/client/index.js';
import { startSimulator, simulatorConfigFromEnv, type SimulatorOptions, type StartedSimulator } from '../providers/simulator/server.js';
import { createInventory } from '../subgraphs/inventory/index.js';
import { startSyncSchedule, type SyncReport } from '../subgraphs/inventory/sync.js';
import type { InventoryTables } from '../subgraphs/inventory/tables.js';
import { NO_UPSTREAM, upstreamFromDirectory } from '../subgraphs/inventory/upstream.js';
import { readInt, readUrl } from '../subgraphs/shared/config.js';
import type { Logger } from '../subgraphs/shared/logger.js';
import type { Subgraph } from '../subgraphs/shared/subgraph.js';

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
  /**
   * Syncs the catalogue now, then every SYNC_INTERVAL_SECONDS. With `background`, resolves at
   * once and the first sync runs meanwhile (a failed one is tried again at the next interval).
   */
  startSync(inventory: Subgraph, options?: { background?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * PROVIDERS_URL names a simulator or directory to use; otherwise the provider simulator starts
 * on loopback (SIMULATOR_SCALE, SIMULATOR_SEED; SIMULATOR_PORT, default any free port).
 */
export async function startProviders(env: Record<string, string | undefined>, logger: Logger, options: ProvidersOptions = {}): Promise<ProvidersRuntime> {
  const intervalSeconds = readInt(env, 'SYNC_INTERVAL_SECONDS', 60, { min: 0, max: 86_400 });
  if (options.disabled) return runtime(null, null, logger, intervalSeconds);
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
    return runtime(simulator, directory, logger, intervalSeconds);
  } catch (error) {
    await simulator?.close();
    throw error;
  }
}

function runtime(simulator: StartedSimulator | null, directory: ProviderDirectory | null, logger: Logger, intervalSeconds: number): ProvidersRuntime {
  const inventory = createInventory(directory ? upstreamFromDirectory(directory) : NO_UPSTREAM);
  let stopSync: (() => Promise<void>) | null = null;
  // a first sync running in the background, and its retry after a failure
  let starting: Promise<void> = Promise.resolve();
  let retry: NodeJS.Timeout | null = null;
  let closing = false;
  const result: ProvidersRuntime = {
    simulator,
    directory,
    inventory,
    firstSync: null,
    startSync: async (subgraph, { background = false } = {}) => {
      if (!directory) return;
      const start = async (): Promise<void> => {
        const schedule = await startSyncSchedule(subgraph.db as Kysely<InventoryTables>, inventory.services.upstream, logger.child({ task: 'sync' }), intervalSeconds);
        result.firstSync = schedule.first;
        stopSync = schedule.stop;
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
      await stopSync?.();
      await directory?.close();
      await simulator?.close();
    },
  };
  return result;
}
