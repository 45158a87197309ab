/** npm run keys: usage and bad-argument errors, and creating, listing and revoking keys beside a running server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../scripts/keys.js';
import { runCommandInProcess } from '../../test/support/command.js';
import { openTestEdgeDatabase, pgliteCopy, uniqueTenant } from '../../test/support/database.js';
import { createKeyStore } from './store.js';

// The command finds the embedded database where PGLITE_DIR says (a copy of the empty template),
// or DATABASE_URL's.
const copy = process.env.DATABASE_URL ? null : pgliteCopy();
afterAll(() => copy?.remove());
const keys = (...args: string[]) => runCommandInProcess(run, args, copy ? { PGLITE_DIR: copy.dataDir } : {});
const KEY = /^ng_[A-Za-z0-9_-]{43}$/;

describe('npm run keys', () => {
  it('explains itself, and refuses bad arguments or an unknown key with a clear message and exit code 1', async () => {
    // Only the last reaches the database (opening the embedded folder itself), so they may run at once.
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
    expect(noRole.stderr).toContain('Run `npm run keys -- --help` for usage.');
    expect(unknownCommand).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown command "rotate"') });
    expect(wrongOption).toMatchObject({ code: 1, stderr: expect.stringContaining('list does not take --role') });
    expect(unknownKey).toMatchObject({ code: 1, stderr: expect.stringContaining('no active key matches key_000000000000') });
  });

  describe('beside a running server', () => {
    // The server's database stays open (as `npm start` holds it): the commands reach it through its socket.
    let server: Awaited<ReturnType<typeof openTestEdgeDatabase>>;
    beforeAll(async () => {
      server = await openTestEdgeDatabase(copy?.dataDir ?? null);
    });
    afterAll(async () => {
      await server?.close();
    });
    /** The identities the given keys authenticate as, read the way the gateway reads them. */
    const authenticate = (...presented: string[]) => Promise.all(presented.map((k) => createKeyStore(server.db).authenticate(k)));

    it('creates keys (printed alone on the last line), lists them without the key, revokes by id and by key', async () => {
      const tenant = uniqueTenant('cli');
      const created = await keys('create', '--tenant', tenant, '--role', 'partner', '--name', 'Acme integration');
      expect(created.code).toBe(0);
      if (copy) expect(created.stdout).toMatch(/served by the running process \d+/);
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
});
