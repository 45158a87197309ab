import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type GraphQLSchema } from 'graphql';
import type { Kysely, Migration } from 'kysely';
import type { SubgraphName } from '../names.js';
import type { RequestScope } from './identity.js';
import { scopedDatabase, StatementCounter, type Database } from './db.js';
import type { Logger } from './logger.js';
import { migrateSchema } from './migrate.js';

/** The same shape for every subgraph: what the composition root and the HTTP server need. */
export interface Subgraph<Context extends object = object, DB = unknown> {
  name: string;
  schema: GraphQLSchema;
  /** The subgraph's own schema of its database, counting statements (for tools such as the importer). */
  db: Kysely<DB>;
  /** SQL statements this subgraph has run: exact, for tests and benchmarks. */
  statements: StatementCounter;
  /** Applies the subgraph's migrations to its own Postgres schema. */
  migrate(): Promise<void>;
  /** A fresh context per request (per subgraph fetch): new DataLoaders, nothing shared; the caller's identity. */
  createContext(scope: RequestScope): Context;
}

export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** A subgraph's SDL, read from schema/<name>.graphql: the one place it is written. */
export function subgraphSdl(name: string): string {
  return readFileSync(`${SCHEMA_DIR}${name}.graphql`, 'utf8');
}

export interface SubgraphDefinition<DB, Context extends object> {
  name: SubgraphName;
  migrations: Record<string, Migration>;
  resolvers: unknown;
  createContext(db: Kysely<DB>, scope: RequestScope): Context;
}

export function createSubgraph<DB, Context extends object>(
  definition: SubgraphDefinition<DB, Context>,
  database: Database,
  logger: Logger,
): Subgraph<Context, DB> {
  const statements = new StatementCounter();
  const db = scopedDatabase<DB>(database, definition.name, statements);
  return {
    name: definition.name,
    schema: buildSubgraphSchema({ typeDefs: parse(subgraphSdl(definition.name)), resolvers: definition.resolvers as GraphQLResolverMap<unknown> }),
    statements,
    db,
    migrate: () => migrateSchema(database.db, definition.name, definition.migrations, logger.child({ subgraph: definition.name })),
    createContext: (scope) => definition.createContext(db, scope),
  };
}
