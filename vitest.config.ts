/** Vitest projects: unit tests beside the code and e2e tests under test/, on PGlite templates or Postgres with DATABASE_URL. */
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects, split by suffix: `*.test.ts` beside the code (unit, and single-module tests
 * against a database) and `*.e2e.test.ts` under test/ (through the gateway over HTTP).
 * Every database test runs on PGlite by default and on real Postgres when DATABASE_URL is set:
 * on PGlite, each test file copies a template folder its project's global setup built once
 * (test/support/pglite-template.ts), instead of running initdb, migrations or the import again.
 *
 * The unit files run first (sequence.groupOrder): meanwhile the e2e global setup imports the
 * plan in a process of its own, and each e2e file waits for it (test/support/e2e-ready.ts).
 */
export default defineConfig({
  // Node resolves graphql to its CommonJS build (as @apollo/* do); Vite would pick the ESM
  // build and two copies of graphql cannot share a schema.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    // Two files at once even on two cores (vitest's default there is one): a file spends much of
    // its time waiting (PGlite's thread, a spawned process, a provider's delay, a timer).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // the tests' own logging: silent JSON unless LOG_LEVEL says otherwise (the logger knows nothing of tests)
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', LOG_FORMAT: process.env.LOG_FORMAT ?? 'json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['platform/**/*.test.ts', 'contracts/**/*.test.ts', 'subgraphs/**/*.test.ts', 'providers/**/*.test.ts', 'gateway/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
          globalSetup: ['test/support/unit-setup.ts'],
          // before the e2e files (whose template is still being imported meanwhile); not 0, which
          // vitest would run last when it runs one file at a time (--maxWorkers 1)
          sequence: { groupOrder: 1 },
          // unit files share their worker's loaded modules (graphql, the runtime, the subgraphs):
          // loading them again for each of 57 files cost 41 s of the 130 s the project took
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/e2e-ready.ts'],
          sequence: { groupOrder: 2 },
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
