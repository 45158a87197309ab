/** The e2e project's global setup: the plan imported once, as a PGlite template folder each test file copies. */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { sharedEmptyTemplate, temporaryFolder } from './pglite-template.js';
import { spawnProcess } from './processes.js';

/**
 * Migrates every subgraph and imports the real numbering plan once for all end-to-end tests:
 * into the DATABASE_URL database (a second run skips unchanged sources), or into a PGlite
 * folder, the template each test file copies (test/support/pglite-template.ts).
 *
 * The import takes most of a minute, so it runs in a process of its own and this setup returns
 * at once: the unit project's files (sequence.groupOrder 0) run meanwhile, and each e2e file
 * waits for the `e2eReady` file first (test/support/e2e-ready.ts), which says whether it worked.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = !!process.env.DATABASE_URL;
  const empty = postgres ? null : await sharedEmptyTemplate();
  const folder = temporaryFolder('numbergraph-e2e-');
  const plan = join(folder.path, 'plan');
  const ready = join(folder.path, 'ready.json');
  const builder = spawnProcess(process.execPath, ['--import', 'tsx', 'test/support/build-e2e-template.ts', ...(empty ? [empty.dataDir, plan] : [])], {
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  const built = builder.exited.then((code) => {
    const failure = code === 0 ? null : `the e2e template could not be built (test/support/build-e2e-template.ts exited ${code}):\n${builder.output().slice(-20_000)}`;
    // written whole, then renamed: a waiting file never reads half of it
    writeFileSync(`${ready}.part`, JSON.stringify({ failure }));
    renameSync(`${ready}.part`, ready);
  });
  project.provide('pglitePlan', empty ? plan : '');
  project.provide('pgliteEmpty', empty?.dataDir ?? '');
  project.provide('e2eReady', ready);
  return async () => {
    // a run that ends early (a failed unit file with --bail, ^C) stops the import
    await builder.stop();
    await built;
    folder.remove();
    empty?.release();
  };
}
