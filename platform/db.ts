/** Subgraph databases: Postgres or embedded PGlite from the environment, Kysely over pg, statement counting, and per-subgraph schemas. */
import { Kysely, PostgresDialect, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import pg from 'pg';
import { redact } from './config.js';
import { databaseUrlName, readSettings, type Env } from './settings-schema.js';
import type { Logger } from './logger.js';
import { hostPglite, runningOwner, SOCKET_PORT } from './pglite.js';

/** Where a subgraph's data lives: a Postgres server, or PGlite (embedded) on disk or in memory. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolMax: number; connectTimeoutMs: number; statementTimeoutMs: number }
  | {
      kind: 'pglite';
      dataDir: string | null;
      /** When a running process holds `dataDir`, use the database it serves instead of refusing (the commands). */
      joinRunning?: boolean;
    };

/** One open database: every subgraph that points at the same target shares it. */
export interface Database {
  db: Kysely<any>;
  target: DatabaseTarget;
  /** For logs: never contains a password. */
  description: string;
  close(): Promise<void>;
  /** The pool's connections now (for metrics). */
  poolUse?: () => { total: number; idle: number; waiting: number };
}

const OID = { int8: 20, date: 1082 };

/**
 * The database a subgraph uses: `<SUBGRAPH>_DATABASE_URL`, else `DATABASE_URL`, else PGlite
 * under `dataDir` (null: in memory).
 */
export function databaseTargetFromEnv(env: Env, subgraph: string | null, dataDir: string | null): DatabaseTarget {
  const own = subgraph ? databaseUrlName(subgraph) : null;
  const specific = own ? readSettings(env, [own])[own] : undefined;
  const url = specific ?? readSettings(env, ['DATABASE_URL']).DATABASE_URL;
  if (!url) return { kind: 'pglite', dataDir };
  const pool = readSettings(env, ['DB_POOL_MAX', 'DB_CONNECT_TIMEOUT_MS', 'DB_STATEMENT_TIMEOUT_MS']);
  return { kind: 'postgres', url, poolMax: pool.DB_POOL_MAX, connectTimeoutMs: pool.DB_CONNECT_TIMEOUT_MS, statementTimeoutMs: pool.DB_STATEMENT_TIMEOUT_MS };
}

export async function openDatabase(target: DatabaseTarget, logger?: Logger): Promise<Database> {
  if (target.kind === 'postgres') {
    const { db, pool } = pgKysely({ connectionString: target.url, max: target.poolMax, connectionTimeoutMillis: target.connectTimeoutMs, statement_timeout: target.statementTimeoutMs }, logger);
    return {
      db,
      target,
      description: `postgres ${redact(target.url)}`,
      close: () => db.destroy(),
      poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  const where = target.dataDir ? `PGlite (embedded) in ${target.dataDir}` : 'PGlite (embedded) in memory';
  if (target.dataDir && target.joinRunning) {
    // another process serves this folder: use its database through its socket, as it does
    const owner = runningOwner(target.dataDir);
    if (owner?.socketDir) {
      const { db } = pgKysely({ host: owner.socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres', max: 1, connectionTimeoutMillis: 5_000 }, logger);
      return { db, target, description: `${where}, served by the running process ${owner.pid}`, close: () => db.destroy() };
    }
  }
  // PGlite runs on a thread of its own; every statement reaches it through its socket, so a long
  // one never holds this process's event loop. PGlite runs one statement at a time: a few
  // connections only queue there rather than here.
  const host = await hostPglite(target.dataDir);
  const { db, pool } = pgKysely({ host: host.socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres', max: 4, connectionTimeoutMillis: 30_000 }, logger);
  return {
    db,
    target,
    description: where,
    close: async () => {
      await db.destroy();
      await host.close();
    },
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** A Kysely over a `pg` pool. Dates stay ISO strings (no time-zone shift); counts come back as numbers. */
function pgKysely(config: pg.PoolConfig, logger?: Logger): { db: Kysely<any>; pool: pg.Pool } {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === OID.date) return (value: string) => value;
      if (oid === OID.int8) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    }) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ idleTimeoutMillis: 30_000, ...config, types });
  // An idle client the server drops (a restart, a failover) is discarded by the pool, and the
  // next query connects anew; unhandled, the event would end the process.
  pool.on('error', (error) => logger?.warn({ err: error }, 'idle database connection lost'));
  return { db: new Kysely<any>({ dialect: new PostgresDialect({ pool }) }), pool };
}

/** Counts the SQL statements a subgraph runs: exact, so tests and benchmarks can assert them. */
export class StatementCounter implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += 1;
    return args.result;
  }
}

/** A subgraph's view of a database: its own Postgres schema, its own statement count. */
export function scopedDatabase<DB>(database: Database, schema: string, counter: StatementCounter): Kysely<DB> {
  return database.db.withSchema(schema).withPlugin(counter);
}
