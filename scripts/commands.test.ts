/** npm run generate, import and sync: --help explains each with exit 0; a bad command line is refused with exit 1 before anything runs. */
import { describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../test/support/command.js';
import { run as generate } from './generate.js';
import { run as importPlan } from './import.js';
import { run as sync } from './sync.js';

/** The commands without a database of their own to test (keys, operations, compose: gateway/**\/cli.test.ts), in-process. */
describe('npm run generate, import and sync', () => {
  it('explain themselves with --help, exit code 0', async () => {
    for (const [run, usage] of [[generate, 'Usage: npm run generate'], [importPlan, 'Usage: npm run import'], [sync, 'PROVIDERS_URL=http://127.0.0.1:4010] npm run sync']] as const) {
      expect(await runCommandInProcess(run, ['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining(usage), stderr: '' });
    }
  });

  it('refuse a bad command line with one line and a pointer to --help, exit code 1, before doing anything', async () => {
    expect(await runCommandInProcess(generate, ['--scale', '0'])).toEqual({ code: 1, stdout: '', stderr: 'generate: --scale must be a whole number from 1 to 1000, got "0"\nRun `npm run generate -- --help` for usage.\n' });
    expect(await runCommandInProcess(generate, ['--seed=-1'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--seed must be a whole number ≥ 0, got "-1"') });
    expect(await runCommandInProcess(importPlan, ['--olny', 'ofcom-s7'])).toMatchObject({ code: 1, stderr: expect.stringContaining("import: Unknown option '--olny'") });
    expect(await runCommandInProcess(sync, ['now'])).toMatchObject({ code: 1, stderr: expect.stringContaining('sync takes no arguments, got "now"') });
    expect(await runCommandInProcess(sync, [], { PROVIDERS_URL: 'ftp://example.com' })).toMatchObject({ code: 1, stderr: expect.stringContaining('PROVIDERS_URL') });
  });
});
