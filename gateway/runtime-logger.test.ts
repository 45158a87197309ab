/** The Hive runtime's logger over pino: never reads LOG_LEVEL itself, follows pino's level, keeps client mistakes out of the errors. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { runtimeLogger } from './runtime-logger.js';

const saved = process.env.LOG_LEVEL;
afterEach(() => {
  process.env.LOG_LEVEL = saved;
});

/** A pino logger at `level` whose lines land in `lines`. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

it('works under LOG_LEVEL=silent and fatal, which the library\'s own logger refuses, and leaves the environment alone', () => {
  for (const level of ['silent', 'fatal']) {
    process.env.LOG_LEVEL = level;
    const { logger } = capture(level);
    const log = runtimeLogger(logger);
    expect(() => log.child({ requestId: 'r1' }).child('[plan] ').info('hello')).not.toThrow();
    expect(log.level).toBe(level === 'silent' ? false : 'error');
    expect(process.env.LOG_LEVEL).toBe(level);
  }
});

it("writes through pino at pino's level, with the children's attributes and prefixes, interpolated", async () => {
  const { logger, lines } = capture('info');
  const log = runtimeLogger(logger).child({ requestId: 'r1' }).child('[plan] ');
  log.debug('not written');
  log.info({ subgraph: 'inventory' }, 'fetched %d rows', 3);
  log.warn(() => ({ lazy: true }), 'careful');
  await new Promise((resolve) => setImmediate(resolve));
  expect(lines.map(({ level, msg, requestId, subgraph, lazy, component }) => ({ level, msg, requestId, subgraph, lazy, component }))).toEqual([
    { level: 30, msg: '[plan] fetched 3 rows', requestId: 'r1', subgraph: 'inventory', lazy: undefined, component: 'gateway-runtime' },
    { level: 40, msg: '[plan] careful', requestId: 'r1', subgraph: undefined, lazy: true, component: 'gateway-runtime' },
  ]);
});

it("logs a client's mistake at debug, not as our error", async () => {
  const { logger, lines } = capture('info');
  const log = runtimeLogger(logger);
  log.error({ extensions: { code: 'BAD_USER_INPUT' } }, 'bad input');
  log.error({ extensions: { http: { status: 404 } } }, 'not found');
  log.error({ extensions: { code: 'INTERNAL_SERVER_ERROR' } }, 'ours');
  await new Promise((resolve) => setImmediate(resolve));
  expect(lines.map((line) => line.msg)).toEqual(['ours']);
});
