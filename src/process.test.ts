import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The slow-stopping fixture as one node process, signalled `times` times `apartMs` apart: its exit code and log. */
async function signalled(times: number, apartMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/slow-stop.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let waited = 0; waited < 30_000 && !output.includes('"msg":"started"'); waited += 50) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100)); // the signal handlers are in place once start resolved
  for (let i = 0; i < times; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, apartMs));
    child.kill('SIGTERM');
  }
  return { code: await exited, output };
}

it('drains and stops once when SIGTERM comes twice at once (sent to the process group, relayed by npm and tsx)', async () => {
  const { code, output } = await signalled(2, 20);
  expect(output).toMatch(/"msg":"draining and stopping"[\s\S]*"msg":"stopped"/);
  expect(output).not.toMatch(/stopping at once/);
  expect(code).toBe(0);
});

it('stops at once on a second signal sent well after the first', async () => {
  const { code, output } = await signalled(2, 1_200);
  expect(output).toMatch(/"msg":"stopping at once"/);
  expect(code).toBe(1);
});
