import type { Migration } from 'kysely';
import * as catalogue from './20261125T230000_catalogue.js';

/** In order of their names: the migrator applies what a database has not seen yet. */
export const migrations: Record<string, Migration> = {
  '20261125T230000_catalogue': catalogue,
};
