/** PGlite template folders for tests: built once per run by a global setup, copied per test file. */
import { accessSync, constants, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data folder after initdb and nothing else (e2e: empty with DATABASE_URL). */
    pgliteEmpty: string;
    /** (e2e) A PGlite data folder holding every migrated schema and the imported plan; empty with DATABASE_URL. */
    pglitePlan: string;
  }
}

/**
 * Copying a data folder takes about a second and opening the copy two; initdb takes ten and
 * loading a dump of the plan forty on a busy 2-core machine. So each test file gets a copy.
 */
export interface PgliteCopy {
  dataDir: string;
  /** Deletes the copy (once its database is closed). */
  remove(): void;
}

/**
 * Where the copies go: shared memory (tmpfs) where there is one, so that PGlite's fsync at each
 * commit costs nothing (on a disk, the order and isolation tests ran at half speed).
 */
const FOLDER = (() => {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir(); // no tmpfs here (macOS, Windows): the system's temporary folder
  }
})();

/** A folder of its own in shared memory (else the system's temporary folder), deleted by the returned function. */
export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(FOLDER, prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A copy of the template folder `template`, in a temporary folder of its own. */
export function copyTemplate(template: string): PgliteCopy {
  const folder = temporaryFolder('numbergraph-test-pg-');
  const dataDir = join(folder.path, 'pglite');
  cpSync(template, dataDir, { recursive: true });
  return { dataDir, remove: folder.remove };
}

/** initdb into `dataDir`, closed cleanly: the empty template. */
export async function buildEmptyTemplate(dataDir: string): Promise<void> {
  const db = await PGlite.create({ dataDir });
  await db.close();
}
