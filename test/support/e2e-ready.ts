/** The e2e project's setup file: waits until the global setup's background import is done (or says why it failed). */
import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';

/** Longer than any import of the plan on a busy machine; a hung import fails the files instead of the whole run hanging. */
const TIMEOUT_MS = 15 * 60_000;

const ready = inject('e2eReady');
const deadline = Date.now() + TIMEOUT_MS;
while (!existsSync(ready)) {
  if (Date.now() > deadline) throw new Error(`the e2e template was not ready after ${TIMEOUT_MS / 60_000} minutes (${ready} never appeared)`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const { failure } = JSON.parse(readFileSync(ready, 'utf8')) as { failure: string | null };
if (failure) throw new Error(failure);
