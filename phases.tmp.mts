import { openDatabase } from './subgraphs/shared/db.ts';
import { createSubgraph } from './subgraphs/shared/subgraph.ts';
import { SUBGRAPHS } from './subgraphs/index.ts';
import { importNumberingPlan } from './subgraphs/allocations/import/importer.ts';
import { createLogger } from './subgraphs/shared/logger.ts';
const logger = createLogger({ LOG_LEVEL: 'warn' });
let t = performance.now();
const lap = (what: string) => { console.log(what, Math.round(performance.now() - t)); t = performance.now(); };
const d = await openDatabase({ kind: 'pglite', dataDir: '/work/wt/issue-10b/.data/pglite' });
lap('open');
const subs: any = {};
for (const def of SUBGRAPHS) { const s = createSubgraph(def as any, d, logger); await s.migrate(); subs[def.name] = s; lap('migrate ' + def.name); }
await importNumberingPlan(subs.allocations.db, { logger });
lap('import check');
await d.close();
lap('close');
