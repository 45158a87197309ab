import type { Migration } from 'kysely';

/**
 * None yet: the routing subgraph's tables arrive with its own issue. Its schema ("routing") and
 * migration table are created at start all the same, so later migrations slot in.
 */
export const migrations: Record<string, Migration> = {};
