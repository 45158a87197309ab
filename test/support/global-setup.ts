/** The e2e project's global setup: the plan imported once, as a PGlite template folder each test file copies. */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../platform/logger.js';
import { startEmbedded } from '../../src/embedded.js';
import { buildEmptyTemplate, temporaryFolder } from './pglite-template.js';

/**
 * Migrates every subgraph and imports the real numbering plan once for all end-to-end tests:
 * into the DATABASE_URL database (a second run skips unchanged sources), or into a PGlite
 * folder, the template each test file copies (test/support/pglite-template.ts).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const logger = createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const folder = process.env.DATABASE_URL ? null : temporaryFolder('numbergraph-e2e-');
  const plan = folder ? join(folder.path, 'plan') : null;
  try {
    const embedded = await startEmbedded({ env: process.env, logger, pgliteDir: plan, importPlan: 'always', providers: { disabled: true } });
    await embedded.close();
    if (folder) await buildEmptyTemplate(join(folder.path, 'empty'));
  } catch (error) {
    folder?.remove();
    throw error;
  }
  project.provide('pglitePlan', folder ? join(folder.path, 'plan') : '');
  project.provide('pgliteEmpty', folder ? join(folder.path, 'empty') : '');
  return () => folder?.remove();
}
