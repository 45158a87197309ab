/** The providers as the embedded default wires them: simulator or PROVIDERS_URL, clients, subgraph definitions, sync, worker and outbox relay. */
import { ProviderDirectory, type ClientPolicyOverrides } from '../providers/client/index.js';
import { startSimulator, type SimulatorOptions, type StartedSimulator } from '../providers/simulator/server.js';
import { simulatorConfigFromEnv } from './simulator-config.js';
import { createInventory } from '../subgraphs/inventory/index.js';
import { createRouting, type RoutingOptions } from '../subgraphs/routing/index.js';
import { createCompliance } from '../subgraphs/compliance/index.js';
import { startSyncSchedule, type SyncReport } from '../subgraphs/inventory/workers/sync.js';
import { startOrderWorker } from '../subgraphs/inventory/workers/order-worker.js';
import { DEFAULT_RETRY } from '../subgraphs/inventory/domain/order-line.js';
import { startRelay, type EventRelay } from '../subgraphs/inventory/workers/relay.js';
import type { InventoryTables } from '../subgraphs/inventory/tables.js';
import { NO_UPSTREAM, upstreamFromDirectory } from '../subgraphs/inventory/upstream/upstream.js';
import { readSettings, type Env } from '../platform/settings-schema.js';
import type { Logger } from '../platform/logger.js';
import { acquireEventBus } from '../platform/events.js';
import type { Subgraph, SubgraphOn } from '../subgraphs/subgraph.js';
import type { Context as InventoryContext } from '../subgraphs/inventory/context.js';
import { SUBGRAPHS } from '../subgraphs/index.js';

/** A subgraph's definition as the runtime serves it. */
export type ServedDefinition = (typeof SUBGRAPHS)[number] | ReturnType<typeof createInventory> | ReturnType<typeof createCompliance> | ReturnType<typeof createRouting>;

export interface ProvidersOptions {
  /** Don't reach any provider (the catalogue stays as the database has it). */
  disabled?: boolean;
  /** Options of the simulator started here (tests: instant answers, short order delay). */
  simulator?: Omit<SimulatorOptions, 'logger'>;
  /** Client policy overrides (tests: a short breaker cooldown). */
  policy?: ClientPolicyOverrides;
  /** Routing's DNS resolver and event consumer (tests). */
  routing?: Pick<RoutingOptions, 'resolve' | 'consumer'>;
}

