/** Process signals: a doubled SIGTERM (relayed by npm and tsx) drains and stops once; a later second signal stops at once. */
import { expect, it } from 'vitest';
import { spawnProcess, waitForOutput } from '../test/support/processes.js';

/** The slow-stopping fixture as one node process, signalled `times` times `apartMs` apart: its exit code and log. */
async function signalled(times: number, apartMs: number): Promise<{ code: number | null; output: string }> {
  const slow = spawnProcess(process.execPath, ['--import', 'tsx', 'test/support/slow-stop.ts']);
  await waitForOutput(slow, '"msg":"started"', 30_000);
  await new Promise((r) => setTimeout(r, 100)); // the signal handlers are in place once start resolved
  for (let i = 0; i < times; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, apartMs));
    slow.child.kill('SIGTERM');
  }
  return { code: await slow.exited, output: slow.output() };
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
