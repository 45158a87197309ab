/** npm start on a port in use exits 1 at once with one line naming the port, before opening or importing anything. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runToEnd } from '../test/support/processes.js';

let taken: Server;
let port: number;
const dir = mkdtempSync(join(tmpdir(), 'numbergraph-start-'));

beforeAll(async () => {
  taken = createServer();
  port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
});
afterAll(() => {
  taken.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm start` to its end: its exit code and output. */
const npmStart = (env: Record<string, string>) => runToEnd('npm', ['start', '--silent'], { env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env } });

it('npm start on a port in use exits 1 at once with one line naming the port, before opening or importing anything', async () => {
  const pglite = join(dir, 'pglite');
  const { code, output } = await npmStart({ PORT: String(port), HOST: '127.0.0.1', PGLITE_DIR: pglite });
  expect(code).toBe(1);
  const fatal = output.split('\n').filter((line) => line.includes('"level":60'));
  expect(fatal).toHaveLength(1);
  expect(JSON.parse(fatal[0]!).msg).toBe(`port ${port} on 127.0.0.1 is already in use: stop what listens there, or set PORT to a free port`);
  expect(output).not.toMatch(/EADDRINUSE|\bat \S+ \(/);
  expect(existsSync(pglite)).toBe(false);
});

it('npm start -- --help prints the variables with their defaults and exits 0, starting nothing; an unknown argument exits 1 naming it', async () => {
  const pglite = join(dir, 'pglite-help');
  const help = await runToEnd('npm', ['start', '--silent', '--', '--help'], { env: { PGLITE_DIR: pglite } });
  expect(help.code).toBe(0);
  expect(help.output).toMatch(/\n  PORT +default: 4000; a whole number from 0 to 65535/);
  expect(existsSync(pglite)).toBe(false);
  const wrong = await runToEnd('npm', ['start', '--silent', '--', '--prot=4000'], { env: { PGLITE_DIR: pglite } });
  expect(wrong.code).toBe(1);
  expect(wrong.output).toContain('npm start: unknown argument "--prot=4000"');
});
