/** npm run operations: refuses invalid manifests and bad arguments, registers good ones; compose refuses a supergraph breaking one. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run as compose } from '../../scripts/compose.js';
import { run as operations } from '../../scripts/operations.js';
import { runCommandInProcess } from '../../test/support/command.js';
import { openTestEdgeDatabase, pgliteCopy, uniqueTenant } from '../../test/support/database.js';
import { temporaryFolder } from '../../test/support/pglite-template.js';
import { edgeTables } from '../edge-db.js';
import { compileOperations, MANIFEST_FORMAT, PROJECT_MANIFEST_FILE, type ManifestOperation } from './manifest.js';

const files = temporaryFolder('numbergraph-operations-cli-');
const folder = files.path;
// The commands find the embedded database where PGLITE_DIR says (a copy of the empty template), or DATABASE_URL's.
const copy = process.env.DATABASE_URL ? null : pgliteCopy();
const pgliteDir = copy?.dataDir ?? null;
afterAll(() => {
  files.remove();
  copy?.remove();
});
const env = copy ? { PGLITE_DIR: copy.dataDir } : {};
const run = (script: 'operations' | 'compose', ...args: string[]) => runCommandInProcess(script === 'compose' ? compose : operations, args, env);
const manifestFile = (name: string, ...operations: ManifestOperation[]) => {
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify({ format: MANIFEST_FORMAT, version: 1, operations }));
  return file;
};
const operation = (text: string) => compileOperations([{ file: 'test.graphql', text }])[0]!;
const countryOf = operation('query CountryOf($e164: String!) { number(e164: $e164) { country } }');
const misspelt = operation('query Misspelt($e164: String!) { number(e164: $e164) { contry } }');

describe('npm run operations', () => {
  it('refuses a manifest naming the operation that does not validate and why, registers nothing, then registers a good one', async () => {
    const tenant = uniqueTenant('cli');
    // the server's database stays open (as `npm start` holds it): the commands reach it through its socket
    const server = await openTestEdgeDatabase(pgliteDir);
    try {
      const refused = await run('operations', 'register', '--tenant', tenant, manifestFile('bad.json', countryOf, misspelt));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`refused 1 of 2 operations; nothing registered for tenant ${tenant}`);
      expect(refused.stderr).toMatch(/- Misspelt \([0-9a-f]{12}…\): it does not validate against the supergraph: Cannot query field "contry" on type "Number"/);

      const registered = await run('operations', 'register', '--tenant', tenant, manifestFile('good.json', countryOf));
      expect(registered).toMatchObject({ code: 0, stdout: expect.stringContaining(`registered 1 operations for tenant ${tenant} (replacing 0)`) });
      expect(registered.stderr).toContain(`note: tenant ${tenant} has no active partner key yet`);
      const listed = await run('operations', 'list', '--tenant', tenant);
      expect(listed.stdout).toMatch(new RegExp(`\\(project\\)\\s+Lineage\\s+query\\s+[0-9a-f]{64}`));
      expect(listed.stdout).toMatch(new RegExp(`${tenant}\\s+CountryOf\\s+query\\s+${countryOf.id}`));
    } finally {
      await server.close();
    }
  });

  it('refuses bad arguments and files that are not manifests with a clear message and exit code 1', async () => {
    const notJson = join(folder, 'not.json');
    writeFileSync(notJson, 'query { a }');
    const [noTenant, missing, garbage, wrongFormat] = await Promise.all([
      run('operations', 'register', manifestFile('x.json', countryOf)),
      run('operations', 'register', '--tenant', 'acme', join(folder, 'missing.json')),
      run('operations', 'register', '--tenant', 'acme', notJson),
      run('operations', 'register', '--tenant', 'acme', manifestFile('y.json', { ...countryOf, id: 'abc' })),
    ]);
    const composeHelp = await run('compose', '--help');
    expect(composeHelp).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: npm run compose') });
    expect(await run('compose', 'now')).toMatchObject({ code: 1, stderr: expect.stringContaining('compose takes no arguments, got "now"') });
    expect(noTenant).toMatchObject({ code: 1, stderr: expect.stringContaining('register needs --tenant <id>') });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('missing.json: no such file') });
    expect(garbage).toMatchObject({ code: 1, stderr: expect.stringContaining('not.json is not JSON') });
    expect(wrongFormat).toMatchObject({ code: 1, stderr: expect.stringContaining('operation 1 ("CountryOf"): "id" must be a sha256') });
  });

  it('compose refuses a supergraph that would break a registered operation, naming it, and writes nothing', async () => {
    // An operation registered under an earlier supergraph, which the current one no longer serves.
    const tenant = uniqueTenant('legacy');
    const legacy = operation('query LegacyRating($e164: String!) { number(e164: $e164) { reputationScore } }');
    const database = await openTestEdgeDatabase(pgliteDir);
    const manifestBefore = readFileSync(PROJECT_MANIFEST_FILE, 'utf8');
    try {
      await edgeTables(database.db).insertInto('tenant_operations').values({ tenant, ...legacy }).execute();
      await database.close();
      const composed = await run('compose');
      expect(composed.code).toBe(1);
      expect(composed.stderr).toMatch(/the composed supergraph would break \d+ persisted operations; nothing written/);
      expect(composed.stderr).toContain(`- LegacyRating (registered by tenant ${tenant}): it does not validate against the supergraph: Cannot query field "reputationScore" on type "Number"`);
      expect(readFileSync(PROJECT_MANIFEST_FILE, 'utf8')).toBe(manifestBefore);
    } finally {
      // A shared Postgres keeps no broken operation behind (the PGlite folder goes with the test).
      if (process.env.DATABASE_URL) {
        const cleanup = await openTestEdgeDatabase();
        await edgeTables(cleanup.db).deleteFrom('tenant_operations').where('tenant', '=', tenant).execute();
        await cleanup.close();
      }
    }
  });
});
