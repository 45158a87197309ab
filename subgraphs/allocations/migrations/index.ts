import type { Migration } from 'kysely';
import * as numberingPlan from './20261125T110000_numbering_plan.js';

/** In order of their names: the migrator applies what a database has not seen yet. */
export const migrations: Record<string, Migration> = {
  '20261125T110000_numbering_plan': numberingPlan,
};
