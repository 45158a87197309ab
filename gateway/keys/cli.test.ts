import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestEdgeDatabase, runScript, uniqueTenant } from '../edge-test-database.js';
import { createKeyStore } from './store.js';

const folder = mkdtempSync(join(tmpdir(), 'numbergraph-keys-cli-'));
const pgliteDir = join(folder, 'pglite');
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const keys = (...args: string[]) => runScript('keys', args, pgliteDir);
const KEY = /^ng_[A-Za-z0-9_-]{43}$/;

/** The identities the given keys authenticate as, read the way the gateway reads them. */
async function authenticate(...presented: string[]) {
  const database = await openTestEdgeDatabase(pgliteDir);
  try {
    const store = createKeyStore(database.db);
    return await Promise.all(presented.map((k) => store.authenticate(k)));
  } finally {
    await database.close();
  }
}

describe('npm run keys', () => {
  it('explains itself, and refuses bad arguments or an unknown key with a clear message and exit code 1', async () => {
    // Only the last reaches the database, so they may run at once.
    const [help, noRole, unknownCommand, wrongOption, unknownKey] = await Promise.all([
      keys('--help'),
      keys('create', '--tenant', 'acme'),
      keys('rotate'),
      keys('list', '--role', 'partner'),
      keys('revoke', 'key_000000000000'),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('create --tenant <id> --role <role> [--name <text>]');
    expect(noRole).toMatchObject({ code: 1, stderr: expect.stringContaining('create needs --role <partner|frontend|analyst|admin>') });
    expect(unknownCommand).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown command "rotate"') });
    expect(wrongOption).toMatchObject({ code: 1, stderr: expect.stringContaining('list does not take --role') });
    expect(unknownKey).toMatchObject({ code: 1, stderr: expect.stringContaining('no active key matches key_000000000000') });
  });

  it('creates keys (printed alone on the last line), lists them without the key, revokes by id and by key', async () => {
    const tenant = uniqueTenant('cli');
    const created = await keys('create', '--tenant', tenant, '--role', 'partner', '--name', 'Acme integration');
    expect(created.code).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    const key = lines.at(-1)!;
    expect(key).toMatch(KEY);
    expect(lines.slice(0, -1).join('\n')).not.toContain(key);
    const id = /created key (key_[0-9a-f]{12})/.exec(created.stdout)![1]!;
    const other = (await keys('create', '--tenant', tenant, '--role', 'frontend')).stdout.trimEnd().split('\n').at(-1)!;
    expect(other).toMatch(KEY);

    const listed = await keys('list', '--tenant', tenant);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+partner\\s+${tenant}\\s+\\S+\\s+active\\s+Acme integration`));
    for (const k of [key, other]) expect(listed.stdout).not.toContain(k.slice(3));
    expect(await authenticate(key, other)).toEqual([
      { role: 'partner', tenant, keyId: id },
      { role: 'frontend', tenant, keyId: expect.stringMatching(/^key_/) },
    ]);

    expect(await keys('revoke', id)).toMatchObject({ code: 0, stdout: `revoked key ${id}\n` });
    const byKey = await keys('revoke', other);
    expect(byKey).toMatchObject({ code: 0, stdout: 'revoked the key given\n' });
    expect(await authenticate(key, other)).toEqual([null, null]);
  });
});
