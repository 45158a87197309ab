// The loader factory every subgraph's context uses: one result per key in key order, missing keys, the batch bound, what each batch fetches.
import { describe, expect, it } from 'vitest';
import { batchLoader, groupedLoader, keyedLoader, MAX_BATCH_SIZE, perKeyLoader } from './loaders.js';

interface Row {
  id: string;
  owner: string;
}

const ROWS: Row[] = [
  { id: 'a', owner: 'x' },
  { id: 'b', owner: 'y' },
  { id: 'c', owner: 'x' },
];

/** A fetch over ROWS that records each batch of keys it is given, answering in its own order. */
function recordingFetch(keyOf: (row: Row) => string) {
  const batches: string[][] = [];
  const fetch = async (keys: readonly string[]) => {
    batches.push([...keys]);
    return ROWS.filter((row) => keys.includes(keyOf(row))).reverse();
  };
  return { batches, fetch };
}

describe('keyedLoader', () => {
  it('answers the keys of one tick with one fetch, one row per key in key order, null for a key without a row', async () => {
    const { batches, fetch } = recordingFetch((row) => row.id);
    const loader = keyedLoader(fetch, (row) => row.id);
    const answers = await Promise.all(['c', 'missing', 'a', 'c'].map((key) => loader.load(key)));
    expect(answers).toEqual([ROWS[2], null, ROWS[0], ROWS[2]]);
    expect(batches).toEqual([['c', 'missing', 'a']]);
  });

  it('never sends a key with a NUL to the fetch (Postgres text cannot hold one): it is null', async () => {
    const { batches, fetch } = recordingFetch((row) => row.id);
    const loader = keyedLoader(fetch, (row) => row.id);
    expect(await loader.loadMany(['a\u0000', 'b'])).toEqual([null, ROWS[1]]);
    expect(batches).toEqual([['b']]);
    expect(await loader.load('\u0000')).toBeNull();
    expect(batches).toHaveLength(1);
  });

  it(`splits a tick of more than ${MAX_BATCH_SIZE} keys into fetches of at most ${MAX_BATCH_SIZE}`, async () => {
    const { batches, fetch } = recordingFetch((row) => row.id);
    const loader = keyedLoader(fetch, (row) => row.id);
    const keys = Array.from({ length: MAX_BATCH_SIZE * 2 + 1 }, (_, i) => `k${i}`);
    const answers = await loader.loadMany(keys);
    expect(answers.every((answer) => answer === null)).toBe(true);
    expect(batches.map((batch) => batch.length)).toEqual([MAX_BATCH_SIZE, MAX_BATCH_SIZE, 1]);
    expect(batches.flat()).toEqual(keys);
  });
});

describe('groupedLoader', () => {
  it('answers every row of each key in one fetch, [] for a key without rows', async () => {
    const { batches, fetch } = recordingFetch((row) => row.owner);
    const loader = groupedLoader(fetch, (row) => row.owner);
    const answers = await Promise.all(['y', 'none', 'x'].map((key) => loader.load(key)));
    // rows in the order the fetch returned them (ROWS reversed)
    expect(answers).toEqual([[ROWS[1]], [], [ROWS[2], ROWS[0]]]);
    expect(batches).toEqual([['y', 'none', 'x']]);
  });

  it('answers [] for a key with a NUL without fetching it', async () => {
    const { batches, fetch } = recordingFetch((row) => row.owner);
    const loader = groupedLoader(fetch, (row) => row.owner);
    expect(await loader.loadMany(['x\u0000', 'y'])).toEqual([[], [ROWS[1]]]);
    expect(batches).toEqual([['y']]);
  });
});

describe('batchLoader and perKeyLoader', () => {
  it('bounds a batch by the shared size unless the caller names its own', async () => {
    const sizes: number[] = [];
    const shared = batchLoader<number, number>(async (keys) => {
      sizes.push(keys.length);
      return keys.map((key) => key * 2);
    });
    expect(await shared.loadMany(Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => i))).toHaveLength(MAX_BATCH_SIZE + 1);
    expect(sizes).toEqual([MAX_BATCH_SIZE, 1]);
    sizes.length = 0;
    const own = batchLoader<number, number>(async (keys) => {
      sizes.push(keys.length);
      return [...keys];
    }, { maxBatchSize: 2 });
    expect(await own.loadMany([1, 2, 3])).toEqual([1, 2, 3]);
    expect(sizes).toEqual([2, 1]);
  });

  it('perKeyLoader calls once per distinct key, and a failing key fails alone', async () => {
    const calls: string[] = [];
    const loader = perKeyLoader(async (key) => {
      calls.push(key);
      if (key === 'bad') throw new Error('provider down');
      return key.toUpperCase();
    });
    const answers = await loader.loadMany(['a', 'bad', 'a', 'b']);
    expect(answers.slice(0, 1).concat(answers.slice(2))).toEqual(['A', 'A', 'B']);
    expect(answers[1]).toBeInstanceOf(Error);
    expect(calls).toEqual(['a', 'bad', 'b']);
  });
});
