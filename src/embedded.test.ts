/** The embedded default: a port in use is refused without crashing and its databases closed; PGlite kept under a file path, not a URL. */
import { createServer, type AddressInfo } from 'node:net';
import { isAbsolute } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { pgliteCopy } from '../test/support/database.js';
import { pgliteDirFromEnv, startEmbedded } from './embedded.js';

describe('the embedded default', () => {
  it('refuses a port in use without crashing the process, and closes its databases after it though the gateway never started', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    // one start (on a copy of the empty template: migrations only) for both: they are one story
    const copy = pgliteCopy();
    try {
      const embedded = await startEmbedded({ env: {}, logger: createLogger({ LOG_LEVEL: 'silent' }), pgliteDir: copy.dataDir, importPlan: 'never', providers: { disabled: true } });
      const database = embedded.databases[0]!;
      await expect(sql`select 1`.execute(database.db)).resolves.toBeDefined();
      await expect(embedded.gateway.listen(port, '127.0.0.1')).rejects.toThrow(/is already in use/);
      await expect(embedded.close()).resolves.toBeUndefined();
      await expect(sql`select 1`.execute(database.db)).rejects.toThrow();
    } finally {
      copy.remove();
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('keeps PGlite under the project as a file path, not a URL path (no %20 for a space)', () => {
    const dir = pgliteDirFromEnv({});
    expect(isAbsolute(dir)).toBe(true);
    expect(dir).toMatch(/[\\/]\.data[\\/]pglite$/);
    expect(dir).toBe(decodeURIComponent(new URL('../.data/pglite', import.meta.url).pathname));
    expect(pgliteDirFromEnv({ PGLITE_DIR: '/tmp/a folder/pglite' })).toBe('/tmp/a folder/pglite');
  });
});
