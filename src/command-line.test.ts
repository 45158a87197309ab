/** The servers' command line: --help lists every variable with its default and starts nothing; anything else is refused by name. */
import { expect, it } from 'vitest';
import { SETTINGS } from '../platform/settings-schema.js';
import { serverCommandLine, type ServerProgram } from './command-line.js';

function run(argv: string[], program: ServerProgram = 'start') {
  let stdout = '';
  let stderr = '';
  const code = serverCommandLine(argv, program, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

it('starts with no arguments', () => {
  expect(run([])).toEqual({ code: null, stdout: '', stderr: '' });
});

it('npm start -- --help (and -h) prints every variable by process, with its default, and exits 0', () => {
  const { code, stdout, stderr } = run(['--help']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/^Usage: \[VARIABLE=value \.\.\.\] npm start \[-- --help\]/);
  for (const name of Object.keys(SETTINGS)) expect(stdout).toMatch(new RegExp(`\\n  ${name} +default: `));
  expect(stdout).toMatch(/Read by `npm start`[^\n]*:\n  LOG_LEVEL +default: info; fatal \| error/);
  expect(stdout).toMatch(/\n  MAX_DEPTH +default: 12; a whole number from 1 to 100\n +selection nesting/);
  expect(stdout).toContain('Read by `npm run start:gateway`');
  expect(stdout).toContain('Read by `npm run start:subgraph`');
  expect(run(['-h'])).toEqual({ code: 0, stdout, stderr: '' });
});

it("the gateway's and a subgraph service's --help list their own variables", () => {
  const gateway = run(['--help'], 'start:gateway').stdout;
  expect(gateway).toContain('  CORS_ORIGINS ');
  expect(gateway).toContain('  ALLOCATIONS_URL ');
  expect(gateway).not.toContain('Read by `npm start`');
  const subgraph = run(['--help'], 'start:subgraph').stdout;
  expect(subgraph).toMatch(/\n  SUBGRAPH +default: none: required; allocations \| inventory/);
  expect(subgraph).not.toContain('  CORS_ORIGINS ');
});

it('an unknown argument fails, naming it', () => {
  expect(run(['--port', '4000'])).toEqual({
    code: 1,
    stdout: '',
    stderr: 'npm start: unknown argument "--port": it takes only --help (it is configured by environment variables).\nRun `npm start -- --help` for them.\n',
  });
  expect(run(['gateway'], 'start:subgraph').stderr).toMatch(/^npm run start:subgraph: unknown argument "gateway"/);
});
