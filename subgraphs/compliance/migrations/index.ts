/** Gathers the compliance subgraph's migrations, in order of their names. */
import type { Migration } from 'kysely';
import * as documents from './20261202T130000_documents.js';
import * as endUsers from './20261202T140000_end_users.js';
import * as assignments from './20261202T150000_assignments.js';
import * as watch from './20261202T160000_watch.js';

/** In order of their names: the migrator applies what a database has not seen yet. */
export const migrations: Record<string, Migration> = {
  '20261202T130000_documents': documents,
  '20261202T140000_end_users': endUsers,
  '20261202T150000_assignments': assignments,
  '20261202T160000_watch': watch,
};
