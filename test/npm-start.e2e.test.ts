/** npm start as a user runs it: npm run keys works beside it, and SIGTERM to npm stops everything and releases the database. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort, runToEnd, spawnProcess, waitForOutput, type Spawned } from './support/processes.js';
import { pgliteCopy } from './support/database.js';
import { postJson } from './support/http.js';

/**
 * `npm start` as a user runs it, on an embedded database already holding the plan (the e2e
 * snapshot): `npm run keys` works beside it and the running server accepts the new key at
 * once; SIGTERM to the npm process alone stops everything and releases the database.
 */
const snapshot = inject('pglitePlan');
// the folder `npm start` finds: the plan imported, as a previous run left it
const copy = snapshot ? pgliteCopy('plan') : null;
const pgliteDir = copy?.dataDir ?? '';
let npm: Spawned;
let port: number;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  if (!snapshot) return;
  port = await freePort();
  npm = spawnProcess('npm', ['start'], {
    env: { PORT: String(port), HOST: '127.0.0.1', PGLITE_DIR: pgliteDir, LOG_FORMAT: 'json', LOG_LEVEL: 'info', NUMBERGRAPH_MODE: 'production', SYNC_INTERVAL_SECONDS: '0', DATABASE_URL: '' },
  });
  await waitForOutput(npm, 'numbergraph gateway ready', 240_000);
}, 300_000);

afterAll(async () => {
  if (npm?.child.pid && npm.child.exitCode === null) npm.child.kill('SIGKILL');
  copy?.remove();
});

it.skipIf(!snapshot)('npm run keys creates a key while npm start runs, and the running server accepts it at once', async () => {
  const created = await runToEnd('npm', ['run', '--silent', 'keys', '--', 'create', '--tenant', 'acme', '--role', 'frontend', '--name', 'while running'], { env: { PGLITE_DIR: pgliteDir, DATABASE_URL: '' } });
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/served by the running process \d+/);
  const key = created.stdout.trim().split('\n').at(-1)!;
  const response = await postJson(`http://127.0.0.1:${port}/`, { query: '{ number(e164: "+447400123456") { country } }' }, { authorization: `Bearer ${key}` });
  expect(await response.json()).toEqual({ data: { number: { country: 'GB' } } });
});

it.skipIf(!snapshot)('SIGTERM to the npm process alone drains and stops the server, and leaves no process and no lock behind', async () => {
  const output = () => npm.output();
  const serverPid = JSON.parse(output().split('\n').find((line) => line.includes('numbergraph gateway ready'))!).pid as number;
  expect(serverPid).not.toBe(npm.child.pid);
  const lock = readFileSync(`${pgliteDir}.lock`, 'utf8');
  const socketDir = lock.split('\n')[1]!;
  expect(existsSync(socketDir)).toBe(true);
  process.kill(npm.child.pid!, 'SIGTERM');
  expect(await npm.exited).toBe(0);
  expect(output()).toMatch(/"msg":"draining and stopping"[\s\S]*"msg":"stopped"/);
  expect(alive(serverPid)).toBe(false);
  expect(existsSync(`${pgliteDir}.lock`)).toBe(false);
  expect(existsSync(socketDir)).toBe(false);
});

it.skipIf(snapshot)('npm start on the embedded database: skipped with DATABASE_URL (the e2e run has no PGlite snapshot to start from)', () => {});
