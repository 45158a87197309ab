/** Gathers the gateway's own (schema `edge`) migrations, in order of their names. */
import type { Migration } from 'kysely';
import * as keysAndOperations from './20261125T230000_keys_and_operations.js';

/** The gateway's own tables (schema `edge`), in order of their names. */
export const migrations: Record<string, Migration> = {
  '20261125T230000_keys_and_operations': keysAndOperations,
};
