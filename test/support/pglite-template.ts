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
    /**
     * (e2e) Where the global setup says the plan is ready (test/support/e2e-ready.ts waits for it):
     * the plan is imported in the background while the unit project's files run.
     */
    e2eReady: string;
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

/** The empty template both projects' global setups share (they run in one process), and how many hold it. */
interface SharedEmpty {
  built: Promise<string>;
  holders: number;
  remove(): void;
}
const SHARED = Symbol.for('numbergraph.test.pgliteEmpty');
const registry = globalThis as typeof globalThis & { [SHARED]?: SharedEmpty };

/**
 * The empty template, built (initdb) once per run however many projects ask for it: the unit
 * and the e2e global setups run in the same process, and initdb takes seconds. Returns the folder
 * and a release; the last release deletes it.
 */
export async function sharedEmptyTemplate(): Promise<{ dataDir: string; release(): void }> {
  let shared = registry[SHARED];
  if (!shared) {
    const folder = temporaryFolder('numbergraph-empty-');
    const dataDir = join(folder.path, 'empty');
    shared = { built: buildEmptyTemplate(dataDir).then(() => dataDir), holders: 0, remove: folder.remove };
    registry[SHARED] = shared;
  }
  const held = shared;
  held.holders += 1;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.holders -= 1;
    if (held.holders === 0) {
      held.remove();
      if (registry[SHARED] === held) delete registry[SHARED];
    }
  };
  try {
    return { dataDir: await held.built, release };
  } catch (error) {
    release();
    throw error;
  }
}
