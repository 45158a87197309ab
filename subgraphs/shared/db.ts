import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { readInt, readUrl, redact } from './config.js';
import type { Logger } from './logger.js';

/** Where a subgraph's data lives: a Postgres server, or PGlite (embedded) on disk or in memory. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolMax: number; connectTimeoutMs: number; statementTimeoutMs: number }
  | { kind: 'pglite'; dataDir: string | null; snapshot?: Blob };

/** One open database: every subgraph that points at the same target shares it. */
export interface Database {
  db: Kysely<any>;
  target: DatabaseTarget;
  /** For logs: never contains a password. */
  description: string;
  close(): Promise<void>;
  /** PGlite only: the whole data folder as a tarball, to open copies of it elsewhere. */
  dump?: () => Promise<Blob>;
  /** Postgres only: the pool's connections now (for metrics). */
  poolUse?: () => { total: number; idle: number; waiting: number };
}

const OID = { int8: 20, date: 1082 };

/**
 * The database a subgraph uses: `<SUBGRAPH>_DATABASE_URL`, else `DATABASE_URL`, else PGlite
 * under `dataDir` (null: in memory).
 */
export function databaseTargetFromEnv(
  env: Record<string, string | undefined>,
  subgraph: string | null,
  dataDir: string | null,
): DatabaseTarget {
  const specific = subgraph ? readUrl(env, `${subgraph.toUpperCase()}_DATABASE_URL`, ['postgres:', 'postgresql:']) : undefined;
  const url = specific ?? readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (!url) return { kind: 'pglite', dataDir };
  return {
    kind: 'postgres',
    url,
    poolMax: readInt(env, 'DB_POOL_MAX', 10, { min: 1, max: 200 }),
    connectTimeoutMs: readInt(env, 'DB_CONNECT_TIMEOUT_MS', 5_000, { min: 100, max: 120_000 }),
    statementTimeoutMs: readInt(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, { min: 100, max: 3_600_000 }),
  };
}

export async function openDatabase(target: DatabaseTarget, logger?: Logger): Promise<Database> {
  if (target.kind === 'postgres') {
    // Dates stay ISO strings (no time-zone shift); counts come back as numbers.
    const types = {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === OID.date) return (value: string) => value;
        if (oid === OID.int8) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    };
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolMax,
      connectionTimeoutMillis: target.connectTimeoutMs,
      statement_timeout: target.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      types,
    });
    // An idle client the server drops (a restart, a failover) is discarded by the pool, and the
    // next query connects anew; unhandled, the event would end the process.
    pool.on('error', (error) => logger?.warn({ err: error }, 'idle database connection lost'));
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      target,
      description: `postgres ${redact(target.url)}`,
      close: () => db.destroy(),
      poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  const releaseLock = target.dataDir ? lockDataDir(target.dataDir) : () => undefined;
  const pglite = await PGlite.create({
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    ...(target.snapshot ? { loadDataDir: target.snapshot } : {}),
    parsers: { [OID.date]: (value: string) => value, [OID.int8]: (value: string) => Number(value) },
  });
  // One Kysely (one driver) per PGlite: the driver serialises access to PGlite's single
  // connection, so a transaction never interleaves with another subgraph's queries.
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    target,
    description: target.dataDir ? `PGlite (embedded) in ${target.dataDir}` : 'PGlite (embedded) in memory',
    close: async () => {
      await db.destroy();
      releaseLock();
    },
    dump: () => pglite.dumpDataDir('gzip'),
  };
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt
 * it. A lock file with the owner's pid refuses that with a clear message; a stale lock (its
 * process gone) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lock = `${dataDir.replace(/\/$/, '')}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lock, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`${dataDir} is in use by another numbergraph process (pid ${owner}): stop it first, or set PGLITE_DIR to another folder`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir} (${lock})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  return database.db.withSchema(schema).withPlugin(counter) as unknown as Kysely<DB>;
}
