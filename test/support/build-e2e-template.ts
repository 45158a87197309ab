/**
 * The e2e template, built in a process of its own by the e2e global setup (test/support/global-setup.ts):
 * every subgraph migrated and the real numbering plan imported, into a PGlite folder started from
 * a copy of the empty template (no second initdb), or into the DATABASE_URL database.
 *
 * Usage: node --import tsx test/support/build-e2e-template.ts [<empty template> <plan folder>]
 */
import { cpSync } from 'node:fs';
import { createLogger } from '../../platform/logger.js';
import { startEmbedded } from '../../src/embedded.js';

const [empty, plan] = process.argv.slice(2);
const logger = createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
if (plan && empty) cpSync(empty, plan, { recursive: true });
const embedded = await startEmbedded({ env: process.env, logger, pgliteDir: plan ?? null, importPlan: 'always', providers: { disabled: true } });
await embedded.close();
