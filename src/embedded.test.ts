import { createServer, type AddressInfo } from 'node:net';
import { isAbsolute } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../subgraphs/shared/logger.js';
import { pgliteDirFromEnv, startEmbedded } from './embedded.js';

describe('the embedded default', () => {
  it('closes its databases even when the gateway never started (it could not listen)', async () => {
    const embedded = await startEmbedded({ env: {}, logger: createLogger({ LOG_LEVEL: 'silent' }), pgliteDir: null, importPlan: 'never', providers: { disabled: true } });
    const database = embedded.databases[0]!;
    await expect(sql`select 1`.execute(database.db)).resolves.toBeDefined();
    await expect(embedded.close()).resolves.toBeUndefined();
    await expect(sql`select 1`.execute(database.db)).rejects.toThrow();
  });

  it('refuses a port in use without crashing the process, and closes after it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const embedded = await startEmbedded({ env: {}, logger: createLogger({ LOG_LEVEL: 'silent' }), pgliteDir: null, importPlan: 'never', providers: { disabled: true } });
    try {
      await expect(embedded.gateway.listen(port, '127.0.0.1')).rejects.toThrow(/is already in use/);
    } finally {
      await expect(embedded.close()).resolves.toBeUndefined();
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
