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
import { parseArgs } from 'node:util';
import { summarizeWorld } from '../providers/generator/summary.js';
import { generateWorld, MAX_SCALE } from '../providers/generator/world.js';
import { processLogger } from '../subgraphs/shared/logger.js';

const logger = processLogger();
const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '1' }, out: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(`usage: npm run generate -- [--scale 1..${MAX_SCALE}] [--seed n] [--out file.jsonl]`);
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) fail(`--scale must be a whole number from 1 to ${MAX_SCALE}, got "${values.scale}"`);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a whole number ≥ 0, got "${values.seed}"`);

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
console.log(JSON.stringify(summary, null, 2));

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
