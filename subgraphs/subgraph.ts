/** The subgraph shape and definition every subgraph shares: schema from its SDL, migrations, per-request context, background work. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import type { Kysely, Migration } from 'kysely';
import type { SubgraphName } from './names.js';
import type { RequestScope } from '../contracts/identity.js';
import { scopedDatabase, StatementCounter, type Database } from '../platform/db.js';
import type { EventBus } from '../platform/events.js';
import type { Logger } from '../platform/logger.js';
import { migrateSchema } from '../platform/migrate.js';

/** The same shape for every subgraph: what the gateway, the HTTP server and the benchmarks need. */
export interface Subgraph<Context extends object = object> {
  name: string;
  schema: GraphQLSchema;
  /** SQL statements this subgraph has run: exact, for tests and benchmarks. */
  statements: StatementCounter;
  /** Applies the subgraph's migrations to its own Postgres schema. */
  migrate(): Promise<void>;
  /** A fresh context per request (per subgraph fetch): new DataLoaders, nothing shared; the caller's identity. */
  createContext(scope: RequestScope): Context;
  /** Starts the definition's background work on this subgraph's schema (null: it has none); resolves to its stop. */
  background: ((services: Omit<BackgroundServices<unknown>, 'db'>) => Promise<() => Promise<void>>) | null;
}

/** A subgraph with its database typed: what the composition root and the tools (importer, sync) use. */
export interface SubgraphOn<Context extends object, DB> extends Subgraph<Context> {
  /** The subgraph's own schema of its database, counting statements (for tools such as the importer). */
  db: Kysely<DB>;
}

export const SCHEMA_DIR = fileURLToPath(new URL('../schema/', import.meta.url));

/** A subgraph's SDL, read from schema/<name>.graphql: the one place it is written. */
export function subgraphSdl(name: string): string {
  return readFileSync(`${SCHEMA_DIR}${name}.graphql`, 'utf8');
}

/** What a subgraph's background work gets: its own schema (statements not counted as requests'), a logger, the event bus. */
export interface BackgroundServices<DB> {
  db: Kysely<DB>;
  logger: Logger;
  /** NATS JetStream with NATS_URL, else this process's bus (the embedded default). */
  events: EventBus;
  /** The database is Postgres, which other instances of this subgraph may share (take locks for singletons). */
  shared: boolean;
}
/** A resolver map as @apollo/subgraph takes it (its type, read from its public signature rather than its dist/ folder). */
type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], unknown[]>[number];
export type SubgraphResolverMap = NonNullable<Extract<SchemaModule, { typeDefs: unknown }>['resolvers']>;

export interface SubgraphDefinition<DB, Context extends object> {
  name: SubgraphName;
  migrations: Record<string, Migration>;
  resolvers: SubgraphResolverMap;
  createContext(db: Kysely<DB>, scope: RequestScope): Context;
  /**
   * Work besides answering requests (following other subgraphs' events, reading providers'
   * feeds, delivering), started once the schema is migrated, in the embedded default and in
   * the subgraph's own service alike; resolves to its stop.
   */
  background?(services: BackgroundServices<DB>): Promise<() => Promise<void>>;
}

export function createSubgraph<DB, Context extends object>(
  definition: SubgraphDefinition<DB, Context>,
  database: Database,
  logger: Logger,
): SubgraphOn<Context, DB> {
  const statements = new StatementCounter();
  const db = scopedDatabase<DB>(database, definition.name, statements);
  return {
    name: definition.name,
    schema: buildSubgraphSchema({ typeDefs: parse(subgraphSdl(definition.name)), resolvers: definition.resolvers }),
    statements,
    db,
    migrate: () => migrateSchema(database.db, definition.name, definition.migrations, logger.child({ subgraph: definition.name })),
    createContext: (scope) => definition.createContext(db, scope),
    // not counted: the statement counts tests and benchmarks assert are the requests' own
    background: definition.background ? (services) => definition.background!({ ...services, db: db.withoutPlugins().withSchema(definition.name) }) : null,
  };
}
