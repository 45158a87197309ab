import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../subgraphs/shared/logger.js';
import { startEmbedded } from '../../src/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data-folder dump holding the migrated schemas and imported plan; empty with DATABASE_URL. */
    pgliteSnapshot: string;
  }
}

/**
 * Migrates every subgraph and imports the real numbering plan once for all end-to-end tests:
 * into the DATABASE_URL database (a second run skips unchanged sources), or into PGlite, whose
 * dump each test file loads into a fresh in-memory instance.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const logger = createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const embedded = await startEmbedded({ env: process.env, logger, pgliteDir: null, importPlan: 'always', providers: { disabled: true } });
  let dir: string | null = null;
  try {
    const pglite = embedded.databases.find((d) => d.dump);
    if (pglite?.dump) {
      dir = mkdtempSync(join(tmpdir(), 'numbergraph-e2e-'));
      const file = join(dir, 'plan.tar.gz');
      writeFileSync(file, Buffer.from(await (await pglite.dump()).arrayBuffer()));
      project.provide('pgliteSnapshot', file);
    } else {
      project.provide('pgliteSnapshot', '');
    }
  } finally {
    // the gateway, the subgraphs' background work (routing's workers), then the databases
    await embedded.close();
  }
  return () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
