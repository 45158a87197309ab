/** Gathers the allocations subgraph's migrations, in order of their names. */
import type { Migration } from 'kysely';
import * as numberingPlan from './20261125T110000_numbering_plan.js';
import * as planHistory from './20261125T230000_plan_history.js';

/** In order of their names: the migrator applies what a database has not seen yet. */
export const migrations: Record<string, Migration> = {
  '20261125T110000_numbering_plan': numberingPlan,
  '20261125T230000_plan_history': planHistory,
};
