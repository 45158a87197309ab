/** The unit project's global setup: the empty PGlite template every PGlite test file copies (built on Postgres runs too: some tests are of PGlite itself). */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildEmptyTemplate, temporaryFolder } from './pglite-template.js';

export default async function setup(project: TestProject): Promise<() => void> {
  const folder = temporaryFolder('numbergraph-unit-');
  const empty = join(folder.path, 'empty');
  try {
    await buildEmptyTemplate(empty);
  } catch (error) {
    folder.remove();
    throw error;
  }
  project.provide('pgliteEmpty', empty);
  return folder.remove;
}