/** The providers as the embedded default wires them: simulator, clients, inventory definition, sync. */
export interface ProvidersRuntime {
  simulator: StartedSimulator | null;
  directory: ProviderDirectory | null;
  inventory: ReturnType<typeof createInventory>;
  /** The routing subgraph's definition with these provider clients. */
  routing: ReturnType<typeof createRouting>;
  /** The compliance subgraph's definition with these provider clients. */
  compliance: ReturnType<typeof createCompliance>;
  /** The first sync's report, once `startBackground` has started the inventory. */
  firstSync: SyncReport | null;
  /** The relay of the inventory's outbox (started by `startBackground`): NATS JetStream with NATS_URL, else in-process. */
  relay: EventRelay | null;
  /** Each subgraph's definition as served here: the inventory, compliance and routing with these provider clients, allocations as defined. */
  definitions: readonly ServedDefinition[];
  /**
   * The inventory's background work once its schema is migrated: the order worker and the
   * outbox relay, and the catalogue synced now, then every SYNC_INTERVAL_SECONDS (with
   * `background`, the first sync runs while this resolves; a failed one is tried again at the
   * next interval). `shared`: the database is Postgres, which other instances may share.
   */
  startSync(inventory: SubgraphOn<InventoryContext, InventoryTables>, options: { shared: boolean; background?: boolean }): Promise<void>;
  /** Any subgraph's definition's own `background` (events, feeds, deliveries), with the event bus; stopped by `close`. */
  startBackground(subgraph: Subgraph, options: { shared: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * PROVIDERS_URL names a simulator or directory to use; otherwise the provider simulator starts
 * on loopback (SIMULATOR_SCALE, SIMULATOR_SEED; SIMULATOR_PORT, default any free port).
 */
export async function startProviders(env: Env, logger: Logger, options: ProvidersOptions = {}): Promise<ProvidersRuntime> {
  const s = readSettings(env, ['SYNC_INTERVAL_SECONDS', 'ORDER_WAIT_MS', 'ORDER_RETRY_MAX_SECONDS', 'NATS_URL', 'EVENTS_NAMESPACE', 'REGISTRATION_POLL_SECONDS', 'PROVIDERS_URL']);
  const settings: InventorySettings = {
    intervalSeconds: s.SYNC_INTERVAL_SECONDS,
    orderWaitMs: s.ORDER_WAIT_MS,
    retryMaxMs: s.ORDER_RETRY_MAX_SECONDS * 1000,
    natsUrl: s.NATS_URL ?? null,
    eventsNamespace: s.EVENTS_NAMESPACE,
    routing: { env, ...options.routing },
    registrationPollSeconds: s.REGISTRATION_POLL_SECONDS,
  };
  if (options.disabled) return runtime(null, null, logger, settings);
  const external = s.PROVIDERS_URL;
  let simulator: StartedSimulator | null = null;
  if (!external) {
    // a simulator inside a product process takes any free port unless SIMULATOR_PORT names one
    const config = simulatorConfigFromEnv(env, 0);
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
  /** Whose streams and consumers on that NATS server (EVENTS_NAMESPACE). */
  eventsNamespace: string;
  routing: RoutingOptions;
  /** Seconds between compliance's looks at submitted registrations (REGISTRATION_POLL_SECONDS). */
  registrationPollSeconds: number;
}

function runtime(simulator: StartedSimulator | null, directory: ProviderDirectory | null, logger: Logger, settings: InventorySettings): ProvidersRuntime {
  const upstream = directory ? upstreamFromDirectory(directory) : NO_UPSTREAM;
  const inventory = createInventory(upstream, { orderWaitMs: settings.orderWaitMs, retry: { ...DEFAULT_RETRY, maxMs: settings.retryMaxMs }, logger });
  const routing = createRouting(upstream, settings.routing);
  const compliance = createCompliance(upstream, { intervalSeconds: settings.intervalSeconds, registrationPollSeconds: settings.registrationPollSeconds });
  const served: Partial<Record<string, ServedDefinition>> = { inventory, compliance, routing };
  const definitions: readonly ServedDefinition[] = SUBGRAPHS.map((d) => served[d.name] ?? d);
  const stops: (() => Promise<void>)[] = [];
  const { intervalSeconds } = settings;
  // a first sync running in the background, and its retry after a failure
  let starting: Promise<void> = Promise.resolve();
  let retry: NodeJS.Timeout | null = null;
  let closing = false;

  const startSync = async (subgraph: SubgraphOn<InventoryContext, InventoryTables>, { shared, background = false }: { shared: boolean; background?: boolean }): Promise<void> => {
    if (!directory) return;
    // Background work (sync, worker, relay) on the same schema without the request statement
    // counter: the counts tests and benchmarks assert are the requests' own.
    const db = subgraph.db.withoutPlugins().withSchema('inventory');
    // the relay first: what the sync and the orders write to the outbox is published as it commits
    result.relay = await startRelay(db, { natsUrl: settings.natsUrl, namespace: settings.eventsNamespace, shared, logger: logger.child({ task: 'relay' }) });
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
  };

  const result: ProvidersRuntime = {
    simulator,
    directory,
    inventory,
    routing,
    compliance,
    firstSync: null,
    relay: null,
    definitions,
    startSync,
    startBackground: async (subgraph, options) => {
      if (!subgraph.background) return;
      const events = await acquireEventBus(settings.natsUrl, settings.eventsNamespace);
      stops.push(() => events.close());
      const stop = await subgraph.background({
        logger: logger.child({ subgraph: subgraph.name, task: 'background' }),
        events,
        shared: options.shared,
      });
      // stopped before the bus it listens on
      stops.unshift(stop);
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
