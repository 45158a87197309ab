/**
 * `npm run generate`: builds the provider world (providers, numbers on real ranges, offers)
 * deterministically and prints its summary; with --out, writes it as JSON Lines (one
 * `{ kind, ... }` record a line: meta, provider, number, offer) for benchmarks and inspection.
 * The simulator does not need the file: it generates the same world in memory from the seed.
 *
 *   npm run generate -- --scale 10 [--seed 7] [--out world.jsonl]
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { summarizeWorld } from '../providers/generator/summary.js';
import { generateWorld, MAX_SCALE } from '../providers/generator/world.js';
import { createLogger } from '../platform/logger.js';
import { defineCommand, parseCommandLine, runAsMain, UsageError } from './cli.js';

const HELP = `Usage: npm run generate -- [--scale 1..${MAX_SCALE}] [--seed n] [--out file.jsonl]

Builds the provider world (providers, numbers on real ranges, offers) deterministically from the
seed and prints its summary; with --out, also writes it as JSON Lines (one { kind, ... } record a
line: meta, provider, number, offer). The simulator generates the same world in memory.
`;

/** `npm run generate` in-process: its exit code. */
export const run = defineCommand('generate', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '1' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`generate takes no arguments, got "${positionals.join(' ')}"`);
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) throw new UsageError(`--scale must be a whole number from 1 to ${MAX_SCALE}, got "${values.scale}"`);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got "${values.seed}"`);
  const logger = createLogger(env);

  const world = generateWorld({
    scale,
    seed,
    onProgress: (p) => logger.info({ market: p.market, markets: `${p.done}/${p.of}`, numbers: p.numbers, offers: p.offers }, 'market generated'),
  });
  const summary = summarizeWorld(world);
  logger.info({ providers: summary.providers, numbers: summary.numbers, offers: summary.offers }, 'world generated');

  if (values.out) {
    const out = createWriteStream(values.out);
    const write = async (record: object) => {
      if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
    };
    await write({ kind: 'meta', scale, seed, markets: world.markets });
    for (const provider of world.providers) await write({ kind: 'provider', ...provider });
    let written = 0;
    for (const number of world.numbers) await write({ kind: 'number', ...number });
    for (const offer of world.offers) {
      await write({ kind: 'offer', ...offer });
      if (++written % 100_000 === 0) logger.info({ offers: `${written}/${world.offers.length}` }, 'writing offers');
    }
    out.end();
    await once(out, 'finish');
    logger.info({ file: values.out }, 'world written');
  }
  io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
});

runAsMain(import.meta.url, run);
