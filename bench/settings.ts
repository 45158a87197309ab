/** The benchmarks' own variables, declared with the product's configuration kinds (`npm run bench`, `bench:orders`). */
import { parseVariables, setting, wholeNumber, type Env } from '../platform/settings-schema.js';

const BENCH_SETTINGS = {
  BENCH_ROUNDS: setting(wholeNumber(1, 100_000), 300, { description: 'requests per measurement of `npm run bench`', readBy: [] }),
  BENCH_CONCURRENCY: setting(wholeNumber(1, 1_000), 20, { description: 'clients at once in the throughput measurements', readBy: [] }),
  BENCH_SECONDS: setting(wholeNumber(1, 600), 5, { description: 'seconds each throughput measurement lasts', readBy: [] }),
};

/** The benchmark's variables, typed; a bad value names its variable. */
export function readBenchSettings(env: Env) {
  return parseVariables(env, BENCH_SETTINGS, ['BENCH_ROUNDS', 'BENCH_CONCURRENCY', 'BENCH_SECONDS']);
}
