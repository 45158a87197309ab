/** Where the embedded default keeps PGlite: PGLITE_DIR, else .data/pglite in the project. */
import { fileURLToPath } from 'node:url';
import { readSettings, type Env } from '../platform/settings-schema.js';

/**
 * Where the embedded default keeps PGlite: PGLITE_DIR, else .data/pglite in the project. A module
 * of its own, light to load: the commands and `npm start` need it before anything heavy.
 */
export function pgliteDirFromEnv(env: Env): string {
  // fileURLToPath, not URL.pathname: a project folder with spaces would come back as %20.
  return readSettings(env, ['PGLITE_DIR']).PGLITE_DIR ?? fileURLToPath(new URL('../.data/pglite', import.meta.url));
}
