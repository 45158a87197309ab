/** The unit project's global setup: the empty PGlite template every PGlite test file copies (built on Postgres runs too: some tests are of PGlite itself). */
import type { TestProject } from 'vitest/node';
import { sharedEmptyTemplate } from './pglite-template.js';

export default async function setup(project: TestProject): Promise<() => void> {
  // shared with the e2e project's setup when both run: one initdb per run
  const empty = await sharedEmptyTemplate();
  project.provide('pgliteEmpty', empty.dataDir);
  return empty.release;
}
